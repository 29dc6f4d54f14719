/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shard selection. "--shard auto" looks, in this order, for GNU parallel (PARALLEL_SEQ, set in
 * each job it starts; the innermost launcher when parallel runs inside a Slurm or Kubernetes
 * task), a Kubernetes Indexed Job (JOB_COMPLETION_INDEX) and a Slurm job array
 * (SLURM_ARRAY_TASK_ID). The count comes from "auto/N" or PARAPIX_SHARD_COUNT; a Slurm array
 * gives its own from SLURM_ARRAY_TASK_MIN/MAX/STEP (checked against _COUNT). Variables as
 * documented by GNU parallel(1) ("$PARALLEL_SEQ"), Kubernetes ("Indexed Job",
 * batch.kubernetes.io/job-completion-index) and sbatch(1) ("OUTPUT ENVIRONMENT VARIABLES").
 */
#define G_LOG_DOMAIN "pp-shard"

#include "config.h"

#include <string.h>

#include "batch/pp-shard.h"

G_DEFINE_QUARK (pp-shard-error-quark, pp_shard_error)

/**
 * pp_shard_init:
 * @shard: (out caller-allocates): a shard
 *
 * Sets @shard to "no sharding": 1 of 1.
 */
void
pp_shard_init (PpShard *shard)
{
  g_return_if_fail (shard != NULL);

  shard->index = 0;
  shard->count = 1;
  shard->source = PP_SHARD_SOURCE_NONE;
}

static gboolean
parse_number (const char *text,
              guint64     min,
              guint64    *out)
{
  return text != NULL && g_ascii_string_to_unsigned (text, 10, min, G_MAXUINT, out, NULL);
}

/* A variable that must be a whole number when it is set at all. */
static gboolean
get_number (const char * const *envp,
            const char         *name,
            guint64             min,
            gboolean           *present,
            guint64            *out,
            GError            **error)
{
  const char *text = g_environ_getenv ((char **) envp, name);

  *present = text != NULL;
  if (text == NULL)
    return TRUE;
  if (parse_number (text, min, out))
    return TRUE;
  g_set_error (error, PP_SHARD_ERROR, PP_SHARD_ERROR_ENVIRONMENT,
               "--shard auto: %s=“%s” is not a whole number%s", name, text,
               min > 0 ? " above 0" : "");
  return FALSE;
}

/* The index and count of a Slurm array task: (ID - MIN) / STEP of (MAX - MIN) / STEP + 1. */
static gboolean
from_slurm (const char * const *envp,
            guint64             given_count,
            PpShard            *shard,
            GError            **error)
{
  guint64 id, min = 0, max = 0, step = 1, count = 0;
  gboolean has_min, has_max, has_step, has_count, present;

  if (!get_number (envp, "SLURM_ARRAY_TASK_ID", 0, &present, &id, error)
      || !get_number (envp, "SLURM_ARRAY_TASK_MIN", 0, &has_min, &min, error)
      || !get_number (envp, "SLURM_ARRAY_TASK_MAX", 0, &has_max, &max, error)
      || !get_number (envp, "SLURM_ARRAY_TASK_STEP", 1, &has_step, &step, error)
      || !get_number (envp, "SLURM_ARRAY_TASK_COUNT", 1, &has_count, &count, error))
    return FALSE;
  if (!has_step)
    step = 1;

  if (given_count > 0)
    {
      /* A count given by the user (PARAPIX_SHARD_COUNT, auto/N) means the task IDs are the
       * shards numbered from 0, so one task can be resubmitted alone (sbatch --array=2). */
      if (id >= given_count)
        {
          g_set_error (error, PP_SHARD_ERROR, PP_SHARD_ERROR_ENVIRONMENT,
                       "--shard auto: SLURM_ARRAY_TASK_ID=%" G_GUINT64_FORMAT " is not below the "
                       "shard count %" G_GUINT64_FORMAT "; with a given count, number the array "
                       "from 0 (--array=0-%" G_GUINT64_FORMAT ")", id, given_count,
                       given_count - 1);
          return FALSE;
        }
      shard->index = (guint) id;
      shard->count = (guint) given_count;
      return TRUE;
    }

  if (!has_min || (!has_max && !has_count))
    {
      g_set_error (error, PP_SHARD_ERROR, PP_SHARD_ERROR_ENVIRONMENT,
                   "--shard auto: SLURM_ARRAY_TASK_ID is set but not SLURM_ARRAY_TASK_MIN and "
                   "SLURM_ARRAY_TASK_MAX or _COUNT; set PARAPIX_SHARD_COUNT or use --shard K/N");
      return FALSE;
    }
  if (id < min || (id - min) % step != 0 || (has_max && (id > max || max < min)))
    {
      g_set_error (error, PP_SHARD_ERROR, PP_SHARD_ERROR_ENVIRONMENT,
                   "--shard auto: SLURM_ARRAY_TASK_ID=%" G_GUINT64_FORMAT " does not fit the "
                   "array %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT, id,
                   min, max, step);
      return FALSE;
    }
  if (has_max)
    {
      guint64 span = (max - min) / step + 1;

      /* An irregular array (--array=1,5,7) has MIN/MAX that do not say where a task stands. */
      if (has_count && span != count)
        {
          g_set_error (error, PP_SHARD_ERROR, PP_SHARD_ERROR_ENVIRONMENT,
                       "--shard auto: the Slurm array %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT
                       ":%" G_GUINT64_FORMAT " should hold %" G_GUINT64_FORMAT " tasks but "
                       "SLURM_ARRAY_TASK_COUNT=%" G_GUINT64_FORMAT " (an irregular list?); use "
                       "a range, or set PARAPIX_SHARD_COUNT and number the tasks from 0",
                       min, max, step, span, count);
          return FALSE;
        }
      count = span;
    }
  if ((id - min) / step >= count)
    {
      g_set_error (error, PP_SHARD_ERROR, PP_SHARD_ERROR_ENVIRONMENT,
                   "--shard auto: SLURM_ARRAY_TASK_ID=%" G_GUINT64_FORMAT " is past the "
                   "array's %" G_GUINT64_FORMAT " tasks", id, count);
      return FALSE;
    }
  shard->index = (guint) ((id - min) / step);
  shard->count = (guint) count;
  return TRUE;
}

static gboolean
from_environment (const char * const *envp,
                  guint64             given_count,
                  PpShard            *shard,
                  GError            **error)
{
  const char *seq = g_environ_getenv ((char **) envp, "PARALLEL_SEQ");
  const char *k8s = g_environ_getenv ((char **) envp, "JOB_COMPLETION_INDEX");
  const char *slurm = g_environ_getenv ((char **) envp, "SLURM_ARRAY_TASK_ID");
  guint64 value;

  if (seq != NULL)
    {
      shard->source = PP_SHARD_SOURCE_PARALLEL;
      if (!parse_number (seq, 1, &value))
        {
          g_set_error (error, PP_SHARD_ERROR, PP_SHARD_ERROR_ENVIRONMENT,
                       "--shard auto: PARALLEL_SEQ=“%s” is not a whole number above 0", seq);
          return FALSE;
        }
      if (given_count == 0)
        {
          g_set_error (error, PP_SHARD_ERROR, PP_SHARD_ERROR_ENVIRONMENT,
                       "--shard auto: GNU parallel gives the job number (PARALLEL_SEQ=%s) but "
                       "not the number of shards: use --shard auto/N or set "
                       "PARAPIX_SHARD_COUNT", seq);
          return FALSE;
        }
      if (value > given_count)
        {
          g_set_error (error, PP_SHARD_ERROR, PP_SHARD_ERROR_ENVIRONMENT,
                       "--shard auto: PARALLEL_SEQ=%s is more than the %" G_GUINT64_FORMAT
                       " shards: run exactly %" G_GUINT64_FORMAT " jobs", seq, given_count,
                       given_count);
          return FALSE;
        }
      shard->index = (guint) (value - 1);
      shard->count = (guint) given_count;
      return TRUE;
    }
  if (k8s != NULL)
    {
      shard->source = PP_SHARD_SOURCE_KUBERNETES;
      if (!parse_number (k8s, 0, &value))
        {
          g_set_error (error, PP_SHARD_ERROR, PP_SHARD_ERROR_ENVIRONMENT,
                       "--shard auto: JOB_COMPLETION_INDEX=“%s” is not a whole number", k8s);
          return FALSE;
        }
      if (given_count == 0)
        {
          g_set_error (error, PP_SHARD_ERROR, PP_SHARD_ERROR_ENVIRONMENT,
                       "--shard auto: a Kubernetes Indexed Job gives the index "
                       "(JOB_COMPLETION_INDEX=%s) but not the count: set PARAPIX_SHARD_COUNT "
                       "to the Job's completions, or use --shard auto/N", k8s);
          return FALSE;
        }
      if (value >= given_count)
        {
          g_set_error (error, PP_SHARD_ERROR, PP_SHARD_ERROR_ENVIRONMENT,
                       "--shard auto: JOB_COMPLETION_INDEX=%s is not below the shard count "
                       "%" G_GUINT64_FORMAT " (completions and PARAPIX_SHARD_COUNT must match)",
                       k8s, given_count);
          return FALSE;
        }
      shard->index = (guint) value;
      shard->count = (guint) given_count;
      return TRUE;
    }
  if (slurm != NULL)
    {
      shard->source = PP_SHARD_SOURCE_SLURM;
      return from_slurm (envp, given_count, shard, error);
    }
  g_set_error (error, PP_SHARD_ERROR, PP_SHARD_ERROR_NOT_FOUND,
               "--shard auto: no scheduler found in the environment (looked for GNU parallel's "
               "PARALLEL_SEQ, a Kubernetes Indexed Job's JOB_COMPLETION_INDEX and a Slurm "
               "array's SLURM_ARRAY_TASK_ID); use --shard K/N");
  return FALSE;
}

/**
 * pp_shard_parse:
 * @text: "K/N" (1 ≤ K ≤ N), "auto" or "auto/N"
 * @envp: (nullable) (array zero-terminated=1): the environment to read for "auto"; %NULL for
 *   the process's own
 * @shard: (out caller-allocates): the shard; left as 1 of 1 on failure
 * @error: return location for a #GError
 *
 * Works out this process's shard. "auto" reads a scheduler's variables (see the top of this
 * file): GNU parallel's PARALLEL_SEQ (1-based) and Kubernetes' JOB_COMPLETION_INDEX (0-based)
 * need the count from "auto/N" or PARAPIX_SHARD_COUNT; a Slurm array gives its own from
 * SLURM_ARRAY_TASK_MIN/MAX/STEP or _COUNT, unless a count is given, in which case the task IDs
 * are the shards numbered from 0. Any thread.
 *
 * Returns: %TRUE on success; %FALSE with @error in PP_SHARD_ERROR: INVALID for text that is not
 *   a shard, NOT_FOUND when "auto" finds no scheduler, ENVIRONMENT when it finds one whose
 *   variables do not add up. Messages name the variable and say what to do.
 */
gboolean
pp_shard_parse (const char         *text,
                const char * const *envp,
                PpShard            *shard,
                GError            **error)
{
  g_auto (GStrv) own_env = NULL;
  g_auto (GStrv) parts = NULL;
  guint64 k, n = 0;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (shard != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  pp_shard_init (shard);
  parts = g_strsplit (text, "/", -1);
  if (parts[0] != NULL && g_str_equal (parts[0], "auto") && g_strv_length (parts) <= 2)
    {
      PpShard found = { 0, 1, PP_SHARD_SOURCE_NONE };
      const char *env_count;

      if (envp == NULL)
        envp = (const char * const *) (own_env = g_get_environ ());
      env_count = g_environ_getenv ((char **) envp, "PARAPIX_SHARD_COUNT");
      if (parts[1] != NULL && !parse_number (parts[1], 1, &n))
        {
          g_set_error (error, PP_SHARD_ERROR, PP_SHARD_ERROR_INVALID,
                       "--shard: expected auto/N with N a whole number above 0, got “%s”", text);
          return FALSE;
        }
      if (parts[1] == NULL && env_count != NULL && !parse_number (env_count, 1, &n))
        {
          g_set_error (error, PP_SHARD_ERROR, PP_SHARD_ERROR_ENVIRONMENT,
                       "--shard auto: PARAPIX_SHARD_COUNT=“%s” is not a whole number above 0",
                       env_count);
          return FALSE;
        }
      if (!from_environment (envp, n, &found, error))
        return FALSE;
      *shard = found;
      return TRUE;
    }
  if (g_strv_length (parts) != 2 || !parse_number (parts[1], 1, &n)
      || !g_ascii_string_to_unsigned (parts[0], 10, 1, n, &k, NULL))
    {
      g_set_error (error, PP_SHARD_ERROR, PP_SHARD_ERROR_INVALID,
                   "--shard: expected K/N with 1 ≤ K ≤ N (as in 2/8), auto or auto/N, got “%s”",
                   text);
      return FALSE;
    }
  shard->index = (guint) (k - 1);
  shard->count = (guint) n;
  shard->source = PP_SHARD_SOURCE_OPTION;
  return TRUE;
}

/**
 * pp_shard_contains:
 * @shard: a shard
 * @position: 0-based position in the whole sorted list
 *
 * The deal: shard K of N takes positions K-1, K-1+N, K-1+2N… (round robin, so big and small
 * files spread evenly and every machine computes the same slice from the same list).
 *
 * Returns: whether the file at @position belongs to @shard
 */
gboolean
pp_shard_contains (const PpShard *shard,
                   guint          position)
{
  g_return_val_if_fail (shard != NULL && shard->count > 0, FALSE);

  return position % shard->count == shard->index;
}

/**
 * pp_shard_source_to_string:
 * @source: a source
 *
 * Returns: (transfer none): the name used in run records: "none", "option", "slurm",
 *   "kubernetes" or "parallel"
 */
const char *
pp_shard_source_to_string (PpShardSource source)
{
  switch (source)
    {
    case PP_SHARD_SOURCE_NONE:
      return "none";
    case PP_SHARD_SOURCE_OPTION:
      return "option";
    case PP_SHARD_SOURCE_SLURM:
      return "slurm";
    case PP_SHARD_SOURCE_KUBERNETES:
      return "kubernetes";
    case PP_SHARD_SOURCE_PARALLEL:
      return "parallel";
    default:
      g_return_val_if_reached ("none");
    }
}

/**
 * pp_shard_describe:
 * @shard: a shard
 *
 * Returns: (transfer full): a phrase for logs, e.g. "shard 3 of 4 (from the Slurm job array)"
 */
char *
pp_shard_describe (const PpShard *shard)
{
  static const char *const from[] = {
    [PP_SHARD_SOURCE_NONE] = "",
    [PP_SHARD_SOURCE_OPTION] = "",
    [PP_SHARD_SOURCE_SLURM] = " (from the Slurm job array)",
    [PP_SHARD_SOURCE_KUBERNETES] = " (from the Kubernetes Indexed Job)",
    [PP_SHARD_SOURCE_PARALLEL] = " (from GNU parallel)",
  };

  g_return_val_if_fail (shard != NULL, NULL);
  g_return_val_if_fail (shard->source <= PP_SHARD_SOURCE_PARALLEL, NULL);

  return g_strdup_printf ("shard %u of %u%s", shard->index + 1, shard->count,
                          from[shard->source]);
}
