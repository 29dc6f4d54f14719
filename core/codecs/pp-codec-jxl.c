/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * JPEG XL through libjxl, the format's reference library: reads and writes it, stills and
 * animations in, stills out (the writing half is pp-codec-jxl-encode.c). Metadata travels in
 * the container's "Exif" and "xml " boxes and the codestream's colour profile.
 *
 * Orientation: JPEG XL carries it in the codestream header (ISO/IEC 18181-1, like EXIF's eight
 * values), which libjxl applies while decoding unless told not to; the EXIF Orientation tag in
 * an Exif box is informative only (libjxl and cjxl ignore it), so decoded pixels are upright
 * and the tag is not applied again.
 *
 * Colour: lossy JPEG XL stores XYB, so the decoder chooses the colour space of the pixels it
 * gives. With libjxl's colour management (libjxl_cms, libjxl 0.10 on), the pixels come out in
 * the original ICC profile, which is carried; without it (libjxl 0.7, Debian 12), a file whose
 * original is an ICC profile is converted to sRGB and the profile is dropped, since the pixels
 * no longer are in it. Lossless files are always in their original space.
 *
 * Libjxl versions: 0.7 (Debian 12) to 0.12 (GNOME 51); the calls whose signature changed in 0.9
 * go through PP_JXL_UNUSED_FORMAT. No parallel runner: one thread per file, as every codec here.
 */
#define G_LOG_DOMAIN "pp-codec-jxl"

#include "config.h"

#include <string.h>

#include <jxl/decode.h>
#include <jxl/encode.h> /* JxlColorEncodingSetToSRGB, used when decoding too */
#include <jxl/version.h>
#ifdef PP_HAVE_LIBJXL_CMS
#include <jxl/cms.h>
#endif

#include "codecs/pp-codec-jxl-private.h"

#if JPEGXL_NUMERIC_VERSION >= JPEGXL_COMPUTE_NUMERIC_VERSION(0, 9, 0)
#define PP_JXL_UNUSED_FORMAT
#else
#define PP_JXL_UNUSED_FORMAT NULL,
#endif

static const char *const jxl_extensions[] = { "jxl", NULL };
static const char *const jxl_mime_types[] = { "image/jxl", NULL };

/* A bare codestream (FF 0A) or the container's signature box (ISO/IEC 18181-2 3.1). */
/**
 * jxl_sniff: (PpCodec.sniff of _pp_codec_jxl)
 * @head: the first @size bytes of a file
 * @size: how many
 *
 * Whether @head starts with a bare JPEG XL codestream (FF 0A) or the JPEG XL container's
 * signature box. Reads @head only; no allocation. Any thread.
 *
 * Returns: %TRUE for JPEG XL
 */
static gboolean
jxl_sniff (const guint8 *head,
           gsize         size)
{
  static const guint8 container[12] = { 0, 0, 0, 0x0c, 'J', 'X', 'L', ' ', 0x0d, 0x0a, 0x87, 0x0a };

  return (size >= 2 && head[0] == 0xff && head[1] == 0x0a)
         || (size >= 12 && memcmp (head, container, 12) == 0);
}

static void
set_truncated (GError **error)
{
  g_set_error_literal (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                       "The file ends early: the JPEG XL data is incomplete");
}

static void
set_damaged (GError **error)
{
  g_set_error_literal (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                       "The JPEG XL data is damaged (libjxl cannot decode it)");
}

/* Width and height as decoded: libjxl turns the pixels upright, so orientations 5..8 (a quarter
 * turn) swap the stored sides. */
static void
oriented_size (const JxlBasicInfo *info,
               int                *width,
               int                *height)
{
  gboolean turned = info->orientation >= JXL_ORIENT_TRANSPOSE;

  *width = (int) (turned ? info->ysize : info->xsize);
  *height = (int) (turned ? info->xsize : info->ysize);
}

/* What the first pass over a file finds without decoding pixels: the header, the number of
 * displayed frames, and the Exif and XMP boxes. */
typedef struct
{
  JxlBasicInfo info;
  guint n_frames;
  GBytes *exif;
  GBytes *xmp;
} JxlScan;

static void
jxl_scan_clear (JxlScan *scan)
{
  g_clear_pointer (&scan->exif, g_bytes_unref);
  g_clear_pointer (&scan->xmp, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (JxlScan, jxl_scan_clear)

/* The box being read: libjxl writes into @buffer from @used on; released when the next event
 * comes, which tells how much of the buffer it left unused. */
typedef struct
{
  GByteArray *buffer;
  gsize used;
  GBytes **target;
} BoxReader;

static void
box_finish (JxlDecoder *decoder,
            BoxReader  *box)
{
  if (box->buffer == NULL)
    return;
  box->used = box->buffer->len - JxlDecoderReleaseBoxBuffer (decoder);
  g_byte_array_set_size (box->buffer, (guint) box->used);
  if (*box->target == NULL && box->used > 0)
    *box->target = g_byte_array_free_to_bytes (box->buffer);
  else
    g_byte_array_unref (box->buffer);
  box->buffer = NULL;
}

static gboolean
box_start (JxlDecoder *decoder,
           BoxReader  *box,
           GBytes    **target)
{
  box->buffer = g_byte_array_sized_new (4096);
  g_byte_array_set_size (box->buffer, 4096);
  box->used = 0;
  box->target = target;
  return JxlDecoderSetBoxBuffer (decoder, box->buffer->data, box->buffer->len) == JXL_DEC_SUCCESS;
}

static gboolean
box_grow (JxlDecoder *decoder,
          BoxReader  *box)
{
  gsize written = box->buffer->len - JxlDecoderReleaseBoxBuffer (decoder);
  guint old = box->buffer->len;

  /* Metadata boxes are small; anything over 64 MiB is not one we keep. */
  if (old >= 64 * 1024 * 1024)
    return FALSE;
  g_byte_array_set_size (box->buffer, old * 2);
  return JxlDecoderSetBoxBuffer (decoder, box->buffer->data + written,
                                 box->buffer->len - written) == JXL_DEC_SUCCESS;
}

/* First pass: the header, the frames of an animation (counted, not decoded) and the metadata
 * boxes. With @header_only, stops at the header unless the file is an animation. */
static gboolean
jxl_scan (const guint8  *data,
          gsize          size,
          gboolean       header_only,
          JxlScan       *scan,
          GError       **error)
{
  JxlDecoder *decoder = JxlDecoderCreate (NULL);
  BoxReader box = { NULL, 0, NULL };
  gboolean have_info = FALSE;
  gboolean ok = FALSE;
  int events = JXL_DEC_BASIC_INFO | JXL_DEC_FRAME | (header_only ? 0 : JXL_DEC_BOX);

  memset (scan, 0, sizeof *scan);
  if (decoder == NULL || JxlDecoderSubscribeEvents (decoder, events) != JXL_DEC_SUCCESS
      || JxlDecoderSetInput (decoder, data, size) != JXL_DEC_SUCCESS)
    {
      g_set_error_literal (error, PP_CODEC_ERROR, PP_CODEC_ERROR_NO_MEMORY,
                           "Not enough memory for the JPEG XL decoder");
      goto out;
    }
  /* The input is not closed: then libjxl tells a file that ends early (NEED_MORE_INPUT) from a
   * damaged one (ERROR). We hand it the whole file, so needing more means it was cut off. */
  /* "brob" boxes hold Brotli-compressed Exif/XMP; without Brotli they are skipped. */
  JxlDecoderSetDecompressBoxes (decoder, JXL_TRUE);

  for (;;)
    {
      JxlDecoderStatus status = JxlDecoderProcessInput (decoder);

      if (status != JXL_DEC_BOX_NEED_MORE_OUTPUT)
        box_finish (decoder, &box);
      switch (status)
        {
        case JXL_DEC_BASIC_INFO:
          if (JxlDecoderGetBasicInfo (decoder, &scan->info) != JXL_DEC_SUCCESS)
            {
              set_damaged (error);
              goto out;
            }
          have_info = TRUE;
          if (header_only && !scan->info.have_animation)
            {
              scan->n_frames = 1;
              ok = TRUE;
              goto out;
            }
          break;
        case JXL_DEC_FRAME:
          scan->n_frames++;
          break;
        case JXL_DEC_BOX:
          {
            JxlBoxType type;

            if (JxlDecoderGetBoxType (decoder, type, JXL_TRUE) != JXL_DEC_SUCCESS)
              break;
            if (memcmp (type, "Exif", 4) == 0 && scan->exif == NULL)
              box_start (decoder, &box, &scan->exif);
            else if (memcmp (type, "xml ", 4) == 0 && scan->xmp == NULL)
              box_start (decoder, &box, &scan->xmp);
            break;
          }
        case JXL_DEC_BOX_NEED_MORE_OUTPUT:
          if (!box_grow (decoder, &box))
            {
              set_damaged (error);
              goto out;
            }
          break;
        case JXL_DEC_SUCCESS:
          ok = have_info;
          if (!ok)
            set_damaged (error);
          goto out;
        case JXL_DEC_NEED_MORE_INPUT:
          /* The end of the data (the last box may run to the end of the file), or a file cut
           * off: whether its frames decode is the second pass's question. */
          if (!have_info)
            set_truncated (error);
          ok = have_info;
          goto out;
        default:
          set_damaged (error);
          goto out;
        }
    }

out:
  if (box.buffer != NULL)
    g_byte_array_unref (box.buffer);
  if (ok && scan->n_frames == 0)
    scan->n_frames = 1;
  if (decoder != NULL)
    JxlDecoderDestroy (decoder);
  return ok;
}

static void
fill_header (PpCodecHeader     *header,
             const JxlScan     *scan)
{
  header->format = "jxl";
  oriented_size (&scan->info, &header->width, &header->height);
  header->n_frames = scan->n_frames;
  header->animated = scan->info.have_animation && scan->n_frames > 1;
  header->has_alpha = scan->info.alpha_bits > 0;
}

/**
 * jxl_probe: (PpCodec.probe of _pp_codec_jxl)
 * @data: the whole file
 * @size: its length in bytes
 * @name: (nullable): unused (JPEG XL has a signature)
 * @header: (out caller-allocates): filled on success
 *
 * Reads the codestream's basic info and counts its frames without decoding pixels (libjxl
 * skips the frames' data). The size is upright: the codestream's orientation turned, as
 * decoding will (see the file's comment). @header->animated when the file is an animation of
 * more than one frame. Any thread, concurrently.
 *
 * Returns: %TRUE on success; else @error is set in PP_CODEC_ERROR: DAMAGED (the file ends
 *   early, or libjxl refuses the data), NO_MEMORY (no memory for the decoder)
 */
static gboolean
jxl_probe (const guint8   *data,
           gsize           size,
           const char     *name,
           PpCodecHeader  *header,
           GError        **error)
{
  g_auto (JxlScan) scan = { 0 };

  if (!jxl_scan (data, size, TRUE, &scan, error))
    return FALSE;
  fill_header (header, &scan);
  return TRUE;
}

static gboolean
is_srgb (const JxlColorEncoding *c)
{
  return c->color_space == JXL_COLOR_SPACE_RGB && c->white_point == JXL_WHITE_POINT_D65
         && c->primaries == JXL_PRIMARIES_SRGB && c->transfer_function == JXL_TRANSFER_FUNCTION_SRGB;
}

/* At the colour event: chooses the colour space of the decoded pixels and returns the ICC
 * profile they are in (%NULL for sRGB, our default for untagged pixels). */
static GBytes *
choose_output_colour (JxlDecoder         *decoder,
                      const JxlBasicInfo *info)
{
  JxlColorEncoding encoding;
  size_t size = 0;
  g_autofree guint8 *icc = NULL;
  gboolean original_is_icc = JxlDecoderGetColorAsEncodedProfile (
    decoder, PP_JXL_UNUSED_FORMAT JXL_COLOR_PROFILE_TARGET_ORIGINAL, &encoding) != JXL_DEC_SUCCESS;

  if (!info->uses_original_profile)
    {
#ifdef PP_HAVE_LIBJXL_CMS
      /* XYB pixels converted into the original ICC profile, which is then carried. */
      if (original_is_icc
          && JxlDecoderGetICCProfileSize (decoder, JXL_COLOR_PROFILE_TARGET_ORIGINAL, &size)
               == JXL_DEC_SUCCESS
          && size > 0)
        {
          g_autofree guint8 *original = g_malloc (size);

          if (JxlDecoderGetColorAsICCProfile (decoder, JXL_COLOR_PROFILE_TARGET_ORIGINAL,
                                              original, size) != JXL_DEC_SUCCESS
              || JxlDecoderSetOutputColorProfile (decoder, NULL, original, size) != JXL_DEC_SUCCESS)
            original_is_icc = FALSE;
        }
      if (!original_is_icc)
        {
          JxlColorEncoding srgb;

          /* An encoded original (sRGB, Display P3…): the pixels in it; anything else in sRGB. */
          if (JxlDecoderGetColorAsEncodedProfile (decoder, JXL_COLOR_PROFILE_TARGET_ORIGINAL,
                                                  &encoding) == JXL_DEC_SUCCESS)
            srgb = encoding;
          else
            JxlColorEncodingSetToSRGB (&srgb, info->num_color_channels == 1);
          JxlDecoderSetOutputColorProfile (decoder, &srgb, NULL, 0);
        }
#else
      /* No colour management: XYB converts to an encoded space only. The original's, when it
       * is one; else sRGB (the profile is lost, since the pixels are no longer in it). */
      JxlColorEncoding target;

      if (original_is_icc)
        JxlColorEncodingSetToSRGB (&target, info->num_color_channels == 1);
      else
        target = encoding;
      JxlDecoderSetPreferredColorProfile (decoder, &target);
#endif
    }

  /* Grey pixels come out as RGB (R = G = B): a grey profile would not describe them. */
  if (info->num_color_channels != 3)
    return NULL;
  if (JxlDecoderGetColorAsEncodedProfile (decoder, PP_JXL_UNUSED_FORMAT
                                          JXL_COLOR_PROFILE_TARGET_DATA, &encoding)
        == JXL_DEC_SUCCESS
      && is_srgb (&encoding))
    return NULL;
  if (JxlDecoderGetICCProfileSize (decoder, PP_JXL_UNUSED_FORMAT JXL_COLOR_PROFILE_TARGET_DATA,
                                   &size) != JXL_DEC_SUCCESS
      || size == 0)
    return NULL;
  icc = g_malloc (size);
  if (JxlDecoderGetColorAsICCProfile (decoder, PP_JXL_UNUSED_FORMAT JXL_COLOR_PROFILE_TARGET_DATA,
                                      icc, size) != JXL_DEC_SUCCESS)
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&icc), size);
}

/* How long an animation shows a frame, from its header (ticks of tps_denominator /
 * tps_numerator seconds). */
static int
frame_delay_ms (JxlDecoder         *decoder,
                const JxlBasicInfo *info)
{
  JxlFrameHeader frame;

  if (!info->have_animation || info->animation.tps_numerator == 0
      || JxlDecoderGetFrameHeader (decoder, &frame) != JXL_DEC_SUCCESS)
    return 0;
  return (int) MIN ((double) frame.duration * 1000.0 * info->animation.tps_denominator
                      / info->animation.tps_numerator + 0.5, G_MAXINT);
}

/* A decoder for the second pass over @data: colour, frame and pixel events, straight alpha,
 * colour management where libjxl has it. %NULL (and @error set) without memory. */
static JxlDecoder *
create_frame_decoder (const guint8  *data,
                      gsize          size,
                      GError       **error)
{
  JxlDecoder *decoder = JxlDecoderCreate (NULL);

  if (decoder == NULL
      || JxlDecoderSubscribeEvents (decoder, JXL_DEC_COLOR_ENCODING | JXL_DEC_FRAME
                                               | JXL_DEC_FULL_IMAGE) != JXL_DEC_SUCCESS
      || JxlDecoderSetInput (decoder, data, size) != JXL_DEC_SUCCESS)
    {
      g_set_error_literal (error, PP_CODEC_ERROR, PP_CODEC_ERROR_NO_MEMORY,
                           "Not enough memory for the JPEG XL decoder");
      if (decoder != NULL)
        JxlDecoderDestroy (decoder);
      return NULL;
    }
  /* Not closed, as in jxl_scan(): NEED_MORE_INPUT before the last frame means cut off. */
  JxlDecoderSetUnpremultiplyAlpha (decoder, JXL_TRUE);
#ifdef PP_HAVE_LIBJXL_CMS
  JxlDecoderSetCms (decoder, *JxlGetDefaultCms ());
#endif
  return decoder;
}

/* At the image-buffer event: a new image from the caller's allocator for libjxl to write the
 * frame into. Returns it, or %NULL with @error set (allocation refused, or libjxl's layout
 * does not fit it). */
static PpImage *
set_out_image (JxlDecoder           *decoder,
               JxlPixelFormat       *format,
               const PpDecodeParams *params,
               const PpDecoded      *out,
               GError              **error)
{
  size_t needed = 0;
  PpImage *image = _pp_codec_allocate (params, out->header.width, out->header.height,
                                       (int) format->num_channels, error);

  if (image == NULL)
    return NULL;
  /* libjxl rounds each row up to a multiple of align: with align = stride (which is
   * at least a row), a row is exactly our stride, so it writes into the image. */
  format->align = (size_t) image->stride;
  if (JxlDecoderImageOutBufferSize (decoder, format, &needed) != JXL_DEC_SUCCESS
      || needed > (gsize) image->stride * image->height
      || JxlDecoderSetImageOutBuffer (decoder, format, image->data, needed) != JXL_DEC_SUCCESS)
    {
      pp_image_unref (image);
      set_damaged (error);
      return NULL;
    }
  return image;
}

/* The data ran out before the last frame: keeps what libjxl can render of the frame being
 * decoded (@image: progressive passes, finished groups), or the frames already done, with
 * @out->damage saying what is missing. Returns %FALSE (truncated, @error set) when nothing
 * can be kept. Consumes @image. */
static gboolean
keep_cut_off (JxlDecoder    *decoder,
              PpImage       *image,
              int            delay_ms,
              const JxlScan *scan,
              PpDecoded     *out,
              GError       **error)
{
  if (image != NULL && JxlDecoderFlushImage (decoder) == JXL_DEC_SUCCESS)
    {
      _pp_codec_add_frame (out, image, delay_ms);
      out->damage = g_strdup ("The file ends early: parts of the image are missing or "
                              "blurred");
      return TRUE;
    }
  g_clear_pointer (&image, pp_image_unref);
  if (out->frames != NULL)
    {
      out->damage = g_strdup_printf ("The file ends early: only %u of its %u frames "
                                     "could be decoded", out->frames->len,
                                     scan->n_frames);
      return TRUE;
    }
  set_truncated (error);
  return FALSE;
}

/* Second pass: the pixels, straight into images from the caller's allocator. */
static gboolean
decode_frames (const guint8          *data,
               gsize                  size,
               const JxlScan         *scan,
               const PpDecodeParams  *params,
               PpDecoded             *out,
               GError               **error)
{
  JxlDecoder *decoder = create_frame_decoder (data, size, error);
  int channels = scan->info.alpha_bits > 0 ? 4 : 3;
  JxlPixelFormat format = { (uint32_t) channels, JXL_TYPE_UINT8, JXL_NATIVE_ENDIAN, 0 };
  PpImage *image = NULL;
  int delay_ms = 0;
  gboolean saw_last = FALSE;
  gboolean ok = FALSE;

  if (decoder == NULL)
    return FALSE;
  for (;;)
    {
      JxlDecoderStatus status = JxlDecoderProcessInput (decoder);

      switch (status)
        {
        case JXL_DEC_COLOR_ENCODING:
          out->icc = choose_output_colour (decoder, &scan->info);
          break;
        case JXL_DEC_FRAME:
          {
            JxlFrameHeader frame;

            delay_ms = frame_delay_ms (decoder, &scan->info);
            if (JxlDecoderGetFrameHeader (decoder, &frame) == JXL_DEC_SUCCESS && frame.is_last)
              saw_last = TRUE;
            break;
          }
        case JXL_DEC_NEED_IMAGE_OUT_BUFFER:
          image = set_out_image (decoder, &format, params, out, error);
          if (image == NULL)
            goto out;
          break;
        case JXL_DEC_FULL_IMAGE:
          _pp_codec_add_frame (out, g_steal_pointer (&image), delay_ms);
          if (!params->all_frames || saw_last)
            {
              ok = TRUE;
              goto out;
            }
          break;
        case JXL_DEC_SUCCESS:
          ok = out->frames != NULL;
          if (!ok)
            set_damaged (error);
          goto out;
        case JXL_DEC_NEED_MORE_INPUT:
          /* Cut off: libjxl can render what arrived (progressive passes, finished groups). */
          ok = keep_cut_off (decoder, g_steal_pointer (&image), delay_ms, scan, out, error);
          goto out;
        default:
          set_damaged (error);
          goto out;
        }
    }

out:
  g_clear_pointer (&image, pp_image_unref);
  JxlDecoderDestroy (decoder);
  return ok;
}

/**
 * jxl_decode: (PpCodec.decode of _pp_codec_jxl)
 * @data: the whole file
 * @size: its length in bytes
 * @params: the first frame, or every frame with @params->all_frames (animations: whole
 *   composited canvases with their delays); always at full size
 * @out: (out caller-allocates): zeroed by the caller; gets the header, the frames (8-bit RGB
 *   or RGBA, straight alpha, allocated with @params->allocate; 16-bit and float files are
 *   converted), the "Exif" box as a TIFF-shaped EXIF blob and the "xml " box as XMP (both
 *   transfer full, in @out; Brotli-compressed "brob" boxes too), the ICC profile the pixels
 *   are in; @out->orientation is 1: the pixels are upright
 *
 * Checks @params->max_pixels (all frames counted with @params->all_frames) from the header
 * before any pixel memory exists. One thread (no parallel runner). The colour space of lossy
 * files depends on libjxl's colour management (see the file's comment). Any thread,
 * concurrently.
 *
 * Returns: %TRUE on success; else @error is set in PP_CODEC_ERROR: TOO_LARGE (over
 *   @params->max_pixels), DAMAGED (the file ends early, or damaged data, in plain words),
 *   NO_MEMORY; @out may then hold partial results, which the caller clears
 *   (pp_decoded_clear())
 */
static gboolean
jxl_decode (const guint8          *data,
            gsize                  size,
            const PpDecodeParams  *params,
            PpDecoded             *out,
            GError               **error)
{
  g_auto (JxlScan) scan = { 0 };

  if (!jxl_scan (data, size, FALSE, &scan, error))
    return FALSE;
  fill_header (&out->header, &scan);
  if (!_pp_codec_check_size (out->header.width, out->header.height,
                             params->all_frames ? scan.n_frames : 1, params->max_pixels, error))
    return FALSE;
  if (scan.exif != NULL)
    {
      gsize exif_size;
      const guint8 *exif = g_bytes_get_data (scan.exif, &exif_size);

      /* EXIF that is not TIFF-shaped is dropped (it could not be kept anyway). */
      out->metadata.exif = pp_metadata_exif_from_payload (exif, exif_size, NULL);
    }
  out->metadata.xmp = g_steal_pointer (&scan.xmp);
  /* libjxl turns the pixels upright (the codestream's orientation); the EXIF tag is not used. */
  out->orientation = 1;
  return decode_frames (data, size, &scan, params, out, error);
}

const PpCodec _pp_codec_jxl = {
  .name = "jxl",
  .extensions = jxl_extensions,
  .mime_types = jxl_mime_types,
  .holds = PP_CODEC_HOLDS_ALPHA | PP_CODEC_HOLDS_EXIF | PP_CODEC_HOLDS_XMP | PP_CODEC_HOLDS_ICC,
  .sniff = jxl_sniff,
  .probe = jxl_probe,
  .decode = jxl_decode,
  .encode = _pp_codec_jxl_encode,
};
