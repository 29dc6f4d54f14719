/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Saving: encode to memory with the format's codec (core/codecs/), straight from the image's
 * rows, with the ICC profile and metadata blobs where the format can hold them; then publish
 * atomically — an unnamed O_TMPFILE linked in when complete, or a hidden temporary renamed into
 * place — so a failed, refused or cancelled save never leaves a partial file and never replaces
 * an existing one unless asked.
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

/* Writes all of @data to @fd and gives it its attributes (@options' permissions, else a new
 * file's, and its modification time when asked); the error names @path, the file the user
 * will look for. */
static gboolean
write_contents (int                  fd,
                const char          *path,
                const char          *data,
                gsize                size,
                const PpSaveOptions *options,
                GError             **error)
{
  mode_t mode = options->mode >= 0 ? (mode_t) (options->mode & 0777)
                                    : _pp_io_get_file_mode ()
                                        & (options->mode_limit >= 0 ? options->mode_limit : 0777);

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
  /* Linking and renaming leave the modification time alone. */
  if (options->set_mtime
      && futimens (fd, (const struct timespec[]) { { 0, UTIME_OMIT }, options->mtime }) != 0)
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
              const PpSaveOptions *options,
              gboolean       overwrite,
              gint64         t0,
              gint64         t1,
              PpSaveTimes   *times_out,
              GCancellable  *cancellable,
              GError       **error)
{
  g_autofree char *proc = g_strdup_printf ("/proc/self/fd/%d", fd);
  int saved;

  if (!write_contents (fd, path, data, size, options, error))
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

/* Encodes @n_frames frames with @options' codec into a new array. */
static GByteArray *
encode (const PpFrame       *frames,
        guint                n_frames,
        const PpSaveOptions *options,
        GError             **error)
{
  const PpCodec *codec = _pp_io_get_codec (options->format);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  PpEncodeOptions encode_options;
  GError *local_error = NULL;

  if (codec == NULL || codec->encode == NULL)
    {
      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_UNSUPPORTED,
                   "This system cannot write %s files", pp_format_to_string (options->format));
      return NULL;
    }
  /* Only formats that hold several images get more than the first. */
  if (!(codec->holds & (PP_CODEC_HOLDS_ANIMATION | PP_CODEC_HOLDS_PAGES)))
    n_frames = 1;
  pp_encode_options_init (&encode_options);
  encode_options.quality = CLAMP (options->quality, 1, 100);
  encode_options.compression = options->format == PP_FORMAT_PNG ? options->png_compression : -1;
  encode_options.loop_count = options->loop_count;
  encode_options.metadata = options->metadata;
  encode_options.icc = options->icc_profile;
  encode_options.notes = options->notes;
  if (!codec->encode (frames, n_frames, &encode_options, out, &local_error))
    {
      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_ENCODE, "%s", local_error->message);
      g_error_free (local_error);
      return NULL;
    }
  return g_steal_pointer (&out);
}

/**
 * pp_io_save:
 * @image: the pixels, read in place (never copied, never written)
 * @times_out: (out caller-allocates) (optional): encode and write times
 *
 * pp_io_save_frames() with one frame.
 */
gboolean
pp_io_save (PpImage              *image,
            const char           *path,
            const PpSaveOptions  *options,
            PpSaveTimes          *times_out,
            GCancellable         *cancellable,
            GError              **error)
{
  PpFrame frame = { image, 0 };

  g_return_val_if_fail (image != NULL, FALSE);

  return pp_io_save_frames (&frame, 1, path, options, times_out, cancellable, error);
}

/**
 * pp_io_save_frames:
 * @frames: (array length=n_frames): the images (read in place) and their delays
 * @n_frames: 1 or more; formats that hold one image get the first only
 * @times_out: (out caller-allocates) (optional): encode and write times
 *
 * Encodes @frames as @options->format (an animation for WebP, pages for TIFF) with the ICC
 * profile and metadata blobs, and publishes the file at @path atomically: nothing named exists
 * before it is complete, and on failure or cancellation nothing is left. Thread: any.
 * Errors: PP_IO_ERROR (UNSUPPORTED, ENCODE, WRITE, EXISTS), G_IO_ERROR_CANCELLED.
 */
gboolean
pp_io_save_frames (const PpFrame        *frames,
                   guint                 n_frames,
                   const char           *path,
                   const PpSaveOptions  *options,
                   PpSaveTimes          *times_out,
                   GCancellable         *cancellable,
                   GError              **error)
{
  g_autoptr (GByteArray) encoded = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *tmp = NULL;
  gint64 t0, t1;
  int fd;

  g_return_val_if_fail (frames != NULL && n_frames >= 1, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (options != NULL && options->format != PP_FORMAT_SAME, FALSE);

  pp_io_init ();
  t0 = g_get_monotonic_time ();
  encoded = encode (frames, n_frames, options, error);
  if (encoded == NULL)
    return FALSE;
  t1 = g_get_monotonic_time ();

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  dir = g_path_get_dirname (path);

  /* First choice: an unnamed file (O_TMPFILE) given its name only once complete. Nothing named
   * exists before the commit, so a folder that turns read-only mid-write, a full disk or a kill
   * leaves nothing behind; a named temporary cannot be removed from a read-only folder (found by
   * tests/cli/test-faults.c, read-only-mid-batch). PP_NO_O_TMPFILE=1 makes tests take the
   * named-temporary path below, the one file systems without O_TMPFILE (NFS, FUSE) get. */
  fd = g_getenv ("PP_NO_O_TMPFILE") == NULL ? g_open (dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600)
                                            : -1;
  if (fd >= 0)
    return save_unnamed (fd, dir, path, (const char *) encoded->data, encoded->len, options,
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
  if (!write_contents (fd, path, (const char *) encoded->data, encoded->len, options, error))
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
