/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Loading through GdkPixbuf: the load options, the output formats, and the decode. Loading reads
 * the header first (pp-io-header.c) and refuses too many pixels before any pixel memory exists;
 * decoding goes through a GdkPixbufLoader (its JPEG path caps libjpeg's memory,
 * gdk_pixbuf_new_from_file does not) fed in chunks so cancellation is prompt. Saving is in
 * pp-io-save.c.
 */
#define G_LOG_DOMAIN "pp-io"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "decoder/pp-decoder-private.h"
#include "io/pp-io-private.h"

G_DEFINE_QUARK (pp-io-error-quark, pp_io_error)

G_DEFINE_ENUM_TYPE (PpFormat, pp_format,
  G_DEFINE_ENUM_VALUE (PP_FORMAT_SAME, "same"),
  G_DEFINE_ENUM_VALUE (PP_FORMAT_JPEG, "jpeg"),
  G_DEFINE_ENUM_VALUE (PP_FORMAT_PNG, "png"),
  G_DEFINE_ENUM_VALUE (PP_FORMAT_WEBP, "webp"),
  G_DEFINE_ENUM_VALUE (PP_FORMAT_TIFF, "tiff"),
  G_DEFINE_ENUM_VALUE (PP_FORMAT_BMP, "bmp"))

void
pp_load_options_init (PpLoadOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->max_megapixels = PP_IO_DEFAULT_MAX_MEGAPIXELS;
}

void
pp_save_options_init (PpSaveOptions *options)
{
  g_return_if_fail (options != NULL);

  memset (options, 0, sizeof *options);
  options->format = PP_FORMAT_JPEG;
  options->quality = PP_IO_DEFAULT_JPEG_QUALITY;
  options->png_compression = -1;
}

void
pp_image_info_clear (PpImageInfo *info)
{
  if (info == NULL)
    return;
  g_clear_pointer (&info->format, g_free);
  g_clear_pointer (&info->icc_profile, g_bytes_unref);
  memset (info, 0, sizeof *info);
}

static const struct
{
  PpFormat format;
  const char *name;     /* GdkPixbuf saver name */
  const char *extension;
} format_table[] = {
  { PP_FORMAT_JPEG, "jpeg", "jpg" },
  { PP_FORMAT_PNG, "png", "png" },
  { PP_FORMAT_WEBP, "webp", "webp" },
  { PP_FORMAT_TIFF, "tiff", "tif" },
  { PP_FORMAT_BMP, "bmp", "bmp" },
};

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
 * Whether an installed GdkPixbuf saver writes @format (WebP needs webp-pixbuf-loader).
 */
gboolean
pp_format_can_save (PpFormat format)
{
  const char *name;
  GSList *formats;
  gboolean writable = FALSE;

  if (format == PP_FORMAT_SAME)
    return FALSE;
  name = pp_format_to_string (format);
  formats = gdk_pixbuf_get_formats ();
  for (GSList *l = formats; l != NULL; l = l->next)
    {
      g_autofree char *n = gdk_pixbuf_format_get_name (l->data);

      if (g_strcmp0 (n, name) == 0 && gdk_pixbuf_format_is_writable (l->data))
        writable = TRUE;
    }
  g_slist_free (formats);
  return writable;
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
 * pp_format_for_input:
 * @fell_back: (out) (optional): set when the input's format cannot be written, so PNG is used
 *
 * The output format "same as input" means for @path, judged by its extension (what the user
 * sees); formats Parapix cannot write become PNG.
 */
PpFormat
pp_format_for_input (const char *path,
                     gboolean   *fell_back)
{
  g_autofree char *ext = _pp_io_get_extension (path);
  PpFormat format;

  if (fell_back != NULL)
    *fell_back = FALSE;
  if (ext != NULL && pp_format_from_string (ext, &format) && g_strcmp0 (ext, "same") != 0
      && pp_format_can_save (format))
    return format;
  if (ext != NULL && g_strcmp0 (ext, "jpe") == 0)
    return PP_FORMAT_JPEG;
  if (fell_back != NULL)
    *fell_back = TRUE;
  return PP_FORMAT_PNG;
}

static gboolean
check_pixel_limit (const char *path,
                   int         width,
                   int         height,
                   double      max_pixels,
                   GError    **error)
{
  if (width <= 0 || height <= 0)
    {
      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_DECODE,
                   "The image declares an invalid size (%d × %d)", width, height);
      return FALSE;
    }
  if (max_pixels > 0 && (double) width * (double) height > max_pixels)
    {
      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_TOO_LARGE,
                   "The image is %d × %d (%.1f megapixels), over the limit of %g megapixels "
                   "(--max-megapixels)", width, height, (double) width * height / 1e6,
                   max_pixels / 1e6);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  const PpDecodeRequest *request;
  const char *format;
  int width;
  int height;
  GError *error;
} DecodeState;

/* The JPEG loader decodes at 1/1, 1/2, 1/4 or 1/8 of the size in the DCT, then resamples
 * bilinearly to whatever size was asked. Asking for exactly a DCT size skips that second pass;
 * the pipeline's resampler then does the rest with its own, better filter. */
static gboolean
jpeg_scaled_size (int  width,
                  int  height,
                  int  min_width,
                  int  min_height,
                  int *out_width,
                  int *out_height)
{
  for (int denom = 8; denom >= 2; denom /= 2)
    {
      int w = (width + denom - 1) / denom; /* libjpeg rounds scaled sizes up */
      int h = (height + denom - 1) / denom;

      if (w >= min_width && h >= min_height)
        {
          *out_width = w;
          *out_height = h;
          return TRUE;
        }
    }
  return FALSE;
}

static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  DecodeState *state = user_data;
  const PpDecodeRequest *request = state->request;
  int w, h;

  state->width = width;
  state->height = height;
  if (state->error != NULL)
    return;
  if (!check_pixel_limit (NULL, width, height, request->max_pixels, &state->error))
    {
      /* Asking for 0 × 0 makes the common loaders stop before allocating anything. */
      gdk_pixbuf_loader_set_size (loader, 0, 0);
      return;
    }
  if (request->load_width > 0 && request->load_height > 0 && g_strcmp0 (state->format, "jpeg") == 0
      && jpeg_scaled_size (width, height, request->load_width, request->load_height, &w, &h))
    gdk_pixbuf_loader_set_size (loader, w, h);
}

/* A decoded photo is tens of megabytes, freshly mmap()ed by malloc for every file, and this
 * system only gives transparent huge pages to memory that asks: without this the kernel spends
 * about a sixth of a full-size batch faulting in and zeroing 4 KiB pages (measured by the bench
 * engineer with perf stat: -10% CPU, same bytes out). The loader's pixbuf exists, untouched, when
 * area-prepared is emitted. */
static void
on_area_prepared (GdkPixbufLoader *loader,
                  gpointer         user_data)
{
  const guintptr huge = 2 * 1024 * 1024;
  GdkPixbuf *pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  gsize length;
  guintptr start, end;

  if (pixbuf == NULL)
    return;
  length = gdk_pixbuf_get_byte_length (pixbuf);
  if (length < 2 * huge)
    return;
  start = ((guintptr) gdk_pixbuf_get_pixels (pixbuf) + huge - 1) & ~(huge - 1);
  end = ((guintptr) gdk_pixbuf_get_pixels (pixbuf) + length) & ~(huge - 1);
  if (end > start)
    madvise ((void *) start, end - start, MADV_HUGEPAGE); /* advice only: failure is harmless */
}

static void
set_decode_error (GError    **error,
                  const char *path,
                  GError     *cause)
{
  if (cause != NULL && (cause->domain == PP_IO_ERROR
                        || g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
    g_propagate_error (error, cause);
  else
    {
      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_DECODE, "Cannot decode the image: %s",
                   cause != NULL ? cause->message : "the decoder produced no image");
      g_clear_error (&cause);
    }
}

/* Outputs are always RGB: only an RGB profile describes them (a grey or CMYK one would be
 * wrong, and libpng refuses to write it). The colour space is bytes 16-19 of an ICC header. */
static GBytes *
get_icc_profile (GdkPixbuf *pixbuf)
{
  const char *base64 = gdk_pixbuf_get_option (pixbuf, "icc-profile");
  gsize len = 0;
  guchar *data;

  if (base64 == NULL)
    return NULL;
  data = g_base64_decode (base64, &len);
  if (len < 128 || memcmp (data + 16, "RGB ", 4) != 0)
    {
      g_free (data);
      return NULL;
    }
  return g_bytes_new_take (data, len);
}

/* GdkPixbuf's incremental PNG loader returns whatever rows it got from a truncated file
 * without complaint (gdk_pixbuf_new_from_file reports it); a file that does not end with an
 * IEND chunk was cut short. */
static gboolean
png_has_end (int   fd,
             off_t size)
{
  guint8 tail[64];
  gsize n = (gsize) MIN (size, (off_t) sizeof tail);
  gssize got;

  if (n < 12)
    return FALSE;
  do
    got = pread (fd, tail, n, size - (off_t) n);
  while (got < 0 && errno == EINTR);
  if (got != (gssize) n)
    return FALSE;
  /* Some writers leave a little padding after IEND; look near the end, not only at it. */
  return memmem (tail, n, "IEND", 4) != NULL;
}

PpImage *
_pp_io_decode (const char            *path,
               const char            *format,
               const PpDecodeRequest *request,
               PpImageInfo           *info,
               GCancellable          *cancellable,
               GError               **error)
{
  g_autoptr (GdkPixbufLoader) loader = NULL;
  g_autoptr (GdkPixbuf) oriented = NULL;
  GdkPixbuf *pixbuf;
  g_autofree guint8 *buffer = NULL;
  DecodeState state = { request, format, 0, 0, NULL };
  GError *local_error = NULL;
  gboolean closed = FALSE;
  const char *orientation;
  struct stat st;
  int fd;

  _pp_io_init ();
  loader = gdk_pixbuf_loader_new_with_type (format, &local_error);
  if (loader == NULL)
    {
      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_UNSUPPORTED, "No enabled loader for %s: %s",
                   format, local_error->message);
      g_error_free (local_error);
      return NULL;
    }
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), &state);
  g_signal_connect (loader, "area-prepared", G_CALLBACK (on_area_prepared), NULL);

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0 || fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Cannot open “%s”: %s",
                   path, fd >= 0 ? "not a regular file" : g_strerror (saved));
      gdk_pixbuf_loader_close (loader, NULL);
      return NULL;
    }

  if (g_strcmp0 (format, "png") == 0 && !png_has_end (fd, st.st_size))
    {
      close (fd);
      gdk_pixbuf_loader_close (loader, NULL);
      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_DECODE,
                   "The PNG file is truncated (it has no end chunk): probably cut short while "
                   "being copied or downloaded");
      return NULL;
    }

  buffer = g_malloc (PP_IO_READ_CHUNK);
  for (;;)
    {
      gssize n = read (fd, buffer, PP_IO_READ_CHUNK);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          g_set_error (&local_error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "Cannot read “%s”: %s", path, g_strerror (saved));
          break;
        }
      if (n == 0)
        break;
      if (g_cancellable_set_error_if_cancelled (cancellable, &local_error))
        break;
      if (!gdk_pixbuf_loader_write (loader, buffer, (gsize) n, &local_error))
        break;
      if (state.error != NULL)
        break;
    }
  close (fd);

  if (local_error == NULL && state.error == NULL)
    {
      closed = TRUE;
      gdk_pixbuf_loader_close (loader, &local_error);
    }
  if (!closed)
    /* Stop the loader; its complaint about the data we did not feed is not news. */
    gdk_pixbuf_loader_close (loader, NULL);

  if (state.error != NULL)
    {
      g_clear_error (&local_error);
      set_decode_error (error, path, state.error);
      return NULL;
    }
  /* Some loaders hand back a (partial) image and an error; a damaged file is an error. */
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (local_error != NULL || pixbuf == NULL)
    {
      set_decode_error (error, path, local_error);
      return NULL;
    }
  if (gdk_pixbuf_get_bits_per_sample (pixbuf) != 8
      || gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB
      || (gdk_pixbuf_get_n_channels (pixbuf) != 3 && gdk_pixbuf_get_n_channels (pixbuf) != 4))
    {
      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_UNSUPPORTED,
                   "The decoder produced an unusual pixel layout");
      return NULL;
    }

  info->format = g_strdup (format);
  info->width = state.width;
  info->height = state.height;
  info->loaded_width = gdk_pixbuf_get_width (pixbuf);
  info->loaded_height = gdk_pixbuf_get_height (pixbuf);
  info->icc_profile = get_icc_profile (pixbuf);
  orientation = gdk_pixbuf_get_option (pixbuf, "orientation");
  info->orientation = orientation != NULL ? CLAMP (atoi (orientation), 1, 8) : 1;
  if (request->apply_orientation && info->orientation != 1)
    {
      /* Rotating needs a new buffer whatever we do; GdkPixbuf's is as good as any. */
      oriented = gdk_pixbuf_apply_embedded_orientation (pixbuf);
      if (oriented == NULL)
        {
          g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_DECODE,
                       "Not enough memory to apply the EXIF orientation");
          return NULL;
        }
      info->orientation_applied = TRUE;
      pixbuf = oriented;
    }
  return pp_image_new_for_pixbuf (pixbuf);
}

/* Whether the orientation in a header will swap width and height once applied. We do not know
 * the orientation until the loader has read its metadata, so callers plan for both. */
static void
choose_load_size (PpPipeline *pipeline,
                  int         width,
                  int         height,
                  int        *load_width,
                  int        *load_height)
{
  int w1, h1, w2, h2;

  *load_width = 0;
  *load_height = 0;
  if (pipeline == NULL
      || !pp_pipeline_get_load_size (pipeline, width, height, &w1, &h1)
      || !pp_pipeline_get_load_size (pipeline, height, width, &w2, &h2))
    return;
  /* (w2, h2) is in rotated space: its width is our height. */
  *load_width = MAX (w1, h2);
  *load_height = MAX (h1, w2);
  if (*load_width >= width && *load_height >= height)
    *load_width = *load_height = 0;
}

/* pp_io_load() in this process: what parapix-decoder runs for us, and what runs here when
 * isolation is off. */
PpImage *
_pp_io_load_here (const char          *path,
                  const PpLoadOptions *options,
                  PpImageInfo         *info_out,
                  GCancellable        *cancellable,
                  GError             **error)
{
  PpLoadOptions defaults;
  g_auto (PpImageInfo) header = { 0 };
  g_auto (PpImageInfo) info = { 0 };
  PpDecodeRequest request = { 0 };
  PpImage *image;

  g_return_val_if_fail (path != NULL, NULL);

  if (options == NULL)
    {
      pp_load_options_init (&defaults);
      options = &defaults;
    }
  if (!pp_io_read_header (path, &header, error))
    return NULL;
  request.max_pixels = options->max_megapixels * 1e6;
  request.apply_orientation = !options->keep_orientation;
  if (!check_pixel_limit (path, header.width, header.height, request.max_pixels, error))
    return NULL;
  choose_load_size (options->pipeline, header.width, header.height, &request.load_width,
                    &request.load_height);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  image = _pp_io_decode (path, header.format, &request, &info, cancellable, error);
  if (image == NULL)
    return NULL;
  if (info_out != NULL)
    {
      *info_out = info;
      memset (&info, 0, sizeof info);
    }
  return image;
}

/**
 * pp_io_load:
 * @options: (nullable): defaults from pp_load_options_init()
 * @info_out: (out caller-allocates) (optional): what was found; clear with pp_image_info_clear()
 *
 * Loads @path as 8-bit RGB or RGBA: header first (format, size, pixel limit), then the decode,
 * shrinking on load when @options' pipeline starts with a downscale, then EXIF orientation.
 *
 * Returns: (transfer full) (nullable): the image, or %NULL with a message a user can act on
 */
PpImage *
pp_io_load (const char          *path,
            const PpLoadOptions *options,
            PpImageInfo         *info_out,
            GCancellable        *cancellable,
            GError             **error)
{
  g_return_val_if_fail (path != NULL, NULL);

  /* Every byte of the file is parsed by loader code (even the header read), so all of it runs
   * in the calling worker's parapix-decoder process unless isolation is off. */
  if (_pp_decoder_isolation_enabled ())
    return _pp_decoder_load (path, options, info_out, cancellable, error);
  return _pp_io_load_here (path, options, info_out, cancellable, error);
}

