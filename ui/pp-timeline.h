/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpTimeline: what each worker thread did during a batch — one lane per worker, one bar per
 * file split into its stages (decode, filter, encode, write) — drawn with GtkSnapshot and
 * updated live while the run grows.
 */
#pragma once

#include <gtk/gtk.h>

#include "batch/pp-run.h"

G_BEGIN_DECLS

#define PP_TYPE_TIMELINE (pp_timeline_get_type ())
G_DECLARE_FINAL_TYPE (PpTimeline, pp_timeline, PP, TIMELINE, GtkWidget)

void   pp_timeline_set_run (PpTimeline *self,
                            PpRun      *run);
PpRun *pp_timeline_get_run (PpTimeline *self);

G_END_DECLS
