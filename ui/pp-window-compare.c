/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's Compare: a thin client of the core's compare engine (PpCompare), the same one the
 * command line drives. The engine warms up, runs the open folder serially into a scratch folder
 * under the cache dir and in parallel into the output folder, holds both runs to the compare
 * policy (same outcome for every file, same bytes for every output) and removes the scratch
 * folder, all off the main thread; this file shows its phases in the batch bar, each timed run
 * through _pp_window_follow_batch(), and the verdict in the timings view and a toast.
 */
#define G_LOG_DOMAIN "pp-window-compare"

#include "config.h"

#include "batch/pp-scratch.h"
#include "pp-window-private.h"

static void
on_phase_changed (PpCompare *compare,
                  PpWindow  *self)
{
  const char *text = NULL;

  switch (pp_compare_get_phase (compare))
    {
    case PP_COMPARE_PHASE_PREPARING:
      text = "Compare: preparing…";
      break;
    case PP_COMPARE_PHASE_WARMING_UP:
      text = "Compare: warming up (untimed), so both runs start equally warm…";
      break;
    case PP_COMPARE_PHASE_CHECKING:
      text = "Compare: comparing the outcomes and outputs of both runs…";
      break;
    case PP_COMPARE_PHASE_CLEANING_UP:
      text = "Compare: removing the serial run's outputs…";
      break;
    case PP_COMPARE_PHASE_SERIAL:
    case PP_COMPARE_PHASE_PARALLEL:
    case PP_COMPARE_PHASE_IDLE:
    case PP_COMPARE_PHASE_DONE:
    default:
      /* The runs' own progress says it ("Serial run (1 of 2) · 3 of 8 · …"). */
      return;
    }
  gtk_inscription_set_text (self->progress_label, text);
  gtk_inscription_set_text (self->current_file_label, "");
}

static void
on_run_started (PpCompare *compare,
                PpBatch   *batch,
                PpWindow  *self)
{
  _pp_window_follow_batch (self, batch);
}

static char *
verdict (PpWindow  *self,
         PpCompare *compare)
{
  PpRun *parallel = pp_compare_get_parallel_run (compare);
  PpCompareCheck *check = pp_compare_get_check (compare);
  g_autofree char *summary = _pp_window_summary (self, parallel);
  guint n;

  if (check == NULL || pp_compare_get_identical (compare))
    return g_steal_pointer (&summary);
  n = pp_compare_check_get_n_differences (check);
  return g_strdup_printf (g_dngettext (NULL, "%s · %u file differs from the serial run",
                                       "%s · %u files differ from the serial run", n),
                          summary, n);
}

static void
on_compare_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr (PpWindow) self = user_data;
  PpWindowBatch *state = &self->batch;
  PpCompare *compare = PP_COMPARE (source);
  g_autoptr (GError) error = NULL;
  gboolean ok = pp_compare_run_finish (compare, result, &error);
  PpRun *serial = pp_compare_get_serial_run (compare);
  PpRun *parallel = pp_compare_get_parallel_run (compare);
  g_autofree char *message = NULL;

  g_assert (g_main_context_is_owner (g_main_context_default ()));
  if (state->disposed) /* the window went away; the engine removed its scratch folder anyway */
    return;
  if (serial != NULL)
    pp_timings_view_update (self->timings_view, serial);
  if (parallel != NULL)
    pp_timings_view_update (self->timings_view, parallel);
  if (!ok)
    {
      _pp_window_finish (self, NULL);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _pp_window_toast (self, "Cancelled before any image was processed");
      else
        _pp_window_toast (self, error->message);
    }
  else if (parallel == NULL || pp_compare_get_cancelled (compare))
    {
      message = _pp_window_summary (self, parallel != NULL ? parallel : serial);
      _pp_window_finish (self, message);
    }
  else
    {
      pp_timings_view_set_identical (self->timings_view, parallel,
                                     pp_compare_get_identical (compare));
      message = verdict (self, compare);
      _pp_window_finish (self, message);
      if (pp_compare_get_note (compare) != NULL)
        g_message ("%s", pp_compare_get_note (compare));
    }
  if (pp_compare_get_cleanup_error (compare) != NULL)
    _pp_window_toast (self, pp_compare_get_cleanup_error (compare));
  g_clear_object (&state->compare);
}

/**
 * _pp_window_compare_start:
 * @output: where the parallel run writes (checked writable by the caller)
 *
 * Starts a PpCompare of the open folder with the window's settings and thread count. Main
 * thread only.
 *
 * Returns: %TRUE: it started (errors arrive as a toast when it ends)
 */
gboolean
_pp_window_compare_start (PpWindow *self,
                          GFile    *output)
{
  PpWindowBatch *state = &self->batch;
  g_autoptr (PpBatch) batch = pp_batch_new ();
  g_autofree char *scratch = pp_scratch_default_parent ();

  _pp_window_configure_batch (self, batch, output, PP_BATCH_MODE_PARALLEL);
  g_set_object (&state->batch, batch);
  g_clear_object (&state->compare);
  state->compare = pp_compare_new (batch);
  /* Not inside the output folder, which a portal may have given read-write for outputs only. */
  pp_compare_set_scratch_parent (state->compare, scratch);
  g_signal_connect_object (state->compare, "phase-changed", G_CALLBACK (on_phase_changed), self,
                           0);
  g_signal_connect_object (state->compare, "run-started", G_CALLBACK (on_run_started), self, 0);
  if (state->cancellable == NULL)
    state->cancellable = g_cancellable_new ();
  state->phase = PP_WINDOW_PHASE_COMPARE;
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_widget_set_opacity (GTK_WIDGET (self->progress_bar), 1.0);
  pp_compare_run_async (state->compare, state->cancellable, on_compare_done,
                        g_object_ref (self));
  _pp_window_update_batch_actions (self);
  return TRUE;
}

/**
 * _pp_window_compare_phase_label:
 *
 * Returns: (transfer full): what the progress line starts with during a Compare's timed runs
 *   ("Serial run (1 of 2) · "); "" otherwise
 */
char *
_pp_window_compare_phase_label (PpWindow *self)
{
  PpWindowBatch *state = &self->batch;
  g_autofree char *phase = NULL;

  if (state->phase != PP_WINDOW_PHASE_COMPARE || state->compare == NULL)
    return g_strdup ("");
  phase = pp_compare_describe_phase (state->compare);
  return *phase != '\0' ? g_strconcat (phase, " · ", NULL) : g_strdup ("");
}

/* The Scaling page sweeps what Process would run: the open folder, chain and output settings
 * (its runs write into a scratch folder of the sweep's own). */
static PpBatch *
on_scaling_request_batch (PpScalingView *view,
                          PpWindow      *self)
{
  g_autoptr (GFile) scratch = g_file_new_for_path (g_get_tmp_dir ());
  PpBatch *batch;

  if (self->folder == NULL && self->files == NULL)
    return NULL;
  batch = pp_batch_new ();
  _pp_window_configure_batch (self, batch, scratch, PP_BATCH_MODE_PARALLEL);
  return batch;
}

/**
 * _pp_window_init_scaling:
 *
 * Connects the Scaling page to the window's folder and settings. Main thread, from init.
 */
void
_pp_window_init_scaling (PpWindow *self)
{
  g_signal_connect_object (self->scaling_view, "request-batch",
                           G_CALLBACK (on_scaling_request_batch), self, 0);
}

static void
compare_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  _pp_window_begin (PP_WINDOW (widget), TRUE);
}

void
_pp_window_class_init_compare (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.compare", NULL, compare_action);
}
