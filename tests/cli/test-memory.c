/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Memory stays flat on any folder size: parapix on four times as many photos must not need
 * noticeably more memory (at most `threads` images are decoded at a time).
 */
#include <sys/resource.h>

#include "cli-util.h"

static long
run_and_peak_kib (const char *input,
                  const char *output)
{
  const char *args[] = { "--batch", input, "--output", output, "--pipeline", "exposure=0.3",
                         "--threads", "2", "--quiet", NULL };
  struct rusage usage;

  g_assert_cmpint (cli_run (args, NULL, NULL), ==, 0);
  g_assert_cmpint (getrusage (RUSAGE_CHILDREN, &usage), ==, 0);
  return usage.ru_maxrss; /* the largest child so far */
}

static char *
make_folder (guint n)
{
  g_autofree char *samples = cli_sample_dir ();
  g_autofree char *leaf = g_build_filename (samples, "leaf.jpg", NULL);
  char *dir = g_dir_make_tmp ("pp-memory-XXXXXX", NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%03u.jpg", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      cli_copy_file (leaf, path);
    }
  return dir;
}

static void
test_flat_memory (void)
{
  g_autofree char *small = make_folder (6);
  g_autofree char *large = make_folder (24);
  g_autofree char *out_small = g_build_filename (small, "out", NULL);
  g_autofree char *out_large = g_build_filename (large, "out", NULL);
  long peak_small, peak_after_large;

  peak_small = run_and_peak_kib (small, out_small);
  peak_after_large = run_and_peak_kib (large, out_large);
  g_test_message ("peak RSS: 6 photos %ld KiB; with 24 photos %ld KiB", peak_small,
                  peak_after_large);
  /* 18 more 8-megapixel photos held at once would be ~430 MB more. */
  g_assert_cmpint (peak_after_large, <=, peak_small + peak_small / 4);
  cli_remove_tree (small);
  cli_remove_tree (large);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/cli/flat-memory", test_flat_memory);
  return g_test_run ();
}
