/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the HEIF/AVIF and JPEG XL codec tests share: files in and out, the reference tools
 * (heif-convert, djxl, exiftool: Debian packages libheif-examples, libjxl-tools,
 * libimage-exiftool-perl), the metadata a photographer's file carries, and pixel comparisons.
 * A reference tool that is missing is a missing prerequisite (a skip, or under CI a failure).
 */
#pragma once

#include <math.h>
#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>

#include "codecs/pp-codec.h"

#include "pp-test-util.h"

/* Asserts that @call (a gboolean call that sets @error) succeeded, showing the error if not. */
#define codec_test_assert_ok(call, error) \
  G_STMT_START { gboolean ok_ = (call); g_assert_no_error (error); g_assert_true (ok_); } G_STMT_END

static inline char *
codec_test_sample (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "..", "data", "samples", name, NULL);
}

/* A file of the shared corpus, or %NULL (and the test marked as missing it). */
static inline char *
codec_test_corpus_file (const char *relative)
{
  const char *corpus = g_getenv ("PP_CORPUS_DIR");
  g_autofree char *path = NULL;

  if (corpus == NULL)
    {
      pp_test_missing ("PP_CORPUS_DIR is not set (tests/meson.build sets it to shared/corpus)");
      return NULL;
    }
  path = g_build_filename (corpus, relative, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      pp_test_missing ("the corpus has no %s", relative);
      return NULL;
    }
  return g_steal_pointer (&path);
}

static inline GBytes *
codec_test_read (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize size = 0;

  g_file_get_contents (path, &contents, &size, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, size);
}

static inline void
codec_test_write (const char *path,
                  const guint8 *data,
                  gsize         size)
{
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, (const char *) data, (gssize) size, &error);
  g_assert_no_error (error);
}

/* An image file as pixels, through GdkPixbuf (no colour conversion), 3 or 4 channels. */
static inline PpImage *
codec_test_load_pixbuf (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (path, &error);
  g_autoptr (PpImage) wrapped = NULL;

  g_assert_no_error (error);
  wrapped = pp_image_new_for_pixbuf (pixbuf);
  return pp_image_copy (wrapped);
}

/* Peak signal-to-noise ratio of @b against @a over the colour channels (and alpha when both
 * have it), in dB; 99 for identical images. Same size required. */
static inline double
codec_test_psnr (const PpImage *a,
                 const PpImage *b)
{
  int channels = MIN (a->channels, b->channels);
  double sum = 0;
  guint64 n = 0;

  g_assert_cmpint (a->width, ==, b->width);
  g_assert_cmpint (a->height, ==, b->height);
  for (int y = 0; y < a->height; y++)
    {
      const guint8 *ra = PP_IMAGE_ROW (a, y), *rb = PP_IMAGE_ROW (b, y);

      for (int x = 0; x < a->width; x++)
        for (int c = 0; c < channels; c++)
          {
            double d = (double) ra[x * a->channels + c] - rb[x * b->channels + c];

            sum += d * d;
            n++;
          }
    }
  if (sum == 0)
    return 99;
  return 10 * log10 (255.0 * 255.0 / (sum / n));
}

static inline int
codec_test_max_difference (const PpImage *a,
                           const PpImage *b)
{
  int worst = 0;

  g_assert_cmpint (a->width, ==, b->width);
  g_assert_cmpint (a->height, ==, b->height);
  g_assert_cmpint (a->channels, ==, b->channels);
  for (int y = 0; y < a->height; y++)
    for (int i = 0; i < a->width * a->channels; i++)
      worst = MAX (worst, ABS (PP_IMAGE_ROW (a, y)[i] - PP_IMAGE_ROW (b, y)[i]));
  return worst;
}

/* The metadata a photographer's file carries, for round trips: the EXIF of a camera photo
 * (river.jpg: Panasonic DMC-GF1, date taken, orientation 6), an XMP packet with a title and a
 * rating, and an Adobe RGB (1998)-compatible ICC profile (libvips' sample.jpg in the corpus),
 * each read out of its file by exiftool, independently of the code under test. */
typedef struct
{
  PpMetadataBlobs blobs;
  GBytes *icc;
} CodecTestMetadata;

static inline void
codec_test_metadata_clear (CodecTestMetadata *m)
{
  pp_metadata_blobs_clear (&m->blobs);
  g_clear_pointer (&m->icc, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CodecTestMetadata, codec_test_metadata_clear)

#define CODEC_TEST_XMP \
  "<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n" \
  "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n" \
  " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n" \
  "  <rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n" \
  "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmp:Rating=\"4\">\n" \
  "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">Parapix round trip</rdf:li></rdf:Alt>" \
  "</dc:title>\n" \
  "  </rdf:Description>\n" \
  " </rdf:RDF>\n" \
  "</x:xmpmeta>\n" \
  "<?xpacket end=\"w\"?>"

static inline gboolean
codec_test_metadata_init (CodecTestMetadata *m)
{
  g_autofree char *river = codec_test_sample ("river.jpg");
  g_autofree char *a98 = codec_test_corpus_file ("valid/libvips_sample.jpg");
  g_autofree char *exif = NULL;
  g_autofree char *icc = NULL;
  g_autoptr (GError) error = NULL;
  gsize exif_size = 0, icc_size = 0;

  memset (m, 0, sizeof *m);
  if (a98 == NULL || !pp_test_have_tool ("exiftool", "libimage-exiftool-perl"))
    return FALSE;
  /* Binary output: through files rather than NUL-terminated strings. */
  {
    g_autofree char *dir = g_dir_make_tmp ("pp-codec-XXXXXX", &error);
    g_autofree char *exif_path = g_build_filename (dir, "exif.bin", NULL);
    g_autofree char *icc_path = g_build_filename (dir, "profile.icc", NULL);
    g_autofree char *exif_cmd = g_strdup_printf ("exiftool -b -EXIF '%s' > '%s'", river, exif_path);
    g_autofree char *icc_cmd = g_strdup_printf ("exiftool -b -ICC_Profile '%s' > '%s'", a98,
                                                icc_path);
    const char *sh_exif[] = { "sh", "-c", exif_cmd, NULL };
    const char *sh_icc[] = { "sh", "-c", icc_cmd, NULL };

    g_assert_no_error (error);
    g_free (pp_test_run_tool (sh_exif));
    g_free (pp_test_run_tool (sh_icc));
    g_file_get_contents (exif_path, &exif, &exif_size, &error);
    g_assert_no_error (error);
    g_file_get_contents (icc_path, &icc, &icc_size, &error);
    g_assert_no_error (error);
    g_unlink (exif_path);
    g_unlink (icc_path);
    g_rmdir (dir);
  }
  m->blobs.exif = pp_metadata_exif_from_payload ((const guint8 *) exif, exif_size, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pp_metadata_exif_get_orientation (m->blobs.exif), ==, 6);
  m->blobs.xmp = g_bytes_new_static (CODEC_TEST_XMP, strlen (CODEC_TEST_XMP));
  g_assert_cmpuint (icc_size, >, 128);
  m->icc = g_bytes_new (icc, icc_size);
  return TRUE;
}

/* exiftool's reading of @tag in @path ("-s -s -s": the value only). */
static inline char *
codec_test_exiftool (const char *path,
                     const char *tag)
{
  g_autofree char *arg = g_strdup_printf ("-%s", tag);
  const char *argv[] = { "exiftool", "-s", "-s", "-s", arg, path, NULL };
  char *out = pp_test_run_tool (argv);

  return g_strchomp (out);
}

/* The ICC profile exiftool finds in @path, byte for byte. */
static inline GBytes *
codec_test_exiftool_icc (const char *path)
{
  g_autofree char *out_path = g_strconcat (path, ".icc", NULL);
  g_autofree char *cmd = g_strdup_printf ("exiftool -b -ICC_Profile '%s' > '%s'", path, out_path);
  const char *argv[] = { "sh", "-c", cmd, NULL };
  GBytes *icc;

  g_free (pp_test_run_tool (argv));
  icc = codec_test_read (out_path);
  g_unlink (out_path);
  return icc;
}

/* Everything a photographer keeps, as the independent tool reads it from @path; the ICC profile
 * too when exiftool can read it in this format (%FALSE for JPEG XL, whose profile is inside the
 * codestream: Debian 12's exiftool 12.57 does not look there). */
static inline void
codec_test_assert_metadata_kept (const char              *path,
                                 const CodecTestMetadata *m,
                                 gboolean                 check_icc)
{
  g_autofree char *make = codec_test_exiftool (path, "Make");
  g_autofree char *model = codec_test_exiftool (path, "Model");
  g_autofree char *taken = codec_test_exiftool (path, "DateTimeOriginal");
  g_autofree char *rating = codec_test_exiftool (path, "XMP:Rating");
  g_autofree char *title = codec_test_exiftool (path, "XMP:Title");

  g_assert_cmpstr (make, ==, "Panasonic");
  g_assert_cmpstr (model, ==, "DMC-GF1");
  g_assert_cmpstr (taken, ==, "2013:06:23 16:49:15");
  g_assert_cmpstr (rating, ==, "4");
  g_assert_cmpstr (title, ==, "Parapix round trip");
  if (check_icc)
    {
      g_autofree char *profile = codec_test_exiftool (path, "ProfileDescription");
      g_autoptr (GBytes) icc = codec_test_exiftool_icc (path);

      g_assert_cmpstr (profile, ==, "Artifex Software A98 ICC Profile");
      g_assert_true (g_bytes_equal (icc, m->icc));
    }
}

/* Decodes @data with @codec, full size, first frame, no limit. */
/* Encodes @image with @codec at @quality (with @m's metadata blobs and ICC profile when @m is
 * set) and writes the file to @path; fails the test on an encoder error or an output the codec
 * does not recognise as its own. Returns: (transfer full) the file's bytes. */
static inline GBytes *
codec_test_encode (const PpCodec           *codec,
                   const PpImage           *image,
                   int                      quality,
                   const CodecTestMetadata *m,
                   const char              *path)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  PpFrame frame = { (PpImage *) image, 0 };
  PpEncodeOptions options;

  pp_encode_options_init (&options);
  options.quality = quality;
  if (m != NULL)
    {
      options.metadata = &m->blobs;
      options.icc = m->icc;
    }
  g_assert_true (codec->encode (&frame, 1, &options, out, &error));
  g_assert_no_error (error);
  g_assert_true (codec->sniff (out->data, MIN (out->len, 64)));
  if (path != NULL)
    codec_test_write (path, out->data, out->len);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

/* Higher --quality (30, 60, 90) with @codec gives a larger file, closer to the photo river.jpg
 * as the format's reference tool decodes it (@reference_decode reads a file named *.@extension).
 * Returns: the PSNR in dB at quality 90, the default. */
static inline double
codec_test_assert_quality_order (const PpCodec *codec,
                                 const char    *extension,
                                 PpImage     *(*reference_decode) (const char *path))
{
  static const int qualities[] = { 30, 60, 90 };
  g_autofree char *river = codec_test_sample ("river.jpg");
  g_autofree char *dir = g_dir_make_tmp ("pp-quality-XXXXXX", NULL);
  g_autoptr (PpImage) source = codec_test_load_pixbuf (river);
  gsize last_size = 0;
  double last_psnr = 0;

  for (guint i = 0; i < G_N_ELEMENTS (qualities); i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/q%d.%s", dir, qualities[i], extension);
      g_autoptr (GBytes) data = codec_test_encode (codec, source, qualities[i], NULL, path);
      g_autoptr (PpImage) reference = reference_decode (path);
      double psnr = codec_test_psnr (source, reference);

      g_test_message ("%s quality %d: %" G_GSIZE_FORMAT " bytes, %.1f dB", extension,
                      qualities[i], g_bytes_get_size (data), psnr);
      g_assert_cmpuint (g_bytes_get_size (data), >, last_size);
      g_assert_cmpfloat (psnr, >, last_psnr);
      last_size = g_bytes_get_size (data);
      last_psnr = psnr;
      g_unlink (path);
    }
  g_rmdir (dir);
  return last_psnr;
}

static inline gboolean
codec_test_decode (const PpCodec *codec,
                   GBytes        *data,
                   gboolean       all_frames,
                   PpDecoded     *out,
                   GError       **error)
{
  PpDecodeParams params;

  pp_decode_params_init (&params);
  params.all_frames = all_frames;
  memset (out, 0, sizeof *out);
  return codec->decode (g_bytes_get_data (data, NULL), g_bytes_get_size (data), &params, out,
                        error);
}

static inline PpImage *
codec_test_frame (const PpDecoded *decoded,
                  guint            i)
{
  g_assert_nonnull (decoded->frames);
  g_assert_cmpuint (decoded->frames->len, >, i);
  return ((PpFrame *) g_ptr_array_index (decoded->frames, i))->image;
}

/* An allocator that must not be called: the pixel limit refuses before any pixel memory. */
static inline PpImage *
codec_test_no_allocation (int      width,
                          int      height,
                          int      channels,
                          gpointer user_data)
{
  (*(int *) user_data)++;
  return pp_image_new (width, height, channels);
}
