/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What pp-window.c, pp-window-actions.c, pp-window-batch.c and pp-window-dnd.c share: the
 * window's instance structure and the internal functions each part offers the others.
 */
#pragma once

#include "pp-chain-editor.h"
#include "pp-preview.h"
#include "pp-thumbnail-grid.h"
#include "pp-timeline.h"
#include "pp-timings-view.h"
#include "pp-window.h"

G_BEGIN_DECLS

struct _PpWindow
{
  AdwApplicationWindow parent_instance;

  /* Template children, alphabetically. */
  GtkBox *batch_bar; /* the batch's status: always there while a folder is open */
  GtkButton *cancel_button;
  PpChainEditor *chain_editor;
  GtkButton *compare_button;
  GtkToggleButton *compare_toggle;
  GtkInscription *current_file_label;
  GtkButton *failures_button;
  AdwFlap *flap;
  AdwHeaderBar *header_bar;
  GtkPaned *images_paned;
  GtkStack *main_stack;
  GtkBox *mode_box;
  GtkToggleButton *parallel_button;
  PpPreview *preview;
  GtkLabel *preview_name_label;
  GtkInscription *preview_status_label;
  GtkButton *process_button;
  GtkProgressBar *progress_bar;
  GtkInscription *progress_label; /* fixed size: changing it never relayouts the window */
  GtkButton *recent_button;
  GtkToggleButton *serial_button;
  GtkToggleButton *sidebar_button;
  AdwStatusPage *status_page;
  AdwViewSwitcherTitle *switcher_title;
  GtkAdjustment *threads_adjustment;
  GtkSpinButton *threads_spin;
  PpThumbnailGrid *thumbnail_grid;
  PpTimeline *timeline;
  GtkLabel *timeline_title;
  GtkBox *timings_box;
  PpTimingsView *timings_view;
  AdwToastOverlay *toast_overlay;
  AdwViewStack *view_stack;

  GSettings *settings;
  PpPipeline *pipeline;
  GFile *folder;      /* the open folder, or NULL when files were opened one by one */
  GPtrArray *files;   /* of GFile, when files were opened one by one */

  gpointer batch_state; /* owned by pp-window-batch.c */
};

/* pp-window.c */
void     _pp_window_open_folder     (PpWindow   *self,
                                     GFile      *folder);
void     _pp_window_toast           (PpWindow   *self,
                                     const char *message);
guint    _pp_window_get_threads     (PpWindow   *self);
gboolean _pp_window_get_parallel    (PpWindow   *self);

/* pp-window-actions.c */
void     _pp_window_class_init_actions (GtkWidgetClass *widget_class);
void     _pp_window_init_actions       (PpWindow       *self);
void     _pp_window_update_actions     (PpWindow       *self);

/* pp-window-dnd.c */
void     _pp_window_init_dnd        (PpWindow   *self);

/* pp-window-batch.c */
void     _pp_window_update_batch_bar (PpWindow      *self);
void     _pp_window_class_init_batch (GtkWidgetClass *widget_class);
void     _pp_window_init_batch       (PpWindow       *self);
void     _pp_window_dispose_batch    (PpWindow       *self);
gboolean _pp_window_is_running       (PpWindow       *self);

G_END_DECLS
