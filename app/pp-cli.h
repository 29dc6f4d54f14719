/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The headless command line: --batch, --list-filters, --version. Runs without a display.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean pp_cli_wants_headless (int    argc,
                                char **argv);
int      pp_cli_run            (int    argc,
                                char **argv);

G_END_DECLS
