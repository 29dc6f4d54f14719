/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every file of ../shared/corpus through the codecs twice: isolated (two workers, each with its
 * own helper, as a batch runs) and in this process. The process survives all of them, isolation
 * changes no outcome and no pixel, no helper crashes on the corpus, every failure carries a
 * reason, and no input changes.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "decoder/pp-decoder.h"
#include "io/pp-io.h"

typedef struct
{
  char *file;
  char *hash_before;
  gboolean ok[2];         /* isolated, in process */
  guint64 checksum[2];
  char *reason[2];
  GQuark domain[2];
  int code[2];
} Entry;

typedef struct
{
  GPtrArray *entries;
  guint next;
  GMutex lock;
  gboolean isolated;
} Work;

static char *
hash_file (const char *path)
{
  g_autoptr (GMappedFile) map = g_mapped_file_new (path, FALSE, NULL);

  if (map == NULL)
    return g_strdup ("unreadable");
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                      (const guint8 *) g_mapped_file_get_contents (map),
                                      g_mapped_file_get_length (map));
}

static gpointer
worker (gpointer data)
{
  Work *work = data;
  g_autoptr (PpDecoder) decoder = pp_decoder_new ();
  const char *dir = g_getenv ("PP_CORPUS_DIR");
  int k = work->isolated ? 0 : 1;

  for (;;)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PpImage) image = NULL;
      g_autofree char *path = NULL;
      g_auto (PpDecoded) decoded = { 0 };
      PpLoadRequest request;
      gboolean ok;
      Entry *e;

      g_mutex_lock (&work->lock);
      e = work->next < work->entries->len ? work->entries->pdata[work->next++] : NULL;
      g_mutex_unlock (&work->lock);
      if (e == NULL)
        break;
      path = g_build_filename (dir, e->file, NULL);
      pp_load_request_init (&request);
      request.max_pixels = PP_IO_DEFAULT_MAX_MEGAPIXELS * 1e6;
      request.apply_orientation = TRUE;
      if (work->isolated)
        ok = pp_decoder_load (decoder, path, &request, &decoded, NULL, &error);
      else
        {
          int fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);

          g_autofree char *name = g_path_get_basename (path);

          request.name = name; /* as the client names it */
          if (fd < 0)
            {
              int saved = errno;

              /* What the client says about a file it cannot open. */
              g_set_error (&error, G_IO_ERROR, g_io_error_from_errno (saved),
                           "Cannot open “%s”: %s", path, g_strerror (saved));
              ok = FALSE;
            }
          else
            {
              ok = pp_codec_load_fd (fd, &request, &decoded, &error);
              close (fd);
            }
        }
      if (ok)
        image = pp_image_ref (((PpFrame *) decoded.frames->pdata[0])->image);
      e->ok[k] = image != NULL;
      if (image != NULL)
        e->checksum[k] = pp_image_get_checksum (image);
      if (error != NULL)
        {
          e->reason[k] = g_strdup (error->message);
          e->domain[k] = error->domain;
          e->code[k] = error->code;
        }
    }
  return NULL;
}

static void
run (GPtrArray *entries,
     gboolean   isolated)
{
  Work work = { entries, 0, { 0 }, isolated };
  GThread *threads[2];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("load", worker, &work);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
}

static void
test_corpus (void)
{
  const char *dir = g_getenv ("PP_CORPUS_DIR");
  g_autofree char *tsv_path = g_build_filename (dir, "expected.tsv", NULL);
  g_autofree char *tsv = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GPtrArray) entries = g_ptr_array_new ();
  guint n_ok = 0, n_err = 0;
  gint64 start, isolated_us, here_us;

  g_assert_true (g_file_get_contents (tsv_path, &tsv, NULL, NULL));
  lines = g_strsplit (tsv, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], "\t", 3);
      g_autofree char *path = NULL;
      Entry *e;

      if (g_strv_length (f) < 2 || g_str_equal (f[0], "file"))
        continue;
      e = g_new0 (Entry, 1);
      e->file = g_strdup (f[0]);
      path = g_build_filename (dir, e->file, NULL);
      e->hash_before = hash_file (path);
      g_ptr_array_add (entries, e);
    }
  g_assert_cmpuint (entries->len, >, 600);

  start = g_get_monotonic_time ();
  run (entries, TRUE);
  isolated_us = g_get_monotonic_time () - start;
  start = g_get_monotonic_time ();
  run (entries, FALSE);
  here_us = g_get_monotonic_time () - start;

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = entries->pdata[i];
      g_autofree char *path = g_build_filename (dir, e->file, NULL);
      g_autofree char *hash_after = hash_file (path);

      g_assert_cmpstr (e->hash_before, ==, hash_after);
      /* No corpus file crashes a loader under the helper's limits: a crash here is a bug in
       * our code, or a sanitizer report inside the helper (which aborts it). */
      if (e->domain[0] == PP_DECODER_ERROR)
        g_error ("%s: %s", e->file, e->reason[0]);
      if (e->ok[0] != e->ok[1])
        g_error ("%s: isolated %s, in process %s", e->file, e->reason[0] ? e->reason[0] : "ok",
                 e->reason[1] ? e->reason[1] : "ok");
      if (e->ok[0])
        {
          n_ok++;
          g_assert_cmpuint (e->checksum[0], ==, e->checksum[1]);
        }
      else
        {
          n_err++;
          g_assert_cmpstr (e->reason[0], !=, "");
          g_assert_cmpuint (e->domain[0], ==, e->domain[1]);
          g_assert_cmpint (e->code[0], ==, e->code[1]);
        }
    }
  g_print ("# corpus: %u files: %u loaded, %u refused with a reason; isolated and in-process "
           "agree on every outcome and pixel; 2 workers: isolated %.2f s, in process %.2f s\n",
           entries->len, n_ok, n_err, isolated_us / 1e6, here_us / 1e6);

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = entries->pdata[i];

      g_free (e->file);
      g_free (e->hash_before);
      for (int k = 0; k < 2; k++)
        g_free (e->reason[k]);
      g_free (e);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* Seven corpus files make a loader log g_critical() ([CRITICAL] in expected.tsv): in this
   * process that is third-party noise to survive, not a failure of ours. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_test_add_func ("/pp/decoder/corpus", test_corpus);
  return g_test_run ();
}
