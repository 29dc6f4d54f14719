/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The HEIF/AVIF codec (core/codecs/pp-codec-heif.c) against libheif's own reference tool and
 * exiftool: corpus AVIF/HEIF/HEIC files decode to heif-convert's pixels, upright (container
 * rotation applied once, the EXIF tag not again), with their EXIF and ICC profile; AVIF output
 * decodes with heif-convert close to the source and keeps EXIF, XMP and the ICC profile byte for
 * byte; quality trades size for fidelity; bombs are refused before any pixel memory; truncated
 * files are a damage error, never pixels.
 */
#include "codecs/pp-codec-private.h"

#include "codec-test-util.h"

#include <libheif/heif.h>

/* heif-convert's decoding of @path (a PNG through GdkPixbuf), the reference pixels. */
static PpImage *
reference_decode (const char *path)
{
  g_autofree char *dir = g_dir_make_tmp ("pp-heif-XXXXXX", NULL);
  g_autofree char *png = g_build_filename (dir, "reference.png", NULL);
  const char *argv[] = { "heif-convert", path, png, NULL };
  PpImage *image;

  g_free (pp_test_run_tool (argv));
  image = codec_test_load_pixbuf (png);
  g_unlink (png);
  g_rmdir (dir);
  return image;
}

static gboolean
have_heif_convert (void)
{
  return pp_test_have_tool ("heif-convert", "libheif-examples");
}

static void
test_sniff (void)
{
  static const char *const heif_files[] = { "valid/pillow_hopper.avif", "valid/pillow_hopper.heif",
                                            "valid/exifsamples_iphone_13_pro_max.heic",
                                            "valid/pillow_rot1mir0.avif", NULL };
  g_autofree char *jpeg = codec_test_sample ("river.jpg");
  g_autoptr (GBytes) jpeg_data = codec_test_read (jpeg);

  for (guint i = 0; heif_files[i] != NULL; i++)
    {
      g_autofree char *path = codec_test_corpus_file (heif_files[i]);
      g_autoptr (GBytes) data = NULL;

      if (path == NULL)
        return;
      data = codec_test_read (path);
      g_assert_true (_pp_codec_heif.sniff (g_bytes_get_data (data, NULL), MIN (64, g_bytes_get_size (data))));
      g_assert_false (_pp_codec_jxl.sniff (g_bytes_get_data (data, NULL), MIN (64, g_bytes_get_size (data))));
    }
  g_assert_false (_pp_codec_heif.sniff (g_bytes_get_data (jpeg_data, NULL), 64));
  g_assert_false (_pp_codec_heif.sniff ((const guint8 *) "\0\0\0\x18" "ftypisom", 12));
  g_assert_cmpstr (_pp_codec_heif.extensions[0], ==, "avif");
}

/* Decodes a corpus file and compares it with heif-convert's pixels. */
static void
check_against_reference (const char *relative,
                         int         width,
                         int         height,
                         int         channels)
{
  g_autofree char *path = codec_test_corpus_file (relative);
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (PpImage) reference = NULL;
  g_auto (PpDecoded) decoded = { 0 };
  PpCodecHeader header = { 0 };
  PpImage *image;

  if (path == NULL || !have_heif_convert ())
    return;
  data = codec_test_read (path);
  g_assert_true (_pp_codec_heif.probe (g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                                       NULL, &header, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (header.format, ==, "heif");
  g_assert_cmpint (header.width, ==, width);
  g_assert_cmpint (header.height, ==, height);
  g_assert_cmpuint (header.n_frames, ==, 1);
  g_assert_cmpint (header.has_alpha, ==, channels == 4);

  codec_test_assert_ok (codec_test_decode (&_pp_codec_heif, data, FALSE, &decoded, &error), error);
  g_assert_null (decoded.damage);
  image = codec_test_frame (&decoded, 0);
  g_assert_cmpint (image->width, ==, width);
  g_assert_cmpint (image->height, ==, height);
  g_assert_cmpint (image->channels, ==, channels);

  reference = reference_decode (path);
  g_assert_cmpint (reference->channels, ==, channels);
  /* The same library behind both: the same pixels, give or take rounding. */
  g_assert_cmpint (codec_test_max_difference (image, reference), <=, 2);
}

static void
test_decode_avif (void)
{
  check_against_reference ("valid/pillow_hopper.avif", 128, 128, 3);
}

static void
test_decode_heif (void)
{
  if (!heif_have_decoder_for_format (heif_compression_HEVC))
    {
      pp_test_missing ("libheif has no HEVC decoder (Debian package libheif1's libde265)");
      return;
    }
  check_against_reference ("valid/pillow_hopper.heif", 128, 128, 3);
}

static void
test_decode_alpha (void)
{
  check_against_reference ("valid/pillow_transparency.avif", 64, 64, 4);
}

/* The file stores 427 × 640 with a 90° irot: decoded 640 × 427, as heif-convert shows it. */
static void
test_decode_rotated (void)
{
  check_against_reference ("valid/pillow_rot1mir0.avif", 640, 427, 3);
}

/* An iPhone photo: irot 270° in the container and EXIF Orientation 6 for the same turn. The
 * pixels come out upright once (3024 × 4032 portrait, as heif-convert shows them); the EXIF,
 * whose tag still says 6, is carried for the metadata layer, and so is the Display P3 profile. */
static void
test_decode_iphone (void)
{
  g_autofree char *path = codec_test_corpus_file ("valid/exifsamples_iphone_13_pro_max.heic");
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) icc = NULL;
  g_auto (PpDecoded) decoded = { 0 };
  g_autofree char *make = NULL;
  PpImage *image;

  if (path == NULL || !pp_test_have_tool ("exiftool", "libimage-exiftool-perl"))
    return;
  if (!heif_have_decoder_for_format (heif_compression_HEVC))
    {
      pp_test_missing ("libheif has no HEVC decoder (Debian package libheif1's libde265)");
      return;
    }
  data = codec_test_read (path);
  codec_test_assert_ok (codec_test_decode (&_pp_codec_heif, data, FALSE, &decoded, &error), error);
  image = codec_test_frame (&decoded, 0);
  g_assert_cmpint (image->width, ==, 3024);
  g_assert_cmpint (image->height, ==, 4032);
  g_assert_cmpint (decoded.header.width, ==, 3024);
  g_assert_cmpint (decoded.header.height, ==, 4032);

  g_assert_nonnull (decoded.metadata.exif);
  g_assert_cmpint (pp_metadata_exif_get_orientation (decoded.metadata.exif), ==, 6);
  /* Upright already: the loader must not apply the EXIF tag on top. */
  g_assert_cmpint (decoded.orientation, ==, 1);
  g_assert_nonnull (decoded.icc);
  icc = codec_test_exiftool_icc (path);
  g_assert_true (g_bytes_equal (decoded.icc, icc));
  make = codec_test_exiftool (path, "Make");
  g_assert_cmpstr (make, ==, "Apple");
  g_assert_nonnull (memmem (g_bytes_get_data (decoded.metadata.exif, NULL),
                            g_bytes_get_size (decoded.metadata.exif), "Apple", 5));
}

/* 17000 × 17000 (289 MP) under a 128 MP limit: refused from the header, no pixel allocated. */
static void
test_bomb (void)
{
  g_autofree char *path = codec_test_corpus_file ("broken/libvips_17000x17000.avif");
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (PpDecoded) decoded = { 0 };
  PpDecodeParams params;
  int allocations = 0;
  gint64 start;

  if (path == NULL)
    return;
  data = codec_test_read (path);
  pp_decode_params_init (&params);
  params.max_pixels = 128e6;
  params.allocate = codec_test_no_allocation;
  params.allocate_data = &allocations;
  start = g_get_monotonic_time ();
  g_assert_false (_pp_codec_heif.decode (g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                                         &params, &decoded, &error));
  g_assert_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "17000 × 17000"));
  g_assert_cmpint (allocations, ==, 0);
  /* Nothing was decoded: the refusal takes a header parse, not 10 s of AV1. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
}

static void
check_truncated (const char *relative)
{
  g_autofree char *path = codec_test_corpus_file (relative);
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (PpDecoded) decoded = { 0 };

  if (path == NULL)
    return;
  data = codec_test_read (path);
  g_assert_false (codec_test_decode (&_pp_codec_heif, data, FALSE, &decoded, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == PP_CODEC_ERROR);
  g_assert_true (error->code == PP_CODEC_ERROR_DAMAGED || error->code == PP_CODEC_ERROR_UNSUPPORTED);
  g_test_message ("%s: %s", relative, error->message);
}

static void
test_truncated (void)
{
  check_truncated ("broken/selfmade_trunc50_hopper.avif");
  if (heif_have_decoder_for_format (heif_compression_HEVC))
    check_truncated ("broken/selfmade_trunc50_hopper.heif");
}

/* Encodes @image as AVIF at @quality with @m's metadata into @path. */
static void
encode_to_file (const PpImage           *image,
                int                      quality,
                const CodecTestMetadata *m,
                const char              *path)
{
  g_bytes_unref (codec_test_encode (&_pp_codec_heif, image, quality, m, path));
}

/* A photo out as AVIF with its metadata: heif-convert decodes it close to the source, exiftool
 * finds the camera, date, rating, title and the ICC profile (byte for byte), and our decoder
 * gets back exactly the blobs it was given. */
static void
test_round_trip (void)
{
  g_autofree char *river = codec_test_sample ("river.jpg");
  g_autofree char *dir = g_dir_make_tmp ("pp-heif-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "river.avif", NULL);
  g_autoptr (PpImage) source = NULL;
  g_autoptr (PpImage) reference = NULL;
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (CodecTestMetadata) m = { 0 };
  g_auto (PpDecoded) decoded = { 0 };
  double psnr;

  if (!have_heif_convert () || !codec_test_metadata_init (&m))
    return;
  source = codec_test_load_pixbuf (river);
  encode_to_file (source, 90, &m, path);

  reference = reference_decode (path);
  psnr = codec_test_psnr (source, reference);
  g_test_message ("AVIF at quality 90: %.1f dB against the source (heif-convert)", psnr);
  g_assert_cmpfloat (psnr, >, 35);
  codec_test_assert_metadata_kept (path, &m, TRUE);

  data = codec_test_read (path);
  codec_test_assert_ok (codec_test_decode (&_pp_codec_heif, data, FALSE, &decoded, &error), error);
  g_assert_cmpint (codec_test_max_difference (codec_test_frame (&decoded, 0), reference), <=, 2);
  g_assert_true (g_bytes_equal (decoded.metadata.exif, m.blobs.exif));
  g_assert_true (g_bytes_equal (decoded.metadata.xmp, m.blobs.xmp));
  g_assert_true (g_bytes_equal (decoded.icc, m.icc));
  g_unlink (path);
  g_rmdir (dir);
}

/* Transparency survives: alpha comes back from heif-convert close to what went in. */
static void
test_round_trip_alpha (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pp-heif-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "alpha.avif", NULL);
  g_autoptr (PpImage) source = pp_test_photo_new (96, 64, 4, 7);
  g_autoptr (PpImage) reference = NULL;

  if (!have_heif_convert ())
    return;
  encode_to_file (source, 90, NULL, path);
  reference = reference_decode (path);
  g_assert_cmpint (reference->channels, ==, 4);
  g_assert_cmpfloat (codec_test_psnr (source, reference), >, 30);
  g_unlink (path);
  g_rmdir (dir);
}

/* Higher --quality: a larger file, closer to the source (heif-convert's decoding). */
static void
test_quality (void)
{
  if (!have_heif_convert ())
    return;
  codec_test_assert_quality_order (&_pp_codec_heif, "avif", reference_decode);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/codec/heif/sniff", test_sniff);
  g_test_add_func ("/pp/codec/heif/decode-avif", test_decode_avif);
  g_test_add_func ("/pp/codec/heif/decode-heif", test_decode_heif);
  g_test_add_func ("/pp/codec/heif/decode-alpha", test_decode_alpha);
  g_test_add_func ("/pp/codec/heif/decode-rotated", test_decode_rotated);
  g_test_add_func ("/pp/codec/heif/decode-iphone", test_decode_iphone);
  g_test_add_func ("/pp/codec/heif/bomb", test_bomb);
  g_test_add_func ("/pp/codec/heif/truncated", test_truncated);
  g_test_add_func ("/pp/codec/heif/round-trip", test_round_trip);
  g_test_add_func ("/pp/codec/heif/round-trip-alpha", test_round_trip_alpha);
  g_test_add_func ("/pp/codec/heif/quality", test_quality);
  return g_test_run ();
}
