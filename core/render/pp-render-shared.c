/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A render shared between the calling pool worker and a few helpers: for a batch with fewer
 * images than threads (a handful of very large images, or the last files of any batch), so
 * that the spare threads work on bands of the images in flight instead of idling. The caller
 * takes bands itself; helpers pushed on the pool take bands from the same counter when they get
 * a thread. At the end of a stage the caller waits only for bands already taken — by threads
 * that are running them — so it never waits on work that has not started, and a helper that
 * starts after the stage is over just leaves. The bands are the same as a serial run's, each
 * computed by the same function from the same input: the bytes do not depend on who ran them.
 */
#define G_LOG_DOMAIN "pp-render"

#include "config.h"

#include "render/pp-plan-private.h"
#include "render/pp-render.h"

/* One stage of a shared render; helpers hold a reference, so a late one finds it intact. */
typedef struct
{
  gatomicrefcount ref_count;
  PpPlan *plan;
  guint stage;
  PpImage *src;
  PpImage *dst;
  int n_bands;
  int next_band;     /* atomic: the next band to take */
  int bands_done;    /* atomic: bands finished (or skipped after a cancel) */
  GCancellable *cancellable;
  GMutex lock;       /* the caller sleeps on @cond until every band is done */
  GCond cond;
} SharedStage;

static SharedStage *
shared_stage_ref (SharedStage *stage)
{
  g_atomic_ref_count_inc (&stage->ref_count);
  return stage;
}

static void
shared_stage_unref (SharedStage *stage)
{
  if (!g_atomic_ref_count_dec (&stage->ref_count))
    return;
  pp_plan_unref (stage->plan);
  pp_image_unref (stage->src);
  pp_image_unref (stage->dst);
  g_clear_object (&stage->cancellable);
  g_mutex_clear (&stage->lock);
  g_cond_clear (&stage->cond);
  g_free (stage);
}

/* Takes and runs bands until none is left; whoever finishes the last band wakes the caller. */
static void
take_bands (SharedStage *stage)
{
  int band;

  while ((band = g_atomic_int_add (&stage->next_band, 1)) < stage->n_bands)
    {
      /* A cancel skips the work but still counts the band, so the caller's wait ends. */
      if (!g_cancellable_is_cancelled (stage->cancellable))
        _pp_plan_run_band (stage->plan, stage->stage, band, stage->src, stage->dst);
      if (g_atomic_int_add (&stage->bands_done, 1) + 1 == stage->n_bands)
        {
          g_mutex_lock (&stage->lock);
          g_cond_broadcast (&stage->cond);
          g_mutex_unlock (&stage->lock);
        }
    }
}

static void
helper_func (gpointer data)
{
  SharedStage *stage = data;

  take_bands (stage);
  shared_stage_unref (stage);
}

/**
 * pp_plan_run_shared:
 * @plan: the plan
 * @src: its input (the plan's input size and channels)
 * @n_helpers: pool workers that may help with each stage's bands (0: this thread alone, as
 *   pp_plan_run_here())
 * @cancellable: (nullable): checked before each band
 * @error: %G_IO_ERROR_CANCELLED, or %G_IO_ERROR_NO_SPACE when a stage buffer cannot be made
 *
 * Runs @plan on the calling thread, which must be a pool worker, with up to @n_helpers more
 * workers taking bands of each stage (see the top of this file). The caller decides the
 * helpers so that its own threads and theirs stay within its thread budget: a batch gives each
 * of its F files in flight threads / F − 1 helpers. Waits inside the pool, but only for bands
 * other running threads have taken, so it cannot deadlock. Results are byte-identical to
 * pp_plan_run_here().
 *
 * Returns: (transfer full) (nullable): the result
 */
PpImage *
pp_plan_run_shared (PpPlan        *plan,
                    PpImage       *src,
                    guint          n_helpers,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr (PpImage) current = NULL;
  guint n_stages;
  int width, height;

  g_return_val_if_fail (plan != NULL && src != NULL, NULL);
  pp_plan_get_input_size (plan, &width, &height);
  g_return_val_if_fail (src->width == width && src->height == height &&
                        src->channels == pp_plan_get_channels (plan), NULL);

  current = pp_image_ref (src);
  n_stages = pp_plan_get_n_stages (plan);
  for (guint s = 0; s < n_stages; s++)
    {
      PpImage *dst = _pp_plan_alloc_stage (plan, s, error);
      SharedStage *stage;
      guint helpers;

      if (dst == NULL)
        return NULL;
      stage = g_new0 (SharedStage, 1);
      g_atomic_ref_count_init (&stage->ref_count);
      stage->plan = pp_plan_ref (plan);
      stage->stage = s;
      stage->src = pp_image_ref (current);
      stage->dst = dst;
      stage->n_bands = (int) pp_plan_get_n_bands (plan, s);
      stage->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
      g_mutex_init (&stage->lock);
      g_cond_init (&stage->cond);
      /* More helpers than bands left after the caller's first would only wake up to leave. */
      helpers = MIN (n_helpers, (guint) MAX (stage->n_bands - 1, 0));
      for (guint h = 0; h < helpers; h++)
        pp_scheduler_push (helper_func, shared_stage_ref (stage));
      take_bands (stage);
      g_mutex_lock (&stage->lock);
      while (g_atomic_int_get (&stage->bands_done) < stage->n_bands)
        g_cond_wait (&stage->cond, &stage->lock);
      g_mutex_unlock (&stage->lock);
      g_clear_pointer (&current, pp_image_unref);
      current = pp_image_ref (stage->dst);
      shared_stage_unref (stage);
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
    }
  return g_steal_pointer (&current);
}
