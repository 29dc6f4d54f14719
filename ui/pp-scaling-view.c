/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpScalingView: a sweep of the open folder, run and shown live. The batch comes from whoever
 * owns the chain and settings (the window, through "request-batch"); the sweep itself, its
 * checks and its scratch folder are the core's (PpSweep), off the main thread. The report is
 * written with GIO's async file calls.
 */
#define G_LOG_DOMAIN "pp-scaling-view"

#include "config.h"

#include <string.h>

#include <adwaita.h>

#include "batch/pp-report.h"
#include "pp-file-chooser.h"
#include "pp-scaling-chart.h"
#include "pp-scaling-view.h"
#include "pp-ui-resources.h"

struct _PpScalingView
{
  GtkWidget parent_instance;

  /* Template children, alphabetically. */
  GtkButton *cancel_button;
  PpScalingChart *chart;
  GtkLabel *details_label;
  GtkButton *export_button;
  GtkLabel *limit_label;
  GtkProgressBar *progress_bar;
  GtkLabel *recommendation_label;
  GtkSpinButton *repeat_spin;
  GtkButton *run_button;
  GtkSpinButton *sample_spin;
  GtkScrolledWindow *scroller;
  GtkLabel *status_label;

  PpSweep *sweep;
  GCancellable *cancellable;
  PpProgress *progress;      /* the current run's */
  gulong progress_id;
  gboolean running;
};

enum
{
  PROP_0,
  PROP_RUNNING,
  PROP_RECOMMENDED_THREADS,
  N_PROPS,
};

enum
{
  SIGNAL_REQUEST_BATCH,
  N_SIGNALS,
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PpScalingView, pp_scaling_view, GTK_TYPE_WIDGET)

static void
update_actions (PpScalingView *self)
{
  gboolean has_points = self->sweep != NULL && pp_sweep_get_n_points (self->sweep) > 0 &&
                        pp_sweep_find_point (self->sweep, 1) != NULL &&
                        pp_sweep_find_point (self->sweep, 1)->n_runs > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scaling.run", !self->running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scaling.cancel", self->running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scaling.export",
                                 !self->running && has_points);
  /* The spin buttons stay editable: they apply to the next sweep. (Making a focused spin
   * button insensitive warns in GTK 4.8.) */
}

static void
set_running (PpScalingView *self,
             gboolean       running)
{
  if (self->running == running)
    return;
  self->running = running;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

static void
disconnect_progress (PpScalingView *self)
{
  if (self->progress != NULL)
    g_clear_signal_handler (&self->progress_id, self->progress);
  g_clear_object (&self->progress);
}

/* The bar covers the whole sweep: runs done, plus the share of the current one. */
static void
update_fraction (PpScalingView *self,
                 double         current)
{
  guint step, n_runs;

  pp_sweep_get_step (self->sweep, &step, &n_runs);
  gtk_progress_bar_set_fraction (self->progress_bar,
                                 n_runs > 0 ? MIN (1.0, (step + current) / n_runs) : 0.0);
}

static void
on_progress_changed (PpProgress               *progress,
                     const PpProgressSnapshot *snapshot,
                     GPtrArray                *results,
                     PpScalingView            *self)
{
  update_fraction (self, snapshot->total > 0 ? (double) snapshot->done / snapshot->total : 0);
}

static void
on_phase_changed (PpSweep       *sweep,
                  PpScalingView *self)
{
  g_autofree char *text = pp_sweep_describe_phase (sweep);

  if (*text != '\0')
    gtk_label_set_text (self->status_label, text);
  update_fraction (self, 0);
}

static void
on_run_started (PpSweep       *sweep,
                PpBatch       *batch,
                PpScalingView *self)
{
  disconnect_progress (self);
  self->progress = g_object_ref (pp_batch_get_progress (batch));
  self->progress_id = g_signal_connect (self->progress, "changed",
                                        G_CALLBACK (on_progress_changed), self);
}

/* While it runs: the fit so far, so the chart's dashed curve has words beside it. */
static void
on_point_updated (PpSweep       *sweep,
                  guint          index,
                  PpScalingView *self)
{
  PpAmdahlFit fit;
  g_autofree char *text = NULL;

  if (!pp_scaling_chart_get_fit (self->chart, &fit))
    return;
  if (fit.serial_fraction > 0)
    text = g_strdup_printf ("So far: %.1f %% of the time is serial, so the speedup cannot pass "
                            "about %.1f×.", 100 * fit.serial_fraction, fit.max_speedup);
  else
    text = g_strdup ("So far: no serial part measurable.");
  gtk_label_set_text (self->limit_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->limit_label), TRUE);
}

static void
show_results (PpScalingView *self)
{
  PpSweep *sweep = self->sweep;
  g_autofree char *survey = pp_folder_survey_describe (pp_sweep_get_survey (sweep));
  GString *details = g_string_new (NULL);
  guint recommended = pp_sweep_get_recommended_threads (sweep);

  if (recommended > 0)
    {
      g_autofree char *text = g_strdup_printf ("Recommended: %s",
                                               pp_sweep_get_recommendation (sweep));

      gtk_label_set_text (self->recommendation_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->recommendation_label), recommended > 0);
  gtk_label_set_text (self->limit_label, pp_sweep_get_limit (sweep) != NULL
                                         ? pp_sweep_get_limit (sweep) : "");
  gtk_widget_set_visible (GTK_WIDGET (self->limit_label), pp_sweep_get_limit (sweep) != NULL);

  g_string_append_printf (details, "Sample: %s, of %u in the folder. ", survey,
                          pp_sweep_get_n_files_listed (sweep));
  if (pp_sweep_get_warm_up_text (sweep) != NULL)
    g_string_append_printf (details, "Warm-up before timing: %s. ",
                            pp_sweep_get_warm_up_text (sweep));
  if (pp_sweep_get_identical (sweep))
    g_string_append (details, "Every run's outputs were byte-identical to the 1-thread run's.");
  else
    for (guint i = 0; i < pp_sweep_get_n_points (sweep); i++)
      if (pp_sweep_get_point (sweep, i)->difference != NULL)
        {
          g_string_append_printf (details, "Outputs differ at %u threads (%s): please report "
                                  "this bug.", pp_sweep_get_point (sweep, i)->threads,
                                  pp_sweep_get_point (sweep, i)->difference);
          break;
        }
  gtk_label_set_text (self->details_label, details->str);
  gtk_widget_set_visible (GTK_WIDGET (self->details_label), TRUE);
  g_string_free (details, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RECOMMENDED_THREADS]);
}

static void
on_sweep_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (PpScalingView) self = user_data;
  g_autoptr (GError) error = NULL;
  PpSweep *sweep = PP_SWEEP (source);

  if (sweep != self->sweep) /* a newer sweep replaced it, or the view went away */
    return;
  disconnect_progress (self);
  g_clear_object (&self->cancellable);
  if (!pp_sweep_run_finish (sweep, result, &error))
    {
      gtk_label_set_text (self->status_label,
                          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                          ? "Cancelled before the first run ended" : error->message);
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
    }
  else
    {
      guint step, n_runs;

      pp_sweep_get_step (sweep, &step, &n_runs);
      if (pp_sweep_get_cancelled (sweep))
        {
          g_autofree char *text = g_strdup_printf ("Cancelled after %u of %u runs", step, n_runs);

          gtk_label_set_text (self->status_label, text);
        }
      else
        {
          g_autofree char *text = g_strdup_printf (g_dngettext (NULL, "Done: %u run",
                                                                "Done: %u runs", n_runs),
                                                   n_runs);

          gtk_label_set_text (self->status_label, text);
          gtk_progress_bar_set_fraction (self->progress_bar, 1.0);
        }
      show_results (self);
    }
  set_running (self, FALSE);
}

/**
 * pp_scaling_view_run:
 *
 * Starts a sweep of the batch "request-batch" returns, with the view's sample size and runs
 * per count; does nothing while one runs or when no batch comes back. Main thread only.
 */
void
pp_scaling_view_run (PpScalingView *self)
{
  g_autoptr (PpBatch) batch = NULL;

  g_return_if_fail (PP_IS_SCALING_VIEW (self));

  if (self->running)
    return;
  g_signal_emit (self, signals[SIGNAL_REQUEST_BATCH], 0, &batch);
  if (batch == NULL)
    {
      gtk_label_set_text (self->status_label, "Open a folder to sweep first");
      return;
    }
  if (self->sweep != NULL)
    g_signal_handlers_disconnect_by_data (self->sweep, self);
  g_clear_object (&self->sweep);
  self->sweep = pp_sweep_new (batch);
  pp_sweep_set_sample (self->sweep, gtk_spin_button_get_value_as_int (self->sample_spin));
  pp_sweep_set_repeat (self->sweep, gtk_spin_button_get_value_as_int (self->repeat_spin));
  g_signal_connect (self->sweep, "phase-changed", G_CALLBACK (on_phase_changed), self);
  g_signal_connect (self->sweep, "run-started", G_CALLBACK (on_run_started), self);
  g_signal_connect (self->sweep, "point-updated", G_CALLBACK (on_point_updated), self);
  pp_scaling_chart_set_sweep (self->chart, self->sweep);
  gtk_widget_set_visible (GTK_WIDGET (self->recommendation_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->limit_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->details_label), FALSE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_running (self, TRUE);
  pp_sweep_run_async (self->sweep, self->cancellable, on_sweep_done, g_object_ref (self));
}

/**
 * pp_scaling_view_cancel:
 *
 * Cancels the sweep in progress: the runs so far stay on the chart.
 */
void
pp_scaling_view_cancel (PpScalingView *self)
{
  g_return_if_fail (PP_IS_SCALING_VIEW (self));

  if (self->cancellable != NULL)
    {
      g_cancellable_cancel (self->cancellable);
      gtk_label_set_text (self->status_label, "Cancelling…");
    }
}

/** pp_scaling_view_get_running: Returns: whether a sweep is in progress */
gboolean
pp_scaling_view_get_running (PpScalingView *self)
{
  g_return_val_if_fail (PP_IS_SCALING_VIEW (self), FALSE);
  return self->running;
}

/** pp_scaling_view_get_sweep: Returns: (transfer none) (nullable): the last sweep */
PpSweep *
pp_scaling_view_get_sweep (PpScalingView *self)
{
  g_return_val_if_fail (PP_IS_SCALING_VIEW (self), NULL);
  return self->sweep;
}

/**
 * pp_scaling_view_get_recommended_threads:
 *
 * Returns: what the last finished sweep recommends; 0 when none has
 */
guint
pp_scaling_view_get_recommended_threads (PpScalingView *self)
{
  g_return_val_if_fail (PP_IS_SCALING_VIEW (self), 0);
  return self->sweep != NULL && !self->running
         ? pp_sweep_get_recommended_threads (self->sweep) : 0;
}

/** pp_scaling_view_set_sample: @n_files: images per run (the spin button's value) */
void
pp_scaling_view_set_sample (PpScalingView *self,
                            guint          n_files)
{
  g_return_if_fail (PP_IS_SCALING_VIEW (self));
  gtk_spin_button_set_value (self->sample_spin, n_files);
}

/** pp_scaling_view_set_repeat: @repeat: runs per thread count (the spin button's value) */
void
pp_scaling_view_set_repeat (PpScalingView *self,
                            guint          repeat)
{
  g_return_if_fail (PP_IS_SCALING_VIEW (self));
  gtk_spin_button_set_value (self->repeat_spin, repeat);
}

static void
on_report_written (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * pp_scaling_view_export_async:
 * @file: where to write the report (replaced)
 *
 * Writes the last sweep's HTML report (pp_report_html(), made here on the main thread from the
 * sweep) with g_file_replace_contents_async(). Errors: a #G_IO_ERROR from writing,
 * %G_IO_ERROR_NOT_INITIALIZED when no sweep has points.
 */
void
pp_scaling_view_export_async (PpScalingView       *self,
                              GFile               *file,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr (GTask) task = NULL;
  char *html;
  GBytes *bytes;

  g_return_if_fail (PP_IS_SCALING_VIEW (self) && G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, pp_scaling_view_export_async);
  if (self->sweep == NULL || pp_sweep_get_n_points (self->sweep) == 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                               "Run a sweep before exporting its report");
      return;
    }
  html = pp_report_html (self->sweep);
  bytes = g_bytes_new_take (html, strlen (html));
  g_task_set_task_data (task, bytes, (GDestroyNotify) g_bytes_unref);
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       cancellable, on_report_written, g_steal_pointer (&task));
}

gboolean
pp_scaling_view_export_finish (PpScalingView  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_exported (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  PpScalingView *self = PP_SCALING_VIEW (source);
  g_autoptr (GError) error = NULL;

  if (!pp_scaling_view_export_finish (self, result, &error))
    {
      g_autofree char *text = g_strdup_printf ("Could not export the report: %s",
                                               error->message);

      gtk_label_set_text (self->status_label, text);
    }
  else
    gtk_label_set_text (self->status_label, "Report exported");
}

static void
on_export_chosen (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr (PpScalingView) self = user_data;
  g_autoptr (GFile) file = pp_file_chooser_save_finish (result, NULL);

  if (file != NULL)
    pp_scaling_view_export_async (self, file, NULL, on_exported, NULL);
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  pp_scaling_view_run (PP_SCALING_VIEW (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  pp_scaling_view_cancel (PP_SCALING_VIEW (widget));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  pp_file_chooser_save (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                        "Export the Scaling Report", "_Export", "parapix-scaling.html", NULL,
                        on_export_chosen, g_object_ref (widget));
}

static void
pp_scaling_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  PpScalingView *self = PP_SCALING_VIEW (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_RECOMMENDED_THREADS:
      g_value_set_uint (value, pp_scaling_view_get_recommended_threads (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_scaling_view_dispose (GObject *object)
{
  PpScalingView *self = PP_SCALING_VIEW (object);

  /* A sweep in flight holds a ref on the view; cancelling lets it end (its scratch folder is
   * still removed) and drop it. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  disconnect_progress (self);
  if (self->sweep != NULL)
    g_signal_handlers_disconnect_by_data (self->sweep, self);
  g_clear_object (&self->sweep);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), PP_TYPE_SCALING_VIEW);
  G_OBJECT_CLASS (pp_scaling_view_parent_class)->dispose (object);
}

static void
pp_scaling_view_class_init (PpScalingViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pp_scaling_view_dispose;
  object_class->get_property = pp_scaling_view_get_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_RECOMMENDED_THREADS] =
    g_param_spec_uint ("recommended-threads", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PpScalingView::request-batch:
   *
   * Returns: (transfer full) (nullable): the batch to sweep (see pp-scaling-view.h)
   */
  signals[SIGNAL_REQUEST_BATCH] =
    g_signal_new ("request-batch", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  g_signal_accumulator_first_wins, NULL, NULL, PP_TYPE_BATCH, 0);

  g_type_ensure (PP_TYPE_SCALING_CHART);
  /* Keeps the resource object (and its registration) linked in from the static library. */
  (void) pp_ui_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/parapix/Parapix/pp-scaling-view.ui");
  gtk_widget_class_bind_template_child (widget_class, PpScalingView, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, PpScalingView, chart);
  gtk_widget_class_bind_template_child (widget_class, PpScalingView, details_label);
  gtk_widget_class_bind_template_child (widget_class, PpScalingView, export_button);
  gtk_widget_class_bind_template_child (widget_class, PpScalingView, limit_label);
  gtk_widget_class_bind_template_child (widget_class, PpScalingView, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, PpScalingView, recommendation_label);
  gtk_widget_class_bind_template_child (widget_class, PpScalingView, repeat_spin);
  gtk_widget_class_bind_template_child (widget_class, PpScalingView, run_button);
  gtk_widget_class_bind_template_child (widget_class, PpScalingView, sample_spin);
  gtk_widget_class_bind_template_child (widget_class, PpScalingView, scroller);
  gtk_widget_class_bind_template_child (widget_class, PpScalingView, status_label);

  gtk_widget_class_install_action (widget_class, "scaling.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "scaling.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "scaling.export", NULL, export_action);
  gtk_widget_class_set_css_name (widget_class, "scaling-view");
}

static void
pp_scaling_view_init (PpScalingView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_actions (self);
}

/**
 * pp_scaling_view_new:
 *
 * Returns: (transfer floating): a view with no sweep yet
 */
GtkWidget *
pp_scaling_view_new (void)
{
  return g_object_new (PP_TYPE_SCALING_VIEW, NULL);
}
