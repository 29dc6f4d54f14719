/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpWindow: the main window — a folder's thumbnails, the live preview, the filter chain, the
 * batch controls and the timings of every run.
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PP_TYPE_WINDOW (pp_window_get_type ())
G_DECLARE_FINAL_TYPE (PpWindow, pp_window, PP, WINDOW, AdwApplicationWindow)

PpWindow *pp_window_new        (AdwApplication *application);
void      pp_window_open_files (PpWindow       *self,
                                GFile         **files,
                                guint           n_files);

G_END_DECLS
