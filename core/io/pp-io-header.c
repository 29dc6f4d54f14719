/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a file is before it is decoded: whether a name is worth listing (the extensions and MIME
 * types of every codec and allowed GdkPixbuf loader) and the header read (format, declared size,
 * frames), which the codecs do without decoding pixels.
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

/* Extensions and MIME types of the enabled loaders, lowercase; built once. */
static GHashTable *known_extensions;
static GHashTable *known_mime_types;
static mode_t file_mode = 0644;

/**
 * pp_io_get_allowed_formats:
 *
 * Returns: (transfer none): the GdkPixbuf loaders left enabled (NULL-terminated names)
 */
const char *const *
pp_io_get_allowed_formats (void)
{
  return pp_codec_get_allowed_pixbuf_formats ();
}

static void
append_holds (GString      *out,
              PpCodecHolds  holds)
{
  static const struct
  {
    PpCodecHolds flag;
    const char *name;
  } names[] = {
    { PP_CODEC_HOLDS_ALPHA, "alpha" }, { PP_CODEC_HOLDS_ANIMATION, "animation" },
    { PP_CODEC_HOLDS_PAGES, "pages" }, { PP_CODEC_HOLDS_EXIF, "EXIF" },
    { PP_CODEC_HOLDS_XMP, "XMP" }, { PP_CODEC_HOLDS_IPTC, "IPTC" }, { PP_CODEC_HOLDS_ICC, "ICC" },
  };
  gboolean any = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (holds & names[i].flag)
      {
        g_string_append_printf (out, "%s%s", any ? ", " : "", names[i].name);
        any = TRUE;
      }
  if (!any)
    g_string_append (out, "the pixels only");
}

/* Whether the GdkPixbuf loader @name ("heif/avif", "svg"…) is shadowed by a codec of ours. */
static gboolean
has_own_codec (const char *loader)
{
  g_autofree char *first = g_strndup (loader, strcspn (loader, "/"));

  return pp_codec_lookup (first) != NULL || g_str_equal (first, "jpeg")
         || g_str_equal (first, "png") || g_str_equal (first, "tiff")
         || g_str_equal (first, "webp");
}

/**
 * pp_io_describe_formats:
 *
 * What `parapix --list-formats` prints: every codec with the extensions it reads (by content,
 * whatever the name says), the formats read through the GdkPixbuf fallback, then every output
 * format `--format` takes ("avif   writes .avif, keeping alpha, EXIF, XMP, ICC": the line
 * starts with the name to give `--format`) with what its files keep. Thread: any.
 *
 * Returns: (transfer full): lines of text, each ending in a newline
 */
char *
pp_io_describe_formats (void)
{
  const PpCodec *const *codecs = pp_codec_list (NULL);
  const char *const *allowed = pp_codec_get_allowed_pixbuf_formats ();
  g_autoptr (GEnumClass) formats = g_type_class_ref (PP_TYPE_FORMAT);
  GString *out = g_string_new ("Read (recognised by content, whatever the extension):\n");

  for (guint i = 0; codecs[i] != NULL; i++)
    {
      if (codecs[i]->extensions[0] == NULL)
        continue; /* the fallback, below */
      g_string_append_printf (out, "  %-6s", codecs[i]->name);
      for (guint k = 0; codecs[i]->extensions[k] != NULL; k++)
        g_string_append_printf (out, " .%s", codecs[i]->extensions[k]);
      g_string_append_c (out, '\n');
    }
  g_string_append (out, "  through GdkPixbuf:");
  for (guint i = 0; allowed[i] != NULL; i++)
    if (!has_own_codec (allowed[i]))
      g_string_append_printf (out, " %s", allowed[i]);
  g_string_append (out, "\nWritten (--format NAME):\n");
  for (guint i = 0; i < formats->n_values; i++)
    {
      PpFormat format = formats->values[i].value;

      if (format == PP_FORMAT_SAME || !pp_format_can_save (format))
        continue;
      g_string_append_printf (out, "  %-6s writes .%s, keeping ", pp_format_to_string (format),
                              pp_format_get_extension (format));
      append_holds (out, pp_format_get_holds (format));
      g_string_append_c (out, '\n');
    }
  g_string_append (out, "Where the output cannot keep something, the file's note says so.\n");
  return g_string_free (out, FALSE);
}

static void
add_all (GHashTable        *table,
         const char *const *names)
{
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    g_hash_table_add (table, g_ascii_strdown (names[i], -1));
}

/**
 * pp_io_init:
 *
 * Applies the loader allow-list (pp_io_get_allowed_formats()) to GdkPixbuf, builds the tables
 * of known extensions and MIME types, and reads the umask that outputs' permissions follow. Once
 * per process; every pp_io_*() function calls it. Call it on the main thread before starting
 * workers (a batch run does): the umask can only be read by setting it, which must not happen
 * while another thread creates files.
 */
void
pp_io_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      const char *const *allowed = pp_codec_get_allowed_pixbuf_formats ();
      const PpCodec *const *codecs;
      GSList *formats;
      mode_t mask;

      pp_codec_init (); /* applies the allow-list to GdkPixbuf */
      known_extensions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      known_mime_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      codecs = pp_codec_list (NULL);
      for (guint i = 0; codecs[i] != NULL; i++)
        {
          add_all (known_extensions, codecs[i]->extensions);
          add_all (known_mime_types, codecs[i]->mime_types);
        }
      formats = gdk_pixbuf_get_formats ();
      for (GSList *l = formats; l != NULL; l = l->next)
        {
          g_autofree char *name = gdk_pixbuf_format_get_name (l->data);

          if (g_strv_contains (allowed, name))
            {
              g_auto (GStrv) extensions = gdk_pixbuf_format_get_extensions (l->data);
              g_auto (GStrv) mime_types = gdk_pixbuf_format_get_mime_types (l->data);

              add_all (known_extensions, (const char *const *) extensions);
              add_all (known_mime_types, (const char *const *) mime_types);
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
  pp_io_init ();
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

  pp_io_init ();
  ext = _pp_io_get_extension (path);
  if (ext != NULL && g_hash_table_contains (known_extensions, ext))
    return TRUE;
  if (content_type == NULL)
    return FALSE;
  mime = g_content_type_get_mime_type (content_type);
  return mime != NULL && g_hash_table_contains (known_mime_types, mime);
}

/**
 * pp_io_read_header:
 * @info_out: (out caller-allocates): format, declared size and frames; clear with
 *   pp_image_info_clear()
 *
 * Reads what @path declares without decoding pixels, in this process (the codecs' header
 * readers only). Thread: any. Errors: PP_IO_ERROR (UNSUPPORTED, DECODE), G_IO_ERROR.
 */
gboolean
pp_io_read_header (const char  *path,
                   PpImageInfo *info_out,
                   GError     **error)
{
  g_autofree char *name = NULL;
  PpCodecHeader header;
  GError *local_error = NULL;
  struct stat st;
  gboolean ok;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (info_out != NULL, FALSE);

  pp_io_init ();
  memset (info_out, 0, sizeof *info_out);
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
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
  name = g_path_get_basename (path);
  ok = pp_codec_probe_fd (fd, name, &header, &local_error);
  close (fd);
  if (!ok)
    {
      _pp_io_propagate_error (error, local_error);
      return FALSE;
    }
  info_out->format = g_strdup (header.format);
  info_out->width = header.width;
  info_out->height = header.height;
  info_out->loaded_width = header.width;
  info_out->loaded_height = header.height;
  info_out->orientation = 1;
  info_out->n_frames = header.n_frames;
  info_out->animated = header.animated;
  return TRUE;
}
