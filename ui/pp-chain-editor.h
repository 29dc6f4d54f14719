/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpChainEditor: the sidebar that edits a PpPipeline — add, remove, reorder and toggle filters,
 * one row per parameter generated from the filter's PpParamSpec, and presets.
 */
#pragma once

#include <adwaita.h>

#include "render/pp-pipeline.h"
#include "pp-step-row.h"

G_BEGIN_DECLS

#define PP_TYPE_CHAIN_EDITOR (pp_chain_editor_get_type ())
G_DECLARE_FINAL_TYPE (PpChainEditor, pp_chain_editor, PP, CHAIN_EDITOR, GtkWidget)

void        pp_chain_editor_set_pipeline (PpChainEditor *self,
                                          PpPipeline    *pipeline);
PpPipeline *pp_chain_editor_get_pipeline (PpChainEditor *self);
gboolean    pp_chain_editor_set_spec     (PpChainEditor *self,
                                          const char    *spec,
                                          GError       **error);
gboolean    pp_chain_editor_load_preset  (PpChainEditor *self,
                                          const char    *name,
                                          GError       **error);
gboolean    pp_chain_editor_undo         (PpChainEditor *self);
gboolean    pp_chain_editor_redo         (PpChainEditor *self);
void        pp_chain_editor_set_image_size (PpChainEditor *self,
                                            int            width,
                                            int            height);
PpStepRow  *pp_chain_editor_get_step_row (PpChainEditor *self,
                                          guint          position);
void        pp_chain_editor_set_problem  (PpChainEditor *self,
                                          guint          position,
                                          const char    *problem);

G_END_DECLS
