/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * --files-from lists: newline and NUL separated, relative paths from the base folder, cleaned,
 * sorted and without duplicates whatever order they came in, and a clear error for a list that
 * cannot be read.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "batch/pp-file-list.h"

static void
assert_list (GStrv              got,
             const char * const *want)
{
  g_autofree char *got_text = g_strjoinv ("|", got);
  g_autofree char *want_text = g_strjoinv ("|", (char **) want);

  g_assert_cmpstr (got_text, ==, want_text);
}

static void
test_lines (void)
{
  const char data[] = "b.jpg\r\n"
                      "/abs/z.png\n"
                      "\n"
                      "sub/./a.jpg\n"
                      "sub/x/../a.jpg\n"       /* the same file as the line above */
                      "a.jpg\n"
                      "b.jpg\n"                /* listed twice */
                      "with space.jpg";        /* no final newline */
  const char *const want[] = { "/abs/z.png", "/photos/a.jpg", "/photos/b.jpg",
                               "/photos/sub/a.jpg", "/photos/with space.jpg", NULL };
  guint duplicates = 0;
  g_auto (GStrv) paths = pp_file_list_parse (data, sizeof data - 1, "/photos", &duplicates);

  assert_list (paths, want);
  g_assert_cmpuint (duplicates, ==, 2);
}

/* Same entries in another order: the same list, so the same shards on every machine. */
static void
test_order_independent (void)
{
  const char one[] = "c.jpg\na.jpg\nb.jpg\n";
  const char two[] = "b.jpg\nc.jpg\na.jpg\n";
  g_auto (GStrv) x = pp_file_list_parse (one, sizeof one - 1, "/p", NULL);
  g_auto (GStrv) y = pp_file_list_parse (two, sizeof two - 1, "/p", NULL);

  g_assert_true (g_strv_equal ((const char *const *) x, (const char *const *) y));
  g_assert_cmpstr (x[0], ==, "/p/a.jpg");
}

/* find -print0: names with newlines survive. */
static void
test_nul_separated (void)
{
  const char data[] = "odd\nname.jpg\0./b.jpg\0\0b.jpg\0";
  const char *const want[] = { "/base/b.jpg", "/base/odd\nname.jpg", NULL };
  guint duplicates = 0;
  g_auto (GStrv) paths = pp_file_list_parse (data, sizeof data - 1, "/base", &duplicates);

  assert_list (paths, want);
  g_assert_cmpuint (duplicates, ==, 1);
}

static void
test_empty_and_cwd (void)
{
  g_auto (GStrv) none = pp_file_list_parse ("", 0, NULL, NULL);
  g_auto (GStrv) blank = pp_file_list_parse ("\n\n\r\n", 4, NULL, NULL);
  g_auto (GStrv) here = pp_file_list_parse ("x.jpg\n", 6, NULL, NULL);
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *expected = g_build_filename (cwd, "x.jpg", NULL);

  g_assert_cmpuint (g_strv_length (none), ==, 0);
  g_assert_cmpuint (g_strv_length (blank), ==, 0);
  g_assert_cmpstr (here[0], ==, expected);
}

static void
test_read (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pp-file-list-XXXXXX", &error);
  g_autofree char *list = g_build_filename (dir, "list.txt", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.txt", NULL);
  g_autoptr (GInputStream) stream = g_memory_input_stream_new_from_data ("q.jpg\np.jpg\n", -1,
                                                                         NULL);
  g_auto (GStrv) from_stream = NULL;
  g_auto (GStrv) from_file = NULL;

  from_stream = pp_file_list_read (stream, "/s", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (from_stream[0], ==, "/s/p.jpg");
  g_assert_cmpstr (from_stream[1], ==, "/s/q.jpg");

  g_file_set_contents (list, "one.jpg\n", -1, &error);
  g_assert_no_error (error);
  from_file = pp_file_list_read_path (list, "/f", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (from_file[0], ==, "/f/one.jpg");
  g_assert_null (from_file[1]);

  g_assert_null (pp_file_list_read_path (missing, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "missing.txt"));
  g_unlink (list);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/file-list/lines", test_lines);
  g_test_add_func ("/pp/file-list/order-independent", test_order_independent);
  g_test_add_func ("/pp/file-list/nul-separated", test_nul_separated);
  g_test_add_func ("/pp/file-list/empty-and-cwd", test_empty_and_cwd);
  g_test_add_func ("/pp/file-list/read", test_read);
  return g_test_run ();
}
