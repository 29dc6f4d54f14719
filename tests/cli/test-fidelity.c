/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What an output keeps of its photo, through the real parapix binary: EXIF, XMP and IPTC in
 * every format that can hold them (read back with gexiv2 and, independently, with Debian's
 * exiftool and exiv2), brought up to date (orientation, size, thumbnail, software); GPS
 * stripped on request; permissions and modification time; and each bug case's kind, made here
 * (transparency over a background, haloes, opaque alpha, the output folder as input folder).
 */
#include <fcntl.h>
#include <math.h>
#include <sys/stat.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gexiv2/gexiv2.h>

#include "cli-util.h"

typedef struct
{
  char *root;
  char *input;   /* one photo: camera.jpg */
  char *photo;
  char *output;
} Fixture;

/* The photo's mtime: a fixed moment with nanoseconds, so "kept" cannot be a coincidence. */
static const struct timespec photo_mtime = { 1600000000, 123456789 };

/* A real colour profile (sRGB IEC61966-2.1, from a camera's JPEG in the shared corpus: libpng
 * and libjxl check what they embed, so made-up bytes would not do), or NULL without the corpus. */
static GBytes *
corpus_icc (void)
{
  const char *corpus = g_getenv ("PP_CORPUS_DIR");
  g_autofree char *path = NULL;
  g_autoptr (GSubprocess) exiftool = NULL;
  GBytes *icc = NULL;

  if (corpus == NULL)
    return NULL;
  path = g_build_filename (corpus, "valid", "exifsamples_Canon_40D.jpg", NULL);
  exiftool = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                               NULL, "exiftool", "-b", "-ICC_Profile", path, NULL);
  if (exiftool == NULL || !g_subprocess_communicate (exiftool, NULL, NULL, &icc, NULL, NULL))
    return NULL;
  if (g_bytes_get_size (icc) < 128)
    g_clear_pointer (&icc, g_bytes_unref);
  return icc;
}

/* The photo's profile (corpus_icc(), once), NULL without the corpus or exiftool. */
static GBytes *photo_icc;

/* A 64 x 48 JPEG as a camera writes it: stored sideways (orientation 6, so upright it is
 * 48 x 64), with make, model, date taken, GPS, copyright, a thumbnail, XMP (title, rating,
 * GPS), IPTC (keywords, city, by-line) and an sRGB profile, written with gexiv2 into a
 * GdkPixbuf JPEG. */
static void
make_photo (const char *path)
{
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 48);
  g_autoptr (GdkPixbuf) thumb = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 16, 12);
  g_autoptr (GExiv2Metadata) m = gexiv2_metadata_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *thumb_jpeg = NULL;
  g_autofree char *icc_base64 = NULL;
  gsize thumb_size;
  guint8 *p = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  static const char *keywords[] = { "sky", "cloud", NULL };
  struct timespec times[2] = { { 0, UTIME_OMIT }, photo_mtime };

  for (int y = 0; y < 48; y++)
    for (int x = 0; x < 64; x++)
      {
        p[y * stride + 3 * x] = x * 4;
        p[y * stride + 3 * x + 1] = y * 5;
        p[y * stride + 3 * x + 2] = 128;
      }
  if (photo_icc != NULL)
    icc_base64 = g_base64_encode (g_bytes_get_data (photo_icc, NULL),
                                  g_bytes_get_size (photo_icc));
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "jpeg", &error, "quality", "95",
                                  icc_base64 != NULL ? "icc-profile" : NULL, icc_base64, NULL));
  gdk_pixbuf_fill (thumb, 0x808080ff);
  g_assert_true (gdk_pixbuf_save_to_buffer (thumb, &thumb_jpeg, &thumb_size, "jpeg", NULL, NULL));

  g_assert_true (gexiv2_metadata_open_path (m, path, &error));
  gexiv2_metadata_try_set_tag_string (m, "Exif.Image.Make", "Canon", NULL);
  gexiv2_metadata_try_set_tag_string (m, "Exif.Image.Model", "Canon EOS R5", NULL);
  gexiv2_metadata_try_set_tag_long (m, "Exif.Image.Orientation", 6, NULL);
  gexiv2_metadata_try_set_tag_string (m, "Exif.Image.Copyright", "Ann Example", NULL);
  gexiv2_metadata_try_set_tag_string (m, "Exif.Photo.DateTimeOriginal", "2023:07:14 18:05:09",
                                      NULL);
  gexiv2_metadata_try_set_tag_long (m, "Exif.Photo.PixelXDimension", 64, NULL);
  gexiv2_metadata_try_set_tag_long (m, "Exif.Photo.PixelYDimension", 48, NULL);
  gexiv2_metadata_try_set_gps_info (m, 13.4, 52.5, 34.0, NULL);
  gexiv2_metadata_try_set_exif_thumbnail_from_buffer (m, (const guint8 *) thumb_jpeg, thumb_size,
                                                      NULL);
  gexiv2_metadata_try_set_tag_string (m, "Xmp.dc.title", "lang=\"x-default\" Evening", NULL);
  gexiv2_metadata_try_set_tag_string (m, "Xmp.xmp.Rating", "4", NULL);
  gexiv2_metadata_try_set_tag_string (m, "Xmp.exif.GPSLatitude", "52,30.0N", NULL);
  gexiv2_metadata_try_set_tag_multiple (m, "Iptc.Application2.Keywords", keywords, NULL);
  gexiv2_metadata_try_set_tag_string (m, "Iptc.Application2.City", "Berlin", NULL);
  gexiv2_metadata_try_set_tag_string (m, "Iptc.Application2.Byline", "Ann Example", NULL);
  g_assert_true (gexiv2_metadata_save_file (m, path, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  g_assert_cmpint (utimensat (AT_FDCWD, path, times, 0), ==, 0);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->root = g_dir_make_tmp ("pp-fidelity-XXXXXX", NULL);
  f->input = g_build_filename (f->root, "in", NULL);
  f->output = g_build_filename (f->root, "out", NULL);
  f->photo = g_build_filename (f->input, "camera.jpg", NULL);
  g_assert_cmpint (g_mkdir (f->input, 0755), ==, 0);
  make_photo (f->photo);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  cli_remove_tree (f->root);
  g_free (f->root);
  g_free (f->input);
  g_free (f->output);
  g_free (f->photo);
}

/* Runs parapix on the folder @input into @output with extra @args; returns the run record's
 * first file entry (the caller frees @node). */
static JsonObject *
run_folder (const char        *input,
            const char        *output,
            const char *const *args,
            JsonNode         **node)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  g_ptr_array_add (argv, "--batch");
  g_ptr_array_add (argv, (gpointer) input);
  g_ptr_array_add (argv, "--output");
  g_ptr_array_add (argv, (gpointer) output);
  g_ptr_array_add (argv, "--json");
  g_ptr_array_add (argv, "--quiet");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  status = cli_run ((const char *const *) argv->pdata, &out, &err);
  if (status != 0)
    g_error ("parapix exited with %d: %s", status, err);
  *node = json_from_string (out, NULL);
  g_assert_nonnull (*node);
  return json_array_get_object_element (
    json_object_get_array_member (json_node_get_object (*node), "files"), 0);
}

/* Runs parapix on @f's input into @f's output with extra @args; returns the run record's one
 * file entry (the caller frees @node). */
static JsonObject *
run_one (Fixture           *f,
         const char *const *args,
         JsonNode         **node)
{
  return run_folder (f->input, f->output, args, node);
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  return json_object_has_member (object, name) && !json_object_get_null_member (object, name)
           ? json_object_get_string_member (object, name)
           : NULL;
}

/* exiftool's view of @path: one JSON object, tags named GROUP:Tag, numbers as numbers (-n). */
static JsonObject *
exiftool (const char *path,
          JsonNode  **node)
{
  const char *argv[] = { "exiftool", "-json", "-G1", "-n", "-a", path, NULL };
  g_autofree char *out = NULL;
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               NULL, &status, NULL));
  *node = json_from_string (out, NULL);
  g_assert_nonnull (*node);
  return json_array_get_object_element (json_node_get_array (*node), 0);
}

/* exiv2's plain listing of every tag ("Exif.Image.Model  Ascii  13  Canon EOS R5"). */
static char *
exiv2_listing (const char *path)
{
  const char *argv[] = { "exiv2", "-q", "-pa", path, NULL };
  char *out = NULL;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out,
                               NULL, NULL, NULL));
  return out;
}

static gboolean
have_tools (void)
{
  g_autofree char *exiftool_path = g_find_program_in_path ("exiftool");
  g_autofree char *exiv2_path = g_find_program_in_path ("exiv2");

  if (exiftool_path == NULL || exiv2_path == NULL)
    {
      pp_test_missing ("exiftool or exiv2 is not installed (Debian: libimage-exiftool-perl, "
                       "exiv2)");
      return FALSE;
    }
  return TRUE;
}

/* Whether any key of exiftool's object contains @needle. */
static gboolean
exiftool_has (JsonObject *tags,
              const char *needle)
{
  g_autoptr (GList) names = json_object_get_members (tags);

  for (GList *l = names; l != NULL; l = l->next)
    if (strstr (l->data, needle) != NULL)
      return TRUE;
  return FALSE;
}

typedef enum
{
  IPTC_NATIVE,  /* the format has a place for IPTC-IIM */
  IPTC_IN_XMP,  /* no place: its IPTC Core fields go into XMP */
  IPTC_NONE,    /* no metadata at all */
} IptcWay;

typedef struct
{
  const char *format;
  const char *extension;
  gboolean exif, xmp; /* what the format holds, by design */
  IptcWay iptc;
  gboolean icc, alpha;
  /* ISO BMFF or JPEG XL's container: gexiv2 0.14 cannot open it (exiv2 0.27 reads it only for
   * programs that call Exiv2::enableBMFF(), as the exiv2 tool does), so exiftool and exiv2 read
   * it back alone. */
  gboolean bmff;
} FormatCase;

/* The table of docs/RELIABILITY.md, "What outputs keep": checked here for each format. */
static const FormatCase formats[] = {
  { "jpeg", "jpg", TRUE, TRUE, IPTC_NATIVE, TRUE, FALSE },
  { "png", "png", TRUE, TRUE, IPTC_NATIVE, TRUE, TRUE },
  { "webp", "webp", TRUE, TRUE, IPTC_IN_XMP, TRUE, TRUE },
  { "tiff", "tif", TRUE, TRUE, IPTC_NATIVE, TRUE, TRUE },
  { "bmp", "bmp", FALSE, FALSE, IPTC_NONE, FALSE, FALSE },
  { "avif", "avif", TRUE, TRUE, IPTC_IN_XMP, TRUE, TRUE, TRUE },
  /* Lossy JPEG XL stores XYB: its profile lives in the codestream (exiftool cannot read it),
   * and libjxl before 0.10 (Debian 12) decodes it into sRGB, not back into the profile
   * (core/codecs/pp-codec-jxl.c): the ICC column is not checked here. */
  { "jxl", "jxl", TRUE, TRUE, IPTC_IN_XMP, FALSE, TRUE, TRUE },
};

/* The photo's sRGB profile in the output's exiftool @tags where @fc's format holds one (and its
 * version with @version); without the corpus profile the test is marked as missing it. */
static void
assert_photo_profile (const FormatCase *fc,
                      JsonObject       *tags,
                      gboolean          version)
{
  if (photo_icc == NULL)
    pp_test_missing ("no colour profile to check: the shared corpus (PP_CORPUS_DIR) and "
                     "exiftool are needed");
  else if (fc->icc)
    {
      g_assert_cmpstr (member_string (tags, "ICC_Profile:ProfileDescription"), ==,
                       "sRGB IEC61966-2.1");
      if (version)
        g_assert_cmpint (json_object_get_int_member (tags, "ICC-header:ProfileVersion"), ==,
                         528);
    }
}

/* Keep: each format holds what it can, brought up to date, as gexiv2, exiftool and exiv2 all
 * read it; what a format cannot hold is named in the note. */
static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  const FormatCase *fc = data;
  const char *args[] = { "--pipeline", "fit=32x32", "--format", fc->format, NULL };
  g_autoptr (JsonNode) record = NULL;
  g_autoptr (JsonNode) tool = NULL;
  g_autofree char *out = NULL;
  g_autofree char *listing = NULL;
  g_autoptr (GExiv2Metadata) m = gexiv2_metadata_new ();
  g_autofree char *name = g_strdup_printf ("camera.%s", fc->extension);
  JsonObject *file, *tags;
  const char *note;

  if (!have_tools ())
    return;
  file = run_one (f, args, &record);
  g_assert_cmpstr (member_string (file, "status"), ==, "ok");
  note = member_string (file, "note");
  out = g_build_filename (f->output, name, NULL);
  tags = exiftool (out, &tool);

  /* Upright: 48 x 64 fitted into 32 x 32 is 24 x 32. */
  g_assert_cmpint (json_object_get_int_member (file, "out_width"), ==, 24);
  g_assert_cmpint (json_object_get_int_member (file, "out_height"), ==, 32);

  if (!fc->exif && !fc->xmp)
    {
      g_assert_nonnull (note);
      g_assert_nonnull (strstr (note, "cannot hold metadata"));
      g_assert_false (exiftool_has (tags, "IFD0:"));
      g_assert_false (exiftool_has (tags, "XMP"));
      g_assert_false (exiftool_has (tags, "ICC"));
      return;
    }

  /* The colour profile, byte for byte as far as exiftool can tell. */
  assert_photo_profile (fc, tags, TRUE);

  if (!fc->bmff)
    g_assert_true (gexiv2_metadata_open_path (m, out, NULL));
  if (fc->exif && !fc->bmff)
    {
      g_autofree char *model = gexiv2_metadata_try_get_tag_string (m, "Exif.Image.Model", NULL);
      g_autofree char *software = gexiv2_metadata_try_get_tag_string (m, "Exif.Image.Software",
                                                                      NULL);
      g_autofree char *date = gexiv2_metadata_try_get_tag_string (m, "Exif.Photo.DateTimeOriginal",
                                                                  NULL);
      guint8 *thumb = NULL;
      gint thumb_size = 0;

      /* gexiv2 */
      g_assert_cmpstr (model, ==, "Canon EOS R5");
      g_assert_cmpstr (date, ==, "2023:07:14 18:05:09");
      g_assert_true (g_str_has_prefix (software, "Parapix"));
      g_assert_cmpint (gexiv2_metadata_try_get_tag_long (m, "Exif.Image.Orientation", NULL), ==,
                       1);
      g_assert_cmpint (gexiv2_metadata_try_get_tag_long (m, "Exif.Photo.PixelXDimension", NULL),
                       ==, 24);
      g_assert_cmpint (gexiv2_metadata_try_get_tag_long (m, "Exif.Photo.PixelYDimension", NULL),
                       ==, 32);
      g_assert_true (gexiv2_metadata_try_has_tag (m, "Exif.GPSInfo.GPSLatitude", NULL));
      g_assert_false (gexiv2_metadata_get_exif_thumbnail (m, &thumb, &thumb_size));
      g_free (thumb);
    }
  if (fc->exif)
    {
      /* exiftool, independently */
      g_assert_cmpstr (json_object_get_string_member (tags, "IFD0:Model"), ==, "Canon EOS R5");
      g_assert_cmpint (json_object_get_int_member (tags, "IFD0:Orientation"), ==, 1);
      g_assert_cmpint (json_object_get_int_member (tags, "ExifIFD:ExifImageWidth"), ==, 24);
      g_assert_cmpstr (json_object_get_string_member (tags, "ExifIFD:DateTimeOriginal"), ==,
                       "2023:07:14 18:05:09");
      g_assert_true (json_object_has_member (tags, "GPS:GPSLatitude"));
      g_assert_false (exiftool_has (tags, "IFD1:"));     /* no thumbnail directory */
      g_assert_false (exiftool_has (tags, "ThumbnailImage"));
    }
  if (fc->xmp)
    {
      if (!fc->bmff)
        g_assert_cmpint (gexiv2_metadata_try_get_tag_long (m, "Xmp.xmp.Rating", NULL), ==, 4);
      g_assert_cmpint (json_object_get_int_member (tags, "XMP-xmp:Rating"), ==, 4);
      g_assert_cmpstr (json_object_get_string_member (tags, "XMP-dc:Title"), ==, "Evening");
    }
  if (fc->iptc == IPTC_NATIVE)
    {
      g_autofree char *city = gexiv2_metadata_try_get_tag_string (m, "Iptc.Application2.City",
                                                                  NULL);

      g_assert_cmpstr (city, ==, "Berlin");
      g_assert_cmpstr (json_object_get_string_member (tags, "IPTC:City"), ==, "Berlin");
    }
  else if (fc->iptc == IPTC_IN_XMP)
    {
      /* No place for IPTC-IIM: its IPTC Core fields are in the XMP. */
      JsonNode *subject = json_object_get_member (tags, "XMP-dc:Subject");

      g_assert_nonnull (subject);
      g_assert_cmpuint (json_array_get_length (json_node_get_array (subject)), ==, 2);
      g_assert_cmpstr (json_object_get_string_member (tags, "XMP-photoshop:City"), ==, "Berlin");
    }
  /* exiv2's own listing agrees on the essentials. */
  listing = exiv2_listing (out);
  if (fc->exif)
    {
      g_assert_nonnull (strstr (listing, "Exif.Image.Model"));
      g_assert_nonnull (strstr (listing, "Canon EOS R5"));
      g_assert_nonnull (strstr (listing, "Exif.GPSInfo.GPSLatitude"));
      g_assert_nonnull (strstr (listing, "Exif.Photo.DateTimeOriginal"));
      g_assert_null (strstr (listing, "Exif.Thumbnail"));
    }
  if (fc->xmp)
    g_assert_nonnull (strstr (listing, "Xmp.xmp.Rating"));
  /* Nothing lost, nothing to say. */
  if (fc->exif && fc->xmp)
    g_assert_null (note);
}

/* The way in: what parapix wrote into each format (the pixels as stored, with their tag:
 * --keep-orientation) is read back from that format by parapix itself, into PNG: EXIF
 * (orientation applied, so upright), XMP, IPTC and the colour profile all arrive. */
static void
test_from_format (Fixture       *f,
                  gconstpointer  data)
{
  const FormatCase *fc = data;
  const char *there[] = { "--pipeline", "", "--keep-orientation", "--format", fc->format, NULL };
  const char *back[] = { "--pipeline", "", "--format", "png", NULL };
  g_autofree char *back_dir = g_build_filename (f->root, "back", NULL);
  g_autofree char *out = g_build_filename (back_dir, "camera.png", NULL);
  g_autoptr (JsonNode) r1 = NULL;
  g_autoptr (JsonNode) r2 = NULL;
  g_autoptr (JsonNode) tool = NULL;
  const char *city;
  JsonObject *file, *tags;

  if (!have_tools ())
    return;
  file = run_one (f, there, &r1);
  g_assert_cmpstr (member_string (file, "status"), ==, "ok");
  g_assert_cmpint (json_object_get_int_member (file, "out_width"), ==, 64); /* as stored */
  file = run_folder (f->output, back_dir, back, &r2);
  g_assert_cmpstr (member_string (file, "status"), ==, "ok");
  tags = exiftool (out, &tool);
  /* The tag came through, so the pixels were turned upright: 48 x 64. Not for HEIF/AVIF and
   * JPEG XL, whose orientation is the container's (irot/imir, the codestream header), which
   * their readers apply and their EXIF tag only repeats: their encoders do not write a kept
   * orientation there yet (a gap, reported). */
  if (fc->exif && !fc->bmff)
    {
      g_assert_cmpint (json_object_get_int_member (file, "out_width"), ==, 48);
      g_assert_cmpint (json_object_get_int_member (file, "out_height"), ==, 64);
    }
  if (fc->exif)
    {
      g_assert_cmpint (json_object_get_int_member (tags, "IFD0:Orientation"), ==, 1);
      g_assert_cmpstr (member_string (tags, "IFD0:Model"), ==, "Canon EOS R5");
      g_assert_cmpstr (member_string (tags, "ExifIFD:DateTimeOriginal"), ==,
                       "2023:07:14 18:05:09");
      g_assert_true (json_object_has_member (tags, "GPS:GPSLatitude"));
    }
  if (fc->xmp)
    {
      g_assert_cmpint (json_object_get_int_member (tags, "XMP-xmp:Rating"), ==, 4);
      g_assert_cmpstr (member_string (tags, "XMP-dc:Title"), ==, "Evening");
    }
  /* PNG holds IPTC-IIM; from a format without it, the IPTC Core fields came in XMP. */
  city = member_string (tags, fc->iptc == IPTC_NATIVE ? "IPTC:City" : "XMP-photoshop:City");
  if (fc->iptc == IPTC_NATIVE || fc->iptc == IPTC_IN_XMP)
    g_assert_cmpstr (city, ==, "Berlin");
  assert_photo_profile (fc, tags, FALSE);
}

/* strip-gps: not one GPS field left anywhere, everything else kept. */
static void
test_strip_gps (Fixture       *f,
                gconstpointer  data)
{
  const FormatCase *fc = data;
  const char *args[] = { "--pipeline", "", "--format", fc->format, "--metadata", "strip-gps",
                         NULL };
  g_autoptr (JsonNode) record = NULL;
  g_autoptr (JsonNode) tool = NULL;
  g_autofree char *name = g_strdup_printf ("camera.%s", fc->extension);
  g_autofree char *out = g_build_filename (f->output, name, NULL);
  g_autofree char *listing = NULL;
  g_autofree char *contents = NULL;
  gsize size;
  JsonObject *tags;

  if (!have_tools ())
    return;
  run_one (f, args, &record);
  tags = exiftool (out, &tool);
  g_assert_false (exiftool_has (tags, "GPS"));
  listing = exiv2_listing (out);
  g_assert_null (strstr (listing, "GPS"));
  /* Not even in a packet exiftool or exiv2 might skip. */
  g_assert_true (g_file_get_contents (out, &contents, &size, NULL));
  g_assert_null (g_strstr_len (contents, size, "GPSLatitude"));
  /* …and the rest is there. */
  if (fc->exif)
    g_assert_cmpstr (json_object_get_string_member (tags, "IFD0:Model"), ==, "Canon EOS R5");
  g_assert_cmpint (json_object_get_int_member (tags, "XMP-xmp:Rating"), ==, 4);
}

/* strip: no EXIF, XMP or IPTC at all. */
static void
test_strip (Fixture       *f,
            gconstpointer  data)
{
  const char *args[] = { "--pipeline", "", "--metadata", "strip", NULL };
  g_autoptr (JsonNode) record = NULL;
  g_autoptr (JsonNode) tool = NULL;
  g_autofree char *out = g_build_filename (f->output, "camera.jpg", NULL);
  JsonObject *tags;

  if (!have_tools ())
    return;
  run_one (f, args, &record);
  tags = exiftool (out, &tool);
  g_assert_false (exiftool_has (tags, "IFD0:"));
  g_assert_false (exiftool_has (tags, "ExifIFD:"));
  g_assert_false (exiftool_has (tags, "XMP"));
  g_assert_false (exiftool_has (tags, "IPTC:"));
}

/* --keep-orientation: the pixels as stored, with their original tag and size. */
static void
test_keep_orientation (Fixture       *f,
                       gconstpointer  data)
{
  const char *args[] = { "--pipeline", "fit=32x32", "--keep-orientation", NULL };
  g_autoptr (JsonNode) record = NULL;
  g_autoptr (JsonNode) tool = NULL;
  g_autofree char *out = g_build_filename (f->output, "camera.jpg", NULL);
  JsonObject *file, *tags;

  if (!have_tools ())
    return;
  file = run_one (f, args, &record);
  g_assert_cmpint (json_object_get_int_member (file, "out_width"), ==, 32);
  g_assert_cmpint (json_object_get_int_member (file, "out_height"), ==, 24);
  tags = exiftool (out, &tool);
  g_assert_cmpint (json_object_get_int_member (tags, "IFD0:Orientation"), ==, 6);
  g_assert_cmpint (json_object_get_int_member (tags, "ExifIFD:ExifImageWidth"), ==, 32);
  g_assert_cmpint (json_object_get_int_member (tags, "ExifIFD:ExifImageHeight"), ==, 24);
}

static void
assert_mtime (const char            *path,
              const struct timespec *want)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mtim.tv_sec, ==, want->tv_sec);
  g_assert_cmpint (st.st_mtim.tv_nsec, ==, want->tv_nsec);
}

static int
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

/* Outputs keep their input's modification time (to the nanosecond) and are never more open
 * than it: a 0600 photo gives a 0600 output; --timestamps now gives the time of writing. */
static void
test_attributes (Fixture       *f,
                 gconstpointer  data)
{
  const char *keep[] = { "--pipeline", "invert", NULL };
  const char *now[] = { "--pipeline", "invert", "--timestamps", "now", "--on-collision",
                        "overwrite", NULL };
  g_autoptr (JsonNode) r1 = NULL;
  g_autoptr (JsonNode) r2 = NULL;
  g_autofree char *out = g_build_filename (f->output, "camera.jpg", NULL);
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  GStatBuf st;

  run_one (f, keep, &r1);
  assert_mtime (out, &photo_mtime);
  g_assert_cmpint (file_mode (out), ==, 0600);

  run_one (f, now, &r2);
  g_assert_cmpint (g_stat (out, &st), ==, 0);
  g_assert_cmpint (st.st_mtim.tv_sec, >=, before);
  g_assert_cmpint (file_mode (out), ==, 0600);
  /* The input itself is untouched. */
  assert_mtime (f->photo, &photo_mtime);
}

/* --in-place replaces the photo and keeps its mode and modification time; a 0644 photo is not
 * made any more open either. */
static void
test_in_place_attributes (Fixture       *f,
                          gconstpointer  data)
{
  const char *args[] = { "--batch", f->input, "--in-place", "--pipeline", "invert", "--quiet",
                         NULL };
  GStatBuf before, after;

  g_assert_cmpint (g_stat (f->photo, &before), ==, 0);
  g_assert_cmpint (cli_run (args, NULL, NULL), ==, 0);
  g_assert_cmpint (g_stat (f->photo, &after), ==, 0);
  g_assert_cmpint (after.st_ino, !=, before.st_ino); /* really replaced */
  g_assert_cmpint (file_mode (f->photo), ==, 0600);
  assert_mtime (f->photo, &photo_mtime);

  g_assert_cmpint (g_chmod (f->photo, 0640), ==, 0);
  g_assert_cmpint (cli_run (args, NULL, NULL), ==, 0);
  g_assert_cmpint (file_mode (f->photo), ==, 0640);
}

/* {date}, {time}, {camera}, {width} and {height} in names. */
static void
test_name_fields (Fixture       *f,
                  gconstpointer  data)
{
  const char *args[] = { "--pipeline", "fit=32x32", "--name",
                         "{date}_{time}_{camera}_{width}x{height}.{ext}", NULL };
  g_autoptr (JsonNode) record = NULL;
  JsonObject *file = run_one (f, args, &record);
  g_autofree char *base = g_path_get_basename (member_string (file, "output"));

  g_assert_cmpstr (base, ==, "2023-07-14_18-05-09_Canon EOS R5_24x32.jpg");
}

/* ---- bug cases, their kinds made here ---- */

static void
save_rgba_png (const char   *path,
               int           width,
               int           height,
               const guint8 *(*pixel) (int x, int y, int w, int h, guint8 out[4]))
{
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, width, height);
  guint8 *p = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 px[4];

        memcpy (p + y * stride + 4 * x, pixel (x, y, width, height, px), 4);
      }
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", NULL, NULL));
}

/* alpha-png-to-jpeg's kind: transparent black around an opaque red logo, a 50 % blue band. */
static const guint8 *
logo_pixel (int     x,
            int     y,
            int     w,
            int     h,
            guint8  out[4])
{
  static const guint8 clear[4] = { 0, 0, 0, 0 }, red[4] = { 200, 0, 0, 255 },
                      band[4] = { 0, 0, 255, 128 };

  memcpy (out, y >= h - 8 ? band : (x >= 8 && x < 24 && y >= 4 && y < 20) ? red : clear, 4);
  return out;
}

static GdkPixbuf *
load_output (const char *dir,
             const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GdkPixbuf *pixbuf = gdk_pixbuf_new_from_file (path, NULL);

  g_assert_nonnull (pixbuf);
  return pixbuf;
}

static const guint8 *
pixel_at (GdkPixbuf *pixbuf,
          int        x,
          int        y)
{
  return gdk_pixbuf_get_pixels (pixbuf) + y * gdk_pixbuf_get_rowstride (pixbuf)
         + x * gdk_pixbuf_get_n_channels (pixbuf);
}

/* The background is the user's choice (alpha/<format> checks the default, white): JPEG over
 * red has red where the logo is transparent, within JPEG's error, never black. */
static void
test_background (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *png = g_build_filename (f->input, "logo.png", NULL);
  const char *args[] = { "--pipeline", "", "--format", "jpeg", "--background", "#ff0000", NULL };
  g_autoptr (JsonNode) record = NULL;
  g_autoptr (GdkPixbuf) jpeg = NULL;
  JsonObject *file;

  g_assert_cmpint (g_unlink (f->photo), ==, 0);
  save_rgba_png (png, 32, 32, logo_pixel);
  file = run_one (f, args, &record);
  g_assert_nonnull (strstr (member_string (file, "note"), "laid over #ff0000"));
  jpeg = load_output (f->output, "logo.jpg");
  g_assert_cmpint (pixel_at (jpeg, 28, 12)[0], >=, 245);
  g_assert_cmpint (pixel_at (jpeg, 28, 12)[1], <=, 10);
}

/* Every pixel of @pixbuf that shows anything (alpha > 0) has the colour @rgb: no halo. */
static void
assert_no_halo (GdkPixbuf    *pixbuf,
                const guint8  rgb[3])
{
  int soft = 0;

  g_assert_true (gdk_pixbuf_get_has_alpha (pixbuf));
  for (int y = 0; y < gdk_pixbuf_get_height (pixbuf); y++)
    for (int x = 0; x < gdk_pixbuf_get_width (pixbuf); x++)
      {
        const guint8 *p = pixel_at (pixbuf, x, y);

        if (p[3] == 0)
          continue;
        soft += p[3] < 255;
        if (memcmp (p, rgb, 3) != 0)
          g_error ("pixel (%d, %d), alpha %d, is %d,%d,%d: a halo", x, y, p[3], p[0], p[1], p[2]);
      }
  g_assert_cmpint (soft, >, 0); /* the edges were really resampled */
}

/* alpha-resize-halo's kind: a red square on transparent green, shrunk: every pixel that shows
 * anything is pure red, edges included. */
static const guint8 *
square_pixel (int     x,
              int     y,
              int     w,
              int     h,
              guint8  out[4])
{
  gboolean inside = x >= 16 && x < 48 && y >= 16 && y < 48;

  out[0] = inside ? 255 : 0;
  out[1] = inside ? 0 : 255;
  out[2] = 0;
  out[3] = inside ? 255 : 0;
  return out;
}

static void
test_no_halo (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *png = g_build_filename (f->input, "square.png", NULL);
  const char *args[] = { "--pipeline", "fit=17x17", NULL };
  g_autoptr (JsonNode) record = NULL;
  g_autoptr (GdkPixbuf) out = NULL;

  g_assert_cmpint (g_unlink (f->photo), ==, 0);
  save_rgba_png (png, 64, 64, square_pixel);
  run_one (f, args, &record);
  out = load_output (f->output, "square.png");
  assert_no_halo (out, (const guint8[]) { 255, 0, 0 });
}

/* opaque-4channel-to-jpeg's kind: RGBA whose alpha is all 255 has no transparency to speak
 * of: no note in JPEG, no alpha channel in PNG. */
static const guint8 *
opaque_pixel (int     x,
              int     y,
              int     w,
              int     h,
              guint8  out[4])
{
  out[0] = x * 8;
  out[1] = y * 8;
  out[2] = 77;
  out[3] = 255;
  return out;
}

static void
test_opaque_rgba (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *png = g_build_filename (f->input, "opaque.png", NULL);
  const char *jpeg_args[] = { "--pipeline", "", "--format", "jpeg", NULL };
  const char *png_args[] = { "--pipeline", "", "--format", "png", NULL };
  g_autoptr (JsonNode) r1 = NULL;
  g_autoptr (JsonNode) r2 = NULL;
  g_autoptr (GdkPixbuf) out = NULL;
  JsonObject *file;

  g_assert_cmpint (g_unlink (f->photo), ==, 0);
  save_rgba_png (png, 16, 16, opaque_pixel);
  file = run_one (f, jpeg_args, &r1);
  g_assert_cmpstr (member_string (file, "status"), ==, "ok");
  g_assert_null (member_string (file, "note"));
  g_assert_cmpint (g_mkdir (f->output, 0755) == 0 || errno == EEXIST, ==, TRUE);
  file = run_one (f, png_args, &r2);
  g_assert_null (member_string (file, "note"));
  out = load_output (f->output, "opaque.png");
  g_assert_false (gdk_pixbuf_get_has_alpha (out));
  g_assert_cmpmem (pixel_at (out, 3, 5), 3, ((const guint8[]) { 24, 40, 77 }), 3);
}

/* Transparency in each output format: the logo's clear corner, its 50 % blue band and its
 * opaque red kept as they are where the format has alpha (lossy WebP keeps alpha exactly, its
 * colours within a margin), laid over the white background where it has none. */
static void
test_alpha_kept (Fixture       *f,
                 gconstpointer  data)
{
  const FormatCase *fc = data;
  g_autofree char *png = g_build_filename (f->input, "logo.png", NULL);
  g_autofree char *name = g_strdup_printf ("logo.%s", fc->extension);
  const char *args[] = { "--pipeline", "", "--format", fc->format, NULL };
  g_autoptr (JsonNode) record = NULL;
  g_autoptr (GdkPixbuf) out = NULL;
  const guint8 *band, *corner, *red;
  /* Lossy formats: colours within a margin; AVIF's and JPEG XL's alpha is lossy too. */
  int tolerance = g_str_equal (fc->format, "webp") || g_str_equal (fc->format, "jpeg")
                      || fc->bmff ? 12 : 0;
  int alpha_tolerance = fc->bmff ? 2 : 0;
  JsonObject *file;

  g_assert_cmpint (g_unlink (f->photo), ==, 0);
  save_rgba_png (png, 32, 32, logo_pixel);
  file = run_one (f, args, &record);
  g_assert_cmpstr (member_string (file, "status"), ==, "ok");
  if (g_str_equal (fc->format, "tiff") || fc->bmff)
    {
      /* GdkPixbuf's TIFF loader hands on libtiff's premultiplied RGBA, and it has no JPEG XL
       * loader: read these with parapix's own decoders (libtiff, libheif, libjxl) into PNG. */
      g_autofree char *back_dir = g_build_filename (f->root, "back", NULL);
      const char *back[] = { "--pipeline", "", "--format", "png", NULL };
      g_autoptr (JsonNode) r2 = NULL;

      run_folder (f->output, back_dir, back, &r2);
      out = load_output (back_dir, "logo.png");
    }
  else
    out = load_output (f->output, name);
  band = pixel_at (out, 16, 30);
  corner = pixel_at (out, 1, 1);
  red = pixel_at (out, 16, 10);
  g_assert_cmpint (abs (red[0] - 200) + red[1] + red[2], <=, tolerance);
  if (fc->alpha)
    {
      g_assert_null (member_string (file, "note"));
      g_assert_true (gdk_pixbuf_get_has_alpha (out));
      g_assert_cmpint (abs (band[3] - 128), <=, alpha_tolerance);
      g_assert_cmpint (corner[3], <=, alpha_tolerance);
      g_assert_cmpint (red[3], >=, 255 - alpha_tolerance);
      g_assert_cmpint (band[0] + band[1] + abs (band[2] - 255), <=, tolerance);
    }
  else
    {
      g_assert_nonnull (strstr (member_string (file, "note"), "laid over #ffffff"));
      g_assert_false (gdk_pixbuf_get_has_alpha (out));
      g_assert_cmpint (abs (band[0] - 127) + abs (band[1] - 127) + abs (band[2] - 255), <=,
                       tolerance);
      g_assert_cmpint (3 * 255 - corner[0] - corner[1] - corner[2], <=, tolerance);
    }
}

/* The bug case folder ../shared/bugcases/@name (transfer full). */
static char *
bugcase_folder (const char *name)
{
  return g_build_filename (g_getenv ("PP_SOURCE_ROOT"), "..", "shared", "bugcases", name, NULL);
}

/* Whether the bug case @folder is there; if not, the test is marked as missing the bug cases. */
static gboolean
bugcases_there (const char *folder)
{
  if (g_file_test (folder, G_FILE_TEST_IS_DIR))
    return TRUE;
  pp_test_missing ("../shared/bugcases is not there");
  return FALSE;
}

/* The bug cases' own files for alpha: alpha-png-to-jpeg into BMP (lossless, no alpha: the
 * composite exactly), alpha-resize-halo shrunk. */
static void
test_bugcase_alpha_files (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *alpha = bugcase_folder ("alpha-png-to-jpeg");
  g_autofree char *halo = bugcase_folder ("alpha-resize-halo");
  g_autofree char *halo_out = g_build_filename (f->root, "halo", NULL);
  const char *bmp[] = { "--pipeline", "", "--format", "bmp", NULL };
  const char *shrink[] = { "--pipeline", "resize=30", NULL };
  g_autoptr (JsonNode) r1 = NULL;
  g_autoptr (JsonNode) r2 = NULL;
  g_autoptr (GdkPixbuf) logo = NULL;
  g_autoptr (GdkPixbuf) square = NULL;
  g_autoptr (GdkPixbuf) disc = NULL;
  gboolean band = FALSE;

  if (!bugcases_there (alpha))
    return;
  run_folder (alpha, f->output, bmp, &r1);
  logo = load_output (f->output, "logo-transparent-black.bmp");
  for (int y = 0; y < gdk_pixbuf_get_height (logo); y++)
    for (int x = 0; x < gdk_pixbuf_get_width (logo); x++)
      {
        const guint8 *p = pixel_at (logo, x, y);

        g_assert_false (p[0] == 0 && p[1] == 0 && p[2] == 0); /* never black */
        band |= p[0] == 127 && p[1] == 127 && p[2] == 255;
      }
  g_assert_true (band); /* the 50 % blue band over white */

  run_folder (halo, halo_out, shrink, &r2);
  square = load_output (halo_out, "red-square-on-transparent-green.png");
  assert_no_halo (square, (const guint8[]) { 255, 0, 0 });
  disc = load_output (halo_out, "white-disc-on-transparent-black.png");
  assert_no_halo (disc, (const guint8[]) { 255, 255, 255 });
}

/* The bug cases' own files: opaque-4channel-to-jpeg and exif-orientation-png-webp. */
static void
test_bugcase_files (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *opaque = bugcase_folder ("opaque-4channel-to-jpeg");
  g_autofree char *orient = bugcase_folder ("exif-orientation-png-webp");
  const char *opaque_args[] = { "--batch", opaque, "--output", f->output, "--pipeline", "",
                                "--format", "jpeg", "--json", "--quiet", NULL };
  const char *orient_args[] = { "--batch", orient, "--output", f->output, "--pipeline", "",
                                "--format", "png", "--json", "--quiet", NULL };
  g_autofree char *out = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) node2 = NULL;
  g_autofree char *out2 = NULL;
  JsonArray *files;

  if (!bugcases_there (opaque))
    return;
  g_assert_cmpint (cli_run (opaque_args, &out, NULL), ==, 0);
  node = json_from_string (out, NULL);
  files = json_object_get_array_member (json_node_get_object (node), "files");
  g_assert_cmpuint (json_array_get_length (files), ==, 3);
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);

      g_assert_cmpstr (member_string (file, "status"), ==, "ok");
      if (member_string (file, "note") != NULL)
        g_error ("%s: note “%s”", member_string (file, "input"), member_string (file, "note"));
    }

  /* Orientation from PNG eXIf and WebP EXIF, as from JPEG: each 48 x 32, red top left. */
  g_assert_cmpint (cli_run (orient_args, &out2, NULL), ==, 0);
  node2 = json_from_string (out2, NULL);
  files = json_object_get_array_member (json_node_get_object (node2), "files");
  g_assert_cmpuint (json_array_get_length (files), ==, 6);
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);
      g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (member_string (file, "output"),
                                                               NULL);
      const guint8 *tl, *tr, *bl, *br;

      g_assert_nonnull (pixbuf);
      g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 48);
      g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 32);
      tl = pixel_at (pixbuf, 8, 8);
      tr = pixel_at (pixbuf, 40, 8);
      bl = pixel_at (pixbuf, 8, 24);
      br = pixel_at (pixbuf, 40, 24);
      /* red, green / blue, yellow: (255,0,0), (0,200,0) / (0,0,255), (255,220,0), within a
       * margin for lossy WebP */
      g_assert_true (tl[0] > 150 && tl[1] < 80 && tl[2] < 80);
      g_assert_true (tr[0] < 80 && tr[1] > 150 && tr[2] < 80);
      g_assert_true (bl[0] < 80 && bl[1] < 80 && bl[2] > 150);
      g_assert_true (br[0] > 150 && br[1] > 150 && br[2] < 80);
    }
}

/* output-is-input-folder's kind: the input folder as output is refused without --in-place;
 * with it, re-runs never take the previous run's outputs as inputs (3 stays 3 + 3). */
static void
test_output_is_input (Fixture       *f,
                      gconstpointer  data)
{
  const char *refused[] = { "--batch", f->input, "--output", f->input, "--pipeline", "invert",
                            "--quiet", NULL };
  const char *in_place[] = { "--batch", f->input, "--output", f->input, "--in-place",
                             "--pipeline", "invert", "--name", "{name}-inverted.{ext}",
                             "--on-collision", "overwrite", "--json", "--quiet", NULL };
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autoptr (JsonNode) node = NULL;
  JsonObject *record;
  GDir *dir;
  guint n = 0;

  for (int i = 1; i <= 2; i++)
    {
      g_autofree char *copy = g_strdup_printf ("%s/photo%d.jpg", f->input, i);

      cli_copy_file (f->photo, copy);
    }
  g_assert_cmpint (cli_run (refused, NULL, &err), ==, 2);
  g_assert_nonnull (strstr (err, "--in-place"));

  g_assert_cmpint (cli_run (in_place, NULL, NULL), ==, 0);
  g_assert_cmpint (cli_run (in_place, &out, NULL), ==, 0);
  node = json_from_string (out, NULL);
  record = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (record, "files_ok"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (record, "files_skipped"), ==, 3);
  dir = g_dir_open (f->input, 0, NULL);
  while (g_dir_read_name (dir) != NULL)
    n++;
  g_dir_close (dir);
  g_assert_cmpuint (n, ==, 6);
}

/* One row of the table: what @fc's format keeps on the way out (round-trip/, alpha/) and,
 * where it holds metadata, on the way back in (from/). */
static void
add_format_tests (const FormatCase *fc)
{
  g_autofree char *round_trip = g_strdup_printf ("/pp/fidelity/round-trip/%s", fc->format);
  g_autofree char *from = g_strdup_printf ("/pp/fidelity/from/%s", fc->format);
  g_autofree char *alpha = g_strdup_printf ("/pp/fidelity/alpha/%s", fc->format);

  g_test_add (round_trip, Fixture, fc, fixture_set_up, test_round_trip, fixture_tear_down);
  if (fc->exif || fc->xmp)
    g_test_add (from, Fixture, fc, fixture_set_up, test_from_format, fixture_tear_down);
  g_test_add (alpha, Fixture, fc, fixture_set_up, test_alpha_kept, fixture_tear_down);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  photo_icc = corpus_icc ();
#define ADD(path, func, data) \
  g_test_add ("/pp/fidelity/" path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    add_format_tests (&formats[i]);
  ADD ("strip-gps/jpeg", test_strip_gps, &formats[0]);
  ADD ("strip-gps/png", test_strip_gps, &formats[1]);
  ADD ("strip-gps/webp", test_strip_gps, &formats[2]);
  ADD ("strip-gps/tiff", test_strip_gps, &formats[3]);
  ADD ("strip-gps/avif", test_strip_gps, &formats[5]);
  ADD ("strip-gps/jxl", test_strip_gps, &formats[6]);
  ADD ("strip", test_strip, NULL);
  ADD ("keep-orientation", test_keep_orientation, NULL);
  ADD ("attributes", test_attributes, NULL);
  ADD ("in-place-attributes", test_in_place_attributes, NULL);
  ADD ("name-fields", test_name_fields, NULL);
  ADD ("background", test_background, NULL);
  ADD ("bugcase/no-halo", test_no_halo, NULL);
  ADD ("bugcase/opaque-rgba", test_opaque_rgba, NULL);
  ADD ("bugcase/files", test_bugcase_files, NULL);
  ADD ("bugcase/alpha-files", test_bugcase_alpha_files, NULL);
  ADD ("bugcase/output-is-input", test_output_is_input, NULL);
#undef ADD
  status = g_test_run ();
  g_clear_pointer (&photo_icc, g_bytes_unref);
  return status;
}
