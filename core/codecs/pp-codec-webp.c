/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * WebP through libwebp: stills with the incremental decoder (so a cut file says how much of the
 * picture arrived), animations with WebPAnimDecoder (whole composited canvases), and the ICCP,
 * EXIF and "XMP " chunks through the demuxer. Encoding writes stills with WebPEncode and
 * animations with WebPAnimEncoder, then adds the metadata chunks with the muxer.
 * libwebp keeps no global state: every call is independent.
 */
#define G_LOG_DOMAIN "pp-codec"

#include "config.h"

#include <string.h>

#include <webp/decode.h>
#include <webp/demux.h>
#include <webp/encode.h>
#include <webp/mux.h>

#include "codecs/pp-codec-private.h"

static gboolean
webp_sniff (const guint8 *head,
            gsize         size)
{
  return size >= 12 && memcmp (head, "RIFF", 4) == 0 && memcmp (head + 8, "WEBP", 4) == 0;
}

/* The demuxer over whatever of the file there is: a cut file still yields its header and the
 * chunks before the cut. */
static WebPDemuxer *
open_demux (const guint8      *data,
            gsize              size,
            WebPDemuxState    *state)
{
  WebPData webp = { data, size };

  return WebPDemuxPartial (&webp, state);
}

static gboolean
webp_probe (const guint8  *data,
            gsize          size,
            const char    *name,
            PpCodecHeader *header,
            GError       **error)
{
  WebPBitstreamFeatures features;
  WebPDemuxState state;
  WebPDemuxer *demux;

  if (WebPGetFeatures (data, size, &features) != VP8_STATUS_OK)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                   "The WebP file is damaged: its header cannot be read");
      return FALSE;
    }
  header->format = "webp";
  header->width = features.width;
  header->height = features.height;
  header->has_alpha = features.has_alpha;
  header->animated = features.has_animation;
  header->n_frames = 1;
  demux = open_demux (data, size, &state);
  if (demux != NULL && features.has_animation)
    header->n_frames = MAX (1u, WebPDemuxGetI (demux, WEBP_FF_FRAME_COUNT));
  WebPDemuxDelete (demux);
  return TRUE;
}

static GBytes *
get_chunk (WebPDemuxer *demux,
           const char  *fourcc)
{
  WebPChunkIterator iter;
  GBytes *bytes = NULL;

  if (WebPDemuxGetChunk (demux, fourcc, 1, &iter))
    bytes = _pp_codec_bytes_or_null (iter.chunk.bytes, iter.chunk.size);
  WebPDemuxReleaseChunkIterator (&iter);
  return bytes;
}

static void
read_metadata (const guint8 *data,
               gsize         size,
               PpDecoded    *out)
{
  WebPDemuxState state;
  WebPDemuxer *demux = open_demux (data, size, &state);
  g_autoptr (GBytes) exif = NULL;

  if (demux == NULL)
    return;
  /* Some writers put "Exif\0\0" before the TIFF header; pp_metadata_exif_from_payload() takes
   * either form. */
  exif = get_chunk (demux, "EXIF");
  if (exif != NULL)
    out->metadata.exif = pp_metadata_exif_from_payload (g_bytes_get_data (exif, NULL),
                                                        g_bytes_get_size (exif), NULL);
  out->metadata.xmp = get_chunk (demux, "XMP ");
  out->icc = get_chunk (demux, "ICCP");
  WebPDemuxDelete (demux);
}

static gboolean
decode_still (const guint8         *data,
              gsize                 size,
              const PpDecodeParams *params,
              PpDecoded            *out,
              GError              **error)
{
  WebPDecoderConfig config;
  WebPIDecoder *idec;
  PpImage *image;
  VP8StatusCode status;
  int last_y = 0;

  image = _pp_codec_allocate (params, out->header.width, out->header.height,
                              out->header.has_alpha ? 4 : 3, error);
  if (image == NULL)
    return FALSE;
  WebPInitDecoderConfig (&config);
  config.output.colorspace = image->channels == 4 ? MODE_RGBA : MODE_RGB;
  config.output.is_external_memory = 1;
  config.output.u.RGBA.rgba = image->data;
  config.output.u.RGBA.stride = image->stride;
  config.output.u.RGBA.size = (size_t) image->stride * image->height;
  idec = WebPIDecode (NULL, 0, &config);
  if (idec == NULL)
    {
      pp_image_unref (image);
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_NO_MEMORY, "Not enough memory");
      return FALSE;
    }
  status = WebPIUpdate (idec, data, size);
  if (status != VP8_STATUS_OK)
    WebPIDecGetRGB (idec, &last_y, NULL, NULL, NULL);
  WebPIDelete (idec);

  if (status == VP8_STATUS_OK)
    {
      _pp_codec_add_frame (out, image, 0);
      return TRUE;
    }
  if (status == VP8_STATUS_OUT_OF_MEMORY)
    {
      pp_image_unref (image);
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_NO_MEMORY,
                   "Not enough memory to decode this WebP file");
      return FALSE;
    }
  if (status == VP8_STATUS_UNSUPPORTED_FEATURE)
    {
      pp_image_unref (image);
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_UNSUPPORTED,
                   "This WebP file uses a feature libwebp does not support");
      return FALSE;
    }
  if (last_y <= 0)
    {
      pp_image_unref (image);
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                   status == VP8_STATUS_SUSPENDED
                   ? "The file ends early, before any of the image"
                   : "The WebP file is damaged and cannot be decoded");
      return FALSE;
    }
  _pp_codec_fill_rows (image, last_y, image->height);
  if (status == VP8_STATUS_SUSPENDED)
    out->damage = _pp_codec_describe_missing (last_y, image->height);
  else
    out->damage = g_strdup_printf ("The image data is damaged: the bottom %d %% of the image is "
                                   "missing",
                                   CLAMP ((int) (100.0 * (image->height - last_y)
                                                 / image->height + 0.5), 1, 100));
  _pp_codec_add_frame (out, image, 0);
  return TRUE;
}

static gboolean
decode_animation (const guint8         *data,
                  gsize                 size,
                  const PpDecodeParams *params,
                  PpDecoded            *out,
                  GError              **error)
{
  WebPData webp = { data, size };
  WebPAnimDecoderOptions options;
  WebPAnimDecoder *decoder;
  WebPAnimInfo info;
  int previous = 0;
  guint n;

  WebPAnimDecoderOptionsInit (&options);
  options.color_mode = MODE_RGBA;
  options.use_threads = 0; /* one decode per worker already uses every core */
  decoder = WebPAnimDecoderNew (&webp, &options);
  if (decoder == NULL || !WebPAnimDecoderGetInfo (decoder, &info))
    {
      WebPDemuxState state;
      WebPDemuxer *demux = open_demux (data, size, &state);

      WebPDemuxDelete (demux);
      WebPAnimDecoderDelete (decoder);
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                   state == WEBP_DEMUX_PARSING_HEADER || state == WEBP_DEMUX_PARSED_HEADER
                   ? "The file ends early: the animation is incomplete"
                   : "The animated WebP file is damaged and cannot be decoded");
      return FALSE;
    }
  out->header.width = (int) info.canvas_width;
  out->header.height = (int) info.canvas_height;
  out->header.n_frames = MAX (1u, info.frame_count);
  out->loop_count = (int) info.loop_count;
  n = params->all_frames ? out->header.n_frames : 1;
  if (!_pp_codec_check_size (out->header.width, out->header.height, n, params->max_pixels, error))
    {
      WebPAnimDecoderDelete (decoder);
      return FALSE;
    }
  for (guint i = 0; i < n && WebPAnimDecoderHasMoreFrames (decoder); i++)
    {
      guint8 *canvas;
      int timestamp;
      PpImage *image;

      if (!WebPAnimDecoderGetNext (decoder, &canvas, &timestamp))
        {
          WebPAnimDecoderDelete (decoder);
          if (i > 0 && out->frames != NULL)
            {
              out->damage = g_strdup_printf ("The animation data is damaged: only %u of its %u "
                                             "frames could be decoded", i, out->header.n_frames);
              return TRUE;
            }
          g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                       "The animated WebP file is damaged and cannot be decoded");
          return FALSE;
        }
      image = _pp_codec_allocate (params, out->header.width, out->header.height, 4, error);
      if (image == NULL)
        {
          WebPAnimDecoderDelete (decoder);
          return FALSE;
        }
      /* The decoder owns its canvas and reuses it for the next frame. */
      for (int y = 0; y < image->height; y++)
        memcpy (PP_IMAGE_ROW (image, y), canvas + (gsize) y * image->width * 4,
                (gsize) image->width * 4);
      _pp_codec_add_frame (out, image, timestamp - previous);
      previous = timestamp;
    }
  WebPAnimDecoderDelete (decoder);
  out->header.has_alpha = TRUE;
  return TRUE;
}

static gboolean
webp_decode (const guint8         *data,
             gsize                 size,
             const PpDecodeParams *params,
             PpDecoded            *out,
             GError              **error)
{
  if (!webp_probe (data, size, params->name, &out->header, error))
    return FALSE;
  read_metadata (data, size, out);
  if (out->header.animated)
    return decode_animation (data, size, params, out, error);
  if (!_pp_codec_check_size (out->header.width, out->header.height, 1, params->max_pixels,
                             error))
    return FALSE;
  return decode_still (data, size, params, out, error);
}

static const char *
describe_encode_error (WebPEncodingError code)
{
  switch (code)
    {
    case VP8_ENC_ERROR_OUT_OF_MEMORY:
    case VP8_ENC_ERROR_BITSTREAM_OUT_OF_MEMORY:
      return "not enough memory";
    case VP8_ENC_ERROR_BAD_DIMENSION:
      return "WebP holds at most 16383 × 16383 pixels";
    case VP8_ENC_ERROR_PARTITION0_OVERFLOW:
    case VP8_ENC_ERROR_PARTITION_OVERFLOW:
      return "the image is too detailed for one WebP partition";
    case VP8_ENC_ERROR_FILE_TOO_BIG:
      return "the file would exceed 4 GiB";
    default:
      return "the encoder failed";
    }
}

static gboolean
import_picture (WebPPicture   *picture,
                const PpImage *image,
                gboolean       argb)
{
  if (!WebPPictureInit (picture))
    return FALSE;
  picture->width = image->width;
  picture->height = image->height;
  picture->use_argb = argb;
  return image->channels == 4 ? WebPPictureImportRGBA (picture, image->data, image->stride)
                              : WebPPictureImportRGB (picture, image->data, image->stride);
}

static gboolean
encode_still (const PpImage   *image,
              const WebPConfig *config,
              WebPData        *result,
              GError         **error)
{
  WebPPicture picture;
  WebPMemoryWriter writer;
  gboolean ok;

  if (!import_picture (&picture, image, FALSE))
    {
      WebPPictureFree (&picture);
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_ENCODE, "Cannot encode WebP: %s",
                   describe_encode_error (picture.error_code));
      return FALSE;
    }
  WebPMemoryWriterInit (&writer);
  picture.writer = WebPMemoryWrite;
  picture.custom_ptr = &writer;
  ok = WebPEncode (config, &picture);
  if (!ok)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_ENCODE, "Cannot encode WebP: %s",
                   describe_encode_error (picture.error_code));
      WebPMemoryWriterClear (&writer);
    }
  else
    {
      result->bytes = writer.mem;
      result->size = writer.size;
    }
  WebPPictureFree (&picture);
  return ok;
}

static gboolean
encode_animation (const PpFrame         *frames,
                  guint                  n_frames,
                  const PpEncodeOptions *options,
                  const WebPConfig      *config,
                  WebPData              *result,
                  GError               **error)
{
  const PpImage *first = frames[0].image;
  WebPAnimEncoderOptions anim_options;
  WebPAnimEncoder *encoder;
  int timestamp = 0;
  gboolean ok = TRUE;

  WebPAnimEncoderOptionsInit (&anim_options);
  anim_options.anim_params.loop_count = MAX (options->loop_count, 0);
  encoder = WebPAnimEncoderNew (first->width, first->height, &anim_options);
  if (encoder == NULL)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_ENCODE,
                   "Cannot encode an animated WebP of %d × %d", first->width, first->height);
      return FALSE;
    }
  for (guint i = 0; i < n_frames && ok; i++)
    {
      WebPPicture picture;

      if (frames[i].image->width != first->width || frames[i].image->height != first->height)
        {
          g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_ENCODE,
                       "The frames of an animation must all be %d × %d", first->width,
                       first->height);
          ok = FALSE;
          break;
        }
      ok = import_picture (&picture, frames[i].image, TRUE)
           && WebPAnimEncoderAdd (encoder, &picture, timestamp, config);
      if (!ok)
        g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_ENCODE,
                     "Cannot encode frame %u of the animation: %s", i + 1,
                     WebPAnimEncoderGetError (encoder));
      WebPPictureFree (&picture);
      timestamp += MAX (frames[i].delay_ms, 1);
    }
  if (ok)
    {
      WebPDataInit (result);
      ok = WebPAnimEncoderAdd (encoder, NULL, timestamp, NULL)
           && WebPAnimEncoderAssemble (encoder, result);
      if (!ok)
        g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_ENCODE, "Cannot encode WebP: %s",
                     WebPAnimEncoderGetError (encoder));
    }
  WebPAnimEncoderDelete (encoder);
  return ok;
}

/* The metadata chunks go in with the muxer, which also writes the VP8X header they need. */
static gboolean
add_metadata (WebPData              *webp,
              const PpEncodeOptions *options,
              GError               **error)
{
  const PpMetadataBlobs *m = options->metadata;
  GBytes *chunks[3] = { options->icc, m != NULL ? m->exif : NULL, m != NULL ? m->xmp : NULL };
  static const char *const fourcc[3] = { "ICCP", "EXIF", "XMP " };
  WebPMux *mux;
  WebPData assembled;
  gboolean any = FALSE;
  WebPMuxError status = WEBP_MUX_OK;

  for (guint i = 0; i < G_N_ELEMENTS (chunks); i++)
    any |= chunks[i] != NULL && g_bytes_get_size (chunks[i]) > 0;
  if (!any)
    return TRUE;
  mux = WebPMuxCreate (webp, 0);
  if (mux == NULL)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_ENCODE,
                   "Cannot add metadata to the WebP file");
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (chunks) && status == WEBP_MUX_OK; i++)
    if (chunks[i] != NULL && g_bytes_get_size (chunks[i]) > 0)
      {
        WebPData chunk = { g_bytes_get_data (chunks[i], NULL), g_bytes_get_size (chunks[i]) };

        status = WebPMuxSetChunk (mux, fourcc[i], &chunk, 0);
      }
  WebPDataInit (&assembled);
  if (status == WEBP_MUX_OK)
    status = WebPMuxAssemble (mux, &assembled);
  WebPMuxDelete (mux);
  if (status != WEBP_MUX_OK)
    {
      WebPDataClear (&assembled);
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_ENCODE,
                   "Cannot add metadata to the WebP file (mux error %d)", status);
      return FALSE;
    }
  WebPDataClear (webp);
  *webp = assembled;
  return TRUE;
}

static gboolean
webp_encode (const PpFrame         *frames,
             guint                  n_frames,
             const PpEncodeOptions *options,
             GByteArray            *out,
             GError               **error)
{
  WebPConfig config;
  WebPData webp = { NULL, 0 };
  gboolean ok;

  g_return_val_if_fail (n_frames >= 1, FALSE);

  if (MAX (frames[0].image->width, frames[0].image->height) > WEBP_MAX_DIMENSION)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_ENCODE,
                   "WebP cannot hold an image of %d × %d (at most %d pixels a side)",
                   frames[0].image->width, frames[0].image->height, WEBP_MAX_DIMENSION);
      return FALSE;
    }
  if (!WebPConfigInit (&config))
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_ENCODE, "libwebp version mismatch");
      return FALSE;
    }
  config.quality = (float) CLAMP (options->quality, 1, 100);
  if (n_frames > 1)
    ok = encode_animation (frames, n_frames, options, &config, &webp, error);
  else
    ok = encode_still (frames[0].image, &config, &webp, error);
  ok = ok && add_metadata (&webp, options, error);
  if (ok)
    g_byte_array_append (out, webp.bytes, (guint) webp.size);
  WebPDataClear (&webp);
  return ok;
}

static const char *const webp_extensions[] = { "webp", NULL };
static const char *const webp_mime_types[] = { "image/webp", NULL };

const PpCodec _pp_codec_webp = {
  .name = "webp",
  .extensions = webp_extensions,
  .mime_types = webp_mime_types,
  .holds = PP_CODEC_HOLDS_ALPHA | PP_CODEC_HOLDS_ANIMATION | PP_CODEC_HOLDS_EXIF
           | PP_CODEC_HOLDS_XMP | PP_CODEC_HOLDS_ICC,
  .sniff = webp_sniff,
  .probe = webp_probe,
  .decode = webp_decode,
  .encode = webp_encode,
};
