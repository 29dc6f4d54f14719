/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpParamRow: one parameter of a filter step — a slider with a spin button, a switch or a
 * drop-down, chosen by the parameter's type, and a reset button.
 */
#pragma once

#include <adwaita.h>

#include "filters/pp-filter.h"

G_BEGIN_DECLS

#define PP_TYPE_PARAM_ROW (pp_param_row_get_type ())
G_DECLARE_FINAL_TYPE (PpParamRow, pp_param_row, PP, PARAM_ROW, AdwPreferencesRow)

PpParamRow        *pp_param_row_new       (const PpParamSpec *pspec,
                                           double             value);
const PpParamSpec *pp_param_row_get_pspec (PpParamRow        *self);
double             pp_param_row_get_value (PpParamRow        *self);
void               pp_param_row_set_value (PpParamRow        *self,
                                           double             value);
void               pp_param_row_set_upper (PpParamRow        *self,
                                           double             upper);
double             pp_param_row_get_upper (PpParamRow        *self);
double             pp_param_row_snap      (const PpParamSpec *pspec,
                                           double             value);

G_END_DECLS
