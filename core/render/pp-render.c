/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A render: a plan run over row bands on the pool. It runs stage by stage: its workers take bands
 * from an atomic counter; the last worker out of a stage starts the next one (allocating its
 * buffer and pushing the workers again), so no thread ever blocks waiting inside the pool.
 * Whatever the band split or the number of workers, each output byte is computed by the same
 * code from the same inputs: serial and parallel results are identical.
 */
#define G_LOG_DOMAIN "pp-render"

#include "config.h"

#include "render/pp-plan-private.h"
#include "render/pp-render.h"

/**
 * pp_render_stats_free:
 * @stats: (nullable) (transfer full): what a render recorded
 */
void
pp_render_stats_free (PpRenderStats *stats)
{
  if (stats == NULL)
    return;
  g_clear_pointer (&stats->spans, g_array_unref);
  g_free (stats);
}

/**
 * pp_render_stats_get_busy_us:
 * @stats: what a render recorded
 *
 * Returns: the time workers spent in bands, summed, in microseconds: the CPU the render used
 *   (compare with end_us - start_us times n_threads)
 */
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

/* One render in flight: its buffers, its stage and band counters, and how it completes. */
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
  gboolean done; /* under mutex */
} Render;

/* A worker's ticket for one stage: the render and its lane in the timeline. */
typedef struct
{
  Render *render;
  guint worker;
} RenderWorker;

static void
render_free (Render *render)
{
  for (guint i = 0; i <= render->n_stages; i++)
    g_clear_pointer (&render->buffers[i], pp_image_unref);
  g_free (render->buffers);
  g_clear_pointer (&render->stats, pp_render_stats_free);
  g_clear_object (&render->cancellable);
  g_clear_error (&render->error);
  pp_plan_unref (render->plan);
  g_mutex_clear (&render->mutex);
  g_cond_clear (&render->cond);
  g_free (render);
}

typedef struct
{
  PpImage *image;
  PpRenderStats *stats;
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
render_complete (Render *render)
{
  render->stats->end_us = g_get_monotonic_time ();

  if (render->task != NULL)
    {
      GTask *task = g_steal_pointer (&render->task);

      if (render->error != NULL)
        g_task_return_error (task, g_steal_pointer (&render->error));
      else
        {
          RenderResult *result = g_new0 (RenderResult, 1);

          result->image = g_steal_pointer (&render->buffers[render->n_stages]);
          result->stats = g_steal_pointer (&render->stats);
          g_task_return_pointer (task, result, render_result_free);
        }
      g_object_unref (task);
      render_free (render);
    }
  else
    {
      g_mutex_lock (&render->mutex);
      render->done = TRUE;
      g_cond_signal (&render->cond);
      g_mutex_unlock (&render->mutex);
    }
}

static void render_worker_func (gpointer data);

/* Starts render->stage on min(threads, bands) workers, or completes the render. Called by the
 * submitting thread for the first stage, then by the last worker out of each stage. */
static void
render_start_stage (Render *render)
{
  guint n_bands;
  guint n_workers;

  if (render->stage == render->n_stages || g_atomic_int_get (&render->cancelled))
    {
      if (g_atomic_int_get (&render->cancelled) && render->error == NULL)
        g_set_error_literal (&render->error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
      render_complete (render);
      return;
    }

  render->buffers[render->stage + 1] = _pp_plan_alloc_stage (render->plan, render->stage,
                                                             &render->error);
  if (render->buffers[render->stage + 1] == NULL)
    {
      render_complete (render);
      return;
    }

  n_bands = pp_plan_get_n_bands (render->plan, render->stage);
  n_workers = MIN (render->n_threads, n_bands);
  g_atomic_int_set (&render->next_band, 0);
  g_atomic_int_set (&render->active, n_workers);
  for (guint w = 0; w < n_workers; w++)
    {
      RenderWorker *worker = g_new (RenderWorker, 1);

      worker->render = render;
      worker->worker = w;
      pp_scheduler_push (render_worker_func, worker);
    }
}

static void
render_worker_func (gpointer data)
{
  RenderWorker *worker = data;
  Render *render = worker->render;
  guint stage = render->stage;
  guint n_bands = pp_plan_get_n_bands (render->plan, stage);
  const PpImage *src = render->buffers[stage];
  PpImage *dst = render->buffers[stage + 1];
  int band;

  while ((band = g_atomic_int_add (&render->next_band, 1)) < (int) n_bands)
    {
      PpSpan *span = &g_array_index (render->stats->spans, PpSpan, render->span_offset + band);

      if (g_cancellable_is_cancelled (render->cancellable))
        {
          g_atomic_int_set (&render->cancelled, TRUE);
          break;
        }
      span->worker = worker->worker;
      span->stage = stage;
      span->item = band;
      span->start_us = g_get_monotonic_time ();
      _pp_plan_run_band (render->plan, stage, band, src, dst);
      span->end_us = g_get_monotonic_time ();
    }
  g_free (worker);

  if (g_atomic_int_dec_and_test (&render->active))
    {
      /* Every other worker of this stage has left: this thread owns the render now. */
      g_clear_pointer (&render->buffers[stage], pp_image_unref);
      render->span_offset += n_bands;
      render->stage++;
      render_start_stage (render);
    }
}

static Render *
render_new (PpPlan       *plan,
            PpImage      *src,
            guint         n_threads,
            GCancellable *cancellable)
{
  Render *render = g_new0 (Render, 1);

  render->plan = pp_plan_ref (plan);
  render->n_threads = CLAMP (n_threads, 1, PP_SCHEDULER_MAX_THREADS);
  render->n_stages = pp_plan_get_n_stages (plan);
  render->buffers = g_new0 (PpImage *, render->n_stages + 1);
  render->buffers[0] = pp_image_ref (src);
  render->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  render->stats = render_stats_new (plan, render->n_threads);
  render->stats->start_us = g_get_monotonic_time ();
  g_mutex_init (&render->mutex);
  g_cond_init (&render->cond);
  return render;
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
 * @plan: the plan
 * @src: its input, of the plan's input size and channels; only read, shared by the workers
 * @n_threads: workers of the pool to use, 1 (serial mode) to PP_SCHEDULER_MAX_THREADS; never
 *   more than the stage has bands
 * @cancellable: (nullable): checked before each band
 * @stats: (out) (optional) (transfer full): where and when each band ran (PpSpan, one per band)
 * @error: G_IO_ERROR_CANCELLED when cancelled (nothing half-rendered is returned);
 *   G_IO_ERROR_NO_SPACE when a stage's buffer cannot be allocated
 *
 * Runs @plan on @src on the pool and waits for the result. Whatever @n_threads, the result has
 * the same bytes. Blocks: call it from the main thread or a plain thread, never from a pool worker
 * (use pp_plan_run_here() there), so that pools never wait on themselves.
 *
 * Returns: (transfer full) (nullable): the result; with no stages, @src itself (a new reference)
 */
PpImage *
pp_plan_run (PpPlan         *plan,
             PpImage        *src,
             guint           n_threads,
             GCancellable   *cancellable,
             PpRenderStats **stats,
             GError        **error)
{
  Render *render;
  PpImage *result = NULL;

  g_return_val_if_fail (plan != NULL && src != NULL, NULL);
  g_return_val_if_fail (check_source (plan, src), NULL);

  render = render_new (plan, src, n_threads, cancellable);
  render_start_stage (render);

  g_mutex_lock (&render->mutex);
  while (!render->done)
    g_cond_wait (&render->cond, &render->mutex);
  g_mutex_unlock (&render->mutex);

  if (render->error != NULL)
    g_propagate_error (error, g_steal_pointer (&render->error));
  else
    {
      result = g_steal_pointer (&render->buffers[render->n_stages]);
      if (stats != NULL)
        *stats = g_steal_pointer (&render->stats);
    }
  render_free (render);
  return result;
}

/**
 * pp_plan_run_async:
 * @plan: the plan (referenced until the render ends)
 * @src: its input (referenced; only read)
 * @n_threads: as for pp_plan_run()
 * @cancellable: (nullable): checked before each band
 * @callback: runs on the thread-default main context of the caller once the last band is done
 * @user_data: for @callback
 *
 * pp_plan_run() without blocking: the stages run on the pool, the last worker out of each stage
 * starts the next. Finish with pp_plan_run_finish(). Any thread with a main context.
 */
void
pp_plan_run_async (PpPlan              *plan,
                   PpImage             *src,
                   guint                n_threads,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  Render *render;

  g_return_if_fail (plan != NULL && src != NULL);
  g_return_if_fail (check_source (plan, src));

  render = render_new (plan, src, n_threads, cancellable);
  render->task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (render->task, pp_plan_run_async);
  /* The render's own cancelled flag reports cancellation, with nothing half-written returned. */
  g_task_set_check_cancellable (render->task, FALSE);
  render_start_stage (render);
}

/**
 * pp_plan_run_finish:
 * @plan: the plan given to pp_plan_run_async()
 * @result: the result @callback got
 * @stats: (out) (optional) (transfer full): where and when each band ran
 * @error: as for pp_plan_run()
 *
 * Returns: (transfer full) (nullable): the rendered image, or %NULL with @error
 */
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
  image = g_steal_pointer (&res->image);
  if (stats != NULL)
    *stats = g_steal_pointer (&res->stats);
  render_result_free (res);
  return image;
}

/**
 * pp_plan_run_here:
 * @plan: the plan
 * @src: its input; only read
 * @worker: the lane this thread is in the caller's timeline (PpSpan.worker)
 * @cancellable: (nullable): checked before each band
 * @stats: (out) (optional) (transfer full): where and when each band ran
 * @error: as for pp_plan_run()
 *
 * Runs @plan band by band on the calling thread: for work that is already spread over the pool (a
 * batch runs one file per worker), so that pools never nest and busy threads never exceed the
 * chosen count. The same bytes as pp_plan_run(). Any thread.
 *
 * Returns: (transfer full) (nullable): the result; with no stages, @src itself
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
