/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * File helpers every test wing shares (core, cli and ui tests include this through their own
 * helper header): copy a file, count a folder's entries, run a tool on files. GLib only, so any
 * test can use it.
 */
#pragma once

#include <glib.h>

/* Copies the file @from to @to (created or replaced), failing the test if either step fails. */
static inline void
pp_test_copy_file (const char *from,
                   const char *to)
{
  g_autofree char *contents = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (to, contents, length, NULL));
}

/* Entries (files and folders, not recursing) in @dir; 0 if it cannot be read. */
static inline guint
pp_test_count_entries (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* Runs @argv (NULL-terminated, found on PATH); returns its standard output (free it), failing
 * the test with its standard error on a non-zero exit. */
static inline char *
pp_test_run_tool (const char *const *argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
  return out;
}
