/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A sweep's arithmetic, apart from its running so it can be tested on made-up timings: the
 * default thread counts, parsing --threads-list, the deterministic sample, and the analysis —
 * Amdahl fit, what limits the speedup, and the recommended thread count.
 */
#define G_LOG_DOMAIN "pp-sweep"

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "batch/pp-sweep.h"
#include "render/pp-scheduler.h"

/* A count whose speedup is within this of the best one is as good: fewer threads win. */
#define RECOMMEND_WITHIN 0.95

static int
compare_guint (gconstpointer a,
               gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;

  return x < y ? -1 : x > y;
}

/**
 * pp_sweep_default_threads_list:
 * @cpus: the CPU budget (pp_machine_get_cpu_budget())
 * @n_threads: (out): length of the list
 *
 * 1, 2, 4 … up to @cpus, @cpus itself when it is not a power of two, and one step past it (the
 * next power of two; 2 × @cpus when @cpus is one) to show what oversubscription does. For 2 CPUs:
 * 1, 2, 4; for 12: 1, 2, 4, 8, 12, 16.
 *
 * Returns: (transfer full) (array length=n_threads): ascending thread counts
 */
guint *
pp_sweep_default_threads_list (guint  cpus,
                               guint *n_threads)
{
  GArray *list = g_array_new (FALSE, FALSE, sizeof (guint));
  guint past;

  g_return_val_if_fail (n_threads != NULL, NULL);

  cpus = CLAMP (cpus, 1, PP_SCHEDULER_MAX_THREADS);
  for (guint t = 1; t <= cpus; t *= 2)
    g_array_append_val (list, t);
  if (g_array_index (list, guint, list->len - 1) != cpus)
    g_array_append_val (list, cpus);
  past = 1;
  while (past <= cpus)
    past *= 2;
  past = MIN (past, PP_SCHEDULER_MAX_THREADS);
  if (past > cpus)
    g_array_append_val (list, past);
  *n_threads = list->len;
  return (guint *) g_array_free (list, FALSE);
}

/**
 * pp_sweep_parse_threads_list:
 * @text: "1,2,4,8" (spaces allowed)
 * @threads: (out) (transfer full) (array length=n_threads): sorted, without duplicates; 1 is
 *   added when missing, since every speedup is measured against it
 * @n_threads: (out)
 * @error: %G_OPTION_ERROR_BAD_VALUE naming the bad item
 *
 * Returns: whether @text is a list of thread counts from 1 to 64
 */
gboolean
pp_sweep_parse_threads_list (const char  *text,
                             guint      **threads,
                             guint       *n_threads,
                             GError     **error)
{
  g_auto (GStrv) items = g_strsplit (text, ",", -1);
  g_autoptr (GArray) list = g_array_new (FALSE, FALSE, sizeof (guint));
  guint one = 1;

  g_return_val_if_fail (text != NULL && threads != NULL && n_threads != NULL, FALSE);

  for (guint i = 0; items[i] != NULL; i++)
    {
      guint64 value;
      char *item = g_strstrip (items[i]);

      if (!g_ascii_string_to_unsigned (item, 10, 1, PP_SCHEDULER_MAX_THREADS, &value, NULL))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "expected thread counts from 1 to %d separated by commas (as in "
                       "1,2,4,8), got “%s”", PP_SCHEDULER_MAX_THREADS, item);
          return FALSE;
        }
      g_array_append_val (list, value);
    }
  g_array_append_val (list, one);
  g_array_sort (list, compare_guint);
  for (guint i = 1; i < list->len;)
    if (g_array_index (list, guint, i) == g_array_index (list, guint, i - 1))
      g_array_remove_index (list, i);
    else
      i++;
  *n_threads = list->len;
  *threads = (guint *) g_array_free (g_steal_pointer (&list), FALSE);
  return TRUE;
}

/**
 * pp_sweep_sample_inputs:
 * @inputs: (element-type PpBatchInput): the listed inputs, in the batch's sorted order
 * @sample: files wanted; 0 or at least @inputs->len: all of them
 *
 * A deterministic sample spread evenly over the sorted list (positions ⌊i·n/N⌋), so the same
 * folder always gives the same files, and a folder sorted by name (often: by time) is covered
 * end to end rather than by its first files.
 *
 * Returns: (transfer full) (element-type utf8): the sampled paths, in order
 */
GPtrArray *
pp_sweep_sample_inputs (GPtrArray *inputs,
                        guint      sample)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  guint n;

  g_return_val_if_fail (inputs != NULL, paths);

  n = inputs->len;
  if (sample == 0 || sample >= n)
    sample = n;
  for (guint i = 0; i < sample; i++)
    {
      const PpBatchInput *input = g_ptr_array_index (inputs, (guint) ((guint64) i * n / sample));

      g_ptr_array_add (paths, g_strdup (input->path));
    }
  return paths;
}

static const char *const stage_names[PP_SWEEP_N_STAGES] = {
  "the decoder", "the filters", "encoding", "writing",
};

static const char *const stage_verbs[PP_SWEEP_N_STAGES] = {
  "decoding", "filtering", "encoding", "writing",
};

typedef struct
{
  double seconds;
  char *text;
} Cause;

static int
compare_cause (gconstpointer a,
               gconstpointer b)
{
  double x = ((const Cause *) a)->seconds, y = ((const Cause *) b)->seconds;

  return x > y ? -1 : x < y;
}

static void
cause_clear (Cause *cause)
{
  g_free (cause->text);
}

/* Where the wall time at the widest point within the budget goes that more threads cannot
 * shrink, each in seconds of that point's wall time. */
static GArray *
find_causes (const PpSweepPoint *one,
             const PpSweepPoint *top)
{
  GArray *causes = g_array_new (FALSE, TRUE, sizeof (Cause));
  double files_ratio = one->n_ok > 0 ? (double) top->n_ok / one->n_ok : 1;
  Cause cause;

  g_array_set_clear_func (causes, (GDestroyNotify) cause_clear);
  cause = (Cause) { top->startup_s + top->finish_s,
                    g_strdup ("listing the folder and starting the workers") };
  g_array_append_val (causes, cause);
  cause = (Cause) { top->tail_s, g_strdup ("the tail of the last files (workers idle while the "
                                           "last images finish)") };
  g_array_append_val (causes, cause);
  cause = (Cause) { top->first_file_excess_s,
                    g_strdup ("starting each worker (its first image took longer than in the "
                              "1-thread run: decoder helper start-up, cold caches)") };
  g_array_append_val (causes, cause);
  for (guint k = 0; k < PP_SWEEP_N_STAGES; k++)
    {
      double base = one->stage_s[k] * files_ratio;
      double extra = (top->stage_s[k] - base) / top->threads;

      if (base <= 0 || extra <= 0)
        continue;
      cause.seconds = extra;
      cause.text = g_strdup_printf ("%s: each image's %s takes %.0f %% longer on %u threads "
                                    "(shared memory bandwidth, disk, or other programs)",
                                    stage_names[k], stage_verbs[k],
                                    100 * (top->stage_s[k] / base - 1), top->threads);
      g_array_append_val (causes, cause);
    }
  g_array_sort (causes, compare_cause);
  return causes;
}

static char *
describe_limit (const PpAmdahlFit  *fit,
                const PpSweepPoint *one,
                const PpSweepPoint *top,
                guint               cpu_budget)
{
  g_autoptr (GArray) causes = NULL;
  GString *text;
  double serial_s, total = 0;

  if (fit->serial_fraction < 0.005)
    return g_strdup_printf ("No serial part measurable: the speedup follows the thread count up "
                            "to %u threads%s.", top->threads,
                            top->threads >= cpu_budget ? " (the CPU budget)" : "");
  text = g_string_new (NULL);
  g_string_append_printf (text, "Speedup can't pass ~%.1f×: %.1f %% of the time is serial",
                          fit->max_speedup, 100 * fit->serial_fraction);
  causes = find_causes (one, top);
  serial_s = fit->t1 * fit->serial_fraction;
  for (guint i = 0; i < causes->len; i++)
    total += g_array_index (causes, Cause, i).seconds;
  if (causes->len == 0 || total < 0.3 * serial_s)
    {
      g_string_append_printf (text, " — not start-up, the tail or any one stage (together "
                              "%.2f s of %.2f s at %u threads): most likely the machine (other "
                              "programs, a lower clock with more cores busy).", total,
                              top->wall_s, top->threads);
      return g_string_free (text, FALSE);
    }
  for (guint i = 0, named = 0; i < causes->len && named < 2; i++)
    {
      const Cause *c = &g_array_index (causes, Cause, i);

      if (c->seconds < 0.2 * total)
        break;
      g_string_append_printf (text, named == 0 ? " — mostly %s (%.2f s of %.2f s at %u threads)"
                                               : ", then %s (%.2f s)",
                              c->text, c->seconds, top->wall_s, top->threads);
      named++;
    }
  g_string_append_c (text, '.');
  return g_string_free (text, FALSE);
}

/**
 * pp_sweep_analyse:
 * @points: (array length=n_points): the sweep's points (medians), any order
 * @cpu_budget: CPUs this process may use: the fit and the recommendation use points up to it
 *   (past it threads share cores, which Amdahl's law does not model)
 * @fit: (out): the Amdahl fit on the median wall times
 * @limit: (out) (transfer full) (nullable): what limits the speedup, for people ("Speedup can't
 *   pass ~7.7×: 13.0 % of the time is serial — mostly the tail of the last files (…)")
 * @recommended: (out): the fewest threads within 5 % of the best speedup measured within the
 *   budget; 0 without a 1-thread point
 * @recommendation: (out) (transfer full) (nullable): why, for people
 *
 * Pure arithmetic on @points; any thread.
 *
 * Returns: whether a fit was possible (at least two thread counts within the budget)
 */
gboolean
pp_sweep_analyse (const PpSweepPoint  *points,
                  guint                n_points,
                  guint                cpu_budget,
                  PpAmdahlFit         *fit,
                  char               **limit,
                  guint               *recommended,
                  char               **recommendation)
{
  g_autofree double *x = g_new0 (double, MAX (n_points, 1));
  g_autofree double *y = g_new0 (double, MAX (n_points, 1));
  const PpSweepPoint *one = NULL, *top = NULL, *best = NULL, *chosen = NULL;
  gboolean fitted;
  guint n = 0;

  *limit = NULL;
  *recommendation = NULL;
  *recommended = 0;
  for (guint i = 0; i < n_points; i++)
    {
      const PpSweepPoint *p = &points[i];

      if (p->n_runs == 0 || !(p->wall_s > 0) || p->threads > MAX (cpu_budget, 1))
        continue;
      x[n] = p->threads;
      y[n] = p->wall_s;
      n++;
      if (p->threads == 1)
        one = p;
      if (p->threads > 1 && (top == NULL || p->threads > top->threads))
        top = p;
      if (best == NULL || p->speedup > best->speedup)
        best = p;
    }
  fitted = pp_amdahl_fit (x, y, n, fit);
  if (!fitted)
    *limit = g_strdup_printf ("No fit: it needs at least two thread counts up to the CPU budget "
                              "(%u).", cpu_budget);
  else if (one != NULL && top != NULL)
    *limit = describe_limit (fit, one, top, cpu_budget);
  if (one == NULL || best == NULL)
    return fitted;

  for (guint i = 0; i < n_points; i++)
    {
      const PpSweepPoint *p = &points[i];

      if (p->n_runs == 0 || p->threads > MAX (cpu_budget, 1))
        continue;
      if (p->speedup >= RECOMMEND_WITHIN * best->speedup &&
          (chosen == NULL || p->threads < chosen->threads))
        chosen = p;
    }
  *recommended = chosen->threads;
  if (chosen == best || chosen->threads >= best->threads)
    *recommendation = g_strdup_printf ("%u thread%s: %.2f× the 1-thread speed, %.0f %% "
                                       "efficiency.", chosen->threads,
                                       chosen->threads == 1 ? "" : "s", chosen->speedup,
                                       100 * chosen->efficiency);
  else
    *recommendation = g_strdup_printf ("%u thread%s: %.2f× the 1-thread speed, %.0f %% "
                                       "efficiency; %u threads gain less than 5 %% more "
                                       "(%.2f×).", chosen->threads,
                                       chosen->threads == 1 ? "" : "s", chosen->speedup,
                                       100 * chosen->efficiency, best->threads, best->speedup);
  return fitted;
}
