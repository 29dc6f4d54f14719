/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pp-test-util.h"

/* Wrapping a pixbuf must share its pixels (no copy), and the round trip must keep every byte. */
static void
test_pixbuf_round_trip (void)
{
  for (int channels = 3; channels <= 4; channels++)
    {
      g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, channels == 4, 8, 13, 7);
      g_autoptr (PpImage) image = NULL;
      g_autoptr (GdkPixbuf) back = NULL;
      g_autoptr (PpImage) again = NULL;
      guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);

      for (int y = 0; y < 7; y++)
        for (int i = 0; i < 13 * channels; i++)
          pixels[y * gdk_pixbuf_get_rowstride (pixbuf) + i] = (y * 31 + i * 7) & 0xff;

      image = pp_image_new_for_pixbuf (pixbuf);
      g_assert_true (image->data == pixels);
      g_assert_cmpint (image->width, ==, 13);
      g_assert_cmpint (image->height, ==, 7);
      g_assert_cmpint (image->channels, ==, channels);
      g_assert_cmpint (image->stride, ==, gdk_pixbuf_get_rowstride (pixbuf));

      back = pp_image_to_pixbuf (image);
      g_assert_true (gdk_pixbuf_get_pixels (back) == pixels);
      g_assert_cmpint (gdk_pixbuf_get_has_alpha (back), ==, channels == 4);
      again = pp_image_new_for_pixbuf (back);
      g_assert_true (pp_image_equal (image, again));
    }
}

/* A pixbuf made from an image keeps the image alive after the caller drops it. */
static void
test_pixbuf_keeps_image_alive (void)
{
  PpImage *image = pp_test_image_new (5, 4, 3, 0, 1);
  g_autoptr (PpImage) copy = pp_image_copy (image);
  g_autoptr (GdkPixbuf) pixbuf = pp_image_to_pixbuf (image);
  g_autoptr (PpImage) back = NULL;

  pp_image_unref (image);
  back = pp_image_new_for_pixbuf (pixbuf);
  g_assert_true (pp_image_equal (back, copy));
}

static void
test_equal_ignores_stride (void)
{
  g_autoptr (PpImage) a = pp_test_image_new (9, 5, 4, 0, 7);
  g_autoptr (PpImage) b = pp_test_image_new (9, 5, 4, 13, 7);

  g_assert_cmpint (a->stride, !=, b->stride);
  g_assert_true (pp_image_equal (a, b));
  g_assert_cmpuint (pp_image_get_checksum (a), ==, pp_image_get_checksum (b));
  PP_IMAGE_ROW (b, 4)[35] ^= 1;
  g_assert_false (pp_image_equal (a, b));
  g_assert_cmpuint (pp_image_get_checksum (a), !=, pp_image_get_checksum (b));
}

static void
test_huge_allocation_fails_cleanly (void)
{
  /* 2^17 x 2^17 x 4 bytes = 64 GiB: must return NULL, not abort. */
  PpImage *image = pp_image_new (1 << 17, 1 << 17, 4);

  g_assert_null (image);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/image/pixbuf-round-trip", test_pixbuf_round_trip);
  g_test_add_func ("/pp/image/pixbuf-keeps-image-alive", test_pixbuf_keeps_image_alive);
  g_test_add_func ("/pp/image/equal-ignores-stride", test_equal_ignores_stride);
  g_test_add_func ("/pp/image/huge-allocation-fails", test_huge_allocation_fails_cleanly);
  return g_test_run ();
}
