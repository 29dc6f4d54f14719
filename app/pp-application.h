/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpApplication: the single-instance AdwApplication. `parapix FOLDER` or `parapix FILE…` opens
 * the window on them; a second launch hands its arguments to the running instance.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PP_TYPE_APPLICATION (pp_application_get_type ())
G_DECLARE_FINAL_TYPE (PpApplication, pp_application, PP, APPLICATION, AdwApplication)

PpApplication *pp_application_new  (void);
int            pp_application_main (int    argc,
                                    char **argv);

G_END_DECLS
