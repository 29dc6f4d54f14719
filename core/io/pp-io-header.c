/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a file is before it is decoded: the loader allow-list, whether a name is worth listing,
 * and the header read (format and declared size) that the pixel limit is checked against. Some
 * formats are sized here from their own headers, because their GdkPixbuf loaders allocate the
 * declared canvas before they report its size.
 */
#define G_LOG_DOMAIN "pp-io"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "io/pp-io-private.h"

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

/* The permissions new outputs get (0666 minus the umask read at start-up). */
mode_t
_pp_io_get_file_mode (void)
{
  _pp_io_init ();
  return file_mode;
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
  ext = _pp_io_get_extension (path);
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
  guint8 head[PP_IO_READ_CHUNK];
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

