/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * BMP through GdkPixbuf's loader and saver, with the header read here so a file cut short is
 * reported (GdkPixbuf fills the missing rows and says nothing). BMP stores rows bottom-up unless
 * its height is negative, so a cut loses the top of the picture. BMP holds no metadata.
 */
#define G_LOG_DOMAIN "pp-codec"

#include "config.h"

#include <string.h>

#include "codecs/pp-codec-private.h"

static guint32
le32 (const guint8 *p)
{
  return p[0] | p[1] << 8 | p[2] << 16 | (guint32) p[3] << 24;
}

static gboolean
bmp_sniff (const guint8 *head,
           gsize         size)
{
  return size >= 26 && head[0] == 'B' && head[1] == 'M';
}

typedef struct
{
  int width;
  int height;         /* positive */
  gboolean top_down;
  guint bits;
  guint compression;
  guint32 data_offset;
} BmpHeader;

static gboolean
read_header (const guint8 *data,
             gsize         size,
             BmpHeader    *h)
{
  guint32 dib;

  if (size < 26)
    return FALSE;
  h->data_offset = le32 (data + 10);
  dib = le32 (data + 14);
  if (dib == 12)
    {
      h->width = data[18] | data[19] << 8;
      h->height = data[20] | data[21] << 8;
      h->bits = size >= 26 ? (guint) (data[24] | data[25] << 8) : 0;
      h->compression = 0;
      h->top_down = FALSE;
      return TRUE;
    }
  if (size < 34)
    return FALSE;
  h->width = (int) le32 (data + 18);
  h->height = (int) le32 (data + 22);
  h->top_down = h->height < 0;
  if (h->height == G_MININT)
    return FALSE;
  h->height = ABS (h->height);
  h->bits = data[28] | data[29] << 8;
  h->compression = le32 (data + 30);
  return TRUE;
}

static gboolean
bmp_probe (const guint8  *data,
           gsize          size,
           const char    *name,
           PpCodecHeader *header,
           GError       **error)
{
  BmpHeader h;

  if (!read_header (data, size, &h))
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                   "The file ends early, before the image data");
      return FALSE;
    }
  header->format = "bmp";
  header->width = h.width;
  header->height = h.height;
  header->n_frames = 1;
  header->has_alpha = h.bits == 32;
  return TRUE;
}

/* Uncompressed rows are a fixed size: a short file says exactly how many arrived. */
static char *
describe_cut (const BmpHeader *h,
              gsize            size)
{
  guint64 row_bytes, expected, present_rows;
  int percent;

  if ((h->compression != 0 && h->compression != 3) || h->bits == 0 || h->width <= 0)
    return NULL;
  row_bytes = (((guint64) h->width * h->bits + 31) / 32) * 4;
  expected = h->data_offset + row_bytes * (guint64) h->height;
  if (size >= expected)
    return NULL;
  present_rows = size > h->data_offset ? (size - h->data_offset) / row_bytes : 0;
  percent = (int) (100.0 * (h->height - (double) present_rows) / h->height + 0.5);
  return g_strdup_printf ("The file ends early: the %s %d %% of the image is missing",
                          h->top_down ? "bottom" : "top", CLAMP (percent, 1, 100));
}

static gboolean
bmp_decode (const guint8         *data,
            gsize                 size,
            const PpDecodeParams *params,
            PpDecoded            *out,
            GError              **error)
{
  g_autoptr (GdkPixbufAnimation) animation = NULL;
  g_autofree char *cut = NULL;
  PpImage *image;
  BmpHeader h;
  int width, height;

  if (!bmp_probe (data, size, params->name, &out->header, error)
      || !_pp_codec_check_size (out->header.width, out->header.height, 1, params->max_pixels,
                                error))
    return FALSE;
  read_header (data, size, &h);
  animation = _pp_codec_pixbuf_run (data, size, "bmp", 1, params, &width, &height, &out->damage,
                                    error);
  if (animation == NULL)
    return FALSE;
  image = _pp_codec_pixbuf_add_frame (gdk_pixbuf_animation_get_static_image (animation), 0,
                                      FALSE, params, out, error);
  if (image == NULL)
    return FALSE;
  out->header.has_alpha = image->channels == 4;
  cut = describe_cut (&h, size);
  if (cut != NULL)
    {
      g_free (out->damage);
      out->damage = g_steal_pointer (&cut);
    }
  return TRUE;
}

static gboolean
bmp_encode (const PpFrame         *frames,
            guint                  n_frames,
            const PpEncodeOptions *options,
            GByteArray            *out,
            GError               **error)
{
  g_autoptr (GdkPixbuf) pixbuf = pp_image_to_pixbuf (frames[0].image); /* shares the pixels */
  g_autofree gchar *buffer = NULL;
  gsize size = 0;
  GError *local_error = NULL;

  if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "bmp", &local_error, NULL))
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_ENCODE, "Cannot encode BMP: %s",
                   local_error->message);
      g_error_free (local_error);
      return FALSE;
    }
  g_byte_array_append (out, (const guint8 *) buffer, (guint) size);
  return TRUE;
}

static const char *const bmp_extensions[] = { "bmp", "dib", NULL };
static const char *const bmp_mime_types[] = { "image/bmp", "image/x-bmp", NULL };

const PpCodec _pp_codec_bmp = {
  .name = "bmp",
  .extensions = bmp_extensions,
  .mime_types = bmp_mime_types,
  .holds = 0,
  .sniff = bmp_sniff,
  .probe = bmp_probe,
  .decode = bmp_decode,
  .encode = bmp_encode,
};
