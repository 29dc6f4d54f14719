/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpScalingChart: a sweep drawn with GtkSnapshot, live as its runs come in: speedup against
 * threads with the ideal line and the Amdahl fit, and below it, per thread count, how the
 * files' time splits over decode, filter, encode and write.
 */
#pragma once

#include <gtk/gtk.h>

#include "batch/pp-sweep.h"

G_BEGIN_DECLS

#define PP_TYPE_SCALING_CHART (pp_scaling_chart_get_type ())

G_DECLARE_FINAL_TYPE (PpScalingChart, pp_scaling_chart, PP, SCALING_CHART, GtkWidget)

GtkWidget *pp_scaling_chart_new       (void);
void       pp_scaling_chart_set_sweep (PpScalingChart *self,
                                       PpSweep        *sweep);
PpSweep   *pp_scaling_chart_get_sweep (PpScalingChart *self);
gboolean   pp_scaling_chart_get_fit   (PpScalingChart *self,
                                       PpAmdahlFit    *fit);

G_END_DECLS
