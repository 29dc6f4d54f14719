/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * --threads auto: the choice rule, the memory model and budget (a fake /proc and cgroup tree,
 * and PP_MEMORY_BUDGET as a simulated small cap), the prediction arithmetic, and the whole
 * choice on the samples under given CPU and memory figures (so that neither this machine's
 * CPUs nor its load decide what a test expects), with and without a calibration.
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

/* The choice for @folder's images under @spec and @max_megapixels (the batch's limit), under
 * @budget, or under this machine's when %NULL. */
static PpThreadsChoice *
choose_for_folder (const char            *folder,
                   const char            *spec,
                   double                 max_megapixels,
                   const PpThreadsBudget *budget)
{
  g_autoptr (GFile) in = g_file_new_for_path (folder);
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec (spec, NULL);
  g_autoptr (PpBatch) batch = pp_batch_new ();
  g_autoptr (GError) error = NULL;
  Wait wait = { g_main_loop_new (NULL, FALSE) };
  PpThreadsChoice *choice;

  pp_batch_set_input_folder (batch, in);
  pp_batch_set_pipeline (batch, pipeline);
  pp_batch_set_max_megapixels (batch, max_megapixels);
  if (budget != NULL)
    pp_threads_auto_with_budget_async (batch, budget, NULL, on_done, &wait);
  else
    pp_threads_auto_async (batch, NULL, on_done, &wait);
  g_main_loop_run (wait.loop);
  choice = pp_threads_auto_finish (wait.result, &error);
  g_assert_no_error (error);
  g_object_unref (wait.result);
  g_main_loop_unref (wait.loop);
  return choice;
}

/* The choice for the samples (8 files, the largest 3264×2448). */
static PpThreadsChoice *
choose_for_samples (const char            *spec,
                    const PpThreadsBudget *budget)
{
  g_autofree char *samples = g_build_filename (g_getenv ("PP_SOURCE_ROOT"), "data", "samples",
                                               NULL);
  PpThreadsChoice *choice = choose_for_folder (samples, spec, PP_IO_DEFAULT_MAX_MEGAPIXELS,
                                               budget);

  g_assert_cmpuint (choice->n_files, ==, 8);
  g_assert_cmpfloat (choice->largest_megapixels, >, 7.9);
  return choice;
}

/* What one worker needs for the largest sample under "fit=200x200". */
static guint64
sample_bytes_per_worker (void)
{
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec ("fit=200x200", NULL);

  return pp_threads_bytes_per_worker (3264, 2448, pipeline);
}

/* A small cap from this machine's own budget, set by hand (PP_MEMORY_BUDGET): one worker. */
static void
test_auto_memory_env (void)
{
  g_autoptr (PpThreadsChoice) tight = NULL;

  g_setenv ("PP_MEMORY_BUDGET", "100M", TRUE);
  tight = choose_for_samples ("fit=200x200", NULL);
  g_unsetenv ("PP_MEMORY_BUDGET");
  g_assert_cmpuint (tight->bytes_per_worker, ==, sample_bytes_per_worker ());
  g_assert_cmpuint (tight->bytes_per_worker, >, 50 << 20); /* ~64 MiB: 100M holds one */
  g_assert_cmpuint (tight->memory_cap, ==, 1);
  g_assert_cmpuint (tight->threads, ==, 1);
  g_assert_nonnull (strstr (tight->explanation, "memory for 1 worker"));
  g_assert_nonnull (strstr (tight->explanation, "PP_MEMORY_BUDGET"));
}

/* The memory cap binds below the CPUs: the figures are given, so the machine's own CPUs and
 * load play no part. 8 files on 3 candidate workers is too few to calibrate (< 4 a worker),
 * so the choice is exactly the cap. */
static void
test_auto_memory_cap (void)
{
  guint64 per_worker = sample_bytes_per_worker ();
  PpThreadsBudget three = { 4, "test: 4 CPUs", 3 * per_worker + per_worker / 2, "test" };
  PpThreadsBudget less_than_one = { 4, "test: 4 CPUs", per_worker / 2, "test" };
  PpThreadsBudget roomy = { 4, "test: 4 CPUs", G_GUINT64_CONSTANT (64) << 30, "test" };
  g_autoptr (PpThreadsChoice) capped = choose_for_samples ("fit=200x200", &three);
  g_autoptr (PpThreadsChoice) one = choose_for_samples ("fit=200x200", &less_than_one);
  g_autoptr (PpThreadsChoice) cpus = choose_for_samples ("fit=200x200", &roomy);

  g_assert_cmpuint (capped->cpu_budget, ==, 4);
  g_assert_cmpuint (capped->memory_cap, ==, 3);
  g_assert_cmpuint (capped->threads, ==, 3);
  g_assert_cmpuint (capped->calibrated_best, ==, 0);
  g_assert_nonnull (strstr (capped->explanation, "3 threads: CPU budget 4 (test: 4 CPUs); "
                                                 "memory for 3 workers"));
  g_assert_nonnull (strstr (capped->explanation, "no calibration"));

  /* Less memory than one worker needs: one still runs (an image too large fails with a
   * reason), never none. */
  g_assert_cmpuint (one->memory_cap, ==, 1);
  g_assert_cmpuint (one->threads, ==, 1);

  /* 64 GiB hold any count the pool allows: the CPUs bind. */
  g_assert_cmpuint (cpus->memory_cap, ==, 64);
  g_assert_cmpuint (cpus->threads, ==, 4);
}

/* With 4 files per candidate worker the choice calibrates, and never takes more threads than
 * the calibration showed to help. What it measures depends on the machine's load; that it
 * calibrated, and that the choice is bounded by what it found, does not. */
static void
test_auto_calibrates (void)
{
  PpThreadsBudget two = { 2, "test: 2 CPUs", G_GUINT64_CONSTANT (64) << 30, "test" };
  g_autoptr (PpThreadsChoice) choice = choose_for_samples ("fit=200x200", &two);

  g_assert_cmpuint (choice->memory_cap, ==, 64);
  g_assert_cmpuint (choice->calibrated_best, >=, 1);
  g_assert_cmpuint (choice->calibrated_best, <=, 2);
  g_assert_cmpuint (choice->threads, ==, choice->calibrated_best);
  g_assert_cmpfloat (choice->calibration_s, >, 0);
  g_assert_cmpfloat (choice->predicted_serial_s, >, 0);
  g_assert_cmpfloat (choice->predicted_s, >, 0);
  g_assert_nonnull (strstr (choice->explanation, "calibration on 2 files"));
}

/* A BMP header declaring @width × @height at 24 bits a pixel, and no pixels: what a hostile
 * or broken file looks like to the survey (the corpus's bmpsuite_b-reallybig.bmp is one). */
static void
write_bmp_header (const char *path,
                  guint32     width,
                  guint32     height)
{
  guint8 header[54] = { 'B', 'M' };

  header[10] = 54;                    /* pixels start after the two headers */
  header[14] = 40;                    /* BITMAPINFOHEADER */
  for (int i = 0; i < 4; i++)
    {
      header[18 + i] = (width >> (8 * i)) & 0xff;
      header[22 + i] = (height >> (8 * i)) & 0xff;
    }
  header[26] = 1;                     /* planes */
  header[28] = 24;                    /* bits a pixel */
  g_assert_true (g_file_set_contents (path, (const char *) header, sizeof header, NULL));
}

/* The samples, plus a header-only BMP declaring 100000 × 100000 (10 000 MP) and a file whose
 * header cannot be read, in a new folder. */
static char *
make_folder_with_huge_image (void)
{
  g_autofree char *samples = g_build_filename (g_getenv ("PP_SOURCE_ROOT"), "data", "samples",
                                               NULL);
  char *root = g_dir_make_tmp ("pp-test-auto-huge-XXXXXX", NULL);
  g_autoptr (GDir) dir = g_dir_open (samples, 0, NULL);
  g_autofree char *huge = g_build_filename (root, "huge.bmp", NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".jpg"))
      {
        g_autofree char *from = g_build_filename (samples, name, NULL);
        g_autofree char *to = g_build_filename (root, name, NULL);
        g_autoptr (GFile) source = g_file_new_for_path (from);
        g_autoptr (GFile) target = g_file_new_for_path (to);

        g_assert_true (g_file_copy (source, target, G_FILE_COPY_NONE, NULL, NULL, NULL, NULL));
      }
  write_bmp_header (huge, 100000, 100000);
  pp_test_write_file (root, "broken.png", "not a PNG at all");
  return root;
}

/* A file over the batch's max-megapixels is refused from its header before any pixel memory
 * exists, and one without a readable header fails too: neither may size the workers. Before,
 * one such file put the whole batch on 1 thread ("87.3 TiB each for the largest image"). The
 * budget holds 3 workers of the largest sample; 10 files on 3 candidates are too few to
 * calibrate, so the choice is exactly the memory cap. */
static void
test_auto_memory_ignores_refused (void)
{
  g_autofree char *folder = make_folder_with_huge_image ();
  guint64 per_worker = sample_bytes_per_worker ();
  PpThreadsBudget three = { 4, "test: 4 CPUs", 3 * per_worker + per_worker / 2, "test" };
  g_autoptr (PpThreadsChoice) limited = choose_for_folder (folder, "fit=200x200",
                                                           PP_IO_DEFAULT_MAX_MEGAPIXELS, &three);
  g_autoptr (PpThreadsChoice) unlimited = choose_for_folder (folder, "fit=200x200", 0,
                                                             &three);

  g_assert_cmpuint (limited->threads, ==, 3);
  g_assert_cmpuint (limited->memory_cap, ==, 3);
  g_assert_cmpuint (limited->bytes_per_worker, ==, per_worker);
  g_assert_cmpfloat (limited->largest_megapixels, <, 8.0);
  g_assert_cmpuint (limited->n_files, ==, 10);
  g_assert_cmpuint (limited->n_over_limit, ==, 1);
  g_assert_cmpuint (limited->n_unreadable, ==, 1);
  g_assert_nonnull (strstr (limited->explanation, "3 threads: CPU budget 4 (test: 4 CPUs); "
                                                  "memory for 3 workers"));
  g_assert_nonnull (strstr (limited->explanation, "for the largest image, 8.0 MP, of"));
  g_assert_nonnull (strstr (limited->explanation, "not counted: 1 file over the 128 MP limit, "
                                                  "1 file without a readable header); 10 files"));

  /* With no limit (--max-megapixels 0) the huge file will be decoded: it sizes memory. */
  g_assert_cmpuint (unlimited->n_over_limit, ==, 0);
  g_assert_cmpfloat (unlimited->largest_megapixels, ==, 10000.0);
  g_assert_cmpuint (unlimited->memory_cap, ==, 1);
  g_assert_cmpuint (unlimited->threads, ==, 1);
  g_assert_nonnull (strstr (unlimited->explanation, "memory for 1 worker ("));
  g_assert_null (strstr (unlimited->explanation, "over the"));
  pp_test_remove_tree (folder);
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
  g_test_add_func ("/pp/auto-threads/memory-env", test_auto_memory_env);
  g_test_add_func ("/pp/auto-threads/memory-cap", test_auto_memory_cap);
  g_test_add_func ("/pp/auto-threads/calibrates", test_auto_calibrates);
  g_test_add_func ("/pp/auto-threads/memory-ignores-refused", test_auto_memory_ignores_refused);
  return g_test_run ();
}
