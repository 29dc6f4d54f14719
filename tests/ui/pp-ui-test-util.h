/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers for the ui tests: run the main loop until a condition holds, save a widget as a PNG,
 * and a main-loop stall probe.
 */
#pragma once

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>
#include <time.h>

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

static inline void
pp_test_run_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    pp_test_iterate ();
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

typedef struct
{
  gint64 last_cpu_us;
  gint64 max_busy_us; /* main-thread CPU time within the longest-busy gap */
  gint64 last_timeout_us;
  gint64 max_timeout_gap_us;
  gint64 last_tick_us;
  gint64 max_tick_gap_us;
  guint n_timeouts;
  guint n_ticks;
  guint timeout_id;
  guint tick_id;
  GtkWidget *widget;
} PpStallProbe;

static gboolean
pp_stall_probe_timeout (gpointer data)
{
  PpStallProbe *probe = data;
  gint64 now = g_get_monotonic_time ();

  gint64 cpu = pp_thread_cpu_us ();

  /* A gap is the main loop not getting back to us: either our own work on the main thread
   * (CPU time of this thread in the gap) or the thread waiting for a processor (the rest). */
  if (probe->last_timeout_us > 0)
    {
      probe->max_timeout_gap_us = MAX (probe->max_timeout_gap_us, now - probe->last_timeout_us);
      probe->max_busy_us = MAX (probe->max_busy_us, cpu - probe->last_cpu_us);
      if (now - probe->last_timeout_us > 30000 && g_getenv ("PP_STALL_DEBUG"))
        g_printerr ("gap %.1f ms, main thread busy %.1f ms of it\n",
                    (now - probe->last_timeout_us) / 1e3, (cpu - probe->last_cpu_us) / 1e3);
    }
  probe->last_timeout_us = now;
  probe->last_cpu_us = cpu;
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
  return G_SOURCE_CONTINUE;
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
}

static inline void
pp_stall_probe_stop (PpStallProbe *probe)
{
  g_clear_handle_id (&probe->timeout_id, g_source_remove);
  if (probe->tick_id != 0)
    gtk_widget_remove_tick_callback (probe->widget, probe->tick_id);
  probe->tick_id = 0;
}
