/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's batch: Process runs the open folder through the chain with the header bar's
 * mode and thread count (Compare, in pp-window-compare.c, drives the core's PpCompare and shows
 * each of its runs through _pp_window_follow_batch). Progress arrives
 * through the batch's one coalesced PpProgress source; nothing here blocks the main loop, so
 * the user keeps browsing and previewing while a batch runs.
 */
#define G_LOG_DOMAIN "pp-window-batch"

#include "config.h"

#include <math.h>

#include "pp-failures-dialog.h"
#include "pp-output-dialog.h"
#include "pp-window-private.h"

static PpWindowBatch *
get_state (PpWindow *self)
{
  return &self->batch;
}

gboolean
_pp_window_is_running (PpWindow *self)
{
  return get_state (self)->phase != PP_WINDOW_PHASE_IDLE;
}

/* Process, Compare and Cancel follow whether a run is going on. */
void
_pp_window_update_batch_actions (PpWindow *self)
{
  PpWindowBatch *state = get_state (self);
  /* Nothing to process until the list is complete and has an image: an empty folder must
   * not give an empty processed/ folder and a 0-image run. */
  GListModel *images = pp_thumbnail_grid_get_model (self->thumbnail_grid);
  gboolean has_input = (self->folder != NULL || self->files != NULL) &&
                       !pp_thumbnail_grid_get_loading (self->thumbnail_grid) &&
                       g_list_model_get_n_items (images) > 0;
  gboolean running = state->phase != PP_WINDOW_PHASE_IDLE;
  /* A chain that cannot run on these images would fail every file: fix it first. */
  gboolean runnable = has_input && !running && self->chain_problem == NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.process", runnable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.compare", runnable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "batch.cancel", running);
  /* Faded rather than hidden, so the bar keeps its size. */
  gtk_widget_set_opacity (GTK_WIDGET (self->cancel_button), running ? 1.0 : 0.0);
  gtk_widget_set_can_target (GTK_WIDGET (self->cancel_button), running);
}

/* Configuration */

static char *
describe_work (PpWindow *self)
{
  g_autofree char *spec = pp_pipeline_to_spec (self->pipeline);
  g_autofree char *format = g_settings_get_string (self->settings, "output-format");
  GString *work = g_string_new (NULL);

  if (self->folder != NULL)
    {
      g_autofree char *uri = g_file_get_uri (self->folder);

      g_string_append (work, uri);
    }
  else if (self->files != NULL)
    for (guint i = 0; i < self->files->len; i++)
      {
        g_autofree char *uri = g_file_get_uri (g_ptr_array_index (self->files, i));

        g_string_append_printf (work, "%s;", uri);
      }
  g_string_append_printf (work, "|%s|%s|%d|%d", spec, format,
                          g_settings_get_int (self->settings, "output-quality"),
                          g_settings_get_boolean (self->settings, "apply-orientation"));
  return g_string_free (work, FALSE);
}

/**
 * _pp_window_configure_batch:
 *
 * Sets up @batch as the window's settings, chain and thread count say, writing into @output.
 * Main thread only.
 */
void
_pp_window_configure_batch (PpWindow   *self,
                            PpBatch    *batch,
                            GFile      *output,
                            PpBatchMode mode)
{
  g_autofree char *template = g_settings_get_string (self->settings, "output-template");

  if (self->folder != NULL)
    pp_batch_set_input_folder (batch, self->folder);
  else
    {
      PpWindowBatch *state = get_state (self);
      GPtrArray *files = state->groups ? g_ptr_array_index (state->groups, state->group)
                                       : self->files;
      g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < files->len; i++)
        g_ptr_array_add (paths, g_file_get_path (g_ptr_array_index (files, i)));
      g_ptr_array_add (paths, NULL);
      pp_batch_set_files (batch, (const char *const *) paths->pdata);
    }
  pp_batch_set_output_folder (batch, output);
  /* The schema's enums are PpFormat's and PpCollision's, value for value and nick for nick
   * (tests/core/test-settings-enums.c). */
  pp_batch_set_format (batch, (PpFormat) g_settings_get_enum (self->settings, "output-format"));
  pp_batch_set_quality (batch, g_settings_get_int (self->settings, "output-quality"));
  pp_batch_set_name_template (batch, *template ? template : PP_BATCH_DEFAULT_TEMPLATE);
  pp_batch_set_collision (batch, (PpCollision) g_settings_get_enum (self->settings, "collision"));
  pp_batch_set_keep_orientation (batch,
                                 !g_settings_get_boolean (self->settings, "apply-orientation"));
  pp_batch_set_metadata (batch, g_settings_get_enum (self->settings, "output-metadata"));
  pp_batch_set_timestamps (batch, g_settings_get_enum (self->settings, "output-timestamps"));
  {
    g_autofree char *background = g_settings_get_string (self->settings, "output-background");
    PpColor color;

    /* A hand-edited setting that is no colour must not fail every run: white, as by default. */
    pp_batch_set_background (batch, pp_color_parse (background, &color, NULL) ? background
                                                                             : NULL);
  }
  pp_batch_set_pipeline (batch, self->pipeline);
  pp_batch_set_mode (batch, mode);
  pp_batch_set_threads (batch, _pp_window_threads_for_batch (self));
}

/* Progress */

static char *
format_duration (double seconds)
{
  if (seconds < 60)
    return g_strdup_printf ("%.0f s", MAX (0, ceil (seconds)));
  if (seconds < 3600)
    return g_strdup_printf ("%d min %02d s", (int) seconds / 60, (int) seconds % 60);
  return g_strdup_printf ("%d h %02d min", (int) seconds / 3600, ((int) seconds % 3600) / 60);
}

static void
on_progress_changed (PpProgress               *progress,
                     const PpProgressSnapshot *snapshot,
                     GPtrArray                *results,
                     PpWindow                 *self)
{
  PpWindowBatch *state = get_state (self);
  double elapsed = snapshot->elapsed_us / 1e6;
  double rate = elapsed > 0 ? snapshot->done / elapsed : 0;
  g_autofree char *left = snapshot->eta_us >= 0 ? format_duration (snapshot->eta_us / 1e6) : NULL;
  g_autofree char *text = NULL;
  g_autofree char *phase = NULL;
  guint n_failed;

  /* PpProgress delivers on the main context only: GTK calls below. */
  g_assert (g_main_context_is_owner (g_main_context_default ()));

  gtk_progress_bar_set_fraction (self->progress_bar,
                                 snapshot->total > 0 ? (double) snapshot->done / snapshot->total
                                                     : 0.0);
  /* The bar moves with every update; the texts change a few times a second: faster is not
   * readable, and every text change relayouts the window (on X11 with server round trips). */
  if (snapshot->state == PP_PROGRESS_RUNNING && snapshot->done < snapshot->total &&
      g_get_monotonic_time () - state->labels_us < G_USEC_PER_SEC / 4 &&
      (results == NULL || results->len == 0))
    goto results;
  state->labels_us = g_get_monotonic_time ();
  phase = _pp_window_compare_phase_label (self);
  if (snapshot->done > 0 && left != NULL && snapshot->state == PP_PROGRESS_RUNNING)
    text = g_strdup_printf ("%s%u of %u · %.1f images/s · %s left", phase, snapshot->done,
                            snapshot->total, rate, left);
  else if (snapshot->done > 0)
    text = g_strdup_printf ("%s%u of %u · %.1f images/s", phase, snapshot->done,
                            snapshot->total, rate);
  else
    text = g_strdup_printf ("%s%u of %u", phase, snapshot->done, snapshot->total);
  gtk_inscription_set_text (self->progress_label, text);
  if (snapshot->current_file != NULL)
    {
      g_autofree char *name = g_path_get_basename (snapshot->current_file);

      gtk_inscription_set_text (self->current_file_label, name);
    }

results:
  for (guint i = 0; results != NULL && i < results->len; i++)
    {
      PpFileResult *result = g_ptr_array_index (results, i);

      if (pp_file_result_get_status (result) == PP_FILE_STATUS_FAILED)
        g_list_store_append (state->failures, result);
    }
  n_failed = g_list_model_get_n_items (G_LIST_MODEL (state->failures));
  if (n_failed > 0)
    {
      g_autofree char *label = g_strdup_printf (g_dngettext (NULL, "%u failed", "%u failed",
                                                             n_failed), n_failed);

      gtk_label_set_label (self->failures_label, label);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->failures_button), n_failed > 0);

  if (state->run != NULL)
    pp_timings_view_update (self->timings_view, state->run);
}

static void
disconnect_progress (PpWindowBatch *state)
{
  if (state->progress != NULL)
    g_clear_signal_handler (&state->progress_id, state->progress);
  g_clear_object (&state->progress);
}

/* Ending */

static void
on_toast_dismissed (PpWindow *self)
{
  g_clear_weak_pointer (&get_state (self)->toast);
}

static gboolean
is_process_button (PpWindow  *self,
                   GtkWidget *widget)
{
  return widget != NULL && (widget == GTK_WIDGET (self->process_button) ||
                            widget == GTK_WIDGET (self->process_icon_button) ||
                            gtk_widget_is_ancestor (widget, GTK_WIDGET (self->process_button)));
}

/* Keyboard users started the run from Process: Cancel is what they may want next, and Process
 * is about to go insensitive (which would drop the focus). */
static void
move_focus_to_cancel (PpWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  get_state (self)->focus_moved = FALSE;
  if (focus == NULL || is_process_button (self, focus) ||
      gtk_widget_is_ancestor (focus, GTK_WIDGET (self->header_bar)))
    get_state (self)->focus_moved = gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));
}

/* ...and back to Process once the run has ended, if the focus is still on Cancel. */
static void
move_focus_back (PpWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GtkWidget *process = adw_squeezer_get_visible_child (self->process_squeezer);

  if (!get_state (self)->focus_moved)
    return;
  get_state (self)->focus_moved = FALSE;
  if (focus == NULL || focus == GTK_WIDGET (self->cancel_button) ||
      gtk_widget_is_ancestor (focus, GTK_WIDGET (self->cancel_button)))
    gtk_widget_grab_focus (process != NULL ? process : GTK_WIDGET (self->process_button));
}

/**
 * _pp_window_add_to_timings:
 * @run: a run just started
 *
 * Gives the Timings view a row for @run, named by what it processes. Main thread only.
 */
void
_pp_window_add_to_timings (PpWindow *self,
                           PpRun    *run)
{
  PpWindowBatch *state = get_state (self);
  g_autofree char *chain = pp_pipeline_to_spec (self->pipeline);
  g_autofree char *format = g_settings_get_string (self->settings, "output-format");
  g_autofree char *folder = NULL;

  if (self->folder != NULL)
    folder = g_file_get_basename (self->folder);
  else if (state->groups != NULL)
    {
      GPtrArray *group = g_ptr_array_index (state->groups, state->group);
      g_autoptr (GFile) parent = g_file_get_parent (g_ptr_array_index (group, 0));

      folder = g_strdup_printf (g_dngettext (NULL, "%u image in %s", "%u images in %s",
                                             group->len), group->len,
                                parent ? g_file_peek_path (parent) : "?");
    }
  else if (self->files != NULL)
    folder = g_strdup_printf (g_dngettext (NULL, "%u image", "%u images", self->files->len),
                              self->files->len);
  pp_timings_view_add_run (self->timings_view, run, state->work, folder, chain, format);
}

/**
 * _pp_window_finish:
 * @message: (nullable): how the run ended, for the bar, a toast and (when the window is not
 *   focused) a notification; %NULL when it never started
 *
 * Ends the run in progress. Main thread only.
 */
void
_pp_window_finish (PpWindow   *self,
                   const char *message)
{
  PpWindowBatch *state = get_state (self);
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  state->phase = PP_WINDOW_PHASE_IDLE;
  disconnect_progress (state);
  g_clear_object (&state->cancellable);
  /* The runs that ended (both halves of a Compare, with its byte check) join the history. */
  pp_timings_view_keep_finished (self->timings_view);
  g_clear_pointer (&state->choice, pp_threads_choice_free);
  _pp_window_update_batch_actions (self);
  move_focus_back (self);
  if (state->close_when_stopped)
    {
      /* "Stop and Quit": the run has ended; now the window goes. */
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  /* The bar stays: it now tells how the run ended (or, without a message, what is ready). */
  if (message == NULL)
    {
      _pp_window_update_batch_bar (self);
      return;
    }
  gtk_inscription_set_text (self->progress_label, message);
  if (state->output_folder != NULL)
    {
      g_autofree char *path = g_file_get_parse_name (state->output_folder);
      g_autofree char *where = g_strdup_printf ("in %s", path);

      gtk_inscription_set_text (self->current_file_label, where);
    }

  /* Toasts queue, and a stale result must not keep the newest waiting: a toast still on screen
   * takes the new text. (Dismissing it instead crashes libadwaita 1.2 when the dismissal races
   * the toast's own animation.) */
  if (state->toast != NULL)
    adw_toast_set_title (state->toast, message);
  else
    {
      AdwToast *toast = adw_toast_new (message);

      g_set_weak_pointer (&state->toast, toast);
      g_signal_connect_object (toast, "dismissed",
                               G_CALLBACK (on_toast_dismissed), self, G_CONNECT_SWAPPED);
      adw_toast_set_timeout (toast, 8);
      if (state->open_uri != NULL)
        {
          adw_toast_set_button_label (toast, "_Open Folder");
          adw_toast_set_action_name (toast, "win.open-output");
        }
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
  if (app != NULL && !gtk_window_is_active (GTK_WINDOW (self)))
    {
      g_autoptr (GNotification) notification = g_notification_new ("Batch finished");

      g_notification_set_body (notification, message);
      g_application_send_notification (G_APPLICATION (app), "batch-finished", notification);
    }
}

/**
 * _pp_window_summary:
 *
 * Returns: (transfer full): one line on how @run went: images, time, speedup, failures
 */
char *
_pp_window_summary (PpWindow *self,
                    PpRun    *run)
{
  PpRunTotals totals;
  double wall = pp_run_get_wall_us (run) / 1e6;
  double speedup = pp_timings_view_get_speedup (self->timings_view, run);
  GString *text = g_string_new (NULL);

  pp_run_get_totals (run, &totals);
  g_string_append_printf (text, g_dngettext (NULL, "%u image in %.1f s", "%u images in %.1f s",
                                             totals.n_ok), totals.n_ok, wall);
  if (pp_run_get_cancelled (run))
    g_string_append (text, " · cancelled");
  else if (pp_run_get_mode (run) != PP_BATCH_MODE_SERIAL && speedup >= 1.05)
    g_string_append_printf (text, " · %.1fx faster than serial", speedup);
  else if (pp_run_get_mode (run) != PP_BATCH_MODE_SERIAL && speedup > 0 && speedup <= 0.95)
    g_string_append_printf (text, " · %.1fx slower than serial", 1.0 / speedup);
  else if (pp_run_get_mode (run) != PP_BATCH_MODE_SERIAL && speedup > 0)
    g_string_append (text, " · as fast as serial");
  else
    g_string_append_printf (text, " on %u thread%s", pp_run_get_threads (run),
                            pp_run_get_threads (run) == 1 ? "" : "s");
  if (totals.n_failed > 0)
    g_string_append_printf (text, " · %u failed", totals.n_failed);
  {
    g_autofree char *outcome = _pp_window_threads_outcome (self, run);

    if (outcome != NULL)
      g_string_append (text, outcome);
  }
  return g_string_free (text, FALSE);
}

/* Starting */

static void
run_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr (PpWindow) self = user_data;
  PpWindowBatch *state = get_state (self);
  g_autoptr (GError) error = NULL;
  g_autoptr (PpRun) run = pp_batch_run_finish (PP_BATCH (source), result, &error);
  g_autofree char *message = NULL;

  g_assert (g_main_context_is_owner (g_main_context_default ()));
  if (state->disposed) /* the window was destroyed while the batch ran */
    return;
  if (run == NULL)
    {
      /* It never started: the record shown since Process is not a run. */
      if (state->run != NULL)
        pp_timings_view_remove_run (self->timings_view, state->run);
      g_clear_object (&state->run);
      _pp_window_finish (self, NULL);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _pp_window_toast (self, "Cancelled before any image was processed");
      else if (g_error_matches (error, PP_BATCH_ERROR, PP_BATCH_ERROR_OUTPUT))
        _pp_window_ask_for_output_folder (self, error->message);
      else
        _pp_window_toast (self, error->message);
      return;
    }

  if (state->run != run)
    {
      g_set_object (&state->run, run);
      _pp_window_add_to_timings (self, run);
    }
  pp_timings_view_update (self->timings_view, run);

  /* Loose images from several folders: the next folder's run, into its own output folder. */
  if (state->groups != NULL && !pp_run_get_cancelled (run) &&
      state->group + 1 < state->groups->len)
    {
      g_autoptr (GFile) output = NULL;

      state->group++;
      state->n_groups_done++;
      output = _pp_window_output_folder (self);
      if (_pp_window_check_output_folder (output, &error))
        {
          g_set_object (&state->output_folder, output);
          _pp_window_start_run (self, pp_run_get_threads (run) == 1 &&
                                      !_pp_window_get_parallel (self) ? PP_BATCH_MODE_SERIAL
                                                                      : PP_BATCH_MODE_PARALLEL,
                                output);
          return;
        }
      _pp_window_finish (self, error->message);
      return;
    }
  message = _pp_window_summary (self, run);
  if (state->groups != NULL && state->n_groups_done > 0)
    {
      g_autofree char *one = g_steal_pointer (&message);

      message = g_strdup_printf ("%s · last of %u folders, each into its own “%s”", one,
                                 state->groups->len, PP_BATCH_DEFAULT_OUTPUT_NAME);
    }
  _pp_window_finish (self, message);
}

/**
 * _pp_window_follow_batch:
 * @batch: a batch that has just started (its run record exists)
 *
 * Shows @batch's progress in the batch bar, its failures, and its run in the timings view and
 * the timeline, live. Process's own batch goes through here, and so does each timed run of a
 * Compare. Main thread only.
 */
void
_pp_window_follow_batch (PpWindow *self,
                         PpBatch  *batch)
{
  PpWindowBatch *state = get_state (self);
  PpRun *run;

  g_list_store_remove_all (state->failures);
  gtk_widget_set_visible (GTK_WIDGET (self->failures_button), FALSE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_inscription_set_text (self->progress_label, "Starting…");
  gtk_inscription_set_text (self->current_file_label, "");
  gtk_widget_set_opacity (GTK_WIDGET (self->progress_bar), 1.0);

  disconnect_progress (state);
  state->progress = pp_batch_get_progress (batch);
  if (state->progress != NULL)
    {
      g_object_ref (state->progress);
      state->progress_id = g_signal_connect (state->progress, "changed",
                                             G_CALLBACK (on_progress_changed), self);
    }
  run = pp_batch_get_run (batch);
  if (run != NULL)
    {
      g_set_object (&state->run, run);
      /* Selects it, and the timeline follows the selection. */
      _pp_window_add_to_timings (self, run);
      _pp_window_threads_note_run (self, run);
    }
  _pp_window_update_batch_actions (self);
}

/**
 * _pp_window_start_run:
 * @mode: serial or parallel
 * @output: the folder to write into
 *
 * Configures a new batch from the window's settings and starts it (Process). Main thread only.
 */
void
_pp_window_start_run (PpWindow    *self,
                      PpBatchMode  mode,
                      GFile       *output)
{
  PpWindowBatch *state = get_state (self);

  g_clear_object (&state->batch);
  state->batch = pp_batch_new ();
  _pp_window_configure_batch (self, state->batch, output, mode);
  if (state->cancellable == NULL)
    state->cancellable = g_cancellable_new ();
  pp_batch_run_async (state->batch, state->cancellable, run_done, g_object_ref (self));
  _pp_window_follow_batch (self, state->batch);
}

/**
 * _pp_window_begin:
 * @compare: %TRUE for Compare, %FALSE for Process
 *
 * Checks the output folder (offering another one when it cannot be written) and starts.
 * Main thread only.
 *
 * Returns: whether a run started
 */
gboolean
_pp_window_begin (PpWindow *self,
                  gboolean  compare)
{
  PpWindowBatch *state = get_state (self);
  g_autoptr (GError) error = NULL;
  g_autoptr (GFile) output = _pp_window_output_folder (self);

  if (state->phase != PP_WINDOW_PHASE_IDLE)
    return FALSE;
  g_clear_pointer (&state->groups, g_ptr_array_unref);
  state->group = 0;
  state->n_groups_done = 0;
  {
    g_autofree char *uri = g_settings_get_string (self->settings, "output-folder");

    /* The default output for images from several folders is each folder's own. */
    if (!compare && *uri == '\0' && self->folder == NULL)
      state->groups = _pp_window_group_by_folder (self->files);
  }
  g_clear_object (&output);
  output = _pp_window_output_folder (self);
  if (output == NULL)
    return FALSE;
  state->retry_compare = compare;
  /* A run the batch would refuse (a bad name template…) is refused here, before anything,
   * an output folder included, is created. */
  {
    g_autoptr (PpBatch) probe = pp_batch_new ();

    _pp_window_configure_batch (self, probe, output, PP_BATCH_MODE_SERIAL);
    if (!pp_batch_check (probe, &error))
      {
        g_autofree char *message = g_strdup_printf ("Nothing was processed: %s", error->message);

        _pp_window_toast (self, message);
        return FALSE;
      }
  }
  if (!_pp_window_check_output_folder (output, &error))
    {
      _pp_window_ask_for_output_folder (self, error->message);
      return FALSE;
    }
  /* Automatic: choose the count first (pp-window-threads.c), which begins again with it. */
  if (state->choice == NULL && _pp_window_get_automatic (self) &&
      (compare || _pp_window_get_parallel (self)))
    return _pp_window_choose_threads (self, compare);
  g_set_object (&state->output_folder, output);
  g_free (state->work);
  state->work = describe_work (self);
  g_clear_pointer (&state->open_uri, g_free);
  state->open_uri = g_file_get_uri (output);

  if (compare)
    {
      if (!_pp_window_compare_start (self, output))
        return FALSE;
    }
  else
    {
      state->phase = PP_WINDOW_PHASE_SINGLE;
      _pp_window_start_run (self, _pp_window_get_parallel (self) ? PP_BATCH_MODE_PARALLEL
                                                                 : PP_BATCH_MODE_SERIAL,
                            output);
    }
  move_focus_to_cancel (self);
  return TRUE;
}

/* Actions */

static void
process_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  _pp_window_begin (PP_WINDOW (widget), FALSE);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PpWindowBatch *state = get_state (PP_WINDOW (widget));

  if (state->phase == PP_WINDOW_PHASE_IDLE || state->cancellable == NULL)
    return;
  g_cancellable_cancel (state->cancellable);
  gtk_inscription_set_text (PP_WINDOW (widget)->progress_label, "Cancelling…");
}

static void
output_settings_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  PpWindow *self = PP_WINDOW (widget);
  g_autoptr (GFile) fallback = _pp_window_default_output_folder (self);
  PpOutputDialog *dialog = pp_output_dialog_new (GTK_WINDOW (self), self->settings, fallback);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
open_output_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PpWindowBatch *state = get_state (PP_WINDOW (widget));

  if (state->open_uri != NULL)
    gtk_show_uri (GTK_WINDOW (widget), state->open_uri, GDK_CURRENT_TIME);
}

static void
show_failures_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  PpWindow *self = PP_WINDOW (widget);
  PpFailuresDialog *dialog = pp_failures_dialog_new (GTK_WINDOW (self),
                                                     G_LIST_MODEL (get_state (self)->failures));

  gtk_window_present (GTK_WINDOW (dialog));
}

void
_pp_window_class_init_batch (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "batch.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "win.open-output", NULL, open_output_action);
  gtk_widget_class_install_action (widget_class, "win.output-settings", NULL,
                                   output_settings_action);
  gtk_widget_class_install_action (widget_class, "win.process", NULL, process_action);
  gtk_widget_class_install_action (widget_class, "win.show-failures", NULL,
                                   show_failures_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "win.process", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "win.process", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "batch.cancel", NULL);
}

static void
on_input_changed (PpWindow *self)
{
  _pp_window_update_batch_actions (self);
}

void
_pp_window_init_batch (PpWindow *self)
{
  PpWindowBatch *state = get_state (self);

  state->failures = g_list_store_new (PP_TYPE_FILE_RESULT);
  g_signal_connect_object (self->thumbnail_grid, "notify::n-items",
                           G_CALLBACK (on_input_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->thumbnail_grid, "notify::loading",
                           G_CALLBACK (on_input_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::collision",
                           G_CALLBACK (_pp_window_update_batch_bar), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::output-folder",
                           G_CALLBACK (_pp_window_update_batch_bar), self, G_CONNECT_SWAPPED);
  _pp_window_update_batch_actions (self);
}

void
_pp_window_dispose_batch (PpWindow *self)
{
  PpWindowBatch *state = get_state (self);

  if (state->disposed)
    return;
  state->disposed = TRUE;
  /* A run in flight holds a ref on the window; cancelling lets it end and drop it. */
  if (state->cancellable != NULL)
    g_cancellable_cancel (state->cancellable);
  disconnect_progress (state);
  g_clear_object (&state->cancellable);
  g_clear_object (&state->batch);
  g_clear_object (&state->run);
  g_clear_object (&state->compare);
  g_clear_pointer (&state->choice, pp_threads_choice_free);
  g_clear_object (&state->output_folder);
  g_clear_object (&state->failures);
  g_clear_pointer (&state->work, g_free);
  g_clear_pointer (&state->open_uri, g_free);
  g_clear_pointer (&state->groups, g_ptr_array_unref);
  g_clear_weak_pointer (&state->toast);
}
