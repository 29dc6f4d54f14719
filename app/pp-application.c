/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpApplication: one instance per session (GApplication's uniqueness): `parapix FOLDER` and
 * `parapix FILE…` reach the running instance's open handler. Application-wide actions (about,
 * quit) and their shortcuts live here; everything else is the window's.
 */
#define G_LOG_DOMAIN "pp-application"

#include "config.h"

#include "pp-application.h"
#include "render/pp-scheduler.h"
#include "pp-window.h"

/* Workers yield to the window's main thread when every core is busy (see pp-scheduler.c). */
#define PP_WINDOW_WORKER_NICENESS 5

struct _PpApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (PpApplication, pp_application, ADW_TYPE_APPLICATION)

static PpWindow *
get_window (PpApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (pp_window_new (ADW_APPLICATION (self)));
  return PP_WINDOW (window);
}

static void
pp_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_window (PP_APPLICATION (app))));
}

static void
pp_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  PpWindow *window = get_window (PP_APPLICATION (app));

  pp_window_open_files (window, files, (guint) n_files);
  gtk_window_present (GTK_WINDOW (window));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GtkApplication *app = user_data;
  static const char *developers[] = { "The Parapix contributors", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", "Parapix",
                        "application-icon", APP_ID,
                        "developer-name", "The Parapix contributors",
                        "version", PACKAGE_VERSION,
                        "comments", "Apply a chain of image filters on every processor core, "
                                    "live or to a whole folder, and see what the parallelism buys.",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        "copyright", "© 2026 The Parapix contributors",
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows = gtk_application_get_windows (app);

  /* Close politely so windows save their state and cancel their batches. */
  for (GList *l = windows; l != NULL;)
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_close (window);
    }
}

static const GActionEntry app_actions[] = {
  { "about", about_action, NULL, NULL, NULL, { 0 } },
  { "quit", quit_action, NULL, NULL, NULL, { 0 } },
};

static void
pp_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (pp_application_parent_class)->startup (app);

  pp_scheduler_set_worker_niceness (PP_WINDOW_WORKER_NICENESS);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
}

static void
pp_application_class_init (PpApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = pp_application_activate;
  app_class->open = pp_application_open;
  app_class->startup = pp_application_startup;
}

static void
pp_application_init (PpApplication *self)
{
}

/* The window keeps its settings (output, threads, window size) in GSettings, which aborts the
 * whole process on a schema it cannot find: say what to do instead. */
static gboolean
check_settings_schema (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL)
    return TRUE;
  g_printerr ("parapix: the window cannot start: its settings schema (%s) is not installed.\n"
              "  From a build tree, start it with “meson devenv -C build parapix” (or tools/demo),\n"
              "  or point GSETTINGS_SCHEMA_DIR at build/data; otherwise install Parapix.\n"
              "  The command line (parapix --batch DIR --pipeline SPEC) needs no schema.\n",
              APP_ID);
  return FALSE;
}

/**
 * pp_application_main:
 * @argc: as main() got it
 * @argv: as main() got it
 *
 * Runs the window (a single instance: a second launch hands its files to the first). Main
 * thread. Checks first that the settings schema is installed, and explains how to start Parapix
 * when it is not, instead of GLib's abort.
 *
 * Returns: the exit status: 0, or 1 when the window could not start
 */
int
pp_application_main (int    argc,
                     char **argv)
{
  g_autoptr (PpApplication) app = NULL;

  if (!check_settings_schema ())
    return 1;
  app = pp_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}

/**
 * pp_application_new:
 *
 * Returns: (transfer full): the application; run it with g_application_run(), or use
 *   pp_application_main()
 */
PpApplication *
pp_application_new (void)
{
  return g_object_new (PP_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/parapix/Parapix",
                       NULL);
}
