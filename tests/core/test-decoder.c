/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Isolated decoding: the helper gives the same pixels as decoding in process, and every way a
 * helper can fail (crash, hang, memory, garbage answers) is one clean error, after which the
 * next file decodes normally.
 */
#include "config.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "pp-decoder.h"
#include "pp-filter.h"
#include "pp-pipeline.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif

static char *
corpus_file (const char *name)
{
  const char *dir = g_getenv ("PP_CORPUS_DIR");

  g_assert_nonnull (dir);
  return g_build_filename (dir, name, NULL);
}

static void
assert_same_image (const PpImage *a,
                   const PpImage *b)
{
  g_assert_cmpint (a->width, ==, b->width);
  g_assert_cmpint (a->height, ==, b->height);
  g_assert_cmpint (a->channels, ==, b->channels);
  g_assert_true (pp_image_equal (a, b));
}

static void
test_same_pixels (void)
{
  static const char *const files[] = {
    "valid/gdkpixbuf_icc-profile.jpeg", "valid/gdkpixbuf_icc-profile.png",
    "valid/gdkpixbuf_bug143608-comment.jpg", "valid/gdkpixbuf_aero.gif",
    "valid/webploader_t3.webp", "valid/gdkpixbuf_gtk-logo-32bpp-top-left.tga",
    "valid/gdkpixbuf_dpi.tiff", "valid/bmpsuite_g-rgb24.bmp",
  };
  g_autoptr (PpDecoder) isolated = pp_decoder_new ();
  g_autoptr (PpDecoder) local = pp_decoder_new ();
  PpDecodeOptions options = { .max_pixels = 128000000, .apply_orientation = TRUE };
  gboolean saw_icc = FALSE, saw_rotation = FALSE;
  g_autofree char *bwrap = g_find_program_in_path ("bwrap");

  pp_decoder_set_isolated (isolated, TRUE);
  pp_decoder_set_isolated (local, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = corpus_file (files[i]);
      g_autoptr (GError) error = NULL;
      g_autoptr (PpImage) a = NULL;
      g_autoptr (PpImage) b = NULL;
      PpDecodeInfo ia, ib;

      a = pp_decoder_decode (isolated, path, &options, &ia, NULL, &error);
      g_assert_no_error (error);
      b = pp_decoder_decode (local, path, &options, &ib, NULL, &error);
      g_assert_no_error (error);
      assert_same_image (a, b);
      g_assert_cmpstr (ia.format, ==, ib.format);
      g_assert_cmpint (ia.width, ==, ib.width);
      g_assert_cmpint (ia.height, ==, ib.height);
      g_assert_cmpint (ia.orientation, ==, ib.orientation);
      g_assert_cmpstr (ia.icc_profile, ==, ib.icc_profile);
      saw_icc |= ia.icc_profile != NULL;
      if (ia.orientation >= 5)
        {
          saw_rotation = TRUE;
          g_assert_cmpint (a->width, ==, ia.height);
        }
      pp_decode_info_clear (&ia);
      pp_decode_info_clear (&ib);
    }
  g_assert_true (saw_icc);
  g_assert_true (saw_rotation);
  g_test_message ("helper inside bubblewrap: %s",
                  pp_decoder_get_sandboxed (isolated) ? "yes" : "no");
  if (bwrap != NULL && g_getenv ("PP_DECODER_ISOLATION") == NULL)
    g_assert_true (pp_decoder_get_sandboxed (isolated));
  /* One helper served every file. */
  g_assert_cmpuint (pp_decoder_get_n_spawns (isolated), ==, 1);
}

static void
test_bomb_refused (void)
{
  g_autoptr (PpDecoder) decoder = pp_decoder_new ();
  g_autofree char *path = corpus_file ("broken/selfmade_png-bomb-20000x20000.png");
  g_autoptr (GError) error = NULL;
  g_autoptr (PpImage) image = NULL;
  PpDecodeOptions options = { .max_pixels = 128000000 };
  PpDecodeInfo info;

  image = pp_decoder_decode (decoder, path, &options, &info, NULL, &error);
  g_assert_null (image);
  g_assert_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "20000 × 20000"));
  g_assert_cmpint (info.width, ==, 20000);
  pp_decode_info_clear (&info);
}

static void
decode_valid (PpDecoder *decoder)
{
  g_autofree char *path = corpus_file ("valid/gdkpixbuf_valid.1.png");
  g_autoptr (GError) error = NULL;
  g_autoptr (PpImage) image = NULL;
  PpDecodeOptions options = { .max_pixels = 128000000 };
  PpDecodeInfo info;

  image = pp_decoder_decode (decoder, path, &options, &info, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (image);
  pp_decode_info_clear (&info);
}

static void
test_out_of_memory (void)
{
  g_autoptr (PpDecoder) decoder = pp_decoder_new ();
  g_autofree char *path = corpus_file ("broken/selfmade_png-bomb-20000x20000.png");
  g_autoptr (GError) error = NULL;
  g_autoptr (PpImage) image = NULL;
  PpDecodeOptions options = { .max_pixels = 0 };
  PpDecodeInfo info;

#ifdef SANITIZED
  g_test_skip ("sanitizer builds cannot cap the helper's address space (shadow memory)");
  return;
#endif
  /* Without the pixel limit, only the memory cap stands between this file and 1.2 GB. */
  pp_decoder_set_memory_limit (decoder, 256 << 20);
  image = pp_decoder_decode (decoder, path, &options, &info, NULL, &error);
  g_assert_null (image);
  g_assert_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_OUT_OF_MEMORY);
  g_assert_nonnull (strstr (error->message, "256"));
  g_test_message ("%s", error->message);
  pp_decode_info_clear (&info);
  decode_valid (decoder);
}

static char *fake_dir;

static PpDecoder *
fake_decoder (const char *mode)
{
  PpDecoder *decoder = pp_decoder_new ();
  g_autofree char *link = g_build_filename (fake_dir, mode, NULL);

  if (!g_file_test (link, G_FILE_TEST_EXISTS))
    g_assert_cmpint (symlink (g_getenv ("PP_FAKE_DECODER_PATH"), link), ==, 0);
  pp_decoder_set_helper_path (decoder, link);
  pp_decoder_set_sandbox (decoder, FALSE);
  pp_decoder_set_timeout (decoder, 500);
  return decoder;
}

static void
fake_done (PpDecoder *decoder)
{
  pp_decoder_set_helper_path (decoder, NULL);
  /* The same decoder recovers with a real helper. */
  decode_valid (decoder);
  g_assert_cmpuint (pp_decoder_get_n_spawns (decoder), ==, 2);
}

static GError *
fake_decode (PpDecoder    *decoder,
             GCancellable *cancellable)
{
  g_autofree char *path = corpus_file ("valid/gdkpixbuf_valid.1.png");
  g_autoptr (PpImage) image = NULL;
  PpDecodeOptions options = { 0 };
  PpDecodeInfo info;
  GError *error = NULL;

  image = pp_decoder_decode (decoder, path, &options, &info, cancellable, &error);
  g_assert_null (image);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  pp_decode_info_clear (&info);
  return error;
}

static void
test_crash (void)
{
  g_autoptr (PpDecoder) decoder = fake_decoder ("crash");
  g_autoptr (GError) error = fake_decode (decoder, NULL);

  g_assert_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_CRASHED);
  /* SIGSEGV, or SIGABRT when a sanitizer runtime in the fake helper catches the SIGSEGV first. */
  g_assert_true (strstr (error->message, "signal 11") != NULL
                 || strstr (error->message, "signal 6") != NULL);
  fake_done (decoder);
}

static void
test_hang (void)
{
  g_autoptr (PpDecoder) decoder = fake_decoder ("hang");
  gint64 start = g_get_monotonic_time ();
  g_autoptr (GError) error = fake_decode (decoder, NULL);

  g_assert_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, "longer than 1 s"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
  fake_done (decoder);
}

static void
test_oom_exit (void)
{
  g_autoptr (PpDecoder) decoder = fake_decoder ("oom");
  g_autoptr (GError) error = fake_decode (decoder, NULL);

  g_assert_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_OUT_OF_MEMORY);
  g_assert_nonnull (strstr (error->message, "ran out of memory"));
  g_assert_nonnull (strstr (error->message, "GiB"));
  fake_done (decoder);
}

static void
test_garbage (void)
{
  g_autoptr (PpDecoder) decoder = fake_decoder ("garbage");
  g_autoptr (GError) error = fake_decode (decoder, NULL);

  g_assert_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_FAILED);
  fake_done (decoder);
}

static void
test_unsealed (void)
{
  g_autoptr (PpDecoder) decoder = fake_decoder ("truncate");
  g_autoptr (GError) error = fake_decode (decoder, NULL);

  /* A memfd smaller than announced (and unsealed) would SIGBUS us if mapped. */
  g_assert_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "invalid image"));
  fake_done (decoder);
}

static gpointer
cancel_later (gpointer data)
{
  g_usleep (100 * 1000);
  g_cancellable_cancel (data);
  return NULL;
}

static void
test_cancel (void)
{
  g_autoptr (PpDecoder) decoder = fake_decoder ("hang");
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GThread) thread = NULL;
  g_autoptr (GError) error = NULL;

  pp_decoder_set_timeout (decoder, 60000);
  thread = g_thread_new ("cancel", cancel_later, cancellable);
  error = fake_decode (decoder, cancellable);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_thread_join (g_steal_pointer (&thread));
  fake_done (decoder);
}

static void
test_not_regular (void)
{
  g_autoptr (PpDecoder) decoder = pp_decoder_new ();
  g_autofree char *dir = g_dir_make_tmp ("pp-decoder-XXXXXX", NULL);
  g_autofree char *fifo = g_build_filename (dir, "pipe.png", NULL);
  g_autofree char *folder = g_build_filename (dir, "folder.jpg", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.jpg", NULL);
  PpDecodeOptions options = { 0 };
  PpDecodeInfo info;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  {
    g_autoptr (GError) error = NULL;

    g_assert_null (pp_decoder_decode (decoder, fifo, &options, &info, NULL, &error));
    g_assert_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_NOT_REGULAR);
    g_assert_nonnull (strstr (error->message, "named pipe"));
  }
  {
    g_autoptr (GError) error = NULL;

    g_assert_null (pp_decoder_decode (decoder, folder, &options, &info, NULL, &error));
    g_assert_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_NOT_REGULAR);
  }
  {
    g_autoptr (GError) error = NULL;

    g_assert_null (pp_decoder_decode (decoder, missing, &options, &info, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  }
  /* Refused before any helper was needed. */
  g_assert_cmpuint (pp_decoder_get_n_spawns (decoder), ==, 0);
  g_unlink (fifo);
  g_rmdir (folder);
  g_rmdir (dir);
}

static void
test_allow_list (void)
{
  g_autoptr (PpDecoder) decoder = pp_decoder_new ();
  g_autofree char *path = corpus_file ("valid/gdkpixbuf_gtk-logo-32bpp-top-left.tga");
  static const char *const allowed[] = { "png", "jpeg", NULL };
  PpDecodeOptions options = { .allowed_formats = allowed };
  g_autoptr (GError) error = NULL;
  PpDecodeInfo info;

  g_assert_null (pp_decoder_decode (decoder, path, &options, &info, NULL, &error));
  g_assert_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_UNKNOWN_FORMAT);
  g_assert_cmpstr (info.format, ==, "tga");
  pp_decode_info_clear (&info);
}

static void
test_shrink_on_load (void)
{
  g_autoptr (PpDecoder) decoder = pp_decoder_new ();
  g_autofree char *path = corpus_file ("valid/exifsamples_jolla.jpg");
  g_autoptr (PpPipeline) pipeline = NULL;
  g_autoptr (PpImage) image = NULL;
  g_autoptr (GError) error = NULL;
  PpDecodeOptions options = { .max_pixels = 128000000 };
  PpDecodeInfo info;
  int lw, lh;

  pipeline = pp_pipeline_new_from_spec ("fit=400x400", NULL);
  if (pipeline == NULL || !pp_pipeline_get_load_size (pipeline, 3264, 2448, &lw, &lh))
    {
      g_test_skip ("no downscaling filter with shrink-on-load is registered yet");
      return;
    }
  options.shrink_step = pp_pipeline_get_step (pipeline, 0);
  image = pp_decoder_decode (decoder, path, &options, &info, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (info.width, ==, 3264);
  g_assert_cmpint (image->width, <, 3264);
  g_assert_cmpint (image->width, >=, lw);
  pp_decode_info_clear (&info);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  fake_dir = g_dir_make_tmp ("pp-fake-decoder-XXXXXX", NULL);

  g_test_add_func ("/pp/decoder/same-pixels", test_same_pixels);
  g_test_add_func ("/pp/decoder/bomb-refused", test_bomb_refused);
  g_test_add_func ("/pp/decoder/out-of-memory", test_out_of_memory);
  g_test_add_func ("/pp/decoder/crash", test_crash);
  g_test_add_func ("/pp/decoder/hang", test_hang);
  g_test_add_func ("/pp/decoder/oom-exit", test_oom_exit);
  g_test_add_func ("/pp/decoder/garbage", test_garbage);
  g_test_add_func ("/pp/decoder/unsealed", test_unsealed);
  g_test_add_func ("/pp/decoder/cancel", test_cancel);
  g_test_add_func ("/pp/decoder/not-regular", test_not_regular);
  g_test_add_func ("/pp/decoder/allow-list", test_allow_list);
  g_test_add_func ("/pp/decoder/shrink-on-load", test_shrink_on_load);
  status = g_test_run ();
  {
    static const char *const modes[] = { "crash", "hang", "oom", "garbage", "truncate" };

    for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
      {
        g_autofree char *link = g_build_filename (fake_dir, modes[i], NULL);

        g_unlink (link);
      }
    g_rmdir (fake_dir);
    g_free (fake_dir);
  }
  return status;
}
