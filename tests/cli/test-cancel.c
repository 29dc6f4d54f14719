/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Ctrl+C at random moments: parapix exits 130 (or 0 if it had finished), leaves no temporary or
 * partial file, keeps exactly the outputs its run record lists as done, and says what it did.
 */
#include <signal.h>
#include <unistd.h>

#include "cli-util.h"

#ifndef PP_CANCEL_ROUNDS
#define PP_CANCEL_ROUNDS 3
#endif

static gboolean
is_complete_jpeg (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL) || len < 4)
    return FALSE;
  return (guint8) contents[0] == 0xff && (guint8) contents[1] == 0xd8
         && (guint8) contents[len - 2] == 0xff && (guint8) contents[len - 1] == 0xd9;
}

static void
test_cancel (void)
{
  g_autofree char *samples = cli_sample_dir ();
  g_autofree char *leaf = g_build_filename (samples, "leaf.jpg", NULL);
  g_autofree char *input = g_dir_make_tmp ("pp-cancel-in-XXXXXX", NULL);
  guint n_cancelled = 0;

  for (guint i = 0; i < 12; i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%02u.jpg", i);
      g_autofree char *path = g_build_filename (input, name, NULL);

      cli_copy_file (leaf, path);
    }

  for (guint round = 0; round < PP_CANCEL_ROUNDS; round++)
    {
      g_autofree char *output = g_dir_make_tmp ("pp-cancel-out-XXXXXX", NULL);
      const char *argv[] = { cli_parapix (), "--batch", input, "--output", output, "--pipeline",
                             "exposure=0.4,gaussian-blur=1", "--json", "--threads", "2", NULL };
      g_auto (GStrv) envp = g_environ_setenv (g_get_environ (), "G_DEBUG", "gc-friendly", TRUE);
      g_autoptr (GError) error = NULL;
      g_autoptr (GHashTable) outputs = NULL;
      g_autoptr (GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                             NULL);
      g_autoptr (GString) json = g_string_new (NULL);
      GPid pid;
      int out_fd, status;
      guint delay_ms = g_test_rand_int_range (0, 1500);
      char buf[4096];
      gssize n;

      g_spawn_async_with_pipes (NULL, (char **) argv, envp, G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                                NULL, &pid, NULL, &out_fd, NULL, &error);
      g_assert_no_error (error);
      g_usleep (delay_ms * 1000);
      kill (pid, SIGINT);
      while ((n = read (out_fd, buf, sizeof buf)) > 0)
        g_string_append_len (json, buf, n);
      close (out_fd);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_spawn_close_pid (pid);

      g_assert_false (cli_has_temporaries (output));
      outputs = cli_hash_tree (output);
      if (WIFSIGNALED (status))
        {
          /* Interrupted before it could install its handler: it cannot have written. */
          g_assert_cmpint (WTERMSIG (status), ==, SIGINT);
          g_assert_cmpuint (g_hash_table_size (outputs), ==, 0);
        }
      else
        {
          g_autoptr (JsonNode) node = NULL;
          JsonObject *record;
          JsonArray *files;
          int code = WEXITSTATUS (status);

          g_test_message ("round %u: SIGINT after %u ms: exit %d", round, delay_ms, code);
          g_assert_true (code == 130 || code == 0);
          node = cli_parse_json (json->str);
          cli_assert_valid_record (node);
          record = json_node_get_object (node);
          g_assert_cmpint (json_object_get_boolean_member (record, "cancelled"), ==, code == 130);
          n_cancelled += code == 130;
          files = json_object_get_array_member (record, "files");
          for (guint i = 0; i < json_array_get_length (files); i++)
            {
              JsonObject *file = json_array_get_object_element (files, i);
              const char *out = json_object_get_string_member (file, "output");
              const char *st = json_object_get_string_member (file, "status");

              if (g_str_equal (st, "ok"))
                {
                  g_assert_true (is_complete_jpeg (out));
                  g_hash_table_add (listed, g_path_get_basename (out));
                }
              else
                {
                  g_assert_cmpstr (st, ==, "cancelled");
                  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
                }
            }
          /* Exactly the files reported done are there. */
          g_assert_cmpuint (g_hash_table_size (outputs), ==, g_hash_table_size (listed));
          {
            GHashTableIter iter;
            gpointer key;

            g_hash_table_iter_init (&iter, outputs);
            while (g_hash_table_iter_next (&iter, &key, NULL))
              g_assert_true (g_hash_table_contains (listed, key));
          }
        }
      cli_remove_tree (output);
    }
  g_test_message ("%u of %u rounds were cancelled mid-run", n_cancelled, PP_CANCEL_ROUNDS);
  cli_remove_tree (input);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/cli/cancel", test_cancel);
  return g_test_run ();
}
