/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shard selection: K/N and its errors, --shard auto from each scheduler's environment as it
 * really sets it (GNU parallel, Kubernetes Indexed Jobs, Slurm arrays with ranges, steps and
 * lists), clear failures when nothing is found or the variables do not add up, and the deal:
 * N shards cover every position exactly once.
 */
#include <string.h>

#include "batch/pp-shard.h"

static void
assert_shard (const char         *text,
              const char * const *envp,
              guint               k1,
              guint               n,
              PpShardSource       source)
{
  g_autoptr (GError) error = NULL;
  PpShard shard;

  g_assert_true (pp_shard_parse (text, envp, &shard, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (shard.index + 1, ==, k1);
  g_assert_cmpuint (shard.count, ==, n);
  g_assert_cmpint (shard.source, ==, source);
}

static void
assert_fails (const char         *text,
              const char * const *envp,
              int                 code,
              const char         *mentions)
{
  g_autoptr (GError) error = NULL;
  PpShard shard;

  g_assert_false (pp_shard_parse (text, envp, &shard, &error));
  g_assert_error (error, PP_SHARD_ERROR, code);
  if (mentions != NULL && strstr (error->message, mentions) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, mentions);
  /* A failed parse leaves no sharding, never a half-set shard. */
  g_assert_cmpuint (shard.index, ==, 0);
  g_assert_cmpuint (shard.count, ==, 1);
}

static const char *const empty_env[] = { "HOME=/root", NULL };

static void
test_explicit (void)
{
  assert_shard ("1/1", empty_env, 1, 1, PP_SHARD_SOURCE_OPTION);
  assert_shard ("2/8", empty_env, 2, 8, PP_SHARD_SOURCE_OPTION);
  assert_shard ("8/8", empty_env, 8, 8, PP_SHARD_SOURCE_OPTION);
  assert_fails ("0/8", empty_env, PP_SHARD_ERROR_INVALID, "1 ≤ K ≤ N");
  assert_fails ("9/8", empty_env, PP_SHARD_ERROR_INVALID, "“9/8”");
  assert_fails ("1/0", empty_env, PP_SHARD_ERROR_INVALID, NULL);
  assert_fails ("2", empty_env, PP_SHARD_ERROR_INVALID, NULL);
  assert_fails ("1/2/3", empty_env, PP_SHARD_ERROR_INVALID, NULL);
  assert_fails ("a/b", empty_env, PP_SHARD_ERROR_INVALID, NULL);
  assert_fails ("-1/4", empty_env, PP_SHARD_ERROR_INVALID, NULL);
  assert_fails ("", empty_env, PP_SHARD_ERROR_INVALID, NULL);
  assert_fails ("auto/x", empty_env, PP_SHARD_ERROR_INVALID, "auto/N");
  assert_fails ("auto/0", empty_env, PP_SHARD_ERROR_INVALID, NULL);
}

static void
test_nothing_found (void)
{
  const char *const count_only[] = { "PARAPIX_SHARD_COUNT=4", NULL };

  assert_fails ("auto", empty_env, PP_SHARD_ERROR_NOT_FOUND, "--shard K/N");
  assert_fails ("auto/4", empty_env, PP_SHARD_ERROR_NOT_FOUND, "SLURM_ARRAY_TASK_ID");
  assert_fails ("auto", count_only, PP_SHARD_ERROR_NOT_FOUND, "PARALLEL_SEQ");
}

static void
test_parallel (void)
{
  const char *const seq3[] = { "PARALLEL_SEQ=3", NULL };
  const char *const seq3_count[] = { "PARALLEL_SEQ=3", "PARAPIX_SHARD_COUNT=5", NULL };
  const char *const seq0[] = { "PARALLEL_SEQ=0", NULL };

  assert_shard ("auto/4", seq3, 3, 4, PP_SHARD_SOURCE_PARALLEL);
  assert_shard ("auto", seq3_count, 3, 5, PP_SHARD_SOURCE_PARALLEL);
  /* auto/N given on the command line wins over the variable. */
  assert_shard ("auto/3", seq3_count, 3, 3, PP_SHARD_SOURCE_PARALLEL);
  assert_fails ("auto", seq3, PP_SHARD_ERROR_ENVIRONMENT, "auto/N");
  assert_fails ("auto/2", seq3, PP_SHARD_ERROR_ENVIRONMENT, "run exactly 2 jobs");
  assert_fails ("auto/2", seq0, PP_SHARD_ERROR_ENVIRONMENT, "PARALLEL_SEQ");
}

static void
test_kubernetes (void)
{
  const char *const index0[] = { "JOB_COMPLETION_INDEX=0", "PARAPIX_SHARD_COUNT=4", NULL };
  const char *const index3[] = { "JOB_COMPLETION_INDEX=3", "PARAPIX_SHARD_COUNT=4", NULL };
  const char *const index4[] = { "JOB_COMPLETION_INDEX=4", "PARAPIX_SHARD_COUNT=4", NULL };
  const char *const no_count[] = { "JOB_COMPLETION_INDEX=1", NULL };
  const char *const bad_count[] = { "JOB_COMPLETION_INDEX=1", "PARAPIX_SHARD_COUNT=four", NULL };

  assert_shard ("auto", index0, 1, 4, PP_SHARD_SOURCE_KUBERNETES);
  assert_shard ("auto", index3, 4, 4, PP_SHARD_SOURCE_KUBERNETES);
  assert_fails ("auto", index4, PP_SHARD_ERROR_ENVIRONMENT, "completions");
  assert_fails ("auto", no_count, PP_SHARD_ERROR_ENVIRONMENT, "PARAPIX_SHARD_COUNT");
  assert_fails ("auto", bad_count, PP_SHARD_ERROR_ENVIRONMENT, "“four”");
}

static void
test_slurm (void)
{
  /* sbatch --array=0-3 */
  const char *const range0[] = { "SLURM_ARRAY_TASK_ID=2", "SLURM_ARRAY_TASK_MIN=0",
                                 "SLURM_ARRAY_TASK_MAX=3", "SLURM_ARRAY_TASK_STEP=1",
                                 "SLURM_ARRAY_TASK_COUNT=4", NULL };
  /* sbatch --array=1-16 */
  const char *const range1[] = { "SLURM_ARRAY_TASK_ID=16", "SLURM_ARRAY_TASK_MIN=1",
                                 "SLURM_ARRAY_TASK_MAX=16", "SLURM_ARRAY_TASK_COUNT=16", NULL };
  /* sbatch --array=10-40:10 */
  const char *const stepped[] = { "SLURM_ARRAY_TASK_ID=30", "SLURM_ARRAY_TASK_MIN=10",
                                  "SLURM_ARRAY_TASK_MAX=40", "SLURM_ARRAY_TASK_STEP=10",
                                  "SLURM_ARRAY_TASK_COUNT=4", NULL };
  /* Only MIN and COUNT. */
  const char *const min_count[] = { "SLURM_ARRAY_TASK_ID=5", "SLURM_ARRAY_TASK_MIN=5",
                                    "SLURM_ARRAY_TASK_COUNT=3", NULL };
  /* sbatch --array=1,5,7: MIN 1, MAX 7, COUNT 3. */
  const char *const irregular[] = { "SLURM_ARRAY_TASK_ID=5", "SLURM_ARRAY_TASK_MIN=1",
                                    "SLURM_ARRAY_TASK_MAX=7", "SLURM_ARRAY_TASK_COUNT=3", NULL };
  /* One task resubmitted alone (sbatch --array=2) with the count kept in the script. */
  const char *const alone[] = { "SLURM_ARRAY_TASK_ID=2", "SLURM_ARRAY_TASK_MIN=2",
                                "SLURM_ARRAY_TASK_MAX=2", "SLURM_ARRAY_TASK_COUNT=1",
                                "PARAPIX_SHARD_COUNT=4", NULL };
  const char *const alone_too_big[] = { "SLURM_ARRAY_TASK_ID=4", "SLURM_ARRAY_TASK_MIN=4",
                                        "SLURM_ARRAY_TASK_MAX=4", "PARAPIX_SHARD_COUNT=4",
                                        NULL };
  const char *const no_min[] = { "SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT=4", NULL };
  const char *const off_step[] = { "SLURM_ARRAY_TASK_ID=15", "SLURM_ARRAY_TASK_MIN=10",
                                   "SLURM_ARRAY_TASK_MAX=40", "SLURM_ARRAY_TASK_STEP=10", NULL };
  const char *const garbage[] = { "SLURM_ARRAY_TASK_ID=x", "SLURM_ARRAY_TASK_MIN=0",
                                  "SLURM_ARRAY_TASK_MAX=3", NULL };
  /* GNU parallel inside a Slurm array task: parallel started this process, its number wins. */
  const char *const nested[] = { "SLURM_ARRAY_TASK_ID=2", "SLURM_ARRAY_TASK_MIN=0",
                                 "SLURM_ARRAY_TASK_MAX=3", "PARALLEL_SEQ=1", NULL };

  assert_shard ("auto", range0, 3, 4, PP_SHARD_SOURCE_SLURM);
  assert_shard ("auto", range1, 16, 16, PP_SHARD_SOURCE_SLURM);
  assert_shard ("auto", stepped, 3, 4, PP_SHARD_SOURCE_SLURM);
  assert_shard ("auto", min_count, 1, 3, PP_SHARD_SOURCE_SLURM);
  assert_shard ("auto", alone, 3, 4, PP_SHARD_SOURCE_SLURM);
  assert_shard ("auto/4", nested, 1, 4, PP_SHARD_SOURCE_PARALLEL);
  assert_fails ("auto", irregular, PP_SHARD_ERROR_ENVIRONMENT, "irregular");
  assert_fails ("auto", alone_too_big, PP_SHARD_ERROR_ENVIRONMENT, "--array=0-3");
  assert_fails ("auto", no_min, PP_SHARD_ERROR_ENVIRONMENT, "SLURM_ARRAY_TASK_MIN");
  assert_fails ("auto", off_step, PP_SHARD_ERROR_ENVIRONMENT, "does not fit");
  assert_fails ("auto", garbage, PP_SHARD_ERROR_ENVIRONMENT, "SLURM_ARRAY_TASK_ID");
}

/* The process's own environment is read when none is given. */
static void
test_process_environment (void)
{
  g_autoptr (GError) error = NULL;
  PpShard shard;

  g_unsetenv ("PARALLEL_SEQ");
  g_unsetenv ("SLURM_ARRAY_TASK_ID");
  g_setenv ("JOB_COMPLETION_INDEX", "1", TRUE);
  g_setenv ("PARAPIX_SHARD_COUNT", "2", TRUE);
  g_assert_true (pp_shard_parse ("auto", NULL, &shard, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (shard.index, ==, 1);
  g_assert_cmpuint (shard.count, ==, 2);
  g_unsetenv ("JOB_COMPLETION_INDEX");
  g_unsetenv ("PARAPIX_SHARD_COUNT");
}

/* Naive reference: every position lands in exactly one of the N shards, and shard sizes differ
 * by at most one. */
static void
test_deal_exactly_once (void)
{
  for (guint n = 1; n <= 9; n++)
    for (guint length = 0; length <= 40; length++)
      {
        g_autofree guint *seen = g_new0 (guint, length + 1);
        guint smallest = G_MAXUINT, largest = 0;

        for (guint k = 0; k < n; k++)
          {
            PpShard shard = { k, n, PP_SHARD_SOURCE_OPTION };
            guint size = 0;

            for (guint p = 0; p < length; p++)
              if (pp_shard_contains (&shard, p))
                {
                  seen[p]++;
                  size++;
                }
            smallest = MIN (smallest, size);
            largest = MAX (largest, size);
          }
        for (guint p = 0; p < length; p++)
          g_assert_cmpuint (seen[p], ==, 1);
        g_assert_cmpuint (largest - smallest, <=, 1);
      }
}

static void
test_describe (void)
{
  PpShard slurm = { 2, 4, PP_SHARD_SOURCE_SLURM };
  PpShard option = { 0, 2, PP_SHARD_SOURCE_OPTION };
  g_autofree char *a = pp_shard_describe (&slurm);
  g_autofree char *b = pp_shard_describe (&option);

  g_assert_cmpstr (a, ==, "shard 3 of 4 (from the Slurm job array)");
  g_assert_cmpstr (b, ==, "shard 1 of 2");
  g_assert_cmpstr (pp_shard_source_to_string (PP_SHARD_SOURCE_KUBERNETES), ==, "kubernetes");
  g_assert_cmpstr (pp_shard_source_to_string (PP_SHARD_SOURCE_PARALLEL), ==, "parallel");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/shard/explicit", test_explicit);
  g_test_add_func ("/pp/shard/nothing-found", test_nothing_found);
  g_test_add_func ("/pp/shard/parallel", test_parallel);
  g_test_add_func ("/pp/shard/kubernetes", test_kubernetes);
  g_test_add_func ("/pp/shard/slurm", test_slurm);
  g_test_add_func ("/pp/shard/process-environment", test_process_environment);
  g_test_add_func ("/pp/shard/deal-exactly-once", test_deal_exactly_once);
  g_test_add_func ("/pp/shard/describe", test_describe);
  return g_test_run ();
}
