/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rendering a plan over row bands of shared buffers on the pool (pp-scheduler.h): blocking, with
 * a callback on the caller's main context, or on the calling thread for code that already runs
 * on a pool worker. What each band's worker did, and when, comes back for the timeline.
 */
#pragma once

#include <gio/gio.h>

#include "image/pp-image.h"
#include "render/pp-plan.h"
#include "render/pp-scheduler.h"

G_BEGIN_DECLS

/* What one worker did, for the timeline: a band of a stage, or a whole file in a batch. */
typedef struct
{
  guint worker;   /* 0 .. n_threads - 1: the lane in the timeline */
  guint stage;
  guint item;     /* band number within its stage, or file index */
  gint64 start_us; /* g_get_monotonic_time () */
  gint64 end_us;
} PpSpan;

struct _PpRenderStats
{
  guint n_threads;
  gint64 start_us;
  gint64 end_us;
  GArray *spans; /* of PpSpan, ordered by stage then band */
};

PpImage       *pp_plan_run                      (PpPlan              *plan,
                                                 PpImage             *src,
                                                 guint                n_threads,
                                                 GCancellable        *cancellable,
                                                 PpRenderStats      **stats,
                                                 GError             **error);
void           pp_plan_run_async                (PpPlan              *plan,
                                                 PpImage             *src,
                                                 guint                n_threads,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
PpImage       *pp_plan_run_finish               (PpPlan              *plan,
                                                 GAsyncResult        *result,
                                                 PpRenderStats      **stats,
                                                 GError             **error);
PpImage       *pp_plan_run_here                 (PpPlan              *plan,
                                                 PpImage             *src,
                                                 guint                worker,
                                                 GCancellable        *cancellable,
                                                 PpRenderStats      **stats,
                                                 GError             **error);

PpImage       *pp_plan_run_shared               (PpPlan              *plan,
                                                 PpImage             *src,
                                                 guint                n_helpers,
                                                 GCancellable        *cancellable,
                                                 GError             **error);

void           pp_render_stats_free             (PpRenderStats       *stats);
gint64         pp_render_stats_get_busy_us      (const PpRenderStats *stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpRenderStats, pp_render_stats_free)

G_END_DECLS
