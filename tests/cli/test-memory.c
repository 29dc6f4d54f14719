/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Memory stays flat on any folder size, for the whole process tree: parapix and the decoder
 * helpers it starts. The same batch on 100 and on 1,000 photos (0.75 megapixels each, links
 * to one file so the folder is made in a blink) must peak at about the same memory:
 * - the sum of the resident memory of parapix and all its descendants, sampled every 5 ms
 *   from /proc while it runs (the helpers are counted: at least one must have been seen);
 * - the largest single process, exactly, from wait4()'s ru_maxrss for that run.
 * "About the same": at most 15 % + 8 MiB more for ten times the files. Holding every decoded
 * image (or even every encoded output) of 900 more files would be 1.5 GB and 60 MB more; the
 * run record of 900 more files is a few hundred KiB.
 */
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "cli-util.h"

typedef struct
{
  gint64 peak_tree_kib;  /* largest sum over the tree of one sample */
  gint64 peak_single_kib; /* ru_maxrss from wait4 */
  guint max_processes;    /* most processes seen in the tree at once */
  guint n_samples;
} Usage;

static gint64
rss_kib (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/statm", pid);
  g_autofree char *text = NULL;
  long size, resident;

  if (!g_file_get_contents (path, &text, NULL, NULL) ||
      sscanf (text, "%ld %ld", &size, &resident) != 2)
    return 0; /* exited meanwhile */
  return (gint64) resident * (sysconf (_SC_PAGESIZE) / 1024);
}

/* Adds @pid and its descendants (children are listed per thread that started them). */
static void
add_tree (int     pid,
          gint64 *kib,
          guint  *n)
{
  g_autofree char *tasks = g_strdup_printf ("/proc/%d/task", pid);
  g_autoptr (GDir) d = g_dir_open (tasks, 0, NULL);
  const char *tid;

  *kib += rss_kib (pid);
  (*n)++;
  while (d != NULL && (tid = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (tasks, tid, "children", NULL);
      g_autofree char *text = NULL;
      g_auto (GStrv) children = NULL;

      if (!g_file_get_contents (path, &text, NULL, NULL))
        continue;
      children = g_strsplit (g_strstrip (text), " ", -1);
      for (guint i = 0; children[i] != NULL; i++)
        if (children[i][0] != '\0')
          add_tree (atoi (children[i]), kib, n);
    }
}

static Usage
run_batch (const char *input,
           const char *output)
{
  const char *argv[] = { cli_parapix (), "--batch", input, "--output", output, "--pipeline",
                         "exposure=0.3,gaussian-blur=1", "--threads", "2", "--quiet", NULL };
  g_auto (GStrv) envp = g_environ_setenv (g_get_environ (), "G_DEBUG", "gc-friendly", TRUE);
  g_autoptr (GError) error = NULL;
  Usage usage = { 0 };
  struct rusage ru;
  GPid pid;
  int status;

  envp = g_environ_unsetenv (envp, "DISPLAY");
  envp = g_environ_unsetenv (envp, "WAYLAND_DISPLAY");
  g_spawn_async (NULL, (char **) argv, envp, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                 &error);
  g_assert_no_error (error);
  for (;;)
    {
      gint64 kib = 0;
      guint n = 0;
      int done = wait4 (pid, &status, WNOHANG, &ru);

      g_assert_cmpint (done, >=, 0);
      if (done == pid)
        break;
      add_tree (pid, &kib, &n);
      usage.peak_tree_kib = MAX (usage.peak_tree_kib, kib);
      usage.max_processes = MAX (usage.max_processes, n);
      usage.n_samples++;
      g_usleep (5000);
    }
  /* wait4's rusage is this run's: parapix and the helpers it reaped, the largest of them. */
  usage.peak_single_kib = ru.ru_maxrss;
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_spawn_close_pid (pid);
  return usage;
}

static char *
make_folder (const char *photo,
             guint       n)
{
  char *dir = g_dir_make_tmp ("pp-memory-XXXXXX", NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%04u.jpg", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (link (photo, path) != 0)
        cli_copy_file (photo, path);
    }
  return dir;
}

static void
test_flat_memory (void)
{
  g_autofree char *samples = cli_sample_dir ();
  g_autofree char *leaf = g_build_filename (samples, "leaf.jpg", NULL);
  g_autofree char *scratch = g_dir_make_tmp ("pp-memory-src-XXXXXX", NULL);
  g_autofree char *photo = g_build_filename (scratch, "photo.jpg", NULL);
  g_autofree char *small = NULL;
  g_autofree char *large = NULL;
  g_autofree char *out_small = NULL;
  g_autofree char *out_large = NULL;
  Usage u_small, u_large;

#if defined(__SANITIZE_ADDRESS__)
  /* ASan keeps freed blocks in quarantine, so peak RSS grows with the work done: the figure
   * would measure the sanitizer, not Parapix. The normal build runs this test. */
  g_test_skip ("peak memory is not meaningful under AddressSanitizer");
  cli_remove_tree (scratch);
  return;
#endif
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file_at_size (leaf, 1000, 1000, &error);

    g_assert_no_error (error);
    g_assert_true (gdk_pixbuf_save (pixbuf, photo, "jpeg", &error, "quality", "90", NULL));
  }
  small = make_folder (photo, 100);
  large = make_folder (photo, 1000);
  out_small = g_build_filename (small, "out", NULL);
  out_large = g_build_filename (large, "out", NULL);

  u_small = run_batch (small, out_small);
  u_large = run_batch (large, out_large);
  g_test_message ("process tree peak: 100 photos %" G_GINT64_FORMAT " KiB (%u processes, %u "
                  "samples), 1,000 photos %" G_GINT64_FORMAT " KiB (%u processes, %u samples); "
                  "largest single process %" G_GINT64_FORMAT " KiB and %" G_GINT64_FORMAT " KiB",
                  u_small.peak_tree_kib, u_small.max_processes, u_small.n_samples,
                  u_large.peak_tree_kib, u_large.max_processes, u_large.n_samples,
                  u_small.peak_single_kib, u_large.peak_single_kib);
  /* The helpers were there and counted. */
  g_assert_cmpuint (u_small.max_processes, >=, 2);
  g_assert_cmpuint (u_large.max_processes, >=, 2);
  g_assert_cmpuint (u_small.n_samples, >=, 10);
  g_assert_cmpint (u_large.peak_tree_kib, <=, u_small.peak_tree_kib * 115 / 100 + 8192);
  g_assert_cmpint (u_large.peak_single_kib, <=, u_small.peak_single_kib * 115 / 100 + 8192);
  cli_remove_tree (small);
  cli_remove_tree (large);
  cli_remove_tree (scratch);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/cli/flat-memory", test_flat_memory);
  return g_test_run ();
}
