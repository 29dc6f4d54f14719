/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpImageItem: one image of the open folder in the thumbnail grid's model — its file, and once
 * decoded its thumbnail, or the reason it could not be read. Main thread only.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  PP_THUMBNAIL_NONE,    /* not requested: never bound to a visible cell */
  PP_THUMBNAIL_QUEUED,  /* bound, waiting for a worker */
  PP_THUMBNAIL_LOADING, /* a worker is decoding it */
  PP_THUMBNAIL_READY,
  PP_THUMBNAIL_FAILED,
} PpThumbnailState;

#define PP_TYPE_IMAGE_ITEM (pp_image_item_get_type ())
G_DECLARE_FINAL_TYPE (PpImageItem, pp_image_item, PP, IMAGE_ITEM, GObject)

PpImageItem      *pp_image_item_new           (GFile        *file,
                                               const char   *display_name);
GFile            *pp_image_item_get_file      (PpImageItem  *self);
const char       *pp_image_item_get_name      (PpImageItem  *self);
int               pp_image_item_compare       (gconstpointer a,
                                               gconstpointer b);
GdkPaintable     *pp_image_item_get_thumbnail (PpImageItem  *self);
const char       *pp_image_item_get_error     (PpImageItem  *self);
PpThumbnailState  pp_image_item_get_state     (PpImageItem  *self);
void              pp_image_item_set_state     (PpImageItem  *self,
                                               PpThumbnailState state);
void              pp_image_item_set_thumbnail (PpImageItem  *self,
                                               GdkPaintable *thumbnail);
void              pp_image_item_set_error     (PpImageItem  *self,
                                               const char   *message);
void              pp_image_item_set_size      (PpImageItem  *self,
                                               int           width,
                                               int           height);
void              pp_image_item_get_size      (PpImageItem  *self,
                                               int          *width,
                                               int          *height);

G_END_DECLS
