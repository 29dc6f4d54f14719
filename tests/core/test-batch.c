/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpBatch driven the way the window drives it: properties, run_async on the main loop, the live
 * PpRun list model filled in batches through the coalesced progress (at most one ordinary
 * emission per PP_PROGRESS_INTERVAL_US of the run), the final progress update before the
 * completion callback, cancellation, listing, and configuration errors that name what is wrong.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "batch/pp-batch.h"
#include "pp-test-util.h"

#define N_FILES 24

typedef struct
{
  char *input;
  char *output;
  GMainLoop *loop;
  PpRun *run;
  GError *error;
  guint n_changed;
  guint n_items_changed;
  gboolean final_seen_before_done;
  gboolean done;
  PpProgressSnapshot last;
} Fixture;

static void
make_inputs (const char *dir)
{
  for (guint i = 0; i < N_FILES; i++)
    {
      g_autoptr (PpImage) image = pp_test_photo_new (300 + i, 200, 3, i);
      g_autoptr (GdkPixbuf) pixbuf = pp_image_to_pixbuf (image);
      g_autofree char *name = g_strdup_printf ("img-%02u.png", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", NULL, "compression", "1", NULL));
    }
  {
    g_autofree char *notes = g_build_filename (dir, "notes.txt", NULL);

    g_assert_true (g_file_set_contents (notes, "not an image", -1, NULL));
  }
}

static void
remove_dir (const char *path)
{
  g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_dir (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->input = g_dir_make_tmp ("pp-batch-in-XXXXXX", NULL);
  f->output = g_dir_make_tmp ("pp-batch-out-XXXXXX", NULL);
  f->loop = g_main_loop_new (NULL, FALSE);
  make_inputs (f->input);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  remove_dir (f->input);
  remove_dir (f->output);
  g_free (f->input);
  g_free (f->output);
  g_main_loop_unref (f->loop);
  g_clear_object (&f->run);
  g_clear_error (&f->error);
  pp_progress_snapshot_clear (&f->last);
}

static PpBatch *
make_batch (Fixture *f)
{
  g_autoptr (GFile) in = g_file_new_for_path (f->input);
  g_autoptr (GFile) out = g_file_new_for_path (f->output);
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec ("exposure=0.5", NULL);
  PpBatch *batch = pp_batch_new ();

  pp_batch_set_input_folder (batch, in);
  pp_batch_set_output_folder (batch, out);
  pp_batch_set_pipeline (batch, pipeline);
  pp_batch_set_threads (batch, 3);
  return batch;
}

static void
on_changed (PpProgress               *progress,
            const PpProgressSnapshot *snapshot,
            GPtrArray                *results,
            gpointer                  user_data)
{
  Fixture *f = user_data;

  g_assert_false (f->done);
  f->n_changed++;
  pp_progress_snapshot_clear (&f->last);
  f->last = *snapshot;
  f->last.current_file = g_strdup (snapshot->current_file);
  if (snapshot->state == PP_PROGRESS_FINISHED || snapshot->state == PP_PROGRESS_CANCELLED)
    f->final_seen_before_done = TRUE;
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  gpointer    user_data)
{
  Fixture *f = user_data;

  f->n_items_changed++;
}

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Fixture *f = user_data;

  f->run = pp_batch_run_finish (PP_BATCH (source), result, &f->error);
  f->done = TRUE;
  g_main_loop_quit (f->loop);
}

static void
test_run (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr (PpBatch) batch = make_batch (f);
  PpRunTotals totals;
  gint64 start_us, elapsed_us;
  guint max_changed;

  g_signal_connect (pp_batch_get_progress (batch), "changed", G_CALLBACK (on_changed), f);
  start_us = g_get_monotonic_time ();
  pp_batch_run_async (batch, NULL, on_run_done, f);
  g_assert_true (pp_batch_get_running (batch));
  /* The live model exists from the start, for a window to bind. */
  g_assert_nonnull (pp_batch_get_run (batch));
  g_signal_connect (pp_batch_get_run (batch), "items-changed", G_CALLBACK (on_items_changed), f);
  g_main_loop_run (f->loop);
  elapsed_us = g_get_monotonic_time () - start_us;

  g_assert_no_error (f->error);
  g_assert_false (pp_batch_get_running (batch));
  g_assert_true (f->run == pp_batch_get_run (batch));
  g_assert_true (f->final_seen_before_done);
  g_assert_cmpint (f->last.state, ==, PP_PROGRESS_FINISHED);
  g_assert_cmpuint (f->last.done, ==, N_FILES);
  g_assert_cmpuint (f->last.total, ==, N_FILES);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->run)), ==, N_FILES);
  g_assert_cmpuint (f->n_items_changed, ==, N_FILES); /* one per item, but... */
  /* ...delivered in coalesced batches: the promise is a rate, not a count (a run slowed by load
   * legitimately emits once per file when files finish more than an interval apart). Ordinary
   * emissions are at least PP_PROGRESS_INTERVAL_US apart; start and finish come at once. */
  max_changed = (guint) (elapsed_us / PP_PROGRESS_INTERVAL_US) + 3;
  g_test_message ("%u \"changed\" emissions for %u files in %.1f ms (at most %u allowed)",
                  f->n_changed, N_FILES, elapsed_us / 1000.0, max_changed);
  g_assert_cmpuint (f->n_changed, <=, max_changed);
  pp_run_get_totals (f->run, &totals);
  g_assert_cmpuint (totals.n_ok, ==, N_FILES);
  g_assert_cmpuint (pp_run_get_n_ignored (f->run), ==, 1);
  g_assert_cmpuint (pp_run_get_threads (f->run), ==, 3);
  g_assert_true (pp_run_get_finished (f->run));
  for (guint i = 0; i < N_FILES; i++)
    {
      g_autoptr (PpFileResult) r = g_list_model_get_item (G_LIST_MODEL (f->run), i);
      const PpFileRecord *rec = pp_file_result_get_record (r);

      g_assert_cmpint (rec->status, ==, PP_FILE_STATUS_OK);
      g_assert_cmpuint (rec->worker, <, 3);
      g_assert_true (g_file_test (rec->output, G_FILE_TEST_IS_REGULAR));
      g_assert_true (g_str_has_suffix (rec->output, ".png"));
    }
  {
    g_autofree char *json = pp_run_to_json_string (f->run, FALSE);

    g_assert_nonnull (strstr (json, "\"files_ok\":24"));
  }
}

static void
cancel_soon (PpProgress               *progress,
             const PpProgressSnapshot *snapshot,
             GPtrArray                *results,
             gpointer                  user_data)
{
  GCancellable *cancellable = user_data;

  if (snapshot->done >= 2)
    g_cancellable_cancel (cancellable);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr (PpBatch) batch = make_batch (f);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GDir) d = NULL;
  PpRunTotals totals;
  guint n_outputs = 0;
  const char *name;

  g_autoptr (PpPipeline) slow = pp_pipeline_new_from_spec ("gaussian-blur=8,median=3", NULL);

  /* Slow enough per file that the main loop sees progress long before the end. */
  pp_batch_set_pipeline (batch, slow);
  pp_batch_set_threads (batch, 1);
  g_signal_connect (pp_batch_get_progress (batch), "changed", G_CALLBACK (on_changed), f);
  g_signal_connect (pp_batch_get_progress (batch), "changed", G_CALLBACK (cancel_soon),
                    cancellable);
  pp_batch_run_async (batch, cancellable, on_run_done, f);
  g_main_loop_run (f->loop);

  g_assert_no_error (f->error);
  g_assert_true (pp_run_get_cancelled (f->run));
  g_assert_cmpint (f->last.state, ==, PP_PROGRESS_CANCELLED);
  pp_run_get_totals (f->run, &totals);
  g_assert_cmpuint (totals.n_ok, <, N_FILES);
  d = g_dir_open (f->output, 0, NULL);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_assert_false (g_str_has_prefix (name, ".parapix-"));
      n_outputs++;
    }
  g_assert_cmpuint (n_outputs, ==, totals.n_ok);
}

/* Cancelled before listing even finished: still a record, with nothing done. */
static void
test_cancel_while_listing (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr (PpBatch) batch = make_batch (f);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();

  g_signal_connect (pp_batch_get_progress (batch), "changed", G_CALLBACK (on_changed), f);
  g_cancellable_cancel (cancellable);
  pp_batch_run_async (batch, cancellable, on_run_done, f);
  g_main_loop_run (f->loop);

  g_assert_no_error (f->error);
  g_assert_nonnull (f->run);
  g_assert_true (pp_run_get_cancelled (f->run));
  g_assert_true (pp_run_get_finished (f->run));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->run)), ==, 0);
  g_assert_cmpint (f->last.state, ==, PP_PROGRESS_CANCELLED);
  g_assert_false (pp_batch_get_running (batch));
}

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Fixture *f = user_data;
  g_autoptr (GPtrArray) inputs = pp_batch_list_files_finish (PP_BATCH (source), result,
                                                             &f->error);

  g_assert_no_error (f->error);
  g_assert_cmpuint (inputs->len, ==, N_FILES / 4);
  for (guint i = 0; i < inputs->len; i++)
    {
      PpBatchInput *input = g_ptr_array_index (inputs, i);
      g_autofree char *expected = g_strdup_printf ("img-%02u.png", 1 + 4 * i);

      g_assert_cmpstr (input->relative, ==, expected); /* shard 2/4, sorted */
    }
  g_main_loop_quit (f->loop);
}

static void
test_list_files (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr (PpBatch) batch = make_batch (f);

  pp_batch_set_shard (batch, 1, 4);
  pp_batch_list_files_async (batch, NULL, on_listed, f);
  g_main_loop_run (f->loop);
  /* Listing writes nothing. */
  g_assert_cmpint (g_rmdir (f->output), ==, 0);
  g_assert_cmpint (g_mkdir (f->output, 0755), ==, 0);
}

static void
test_bad_config (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr (PpBatch) batch = make_batch (f);

  pp_batch_set_name_template (batch, "{name}-{size}.{ext}");
  pp_batch_run_async (batch, NULL, on_run_done, f);
  g_main_loop_run (f->loop);
  g_assert_error (f->error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID);
  g_assert_nonnull (strstr (f->error->message, "{size}"));
  g_assert_null (f->run);
  g_assert_false (pp_batch_get_running (batch));
}

/* The name template must end in the output format's extension: ".{ext}" always, a written-out
 * one of the chosen format's, never another format's or none (the output would carry a name
 * that lies about its content). Checked before anything runs. */
static void
test_template_extension (void)
{
  static const char *const files[] = { "/photos/cat.jpg", NULL };
  static const struct
  {
    PpFormat format;
    const char *tmpl;
    const char *problem; /* NULL: accepted */
  } cases[] = {
    { PP_FORMAT_SAME, "{name}.{ext}", NULL },
    { PP_FORMAT_SAME, "{date}_{camera}.{ext}", NULL },
    { PP_FORMAT_JPEG, "{name}.jpg", NULL },
    { PP_FORMAT_JPEG, "{name}.JPEG", NULL },
    { PP_FORMAT_JPEG, "{name}.jpe", NULL },
    { PP_FORMAT_TIFF, "{name}-small.tif", NULL },
    { PP_FORMAT_PNG, "out.png", NULL },
    { PP_FORMAT_JPEG, "{name}.png", "ends in .png, but the output format is JPEG" },
    { PP_FORMAT_SAME, "{name}.jpg", "with the format “same” each output keeps its input's" },
    { PP_FORMAT_PNG, "{name}.{ext}.bak", "ends in .bak, which is no extension of PNG files" },
    { PP_FORMAT_SAME, "{name}", "gives names with no extension" },
    { PP_FORMAT_JPEG, "{name}{ext}", "gives names with no extension" },
    { PP_FORMAT_JPEG, "{name}.", "gives names with no extension" },
    { PP_FORMAT_SAME, "", "the name template is empty" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (PpBatch) batch = pp_batch_new ();
      g_autoptr (GError) error = NULL;

      pp_batch_set_files (batch, files);
      pp_batch_set_format (batch, cases[i].format);
      pp_batch_set_name_template (batch, cases[i].tmpl);
      g_test_message ("“%s” for %s", cases[i].tmpl, pp_format_to_string (cases[i].format));
      if (cases[i].problem == NULL)
        g_assert_true (pp_batch_check (batch, &error));
      else
        {
          g_assert_false (pp_batch_check (batch, &error));
          g_assert_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID);
          g_assert_nonnull (strstr (error->message, cases[i].problem));
        }
    }
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

/* Properties notify once per real change, whether set with a setter or g_object_set. */
static void
test_properties (void)
{
  g_autoptr (PpBatch) batch = pp_batch_new ();
  guint n_threads = 0, n_template = 0;
  guint threads;

  g_signal_connect (batch, "notify::threads", G_CALLBACK (count_notify), &n_threads);
  g_signal_connect (batch, "notify::name-template", G_CALLBACK (count_notify), &n_template);
  pp_batch_set_threads (batch, 4);
  pp_batch_set_threads (batch, 4);
  g_object_set (batch, "threads", 2, NULL);
  g_assert_cmpuint (n_threads, ==, 2);
  g_object_get (batch, "threads", &threads, NULL);
  g_assert_cmpuint (threads, ==, 2);
  g_assert_cmpuint (pp_batch_get_effective_threads (batch), ==, 2);
  pp_batch_set_mode (batch, PP_BATCH_MODE_SERIAL);
  g_assert_cmpuint (pp_batch_get_effective_threads (batch), ==, 1);
  pp_batch_set_name_template (batch, "{name}.{ext}"); /* the default: no change */
  pp_batch_set_name_template (batch, "{n}.{ext}");
  pp_batch_set_name_template (batch, NULL);           /* back to the default */
  g_assert_cmpuint (n_template, ==, 2);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/batch/properties", test_properties);
  g_test_add_func ("/pp/batch/template-extension", test_template_extension);
  g_test_add ("/pp/batch/run", Fixture, NULL, fixture_setup, test_run, fixture_teardown);
  g_test_add ("/pp/batch/cancel", Fixture, NULL, fixture_setup, test_cancel, fixture_teardown);
  g_test_add ("/pp/batch/cancel-while-listing", Fixture, NULL, fixture_setup,
              test_cancel_while_listing, fixture_teardown);
  g_test_add ("/pp/batch/list-files", Fixture, NULL, fixture_setup, test_list_files,
              fixture_teardown);
  g_test_add ("/pp/batch/bad-config", Fixture, NULL, fixture_setup, test_bad_config,
              fixture_teardown);
  return g_test_run ();
}
