/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sweep's arithmetic on made-up timings — Amdahl's law fitted back from times it generated,
 * default thread lists, --threads-list parsing, the deterministic sample, what the analysis
 * names as the limit and recommends — and one small real sweep whose record must match
 * docs/sweep.schema.json.
 */
#include "config.h"

#include <math.h>

#include <glib/gstdio.h>

#include "../cli/cli-util.h"
#include "batch/pp-report.h"
#include "batch/pp-scratch.h"
#include "batch/pp-sweep.h"
#include "render/pp-pipeline.h"

static void
test_amdahl_exact (void)
{
  const double serial_fractions[] = { 0.0, 0.05, 0.1, 0.5, 1.0 };

  for (guint k = 0; k < G_N_ELEMENTS (serial_fractions); k++)
    {
      double s = serial_fractions[k], t1 = 40;
      double threads[] = { 1, 2, 4, 8, 16 };
      double wall[G_N_ELEMENTS (threads)];
      PpAmdahlFit fit;

      /* Naive model, written out: T(n) = T1·s + T1·(1 − s)/n */
      for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
        wall[i] = t1 * s + t1 * (1 - s) / threads[i];
      g_assert_true (pp_amdahl_fit (threads, wall, G_N_ELEMENTS (threads), &fit));
      g_assert_cmpfloat_with_epsilon (fit.serial_fraction, s, 1e-9);
      g_assert_cmpfloat_with_epsilon (fit.t1, t1, 1e-6);
      g_assert_cmpfloat (fit.rms_relative_error, <, 1e-9);
      if (s == 0)
        g_assert_true (isinf (fit.max_speedup));
      else
        g_assert_cmpfloat_with_epsilon (fit.max_speedup, 1 / s, 1e-6);
      g_assert_cmpfloat_with_epsilon (pp_amdahl_speedup (&fit, 8), 1 / (s + (1 - s) / 8), 1e-9);
    }
}

static void
test_amdahl_noisy (void)
{
  /* 81 % efficiency at 16 threads (the measurement the issue quotes) is s ≈ 1.56 %. */
  double threads[] = { 1, 2, 4, 8, 16 };
  double noise[] = { 1.01, 0.99, 1.015, 0.985, 1.0 };
  double wall[5];
  double s = 0.0156, t1 = 100;
  PpAmdahlFit fit;

  for (guint i = 0; i < 5; i++)
    wall[i] = (t1 * s + t1 * (1 - s) / threads[i]) * noise[i];
  g_assert_true (pp_amdahl_fit (threads, wall, 5, &fit));
  g_assert_cmpfloat (fabs (fit.serial_fraction - s), <, 0.01);
  g_assert_cmpfloat (fit.rms_relative_error, <, 0.03);
  g_assert_cmpfloat (fabs (pp_amdahl_speedup (&fit, 16) / 16 - 0.81), <, 0.06);
}

static void
test_amdahl_degenerate (void)
{
  double one[] = { 1, 1 };
  double wall[] = { 10, 11 };
  double superlinear_threads[] = { 1, 2 };
  double superlinear_wall[] = { 10, 4 };
  double slower_threads[] = { 1, 4 };
  double slower_wall[] = { 10, 12 };
  double zero_wall[] = { 10, 0 };
  PpAmdahlFit fit;

  g_assert_false (pp_amdahl_fit (one, wall, 2, &fit));
  g_assert_false (pp_amdahl_fit (superlinear_threads, zero_wall, 2, &fit));
  g_assert_false (pp_amdahl_fit (one, wall, 1, &fit));
  /* Faster than linear (a cold first run): no serial part, not a negative one. */
  g_assert_true (pp_amdahl_fit (superlinear_threads, superlinear_wall, 2, &fit));
  g_assert_cmpfloat (fit.serial_fraction, ==, 0);
  /* More threads made it slower: all serial. */
  g_assert_true (pp_amdahl_fit (slower_threads, slower_wall, 2, &fit));
  g_assert_cmpfloat (fit.serial_fraction, ==, 1);
  g_assert_cmpfloat (fit.max_speedup, ==, 1);
}

static void
assert_list (guint        cpus,
             const guint *expected,
             guint        n_expected)
{
  guint n;
  g_autofree guint *list = pp_sweep_default_threads_list (cpus, &n);

  g_assert_cmpuint (n, ==, n_expected);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (list[i], ==, expected[i]);
}

static void
test_default_list (void)
{
  assert_list (1, (guint[]) { 1, 2 }, 2);
  assert_list (2, (guint[]) { 1, 2, 4 }, 3);
  assert_list (12, (guint[]) { 1, 2, 4, 8, 12, 16 }, 6);
  assert_list (16, (guint[]) { 1, 2, 4, 8, 16, 32 }, 6);
  assert_list (64, (guint[]) { 1, 2, 4, 8, 16, 32, 64 }, 7);
}

static void
test_parse_list (void)
{
  g_autofree guint *list = NULL;
  guint n;
  g_autoptr (GError) error = NULL;

  g_assert_true (pp_sweep_parse_threads_list ("8, 2,4,2", &list, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpuint (list[0], ==, 1);
  g_assert_cmpuint (list[1], ==, 2);
  g_assert_cmpuint (list[3], ==, 8);
  g_assert_false (pp_sweep_parse_threads_list ("1,0", &list, &n, &error));
  g_assert_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE);
  g_assert_nonnull (strstr (error->message, "“0”"));
  g_clear_error (&error);
  g_assert_false (pp_sweep_parse_threads_list ("1,,2", &list, &n, &error));
  g_clear_error (&error);
  g_assert_false (pp_sweep_parse_threads_list ("65", &list, &n, &error));
}

static void
test_sample (void)
{
  g_autoptr (GPtrArray) inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_batch_input_free);
  g_autoptr (GPtrArray) four = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) again = NULL;

  for (guint i = 0; i < 10; i++)
    {
      PpBatchInput *input = g_new0 (PpBatchInput, 1);

      input->path = g_strdup_printf ("/p/%u.jpg", i);
      input->relative = g_strdup_printf ("%u.jpg", i);
      g_ptr_array_add (inputs, input);
    }
  four = pp_sweep_sample_inputs (inputs, 4);
  g_assert_cmpuint (four->len, ==, 4);
  g_assert_cmpstr (four->pdata[0], ==, "/p/0.jpg");
  g_assert_cmpstr (four->pdata[1], ==, "/p/2.jpg");
  g_assert_cmpstr (four->pdata[2], ==, "/p/5.jpg");
  g_assert_cmpstr (four->pdata[3], ==, "/p/7.jpg");
  again = pp_sweep_sample_inputs (inputs, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpstr (again->pdata[i], ==, four->pdata[i]);
  all = pp_sweep_sample_inputs (inputs, 0);
  g_assert_cmpuint (all->len, ==, 10);
}

static PpSweepPoint
make_point (guint  threads,
            double wall,
            double one_wall)
{
  PpSweepPoint p = { .threads = threads, .n_runs = 3, .wall_s = wall, .n_ok = 100 };

  p.speedup = one_wall / wall;
  p.efficiency = p.speedup / threads;
  for (guint k = 0; k < PP_SWEEP_N_STAGES; k++)
    p.stage_s[k] = one_wall / 4;
  return p;
}

/* What pp_sweep_analyse() says about some points. */
typedef struct
{
  gboolean fitted;
  PpAmdahlFit fit;
  char *limit;
  char *why;
  guint recommended;
} Analysis;

static void
analysis_clear (Analysis *a)
{
  g_clear_pointer (&a->limit, g_free);
  g_clear_pointer (&a->why, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Analysis, analysis_clear)

static void
analyse (PpSweepPoint *points,
         guint         n_points,
         guint         cpu_budget,
         Analysis     *a)
{
  analysis_clear (a);
  a->fitted = pp_sweep_analyse (points, n_points, cpu_budget, &a->fit, &a->limit,
                                &a->recommended, &a->why);
}

/* 1, 2 and 4 threads on 40 images that take 40 s on one thread. */
static void
three_points (PpSweepPoint *points,
              double        wall_2,
              double        wall_4)
{
  points[0] = make_point (1, 40, 40);
  points[1] = make_point (2, wall_2, 40);
  points[2] = make_point (4, wall_4, 40);
}

static void
test_analyse_tail (void)
{
  /* T1 = 40 s with 2 s that do not shrink: the tail of the last files dominates. */
  PpSweepPoint points[4];
  g_auto (Analysis) a = { 0 };

  three_points (points, 21, 11.5);
  points[3] = make_point (8, 12.0, 40);   /* past the budget of 4: not fitted */
  points[2].tail_s = 1.6;
  points[2].startup_s = 0.2;
  analyse (points, 4, 4, &a);
  g_assert_true (a.fitted);
  g_assert_cmpuint (a.fit.n_points, ==, 3);
  g_assert_cmpfloat (fabs (a.fit.serial_fraction - 0.05), <, 0.01);
  g_assert_nonnull (strstr (a.limit, "Speedup can't pass ~"));
  g_assert_nonnull (strstr (a.limit, "mostly the tail of the last files"));
  g_assert_cmpuint (a.recommended, ==, 4);
  g_assert_nonnull (strstr (a.why, "4 threads"));
}

static void
test_analyse_contention (void)
{
  /* Writing takes twice as long per image on 4 threads: the disk, not a serial step. */
  PpSweepPoint points[3];
  g_auto (Analysis) a = { 0 };

  three_points (points, 22, 13);
  points[2].stage_s[PP_SWEEP_STAGE_WRITE] = 20; /* 10 s at one thread */
  analyse (points, 3, 4, &a);
  g_assert_true (a.fitted);
  g_assert_nonnull (strstr (a.limit, "mostly writing: each image's writing takes 100 % longer"));
}

static void
test_analyse_recommends_fewer (void)
{
  /* 4 threads are only 3 % faster than 2: recommend 2. */
  PpSweepPoint points[3];
  g_auto (Analysis) a = { 0 };

  three_points (points, 20.6, 20.0);
  analyse (points, 3, 4, &a);
  g_assert_cmpuint (a.recommended, ==, 2);
  g_assert_nonnull (strstr (a.why, "4 threads gain less than 5 %"));

  /* Without a 1-thread point there is no speedup to recommend from. */
  analyse (points + 1, 2, 4, &a);
  g_assert_cmpuint (a.recommended, ==, 0);
}

/* A real sweep: 3 of the 8 samples, 1 and 2 threads, twice each. */

typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
  guint updates;
  guint runs;
} SweepRun;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  SweepRun *run = user_data;

  run->result = g_object_ref (result);
  g_main_loop_quit (run->loop);
}

static void
on_point_updated (PpSweep  *sweep,
                  guint     index,
                  SweepRun *run)
{
  g_assert_cmpuint (index, <, pp_sweep_get_n_points (sweep));
  run->updates++;
}

static void
on_run_started (PpSweep  *sweep,
                PpBatch  *batch,
                SweepRun *run)
{
  g_autofree char *phase = pp_sweep_describe_phase (sweep);

  g_assert_true (g_str_has_prefix (phase, "Run "));
  run->runs++;
}

static void
test_engine (void)
{
  g_autofree char *samples = g_build_filename (g_getenv ("PP_SOURCE_ROOT"), "data", "samples",
                                               NULL);
  g_autofree char *scratch = g_dir_make_tmp ("pp-test-sweep-XXXXXX", NULL);
  g_autofree char *schema_path = g_build_filename (g_getenv ("PP_SOURCE_ROOT"), "docs",
                                                   "sweep.schema.json", NULL);
  g_autoptr (GFile) in = g_file_new_for_path (samples);
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec ("fit=160x160", NULL);
  g_autoptr (PpBatch) batch = pp_batch_new ();
  g_autoptr (PpSweep) sweep = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) json = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GString) errors = g_string_new (NULL);
  g_autoptr (GDir) left = NULL;
  g_autofree char *table = NULL;
  SweepRun run = { g_main_loop_new (NULL, FALSE) };
  const guint threads[] = { 2 };
  JsonNode *schema;
  JsonObject *root;

  pp_batch_set_input_folder (batch, in);
  pp_batch_set_pipeline (batch, pipeline);
  sweep = pp_sweep_new (batch);
  pp_sweep_set_threads_list (sweep, threads, 1);   /* 1 is added */
  pp_sweep_set_sample (sweep, 3);
  pp_sweep_set_repeat (sweep, 2);
  pp_sweep_set_scratch_parent (sweep, scratch);
  pp_sweep_set_cpu_budget (sweep, 2);
  g_signal_connect (sweep, "point-updated", G_CALLBACK (on_point_updated), &run);
  g_signal_connect (sweep, "run-started", G_CALLBACK (on_run_started), &run);
  pp_sweep_run_async (sweep, NULL, on_done, &run);
  g_main_loop_run (run.loop);
  g_assert_true (pp_sweep_run_finish (sweep, run.result, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (run.runs, ==, 4);
  g_assert_cmpuint (run.updates, >=, 4);
  g_assert_cmpuint (pp_sweep_get_n_points (sweep), ==, 2);
  g_assert_cmpuint (pp_sweep_get_point (sweep, 0)->threads, ==, 1);
  g_assert_cmpuint (pp_sweep_get_point (sweep, 1)->n_runs, ==, 2);
  g_assert_cmpuint (pp_sweep_get_point (sweep, 1)->n_ok, ==, 3);
  /* Every run after the reference was compared: 1 more 1-thread run, 2 2-thread runs. */
  g_assert_cmpuint (pp_sweep_get_point (sweep, 0)->n_compared, ==, 3);
  g_assert_cmpuint (pp_sweep_get_point (sweep, 1)->n_compared, ==, 6);
  g_assert_true (pp_sweep_get_identical (sweep));
  g_assert_cmpfloat (pp_sweep_get_point (sweep, 0)->speedup, ==, 1.0);
  g_assert_cmpuint (pp_sweep_get_point (sweep, 1)->peak_memory_bytes, >, 0);
  g_assert_cmpuint (pp_sweep_get_n_files_listed (sweep), ==, 8);
  g_assert_cmpuint (pp_sweep_get_survey (sweep)->n_files, ==, 3);
  g_assert_nonnull (pp_sweep_get_fit (sweep));
  g_assert_nonnull (pp_sweep_get_limit (sweep));
  g_assert_cmpuint (pp_sweep_get_recommended_threads (sweep), >=, 1);
  table = pp_sweep_format_table (sweep);
  g_assert_nonnull (strstr (table, "threads"));
  g_assert_nonnull (strstr (table, "Recommended:"));

  /* The scratch folder is gone; nothing else was written there. */
  left = g_dir_open (scratch, 0, NULL);
  g_assert_null (g_dir_read_name (left));

  json = pp_sweep_to_json (sweep);
  json_parser_load_from_file (parser, schema_path, &error);
  g_assert_no_error (error);
  schema = json_parser_get_root (parser);
  if (!cli_schema_check (json_node_get_object (schema), schema, json, "$", errors))
    g_error ("sweep record does not match docs/sweep.schema.json:\n%s", errors->str);
  root = json_node_get_object (json);
  g_assert_cmpint (json_object_get_int_member (root, "files_sampled"), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "points")), ==, 2);

  /* The shareable report: one HTML file with the chart inline. */
  {
    g_autofree char *html = pp_report_html (sweep);
    g_autofree char *path = g_build_filename (scratch, "report.html", NULL);
    g_autofree char *written = NULL;

    g_assert_true (g_str_has_prefix (html, "<!DOCTYPE html>"));
    g_assert_nonnull (strstr (html, "<svg"));
    g_assert_nonnull (strstr (html, "<title>Amdahl fit</title>"));
    g_assert_nonnull (strstr (html, "<title>ideal</title>"));
    g_assert_nonnull (strstr (html, "2 threads: "));      /* a measured point */
    g_assert_nonnull (strstr (html, "fit=160x160"));      /* the chain */
    g_assert_nonnull (strstr (html, "Recommended:"));
    g_assert_null (strstr (html, "<script"));
    g_assert_true (pp_report_write (sweep, path, NULL));
    g_assert_true (g_file_get_contents (path, &written, NULL, NULL));
    g_assert_cmpstr (written, ==, html);
    g_unlink (path);
  }

  g_rmdir (scratch);
  g_object_unref (run.result);
  g_main_loop_unref (run.loop);
}

/* The schema checker must reject what the schema forbids, or the test above proves nothing. */
static void
test_schema_rejects (void)
{
  g_autofree char *schema_path = g_build_filename (g_getenv ("PP_SOURCE_ROOT"), "docs",
                                                   "sweep.schema.json", NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) errors = g_string_new (NULL);
  g_autoptr (JsonNode) bad = cli_parse_json ("{\"schema_version\": 1, \"kind\": \"sweep\"}");
  JsonNode *schema;

  json_parser_load_from_file (parser, schema_path, &error);
  g_assert_no_error (error);
  schema = json_parser_get_root (parser);
  g_assert_false (cli_schema_check (json_node_get_object (schema), schema, bad, "$", errors));
  g_assert_nonnull (strstr (errors->str, "missing points"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pp/sweep/amdahl-exact", test_amdahl_exact);
  g_test_add_func ("/pp/sweep/amdahl-noisy", test_amdahl_noisy);
  g_test_add_func ("/pp/sweep/amdahl-degenerate", test_amdahl_degenerate);
  g_test_add_func ("/pp/sweep/default-threads-list", test_default_list);
  g_test_add_func ("/pp/sweep/parse-threads-list", test_parse_list);
  g_test_add_func ("/pp/sweep/sample", test_sample);
  g_test_add_func ("/pp/sweep/analyse-tail", test_analyse_tail);
  g_test_add_func ("/pp/sweep/analyse-contention", test_analyse_contention);
  g_test_add_func ("/pp/sweep/analyse-recommends-fewer", test_analyse_recommends_fewer);
  g_test_add_func ("/pp/sweep/engine", test_engine);
  g_test_add_func ("/pp/sweep/schema-rejects", test_schema_rejects);
  return g_test_run ();
}
