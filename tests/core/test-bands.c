/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Files × bands: a render shared between its thread and helpers (pp_plan_run_shared) gives the
 * very bytes of the same plan run alone, for every kind of stage, many bands and any number of
 * helpers; a cancel stops it; and a batch of fewer images than threads (whose spare threads
 * help with bands) is byte-identical to its serial run.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "batch/pp-compare.h"
#include "batch/pp-scratch.h"
#include "render/pp-plan-private.h"
#include "render/pp-render.h"
#include "pp-test-util.h"

static const char *const specs[] = {
  "exposure=0.5,gamma=1.2",
  "gaussian-blur=3",
  "sharpen=1.5;radius=2",
  "median",
  "fit=101x77",
  "rotate=90,box-blur=2,grayscale",
  "edge-detect,emboss",
};

static void
test_identical (void)
{
  g_autoptr (PpImage) src3 = pp_test_photo_new (301, 211, 3, 7);
  g_autoptr (PpImage) src4 = pp_test_photo_new (157, 243, 4, 8);
  PpImage *sources[] = { src3, src4 };

  /* Small bands: many of them per stage, so helpers really share. */
  _pp_plan_set_band_rows_for_testing (5);
  for (guint s = 0; s < G_N_ELEMENTS (specs); s++)
    for (guint k = 0; k < G_N_ELEMENTS (sources); k++)
      {
        g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec (specs[s], NULL);
        g_autoptr (PpPlan) plan = pp_plan_new (pipeline, sources[k]->width, sources[k]->height,
                                               sources[k]->channels, NULL);
        g_autoptr (PpImage) alone = NULL;
        g_autoptr (GError) error = NULL;

        g_assert_nonnull (plan);
        alone = pp_plan_run_here (plan, sources[k], 0, NULL, NULL, &error);
        g_assert_no_error (error);
        for (guint helpers = 0; helpers <= 7; helpers += helpers < 3 ? 1 : 4)
          {
            g_autoptr (PpImage) shared = pp_plan_run_shared (plan, sources[k], helpers, NULL,
                                                             &error);

            g_assert_no_error (error);
            if (!pp_image_equal (alone, shared))
              g_error ("%s, %d channels, %u helpers: bytes differ from the run alone", specs[s],
                       sources[k]->channels, helpers);
          }
      }
  _pp_plan_set_band_rows_for_testing (0);
}

static void
test_cancel (void)
{
  g_autoptr (PpImage) src = pp_test_photo_new (400, 300, 3, 9);
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec ("gaussian-blur=4,median", NULL);
  g_autoptr (PpPlan) plan = pp_plan_new (pipeline, 400, 300, 3, NULL);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (PpImage) result = NULL;

  g_cancellable_cancel (cancellable);
  result = pp_plan_run_shared (plan, src, 3, cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Two images, six threads: each file in flight gets two helpers; serial and parallel agree. */
static void
test_batch (void)
{
  g_autofree char *dir = g_dir_make_tmp ("pp-test-bands-XXXXXX", NULL);
  g_autofree char *in = g_build_filename (dir, "in", NULL);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autoptr (GFile) in_file = g_file_new_for_path (in);
  g_autoptr (GFile) out_file = g_file_new_for_path (out);
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec ("gaussian-blur=2,sharpen", NULL);
  g_autoptr (PpBatch) batch = pp_batch_new ();
  g_autoptr (PpCompare) compare = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  g_mkdir_with_parents (in, 0700);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (PpImage) image = pp_test_photo_new (640, 480, 3, 20 + i);
      g_autoptr (GdkPixbuf) pixbuf = pp_image_to_pixbuf (image);
      g_autofree char *name = g_strdup_printf ("big-%u.png", i);
      g_autofree char *path = g_build_filename (in, name, NULL);

      g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", &error, NULL));
    }
  pp_batch_set_input_folder (batch, in_file);
  pp_batch_set_output_folder (batch, out_file);
  pp_batch_set_pipeline (batch, pipeline);
  pp_batch_set_threads (batch, 6);
  compare = pp_compare_new (batch);
  pp_compare_set_warm_up (compare, FALSE);
  pp_compare_run_async (compare, NULL, on_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (pp_compare_run_finish (compare, result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (pp_run_get_threads (pp_compare_get_parallel_run (compare)), ==, 6);
  g_assert_cmpuint (pp_compare_check_get_n_compared (pp_compare_get_check (compare)), ==, 2);
  g_assert_true (pp_compare_get_identical (compare));
  g_assert_true (pp_scratch_remove_tree (dir, NULL));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pp/bands/identical", test_identical);
  g_test_add_func ("/pp/bands/cancel", test_cancel);
  g_test_add_func ("/pp/bands/batch", test_batch);
  return g_test_run ();
}
