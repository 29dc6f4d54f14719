/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpThumbnailCell: one cell of the thumbnail grid — the thumbnail (or a placeholder while it
 * loads, or a broken-file tile with the reason) above the file name.
 */
#pragma once

#include <gtk/gtk.h>

#include "pp-image-item.h"

G_BEGIN_DECLS

#define PP_TYPE_THUMBNAIL_CELL (pp_thumbnail_cell_get_type ())
G_DECLARE_FINAL_TYPE (PpThumbnailCell, pp_thumbnail_cell, PP, THUMBNAIL_CELL, GtkWidget)

GtkWidget   *pp_thumbnail_cell_new      (void);
void         pp_thumbnail_cell_set_item (PpThumbnailCell *self,
                                         PpImageItem     *item);
PpImageItem *pp_thumbnail_cell_get_item (PpThumbnailCell *self);
char        *pp_thumbnail_cell_describe (PpImageItem     *item);

G_END_DECLS
