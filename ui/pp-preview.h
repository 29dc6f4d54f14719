/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpPreview: the selected image with the current filter chain applied, re-rendered on the pool
 * as parameters change (latest request wins), with a before/after split.
 */
#pragma once

#include <gtk/gtk.h>

#include "render/pp-pipeline.h"

G_BEGIN_DECLS

#define PP_TYPE_PREVIEW (pp_preview_get_type ())
G_DECLARE_FINAL_TYPE (PpPreview, pp_preview, PP, PREVIEW, GtkWidget)

void        pp_preview_set_file       (PpPreview  *self,
                                       GFile      *file);
GFile      *pp_preview_get_file       (PpPreview  *self);
void        pp_preview_set_pipeline   (PpPreview  *self,
                                       PpPipeline *pipeline);
void        pp_preview_set_threads    (PpPreview  *self,
                                       guint       n_threads);
void        pp_preview_invalidate     (PpPreview  *self,
                                       gboolean    interactive);
const char *pp_preview_get_status     (PpPreview  *self);
const char *pp_preview_get_error      (PpPreview  *self);
void        pp_preview_get_image_size (PpPreview  *self,
                                       int        *width,
                                       int        *height);
gboolean    pp_preview_get_compare    (PpPreview  *self);
void        pp_preview_set_compare    (PpPreview  *self,
                                       gboolean    compare);
guint       pp_preview_get_n_renders  (PpPreview  *self);
guint       pp_preview_get_n_proxy_renders (PpPreview *self);
gboolean    pp_preview_get_busy       (PpPreview  *self);

G_END_DECLS
