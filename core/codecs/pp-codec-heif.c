/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * HEIF (HEIC) and AVIF through libheif, the format's reference library: reads both, writes AVIF
 * (AV1 in HEIF: any libheif with an AV1 encoder writes it, while HEVC encoders are often left
 * out for patent reasons). Metadata travels in the file's Exif and XMP items and its colr ICC
 * profile.
 *
 * Orientation: HEIF carries it in the container (irot, imir and clap properties, ISO/IEC
 * 23008-12 6.5.10-12), which libheif applies while decoding, as the standard requires; the
 * decoded pixels are upright. The EXIF Orientation tag of a HEIF is informative only and must
 * not be applied again: iPhones store a 90° photo with irot *and* EXIF Orientation 6, and
 * applying both would turn it twice. So decoded HEIF pixels are reported as upright.
 *
 * Threads: libheif decodes a grid image's tiles on its own threads unless told not to; the
 * codecs underneath (dav1d, libde265, aom) bring their own threads. Parapix parallelises across
 * files, so every call here asks for one thread where libheif lets it (tile decoding always,
 * the codec's threads from libheif 1.21, aom's encoder threads always).
 */
#define G_LOG_DOMAIN "pp-codec-heif"

#include "config.h"

#include <string.h>

#include <libheif/heif.h>

#include "codecs/pp-codec-private.h"

/* AVIF's speed/quality trade-off (aom's cpu-used, 0 slowest .. 9 fastest): libheif's default. */
#define AVIF_SPEED 6
/* From this quality on, AVIF keeps full-resolution colour (4:4:4) as a high-quality JPEG does;
 * below it, 4:2:0, as libvips' heifsave does. */
#define AVIF_FULL_CHROMA_QUALITY 90

static const char *const heif_extensions[] = { "avif", "heic", "heif", "hif", NULL };
static const char *const heif_mime_types[] = { "image/avif", "image/heic", "image/heif", NULL };

/* ISO BMFF brands of still HEIF and AVIF files (ISO/IEC 23008-12 Annex B, AV1 Image File Format
 * 4.1), as the major brand or among the compatible ones. */
static const char *const heif_brands[] = { "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1",
                                           "msf1", "avif", "avis", NULL };

static gboolean
is_heif_brand (const guint8 *brand)
{
  for (guint i = 0; heif_brands[i] != NULL; i++)
    if (memcmp (brand, heif_brands[i], 4) == 0)
      return TRUE;
  return FALSE;
}

/* An "ftyp" box first, whose major or a compatible brand is a HEIF/AVIF one. */
/**
 * heif_sniff: (PpCodec.sniff of _pp_codec_heif)
 * @head: the first @size bytes of a file
 * @size: how many; fewer than 12 is never HEIF
 *
 * Whether the file starts with an ISO BMFF "ftyp" box whose major brand, or one of the
 * compatible brands within @head, is a still HEIF or AVIF brand (heif_brands[]). Reads @head
 * only; no allocation, no libheif call. Any thread.
 *
 * Returns: %TRUE for HEIF, HEIC and AVIF files
 */
static gboolean
heif_sniff (const guint8 *head,
            gsize         size)
{
  gsize box_size;

  if (size < 12 || memcmp (head + 4, "ftyp", 4) != 0)
    return FALSE;
  if (is_heif_brand (head + 8))
    return TRUE;
  box_size = (gsize) head[0] << 24 | (gsize) head[1] << 16 | (gsize) head[2] << 8 | head[3];
  /* major brand (8), minor version (12), then compatible brands from 16 to the box's end */
  for (gsize at = 16; at + 4 <= MIN (box_size, size); at += 4)
    if (is_heif_brand (head + at))
      return TRUE;
  return FALSE;
}

/* libheif loads its codec plugins in heif_init(); it counts calls, so one for the process. */
static void
ensure_libheif (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      heif_init (NULL);
      g_once_init_leave (&done, 1);
    }
}

static gboolean
is_avif_data (const guint8 *data,
              gsize         size)
{
  enum heif_brand brand = heif_main_brand (data, (int) MIN (size, 64));

  return brand == heif_avif || brand == heif_avis;
}

/* A libheif error in words a user can act on, in our error domain. */
static void
set_heif_error (GError            **error,
                struct heif_error   err,
                const guint8       *data,
                gsize               size)
{
  /* libheif's messages can end in a newline. */
  g_autofree char *detail = g_strstrip (g_strdup (err.message != NULL ? err.message : ""));

  switch (err.code)
    {
    case heif_error_Invalid_input:
      if (err.subcode == heif_suberror_End_of_data)
        g_set_error_literal (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                             "The file ends early: the image data is incomplete");
      else
        g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                     "The HEIF structure is damaged: %s", detail);
      break;
    case heif_error_Unsupported_filetype:
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_UNSUPPORTED,
                   "Not a HEIF or AVIF file (%s)", detail);
      break;
    case heif_error_Unsupported_feature:
      if (err.subcode == heif_suberror_Unsupported_codec && !is_avif_data (data, size)
          && !heif_have_decoder_for_format (heif_compression_HEVC))
        g_set_error_literal (error, PP_CODEC_ERROR, PP_CODEC_ERROR_UNSUPPORTED,
                             "HEIC (HEVC-compressed HEIF) is not supported: this libheif has no "
                             "HEVC decoder");
      else if (err.subcode == heif_suberror_Unsupported_codec
               && !heif_have_decoder_for_format (heif_compression_AV1))
        g_set_error_literal (error, PP_CODEC_ERROR, PP_CODEC_ERROR_UNSUPPORTED,
                             "AVIF is not supported: this libheif has no AV1 decoder");
      else
        g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_UNSUPPORTED,
                     "This HEIF variant is not supported: %s", detail);
      break;
    case heif_error_Memory_allocation_error:
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_NO_MEMORY,
                   "Not enough memory to decode the image (%s)", detail);
      break;
    default:
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                   "The image data is damaged: %s", detail);
      break;
    }
}

/* The parsed container (no pixels decoded yet) and its primary image. */
typedef struct
{
  struct heif_context *context;
  struct heif_image_handle *primary;
} HeifFile;

static void
heif_file_clear (HeifFile *file)
{
  g_clear_pointer (&file->primary, heif_image_handle_release);
  g_clear_pointer (&file->context, heif_context_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HeifFile, heif_file_clear)

static gboolean
heif_file_open (HeifFile      *file,
                const guint8  *data,
                gsize          size,
                GError       **error)
{
  struct heif_error err;

  ensure_libheif ();
  memset (file, 0, sizeof *file);
  if (size > G_MAXINT)
    {
      g_set_error_literal (error, PP_CODEC_ERROR, PP_CODEC_ERROR_TOO_LARGE,
                           "The file is too large for libheif (over 2 GiB)");
      return FALSE;
    }
  file->context = heif_context_alloc ();
  /* Tiles of grid images on this thread: the batch already uses every core. */
  heif_context_set_max_decoding_threads (file->context, 0);
  err = heif_context_read_from_memory_without_copy (file->context, data, size, NULL);
  if (err.code == heif_error_Ok)
    err = heif_context_get_primary_image_handle (file->context, &file->primary);
  if (err.code != heif_error_Ok)
    {
      set_heif_error (error, err, data, size);
      return FALSE;
    }
  return TRUE;
}

static void
fill_header (PpCodecHeader                  *header,
             const HeifFile                 *file,
             const struct heif_image_handle *handle)
{
  header->format = "heif";
  header->width = heif_image_handle_get_width (handle);
  header->height = heif_image_handle_get_height (handle);
  /* Several top-level images are a collection (pages), never timed frames. */
  header->n_frames = (guint) MAX (1, heif_context_get_number_of_top_level_images (file->context));
  header->animated = FALSE;
  header->has_alpha = heif_image_handle_has_alpha_channel (handle) != 0;
}

/**
 * heif_probe: (PpCodec.probe of _pp_codec_heif)
 * @data: the whole file
 * @size: its length in bytes
 * @name: (nullable): unused (HEIF has a signature)
 * @header: (out caller-allocates): filled on success
 *
 * Reads the primary image's header through libheif without decoding pixels: its size in
 * pixels as libheif reports it, i.e. upright (the container's irot/imir already applied, see
 * the file's comment), whether it has alpha, and the number of top-level images as
 * @header->n_frames (pages, never animated). Any thread, concurrently.
 *
 * Returns: %TRUE on success; else @error is set in PP_CODEC_ERROR: UNSUPPORTED (not a HEIF
 *   libheif reads, or a coding without a decoder plugin, e.g. HEIC without libde265),
 *   DAMAGED (truncated or invalid boxes; a primary image without an "ispe" size), TOO_LARGE
 *   (a file over 2 GiB, libheif's limit), NO_MEMORY
 */
static gboolean
heif_probe (const guint8   *data,
            gsize           size,
            const char     *name,
            PpCodecHeader  *header,
            GError        **error)
{
  g_auto (HeifFile) file = { 0 };

  if (!heif_file_open (&file, data, size, error))
    return FALSE;
  fill_header (header, &file, file.primary);
  /* HEIF requires an "ispe" property; without one libheif reports 0 × 0. */
  if (header->width <= 0 || header->height <= 0)
    {
      g_set_error_literal (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                           "The file declares no image size (HEIF without an “ispe” property)");
      return FALSE;
    }
  return TRUE;
}

/* The first metadata item of @type (and, when @content_type is set, that content type) of the
 * image, or %NULL. */
static GBytes *
read_metadata_item (const struct heif_image_handle *handle,
                    const char                     *type,
                    const char                     *content_type)
{
  int n = heif_image_handle_get_number_of_metadata_blocks (handle, type);
  g_autofree heif_item_id *ids = NULL;

  if (n <= 0)
    return NULL;
  ids = g_new (heif_item_id, n);
  n = heif_image_handle_get_list_of_metadata_block_IDs (handle, type, ids, n);
  for (int i = 0; i < n; i++)
    {
      size_t size = heif_image_handle_get_metadata_size (handle, ids[i]);
      const char *item_type = heif_image_handle_get_metadata_content_type (handle, ids[i]);
      g_autofree guint8 *bytes = NULL;

      if (content_type != NULL && g_strcmp0 (item_type, content_type) != 0)
        continue;
      if (size == 0)
        continue;
      bytes = g_malloc (size);
      if (heif_image_handle_get_metadata (handle, ids[i], bytes).code != heif_error_Ok)
        continue;
      return g_bytes_new_take (g_steal_pointer (&bytes), size);
    }
  return NULL;
}

/* EXIF (the item's form: a 4-byte offset to the TIFF header), XMP (an "application/rdf+xml"
 * mime item, ISO/IEC 23008-12 A.2.2) and the ICC profile (a "prof" or "rICC" colour property;
 * an "nclx" one is not an ICC profile and says the pixels are sRGB-like, which is our default). */
static void
read_metadata (const struct heif_image_handle *handle,
               PpDecoded                      *out)
{
  g_autoptr (GBytes) exif = read_metadata_item (handle, "Exif", NULL);
  enum heif_color_profile_type profile = heif_image_handle_get_color_profile_type (handle);

  if (exif != NULL)
    {
      gsize size;
      const guint8 *bytes = g_bytes_get_data (exif, &size);

      /* EXIF that is not TIFF-shaped is dropped (it could not be kept anyway). */
      out->metadata.exif = pp_metadata_exif_from_payload (bytes, size, NULL);
    }
  out->metadata.xmp = read_metadata_item (handle, "mime", "application/rdf+xml");
  if (profile == heif_color_profile_type_prof || profile == heif_color_profile_type_rICC)
    {
      size_t size = heif_image_handle_get_raw_color_profile_size (handle);
      g_autofree guint8 *icc = size > 0 ? g_malloc (size) : NULL;

      /* Only an RGB profile describes the RGB pixels we decode (a monochrome HEIF's grey
       * profile does not): the colour space signature at byte 16 of the ICC header. */
      if (icc != NULL && size >= 20
          && heif_image_handle_get_raw_color_profile (handle, icc).code == heif_error_Ok
          && memcmp (icc + 16, "RGB ", 4) == 0)
        out->icc = g_bytes_new_take (g_steal_pointer (&icc), size);
    }
}

/* Undoes premultiplied alpha (HEIF may store it premultiplied; PpImage is straight). */
static void
unpremultiply_row (guint8 *row,
                   int     width)
{
  for (int x = 0; x < width; x++, row += 4)
    {
      guint a = row[3];

      if (a == 0 || a == 255)
        continue;
      for (int c = 0; c < 3; c++)
        row[c] = (guint8) MIN (255u, (row[c] * 255u + a / 2) / a);
    }
}

/* Decodes one image into a new PpImage (8-bit RGB or RGBA, transformations applied). */
static PpImage *
decode_handle (const struct heif_image_handle *handle,
               const PpDecodeParams           *params,
               const guint8                   *data,
               gsize                           size,
               GError                        **error)
{
  gboolean alpha = heif_image_handle_has_alpha_channel (handle) != 0;
  int channels = alpha ? 4 : 3;
  struct heif_decoding_options *options = heif_decoding_options_alloc ();
  struct heif_image *decoded = NULL;
  struct heif_error err;
  const guint8 *plane;
  int plane_stride, width, height;
  PpImage *image;

  /* 10- and 12-bit AVIF/HEIC come out as 8-bit, like every PpImage. */
  options->convert_hdr_to_8bit = 1;
#if LIBHEIF_HAVE_VERSION(1, 21, 0)
  options->num_codec_threads = 1;
#endif
  err = heif_decode_image (handle, &decoded, heif_colorspace_RGB,
                           alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB,
                           options);
  heif_decoding_options_free (options);
  if (err.code != heif_error_Ok)
    {
      set_heif_error (error, err, data, size);
      return NULL;
    }
  width = heif_image_get_primary_width (decoded);
  height = heif_image_get_primary_height (decoded);
  plane = heif_image_get_plane_readonly (decoded, heif_channel_interleaved, &plane_stride);
  if (plane == NULL || width <= 0 || height <= 0)
    {
      heif_image_release (decoded);
      g_set_error_literal (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                           "libheif decoded no pixels");
      return NULL;
    }
  image = _pp_codec_allocate (params, width, height, channels, error);
  if (image != NULL)
    {
      gboolean premultiplied = alpha && heif_image_is_premultiplied_alpha (decoded);

      for (int y = 0; y < height; y++)
        {
          guint8 *row = PP_IMAGE_ROW (image, y);

          memcpy (row, plane + (gsize) y * plane_stride, (gsize) width * channels);
          if (premultiplied)
            unpremultiply_row (row, width);
        }
    }
  heif_image_release (decoded);
  return image;
}

/* The top-level images in the order we return them: the primary first, then the others. */
static GArray *
list_images (const HeifFile *file,
             gboolean        all)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (heif_item_id));
  heif_item_id primary = 0;
  int n = all ? heif_context_get_number_of_top_level_images (file->context) : 0;
  g_autofree heif_item_id *all_ids = n > 0 ? g_new (heif_item_id, n) : NULL;

  heif_context_get_primary_image_ID (file->context, &primary);
  g_array_append_val (ids, primary);
  if (n > 0)
    n = heif_context_get_list_of_top_level_image_IDs (file->context, all_ids, n);
  for (int i = 0; i < n; i++)
    if (all_ids[i] != primary)
      g_array_append_val (ids, all_ids[i]);
  return ids;
}

/**
 * heif_decode: (PpCodec.decode of _pp_codec_heif)
 * @data: the whole file
 * @size: its length in bytes
 * @params: what to decode: the primary image, or every top-level image with
 *   @params->all_frames; always at full size (libheif cannot shrink while decoding)
 * @out: (out caller-allocates): zeroed by the caller; gets the header, one #PpFrame per image
 *   (8-bit RGB or RGBA, straight alpha, allocated with @params->allocate), the primary
 *   image's Exif and XMP items as blobs (transfer full, in @out) and its ICC profile
 *   (colr "prof"/"rICC"); @out->orientation is 1: the pixels are upright
 *
 * Checks @params->max_pixels against the primary image, then against every image to decode,
 * before any pixel memory exists. Runs libheif with one decoding thread (see the file's
 * comment). Any thread, concurrently.
 *
 * Returns: %TRUE on success; else @error is set in PP_CODEC_ERROR: UNSUPPORTED (no decoder
 *   plugin for the coding), TOO_LARGE (over @params->max_pixels), DAMAGED (truncated or
 *   invalid data, in plain words), NO_MEMORY (no memory for the pixels); @out may then hold
 *   partial results, which the caller clears (pp_decoded_clear())
 */
static gboolean
heif_decode (const guint8          *data,
             gsize                  size,
             const PpDecodeParams  *params,
             PpDecoded             *out,
             GError               **error)
{
  g_auto (HeifFile) file = { 0 };
  g_autoptr (GArray) ids = NULL;
  double total = 0;

  if (!heif_file_open (&file, data, size, error))
    return FALSE;
  fill_header (&out->header, &file, file.primary);
  if (!_pp_codec_check_size (out->header.width, out->header.height, 1, params->max_pixels,
                             error))
    return FALSE;

  /* The pixel limit counts every image to decode, checked before any is. */
  ids = list_images (&file, params->all_frames);
  for (guint i = 0; i < ids->len; i++)
    {
      struct heif_image_handle *handle = NULL;

      if (heif_context_get_image_handle (file.context, g_array_index (ids, heif_item_id, i),
                                         &handle).code != heif_error_Ok)
        continue;
      total += (double) heif_image_handle_get_width (handle) * heif_image_handle_get_height (handle);
      heif_image_handle_release (handle);
    }
  if (params->max_pixels > 0 && total > params->max_pixels)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_TOO_LARGE,
                   "The file holds %u images of %.1f megapixels in all, over the limit of %g "
                   "megapixels (--max-megapixels)", ids->len, total / 1e6,
                   params->max_pixels / 1e6);
      return FALSE;
    }

  read_metadata (file.primary, out);
  /* libheif turned the pixels upright (irot/imir): nothing is left for the EXIF tag to do. */
  out->orientation = 1;
  for (guint i = 0; i < ids->len; i++)
    {
      struct heif_image_handle *handle = NULL;
      struct heif_error err;
      PpImage *image;

      err = heif_context_get_image_handle (file.context, g_array_index (ids, heif_item_id, i),
                                           &handle);
      if (err.code != heif_error_Ok)
        {
          set_heif_error (error, err, data, size);
          return FALSE;
        }
      image = decode_handle (handle, params, data, size, error);
      heif_image_handle_release (handle);
      if (image == NULL)
        return FALSE;
      _pp_codec_add_frame (out, image, 0);
    }
  return TRUE;
}

static struct heif_error
append_to_array (struct heif_context *context,
                 const void          *data,
                 size_t               size,
                 void                *user_data)
{
  struct heif_error ok = { heif_error_Ok, heif_suberror_Unspecified, "" };

  g_byte_array_append (user_data, data, (guint) size);
  return ok;
}

/* Our 1..100 quality as libheif's AV1 quality (0..100, which libheif's aom encoder maps
 * linearly onto the quantiser: cq-level = (100 − q) × 63 / 100).
 *
 * Parapix's --quality is on JPEG's scale (default 90). Passed through unchanged it would make
 * AVIF near-lossless and larger than the JPEG. Each point below is the lowest AVIF quality whose
 * result is at least as close to the original as libjpeg's at that JPEG quality: mean SSIM
 * (luma) over the eight sample photos fitted into 768 px, with these encoder settings, measured
 * by tools/avif-quality-map (JPEG 50: SSIM 0.930 → AVIF 44; 75: 0.961 → 57; 90: 0.985 → 79;
 * 100: 0.9992 → 100). Linear in between; quality 1 stays 1. */
static int
avif_quality (int quality)
{
  static const int jpeg_q[] = { 1, 50, 75, 90, 100 };
  static const int avif_q[] = { 1, 44, 57, 79, 100 };

  quality = CLAMP (quality, 1, 100);
  for (guint i = 1; i < G_N_ELEMENTS (jpeg_q); i++)
    if (quality <= jpeg_q[i])
      return avif_q[i - 1] + (avif_q[i] - avif_q[i - 1]) * (quality - jpeg_q[i - 1])
             / (jpeg_q[i] - jpeg_q[i - 1]);
  return avif_q[G_N_ELEMENTS (avif_q) - 1];
}

static gboolean
check_heif_error (struct heif_error   err,
                  const char         *what,
                  GError            **error)
{
  g_autofree char *detail = NULL;

  if (err.code == heif_error_Ok)
    return TRUE;
  detail = g_strstrip (g_strdup (err.message != NULL ? err.message : ""));
  g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_ENCODE, "%s: %s", what, detail);
  return FALSE;
}

/* The frame's pixels in a libheif image (libheif keeps its own planes: one copy, which the
 * encoder's RGB → YUV conversion would need anyway). */
static struct heif_image *
image_to_heif (const PpImage  *image,
               GError        **error)
{
  gboolean alpha = image->channels == 4;
  struct heif_image *heif_image = NULL;
  guint8 *plane;
  int plane_stride;

  if (!check_heif_error (heif_image_create (image->width, image->height, heif_colorspace_RGB,
                                            alpha ? heif_chroma_interleaved_RGBA
                                                  : heif_chroma_interleaved_RGB,
                                            &heif_image),
                         "Cannot make an AVIF image", error))
    return NULL;
  if (!check_heif_error (heif_image_add_plane (heif_image, heif_channel_interleaved,
                                               image->width, image->height, 8),
                         "Cannot make an AVIF image", error))
    {
      heif_image_release (heif_image);
      return NULL;
    }
  plane = heif_image_get_plane (heif_image, heif_channel_interleaved, &plane_stride);
  for (int y = 0; y < image->height; y++)
    memcpy (plane + (gsize) y * plane_stride, PP_IMAGE_ROW (image, y),
            (gsize) image->width * image->channels);
  return heif_image;
}

/**
 * heif_encode: (PpCodec.encode of _pp_codec_heif)
 * @frames: one frame (8-bit RGB or RGBA, straight alpha); read, not kept
 * @n_frames: must be 1 (AVIF output is a still image)
 * @options: @options->quality 1..100 on JPEG's scale, mapped by avif_quality(); at 90 and
 *   above the chroma is kept at full resolution (4:4:4), below it 4:2:0; @options->icc
 *   embedded as the image's colr profile, @options->metadata's EXIF and XMP as Exif and XMP
 *   items (IPTC has no place in HEIF and is dropped); @options->compression is unused
 * @out: the AVIF file is appended to it
 *
 * Writes AVIF (AV1 in HEIF) with libheif's AV1 encoder at speed 6 with one thread. The
 * pixels are copied once into libheif's plane, which its RGB → YUV conversion needs anyway.
 * Any thread, concurrently.
 *
 * Returns: %TRUE on success; else @error is set to PP_CODEC_ERROR_ENCODE (no AV1 encoder in
 *   this libheif, or the encoder failed; the message carries libheif's reason)
 */
static gboolean
heif_encode (const PpFrame          *frames,
             guint                   n_frames,
             const PpEncodeOptions  *options,
             GByteArray             *out,
             GError                **error)
{
  const PpImage *image = frames[0].image;
  struct heif_context *context;
  struct heif_encoder *encoder = NULL;
  struct heif_image *heif_image = NULL;
  struct heif_image_handle *handle = NULL;
  struct heif_encoding_options *encoding = NULL;
  struct heif_writer writer = { 1, append_to_array };
  int quality = avif_quality (options->quality);
  gboolean ok = FALSE;

  g_return_val_if_fail (n_frames == 1, FALSE);

  ensure_libheif ();
  context = heif_context_alloc ();
  if (!check_heif_error (heif_context_get_encoder_for_format (context, heif_compression_AV1,
                                                              &encoder),
                         "AVIF cannot be written: this libheif has no AV1 encoder", error))
    goto out;
  heif_encoder_set_lossy_quality (encoder, quality);
  /* Parameters of libheif's aom encoder; another AV1 encoder ignores what it does not know. */
  heif_encoder_set_parameter_integer (encoder, "speed", AVIF_SPEED);
  heif_encoder_set_parameter_integer (encoder, "threads", 1);
  heif_encoder_set_parameter_string (encoder, "chroma",
                                     options->quality >= AVIF_FULL_CHROMA_QUALITY ? "444" : "420");

  heif_image = image_to_heif (image, error);
  if (heif_image == NULL)
    goto out;
  if (options->icc != NULL)
    {
      gsize size;
      const guint8 *icc = g_bytes_get_data (options->icc, &size);

      if (!check_heif_error (heif_image_set_raw_color_profile (heif_image, "prof", icc, size),
                             "Cannot embed the ICC profile", error))
        goto out;
    }

  encoding = heif_encoding_options_alloc ();
  encoding->save_alpha_channel = image->channels == 4;
  if (!check_heif_error (heif_context_encode_image (context, heif_image, encoder, encoding,
                                                    &handle),
                         "The AV1 encoder failed", error))
    goto out;

  if (options->metadata != NULL && options->metadata->exif != NULL)
    {
      gsize size;
      const guint8 *exif = g_bytes_get_data (options->metadata->exif, &size);

      /* libheif adds the 4-byte offset in front of the TIFF header itself. */
      if (!check_heif_error (heif_context_add_exif_metadata (context, handle, exif, (int) size),
                             "Cannot embed the EXIF data", error))
        goto out;
    }
  if (options->metadata != NULL && options->metadata->xmp != NULL)
    {
      gsize size;
      const guint8 *xmp = g_bytes_get_data (options->metadata->xmp, &size);

      if (!check_heif_error (heif_context_add_XMP_metadata (context, handle, xmp, (int) size),
                             "Cannot embed the XMP data", error))
        goto out;
    }
  ok = check_heif_error (heif_context_write (context, &writer, out), "Cannot write the AVIF file",
                         error);

out:
  g_clear_pointer (&encoding, heif_encoding_options_free);
  g_clear_pointer (&handle, heif_image_handle_release);
  g_clear_pointer (&heif_image, heif_image_release);
  g_clear_pointer (&encoder, heif_encoder_release);
  heif_context_free (context);
  return ok;
}

/* HEIF, HEIC and AVIF in; AVIF out. Registered in pp-codec.c when built with libheif
 * (PP_HAVE_LIBHEIF). */
const PpCodec _pp_codec_heif = {
  .name = "heif",
  .extensions = heif_extensions,
  .mime_types = heif_mime_types,
  .holds = PP_CODEC_HOLDS_ALPHA | PP_CODEC_HOLDS_EXIF | PP_CODEC_HOLDS_XMP | PP_CODEC_HOLDS_ICC,
  .sniff = heif_sniff,
  .probe = heif_probe,
  .decode = heif_decode,
  .encode = heif_encode,
};
