/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Small helpers the window's parts share.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

char *pp_ui_reason_for_people (const char *reason);

G_END_DECLS
