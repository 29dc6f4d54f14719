/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpTimingsView: a GtkColumnView over the runs of this session. What a row shows that PpRun does
 * not know itself (which work it did, its speedup, whether its outputs matched a serial run's)
 * is kept in a side record attached to the run. Cells are recomputed from the run on every
 * update, so the row of a running batch is live.
 */
#define G_LOG_DOMAIN "pp-timings-view"

#include "config.h"

#include <string.h>

#include "pp-file-chooser.h"
#include "pp-timings-view.h"
#include "pp-ui-resources.h"

typedef struct
{
  char *work;
  int identical; /* -1 unknown, 0 no, 1 yes */
} RunExtra;

struct _PpTimingsView
{
  GtkWidget parent_instance;

  GtkColumnView *column_view;
  GtkMenuButton *export_button;
  GtkSingleSelection *selection;
  GtkStack *stack;
  GtkLabel *stages_label;

  GListStore *runs;
};

G_DEFINE_FINAL_TYPE (PpTimingsView, pp_timings_view, GTK_TYPE_WIDGET)

enum
{
  RUN_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum
{
  COL_MODE,
  COL_THREADS,
  COL_IMAGES,
  COL_MEGAPIXELS,
  COL_WALL,
  COL_RATE,
  COL_SPEEDUP,
  COL_EFFICIENCY,
  COL_IDENTICAL,
  N_COLUMNS
};

static const char *const column_titles[N_COLUMNS] = {
  "Mode", "Threads", "Images", "Megapixels", "Wall Time", "Images/s", "Speedup", "Efficiency",
  "Identical",
};

static void
run_extra_free (gpointer data)
{
  RunExtra *extra = data;

  g_free (extra->work);
  g_free (extra);
}

static RunExtra *
get_extra (PpRun *run)
{
  return g_object_get_data (G_OBJECT (run), "pp-timings-extra");
}

static guint
run_images (PpRun *run)
{
  PpRunTotals totals;

  pp_run_get_totals (run, &totals);
  return totals.n_ok;
}

static double
run_wall_s (PpRun *run)
{
  return pp_run_get_wall_us (run) / 1e6;
}

/* The last finished serial run of the same work before @run, in session order. */
static PpRun *
find_baseline (PpTimingsView *self,
               PpRun         *run)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->runs));
  RunExtra *extra = get_extra (run);
  PpRun *baseline = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpRun) other = g_list_model_get_item (G_LIST_MODEL (self->runs), i);

      if (other == run)
        break;
      if (pp_run_get_mode (other) == PP_BATCH_MODE_SERIAL && pp_run_get_finished (other) &&
          !pp_run_get_cancelled (other) && g_strcmp0 (get_extra (other)->work, extra->work) == 0 &&
          pp_run_get_wall_us (other) > 0)
        baseline = other;
    }
  return baseline;
}

double
pp_timings_view_get_speedup (PpTimingsView *self,
                             PpRun         *run)
{
  PpRun *baseline;

  g_return_val_if_fail (PP_IS_TIMINGS_VIEW (self), 0.0);

  if (!pp_run_get_finished (run) || pp_run_get_cancelled (run) || pp_run_get_wall_us (run) <= 0)
    return 0.0;
  if (pp_run_get_mode (run) == PP_BATCH_MODE_SERIAL)
    return 1.0;
  baseline = find_baseline (self, run);
  if (baseline == NULL)
    return 0.0;
  return (double) pp_run_get_wall_us (baseline) / pp_run_get_wall_us (run);
}

static char *
cell_text (PpTimingsView *self,
           PpRun         *run,
           guint          column)
{
  double wall = run_wall_s (run);
  double speedup;

  switch (column)
    {
    case COL_MODE:
      return g_strdup_printf ("%s%s", pp_run_get_mode (run) == PP_BATCH_MODE_SERIAL
                                        ? "Serial" : "Parallel",
                              pp_run_get_cancelled (run) ? " (cancelled)"
                              : !pp_run_get_finished (run) ? " (running)" : "");
    case COL_THREADS:
      return g_strdup_printf ("%u", pp_run_get_threads (run));
    case COL_IMAGES:
      return g_strdup_printf ("%u", run_images (run));
    case COL_MEGAPIXELS:
      {
        PpRunTotals totals;

        pp_run_get_totals (run, &totals);
        return g_strdup_printf ("%.1f", totals.megapixels);
      }
    case COL_WALL:
      return wall > 0 ? g_strdup_printf ("%.2f s", wall) : g_strdup ("—");
    case COL_RATE:
      return wall > 0 ? g_strdup_printf ("%.1f", run_images (run) / wall) : g_strdup ("—");
    case COL_SPEEDUP:
      speedup = pp_timings_view_get_speedup (self, run);
      return speedup > 0 ? g_strdup_printf ("%.2f×", speedup) : g_strdup ("—");
    case COL_EFFICIENCY:
      speedup = pp_timings_view_get_speedup (self, run);
      return speedup > 0 ? g_strdup_printf ("%.0f %%", 100.0 * speedup / pp_run_get_threads (run))
                         : g_strdup ("—");
    case COL_IDENTICAL:
      {
        RunExtra *extra = get_extra (run);

        return g_strdup (extra->identical < 0 ? "—" : extra->identical ? "Yes" : "No");
      }
    default:
      g_assert_not_reached ();
    }
}

static void
cell_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "pp-column"));

  gtk_label_set_xalign (GTK_LABEL (label), column == COL_MODE ? 0.0 : 1.0);
  gtk_widget_add_css_class (label, "numeric");
  gtk_list_item_set_child (list_item, label);
}

static void
cell_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           PpTimingsView            *self)
{
  guint column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "pp-column"));
  g_autofree char *text = cell_text (self, gtk_list_item_get_item (list_item), column);

  gtk_label_set_label (GTK_LABEL (gtk_list_item_get_child (list_item)), text);
}

static void
update_stages (PpTimingsView *self)
{
  PpRun *run = gtk_single_selection_get_selected_item (self->selection);
  PpRunTotals totals;
  g_autofree char *text = NULL;
  double sum;

  g_signal_emit (self, signals[RUN_SELECTED], 0, run);
  if (run == NULL)
    {
      gtk_label_set_label (self->stages_label, "");
      return;
    }
  pp_run_get_totals (run, &totals);
  sum = MAX (1, totals.decode_us + totals.filter_us + totals.encode_us + totals.write_us);
  text = g_strdup_printf ("Time in each stage, summed over workers: "
                          "decode %.2f s (%.0f %%) · filter %.2f s (%.0f %%) · "
                          "encode %.2f s (%.0f %%) · write %.2f s (%.0f %%)",
                          totals.decode_us / 1e6, 100 * totals.decode_us / sum,
                          totals.filter_us / 1e6, 100 * totals.filter_us / sum,
                          totals.encode_us / 1e6, 100 * totals.encode_us / sum,
                          totals.write_us / 1e6, 100 * totals.write_us / sum);
  gtk_label_set_label (self->stages_label, text);
}

static guint
find_run (PpTimingsView *self,
          PpRun         *run)
{
  guint position;

  if (g_list_store_find (self->runs, run, &position))
    return position;
  return G_MAXUINT;
}

void
pp_timings_view_add_run (PpTimingsView *self,
                         PpRun         *run,
                         const char    *work)
{
  RunExtra *extra;

  g_return_if_fail (PP_IS_TIMINGS_VIEW (self));
  g_return_if_fail (PP_IS_RUN (run));

  extra = g_new0 (RunExtra, 1);
  extra->work = g_strdup (work);
  extra->identical = -1;
  g_object_set_data_full (G_OBJECT (run), "pp-timings-extra", extra, run_extra_free);
  g_list_store_append (self->runs, run);
  gtk_single_selection_set_selected (self->selection,
                                     g_list_model_get_n_items (G_LIST_MODEL (self->runs)) - 1);
  gtk_stack_set_visible_child_name (self->stack, "runs");
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), TRUE);
}

void
pp_timings_view_remove_run (PpTimingsView *self,
                            PpRun         *run)
{
  guint position;

  g_return_if_fail (PP_IS_TIMINGS_VIEW (self));

  position = find_run (self, run);
  if (position == G_MAXUINT)
    return;
  g_list_store_remove (self->runs, position);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->runs)) == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), FALSE);
    }
}

void
pp_timings_view_update (PpTimingsView *self,
                        PpRun         *run)
{
  guint position;

  g_return_if_fail (PP_IS_TIMINGS_VIEW (self));

  position = find_run (self, run);
  if (position == G_MAXUINT)
    return;
  /* Rebinds the row's cells: a remove-and-add of the same item at the same place. */
  g_list_model_items_changed (G_LIST_MODEL (self->runs), position, 1, 1);
  if (gtk_single_selection_get_selected_item (self->selection) == run)
    update_stages (self);
}

void
pp_timings_view_set_identical (PpTimingsView *self,
                               PpRun         *run,
                               gboolean       identical)
{
  RunExtra *extra;

  g_return_if_fail (PP_IS_TIMINGS_VIEW (self));

  extra = get_extra (run);
  if (extra == NULL)
    return;
  extra->identical = identical ? 1 : 0;
  pp_timings_view_update (self, run);
}

guint
pp_timings_view_get_n_runs (PpTimingsView *self)
{
  g_return_val_if_fail (PP_IS_TIMINGS_VIEW (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->runs));
}

/* Returns: (transfer none) */
PpRun *
pp_timings_view_get_run (PpTimingsView *self,
                         guint          position)
{
  g_autoptr (PpRun) run = NULL;

  g_return_val_if_fail (PP_IS_TIMINGS_VIEW (self), NULL);

  run = g_list_model_get_item (G_LIST_MODEL (self->runs), position);
  return run; /* the store keeps it alive */
}

char *
pp_timings_view_to_csv (PpTimingsView *self)
{
  GString *csv = g_string_new ("mode,threads,images,megapixels,wall_s,images_per_s,speedup,"
                               "efficiency,identical,decode_s,filter_s,encode_s,write_s\n");
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->runs));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpRun) run = g_list_model_get_item (G_LIST_MODEL (self->runs), i);
      PpRunTotals totals;
      double wall = run_wall_s (run);
      double speedup = pp_timings_view_get_speedup (self, run);
      RunExtra *extra = get_extra (run);
      char buf[6][G_ASCII_DTOSTR_BUF_SIZE];

      pp_run_get_totals (run, &totals);
      g_string_append_printf (csv, "%s,%u,%u,%s,%s,%s,%s,%s,%s,",
                              pp_run_get_mode (run) == PP_BATCH_MODE_SERIAL ? "serial"
                                                                            : "parallel",
                              pp_run_get_threads (run), totals.n_ok,
                              g_ascii_formatd (buf[0], sizeof buf[0], "%.3f", totals.megapixels),
                              g_ascii_formatd (buf[1], sizeof buf[1], "%.3f", wall),
                              wall > 0 ? g_ascii_formatd (buf[2], sizeof buf[2], "%.2f",
                                                          totals.n_ok / wall) : "",
                              speedup > 0 ? g_ascii_formatd (buf[3], sizeof buf[3], "%.3f",
                                                             speedup) : "",
                              speedup > 0 ? g_ascii_formatd (buf[4], sizeof buf[4], "%.3f",
                                                             speedup / pp_run_get_threads (run))
                                          : "",
                              extra->identical < 0 ? "" : extra->identical ? "yes" : "no");
      g_string_append_printf (csv, "%s,", g_ascii_formatd (buf[5], sizeof buf[5], "%.3f",
                                                           totals.decode_us / 1e6));
      g_string_append_printf (csv, "%s,", g_ascii_formatd (buf[5], sizeof buf[5], "%.3f",
                                                           totals.filter_us / 1e6));
      g_string_append_printf (csv, "%s,", g_ascii_formatd (buf[5], sizeof buf[5], "%.3f",
                                                           totals.encode_us / 1e6));
      g_string_append_printf (csv, "%s\n", g_ascii_formatd (buf[5], sizeof buf[5], "%.3f",
                                                            totals.write_us / 1e6));
    }
  return g_string_free (csv, FALSE);
}

char *
pp_timings_view_to_json (PpTimingsView *self)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->runs));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "runs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpRun) run = g_list_model_get_item (G_LIST_MODEL (self->runs), i);
      RunExtra *extra = get_extra (run);
      double speedup = pp_timings_view_get_speedup (self, run);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "run");
      json_builder_add_value (builder, pp_run_to_json (run));
      json_builder_set_member_name (builder, "speedup");
      if (speedup > 0)
        json_builder_add_double_value (builder, speedup);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "identical");
      if (extra->identical < 0)
        json_builder_add_null_value (builder);
      else
        json_builder_add_boolean_value (builder, extra->identical);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
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

  if (file == NULL || self->runs == NULL)
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
pp_timings_view_dispose (GObject *object)
{
  PpTimingsView *self = PP_TIMINGS_VIEW (object);

#if GTK_CHECK_VERSION (4, 8, 0)
  gtk_widget_dispose_template (GTK_WIDGET (self), PP_TYPE_TIMINGS_VIEW);
#endif
  /* The template's top box has no id, so dispose_template() leaves it: unparent it here. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->runs);

  G_OBJECT_CLASS (pp_timings_view_parent_class)->dispose (object);
}

static void
pp_timings_view_class_init (PpTimingsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pp_timings_view_dispose;

  /* The run the user picked in the table (or the newest), for the timeline to follow. */
  signals[RUN_SELECTED] = g_signal_new ("run-selected", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                        PP_TYPE_RUN);

  /* Keeps the resource object (and its registration) linked in from the static library. */
  (void) pp_ui_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/parapix/Parapix/pp-timings-view.ui");
  gtk_widget_class_bind_template_child (widget_class, PpTimingsView, column_view);
  gtk_widget_class_bind_template_child (widget_class, PpTimingsView, export_button);
  gtk_widget_class_bind_template_child (widget_class, PpTimingsView, selection);
  gtk_widget_class_bind_template_child (widget_class, PpTimingsView, stack);
  gtk_widget_class_bind_template_child (widget_class, PpTimingsView, stages_label);
  gtk_widget_class_bind_template_callback (widget_class, update_stages);

  gtk_widget_class_install_action (widget_class, "timings.export-csv", NULL, export_csv_action);
  gtk_widget_class_install_action (widget_class, "timings.export-json", NULL, export_json_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "timingsview");
}

static void
pp_timings_view_init (PpTimingsView *self)
{
  self->runs = g_list_store_new (PP_TYPE_RUN);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->runs));

  for (guint i = 0; i < N_COLUMNS; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr (GtkColumnViewColumn) column = NULL;

      g_object_set_data (G_OBJECT (factory), "pp-column", GUINT_TO_POINTER (i));
      g_signal_connect (factory, "setup", G_CALLBACK (cell_setup), self);
      g_signal_connect (factory, "bind", G_CALLBACK (cell_bind), self);
      column = gtk_column_view_column_new (column_titles[i], factory);
      gtk_column_view_column_set_expand (column, i == COL_MODE);
      gtk_column_view_append_column (self->column_view, column);
    }
}
