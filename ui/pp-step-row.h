/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpStepRow: one step of the filter chain — its name and spec, an enable switch, a menu to
 * move or remove it, and one PpParamRow per parameter.
 */
#pragma once

#include <adwaita.h>

#include "render/pp-pipeline.h"
#include "pp-param-row.h"

G_BEGIN_DECLS

#define PP_TYPE_STEP_ROW (pp_step_row_get_type ())
G_DECLARE_FINAL_TYPE (PpStepRow, pp_step_row, PP, STEP_ROW, AdwExpanderRow)

PpStepRow  *pp_step_row_new           (const PpStep *step,
                                       guint         position,
                                       guint         n_steps);
guint       pp_step_row_get_position  (PpStepRow    *self);
PpParamRow *pp_step_row_get_param_row (PpStepRow    *self,
                                       guint         param);
void        pp_step_row_update        (PpStepRow    *self,
                                       const PpStep *step);
void        pp_step_row_set_problem   (PpStepRow    *self,
                                       const char   *problem);
const char *pp_step_row_get_problem   (PpStepRow    *self);
GtkDropTarget *pp_step_row_get_drop_target (PpStepRow *self);

G_END_DECLS
