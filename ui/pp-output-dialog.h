/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpOutputDialog: where and how a batch writes — folder, format, quality, name template,
 * collision policy, orientation — stored in GSettings as the user changes them.
 */
#pragma once

#include <adwaita.h>

#include "io/pp-io.h"

G_BEGIN_DECLS

#define PP_TYPE_OUTPUT_DIALOG (pp_output_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PpOutputDialog, pp_output_dialog, PP, OUTPUT_DIALOG, AdwPreferencesWindow)

PpOutputDialog *pp_output_dialog_new           (GtkWindow      *parent,
                                                GSettings      *settings,
                                                GFile          *default_folder);
void            pp_output_dialog_choose_folder (PpOutputDialog *self);
char           *pp_output_dialog_check_template (const char    *template,
                                                 PpFormat       format,
                                                 char         **example);

G_END_DECLS
