/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The codec layer, each kind of input made here: metadata blobs through every output format and
 * back (and through exiftool where installed), EXIF orientation of PNG and WebP, the JPEG DCT
 * scale against a naive choice, damage of every kind named in words (and what is not damage),
 * unsupported JPEG processes named, animations and pages kept, the pixel limit over all frames,
 * CMYK to RGB, format by content, and the message when shared-mime-info is missing.
 */
#include "config.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <jpeglib.h>

#include "codecs/pp-codec.h"
#include "decoder/pp-decoder.h"
#include "io/pp-io.h"
#include "metadata/pp-metadata.h"
#include "pp-test-util.h"

static char *tmp_dir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static char *
corpus_path (const char *name)
{
  return g_build_filename (g_getenv ("PP_CORPUS_DIR"), name, NULL);
}

static char *
bugcase_path (const char *name)
{
  return g_build_filename (g_getenv ("PP_CORPUS_DIR"), "..", "bugcases", name, NULL);
}

/* A minimal little-endian EXIF blob: IFD0 with Make and Orientation. */
static GBytes *
make_exif (int         orientation,
           const char *make)
{
  GByteArray *b = g_byte_array_new ();
  guint32 make_len = (guint32) strlen (make) + 1;
  guint32 value_offset = 8 + 2 + 2 * 12 + 4;
  guint8 entry[12];

  g_byte_array_append (b, (const guint8 *) "II*\0\x08\0\0\0", 8);
  g_byte_array_append (b, (const guint8[]) { 2, 0 }, 2);
  /* 0x010F Make, ASCII */
  memcpy (entry, (const guint8[]) { 0x0f, 0x01, 2, 0 }, 4);
  memcpy (entry + 4, &make_len, 4);
  memcpy (entry + 8, &value_offset, 4);
  g_byte_array_append (b, entry, 12);
  /* 0x0112 Orientation, SHORT, 1 */
  memcpy (entry, (const guint8[]) { 0x12, 0x01, 3, 0, 1, 0, 0, 0, orientation, 0, 0, 0 }, 12);
  g_byte_array_append (b, entry, 12);
  g_byte_array_append (b, (const guint8[]) { 0, 0, 0, 0 }, 4);
  g_byte_array_append (b, (const guint8 *) make, make_len);
  return g_byte_array_free_to_bytes (b);
}

static const char xmp_packet[] =
  "<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
  "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
  "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" "
  "xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:creator><rdf:Seq><rdf:li>Parapix "
  "codec test</rdf:li></rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>"
  "<?xpacket end=\"w\"?>";

/* IPTC-IIM: record version 4, caption "hello codecs". */
static const guint8 iptc_datasets[] = { 0x1c, 0x02, 0x00, 0x00, 0x02, 0x00, 0x04,
                                        0x1c, 0x02, 0x78, 0x00, 0x0c, 'h', 'e', 'l', 'l', 'o',
                                        ' ', 'c', 'o', 'd', 'e', 'c', 's' };

static GBytes *
corpus_icc (void)
{
  g_autofree char *path = corpus_path ("valid/gdkpixbuf_icc-profile.png");
  g_auto (PpImageInfo) info = { 0 };
  g_autoptr (PpImage) image = pp_io_load (path, NULL, &info, NULL, NULL);

  g_assert_nonnull (image);
  g_assert_nonnull (info.icc_profile);
  return g_bytes_ref (info.icc_profile);
}

static gboolean
save_as (PpImage               *image,
         PpFormat               format,
         const char            *path,
         const PpMetadataBlobs *metadata,
         GBytes                *icc,
         GError               **error)
{
  PpSaveOptions save;

  pp_save_options_init (&save);
  save.format = format;
  save.quality = 95;
  save.metadata = metadata;
  save.icc_profile = icc;
  save.overwrite = TRUE;
  return pp_io_save (image, path, &save, NULL, NULL, error);
}

static PpImage *
load_with (const char          *path,
           const PpLoadOptions *options,
           PpImageInfo         *info,
           GError             **error)
{
  return pp_io_load (path, options, info, NULL, error);
}

/* exiftool's reading of one tag, or NULL when exiftool is not installed. */
static char *
exiftool_tag (const char *path,
              const char *tag)
{
  g_autofree char *exiftool = g_find_program_in_path ("exiftool");
  g_autofree char *arg = g_strdup_printf ("-%s", tag);
  const char *argv[] = { exiftool, "-s", "-s", "-s", arg, path, NULL };
  char *out = NULL;

  if (exiftool == NULL
      || !g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                        NULL, NULL, NULL))
    return NULL;
  return g_strstrip (out);
}

static gboolean
bytes_contain (GBytes     *bytes,
               const char *needle)
{
  gsize n;
  const char *d;

  if (bytes == NULL)
    return FALSE;
  d = g_bytes_get_data (bytes, &n);
  return memmem (d, n, needle, strlen (needle)) != NULL;
}

/* Every format that holds metadata gives back what it was given, in its native place. */
static void
test_metadata_round_trip (void)
{
  static const PpFormat formats[] = { PP_FORMAT_JPEG, PP_FORMAT_PNG, PP_FORMAT_WEBP,
                                      PP_FORMAT_TIFF, PP_FORMAT_BMP };
  g_autoptr (PpImage) image = pp_test_photo_new (64, 48, 3, 5);
  g_autoptr (GBytes) icc = corpus_icc ();
  PpMetadataBlobs blobs = { make_exif (1, "ParapixCam"),
                            g_bytes_new_static (xmp_packet, sizeof xmp_packet - 1),
                            g_bytes_new_static (iptc_datasets, sizeof iptc_datasets) };
  gboolean exiftool_ran = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      PpFormat format = formats[i];
      g_autofree char *name = g_strdup_printf ("meta.%s", pp_format_get_extension (format));
      g_autofree char *path = tmp_path (name);
      g_autofree char *make = NULL;
      g_auto (PpImageInfo) info = { 0 };
      g_autoptr (PpImage) back = NULL;
      g_autoptr (GError) error = NULL;

      g_assert_true (save_as (image, format, path, &blobs, icc, &error));
      g_assert_no_error (error);
      back = load_with (path, NULL, &info, &error);
      g_assert_no_error (error);
      g_assert_cmpint (back->width, ==, 64);
      if (!pp_format_holds (format, PP_CODEC_HOLDS_EXIF))
        {
          g_assert_true (pp_metadata_blobs_is_empty (&info.metadata));
          continue;
        }
      g_test_message ("%s: EXIF %s, XMP %s, IPTC %s, ICC %s", name,
                      info.metadata.exif ? "yes" : "no", info.metadata.xmp ? "yes" : "no",
                      info.metadata.iptc ? "yes" : "no", info.icc_profile ? "yes" : "no");
      /* TIFF's EXIF and XMP are rewritten by exiv2: same facts, other bytes. */
      g_assert_nonnull (info.metadata.exif);
      g_assert_true (bytes_contain (info.metadata.exif, "ParapixCam"));
      g_assert_nonnull (info.metadata.xmp);
      g_assert_true (bytes_contain (info.metadata.xmp, "Parapix codec test"));
      if (format != PP_FORMAT_TIFF)
        {
          g_assert_true (g_bytes_equal (info.metadata.exif, blobs.exif));
          g_assert_true (g_bytes_equal (info.metadata.xmp, blobs.xmp));
        }
      if (pp_format_holds (format, PP_CODEC_HOLDS_IPTC))
        {
          g_assert_nonnull (info.metadata.iptc);
          g_assert_true (bytes_contain (info.metadata.iptc, "hello codecs"));
        }
      g_assert_nonnull (info.icc_profile);
      g_assert_true (g_bytes_equal (info.icc_profile, icc));

      make = exiftool_tag (path, "Make");
      if (make != NULL)
        {
          exiftool_ran = TRUE;
          g_assert_cmpstr (make, ==, "ParapixCam");
        }
      g_unlink (path);
    }
  if (!exiftool_ran)
    g_test_message ("exiftool not installed: read back with our own decoders only");
  pp_metadata_blobs_clear (&blobs);
}

/* Quadrants red, green / blue, yellow: what every upright output must show. */
static PpImage *
make_quadrants (int width,
                int height)
{
  static const guint8 colours[4][3] = { { 255, 0, 0 }, { 0, 255, 0 }, { 0, 0, 255 },
                                        { 255, 255, 0 } };
  PpImage *image = pp_image_new (width, height, 3);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      memcpy (PP_IMAGE_ROW (image, y) + x * 3, colours[(y >= height / 2) * 2 + (x >= width / 2)],
              3);
  return image;
}

static void
assert_quadrants (const PpImage *image,
                  int            tolerance)
{
  static const guint8 colours[4][3] = { { 255, 0, 0 }, { 0, 255, 0 }, { 0, 0, 255 },
                                        { 255, 255, 0 } };

  for (int q = 0; q < 4; q++)
    {
      int x = (q % 2) * image->width / 2 + image->width / 4;
      int y = (q / 2) * image->height / 2 + image->height / 4;
      const guint8 *p = PP_IMAGE_ROW (image, y) + x * image->channels;

      for (int c = 0; c < 3; c++)
        if (ABS (p[c] - colours[q][c]) > tolerance)
          g_error ("quadrant %d at (%d, %d) is %d,%d,%d", q, x, y, p[0], p[1], p[2]);
    }
}

/* EXIF orientation in PNG (eXIf), WebP (EXIF chunk) and JPEG (APP1) is applied alike: each
 * stored-turned file comes out 48 × 32 with the quadrants where they belong (the
 * exif-orientation-png-webp bug case, every orientation). */
static void
test_orientation (void)
{
  static const PpFormat formats[] = { PP_FORMAT_PNG, PP_FORMAT_WEBP, PP_FORMAT_JPEG };
  static const int inverse[9] = { 0, 1, 2, 3, 4, 5, 8, 7, 6 };
  g_autoptr (PpImage) upright = make_quadrants (48, 32);

  for (int o = 1; o <= 8; o++)
    for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
      {
        g_autoptr (PpImage) stored = pp_codec_copy_oriented (upright->data, upright->stride, 48, 32,
                                                             3, inverse[o], NULL);
        g_autofree char *name = g_strdup_printf ("orient-%d.%s", o,
                                                 pp_format_get_extension (formats[f]));
        g_autofree char *path = tmp_path (name);
        PpMetadataBlobs blobs = { make_exif (o, "Turned") };
        g_auto (PpImageInfo) info = { 0 };
        g_autoptr (PpImage) back = NULL;
        g_autoptr (PpImage) kept = NULL;
        g_autoptr (GError) error = NULL;
        PpLoadOptions keep;

        g_assert_true (save_as (stored, formats[f], path, &blobs, NULL, &error));
        back = load_with (path, NULL, &info, &error);
        g_assert_no_error (error);
        g_assert_cmpint (info.orientation, ==, o);
        g_assert_cmpint (info.orientation_applied, ==, o != 1);
        g_assert_cmpint (back->width, ==, 48);
        g_assert_cmpint (back->height, ==, 32);
        assert_quadrants (back, formats[f] == PP_FORMAT_PNG ? 0 : 40);

        pp_load_options_init (&keep);
        keep.keep_orientation = TRUE;
        kept = load_with (path, &keep, NULL, &error);
        g_assert_no_error (error);
        g_assert_cmpint (kept->width, ==, stored->width);
        if (formats[f] == PP_FORMAT_PNG)
          g_assert_true (pp_image_equal (kept, stored));
        pp_metadata_blobs_clear (&blobs);
        g_unlink (path);
      }
}

/* The bug case's own files too. */
static void
test_orientation_bugcase (void)
{
  const char *names[] = { "orient-3.png", "orient-3.webp", "orient-6.png", "orient-6.webp",
                          "orient-8.png", "orient-8.webp" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *rel = g_build_filename ("exif-orientation-png-webp", names[i], NULL);
      g_autofree char *path = bugcase_path (rel);
      g_autoptr (GError) error = NULL;
      g_autoptr (PpImage) image = NULL;

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_test_skip ("the bug cases are not here");
          return;
        }
      image = load_with (path, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (image->width, ==, 48);
      g_assert_cmpint (image->height, ==, 32);
      /* Their colours are not pure (green is 0,200,0): which channel leads is what counts. */
      assert_quadrants (image, 80);
    }
}

/* The DCT scale is the smallest M/8 whose size (libjpeg rounds up) still covers what the fit
 * needs, as a naive search over every M finds it. */
static void
test_jpeg_dct_scale (void)
{
  static const int hints[] = { 64, 100, 150, 200, 333, 400, 500, 640, 800, 999, 2000 };
  g_autofree char *path = tmp_path ("scale.jpg");
  g_autoptr (PpImage) image = pp_test_photo_new (1000, 750, 3, 9);
  g_autoptr (GError) error = NULL;
  guint n_smaller = 0;

  g_assert_true (save_as (image, PP_FORMAT_JPEG, path, NULL, NULL, &error));
  for (guint i = 0; i < G_N_ELEMENTS (hints); i++)
    {
      g_auto (PpImageInfo) info = { 0 };
      g_autoptr (PpImage) loaded = NULL;
      PpLoadOptions options;
      int need_w, need_h, want_w = 1000, want_h = 750;

      pp_codec_get_fit_load_size (1000, 750, hints[i], hints[i], &need_w, &need_h);
      for (int m = 1; m <= 8 && need_w > 0; m++)
        if ((1000 * m + 7) / 8 >= need_w && (750 * m + 7) / 8 >= need_h)
          {
            want_w = (1000 * m + 7) / 8;
            want_h = (750 * m + 7) / 8;
            break;
          }
      pp_load_options_init (&options);
      options.fit_width = options.fit_height = hints[i];
      loaded = load_with (path, &options, &info, &error);
      g_assert_no_error (error);
      g_assert_cmpint (loaded->width, ==, want_w);
      g_assert_cmpint (loaded->height, ==, want_h);
      g_assert_cmpint (info.width, ==, 1000);
      n_smaller += loaded->width < 1000;
    }
  /* Scales GdkPixbuf never used (3/8, 5/8, 6/8, 7/8) are among them. */
  g_assert_cmpuint (n_smaller, >=, 8);
  g_unlink (path);
}

static GBytes *
read_file (const char *path)
{
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_bytes_new_take (g_steal_pointer (&data), len);
}

static char *
write_part (const char   *name,
            GBytes       *bytes,
            gsize         keep,
            const guint8 *extra,
            gsize         extra_len)
{
  char *path = tmp_path (name);
  g_autoptr (GByteArray) b = g_byte_array_new ();

  g_byte_array_append (b, g_bytes_get_data (bytes, NULL), (guint) keep);
  if (extra != NULL)
    g_byte_array_append (b, extra, (guint) extra_len);
  g_assert_true (g_file_set_contents (path, (const char *) b->data, b->len, NULL));
  return path;
}

/* The message of a load expected to fail as damaged; with keep_damaged the same words come back
 * as the image's damage. */
static char *
damage_of (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PpImage) image = load_with (path, NULL, NULL, &error);
  g_auto (PpImageInfo) info = { 0 };
  PpLoadOptions keep;

  g_assert_null (image);
  g_assert_error (error, PP_IO_ERROR, PP_IO_ERROR_DECODE);
  pp_load_options_init (&keep);
  keep.keep_damaged = TRUE;
  image = load_with (path, &keep, &info, NULL);
  if (image != NULL)
    g_assert_cmpstr (info.damage, ==, error->message);
  return g_strdup (error->message);
}

static int
missing_percent (const char *message)
{
  const char *p = strstr (message, "bottom ");

  if (p == NULL)
    p = strstr (message, "top ");
  g_assert_nonnull (p);
  return atoi (strchr (p, ' ') + 1);
}

/* A progressive JPEG, made with libjpeg directly (our encoder writes baseline). */
static GBytes *
progressive_jpeg (const PpImage *image)
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr err;
  unsigned char *buffer = NULL;
  unsigned long size = 0;
  GBytes *bytes;

  cinfo.err = jpeg_std_error (&err);
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &buffer, &size);
  cinfo.image_width = image->width;
  cinfo.image_height = image->height;
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_simple_progression (&cinfo);
  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height)
    {
      JSAMPROW row = PP_IMAGE_ROW (image, cinfo.next_scanline);

      jpeg_write_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  bytes = g_bytes_new (buffer, size);
  free (buffer);
  return bytes;
}

/* truncated-jpeg: a cut file is never a silent ok, and says how much is missing; a missing EOI
 * or junk after it is no damage (same pixels as the whole file). */
static void
test_damage_jpeg (void)
{
  g_autoptr (PpImage) image = pp_test_photo_new (256, 256, 3, 3);
  g_autofree char *whole_path = tmp_path ("whole.jpg");
  g_autoptr (GBytes) whole = NULL;
  g_autoptr (GBytes) progressive = progressive_jpeg (image);
  g_autoptr (PpImage) reference = NULL;
  gsize n;

  g_assert_true (save_as (image, PP_FORMAT_JPEG, whole_path, NULL, NULL, NULL));
  whole = read_file (whole_path);
  n = g_bytes_get_size (whole);
  reference = load_with (whole_path, NULL, NULL, NULL);

  {
    g_autofree char *path = write_part ("cut60.jpg", whole, n * 6 / 10, NULL, 0);
    g_autofree char *message = damage_of (path);
    int missing = missing_percent (message);

    g_test_message ("baseline cut at 60 %%: %s", message);
    g_assert_true (g_str_has_prefix (message, "The file ends early: the bottom "));
    g_assert_cmpint (missing, >=, 25);
    g_assert_cmpint (missing, <=, 55);
  }
  {
    g_autofree char *path = write_part ("no-eoi.jpg", whole, n - 2, NULL, 0);
    g_autoptr (PpImage) back = load_with (path, NULL, NULL, NULL);

    g_assert_nonnull (back);
    g_assert_true (pp_image_equal (back, reference));
  }
  {
    static const guint8 junk[] = "\x00\x01garbage after the end marker\xff\xd8\xff\xe0";
    g_autofree char *path = write_part ("junk.jpg", whole, n, junk, sizeof junk);
    g_autoptr (PpImage) back = load_with (path, NULL, NULL, NULL);

    g_assert_nonnull (back);
    g_assert_true (pp_image_equal (back, reference));
  }
  {
    gsize pn = g_bytes_get_size (progressive);
    g_autofree char *path = write_part ("prog-cut.jpg", progressive, pn * 6 / 10, NULL, 0);
    g_autofree char *message = damage_of (path);

    g_test_message ("progressive cut at 60 %%: %s", message);
    g_assert_true (g_str_has_prefix (message, "The file ends early"));
    g_assert_null (strstr (message, "state"));
  }
  g_unlink (whole_path);
}

/* jpeg-arithmetic-lossless: processes libjpeg-turbo cannot decode are named, not "not an image". */
static void
test_jpeg_unsupported_named (void)
{
  static const struct
  {
    guint8 sof;
    int precision;
    const char *message;
  } cases[] = {
    { 0xc3, 8, "Lossless JPEG (SOF3) is not supported" },
    { 0xc5, 8, "Hierarchical JPEG (SOF5) is not supported" },
    { 0xcb, 8, "Lossless arithmetic-coded JPEG (SOF11) is not supported" },
    { 0xc0, 12, "12-bit JPEG is not supported (only 8-bit samples)" },
  };
  g_autoptr (PpImage) image = pp_test_photo_new (32, 32, 3, 1);
  g_autofree char *whole_path = tmp_path ("sof.jpg");
  g_autoptr (GBytes) whole = NULL;

  g_assert_true (save_as (image, PP_FORMAT_JPEG, whole_path, NULL, NULL, NULL));
  whole = read_file (whole_path);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize n;
      g_autofree guint8 *data = g_memdup2 (g_bytes_get_data (whole, &n), g_bytes_get_size (whole));
      g_autoptr (GBytes) patched = NULL;
      g_autofree char *path = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (PpImage) back = NULL;
      gsize k;

      for (k = 2; k + 4 < n && !(data[k] == 0xff && data[k + 1] == 0xc0); k++)
        ;
      g_assert_cmpuint (k + 4, <, n);
      data[k + 1] = cases[i].sof;
      data[k + 4] = (guint8) cases[i].precision;
      patched = g_bytes_new (data, n);
      path = write_part ("patched.jpg", patched, n, NULL, 0);
      back = load_with (path, NULL, NULL, &error);
      g_assert_null (back);
      g_assert_error (error, PP_IO_ERROR, PP_IO_ERROR_UNSUPPORTED);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_unlink (path);
    }
  g_unlink (whole_path);
}

/* PNG, WebP, TIFF, GIF and BMP cut short: each fails, in words; with keep, the missing rows are
 * grey. A PNG cut after its last row keeps whole pixels but is reported all the same. */
static void
test_damage_other_formats (void)
{
  g_autoptr (PpImage) image = pp_test_photo_new (200, 200, 3, 7);
  static const PpFormat formats[] = { PP_FORMAT_PNG, PP_FORMAT_WEBP, PP_FORMAT_TIFF,
                                      PP_FORMAT_BMP };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *name = g_strdup_printf ("whole.%s", pp_format_get_extension (formats[i]));
      g_autofree char *path = tmp_path (name);
      g_autofree char *cut = NULL;
      g_autofree char *message = NULL;
      g_autoptr (GBytes) whole = NULL;

      g_assert_true (save_as (image, formats[i], path, NULL, NULL, NULL));
      whole = read_file (path);
      cut = write_part (formats[i] == PP_FORMAT_BMP ? "cut.bmp" : "cut.img", whole,
                        g_bytes_get_size (whole) / 2, NULL, 0);
      message = damage_of (cut);
      g_test_message ("%s cut in half: %s", name, message);
      g_assert_true (g_str_has_prefix (message, "The file ends early"));
      /* libtiff writes the directory after the pixels: a cut file loses it first. */
      if (formats[i] != PP_FORMAT_WEBP && formats[i] != PP_FORMAT_TIFF)
        {
          int missing = missing_percent (message);

          g_assert_cmpint (missing, >=, 35);
          g_assert_cmpint (missing, <=, 65);
        }
      if (formats[i] == PP_FORMAT_PNG)
        {
          g_autofree char *no_end = write_part ("no-end.png", whole, g_bytes_get_size (whole) - 6,
                                                NULL, 0);
          g_autofree char *after = damage_of (no_end);
          g_autoptr (PpImage) kept = NULL;
          PpLoadOptions keep;

          g_assert_nonnull (strstr (after, "after the image data"));
          pp_load_options_init (&keep);
          keep.keep_damaged = TRUE;
          kept = load_with (no_end, &keep, NULL, NULL);
          g_assert_true (pp_image_equal (kept, image));
          g_unlink (no_end);
        }
      g_unlink (cut);
      g_unlink (path);
    }

  /* A GIF from the bug cases, cut inside its second frame. */
  {
    g_autofree char *src = bugcase_path ("animated-gif-webp/three-frames.gif");

    if (g_file_test (src, G_FILE_TEST_EXISTS))
      {
        g_autoptr (GBytes) whole = read_file (src);
        g_autofree char *cut = write_part ("cut.gif", whole, g_bytes_get_size (whole) * 6 / 10,
                                           NULL, 0);
        g_autofree char *message = damage_of (cut);

        g_assert_cmpstr (message, ==,
                         "The file ends early: frame 2 is incomplete, and any after it missing");
        g_unlink (cut);
      }
  }
}

/* A GIF whose LZW data ends (with its end code, the file whole) after 4 of its 16 pixels:
 * GdkPixbuf shows the rest blank and says nothing; the codec counts the pixels the codes give.
 * Built by hand: 4 x 4, two colours, codes clear 0 1 0 1 end (3 bits, then 4 from the eighth
 * table entry on, GIF89a appendix F). The same header with all 16 pixels is whole. */
static void
test_damage_gif_pixels (void)
{
  static const guint8 head[] = {
    'G', 'I', 'F', '8', '9', 'a', 4, 0, 4, 0, 0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff,
    0x2c, 0, 0, 0, 0, 4, 0, 4, 0, 0, 2 /* LZW minimum code size */
  };
  static const guint8 short_data[] = { 3, 0x44, 0x10, 0x05, 0, 0x3b };
  /* clear, 0, then codes 6 (0 0), 7 (0 0 0), 8 (four 0s), 9 (five 0s) and 1: 16 pixels, end. */
  static const guint8 whole_data[] = { 4, 0x84, 0x8f, 0x19, 0x05, 0, 0x3b };
  g_autoptr (GBytes) header = g_bytes_new_static (head, sizeof head);
  g_autofree char *cut = write_part ("short.gif", header, sizeof head, short_data,
                                     sizeof short_data);
  g_autofree char *whole = write_part ("whole.gif", header, sizeof head, whole_data,
                                       sizeof whole_data);
  g_autofree char *message = damage_of (cut);
  g_autoptr (GError) error = NULL;
  g_autoptr (PpImage) image = load_with (whole, NULL, NULL, &error);

  g_assert_cmpstr (message, ==, "The image data ends early: 75 % of the pixels are missing");
  g_assert_no_error (error);
  g_assert_nonnull (image);
  g_assert_cmpint (image->width, ==, 4);
  g_unlink (cut);
  g_unlink (whole);
}

/* An animation keeps its frames in WebP, pages keep theirs in TIFF; the first frame alone
 * otherwise, with the count reported. */
static void
test_frames (void)
{
  g_autofree char *webp = tmp_path ("anim.webp");
  g_autofree char *tiff = tmp_path ("pages.tif");
  PpFrame frames[3];
  PpSaveOptions save;
  g_autoptr (GError) error = NULL;

  for (int i = 0; i < 3; i++)
    {
      PpImage *image = pp_image_new (40, 30, 4);

      for (int y = 0; y < 30; y++)
        for (int x = 0; x < 40; x++)
          {
            guint8 *p = PP_IMAGE_ROW (image, y) + x * 4;

            p[0] = i == 0 ? 255 : 0;
            p[1] = i == 1 ? 255 : 0;
            p[2] = i == 2 ? 255 : 0;
            p[3] = 255;
          }
      frames[i].image = image;
      frames[i].delay_ms = 100 * (i + 1);
    }
  pp_save_options_init (&save);
  save.format = PP_FORMAT_WEBP;
  save.quality = 90;
  g_assert_true (pp_io_save_frames (frames, 3, webp, &save, NULL, NULL, &error));
  g_assert_no_error (error);
  {
    g_auto (PpImageInfo) first = { 0 };
    g_auto (PpImageInfo) all = { 0 };
    g_autoptr (PpImage) one = load_with (webp, NULL, &first, &error);
    g_autoptr (PpImage) head = NULL;
    PpLoadOptions options;

    g_assert_no_error (error);
    g_assert_cmpuint (first.n_frames, ==, 3);
    g_assert_true (first.animated);
    g_assert_null (first.frames);
    pp_load_options_init (&options);
    options.all_frames = TRUE;
    head = load_with (webp, &options, &all, &error);
    g_assert_no_error (error);
    g_assert_nonnull (all.frames);
    g_assert_cmpuint (all.frames->len, ==, 3);
    for (guint i = 0; i < 3; i++)
      {
        const PpFrame *f = all.frames->pdata[i];
        const guint8 *p = PP_IMAGE_ROW (f->image, 15) + 20 * f->image->channels;

        g_assert_cmpint (f->delay_ms, ==, 100 * (int) (i + 1));
        g_assert_cmpint (p[i], >, 200);
        g_assert_cmpint (p[(i + 1) % 3], <, 50);
      }
  }

  /* Pages of different sizes, uncompressed: exactly what was written. */
  g_clear_pointer (&frames[1].image, pp_image_unref);
  frames[1].image = pp_test_photo_new (17, 23, 3, 4);
  save.format = PP_FORMAT_TIFF;
  g_assert_true (pp_io_save_frames (frames, 3, tiff, &save, NULL, NULL, &error));
  {
    g_auto (PpImageInfo) info = { 0 };
    g_autoptr (PpImage) head = NULL;
    PpLoadOptions options;

    pp_load_options_init (&options);
    options.all_frames = TRUE;
    head = load_with (tiff, &options, &info, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (info.n_frames, ==, 3);
    g_assert_false (info.animated);
    g_assert_cmpuint (info.frames->len, ==, 3);
    for (guint i = 0; i < 3; i++)
      g_assert_true (pp_image_equal (((PpFrame *) info.frames->pdata[i])->image,
                                     frames[i].image));
  }

  /* Every frame counts against the pixel limit when every frame is asked for. */
  {
    g_autoptr (PpImage) image = NULL;
    PpLoadOptions options;

    pp_load_options_init (&options);
    options.max_megapixels = 0.003; /* one 40 × 30 frame is 0.0012 */
    image = load_with (webp, &options, NULL, &error);
    g_assert_no_error (error);
    g_clear_pointer (&image, pp_image_unref);
    options.all_frames = TRUE;
    image = load_with (webp, &options, NULL, &error);
    g_assert_null (image);
    g_assert_error (error, PP_IO_ERROR, PP_IO_ERROR_TOO_LARGE);
    g_assert_nonnull (strstr (error->message, "3 frames"));
  }
  for (int i = 0; i < 3; i++)
    pp_image_unref (frames[i].image);
  g_unlink (webp);
  g_unlink (tiff);
}

/* animated-gif-webp: both bug case files report 3 frames and give 3 distinct frames. */
static void
test_frames_bugcase (void)
{
  const char *names[] = { "animated-gif-webp/three-frames.gif",
                          "animated-gif-webp/three-frames.webp" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = bugcase_path (names[i]);
      g_auto (PpImageInfo) info = { 0 };
      g_autoptr (PpImage) image = NULL;
      g_autoptr (GError) error = NULL;
      PpLoadOptions options;

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_test_skip ("the bug cases are not here");
          return;
        }
      pp_load_options_init (&options);
      options.all_frames = TRUE;
      image = load_with (path, &options, &info, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (info.n_frames, ==, 3);
      g_assert_nonnull (info.frames);
      g_assert_cmpuint (info.frames->len, ==, 3);
      g_assert_false (pp_image_equal (((PpFrame *) info.frames->pdata[0])->image,
                                      ((PpFrame *) info.frames->pdata[1])->image));
      g_assert_false (pp_image_equal (((PpFrame *) info.frames->pdata[1])->image,
                                      ((PpFrame *) info.frames->pdata[2])->image));
    }
}

/* opaque-4channel: a CMYK JPEG decodes to 3 channels; the format is told by content, not by
 * name; GIF and BMP have signatures of their own. */
static void
test_cmyk_and_sniffing (void)
{
  g_autofree char *cmyk = corpus_path ("valid/pillow_pil_sample_cmyk.jpg");
  g_autofree char *png_named_jpg = corpus_path ("valid/selfmade_png-content-named.jpg");
  g_auto (PpImageInfo) info = { 0 };
  g_autoptr (PpImage) image = load_with (cmyk, NULL, NULL, NULL);

  g_assert_nonnull (image);
  g_assert_cmpint (image->channels, ==, 3);
  g_clear_pointer (&image, pp_image_unref);
  if (g_file_test (png_named_jpg, G_FILE_TEST_EXISTS))
    {
      image = load_with (png_named_jpg, NULL, &info, NULL);
      g_assert_nonnull (image);
      g_assert_cmpstr (info.format, ==, "png");
    }
}

/* Without shared-mime-info, formats with signatures of their own still load, and the others
 * say why they cannot be told apart. Runs in a child whose XDG data dirs hold no MIME database. */
static void
test_without_shared_mime_info (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *empty = g_dir_make_tmp ("pp-no-mime-XXXXXX", NULL);
      g_autofree char *ppm = corpus_path ("valid/gdkpixbuf_valid.1.ppm");
      g_autofree char *jpg = corpus_path ("valid/exifsamples_Canon_40D.jpg");
      g_autofree char *gif = bugcase_path ("animated-gif-webp/three-frames.gif");
      g_autoptr (GError) error = NULL;
      g_autoptr (PpImage) image = NULL;

      g_setenv ("XDG_DATA_DIRS", empty, TRUE);
      g_setenv ("XDG_DATA_HOME", empty, TRUE);
      /* In this process: a helper would find the system's database in its own environment. */
      pp_decoder_set_isolation (FALSE);
      g_assert_true (pp_codec_mime_database_missing ());
      image = load_with (jpg, NULL, NULL, &error);
      g_assert_no_error (error);
      g_clear_pointer (&image, pp_image_unref);
      if (g_file_test (gif, G_FILE_TEST_EXISTS))
        {
          image = load_with (gif, NULL, NULL, &error);
          g_assert_no_error (error);
          g_clear_pointer (&image, pp_image_unref);
        }
      image = load_with (ppm, NULL, NULL, &error);
      g_assert_null (image);
      g_assert_error (error, PP_IO_ERROR, PP_IO_ERROR_UNSUPPORTED);
      g_assert_nonnull (strstr (error->message, "shared-mime-info"));
      g_rmdir (empty);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_assert_false (pp_codec_mime_database_missing ());
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("PP_CORPUS_DIR") == NULL)
    {
      pp_test_missing ("PP_CORPUS_DIR is not set");
      return 0;
    }
  tmp_dir = g_dir_make_tmp ("pp-test-codecs-XXXXXX", NULL);
  g_test_add_func ("/pp/codecs/metadata-round-trip", test_metadata_round_trip);
  g_test_add_func ("/pp/codecs/orientation", test_orientation);
  g_test_add_func ("/pp/codecs/orientation-bugcase", test_orientation_bugcase);
  g_test_add_func ("/pp/codecs/jpeg-dct-scale", test_jpeg_dct_scale);
  g_test_add_func ("/pp/codecs/damage-jpeg", test_damage_jpeg);
  g_test_add_func ("/pp/codecs/jpeg-unsupported-named", test_jpeg_unsupported_named);
  g_test_add_func ("/pp/codecs/damage-other-formats", test_damage_other_formats);
  g_test_add_func ("/pp/codecs/damage-gif-pixels", test_damage_gif_pixels);
  g_test_add_func ("/pp/codecs/frames", test_frames);
  g_test_add_func ("/pp/codecs/frames-bugcase", test_frames_bugcase);
  g_test_add_func ("/pp/codecs/cmyk-and-sniffing", test_cmyk_and_sniffing);
  g_test_add_func ("/pp/codecs/without-shared-mime-info", test_without_shared_mime_info);
  status = g_test_run ();
  g_rmdir (tmp_dir);
  return status;
}
