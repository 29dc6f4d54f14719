/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Ctrl+C (SIGINT) and SIGTERM in the middle of a batch: parapix stops, exits 130, says
 * "cancelled": true, leaves no temporary or partial file, keeps exactly the outputs its run
 * record lists as done, and finishes at most the files that were in flight.
 *
 * "In the middle" is made certain, not left to timing: the batch (16 eight-megapixel photos
 * with a blur, on 2 threads) takes seconds, and the signal is sent a random 0..400 ms after
 * its first output appears, so the signal handler is installed and most files are still to do.
 * A round whose signal found every output already written (the machine was so fast that the
 * run was over) may exit 0; such rounds must be rare, or the test would prove nothing: at least
 * 80 % of the mid-run rounds must have been cancelled. Every fourth round sends SIGTERM
 * 0..150 ms after the start: killed before the handler is installed (nothing written), or
 * cancelled like the others.
 */
#include <signal.h>
#include <unistd.h>

#include "cli-util.h"

#ifndef PP_CANCEL_ROUNDS
#define PP_CANCEL_ROUNDS 4
#endif

#define N_PHOTOS 16
#define N_THREADS 2

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

/* Regular files in @dir whose name is not a temporary's. */
static guint
count_outputs (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    n += !g_str_has_prefix (name, ".");
  return n;
}

typedef enum
{
  EARLY,  /* 0..150 ms after the start */
  MID_RUN, /* 0..400 ms after the first output */
} When;

typedef struct
{
  guint mid_rounds; /* MID_RUN rounds */
  guint mid_run;    /* of those, the ones whose signal came while outputs were still missing */
  guint cancelled;  /* rounds that exited 130 with "cancelled": true */
} Tally;

static void
run_round (const char *input,
           guint       round,
           int         signum,
           When        when,
           Tally      *tally)
{
  g_autofree char *output = g_dir_make_tmp ("pp-cancel-out-XXXXXX", NULL);
  const char *argv[] = { cli_parapix (), "--batch", input, "--output", output, "--pipeline",
                         "exposure=0.4,gaussian-blur=1.5", "--json", "--threads",
                         G_STRINGIFY (N_THREADS), NULL };
  g_auto (GStrv) envp = g_environ_setenv (g_get_environ (), "G_DEBUG", "gc-friendly", TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) outputs = NULL;
  g_autoptr (GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GString) json = g_string_new (NULL);
  const char *signame = signum == SIGINT ? "SIGINT" : "SIGTERM";
  guint delay_ms, done_at_signal;
  gint64 deadline;
  GPid pid;
  int out_fd, status;
  char buf[4096];
  gssize n;

  envp = g_environ_unsetenv (envp, "DISPLAY");
  envp = g_environ_unsetenv (envp, "WAYLAND_DISPLAY");
  g_spawn_async_with_pipes (NULL, (char **) argv, envp,
                            G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                            &pid, NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);
  tally->mid_rounds += when == MID_RUN;
  if (when == MID_RUN)
    {
      deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
      while (count_outputs (output) == 0)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_usleep (2000);
        }
      delay_ms = g_test_rand_int_range (0, 401);
    }
  else
    delay_ms = g_test_rand_int_range (0, 151);
  g_usleep (delay_ms * 1000);
  done_at_signal = count_outputs (output);
  kill (pid, signum);
  while ((n = read (out_fd, buf, sizeof buf)) > 0)
    g_string_append_len (json, buf, n);
  close (out_fd);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);

  g_assert_false (cli_has_temporaries (output));
  outputs = cli_hash_tree (output);
  if (WIFSIGNALED (status))
    {
      /* Killed before it could install its handler: only possible right at the start, and
       * then it cannot have written anything. */
      g_test_message ("round %u: %s %u ms after the start killed it", round, signame, delay_ms);
      if (when != EARLY)
        g_error ("round %u: %s after the first output (%u of %u done) killed parapix: the "
                 "signal was not handled", round, signame, done_at_signal, N_PHOTOS);
      g_assert_cmpint (WTERMSIG (status), ==, signum);
      g_assert_cmpuint (g_hash_table_size (outputs), ==, 0);
    }
  else
    {
      g_autoptr (JsonNode) node = NULL;
      JsonObject *record;
      JsonArray *files;
      int code = WEXITSTATUS (status);
      gboolean cancelled;

      g_test_message ("round %u: %s %u ms after %s (%u of %u done): exit %d, %u outputs", round,
                      signame, delay_ms, when == EARLY ? "the start" : "the first output",
                      done_at_signal, N_PHOTOS, code, g_hash_table_size (outputs));
      node = cli_parse_json (json->str);
      cli_assert_valid_record (node);
      record = json_node_get_object (node);
      cancelled = json_object_get_boolean_member (record, "cancelled");
      if (done_at_signal < N_PHOTOS)
        {
          /* Files were still to do: the signal must have cancelled the run. */
          tally->mid_run += when == MID_RUN;
          if (code != 130 || !cancelled)
            g_error ("round %u: %s with %u of %u files done: exit %d, cancelled %d; expected "
                     "exit 130 and \"cancelled\": true", round, signame, done_at_signal,
                     N_PHOTOS, code, cancelled);
          tally->cancelled++;
          /* It stopped: at most the files in flight were finished after the signal. */
          g_assert_cmpuint (g_hash_table_size (outputs), <=, done_at_signal + N_THREADS);
          g_assert_cmpint (json_object_get_int_member (record, "files_ok"), <, N_PHOTOS);
        }
      else
        {
          g_assert_cmpint (code, ==, 0);
          g_assert_false (cancelled);
        }

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

static void
test_cancel (void)
{
  g_autofree char *samples = cli_sample_dir ();
  g_autofree char *leaf = g_build_filename (samples, "leaf.jpg", NULL);
  g_autofree char *input = g_dir_make_tmp ("pp-cancel-in-XXXXXX", NULL);
  Tally tally = { 0 };

  for (guint i = 0; i < N_PHOTOS; i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%02u.jpg", i);
      g_autofree char *path = g_build_filename (input, name, NULL);

      cli_copy_file (leaf, path);
    }

  /* SIGINT and SIGTERM mid-run in turn; every fourth round an early SIGTERM. */
  for (guint round = 0; round < PP_CANCEL_ROUNDS; round++)
    run_round (input, round, round % 2 == 0 ? SIGINT : SIGTERM,
               round % 4 == 3 ? EARLY : MID_RUN, &tally);

  g_test_message ("%u of %u rounds were cancelled; %u of the %u mid-run rounds found files "
                  "still to do", tally.cancelled, PP_CANCEL_ROUNDS, tally.mid_run,
                  tally.mid_rounds);
  /* Not vacuous: the signal really interrupted most runs. */
  g_assert_cmpuint (tally.mid_rounds, >=, 3);
  g_assert_cmpuint (tally.mid_run * 10, >=, tally.mid_rounds * 8);
  g_assert_cmpuint (tally.cancelled, >=, tally.mid_run);
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
