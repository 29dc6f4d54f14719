/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpFailuresDialog: the files of a run that failed, each with its reason in words.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PP_TYPE_FAILURES_DIALOG (pp_failures_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PpFailuresDialog, pp_failures_dialog, PP, FAILURES_DIALOG, AdwWindow)

PpFailuresDialog *pp_failures_dialog_new     (GtkWindow        *parent,
                                              GListModel       *failures);
char             *pp_failures_dialog_to_text (PpFailuresDialog *self);

G_END_DECLS
