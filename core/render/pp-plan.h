/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpPlan: a pipeline frozen for one input size, ready for workers. Consecutive point filters fuse
 * into one pass (lookup tables compose into one table); point filters after a local or geometry
 * filter run on its output rows while they are still in cache. Immutable and thread-safe.
 */
#pragma once

#include "render/pp-pipeline.h"
#include "image/pp-types.h"

G_BEGIN_DECLS

#define PP_TYPE_PLAN (pp_plan_get_type ())

GType       pp_plan_get_type        (void) G_GNUC_CONST;
PpPlan     *pp_plan_new             (PpPipeline *pipeline,
                                     int         width,
                                     int         height,
                                     int         channels,
                                     GError    **error);
PpPlan     *pp_plan_ref             (PpPlan     *plan);
void        pp_plan_unref           (PpPlan     *plan);
void        pp_plan_get_input_size  (PpPlan     *plan,
                                     int        *width,
                                     int        *height);
void        pp_plan_get_output_size (PpPlan     *plan,
                                     int        *width,
                                     int        *height);
int         pp_plan_get_channels    (PpPlan     *plan);
guint       pp_plan_get_n_stages    (PpPlan     *plan);
guint       pp_plan_get_n_bands     (PpPlan     *plan,
                                     guint       stage);
char       *pp_plan_describe        (PpPlan     *plan);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpPlan, pp_plan_unref)

G_END_DECLS
