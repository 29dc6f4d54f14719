/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every file of ../shared/corpus through the isolated decoder, two workers at once as a batch
 * would: the process survives all of them, each outcome matches expected.tsv (a bomb must be
 * refused from its header), every failure carries a reason, and no input changes.
 */
#include "config.h"

#include <string.h>

#include "pp-decoder.h"

typedef struct
{
  char *file;
  gboolean expect_ok;
  gboolean bomb;
  gboolean ok;
  int code;
  char *reason;
  char *hash_before;
} Entry;

typedef struct
{
  GPtrArray *entries;
  guint next;
  GMutex lock;
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
  PpDecodeOptions options = { .max_pixels = 128000000, .apply_orientation = TRUE };
  const char *dir = g_getenv ("PP_CORPUS_DIR");

  for (;;)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (PpImage) image = NULL;
      g_autofree char *path = NULL;
      PpDecodeInfo info;
      Entry *e;

      g_mutex_lock (&work->lock);
      e = work->next < work->entries->len ? work->entries->pdata[work->next++] : NULL;
      g_mutex_unlock (&work->lock);
      if (e == NULL)
        break;
      path = g_build_filename (dir, e->file, NULL);
      image = pp_decoder_decode (decoder, path, &options, &info, NULL, &error);
      e->ok = image != NULL;
      if (error != NULL)
        {
          e->reason = g_strdup (error->message);
          e->code = error->domain == PP_DECODE_ERROR ? error->code : -1;
        }
      pp_decode_info_clear (&info);
    }
  return NULL;
}

static void
test_corpus (void)
{
  const char *dir = g_getenv ("PP_CORPUS_DIR");
  g_autofree char *tsv_path = g_build_filename (dir, "expected.tsv", NULL);
  g_autofree char *tsv = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GPtrArray) entries = g_ptr_array_new ();
  Work work = { entries, 0 };
  GThread *threads[2];
  guint n_ok = 0, n_err = 0, n_bomb = 0, n_match = 0, n_stricter = 0, n_laxer = 0;
  gint64 start = g_get_monotonic_time ();

  g_assert_true (g_file_get_contents (tsv_path, &tsv, NULL, NULL));
  lines = g_strsplit (tsv, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], "\t", 3);
      Entry *e;

      if (g_strv_length (f) < 2 || g_str_equal (f[0], "file"))
        continue;
      e = g_new0 (Entry, 1);
      e->file = g_strdup (f[0]);
      e->expect_ok = g_str_equal (f[1], "load-ok");
      e->bomb = f[2] != NULL && strstr (f[2], "[BOMB]") != NULL;
      {
        g_autofree char *path = g_build_filename (dir, e->file, NULL);

        e->hash_before = hash_file (path);
      }
      g_ptr_array_add (entries, e);
    }
  g_assert_cmpuint (entries->len, >, 600);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("decode", worker, &work);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = entries->pdata[i];
      g_autofree char *path = g_build_filename (dir, e->file, NULL);
      g_autofree char *hash_after = hash_file (path);

      g_assert_cmpstr (e->hash_before, ==, hash_after);
      if (e->ok)
        n_ok++;
      else
        {
          n_err++;
          g_assert_nonnull (e->reason);
          g_assert_cmpstr (e->reason, !=, "");
          /* No corpus file crashes GdkPixbuf under the helper's limits; a crash here is a bug in
           * our code (or a sanitizer report in the helper, which aborts it). */
          if (e->code == PP_DECODE_ERROR_CRASHED || e->code == PP_DECODE_ERROR_FAILED)
            g_error ("%s: %s", e->file, e->reason);
        }
      if (e->bomb)
        {
          /* Refused, whatever the loader would have done with 0.5-12 GB. */
          n_bomb++;
          g_assert_false (e->ok);
        }
      else if (e->ok == e->expect_ok)
        n_match++;
      else if (e->expect_ok)
        {
          /* Stricter than gdk_pixbuf_new_from_file(): a damaged file that it "tolerates" with a
           * half-grey image can be an error here, never the other way round. */
          n_stricter++;
          g_printerr ("stricter: %s: %s\n", e->file, e->reason);
        }
      else
        {
          n_laxer++;
          g_printerr ("laxer: %s decoded, but expected.tsv says load-error\n", e->file);
        }
    }
  g_test_message ("corpus: %u files, %u decoded, %u refused with a reason (%u bombs refused from "
                  "the header), %u as expected, %u stricter than expected.tsv, %.1f s",
                  entries->len, n_ok, n_err, n_bomb, n_match, n_stricter,
                  (g_get_monotonic_time () - start) / 1e6);
  g_print ("# corpus: %u files, %u decoded, %u errors (%u bombs refused), %u match, %u stricter\n",
           entries->len, n_ok, n_err, n_bomb, n_match, n_stricter);
  g_assert_cmpuint (n_laxer, ==, 0);

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = entries->pdata[i];

      g_free (e->file);
      g_free (e->reason);
      g_free (e->hash_before);
      g_free (e);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/decoder/corpus", test_corpus);
  return g_test_run ();
}
