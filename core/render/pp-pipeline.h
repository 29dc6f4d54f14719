/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpPipeline: an ordered list of filter steps, with the text spec shared by the command line,
 * presets and tests (`exposure=0.5,gamma=1.2,fit=800x800`). Main thread only; workers see the
 * frozen PpPlan made from it.
 */
#pragma once

#include <gio/gio.h>

#include "filters/pp-filter.h"
#include "image/pp-types.h"

G_BEGIN_DECLS

#define PP_PIPELINE_ERROR (pp_pipeline_error_quark ())

typedef enum
{
  PP_PIPELINE_ERROR_INVALID_SPEC,
} PpPipelineError;

struct _PpStep
{
  const PpFilterInfo *info;
  double values[PP_MAX_PARAMS];
  gboolean enabled;
};

#define PP_TYPE_PIPELINE (pp_pipeline_get_type ())

G_DECLARE_FINAL_TYPE (PpPipeline, pp_pipeline, PP, PIPELINE, GObject)

GQuark         pp_pipeline_error_quark     (void);

PpPipeline    *pp_pipeline_new             (void);
PpPipeline    *pp_pipeline_new_from_spec   (const char         *spec,
                                            GError            **error);
PpPipeline    *pp_pipeline_copy            (PpPipeline         *self);
char          *pp_pipeline_to_spec         (PpPipeline         *self);
gboolean       pp_pipeline_equal           (PpPipeline         *a,
                                            PpPipeline         *b);

guint          pp_pipeline_get_n_steps     (PpPipeline         *self);
const PpStep  *pp_pipeline_get_step        (PpPipeline         *self,
                                            guint               position);
guint          pp_pipeline_get_n_enabled   (PpPipeline         *self);
void           pp_pipeline_insert          (PpPipeline         *self,
                                            int                 position,
                                            const PpFilterInfo *info,
                                            const double       *values);
void           pp_pipeline_append          (PpPipeline         *self,
                                            const PpFilterInfo *info,
                                            const double       *values);
void           pp_pipeline_remove          (PpPipeline         *self,
                                            guint               position);
void           pp_pipeline_move            (PpPipeline         *self,
                                            guint               from,
                                            guint               to);
void           pp_pipeline_clear           (PpPipeline         *self);
gboolean       pp_pipeline_set_value       (PpPipeline         *self,
                                            guint               position,
                                            guint               param,
                                            double              value,
                                            GError            **error);
void           pp_pipeline_set_enabled     (PpPipeline         *self,
                                            guint               position,
                                            gboolean            enabled);
gboolean       pp_pipeline_get_load_hint   (PpPipeline         *self,
                                            int                *fit_width,
                                            int                *fit_height);

char          *pp_step_to_spec             (const PpStep       *step);

G_END_DECLS
