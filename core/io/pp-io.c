/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The load options, the output formats and the load itself: the codecs (core/codecs/) run in
 * this thread's isolated decoder helper (core/decoder/), or here when isolation is off, with the
 * very same code and the same pixels either way. What a file is and whether to list it is in
 * pp-io-header.c; saving in pp-io-save.c.
 */
#define G_LOG_DOMAIN "pp-io"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "decoder/pp-decoder.h"
#include "io/pp-io-private.h"

G_DEFINE_QUARK (pp-io-error-quark, pp_io_error)

G_DEFINE_ENUM_TYPE (PpFormat, pp_format,
  G_DEFINE_ENUM_VALUE (PP_FORMAT_SAME, "same"),
  G_DEFINE_ENUM_VALUE (PP_FORMAT_JPEG, "jpeg"),
  G_DEFINE_ENUM_VALUE (PP_FORMAT_PNG, "png"),
  G_DEFINE_ENUM_VALUE (PP_FORMAT_WEBP, "webp"),
  G_DEFINE_ENUM_VALUE (PP_FORMAT_TIFF, "tiff"),
  G_DEFINE_ENUM_VALUE (PP_FORMAT_BMP, "bmp"),
  G_DEFINE_ENUM_VALUE (PP_FORMAT_AVIF, "avif"),
  G_DEFINE_ENUM_VALUE (PP_FORMAT_JXL, "jxl"))

G_DEFINE_ENUM_TYPE (PpFramesPolicy, pp_frames_policy,
  G_DEFINE_ENUM_VALUE (PP_FRAMES_ALL, "all"),
  G_DEFINE_ENUM_VALUE (PP_FRAMES_FIRST, "first"),
  G_DEFINE_ENUM_VALUE (PP_FRAMES_FAIL, "fail"))

G_DEFINE_ENUM_TYPE (PpDamagedPolicy, pp_damaged_policy,
  G_DEFINE_ENUM_VALUE (PP_DAMAGED_FAIL, "fail"),
  G_DEFINE_ENUM_VALUE (PP_DAMAGED_KEEP, "keep"))

/**
 * pp_load_options_init:
 *
 * The defaults: the default pixel limit, orientation applied, full size, first frame only,
 * damage refused.
 */
void
pp_load_options_init (PpLoadOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->max_megapixels = PP_IO_DEFAULT_MAX_MEGAPIXELS;
}

/**
 * pp_save_options_init:
 *
 * JPEG at the default quality, the codec's default compression, no metadata, no overwrite,
 * a new file's permissions and the time of writing.
 */
void
pp_save_options_init (PpSaveOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->format = PP_FORMAT_JPEG;
  options->quality = PP_IO_DEFAULT_JPEG_QUALITY;
  options->png_compression = -1;
  options->mode = -1;
  options->mode_limit = -1;
}

/**
 * pp_image_info_clear:
 *
 * Frees what a load reported and zeroes @info. Safe on a zeroed or cleared info.
 */
void
pp_image_info_clear (PpImageInfo *info)
{
  if (info == NULL)
    return;
  g_clear_pointer (&info->format, g_free);
  g_clear_pointer (&info->icc_profile, g_bytes_unref);
  pp_metadata_blobs_clear (&info->metadata);
  g_clear_pointer (&info->frames, g_ptr_array_unref);
  g_clear_pointer (&info->damage, g_free);
  memset (info, 0, sizeof *info);
}

static const struct
{
  PpFormat format;
  const char *name;     /* as --format spells it */
  const char *extension;
  const char *codec;    /* the codec that writes it */
} format_table[] = {
  { PP_FORMAT_JPEG, "jpeg", "jpg", "jpeg" },
  { PP_FORMAT_PNG, "png", "png", "png" },
  { PP_FORMAT_WEBP, "webp", "webp", "webp" },
  { PP_FORMAT_TIFF, "tiff", "tif", "tiff" },
  { PP_FORMAT_BMP, "bmp", "bmp", "bmp" },
  { PP_FORMAT_AVIF, "avif", "avif", "heif" },
  { PP_FORMAT_JXL, "jxl", "jxl", "jxl" },
};

/* The codec that writes @format, or NULL. */
const PpCodec *
_pp_io_get_codec (PpFormat format)
{
  for (guint i = 0; i < G_N_ELEMENTS (format_table); i++)
    if (format_table[i].format == format)
      return pp_codec_lookup (format_table[i].codec);
  return NULL;
}

/**
 * pp_format_from_string:
 * @name: a format's name as the user writes it, any case: "same", "jpeg" (or "jpg"), "png",
 *   "webp", "tiff" (or "tif"), "bmp", "avif", "jxl"
 * @format: (out): the format, set only on success
 *
 * Parses an output format name (`--format`, the settings' nick). Thread: any.
 *
 * Returns: %FALSE when @name is no format Parapix writes
 */
gboolean
pp_format_from_string (const char *name,
                       PpFormat   *format)
{
  g_return_val_if_fail (name != NULL && format != NULL, FALSE);

  if (g_ascii_strcasecmp (name, "same") == 0)
    {
      *format = PP_FORMAT_SAME;
      return TRUE;
    }
  if (g_ascii_strcasecmp (name, "jpg") == 0)
    name = "jpeg";
  else if (g_ascii_strcasecmp (name, "tif") == 0)
    name = "tiff";
  for (guint i = 0; i < G_N_ELEMENTS (format_table); i++)
    if (g_ascii_strcasecmp (name, format_table[i].name) == 0)
      {
        *format = format_table[i].format;
        return TRUE;
      }
  return FALSE;
}

/**
 * pp_format_to_string:
 *
 * Returns: (transfer none): @format's canonical lowercase name ("same", "jpeg", "png"…; the
 *   GEnum nick too), static. Thread: any.
 */
const char *
pp_format_to_string (PpFormat format)
{
  if (format == PP_FORMAT_SAME)
    return "same";
  for (guint i = 0; i < G_N_ELEMENTS (format_table); i++)
    if (format_table[i].format == format)
      return format_table[i].name;
  g_return_val_if_reached (NULL);
}

/**
 * pp_format_get_extension:
 * @format: a format other than %PP_FORMAT_SAME
 *
 * Returns: (transfer none): the extension outputs of @format get, without the dot ("jpg",
 *   "png", "webp", "tif", "bmp"…), static. Thread: any.
 */
const char *
pp_format_get_extension (PpFormat format)
{
  for (guint i = 0; i < G_N_ELEMENTS (format_table); i++)
    if (format_table[i].format == format)
      return format_table[i].extension;
  g_return_val_if_reached (NULL);
}

/**
 * pp_format_can_save:
 *
 * Whether a codec here writes @format. Thread: any.
 */
gboolean
pp_format_can_save (PpFormat format)
{
  const PpCodec *codec = _pp_io_get_codec (format);

  return codec != NULL && codec->encode != NULL;
}

/**
 * pp_format_get_holds:
 *
 * What files of @format can hold (alpha, animation, pages, EXIF, XMP, IPTC, ICC), as written
 * here; 0 when @format cannot be written. Thread: any.
 */
PpCodecHolds
pp_format_get_holds (PpFormat format)
{
  const PpCodec *codec = _pp_io_get_codec (format);

  return codec != NULL && codec->encode != NULL ? codec->holds : 0;
}

/**
 * pp_format_holds:
 * @what: one or more PP_CODEC_HOLDS_* flags
 *
 * Whether files of @format, as written here, hold all of @what. Thread: any.
 */
gboolean
pp_format_holds (PpFormat     format,
                 PpCodecHolds what)
{
  return (pp_format_get_holds (format) & what) == what;
}

char *
_pp_io_get_extension (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  const char *dot = strrchr (base, '.');

  if (dot == NULL || dot == base)
    return NULL;
  return g_ascii_strdown (dot + 1, -1);
}

/**
 * pp_format_from_extension:
 * @extension: a file name's extension without the dot, any case ("jpg", "JPEG", "jpe", "tif")
 * @format: (out): the format, set only on success
 *
 * The output format whose files carry @extension, whether or not this system writes it; unlike
 * pp_format_from_string(), "same" is no extension. Thread: any.
 *
 * Returns: %FALSE when @extension is none of a format Parapix writes
 */
gboolean
pp_format_from_extension (const char *extension,
                          PpFormat   *format)
{
  g_return_val_if_fail (extension != NULL && format != NULL, FALSE);

  if (g_ascii_strcasecmp (extension, "jpe") == 0)
    {
      *format = PP_FORMAT_JPEG;
      return TRUE;
    }
  if (g_ascii_strcasecmp (extension, "same") == 0)
    return FALSE;
  return pp_format_from_string (extension, format);
}

/* The writable format @path's content is in, by the codecs' signatures; FALSE when it is none
 * (or the file cannot be read: the load will say why). HEIF's codec reads HEIC as well as
 * AVIF, so its signature names no one output format. */
static gboolean
format_from_content (const char *path,
                     PpFormat   *format)
{
  guint8 head[4096];
  gssize size;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  const PpCodec *codec;

  if (fd < 0)
    return FALSE;
  size = read (fd, head, sizeof head);
  close (fd);
  if (size <= 0)
    return FALSE;
  codec = pp_codec_for_data (head, size);
  for (guint i = 0; i < G_N_ELEMENTS (format_table); i++)
    if (g_str_equal (format_table[i].codec, codec->name)
        && !g_str_equal (format_table[i].codec, "heif")
        && pp_format_can_save (format_table[i].format))
      {
        *format = format_table[i].format;
        return TRUE;
      }
  return FALSE;
}

/**
 * pp_format_for_input:
 * @path: an input file
 * @by_content: (out) (optional): set when the format was judged by @path's content, so the
 *   output gets the format's own extension (pp_format_get_extension()), not the input's
 * @fell_back: (out) (optional): set when the input's format cannot be written, so PNG is used
 *
 * The output format "same as input" means for @path: judged by its extension (what the user
 * sees) when that names a format Parapix writes, else by its content (a JPEG named "noext" or
 * "photo.dat" stays JPEG); formats Parapix cannot write become PNG. Reads the first 4 KiB of
 * @path only when the extension does not decide. Thread: any.
 *
 * Returns: the output format, never %PP_FORMAT_SAME
 */
PpFormat
pp_format_for_input (const char *path,
                     gboolean   *by_content,
                     gboolean   *fell_back)
{
  g_autofree char *ext = _pp_io_get_extension (path);
  PpFormat format;

  if (by_content != NULL)
    *by_content = FALSE;
  if (fell_back != NULL)
    *fell_back = FALSE;
  if (ext != NULL && pp_format_from_extension (ext, &format) && pp_format_can_save (format))
    return format;
  if (format_from_content (path, &format))
    {
      if (by_content != NULL)
        *by_content = TRUE;
      return format;
    }
  if (fell_back != NULL)
    *fell_back = TRUE;
  return PP_FORMAT_PNG;
}

/* A codec's error as the matching PP_IO_ERROR; others (G_IO_ERROR, PP_DECODER_ERROR) as they
 * are. */
void
_pp_io_propagate_error (GError **error,
                        GError  *cause)
{
  if (cause->domain == PP_CODEC_ERROR)
    {
      int code;

      switch (cause->code)
        {
        case PP_CODEC_ERROR_UNSUPPORTED: code = PP_IO_ERROR_UNSUPPORTED; break;
        case PP_CODEC_ERROR_TOO_LARGE: code = PP_IO_ERROR_TOO_LARGE; break;
        case PP_CODEC_ERROR_ENCODE: code = PP_IO_ERROR_ENCODE; break;
        default: code = PP_IO_ERROR_DECODE; break;
        }
      g_set_error_literal (error, PP_IO_ERROR, code, cause->message);
      g_error_free (cause);
    }
  else
    g_propagate_error (error, cause);
}

static void
fill_request (PpLoadRequest       *request,
              const char          *path,
              const char          *name,
              const PpLoadOptions *options)
{
  pp_load_request_init (request);
  request->max_pixels = options->max_megapixels * 1e6;
  request->fit_width = options->fit_width;
  request->fit_height = options->fit_height;
  request->all_frames = options->all_frames;
  request->keep_damaged = options->keep_damaged;
  request->apply_orientation = !options->keep_orientation;
  request->name = name;
}

/* The first frame and what the load found, from a decode result (emptied). */
static PpImage *
finish_load (PpDecoded   *decoded,
             PpImageInfo *info_out)
{
  PpFrame *first = decoded->frames->pdata[0];
  PpImage *image = pp_image_ref (first->image);
  gboolean swapped = decoded->orientation_applied && decoded->orientation >= 5;

  if (info_out == NULL)
    return image;
  memset (info_out, 0, sizeof *info_out);
  info_out->format = g_strdup (decoded->header.format);
  info_out->width = decoded->header.width;
  info_out->height = decoded->header.height;
  info_out->loaded_width = swapped ? image->height : image->width;
  info_out->loaded_height = swapped ? image->width : image->height;
  info_out->orientation = CLAMP (decoded->orientation, 1, 8);
  info_out->orientation_applied = decoded->orientation_applied;
  info_out->icc_profile = g_steal_pointer (&decoded->icc);
  info_out->metadata = decoded->metadata;
  memset (&decoded->metadata, 0, sizeof decoded->metadata);
  info_out->n_frames = MAX (decoded->header.n_frames, 1u);
  info_out->animated = decoded->header.animated;
  info_out->loop_count = decoded->loop_count;
  info_out->damage = g_steal_pointer (&decoded->damage);
  if (decoded->frames->len > 1)
    info_out->frames = g_steal_pointer (&decoded->frames);
  return image;
}

/* The header facts a failed load still learnt (a refused bomb has a size). */
static void
fill_failed_info (const PpDecoded *decoded,
                  PpImageInfo     *info_out)
{
  if (info_out == NULL)
    return;
  memset (info_out, 0, sizeof *info_out);
  info_out->format = g_strdup (decoded->header.format);
  info_out->width = decoded->header.width;
  info_out->height = decoded->header.height;
  info_out->n_frames = decoded->header.n_frames;
  info_out->animated = decoded->header.animated;
}

/**
 * _pp_io_load_here:
 *
 * pp_io_load() in this process, whatever isolation is set to: what the fuzz target and the
 * isolation tests compare against. Thread: any.
 */
PpImage *
_pp_io_load_here (const char          *path,
                  const PpLoadOptions *options,
                  PpImageInfo         *info_out,
                  GCancellable        *cancellable,
                  GError             **error)
{
  g_auto (PpDecoded) decoded = { 0 };
  g_autofree char *name = NULL;
  PpLoadOptions defaults;
  PpLoadRequest request;
  GError *local_error = NULL;
  struct stat st;
  gboolean ok;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  if (options == NULL)
    {
      pp_load_options_init (&defaults);
      options = &defaults;
    }
  if (info_out != NULL)
    memset (info_out, 0, sizeof *info_out);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  /* O_NONBLOCK: a FIFO named like an image must not block the worker. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Cannot open “%s”: %s",
                   path, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_UNSUPPORTED, "“%s” is not a regular file",
                   path);
      return NULL;
    }
  name = g_path_get_basename (path);
  fill_request (&request, path, name, options);
  ok = pp_codec_load_fd (fd, &request, &decoded, &local_error);
  close (fd);
  if (!ok)
    {
      fill_failed_info (&decoded, info_out);
      _pp_io_propagate_error (error, local_error);
      return NULL;
    }
  return finish_load (&decoded, info_out);
}

/**
 * pp_io_load:
 * @options: (nullable): defaults from pp_load_options_init()
 * @info_out: (out caller-allocates) (optional): what was found; clear with pp_image_info_clear()
 *   (also after a failure: a refused file may still report its format and size)
 *
 * Loads @path as 8-bit RGB or RGBA: the format by its content, the pixel limit from the header,
 * the decode (shrunk to @options' size hint where the codec can), the orientation applied, the
 * metadata blobs, frames and damage reported. Every byte of the file is parsed in this thread's
 * isolated decoder helper unless isolation is off (pp_decoder_set_isolation()). Thread: any.
 *
 * Returns: (transfer full) (nullable): the first frame upright, or %NULL with @error set
 *   (PP_IO_ERROR: UNSUPPORTED, TOO_LARGE, DECODE, with a message a user can act on; G_IO_ERROR
 *   for files that cannot be read, CANCELLED; PP_DECODER_ERROR when the helper died)
 */
PpImage *
pp_io_load (const char          *path,
            const PpLoadOptions *options,
            PpImageInfo         *info_out,
            GCancellable        *cancellable,
            GError             **error)
{
  g_auto (PpDecoded) decoded = { 0 };
  PpLoadOptions defaults;
  PpLoadRequest request;
  GError *local_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!pp_decoder_get_isolation ())
    return _pp_io_load_here (path, options, info_out, cancellable, error);
  if (options == NULL)
    {
      pp_load_options_init (&defaults);
      options = &defaults;
    }
  fill_request (&request, path, NULL, options);
  if (!pp_decoder_load_on_this_thread (path, &request, &decoded, cancellable, &local_error))
    {
      fill_failed_info (&decoded, info_out);
      _pp_io_propagate_error (error, local_error);
      return NULL;
    }
  return finish_load (&decoded, info_out);
}
