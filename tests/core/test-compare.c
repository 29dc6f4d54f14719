/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The compare policy (PpCompareCheck) on hand-made runs — a file that fails in one run only, an
 * output that differs by one byte, a file missing from one run — and the compare engine
 * (PpCompare) end to end on the sample photographs: phases in order, outputs kept, scratch
 * folder gone, cancellation.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "batch/pp-compare.h"
#include "batch/pp-scratch.h"
#include "render/pp-pipeline.h"

#include "pp-test-util.h"

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("pp-test-compare-XXXXXX", NULL);
  g_assert_nonnull (f->dir);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_assert_true (pp_scratch_remove_tree (f->dir, NULL));
  g_free (f->dir);
}

static char *
write_file (Fixture    *f,
            const char *name,
            const char *contents)
{
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

/* One record; @output is written with @contents unless NULL. */
static void
add_record (Fixture      *f,
            PpRun        *run,
            guint         index,
            PpFileStatus  status,
            const char   *output_name,
            const char   *contents,
            const char   *reason)
{
  PpFileRecord record = { 0 };
  g_autoptr (PpFileResult) result = NULL;

  record.index = index;
  record.input = g_strdup_printf ("/photos/in-%u.jpg", index);
  record.status = status;
  record.reason = g_strdup (reason);
  if (output_name != NULL)
    record.output = contents != NULL ? write_file (f, output_name, contents)
                                     : g_build_filename (f->dir, output_name, NULL);
  record.start_us = 1000 + index;
  record.end_us = 2000 + index;
  result = pp_file_result_new_take (&record);
  pp_run_append (run, result); /* the run takes its own reference */
}

static PpCompareCheck *
checked (PpRun               *a,
         PpRun               *b,
         PpCompareCheckFlags  flags)
{
  PpCompareCheck *check = pp_compare_check_new (a, b, flags);

  g_assert_true (pp_compare_check_run (check, NULL, NULL));
  return check;
}

static void
test_policy_identical (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr (PpRun) serial = pp_run_new (PP_BATCH_MODE_SERIAL, 1);
  g_autoptr (PpRun) parallel = pp_run_new (PP_BATCH_MODE_PARALLEL, 4);
  g_autoptr (PpCompareCheck) check = NULL;

  add_record (f, serial, 0, PP_FILE_STATUS_OK, "s0", "same bytes", NULL);
  add_record (f, serial, 1, PP_FILE_STATUS_FAILED, NULL, NULL, "Cannot decode");
  add_record (f, serial, 2, PP_FILE_STATUS_OK, "s2", "more bytes", NULL);
  /* Parallel runs finish in another order: matched by index, not position. */
  add_record (f, parallel, 2, PP_FILE_STATUS_OK, "p2", "more bytes", NULL);
  add_record (f, parallel, 0, PP_FILE_STATUS_OK, "p0", "same bytes", NULL);
  add_record (f, parallel, 1, PP_FILE_STATUS_FAILED, NULL, NULL, "Cannot decode");
  check = checked (serial, parallel, PP_COMPARE_CHECK_DEFAULT);
  g_assert_true (pp_compare_check_get_identical (check));
  g_assert_cmpuint (pp_compare_check_get_n_files (check), ==, 3);
  g_assert_cmpuint (pp_compare_check_get_n_compared (check), ==, 2);
  g_assert_null (pp_compare_check_get_differences (check)[0]);
}

/* The window's old compare paired only files both runs wrote, so this read as identical. */
static void
test_policy_fails_in_one_mode (Fixture       *f,
                               gconstpointer  data)
{
  for (guint which = 0; which < 2; which++)
    {
      g_autoptr (PpRun) serial = pp_run_new (PP_BATCH_MODE_SERIAL, 1);
      g_autoptr (PpRun) parallel = pp_run_new (PP_BATCH_MODE_PARALLEL, 2);
      g_autoptr (PpCompareCheck) check = NULL;
      const char *difference;

      add_record (f, serial, 0, PP_FILE_STATUS_OK, "s0", "a", NULL);
      add_record (f, parallel, 0, PP_FILE_STATUS_OK, "p0", "a", NULL);
      if (which == 0)
        {
          add_record (f, serial, 1, PP_FILE_STATUS_FAILED, NULL, NULL, "Out of memory");
          add_record (f, parallel, 1, PP_FILE_STATUS_OK, "p1", "b", NULL);
        }
      else
        {
          add_record (f, serial, 1, PP_FILE_STATUS_OK, "s1", "b", NULL);
          add_record (f, parallel, 1, PP_FILE_STATUS_FAILED, NULL, NULL, "Out of memory");
        }
      check = checked (serial, parallel, PP_COMPARE_CHECK_DEFAULT);
      g_assert_false (pp_compare_check_get_identical (check));
      g_assert_cmpuint (pp_compare_check_get_n_differences (check), ==, 1);
      g_assert_cmpuint (pp_compare_check_get_n_compared (check), ==, 1);
      difference = pp_compare_check_get_differences (check)[0];
      g_assert_nonnull (strstr (difference, "in-1.jpg"));
      g_assert_nonnull (strstr (difference, "failed (Out of memory)"));
      g_assert_nonnull (strstr (difference, which == 0 ? "in the serial run, ok in the 2-thread"
                                                       : "ok in the serial run, failed"));
    }
}

static void
test_policy_bytes_differ (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr (PpRun) serial = pp_run_new (PP_BATCH_MODE_SERIAL, 1);
  g_autoptr (PpRun) parallel = pp_run_new (PP_BATCH_MODE_PARALLEL, 2);
  g_autoptr (PpCompareCheck) check = NULL;

  add_record (f, serial, 0, PP_FILE_STATUS_OK, "s0", "abcdef", NULL);
  add_record (f, parallel, 0, PP_FILE_STATUS_OK, "p0", "abcdeF", NULL);
  add_record (f, serial, 1, PP_FILE_STATUS_OK, "s1", "abc", NULL);
  add_record (f, parallel, 1, PP_FILE_STATUS_OK, "p1", "abcd", NULL); /* longer */
  add_record (f, serial, 2, PP_FILE_STATUS_OK, "s2", "x", NULL);
  add_record (f, parallel, 2, PP_FILE_STATUS_OK, "missing-output", NULL, NULL);
  check = checked (serial, parallel, PP_COMPARE_CHECK_DEFAULT);
  g_assert_false (pp_compare_check_get_identical (check));
  g_assert_cmpuint (pp_compare_check_get_n_differences (check), ==, 3);
  g_assert_nonnull (strstr (pp_compare_check_get_differences (check)[0], "differ"));
  g_assert_nonnull (strstr (pp_compare_check_get_differences (check)[1], "differ"));
  g_assert_nonnull (strstr (pp_compare_check_get_differences (check)[2], "Cannot read"));
}

static void
test_policy_missing_and_skips (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr (PpRun) serial = pp_run_new (PP_BATCH_MODE_SERIAL, 1);
  g_autoptr (PpRun) parallel = pp_run_new (PP_BATCH_MODE_PARALLEL, 2);
  g_autoptr (PpCompareCheck) strict = NULL;
  g_autoptr (PpCompareCheck) lenient = NULL;
  g_autoptr (PpRun) serial2 = pp_run_new (PP_BATCH_MODE_SERIAL, 1);
  g_autoptr (PpRun) parallel2 = pp_run_new (PP_BATCH_MODE_PARALLEL, 2);
  g_autoptr (PpCompareCheck) missing = NULL;

  /* The kept run found an output already there (skip policy). */
  add_record (f, serial, 0, PP_FILE_STATUS_OK, "s0", "a", NULL);
  add_record (f, parallel, 0, PP_FILE_STATUS_SKIPPED, "p0", NULL, "exists");
  add_record (f, serial, 1, PP_FILE_STATUS_OK, "s1", "b", NULL);
  add_record (f, parallel, 1, PP_FILE_STATUS_OK, "p1", "b", NULL);
  strict = checked (serial, parallel, PP_COMPARE_CHECK_DEFAULT);
  g_assert_false (pp_compare_check_get_identical (strict));
  lenient = checked (serial, parallel, PP_COMPARE_CHECK_ALLOW_EXISTING_SKIPS);
  g_assert_true (pp_compare_check_get_identical (lenient));
  g_assert_cmpuint (pp_compare_check_get_n_not_compared (lenient), ==, 1);
  g_assert_cmpuint (pp_compare_check_get_n_compared (lenient), ==, 1);

  /* A file one run never reported. */
  add_record (f, serial2, 0, PP_FILE_STATUS_OK, "t0", "a", NULL);
  add_record (f, serial2, 1, PP_FILE_STATUS_OK, "t1", "b", NULL);
  add_record (f, parallel2, 0, PP_FILE_STATUS_OK, "q0", "a", NULL);
  missing = checked (serial2, parallel2, PP_COMPARE_CHECK_ALLOW_EXISTING_SKIPS);
  g_assert_false (pp_compare_check_get_identical (missing));
  g_assert_nonnull (strstr (pp_compare_check_get_differences (missing)[0],
                            "processed only in the serial run"));
}

/* The engine, end to end. */

typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
  GArray *phases;
  guint runs_started;
  GCancellable *cancel_in_serial;
} EngineRun;

static void
on_phase (PpCompare *compare,
          EngineRun *run)
{
  PpComparePhase phase = pp_compare_get_phase (compare);
  g_autofree char *text = pp_compare_describe_phase (compare);

  g_array_append_val (run->phases, phase);
  if (phase == PP_COMPARE_PHASE_SERIAL)
    g_assert_cmpstr (text, ==, "Serial run (1 of 2)");
  if (phase == PP_COMPARE_PHASE_PARALLEL)
    g_assert_true (g_str_has_suffix (text, "(2 of 2)"));
}

static void
on_run_started (PpCompare *compare,
                PpBatch   *batch,
                EngineRun *run)
{
  run->runs_started++;
  g_assert_true (pp_compare_get_current_batch (compare) == batch);
  if (run->cancel_in_serial != NULL)
    g_cancellable_cancel (run->cancel_in_serial);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  EngineRun *run = user_data;

  run->result = g_object_ref (result);
  g_main_loop_quit (run->loop);
}

static PpBatch *
sample_batch (const char *output)
{
  g_autofree char *samples = g_build_filename (g_getenv ("PP_SOURCE_ROOT"), "data", "samples",
                                               NULL);
  g_autoptr (GFile) in = g_file_new_for_path (samples);
  g_autoptr (GFile) out = g_file_new_for_path (output);
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec ("exposure=0.5,fit=200x200", NULL);
  PpBatch *batch = pp_batch_new ();

  pp_batch_set_input_folder (batch, in);
  pp_batch_set_output_folder (batch, out);
  pp_batch_set_pipeline (batch, pipeline);
  pp_batch_set_threads (batch, 2);
  return batch;
}

static void
test_engine (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *output = g_build_filename (f->dir, "out", NULL);
  g_autoptr (PpBatch) batch = sample_batch (output);
  g_autoptr (PpCompare) compare = pp_compare_new (batch);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) json = NULL;
  EngineRun run = { g_main_loop_new (NULL, FALSE), NULL, g_array_new (FALSE, FALSE,
                                                                      sizeof (PpComparePhase)) };
  const PpComparePhase expected[] = {
    PP_COMPARE_PHASE_PREPARING, PP_COMPARE_PHASE_WARMING_UP, PP_COMPARE_PHASE_SERIAL,
    PP_COMPARE_PHASE_PARALLEL, PP_COMPARE_PHASE_CHECKING, PP_COMPARE_PHASE_CLEANING_UP,
    PP_COMPARE_PHASE_DONE,
  };
  JsonObject *root;

  g_signal_connect (compare, "phase-changed", G_CALLBACK (on_phase), &run);
  g_signal_connect (compare, "run-started", G_CALLBACK (on_run_started), &run);
  pp_compare_run_async (compare, NULL, on_done, &run);
  g_main_loop_run (run.loop);
  g_assert_true (pp_compare_run_finish (compare, run.result, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (run.phases->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpint (g_array_index (run.phases, PpComparePhase, i), ==, expected[i]);
  g_assert_cmpuint (run.runs_started, ==, 2);
  g_assert_true (pp_compare_get_identical (compare));
  g_assert_cmpuint (pp_compare_check_get_n_compared (pp_compare_get_check (compare)), ==, 8);
  g_assert_cmpint (pp_run_get_mode (pp_compare_get_serial_run (compare)), ==, PP_BATCH_MODE_SERIAL);
  g_assert_cmpuint (pp_run_get_threads (pp_compare_get_parallel_run (compare)), ==, 2);
  g_assert_cmpfloat (pp_compare_get_speedup (compare), >, 0);
  g_assert_nonnull (pp_compare_get_warm_up_text (compare));
  g_assert_nonnull (strstr (pp_compare_get_warm_up_text (compare), "read 8 inputs"));
  /* The parallel outputs are kept; the scratch folder (serial outputs, warm-up) is gone. */
  g_assert_cmpuint (pp_test_count_entries (output), ==, 8);
  g_assert_null (pp_compare_get_cleanup_error (compare));

  json = pp_compare_to_json (compare);
  root = json_node_get_object (json);
  g_assert_cmpstr (json_object_get_string_member (root, "kind"), ==, "compare");
  g_assert_true (json_object_get_boolean_member (root, "identical"));
  g_assert_cmpint (json_object_get_int_member (root, "files_compared"), ==, 8);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "differences")),
                    ==, 0);

  /* A compare runs once: a second run is refused and changes nothing. */
  g_clear_object (&run.result);
  pp_compare_run_async (compare, NULL, on_done, &run);
  g_main_loop_run (run.loop);
  g_assert_false (pp_compare_run_finish (compare, run.result, &error));
  g_assert_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_BUSY);
  g_assert_cmpuint (run.phases->len, ==, G_N_ELEMENTS (expected));
  g_assert_true (pp_compare_get_identical (compare));

  g_array_unref (run.phases);
  g_object_unref (run.result);
  g_main_loop_unref (run.loop);
}

static void
test_engine_cancel (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *output = g_build_filename (f->dir, "out", NULL);
  g_autoptr (PpBatch) batch = sample_batch (output);
  g_autoptr (PpCompare) compare = pp_compare_new (batch);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GError) error = NULL;
  EngineRun run = { g_main_loop_new (NULL, FALSE), NULL, g_array_new (FALSE, FALSE,
                                                                      sizeof (PpComparePhase)),
                    0, cancellable };
  gboolean ok;

  g_signal_connect (compare, "phase-changed", G_CALLBACK (on_phase), &run);
  g_signal_connect (compare, "run-started", G_CALLBACK (on_run_started), &run);
  pp_compare_run_async (compare, cancellable, on_done, &run);
  g_main_loop_run (run.loop);
  ok = pp_compare_run_finish (compare, run.result, &error);
  /* Cancelled as the serial run started: either no record at all (cancelled while listing) or
   * a cancelled serial record; never a parallel run, never a verdict. */
  g_assert_true (pp_compare_get_cancelled (compare));
  g_assert_true (ok || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED));
  g_assert_null (pp_compare_get_parallel_run (compare));
  g_assert_false (pp_compare_get_identical (compare));
  g_assert_cmpuint (run.runs_started, ==, 1);
  /* Nothing but the (empty or partial) output folder is left: no scratch folder. */
  {
    g_autoptr (GDir) d = g_dir_open (output, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      g_assert_false (g_str_has_prefix (name, ".parapix-compare-"));
  }
  g_array_unref (run.phases);
  g_object_unref (run.result);
  g_main_loop_unref (run.loop);
}

static void
test_engine_refuses_in_place (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *output = g_build_filename (f->dir, "out", NULL);
  g_autoptr (PpBatch) batch = sample_batch (output);
  g_autoptr (PpCompare) compare = NULL;
  g_autoptr (GError) error = NULL;
  EngineRun run = { g_main_loop_new (NULL, FALSE) };

  pp_batch_set_in_place (batch, TRUE);
  compare = pp_compare_new (batch);
  pp_compare_run_async (compare, NULL, on_done, &run);
  g_main_loop_run (run.loop);
  g_assert_false (pp_compare_run_finish (compare, run.result, &error));
  g_assert_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID);
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  g_object_unref (run.result);
  g_main_loop_unref (run.loop);
}

/* Efficiency above 100 % gets a reason from the measures. */
static void
test_explain_efficiency (void)
{
  PpMeasure serial = { .threads = 1, .wall_us = 10000000, .busy_us = 10000000, .n_ok = 100 };
  PpMeasure parallel = { .threads = 2, .wall_us = 4500000, .busy_us = 8600000, .n_ok = 100 };
  PpMeasure fair = { .threads = 2, .wall_us = 5200000, .busy_us = 10000000, .n_ok = 100 };
  PpMeasure noisy = { .threads = 2, .wall_us = 4850000, .busy_us = 9900000, .n_ok = 100 };
  g_autofree char *cheaper = pp_compare_explain_efficiency (&serial, &parallel);
  g_autofree char *none = pp_compare_explain_efficiency (&serial, &fair);
  g_autofree char *noise = pp_compare_explain_efficiency (&serial, &noisy);

  g_assert_nonnull (cheaper);
  g_assert_nonnull (strstr (cheaper, "16 % more time per image"));
  g_assert_null (none);
  g_assert_nonnull (noise);
  g_assert_nonnull (strstr (noise, "noise"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/pp/compare/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("policy-identical", test_policy_identical);
  ADD ("policy-fails-in-one-mode", test_policy_fails_in_one_mode);
  ADD ("policy-bytes-differ", test_policy_bytes_differ);
  ADD ("policy-missing-and-skips", test_policy_missing_and_skips);
  ADD ("engine", test_engine);
  ADD ("engine-cancel", test_engine_cancel);
  ADD ("engine-refuses-in-place", test_engine_refuses_in_place);
#undef ADD
  g_test_add_func ("/pp/compare/explain-efficiency", test_explain_efficiency);
  return g_test_run ();
}
