/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fault injection on the real parapix binary: odd inputs (a FIFO, a folder named like an image,
 * a symlink loop, spaces, non-UTF-8 bytes, a 255-byte name, damaged data), an unreadable file,
 * the output folder turning read-only mid-batch, a full output disk, inputs deleted or truncated
 * while queued. Every case: no hang (a time limit), a clear reason for each failed file, no
 * partial or temporary output (every output file is a whole image some file reports as ok), the
 * rest of the batch done, and the inputs byte for byte unchanged.
 *
 * --in-place, where outputs replace their inputs, under a broken input, Ctrl+C mid-run and a
 * full disk: every input is afterwards either exactly its old bytes or a whole new image its
 * record reports ok, with nothing temporary left. The disk-full cases also run with
 * PP_NO_O_TMPFILE=1, the named-temporary save path of file systems without O_TMPFILE (the
 * read-only case does not: a named temporary cannot be removed from a folder that turned
 * read-only, which is why O_TMPFILE is the first choice).
 *
 * Root ignores file permissions, so the permission cases run parapix as "nobody" (setuid in the
 * child); they are skipped, saying so, when the test itself is not root, and fail under CI
 * (CI=true), which runs as root (tests/pp-test-prereq.h).
 */
#include "cli-util.h"

#include <gdk-pixbuf/gdk-pixbuf.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <unistd.h>

#define NOBODY 65534
#define TIME_LIMIT_S "120"

typedef struct
{
  char *root;   /* 0755, so "nobody" can reach in and out */
  char *in;
  char *out;
  GHashTable *inputs_before;
  gboolean no_o_tmpfile; /* run parapix with PP_NO_O_TMPFILE=1 */
  gboolean in_place;     /* --in-place instead of --output */
  const char *pipeline;  /* NULL: exposure=0.3,fit=640x640 */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->no_o_tmpfile = GPOINTER_TO_INT (data);
  f->root = g_dir_make_tmp ("pp-faults-XXXXXX", NULL);
  f->in = g_build_filename (f->root, "in", NULL);
  f->out = g_build_filename (f->root, "out", NULL);
  g_assert_cmpint (g_chmod (f->root, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (f->in, 0755), ==, 0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  umount2 (f->out, MNT_DETACH);
  umount2 (f->in, MNT_DETACH);
  cli_remove_tree (f->root);
  g_clear_pointer (&f->inputs_before, g_hash_table_unref);
  g_free (f->root);
  g_free (f->in);
  g_free (f->out);
}

static void
add_samples (Fixture    *f,
             guint       copies)
{
  g_autofree char *samples = cli_sample_dir ();
  g_autoptr (GDir) d = g_dir_open (samples, 0, NULL);
  const char *name;

  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *from = g_build_filename (samples, name, NULL);

      if (!g_str_has_suffix (name, ".jpg"))
        continue;
      for (guint i = 0; i < copies; i++)
        {
          g_autofree char *to_name = g_strdup_printf ("%u-%s", i, name);
          g_autofree char *to = g_build_filename (f->in, to_name, NULL);

          cli_copy_file (from, to);
        }
    }
}

/* Plain write, not g_file_set_contents(): its temporary name would not fit beside a 255-byte
 * name. */
static void
copy_plain (const char *from,
            const char *to)
{
  g_autofree char *contents = NULL;
  gsize len;
  FILE *out;

  g_assert_true (g_file_get_contents (from, &contents, &len, NULL));
  out = fopen (to, "wb");
  g_assert_nonnull (out);
  g_assert_cmpuint (fwrite (contents, 1, len, out), ==, len);
  g_assert_cmpint (fclose (out), ==, 0);
}

static void
drop_to_nobody (gpointer data)
{
  if (setgid (NOBODY) != 0 || setuid (NOBODY) != 0)
    _exit (99);
}

/* Runs parapix on the fixture with --json under a time limit; returns the exit status. */
static int
run_batch (Fixture    *f,
           gboolean    as_nobody,
           const char *extra,
           JsonNode  **json_out,
           GPid       *async_pid,
           int        *stdout_fd)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) envp = g_get_environ ();
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_ptr_array_add (argv, "timeout");
  g_ptr_array_add (argv, TIME_LIMIT_S);
  g_ptr_array_add (argv, (gpointer) cli_parapix ());
  g_ptr_array_add (argv, "--batch");
  g_ptr_array_add (argv, f->in);
  if (f->in_place)
    g_ptr_array_add (argv, "--in-place");
  else
    {
      g_ptr_array_add (argv, "--output");
      g_ptr_array_add (argv, f->out);
    }
  g_ptr_array_add (argv, "--pipeline");
  g_ptr_array_add (argv, (gpointer) (f->pipeline != NULL ? f->pipeline
                                                          : "exposure=0.3,fit=640x640"));
  g_ptr_array_add (argv, "--json");
  g_ptr_array_add (argv, "--quiet");
  if (extra != NULL)
    g_ptr_array_add (argv, (gpointer) extra);
  g_ptr_array_add (argv, NULL);
  envp = g_environ_setenv (envp, "G_DEBUG", "gc-friendly", TRUE);
  if (f->no_o_tmpfile)
    envp = g_environ_setenv (envp, "PP_NO_O_TMPFILE", "1", TRUE);

  if (async_pid != NULL)
    {
      g_assert_true (g_spawn_async_with_pipes (NULL, (char **) argv->pdata, envp,
                                               G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD
                                                 | G_SPAWN_STDERR_TO_DEV_NULL,
                                               as_nobody ? drop_to_nobody : NULL, NULL,
                                               async_pid, NULL, stdout_fd, NULL, &error));
      g_assert_no_error (error);
      return 0;
    }
  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_SEARCH_PATH,
                as_nobody ? drop_to_nobody : NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_test_message ("stderr: %s", err);
  if (json_out != NULL)
    *json_out = json_from_string (out, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), !=, 124); /* timeout(1): it hung */
  return WEXITSTATUS (status);
}

/* Every output is a whole image reported ok; every failure has a reason; returns counts. */
static void
check_run (Fixture  *f,
           JsonNode *json,
           guint    *n_ok,
           guint    *n_failed)
{
  JsonArray *files = json_object_get_array_member (json_node_get_object (json), "files");
  g_autoptr (GHashTable) outputs = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GDir) d = NULL;
  g_autoptr (GHashTable) after = NULL;
  const char *name;

  *n_ok = *n_failed = 0;
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);
      const char *status = json_object_get_string_member (file, "status");

      if (g_str_equal (status, "ok"))
        {
          (*n_ok)++;
          g_hash_table_add (outputs,
                            (gpointer) json_object_get_string_member (file, "output"));
        }
      else
        {
          const char *reason = json_object_get_string_member (file, "reason");

          (*n_failed)++;
          g_assert_nonnull (reason);
          g_assert_cmpuint (strlen (reason), >, 5);
          g_test_message ("%s: %s: %s", json_object_get_string_member (file, "input"), status,
                          reason);
        }
    }
  g_assert_false (cli_has_temporaries (f->out));
  d = g_dir_open (f->out, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->out, name, NULL);
      g_autofree char *shown = g_filename_display_name (path);
      g_autoptr (GdkPixbuf) pixbuf = NULL;
      g_autoptr (GError) error = NULL;
      gboolean listed = FALSE;
      GHashTableIter iter;
      gpointer key;

      /* The record shows non-UTF-8 paths with U+FFFD; compare in that form. */
      g_hash_table_iter_init (&iter, outputs);
      while (!listed && g_hash_table_iter_next (&iter, &key, NULL))
        listed = g_str_equal (key, path) || g_str_equal (key, shown);
      if (!listed)
        g_error ("“%s” is in the output folder but is no file's output", shown);
      pixbuf = gdk_pixbuf_new_from_file (path, &error);
      g_assert_no_error (error);
    }
  if (f->inputs_before != NULL)
    {
      after = cli_hash_tree (f->in);
      g_assert_true (cli_trees_equal (f->inputs_before, after));
    }
}

static const char *
reason_of (JsonNode   *json,
           const char *input_suffix)
{
  JsonArray *files = json_object_get_array_member (json_node_get_object (json), "files");

  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);

      if (g_str_has_suffix (json_object_get_string_member (file, "input"), input_suffix))
        return json_object_get_string_member (file, "reason");
    }
  return NULL;
}

static void
test_odd_inputs (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *samples = cli_sample_dir ();
  g_autofree char *cat = g_build_filename (samples, "cat.jpg", NULL);
  g_autofree char *long_name = g_strnfill (251, 'x');
  static const char *const names[] = { "with spaces in it.jpg", "caf\xe9-latin1.jpg", NULL };
  g_autoptr (JsonNode) json = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  guint n_ok, n_failed;
  int status;

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (f->in, names[i], NULL);

      cli_copy_file (cat, path);
    }
  {
    g_autofree char *name = g_strconcat (long_name, ".jpg", NULL);
    g_autofree char *path = g_build_filename (f->in, name, NULL);

    g_assert_cmpuint (strlen (name), ==, 255);
    copy_plain (cat, path);
  }
  {
    g_autofree char *fifo = g_build_filename (f->in, "pipe.jpg", NULL);
    g_autofree char *dir = g_build_filename (f->in, "folder.png", NULL);
    g_autofree char *loop = g_build_filename (f->in, "loop.jpg", NULL);
    g_autofree char *dangling = g_build_filename (f->in, "dangling.jpg", NULL);
    g_autofree char *half = g_build_filename (f->in, "half.jpg", NULL);
    g_autofree char *empty = g_build_filename (f->in, "empty.png", NULL);

    g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
    g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
    g_assert_cmpint (symlink ("loop.jpg", loop), ==, 0);
    g_assert_cmpint (symlink ("nowhere.jpg", dangling), ==, 0);
    g_assert_true (g_file_get_contents (cat, &contents, &len, NULL));
    g_assert_true (g_file_set_contents (half, contents, 300, NULL));
    g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  }
  f->inputs_before = cli_hash_tree (f->in);

  status = run_batch (f, FALSE, NULL, &json, NULL, NULL);
  g_assert_cmpint (status, ==, 1);
  check_run (f, json, &n_ok, &n_failed);
  /* The three good copies are done whatever their names (and the first 300 bytes of a JPEG
   * may decode grey, as libjpeg tolerates); the empty file fails with a reason; the FIFO, the
   * folder, the loop and the dangling link are not images to process: left out when listing,
   * or failed with a reason, never a hang. */
  g_assert_cmpuint (n_ok, >=, 3);
  g_assert_cmpuint (n_ok, <=, 4);
  g_assert_cmpuint (n_failed, >=, 1);
  g_assert_nonnull (reason_of (json, "empty.png"));
  for (guint i = 0; i < 3; i++)
    {
      static const char *const good[] = { "with spaces in it.jpg", "-latin1.jpg", "xxx.jpg" };

      g_assert_null (reason_of (json, good[i]));
    }
}

static void
test_unreadable (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr (JsonNode) json = NULL;
  g_autofree char *locked = NULL;
  guint n_ok, n_failed;

  if (getuid () != 0)
    {
      pp_test_missing ("needs root to run parapix as another user (root ignores permissions)");
      return;
    }
  add_samples (f, 1);
  locked = g_build_filename (f->in, "0-cat.jpg", NULL);
  g_assert_cmpint (g_chmod (locked, 0000), ==, 0);
  g_assert_cmpint (g_mkdir (f->out, 0755), ==, 0);
  g_assert_cmpint (chown (f->out, NOBODY, NOBODY), ==, 0);
  f->inputs_before = cli_hash_tree (f->in);

  g_assert_cmpint (run_batch (f, TRUE, NULL, &json, NULL, NULL), ==, 1);
  check_run (f, json, &n_ok, &n_failed);
  g_assert_cmpuint (n_failed, ==, 1);
  g_assert_cmpuint (n_ok, ==, 7);
  g_assert_nonnull (strstr (reason_of (json, "0-cat.jpg"), "ermission denied"));
}

static JsonNode *
finish_async (GPid pid,
              int  fd,
              int *exit_status)
{
  g_autoptr (GIOChannel) channel = g_io_channel_unix_new (fd);
  g_autofree char *out = NULL;
  g_autoptr (GError) error = NULL;
  int status;
  JsonNode *json;

  g_io_channel_set_close_on_unref (channel, TRUE);
  g_io_channel_read_to_end (channel, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), !=, 124);
  *exit_status = WEXITSTATUS (status);
  json = json_from_string (out, &error);
  g_assert_no_error (error);
  return json;
}

static void
test_readonly_mid_batch (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr (JsonNode) json = NULL;
  gint64 deadline;
  guint n_ok, n_failed;
  int fd, status;
  GPid pid;

  if (getuid () != 0)
    {
      pp_test_missing ("needs root to run parapix as another user (root ignores permissions)");
      return;
    }
  add_samples (f, 4);
  g_assert_cmpint (g_mkdir (f->out, 0755), ==, 0);
  g_assert_cmpint (chown (f->out, NOBODY, NOBODY), ==, 0);
  f->inputs_before = cli_hash_tree (f->in);

  run_batch (f, TRUE, "--threads=1", NULL, &pid, &fd);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (pp_test_count_entries (f->out) < 2 && g_get_monotonic_time () < deadline)
    g_usleep (2000);
  g_assert_cmpint (g_chmod (f->out, 0555), ==, 0);
  json = finish_async (pid, fd, &status);
  g_chmod (f->out, 0755);

  g_assert_cmpint (status, ==, 1);
  check_run (f, json, &n_ok, &n_failed);
  g_test_message ("read-only mid-batch: %u ok before, %u failed after", n_ok, n_failed);
  g_assert_cmpuint (n_ok, >=, 2);
  g_assert_cmpuint (n_failed, >=, 1);
  g_assert_cmpuint (n_ok + n_failed, ==, 32);
}

static void
test_disk_full (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (JsonNode) json = NULL;
  JsonArray *files;
  guint n_ok, n_failed, n_space = 0;

  g_assert_cmpint (g_mkdir (f->out, 0755), ==, 0);
  if (mount ("tmpfs", f->out, "tmpfs", 0, "size=384k") != 0)
    {
      pp_test_missing ("cannot mount a small tmpfs here (needs root); disk-full not exercised");
      return;
    }
  add_samples (f, 2);
  f->inputs_before = cli_hash_tree (f->in);

  /* Full-size PNGs: the first ones fit, then the disk is full. */
  g_assert_cmpint (run_batch (f, FALSE, "--format=png", &json, NULL, NULL), ==, 1);
  check_run (f, json, &n_ok, &n_failed);
  files = json_object_get_array_member (json_node_get_object (json), "files");
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      const char *reason = json_object_get_string_member (json_array_get_object_element (files, i),
                                                          "reason");

      n_space += reason != NULL && strstr (reason, "No space left") != NULL;
    }
  g_test_message ("disk full: %u ok, %u failed (%u with “No space left”)", n_ok, n_failed,
                  n_space);
  g_assert_cmpuint (n_ok, >=, 1);
  g_assert_cmpuint (n_space, >=, 1);
  g_assert_cmpuint (n_ok + n_failed, ==, 16);
}

static void
test_inputs_change_while_queued (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr (JsonNode) json = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *cut = NULL;
  gint64 deadline;
  guint n_ok, n_failed;
  int fd, status;
  GPid pid;

  add_samples (f, 4);
  /* Sorted last, so still queued when they change. */
  gone = g_build_filename (f->in, "3-waterfall.jpg", NULL);
  cut = g_build_filename (f->in, "3-tablets.jpg", NULL);

  run_batch (f, FALSE, "--threads=1", NULL, &pid, &fd);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  g_mkdir (f->out, 0755);
  while (pp_test_count_entries (f->out) < 1 && g_get_monotonic_time () < deadline)
    g_usleep (2000);
  g_assert_cmpint (g_unlink (gone), ==, 0);
  g_assert_cmpint (truncate (cut, 2000), ==, 0);
  json = finish_async (pid, fd, &status);

  check_run (f, json, &n_ok, &n_failed);
  g_assert_cmpuint (n_ok + n_failed, ==, 32);
  g_assert_nonnull (reason_of (json, "3-waterfall.jpg"));
  g_assert_nonnull (strstr (reason_of (json, "3-waterfall.jpg"), "No such file"));
  /* The cut file either fails with a reason or loads as a damaged JPEG libjpeg tolerates. */
  g_assert_cmpuint (n_ok, >=, 30);
}

/* ---- --in-place ---- */

/* After an in-place run: each input is its old bytes (failed, cancelled or never started) or a
 * whole new image reported ok; no temporary, nothing added. */
static void
check_in_place (Fixture  *f,
                JsonNode *json,
                guint    *n_ok,
                guint    *n_failed,
                guint    *n_space)
{
  JsonArray *files = json_object_get_array_member (json_node_get_object (json), "files");
  g_autoptr (GHashTable) after = cli_hash_tree (f->in);

  *n_ok = *n_failed = *n_space = 0;
  g_assert_false (cli_has_temporaries (f->in));
  g_assert_cmpuint (g_hash_table_size (after), ==, g_hash_table_size (f->inputs_before));
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);
      const char *input = json_object_get_string_member (file, "input");
      const char *status = json_object_get_string_member (file, "status");
      const char *reason = json_object_get_string_member (file, "reason");
      g_autofree char *name = g_path_get_basename (input);
      const char *old = g_hash_table_lookup (f->inputs_before, name);
      const char *now = g_hash_table_lookup (after, name);

      g_assert_nonnull (old);
      g_assert_nonnull (now);
      if (g_str_equal (status, "ok"))
        {
          g_autoptr (GdkPixbuf) pixbuf = NULL;
          g_autoptr (GError) error = NULL;

          (*n_ok)++;
          g_assert_cmpstr (json_object_get_string_member (file, "output"), ==, input);
          if (g_str_equal (old, now))
            g_error ("%s: reported done in place, but its bytes did not change", name);
          pixbuf = gdk_pixbuf_new_from_file (input, &error);
          g_assert_no_error (error);
          g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==,
                           json_object_get_int_member (file, "out_width"));
        }
      else
        {
          if (!g_str_equal (old, now))
            g_error ("%s: %s, but its bytes changed", name, status);
          if (g_str_equal (status, "failed"))
            {
              (*n_failed)++;
              g_assert_nonnull (reason);
              *n_space += strstr (reason, g_strerror (ENOSPC)) != NULL;
              g_test_message ("%s: %s", name, reason);
            }
          else
            g_assert_cmpstr (status, ==, "cancelled");
        }
    }
  /* Files the record does not list (never started after a cancel) are untouched too. */
  {
    GHashTableIter iter;
    gpointer key, value;
    guint n_changed = 0;

    g_hash_table_iter_init (&iter, after);
    while (g_hash_table_iter_next (&iter, &key, &value))
      n_changed += !g_str_equal (value, g_hash_table_lookup (f->inputs_before, key));
    g_assert_cmpuint (n_changed, ==, *n_ok);
  }
}

static void
test_in_place_failure (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr (JsonNode) json = NULL;
  g_autofree char *broken = g_build_filename (f->in, "0-broken.jpg", NULL);
  guint n_ok, n_failed, n_space;

  add_samples (f, 1);
  g_assert_true (g_file_set_contents (broken, "\xff\xd8\xff\xe0 not a JPEG after all", -1, NULL));
  f->inputs_before = cli_hash_tree (f->in);
  f->in_place = TRUE;
  g_assert_cmpint (run_batch (f, FALSE, NULL, &json, NULL, NULL), ==, 1);
  check_in_place (f, json, &n_ok, &n_failed, &n_space);
  g_assert_cmpuint (n_ok, ==, 8);
  g_assert_cmpuint (n_failed, ==, 1);
  g_assert_nonnull (reason_of (json, "0-broken.jpg"));
}

/* Inode numbers of the files in @dir: an in-place save gives its file a new one. */
static GHashTable *
inodes (const char *dir)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      struct stat st;

      if (g_stat (path, &st) == 0)
        g_hash_table_insert (table, g_strdup (name), GSIZE_TO_POINTER (st.st_ino));
    }
  return table;
}

static gboolean
any_replaced (GHashTable *before,
              const char *dir)
{
  g_autoptr (GHashTable) now = inodes (dir);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_hash_table_lookup (now, key) != value)
      return TRUE;
  return FALSE;
}

static void
test_in_place_cancel (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr (JsonNode) json = NULL;
  g_autoptr (GHashTable) before = NULL;
  guint n_ok, n_failed, n_space;
  gint64 deadline;
  int fd, status;
  GPid pid;

  add_samples (f, 3);
  f->inputs_before = cli_hash_tree (f->in);
  before = inodes (f->in);
  f->in_place = TRUE;
  f->pipeline = "exposure=0.3,gaussian-blur=2";
  run_batch (f, FALSE, "--threads=2", NULL, &pid, &fd);
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (!any_replaced (before, f->in))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (2000);
    }
  kill (pid, SIGINT);
  json = finish_async (pid, fd, &status);
  g_assert_cmpint (status, ==, 130);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (json), "cancelled"));
  check_in_place (f, json, &n_ok, &n_failed, &n_space);
  g_test_message ("in place, cancelled: %u of 24 replaced", n_ok);
  g_assert_cmpuint (n_ok, >=, 1);
  g_assert_cmpuint (n_ok, <, 24);
  g_assert_cmpuint (n_failed, ==, 0);
}

/* The input folder is a small tmpfs: replacements that do not fit fail, and keep the input. */
static void
test_in_place_disk_full (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *samples = cli_sample_dir ();
  g_autofree char *cat = g_build_filename (samples, "cat.jpg", NULL);
  g_autofree char *probe_dir = g_build_filename (f->root, "probe", NULL);
  g_autofree char *probe = g_build_filename (probe_dir, "cat.jpg", NULL);
  g_autofree char *options = NULL;
  g_autoptr (JsonNode) json = NULL;
  struct stat in_st, out_st;
  guint n_ok, n_failed, n_space;

  /* How large one replacement is: the same run on one copy, on a normal disk. */
  f->pipeline = "exposure=0.3";
  g_assert_cmpint (g_mkdir (probe_dir, 0755), ==, 0);
  cli_copy_file (cat, probe);
  {
    const char *args[] = { "--batch", probe_dir, "--in-place", "--pipeline", f->pipeline,
                           "--quality", "100", "--quiet", NULL };

    g_assert_cmpint (g_stat (cat, &in_st), ==, 0);
    g_assert_cmpint (cli_run (args, NULL, NULL), ==, 0);
    g_assert_cmpint (g_stat (probe, &out_st), ==, 0);
    g_assert_cmpint (out_st.st_size, >, in_st.st_size); /* quality 100: larger than the input */
  }

  /* Six inputs, and room for about two replacements more than they take. */
  options = g_strdup_printf ("size=%" G_GINT64_FORMAT,
                             (gint64) (6 * in_st.st_size + 2.5 * out_st.st_size + 8192));
  if (mount ("tmpfs", f->in, "tmpfs", 0, options) != 0)
    {
      pp_test_missing ("cannot mount a small tmpfs here (needs root); disk-full not exercised");
      return;
    }
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *name = g_strdup_printf ("%u-cat.jpg", i);
      g_autofree char *to = g_build_filename (f->in, name, NULL);

      cli_copy_file (cat, to);
    }
  f->inputs_before = cli_hash_tree (f->in);
  f->in_place = TRUE;
  g_assert_cmpint (run_batch (f, FALSE, "--quality=100", &json, NULL, NULL), ==, 1);
  check_in_place (f, json, &n_ok, &n_failed, &n_space);
  g_test_message ("in place on a full disk%s: %u replaced, %u failed (%u out of space)",
                  f->no_o_tmpfile ? " (named temporaries)" : "", n_ok, n_failed, n_space);
  g_assert_cmpuint (n_ok, >=, 1);
  g_assert_cmpuint (n_space, >=, 1);
  g_assert_cmpuint (n_ok + n_failed, ==, 6);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) \
  g_test_add ("/pp/faults/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
#define ADD_NAMED(path, func) \
  g_test_add ("/pp/faults/" path "/named-temporary", Fixture, GINT_TO_POINTER (TRUE), \
              fixture_setup, func, fixture_teardown)
  ADD ("odd-inputs", test_odd_inputs);
  ADD ("unreadable", test_unreadable);
  ADD ("readonly-mid-batch", test_readonly_mid_batch);
  ADD ("disk-full", test_disk_full);
  ADD_NAMED ("disk-full", test_disk_full);
  ADD ("inputs-change-while-queued", test_inputs_change_while_queued);
  ADD ("in-place/failure", test_in_place_failure);
  ADD ("in-place/cancel", test_in_place_cancel);
  ADD ("in-place/disk-full", test_in_place_disk_full);
  ADD_NAMED ("in-place/disk-full", test_in_place_disk_full);
#undef ADD_NAMED
#undef ADD
  return g_test_run ();
}
