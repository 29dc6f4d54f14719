/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Small helpers the window's parts share.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

char *pp_ui_reason_for_people (const char  *reason);
void  pp_ui_get_foreground    (GtkWidget   *widget,
                               GdkRGBA     *colour);
void  pp_ui_snapshot_text     (GtkWidget   *widget,
                               GtkSnapshot *snapshot,
                               const char  *text,
                               double       x,
                               double       y,
                               double       xalign,
                               gboolean     dim);

G_END_DECLS
