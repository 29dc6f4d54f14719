/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Cancel storm, in process: PP_STORM_BATCHES (default 200) batches of small images, each
 * cancelled through its GCancellable at a random moment (before the start, while listing, while
 * decoding in a helper, while encoding, after the end: up to 1.2 times the time of a whole batch,
 * measured first on batches left alone, which must write every file) on 1..3 workers. The storm
 * ends the way the window's Cancel and a worker's completion meet: the last worker hands the
 * run to the main context while the main thread may be dropping it. After every batch: the
 * completion callback came (a watchdog fails the test instead of hanging), no temporary or hidden
 * file is left, every file in the output folder is the complete output of a file reported ok,
 * nothing reported cancelled or failed left anything, and the inputs are unchanged. Under the
 * ASan build, LeakSanitizer checks the whole storm for leaks at exit.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "batch/pp-batch.h"
#include "io/pp-io.h"
#include "pp-test-util.h"

#define N_FILES 12
#define WATCHDOG_S 60

typedef struct
{
  GMainLoop *loop;
  PpRun *run;
  GError *error;
  gboolean done;
} Storm;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Storm *s = user_data;

  s->run = pp_batch_run_finish (PP_BATCH (source), result, &s->error);
  s->done = TRUE;
  g_main_loop_quit (s->loop);
}

static gboolean
cancel_now (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static gboolean
watchdog (gpointer data)
{
  g_error ("a cancelled batch did not finish within %d s: deadlock or lost completion",
           WATCHDOG_S);
  return G_SOURCE_REMOVE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static char *
hash_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  const char *name;

  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, names->pdata[i], NULL);
      g_autofree char *data = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      g_checksum_update (sum, (const guchar *) names->pdata[i], -1);
      g_checksum_update (sum, (const guchar *) data, len);
    }
  return g_strdup (g_checksum_get_string (sum));
}

static void
empty_dir (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
}

/* Everything in @out is the finished output of a file the run reports ok, and decodes. */
static void
check_outputs (PpRun      *run,
               const char *out,
               guint      *n_ok,
               guint      *n_cancelled)
{
  g_autoptr (GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GDir) d = g_dir_open (out, 0, NULL);
  const char *name;

  for (guint i = 0; run != NULL && i < g_list_model_get_n_items (G_LIST_MODEL (run)); i++)
    {
      g_autoptr (PpFileResult) r = g_list_model_get_item (G_LIST_MODEL (run), i);
      const PpFileRecord *rec = pp_file_result_get_record (r);

      if (rec->status == PP_FILE_STATUS_OK)
        {
          (*n_ok)++;
          g_assert_nonnull (rec->output);
          g_hash_table_add (expected, g_path_get_basename (rec->output));
        }
      else
        {
          if (rec->status == PP_FILE_STATUS_CANCELLED)
            (*n_cancelled)++;
          g_assert_nonnull (pp_file_result_get_reason (r));
        }
    }
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (out, name, NULL);
      g_autoptr (GdkPixbuf) pixbuf = NULL;
      g_autoptr (GError) error = NULL;

      if (!g_hash_table_remove (expected, name))
        g_error ("“%s” is in the output folder, but no file reported it as its output "
                 "(a temporary or partial file left behind)", name);
      pixbuf = gdk_pixbuf_new_from_file (path, &error);
      g_assert_no_error (error);
    }
  g_assert_cmpuint (g_hash_table_size (expected), ==, 0);
}

/* Runs one batch of @in into @out on its own main context, cancelled @delay_ms after the start
 * (0: before it; G_MAXUINT: never), and checks what it left. Returns the batch's wall time. */
static gint64
run_one_batch (GFile      *in_file,
               const char *out,
               PpPipeline *pipeline,
               guint       threads,
               PpFormat    format,
               guint       delay_ms,
               guint      *n_ok,
               guint      *n_cancelled,
               guint      *n_full)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GFile) out_file = g_file_new_for_path (out);
  g_autoptr (PpBatch) batch = NULL;
  g_autoptr (GSource) cancel_source = NULL;
  g_autoptr (GSource) dog = NULL;
  Storm s = { 0 };
  gint64 start_us;

  g_main_context_push_thread_default (context);
  s.loop = g_main_loop_new (context, FALSE);
  batch = pp_batch_new ();
  pp_batch_set_input_folder (batch, in_file);
  pp_batch_set_output_folder (batch, out_file);
  pp_batch_set_pipeline (batch, pipeline);
  pp_batch_set_mode (batch, PP_BATCH_MODE_PARALLEL);
  pp_batch_set_threads (batch, threads);
  pp_batch_set_format (batch, format);

  if (delay_ms == 0)
    g_cancellable_cancel (cancellable);
  start_us = g_get_monotonic_time ();
  pp_batch_run_async (batch, cancellable, on_done, &s);
  if (delay_ms > 0 && delay_ms != G_MAXUINT)
    {
      cancel_source = g_timeout_source_new (delay_ms);
      g_source_set_callback (cancel_source, cancel_now, cancellable, NULL);
      g_source_attach (cancel_source, context);
    }
  dog = g_timeout_source_new_seconds (WATCHDOG_S);
  g_source_set_callback (dog, watchdog, NULL, NULL);
  g_source_attach (dog, context);
  g_main_loop_run (s.loop);
  start_us = g_get_monotonic_time () - start_us;
  g_source_destroy (dog);
  if (cancel_source != NULL)
    g_source_destroy (cancel_source);

  g_assert_true (s.done);
  g_assert_false (pp_batch_get_running (batch));
  if (s.error != NULL)
    g_assert_error (s.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  else if (!pp_run_get_cancelled (s.run))
    (*n_full)++;
  check_outputs (s.run != NULL ? s.run : pp_batch_get_run (batch), out, n_ok, n_cancelled);
  g_clear_error (&s.error);
  g_clear_object (&s.run);
  g_main_loop_unref (s.loop);
  g_main_context_pop_thread_default (context);
  empty_dir (out);
  return start_us;
}

static void
test_cancel_storm (void)
{
  const char *env = g_getenv ("PP_STORM_BATCHES");
  guint n_batches = env != NULL ? atoi (env) : 200;
  g_autofree char *root = g_dir_make_tmp ("pp-storm-XXXXXX", NULL);
  g_autofree char *in = g_build_filename (root, "in", NULL);
  g_autofree char *out = g_build_filename (root, "out", NULL);
  g_autoptr (GFile) in_file = g_file_new_for_path (in);
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec ("exposure=0.3,gaussian-blur=1",
                                                               NULL);
  g_autoptr (GRand) rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autofree char *inputs_hash = NULL;
  guint n_ok = 0, n_cancelled = 0, n_full = 0;
  guint whole_ms = 0;

  g_assert_nonnull (pipeline);
  g_assert_cmpint (g_mkdir (in, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (out, 0755), ==, 0);
  for (guint i = 0; i < N_FILES; i++)
    {
      g_autoptr (PpImage) image = pp_test_photo_new (200 + 7 * i, 150, 3, i);
      g_autoptr (GdkPixbuf) pixbuf = pp_image_to_pixbuf (image);
      g_autofree char *name = g_strdup_printf ("img-%02u.%s", i, i % 2 ? "png" : "jpg");
      g_autofree char *path = g_build_filename (in, name, NULL);

      g_assert_true (gdk_pixbuf_save (pixbuf, path, i % 2 ? "png" : "jpeg", NULL, NULL));
    }
  inputs_hash = hash_dir (in);

  /* One batch left alone first: every file comes out whole (a storm where nothing can succeed
   * proves nothing), and its time sets the range of cancel moments, so that the storm reaches
   * every phase on a fast machine and a loaded one alike. */
  for (guint i = 0; i < 2; i++)
    {
      /* Twice, keeping the shorter: the first pays for starting the decoder helpers. */
      guint ms = (guint) (run_one_batch (in_file, out, pipeline, 2, PP_FORMAT_PNG, G_MAXUINT,
                                         &n_ok, &n_cancelled, &n_full) / 1000);

      whole_ms = i == 0 ? ms : MIN (whole_ms, ms);
    }
  g_assert_cmpuint (n_ok, ==, 2 * N_FILES);
  g_assert_cmpuint (n_full, ==, 2);
  n_ok = n_full = 0;

  for (guint b = 0; b < n_batches; b++)
    {
      /* 0: before the start; then up to 1.2 times a whole batch: listing, decoding, encoding,
       * and sometimes after the end. */
      guint delay_ms = g_rand_int_range (rand, 0, 6) == 0
                         ? 0
                         : (guint) g_rand_int_range (rand, 1, (gint32) MAX (whole_ms * 6 / 5, 2) + 1);

      run_one_batch (in_file, out, pipeline, 1 + b % 3, b % 2 ? PP_FORMAT_PNG : PP_FORMAT_JPEG,
                     delay_ms, &n_ok, &n_cancelled, &n_full);
    }
  {
    g_autofree char *after = hash_dir (in);

    g_assert_cmpstr (inputs_hash, ==, after);
  }
  g_print ("# cancel storm: %u batches (a whole one took %u ms), %u files written whole, "
           "%u files cancelled in flight, %u batches finished before the cancel; no temporary, "
           "partial or stray file\n",
           n_batches, whole_ms, n_ok, n_cancelled, n_full);
  empty_dir (in);
  g_rmdir (in);
  g_rmdir (out);
  g_rmdir (root);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/batch/cancel-storm", test_cancel_storm);
  return g_test_run ();
}
