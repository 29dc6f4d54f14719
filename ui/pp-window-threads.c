/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's "Automatic" thread count, the default: the header's thread spin buttons show 0 as
 * "Auto", and Process or Compare then first asks the core (pp_threads_auto_async: CPUs, memory
 * for the largest image, a short calibration) for the count, shows the choice and the predicted
 * duration in the batch bar, records both in the run, and after the run sets the prediction
 * against what it took.
 */
#define G_LOG_DOMAIN "pp-window-threads"

#include "config.h"

#include <stdlib.h>

#include "batch/pp-machine.h"
#include "pp-window-private.h"

/**
 * _pp_window_get_automatic:
 *
 * Returns: whether the thread count is "Automatic" (the spin buttons' 0)
 */
gboolean
_pp_window_get_automatic (PpWindow *self)
{
  return gtk_adjustment_get_value (self->threads_adjustment) < 0.5;
}

/* GtkSpinButton::output: 0 reads "Auto". */
static gboolean
on_spin_output (GtkSpinButton *spin)
{
  int value = gtk_spin_button_get_value_as_int (spin);
  g_autofree char *text = value == 0 ? g_strdup ("Auto") : g_strdup_printf ("%d", value);

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (spin)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

/* GtkSpinButton::input: "Auto" (or "a", "automatic") reads 0. */
static int
on_spin_input (GtkSpinButton *spin,
               double        *value)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (spin));
  char *end = NULL;
  double parsed;

  if (g_ascii_strncasecmp (text, "a", 1) == 0)
    {
      *value = 0;
      return TRUE;
    }
  parsed = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0')
    return GTK_INPUT_ERROR;
  *value = parsed;
  return TRUE;
}

/**
 * _pp_window_init_threads:
 * @spins: (array zero-terminated=1): the spin buttons on the threads adjustment
 *
 * Lets the adjustment reach 0, "Auto", and shows it so. Main thread, from the window's init.
 */
void
_pp_window_init_threads (PpWindow         *self,
                         GtkSpinButton   **spins)
{
  gtk_adjustment_set_lower (self->threads_adjustment, 0);
  for (guint i = 0; spins[i] != NULL; i++)
    {
      /* Numeric spin buttons filter out the letters of "Auto"; input/output parse instead. */
      gtk_spin_button_set_numeric (spins[i], FALSE);
      g_signal_connect (spins[i], "output", G_CALLBACK (on_spin_output), NULL);
      g_signal_connect (spins[i], "input", G_CALLBACK (on_spin_input), NULL);
      gtk_widget_set_tooltip_text (GTK_WIDGET (spins[i]),
                                   "Worker threads for a parallel run; Auto lets Parapix choose "
                                   "from the processors, the memory each image needs and a short "
                                   "calibration");
      gtk_spin_button_update (spins[i]);
    }
}

typedef struct
{
  PpWindow *self;
  gboolean compare;
} ChooseData;

static void
on_chosen (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  ChooseData *data = user_data;
  g_autoptr (PpWindow) self = data->self;
  PpWindowBatch *state = &self->batch;
  g_autoptr (GError) error = NULL;
  PpThreadsChoice *choice = pp_threads_auto_finish (result, &error);
  gboolean compare = data->compare;

  g_assert (g_main_context_is_owner (NULL));

  g_free (data);
  if (state->disposed)
    {
      pp_threads_choice_free (choice);
      return;
    }
  state->phase = PP_WINDOW_PHASE_IDLE;
  if (choice == NULL)
    {
      _pp_window_finish (self, NULL);
      _pp_window_toast (self, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                              ? "Cancelled before any image was processed" : error->message);
      return;
    }
  g_clear_pointer (&state->choice, pp_threads_choice_free);
  state->choice = choice;
  /* Now with a count: the same path as a fixed count. */
  if (!_pp_window_begin (self, compare))
    g_clear_pointer (&state->choice, pp_threads_choice_free);
}

/**
 * _pp_window_choose_threads:
 * @compare: what to start once chosen
 *
 * With "Automatic": chooses the count on the pool and in the core, then starts Process or
 * Compare (_pp_window_begin() again, with state->choice set). The batch bar shows the choosing;
 * Cancel stops it. Main thread only.
 *
 * Returns: %TRUE (it started choosing)
 */
gboolean
_pp_window_choose_threads (PpWindow *self,
                           gboolean  compare)
{
  PpWindowBatch *state = &self->batch;
  g_autoptr (PpBatch) batch = pp_batch_new ();
  g_autoptr (GFile) output = g_file_new_for_path (g_get_tmp_dir ()); /* not written: listing */
  ChooseData *data = g_new0 (ChooseData, 1);

  _pp_window_configure_batch (self, batch, output, PP_BATCH_MODE_PARALLEL);
  data->self = g_object_ref (self);
  data->compare = compare;
  if (state->cancellable == NULL)
    state->cancellable = g_cancellable_new ();
  state->phase = PP_WINDOW_PHASE_CHOOSING;
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_widget_set_opacity (GTK_WIDGET (self->progress_bar), 1.0);
  gtk_progress_bar_pulse (self->progress_bar);
  gtk_inscription_set_text (self->progress_label,
                            "Choosing the thread count: reading the images' sizes, calibrating…");
  gtk_inscription_set_text (self->current_file_label, "");
  _pp_window_update_batch_actions (self);
  pp_threads_auto_async (batch, state->cancellable, on_chosen, data);
  return TRUE;
}

/**
 * _pp_window_threads_for_batch:
 *
 * Returns: the thread count a batch starting now gets: the automatic choice when there is one,
 *   else the spin buttons' count (Automatic without a choice yet: the CPU budget)
 */
guint
_pp_window_threads_for_batch (PpWindow *self)
{
  if (self->batch.choice != NULL)
    return self->batch.choice->threads;
  return _pp_window_get_threads (self);
}

/**
 * _pp_window_threads_note_run:
 * @run: a run that just started
 *
 * Records the automatic choice in @run when the choice set its thread count (a Compare's serial
 * run keeps none), and shows the choice and the prediction until progress replaces them.
 */
void
_pp_window_threads_note_run (PpWindow *self,
                             PpRun    *run)
{
  PpThreadsChoice *choice = self->batch.choice;
  g_autofree char *prediction = NULL;
  g_autofree char *text = NULL;

  if (choice == NULL || pp_run_get_mode (run) != PP_BATCH_MODE_PARALLEL ||
      pp_run_get_threads (run) != choice->threads)
    return;
  pp_run_set_threads_choice (run, "auto", pp_threads_choice_to_json (choice));
  prediction = pp_threads_choice_describe_prediction (choice);
  text = prediction != NULL
         ? g_strdup_printf ("Automatic: %u thread%s · predicted %s", choice->threads,
                            choice->threads == 1 ? "" : "s", prediction)
         : g_strdup_printf ("Automatic: %u thread%s", choice->threads,
                            choice->threads == 1 ? "" : "s");
  gtk_inscription_set_text (self->current_file_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->current_file_label), choice->explanation);
}

/**
 * _pp_window_threads_outcome:
 * @run: a finished run
 *
 * Returns: (transfer full) (nullable): " · predicted 1 min 40 s, took 1 min 46 s" for the run the
 *   automatic choice set, else %NULL
 */
char *
_pp_window_threads_outcome (PpWindow *self,
                            PpRun    *run)
{
  PpThreadsChoice *choice = self->batch.choice;
  g_autofree char *predicted = NULL;
  g_autofree char *took = NULL;

  if (choice == NULL || choice->predicted_s <= 0 || pp_run_get_cancelled (run) ||
      pp_run_get_mode (run) != PP_BATCH_MODE_PARALLEL ||
      pp_run_get_threads (run) != choice->threads)
    return NULL;
  predicted = pp_format_duration (choice->predicted_s);
  took = pp_format_duration (pp_run_get_wall_us (run) / 1e6);
  return g_strdup_printf (" · predicted %s, took %s", predicted, took);
}
