/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What pp-window.c, pp-window-actions.c, pp-window-batch.c, pp-window-compare.c and
 * pp-window-dnd.c share: the window's instance structure and the internal functions each part
 * offers the others.
 */
#pragma once

#include "batch/pp-auto-threads.h"
#include "batch/pp-batch.h"
#include "batch/pp-compare.h"
#include "pp-chain-editor.h"
#include "pp-preview.h"
#include "pp-scaling-view.h"
#include "pp-thumbnail-grid.h"
#include "pp-timeline.h"
#include "pp-timings-view.h"
#include "pp-window.h"

G_BEGIN_DECLS

typedef enum
{
  PP_WINDOW_PHASE_IDLE,
  PP_WINDOW_PHASE_SINGLE,           /* Process */
  PP_WINDOW_PHASE_COMPARE,          /* Compare: PpCompare knows its own phase */
  PP_WINDOW_PHASE_CHOOSING,         /* Automatic: choosing the thread count first */
} PpWindowPhase;

/* The batch in progress, or the last one: owned by pp-window-batch.c; pp-window-compare.c
 * reads and sets the compare fields. Main thread only. */
typedef struct
{
  PpBatch *batch;
  GCancellable *cancellable;
  PpProgress *progress;
  gulong progress_id;
  PpRun *run;
  PpWindowPhase phase;
  PpCompare *compare;     /* Compare: the engine (pp-window-compare.c) */
  PpThreadsChoice *choice; /* Automatic: the count chosen for this Process or Compare */
  GFile *output_folder;   /* of the current run */
  char *work;             /* what the timings view compares runs by */
  char *open_uri;         /* the toast's "Open Folder" */
  AdwToast *toast;        /* (weak) the last run's toast, updated when a new one comes */
  GListStore *failures;   /* of PpFileResult, this run */
  gboolean retry_compare; /* what to start again once another output folder is chosen */
  gint64 labels_us;       /* when the progress texts last changed */
  gboolean disposed;      /* the window is gone: a run still ending only cleans up */
  gboolean close_when_stopped; /* "Stop and Quit": close once the cancelled run has ended */
  /* Images opened one by one from several folders, with the default output: one run per
   * folder, each into its own "processed" (GPtrArray of GPtrArray of GFile). */
  GPtrArray *groups;
  guint group;            /* the group running */
  guint n_groups_done;
  gboolean focus_moved;   /* Process gave the focus to Cancel; give it back at the end */
} PpWindowBatch;

struct _PpWindow
{
  AdwApplicationWindow parent_instance;

  /* Template children, alphabetically. */
  GtkButton *back_button;
  GtkBox *batch_bar; /* the batch's status: always there while a folder is open */
  AdwStatusPage *broken_page;
  GtkButton *cancel_button;
  PpChainEditor *chain_editor;
  GtkButton *compare_button;
  GtkToggleButton *compare_toggle;
  GtkInscription *current_file_label;
  GtkButton *failures_button;
  GtkLabel *failures_label;
  AdwFlap *flap;
  AdwHeaderBar *header_bar;
  AdwLeaflet *images_leaflet;
  GtkStack *images_stack;
  GtkStack *main_stack;
  GtkBox *mode_box;
  AdwStatusPage *no_images_page;
  GtkToggleButton *parallel_button;
  PpPreview *preview;
  GtkLabel *preview_name_label;
  GtkStack *preview_stack;
  GtkInscription *preview_status_label;
  GtkButton *process_button;
  GtkButton *process_icon_button; /* Process when the header is narrow */
  AdwSqueezer *process_squeezer;
  GtkProgressBar *progress_bar;
  GtkInscription *progress_label; /* fixed size: changing it never relayouts the window */
  GtkButton *recent_button;
  GtkMenuButton *run_menu_button;
  AdwSqueezer *run_squeezer;
  GtkToggleButton *serial_button;
  GtkToggleButton *sidebar_button;
  AdwStatusPage *status_page;
  PpScalingView *scaling_view;
  AdwViewSwitcherTitle *switcher_title;
  GtkAdjustment *threads_adjustment;
  GtkSpinButton *threads_spin;
  GtkSpinButton *threads_spin_narrow;
  PpThumbnailGrid *thumbnail_grid;
  PpTimeline *timeline;
  GtkLabel *timeline_title;
  GtkBox *timings_box;
  PpTimingsView *timings_view;
  AdwToastOverlay *toast_overlay;
  AdwViewStack *view_stack;

  GSettings *settings;
  PpPipeline *pipeline;
  char *chain_problem; /* why the chain cannot run on these images, or NULL */
  GFile *folder;      /* the open folder, or NULL when files were opened one by one */
  GPtrArray *files;   /* of GFile, when files were opened one by one */

  PpWindowBatch batch;
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

/* pp-window-output.c */
GPtrArray *_pp_window_group_by_folder      (GPtrArray  *files);
GFile    *_pp_window_default_output_folder (PpWindow   *self);
GFile    *_pp_window_output_folder         (PpWindow   *self);
gboolean  _pp_window_check_output_folder   (GFile      *folder,
                                            GError    **error);
void      _pp_window_ask_for_output_folder (PpWindow   *self,
                                            const char *reason);
void      _pp_window_update_batch_bar      (PpWindow   *self);

/* pp-window-batch.c */
void     _pp_window_class_init_batch (GtkWidgetClass *widget_class);
void     _pp_window_init_batch       (PpWindow       *self);
void     _pp_window_dispose_batch    (PpWindow       *self);
gboolean _pp_window_is_running       (PpWindow       *self);
void     _pp_window_update_batch_actions (PpWindow   *self);
gboolean _pp_window_begin            (PpWindow       *self,
                                      gboolean        compare);
void     _pp_window_start_run        (PpWindow       *self,
                                      PpBatchMode     mode,
                                      GFile          *output);
void     _pp_window_configure_batch  (PpWindow       *self,
                                      PpBatch        *batch,
                                      GFile          *output,
                                      PpBatchMode     mode);
void     _pp_window_follow_batch     (PpWindow       *self,
                                      PpBatch        *batch);
void     _pp_window_finish           (PpWindow       *self,
                                      const char     *message);
char    *_pp_window_summary          (PpWindow       *self,
                                      PpRun          *run);
void     _pp_window_add_to_timings   (PpWindow       *self,
                                      PpRun          *run);

/* pp-window-chain.c */
void     _pp_window_class_init_chain (GtkWidgetClass *widget_class);
void     _pp_window_init_chain       (PpWindow       *self);
void     _pp_window_save_chain       (PpWindow       *self);
void     _pp_window_check_chain      (PpWindow       *self);

/* pp-window-threads.c */
gboolean    _pp_window_get_automatic      (PpWindow      *self);
void        _pp_window_init_threads       (PpWindow      *self,
                                           GtkSpinButton **spins);
gboolean    _pp_window_choose_threads     (PpWindow      *self,
                                           gboolean       compare);
guint       _pp_window_threads_for_batch  (PpWindow      *self);
void        _pp_window_threads_note_run   (PpWindow      *self,
                                           PpRun         *run);
char       *_pp_window_threads_outcome    (PpWindow      *self,
                                           PpRun         *run);

/* pp-window-compare.c */
void        _pp_window_class_init_compare (GtkWidgetClass *widget_class);
gboolean    _pp_window_compare_start      (PpWindow      *self,
                                           GFile         *output);
char       *_pp_window_compare_phase_label (PpWindow     *self);
void        _pp_window_init_scaling       (PpWindow      *self);

G_END_DECLS
