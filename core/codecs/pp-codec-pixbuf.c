/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The GdkPixbuf fallback: every format without a codec of its own (SVG, ICO, PNM, TGA; HEIF
 * when libheif is not compiled in) through the allow-listed GdkPixbuf loaders, and the loader
 * plumbing the GIF and BMP codecs share. The format is told from the content and the name as
 * GdkPixbuf itself tells it (GIO's content types), so without shared-mime-info nothing is
 * recognised here: that is detected and said. Loaders run on a GdkPixbufLoader fed from
 * memory; the pixel limit is checked in size-prepared, before the loader allocates.
 */
#define G_LOG_DOMAIN "pp-codec"

#include "config.h"

#include <string.h>
#include <sys/mman.h>

#include "codecs/pp-codec-private.h"

#define FEED_CHUNK (64 * 1024)

/* Photographic and common web/desktop formats. Left out: qtif (a 44-byte file allocates 11 GB,
 * see the corpus), ani, icns, xbm and xpm (cursor, icon and X11 formats nobody batch-processes
 * as photos; each is one more parser exposed to untrusted files). JPEG, PNG, TIFF and WebP have
 * codecs of their own but stay enabled for GdkPixbuf's own users in this process. */
static const char *const allowed_formats[] = {
  "png", "jpeg", "gif", "bmp", "tiff", "webp", "heif/avif", "svg", "ico", "pnm", "tga", NULL,
};

/* The ones this fallback decodes (the others have their own codec). */
static const char *const fallback_formats[] = {
#ifndef PP_HAVE_LIBHEIF
  "heif/avif",
#endif
  "svg", "ico", "pnm", "tga", NULL,
};

static gboolean mime_database_works;

/**
 * _pp_codec_pixbuf_init:
 *
 * Applies the loader allow-list to GdkPixbuf (once per process; every other loader is
 * disabled, since it only widens what a crafted file can reach) and checks that GIO can tell
 * content types (shared-mime-info). Thread: any.
 */
void
_pp_codec_pixbuf_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      static const guchar png_magic[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                                          0, 0, 0, 13, 'I', 'H', 'D', 'R' };
      GSList *formats = gdk_pixbuf_get_formats ();
      g_autofree char *guess = NULL;
      g_autofree char *mime = NULL;

      for (GSList *l = formats; l != NULL; l = l->next)
        {
          g_autofree char *name = gdk_pixbuf_format_get_name (l->data);

          gdk_pixbuf_format_set_disabled (l->data, !g_strv_contains (allowed_formats, name));
        }
      g_slist_free (formats);

      guess = g_content_type_guess (NULL, png_magic, sizeof png_magic, NULL);
      mime = guess != NULL ? g_content_type_get_mime_type (guess) : NULL;
      mime_database_works = g_strcmp0 (mime, "image/png") == 0;
      g_once_init_leave (&initialized, 1);
    }
}

/**
 * pp_codec_get_allowed_pixbuf_formats:
 *
 * The GdkPixbuf loaders left enabled in this process (for the fallback, GIF and BMP; JPEG, PNG,
 * TIFF and WebP too, for GdkPixbuf's other users); every other loader is disabled.
 * Thread: any.
 *
 * Returns: (transfer none): the format names, %NULL-terminated
 */
const char *const *
pp_codec_get_allowed_pixbuf_formats (void)
{
  return allowed_formats;
}

/**
 * pp_codec_mime_database_missing:
 *
 * Whether GIO cannot tell content types here (no shared-mime-info database): formats known
 * only by their content type are then unrecognisable, and messages should say why. The
 * formats with codecs of their own are told by signature and do not need it. Thread: any.
 */
gboolean
pp_codec_mime_database_missing (void)
{
  _pp_codec_pixbuf_init ();
  return !mime_database_works;
}

static gboolean
format_has_mime_type (GdkPixbufFormat *format,
                      const char      *content_type)
{
  g_auto (GStrv) mime_types = gdk_pixbuf_format_get_mime_types (format);
  gboolean found = FALSE;

  for (guint i = 0; mime_types[i] != NULL && !found; i++)
    {
      g_autofree char *type = g_content_type_from_mime_type (mime_types[i]);

      found = type != NULL && g_content_type_equals (type, content_type);
    }
  return found;
}

/* The fallback format for @data, as GdkPixbuf would pick it (content first, then the name when
 * the content is not conclusive). Returns an interned name, or NULL with @error set. */
static const char *
find_format (const guint8 *data,
             gsize         size,
             const char   *name,
             GError      **error)
{
  g_autofree char *type = NULL;
  gboolean uncertain = FALSE;
  const char *found = NULL;
  GSList *formats;

  _pp_codec_pixbuf_init ();
  if (size == 0)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED, "The file is empty");
      return NULL;
    }
  type = g_content_type_guess (NULL, data, MIN (size, (gsize) 4096), &uncertain);
  if ((uncertain || g_strcmp0 (type, "text/plain") == 0
       || g_strcmp0 (type, "application/gzip") == 0) && name != NULL)
    {
      g_free (type);
      type = g_content_type_guess (name, data, MIN (size, (gsize) 4096), NULL);
    }
  formats = gdk_pixbuf_get_formats ();
  for (GSList *l = formats; l != NULL && found == NULL; l = l->next)
    {
      g_autofree char *format_name = gdk_pixbuf_format_get_name (l->data);

      if (g_strv_contains (fallback_formats, format_name) && !gdk_pixbuf_format_is_disabled (l->data)
          && format_has_mime_type (l->data, type))
        found = g_intern_string (format_name);
    }
  g_slist_free (formats);
  if (found == NULL)
    {
      if (!mime_database_works)
        g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_UNSUPPORTED,
                     "Cannot tell what kind of file this is: the shared-mime-info database is "
                     "missing on this system (install the shared-mime-info package)");
      else
        g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_UNSUPPORTED,
                     "Not an image format Parapix reads");
    }
  return found;
}

typedef struct
{
  const PpDecodeParams *params;
  guint n_frames;
  int width;
  int height;
  GError *error;
} LoaderState;

static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  LoaderState *state = user_data;

  if (state->width == 0)
    {
      state->width = width;
      state->height = height;
    }
  if (state->error == NULL
      && !_pp_codec_check_size (width, height, state->n_frames,
                                state->params != NULL ? state->params->max_pixels : 0,
                                &state->error))
    /* Asking for 0 × 0 makes the common loaders stop before allocating anything. */
    gdk_pixbuf_loader_set_size (loader, 0, 0);
}

/* A decoded photo is tens of megabytes, freshly mmap()ed by malloc for every file, and this
 * system only gives transparent huge pages to memory that asks: without this the kernel spends
 * about a sixth of a full-size batch faulting in and zeroing 4 KiB pages (measured with perf
 * stat: -10% CPU, same bytes out). The loader's pixbuf exists, untouched, in area-prepared. */
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
    madvise ((void *) start, end - start, MADV_HUGEPAGE); /* advice only */
}

/**
 * _pp_codec_pixbuf_run:
 * @format: an enabled GdkPixbuf format name
 * @n_frames: frames the pixel limit counts (the header's, when every frame is wanted)
 * @params: (nullable): for the pixel limit
 * @width: (out): the size the loader announced
 * @complaint: (out): set when the loader gave pixels *and* an error: damage it survived
 *
 * Feeds @data to a loader of @format. Returns: (transfer full) (nullable): the animation (a
 * still image is a one-frame animation), or %NULL with @error set
 */
GdkPixbufAnimation *
_pp_codec_pixbuf_run (const guint8         *data,
                      gsize                 size,
                      const char           *format,
                      guint                 n_frames,
                      const PpDecodeParams *params,
                      int                  *width,
                      int                  *height,
                      char                **complaint,
                      GError              **error)
{
  g_autoptr (GdkPixbufLoader) loader = NULL;
  LoaderState state = { params, MAX (n_frames, 1u), 0, 0, NULL };
  GError *local_error = NULL;
  GdkPixbufAnimation *animation;
  gboolean closed = FALSE;

  _pp_codec_pixbuf_init ();
  loader = gdk_pixbuf_loader_new_with_type (format, &local_error);
  if (loader == NULL)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_UNSUPPORTED,
                   "No enabled loader for %s: %s", format, local_error->message);
      g_error_free (local_error);
      return NULL;
    }
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), &state);
  g_signal_connect (loader, "area-prepared", G_CALLBACK (on_area_prepared), NULL);
  for (gsize pos = 0; pos < size && local_error == NULL && state.error == NULL;)
    {
      gsize n = MIN ((gsize) FEED_CHUNK, size - pos);

      if (!gdk_pixbuf_loader_write (loader, data + pos, n, &local_error))
        break;
      pos += n;
    }
  if (local_error == NULL && state.error == NULL)
    {
      closed = TRUE;
      gdk_pixbuf_loader_close (loader, &local_error);
    }
  if (!closed)
    gdk_pixbuf_loader_close (loader, NULL); /* its complaint about what we did not feed is no news */
  *width = state.width;
  *height = state.height;
  if (state.error != NULL)
    {
      g_clear_error (&local_error);
      g_propagate_error (error, state.error);
      return NULL;
    }
  animation = gdk_pixbuf_loader_get_animation (loader);
  if (animation == NULL || gdk_pixbuf_animation_get_static_image (animation) == NULL)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                   "The file is damaged and cannot be decoded (%s)",
                   local_error != NULL ? local_error->message : "the loader produced no image");
      g_clear_error (&local_error);
      return NULL;
    }
  if (local_error != NULL)
    {
      /* Some loaders hand back a partial image and an error: damage, with pixels. */
      *complaint = g_strdup_printf ("The file is damaged: %s", local_error->message);
      g_error_free (local_error);
    }
  return g_object_ref (animation);
}

/* @pixbuf's pixels as a PpImage: shared when the caller has no allocator of its own and
 * @copy is %FALSE, else copied into an image from the allocator. Refuses layouts other than
 * 8-bit RGB(A). */
static PpImage *
image_from_pixbuf (GdkPixbuf            *pixbuf,
                   const PpDecodeParams *params,
                   gboolean              copy,
                   GError              **error)
{
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  PpImage *image;
  const guint8 *pixels;
  int stride;

  if (gdk_pixbuf_get_bits_per_sample (pixbuf) != 8
      || gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB
      || (channels != 3 && channels != 4))
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_UNSUPPORTED,
                   "The decoder produced an unusual pixel layout");
      return NULL;
    }
  if (!copy && (params == NULL || params->allocate == NULL))
    return pp_image_new_for_pixbuf (pixbuf);
  image = _pp_codec_allocate (params, gdk_pixbuf_get_width (pixbuf),
                              gdk_pixbuf_get_height (pixbuf), channels, error);
  if (image == NULL)
    return NULL;
  pixels = gdk_pixbuf_read_pixels (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  for (int y = 0; y < image->height; y++)
    memcpy (PP_IMAGE_ROW (image, y), pixels + (gsize) y * stride,
            (gsize) image->width * channels);
  return image;
}

/**
 * _pp_codec_pixbuf_add_frame:
 * @pixbuf: a loader's image (8-bit RGB or RGBA)
 * @delay_ms: how long an animation shows it; 0 for a still
 * @copy: copy the pixels even without an allocator (an animation composites the next frame
 *   into the same memory)
 * @out: where the frame goes (_pp_codec_add_frame())
 *
 * Adds @pixbuf to @out as its next frame: its pixels shared when that is safe, else copied into
 * an image from @params' allocator.
 *
 * Returns: (transfer none) (nullable): the frame's image, or %NULL with @error
 *   (PP_CODEC_ERROR_UNSUPPORTED for another pixel layout, PP_CODEC_ERROR_NO_MEMORY)
 */
PpImage *
_pp_codec_pixbuf_add_frame (GdkPixbuf            *pixbuf,
                            int                   delay_ms,
                            gboolean              copy,
                            const PpDecodeParams *params,
                            PpDecoded            *out,
                            GError              **error)
{
  PpImage *image = image_from_pixbuf (pixbuf, params, copy, error);

  if (image != NULL)
    _pp_codec_add_frame (out, image, delay_ms);
  return image;
}

/**
 * _pp_codec_pixbuf_icc:
 *
 * The ICC profile a loader found, when it describes RGB: outputs are always RGB, and a grey or
 * CMYK profile would be wrong on them (bytes 16-19 of an ICC header name the colour space).
 *
 * Returns: (transfer full) (nullable): the profile
 */
GBytes *
_pp_codec_pixbuf_icc (GdkPixbuf *pixbuf)
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

/* HEIF and AVIF loaders ignore size-prepared and decode everything first: read the declared
 * size from the ISO-BMFF "ispe" properties ourselves. The largest is the primary image (grid
 * tiles are smaller). Returns FALSE when the file declares none. */
static gboolean
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
  return best > 0;
}

static gboolean
fallback_sniff (const guint8 *head,
                gsize         size)
{
  return TRUE; /* the last resort: find_format() decides */
}

static gboolean
fallback_probe (const guint8  *data,
                gsize          size,
                const char    *name,
                PpCodecHeader *header,
                GError       **error)
{
  PpDecodeParams params;
  g_autoptr (GdkPixbufAnimation) animation = NULL;
  g_autofree char *complaint = NULL;
  const char *format = find_format (data, size, name, error);
  int width = 0, height = 0;

  if (format == NULL)
    return FALSE;
  header->format = format;
  header->n_frames = 1;
  if (g_str_equal (format, "heif/avif"))
    {
      if (!scan_ispe (data, size, &header->width, &header->height))
        {
          g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                       "The file declares no image size (HEIF/AVIF without an “ispe” "
                       "property), so it cannot be checked against the pixel limit");
          return FALSE;
        }
      return TRUE;
    }
  /* Like gdk_pixbuf_get_file_info(): run the loader only until it announces the size. */
  pp_decode_params_init (&params);
  params.max_pixels = 1; /* anything real is over it: the loader stops at size-prepared */
  animation = _pp_codec_pixbuf_run (data, size, format, 1, &params, &width, &height, &complaint,
                                    NULL);
  if (width <= 0 || height <= 0)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                   "The file is damaged: its header cannot be read");
      return FALSE;
    }
  header->width = width;
  header->height = height;
  return TRUE;
}

static gboolean
fallback_decode (const guint8         *data,
                 gsize                 size,
                 const PpDecodeParams *params,
                 PpDecoded            *out,
                 GError              **error)
{
  g_autoptr (GdkPixbufAnimation) animation = NULL;
  const char *format = find_format (data, size, params->name, error);
  GdkPixbuf *pixbuf;
  PpImage *image;
  int width = 0, height = 0;

  if (format == NULL)
    return FALSE;
  out->header.format = format;
  out->header.n_frames = 1;
  if (g_str_equal (format, "heif/avif"))
    {
      if (!fallback_probe (data, size, params->name, &out->header, error)
          || !_pp_codec_check_size (out->header.width, out->header.height, 1,
                                    params->max_pixels, error))
        return FALSE;
    }
  animation = _pp_codec_pixbuf_run (data, size, format, 1, params, &width, &height,
                                    &out->damage, error);
  if (animation == NULL)
    return FALSE;
  /* The loader's own size: for HEIF, libheif's, after its rotation (the "ispe" size read
   * before is the stored one, which only served the pixel limit). */
  if (width > 0 && height > 0)
    {
      out->header.width = width;
      out->header.height = height;
    }
  pixbuf = gdk_pixbuf_animation_get_static_image (animation);
  image = _pp_codec_pixbuf_add_frame (pixbuf, 0, FALSE, params, out, error);
  if (image == NULL)
    return FALSE;
  out->header.has_alpha = image->channels == 4;
  out->icc = _pp_codec_pixbuf_icc (pixbuf);
  return TRUE;
}

static const char *const no_extensions[] = { NULL };

const PpCodec _pp_codec_pixbuf = {
  .name = "pixbuf",
  .extensions = no_extensions, /* those of the allowed loaders: see pp_io_is_supported() */
  .mime_types = no_extensions,
  .holds = 0,
  .sniff = fallback_sniff,
  .probe = fallback_probe,
  .decode = fallback_decode,
  .encode = NULL,
};
