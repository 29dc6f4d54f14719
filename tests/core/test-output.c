/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a batch writes, checked against what it promises:
 * - batch-pixels: each output is the pipeline applied to the decoded input. In PNG (lossless)
 *   byte for byte the pixels of pp_plan_run() on pp_io_load() of the input (with the same
 *   shrink-on-load size hint); in JPEG within compression error of them, and far closer to them
 *   than to the unprocessed input;
 * - save/...: pp_io_save() publishes whole files atomically, never replaces without being asked,
 *   leaves nothing behind when cancelled, refused or out of space, along both of its paths: the
 *   unnamed O_TMPFILE linked in when complete, and the named hidden temporary renamed into place
 *   that file systems without O_TMPFILE get (forced with PP_NO_O_TMPFILE=1). Which path ran is
 *   seen with inotify: only the named one creates a ".parapix-" file.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "batch/pp-batch.h"
#include "io/pp-io.h"
#include "render/pp-render.h"
#include "pp-test-util.h"

static void
remove_dir (const char *path)
{
  g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_dir (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* ---- batch-pixels ---- */

typedef struct
{
  GMainLoop *loop;
  PpRun *run;
  GError *error;
} RunWait;

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  RunWait *wait = user_data;

  wait->run = pp_batch_run_finish (PP_BATCH (source), result, &wait->error);
  g_main_loop_quit (wait->loop);
}

static PpRun *
run_batch (const char *input,
           const char *output,
           const char *spec,
           PpFormat    format,
           int         quality)
{
  g_autoptr (PpBatch) batch = pp_batch_new ();
  g_autoptr (GFile) in = g_file_new_for_path (input);
  g_autoptr (GFile) out = g_file_new_for_path (output);
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec (spec, NULL);
  RunWait wait = { .loop = g_main_loop_new (NULL, FALSE) };

  g_assert_nonnull (pipeline);
  pp_batch_set_input_folder (batch, in);
  pp_batch_set_output_folder (batch, out);
  pp_batch_set_pipeline (batch, pipeline);
  pp_batch_set_format (batch, format);
  pp_batch_set_quality (batch, quality);
  pp_batch_set_threads (batch, 2);
  pp_batch_run_async (batch, NULL, on_run_done, &wait);
  g_main_loop_run (wait.loop);
  g_main_loop_unref (wait.loop);
  g_assert_no_error (wait.error);
  return wait.run;
}

/* What the pipeline makes of @path, computed here: the same load (and size hint) as a batch. */
static PpImage *
expected_output (const char *path,
                 PpPipeline *pipeline)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PpImage) decoded = NULL;
  g_autoptr (PpPlan) plan = NULL;
  PpLoadOptions options;
  PpImage *out;

  pp_load_options_init (&options);
  pp_pipeline_get_load_hint (pipeline, &options.fit_width, &options.fit_height);
  decoded = pp_io_load (path, &options, NULL, NULL, &error);
  g_assert_no_error (error);
  plan = pp_plan_new (pipeline, decoded->width, decoded->height, decoded->channels, &error);
  g_assert_no_error (error);
  out = pp_plan_run (plan, decoded, 1, NULL, NULL, &error);
  g_assert_no_error (error);
  return out;
}

static PpImage *
decode (const char *path)
{
  g_autoptr (GError) error = NULL;
  PpImage *image = pp_io_load (path, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  return image;
}

static void
test_batch_pixels (void)
{
  /* A leading fit shrinks on load; the second chain mixes every kind. */
  static const char *const specs[] = {
    "fit=500x500,sharpen=1.5;radius=2",
    "exposure=0.3,gaussian-blur=1.5,rotate=90,saturation=30,crop=300x200;x=10;y=20",
  };
  const char *samples = g_getenv ("PP_SOURCE_ROOT");
  g_autofree char *input = g_build_filename (samples, "data", "samples", NULL);
  g_autofree char *scratch = g_dir_make_tmp ("pp-output-XXXXXX", NULL);
  guint n_checked = 0;

  /* Both chains in PNG; the smooth one in JPEG too (a sharpened image is all fine detail,
   * where JPEG's error is largest: PNG checks it exactly). */
  for (guint s = 0; s < G_N_ELEMENTS (specs); s++)
    for (int lossless = 1; lossless >= (s == 1 ? 0 : 1); lossless--)
      {
        g_autofree char *name = g_strdup_printf ("%u-%s", s, lossless ? "png" : "jpeg");
        g_autofree char *output = g_build_filename (scratch, name, NULL);
        g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec (specs[s], NULL);
        g_autoptr (PpRun) run = run_batch (input, output, specs[s],
                                           lossless ? PP_FORMAT_PNG : PP_FORMAT_JPEG, 95);
        guint n = g_list_model_get_n_items (G_LIST_MODEL (run));

        g_assert_cmpuint (n, ==, 8);
        for (guint i = 0; i < n; i++)
          {
            g_autoptr (PpFileResult) result = g_list_model_get_item (G_LIST_MODEL (run), i);
            const char *in_path = pp_file_result_get_input (result);
            g_autoptr (PpImage) want = NULL;
            g_autoptr (PpImage) got = NULL;

            g_assert_cmpint (pp_file_result_get_status (result), ==, PP_FILE_STATUS_OK);
            want = expected_output (in_path, pipeline);
            got = decode (pp_file_result_get_output (result));
            if (got->width != want->width || got->height != want->height)
              g_error ("%s through %s: output %d x %d, expected %d x %d", in_path, specs[s],
                       got->width, got->height, want->width, want->height);
            if (lossless)
              {
                if (!pp_image_equal (got, want))
                  g_error ("%s through %s: the PNG output is not the pipeline's pixels (mean "
                           "difference %.3f)", in_path, specs[s], pp_test_mean_error (got, want));
              }
            else
              {
                /* JPEG at quality 95: measured 0.2 to 1.7 levels (of 255) of mean error on the
                 * samples; 3 leaves room for another encoder. The pipeline's own effect is
                 * 12 to 31 levels: the output must be at least 5 times closer to it. */
                g_autoptr (PpImage) plain = NULL;
                g_autoptr (PpPipeline) size_only =
                  pp_pipeline_new_from_spec ("rotate=90,crop=300x200;x=10;y=20", NULL);
                double error = pp_test_mean_error (got, want), unfiltered;

                plain = expected_output (in_path, size_only);
                unfiltered = pp_test_mean_error (got, plain);
                g_test_message ("%s through %s as JPEG: %.2f from the pipeline's pixels, %.2f "
                                "from the input's", in_path, specs[s], error, unfiltered);
                if (error > 3.0 || error * 5 > unfiltered)
                  g_error ("%s through %s: the JPEG output is %.2f from the pipeline's pixels "
                           "and %.2f from the unprocessed input", in_path, specs[s], error,
                           unfiltered);
              }
            n_checked++;
          }
      }
  g_assert_cmpuint (n_checked, ==, 24);
  remove_dir (scratch);
}

/* ---- save, along both paths ---- */

typedef struct
{
  char *dir;
  int inotify;
  gboolean named; /* PP_NO_O_TMPFILE=1: the named-temporary path */
} SaveFixture;

static void
save_setup (SaveFixture   *f,
            gconstpointer  data)
{
  f->named = GPOINTER_TO_INT (data);
  if (f->named)
    g_setenv ("PP_NO_O_TMPFILE", "1", TRUE);
  else
    g_unsetenv ("PP_NO_O_TMPFILE");
  f->dir = g_dir_make_tmp ("pp-save-XXXXXX", NULL);
  f->inotify = inotify_init1 (IN_NONBLOCK | IN_CLOEXEC);
  g_assert_cmpint (f->inotify, >=, 0);
  g_assert_cmpint (inotify_add_watch (f->inotify, f->dir, IN_CREATE | IN_MOVED_TO), >=, 0);
}

static void
save_teardown (SaveFixture   *f,
               gconstpointer  data)
{
  g_unsetenv ("PP_NO_O_TMPFILE");
  close (f->inotify);
  umount2 (f->dir, MNT_DETACH);
  remove_dir (f->dir);
  g_free (f->dir);
}

/* Names created in the folder since the last call. */
static GPtrArray *
created_names (SaveFixture *f)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  char buf[8192] __attribute__ ((aligned (__alignof__ (struct inotify_event))));
  gssize len;

  while ((len = read (f->inotify, buf, sizeof buf)) > 0)
    for (char *p = buf; p < buf + len;)
      {
        const struct inotify_event *event = (const struct inotify_event *) p;

        if (event->len > 0 && (event->mask & IN_CREATE))
          g_ptr_array_add (names, g_strdup (event->name));
        p += sizeof (struct inotify_event) + event->len;
      }
  return names;
}

static gboolean
any_temporary (GPtrArray *names)
{
  for (guint i = 0; i < names->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (names, i), ".parapix-"))
      return TRUE;
  return FALSE;
}

static gboolean
save (const char    *path,
      PpImage       *image,
      gboolean       overwrite,
      GCancellable  *cancellable,
      GError       **error)
{
  PpSaveOptions options;

  pp_save_options_init (&options);
  options.format = PP_FORMAT_PNG;
  options.png_compression = 0; /* large on purpose: fills a small disk */
  options.overwrite = overwrite;
  return pp_io_save (image, path, &options, NULL, cancellable, error);
}

static void
test_save_atomic (SaveFixture   *f,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "out.png", NULL);
  g_autoptr (PpImage) first = pp_test_photo_new (64, 48, 3, 1);
  g_autoptr (PpImage) second = pp_test_photo_new (64, 48, 3, 2);
  g_autoptr (PpImage) back = NULL;
  g_autoptr (GPtrArray) names = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  /* A new file: complete, and only the named path ever shows a temporary. */
  g_assert_true (save (path, first, FALSE, NULL, &error));
  g_assert_no_error (error);
  names = created_names (f);
  g_assert_cmpint (any_temporary (names), ==, f->named);
  back = decode (path);
  g_assert_true (pp_image_equal (back, first));
  g_assert_cmpuint (pp_test_count_entries (f->dir), ==, 1);

  /* Not replaced unless asked, and left as it was. */
  g_assert_true (g_file_get_contents (path, &before, NULL, NULL));
  g_assert_false (save (path, second, FALSE, NULL, &error));
  g_assert_error (error, PP_IO_ERROR, PP_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (pp_test_count_entries (f->dir), ==, 1);

  /* Replaced when asked, whole. */
  g_assert_true (save (path, second, TRUE, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&back, pp_image_unref);
  back = decode (path);
  g_assert_true (pp_image_equal (back, second));
  g_assert_cmpuint (pp_test_count_entries (f->dir), ==, 1);

  /* Cancelled: nothing new, nothing replaced. */
  {
    g_autoptr (GCancellable) cancellable = g_cancellable_new ();
    g_autofree char *other = g_build_filename (f->dir, "other.png", NULL);

    g_cancellable_cancel (cancellable);
    g_assert_false (save (other, first, FALSE, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_assert_false (save (path, first, TRUE, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_clear_pointer (&back, pp_image_unref);
    back = decode (path);
    g_assert_true (pp_image_equal (back, second));
    g_assert_cmpuint (pp_test_count_entries (f->dir), ==, 1);
  }
}

/* A full disk (a 64 KiB tmpfs, so root only): the save fails saying so, and leaves nothing. */
static void
test_save_disk_full (SaveFixture   *f,
                     gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "big.png", NULL);
  g_autofree char *existing = g_build_filename (f->dir, "small.png", NULL);
  g_autoptr (PpImage) big = pp_test_image_new (300, 300, 3, 0, 7); /* ~270 KB as PNG */
  g_autoptr (PpImage) small = pp_test_photo_new (8, 8, 3, 1);
  g_autoptr (PpImage) back = NULL;
  g_autoptr (GError) error = NULL;

  if (mount ("tmpfs", f->dir, "tmpfs", 0, "size=64k") != 0)
    {
      pp_test_missing ("cannot mount a small tmpfs (needs root): %s", g_strerror (errno));
      return;
    }
  g_assert_true (save (existing, small, FALSE, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (save (path, big, FALSE, NULL, &error));
  g_assert_error (error, PP_IO_ERROR, PP_IO_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, g_strerror (ENOSPC)));
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  /* Replacing a file with one that does not fit keeps the old file whole. */
  g_assert_false (save (existing, big, TRUE, NULL, &error));
  g_assert_error (error, PP_IO_ERROR, PP_IO_ERROR_WRITE);
  back = decode (existing);
  g_assert_true (pp_image_equal (back, small));
  g_assert_cmpuint (pp_test_count_entries (f->dir), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/output/batch-pixels", test_batch_pixels);
#define ADD(path, named, func) \
  g_test_add ("/pp/output/save/" path, SaveFixture, GINT_TO_POINTER (named), save_setup, func, \
              save_teardown)
  ADD ("o-tmpfile/atomic", FALSE, test_save_atomic);
  ADD ("o-tmpfile/disk-full", FALSE, test_save_disk_full);
  ADD ("named-temporary/atomic", TRUE, test_save_atomic);
  ADD ("named-temporary/disk-full", TRUE, test_save_disk_full);
#undef ADD
  return g_test_run ();
}
