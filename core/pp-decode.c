/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One image from a file descriptor through a GdkPixbufLoader. The loader is chosen the way
 * gdk_pixbuf_new_from_file() chooses it (content sniffing, the name only when sniffing is unsure),
 * then checked against the allow-list; "size-prepared" enforces the pixel limit and shrink-on-load
 * before the loader allocates pixels.
 */
#define G_LOG_DOMAIN "pp-decode"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "pp-decode.h"
#include "pp-filter.h"
#include "pp-image.h"
#include "pp-pipeline.h"

G_DEFINE_QUARK (pp-decode-error-quark, pp_decode_error)

/* Large enough that a typical photo is a handful of writes, small enough to stay in cache. */
#define READ_CHUNK (256 * 1024)
/* gdk-pixbuf sniffs the first 4 KiB; so do we. */
#define SNIFF_SIZE 4096

/**
 * pp_decode_get_default_formats:
 *
 * The loaders worth their attack surface on files from anywhere: the formats people keep photos
 * and pictures in. Left out, as gdk-pixbuf 2.42.11 does by default: ani, icns, ico, pnm, qtif
 * (picked by content sniffing for some GIFs, then allocates 11.6 GB: see the corpus README),
 * tga, xbm and xpm.
 *
 * Returns: (transfer none): a %NULL-terminated list of GdkPixbuf format names
 */
const char *const *
pp_decode_get_default_formats (void)
{
  static const char *const formats[] = {
    "png", "jpeg", "gif", "webp", "tiff", "bmp", "heif/avif", "svg", NULL,
  };

  return formats;
}

void
pp_decode_info_clear (PpDecodeInfo *info)
{
  g_return_if_fail (info != NULL);

  g_clear_pointer (&info->format, g_free);
  g_clear_pointer (&info->icc_profile, g_free);
  info->width = info->height = info->orientation = 0;
}

typedef struct
{
  const PpDecodeOptions *options;
  PpDecodeInfo *info;
  gboolean too_large;
  gboolean bad_size;
  gboolean shrunk;
} SizeState;

static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  SizeState *state = user_data;
  const PpStep *step = state->options->shrink_step;
  int lw, lh, lw_t, lh_t;

  /* Some loaders announce the size more than once (animations); the first one counts. */
  if (state->info->width == 0)
    {
      state->info->width = width;
      state->info->height = height;
    }
  if (width <= 0 || height <= 0)
    {
      state->bad_size = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
      return;
    }
  if (state->options->max_pixels > 0 && (guint64) width * height > state->options->max_pixels)
    {
      /* Asking for a 0x0 result makes the png, jpeg, gif and bmp loaders stop before they
       * allocate; we also stop feeding data. */
      state->too_large = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
      return;
    }
  if (step == NULL || !step->enabled || step->info->get_load_size == NULL)
    return;
  if (!step->info->get_load_size (step->values, width, height, &lw, &lh))
    return;
  /* The orientation tag is only known once pixels exist, and a 90° turn swaps the box the first
   * step fits into: decode at the larger of both answers so quality never drops. */
  if (state->options->apply_orientation
      && step->info->get_load_size (step->values, height, width, &lh_t, &lw_t))
    {
      lw = MAX (lw, lw_t);
      lh = MAX (lh, lh_t);
    }
  if (lw > 0 && lh > 0 && lw < width && lh < height)
    {
      state->shrunk = TRUE;
      gdk_pixbuf_loader_set_size (loader, lw, lh);
    }
}

/* The WebP loader allocates the canvas a header declares before it asks "size-prepared" whether
 * to go on (a 32-byte file made it allocate 5 GB; tests/fuzz/regressions/fuzz-load/): read the
 * size from the header ourselves, as the container spec lays it out. */
static gboolean
webp_header_size (const guint8 *b,
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
      return TRUE;
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

static gboolean
format_allowed (GdkPixbufFormat   *format,
                const char *const *allowed)
{
  g_autofree char *name = gdk_pixbuf_format_get_name (format);

  if (allowed == NULL)
    return TRUE;
  return g_strv_contains (allowed, name);
}

/* gdk-pixbuf's own choice (_gdk_pixbuf_get_module with GIO MIME sniffing): the content decides;
 * the file name only breaks a tie when the content is unsure or looks like text or gzip. */
static GdkPixbufFormat *
find_format (const guint8 *head,
             gsize         len,
             const char   *name,
             char        **content_type)
{
  g_autoptr (GSList) formats = gdk_pixbuf_get_formats ();
  gboolean uncertain = FALSE;
  char *type = g_content_type_guess (NULL, head, len, &uncertain);

  if ((uncertain || g_str_equal (type, "text/plain") || g_str_equal (type, "application/gzip"))
      && name != NULL)
    {
      g_free (type);
      type = g_content_type_guess (name, head, len, NULL);
    }
  *content_type = type;

  for (GSList *l = formats; l != NULL; l = l->next)
    {
      g_auto (GStrv) mimes = NULL;

      if (gdk_pixbuf_format_is_disabled (l->data))
        continue;
      mimes = gdk_pixbuf_format_get_mime_types (l->data);
      for (guint i = 0; mimes != NULL && mimes[i] != NULL; i++)
        {
          g_autofree char *t = g_content_type_from_mime_type (mimes[i]);

          if (t != NULL && g_content_type_equals (t, type))
            return l->data;
        }
    }
  return NULL;
}

static gssize
read_full (int     fd,
           guint8 *buf,
           gsize   len)
{
  gsize done = 0;

  while (done < len)
    {
      gssize n = read (fd, buf + done, len - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        break;
      done += n;
    }
  return done;
}

typedef enum
{
  MODE_DECODE, /* honour the limit and shrink-on-load, keep the pixels */
  MODE_PROBE,  /* the header only: stop the loader as soon as the size is known */
} LoaderMode;

/* Feeds the file to a loader of @format from offset 0. In MODE_PROBE it stops once the size is
 * known; in MODE_DECODE it returns the pixbuf (or NULL with @error set). */
static GdkPixbuf *
run_loader (int          fd,
            const char  *format,
            LoaderMode   mode,
            SizeState   *state,
            guint8      *buf,
            const char  *display,
            GError     **error)
{
  g_autoptr (GdkPixbufLoader) loader = NULL;
  g_autoptr (GError) local_error = NULL;
  GdkPixbuf *pixbuf;
  gboolean closed;
  gssize n;

  if (lseek (fd, 0, SEEK_SET) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno), "cannot read “%s”: %s",
                   display, g_strerror (errno));
      return NULL;
    }
  loader = gdk_pixbuf_loader_new_with_type (format, &local_error);
  if (loader == NULL)
    {
      g_set_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_UNKNOWN_FORMAT,
                   "cannot decode “%s”: %s", display, local_error->message);
      return NULL;
    }
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), state);

  for (;;)
    {
      n = read_full (fd, buf, READ_CHUNK);
      if (n < 0)
        {
          int saved = errno;

          gdk_pixbuf_loader_close (loader, NULL);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot read “%s”: %s",
                       display, g_strerror (saved));
          return NULL;
        }
      if (n == 0 || state->too_large || state->bad_size
          || (mode == MODE_PROBE && state->info->width != 0))
        break;
      if (!gdk_pixbuf_loader_write (loader, buf, n, &local_error))
        break;
    }
  /* A loader must always be closed, even after a failed write, or it complains at finalize. */
  closed = gdk_pixbuf_loader_close (loader, local_error == NULL ? &local_error : NULL);

  if (state->too_large)
    {
      g_set_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_TOO_LARGE,
                   "“%s” is %d × %d pixels (%.0f megapixels), over the limit of %.0f megapixels",
                   display, state->info->width, state->info->height,
                   (double) state->info->width * state->info->height / 1e6,
                   state->options->max_pixels / 1e6);
      return NULL;
    }
  if (state->bad_size)
    {
      g_set_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_CORRUPT,
                   "“%s” declares an empty image (%d × %d)", display, state->info->width,
                   state->info->height);
      return NULL;
    }
  if (mode == MODE_PROBE)
    {
      if (state->info->width == 0)
        g_set_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_CORRUPT, "cannot decode “%s”: %s",
                     display, local_error != NULL ? local_error->message : "no image size found");
      return NULL;
    }

  /* The incremental loaders can hand back a partial image and an error; keep neither. */
  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL || !closed || local_error != NULL)
    {
      g_set_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_CORRUPT, "cannot decode “%s”: %s",
                   display, local_error != NULL ? local_error->message
                                                : "the loader produced no image");
      return NULL;
    }
  return g_object_ref (pixbuf);
}

/* gdk_pixbuf_new_from_file() through the descriptor: the loaders' whole-file code paths, which
 * notice truncation that their incremental paths let through (PNG), and the exact behaviour
 * expected.tsv records. */
static GdkPixbuf *
load_whole_file (int          fd,
                 const char  *display,
                 GError     **error)
{
  g_autofree char *proc_path = g_strdup_printf ("/proc/self/fd/%d", fd);
  g_autoptr (GError) local_error = NULL;
  GdkPixbuf *pixbuf;

  pixbuf = gdk_pixbuf_new_from_file (proc_path, &local_error);
  /* Some loaders return a (partial) image and set the error; like gdk-pixbuf's own callers,
   * take the image. */
  if (pixbuf != NULL)
    return pixbuf;
  if (g_error_matches (local_error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_INSUFFICIENT_MEMORY))
    g_set_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_OUT_OF_MEMORY,
                 "not enough memory to decode “%s”", display);
  else
    g_set_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_CORRUPT, "cannot decode “%s”: %s",
                 display, local_error != NULL ? local_error->message : "no image");
  return NULL;
}

/**
 * pp_decode_fd:
 * @fd: an open, readable regular file
 * @name: (nullable): the file's name, a hint for the loader choice and for messages
 * @info: (out caller-allocates): filled as far as decoding got, even on error
 *
 * Decodes in the calling process. Use PpDecoder for files nobody vouches for: in-process, only
 * the pixel limit stands between a crafted file and this process.
 *
 * Returns: (transfer full): an 8-bit RGB or RGBA pixbuf, oriented if asked
 */
GdkPixbuf *
pp_decode_fd (int                     fd,
              const char             *name,
              const PpDecodeOptions  *options,
              PpDecodeInfo           *info,
              GError                **error)
{
  g_autofree guint8 *buf = g_malloc (READ_CHUNK);
  g_autofree char *content_type = NULL;
  g_autofree char *nameless_type = NULL;
  g_autofree char *display = g_filename_display_name (name != NULL ? name : "image");
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  GdkPixbufFormat *format;
  SizeState state = { options, info, FALSE, FALSE, FALSE };
  gssize n;

  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (options != NULL && info != NULL, NULL);

  memset (info, 0, sizeof *info);
  n = pread (fd, buf, SNIFF_SIZE, 0);
  if (n < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot read “%s”: %s",
                   display, g_strerror (saved));
      return NULL;
    }
  if (n == 0)
    {
      g_set_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_CORRUPT, "“%s” is empty", display);
      return NULL;
    }

  format = find_format (buf, n, name, &content_type);
  if (format == NULL)
    {
      g_autofree char *desc = g_content_type_get_description (content_type);

      g_set_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_UNKNOWN_FORMAT,
                   "“%s” is not an image Parapix can read (it looks like %s)", display, desc);
      return NULL;
    }
  info->format = gdk_pixbuf_format_get_name (format);
  if (!format_allowed (format, options->allowed_formats))
    {
      g_set_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_UNKNOWN_FORMAT,
                   "“%s” is in the %s format, whose loader Parapix does not use on untrusted "
                   "files", display, info->format);
      return NULL;
    }

  if (options->max_pixels > 0 && g_str_equal (info->format, "webp")
      && webp_header_size (buf, n, &info->width, &info->height)
      && (guint64) info->width * info->height > options->max_pixels)
    {
      g_set_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_TOO_LARGE,
                   "“%s” is %d × %d pixels (%.0f megapixels), over the limit of %.0f megapixels",
                   display, info->width, info->height,
                   (double) info->width * info->height / 1e6, options->max_pixels / 1e6);
      return NULL;
    }
  info->width = info->height = 0;

  /* The whole-file path reads by path, so gdk-pixbuf sniffs without our name hint: use it only
   * when the name does not change the choice. Shrink-on-load needs the incremental path. */
  if (options->whole_file && find_format (buf, n, NULL, &nameless_type) == format)
    {
      run_loader (fd, info->format, MODE_PROBE, &state, buf, display, error);
      if (info->width == 0 || state.too_large || state.bad_size)
        return NULL;
      g_clear_error (error);
      if (!state.shrunk)
        {
          if (lseek (fd, 0, SEEK_SET) != 0)
            {
              g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                           "cannot read “%s”: %s", display, g_strerror (errno));
              return NULL;
            }
          pixbuf = load_whole_file (fd, display, error);
        }
      else
        {
          memset (&state, 0, sizeof state);
          state.options = options;
          state.info = info;
          info->width = info->height = 0;
        }
    }
  if (pixbuf == NULL && (error == NULL || *error == NULL))
    pixbuf = run_loader (fd, info->format, MODE_DECODE, &state, buf, display, error);
  if (pixbuf == NULL)
    return NULL;

  if (gdk_pixbuf_get_bits_per_sample (pixbuf) != 8
      || gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB
      || (gdk_pixbuf_get_n_channels (pixbuf) != 3 && gdk_pixbuf_get_n_channels (pixbuf) != 4))
    {
      g_set_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_UNKNOWN_FORMAT,
                   "cannot decode “%s”: unsupported pixel layout", display);
      return NULL;
    }

  {
    const char *orientation = gdk_pixbuf_get_option (pixbuf, "orientation");
    const char *icc = gdk_pixbuf_get_option (pixbuf, "icc-profile");

    if (orientation != NULL)
      info->orientation = CLAMP (atoi (orientation), 0, 8);
    info->icc_profile = g_strdup (icc);
  }

  if (options->apply_orientation && info->orientation > 1)
    {
      GdkPixbuf *oriented = gdk_pixbuf_apply_embedded_orientation (pixbuf);

      if (oriented == NULL)
        {
          g_set_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_OUT_OF_MEMORY,
                       "not enough memory to rotate “%s”", display);
          return NULL;
        }
      return oriented;
    }
  return g_steal_pointer (&pixbuf);
}

/**
 * pp_decode_open:
 *
 * Opens @path for decoding: never blocks on a FIFO, refuses anything but a regular file.
 *
 * Returns: a file descriptor (close it), or -1 with @error set
 */
int
pp_decode_open (const char  *path,
                GError     **error)
{
  g_autofree char *display = g_filename_display_name (path);
  struct stat st;
  int fd;

  g_return_val_if_fail (path != NULL, -1);

  /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot open “%s”: %s",
                   display, g_strerror (saved));
      return -1;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_NOT_REGULAR,
                   "“%s” is not a regular file (%s)", display,
                   S_ISDIR (st.st_mode) ? "a folder" : S_ISFIFO (st.st_mode) ? "a named pipe"
                                                                              : "a device or socket");
      close (fd);
      return -1;
    }
  /* Back to blocking reads for the data itself. */
  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

/**
 * pp_decode_file:
 *
 * In-process convenience for trusted files and fuzzing: pp_decode_open() + pp_decode_fd(), the
 * pixels wrapped without a copy.
 *
 * Returns: (transfer full): the image, or %NULL with @error set
 */
PpImage *
pp_decode_file (const char             *path,
                const PpDecodeOptions  *options,
                PpDecodeInfo           *info,
                GError                **error)
{
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  g_autofree char *base = NULL;
  int fd = pp_decode_open (path, error);

  if (fd < 0)
    {
      memset (info, 0, sizeof *info);
      return NULL;
    }
  base = g_path_get_basename (path);
  pixbuf = pp_decode_fd (fd, base, options, info, error);
  close (fd);
  return pixbuf != NULL ? pp_image_new_for_pixbuf (pixbuf) : NULL;
}
