/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writing JPEG XL through libjxl's encoder: one still image, lossy at cjxl's quality mapping or
 * lossless at quality 100, the colour profile in the codestream, EXIF and XMP in container boxes.
 * The reading half, the codec's entry and the notes on orientation and colour are in
 * pp-codec-jxl.c.
 */
#define G_LOG_DOMAIN "pp-codec-jxl"

#include "config.h"

#include <string.h>

#include <jxl/encode.h>
#include <jxl/version.h>

#include "codecs/pp-codec-jxl-private.h"

/* Our 1..100 quality as a libjxl distance (1.0 = visually lossless; 0 = lossless), with the
 * mapping cjxl uses for its -q (libjxl's JxlEncoderDistanceFromQuality, 0.9 on): above 30,
 * distance = 0.1 + (100 − q) × 0.09; below, a parabola that reaches 25 at q = 0. Quality 100 is
 * mathematically lossless, as with cjxl -q 100. JPEG XL's -q was designed to match libjpeg's
 * quality scale, so --quality means the same for JPEG and JPEG XL. */
static float
jxl_distance (int quality)
{
#if JPEGXL_NUMERIC_VERSION >= JPEGXL_COMPUTE_NUMERIC_VERSION(0, 9, 0)
  return JxlEncoderDistanceFromQuality ((float) quality);
#else
  if (quality >= 100)
    return 0.0f;
  if (quality >= 30)
    return 0.1f + (100 - quality) * 0.09f;
  return 53.0f / 3000.0f * quality * quality - 23.0f / 20.0f * quality + 25.0f;
#endif
}

static gboolean
encode_failed (JxlEncoder  *encoder,
               const char  *what,
               GError     **error)
{
  g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_ENCODE, "%s (libjxl error %d)", what,
               (int) JxlEncoderGetError (encoder));
  return FALSE;
}

static gboolean
add_metadata_boxes (JxlEncoder             *encoder,
                    const PpMetadataBlobs  *metadata,
                    GError                **error)
{
  if (metadata->exif != NULL)
    {
      gsize size;
      const guint8 *exif = g_bytes_get_data (metadata->exif, &size);
      g_autofree guint8 *box = g_malloc0 (size + 4);

      /* The Exif box starts with the offset of the TIFF header after it: 0 (ISO/IEC 18181-2). */
      memcpy (box + 4, exif, size);
      if (JxlEncoderAddBox (encoder, "Exif", box, size + 4, JXL_FALSE) != JXL_ENC_SUCCESS)
        return encode_failed (encoder, "Cannot embed the EXIF data", error);
    }
  if (metadata->xmp != NULL)
    {
      gsize size;
      const guint8 *xmp = g_bytes_get_data (metadata->xmp, &size);

      if (JxlEncoderAddBox (encoder, "xml ", xmp, size, JXL_FALSE) != JXL_ENC_SUCCESS)
        return encode_failed (encoder, "Cannot embed the XMP data", error);
    }
  JxlEncoderCloseBoxes (encoder);
  return TRUE;
}

/* The basic info of @image (8-bit RGB or RGBA, upright; XYB when lossy, the pixels' own space
 * when @lossless), after switching on the container's boxes when there is metadata to carry. */
static gboolean
set_basic_info (JxlEncoder     *encoder,
                const PpImage  *image,
                gboolean        lossless,
                gboolean        has_metadata,
                GError        **error)
{
  JxlBasicInfo info;

  JxlEncoderInitBasicInfo (&info);
  info.xsize = (uint32_t) image->width;
  info.ysize = (uint32_t) image->height;
  info.bits_per_sample = 8;
  info.num_color_channels = 3;
  info.num_extra_channels = image->channels == 4 ? 1 : 0;
  info.alpha_bits = image->channels == 4 ? 8 : 0;
  /* Lossy: XYB, JPEG XL's perceptual space; lossless keeps the pixels in their own space. */
  info.uses_original_profile = lossless ? JXL_TRUE : JXL_FALSE;
  info.orientation = JXL_ORIENT_IDENTITY;
  if (has_metadata && JxlEncoderUseBoxes (encoder) != JXL_ENC_SUCCESS)
    return encode_failed (encoder, "Cannot write JPEG XL metadata boxes", error);
  if (JxlEncoderSetBasicInfo (encoder, &info) != JXL_ENC_SUCCESS)
    return encode_failed (encoder, "JPEG XL cannot hold this image", error);
  return TRUE;
}

/* The codestream's colour profile: @icc, or sRGB without one. */
static gboolean
set_colour_profile (JxlEncoder  *encoder,
                    GBytes      *icc,
                    GError     **error)
{
  if (icc != NULL)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (icc, &size);

      if (JxlEncoderSetICCProfile (encoder, data, size) != JXL_ENC_SUCCESS)
        return encode_failed (encoder, "libjxl refused the ICC profile", error);
    }
  else
    {
      JxlColorEncoding srgb;

      JxlColorEncodingSetToSRGB (&srgb, JXL_FALSE);
      JxlEncoderSetColorEncoding (encoder, &srgb);
    }
  return TRUE;
}

/* Everything the encoder has to give, appended to @out from @old_len on. The free space is the
 * tail of @out past what libjxl has written; it doubles as needed. On failure @out's length is
 * left for the caller to restore. */
static gboolean
write_output (JxlEncoder  *encoder,
              GByteArray  *out,
              guint        old_len,
              GError     **error)
{
  gsize written = old_len;

  g_byte_array_set_size (out, old_len + 64 * 1024);
  for (;;)
    {
      guint8 *next = out->data + written;
      size_t avail = out->len - written;
      JxlEncoderStatus status = JxlEncoderProcessOutput (encoder, &next, &avail);

      written = (gsize) (next - out->data);
      if (status == JXL_ENC_SUCCESS)
        break;
      if (status != JXL_ENC_NEED_MORE_OUTPUT)
        return encode_failed (encoder, "The JPEG XL encoder failed", error);
      g_byte_array_set_size (out, out->len + MAX (64 * 1024, out->len - old_len));
    }
  g_byte_array_set_size (out, (guint) written);
  return TRUE;
}

/**
 * _pp_codec_jxl_encode: (PpCodec.encode of _pp_codec_jxl)
 * @frames: one frame (8-bit RGB or RGBA, straight alpha); its rows are read where they are,
 *   with the image's stride (no copy)
 * @n_frames: must be 1 (JPEG XL output is a still image)
 * @options: @options->quality 1..100 on JPEG's scale, as a libjxl distance by jxl_distance()
 *   (cjxl's -q mapping; 100 is lossless); @options->icc as the codestream's colour profile
 *   (else sRGB); @options->metadata's EXIF and XMP as "Exif" and "xml " boxes in the
 *   container (IPTC has no place in JPEG XL and is dropped); @options->compression is unused
 * @out: the JPEG XL file is appended to it; left as it was on error
 *
 * Any thread, concurrently (no parallel runner: one thread per file).
 *
 * Returns: %TRUE on success; else @error is set to PP_CODEC_ERROR_ENCODE (libjxl refused the
 *   image, the profile or a box, or ran out of memory; the message says which step)
 */
gboolean
_pp_codec_jxl_encode (const PpFrame          *frames,
                      guint                   n_frames,
                      const PpEncodeOptions  *options,
                      GByteArray             *out,
                      GError                **error)
{
  const PpImage *image = frames[0].image;
  JxlEncoder *encoder = JxlEncoderCreate (NULL);
  JxlEncoderFrameSettings *settings;
  JxlPixelFormat format = { (uint32_t) image->channels, JXL_TYPE_UINT8, JXL_NATIVE_ENDIAN,
                            (size_t) image->stride };
  gboolean lossless = options->quality >= 100;
  gboolean has_metadata = options->metadata != NULL
                          && (options->metadata->exif != NULL || options->metadata->xmp != NULL);
  gboolean ok = FALSE;
  guint old_len = out->len;

  g_return_val_if_fail (n_frames == 1, FALSE);

  if (encoder == NULL)
    {
      g_set_error_literal (error, PP_CODEC_ERROR, PP_CODEC_ERROR_ENCODE,
                           "Not enough memory for the JPEG XL encoder");
      return FALSE;
    }
  if (!set_basic_info (encoder, image, lossless, has_metadata, error)
      || !set_colour_profile (encoder, options->icc, error))
    goto out;
  if (has_metadata && !add_metadata_boxes (encoder, options->metadata, error))
    goto out;

  settings = JxlEncoderFrameSettingsCreate (encoder, NULL);
  if (lossless)
    JxlEncoderSetFrameLossless (settings, JXL_TRUE);
  else
    JxlEncoderSetFrameDistance (settings, jxl_distance (options->quality));
  /* The rows where they are: with align = stride, libjxl steps from row to row by our stride
   * (no copy of ours; libjxl converts them into its own planes). */
  if (JxlEncoderAddImageFrame (settings, &format, image->data,
                               (gsize) image->stride * image->height) != JXL_ENC_SUCCESS)
    {
      encode_failed (encoder, "The JPEG XL encoder failed", error);
      goto out;
    }
  JxlEncoderCloseInput (encoder);
  ok = write_output (encoder, out, old_len, error);

out:
  if (!ok)
    g_byte_array_set_size (out, old_len);
  JxlEncoderDestroy (encoder);
  return ok;
}

/* JPEG XL in (stills and animations) and out (stills). Registered in pp-codec.c when built
 * with libjxl (PP_HAVE_LIBJXL). */
