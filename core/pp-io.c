/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Loading and saving through GdkPixbuf. Loading reads the header first and refuses too many
 * pixels before any pixel memory exists; decoding goes through a GdkPixbufLoader (its JPEG path
 * caps libjpeg's memory, gdk_pixbuf_new_from_file does not) fed in chunks so cancellation is
 * prompt. Saving encodes to memory, writes a hidden temporary file beside the target and renames
 * it into place, so a failed or cancelled save never leaves a partial file.
 */
#define G_LOG_DOMAIN "pp-io"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "pp-decoder-private.h"
#include "pp-io-private.h"

G_DEFINE_QUARK (pp-io-error-quark, pp_io_error)

G_DEFINE_ENUM_TYPE (PpFormat, pp_format,
  G_DEFINE_ENUM_VALUE (PP_FORMAT_SAME, "same"),
  G_DEFINE_ENUM_VALUE (PP_FORMAT_JPEG, "jpeg"),
  G_DEFINE_ENUM_VALUE (PP_FORMAT_PNG, "png"),
  G_DEFINE_ENUM_VALUE (PP_FORMAT_WEBP, "webp"),
  G_DEFINE_ENUM_VALUE (PP_FORMAT_TIFF, "tiff"),
  G_DEFINE_ENUM_VALUE (PP_FORMAT_BMP, "bmp"))

/* Photographic and common web/desktop formats. Left out: qtif (a 44-byte file allocates 11 GB,
 * see the corpus), ani, icns, xbm and xpm (cursor, icon and X11 formats nobody batch-processes
 * as photos; each is one more parser exposed to untrusted files). */
static const char *const allowed_formats[] = {
  "png", "jpeg", "gif", "bmp", "tiff", "webp", "heif/avif", "svg", "ico", "pnm", "tga", NULL,
};

/* Extensions and MIME types of the enabled loaders, lowercase; built once. */
static GHashTable *known_extensions;
static GHashTable *known_mime_types;
static mode_t file_mode = 0644;

#define READ_CHUNK (64 * 1024)

const char *const *
pp_io_get_allowed_formats (void)
{
  return allowed_formats;
}

void
_pp_io_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      GSList *formats = gdk_pixbuf_get_formats ();
      mode_t mask;

      known_extensions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      known_mime_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (GSList *l = formats; l != NULL; l = l->next)
        {
          GdkPixbufFormat *format = l->data;
          g_autofree char *name = gdk_pixbuf_format_get_name (format);
          gboolean allowed = g_strv_contains (allowed_formats, name);

          gdk_pixbuf_format_set_disabled (format, !allowed);
          if (allowed)
            {
              g_auto (GStrv) extensions = gdk_pixbuf_format_get_extensions (format);
              g_auto (GStrv) mime_types = gdk_pixbuf_format_get_mime_types (format);

              for (guint i = 0; extensions[i] != NULL; i++)
                g_hash_table_add (known_extensions, g_ascii_strdown (extensions[i], -1));
              for (guint i = 0; mime_types[i] != NULL; i++)
                g_hash_table_add (known_mime_types, g_ascii_strdown (mime_types[i], -1));
            }
        }
      g_slist_free (formats);

      /* Outputs get the permissions a plain creat() would give; mkstemp() makes 0600. umask()
       * can only be read by setting it, so do it once here. */
      mask = umask (022);
      umask (mask);
      file_mode = 0666 & ~mask;
      g_once_init_leave (&initialized, 1);
    }
}

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

static char *
get_extension (const char *path)
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
  g_autofree char *ext = get_extension (path);
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

/**
 * pp_io_is_supported:
 * @content_type: (nullable): the file's sniffed content type when its extension is unknown
 *
 * Whether @path is worth handing to the loaders: its extension belongs to an enabled loader,
 * or (for names without a known extension) its content type does.
 */
gboolean
pp_io_is_supported (const char *path,
                    const char *content_type)
{
  g_autofree char *ext = NULL;
  g_autofree char *mime = NULL;

  g_return_val_if_fail (path != NULL, FALSE);

  _pp_io_init ();
  ext = get_extension (path);
  if (ext != NULL && g_hash_table_contains (known_extensions, ext))
    return TRUE;
  if (content_type == NULL)
    return FALSE;
  mime = g_content_type_get_mime_type (content_type);
  return mime != NULL && g_hash_table_contains (known_mime_types, mime);
}

/* The canvas size of a WebP file, from its RIFF header as the container spec lays it out
 * (found by fuzzing: tests/fuzz/regressions/fuzz-load/webp-vp8x-huge-canvas). */
static gboolean
read_webp_size (const guint8 *b,
                gsize         n,
                int          *width,
                int          *height)
{
  if (n < 30 || memcmp (b, "RIFF", 4) != 0 || memcmp (b + 8, "WEBP", 4) != 0)
    return FALSE;
  if (memcmp (b + 12, "VP8X", 4) == 0)
    {
      *width = 1 + (b[24] | b[25] << 8 | b[26] << 16);
      *height = 1 + (b[27] | b[28] << 8 | b[29] << 16);
      return TRUE;
    }
  if (memcmp (b + 12, "VP8 ", 4) == 0 && b[23] == 0x9d && b[24] == 0x01 && b[25] == 0x2a)
    {
      *width = (b[26] | b[27] << 8) & 0x3fff;
      *height = (b[28] | b[29] << 8) & 0x3fff;
      return *width > 0 && *height > 0;
    }
  if (memcmp (b + 12, "VP8L", 4) == 0 && b[20] == 0x2f)
    {
      guint32 bits = b[21] | b[22] << 8 | b[23] << 16 | (guint32) b[24] << 24;

      *width = 1 + (bits & 0x3fff);
      *height = 1 + ((bits >> 14) & 0x3fff);
      return TRUE;
    }
  return FALSE;
}

/* HEIF and AVIF decoders ignore size-prepared and decode everything first, and GdkPixbuf's
 * header probe runs that decoder: so read the declared size from the ISO-BMFF "ispe" boxes
 * ourselves. The largest one is the primary image (grid tiles are smaller). */
static guint64
scan_ispe (const guint8 *data,
           gsize         size,
           int          *width,
           int          *height)
{
  guint64 best = 0;

  for (gsize i = 0; i + 16 <= size; i++)
    if (memcmp (data + i, "ispe", 4) == 0)
      {
        const guint8 *p = data + i + 8; /* after the type and the version/flags word */
        guint32 w = (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
        guint32 h = (guint32) p[4] << 24 | (guint32) p[5] << 16 | (guint32) p[6] << 8 | p[7];

        if ((guint64) w * h > best)
          {
            best = (guint64) w * h;
            *width = (int) MIN (w, (guint32) G_MAXINT);
            *height = (int) MIN (h, (guint32) G_MAXINT);
          }
      }
  return best;
}

typedef enum
{
  ISOBMFF_NO,       /* not an ISO-BMFF file: ask GdkPixbuf */
  ISOBMFF_SIZED,    /* width and height found */
  ISOBMFF_UNSIZED,  /* ISO-BMFF without a declared image size: never hand it to a decoder */
} IsobmffResult;

#define ISOBMFF_MAX_META (4 * 1024 * 1024)

static IsobmffResult
read_isobmff_size (const char   *path,
                   const guint8 *head,
                   gsize         head_size,
                   int          *width,
                   int          *height)
{
  guint64 offset = 0;
  int fd;

  if (head_size < 12 || memcmp (head + 4, "ftyp", 4) != 0)
    return ISOBMFF_NO;
  if (scan_ispe (head, head_size, width, height) > 0)
    return ISOBMFF_SIZED;

  /* The "meta" box may come after the image data: walk the top-level boxes to it. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    return ISOBMFF_UNSIZED;
  for (guint n = 0; n < 64; n++)
    {
      guint8 box[16];
      guint64 box_size, header = 8;

      if (pread (fd, box, sizeof box, (off_t) offset) < 8)
        break;
      box_size = (guint64) box[0] << 24 | (guint64) box[1] << 16 | (guint64) box[2] << 8 | box[3];
      if (box_size == 1)
        {
          box_size = 0;
          for (int i = 8; i < 16; i++)
            box_size = box_size << 8 | box[i];
          header = 16;
        }
      if (memcmp (box + 4, "meta", 4) == 0)
        {
          gsize len = (gsize) MIN (box_size > 0 ? box_size : ISOBMFF_MAX_META,
                                   (guint64) ISOBMFF_MAX_META);
          g_autofree guint8 *meta = g_malloc (len);
          gssize got = pread (fd, meta, len, (off_t) offset);
          guint64 found = got > 0 ? scan_ispe (meta, (gsize) got, width, height) : 0;

          close (fd);
          return found > 0 ? ISOBMFF_SIZED : ISOBMFF_UNSIZED;
        }
      if (box_size < header)
        break; /* 0 means "to the end of the file": nothing after it */
      offset += box_size;
    }
  close (fd);
  return ISOBMFF_UNSIZED;
}

static gboolean
read_head (const char *path,
           guint8     *buffer,
           gsize       buffer_size,
           gsize      *n_read,
           GError    **error)
{
  int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  struct stat st;
  gssize n;

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Cannot open “%s”: %s",
                   path, g_strerror (saved));
      return FALSE;
    }
  /* A FIFO or device named like an image must not block or be read forever. */
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_UNSUPPORTED, "“%s” is not a regular file",
                   path);
      return FALSE;
    }
  do
    n = read (fd, buffer, buffer_size);
  while (n < 0 && errno == EINTR);
  close (fd);
  if (n < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Cannot read “%s”: %s",
                   path, g_strerror (saved));
      return FALSE;
    }
  *n_read = (gsize) n;
  return TRUE;
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
                   "The image is %d × %d (%.0f megapixels), over the limit of %.0f megapixels "
                   "(--max-megapixels)", width, height, (double) width * height / 1e6,
                   max_pixels / 1e6);
      return FALSE;
    }
  return TRUE;
}

/**
 * pp_io_read_header:
 *
 * Reads the format and declared size without decoding pixels.
 */
gboolean
pp_io_read_header (const char  *path,
                   PpImageInfo *info_out,
                   GError     **error)
{
  guint8 head[READ_CHUNK];
  gsize n = 0;
  int width = 0, height = 0;
  GdkPixbufFormat *format;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (info_out != NULL, FALSE);

  _pp_io_init ();
  memset (info_out, 0, sizeof *info_out);
  if (!read_head (path, head, sizeof head, &n, error))
    return FALSE;
  if (n == 0)
    {
      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_DECODE, "The file is empty");
      return FALSE;
    }
  if (read_webp_size (head, n, &width, &height))
    {
      /* Not gdk_pixbuf_get_file_info(): the WebP loader allocates the declared canvas before it
       * reports the size (a 32-byte file made it allocate 5 GB). */
      info_out->format = g_strdup ("webp");
      info_out->width = width;
      info_out->height = height;
      return TRUE;
    }
  switch (read_isobmff_size (path, head, n, &width, &height))
    {
    case ISOBMFF_SIZED:
      info_out->format = g_strdup ("heif/avif");
      info_out->width = width;
      info_out->height = height;
      return TRUE;
    case ISOBMFF_UNSIZED:
      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_DECODE,
                   "The file declares no image size (HEIF/AVIF without an “ispe” property), so "
                   "it cannot be checked against the pixel limit");
      return FALSE;
    case ISOBMFF_NO:
    default:
      break;
    }

  format = gdk_pixbuf_get_file_info (path, &width, &height);
  if (format == NULL || gdk_pixbuf_format_is_disabled (format))
    {
      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_UNSUPPORTED,
                   "Not an image format Parapix reads");
      return FALSE;
    }
  info_out->format = gdk_pixbuf_format_get_name (format);
  info_out->width = width;
  info_out->height = height;
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

  buffer = g_malloc (READ_CHUNK);
  for (;;)
    {
      gssize n = read (fd, buffer, READ_CHUNK);

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

static guint32
crc32_png (const guint8 *data,
           gsize         len,
           guint32       crc)
{
  static guint32 table[256];
  static gsize table_ready = 0;

  if (g_once_init_enter (&table_ready))
    {
      for (guint32 n = 0; n < 256; n++)
        {
          guint32 c = n;

          for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
          table[n] = c;
        }
      g_once_init_leave (&table_ready, 1);
    }
  for (gsize i = 0; i < len; i++)
    crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return crc;
}

static void
put_be32 (GByteArray *array,
          guint32     value)
{
  guint8 b[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (array, b, 4);
}

/* GdkPixbuf 2.42's PNG saver hands libpng the profile before the header, and libpng then
 * rejects any RGB profile ("not permitted on grayscale PNG"). So write the PNG without it and
 * insert the iCCP chunk (zlib-compressed profile) right after IHDR ourselves. */
static GBytes *
png_insert_icc (const guint8 *png,
                gsize         png_size,
                GBytes       *icc,
                GError      **error)
{
  static const char name[] = "ICC profile";
  g_autoptr (GZlibCompressor) zlib = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_ZLIB, 9);
  g_autoptr (GByteArray) chunk = g_byte_array_new ();
  g_autoptr (GByteArray) out = NULL;
  gsize icc_size;
  const guint8 *icc_data = g_bytes_get_data (icc, &icc_size);
  gsize in_done = 0;
  guint32 crc;
  const gsize ihdr_end = 8 + 4 + 4 + 13 + 4;

  if (png_size < ihdr_end || memcmp (png + 12, "IHDR", 4) != 0)
    {
      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_ENCODE, "Unexpected PNG layout");
      return NULL;
    }
  g_byte_array_append (chunk, (const guint8 *) "iCCP", 4);
  g_byte_array_append (chunk, (const guint8 *) name, sizeof name); /* with its NUL */
  g_byte_array_append (chunk, (const guint8 *) "", 1);              /* compression: deflate */
  for (;;)
    {
      guint8 buf[16384];
      gsize read = 0, written = 0;
      GConverterResult r = g_converter_convert (G_CONVERTER (zlib), icc_data + in_done,
                                                icc_size - in_done, buf, sizeof buf,
                                                G_CONVERTER_INPUT_AT_END, &read, &written,
                                                error);

      if (r == G_CONVERTER_ERROR)
        return NULL;
      in_done += read;
      g_byte_array_append (chunk, buf, written);
      if (r == G_CONVERTER_FINISHED)
        break;
    }
  crc = crc32_png (chunk->data, chunk->len, 0xffffffffu) ^ 0xffffffffu;

  out = g_byte_array_sized_new (png_size + chunk->len + 8);
  g_byte_array_append (out, png, ihdr_end);
  put_be32 (out, chunk->len - 4);
  g_byte_array_append (out, chunk->data, chunk->len);
  put_be32 (out, crc);
  g_byte_array_append (out, png + ihdr_end, png_size - ihdr_end);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         size,
           GError      **error)
{
  while (size > 0)
    {
      gssize n = write (fd, data, size);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_WRITE, "%s", g_strerror (saved));
          return FALSE;
        }
      data += n;
      size -= (gsize) n;
    }
  return TRUE;
}

/* The O_TMPFILE way of pp_io_save(): write, then link the complete file in under its name. */
static gboolean
save_unnamed (int            fd,
              const char    *dir,
              const char    *path,
              const char    *data,
              gsize          size,
              mode_t         mode,
              gboolean       overwrite,
              gint64         t0,
              gint64         t1,
              PpSaveTimes   *times_out,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autofree char *proc = g_strdup_printf ("/proc/self/fd/%d", fd);
  g_autoptr (GError) local_error = NULL;
  int saved;

  if (!write_all (fd, (const guint8 *) data, size, &local_error) || fchmod (fd, mode) != 0)
    {
      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_WRITE, "Cannot write “%s”: %s", path,
                   local_error != NULL ? local_error->message : g_strerror (errno));
      close (fd);
      return FALSE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      close (fd);
      return FALSE;
    }
  if (!overwrite)
    {
      /* linkat() never replaces: an output that appeared meanwhile is left alone. */
      if (linkat (AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0)
        goto done;
      saved = errno;
      close (fd);
      if (saved == EEXIST)
        g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_EXISTS,
                     "“%s” appeared while it was being written; left it alone", path);
      else
        g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_WRITE, "Cannot write “%s”: %s", path,
                     g_strerror (saved));
      return FALSE;
    }
  else
    {
      /* Replacing needs a rename: link under a temporary name first, for a moment only. */
      g_autofree char *tmp = NULL;

      for (guint attempt = 0; attempt < 100; attempt++)
        {
          g_free (tmp);
          tmp = g_strdup_printf ("%s/.parapix-%08x.tmp", dir, g_random_int ());
          if (linkat (AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) == 0)
            break;
          if (errno != EEXIST)
            {
              saved = errno;
              close (fd);
              g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_WRITE, "Cannot write “%s”: %s", path,
                           g_strerror (saved));
              return FALSE;
            }
        }
      if (rename (tmp, path) != 0)
        {
          saved = errno;
          g_unlink (tmp);
          close (fd);
          g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_WRITE, "Cannot write “%s”: %s", path,
                       g_strerror (saved));
          return FALSE;
        }
    }
done:
  if (close (fd) != 0)
    {
      /* The data may not have reached the disk (NFS reports late): the name is already out,
       * so take it back. */
      saved = errno;
      g_unlink (path);
      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_WRITE, "Cannot write “%s”: %s", path,
                   g_strerror (saved));
      return FALSE;
    }
  if (times_out != NULL)
    {
      times_out->encode_us = t1 - t0;
      times_out->write_us = g_get_monotonic_time () - t1;
    }
  return TRUE;
}

/* Moves @tmp to @path, atomically; without @overwrite it fails if @path exists, even when
 * another process creates it at the same moment. */
static gboolean
publish (const char *tmp,
         const char *path,
         gboolean    overwrite,
         GError    **error)
{
  int saved;

  if (overwrite)
    {
      if (rename (tmp, path) == 0)
        return TRUE;
      saved = errno;
    }
  else
    {
      if (renameat2 (AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
        return TRUE;
      saved = errno;
      if (saved == EINVAL || saved == ENOSYS)
        {
          /* The file system cannot rename without replacing: link() refuses to replace too. */
          if (link (tmp, path) == 0)
            {
              g_unlink (tmp);
              return TRUE;
            }
          saved = errno;
        }
    }
  if (saved == EEXIST)
    g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_EXISTS,
                 "“%s” appeared while it was being written; left it alone", path);
  else
    g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_WRITE, "Cannot write “%s”: %s", path,
                 g_strerror (saved));
  return FALSE;
}

/**
 * pp_io_save:
 * @times_out: (out caller-allocates) (optional): encode and write times
 *
 * Encodes @image and publishes it at @path atomically: a hidden temporary file in the same
 * folder, renamed over @path only when complete. On failure or cancellation nothing is left.
 */
gboolean
pp_io_save (PpImage              *image,
            const char           *path,
            const PpSaveOptions  *options,
            PpSaveTimes          *times_out,
            GCancellable         *cancellable,
            GError              **error)
{
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp = NULL;
  g_autofree char *quality = NULL;
  g_autofree char *compression = NULL;
  g_autofree char *icc = NULL;
  g_autofree gchar *encoded = NULL;
  gsize encoded_size = 0;
  const char *keys[4] = { NULL };
  const char *values[4] = { NULL };
  guint n_opts = 0;
  GError *local_error = NULL;
  gint64 t0, t1;
  int fd;

  g_return_val_if_fail (image != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (options != NULL && options->format != PP_FORMAT_SAME, FALSE);

  _pp_io_init ();
  if (!pp_format_can_save (options->format))
    {
      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_UNSUPPORTED,
                   "This system cannot write %s files", pp_format_to_string (options->format));
      return FALSE;
    }

  t0 = g_get_monotonic_time ();
  if (options->format == PP_FORMAT_JPEG || options->format == PP_FORMAT_WEBP)
    {
      quality = g_strdup_printf ("%d", CLAMP (options->quality, 1, 100));
      keys[n_opts] = "quality";
      values[n_opts++] = quality;
    }
  if (options->format == PP_FORMAT_PNG && options->png_compression >= 0)
    {
      compression = g_strdup_printf ("%d", CLAMP (options->png_compression, 0, 9));
      keys[n_opts] = "compression";
      values[n_opts++] = compression;
    }
  if (options->icc_profile != NULL
      && (options->format == PP_FORMAT_JPEG || options->format == PP_FORMAT_TIFF
          || options->format == PP_FORMAT_WEBP))
    {
      icc = g_base64_encode (g_bytes_get_data (options->icc_profile, NULL),
                             g_bytes_get_size (options->icc_profile));
      keys[n_opts] = "icc-profile";
      values[n_opts++] = icc;
    }

  pixbuf = pp_image_to_pixbuf (image);
  if (!gdk_pixbuf_save_to_bufferv (pixbuf, &encoded, &encoded_size,
                                   pp_format_to_string (options->format), (char **) keys,
                                   (char **) values, &local_error))
    {
      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_ENCODE, "Cannot encode %s: %s",
                   pp_format_to_string (options->format), local_error->message);
      g_error_free (local_error);
      return FALSE;
    }
  if (options->icc_profile != NULL && options->format == PP_FORMAT_PNG)
    {
      g_autoptr (GBytes) with_icc = png_insert_icc ((const guint8 *) encoded, encoded_size,
                                                    options->icc_profile, error);

      if (with_icc == NULL)
        return FALSE;
      g_free (encoded);
      encoded = g_bytes_unref_to_data (g_steal_pointer (&with_icc), &encoded_size);
    }
  t1 = g_get_monotonic_time ();

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);

  /* First choice: an unnamed file (O_TMPFILE) given its name only once complete. Nothing named
   * exists before the commit, so a folder that turns read-only mid-write, a full disk or a kill
   * leaves nothing behind; a named temporary cannot be removed from a read-only folder (found by
   * tests/cli/test-faults.c, read-only-mid-batch). */
  fd = g_open (dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  if (fd >= 0)
    return save_unnamed (fd, dir, path, encoded, encoded_size, file_mode, options->overwrite,
                         t0, t1, times_out, cancellable, error);

  tmp = g_build_filename (dir, ".parapix-XXXXXX.tmp", NULL);
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_WRITE, "Cannot write in “%s”: %s", dir,
                   g_strerror (saved));
      return FALSE;
    }
  if (!write_all (fd, (const guint8 *) encoded, encoded_size, &local_error)
      || fchmod (fd, file_mode) != 0)
    {
      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_WRITE, "Cannot write “%s”: %s", path,
                   local_error != NULL ? local_error->message : g_strerror (errno));
      g_clear_error (&local_error);
      close (fd);
      g_unlink (tmp);
      return FALSE;
    }
  if (close (fd) != 0)
    {
      int saved = errno;

      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_WRITE, "Cannot write “%s”: %s", path,
                   g_strerror (saved));
      g_unlink (tmp);
      return FALSE;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error)
      || !publish (tmp, path, options->overwrite, error))
    {
      g_unlink (tmp);
      return FALSE;
    }
  if (times_out != NULL)
    {
      times_out->encode_us = t1 - t0;
      times_out->write_us = g_get_monotonic_time () - t1;
    }
  return TRUE;
}
