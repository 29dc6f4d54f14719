/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * EXIF orientation, every one of the eight (mirrored ones included), on the corpus' recurser
 * sets (recurser/exif-orientation-examples): Landscape_N and Portrait_N store the same photo
 * turned so that orientation N shows it upright; _0 has an invalid orientation 0, to be shown as
 * stored. pp_io_load() must give pixels matching the upright _1 of the set, through the isolated
 * decoder as a batch loads. The same for the TIFF Orientation tag (tiff).
 *
 * The tolerance, and why. Each recurser file was JPEG-compressed separately after turning, so
 * the 8x8 blocks (and the 2x2 chroma subsampling) fall on different pixels and the files differ
 * by compression error. Measured on Debian 12's libjpeg-turbo over the 16 correctly oriented
 * files: a mean absolute difference from _1 of 0.35 to 3.7 levels (of 255) per sample, highest
 * for Landscape 5..8, recompressed after a quarter turn. The test allows 6: the worst seen plus
 * about 2 levels for another decoder's IDCT and chroma upsampling. A wrong orientation is a
 * different picture, measured 43 to 74 levels away; the test also requires the right
 * orientation to be at least 5 times closer than each of the seven wrong ones, so a mistake
 * cannot hide in a near-symmetric picture.
 */
#include "config.h"

#include "io/pp-io.h"
#include "pp-test-util.h"

#define MAX_MEAN_ERROR 6.0
#define MIN_MARGIN 5.0
#define STEP 3 /* compare every third pixel of every third row: 240,000 samples per file */

/* The eight ways an image of w x h can be turned or mirrored: which pixel of the upright
 * reference (rw x rh) lands at (x, y). */
typedef struct
{
  const char *name;
  gboolean swaps; /* a quarter turn: the reference is rh x rw */
  void (*map) (int x, int y, int w, int h, int *rx, int *ry);
} Transform;

#define MAP(fn, ex, ey) \
  static void fn (int x, int y, int w, int h, int *rx, int *ry) { *rx = (ex); *ry = (ey); }
MAP (map_identity, x, y)
MAP (map_flip_h, w - 1 - x, y)
MAP (map_rotate_180, w - 1 - x, h - 1 - y)
MAP (map_flip_v, x, h - 1 - y)
MAP (map_transpose, y, x)
MAP (map_rotate_90, y, w - 1 - x)
MAP (map_transverse, h - 1 - y, w - 1 - x)
MAP (map_rotate_270, h - 1 - y, x)
#undef MAP

static const Transform transforms[] = {
  { "as is", FALSE, map_identity },       { "mirrored", FALSE, map_flip_h },
  { "turned 180°", FALSE, map_rotate_180 }, { "flipped", FALSE, map_flip_v },
  { "transposed", TRUE, map_transpose },  { "turned 90°", TRUE, map_rotate_90 },
  { "transversed", TRUE, map_transverse }, { "turned 270°", TRUE, map_rotate_270 },
};

static char *
corpus_file (const char *name)
{
  const char *dir = g_getenv ("PP_CORPUS_DIR");

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    return NULL;
  return g_build_filename (dir, "valid", name, NULL);
}

static PpImage *
load (const char *name,
      PpImageInfo *info)
{
  g_autofree char *path = corpus_file (name);
  g_autoptr (GError) error = NULL;
  PpImage *image = pp_io_load (path, NULL, info, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (image);
  return image;
}

/* Mean absolute difference per colour sample between @image and @reference seen through
 * @t, or a negative number when the sizes do not fit @t. */
static double
mean_error (const PpImage   *image,
            const PpImage   *reference,
            const Transform *t)
{
  int w = image->width, h = image->height;
  guint64 sum = 0, n = 0;

  if (t->swaps ? (reference->width != h || reference->height != w)
               : (reference->width != w || reference->height != h))
    return -1.0;
  for (int y = 0; y < h; y += STEP)
    for (int x = 0; x < w; x += STEP)
      {
        const guint8 *p = PP_IMAGE_ROW (image, y) + x * image->channels;
        const guint8 *q;
        int rx, ry;

        t->map (x, y, w, h, &rx, &ry);
        q = PP_IMAGE_ROW (reference, ry) + rx * reference->channels;
        for (int c = 0; c < 3; c++)
          sum += ABS (p[c] - q[c]);
        n += 3;
      }
  return (double) sum / n;
}

/* @name, once oriented, is @reference; returns the error. */
static double
check_oriented (const char    *name,
                int            orientation,
                const PpImage *reference,
                double         max_error)
{
  g_auto (PpImageInfo) info = { 0 };
  g_autoptr (PpImage) image = load (name, &info);
  double right = mean_error (image, reference, &transforms[0]), nearest_wrong = G_MAXDOUBLE;
  const char *nearest = NULL;

  if (orientation >= 1)
    g_assert_cmpint (info.orientation, ==, orientation);
  g_assert_true (info.orientation_applied == (orientation > 1));
  if (right < 0)
    g_error ("%s (orientation %d): %d x %d once oriented, the upright image is %d x %d", name,
             orientation, image->width, image->height, reference->width, reference->height);
  for (guint t = 1; t < G_N_ELEMENTS (transforms); t++)
    {
      double e = mean_error (image, reference, &transforms[t]);

      if (e >= 0 && e < nearest_wrong)
        nearest_wrong = e, nearest = transforms[t].name;
    }
  g_test_message ("%s (orientation %d): mean error %.2f; nearest wrong orientation (%s) %.2f",
                  name, orientation, right, nearest, nearest_wrong);
  if (right > max_error)
    g_error ("%s (orientation %d): oriented pixels differ from the upright image by %.2f on "
             "average, more than %.1f; it looks %s (%.2f)", name, orientation, right, max_error,
             nearest, nearest_wrong);
  if (nearest != NULL && right * MIN_MARGIN > nearest_wrong && nearest_wrong > 0)
    g_error ("%s (orientation %d): the upright image (%.2f) is not clearly closer than %s "
             "(%.2f)", name, orientation, right, nearest, nearest_wrong);
  return right;
}

static void
test_recurser (gconstpointer data)
{
  const char *set = data;
  g_autofree char *upright_name = g_strdup_printf ("recurser_%s_1.jpg", set);
  g_autofree char *probe = corpus_file (upright_name);
  g_auto (PpImageInfo) info = { 0 };
  g_autoptr (PpImage) upright = NULL;
  double worst = 0;

  if (probe == NULL)
    {
      pp_test_missing ("PP_CORPUS_DIR is not a folder (../shared/corpus beside the source)");
      return;
    }
  upright = load (upright_name, &info);
  /* The reference is itself as the set's name says. */
  g_assert_cmpint (upright->width > upright->height, ==, g_str_equal (set, "Landscape"));

  for (int orientation = 0; orientation <= 8; orientation++)
    {
      g_autofree char *name = g_strdup_printf ("recurser_%s_%d.jpg", set, orientation);

      worst = MAX (worst, check_oriented (name, orientation, upright, MAX_MEAN_ERROR));
    }
  g_test_message ("%s: worst mean error %.2f of %.1f allowed", set, worst, MAX_MEAN_ERROR);
}

/* The TIFF Orientation tag (bilevel G4 files of orientation 1, 3, 5, 6, 8). The files were
 * drawn separately, so about a hundred of their 51,920 pixels differ (measured mean 0.26 to
 * 0.43 levels); the nearest wrong turn or mirror is 24 levels off. */
static void
test_tiff (void)
{
  static const int orientations[] = { 1, 3, 5, 6, 8 };
  g_autofree char *probe = corpus_file ("pillow_g4_orientation_1.tif");
  g_auto (PpImageInfo) info = { 0 };
  g_autoptr (PpImage) upright = NULL;

  if (probe == NULL)
    {
      pp_test_missing ("PP_CORPUS_DIR is not a folder (../shared/corpus beside the source)");
      return;
    }
  upright = load ("pillow_g4_orientation_1.tif", &info);
  g_assert_cmpint (upright->width, ==, 590);
  for (guint i = 0; i < G_N_ELEMENTS (orientations); i++)
    {
      g_autofree char *name = g_strdup_printf ("pillow_g4_orientation_%d.tif", orientations[i]);

      check_oriented (name, orientations[i], upright, 2.0);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/pp/orientation/recurser-landscape", "Landscape", test_recurser);
  g_test_add_data_func ("/pp/orientation/recurser-portrait", "Portrait", test_recurser);
  g_test_add_func ("/pp/orientation/tiff", test_tiff);
  return g_test_run ();
}
