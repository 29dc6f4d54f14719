/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpImage: the shared 8-bit RGB/RGBA pixel buffer every filter reads and writes. Workers write
 * disjoint row bands of one destination, so pixels need no lock.
 */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "image/pp-types.h"

G_BEGIN_DECLS

#define PP_TYPE_IMAGE (pp_image_get_type ())

struct _PpImage
{
  int width;
  int height;
  int stride;   /* bytes from one row to the next; >= width * channels */
  int channels; /* 3 (RGB) or 4 (RGBA, alpha last, not premultiplied) */
  guint8 *data;

  /*< private >*/
  gatomicrefcount ref_count;
  GDestroyNotify free_func;
  gpointer free_data;
};

/* The last row of a buffer wrapped from a GdkPixbuf may be shorter than the stride, so code
 * must never touch the padding of a row. */
#define PP_IMAGE_ROW(image, y) ((image)->data + (gsize) (y) * (gsize) (image)->stride)

GType      pp_image_get_type        (void) G_GNUC_CONST;
PpImage   *pp_image_new             (int             width,
                                     int             height,
                                     int             channels);
PpImage   *pp_image_new_with_stride (int             width,
                                     int             height,
                                     int             channels,
                                     int             stride);
PpImage   *pp_image_new_for_data    (guint8         *data,
                                     int             width,
                                     int             height,
                                     int             channels,
                                     int             stride,
                                     GDestroyNotify  free_func,
                                     gpointer        free_data);
PpImage   *pp_image_new_for_pixbuf  (GdkPixbuf      *pixbuf);
PpImage   *pp_image_ref             (PpImage        *image);
void       pp_image_unref           (PpImage        *image);
PpImage   *pp_image_copy            (const PpImage  *image);
GdkPixbuf *pp_image_to_pixbuf       (PpImage        *image);
gboolean   pp_image_equal           (const PpImage  *a,
                                     const PpImage  *b);
guint64    pp_image_get_checksum    (const PpImage  *image);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpImage, pp_image_unref)

G_END_DECLS
