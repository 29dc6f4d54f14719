/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Starting the window from a build tree: without its GSettings schema, `build/app/parapix` must
 * say what to do and exit 1, not die in GLib's "Settings schema … is not installed" abort; and
 * `meson devenv -C build` must provide the schema. Built only with the window (-Dgui=true).
 */
#include "cli-util.h"

/* A display that looks set (so parapix chooses the window) but does not exist: the schema check
 * comes before anything opens it. */
static void
test_no_schema (void)
{
  g_autofree char *empty = g_dir_make_tmp ("pp-no-schema-XXXXXX", NULL);
  const char *argv[] = { cli_parapix (), NULL };
  g_auto (GStrv) envp = g_get_environ ();
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status;

  envp = g_environ_unsetenv (envp, "GSETTINGS_SCHEMA_DIR");
  envp = g_environ_unsetenv (envp, "WAYLAND_DISPLAY");
  envp = g_environ_setenv (envp, "DISPLAY", ":98765", TRUE);
  /* Nowhere GLib looks holds the schema, installed or not. */
  envp = g_environ_setenv (envp, "XDG_DATA_DIRS", empty, TRUE);
  envp = g_environ_setenv (envp, "XDG_DATA_HOME", empty, TRUE);
  envp = g_environ_setenv (envp, "G_DEBUG", "", TRUE);
  g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_DEFAULT, NULL, NULL, NULL, &err, &status,
                &error);
  g_assert_no_error (error);
  g_test_message ("stderr: %s", err);
  /* An abort is a signal; the explanation is exit status 1. */
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 1);
  g_assert_nonnull (strstr (err, "io.github.parapix.Parapix"));
  g_assert_nonnull (strstr (err, "meson devenv -C build parapix"));
  g_assert_null (strstr (err, "GLib-GIO-ERROR"));
  g_rmdir (empty);
}

/* `meson devenv` puts the build tree's compiled schema first, so `meson devenv -C build parapix`
 * starts the window. */
static void
test_devenv (void)
{
  const char *meson = g_getenv ("PP_MESON");
  const char *build = g_getenv ("PP_BUILD_ROOT");
  const char *argv[] = { meson, "devenv", "-C", build, "--dump", NULL };
  g_autofree char *out = NULL;
  g_autofree char *dir = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSettingsSchemaSource) source = NULL;
  g_autoptr (GSettingsSchema) schema = NULL;
  g_auto (GStrv) lines = NULL;
  int status;

  g_assert_nonnull (meson);
  g_assert_nonnull (build);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status,
                &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL && dir == NULL; i++)
    if (g_str_has_prefix (lines[i], "GSETTINGS_SCHEMA_DIR=\""))
      {
        const char *value = lines[i] + strlen ("GSETTINGS_SCHEMA_DIR=\"");

        dir = g_strndup (value, strcspn (value, ":\""));
      }
  g_assert_nonnull (dir);
  source = g_settings_schema_source_new_from_directory (dir, NULL, TRUE, &error);
  g_assert_no_error (error);
  schema = g_settings_schema_source_lookup (source, "io.github.parapix.Parapix", FALSE);
  g_assert_nonnull (schema);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/app-start/no-schema", test_no_schema);
  g_test_add_func ("/pp/app-start/devenv", test_devenv);
  return g_test_run ();
}
