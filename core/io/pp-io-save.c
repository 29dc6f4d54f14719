/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Saving: encode to memory through GdkPixbuf's savers (with the ICC profile where the format can
 * hold one), then publish atomically — an unnamed O_TMPFILE linked in when complete, or a hidden
 * temporary renamed into place — so a failed, refused or cancelled save never leaves a partial
 * file and never replaces an existing one unless asked.
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

/* "Cannot write …" for @path, from an errno. */
static void
set_write_error (GError    **error,
                 const char *path,
                 int         saved_errno)
{
  g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_WRITE, "Cannot write “%s”: %s", path,
               g_strerror (saved_errno));
}

/* A failed publish: an output that appeared meanwhile is left alone and said so. */
static void
set_publish_error (GError    **error,
                   const char *path,
                   int         saved_errno)
{
  if (saved_errno == EEXIST)
    g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_EXISTS,
                 "“%s” appeared while it was being written; left it alone", path);
  else
    set_write_error (error, path, saved_errno);
}

/* Writes all of @data to @fd and gives it the permissions of a new file; the error names
 * @path, the file the user will look for. */
static gboolean
write_contents (int         fd,
                const char *path,
                const char *data,
                gsize       size,
                mode_t      mode,
                GError    **error)
{
  while (size > 0)
    {
      gssize n = write (fd, data, size);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          set_write_error (error, path, errno);
          return FALSE;
        }
      data += n;
      size -= (gsize) n;
    }
  if (fchmod (fd, mode) != 0)
    {
      set_write_error (error, path, errno);
      return FALSE;
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
  int saved;

  if (!write_contents (fd, path, data, size, mode, error))
    {
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
      set_publish_error (error, path, saved);
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
              set_write_error (error, path, saved);
              return FALSE;
            }
        }
      if (rename (tmp, path) != 0)
        {
          saved = errno;
          g_unlink (tmp);
          close (fd);
          set_write_error (error, path, saved);
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
      set_write_error (error, path, saved);
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
  set_publish_error (error, path, saved);
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
   * tests/cli/test-faults.c, read-only-mid-batch). PP_NO_O_TMPFILE=1 makes tests take the
   * named-temporary path below, the one file systems without O_TMPFILE (NFS, FUSE) get. */
  fd = g_getenv ("PP_NO_O_TMPFILE") == NULL ? g_open (dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600)
                                            : -1;
  if (fd >= 0)
    return save_unnamed (fd, dir, path, encoded, encoded_size, _pp_io_get_file_mode (),
                         options->overwrite, t0, t1, times_out, cancellable, error);

  tmp = g_build_filename (dir, ".parapix-XXXXXX.tmp", NULL);
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_WRITE, "Cannot write in “%s”: %s", dir,
                   g_strerror (saved));
      return FALSE;
    }
  if (!write_contents (fd, path, encoded, encoded_size, _pp_io_get_file_mode (), error))
    {
      close (fd);
      g_unlink (tmp);
      return FALSE;
    }
  if (close (fd) != 0)
    {
      int saved = errno;

      set_write_error (error, path, saved);
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
