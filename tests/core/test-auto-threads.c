/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * --threads auto: the choice rule, the memory model and budget (a fake /proc and cgroup tree,
 * and PP_MEMORY_BUDGET as a simulated small cap), the prediction arithmetic, and the whole
 * choice on the samples under a tiny memory budget.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "batch/pp-auto-threads.h"
#include "batch/pp-machine.h"
#include "batch/pp-scratch.h"
#include "render/pp-pipeline.h"
#include "pp-test-util.h"

static void
test_choose (void)
{
  /* cpu budget, memory cap, files, calibrated best → threads */
  g_assert_cmpuint (pp_threads_choose (16, 64, 1000, 0), ==, 16);
  g_assert_cmpuint (pp_threads_choose (16, 3, 1000, 0), ==, 3);      /* memory binds */
  g_assert_cmpuint (pp_threads_choose (16, 64, 5, 0), ==, 5);        /* few files */
  g_assert_cmpuint (pp_threads_choose (16, 64, 1000, 8), ==, 8);     /* calibration binds */
  g_assert_cmpuint (pp_threads_choose (2, 64, 1000, 8), ==, 2);      /* never past the CPUs */
  g_assert_cmpuint (pp_threads_choose (16, 0, 0, 0), ==, 1);         /* at least one */
  g_assert_cmpuint (pp_threads_choose (200, 200, 1000, 0), ==, 64);  /* the pool's ceiling */
}

static void
test_memory_model (void)
{
  g_autoptr (PpPipeline) thumbs = pp_pipeline_new_from_spec ("fit=800x800", NULL);
  g_autoptr (PpPipeline) adjust = pp_pipeline_new_from_spec ("exposure=0.5,gamma=1.2", NULL);
  g_autoptr (PpPipeline) two = pp_pipeline_new_from_spec ("gaussian-blur=2,fit=800x800", NULL);
  const guint64 mp12 = (guint64) 4000 * 3000 * 4;

  /* Decoded twice (helper + worker), output twice (buffer + encoder). */
  g_assert_cmpuint (pp_threads_bytes_per_worker (4000, 3000, thumbs), ==,
                    2 * mp12 + 2 * (guint64) 800 * 600 * 4);
  g_assert_cmpuint (pp_threads_bytes_per_worker (4000, 3000, adjust), ==, 4 * mp12);
  /* Two stages: one intermediate buffer more. */
  g_assert_cmpuint (pp_threads_bytes_per_worker (4000, 3000, two), ==,
                    3 * mp12 + 2 * (guint64) 800 * 600 * 4);
  g_assert_cmpuint (pp_threads_memory_cap (G_GUINT64_CONSTANT (200) << 20, 100 << 20), ==, 2);
  g_assert_cmpuint (pp_threads_memory_cap (10, 100 << 20), ==, 1);
  g_assert_cmpuint (pp_threads_memory_cap (G_GUINT64_CONSTANT (1) << 40, 1), ==, 64);
}

static void
test_memory_budget (void)
{
  g_autofree char *root = g_dir_make_tmp ("pp-test-memory-XXXXXX", NULL);
  PpMemoryBudget budget;
  guint64 bytes;

  /* MemAvailable only: 90 % of it. */
  pp_test_write_file (root, "proc/meminfo", "MemTotal: 8000000 kB\nMemAvailable: 1000000 kB\n");
  pp_memory_budget_query_at (root, NULL, &budget);
  g_assert_cmpint (budget.source, ==, PP_MEMORY_BUDGET_SOURCE_MEMINFO);
  g_assert_cmpuint (budget.bytes, ==, (guint64) (1000000 * 1024.0 * 0.9));

  /* A cgroup v2 limit tighter than that binds. */
  pp_test_write_file (root, "sys/fs/cgroup/memory.max", "536870912\n");
  pp_test_write_file (root, "sys/fs/cgroup/memory.current", "268435456\n");
  pp_memory_budget_query_at (root, NULL, &budget);
  g_assert_cmpint (budget.source, ==, PP_MEMORY_BUDGET_SOURCE_CGROUP);
  g_assert_cmpuint (budget.bytes, ==, 268435456);

  /* "max" is no limit. */
  pp_test_write_file (root, "sys/fs/cgroup/memory.max", "max\n");
  pp_memory_budget_query_at (root, NULL, &budget);
  g_assert_cmpint (budget.source, ==, PP_MEMORY_BUDGET_SOURCE_MEMINFO);

  /* PP_MEMORY_BUDGET wins, whatever the machine says; a bad value is ignored. */
  pp_memory_budget_query_at (root, "200M", &budget);
  g_assert_cmpint (budget.source, ==, PP_MEMORY_BUDGET_SOURCE_ENVIRONMENT);
  g_assert_cmpuint (budget.bytes, ==, 200 << 20);
  pp_memory_budget_query_at (root, "lots", &budget);
  g_assert_cmpint (budget.source, ==, PP_MEMORY_BUDGET_SOURCE_MEMINFO);

  g_assert_true (pp_parse_bytes ("1.5G", &bytes));
  g_assert_cmpuint (bytes, ==, 3 * (G_GUINT64_CONSTANT (1) << 29));
  g_assert_true (pp_parse_bytes ("512KiB", &bytes));
  g_assert_cmpuint (bytes, ==, 512 * 1024);
  g_assert_false (pp_parse_bytes ("12X", &bytes));
  g_assert_false (pp_parse_bytes ("-1", &bytes));
  g_assert_true (pp_scratch_remove_tree (root, NULL));
}

static void
test_predict (void)
{
  /* 100 files of 12 MP; the sample: 4 files, 48 MP, 0.4 s each on its worker. Serially:
   * 100 × 0.4 s plus 0.1 s overhead. On 4 threads: a quarter of the work, plus 3/8 of a file. */
  double serial = pp_threads_predict (1200, 48, 4, 0.4, 0.1, 1);
  double four = pp_threads_predict (1200, 48, 4, 0.44, 0.1, 4);
  g_autofree char *a = pp_format_duration (190);
  g_autofree char *b = pp_format_duration (4.25);
  PpThreadsChoice choice = { .threads = 2, .predicted_serial_s = 190, .predicted_s = 100 };
  g_autofree char *line = pp_threads_choice_describe_prediction (&choice);

  g_assert_cmpfloat_with_epsilon (serial, 40.1, 1e-9);
  g_assert_cmpfloat_with_epsilon (four, 44.0 / 4 + 0.1 + 0.44 * 3 / 8, 1e-9);
  g_assert_cmpstr (a, ==, "3 min 10 s");
  g_assert_cmpstr (b, ==, "4.2 s");
  g_assert_cmpstr (line, ==, "serial ≈ 3 min 10 s · 2 threads ≈ 1 min 40 s");
  g_assert_cmpfloat (pp_threads_predict (100, 0, 0, 1, 0, 1), ==, 0);
}

typedef struct
{
  GMainLoop *loop;
  GAsyncResult *result;
} Wait;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static PpThreadsChoice *
choose_for_samples (const char *spec)
{
  g_autofree char *samples = g_build_filename (g_getenv ("PP_SOURCE_ROOT"), "data", "samples",
                                               NULL);
  g_autoptr (GFile) in = g_file_new_for_path (samples);
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec (spec, NULL);
  g_autoptr (PpBatch) batch = pp_batch_new ();
  g_autoptr (GError) error = NULL;
  Wait wait = { g_main_loop_new (NULL, FALSE) };
  PpThreadsChoice *choice;

  pp_batch_set_input_folder (batch, in);
  pp_batch_set_pipeline (batch, pipeline);
  pp_threads_auto_async (batch, NULL, on_done, &wait);
  g_main_loop_run (wait.loop);
  choice = pp_threads_auto_finish (wait.result, &error);
  g_assert_no_error (error);
  g_object_unref (wait.result);
  g_main_loop_unref (wait.loop);
  return choice;
}

/* A simulated small cap: the largest sample (3264×2448) needs ~64 MiB a worker. */
static void
test_auto_memory_cap (void)
{
  g_autoptr (PpThreadsChoice) tight = NULL;
  g_autoptr (PpThreadsChoice) roomy = NULL;

  g_setenv ("PP_MEMORY_BUDGET", "100M", TRUE);
  tight = choose_for_samples ("fit=200x200");
  g_assert_cmpuint (tight->memory_cap, ==, 1);
  g_assert_cmpuint (tight->threads, ==, 1);
  g_assert_cmpuint (tight->n_files, ==, 8);
  g_assert_cmpfloat (tight->largest_megapixels, >, 7.9);
  g_assert_nonnull (strstr (tight->explanation, "memory for 1 worker"));
  g_assert_nonnull (strstr (tight->explanation, "PP_MEMORY_BUDGET"));

  g_setenv ("PP_MEMORY_BUDGET", "64G", TRUE);
  roomy = choose_for_samples ("fit=200x200");
  g_unsetenv ("PP_MEMORY_BUDGET");
  g_assert_cmpuint (roomy->memory_cap, ==, 64); /* 64 GiB hold any count the pool allows */
  /* The calibration measures on a shared machine: whatever it found, the rule applies. */
  g_assert_cmpuint (roomy->threads, ==, pp_threads_choose (roomy->cpu_budget, roomy->memory_cap,
                                                           8, roomy->calibrated_best));
  g_assert_cmpuint (roomy->threads, <=, MIN (roomy->cpu_budget, 8));
  /* 8 files over 2 CPUs is 4 a worker: enough to calibrate on 2 CPUs, not on more. */
  if (roomy->cpu_budget == 2)
    {
      g_assert_cmpuint (roomy->calibrated_best, >=, 1);
      g_assert_cmpfloat (roomy->predicted_serial_s, >, 0);
      g_assert_nonnull (strstr (roomy->explanation, "calibration on 2 files"));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pp/auto-threads/choose", test_choose);
  g_test_add_func ("/pp/auto-threads/memory-model", test_memory_model);
  g_test_add_func ("/pp/auto-threads/memory-budget", test_memory_budget);
  g_test_add_func ("/pp/auto-threads/predict", test_predict);
  g_test_add_func ("/pp/auto-threads/memory-cap", test_auto_memory_cap);
  return g_test_run ();
}
