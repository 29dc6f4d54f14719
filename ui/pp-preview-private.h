/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What pp-preview.c (the widget) and pp-preview-render.c (decoding and rendering) share.
 */
#pragma once

#include "image/pp-image.h"
#include "pp-preview.h"

G_BEGIN_DECLS

struct _PpPreview
{
  GtkWidget parent_instance;

  GFile *file;
  PpPipeline *pipeline;
  guint n_threads;

  GCancellable *load_cancellable;
  PpImage *full;
  PpImage *proxy;
  guint display_generation;
  GdkTexture *before_full;
  GdkTexture *before_proxy;

  GdkTexture *after;   /* may be smaller than the render it shows */
  gboolean after_is_proxy;
  int after_width;     /* the shown render's size in image pixels */
  int after_height;

  /* Latest wins: one render in flight; a request meanwhile only marks one as pending. */
  gboolean rendering;
  gboolean pending;
  gboolean interactive;
  guint settle_id;
  GCancellable *render_cancellable;

  gint64 delivered_us;
  gint64 render_us;
  guint render_threads;
  int render_width;
  int render_height;
  gulong after_paint_id;
  GdkFrameClock *after_paint_clock; /* (owned) the clock after_paint_id is connected to */
  char *status;
  char *error;         /* why the selected file could not be opened, or NULL */
  guint n_renders;
  guint n_proxy_renders;

  gboolean compare;
  double split; /* 0..1 of the image width */
  double drag_start;
};

/* pp-preview.c */
void     _pp_preview_update_accessible (PpPreview     *self);
void     _pp_preview_set_status     (PpPreview       *self,
                                     const char      *status);
void     _pp_preview_notify_busy    (PpPreview       *self);
void     _pp_preview_notify_image_size (PpPreview    *self);
void     _pp_preview_set_error      (PpPreview       *self,
                                     const char      *error);
void     _pp_preview_stop_after_paint (PpPreview     *self);
gboolean _pp_preview_get_image_rect (PpPreview       *self,
                                     graphene_rect_t *rect);

/* pp-preview-render.c */
PpImage    *_pp_preview_make_proxy      (PpImage    *full);
PpPipeline *_pp_preview_scale_for_proxy (PpPipeline *pipeline,
                                         double      scale);

G_END_DECLS
