/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Isolated decoding: the helper gives the same pixels as decoding in process, and every way a
 * helper can fail (crash, hang, memory, garbage answers) is one clean error, after which the
 * next file decodes normally.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "decoder/pp-decoder.h"
#include "io/pp-io.h"

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
assert_same_blob (GBytes *a,
                  GBytes *b)
{
  g_assert_true ((a == NULL) == (b == NULL));
  if (a != NULL)
    g_assert_true (g_bytes_equal (a, b));
}

/* pp_codec_load_fd() in this process, on @path, named as the client names it. */
static gboolean
load_here (const char          *path,
           const PpLoadRequest *request,
           PpDecoded           *out,
           GError             **error)
{
  g_autofree char *name = g_path_get_basename (path);
  PpLoadRequest named = *request;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  gboolean ok;

  g_assert_cmpint (fd, >=, 0);
  named.name = name;
  ok = pp_codec_load_fd (fd, &named, out, error);
  close (fd);
  return ok;
}

static void
default_request (PpLoadRequest *request)
{
  pp_load_request_init (request);
  request->max_pixels = PP_IO_DEFAULT_MAX_MEGAPIXELS * 1e6;
  request->apply_orientation = TRUE;
}

/* The helper runs the codecs' own code: same pixels, same facts, as in this process. */
static void
test_same_as_in_process (void)
{
  static const struct
  {
    const char *file;
    int fit; /* size hint, 0: none */
  } cases[] = {
    { "valid/gdkpixbuf_icc-profile.jpeg", 0 },
    { "valid/gdkpixbuf_icc-profile.png", 0 },
    { "valid/gdkpixbuf_bug143608-comment.jpg", 0 },
    { "valid/gdkpixbuf_aero.gif", 0 },
    { "valid/webploader_t3.webp", 0 },
    { "valid/gdkpixbuf_dpi.tiff", 0 },
    { "valid/gdkpixbuf_valid.1.ppm", 0 },
    { "valid/bmpsuite_g-rgb24.bmp", 0 },
    { "valid/exifsamples_jolla.jpg", 400 },
    { "valid/exifsamples_Canon_40D.jpg", 0 },
    { "valid/exifsamples_iphone_13_pro_max.heic", 300 },
  };
  g_autoptr (PpDecoder) decoder = pp_decoder_new ();
  g_autofree char *bwrap = g_find_program_in_path ("bwrap");
  gboolean saw_icc = FALSE, saw_rotation = FALSE, saw_shrink = FALSE, saw_exif = FALSE;
  gint64 helper_cpu_before = pp_decoder_get_helper_cpu_us ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = corpus_file (cases[i].file);
      g_autoptr (GError) error = NULL;
      g_auto (PpDecoded) a = { 0 };
      g_auto (PpDecoded) b = { 0 };
      PpLoadRequest request;
      const PpImage *ia, *ib;

      default_request (&request);
      request.fit_width = request.fit_height = cases[i].fit;
      pp_decoder_load (decoder, path, &request, &a, NULL, &error);
      g_assert_no_error (error);
      load_here (path, &request, &b, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (a.frames->len, ==, b.frames->len);
      ia = ((PpFrame *) a.frames->pdata[0])->image;
      ib = ((PpFrame *) b.frames->pdata[0])->image;
      assert_same_image (ia, ib);
      g_assert_cmpstr (a.header.format, ==, b.header.format);
      g_assert_cmpint (a.header.width, ==, b.header.width);
      g_assert_cmpint (a.header.height, ==, b.header.height);
      g_assert_cmpuint (a.header.n_frames, ==, b.header.n_frames);
      g_assert_cmpint (a.orientation, ==, b.orientation);
      g_assert_cmpint (a.orientation_applied, ==, b.orientation_applied);
      assert_same_blob (a.icc, b.icc);
      assert_same_blob (a.metadata.exif, b.metadata.exif);
      assert_same_blob (a.metadata.xmp, b.metadata.xmp);
      assert_same_blob (a.metadata.iptc, b.metadata.iptc);
      saw_icc |= a.icc != NULL;
      saw_exif |= a.metadata.exif != NULL;
      saw_rotation |= a.orientation_applied && a.orientation >= 5;
      saw_shrink |= MAX (ia->width, ia->height) < MAX (a.header.width, a.header.height);
    }
  g_assert_true (saw_icc);
  g_assert_true (saw_exif);
  g_assert_true (saw_rotation);
  g_assert_true (saw_shrink);
  g_test_message ("helper inside bubblewrap: %s",
                  pp_decoder_get_sandboxed (decoder) ? "yes" : "no");
  if (bwrap != NULL && g_getenv ("PP_DECODER_ISOLATION") == NULL)
    g_assert_true (pp_decoder_get_sandboxed (decoder));
  /* One helper served every file, and its CPU time (a HEIF decode among them) is counted. */
  g_assert_cmpuint (pp_decoder_get_n_spawns (decoder), ==, 1);
  g_assert_cmpint (pp_decoder_get_helper_cpu_us (), >, helper_cpu_before);
}

static GError *
load_error (PpDecoder     *decoder,
            const char    *file,
            double         max_megapixels,
            GCancellable  *cancellable)
{
  g_autofree char *path = g_path_is_absolute (file) ? g_strdup (file) : corpus_file (file);
  g_auto (PpDecoded) decoded = { 0 };
  PpLoadRequest request;
  GError *error = NULL;

  default_request (&request);
  request.max_pixels = max_megapixels * 1e6;
  g_assert_false (pp_decoder_load (decoder, path, &request, &decoded, cancellable, &error));
  g_assert_nonnull (error);
  g_test_message ("%s: %s", file, error->message);
  return error;
}

static void
test_bomb_refused (void)
{
  g_autoptr (PpDecoder) decoder = pp_decoder_new ();
  g_autoptr (GError) error = load_error (decoder, "broken/selfmade_png-bomb-20000x20000.png",
                                         PP_IO_DEFAULT_MAX_MEGAPIXELS, NULL);

  g_assert_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_TOO_LARGE);
}

/* Found by fuzz-load: the WebP loader allocated the 5 GB this 31-byte header declares. */
static void
test_webp_header_bomb (void)
{
  g_autoptr (PpDecoder) decoder = pp_decoder_new ();
  g_autofree char *src = g_build_filename (g_getenv ("PP_SOURCE_ROOT"), "tests", "fuzz",
                                           "regressions", "fuzz-load",
                                           "webp-vp8x-huge-canvas", NULL);
  g_autofree char *dir = g_dir_make_tmp ("pp-webp-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "canvas.webp", NULL);
  g_autofree char *data = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;

  /* The regression's first two bytes pick the fuzz target's filter and output format. */
  g_assert_true (g_file_get_contents (src, &data, &len, NULL));
  g_assert_true (g_file_set_contents (path, data + 2, len - 2, NULL));
  error = load_error (decoder, path, PP_IO_DEFAULT_MAX_MEGAPIXELS, NULL);
  g_assert_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_TOO_LARGE);
  g_unlink (path);
  g_rmdir (dir);
}

static void
decode_valid (PpDecoder *decoder)
{
  g_autofree char *path = corpus_file ("valid/gdkpixbuf_valid.1.png");
  g_autoptr (GError) error = NULL;

  g_auto (PpDecoded) decoded = { 0 };

  g_assert_true (pp_decoder_load (decoder, path, NULL, &decoded, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (decoded.frames);
}

static void
test_out_of_memory (void)
{
  g_autoptr (PpDecoder) decoder = pp_decoder_new ();
  g_autoptr (GError) error = NULL;

#ifdef SANITIZED
  g_test_skip ("sanitizer builds cannot cap the helper's address space (shadow memory)");
  return;
#endif
  /* Without the pixel limit, only the memory cap stands between this file and 1.2 GB. */
  pp_decoder_set_memory_limit (decoder, 256 << 20);
  error = load_error (decoder, "broken/selfmade_png-bomb-20000x20000.png", 0, NULL);
  /* The pixels' memory cannot be had under RLIMIT_AS: an ordinary error that names the cap. */
  g_assert_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_NO_MEMORY);
  g_assert_nonnull (strstr (error->message, "(the decoder’s memory limit is 256 MiB)"));
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
  return load_error (decoder, "valid/gdkpixbuf_valid.1.png", 0, cancellable);
}

static void
test_crash (void)
{
  g_autoptr (PpDecoder) decoder = fake_decoder ("crash");
  g_autoptr (GError) error = fake_decode (decoder, NULL);

  g_assert_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_CRASHED);
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

  g_assert_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_TIMED_OUT);
  g_assert_cmpstr (error->message, ==, "Decoding took longer than 1 s");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
  fake_done (decoder);
}

static void
test_oom_exit (void)
{
  g_autoptr (PpDecoder) decoder = fake_decoder ("oom");
  g_autoptr (GError) error = fake_decode (decoder, NULL);

  g_assert_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_OUT_OF_MEMORY);
  g_assert_cmpstr (error->message, ==, "The decoder ran out of memory (limit 2 GiB)");
  fake_done (decoder);
}

static void
test_garbage (void)
{
  g_autoptr (PpDecoder) decoder = fake_decoder ("garbage");
  g_autoptr (GError) error = fake_decode (decoder, NULL);

  g_assert_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_FAILED);
  fake_done (decoder);
}

static void
test_unsealed (void)
{
  g_autoptr (PpDecoder) decoder = fake_decoder ("truncate");
  g_autoptr (GError) error = fake_decode (decoder, NULL);

  /* A memfd smaller than announced (and unsealed) would SIGBUS us if mapped. */
  g_assert_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_FAILED);
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

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  {
    g_autoptr (GError) error = load_error (decoder, fifo, 0, NULL);

    g_assert_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_UNSUPPORTED);
    g_assert_nonnull (strstr (error->message, "not a regular file"));
  }
  {
    g_autoptr (GError) error = load_error (decoder, folder, 0, NULL);

    g_assert_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_UNSUPPORTED);
  }
  {
    g_autoptr (GError) error = load_error (decoder, missing, 0, NULL);

    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  }
  /* Refused before any helper was needed. */
  g_assert_cmpuint (pp_decoder_get_n_spawns (decoder), ==, 0);
  g_unlink (fifo);
  g_rmdir (folder);
  g_rmdir (dir);
}

/* A loader the allow-list disables stays disabled in the helper. */
static void
test_allow_list (void)
{
  g_autoptr (PpDecoder) decoder = pp_decoder_new ();
  g_autoptr (GError) error = load_error (decoder, "valid/gdkpixbuf_valid.1.xpm", 0, NULL);

  g_assert_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_UNSUPPORTED);
}

static guint
count_name_dirs (void)
{
  g_autoptr (GDir) tmp = g_dir_open (g_get_tmp_dir (), 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (tmp)) != NULL)
    n += g_str_has_prefix (name, "parapix-decoder-");
  return n;
}

/* A real helper killed in the middle of a file (time-out) leaves nothing behind in /tmp (the
 * helper reads its input from the descriptor and makes no files; older ones made a folder of
 * per-file names there). */
static void
test_killed_leaves_nothing (void)
{
  g_autoptr (PpDecoder) decoder = pp_decoder_new ();
  guint before = count_name_dirs ();
  g_autoptr (GError) error = NULL;

  /* Outside bubblewrap: inside, the folder is in the sandbox's own /tmp anyway. */
  pp_decoder_set_sandbox (decoder, FALSE);
  pp_decoder_set_timeout (decoder, 1);
  error = load_error (decoder, "valid/exifsamples_iphone_13_pro_max.heic", 0, NULL);
  g_assert_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_TIMED_OUT);
  g_assert_cmpuint (count_name_dirs (), ==, before);
}

static guint
count_children (void)
{
  g_autoptr (GDir) proc = g_dir_open ("/proc", 0, NULL);
  g_autofree char *me = g_strdup_printf (" %d ", (int) getpid ());
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (proc)) != NULL)
    {
      g_autofree char *stat_path = g_build_filename ("/proc", name, "stat", NULL);
      g_autofree char *stat = NULL;
      const char *after_comm;

      if (!g_ascii_isdigit (name[0]) || !g_file_get_contents (stat_path, &stat, NULL, NULL))
        continue;
      /* pid (comm) state ppid …: the ppid follows the state letter after the last ')'. */
      after_comm = strrchr (stat, ')');
      if (after_comm != NULL && strlen (after_comm) > 4
          && strncmp (after_comm + 3, me, strlen (me)) == 0)
        n++;
    }
  return n;
}

/* pp_io_load() goes through a per-thread helper unless isolation is off. */
static void
test_pp_io_load_isolated (void)
{
  g_autofree char *path = corpus_file ("valid/gdkpixbuf_valid.1.png");
  g_autoptr (GError) error = NULL;
  g_autoptr (PpImage) image = NULL;
  guint before;

  if (g_getenv ("PP_DECODER_ISOLATION") != NULL)
    {
      g_test_skip ("isolation set from the environment");
      return;
    }
  before = count_children ();
  pp_decoder_set_isolation (FALSE);
  image = pp_io_load (path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count_children (), ==, before);
  g_clear_pointer (&image, pp_image_unref);

  pp_decoder_set_isolation (TRUE);
  image = pp_io_load (path, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (image);
  /* This thread's helper stays for the next file. */
  g_assert_cmpuint (count_children (), ==, before + 1);
}

/* A helper built or installed under /tmp keeps its sandbox: bubblewrap's private /tmp is mounted
 * before the helper is bound into it, not over it (issue 10: "execvp … No such file"). */
static void
test_helper_under_tmp (void)
{
  g_autofree char *bwrap = g_find_program_in_path ("bwrap");
  g_autofree char *dir = g_dir_make_tmp ("pp-helper-XXXXXX", NULL);
  g_autofree char *helper = g_build_filename (dir, "parapix-decoder", NULL);
  g_autofree char *contents = NULL;
  g_autoptr (PpDecoder) decoder = pp_decoder_new ();
  gsize length;

  if (bwrap == NULL || g_getenv ("PP_DECODER_ISOLATION") != NULL)
    {
      g_test_skip ("no bubblewrap here, or isolation set from the environment");
      return;
    }
  g_assert_true (g_str_has_prefix (dir, "/tmp/"));
  g_assert_true (g_file_get_contents (g_getenv ("PP_DECODER_PATH"), &contents, &length, NULL));
  g_assert_true (g_file_set_contents_full (helper, contents, length, G_FILE_SET_CONTENTS_NONE,
                                           0755, NULL));
  pp_decoder_set_helper_path (decoder, helper);
  decode_valid (decoder);
  /* Where bubblewrap works at all (the first helper of this process proved it), it works here. */
  if (pp_decoder_get_n_spawns (decoder) == 1)
    g_assert_true (pp_decoder_get_sandboxed (decoder));
  pp_decoder_stop (decoder);
  g_unlink (helper);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  fake_dir = g_dir_make_tmp ("pp-fake-decoder-XXXXXX", NULL);

  g_test_add_func ("/pp/decoder/same-as-in-process", test_same_as_in_process);
  g_test_add_func ("/pp/decoder/helper-under-tmp", test_helper_under_tmp);
  g_test_add_func ("/pp/decoder/bomb-refused", test_bomb_refused);
  g_test_add_func ("/pp/decoder/webp-header-bomb", test_webp_header_bomb);
  g_test_add_func ("/pp/decoder/out-of-memory", test_out_of_memory);
  g_test_add_func ("/pp/decoder/crash", test_crash);
  g_test_add_func ("/pp/decoder/hang", test_hang);
  g_test_add_func ("/pp/decoder/oom-exit", test_oom_exit);
  g_test_add_func ("/pp/decoder/garbage", test_garbage);
  g_test_add_func ("/pp/decoder/unsealed", test_unsealed);
  g_test_add_func ("/pp/decoder/cancel", test_cancel);
  g_test_add_func ("/pp/decoder/not-regular", test_not_regular);
  g_test_add_func ("/pp/decoder/allow-list", test_allow_list);
  g_test_add_func ("/pp/decoder/pp-io-load", test_pp_io_load_isolated);
  g_test_add_func ("/pp/decoder/killed-leaves-nothing", test_killed_leaves_nothing);
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
