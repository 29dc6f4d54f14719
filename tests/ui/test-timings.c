/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Timings view and the timeline over runs made up here (known times, no batch): a serial
 * and a parallel run of the same work share one time axis, so the serial bar is as many times
 * longer as the speedup says; the figures explain themselves (tooltips with their sums, a note
 * on an efficiency over 100 % and on a spread between runs); finished runs are kept as JSON
 * lines and read back in a new view, cancelled and failed ones marked, and Clear forgets them;
 * the exports list every run. Screenshots in light and dark.
 */
#include "config.h"

#include "pp-timeline.h"
#include "pp-timings-view.h"
#include "pp-ui-test-util.h"

typedef struct
{
  GtkWindow *window;
  PpTimingsView *view;
  PpTimeline *timeline;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *history = pp_timings_view_get_history_path ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  /* Every test starts without a history. */
  g_unlink (history);
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 1100, 700);
  f->view = g_object_new (PP_TYPE_TIMINGS_VIEW, NULL);
  f->timeline = g_object_new (PP_TYPE_TIMELINE, NULL);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->view));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->timeline));
  gtk_window_set_child (f->window, box);
  gtk_window_present (f->window);
  PP_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (f->timeline)), 10);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (f->window);
  pp_test_run_for (50);
}

/* A run of @n_files files, each @file_ms long, dealt round-robin to @threads workers that
 * start together; @failed of them fail. Finished (or cancelled) with the wall time the lanes
 * took. */
static PpRun *
make_run (guint    threads,
          guint    n_files,
          guint    file_ms,
          guint    failed,
          gboolean cancelled)
{
  PpRun *run = pp_run_new (threads == 1 ? PP_BATCH_MODE_SERIAL : PP_BATCH_MODE_PARALLEL,
                           threads);
  gint64 origin = 1000000;
  guint per_lane = (n_files + threads - 1) / threads;

  for (guint i = 0; i < n_files; i++)
    {
      PpFileRecord record = { 0 };
      gint64 file_us = file_ms * 1000;

      record.index = i;
      record.input = g_strdup_printf ("/photos/img-%02u.jpg", i);
      record.status = i < failed ? PP_FILE_STATUS_FAILED : PP_FILE_STATUS_OK;
      record.reason = i < failed ? g_strdup ("The file ends early") : NULL;
      record.source_width = record.width = 1000;
      record.source_height = record.height = 1000;
      record.worker = i % threads;
      record.start_us = origin + (i / threads) * file_us;
      record.end_us = record.start_us + file_us;
      if (i >= failed)
        {
          record.decode_us = file_us * 2 / 10;
          record.filter_us = file_us * 5 / 10;
          record.encode_us = file_us * 2 / 10;
          record.write_us = file_us / 10;
        }
      pp_run_append (run, pp_file_result_new_take (&record));
    }
  pp_run_finish (run, per_lane * file_ms * 1000, per_lane * file_ms * 1000 * threads,
                 cancelled);
  return run;
}

static void
add (Fixture *f,
     PpRun   *run,
     const char *work)
{
  pp_timings_view_add_run (f->view, run, work, "Holiday", "exposure=0.5,fit=800x800", "jpeg");
}

/* Every tooltip under @widget that starts with @prefix, joined. */
static void
collect_tooltips (GtkWidget  *widget,
                  const char *prefix,
                  GString    *out)
{
  const char *tooltip = gtk_widget_get_tooltip_text (widget);

  if (tooltip != NULL && g_str_has_prefix (tooltip, prefix))
    g_string_append_printf (out, "%s\n", tooltip);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_tooltips (child, prefix, out);
}

static char *
tooltips (Fixture    *f,
          const char *prefix)
{
  GString *out = g_string_new (NULL);

  pp_test_run_for (100);
  collect_tooltips (GTK_WIDGET (f->view), prefix, out);
  return g_string_free (out, FALSE);
}

static void
test_shared_axis (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr (PpRun) serial = make_run (1, 8, 100, 0, FALSE);
  g_autoptr (PpRun) parallel = make_run (4, 8, 100, 0, FALSE);
  g_autoptr (PpRun) other = make_run (1, 8, 50, 0, FALSE);
  PpRunEntry *serial_entry, *parallel_entry;
  double s0, s1, p0, p1;
  g_autofree char *description = NULL;

  add (f, serial, "work A");
  add (f, other, "work B");
  add (f, parallel, "work A");
  serial_entry = pp_timings_view_get_entry (f->view, serial);
  parallel_entry = pp_timings_view_get_entry (f->view, parallel);
  /* The baseline is the serial run of the same work, not the later one of other work. */
  g_assert_true (pp_timings_view_get_baseline (f->view, parallel_entry) == serial_entry);
  g_assert_cmpfloat_with_epsilon (pp_timings_view_get_speedup (f->view, parallel), 4.0, 1e-9);

  pp_timeline_set_runs (f->timeline, parallel_entry, serial_entry);
  /* Drawn once laid out. */
  PP_WAIT_UNTIL (pp_timeline_get_run_extent (f->timeline, serial_entry, &s0, &s1), 10);
  g_assert_true (pp_timeline_get_run_extent (f->timeline, parallel_entry, &p0, &p1));
  g_test_message ("serial bar %.1f px, parallel bar %.1f px", s1 - s0, p1 - p0);
  /* One axis: both start at its origin and the lengths keep the ratio of the times. */
  g_assert_cmpfloat (s0, ==, p0);
  g_assert_cmpfloat (p1 - p0, >, 20);
  g_assert_cmpfloat_with_epsilon ((s1 - s0) / (p1 - p0), 4.0, 0.01);
  g_assert_cmpfloat (s1, <=, gtk_widget_get_width (GTK_WIDGET (f->timeline)));

  /* Per worker, in words: four lanes busy 0.20 s of 0.20 s, two files each. */
  description = pp_timeline_describe (f->timeline);
  g_test_message ("%s", description);
  g_assert_nonnull (strstr (description, "Serial on 1 thread · 0.80 s: worker 1 busy 0.80 s "
                                         "(100 %), 8 files."));
  g_assert_nonnull (strstr (description, "worker 4 busy 0.20 s (100 %), 2 files."));
  pp_test_screenshot (GTK_WIDGET (f->window), "timings-shared-axis");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_FORCE_DARK);
  pp_test_screenshot (GTK_WIDGET (f->window), "timings-shared-axis-dark");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  /* Alone, a run fills the axis. */
  pp_timeline_set_runs (f->timeline, parallel_entry, NULL);
  pp_test_run_for (100);
  g_assert_false (pp_timeline_get_run_extent (f->timeline, serial_entry, &s0, &s1));
  g_assert_true (pp_timeline_get_run_extent (f->timeline, parallel_entry, &p0, &p1));
  g_assert_cmpfloat (p1 - p0, >, 3 * 20);
}

static void
test_explanations (Fixture       *f,
                   gconstpointer  data)
{
  /* Serial 1.0 s; parallel on 2 threads 0.4 s: 2.5×, efficiency 125 %. */
  g_autoptr (PpRun) serial = make_run (1, 10, 100, 0, FALSE);
  g_autoptr (PpRun) fast = make_run (2, 8, 100, 0, FALSE);
  g_autofree char *speedups = NULL;
  g_autofree char *efficiencies = NULL;
  g_autofree char *notes = NULL;

  g_assert_null (pp_timings_view_get_notes (f->view));
  add (f, serial, "work");
  add (f, fast, "work");
  speedups = tooltips (f, "Speedup");
  g_test_message ("%s", speedups);
  g_assert_nonnull (strstr (speedups, "Speedup: the serial run's wall time (1.00 s) ÷ this "
                                      "run's (0.40 s) = 2.50×"));
  efficiencies = tooltips (f, "Efficiency");
  g_assert_nonnull (strstr (efficiencies, "speedup 2.50× ÷ 2 threads = 125 %. Above 100 %"));
  notes = pp_timings_view_get_notes (f->view);
  g_assert_nonnull (notes);
  g_assert_nonnull (strstr (notes, "Efficiency over 100 % (125 %"));
  g_assert_null (strstr (notes, "apart"));

  /* Not compared yet: "Identical" says how to get it; then the byte check's verdict. */
  {
    g_autofree char *identical = tooltips (f, "Not checked");

    g_assert_nonnull (strstr (identical, "Compare runs the folder serially"));
  }
  pp_timings_view_set_identical (f->view, fast, TRUE);
  {
    g_autofree char *identical = tooltips (f, "Identical");

    g_assert_nonnull (strstr (identical, "byte for byte"));
  }

  /* A second parallel run of the same work, 50 % slower: the spread is explained. */
  {
    g_autoptr (PpRun) slow = make_run (2, 8, 150, 0, FALSE);
    g_autofree char *more = NULL;

    add (f, slow, "work");
    more = pp_timings_view_get_notes (f->view);
    g_test_message ("%s", more);
    g_assert_nonnull (strstr (more, "2 runs of the same work on 2 threads took between 0.40 s "
                                    "and 0.60 s (50 % apart)"));
  }
}

static guint
count_lines (const char *path)
{
  g_autofree char *contents = NULL;
  guint n = 0;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return 0;
  for (const char *p = contents; *p; p++)
    n += *p == '\n';
  return n;
}

static void
test_history (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *path = pp_timings_view_get_history_path ();
  g_autoptr (PpRun) serial = make_run (1, 6, 100, 0, FALSE);
  g_autoptr (PpRun) parallel = make_run (2, 6, 100, 1, FALSE);
  g_autoptr (PpRun) cancelled = make_run (2, 3, 100, 0, TRUE);
  g_autoptr (PpRun) failed = make_run (2, 2, 100, 2, FALSE);
  g_autoptr (PpRun) running = pp_run_new (PP_BATCH_MODE_PARALLEL, 2);
  PpTimingsView *later;
  g_autofree char *csv = NULL;
  g_autofree char *json = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonArray *runs;

  add (f, serial, "work");
  add (f, parallel, "work");
  add (f, cancelled, "work");
  add (f, failed, "work");
  add (f, running, "work");
  pp_timings_view_keep_finished (f->view);
  /* Once each, the run still going left out. */
  pp_timings_view_keep_finished (f->view);
  g_assert_cmpuint (count_lines (path), ==, 4);

  /* A new view (a restart) reads them back, skipping a line it cannot read. */
  {
    g_autofree char *contents = NULL;
    g_autofree char *broken = NULL;

    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    broken = g_strconcat ("{\"version\": 99}\nnot json\n", contents, NULL);
    g_assert_true (g_file_set_contents (path, broken, -1, NULL));
  }
  later = g_object_ref_sink (g_object_new (PP_TYPE_TIMINGS_VIEW, NULL));
  pp_timings_view_load_history (later);
  g_assert_cmpuint (pp_timings_view_get_n_history (later), ==, 4);
  g_assert_cmpuint (pp_timings_view_get_n_runs (later), ==, 0);
  csv = pp_timings_view_to_csv (later);
  g_test_message ("%s", csv);
  {
    g_auto (GStrv) lines = g_strsplit (csv, "\n", -1);
    g_auto (GStrv) second = NULL;

    g_assert_cmpuint (g_strv_length (lines), ==, 6); /* header, 4 runs, "" */
    g_assert_true (g_str_has_prefix (lines[1], "serial,1,6,6.000,0.600,10.00,1.000,1.000,,"));
    /* The parallel run: 5 images, one failed, its speedup worked out again. */
    second = g_strsplit (lines[2], ",", -1);
    g_assert_cmpstr (second[0], ==, "parallel");
    g_assert_cmpstr (second[2], ==, "5");
    g_assert_cmpstr (second[6], ==, "2.000");
    g_assert_cmpstr (second[13], ==, "finished");
    g_assert_cmpstr (second[14], ==, "1");
    g_assert_nonnull (strstr (lines[3], ",cancelled,"));
    g_assert_nonnull (strstr (lines[4], ",failed,2,0,0,"));
    g_assert_true (g_str_has_suffix (lines[4], ",Holiday,\"exposure=0.5,fit=800x800\",jpeg"));
  }
  /* Stage times and per-worker totals survive the round trip. */
  json = pp_timings_view_to_json (later);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  runs = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                       "runs");
  g_assert_cmpuint (json_array_get_length (runs), ==, 4);
  {
    JsonObject *second = json_array_get_object_element (runs, 1);
    JsonObject *stages = json_object_get_object_member (second, "stages_s");
    JsonArray *workers = json_object_get_array_member (second, "workers");

    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (stages, "filter"), 0.25,
                                    1e-9);
    g_assert_cmpuint (json_array_get_length (workers), ==, 2);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (
                                      json_array_get_object_element (workers, 0), "busy_s"),
                                    0.3, 1e-9);
    g_assert_cmpfloat_with_epsilon (json_object_get_double_member (second, "efficiency"), 1.0,
                                    1e-9);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (runs, 2),
                                                    "status"), ==, "cancelled");
  }
  /* Clear forgets the file and the rows; the run still going keeps its row. */
  pp_timings_view_clear_history (f->view);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (pp_timings_view_get_n_runs (f->view), ==, 1);
  pp_timings_view_load_history (later);
  g_assert_cmpuint (pp_timings_view_get_n_history (later), ==, 0);
  g_object_unref (later);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *home = g_dir_make_tmp ("parapix-ui-timings-XXXXXX", NULL);
  g_autofree char *history = NULL;
  g_autofree char *dir = NULL;
  int status;

  /* Before GLib caches it: the history goes to a folder of the test's own. */
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(name, func) \
  g_test_add ("/pp/ui/timings/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("shared-axis", test_shared_axis);
  ADD ("explanations", test_explanations);
  ADD ("history", test_history);
#undef ADD
  status = g_test_run ();
  history = pp_timings_view_get_history_path ();
  dir = g_path_get_dirname (history);
  g_unlink (history);
  g_rmdir (dir);
  g_rmdir (home);
  return status;
}
