/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpImage owns aligned memory, or borrows the pixels of a GdkPixbuf (holding a reference) so that
 * decoded images reach the filters without a copy, and results reach GTK the same way.
 */
#define G_LOG_DOMAIN "pp-image"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "image/pp-image.h"

G_DEFINE_BOXED_TYPE (PpImage, pp_image, pp_image_ref, pp_image_unref)

/* Rows start on 64-byte boundaries: a cache line, and wide enough for any vector unit. */
#define PP_ROW_ALIGN 64

/* Buffers this large are aligned to 2 MiB and offered to the kernel as transparent huge pages:
 * first-touch page faults of a fresh 24-megapixel buffer otherwise cost about as much as a
 * point filter's whole pass over it. */
#define PP_HUGE_PAGE (2 * 1024 * 1024)

static gpointer
alloc_pixels (gsize size)
{
  gpointer data = NULL;

  if (size >= 2 * PP_HUGE_PAGE)
    {
      gsize rounded = (size + PP_HUGE_PAGE - 1) & ~(gsize) (PP_HUGE_PAGE - 1);

      if (rounded < size || posix_memalign (&data, PP_HUGE_PAGE, rounded) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
      madvise (data, rounded, MADV_HUGEPAGE);
#endif
      return data;
    }
  /* g_malloc aborts on failure; a huge image must be a clean error instead. */
  return g_try_malloc (size);
}

static PpImage *
pp_image_alloc (void)
{
  PpImage *image = g_new0 (PpImage, 1);

  g_atomic_ref_count_init (&image->ref_count);
  return image;
}

/**
 * pp_image_new_with_stride:
 * @width: pixels, at least 1
 * @height: pixels, at least 1
 * @channels: 3 (RGB) or 4 (RGBA, straight alpha)
 * @stride: bytes from one row to the next, at least @width × @channels
 *
 * For tests and callers that need a given row layout. Any thread.
 *
 * Returns: (transfer full) (nullable): an image with uninitialised pixels (padding included), or
 *   %NULL when the size cannot be allocated
 */
PpImage *
pp_image_new_with_stride (int width,
                          int height,
                          int channels,
                          int stride)
{
  PpImage *image;
  gsize size;
  gpointer data;

  g_return_val_if_fail (width > 0 && height > 0, NULL);
  g_return_val_if_fail (channels == 3 || channels == 4, NULL);
  g_return_val_if_fail (stride >= width * channels, NULL);

  if (!g_size_checked_mul (&size, (gsize) stride, (gsize) height) || size > G_MAXSIZE / 2)
    return NULL;
  data = alloc_pixels (size + PP_ROW_ALIGN);
  if (data == NULL)
    return NULL;

  image = pp_image_alloc ();
  image->width = width;
  image->height = height;
  image->channels = channels;
  image->stride = stride;
  image->free_func = free; /* both posix_memalign and g_try_malloc memory */
  image->free_data = data;
  image->data = (guint8 *) (((guintptr) data + PP_ROW_ALIGN - 1) & ~(guintptr) (PP_ROW_ALIGN - 1));
  return image;
}

/**
 * pp_image_new:
 * @width: pixels, at least 1
 * @height: pixels, at least 1
 * @channels: 3 (RGB) or 4 (RGBA, straight alpha)
 *
 * An image with rows 64-byte aligned (pp_image_new_with_stride() with the smallest such stride);
 * large buffers are offered to the kernel as transparent huge pages. Any thread.
 *
 * Returns: (transfer full) (nullable): an image with uninitialised pixels, or %NULL when the
 *   size cannot be allocated (a huge image is a clean failure, not an abort)
 */
PpImage *
pp_image_new (int width,
              int height,
              int channels)
{
  int stride;

  g_return_val_if_fail (width > 0 && width <= G_MAXINT / 8, NULL);
  stride = (width * channels + PP_ROW_ALIGN - 1) & ~(PP_ROW_ALIGN - 1);
  return pp_image_new_with_stride (width, height, channels, stride);
}

/**
 * pp_image_new_for_data:
 * @data: (transfer none): the pixels, @height rows of @stride bytes (the last row may stop after
 *   its pixels, as GdkPixbuf's does)
 * @width: pixels
 * @height: pixels
 * @channels: 3 or 4
 * @stride: bytes from one row to the next
 * @free_func: (nullable): called with @free_data when the last reference goes
 * @free_data: (nullable): for @free_func
 *
 * Wraps pixels someone else owns, without copying; @data must stay valid until @free_func runs.
 * Any thread.
 *
 * Returns: (transfer full): the image
 */
PpImage *
pp_image_new_for_data (guint8         *data,
                       int             width,
                       int             height,
                       int             channels,
                       int             stride,
                       GDestroyNotify  free_func,
                       gpointer        free_data)
{
  PpImage *image;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);
  g_return_val_if_fail (channels == 3 || channels == 4, NULL);
  g_return_val_if_fail (stride >= width * channels, NULL);

  image = pp_image_alloc ();
  image->data = data;
  image->width = width;
  image->height = height;
  image->channels = channels;
  image->stride = stride;
  image->free_func = free_func;
  image->free_data = free_data;
  return image;
}

/**
 * pp_image_new_for_pixbuf:
 * @pixbuf: an 8-bit RGB or RGBA pixbuf
 *
 * Wraps the pixels of @pixbuf without copying; the image keeps a reference on it. Filters treat a
 * source as read-only, so sharing is safe. Any thread.
 *
 * Returns: (transfer full): the image
 */
PpImage *
pp_image_new_for_pixbuf (GdkPixbuf *pixbuf)
{
  g_return_val_if_fail (GDK_IS_PIXBUF (pixbuf), NULL);
  g_return_val_if_fail (gdk_pixbuf_get_bits_per_sample (pixbuf) == 8, NULL);
  g_return_val_if_fail (gdk_pixbuf_get_colorspace (pixbuf) == GDK_COLORSPACE_RGB, NULL);

  /* get_pixels() (not read_pixels) because filters will write into destination buffers. */
  return pp_image_new_for_data (gdk_pixbuf_get_pixels (pixbuf),
                                gdk_pixbuf_get_width (pixbuf),
                                gdk_pixbuf_get_height (pixbuf),
                                gdk_pixbuf_get_n_channels (pixbuf),
                                gdk_pixbuf_get_rowstride (pixbuf),
                                g_object_unref,
                                g_object_ref (pixbuf));
}

/**
 * pp_image_ref:
 * @image: an image
 *
 * Images are shared read-only between threads once filled; references are atomic. Any thread.
 *
 * Returns: (transfer full): @image
 */
PpImage *
pp_image_ref (PpImage *image)
{
  g_return_val_if_fail (image != NULL, NULL);

  g_atomic_ref_count_inc (&image->ref_count);
  return image;
}

/**
 * pp_image_unref:
 * @image: (transfer full): an image
 *
 * Drops a reference; the last one frees the pixels (or calls the wrapped data's free function).
 * Any thread.
 */
void
pp_image_unref (PpImage *image)
{
  g_return_if_fail (image != NULL);

  if (g_atomic_ref_count_dec (&image->ref_count))
    {
      if (image->free_func != NULL)
        image->free_func (image->free_data);
      g_free (image);
    }
}

/**
 * pp_image_copy:
 * @image: an image
 *
 * Returns: (transfer full) (nullable): a deep copy in freshly allocated, 64-byte aligned rows;
 *   %NULL when memory runs out. Any thread.
 */
PpImage *
pp_image_copy (const PpImage *image)
{
  PpImage *copy;

  g_return_val_if_fail (image != NULL, NULL);

  copy = pp_image_new (image->width, image->height, image->channels);
  if (copy == NULL)
    return NULL;
  for (int y = 0; y < image->height; y++)
    memcpy (PP_IMAGE_ROW (copy, y), PP_IMAGE_ROW (image, y),
            (gsize) image->width * image->channels);
  return copy;
}

static void
unref_image_pixels (guchar   *pixels,
                    gpointer  user_data)
{
  pp_image_unref (user_data);
}

/**
 * pp_image_to_pixbuf:
 * @image: an image (its reference is shared with the pixbuf)
 *
 * For GTK: a GdkPixbuf over the same pixels, no copy; it keeps the image alive. Do not write into
 * the image afterwards. Any thread (the pixbuf goes to the main thread).
 *
 * Returns: (transfer full): the pixbuf
 */
GdkPixbuf *
pp_image_to_pixbuf (PpImage *image)
{
  g_return_val_if_fail (image != NULL, NULL);

  return gdk_pixbuf_new_from_data (image->data, GDK_COLORSPACE_RGB, image->channels == 4, 8,
                                   image->width, image->height, image->stride,
                                   unref_image_pixels, pp_image_ref (image));
}

/**
 * pp_image_equal:
 * @a: an image
 * @b: another
 *
 * Returns: whether the two have the same size, channels and pixel bytes (row padding and strides
 *   may differ). Any thread.
 */
gboolean
pp_image_equal (const PpImage *a,
                const PpImage *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  if (a->width != b->width || a->height != b->height || a->channels != b->channels)
    return FALSE;
  for (int y = 0; y < a->height; y++)
    if (memcmp (PP_IMAGE_ROW (a, y), PP_IMAGE_ROW (b, y), (gsize) a->width * a->channels) != 0)
      return FALSE;
  return TRUE;
}

/**
 * pp_image_get_checksum:
 * @image: an image
 *
 * A 64-bit FNV-1a hash of width, height, channels and the pixel bytes (not the padding), for
 * comparing runs (serial against parallel) without keeping images. Any thread.
 *
 * Returns: the hash
 */
guint64
pp_image_get_checksum (const PpImage *image)
{
  guint64 hash = 14695981039346656037ull;
  int header[3];

  g_return_val_if_fail (image != NULL, 0);

  header[0] = image->width;
  header[1] = image->height;
  header[2] = image->channels;
  for (gsize i = 0; i < sizeof header; i++)
    hash = (hash ^ ((const guint8 *) header)[i]) * 1099511628211ull;
  for (int y = 0; y < image->height; y++)
    {
      const guint8 *row = PP_IMAGE_ROW (image, y);
      gsize n = (gsize) image->width * image->channels;

      for (gsize i = 0; i < n; i++)
        hash = (hash ^ row[i]) * 1099511628211ull;
    }
  return hash;
}
