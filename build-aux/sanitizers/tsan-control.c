/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Controls for pp-tsan.h, the one mechanism that tells ThreadSanitizer about GLib's hand-offs
 * (the engine has no TSan-only flags or locks of its own). Built and run by tools/run-sanitizers
 * before the TSan suites, each variant with -DCONTROL_<name>:
 *   locked      a counter bumped by GThreadPool workers under a GMutex: must be clean
 *   racy        the same counter without the lock: must be reported
 *   task        data set up before g_task_run_in_thread(), filled by the thread and read in the
 *               callback after g_task_propagate_pointer(): must be clean (this is how a batch
 *               hands its frozen configuration to the listing thread and the listing back)
 *   task_racy   a thread the task's thread started writes after the callback read, which
 *               nothing orders: must be reported
 */
#include <gio/gio.h>

static int counter;
static GMutex lock;

static void
work (gpointer data,
      gpointer user_data)
{
  int *item = data;

#ifdef CONTROL_locked
  g_mutex_lock (&lock);
  counter++;
  g_mutex_unlock (&lock);
#else
  counter++;
#endif
  (*item)++;
  /* Long enough that both workers take items, so the racy variant really races. */
  g_usleep (1000);
}

static int
run_pool (void)
{
  GThreadPool *pool = g_thread_pool_new (work, NULL, 2, TRUE, NULL);
  int items[64] = { 0 };
  int sum = 0;

  for (int i = 0; i < 64; i++)
    g_thread_pool_push (pool, &items[i], NULL);
  g_thread_pool_free (pool, FALSE, TRUE);
  for (int i = 0; i < 64; i++)
    sum += items[i];
  g_mutex_lock (&lock);
  g_print ("%d %d\n", sum, counter);
  g_mutex_unlock (&lock);
  return sum == 64 ? 0 : 1;
}

typedef struct
{
  int input;       /* written before the task runs, read by the thread */
  int output;      /* written by the thread before it returns, read by the callback */
  int late;        /* task_racy: written by a thread the task left behind, after the read */
  /* task_racy's turn-taking, through relaxed atomics, which order nothing for TSan: the write
   * then always comes after the read, and the race is reported every time. */
  int read_done;
  int late_done;
} Handoff;

#ifdef CONTROL_task_racy
/* A helper the task's thread leaves behind, still writing to what it handed over. */
static gpointer
late_writer (gpointer data)
{
  Handoff *h = data;

  while (!__atomic_load_n (&h->read_done, __ATOMIC_RELAXED))
    g_usleep (100);
  h->late = 1;
  __atomic_store_n (&h->late_done, 1, __ATOMIC_RELAXED);
  return NULL;
}
#endif

static void
task_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Handoff *h = task_data;

  h->output = h->input * 2;
  g_task_return_pointer (task, h, NULL);
#ifdef CONTROL_task_racy
  g_thread_unref (g_thread_new ("late-writer", late_writer, h));
#endif
}

static void
on_task_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GMainLoop *loop = user_data;
  Handoff *h = g_task_propagate_pointer (G_TASK (result), NULL);

  g_print ("%d %d\n", h->output, h->late);
  __atomic_store_n (&h->read_done, 1, __ATOMIC_RELAXED);
  g_main_loop_quit (loop);
}

static int
run_task (void)
{
  GMainLoop *loop = g_main_loop_new (NULL, FALSE);
  Handoff *h = g_new0 (Handoff, 1);
  GTask *task = g_task_new (NULL, NULL, on_task_done, loop);
  int ok;

  h->input = 21;
  g_task_set_task_data (task, h, NULL);
  g_task_run_in_thread (task, task_thread);
  g_object_unref (task);
  g_main_loop_run (loop);
  ok = h->output == 42;
  g_main_loop_unref (loop);
#ifdef CONTROL_task_racy
  while (!__atomic_load_n (&h->late_done, __ATOMIC_RELAXED))
    g_usleep (100);
#endif
  return ok ? 0 : 1;
}

int
main (void)
{
#if defined(CONTROL_task) || defined(CONTROL_task_racy)
  return run_task ();
#else
  return run_pool ();
#endif
}
