/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpTimeline: what each worker thread did during a run — one lane per worker, one bar per file
 * split into its stages (decode, filter, encode, write), the worker's idle time hatched — and,
 * for a run measured against a serial one, both runs on one time axis, so the serial bar is
 * visibly as many times longer as the speedup says.
 */
#pragma once

#include <gtk/gtk.h>

#include "pp-run-entry.h"

G_BEGIN_DECLS

#define PP_TYPE_TIMELINE (pp_timeline_get_type ())
G_DECLARE_FINAL_TYPE (PpTimeline, pp_timeline, PP, TIMELINE, GtkWidget)

void        pp_timeline_set_runs       (PpTimeline *self,
                                        PpRunEntry *run,
                                        PpRunEntry *baseline);
PpRunEntry *pp_timeline_get_run        (PpTimeline *self);
PpRunEntry *pp_timeline_get_baseline   (PpTimeline *self);
gboolean    pp_timeline_get_run_extent (PpTimeline *self,
                                        PpRunEntry *run,
                                        double     *x_start,
                                        double     *x_end);
char       *pp_timeline_describe       (PpTimeline *self);

G_END_DECLS
