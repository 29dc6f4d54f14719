/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the scheduler needs to know about a plan's stages; not for the UI or the command line.
 */
#pragma once

#include "filters/pp-filter.h"
#include "render/pp-plan.h"

G_BEGIN_DECLS

/* Largest image any stage may produce: keeps sizes well inside int arithmetic. */
#define PP_PLAN_MAX_PIXELS (G_GINT64_CONSTANT (1) << 30)
#define PP_PLAN_MAX_SIDE   (1 << 18)

void     _pp_plan_run_band        (PpPlan        *plan,
                                   guint          stage,
                                   guint          band,
                                   const PpImage *src,
                                   PpImage       *dst);
PpImage *_pp_plan_alloc_stage     (PpPlan        *plan,
                                   guint          stage,
                                   GError       **error);
guint    _pp_plan_get_total_bands (PpPlan        *plan);
void     _pp_plan_set_band_rows_for_testing (int   rows);

G_END_DECLS
