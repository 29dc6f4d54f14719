/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers for the ui tests: test mode with a scratch home, windows shown and closed, run the main
 * loop until a condition holds, save a widget as a PNG, and a main-loop stall probe.
 */
#pragma once

#include <adwaita.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pp-window.h"
#include "../pp-test-files.h"

/* Iterates the default main context until @cond is true or @seconds pass. */
#define PP_WAIT_UNTIL(cond, seconds)                                                             \
  G_STMT_START                                                                                   \
  {                                                                                              \
    gint64 _deadline = g_get_monotonic_time () + (gint64) ((seconds) * G_USEC_PER_SEC);           \
    while (!(cond))                                                                              \
      {                                                                                          \
        if (g_get_monotonic_time () > _deadline)                                                 \
          g_error ("timed out after %d s waiting for %s", (int) (seconds), #cond);               \
        pp_test_iterate ();                                                                      \
      }                                                                                          \
  }                                                                                              \
  G_STMT_END

static gboolean
pp_test_wake (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* One blocking iteration, woken at least every 10 ms so conditions are rechecked. */
static inline void
pp_test_iterate (void)
{
  static guint wake_id = 0;

  if (wake_id == 0)
    wake_id = g_timeout_add (10, pp_test_wake, NULL);
  g_main_context_iteration (NULL, TRUE);
}

/* Removes a scratch tree, leaving what cannot go: unlike the core tests' pp_test_remove_tree,
 * it does not assert, because GTK and Mesa may still be writing their caches (a "doc" folder,
 * mesa_shader_cache) under a test's home while the process ends. */
static inline void
pp_ui_test_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        pp_ui_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static inline void
pp_test_run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    pp_test_iterate ();
}

/* Test mode for a ui test's main(): a scratch home for XDG config, cache and data (before GLib
 * caches them, and before any thread exists), then gtk_test_init() and adw_init(). Returns the
 * home (transfer full); the caller removes it, or leaves it to the build tree's tmp. */
static inline char *
pp_ui_test_init (int    *argc,
                 char ***argv)
{
  char *home = g_dir_make_tmp ("parapix-ui-home-XXXXXX", NULL);

  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  g_setenv ("XDG_CACHE_HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  return home;
}

/* Presents @window (a GtkWindow) and runs the main loop until it is mapped (10 s at most). */
static inline void
pp_ui_test_present (gpointer window)
{
  gtk_window_present (GTK_WINDOW (window));
  PP_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)), 10);
}

/* Destroys @window (a GtkWindow the test holds a reference to; nullable), drops that reference
 * and lets the main loop finish what the destruction started (50 ms). */
static inline void
pp_ui_test_close (gpointer window)
{
  if (window != NULL)
    {
      gtk_window_destroy (GTK_WINDOW (window));
      g_object_unref (window);
    }
  pp_test_run_for (50);
}

/* A new PpWindow (the test holds the returned reference), presented and mapped; its size is
 * what the window-width and window-height settings say. */
static inline PpWindow *
pp_ui_test_new_window (void)
{
  PpWindow *window = g_object_ref_sink (pp_window_new (NULL));

  pp_ui_test_present (window);
  return window;
}

/* The GTest fixture of the window tests; set-up is each test's own. */
typedef struct
{
  char *tmp;           /* a scratch folder, removed with all it holds at tear-down */
  char *in;            /* (nullable) an input folder, under tmp */
  char *out;           /* (nullable) the output folder */
  GSettings *settings; /* the application's settings (the memory backend) */
  PpWindow *window;    /* (nullable) the window, from pp_ui_test_new_window() */
} PpUiWindowFixture;

static inline void
pp_ui_window_fixture_tear_down (PpUiWindowFixture *fixture,
                                gconstpointer      data)
{
  pp_ui_test_close (fixture->window);
  g_clear_object (&fixture->settings);
  pp_ui_test_remove_tree (fixture->tmp);
  g_free (fixture->in);
  g_free (fixture->out);
  g_free (fixture->tmp);
}

/* Points the "output-folder" setting at the folder @path. */
static inline void
pp_ui_test_set_output (GSettings  *settings,
                       const char *path)
{
  g_autoptr (GFile) out = g_file_new_for_path (path);
  g_autofree char *uri = g_file_get_uri (out);

  g_settings_set_string (settings, "output-folder", uri);
}

/* The last AdwMessageDialog among the toplevels (only visible ones if @visible_only), or NULL. */
static inline AdwMessageDialog *
pp_ui_test_find_message_dialog (gboolean visible_only)
{
  GList *toplevels = gtk_window_list_toplevels ();
  AdwMessageDialog *dialog = NULL;

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && (!visible_only || gtk_widget_get_visible (l->data)))
      dialog = l->data;
  g_list_free (toplevels);
  return dialog;
}

/* Whether @widget is the one a search looks for, given the search's @data. */
typedef gboolean (*PpUiTestMatch) (GtkWidget     *widget,
                                   gconstpointer  data);

/* The first widget at or under @root (depth first) that @match accepts, or NULL. */
static inline GtkWidget *
pp_ui_test_find_widget (GtkWidget     *root,
                        PpUiTestMatch  match,
                        gconstpointer  data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = pp_ui_test_find_widget (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Renders @widget with its window's renderer and saves it under $G_TEST_BUILDDIR/screenshots. */
static inline char *
pp_test_screenshot (GtkWidget  *widget,
                    const char *name)
{
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int width, height;
  const char *builddir = g_getenv ("G_TEST_BUILDDIR");
  g_autofree char *dir = g_build_filename (builddir ? builddir : ".", "screenshots", NULL);
  g_autofree char *basename = g_strconcat (name, ".png", NULL);
  char *path = g_build_filename (dir, basename, NULL);

  /* A widget paintable takes its image when it is made, and an empty one while the widget waits
   * for a relayout: let a few frames pass, and try again until it has one. */
  PP_WAIT_UNTIL (gtk_widget_get_width (widget) > 0, 10);
  pp_test_run_for (150);
  for (guint attempt = 0; node == NULL && attempt < 200; attempt++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();

      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
      g_clear_object (&paintable);
      paintable = gtk_widget_paintable_new (widget);
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (snapshot);
      if (node == NULL)
        pp_test_run_for (10);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (dir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
  return path;
}

/* The stall probe: the longest gap between two runs of a 5 ms timeout, and between two frame
 * clock ticks of a widget. Both only advance when the main loop is free. */
static inline gint64
pp_thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* This thread's time spent runnable but waiting for a processor (the second field of
 * /proc/thread-self/schedstat, in ns), in µs; -1 where the kernel does not keep it. */
static inline gint64
pp_thread_wait_us (void)
{
  char buf[96];
  unsigned long long run_ns, wait_ns;
  int fd = open ("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read (fd, buf, sizeof buf - 1) : -1;

  if (fd >= 0)
    close (fd);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  if (sscanf (buf, "%llu %llu", &run_ns, &wait_ns) != 2)
    return -1;
  return (gint64) (wait_ns / 1000);
}

/* A gap's main-thread CPU time splits into making frames (from the frame clock's update phase,
 * where the probe's tick runs, to after-paint: layout, snapshots and, with the cairo renderer
 * the ui tests use, software drawing) and everything else: Parapix's own work, which the
 * 16 ms budget is about (tests/ui/pp-ui-budget.h). */
/* The per-gap budget of the main thread's own work (16 ms and a margin; pp-ui-budget.h). */
#define PP_PROBE_OWN_BUDGET_US (16 * 1000 * 3 / 2)
#define PP_PROBE_MAX_FRAMES 8192

typedef struct
{
  gint64 last_cpu_us;
  gint64 last_wait_us;    /* pp_thread_wait_us() at the last timeout, or -1 */
  gint64 max_wait_us;     /* the longest the main thread waited for a processor in one gap */
  gint64 max_blocked_us;  /* the longest it was off the processor by its own doing in one gap:
                           * the gap less its CPU time and its wait for a processor (sleeping
                           * in poll until the 5 ms timeout is due, or blocked on a lock, a
                           * pipe or the X server) */
  gint64 max_busy_us;     /* main-thread CPU time within the longest-busy gap */
  gint64 max_own_busy_us; /* the same, frames left out */
  guint n_gaps;
  guint n_own_over_budget; /* gaps whose own work passed PP_PROBE_OWN_BUDGET_US */
  gint64 frame_start_cpu_us;
  gint64 frames_in_gap_us;
  gint64 max_frame_us;    /* main-thread CPU time of the costliest frame */
  gint64 frame_us[PP_PROBE_MAX_FRAMES]; /* each frame's, the first PP_PROBE_MAX_FRAMES */
  guint n_frames;
  gint64 last_timeout_us;
  gint64 max_timeout_gap_us;
  gint64 last_tick_us;
  gint64 max_tick_gap_us;
  guint n_timeouts;
  guint n_ticks;
  guint timeout_id;
  guint tick_id;
  gulong after_paint_id;
  GdkFrameClock *clock;
  GtkWidget *widget;
} PpStallProbe;

static gboolean
pp_stall_probe_timeout (gpointer data)
{
  PpStallProbe *probe = data;
  gint64 now = g_get_monotonic_time ();

  gint64 cpu = pp_thread_cpu_us ();
  gint64 wait = pp_thread_wait_us ();

  /* A gap is the main loop not getting back to us: our own work on the main thread (CPU time
   * of this thread in the gap), the thread waiting for a processor (the machine's load), or
   * the thread off the processor by its own doing (the rest: a blocking call is a stall). */
  if (probe->last_timeout_us > 0)
    {
      gint64 gap = now - probe->last_timeout_us, busy = cpu - probe->last_cpu_us;
      gint64 waited = wait >= 0 && probe->last_wait_us >= 0 ? wait - probe->last_wait_us : 0;

      probe->max_timeout_gap_us = MAX (probe->max_timeout_gap_us, gap);
      probe->max_busy_us = MAX (probe->max_busy_us, busy);
      probe->max_own_busy_us = MAX (probe->max_own_busy_us, busy - probe->frames_in_gap_us);
      probe->n_gaps++;
      if (busy - probe->frames_in_gap_us > PP_PROBE_OWN_BUDGET_US)
        probe->n_own_over_budget++;
      probe->max_wait_us = MAX (probe->max_wait_us, waited);
      probe->max_blocked_us = MAX (probe->max_blocked_us, gap - busy - waited);
      if (gap > 30000 && g_getenv ("PP_STALL_DEBUG"))
        g_printerr ("gap %.1f ms: main thread busy %.1f ms (%.1f ms making frames), waited "
                    "%.1f ms for a processor, blocked %.1f ms\n", gap / 1e3, busy / 1e3,
                    probe->frames_in_gap_us / 1e3, waited / 1e3, (gap - busy - waited) / 1e3);
    }
  probe->last_timeout_us = now;
  probe->last_cpu_us = cpu;
  probe->last_wait_us = wait;
  probe->frames_in_gap_us = 0;
  probe->n_timeouts++;
  return G_SOURCE_CONTINUE;
}

static gboolean
pp_stall_probe_tick (GtkWidget     *widget,
                     GdkFrameClock *clock,
                     gpointer       data)
{
  PpStallProbe *probe = data;
  gint64 now = g_get_monotonic_time ();

  if (probe->last_tick_us > 0)
    probe->max_tick_gap_us = MAX (probe->max_tick_gap_us, now - probe->last_tick_us);
  probe->last_tick_us = now;
  probe->n_ticks++;
  probe->frame_start_cpu_us = pp_thread_cpu_us ();
  return G_SOURCE_CONTINUE;
}

static void
pp_stall_probe_after_paint (GdkFrameClock *clock,
                            gpointer       data)
{
  PpStallProbe *probe = data;
  gint64 frame_us;

  if (probe->frame_start_cpu_us == 0)
    return;
  frame_us = pp_thread_cpu_us () - probe->frame_start_cpu_us;
  probe->frame_start_cpu_us = 0;
  probe->frames_in_gap_us += frame_us;
  probe->max_frame_us = MAX (probe->max_frame_us, frame_us);
  if (probe->n_frames < PP_PROBE_MAX_FRAMES)
    probe->frame_us[probe->n_frames++] = frame_us;
}

static inline void
pp_stall_probe_start (PpStallProbe *probe,
                      GtkWidget    *widget)
{
  memset (probe, 0, sizeof *probe);
  probe->widget = widget;
  probe->timeout_id = g_timeout_add_full (G_PRIORITY_DEFAULT, 5, pp_stall_probe_timeout, probe,
                                          NULL);
  probe->tick_id = gtk_widget_add_tick_callback (widget, pp_stall_probe_tick, probe, NULL);
  probe->clock = gtk_widget_get_frame_clock (widget);
  g_assert_nonnull (probe->clock);
  probe->after_paint_id = g_signal_connect (probe->clock, "after-paint",
                                            G_CALLBACK (pp_stall_probe_after_paint), probe);
}

static inline void
pp_stall_probe_stop (PpStallProbe *probe)
{
  g_clear_handle_id (&probe->timeout_id, g_source_remove);
  if (probe->tick_id != 0)
    gtk_widget_remove_tick_callback (probe->widget, probe->tick_id);
  probe->tick_id = 0;
  g_clear_signal_handler (&probe->after_paint_id, probe->clock);
}

static int
pp_compare_gint64 (gconstpointer a,
                   gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Main-thread CPU time of drawing the whole of @widget's window from scratch with its renderer
 * (the median of 5): what a frame costs this renderer on this machine, to read the frame
 * figures against. Partial redraws cost less; a frame that costs much more draws something
 * much larger than the window (an unscaled 12-megapixel texture). */
static inline gint64
pp_test_full_frame_us (GtkWidget *widget)
{
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (widget));
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (root));
  int width = gtk_widget_get_width (root), height = gtk_widget_get_height (root);
  gint64 frames[5];

  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    {
      g_autoptr (GskRenderNode) node = NULL;
      g_autoptr (GdkTexture) texture = NULL;
      gint64 cpu = 0;

      /* A widget paintable is empty while its widget waits for a relayout: try again. */
      for (guint attempt = 0; node == NULL; attempt++)
        {
          g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (root);
          GtkSnapshot *snapshot = gtk_snapshot_new ();

          g_assert_cmpuint (attempt, <, 200);
          if (attempt > 0)
            pp_test_run_for (10);
          cpu = pp_thread_cpu_us ();
          gdk_paintable_snapshot (paintable, snapshot, width, height);
          node = gtk_snapshot_free_to_node (snapshot);
        }
      texture = gsk_renderer_render_texture (renderer, node,
                                             &GRAPHENE_RECT_INIT (0, 0, width, height));
      frames[i] = pp_thread_cpu_us () - cpu;
    }
  qsort (frames, G_N_ELEMENTS (frames), sizeof frames[0], pp_compare_gint64);
  return frames[G_N_ELEMENTS (frames) / 2];
}
