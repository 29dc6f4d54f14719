/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One GThreadPool for the process: non-exclusive threads made on demand up to
 * PP_SCHEDULER_MAX_THREADS, a few kept idle. Work is a function and its data, or a GTask
 * (pp_scheduler_run_task, our g_task_run_in_thread). Nothing here blocks inside the pool; how
 * many workers a job uses is the job's own budget (a render's n_threads, a batch's threads).
 */
#define G_LOG_DOMAIN "pp-scheduler"

#include "config.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "render/pp-scheduler.h"

/* Niceness workers add to their own when the window asks for it (0: the command line). */
static int worker_niceness;

typedef struct
{
  PpWorkFunc func;
  gpointer data;
} PoolItem;

static GThreadPool *pool;

static void
lower_worker_priority (void)
{
  static _Thread_local gboolean lowered = FALSE;
  int niceness = g_atomic_int_get (&worker_niceness);

  if (lowered || niceness == 0)
    return;
  lowered = TRUE;
#ifdef SYS_gettid
  /* On Linux, setpriority() on a thread id changes that thread only. Failure is harmless. */
  if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid),
                   MIN (getpriority (PRIO_PROCESS, 0) + niceness, 19)) != 0)
    g_debug ("Could not lower a worker's priority: %s", g_strerror (errno));
#endif
}

/**
 * pp_scheduler_set_worker_niceness:
 * @niceness: 0..19, added to the process's niceness on each worker thread
 *
 * For the window: with every core busy (a batch on every core is the point of Parapix) the main
 * thread must still get the CPU the moment it needs it, or the UI stalls for whole scheduler
 * slices. The command line leaves workers at normal priority, so that they compete fairly with
 * other programs (and benchmarks measure Parapix, not its neighbours). Call on the main thread
 * before the first job; threads that already ran keep their priority.
 */
void
pp_scheduler_set_worker_niceness (int niceness)
{
  g_return_if_fail (niceness >= 0 && niceness <= 19);

  g_atomic_int_set (&worker_niceness, niceness);
}

static void
pool_func (gpointer data,
           gpointer user_data)
{
  PoolItem *item = data;
  lower_worker_priority ();
  item->func (item->data);
  g_free (item);
}

static GThreadPool *
get_pool (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      /* Shared (non-exclusive) threads are created on demand, so a 64-thread ceiling costs
       * nothing until asked for; keeping a few idle threads avoids creating threads per run. */
      pool = g_thread_pool_new (pool_func, NULL, PP_SCHEDULER_MAX_THREADS, FALSE, NULL);
      g_thread_pool_set_max_unused_threads (MAX ((int) g_get_num_processors () * 2, 8));
      g_once_init_leave (&initialized, 1);
    }
  return pool;
}

/**
 * pp_scheduler_get_default_threads:
 *
 * The thread count when nothing else is asked for. (The command line starts from the CPU budget
 * instead, batch/pp-cpu-budget.h: what a container or a Slurm allocation really grants.) Any
 * thread.
 *
 * Returns: the number of processors, 1 to PP_SCHEDULER_MAX_THREADS
 */
guint
pp_scheduler_get_default_threads (void)
{
  return CLAMP (g_get_num_processors (), 1, PP_SCHEDULER_MAX_THREADS);
}

/**
 * pp_scheduler_push:
 * @func: the work
 * @data: (nullable): for @func, which owns it from here
 *
 * Runs @func (@data) on a worker of the process-wide pool (threads made on demand, up to
 * PP_SCHEDULER_MAX_THREADS). Work must not block waiting for other pool work; how many items a
 * job pushes is its own thread budget. Workers never call GTK. Any thread.
 */
void
pp_scheduler_push (PpWorkFunc func,
                   gpointer   data)
{
  PoolItem *item;

  g_return_if_fail (func != NULL);

  item = g_new (PoolItem, 1);
  item->func = func;
  item->data = data;
  g_thread_pool_push (get_pool (), item, NULL);
}


typedef struct
{
  GTask *task;
  GTaskThreadFunc func;
} TaskItem;

static void
task_worker (gpointer data)
{
  TaskItem *item = data;

  item->func (item->task, g_task_get_source_object (item->task), g_task_get_task_data (item->task),
              g_task_get_cancellable (item->task));
  g_object_unref (item->task);
  g_free (item);
}

/**
 * pp_scheduler_run_task:
 * @task: the task; its callback runs on the main context it was created in
 * @func: (scope async): runs on a worker of the pool with the task's source object, task data
 *   and cancellable; it returns the task's result (g_task_return_*()) before it returns
 *
 * g_task_run_in_thread() on Parapix's pool instead of GIO's, so that everything Parapix runs off
 * the main thread shares one pool and the window's worker niceness. The task is referenced until
 * @func returns. @func must not block waiting for other pool work. Any thread.
 */
void
pp_scheduler_run_task (GTask           *task,
                       GTaskThreadFunc  func)
{
  TaskItem *item;

  g_return_if_fail (G_IS_TASK (task));
  g_return_if_fail (func != NULL);

  item = g_new (TaskItem, 1);
  item->task = g_object_ref (task);
  item->func = func;
  pp_scheduler_push (task_worker, item);
}
