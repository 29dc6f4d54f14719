/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * core/metadata: blobs in every wrapping a container uses, the EXIF orientation, IPTC in and
 * out of JPEG's Photoshop resource block. EXIF here is built by hand from the TIFF 6.0 layout,
 * so the test does not trust the library it checks.
 */
#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gexiv2/gexiv2.h>

#include "metadata/pp-metadata.h"

/* A minimal EXIF blob: a TIFF header and IFD0 with one SHORT entry, tag 0x0112 (orientation),
 * in either byte order (TIFF 6.0 section 2). */
static GBytes *
exif_with_orientation (gboolean big_endian,
                       guint16  orientation)
{
  GByteArray *b = g_byte_array_new ();
#define PUT16(v)                                                                        \
  G_STMT_START                                                                          \
  {                                                                                     \
    guint16 _v = (v);                                                                   \
    guint8 _b[2] = { big_endian ? _v >> 8 : _v & 0xff, big_endian ? _v & 0xff : _v >> 8 }; \
    g_byte_array_append (b, _b, 2);                                                     \
  }                                                                                     \
  G_STMT_END
#define PUT32(v)                                                                        \
  G_STMT_START                                                                          \
  {                                                                                     \
    guint32 _w = (v);                                                                   \
    if (big_endian)                                                                     \
      {                                                                                 \
        PUT16 (_w >> 16);                                                               \
        PUT16 (_w & 0xffff);                                                            \
      }                                                                                 \
    else                                                                                \
      {                                                                                 \
        PUT16 (_w & 0xffff);                                                            \
        PUT16 (_w >> 16);                                                               \
      }                                                                                 \
  }                                                                                     \
  G_STMT_END

  g_byte_array_append (b, (const guint8 *) (big_endian ? "MM" : "II"), 2);
  PUT16 (42);
  PUT32 (8);           /* IFD0 right after the header */
  PUT16 (1);           /* one entry */
  PUT16 (0x0112);      /* Orientation */
  PUT16 (3);           /* SHORT */
  PUT32 (1);           /* one value, stored in the entry, left-justified */
  PUT16 (orientation);
  PUT16 (0);
  PUT32 (0);           /* no next IFD */
#undef PUT16
#undef PUT32
  return g_byte_array_free_to_bytes (b);
}

static GBytes *
prefixed (const void *prefix,
          gsize       prefix_size,
          GBytes     *blob)
{
  GByteArray *b = g_byte_array_new ();

  g_byte_array_append (b, prefix, prefix_size);
  g_byte_array_append (b, g_bytes_get_data (blob, NULL), g_bytes_get_size (blob));
  return g_byte_array_free_to_bytes (b);
}

/* Every orientation reads back from both byte orders. */
static void
test_orientation_every_value (void)
{
  for (int big = 0; big <= 1; big++)
    for (guint16 o = 1; o <= 8; o++)
      {
        g_autoptr (GBytes) exif = exif_with_orientation (big, o);

        g_assert_cmpint (pp_metadata_exif_get_orientation (exif), ==, o);
      }
}

/* No EXIF, garbage, a cut-off blob and out-of-range values all mean "upright", never a crash. */
static void
test_orientation_invalid_is_upright (void)
{
  g_autoptr (GBytes) nine = exif_with_orientation (FALSE, 9);
  g_autoptr (GBytes) zero = exif_with_orientation (TRUE, 0);
  g_autoptr (GBytes) six = exif_with_orientation (FALSE, 6);
  g_autoptr (GBytes) garbage = g_bytes_new_static ("not exif at all", 15);
  g_autoptr (GBytes) empty = g_bytes_new_static ("", 0);

  g_assert_cmpint (pp_metadata_exif_get_orientation (NULL), ==, 1);
  g_assert_cmpint (pp_metadata_exif_get_orientation (nine), ==, 1);
  g_assert_cmpint (pp_metadata_exif_get_orientation (zero), ==, 1);
  g_assert_cmpint (pp_metadata_exif_get_orientation (garbage), ==, 1);
  g_assert_cmpint (pp_metadata_exif_get_orientation (empty), ==, 1);
  /* Every truncation of a valid blob. */
  for (gsize n = 0; n < g_bytes_get_size (six); n++)
    {
      g_autoptr (GBytes) cut = g_bytes_new_from_bytes (six, 0, n);
      int o = pp_metadata_exif_get_orientation (cut);

      g_assert_true (o == 1 || o == 6);
    }
}

/* JPEG's "Exif\0\0" and ISO BMFF's offset field are taken off; the result is the TIFF blob. */
static void
test_payload_forms (void)
{
  g_autoptr (GBytes) tiff = exif_with_orientation (TRUE, 8);
  g_autoptr (GBytes) jpeg_form = prefixed ("Exif\0\0", 6, tiff);
  g_autoptr (GBytes) bmff_form = prefixed ("\0\0\0\6Exif\0\0", 10, tiff);
  g_autoptr (GBytes) bmff_bare = prefixed ("\0\0\0\0", 4, tiff);
  GBytes *forms[] = { tiff, jpeg_form, bmff_form, bmff_bare };

  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) blob = pp_metadata_exif_from_payload (
        g_bytes_get_data (forms[i], NULL), g_bytes_get_size (forms[i]), &error);

      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (blob, tiff));
      g_assert_cmpint (pp_metadata_exif_get_orientation (blob), ==, 8);
    }
}

static void
test_payload_rejects_non_tiff (void)
{
  static const struct { const char *data; gsize size; } bad[] = {
    { "", 0 },
    { "Exif\0\0", 6 },               /* the prefix alone */
    { "\0\0\0\x40II*\0", 8 },        /* an offset past the end */
    { "II*", 3 },                     /* a header cut short */
    { "XMP data here", 13 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) blob = pp_metadata_exif_from_payload ((const guint8 *) bad[i].data,
                                                                 bad[i].size, &error);

      g_assert_null (blob);
      g_assert_error (error, PP_METADATA_ERROR, PP_METADATA_ERROR_INVALID);
    }
}

/* IPTC-IIM: record 2, keywords (25) "sky", city (90) "Berlin". */
static const guint8 iim[] = { 0x1c, 2, 25, 0, 3, 's', 'k', 'y',
                              0x1c, 2, 90, 0, 6, 'B', 'e', 'r', 'l', 'i', 'n' };

/* Wrapping for APP13 and unwrapping give the datasets back, also past other resources, after
 * a split into two segments, and with an odd-length name. */
static void
test_iptc_photoshop_round_trip (void)
{
  g_autoptr (GBytes) iptc = g_bytes_new_static (iim, sizeof iim);
  g_autoptr (GBytes) app13 = pp_metadata_iptc_to_photoshop (iptc);
  g_autoptr (GBytes) back = pp_metadata_iptc_from_photoshop (g_bytes_get_data (app13, NULL),
                                                             g_bytes_get_size (app13));
  const guint8 *p = g_bytes_get_data (app13, NULL);
  /* A resolution resource (0x03ed) named "ab" (length byte + 2 = 3, padded to 4) first. */
  static const guint8 other[] = { '8', 'B', 'I', 'M', 0x03, 0xed, 2, 'a', 'b', 0,
                                  0, 0, 0, 3, 1, 2, 3, 0 };
  g_autoptr (GByteArray) mixed = g_byte_array_new ();
  g_autoptr (GBytes) from_mixed = NULL;

  g_assert_cmpmem (p, 14, "Photoshop 3.0\0", 14);
  g_assert_true (g_bytes_equal (back, iptc));

  g_byte_array_append (mixed, (const guint8 *) "Photoshop 3.0\0", 14);
  g_byte_array_append (mixed, other, sizeof other);
  g_byte_array_append (mixed, p + 14, g_bytes_get_size (app13) - 14);
  from_mixed = pp_metadata_iptc_from_photoshop (mixed->data, mixed->len);
  g_assert_true (g_bytes_equal (from_mixed, iptc));

  /* Nothing to find: NULL, and a cut block never reads past its end. */
  g_assert_null (pp_metadata_iptc_from_photoshop (other, sizeof other));
  for (gsize n = 0; n < g_bytes_get_size (app13); n++)
    {
      g_autoptr (GBytes) cut = pp_metadata_iptc_from_photoshop (p, n);

      g_assert_true (cut == NULL || g_bytes_equal (cut, iptc));
    }
}

static void
test_policy_names (void)
{
  PpMetadataPolicy policy;

  g_assert_true (pp_metadata_policy_from_string ("strip-gps", &policy));
  g_assert_cmpint (policy, ==, PP_METADATA_STRIP_GPS);
  g_assert_true (pp_metadata_policy_from_string ("keep", &policy));
  g_assert_cmpint (policy, ==, PP_METADATA_KEEP);
  g_assert_false (pp_metadata_policy_from_string ("gps", &policy));
  g_assert_false (pp_metadata_policy_from_string (NULL, &policy));
  for (int p = PP_METADATA_KEEP; p <= PP_METADATA_STRIP_GPS; p++)
    {
      PpMetadataPolicy back;

      g_assert_true (pp_metadata_policy_from_string (pp_metadata_policy_to_string (p), &back));
      g_assert_cmpint (back, ==, p);
    }
}

/* Orientation is read on every worker at once while thumbnails load. */
static gpointer
read_many (gpointer data)
{
  for (int i = 0; i < 200; i++)
    {
      g_autoptr (GBytes) exif = exif_with_orientation (i % 2, 1 + i % 8);

      if (pp_metadata_exif_get_orientation (exif) != 1 + i % 8)
        return GINT_TO_POINTER (1);
    }
  return NULL;
}

static void
test_orientation_threads (void)
{
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("reader", read_many, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_null (g_thread_join (threads[i]));
}

/* ------------------------------------------------------------------------------------------ */
/* Normalisation. The sources are written with gexiv2 (starting from the hand-made blob) and
 * read back with it; tests/cli/test-metadata.c reads real outputs with exiftool and exiv2. */

/* A photographer's EXIF: camera, date taken, GPS, orientation 6, a thumbnail. */
static GBytes *
camera_exif (gboolean big_endian)
{
  g_autoptr (GBytes) start = exif_with_orientation (big_endian, 6);
  g_autoptr (GExiv2Metadata) m = gexiv2_metadata_new ();
  g_autoptr (GdkPixbuf) thumb = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 16, 12);
  g_autofree char *jpeg = NULL;
  gsize jpeg_size;

  g_assert_true (gexiv2_metadata_from_app1_segment (m, g_bytes_get_data (start, NULL),
                                                    g_bytes_get_size (start), NULL));
  gexiv2_metadata_try_set_tag_string (m, "Exif.Image.Make", "Canon", NULL);
  gexiv2_metadata_try_set_tag_string (m, "Exif.Image.Model", "Canon EOS R5", NULL);
  gexiv2_metadata_try_set_tag_string (m, "Exif.Image.Software", "Firmware 1.8", NULL);
  gexiv2_metadata_try_set_tag_string (m, "Exif.Image.Copyright", "Ann Example", NULL);
  gexiv2_metadata_try_set_tag_string (m, "Exif.Photo.DateTimeOriginal", "2023:07:14 18:05:09",
                                      NULL);
  gexiv2_metadata_try_set_tag_long (m, "Exif.Photo.PixelXDimension", 8192, NULL);
  gexiv2_metadata_try_set_tag_long (m, "Exif.Photo.PixelYDimension", 5464, NULL);
  gexiv2_metadata_try_set_exif_tag_rational (m, "Exif.Photo.ExposureTime", 1, 250, NULL);
  gexiv2_metadata_try_set_gps_info (m, 13.4, 52.5, 34.0, NULL);
  gdk_pixbuf_fill (thumb, 0x808080ff);
  g_assert_true (gdk_pixbuf_save_to_buffer (thumb, &jpeg, &jpeg_size, "jpeg", NULL, NULL));
  gexiv2_metadata_try_set_exif_thumbnail_from_buffer (m, (const guint8 *) jpeg, jpeg_size, NULL);
  return gexiv2_metadata_get_exif_data (m, big_endian ? GEXIV2_BYTE_ORDER_BIG
                                                      : GEXIV2_BYTE_ORDER_LITTLE, NULL);
}

static const char camera_xmp[] =
  "<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
  "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
  " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
  "  <rdf:Description rdf:about=\"\"\n"
  "    xmlns:tiff=\"http://ns.adobe.com/tiff/1.0/\"\n"
  "    xmlns:exif=\"http://ns.adobe.com/exif/1.0/\"\n"
  "    xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"\n"
  "    xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\"\n"
  "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
  "   tiff:Orientation=\"6\" tiff:ImageWidth=\"8192\" tiff:ImageLength=\"5464\"\n"
  "   exif:PixelXDimension=\"8192\" exif:PixelYDimension=\"5464\"\n"
  "   exif:GPSLatitude=\"52,30.0N\" exif:GPSLongitude=\"13,24.0E\"\n"
  "   xmp:Rating=\"4\" xmp:CreatorTool=\"Darktable 4.4\">\n"
  "   <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">Evening</rdf:li></rdf:Alt></dc:title>\n"
  "   <Iptc4xmpExt:LocationShown><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n"
  "     <Iptc4xmpExt:City>Berlin</Iptc4xmpExt:City>\n"
  "     <exif:GPSLatitude>52,30.0N</exif:GPSLatitude>\n"
  "   </rdf:li></rdf:Bag></Iptc4xmpExt:LocationShown>\n"
  "  </rdf:Description>\n"
  " </rdf:RDF>\n"
  "</x:xmpmeta>\n"
  "<?xpacket end=\"w\"?>";

/* IPTC with keywords and city (above) plus a Latin-1 by-line, "Jos\xe9" (no 1:90 UTF-8). */
static const guint8 iim_latin1[] = { 0x1c, 2, 25, 0, 3, 's', 'k', 'y',
                                     0x1c, 2, 25, 0, 5, 'c', 'l', 'o', 'u', 'd',
                                     0x1c, 2, 90, 0, 6, 'B', 'e', 'r', 'l', 'i', 'n',
                                     0x1c, 2, 80, 0, 4, 'J', 'o', 's', 0xe9 };

static void
camera_blobs (PpMetadataBlobs *blobs,
              gboolean         big_endian)
{
  blobs->exif = camera_exif (big_endian);
  blobs->xmp = g_bytes_new_static (camera_xmp, sizeof camera_xmp - 1);
  blobs->iptc = g_bytes_new_static (iim_latin1, sizeof iim_latin1);
}

/* Opens normalised blobs the way a reader of the output would meet them. */
static GExiv2Metadata *
open_exif_blob (GBytes *exif)
{
  GExiv2Metadata *m = gexiv2_metadata_new ();

  g_assert_nonnull (exif);
  g_assert_true (gexiv2_metadata_from_app1_segment (m, g_bytes_get_data (exif, NULL),
                                                    g_bytes_get_size (exif), NULL));
  return m;
}

static GExiv2Metadata *
open_xmp_blob (GBytes *xmp)
{
  GExiv2Metadata *m = gexiv2_metadata_new ();

  g_assert_nonnull (xmp);
  g_assert_true (gexiv2_metadata_open_buf (m, g_bytes_get_data (xmp, NULL),
                                           g_bytes_get_size (xmp), NULL));
  return m;
}

static char *
tag (GExiv2Metadata *m,
     const char     *name)
{
  return gexiv2_metadata_try_get_tag_string (m, name, NULL);
}

static guint
count_tags_with (char      **tags,
                 const char *needle)
{
  guint n = 0;

  for (guint i = 0; tags[i] != NULL; i++)
    n += strstr (tags[i], needle) != NULL;
  return n;
}

/* Keep: everything a photographer cares about survives; what the pixels changed is updated. */
static void
test_normalize_keep (void)
{
  for (int big = 0; big <= 1; big++)
    {
      g_auto (PpMetadataBlobs) source = { 0 };
      g_auto (PpMetadataBlobs) out = { 0 };
      g_autofree char *note = NULL;
      PpMetadataTarget target = { PP_METADATA_KEEP, 400, 600, 1, TRUE };
      g_autoptr (GExiv2Metadata) exif = NULL;
      g_autoptr (GExiv2Metadata) xmp = NULL;
      g_autofree char *model = NULL, *date = NULL, *software = NULL, *xmp_orientation = NULL;
      g_autofree char *rating = NULL, *creator_tool = NULL, *copyright = NULL;
      g_auto (GStrv) exif_tags = NULL;
      guint8 *thumb = NULL;
      gint thumb_size = 0;
      double lat, lon, alt;

      camera_blobs (&source, big);
      pp_metadata_normalize (&source, &target, &out, &note);
      g_assert_null (note);

      exif = open_exif_blob (out.exif);
      g_assert_cmpint (((const guint8 *) g_bytes_get_data (out.exif, NULL))[0], ==,
                       big ? 'M' : 'I');
      model = tag (exif, "Exif.Image.Model");
      date = tag (exif, "Exif.Photo.DateTimeOriginal");
      software = tag (exif, "Exif.Image.Software");
      copyright = tag (exif, "Exif.Image.Copyright");
      g_assert_cmpstr (model, ==, "Canon EOS R5");
      g_assert_cmpstr (date, ==, "2023:07:14 18:05:09");
      g_assert_cmpstr (copyright, ==, "Ann Example");
      g_assert_true (g_str_has_prefix (software, "Parapix "));
      g_assert_cmpint (gexiv2_metadata_try_get_tag_long (exif, "Exif.Image.Orientation", NULL),
                       ==, 1);
      g_assert_cmpint (
        gexiv2_metadata_try_get_tag_long (exif, "Exif.Photo.PixelXDimension", NULL), ==, 400);
      g_assert_cmpint (
        gexiv2_metadata_try_get_tag_long (exif, "Exif.Photo.PixelYDimension", NULL), ==, 600);
      g_assert_true (gexiv2_metadata_try_get_gps_info (exif, &lon, &lat, &alt, NULL));
      g_assert_cmpfloat_with_epsilon (lat, 52.5, 1e-6);
      g_assert_false (gexiv2_metadata_get_exif_thumbnail (exif, &thumb, &thumb_size));
      g_free (thumb);
      exif_tags = gexiv2_metadata_get_exif_tags (exif);
      g_assert_cmpuint (count_tags_with (exif_tags, "Exif.Thumbnail."), ==, 0);

      xmp = open_xmp_blob (out.xmp);
      xmp_orientation = tag (xmp, "Xmp.tiff.Orientation");
      rating = tag (xmp, "Xmp.xmp.Rating");
      creator_tool = tag (xmp, "Xmp.xmp.CreatorTool");
      g_assert_cmpstr (xmp_orientation, ==, "1");
      g_assert_cmpstr (rating, ==, "4");
      g_assert_cmpstr (creator_tool, ==, "Darktable 4.4"); /* the creator is not us */
      g_assert_cmpint (gexiv2_metadata_try_get_tag_long (xmp, "Xmp.exif.PixelXDimension", NULL),
                       ==, 400);
      g_assert_cmpint (gexiv2_metadata_try_get_tag_long (xmp, "Xmp.tiff.ImageLength", NULL),
                       ==, 600);
      g_assert_true (gexiv2_metadata_try_has_tag (xmp, "Xmp.exif.GPSLatitude", NULL));

      /* JPEG and TIFF hold IPTC: the datasets go through untouched. */
      g_assert_true (g_bytes_equal (out.iptc, source.iptc));
    }
}

/* --keep-orientation: the stored pixels keep their tag. */
static void
test_normalize_keeps_given_orientation (void)
{
  g_auto (PpMetadataBlobs) source = { 0 };
  g_auto (PpMetadataBlobs) out = { 0 };
  PpMetadataTarget target = { PP_METADATA_KEEP, 600, 400, 6, TRUE };
  g_autoptr (GExiv2Metadata) xmp = NULL;
  g_autofree char *xmp_orientation = NULL;

  camera_blobs (&source, FALSE);
  pp_metadata_normalize (&source, &target, &out, NULL);
  g_assert_cmpint (pp_metadata_exif_get_orientation (out.exif), ==, 6);
  xmp = open_xmp_blob (out.xmp);
  xmp_orientation = tag (xmp, "Xmp.tiff.Orientation");
  g_assert_cmpstr (xmp_orientation, ==, "6");
}

/* strip-gps: no GPS field anywhere, everything else as with keep. */
static void
test_normalize_strip_gps (void)
{
  g_auto (PpMetadataBlobs) source = { 0 };
  g_auto (PpMetadataBlobs) out = { 0 };
  PpMetadataTarget target = { PP_METADATA_STRIP_GPS, 400, 600, 1, FALSE };
  g_autoptr (GExiv2Metadata) exif = NULL;
  g_autoptr (GExiv2Metadata) xmp = NULL;
  g_auto (GStrv) exif_tags = NULL;
  g_auto (GStrv) xmp_tags = NULL;
  g_autofree char *model = NULL, *city = NULL, *title = NULL;
  g_autofree char *xmp_text = NULL;
  double lat, lon, alt;

  camera_blobs (&source, FALSE);
  pp_metadata_normalize (&source, &target, &out, NULL);

  exif = open_exif_blob (out.exif);
  exif_tags = gexiv2_metadata_get_exif_tags (exif);
  g_assert_cmpuint (count_tags_with (exif_tags, "GPS"), ==, 0);
  g_assert_false (gexiv2_metadata_try_get_gps_info (exif, &lon, &lat, &alt, NULL));
  model = tag (exif, "Exif.Image.Model");
  g_assert_cmpstr (model, ==, "Canon EOS R5");

  xmp = open_xmp_blob (out.xmp);
  xmp_tags = gexiv2_metadata_get_xmp_tags (xmp);
  g_assert_cmpuint (count_tags_with (xmp_tags, "GPS"), ==, 0);
  xmp_text = g_strndup (g_bytes_get_data (out.xmp, NULL), g_bytes_get_size (out.xmp));
  g_assert_null (strstr (xmp_text, "GPS"));
  /* The location's name is not a coordinate: it stays. */
  city = tag (xmp, "Xmp.iptcExt.LocationShown[1]/Iptc4xmpExt:City");
  g_assert_cmpstr (city, ==, "Berlin");
  title = tag (xmp, "Xmp.dc.title");
  g_assert_nonnull (strstr (title, "Evening"));
}

/* Formats without IPTC-IIM (PNG, WebP, AVIF, JXL) get its IPTC Core fields in XMP; what XMP
 * already says wins. */
static void
test_normalize_mirrors_iptc (void)
{
  g_auto (PpMetadataBlobs) source = { 0 };
  g_auto (PpMetadataBlobs) out = { 0 };
  PpMetadataTarget target = { PP_METADATA_KEEP, 40, 30, 1, FALSE };
  g_autoptr (GExiv2Metadata) xmp = NULL;
  g_auto (GStrv) subject = NULL;
  g_autofree char *city = NULL, *creator = NULL;

  source.iptc = g_bytes_new_static (iim_latin1, sizeof iim_latin1);
  pp_metadata_normalize (&source, &target, &out, NULL);
  g_assert_null (out.iptc);
  xmp = open_xmp_blob (out.xmp);
  subject = gexiv2_metadata_try_get_tag_multiple (xmp, "Xmp.dc.subject", NULL);
  g_assert_cmpuint (g_strv_length (subject), ==, 2);
  g_assert_cmpstr (subject[0], ==, "sky");
  g_assert_cmpstr (subject[1], ==, "cloud");
  city = tag (xmp, "Xmp.photoshop.City");
  g_assert_cmpstr (city, ==, "Berlin");
  creator = tag (xmp, "Xmp.dc.creator");
  g_assert_cmpstr (creator, ==, "Jos\xc3\xa9");
  /* Even an IPTC-only source gets EXIF naming the software. */
  g_assert_nonnull (out.exif);
}

/* strip: nothing; no metadata in: nothing out (no EXIF invented for a bare file). */
static void
test_normalize_strip_and_empty (void)
{
  g_auto (PpMetadataBlobs) source = { 0 };
  g_auto (PpMetadataBlobs) none = { 0 };
  g_auto (PpMetadataBlobs) out = { 0 };
  PpMetadataTarget strip = { PP_METADATA_STRIP, 400, 600, 1, TRUE };
  PpMetadataTarget keep = { PP_METADATA_KEEP, 400, 600, 1, TRUE };

  camera_blobs (&source, FALSE);
  pp_metadata_normalize (&source, &strip, &out, NULL);
  g_assert_true (pp_metadata_blobs_is_empty (&out));
  pp_metadata_normalize (&none, &keep, &out, NULL);
  g_assert_true (pp_metadata_blobs_is_empty (&out));
}

/* Damaged blobs are dropped with a note naming what was lost; the rest is kept. */
static void
test_normalize_damaged (void)
{
  g_auto (PpMetadataBlobs) source = { 0 };
  g_auto (PpMetadataBlobs) out = { 0 };
  g_autofree char *note = NULL;
  PpMetadataTarget target = { PP_METADATA_KEEP, 4, 3, 1, TRUE };
  g_autoptr (GBytes) good = camera_exif (FALSE);

  source.exif = g_bytes_ref (good);
  source.xmp = g_bytes_new_static ("<x:xmpmeta><rdf:RDF", 19);
  pp_metadata_normalize (&source, &target, &out, &note);
  g_assert_nonnull (out.exif);
  g_assert_null (out.xmp);
  g_assert_nonnull (note);
  g_assert_nonnull (strstr (note, "XMP"));

  /* Every cut of the EXIF: never a crash, and either a blob or a note. */
  for (gsize n = 0; n < g_bytes_get_size (good); n += 7)
    {
      g_auto (PpMetadataBlobs) cut_source = { 0 };
      g_auto (PpMetadataBlobs) cut_out = { 0 };
      g_autofree char *cut_note = NULL;

      cut_source.exif = g_bytes_new_from_bytes (good, 0, n);
      pp_metadata_normalize (&cut_source, &target, &cut_out, &cut_note);
      g_assert_true (cut_out.exif != NULL || cut_note != NULL);
    }
}

/* Serial and parallel runs must write the same bytes: the same input gives the same blobs. */
static void
test_normalize_deterministic (void)
{
  g_auto (PpMetadataBlobs) source = { 0 };
  g_auto (PpMetadataBlobs) a = { 0 };
  g_auto (PpMetadataBlobs) b = { 0 };
  PpMetadataTarget target = { PP_METADATA_KEEP, 400, 600, 1, FALSE };

  camera_blobs (&source, FALSE);
  pp_metadata_normalize (&source, &target, &a, NULL);
  g_usleep (1100 * 1000); /* a clock in the output would show now */
  pp_metadata_normalize (&source, &target, &b, NULL);
  g_assert_true (g_bytes_equal (a.exif, b.exif));
  g_assert_true (g_bytes_equal (a.xmp, b.xmp));
}

/* ------------------------------------------------------------------------------------------ */
/* Fields for output names */

static void
test_fields_from_blobs (void)
{
  g_auto (PpMetadataBlobs) source = { 0 };
  g_auto (PpMetadataFields) fields = { 0 };

  camera_blobs (&source, TRUE);
  pp_metadata_read_fields (&source, &fields);
  g_assert_cmpstr (fields.date, ==, "2023-07-14");
  g_assert_cmpstr (fields.time, ==, "18-05-09");
  g_assert_cmpstr (fields.camera, ==, "Canon EOS R5"); /* not "Canon Canon EOS R5" */
  g_assert_cmpint (fields.orientation, ==, 6);
}

/* Built by the test: EXIF with the given make, model and date (any may be NULL). */
static GBytes *
exif_with (const char *make,
           const char *model,
           const char *date)
{
  g_autoptr (GBytes) start = exif_with_orientation (FALSE, 1);
  g_autoptr (GExiv2Metadata) m = gexiv2_metadata_new ();

  g_assert_true (gexiv2_metadata_from_app1_segment (m, g_bytes_get_data (start, NULL),
                                                    g_bytes_get_size (start), NULL));
  if (make != NULL)
    gexiv2_metadata_try_set_tag_string (m, "Exif.Image.Make", make, NULL);
  if (model != NULL)
    gexiv2_metadata_try_set_tag_string (m, "Exif.Image.Model", model, NULL);
  if (date != NULL)
    gexiv2_metadata_try_set_tag_string (m, "Exif.Photo.DateTimeOriginal", date, NULL);
  return gexiv2_metadata_get_exif_data (m, GEXIV2_BYTE_ORDER_LITTLE, NULL);
}

static void
test_fields_camera_names (void)
{
  static const struct { const char *make, *model, *camera; } cases[] = {
    { "NIKON CORPORATION", "NIKON D850", "NIKON D850" },
    { "Panasonic", "DMC-GF1", "Panasonic DMC-GF1" },
    { "  Apple ", "iPhone 13 Pro Max", "Apple iPhone 13 Pro Max" }, /* padding trimmed */
    { NULL, "AC/DC  cam\tone", "AC-DC cam-one" },
    { "OnlyMake", NULL, "OnlyMake" },
    { NULL, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (PpMetadataBlobs) blobs = { 0 };
      g_auto (PpMetadataFields) fields = { 0 };

      blobs.exif = exif_with (cases[i].make, cases[i].model, NULL);
      pp_metadata_read_fields (&blobs, &fields);
      g_assert_cmpstr (fields.camera, ==, cases[i].camera);
      g_assert_null (fields.date);
    }
}

/* Unset dates ("0000:00:00 00:00:00", what cameras write with no clock) fall through to the
 * next source; XMP's ISO 8601 dates are read as shown, without moving time zones. */
static void
test_fields_dates (void)
{
  static const char xmp_date[] =
    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
    "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description "
    "rdf:about=\"\" xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\" "
    "photoshop:DateCreated=\"2019-12-31T23:59:58-05:00\"/></rdf:RDF></x:xmpmeta>";
  g_auto (PpMetadataBlobs) blobs = { 0 };
  g_auto (PpMetadataFields) fields = { 0 };
  g_auto (PpMetadataBlobs) date_only = { 0 };

  blobs.exif = exif_with (NULL, NULL, "0000:00:00 00:00:00");
  blobs.xmp = g_bytes_new_static (xmp_date, sizeof xmp_date - 1);
  pp_metadata_read_fields (&blobs, &fields);
  g_assert_cmpstr (fields.date, ==, "2019-12-31");
  g_assert_cmpstr (fields.time, ==, "23-59-58");

  date_only.exif = exif_with (NULL, NULL, "2001:02:03");
  pp_metadata_read_fields (&date_only, &fields);
  g_assert_cmpstr (fields.date, ==, "2001-02-03");
  g_assert_null (fields.time);
}

/* From a file: the repository's sample photographs carry real cameras' EXIF. */
static void
test_fields_from_file (void)
{
  g_autofree char *river = g_build_filename (g_getenv ("PP_SOURCE_ROOT"), "data", "samples",
                                             "river.jpg", NULL);
  g_autofree char *cat = g_build_filename (g_getenv ("PP_SOURCE_ROOT"), "data", "samples",
                                           "cat.jpg", NULL);
  g_auto (PpMetadataFields) fields = { 0 };

  g_assert_true (pp_metadata_read_file_fields (river, &fields));
  g_assert_cmpstr (fields.date, ==, "2013-06-23");
  g_assert_cmpstr (fields.time, ==, "16-49-15");
  g_assert_cmpstr (fields.camera, ==, "Panasonic DMC-GF1");
  g_assert_cmpint (fields.orientation, ==, 6);
  g_assert_true (pp_metadata_read_file_fields (cat, &fields)); /* no metadata at all */
  g_assert_null (fields.date);
  g_assert_null (fields.camera);
  g_assert_false (pp_metadata_read_file_fields ("/nonexistent/photo.jpg", &fields));
}

/* ------------------------------------------------------------------------------------------ */
/* TIFF: EXIF read from and written into the file's own directories */

static GBytes *
small_tiff (guint8 *pixel_out)
{
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 7, 5);
  /* A stand-in profile: a 200-byte ICC header (size, then "acsp" at 36), which is all
   * GdkPixbuf's TIFF saver checks before storing it as tag 34675. */
  guint8 icc[200] = { 0, 0, 0, 200 };
  g_autofree char *icc64 = NULL;
  g_autofree char *data = NULL;
  gsize size;

  memcpy (icc + 36, "acsp", 4);
  icc64 = g_base64_encode (icc, sizeof icc);
  gdk_pixbuf_fill (pixbuf, 0x3366ccff);
  memcpy (pixel_out, gdk_pixbuf_get_pixels (pixbuf), 3);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &data, &size, "tiff", NULL, "icc-profile",
                                            icc64, NULL));
  return g_bytes_new_take (g_steal_pointer (&data), size);
}

static void
test_tiff_embed_and_read (void)
{
  guint8 pixel[3];
  g_autoptr (GBytes) tiff = small_tiff (pixel);
  g_auto (PpMetadataBlobs) source = { 0 };
  g_auto (PpMetadataBlobs) normalized = { 0 };
  g_autoptr (GBytes) written = NULL;
  g_autoptr (GBytes) exif_back = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GExiv2Metadata) m = gexiv2_metadata_new ();
  g_autoptr (GExiv2Metadata) back = NULL;
  g_autoptr (GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type ("tiff", NULL);
  g_auto (GStrv) subject = NULL;
  g_auto (GStrv) back_tags = NULL;
  g_autofree char *model = NULL, *city = NULL, *width = NULL;
  g_autofree char *note = NULL;
  PpMetadataTarget target = { PP_METADATA_KEEP, 7, 5, 1, TRUE };
  GdkPixbuf *decoded;

  camera_blobs (&source, FALSE);
  pp_metadata_normalize (&source, &target, &normalized, NULL);
  written = pp_metadata_tiff_embed (tiff, &normalized, &note, &error);
  g_assert_no_error (error);
  g_assert_null (note);

  /* Every kind of metadata is there for a reader of the whole file. */
  g_assert_true (gexiv2_metadata_open_buf (m, g_bytes_get_data (written, NULL),
                                           g_bytes_get_size (written), NULL));
  model = tag (m, "Exif.Image.Model");
  g_assert_cmpstr (model, ==, "Canon EOS R5");
  g_assert_true (gexiv2_metadata_try_has_tag (m, "Exif.GPSInfo.GPSLatitude", NULL));
  g_assert_true (gexiv2_metadata_try_has_tag (m, "Xmp.xmp.Rating", NULL));
  city = tag (m, "Iptc.Application2.City");
  g_assert_cmpstr (city, ==, "Berlin");
  /* …and the pixels and the profile are untouched. */
  g_assert_true (gdk_pixbuf_loader_write_bytes (loader, written, NULL));
  g_assert_true (gdk_pixbuf_loader_close (loader, NULL));
  decoded = gdk_pixbuf_loader_get_pixbuf (loader);
  g_assert_cmpint (gdk_pixbuf_get_width (decoded), ==, 7);
  g_assert_cmpmem (gdk_pixbuf_get_pixels (decoded), 3, pixel, 3);
  g_assert_nonnull (gdk_pixbuf_get_option (decoded, "icc-profile"));
  width = tag (m, "Exif.Image.ImageWidth");
  g_assert_cmpstr (width, ==, "7");

  /* Reading it back gives the photo's tags, not the file's structure. */
  exif_back = pp_metadata_exif_from_tiff_file (g_bytes_get_data (written, NULL),
                                               g_bytes_get_size (written));
  g_assert_nonnull (exif_back);
  back = open_exif_blob (exif_back);
  back_tags = gexiv2_metadata_get_exif_tags (back);
  g_assert_cmpuint (count_tags_with (back_tags, "Exif.Image.StripOffsets"), ==, 0);
  g_assert_cmpuint (count_tags_with (back_tags, "Exif.Image.ImageWidth"), ==, 0);
  g_assert_cmpuint (count_tags_with (back_tags, "Exif.Image.InterColorProfile"), ==, 0);
  g_assert_cmpuint (count_tags_with (back_tags, "Exif.Image.XMLPacket"), ==, 0);
  g_assert_true (gexiv2_metadata_try_has_tag (back, "Exif.GPSInfo.GPSLatitude", NULL));
  g_assert_true (gexiv2_metadata_try_has_tag (back, "Exif.Photo.DateTimeOriginal", NULL));

  /* A plain TIFF has no EXIF; something that is not a TIFF neither. */
  g_assert_null (pp_metadata_exif_from_tiff_file (g_bytes_get_data (tiff, NULL),
                                                  g_bytes_get_size (tiff)));
  g_assert_null (pp_metadata_exif_from_tiff_file ((const guint8 *) "GIF89a", 6));
}

static void
test_tiff_embed_refuses_garbage (void)
{
  g_autoptr (GBytes) garbage = g_bytes_new_static ("II*\0garbage", 11);
  g_auto (PpMetadataBlobs) source = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) out = NULL;

  camera_blobs (&source, FALSE);
  out = pp_metadata_tiff_embed (garbage, &source, NULL, &error);
  g_assert_null (out);
  g_assert_error (error, PP_METADATA_ERROR, PP_METADATA_ERROR_FAILED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/metadata/orientation/every-value", test_orientation_every_value);
  g_test_add_func ("/pp/metadata/orientation/invalid-is-upright",
                   test_orientation_invalid_is_upright);
  g_test_add_func ("/pp/metadata/orientation/threads", test_orientation_threads);
  g_test_add_func ("/pp/metadata/exif/payload-forms", test_payload_forms);
  g_test_add_func ("/pp/metadata/exif/payload-rejects-non-tiff", test_payload_rejects_non_tiff);
  g_test_add_func ("/pp/metadata/iptc/photoshop-round-trip", test_iptc_photoshop_round_trip);
  g_test_add_func ("/pp/metadata/policy-names", test_policy_names);
  g_test_add_func ("/pp/metadata/normalize/keep", test_normalize_keep);
  g_test_add_func ("/pp/metadata/normalize/keeps-given-orientation",
                   test_normalize_keeps_given_orientation);
  g_test_add_func ("/pp/metadata/normalize/strip-gps", test_normalize_strip_gps);
  g_test_add_func ("/pp/metadata/normalize/mirrors-iptc", test_normalize_mirrors_iptc);
  g_test_add_func ("/pp/metadata/normalize/strip-and-empty", test_normalize_strip_and_empty);
  g_test_add_func ("/pp/metadata/normalize/damaged", test_normalize_damaged);
  g_test_add_func ("/pp/metadata/normalize/deterministic", test_normalize_deterministic);
  g_test_add_func ("/pp/metadata/fields/from-blobs", test_fields_from_blobs);
  g_test_add_func ("/pp/metadata/fields/camera-names", test_fields_camera_names);
  g_test_add_func ("/pp/metadata/fields/dates", test_fields_dates);
  g_test_add_func ("/pp/metadata/fields/from-file", test_fields_from_file);
  g_test_add_func ("/pp/metadata/tiff/embed-and-read", test_tiff_embed_and_read);
  g_test_add_func ("/pp/metadata/tiff/embed-refuses-garbage", test_tiff_embed_refuses_garbage);
  return g_test_run ();
}
