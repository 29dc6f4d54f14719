/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpProgress coalesces: many updates from many threads become few "changed" emissions on the
 * main context, every finished record is delivered exactly once, and the final state always
 * arrives.
 */
#include <string.h>

#include "batch/pp-progress.h"

#define N_THREADS 4
#define N_PER_THREAD 5000

typedef struct
{
  PpProgress *progress;
  guint thread;
} Producer;

typedef struct
{
  guint n_emissions;
  guint n_results;
  gboolean seen_final;
  gboolean emitted_off_main;
  GThread *main_thread;
  PpProgressSnapshot last;
  GHashTable *seen_indexes;
  gboolean duplicate;
} Consumer;

static gpointer
produce (gpointer data)
{
  Producer *p = data;

  for (guint i = 0; i < N_PER_THREAD; i++)
    {
      PpFileRecord record = { 0 };

      record.index = p->thread * N_PER_THREAD + i;
      record.input = g_strdup_printf ("file-%u", record.index);
      pp_progress_begin_file (p->progress, record.input);
      pp_progress_end_file (p->progress, i % 10 == 0 ? PP_FILE_STATUS_FAILED : PP_FILE_STATUS_OK,
                            0.5, &record);
      g_assert_null (record.input); /* taken */
    }
  return NULL;
}

static void
on_changed (PpProgress               *progress,
            const PpProgressSnapshot *snapshot,
            GPtrArray                *results,
            gpointer                  user_data)
{
  Consumer *c = user_data;

  if (g_thread_self () != c->main_thread)
    c->emitted_off_main = TRUE;
  c->n_emissions++;
  c->n_results += results->len;
  for (guint i = 0; i < results->len; i++)
    {
      guint index = pp_file_result_get_record (g_ptr_array_index (results, i))->index;

      if (!g_hash_table_add (c->seen_indexes, GUINT_TO_POINTER (index + 1)))
        c->duplicate = TRUE;
    }
  pp_progress_snapshot_clear (&c->last);
  c->last = *snapshot;
  c->last.current_file = g_strdup (snapshot->current_file);
  if (snapshot->state == PP_PROGRESS_FINISHED)
    c->seen_final = TRUE;
}

static void
test_coalescing (void)
{
  g_autoptr (PpProgress) progress = pp_progress_new ();
  Consumer c = { 0 };
  Producer producers[N_THREADS];
  GThread *threads[N_THREADS];
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;
  guint max_emissions;

  c.main_thread = g_thread_self ();
  c.seen_indexes = g_hash_table_new (NULL, NULL);
  g_signal_connect (progress, "changed", G_CALLBACK (on_changed), &c);
  pp_progress_start (progress, N_THREADS * N_PER_THREAD);
  for (guint t = 0; t < N_THREADS; t++)
    {
      producers[t].progress = progress;
      producers[t].thread = t;
      threads[t] = g_thread_new ("producer", produce, &producers[t]);
    }
  /* Keep the main loop turning while they work, as an application would. */
  for (guint t = 0; t < N_THREADS; t++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_thread_join (threads[t]);
    }
  pp_progress_finish (progress, FALSE);
  while (!c.seen_final)
    g_main_context_iteration (NULL, TRUE);
  elapsed = g_get_monotonic_time () - start;

  g_assert_false (c.emitted_off_main);
  g_assert_false (c.duplicate);
  g_assert_cmpuint (c.n_results, ==, N_THREADS * N_PER_THREAD);
  g_assert_cmpuint (c.last.done, ==, N_THREADS * N_PER_THREAD);
  g_assert_cmpuint (c.last.failed, ==, N_THREADS * N_PER_THREAD / 10);
  g_assert_cmpuint (c.last.ok + c.last.failed, ==, c.last.done);
  g_assert_cmpfloat_with_epsilon (c.last.megapixels, N_THREADS * N_PER_THREAD * 0.5, 1e-6);
  g_assert_cmpint (c.last.state, ==, PP_PROGRESS_FINISHED);
  g_assert_cmpint (c.last.eta_us, ==, 0);
  /* At most one ordinary update per interval, plus start and finish (immediate). */
  max_emissions = (guint) (elapsed / PP_PROGRESS_INTERVAL_US) + 3;
  g_test_message ("%u emissions for %u updates in %.1f ms", c.n_emissions,
                  N_THREADS * N_PER_THREAD * 2, elapsed / 1000.0);
  g_assert_cmpuint (c.n_emissions, <=, max_emissions);
  g_assert_cmpuint (c.n_emissions, <, N_THREADS * N_PER_THREAD / 10);
  g_assert_cmpuint (pp_progress_get_n_updates (progress), ==, c.n_emissions);

  pp_progress_snapshot_clear (&c.last);
  g_hash_table_unref (c.seen_indexes);
}

/* Start and finish are delivered at once, without waiting for the interval. */
static void
test_immediate (void)
{
  g_autoptr (PpProgress) progress = pp_progress_new ();
  Consumer c = { 0 };
  gint64 t0;

  c.main_thread = g_thread_self ();
  c.seen_indexes = g_hash_table_new (NULL, NULL);
  g_signal_connect (progress, "changed", G_CALLBACK (on_changed), &c);

  pp_progress_start (progress, 3);
  t0 = g_get_monotonic_time ();
  while (c.n_emissions == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 10 * PP_PROGRESS_INTERVAL_US);
  g_assert_cmpint (c.last.state, ==, PP_PROGRESS_RUNNING);
  g_assert_cmpuint (c.last.total, ==, 3);

  /* A finish goes out at once and carries the ordinary update still pending. */
  pp_progress_end_file (progress, PP_FILE_STATUS_OK, 1, NULL);
  pp_progress_finish (progress, TRUE);
  while (!(c.last.state == PP_PROGRESS_CANCELLED))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (c.last.done, ==, 1);

  /* Nothing pending: flush emits nothing more. */
  {
    guint before = c.n_emissions;

    pp_progress_flush (progress);
    g_assert_cmpuint (c.n_emissions, ==, before);
  }
  pp_progress_snapshot_clear (&c.last);
  g_hash_table_unref (c.seen_indexes);
}

/* Snapshots can be taken from any thread; ETA is extrapolated from the rate so far. */
static void
test_snapshot (void)
{
  g_autoptr (PpProgress) progress = pp_progress_new ();
  g_auto (PpProgressSnapshot) s = { 0 };

  pp_progress_start (progress, 4);
  pp_progress_begin_file (progress, "a.jpg");
  g_usleep (2000);
  pp_progress_end_file (progress, PP_FILE_STATUS_OK, 2, NULL);
  pp_progress_get_snapshot (progress, &s);
  g_assert_cmpuint (s.done, ==, 1);
  g_assert_cmpuint (s.in_flight, ==, 0);
  g_assert_cmpstr (s.current_file, ==, "a.jpg");
  g_assert_cmpint (s.elapsed_us, >=, 2000);
  g_assert_cmpint (s.eta_us, >=, 3 * 2000);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/progress/coalescing", test_coalescing);
  g_test_add_func ("/pp/progress/immediate", test_immediate);
  g_test_add_func ("/pp/progress/snapshot", test_snapshot);
  return g_test_run ();
}
