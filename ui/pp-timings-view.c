/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpTimingsView: a GtkColumnView over PpRunEntry rows — the runs of earlier sessions read
 * back from the history file, then this session's, live while they grow. A finished run is
 * appended to the history (one JSON object per line under the user data dir) once; Clear
 * History empties both. The cells and their explanations are in pp-timings-cells.c.
 */
#define G_LOG_DOMAIN "pp-timings-view"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "pp-file-chooser.h"
#include "pp-timings-view-private.h"
#include "pp-ui-resources.h"

/* Runs read back from the history: the newest this many. */
#define HISTORY_LIMIT 200

G_DEFINE_FINAL_TYPE (PpTimingsView, pp_timings_view, GTK_TYPE_WIDGET)

enum
{
  RUN_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * pp_timings_view_get_history_path:
 *
 * Returns: (transfer full): where finished runs are kept, one JSON object per line:
 *   $XDG_DATA_HOME/parapix/runs.jsonl
 */
char *
pp_timings_view_get_history_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "parapix", "runs.jsonl", NULL);
}

/* Looking things up */

static PpRunEntry *
entry_for_run (PpTimingsView *self,
               PpRun         *run,
               guint         *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->session));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpRunEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->session), i);

      if (pp_run_entry_get_run (entry) == run)
        {
          if (position != NULL)
            *position = i;
          return entry; /* the store keeps it */
        }
    }
  return NULL;
}

/**
 * pp_timings_view_get_entry:
 *
 * Returns: (transfer none) (nullable): the row of @run, a run of this session
 */
PpRunEntry *
pp_timings_view_get_entry (PpTimingsView *self,
                           PpRun         *run)
{
  g_return_val_if_fail (PP_IS_TIMINGS_VIEW (self), NULL);
  return entry_for_run (self, run, NULL);
}

/**
 * pp_timings_view_get_baseline:
 * @entry: a row of the view
 *
 * The run @entry's speedup is measured against: the last finished, uncancelled serial run of
 * the same work before it (earlier sessions' runs count too).
 *
 * Returns: (transfer none) (nullable): that run's row
 */
PpRunEntry *
pp_timings_view_get_baseline (PpTimingsView *self,
                              PpRunEntry    *entry)
{
  g_return_val_if_fail (PP_IS_TIMINGS_VIEW (self), NULL);

  /* Every cell, note and export asks this: one pass over the rows answers it for all of them
   * until a row changes (_pp_timings_view_refresh and pp_timings_view_update forget it). */
  if (self->baselines == NULL)
    {
      g_autoptr (GHashTable) last_serial = g_hash_table_new (g_str_hash, g_str_equal);
      guint n = g_list_model_get_n_items (self->all);

      self->baselines = g_hash_table_new (NULL, NULL);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr (PpRunEntry) other = g_list_model_get_item (self->all, i);
          const char *work = pp_run_entry_get_work (other);
          PpRunEntry *before = g_hash_table_lookup (last_serial, work);

          if (before != NULL)
            g_hash_table_insert (self->baselines, other, before);
          if (pp_run_entry_get_serial (other) && pp_run_entry_get_finished (other) &&
              !pp_run_entry_get_cancelled (other) && pp_run_entry_get_wall_us (other) > 0)
            g_hash_table_insert (last_serial, (gpointer) work, other);
        }
    }
  return g_hash_table_lookup (self->baselines, entry);
}

/**
 * pp_timings_view_get_entry_speedup:
 *
 * Returns: the baseline's wall time over @entry's (1 for a serial run), the speedup recorded
 *   with a run of an earlier session, or 0 when there is nothing to compare with
 */
double
pp_timings_view_get_entry_speedup (PpTimingsView *self,
                                   PpRunEntry    *entry)
{
  PpRunEntry *baseline;

  g_return_val_if_fail (PP_IS_TIMINGS_VIEW (self), 0.0);

  if (!pp_run_entry_get_finished (entry) || pp_run_entry_get_cancelled (entry) ||
      pp_run_entry_get_wall_us (entry) <= 0)
    return 0.0;
  if (pp_run_entry_get_serial (entry))
    return 1.0;
  baseline = pp_timings_view_get_baseline (self, entry);
  if (baseline == NULL)
    return pp_run_entry_get_saved_speedup (entry);
  return (double) pp_run_entry_get_wall_us (baseline) / pp_run_entry_get_wall_us (entry);
}

/**
 * pp_timings_view_get_speedup:
 * @run: a run of this session
 *
 * Returns: see pp_timings_view_get_entry_speedup(); 0 for a run the view does not have
 */
double
pp_timings_view_get_speedup (PpTimingsView *self,
                             PpRun         *run)
{
  PpRunEntry *entry;

  g_return_val_if_fail (PP_IS_TIMINGS_VIEW (self), 0.0);

  entry = entry_for_run (self, run, NULL);
  return entry ? pp_timings_view_get_entry_speedup (self, entry) : 0.0;
}

/* The history */

static void
save_to_history (PpTimingsView *self,
                 PpRunEntry    *entry)
{
  g_autofree char *path = pp_timings_view_get_history_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) node = NULL;
  g_autofree char *line = NULL;
  FILE *file;

  pp_run_entry_set_saved_speedup (entry, pp_timings_view_get_entry_speedup (self, entry));
  node = pp_run_entry_to_json (entry);
  json_generator_set_root (generator, node);
  line = json_generator_to_data (generator, NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0 || (file = g_fopen (path, "a")) == NULL)
    {
      g_warning ("Could not keep the run in %s: %s", path, g_strerror (errno));
      return;
    }
  /* One line, appended at once: a crash mid-write costs at most this line. */
  fprintf (file, "%s\n", line);
  fclose (file);
}

/**
 * pp_timings_view_load_history:
 *
 * Reads the newest runs of earlier sessions back from the history file, skipping lines this
 * build cannot read. Main thread.
 */
void
pp_timings_view_load_history (PpTimingsView *self)
{
  g_autofree char *path = pp_timings_view_get_history_path ();
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);
  guint n, first;

  g_return_if_fail (PP_IS_TIMINGS_VIEW (self));

  g_list_store_remove_all (self->history);
  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return;
  lines = g_strsplit (contents, "\n", -1);
  n = g_strv_length (lines);
  first = n > HISTORY_LIMIT + 1 ? n - HISTORY_LIMIT - 1 : 0;
  for (guint i = first; i < n; i++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      PpRunEntry *entry;

      if (*g_strstrip (lines[i]) == '\0' || !json_parser_load_from_data (parser, lines[i], -1,
                                                                         NULL))
        continue;
      entry = pp_run_entry_new_from_json (json_parser_get_root (parser), NULL);
      if (entry != NULL)
        g_ptr_array_add (entries, entry);
    }
  g_list_store_splice (self->history, 0, 0, entries->pdata, entries->len);
  _pp_timings_view_refresh (self);
}

/**
 * pp_timings_view_clear_history:
 *
 * Forgets every run: the history file and the rows, this session's included. Main thread.
 */
void
pp_timings_view_clear_history (PpTimingsView *self)
{
  g_autofree char *path = pp_timings_view_get_history_path ();

  g_return_if_fail (PP_IS_TIMINGS_VIEW (self));

  if (g_unlink (path) != 0 && errno != ENOENT)
    g_warning ("Could not remove %s: %s", path, g_strerror (errno));
  g_list_store_remove_all (self->history);
  /* A run still going keeps its row: it will be kept when it ends. */
  for (guint i = g_list_model_get_n_items (G_LIST_MODEL (self->session)); i > 0; i--)
    {
      g_autoptr (PpRunEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->session),
                                                            i - 1);

      if (pp_run_entry_get_finished (entry))
        {
          g_hash_table_remove (self->saved, entry);
          g_list_store_remove (self->session, i - 1);
        }
    }
  _pp_timings_view_refresh (self);
}

/**
 * pp_timings_view_get_n_history:
 *
 * Returns: how many runs of earlier sessions are shown
 */
guint
pp_timings_view_get_n_history (PpTimingsView *self)
{
  g_return_val_if_fail (PP_IS_TIMINGS_VIEW (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->history));
}

/* This session's runs */

/**
 * pp_timings_view_add_run:
 * @run: a run just started (it grows live)
 * @work: the key runs are compared by: two runs of equal @work did the same work
 * @folder: the input in words ("Holiday", "3 images")
 * @chain: the chain's spec
 * @format: the output format's nick
 *
 * Adds a row for @run and selects it. Main thread.
 */
void
pp_timings_view_add_run (PpTimingsView *self,
                         PpRun         *run,
                         const char    *work,
                         const char    *folder,
                         const char    *chain,
                         const char    *format)
{
  g_autoptr (PpRunEntry) entry = NULL;

  g_return_if_fail (PP_IS_TIMINGS_VIEW (self));
  g_return_if_fail (PP_IS_RUN (run));

  if (entry_for_run (self, run, NULL) != NULL)
    return;
  entry = pp_run_entry_new (run, work, folder, chain, format);
  g_list_store_append (self->session, entry);
  gtk_single_selection_set_selected (self->selection, g_list_model_get_n_items (self->all) - 1);
  _pp_timings_view_refresh (self);
}

/**
 * pp_timings_view_remove_run:
 *
 * Removes the row of a run that never started. Main thread.
 */
void
pp_timings_view_remove_run (PpTimingsView *self,
                            PpRun         *run)
{
  guint position;

  g_return_if_fail (PP_IS_TIMINGS_VIEW (self));

  if (entry_for_run (self, run, &position) == NULL)
    return;
  g_list_store_remove (self->session, position);
  _pp_timings_view_refresh (self);
}

/**
 * pp_timings_view_update:
 *
 * Reads @run again (it grew, or it ended). Main thread.
 */
void
pp_timings_view_update (PpTimingsView *self,
                        PpRun         *run)
{
  PpRunEntry *entry;
  guint position;

  g_return_if_fail (PP_IS_TIMINGS_VIEW (self));

  entry = entry_for_run (self, run, &position);
  if (entry == NULL)
    return;
  pp_run_entry_refresh (entry);
  /* It may have become a baseline (it finished). */
  g_clear_pointer (&self->baselines, g_hash_table_unref);
  /* Rebinds the row's cells: a remove-and-add of the same item at the same place. */
  g_list_model_items_changed (G_LIST_MODEL (self->session), position, 1, 1);
  if (gtk_single_selection_get_selected_item (self->selection) == (gpointer) entry)
    _pp_timings_view_selection_changed (self);
  _pp_timings_view_update_notes (self);
}

/**
 * pp_timings_view_keep_finished:
 *
 * Appends every finished run of this session not kept yet to the history, with its speedup
 * and byte check: the window calls it when a Process or a Compare (both halves and the check)
 * has ended. Main thread.
 */
void
pp_timings_view_keep_finished (PpTimingsView *self)
{
  guint n;

  g_return_if_fail (PP_IS_TIMINGS_VIEW (self));

  n = g_list_model_get_n_items (G_LIST_MODEL (self->session));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpRunEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->session), i);

      if (pp_run_entry_get_finished (entry) && !g_hash_table_contains (self->saved, entry))
        {
          g_hash_table_add (self->saved, g_object_ref (entry));
          save_to_history (self, entry);
        }
    }
}

/**
 * pp_timings_view_set_identical:
 *
 * Records whether @run's outputs were byte-identical to the serial run's. Main thread.
 */
void
pp_timings_view_set_identical (PpTimingsView *self,
                               PpRun         *run,
                               gboolean       identical)
{
  PpRunEntry *entry;

  g_return_if_fail (PP_IS_TIMINGS_VIEW (self));

  entry = entry_for_run (self, run, NULL);
  if (entry == NULL)
    return;
  pp_run_entry_set_identical (entry, identical);
  pp_timings_view_update (self, run);
}

/**
 * pp_timings_view_get_n_runs:
 *
 * Returns: how many runs this session has made (earlier sessions' are not counted)
 */
guint
pp_timings_view_get_n_runs (PpTimingsView *self)
{
  g_return_val_if_fail (PP_IS_TIMINGS_VIEW (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->session));
}

/**
 * pp_timings_view_get_run:
 * @position: among this session's runs, oldest first
 *
 * Returns: (transfer none): the run
 */
PpRun *
pp_timings_view_get_run (PpTimingsView *self,
                         guint          position)
{
  g_autoptr (PpRunEntry) entry = NULL;

  g_return_val_if_fail (PP_IS_TIMINGS_VIEW (self), NULL);

  entry = g_list_model_get_item (G_LIST_MODEL (self->session), position);
  return entry ? pp_run_entry_get_run (entry) : NULL; /* the entry keeps it */
}

/* Shared with the cells */

void
_pp_timings_view_refresh (PpTimingsView *self)
{
  gboolean any = g_list_model_get_n_items (self->all) > 0;

  g_clear_pointer (&self->baselines, g_hash_table_unref);

  gtk_stack_set_visible_child_name (self->stack, any ? "runs" : "empty");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "timings.export-csv", any);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "timings.export-json", any);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "timings.clear-history", any);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), any);
  _pp_timings_view_update_notes (self);
}

void
_pp_timings_view_selection_changed (PpTimingsView *self)
{
  PpRunEntry *entry = gtk_single_selection_get_selected_item (self->selection);

  _pp_timings_view_update_notes (self);
  g_signal_emit (self, signals[RUN_SELECTED], 0, entry);
}

/* Export */

static void
save_text (PpTimingsView *self,
           GFile         *file,
           const char    *text)
{
  g_autoptr (GError) error = NULL;

  if (!g_file_replace_contents (file, text, strlen (text), NULL, FALSE, G_FILE_CREATE_NONE, NULL,
                                NULL, &error))
    {
      g_autofree char *message = g_strdup_printf ("Could not export the timings: %s",
                                                  error->message);

      gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
    }
}

static void
export_chosen (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  PpTimingsView *self = g_task_get_source_object (task);
  gboolean json = GPOINTER_TO_INT (g_task_get_task_data (task));
  g_autoptr (GFile) file = pp_file_chooser_save_finish (result, NULL);
  g_autofree char *text = NULL;

  g_assert (g_main_context_is_owner (NULL));

  if (file == NULL || self->all == NULL)
    return;
  text = json ? pp_timings_view_to_json (self) : pp_timings_view_to_csv (self);
  save_text (self, file, text);
}

static void
export (PpTimingsView *self,
        gboolean       json)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  /* Carries the view (a ref) and the format to the callback. */
  GTask *task = g_task_new (self, NULL, NULL, NULL);

  g_task_set_task_data (task, GINT_TO_POINTER (json), NULL);
  pp_file_chooser_save (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                        json ? "Export Timings as JSON" : "Export Timings as CSV", "_Export",
                        json ? "parapix-timings.json" : "parapix-timings.csv", NULL,
                        export_chosen, task);
}

static void
export_csv_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  export (PP_TIMINGS_VIEW (widget), FALSE);
}

static void
export_json_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  export (PP_TIMINGS_VIEW (widget), TRUE);
}

static void
clear_history_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  pp_timings_view_clear_history (PP_TIMINGS_VIEW (widget));
  gtk_widget_activate_action (widget, "win.toast", "s", "The run history is cleared");
}

/* GObject */

static void
pp_timings_view_dispose (GObject *object)
{
  PpTimingsView *self = PP_TIMINGS_VIEW (object);

#if GTK_CHECK_VERSION (4, 8, 0)
  gtk_widget_dispose_template (GTK_WIDGET (self), PP_TYPE_TIMINGS_VIEW);
#endif
  /* The template's top box has no id, so dispose_template() leaves it: unparent it here. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->all);
  g_clear_object (&self->history);
  g_clear_object (&self->session);
  g_clear_pointer (&self->saved, g_hash_table_unref);
  g_clear_pointer (&self->baselines, g_hash_table_unref);

  G_OBJECT_CLASS (pp_timings_view_parent_class)->dispose (object);
}

static void
pp_timings_view_class_init (PpTimingsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pp_timings_view_dispose;

  /**
   * PpTimingsView::run-selected:
   * @entry: (nullable): the row the user picked (or the newest), for the timeline to follow
   */
  signals[RUN_SELECTED] = g_signal_new ("run-selected", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                        PP_TYPE_RUN_ENTRY);

  /* Keeps the resource object (and its registration) linked in from the static library. */
  (void) pp_ui_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/parapix/Parapix/pp-timings-view.ui");
  gtk_widget_class_bind_template_child (widget_class, PpTimingsView, column_view);
  gtk_widget_class_bind_template_child (widget_class, PpTimingsView, explain_label);
  gtk_widget_class_bind_template_child (widget_class, PpTimingsView, export_button);
  gtk_widget_class_bind_template_child (widget_class, PpTimingsView, notes_label);
  gtk_widget_class_bind_template_child (widget_class, PpTimingsView, selection);
  gtk_widget_class_bind_template_child (widget_class, PpTimingsView, stack);
  gtk_widget_class_bind_template_child (widget_class, PpTimingsView, stages_label);
  gtk_widget_class_bind_template_callback (widget_class, _pp_timings_view_selection_changed);

  gtk_widget_class_install_action (widget_class, "timings.export-csv", NULL, export_csv_action);
  gtk_widget_class_install_action (widget_class, "timings.export-json", NULL, export_json_action);
  gtk_widget_class_install_action (widget_class, "timings.clear-history", NULL,
                                   clear_history_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "timingsview");
}

static void
pp_timings_view_init (PpTimingsView *self)
{
  GListStore *parts = g_list_store_new (G_TYPE_LIST_MODEL);

  self->history = g_list_store_new (PP_TYPE_RUN_ENTRY);
  self->session = g_list_store_new (PP_TYPE_RUN_ENTRY);
  self->saved = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  /* Earlier sessions first, then this one's: one list, oldest at the top. */
  g_list_store_append (parts, self->history);
  g_list_store_append (parts, self->session);
  self->all = G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (parts)));
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_single_selection_set_model (self->selection, self->all);
  _pp_timings_view_init_columns (self);
  _pp_timings_view_refresh (self);
}
