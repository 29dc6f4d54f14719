/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The codec registry (which codec reads which bytes) and what every codec file shares: the
 * pixel-limit check, the allocation of decoded images, damage messages in plain words, and the
 * small containers (metadata blobs, frames, decode results) of pp-codec.h.
 */
#define G_LOG_DOMAIN "pp-codec"

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "codecs/pp-codec-private.h"

G_DEFINE_QUARK (pp-codec-error-quark, pp_codec_error)

/* Signature-checked codecs first; the GdkPixbuf fallback, which guesses, last. */
static const PpCodec *const codecs[] = {
  &_pp_codec_jpeg,
  &_pp_codec_png,
  &_pp_codec_webp,
  &_pp_codec_tiff,
#ifdef PP_HAVE_LIBHEIF
  &_pp_codec_heif,
#endif
#ifdef PP_HAVE_LIBJXL
  &_pp_codec_jxl,
#endif
  &_pp_codec_gif,
  &_pp_codec_bmp,
  &_pp_codec_pixbuf,
  NULL,
};

/**
 * pp_codec_list:
 * @n_codecs: (out) (optional): how many
 *
 * Every codec compiled in, the GdkPixbuf fallback last. Thread: any.
 *
 * Returns: (transfer none) (array zero-terminated=1): the codecs
 */
const PpCodec *const *
pp_codec_list (guint *n_codecs)
{
  if (n_codecs != NULL)
    *n_codecs = G_N_ELEMENTS (codecs) - 1;
  return codecs;
}

/**
 * pp_codec_lookup:
 * @name: a codec's name ("jpeg", "pixbuf"…)
 *
 * Thread: any.
 *
 * Returns: (transfer none) (nullable): the codec, or %NULL when none has that name
 */
const PpCodec *
pp_codec_lookup (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; codecs[i] != NULL; i++)
    if (g_str_equal (codecs[i]->name, name))
      return codecs[i];
  return NULL;
}

/**
 * pp_codec_for_data:
 * @head: the first bytes of a file (64 or more when the file has them)
 * @size: how many
 *
 * The codec whose signature @head carries; the GdkPixbuf fallback when none does (it guesses
 * from content and name, and refuses what no allowed loader reads). Thread: any.
 *
 * Returns: (transfer none): a codec, never %NULL
 */
const PpCodec *
pp_codec_for_data (const guint8 *head,
                   gsize         size)
{
  guint n;
  const PpCodec *const *list = pp_codec_list (&n);

  g_return_val_if_fail (head != NULL || size == 0, NULL);
  g_return_val_if_fail (n > 0, NULL);

  for (guint i = 0; i + 1 < n; i++)
    if (list[i]->sniff (head, size))
      return list[i];
  return list[n - 1];
}

/**
 * pp_decode_params_init:
 *
 * Full size, first frame only, no pixel limit, pixels from pp_image_new().
 */
void
pp_decode_params_init (PpDecodeParams *params)
{
  g_return_if_fail (params != NULL);

  memset (params, 0, sizeof *params);
}

/**
 * pp_encode_options_init:
 *
 * Quality 90, the codec's default compression, loop forever, no metadata.
 */
void
pp_encode_options_init (PpEncodeOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->quality = 90;
  options->compression = -1;
}

/**
 * pp_frame_new:
 * @image: (transfer full): the frame's pixels
 * @delay_ms: how long an animation shows it; 0 for pages
 *
 * Returns: (transfer full): a frame; free with pp_frame_free()
 */
PpFrame *
pp_frame_new (PpImage *image,
              int      delay_ms)
{
  PpFrame *frame = g_new0 (PpFrame, 1);

  frame->image = image;
  frame->delay_ms = delay_ms;
  return frame;
}

/**
 * pp_frame_free:
 * @frame: (nullable) (transfer full): a frame from pp_frame_new()
 *
 * Drops the frame's image reference and frees the frame. Thread: any.
 */
void
pp_frame_free (PpFrame *frame)
{
  if (frame == NULL)
    return;
  g_clear_pointer (&frame->image, pp_image_unref);
  g_free (frame);
}

/**
 * pp_frame_clear_image:
 *
 * Drops @frame's image reference (for frames held by value, e.g. in a GArray).
 */
void
pp_frame_clear_image (PpFrame *frame)
{
  if (frame != NULL)
    g_clear_pointer (&frame->image, pp_image_unref);
}

/**
 * pp_decoded_clear:
 *
 * Frees what a decode gave back and zeroes @decoded.
 */
void
pp_decoded_clear (PpDecoded *decoded)
{
  if (decoded == NULL)
    return;
  g_clear_pointer (&decoded->frames, g_ptr_array_unref);
  pp_metadata_blobs_clear (&decoded->metadata);
  g_clear_pointer (&decoded->icc, g_bytes_unref);
  g_clear_pointer (&decoded->damage, g_free);
  memset (decoded, 0, sizeof *decoded);
}

/* The pixel limit, checked from a header before any pixel memory exists. @n_frames counts the
 * frames that will be decoded. */
gboolean
_pp_codec_check_size (int      width,
                      int      height,
                      guint    n_frames,
                      double   max_pixels,
                      GError **error)
{
  double pixels = (double) width * (double) height;

  if (width <= 0 || height <= 0)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                   "The image declares an invalid size (%d × %d)", width, height);
      return FALSE;
    }
  if (max_pixels > 0 && pixels > max_pixels)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_TOO_LARGE,
                   "The image is %d × %d (%.1f megapixels), over the limit of %g megapixels "
                   "(--max-megapixels)", width, height, pixels / 1e6, max_pixels / 1e6);
      return FALSE;
    }
  if (max_pixels > 0 && n_frames > 1 && pixels * n_frames > max_pixels)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_TOO_LARGE,
                   "The image has %u frames of %d × %d (%.1f megapixels in all), over the limit "
                   "of %g megapixels (--max-megapixels)", n_frames, width, height,
                   pixels * n_frames / 1e6, max_pixels / 1e6);
      return FALSE;
    }
  return TRUE;
}

/* An image to decode into, from the caller's allocator or our own. */
PpImage *
_pp_codec_allocate (const PpDecodeParams *params,
                    int                   width,
                    int                   height,
                    int                   channels,
                    GError              **error)
{
  PpImage *image;

  if (params != NULL && params->allocate != NULL)
    image = params->allocate (width, height, channels, params->allocate_data);
  else
    image = pp_image_new (width, height, channels);
  if (image == NULL)
    g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_NO_MEMORY,
                 "Not enough memory for a %d × %d image", width, height);
  return image;
}

/* Appends a decoded frame to @out (taking @image). */
void
_pp_codec_add_frame (PpDecoded *out,
                     PpImage   *image,
                     int        delay_ms)
{
  if (out->frames == NULL)
    out->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_frame_free);
  g_ptr_array_add (out->frames, pp_frame_new (image, delay_ms));
}

/* Rows no data reached: mid grey, or transparent where there is alpha, so the damage is visible
 * as damage and never as leftover memory. */
void
_pp_codec_fill_rows (PpImage *image,
                     int      y0,
                     int      y1)
{
  gsize row_bytes = (gsize) image->width * image->channels;

  for (int y = MAX (y0, 0); y < MIN (y1, image->height); y++)
    {
      guint8 *row = PP_IMAGE_ROW (image, y);

      if (image->channels == 4)
        memset (row, 0, row_bytes);
      else
        memset (row, 128, row_bytes);
    }
}

/* "The file ends early: the bottom 31 % of the image is missing". */
char *
_pp_codec_describe_missing (int rows_done,
                            int height)
{
  int percent;

  if (height <= 0 || rows_done <= 0)
    return g_strdup ("The file ends early: none of the image could be decoded");
  percent = (int) (100.0 * (height - rows_done) / height + 0.5);
  if (percent < 1)
    return g_strdup ("The file ends early: the last rows of the image are missing");
  return g_strdup_printf ("The file ends early: the bottom %d %% of the image is missing",
                          percent);
}

GBytes *
_pp_codec_bytes_or_null (const guint8 *data,
                         gsize         size)
{
  return data != NULL && size > 0 ? g_bytes_new (data, size) : NULL;
}

/* Appends a note on what an encoder left out, for the file's record. */
void
_pp_codec_add_note (const PpEncodeOptions *options,
                    const char            *format,
                    ...)
{
  va_list args;

  if (options->notes == NULL)
    return;
  va_start (args, format);
  g_string_append_vprintf (options->notes, format, args);
  va_end (args);
  g_string_append (options->notes, "; ");
}
