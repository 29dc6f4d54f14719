/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * pp-io: header reads, the pixel limit, shrink-on-load to an exact DCT scale, EXIF orientation,
 * ICC profiles carried over, the loader allow-list, and saves that are atomic: a failed or
 * cancelled save leaves nothing, an existing file is never replaced unless asked.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "io/pp-io.h"
#include "pp-test-util.h"

static char *
corpus_path (const char *name)
{
  const char *dir = g_getenv ("PP_CORPUS_DIR");

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    return NULL;
  return g_build_filename (dir, name, NULL);
}

static char *
sample_path (const char *name)
{
  return g_build_filename (g_getenv ("PP_SOURCE_ROOT"), "data", "samples", name, NULL);
}

static guint
count_entries (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
test_header (void)
{
  g_autofree char *path = sample_path ("leaf.jpg");
  g_auto (PpImageInfo) info = { 0 };
  g_autoptr (GError) error = NULL;

  g_assert_true (pp_io_read_header (path, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (info.format, ==, "jpeg");
  g_assert_cmpint (info.width, ==, 3264);
  g_assert_cmpint (info.height, ==, 2448);
}

static void
test_load_full (void)
{
  g_autofree char *path = sample_path ("leaf.jpg");
  g_auto (PpImageInfo) info = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (PpImage) image = pp_io_load (path, NULL, &info, NULL, &error);
  g_autoptr (GdkPixbuf) reference = gdk_pixbuf_new_from_file (path, NULL);
  g_autoptr (PpImage) expected = pp_image_new_for_pixbuf (reference);

  g_assert_no_error (error);
  g_assert_nonnull (image);
  g_assert_cmpint (info.loaded_width, ==, 3264);
  /* Same pixels as GdkPixbuf's own one-shot decode. */
  g_assert_true (pp_image_equal (image, expected));
}

/* A size hint of 200 x 200 on 3264 x 2448 needs a decode of at least 200 x 150: the 1/8 DCT
 * scale gives 408 x 306, exactly that and nothing bilinear on top. 1200 x 1200 needs 1200 x 900:
 * 3/8 gives 1224 x 918, where GdkPixbuf's 1/2, 1/4, 1/8 would have decoded 1632 x 1224. */
static void
test_shrink_on_load (void)
{
  g_autofree char *path = sample_path ("leaf.jpg");
  g_auto (PpImageInfo) info = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (PpImage) image = NULL;
  PpLoadOptions options;

  pp_load_options_init (&options);
  options.fit_width = 200;
  options.fit_height = 200;
  image = pp_io_load (path, &options, &info, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info.width, ==, 3264);
  g_assert_cmpint (image->width, ==, 408);
  g_assert_cmpint (image->height, ==, 306);
  g_clear_pointer (&image, pp_image_unref);
  pp_image_info_clear (&info);

  options.fit_width = 1200;
  options.fit_height = 1200;
  image = pp_io_load (path, &options, &info, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (image->width, ==, 1224);
  g_assert_cmpint (image->height, ==, 918);
  g_assert_cmpint (info.loaded_width, ==, 1224);

  /* A PNG is never shrunk by the loader: its resampling is not ours. */
  {
    g_autofree char *png = g_build_filename (g_get_tmp_dir (), "pp-test-io-shrink.png", NULL);
    g_autoptr (PpImage) big = pp_test_photo_new (900, 700, 3, 1);
    g_autoptr (PpImage) loaded = NULL;
    PpSaveOptions save;

    pp_save_options_init (&save);
    save.format = PP_FORMAT_PNG;
    save.overwrite = TRUE;
    g_assert_true (pp_io_save (big, png, &save, NULL, NULL, &error));
    loaded = pp_io_load (png, &options, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (pp_image_equal (loaded, big));
    g_unlink (png);
  }
}

static void
test_pixel_limit (void)
{
  g_autofree char *path = sample_path ("leaf.jpg");
  g_autoptr (GError) error = NULL;
  g_autoptr (PpImage) image = NULL;
  PpLoadOptions options;

  pp_load_options_init (&options);
  options.max_megapixels = 7.9; /* leaf.jpg is 7.99 MP */
  image = pp_io_load (path, &options, NULL, NULL, &error);
  g_assert_null (image);
  g_assert_error (error, PP_IO_ERROR, PP_IO_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "megapixels"));
  g_clear_error (&error);

  options.max_megapixels = 8.0;
  image = pp_io_load (path, &options, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (image);
}

/* The corpus bombs are refused from their header, quickly and without their memory. */
static void
test_bombs (void)
{
  const char *bombs[] = {
    "broken/selfmade_jpeg-header-65500x65500.jpg",
    "broken/selfmade_png-bomb-20000x20000.png",
    "broken/gdkpixbuf_large.png",
    "broken/libvips_17000x17000.avif",
    "broken/gdkpixbuf_issue205.jpg",
    NULL,
  };

  if (g_getenv ("PP_CORPUS_DIR") == NULL)
    {
      pp_test_missing ("PP_CORPUS_DIR not set");
      return;
    }
  for (guint i = 0; bombs[i] != NULL; i++)
    {
      g_autofree char *path = corpus_path (bombs[i]);
      g_autoptr (GError) error = NULL;
      g_autoptr (PpImage) image = NULL;
      gint64 t0 = g_get_monotonic_time ();

      image = pp_io_load (path, NULL, NULL, NULL, &error);
      g_assert_null (image);
      g_assert_error (error, PP_IO_ERROR, PP_IO_ERROR_TOO_LARGE);
      g_test_message ("%s: %s (%.1f ms)", bombs[i], error->message,
                      (g_get_monotonic_time () - t0) / 1000.0);
    }
}

static void
put_box (GByteArray *out,
         const char *type,
         const guint8 *payload,
         guint32     len)
{
  guint32 size = GUINT32_TO_BE (len + 8);

  g_byte_array_append (out, (const guint8 *) &size, 4);
  g_byte_array_append (out, (const guint8 *) type, 4);
  if (len > 0)
    g_byte_array_append (out, payload, len);
}

/* Appends a box whose payload is the concatenation of @children (boxes built the same way). */
static void
put_container (GByteArray  *out,
               const char  *type,
               GByteArray **children,
               guint        n_children)
{
  g_autoptr (GByteArray) payload = g_byte_array_new ();

  for (guint i = 0; i < n_children; i++)
    {
      g_byte_array_append (payload, children[i]->data, children[i]->len);
      g_byte_array_unref (children[i]);
    }
  put_box (out, type, payload->data, payload->len);
}

static GByteArray *
box (const char   *type,
     const guint8 *payload,
     guint32       len)
{
  GByteArray *out = g_byte_array_new ();

  put_box (out, type, payload, len);
  return out;
}

/* A well-formed AVIF header (ISO/IEC 23008-12: hdlr pict, pitm, iinf/infe av01, iloc, iprp with
 * an ispe of @width × @height) in a "meta" box after 200 KB of image data, as some writers lay
 * files out; @with_size FALSE leaves the ispe out. No AV1 data: only the header is meant to be
 * read. */
static void
put_late_meta_avif (GByteArray *file,
                    guint32     width,
                    guint32     height,
                    gboolean    with_size)
{
  static const guint8 ftyp[] = { 'a', 'v', 'i', 'f', 0, 0, 0, 0, 'm', 'i', 'f', '1' };
  static const guint8 hdlr[] = { 0, 0, 0, 0, 0, 0, 0, 0, 'p', 'i', 'c', 't', 0, 0, 0, 0,
                                 0, 0, 0, 0, 0, 0, 0, 0, 0 };
  static const guint8 pitm[] = { 0, 0, 0, 0, 0, 1 };
  static const guint8 infe[] = { 2, 0, 0, 0, 0, 1, 0, 0, 'a', 'v', '0', '1', 0 };
  /* item 1: property 1 (ispe), then 2 (av1C, essential) */
  static const guint8 ipma[] = { 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 2, 0x01, 0x82 };
  /* AV1 configuration: version 1, profile 0, 8-bit 4:2:0 (AV1-ISOBMFF 2.3) */
  static const guint8 av1c[] = { 0x81, 0x00, 0x0c, 0x00 };
  guint8 ispe[] = { 0, 0, 0, 0, width >> 24, width >> 16, width >> 8, width,
                    height >> 24, height >> 16, height >> 8, height };
  guint8 iloc[] = { 0, 0, 0, 0, 0x44, 0x00, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0 };
  g_autofree guint8 *zeros = g_malloc0 (200 * 1024);
  g_autoptr (GByteArray) infe_box = box ("infe", infe, sizeof infe);
  g_autoptr (GByteArray) iinf = g_byte_array_new ();
  GByteArray *ipco_children[2];
  GByteArray *iprp_children[2];
  GByteArray *meta_children[5];
  guint32 data_offset;

  put_box (file, "ftyp", ftyp, sizeof ftyp);
  data_offset = file->len + 8;
  put_box (file, "mdat", zeros, 200 * 1024);
  /* The one item's data: 256 bytes at the start of the mdat payload. */
  iloc[14] = data_offset >> 24;
  iloc[15] = data_offset >> 16;
  iloc[16] = data_offset >> 8;
  iloc[17] = data_offset;
  g_byte_array_append (iinf, (const guint8 *) "\0\0\0\0\0\1", 6);
  g_byte_array_append (iinf, infe_box->data, infe_box->len);
  /* Without a size, the ispe is replaced by a free box the ipma still points at. */
  ipco_children[0] = with_size ? box ("ispe", ispe, sizeof ispe) : box ("free", NULL, 0);
  ipco_children[1] = box ("av1C", av1c, sizeof av1c);
  iprp_children[0] = g_byte_array_new ();
  put_container (iprp_children[0], "ipco", ipco_children, 2);
  iprp_children[1] = box ("ipma", ipma, sizeof ipma);
  meta_children[0] = box ("hdlr", hdlr, sizeof hdlr);
  meta_children[1] = box ("pitm", pitm, sizeof pitm);
  meta_children[2] = box ("iinf", iinf->data, iinf->len);
  meta_children[3] = box ("iloc", iloc, sizeof iloc);
  meta_children[4] = g_byte_array_new ();
  put_container (meta_children[4], "iprp", iprp_children, 2);
  {
    g_autoptr (GByteArray) meta = g_byte_array_new ();
    static const guint8 version_flags[4] = { 0 };

    g_byte_array_append (meta, version_flags, 4);
    for (guint i = 0; i < 5; i++)
      {
        g_byte_array_append (meta, meta_children[i]->data, meta_children[i]->len);
        g_byte_array_unref (meta_children[i]);
      }
    put_box (file, "meta", meta->data, meta->len);
  }
}

/* An AVIF whose "meta" box (with the size) comes after 200 KB of image data: the size is still
 * found and checked; without any size, the file is refused rather than handed to a decoder. */
static void
test_isobmff_size (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pp-test-io-XXXXXX", NULL);
  g_autofree char *sized = g_build_filename (dir, "late-meta.avif", NULL);
  g_autofree char *unsized = g_build_filename (dir, "no-size.avif", NULL);

  for (guint variant = 0; variant < 2; variant++)
    {
      g_autoptr (GByteArray) file = g_byte_array_new ();
      g_auto (PpImageInfo) info = { 0 };
      g_autoptr (GError) error = NULL;
      g_autoptr (PpImage) image = NULL;
      const char *path = variant == 0 ? sized : unsized;

      put_late_meta_avif (file, 20000, 20000, variant == 0);
      g_assert_true (g_file_set_contents (path, (const char *) file->data, file->len, NULL));

      if (variant == 0)
        {
          gboolean ok = pp_io_read_header (path, &info, &error);

          g_assert_no_error (error);
          g_assert_true (ok);
          g_assert_cmpint (info.width, ==, 20000);
          g_assert_cmpint (info.height, ==, 20000);
          image = pp_io_load (path, NULL, NULL, NULL, &error);
          g_assert_error (error, PP_IO_ERROR, PP_IO_ERROR_TOO_LARGE);
        }
      else
        {
          g_assert_false (pp_io_read_header (path, &info, &error));
          g_assert_error (error, PP_IO_ERROR, PP_IO_ERROR_DECODE);
        }
      g_assert_null (image);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
test_allow_list (void)
{
  g_autofree char *qtif = corpus_path ("broken/gdkpixbuf_fail_bug778584.gif");
  g_autoptr (GError) error = NULL;
  g_autoptr (PpImage) image = NULL;
  const char *const *allowed = pp_io_get_allowed_formats ();

  g_assert_false (g_strv_contains (allowed, "qtif"));
  g_assert_true (g_strv_contains (allowed, "jpeg"));
  g_assert_true (pp_io_is_supported ("x/photo.JPG", NULL));
  g_assert_false (pp_io_is_supported ("x/movie.qtif", NULL));
  g_assert_false (pp_io_is_supported ("x/notes.txt", "text/plain"));
  g_assert_true (pp_io_is_supported ("x/noext", "image/png"));
  if (qtif == NULL)
    return;
  /* This file is sniffed as QuickTime, which would allocate 11 GB. */
  image = pp_io_load (qtif, NULL, NULL, NULL, &error);
  g_assert_null (image);
  g_assert_nonnull (error);
}

static void
test_orientation (void)
{
  g_autofree char *path = corpus_path ("valid/recurser_Landscape_6.jpg");
  g_auto (PpImageInfo) info = { 0 };
  g_auto (PpImageInfo) kept_info = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (PpImage) oriented = NULL;
  g_autoptr (PpImage) kept = NULL;
  PpLoadOptions options;

  if (path == NULL)
    {
      pp_test_missing ("PP_CORPUS_DIR not set");
      return;
    }
  oriented = pp_io_load (path, NULL, &info, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info.orientation, ==, 6);
  g_assert_true (info.orientation_applied);
  g_assert_cmpint (oriented->width, >, oriented->height); /* a landscape once rotated */

  pp_load_options_init (&options);
  options.keep_orientation = TRUE;
  kept = pp_io_load (path, &options, &kept_info, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (kept_info.orientation_applied);
  g_assert_cmpint (kept->width, ==, oriented->height);
  g_assert_cmpint (kept->height, ==, oriented->width);
}

static void
test_icc_roundtrip (void)
{
  g_autofree char *path = corpus_path ("valid/exifsamples_Canon_40D.jpg");
  g_autofree char *dir = g_dir_make_tmp ("pp-test-io-XXXXXX", NULL);
  g_auto (PpImageInfo) info = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (PpImage) image = NULL;
  PpFormat formats[] = { PP_FORMAT_JPEG, PP_FORMAT_PNG, PP_FORMAT_TIFF };

  if (path == NULL)
    {
      pp_test_missing ("PP_CORPUS_DIR not set");
      return;
    }
  image = pp_io_load (path, NULL, &info, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info.icc_profile);
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *name = g_strdup_printf ("out.%s", pp_format_get_extension (formats[i]));
      g_autofree char *out = g_build_filename (dir, name, NULL);
      g_auto (PpImageInfo) back = { 0 };
      g_autoptr (PpImage) reloaded = NULL;
      PpSaveOptions save;

      pp_save_options_init (&save);
      save.format = formats[i];
      save.icc_profile = info.icc_profile;
      g_assert_true (pp_io_save (image, out, &save, NULL, NULL, &error));
      g_assert_no_error (error);
      reloaded = pp_io_load (out, NULL, &back, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (back.icc_profile);
      g_assert_true (g_bytes_equal (back.icc_profile, info.icc_profile));
      g_unlink (out);
    }
  g_rmdir (dir);
}

/* Failed, refused and cancelled saves leave the folder as it was. */
static void
test_atomic_save (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pp-test-io-XXXXXX", NULL);
  g_autofree char *target = g_build_filename (dir, "photo.jpg", NULL);
  g_autoptr (PpImage) image = pp_test_photo_new (64, 48, 3, 7);
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  PpSaveOptions save;
  PpSaveTimes times = { -1, -1 };

  pp_save_options_init (&save);
  g_assert_true (g_file_set_contents (target, "precious", -1, NULL));

  /* No overwrite: refused, the existing file untouched, no temporary left. */
  g_assert_false (pp_io_save (image, target, &save, NULL, NULL, &error));
  g_assert_error (error, PP_IO_ERROR, PP_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (target, &before, NULL, NULL));
  g_assert_cmpstr (before, ==, "precious");
  g_assert_cmpuint (count_entries (dir), ==, 1);

  /* Cancelled: nothing. */
  g_cancellable_cancel (cancellable);
  save.overwrite = TRUE;
  g_assert_false (pp_io_save (image, target, &save, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpuint (count_entries (dir), ==, 1);

  /* Into a folder that does not exist: a readable error. */
  {
    g_autofree char *nowhere = g_build_filename (dir, "missing", "x.jpg", NULL);

    g_assert_false (pp_io_save (image, nowhere, &save, NULL, NULL, &error));
    g_assert_error (error, PP_IO_ERROR, PP_IO_ERROR_WRITE);
    g_clear_error (&error);
  }

  /* Overwrite: replaced whole, with a real JPEG. */
  g_assert_true (pp_io_save (image, target, &save, &times, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (times.encode_us, >=, 0);
  g_assert_cmpint (times.write_us, >=, 0);
  g_assert_cmpuint (count_entries (dir), ==, 1);
  g_assert_true (g_file_get_contents (target, &after, NULL, NULL));
  g_assert_cmpint ((guint8) after[0], ==, 0xff);
  g_assert_cmpint ((guint8) after[1], ==, 0xd8);

  g_unlink (target);
  g_rmdir (dir);
}

/* Same colours; an opaque alpha channel added by a loader (TIFF always decodes RGBA) is fine. */
static gboolean
same_pixels (const PpImage *a,
             const PpImage *b)
{
  if (a->width != b->width || a->height != b->height)
    return FALSE;
  for (int y = 0; y < a->height; y++)
    for (int x = 0; x < a->width; x++)
      {
        const guint8 *pa = PP_IMAGE_ROW (a, y) + x * a->channels;
        const guint8 *pb = PP_IMAGE_ROW (b, y) + x * b->channels;
        int alpha_a = a->channels == 4 ? pa[3] : 255;
        int alpha_b = b->channels == 4 ? pb[3] : 255;

        if (memcmp (pa, pb, 3) != 0 || alpha_a != alpha_b)
          return FALSE;
      }
  return TRUE;
}

static void
test_lossless_roundtrip (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pp-test-io-XXXXXX", NULL);
  PpFormat formats[] = { PP_FORMAT_PNG, PP_FORMAT_TIFF, PP_FORMAT_BMP };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    for (int channels = 3; channels <= 4; channels++)
      {
        g_autofree char *name = g_strdup_printf ("x%d.%s", channels,
                                                 pp_format_get_extension (formats[i]));
        g_autofree char *out = g_build_filename (dir, name, NULL);
        g_autoptr (PpImage) image = pp_test_image_new (37, 23, channels, 5, 11);
        g_autoptr (PpImage) back = NULL;
        g_autoptr (GError) error = NULL;
        PpSaveOptions save;

        /* GdkPixbuf's BMP writer drops alpha; TIFF alpha goes through premultiplication. */
        if (formats[i] != PP_FORMAT_PNG && channels == 4)
          continue;
        pp_save_options_init (&save);
        save.format = formats[i];
        g_assert_true (pp_io_save (image, out, &save, NULL, NULL, &error));
        back = pp_io_load (out, NULL, NULL, NULL, &error);
        g_assert_no_error (error);
        g_test_message ("%s", name);
        g_assert_true (same_pixels (image, back));
        g_unlink (out);
      }
  g_rmdir (dir);
}

static void
test_formats (void)
{
  PpFormat f;
  gboolean by_content;
  gboolean fell_back;

  g_assert_true (pp_format_from_string ("JPG", &f));
  g_assert_cmpint (f, ==, PP_FORMAT_JPEG);
  g_assert_true (pp_format_from_string ("tif", &f));
  g_assert_cmpint (f, ==, PP_FORMAT_TIFF);
  g_assert_false (pp_format_from_string ("gif", &f));
  g_assert_true (pp_format_from_extension ("JPE", &f));
  g_assert_cmpint (f, ==, PP_FORMAT_JPEG);
  g_assert_false (pp_format_from_extension ("same", &f));
  g_assert_cmpint (pp_format_for_input ("a/b.jpeg", &by_content, &fell_back), ==, PP_FORMAT_JPEG);
  g_assert_false (by_content);
  g_assert_false (fell_back);
  g_assert_cmpint (pp_format_for_input ("a/b.gif", NULL, &fell_back), ==, PP_FORMAT_PNG);
  g_assert_true (fell_back);
  /* No extension: the content decides; a file that cannot be read falls back to PNG. */
  g_assert_cmpint (pp_format_for_input ("a/noext", &by_content, &fell_back), ==, PP_FORMAT_PNG);
  g_assert_true (fell_back);
  g_assert_false (by_content);
  {
    g_autofree char *sample = sample_path ("cat.jpg");
    g_autofree char *dir = g_dir_make_tmp ("pp-test-io-XXXXXX", NULL);
    g_autofree char *noext = g_build_filename (dir, "noext", NULL);
    g_autofree char *data = NULL;
    gsize size;

    g_assert_true (g_file_get_contents (sample, &data, &size, NULL));
    g_assert_true (g_file_set_contents (noext, data, size, NULL));
    g_assert_cmpint (pp_format_for_input (noext, &by_content, &fell_back), ==, PP_FORMAT_JPEG);
    g_assert_true (by_content);
    g_assert_false (fell_back);
    g_unlink (noext);
    g_rmdir (dir);
  }
  g_assert_true (pp_format_can_save (PP_FORMAT_PNG));
}

static void
test_errors_are_readable (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pp-test-io-XXXXXX", NULL);
  g_autofree char *text = g_build_filename (dir, "notes.jpg", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.png", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.png", NULL);
  const char *paths[] = { text, empty, missing };

  g_assert_true (g_file_set_contents (text, "this is not a photo\n", -1, NULL));
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PpImage) image = pp_io_load (paths[i], NULL, NULL, NULL, &error);

      g_assert_null (image);
      g_assert_nonnull (error);
      g_assert_cmpuint (strlen (error->message), >, 10);
      g_test_message ("%s: %s", paths[i], error->message);
    }
  g_unlink (text);
  g_unlink (empty);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/io/header", test_header);
  g_test_add_func ("/pp/io/load-full", test_load_full);
  g_test_add_func ("/pp/io/shrink-on-load", test_shrink_on_load);
  g_test_add_func ("/pp/io/pixel-limit", test_pixel_limit);
  g_test_add_func ("/pp/io/bombs", test_bombs);
  g_test_add_func ("/pp/io/isobmff-size", test_isobmff_size);
  g_test_add_func ("/pp/io/allow-list", test_allow_list);
  g_test_add_func ("/pp/io/orientation", test_orientation);
  g_test_add_func ("/pp/io/icc-roundtrip", test_icc_roundtrip);
  g_test_add_func ("/pp/io/atomic-save", test_atomic_save);
  g_test_add_func ("/pp/io/lossless-roundtrip", test_lossless_roundtrip);
  g_test_add_func ("/pp/io/formats", test_formats);
  g_test_add_func ("/pp/io/errors-are-readable", test_errors_are_readable);
  return g_test_run ();
}
