/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * core/ is the engine the command line, the window and the tests share: it must build without
 * GTK or libadwaita. Fails when any file under core/ includes one of their headers.
 */
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

static const char *const forbidden[] = { "<gtk/", "<adwaita.h", "<adw/", "\"gtk/", "<gdk/gdk.h", NULL };

static void
scan_dir (GFile  *dir,
          guint  *n_files,
          GString *offenders)
{
  g_autoptr (GFileEnumerator) children = NULL;
  g_autoptr (GError) error = NULL;
  GFileInfo *next;

  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                        G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, &error);
  g_assert_no_error (error);
  while ((next = g_file_enumerator_next_file (children, NULL, &error)) != NULL)
    {
      g_autoptr (GFileInfo) info = next;
      g_autoptr (GFile) child = g_file_get_child (dir, g_file_info_get_name (info));
      const char *name = g_file_info_get_name (info);

      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        scan_dir (child, n_files, offenders);
      else if (g_str_has_suffix (name, ".c") || g_str_has_suffix (name, ".h"))
        {
          g_autofree char *contents = NULL;
          g_auto (GStrv) lines = NULL;

          g_assert_true (g_file_load_contents (child, NULL, &contents, NULL, NULL, NULL));
          (*n_files)++;
          lines = g_strsplit (contents, "\n", -1);
          for (guint i = 0; lines[i] != NULL; i++)
            {
              const char *line = lines[i];

              while (*line == ' ' || *line == '\t')
                line++;
              if (!g_str_has_prefix (line, "#include") && !g_str_has_prefix (line, "# include"))
                continue;
              for (guint f = 0; forbidden[f] != NULL; f++)
                if (strstr (line, forbidden[f]) != NULL)
                  {
                    g_autofree char *path = g_file_get_path (child);

                    g_string_append_printf (offenders, "%s:%u: %s\n", path, i + 1, line);
                  }
            }
        }
    }
  g_assert_no_error (error);
}

static void
test_core_has_no_gtk (void)
{
  g_autofree char *core = g_build_filename (g_getenv ("PP_SOURCE_ROOT"), "core", NULL);
  g_autoptr (GFile) dir = g_file_new_for_path (core);
  g_autoptr (GString) offenders = g_string_new (NULL);
  guint n_files = 0;

  scan_dir (dir, &n_files, offenders);
  /* A scan that read nothing would pass vacuously. */
  g_assert_cmpuint (n_files, >=, 10);
  if (offenders->len > 0)
    g_error ("core/ must not include GTK or libadwaita headers:\n%s", offenders->str);
}

/* The scanner itself must catch an include, or the test above proves nothing. */
static void
test_scanner_catches_gtk (void)
{
  g_autofree char *tmp = g_dir_make_tmp ("pp-no-gtk-XXXXXX", NULL);
  g_autofree char *file = g_build_filename (tmp, "bad.c", NULL);
  g_autoptr (GFile) dir = g_file_new_for_path (tmp);
  g_autoptr (GString) offenders = g_string_new (NULL);
  guint n_files = 0;

  g_assert_true (g_file_set_contents (file, "  #include <gtk/gtk.h>\n", -1, NULL));
  scan_dir (dir, &n_files, offenders);
  g_assert_cmpuint (n_files, ==, 1);
  g_assert_nonnull (strstr (offenders->str, "bad.c:1"));
  g_remove (file);
  g_rmdir (tmp);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/core/no-gtk", test_core_has_no_gtk);
  g_test_add_func ("/pp/core/no-gtk-scanner", test_scanner_catches_gtk);
  return g_test_run ();
}
