/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Premultiplied alpha in the resampling and neighbourhood filters. tests/core/test-filters.c
 * holds every filter to a naive premultiplied reference; here are the properties a user sees:
 * colours hidden under full transparency never show anywhere, opaque RGBA gives exactly the
 * RGB result, and the shapes of the bug cases (a red square on transparent green, a white
 * disc on transparent black) keep their colour to the edge when shrunk.
 */
#include <math.h>

#include "filters/pp-filter.h"
#include "image/pp-image-alpha.h"
#include "pp-test-util.h"
#include "render/pp-pipeline.h"
#include "render/pp-plan.h"
#include "render/pp-render.h"

/* Every filter that looks at more than one pixel (local and geometry), with parameters that
 * make it work (resampling both down and up). */
static const char *const neighbourhood_specs[] = {
  "box-blur=2",       "gaussian-blur=1.5", "sharpen=2;radius=1.5", "edge-detect", "median",
  "emboss",           "fit=13x9",          "fit=60x60;enlarge=true", "resize=37",  "resize=170",
  "rotate=90",        "flip=horizontal",   "crop=20x10;x=3;y=2",
};

static PpImage *
run (const char    *spec,
     const PpImage *src,
     int            threads)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec (spec, &error);
  g_autoptr (PpPlan) plan = NULL;
  PpImage *out;

  g_assert_no_error (error);
  plan = pp_plan_new (pipeline, src->width, src->height, src->channels, &error);
  g_assert_no_error (error);
  out = pp_plan_run (plan, (PpImage *) src, threads, NULL, NULL, &error);
  g_assert_no_error (error);
  return out;
}

/* Random RGBA where about a third of the pixels are fully transparent, a third opaque. */
static PpImage *
patchy_image (int     width,
              int     height,
              guint32 seed)
{
  PpImage *image = pp_test_image_new (width, height, 4, 0, seed);
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed + 1);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        int kind = g_rand_int_range (rand, 0, 3);

        if (kind < 2)
          PP_IMAGE_ROW (image, y)[4 * x + 3] = kind == 0 ? 0 : 255;
      }
  return image;
}

/* Repaints every fully transparent pixel in another colour: nothing visible changes. */
static PpImage *
repaint_hidden (const PpImage *src,
                guint32        seed)
{
  PpImage *copy = pp_image_copy (src);
  g_autoptr (GRand) rand = g_rand_new_with_seed (seed);

  for (int y = 0; y < copy->height; y++)
    for (int x = 0; x < copy->width; x++)
      {
        guint8 *p = PP_IMAGE_ROW (copy, y) + 4 * x;

        if (p[3] == 0)
          for (int c = 0; c < 3; c++)
            p[c] = g_rand_int_range (rand, 0, 256);
      }
  return copy;
}

/* The colour a fully transparent pixel hides must not reach any visible output pixel. */
static void
test_hidden_colours_never_show (void)
{
  g_autoptr (PpImage) src = patchy_image (41, 29, 7);
  g_autoptr (PpImage) repainted = repaint_hidden (src, 8);

  for (guint i = 0; i < G_N_ELEMENTS (neighbourhood_specs); i++)
    {
      g_autoptr (PpImage) a = run (neighbourhood_specs[i], src, 2);
      g_autoptr (PpImage) b = run (neighbourhood_specs[i], repainted, 2);

      g_assert_cmpint (a->width, ==, b->width);
      for (int y = 0; y < a->height; y++)
        for (int x = 0; x < a->width; x++)
          {
            const guint8 *pa = PP_IMAGE_ROW (a, y) + 4 * x, *pb = PP_IMAGE_ROW (b, y) + 4 * x;

            g_assert_cmpint (pa[3], ==, pb[3]);
            if (pa[3] != 0 && memcmp (pa, pb, 4) != 0)
              g_error ("%s: visible pixel (%d, %d) changed with the colours of transparent "
                       "pixels: %d,%d,%d vs %d,%d,%d", neighbourhood_specs[i], x, y, pa[0], pa[1],
                       pa[2], pb[0], pb[1], pb[2]);
          }
    }
}

/* An RGBA image whose alpha is all 255 gives exactly the bytes of its RGB twin: premultiplying
 * changes nothing for opaque pixels, in every filter. */
static void
test_opaque_rgba_matches_rgb (void)
{
  g_autoptr (PpImage) rgb = pp_test_photo_new (53, 37, 3, 3);
  g_autoptr (PpImage) rgba = pp_image_new (53, 37, 4);

  for (int y = 0; y < rgb->height; y++)
    for (int x = 0; x < rgb->width; x++)
      {
        memcpy (PP_IMAGE_ROW (rgba, y) + 4 * x, PP_IMAGE_ROW (rgb, y) + 3 * x, 3);
        PP_IMAGE_ROW (rgba, y)[4 * x + 3] = 255;
      }
  for (guint i = 0; i < G_N_ELEMENTS (neighbourhood_specs); i++)
    {
      g_autoptr (PpImage) out3 = run (neighbourhood_specs[i], rgb, 2);
      g_autoptr (PpImage) out4 = run (neighbourhood_specs[i], rgba, 2);

      g_assert_cmpint (out3->width, ==, out4->width);
      g_assert_cmpint (out3->height, ==, out4->height);
      for (int y = 0; y < out3->height; y++)
        for (int x = 0; x < out3->width; x++)
          {
            const guint8 *p3 = PP_IMAGE_ROW (out3, y) + 3 * x, *p4 = PP_IMAGE_ROW (out4, y) + 4 * x;

            if (memcmp (p3, p4, 3) != 0 || p4[3] != 255)
              g_error ("%s: opaque RGBA pixel (%d, %d) is %d,%d,%d,%d, RGB gives %d,%d,%d",
                       neighbourhood_specs[i], x, y, p4[0], p4[1], p4[2], p4[3], p3[0], p3[1],
                       p3[2]);
          }
    }
}

/* The kind of alpha-resize-halo's inputs: an opaque shape of one colour on a transparent
 * background that hides another. */
static PpImage *
shape_on_transparent (int           size,
                      gboolean      disc,
                      const guint8  shape[3],
                      const guint8  hidden[3])
{
  PpImage *image = pp_image_new (size, size, 4);
  double r = size * 0.3, c = size / 2.0;

  for (int y = 0; y < size; y++)
    for (int x = 0; x < size; x++)
      {
        guint8 *p = PP_IMAGE_ROW (image, y) + 4 * x;
        gboolean inside = disc ? hypot (x + 0.5 - c, y + 0.5 - c) <= r
                               : fabs (x + 0.5 - c) <= r && fabs (y + 0.5 - c) <= r;

        memcpy (p, inside ? shape : hidden, 3);
        p[3] = inside ? 255 : 0;
      }
  return image;
}

/* Shrunk (and blurred), every pixel that shows anything shows the shape's own colour: no grey
 * ring, no green fringe. Checked at several sizes and with the bug case's two shapes. */
static void
test_no_halo (void)
{
  static const guint8 red[3] = { 255, 0, 0 }, green[3] = { 0, 255, 0 };
  static const guint8 white[3] = { 255, 255, 255 }, black[3] = { 0, 0, 0 };
  static const char *const specs[] = { "fit=17x17", "resize=23", "fit=7x7", "resize=250",
                                       "gaussian-blur=3", "box-blur=4" };

  for (int disc = 0; disc <= 1; disc++)
    for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
      {
        const guint8 *shape = disc ? white : red;
        g_autoptr (PpImage) src = shape_on_transparent (64, disc, shape, disc ? black : green);
        g_autoptr (PpImage) out = run (specs[i], src, 2);
        int partial = 0;

        for (int y = 0; y < out->height; y++)
          for (int x = 0; x < out->width; x++)
            {
              const guint8 *p = PP_IMAGE_ROW (out, y) + 4 * x;

              if (p[3] == 0)
                continue;
              partial += p[3] < 255;
              if (memcmp (p, shape, 3) != 0)
                g_error ("%s of a %s: pixel (%d, %d) with alpha %d is %d,%d,%d", specs[i],
                         disc ? "white disc on black" : "red square on green", x, y, p[3], p[0],
                         p[1], p[2]);
            }
        /* Resampling made soft edges (which is where haloes would have been). */
        if (g_str_has_prefix (specs[i], "fit") || g_str_has_prefix (specs[i], "resize"))
          g_assert_cmpint (partial, >, 0);
      }
}

/* Serial and parallel runs give the same bytes on RGBA too, whatever the band split. */
static void
test_rgba_threads_identical (void)
{
  g_autoptr (PpImage) src = patchy_image (97, 301, 11);

  for (guint i = 0; i < G_N_ELEMENTS (neighbourhood_specs); i++)
    {
      g_autoptr (PpImage) one = run (neighbourhood_specs[i], src, 1);

      for (int threads = 2; threads <= 5; threads += 3)
        {
          g_autoptr (PpImage) many = run (neighbourhood_specs[i], src, threads);

          if (!pp_image_equal (one, many))
            g_error ("%s on RGBA: %d threads differ from 1", neighbourhood_specs[i], threads);
        }
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Writing RGBA where alpha has no place */

/* The alpha-png-to-jpeg case: a 50 % blue band over white is (127,127,255); transparent areas
 * take the background (never black), opaque ones keep their colour; any background colour. */
static void
test_composite (void)
{
  g_autoptr (PpImage) src = pp_image_new (3, 1, 4);
  guint8 *p = PP_IMAGE_ROW (src, 0);
  static const guint8 pixels[12] = { 0, 0, 255, 128, 0, 0, 0, 0, 200, 0, 0, 255 };
  PpColor white = PP_COLOR_WHITE, grey = { 100, 120, 140 };
  g_autoptr (PpImage) on_white = NULL;
  g_autoptr (PpImage) on_grey = NULL;
  g_autoptr (PpImage) random = pp_test_image_new (37, 11, 4, 5, 3);
  g_autoptr (PpImage) random_out = NULL;

  memcpy (p, pixels, sizeof pixels);
  on_white = pp_image_composite (src, &white);
  g_assert_cmpint (on_white->channels, ==, 3);
  g_assert_cmpmem (PP_IMAGE_ROW (on_white, 0), 9,
                   ((const guint8[]) { 127, 127, 255, 255, 255, 255, 200, 0, 0 }), 9);
  on_grey = pp_image_composite (src, &grey);
  g_assert_cmpmem (PP_IMAGE_ROW (on_grey, 0) + 3, 3, ((const guint8[]) { 100, 120, 140 }), 3);

  /* Against the formula in double, everywhere. */
  random_out = pp_image_composite (random, &grey);
  for (int y = 0; y < random->height; y++)
    for (int x = 0; x < random->width; x++)
      for (int c = 0; c < 3; c++)
        {
          const guint8 *in = PP_IMAGE_ROW (random, y) + 4 * x;
          const guint8 bg[3] = { grey.red, grey.green, grey.blue };
          double want = (in[c] * in[3] + bg[c] * (255.0 - in[3])) / 255.0;

          g_assert_cmpint (PP_IMAGE_ROW (random_out, y)[3 * x + c], ==, (int) floor (want + 0.5));
        }
}

/* The opaque-4channel-to-jpeg kind: alpha all 255 is no transparency at all. */
static void
test_opaque_detection (void)
{
  g_autoptr (PpImage) rgba = pp_test_image_new (9, 7, 4, 3, 1);
  g_autoptr (PpImage) rgb = NULL;

  for (int y = 0; y < rgba->height; y++)
    for (int x = 0; x < rgba->width; x++)
      PP_IMAGE_ROW (rgba, y)[4 * x + 3] = 255;
  g_assert_true (pp_image_is_opaque (rgba));
  rgb = pp_image_drop_alpha (rgba);
  g_assert_cmpint (rgb->channels, ==, 3);
  for (int y = 0; y < rgba->height; y++)
    for (int x = 0; x < rgba->width; x++)
      g_assert_cmpmem (PP_IMAGE_ROW (rgb, y) + 3 * x, 3, PP_IMAGE_ROW (rgba, y) + 4 * x, 3);
  /* One pixel of 254 is transparency. */
  PP_IMAGE_ROW (rgba, 6)[4 * 8 + 3] = 254;
  g_assert_false (pp_image_is_opaque (rgba));
  g_assert_true (pp_image_is_opaque (rgb));
}

static void
test_color_parse (void)
{
  static const struct { const char *text; PpColor color; } good[] = {
    { "white", { 255, 255, 255 } }, { "#FF8000", { 255, 128, 0 } }, { "#0f8", { 0, 255, 136 } },
    { " Grey ", { 128, 128, 128 } }, { "rgb(1, 2,3)", { 1, 2, 3 } }, { "black", { 0, 0, 0 } },
  };
  static const char *const bad[] = { "", "#12345", "#ggg", "rgb(256,0,0)", "whitish", "rgb(1,2)" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      PpColor c;
      g_autofree char *text = NULL;
      PpColor back;

      g_assert_true (pp_color_parse (good[i].text, &c, NULL));
      g_assert_cmpmem (&c, sizeof c, &good[i].color, sizeof c);
      text = pp_color_to_string (&c);
      g_assert_true (pp_color_parse (text, &back, NULL));
      g_assert_cmpmem (&back, sizeof back, &c, sizeof c);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      PpColor c;

      g_assert_false (pp_color_parse (bad[i], &c, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "#rrggbb"));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/alpha/hidden-colours-never-show", test_hidden_colours_never_show);
  g_test_add_func ("/pp/alpha/opaque-rgba-matches-rgb", test_opaque_rgba_matches_rgb);
  g_test_add_func ("/pp/alpha/no-halo", test_no_halo);
  g_test_add_func ("/pp/alpha/threads-identical", test_rgba_threads_identical);
  g_test_add_func ("/pp/alpha/composite", test_composite);
  g_test_add_func ("/pp/alpha/opaque-detection", test_opaque_detection);
  g_test_add_func ("/pp/alpha/color-parse", test_color_parse);
  return g_test_run ();
}
