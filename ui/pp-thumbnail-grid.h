/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpThumbnailGrid: the open folder as a grid of thumbnails. The file list fills asynchronously;
 * thumbnails are decoded small on the shared pool, only for cells that are bound (visible), and
 * reach the main thread through one coalesced source.
 */
#pragma once

#include <gtk/gtk.h>

#include "pp-image-item.h"

G_BEGIN_DECLS

#define PP_TYPE_THUMBNAIL_GRID (pp_thumbnail_grid_get_type ())
G_DECLARE_FINAL_TYPE (PpThumbnailGrid, pp_thumbnail_grid, PP, THUMBNAIL_GRID, GtkWidget)

void         pp_thumbnail_grid_load_folder       (PpThumbnailGrid *self,
                                                  GFile           *folder);
void         pp_thumbnail_grid_load_files        (PpThumbnailGrid *self,
                                                  GFile          **files,
                                                  guint            n_files);
GListModel  *pp_thumbnail_grid_get_model         (PpThumbnailGrid *self);
PpImageItem *pp_thumbnail_grid_get_selected_item (PpThumbnailGrid *self);
void         pp_thumbnail_grid_select            (PpThumbnailGrid *self,
                                                  guint            position);
gboolean     pp_thumbnail_grid_get_loading       (PpThumbnailGrid *self);
guint        pp_thumbnail_grid_get_n_thumbnails  (PpThumbnailGrid *self);
guint        pp_thumbnail_grid_get_n_other_files (PpThumbnailGrid *self);
gboolean     pp_thumbnail_grid_get_sizes_known   (PpThumbnailGrid *self);
void         pp_thumbnail_grid_set_single_click_activate (PpThumbnailGrid *self,
                                                          gboolean         single_click);

G_END_DECLS
