/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One GThreadPool for the process, and the render job that runs a plan on it. A job runs stage
 * by stage: its workers take bands from an atomic counter; the last worker out of a stage starts
 * the next one (allocating its buffer and pushing the workers again), so no thread ever blocks
 * waiting inside the pool. Whatever the band split or the number of workers, each output byte
 * is computed by the same code from the same inputs: serial and parallel results are identical.
 */
#define G_LOG_DOMAIN "pp-scheduler"

#include "config.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "render/pp-plan-private.h"
#include "render/pp-scheduler.h"

/* Niceness workers add to their own when the window asks for it (0: the command line). */
static int worker_niceness;

/* GLib's GMutex, GCond and GAsyncQueue use futexes that ThreadSanitizer cannot see, so every
 * hand-over between threads here also goes through an atomic (release on one side, acquire on
 * the other). That costs nothing measurable and lets TSan check the real ordering. */
typedef struct
{
  PpWorkFunc func; /* published atomically: the push's release, the worker's acquire */
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
 * other programs (and benchmarks measure Parapix, not its neighbours). Call before the first
 * job; threads that already ran keep their priority.
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
  PpWorkFunc func = (PpWorkFunc) g_atomic_pointer_get (&item->func);

  lower_worker_priority ();
  func (item->data);
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
 * Returns: the number of processors, the default thread count
 */
guint
pp_scheduler_get_default_threads (void)
{
  return CLAMP (g_get_num_processors (), 1, PP_SCHEDULER_MAX_THREADS);
}

/**
 * pp_scheduler_push:
 *
 * Runs @func (@data) on a worker of the process-wide pool. Workers never call GTK.
 */
void
pp_scheduler_push (PpWorkFunc func,
                   gpointer   data)
{
  PoolItem *item;

  g_return_if_fail (func != NULL);

  item = g_new (PoolItem, 1);
  item->data = data;
  g_atomic_pointer_set (&item->func, func);
  g_thread_pool_push (get_pool (), item, NULL);
}

void
pp_render_stats_free (PpRenderStats *stats)
{
  if (stats == NULL)
    return;
  g_clear_pointer (&stats->spans, g_array_unref);
  g_free (stats);
}

/* Sum of the time workers spent in bands: the CPU the render used. */
gint64
pp_render_stats_get_busy_us (const PpRenderStats *stats)
{
  gint64 busy = 0;

  g_return_val_if_fail (stats != NULL, 0);

  for (guint i = 0; i < stats->spans->len; i++)
    {
      const PpSpan *span = &g_array_index (stats->spans, PpSpan, i);

      busy += span->end_us - span->start_us;
    }
  return busy;
}

static PpRenderStats *
render_stats_new (PpPlan *plan,
                  guint   n_threads)
{
  PpRenderStats *stats = g_new0 (PpRenderStats, 1);

  stats->n_threads = n_threads;
  stats->spans = g_array_sized_new (FALSE, TRUE, sizeof (PpSpan), _pp_plan_get_total_bands (plan));
  g_array_set_size (stats->spans, _pp_plan_get_total_bands (plan));
  return stats;
}

typedef struct
{
  PpPlan *plan;
  PpImage *src;
  GCancellable *cancellable;
  guint n_threads;
  guint n_stages;
  PpImage **buffers; /* buffers[0] is the source, buffers[s + 1] the output of stage s */
  PpRenderStats *stats;

  /* The current stage and its band counter. Only the last worker out of a stage changes
   * stage, after every other worker of that stage has left. */
  guint stage;
  guint span_offset;
  int next_band;
  int active;
  int cancelled;
  GError *error;

  /* Completion: either a GTask (async), or a flag and condition (blocking). */
  GTask *task;
  GMutex mutex;
  GCond cond;
  int done; /* atomic */
} RenderJob;

typedef struct
{
  RenderJob *job;
  guint worker;
} RenderWorker;

static void
render_job_free (RenderJob *job)
{
  for (guint i = 0; i <= job->n_stages; i++)
    g_clear_pointer (&job->buffers[i], pp_image_unref);
  g_free (job->buffers);
  g_clear_pointer (&job->stats, pp_render_stats_free);
  g_clear_object (&job->cancellable);
  g_clear_error (&job->error);
  pp_plan_unref (job->plan);
  g_mutex_clear (&job->mutex);
  g_cond_clear (&job->cond);
  g_free (job);
}

typedef struct
{
  PpImage *image;
  PpRenderStats *stats;
  int published; /* atomic: set by the worker after filling, read first by the caller */
} RenderResult;

static void
render_result_free (gpointer data)
{
  RenderResult *result = data;

  g_clear_pointer (&result->image, pp_image_unref);
  g_clear_pointer (&result->stats, pp_render_stats_free);
  g_free (result);
}

static void
render_job_complete (RenderJob *job)
{
  job->stats->end_us = g_get_monotonic_time ();

  if (job->task != NULL)
    {
      GTask *task = g_steal_pointer (&job->task);

      if (job->error != NULL)
        g_task_return_error (task, g_steal_pointer (&job->error));
      else
        {
          RenderResult *result = g_new0 (RenderResult, 1);

          result->image = g_steal_pointer (&job->buffers[job->n_stages]);
          result->stats = g_steal_pointer (&job->stats);
          g_atomic_int_set (&result->published, TRUE);
          g_task_return_pointer (task, result, render_result_free);
        }
      g_object_unref (task);
      render_job_free (job);
    }
  else
    {
      g_mutex_lock (&job->mutex);
      g_atomic_int_set (&job->done, TRUE);
      g_cond_signal (&job->cond);
      g_mutex_unlock (&job->mutex);
    }
}

static void render_worker_func (gpointer data);

/* Starts job->stage on min(threads, bands) workers, or completes the job. Called by the
 * submitting thread for the first stage, then by the last worker out of each stage. */
static void
render_job_start_stage (RenderJob *job)
{
  guint n_bands;
  guint n_workers;

  if (job->stage == job->n_stages || g_atomic_int_get (&job->cancelled))
    {
      if (g_atomic_int_get (&job->cancelled) && job->error == NULL)
        g_set_error_literal (&job->error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      render_job_complete (job);
      return;
    }

  job->buffers[job->stage + 1] = _pp_plan_alloc_stage (job->plan, job->stage, &job->error);
  if (job->buffers[job->stage + 1] == NULL)
    {
      render_job_complete (job);
      return;
    }

  n_bands = pp_plan_get_n_bands (job->plan, job->stage);
  n_workers = MIN (job->n_threads, n_bands);
  g_atomic_int_set (&job->next_band, 0);
  g_atomic_int_set (&job->active, n_workers);
  for (guint w = 0; w < n_workers; w++)
    {
      RenderWorker *worker = g_new (RenderWorker, 1);

      worker->job = job;
      worker->worker = w;
      pp_scheduler_push (render_worker_func, worker);
    }
}

static void
render_worker_func (gpointer data)
{
  RenderWorker *worker = data;
  RenderJob *job = worker->job;
  guint stage = job->stage;
  guint n_bands = pp_plan_get_n_bands (job->plan, stage);
  const PpImage *src = job->buffers[stage];
  PpImage *dst = job->buffers[stage + 1];
  int band;

  while ((band = g_atomic_int_add (&job->next_band, 1)) < (int) n_bands)
    {
      PpSpan *span = &g_array_index (job->stats->spans, PpSpan, job->span_offset + band);

      if (g_cancellable_is_cancelled (job->cancellable))
        {
          g_atomic_int_set (&job->cancelled, TRUE);
          break;
        }
      span->worker = worker->worker;
      span->stage = stage;
      span->item = band;
      span->start_us = g_get_monotonic_time ();
      _pp_plan_run_band (job->plan, stage, band, src, dst);
      span->end_us = g_get_monotonic_time ();
    }
  g_free (worker);

  if (g_atomic_int_dec_and_test (&job->active))
    {
      /* Every other worker of this stage has left: this thread owns the job now. */
      g_clear_pointer (&job->buffers[stage], pp_image_unref);
      job->span_offset += n_bands;
      job->stage++;
      render_job_start_stage (job);
    }
}

static RenderJob *
render_job_new (PpPlan       *plan,
                PpImage      *src,
                guint         n_threads,
                GCancellable *cancellable)
{
  RenderJob *job = g_new0 (RenderJob, 1);

  job->plan = pp_plan_ref (plan);
  job->n_threads = CLAMP (n_threads, 1, PP_SCHEDULER_MAX_THREADS);
  job->n_stages = pp_plan_get_n_stages (plan);
  job->buffers = g_new0 (PpImage *, job->n_stages + 1);
  job->buffers[0] = pp_image_ref (src);
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  job->stats = render_stats_new (plan, job->n_threads);
  job->stats->start_us = g_get_monotonic_time ();
  g_mutex_init (&job->mutex);
  g_cond_init (&job->cond);
  return job;
}

static gboolean
check_source (PpPlan   *plan,
              PpImage  *src)
{
  int w, h;

  pp_plan_get_input_size (plan, &w, &h);
  return src->width == w && src->height == h && src->channels == pp_plan_get_channels (plan);
}

/**
 * pp_plan_run:
 * @n_threads: workers to use: 1 is serial mode
 * @stats: (out) (optional): where each band ran, and when
 *
 * Runs @plan on @src using @n_threads workers of the pool and waits for the result. @src is
 * only read. Must not be called from a pool worker (use pp_plan_run_here()).
 *
 * Returns: (transfer full) (nullable): the result; with no stages, @src itself
 */
PpImage *
pp_plan_run (PpPlan         *plan,
             PpImage        *src,
             guint           n_threads,
             GCancellable   *cancellable,
             PpRenderStats **stats,
             GError        **error)
{
  RenderJob *job;
  PpImage *result = NULL;

  g_return_val_if_fail (plan != NULL && src != NULL, NULL);
  g_return_val_if_fail (check_source (plan, src), NULL);

  job = render_job_new (plan, src, n_threads, cancellable);
  render_job_start_stage (job);

  g_mutex_lock (&job->mutex);
  while (!g_atomic_int_get (&job->done))
    g_cond_wait (&job->cond, &job->mutex);
  g_mutex_unlock (&job->mutex);

  if (job->error != NULL)
    g_propagate_error (error, g_steal_pointer (&job->error));
  else
    {
      result = g_steal_pointer (&job->buffers[job->n_stages]);
      if (stats != NULL)
        *stats = g_steal_pointer (&job->stats);
    }
  render_job_free (job);
  return result;
}

/**
 * pp_plan_run_async:
 *
 * Like pp_plan_run() without blocking: @callback runs in the thread-default main context of
 * the caller when the last band is done.
 */
void
pp_plan_run_async (PpPlan              *plan,
                   PpImage             *src,
                   guint                n_threads,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  RenderJob *job;

  g_return_if_fail (plan != NULL && src != NULL);
  g_return_if_fail (check_source (plan, src));

  job = render_job_new (plan, src, n_threads, cancellable);
  job->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (job->task, pp_plan_run_async);
  /* The job's own cancelled flag reports cancellation, with nothing half-written returned. */
  g_task_set_check_cancellable (job->task, FALSE);
  render_job_start_stage (job);
}

PpImage *
pp_plan_run_finish (PpPlan         *plan,
                    GAsyncResult   *result,
                    PpRenderStats **stats,
                    GError        **error)
{
  RenderResult *res;
  PpImage *image;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pp_plan_run_async, NULL);

  res = g_task_propagate_pointer (G_TASK (result), error);
  if (res == NULL)
    return NULL;
  g_assert (g_atomic_int_get (&res->published));
  image = g_steal_pointer (&res->image);
  if (stats != NULL)
    *stats = g_steal_pointer (&res->stats);
  render_result_free (res);
  return image;
}

/**
 * pp_plan_run_here:
 * @worker: the lane this thread is in the caller's timeline
 *
 * Runs @plan band by band on the calling thread: for work that is already spread over the
 * pool (a batch runs one file per worker), so that pools never nest.
 */
PpImage *
pp_plan_run_here (PpPlan         *plan,
                  PpImage        *src,
                  guint           worker,
                  GCancellable   *cancellable,
                  PpRenderStats **stats,
                  GError        **error)
{
  g_autoptr (PpImage) current = NULL;
  g_autoptr (PpRenderStats) local_stats = NULL;
  guint n_stages, span = 0;

  g_return_val_if_fail (plan != NULL && src != NULL, NULL);
  g_return_val_if_fail (check_source (plan, src), NULL);

  local_stats = render_stats_new (plan, 1);
  local_stats->start_us = g_get_monotonic_time ();
  current = pp_image_ref (src);
  n_stages = pp_plan_get_n_stages (plan);
  for (guint stage = 0; stage < n_stages; stage++)
    {
      g_autoptr (PpImage) dst = _pp_plan_alloc_stage (plan, stage, error);
      guint n_bands = pp_plan_get_n_bands (plan, stage);

      if (dst == NULL)
        return NULL;
      for (guint band = 0; band < n_bands; band++, span++)
        {
          PpSpan *s = &g_array_index (local_stats->spans, PpSpan, span);

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return NULL;
          s->worker = worker;
          s->stage = stage;
          s->item = band;
          s->start_us = g_get_monotonic_time ();
          _pp_plan_run_band (plan, stage, band, current, dst);
          s->end_us = g_get_monotonic_time ();
        }
      g_clear_pointer (&current, pp_image_unref);
      current = g_steal_pointer (&dst);
    }
  local_stats->end_us = g_get_monotonic_time ();
  if (stats != NULL)
    *stats = g_steal_pointer (&local_stats);
  return g_steal_pointer (&current);
}
