/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The JPEG XL codec (core/codecs/pp-codec-jxl.c) against libjxl's reference tools (cjxl, djxl)
 * and exiftool: cjxl's files decode to djxl's pixels; a codestream orientation is applied once
 * and an Exif box's tag is not; animations give their frames and delays; our output decodes
 * with djxl close to the source (lossless at quality 100, exactly), keeps EXIF, XMP and the ICC
 * profile; quality trades size for fidelity; the pixel limit refuses before any pixel memory;
 * a cut-off file is damage, never a clean "ok".
 */
#include "codecs/pp-codec-private.h"

#include "codec-test-util.h"

#include <jxl/encode.h>

static gboolean
have_jxl_tools (void)
{
  return pp_test_have_tool ("djxl", "libjxl-tools") && pp_test_have_tool ("cjxl", "libjxl-tools")
         && pp_test_have_tool ("jxlinfo", "libjxl-tools");
}

/* djxl's decoding of @path (a PNG through GdkPixbuf), the reference pixels; with @icc, the
 * profile djxl put in the PNG, as exiftool reads it. */
static PpImage *
reference_decode_with_icc (const char  *path,
                           GBytes     **icc)
{
  g_autofree char *png = g_strconcat (path, ".png", NULL);
  const char *argv[] = { "djxl", path, png, NULL };
  PpImage *image;

  g_free (pp_test_run_tool (argv));
  image = codec_test_load_pixbuf (png);
  if (icc != NULL)
    *icc = codec_test_exiftool_icc (png);
  g_unlink (png);
  return image;
}

static PpImage *
reference_decode (const char *path)
{
  return reference_decode_with_icc (path, NULL);
}

/* jxlinfo's reading of the codestream's colour profile: "564-byte ICC profile" → 564. */
static gsize
jxlinfo_icc_size (const char *path)
{
  const char *argv[] = { "jxlinfo", "-v", path, NULL };
  g_autofree char *out = pp_test_run_tool (argv);
  g_auto (GStrv) lines = g_strsplit (out, "\n", -1);
  gsize size = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (sscanf (lines[i], "Color space: %" G_GSIZE_FORMAT "-byte ICC profile", &size) == 1)
      break;
  return size;
}

static GBytes *
encode (const PpImage           *image,
        int                      quality,
        const CodecTestMetadata *m)
{
  return codec_test_encode (&_pp_codec_jxl, image, quality, m, NULL);
}

static char *
write_temp (const char *dir,
            const char *name,
            GBytes     *data)
{
  char *path = g_build_filename (dir, name, NULL);

  codec_test_write (path, g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  return path;
}

static void
test_sniff (void)
{
  g_autofree char *river = codec_test_sample ("river.jpg");
  g_autoptr (GBytes) jpeg = codec_test_read (river);
  g_autoptr (PpImage) image = pp_test_photo_new (16, 16, 3, 1);
  g_autoptr (GBytes) jxl = encode (image, 90, NULL);

  g_assert_true (_pp_codec_jxl.sniff ((const guint8 *) "\xff\x0a", 2));
  g_assert_true (_pp_codec_jxl.sniff (g_bytes_get_data (jxl, NULL), g_bytes_get_size (jxl)));
  g_assert_false (_pp_codec_heif.sniff (g_bytes_get_data (jxl, NULL), g_bytes_get_size (jxl)));
  g_assert_false (_pp_codec_jxl.sniff (g_bytes_get_data (jpeg, NULL), 64));
  g_assert_false (_pp_codec_jxl.sniff ((const guint8 *) "\xff\xd8\xff", 3));
  g_assert_cmpstr (_pp_codec_jxl.extensions[0], ==, "jxl");
}

/* A file cjxl made (lossy, with an alpha channel) decodes to djxl's pixels. */
static void
test_decode_reference (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pp-jxl-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "in.png", NULL);
  g_autofree char *jxl = g_build_filename (dir, "in.jxl", NULL);
  g_autoptr (PpImage) source = pp_test_photo_new (120, 80, 4, 3);
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  g_autoptr (PpImage) reference = NULL;
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (PpDecoded) decoded = { 0 };
  PpCodecHeader header = { 0 };
  const char *argv[] = { "cjxl", png, jxl, "-d", "1", NULL };

  if (!have_jxl_tools ())
    return;
  pixbuf = pp_image_to_pixbuf (source);
  gdk_pixbuf_save (pixbuf, png, "png", &error, NULL);
  g_assert_no_error (error);
  g_free (pp_test_run_tool (argv));
  data = codec_test_read (jxl);

  g_assert_true (_pp_codec_jxl.probe (g_bytes_get_data (data, NULL), g_bytes_get_size (data), NULL,
                                      &header, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (header.format, ==, "jxl");
  g_assert_cmpint (header.width, ==, 120);
  g_assert_cmpint (header.height, ==, 80);
  g_assert_true (header.has_alpha);
  g_assert_cmpuint (header.n_frames, ==, 1);
  g_assert_false (header.animated);

  codec_test_assert_ok (codec_test_decode (&_pp_codec_jxl, data, FALSE, &decoded, &error), error);
  g_assert_null (decoded.damage);
  reference = reference_decode (jxl);
  g_assert_cmpint (codec_test_frame (&decoded, 0)->channels, ==, 4);
  g_assert_cmpint (codec_test_max_difference (codec_test_frame (&decoded, 0), reference), <=, 2);
  /* Close to what cjxl was given (the test image's noise is what lossy coding drops first). */
  g_assert_cmpfloat (codec_test_psnr (source, codec_test_frame (&decoded, 0)), >, 25);
  g_unlink (png);
  g_unlink (jxl);
  g_rmdir (dir);
}

/* A codestream that says "turn 90° clockwise" (orientation 6) over 30 × 20 stored pixels, with
 * an Exif box whose tag says 8 (the opposite turn). The pixels come out turned once, by the
 * codestream, as djxl shows them: 20 × 30, the stored top-left corner at the top right. */
static void
test_orientation (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pp-jxl-XXXXXX", NULL);
  g_autoptr (PpImage) stored = pp_image_new (30, 20, 3);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (PpImage) reference = NULL;
  g_autoptr (GBytes) data = NULL;
  g_autofree char *path = NULL;
  g_auto (PpDecoded) decoded = { 0 };
  /* A minimal big-endian TIFF: IFD0 with one entry, Orientation (0x0112) = 8. */
  static const guint8 exif_box[] = { 0, 0, 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12,
                                     0, 3, 0, 0, 0, 1, 0, 8, 0, 0, 0, 0, 0, 0 };
  JxlEncoder *encoder = JxlEncoderCreate (NULL);
  JxlEncoderFrameSettings *settings;
  JxlBasicInfo info;
  JxlColorEncoding srgb;
  JxlPixelFormat format = { 3, JXL_TYPE_UINT8, JXL_NATIVE_ENDIAN, 0 };
  PpImage *image;
  guint8 *next;
  size_t avail;

  if (!have_jxl_tools ())
    {
      JxlEncoderDestroy (encoder);
      return;
    }
  /* Black, with a white top-left corner. */
  memset (stored->data, 0, (gsize) stored->stride * stored->height);
  for (int y = 0; y < 4; y++)
    memset (PP_IMAGE_ROW (stored, y), 255, 4 * 3);
  JxlEncoderInitBasicInfo (&info);
  info.xsize = 30;
  info.ysize = 20;
  info.bits_per_sample = 8;
  info.num_color_channels = 3;
  info.uses_original_profile = JXL_TRUE;
  info.orientation = JXL_ORIENT_ROTATE_90_CW;
  JxlEncoderUseBoxes (encoder);
  g_assert_cmpint (JxlEncoderSetBasicInfo (encoder, &info), ==, JXL_ENC_SUCCESS);
  JxlColorEncodingSetToSRGB (&srgb, JXL_FALSE);
  JxlEncoderSetColorEncoding (encoder, &srgb);
  g_assert_cmpint (JxlEncoderAddBox (encoder, "Exif", exif_box, sizeof exif_box, JXL_FALSE), ==,
                   JXL_ENC_SUCCESS);
  JxlEncoderCloseBoxes (encoder);
  settings = JxlEncoderFrameSettingsCreate (encoder, NULL);
  JxlEncoderSetFrameLossless (settings, JXL_TRUE);
  format.align = stored->stride; /* rows are padded to the stride */
  g_assert_cmpint (JxlEncoderAddImageFrame (settings, &format, stored->data,
                                            (gsize) stored->stride * stored->height), ==,
                   JXL_ENC_SUCCESS);
  JxlEncoderCloseInput (encoder);
  g_byte_array_set_size (out, 1 << 16);
  next = out->data;
  avail = out->len;
  g_assert_cmpint (JxlEncoderProcessOutput (encoder, &next, &avail), ==, JXL_ENC_SUCCESS);
  g_byte_array_set_size (out, (guint) (next - out->data));
  JxlEncoderDestroy (encoder);
  data = g_byte_array_free_to_bytes (g_steal_pointer (&out));
  path = write_temp (dir, "oriented.jxl", data);

  codec_test_assert_ok (codec_test_decode (&_pp_codec_jxl, data, FALSE, &decoded, &error), error);
  g_assert_cmpint (pp_metadata_exif_get_orientation (decoded.metadata.exif), ==, 8);
  /* Upright already: the loader must not apply the EXIF tag on top. */
  g_assert_cmpint (decoded.orientation, ==, 1);
  image = codec_test_frame (&decoded, 0);
  g_assert_cmpint (image->width, ==, 20);
  g_assert_cmpint (image->height, ==, 30);
  g_assert_cmpint (decoded.header.width, ==, 20);
  g_assert_cmpint (decoded.header.height, ==, 30);
  /* Turned clockwise: the white corner is now at the top right, and nowhere else. */
  g_assert_cmpint (PP_IMAGE_ROW (image, 0)[19 * 3], ==, 255);
  g_assert_cmpint (PP_IMAGE_ROW (image, 0)[0], ==, 0);
  g_assert_cmpint (PP_IMAGE_ROW (image, 29)[19 * 3], ==, 0);
  reference = reference_decode (path);
  g_assert_cmpint (codec_test_max_difference (image, reference), ==, 0);
  g_unlink (path);
  g_rmdir (dir);
}

/* An animated GIF through cjxl: every frame with its delay, or only the first. */
static void
test_animation (void)
{
  g_autofree char *gif = codec_test_corpus_file ("valid/gdkpixbuf_gifsuite_animation.gif");
  g_autofree char *dir = g_dir_make_tmp ("pp-jxl-XXXXXX", NULL);
  g_autofree char *jxl = g_build_filename (dir, "animation.jxl", NULL);
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkPixbufAnimation) animation = NULL;
  g_auto (PpDecoded) all = { 0 };
  g_auto (PpDecoded) first = { 0 };
  PpCodecHeader header = { 0 };

  if (gif == NULL || !have_jxl_tools ())
    return;
  {
    const char *argv[] = { "cjxl", gif, jxl, "-d", "0", NULL };

    g_free (pp_test_run_tool (argv));
  }
  data = codec_test_read (jxl);
  animation = gdk_pixbuf_animation_new_from_file (gif, &error);
  g_assert_no_error (error);

  g_assert_true (_pp_codec_jxl.probe (g_bytes_get_data (data, NULL), g_bytes_get_size (data), NULL,
                                      &header, &error));
  g_assert_no_error (error);
  g_assert_true (header.animated);
  g_assert_cmpuint (header.n_frames, >, 1);
  g_assert_cmpint (header.width, ==, gdk_pixbuf_animation_get_width (animation));

  codec_test_assert_ok (codec_test_decode (&_pp_codec_jxl, data, TRUE, &all, &error), error);
  g_assert_cmpuint (all.frames->len, ==, header.n_frames);
  for (guint i = 0; i < all.frames->len; i++)
    g_assert_cmpint (((PpFrame *) g_ptr_array_index (all.frames, i))->delay_ms, >, 0);

  codec_test_assert_ok (codec_test_decode (&_pp_codec_jxl, data, FALSE, &first, &error), error);
  g_assert_cmpuint (first.frames->len, ==, 1);
  g_assert_cmpuint (first.header.n_frames, ==, header.n_frames);
  g_assert_true (pp_image_equal (codec_test_frame (&first, 0), codec_test_frame (&all, 0)));
  g_unlink (jxl);
  g_rmdir (dir);
}

/* The pixel limit: a 640 × 428 file against a 0.1 MP limit, refused without allocating. */
static void
test_pixel_limit (void)
{
  g_autoptr (PpImage) image = pp_test_photo_new (640, 428, 3, 5);
  g_autoptr (GBytes) data = encode (image, 80, NULL);
  g_autoptr (GError) error = NULL;
  g_auto (PpDecoded) decoded = { 0 };
  PpDecodeParams params;
  int allocations = 0;

  pp_decode_params_init (&params);
  params.max_pixels = 1e5;
  params.allocate = codec_test_no_allocation;
  params.allocate_data = &allocations;
  g_assert_false (_pp_codec_jxl.decode (g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                                        &params, &decoded, &error));
  g_assert_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_TOO_LARGE);
  g_assert_cmpint (allocations, ==, 0);
}

/* Cut anywhere, a file is an error or damaged pixels with a note; never a silent "ok", never a
 * crash. Cut late, libjxl still has every DC group of the 640 × 480 image (they come first) and
 * renders all of it, blurred where the detail is missing: pixels with a note. */
static void
test_truncated (void)
{
  g_autoptr (PpImage) image = pp_test_photo_new (640, 480, 3, 9);
  g_autoptr (GBytes) data = encode (image, 90, NULL);
  gsize size = g_bytes_get_size (data);
  const gsize cuts[] = { 1, 12, size / 8, size / 2, size - size / 8, size - 1 };
  guint damaged_with_pixels = 0;

  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autoptr (GBytes) cut = g_bytes_new_from_bytes (data, 0, cuts[i]);
      g_autoptr (GError) error = NULL;
      g_auto (PpDecoded) decoded = { 0 };

      if (codec_test_decode (&_pp_codec_jxl, cut, FALSE, &decoded, &error))
        {
          g_assert_nonnull (decoded.damage);
          g_assert_true (g_str_has_prefix (decoded.damage, "The file ends early"));
          g_assert_cmpint (codec_test_frame (&decoded, 0)->width, ==, 640);
          g_assert_cmpfloat (codec_test_psnr (image, codec_test_frame (&decoded, 0)), >, 15);
          damaged_with_pixels++;
        }
      else
        {
          g_assert_true (error->domain == PP_CODEC_ERROR);
          g_assert_cmpint (error->code, ==, PP_CODEC_ERROR_DAMAGED);
        }
      g_test_message ("cut at %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT ": %s", cuts[i], size,
                      error != NULL ? error->message : decoded.damage);
    }
  g_assert_cmpuint (damaged_with_pixels, >, 0);
}

/* A photo out as JPEG XL with its metadata: djxl decodes it, exiftool finds the camera, date,
 * rating, title and ICC profile, and our decoder gets the blobs back. (How close lossy pixels
 * stay is test_quality's question, in sRGB: against an Adobe RGB profile, djxl's pixels are in
 * whatever space its colour management picks, not comparable with the source's numbers.) */
static void
test_round_trip (void)
{
  g_autofree char *river = codec_test_sample ("river.jpg");
  g_autofree char *dir = g_dir_make_tmp ("pp-jxl-XXXXXX", NULL);
  g_autoptr (PpImage) source = NULL;
  g_autoptr (PpImage) reference = NULL;
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_auto (CodecTestMetadata) m = { 0 };
  g_auto (PpDecoded) decoded = { 0 };

  if (!have_jxl_tools () || !codec_test_metadata_init (&m))
    return;
  source = codec_test_load_pixbuf (river);
  data = encode (source, 90, &m);
  path = write_temp (dir, "river.jxl", data);

  reference = reference_decode (path);
  g_assert_cmpint (reference->width, ==, source->width);
  g_assert_cmpint (reference->height, ==, source->height);
  codec_test_assert_metadata_kept (path, &m, FALSE);
  g_assert_cmpuint (jxlinfo_icc_size (path), ==, g_bytes_get_size (m.icc));

  codec_test_assert_ok (codec_test_decode (&_pp_codec_jxl, data, FALSE, &decoded, &error), error);
  g_assert_true (g_bytes_equal (decoded.metadata.exif, m.blobs.exif));
  g_assert_true (g_bytes_equal (decoded.metadata.xmp, m.blobs.xmp));
#ifdef PP_HAVE_LIBJXL_CMS
  /* With colour management the pixels come out in the original profile, which is carried. */
  g_assert_true (g_bytes_equal (decoded.icc, m.icc));
  g_assert_cmpfloat (codec_test_psnr (source, codec_test_frame (&decoded, 0)), >, 35);
#else
  /* libjxl 0.7 has none: lossy pixels come out converted to sRGB, without the profile. */
  g_assert_null (decoded.icc);
  g_test_message ("libjxl without colour management: lossy JPEG XL decodes as sRGB");
#endif
  g_unlink (path);
  g_rmdir (dir);
}

/* Quality 100 is lossless: djxl and our decoder give back every pixel and alpha value, and the
 * ICC profile byte for byte. */
static void
test_lossless (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pp-jxl-XXXXXX", NULL);
  g_autoptr (PpImage) source = pp_test_image_new (97, 61, 4, 5, 11);
  g_autoptr (PpImage) reference = NULL;
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GBytes) reference_icc = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_auto (CodecTestMetadata) m = { 0 };
  g_auto (PpDecoded) decoded = { 0 };

  if (!have_jxl_tools () || !codec_test_metadata_init (&m))
    return;
  data = encode (source, 100, &m);
  path = write_temp (dir, "lossless.jxl", data);
  reference = reference_decode_with_icc (path, &reference_icc);
  g_assert_cmpint (codec_test_max_difference (source, reference), ==, 0);
  g_assert_true (g_bytes_equal (reference_icc, m.icc));
  codec_test_assert_metadata_kept (path, &m, FALSE);

  codec_test_assert_ok (codec_test_decode (&_pp_codec_jxl, data, FALSE, &decoded, &error), error);
  g_assert_cmpint (codec_test_max_difference (source, codec_test_frame (&decoded, 0)), ==, 0);
  g_assert_true (g_bytes_equal (decoded.icc, m.icc));
  g_unlink (path);
  g_rmdir (dir);
}

/* Higher --quality: a larger file, closer to the source (djxl's decoding); at the default, 90
 * (distance 1.0, "visually lossless"), close to the photo. */
static void
test_quality (void)
{
  if (!have_jxl_tools ())
    return;
  g_assert_cmpfloat (codec_test_assert_quality_order (&_pp_codec_jxl, "jxl", reference_decode),
                     >, 35);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/codec/jxl/sniff", test_sniff);
  g_test_add_func ("/pp/codec/jxl/decode-reference", test_decode_reference);
  g_test_add_func ("/pp/codec/jxl/orientation", test_orientation);
  g_test_add_func ("/pp/codec/jxl/animation", test_animation);
  g_test_add_func ("/pp/codec/jxl/pixel-limit", test_pixel_limit);
  g_test_add_func ("/pp/codec/jxl/truncated", test_truncated);
  g_test_add_func ("/pp/codec/jxl/round-trip", test_round_trip);
  g_test_add_func ("/pp/codec/jxl/lossless", test_lossless);
  g_test_add_func ("/pp/codec/jxl/quality", test_quality);
  return g_test_run ();
}
