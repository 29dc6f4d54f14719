/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpScalingView: the window's Scaling page. It runs a sweep (PpSweep) of the open folder with
 * the window's chain and settings, draws it live (PpScalingChart), says what limits the speedup
 * and which thread count to use, and exports the shareable report.
 */
#pragma once

#include <gtk/gtk.h>

#include "batch/pp-sweep.h"

G_BEGIN_DECLS

#define PP_TYPE_SCALING_VIEW (pp_scaling_view_get_type ())

G_DECLARE_FINAL_TYPE (PpScalingView, pp_scaling_view, PP, SCALING_VIEW, GtkWidget)

/* Signal "request-batch": PpBatch * (*) (PpScalingView *self, gpointer user_data)
 *   Emitted when a sweep starts: return (transfer full) a batch configured as a Process would
 *   run it (input, chain, format…), or NULL when there is nothing to sweep. The first handler
 *   to return one wins. */

GtkWidget   *pp_scaling_view_new                     (void);
void         pp_scaling_view_run                     (PpScalingView       *self);
void         pp_scaling_view_cancel                  (PpScalingView       *self);
gboolean     pp_scaling_view_get_running             (PpScalingView       *self);
PpSweep     *pp_scaling_view_get_sweep               (PpScalingView       *self);
guint        pp_scaling_view_get_recommended_threads (PpScalingView       *self);
void         pp_scaling_view_set_sample              (PpScalingView       *self,
                                                      guint                n_files);
void         pp_scaling_view_set_repeat              (PpScalingView       *self,
                                                      guint                repeat);
void         pp_scaling_view_export_async            (PpScalingView       *self,
                                                      GFile               *file,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean     pp_scaling_view_export_finish           (PpScalingView       *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

G_END_DECLS
