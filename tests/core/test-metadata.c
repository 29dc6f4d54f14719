/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * core/metadata: blobs in every wrapping a container uses, the EXIF orientation, IPTC in and
 * out of JPEG's Photoshop resource block. EXIF here is built by hand from the TIFF 6.0 layout,
 * so the test does not trust the library it checks.
 */
#include <string.h>

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
  return g_test_run ();
}
