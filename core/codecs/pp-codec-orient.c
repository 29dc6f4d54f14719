/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Turning stored pixels upright by an EXIF orientation (1..8, as TIFF tag 274 defines them:
 * TIFF 6.0, section 8; EXIF 2.32, 4.6.5), as part of a copy that has to happen anyway (out of
 * the decoder's shared memory, or away from a buffer about to be reused). Quarter turns walk
 * the source in 64 × 64 tiles so both sides stay in cache.
 */
#define G_LOG_DOMAIN "pp-codec"

#include "config.h"

#include <string.h>

#include "codecs/pp-codec-private.h"

#define TILE 64

/* Where destination pixel (x, y) comes from, for an image stored @w × @h. */
static inline void
source_of (int  orientation,
           int  w,
           int  h,
           int  x,
           int  y,
           int *sx,
           int *sy)
{
  switch (orientation)
    {
    case 2: *sx = w - 1 - x; *sy = y; break;             /* mirrored left-right */
    case 3: *sx = w - 1 - x; *sy = h - 1 - y; break;     /* turned 180° */
    case 4: *sx = x; *sy = h - 1 - y; break;             /* mirrored top-bottom */
    case 5: *sx = y; *sy = x; break;                     /* transposed */
    case 6: *sx = y; *sy = h - 1 - x; break;             /* turn 90° clockwise to view */
    case 7: *sx = w - 1 - y; *sy = h - 1 - x; break;     /* transversed */
    case 8: *sx = w - 1 - y; *sy = x; break;             /* turn 90° anticlockwise to view */
    default: *sx = x; *sy = y; break;
    }
}

/**
 * pp_codec_copy_oriented:
 * @pixels: the stored image's first row
 * @stride: bytes from one stored row to the next
 * @width: stored width
 * @height: stored height
 * @channels: 3 or 4
 * @orientation: 1..8 (anything else counts as 1)
 * @error: PP_CODEC_ERROR_NO_MEMORY when the copy cannot be allocated
 *
 * A new image holding the stored pixels turned upright: @height × @width for orientations 5..8.
 * Thread: any.
 *
 * Returns: (transfer full) (nullable): the upright copy
 */
PpImage *
pp_codec_copy_oriented (const guint8 *pixels,
                        int           stride,
                        int           width,
                        int           height,
                        int           channels,
                        int           orientation,
                        GError      **error)
{
  gboolean swap = orientation >= 5 && orientation <= 8;
  int dw = swap ? height : width;
  int dh = swap ? width : height;
  gsize row_bytes = (gsize) width * channels;
  PpImage *dest;

  g_return_val_if_fail (pixels != NULL && (channels == 3 || channels == 4), NULL);

  dest = pp_image_new (dw, dh, channels);
  if (dest == NULL)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_NO_MEMORY,
                   "Not enough memory for a %d × %d image", dw, dh);
      return NULL;
    }
  if (orientation == 1 || orientation == 4 || orientation < 1 || orientation > 8)
    {
      for (int y = 0; y < dh; y++)
        memcpy (PP_IMAGE_ROW (dest, y),
                pixels + (gsize) (orientation == 4 ? height - 1 - y : y) * stride, row_bytes);
      return dest;
    }
  if (orientation == 2 || orientation == 3)
    {
      for (int y = 0; y < dh; y++)
        {
          const guint8 *src = pixels + (gsize) (orientation == 3 ? height - 1 - y : y) * stride;
          guint8 *dst = PP_IMAGE_ROW (dest, y);

          for (int x = 0; x < dw; x++)
            memcpy (dst + (gsize) x * channels, src + (gsize) (width - 1 - x) * channels,
                    channels);
        }
      return dest;
    }
  for (int ty = 0; ty < dh; ty += TILE)
    for (int tx = 0; tx < dw; tx += TILE)
      for (int y = ty; y < MIN (ty + TILE, dh); y++)
        {
          guint8 *dst = PP_IMAGE_ROW (dest, y) + (gsize) tx * channels;

          for (int x = tx; x < MIN (tx + TILE, dw); x++, dst += channels)
            {
              int sx, sy;

              source_of (orientation, width, height, x, y, &sx, &sy);
              memcpy (dst, pixels + (gsize) sy * stride + (gsize) sx * channels, channels);
            }
        }
  return dest;
}
