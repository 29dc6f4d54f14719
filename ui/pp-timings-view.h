/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpTimingsView: one row per batch run — mode, threads, images, megapixels, wall time, images/s,
 * speedup against the last serial run of the same work, efficiency, outputs identical — the
 * per-stage totals of the selected run, and export to CSV or JSON.
 */
#pragma once

#include <gtk/gtk.h>

#include "batch/pp-run.h"

G_BEGIN_DECLS

#define PP_TYPE_TIMINGS_VIEW (pp_timings_view_get_type ())
G_DECLARE_FINAL_TYPE (PpTimingsView, pp_timings_view, PP, TIMINGS_VIEW, GtkWidget)

/* @work: a key naming the work (input, chain, format): speedups compare runs of equal work. */
void     pp_timings_view_add_run       (PpTimingsView *self,
                                        PpRun         *run,
                                        const char    *work);
void     pp_timings_view_remove_run    (PpTimingsView *self,
                                        PpRun         *run);
void     pp_timings_view_update        (PpTimingsView *self,
                                        PpRun         *run);
void     pp_timings_view_set_identical (PpTimingsView *self,
                                        PpRun         *run,
                                        gboolean       identical);
guint    pp_timings_view_get_n_runs    (PpTimingsView *self);
PpRun   *pp_timings_view_get_run       (PpTimingsView *self,
                                        guint          position);
double   pp_timings_view_get_speedup   (PpTimingsView *self,
                                        PpRun         *run);
char    *pp_timings_view_to_csv        (PpTimingsView *self);
char    *pp_timings_view_to_json       (PpTimingsView *self);

G_END_DECLS
