/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The preview's proxy must not lie (issue 12, item 1): while a slider moves, the screen-sized
 * proxy is rendered with every pixel length scaled by the proxy's scale, and what it shows must
 * match the full render scaled down to the same size. Each chain is rendered both ways on a
 * 12-megapixel-class photograph and the difference is bounded; the same proxy rendered with
 * the unscaled chain (what the preview did before) must fail the bound, so the test can fail.
 * Then the widget: a chain the proxy cannot render faithfully (a fixed 3x3 kernel) is rendered
 * at full size even while dragging.
 */
#include "config.h"

#include <math.h>

#include "io/pp-io.h"
#include "render/pp-plan.h"
#include "render/pp-render.h"
#include "pp-preview-private.h"
#include "pp-ui-test-util.h"

/* Mean absolute difference per channel, in 8-bit levels, and the share of samples more than
 * 16 levels apart. */
typedef struct
{
  double mean;
  double far_share;
} Difference;

static PpImage *
render (PpPipeline *pipeline,
        PpImage    *src)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PpPlan) plan = pp_plan_new (pipeline, src->width, src->height, src->channels,
                                         &error);
  PpImage *out;

  g_assert_no_error (error);
  out = pp_plan_run (plan, src, 2, NULL, NULL, &error);
  g_assert_no_error (error);
  return out;
}

/* The full render scaled to @width x @height the way the proxy was made from the source. */
static PpImage *
scale_to (PpImage *image,
          int      width,
          int      height)
{
  g_autoptr (GdkPixbuf) pixbuf = pp_image_to_pixbuf (image);
  g_autoptr (GdkPixbuf) small = gdk_pixbuf_scale_simple (pixbuf, width, height,
                                                         GDK_INTERP_BILINEAR);

  return pp_image_new_for_pixbuf (small);
}

static Difference
compare (PpImage *a,
         PpImage *b)
{
  Difference d = { 0 };
  guint64 sum = 0, far = 0, n = 0;

  g_assert_cmpint (a->width, ==, b->width);
  g_assert_cmpint (a->height, ==, b->height);
  for (int y = 0; y < a->height; y++)
    {
      const guint8 *ra = a->data + (gsize) y * a->stride;
      const guint8 *rb = b->data + (gsize) y * b->stride;

      for (int x = 0; x < a->width; x++)
        for (int c = 0; c < 3; c++)
          {
            int diff = abs ((int) ra[x * a->channels + c] - (int) rb[x * b->channels + c]);

            sum += diff;
            far += diff > 16;
            n++;
          }
    }
  d.mean = (double) sum / n;
  d.far_share = (double) far / n;
  return d;
}

static PpImage *
load_leaf (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("PP_SAMPLES_DIR"), "leaf.jpg", NULL);
  g_autoptr (GError) error = NULL;
  g_auto (PpImageInfo) info = { 0 };
  PpImage *image = pp_io_load (path, NULL, &info, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (MAX (image->width, image->height), >, 2 * 1280);
  return image;
}

static void
test_bound (void)
{
  /* Each spatial parameter the issue names, alone and together; bounds in 8-bit levels. */
  static const struct
  {
    const char *spec;
    double max_mean;
  } chains[] = {
    { "gaussian-blur=6", 0.5 },
    { "box-blur=8", 0.75 },
    { "sharpen=2;radius=5", 1.5 },
    { "crop=1600x1200;x=900;y=500", 1.0 },
    { "crop=1600x1200;x=900;y=500,gaussian-blur=4,sharpen=1.5;radius=3", 1.5 },
    { "fit=900x900,gaussian-blur=2", 0.75 },
  };
  g_autoptr (PpImage) full = load_leaf ();
  g_autoptr (PpImage) proxy = _pp_preview_make_proxy (full);
  double scale = (double) proxy->width / full->width;

  g_test_message ("full %d x %d, proxy %d x %d (scale %.3f)", full->width, full->height,
                  proxy->width, proxy->height, scale);
  for (guint i = 0; i < G_N_ELEMENTS (chains); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec (chains[i].spec, &error);
      g_autoptr (PpPipeline) scaled = NULL;
      g_autoptr (PpImage) full_render = NULL;
      g_autoptr (PpImage) proxy_render = NULL;
      g_autoptr (PpImage) naive_render = NULL;
      g_autoptr (PpImage) reference = NULL;
      g_autofree char *scaled_spec = NULL;
      Difference ok, naive;

      g_assert_no_error (error);
      scaled = _pp_preview_scale_for_proxy (pipeline, scale);
      g_assert_nonnull (scaled);
      scaled_spec = pp_pipeline_to_spec (scaled);
      full_render = render (pipeline, full);
      proxy_render = render (scaled, proxy);
      naive_render = render (pipeline, proxy);
      /* Geometry scales with the proxy: the proxy render stands for the full one. */
      g_assert_cmpfloat (fabs ((double) proxy_render->width / full_render->width - scale), <,
                         0.01);
      reference = scale_to (full_render, proxy_render->width, proxy_render->height);
      ok = compare (proxy_render, reference);
      g_test_message ("%s -> proxy %s: mean difference %.2f levels, %.3f %% over 16",
                      chains[i].spec, scaled_spec, ok.mean, 100 * ok.far_share);
      g_assert_cmpfloat (ok.mean, <=, chains[i].max_mean);
      g_assert_cmpfloat (ok.far_share, <=, 0.01);

      /* The unscaled chain on the proxy (the old preview) is visibly different. */
      if (naive_render->width == reference->width && naive_render->height == reference->height)
        {
          naive = compare (naive_render, reference);
          g_test_message ("  unscaled on the proxy: mean difference %.2f levels", naive.mean);
          g_assert_cmpfloat (naive.mean, >, 2 * chains[i].max_mean);
        }
      else
        g_test_message ("  unscaled on the proxy: %d x %d instead of %d x %d", naive_render->width,
                        naive_render->height, reference->width, reference->height);
    }
}

static void
test_unscalable (void)
{
  /* A fixed 3x3 kernel covers 2.5 times more of the picture on the proxy: no faithful proxy. */
  static const char *const specs[] = { "edge-detect", "emboss", "median", "box-blur=1",
                                       "gaussian-blur=0.15" };

  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec (specs[i], NULL);
      g_autoptr (PpPipeline) scaled = _pp_preview_scale_for_proxy (pipeline, 0.39);

      g_assert_null (scaled);
    }
  /* Point filters and orientation do not care about the scale: kept as they are. */
  {
    g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec ("exposure=0.5,rotate=90,"
                                                                 "resize=50", NULL);
    g_autoptr (PpPipeline) scaled = _pp_preview_scale_for_proxy (pipeline, 0.39);
    g_autofree char *a = pp_pipeline_to_spec (pipeline);
    g_autofree char *b = pp_pipeline_to_spec (scaled);

    g_assert_cmpstr (a, ==, b);
  }
}

/* The widget: dragging renders the proxy for a scalable chain and the full image otherwise. */
static void
test_widget (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("PP_SAMPLES_DIR"), "leaf.jpg", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec ("gaussian-blur=6", NULL);
  GtkWidget *window = gtk_window_new ();
  PpPreview *preview = g_object_new (PP_TYPE_PREVIEW, NULL);
  guint renders, proxies;

  gtk_window_set_default_size (GTK_WINDOW (window), 900, 700);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (preview));
  gtk_window_present (GTK_WINDOW (window));
  pp_preview_set_pipeline (preview, pipeline);
  pp_preview_set_file (preview, file);
  PP_WAIT_UNTIL (g_str_has_prefix (pp_preview_get_status (preview), "Processed in") &&
                 !g_str_has_suffix (pp_preview_get_status (preview), " preview") &&
                 !pp_preview_get_busy (preview), 60);

  proxies = pp_preview_get_n_proxy_renders (preview);
  g_assert_true (pp_pipeline_set_value (pipeline, 0, 0, 7, NULL));
  pp_preview_invalidate (preview, TRUE);
  PP_WAIT_UNTIL (pp_preview_get_n_proxy_renders (preview) > proxies, 30);
  PP_WAIT_UNTIL (!g_str_has_suffix (pp_preview_get_status (preview), " preview") &&
                 !pp_preview_get_busy (preview), 30);

  /* edge-detect: the drag renders the full image; no proxy render happens. */
  pp_pipeline_clear (pipeline);
  pp_pipeline_append (pipeline, pp_filter_lookup ("edge-detect"), NULL);
  pp_preview_invalidate (preview, FALSE);
  PP_WAIT_UNTIL (!pp_preview_get_busy (preview), 30);
  renders = pp_preview_get_n_renders (preview);
  proxies = pp_preview_get_n_proxy_renders (preview);
  pp_preview_invalidate (preview, TRUE);
  PP_WAIT_UNTIL (pp_preview_get_n_renders (preview) > renders && !pp_preview_get_busy (preview),
                 30);
  pp_test_run_for (300); /* past the settle delay: its render is full size as well */
  PP_WAIT_UNTIL (!pp_preview_get_busy (preview), 30);
  g_assert_cmpuint (pp_preview_get_n_proxy_renders (preview), ==, proxies);
  g_assert_false (g_str_has_suffix (pp_preview_get_status (preview), " preview"));
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/ui/preview-proxy/bound", test_bound);
  g_test_add_func ("/pp/ui/preview-proxy/unscalable", test_unscalable);
  g_test_add_func ("/pp/ui/preview-proxy/widget", test_widget);
  return g_test_run ();
}
