/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Timings view's columns, and the words around its figures: each run named by what it did
 * (folder, chain, format) and how (mode, threads); a tooltip on every speedup, efficiency and
 * "Identical" saying how it was worked out; notes when a figure needs explaining (efficiency
 * over 100 %, a large spread between runs of the same work); and the CSV and JSON exports.
 */
#define G_LOG_DOMAIN "pp-timings-view"

#include "config.h"

#include "pp-stage-bar.h"
#include "pp-timings-view-private.h"

/* Runs of the same work whose times differ by more than this share get a note. */
#define SPREAD_NOTE 0.15

typedef enum
{
  COL_RUN,
  COL_IMAGES,
  COL_WALL,
  COL_RATE,
  COL_SPEEDUP,
  COL_EFFICIENCY,
  COL_IDENTICAL,
  COL_STAGES,
  N_COLUMNS
} Column;

static const char *const column_titles[N_COLUMNS] = {
  "Run", "Images", "Wall Time", "Images/s", "Speedup", "Efficiency", "Identical", "Stages",
};

typedef struct
{
  PpTimingsView *self;
  Column column;
} ColumnBinding;

static char *
format_in_words (const char *format)
{
  if (g_strcmp0 (format, "same") == 0 || format == NULL || *format == '\0')
    return g_strdup ("original formats");
  if (g_strcmp0 (format, "webp") == 0)
    return g_strdup ("WebP");
  return g_ascii_strup (format, -1);
}

static char *
run_title (PpRunEntry *entry,
           gboolean    earlier)
{
  guint threads = pp_run_entry_get_threads (entry);
  const char *state = !pp_run_entry_get_finished (entry) ? " · running"
                      : pp_run_entry_get_cancelled (entry) ? " · cancelled"
                      : g_strcmp0 (pp_run_entry_get_status (entry), "failed") == 0 ? " · failed"
                      : "";

  return g_strdup_printf ("%s · %u thread%s%s%s",
                          pp_run_entry_get_serial (entry) ? "Serial" : "Parallel", threads,
                          threads == 1 ? "" : "s", state, earlier ? " · earlier" : "");
}

static char *
run_subtitle (PpRunEntry *entry)
{
  g_autofree char *format = format_in_words (pp_run_entry_get_format (entry));
  const char *chain = pp_run_entry_get_chain (entry);

  return g_strdup_printf ("%s · %s · %s", pp_run_entry_get_folder (entry),
                          *chain ? chain : "no filters", format);
}

static gboolean
is_earlier (PpTimingsView *self,
            PpRunEntry    *entry)
{
  return pp_run_entry_get_run (entry) == NULL;
}

static double
efficiency_of (PpTimingsView *self,
               PpRunEntry    *entry)
{
  double speedup = pp_timings_view_get_entry_speedup (self, entry);

  return speedup > 0 ? speedup / pp_run_entry_get_threads (entry) : 0;
}

static char *
cell_text (PpTimingsView *self,
           PpRunEntry    *entry,
           Column         column)
{
  double wall = pp_run_entry_get_wall_us (entry) / 1e6;
  const PpRunTotals *totals = pp_run_entry_get_totals (entry);
  double speedup;

  switch (column)
    {
    case COL_IMAGES:
      if (totals->n_failed > 0)
        return g_strdup_printf ("%u (%u failed)", totals->n_ok, totals->n_failed);
      return g_strdup_printf ("%u", totals->n_ok);
    case COL_WALL:
      return wall > 0 ? g_strdup_printf ("%.2f s", wall) : g_strdup ("—");
    case COL_RATE:
      return wall > 0 ? g_strdup_printf ("%.1f", totals->n_ok / wall) : g_strdup ("—");
    case COL_SPEEDUP:
      speedup = pp_timings_view_get_entry_speedup (self, entry);
      return speedup > 0 ? g_strdup_printf ("%.2f×", speedup) : g_strdup ("—");
    case COL_EFFICIENCY:
      speedup = pp_timings_view_get_entry_speedup (self, entry);
      return speedup > 0 ? g_strdup_printf ("%.0f %%", 100 * efficiency_of (self, entry))
                         : g_strdup ("—");
    case COL_IDENTICAL:
      switch (pp_run_entry_get_identical (entry))
        {
        case 1:
          return g_strdup ("Yes");
        case 0:
          return g_strdup ("No");
        default:
          return g_strdup ("—");
        }
    case COL_RUN:
    case COL_STAGES:
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}

/* One sentence on how a figure was worked out: the column headers of GTK 4.8 have no
 * tooltips, so every cell carries its own. */
static char *
cell_explanation (PpTimingsView *self,
                  PpRunEntry    *entry,
                  Column         column)
{
  double speedup = pp_timings_view_get_entry_speedup (self, entry);
  PpRunEntry *baseline = pp_timings_view_get_baseline (self, entry);
  guint threads = pp_run_entry_get_threads (entry);

  switch (column)
    {
    case COL_SPEEDUP:
      if (pp_run_entry_get_serial (entry) && speedup > 0)
        return g_strdup ("Speedup compares a run with a serial run of the same work; a serial "
                         "run is that baseline, 1×.");
      if (speedup > 0 && baseline != NULL)
        return g_strdup_printf ("Speedup: the serial run's wall time (%.2f s) ÷ this run's "
                                "(%.2f s) = %.2f×: the same work finished %.2f times as fast.",
                                pp_run_entry_get_wall_us (baseline) / 1e6,
                                pp_run_entry_get_wall_us (entry) / 1e6, speedup, speedup);
      if (speedup > 0)
        return g_strdup_printf ("Speedup %.2f×, measured against a serial run of the same work "
                                "in an earlier session.", speedup);
      return g_strdup ("No speedup yet: there is no finished serial run of the same work to "
                       "compare with. Compare runs one, then this in parallel.");
    case COL_EFFICIENCY:
      if (speedup <= 0)
        return g_strdup ("Efficiency is the speedup ÷ the threads; it needs a speedup first.");
      if (efficiency_of (self, entry) > 1.0)
        return g_strdup_printf ("Efficiency: speedup %.2f× ÷ %u thread%s = %.0f %%. Above 100 %% "
                                "the serial run it is measured against was slowed: usually its "
                                "files were read from disk for the first time (a cold cache) "
                                "or other programs used the processors. Compare again to "
                                "measure with warm caches.", speedup, threads,
                                threads == 1 ? "" : "s", 100 * efficiency_of (self, entry));
      return g_strdup_printf ("Efficiency: speedup %.2f× ÷ %u thread%s = %.0f %%: the share of "
                              "each thread's time that became speed (100 %% is perfect "
                              "scaling; file reading and writing, and busy processors, keep "
                              "it lower).", speedup, threads, threads == 1 ? "" : "s",
                              100 * efficiency_of (self, entry));
    case COL_IDENTICAL:
      switch (pp_run_entry_get_identical (entry))
        {
        case 1:
          return g_strdup ("Identical: every output of this run is byte for byte the file the "
                           "serial run wrote — running in parallel changed nothing.");
        case 0:
          return g_strdup ("Not identical: some outputs differ from the serial run's. Parallel "
                           "and serial runs must give the same bytes; please report this.");
        default:
          return g_strdup ("Not checked: Compare runs the folder serially, then in parallel, "
                           "and checks the outputs byte for byte.");
        }
    case COL_RUN:
    case COL_IMAGES:
    case COL_WALL:
    case COL_RATE:
    case COL_STAGES:
    case N_COLUMNS:
    default:
      return NULL;
    }
}

/* What a screen reader says for a row (its list item widget is the focusable node). */
static char *
row_description (PpTimingsView *self,
                 PpRunEntry    *entry)
{
  g_autofree char *title = run_title (entry, is_earlier (self, entry));
  g_autofree char *subtitle = run_subtitle (entry);
  g_autofree char *speedup = cell_text (self, entry, COL_SPEEDUP);
  g_autofree char *identical = cell_text (self, entry, COL_IDENTICAL);

  return g_strdup_printf ("%s, %s, %u images in %.2f s, speedup %s, identical %s", title,
                          subtitle, pp_run_entry_get_totals (entry)->n_ok,
                          pp_run_entry_get_wall_us (entry) / 1e6, speedup, identical);
}

static void
cell_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            ColumnBinding            *binding)
{
  GtkWidget *child;

  if (binding->column == COL_RUN)
    {
      GtkWidget *title = gtk_label_new (NULL);
      GtkWidget *subtitle = gtk_label_new (NULL);

      child = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
      gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_MIDDLE);
      gtk_label_set_max_width_chars (GTK_LABEL (subtitle), 40);
      gtk_widget_add_css_class (subtitle, "caption");
      gtk_widget_add_css_class (subtitle, "dim-label");
      gtk_box_append (GTK_BOX (child), title);
      gtk_box_append (GTK_BOX (child), subtitle);
    }
  else if (binding->column == COL_STAGES)
    child = pp_stage_bar_new ();
  else
    {
      child = gtk_label_new (NULL);
      gtk_label_set_xalign (GTK_LABEL (child), 1.0);
      gtk_widget_add_css_class (child, "numeric");
    }
  gtk_list_item_set_child (list_item, child);
}

static void
cell_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           ColumnBinding            *binding)
{
  PpTimingsView *self = binding->self;
  PpRunEntry *entry = gtk_list_item_get_item (list_item);
  GtkWidget *child = gtk_list_item_get_child (list_item);

  if (binding->column == COL_RUN)
    {
      g_autofree char *title = run_title (entry, is_earlier (self, entry));
      g_autofree char *subtitle = run_subtitle (entry);
      g_autofree char *row_label = row_description (self, entry);
      g_autofree char *tooltip = g_strdup_printf ("%s\n%s\nstarted %s", title, subtitle,
                                                  pp_run_entry_get_started (entry)
                                                    ? pp_run_entry_get_started (entry) : "?");
      GtkWidget *cell = gtk_widget_get_parent (child);
      GtkWidget *row = cell ? gtk_widget_get_parent (cell) : NULL;

      gtk_label_set_label (GTK_LABEL (gtk_widget_get_first_child (child)), title);
      gtk_label_set_label (GTK_LABEL (gtk_widget_get_last_child (child)), subtitle);
      gtk_widget_set_tooltip_text (child, tooltip);
      /* GTK 4.8 names a column view's row after its widget type: name it after the run. */
      if (row != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        row_label, -1);
    }
  else if (binding->column == COL_STAGES)
    {
      gint64 stages[PP_RUN_N_STAGES];

      for (PpRunStage s = 0; s < PP_RUN_N_STAGES; s++)
        stages[s] = pp_run_entry_get_stage_us (entry, s);
      pp_stage_bar_set_times (PP_STAGE_BAR (child), stages);
    }
  else
    {
      g_autofree char *text = cell_text (self, entry, binding->column);
      g_autofree char *explanation = cell_explanation (self, entry, binding->column);
      g_autofree char *label = g_strdup_printf ("%s %s", column_titles[binding->column], text);

      gtk_label_set_label (GTK_LABEL (child), text);
      gtk_widget_set_tooltip_text (child, explanation);
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      label, -1);
      if (explanation != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                        GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, explanation, -1);
    }
}

void
_pp_timings_view_init_columns (PpTimingsView *self)
{
  for (Column i = 0; i < N_COLUMNS; i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr (GtkColumnViewColumn) column = NULL;
      ColumnBinding *binding = g_new0 (ColumnBinding, 1);

      binding->self = self;
      binding->column = i;
      g_signal_connect (factory, "setup", G_CALLBACK (cell_setup), binding);
      g_signal_connect_data (factory, "bind", G_CALLBACK (cell_bind), binding,
                             (GClosureNotify) (void (*) (void)) g_free, 0);
      column = gtk_column_view_column_new (column_titles[i], factory);
      gtk_column_view_column_set_expand (column, i == COL_RUN);
      gtk_column_view_append_column (self->column_view, column);
    }
}

/* Notes */

typedef struct
{
  PpRunEntry *first;
  gint64 low_us;
  gint64 high_us;
  guint count;
} Spread;

static gboolean
counts_for_spread (PpRunEntry *entry)
{
  return pp_run_entry_get_finished (entry) && !pp_run_entry_get_cancelled (entry) &&
         pp_run_entry_get_wall_us (entry) > 0;
}

/* The runs of the same work, mode and thread count, finished: their times should agree. The
 * first such group (in the rows' order) whose times are far apart gets the note. */
static char *
spread_note (PpTimingsView *self)
{
  g_autoptr (GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         g_free);
  g_autoptr (GPtrArray) order = g_ptr_array_new ();
  guint n = g_list_model_get_n_items (self->all);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpRunEntry) entry = g_list_model_get_item (self->all, i);
      g_autofree char *key = NULL;
      gint64 wall = pp_run_entry_get_wall_us (entry);
      Spread *group;

      if (!counts_for_spread (entry))
        continue;
      key = g_strdup_printf ("%d/%u/%s", pp_run_entry_get_serial (entry),
                             pp_run_entry_get_threads (entry), pp_run_entry_get_work (entry));
      group = g_hash_table_lookup (groups, key);
      if (group == NULL)
        {
          group = g_new0 (Spread, 1);
          group->first = entry; /* the view's stores keep it */
          group->low_us = group->high_us = wall;
          g_hash_table_insert (groups, g_steal_pointer (&key), group);
          g_ptr_array_add (order, group);
        }
      group->low_us = MIN (group->low_us, wall);
      group->high_us = MAX (group->high_us, wall);
      group->count++;
    }
  for (guint i = 0; i < order->len; i++)
    {
      Spread *group = g_ptr_array_index (order, i);
      guint threads = pp_run_entry_get_threads (group->first);

      if (group->count > 1 && group->high_us - group->low_us > SPREAD_NOTE * group->low_us)
        return g_strdup_printf ("%u runs of the same work on %u thread%s took between %.2f s "
                                "and %.2f s (%.0f %% apart). Other programs using the "
                                "processors, or files read from disk rather than from memory, "
                                "make runs differ; compare runs made one right after the "
                                "other.", group->count, threads, threads == 1 ? "" : "s",
                                group->low_us / 1e6, group->high_us / 1e6,
                                100.0 * (group->high_us - group->low_us) / group->low_us);
    }
  return NULL;
}

/**
 * pp_timings_view_get_notes:
 *
 * Returns: (transfer full) (nullable): what needs explaining in the table (an efficiency over
 *   100 %, a large spread between runs of the same work), or %NULL
 */
char *
pp_timings_view_get_notes (PpTimingsView *self)
{
  GString *notes = g_string_new (NULL);
  g_autofree char *spread = NULL;
  guint n;

  g_return_val_if_fail (PP_IS_TIMINGS_VIEW (self), NULL);

  n = g_list_model_get_n_items (self->all);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpRunEntry) entry = g_list_model_get_item (self->all, i);
      double efficiency = efficiency_of (self, entry);

      if (efficiency > 1.0 && !pp_run_entry_get_serial (entry))
        {
          g_string_append_printf (notes, "Efficiency over 100 %% (%.0f %% for the parallel run "
                                  "on %u threads): better than perfect scaling means the serial "
                                  "run was slowed, most often because it read the files from "
                                  "disk for the first time and the parallel run found them in "
                                  "memory. Compare again to measure both with warm caches.",
                                  100 * efficiency, pp_run_entry_get_threads (entry));
          break;
        }
    }
  spread = spread_note (self);
  if (spread != NULL)
    g_string_append_printf (notes, "%s%s", notes->len > 0 ? "\n" : "", spread);
  if (notes->len == 0)
    {
      g_string_free (notes, TRUE);
      return NULL;
    }
  return g_string_free (notes, FALSE);
}

static void
update_stages (PpTimingsView *self)
{
  PpRunEntry *entry = gtk_single_selection_get_selected_item (self->selection);
  gint64 stages[PP_RUN_N_STAGES];
  g_autofree char *split = NULL;
  g_autofree char *text = NULL;
  gint64 sum = 0;

  if (entry == NULL)
    {
      gtk_label_set_label (self->stages_label, "");
      return;
    }
  for (PpRunStage s = 0; s < PP_RUN_N_STAGES; s++)
    sum += stages[s] = pp_run_entry_get_stage_us (entry, s);
  split = pp_stage_bar_describe (stages);
  text = g_strdup_printf ("Selected run, time in each stage summed over its workers (%.2f s): "
                          "%s.", sum / 1e6, split);
  gtk_label_set_label (self->stages_label, text);
}

void
_pp_timings_view_update_notes (PpTimingsView *self)
{
  g_autofree char *notes = pp_timings_view_get_notes (self);

  gtk_label_set_label (self->notes_label, notes ? notes : "");
  gtk_widget_set_visible (GTK_WIDGET (self->notes_label), notes != NULL);
  update_stages (self);
}

/* Export */

/* A CSV field: quoted when it holds a comma, a quote or a line break (RFC 4180). */
static void
append_field (GString    *csv,
              const char *text)
{
  if (text != NULL && strpbrk (text, ",\"\n\r") != NULL)
    {
      g_string_append_c (csv, '"');
      for (const char *p = text; *p; p++)
        {
          if (*p == '"')
            g_string_append_c (csv, '"');
          g_string_append_c (csv, *p);
        }
      g_string_append_c (csv, '"');
    }
  else if (text != NULL)
    g_string_append (csv, text);
}

static void
append_number (GString    *csv,
               const char *format,
               double      value,
               gboolean    known)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (known)
    g_string_append (csv, g_ascii_formatd (buf, sizeof buf, format, value));
}

/**
 * pp_timings_view_to_csv:
 *
 * Every run shown (earlier sessions' and this one's, running, cancelled and failed ones
 * too), one line each: mode, threads, images, megapixels, wall_s, images_per_s, speedup,
 * efficiency, identical, decode_s, filter_s, encode_s, write_s, then status ("finished",
 * "cancelled", "failed", "running"), failed, skipped, cancelled_files, cpu_s, started, folder,
 * chain, format. Empty fields are unknown.
 *
 * Returns: (transfer full): the CSV text, with a header line
 */
char *
pp_timings_view_to_csv (PpTimingsView *self)
{
  GString *csv;
  guint n;

  g_return_val_if_fail (PP_IS_TIMINGS_VIEW (self), NULL);

  csv = g_string_new ("mode,threads,images,megapixels,wall_s,images_per_s,speedup,efficiency,"
                      "identical,decode_s,filter_s,encode_s,write_s,status,failed,skipped,"
                      "cancelled_files,cpu_s,started,folder,chain,format\n");
  n = g_list_model_get_n_items (self->all);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpRunEntry) entry = g_list_model_get_item (self->all, i);
      const PpRunTotals *totals = pp_run_entry_get_totals (entry);
      double wall = pp_run_entry_get_wall_us (entry) / 1e6;
      double speedup = pp_timings_view_get_entry_speedup (self, entry);
      int identical = pp_run_entry_get_identical (entry);

      g_string_append_printf (csv, "%s,%u,%u,", pp_run_entry_get_serial (entry) ? "serial"
                                                                                : "parallel",
                              pp_run_entry_get_threads (entry), totals->n_ok);
      append_number (csv, "%.3f", totals->megapixels, TRUE);
      g_string_append_c (csv, ',');
      append_number (csv, "%.3f", wall, wall > 0);
      g_string_append_c (csv, ',');
      append_number (csv, "%.2f", wall > 0 ? totals->n_ok / wall : 0, wall > 0);
      g_string_append_c (csv, ',');
      append_number (csv, "%.3f", speedup, speedup > 0);
      g_string_append_c (csv, ',');
      append_number (csv, "%.3f", efficiency_of (self, entry), speedup > 0);
      g_string_append_printf (csv, ",%s", identical < 0 ? "" : identical ? "yes" : "no");
      for (PpRunStage s = 0; s < PP_RUN_N_STAGES; s++)
        {
          g_string_append_c (csv, ',');
          append_number (csv, "%.3f", pp_run_entry_get_stage_us (entry, s) / 1e6, TRUE);
        }
      g_string_append_printf (csv, ",%s,%u,%u,%u,", pp_run_entry_get_status (entry),
                              totals->n_failed, totals->n_skipped, totals->n_cancelled);
      append_number (csv, "%.3f", pp_run_entry_get_cpu_us (entry) / 1e6, TRUE);
      g_string_append_c (csv, ',');
      append_field (csv, pp_run_entry_get_started (entry));
      g_string_append_c (csv, ',');
      append_field (csv, pp_run_entry_get_folder (entry));
      g_string_append_c (csv, ',');
      append_field (csv, pp_run_entry_get_chain (entry));
      g_string_append_c (csv, ',');
      append_field (csv, pp_run_entry_get_format (entry));
      g_string_append_c (csv, '\n');
    }
  return g_string_free (csv, FALSE);
}

/**
 * pp_timings_view_to_json:
 *
 * Every run shown, as {"runs": [ … ]}: each the history line of pp_run_entry_to_json() with
 * "speedup" and "efficiency" as the view works them out, and, for this session's runs, the
 * full run record under "record" (docs/run-record.md).
 *
 * Returns: (transfer full): pretty-printed JSON
 */
char *
pp_timings_view_to_json (PpTimingsView *self)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();
  JsonArray *runs = json_array_new ();
  guint n;

  g_return_val_if_fail (PP_IS_TIMINGS_VIEW (self), NULL);

  n = g_list_model_get_n_items (self->all);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpRunEntry) entry = g_list_model_get_item (self->all, i);
      JsonNode *node = pp_run_entry_to_json (entry);
      JsonObject *run = json_node_get_object (node);
      double speedup = pp_timings_view_get_entry_speedup (self, entry);

      if (speedup > 0)
        {
          json_object_set_double_member (run, "speedup", speedup);
          json_object_set_double_member (run, "efficiency", efficiency_of (self, entry));
        }
      else
        json_object_set_null_member (run, "efficiency");
      if (pp_run_entry_get_run (entry) != NULL)
        json_object_set_member (run, "record", pp_run_to_json (pp_run_entry_get_run (entry)));
      json_array_add_element (runs, node);
    }
  json_object_set_array_member (object, "runs", runs);
  json_node_take_object (root, object);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}
