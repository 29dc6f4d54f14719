/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The policy two runs of one batch are held to (pp-compare-check.h): same outcome for every
 * input, same bytes for every output both wrote. The outcomes are compared when the check is made
 * (main thread: it reads the runs); the bytes when it runs (any thread: it reads only its own
 * copies of the paths).
 */
#define G_LOG_DOMAIN "pp-compare"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "batch/pp-compare-check.h"
#include "render/pp-scheduler.h"

/* Enough to say what went wrong without flooding a terminal or a toast. */
#define MAX_DIFFERENCES_LISTED 20

typedef struct
{
  char *name;       /* for messages: the input's basename */
  char *reference;  /* output paths */
  char *candidate;
} Pair;

struct _PpCompareCheck
{
  GArray *pairs;            /* of Pair: outputs both runs wrote */
  GPtrArray *differences;   /* of char*, NULL-terminated, at most MAX_DIFFERENCES_LISTED */
  guint n_files;
  guint n_compared;
  guint n_not_compared;
  guint n_differences;
  char *reference_label;
  char *candidate_label;
  gboolean ran;
};

static void
pair_clear (Pair *pair)
{
  g_free (pair->name);
  g_free (pair->reference);
  g_free (pair->candidate);
}

static char *
run_label (PpRun *run)
{
  guint threads = pp_run_get_threads (run);

  if (pp_run_get_mode (run) == PP_BATCH_MODE_SERIAL)
    return g_strdup ("the serial run");
  return g_strdup_printf ("the %u-thread run", threads);
}

static void
add_difference (PpCompareCheck *check,
                char           *sentence)
{
  check->n_differences++;
  if (check->differences->len < MAX_DIFFERENCES_LISTED + 1)
    {
      g_ptr_array_index (check->differences, check->differences->len - 1) = sentence;
      g_ptr_array_add (check->differences, NULL);
    }
  else
    g_free (sentence);
}

static char *
describe_outcome (const PpFileRecord *r)
{
  const char *status = pp_file_status_to_string (r->status);

  if (r->reason != NULL && r->status != PP_FILE_STATUS_OK)
    return g_strdup_printf ("%s (%s)", status, r->reason);
  return g_strdup (status);
}

/* Index → record, for one run. The records belong to the run, which outlives the table. */
static GHashTable *
index_records (PpRun *run)
{
  GHashTable *table = g_hash_table_new (NULL, NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (run));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpFileResult) result = g_list_model_get_item (G_LIST_MODEL (run), i);
      const PpFileRecord *r = pp_file_result_get_record (result);

      g_hash_table_insert (table, GUINT_TO_POINTER (r->index + 1), (gpointer) r);
    }
  return table;
}

static int
compare_uint (gconstpointer a,
              gconstpointer b)
{
  guint x = GPOINTER_TO_UINT (*(gconstpointer *) a), y = GPOINTER_TO_UINT (*(gconstpointer *) b);

  return x < y ? -1 : x > y;
}

/**
 * pp_compare_check_new:
 * @reference: a finished run (the serial one, or a sweep's 1-thread run)
 * @candidate: a finished run of the same inputs
 * @flags: see #PpCompareCheckFlags
 *
 * Compares the outcome of every input (matched by its index in the batch's sorted list): a file
 * present in one run only, or with another status (ok, skipped, failed, cancelled), is a
 * difference; outputs that both runs wrote are queued for pp_compare_check_run(). Main thread
 * (it reads the runs' list models); the runs may be dropped afterwards.
 *
 * Returns: (transfer full): the check, to run once and then read
 */
PpCompareCheck *
pp_compare_check_new (PpRun               *reference,
                      PpRun               *candidate,
                      PpCompareCheckFlags  flags)
{
  PpCompareCheck *check;
  g_autoptr (GHashTable) by_ref = NULL;
  g_autoptr (GHashTable) by_cand = NULL;
  g_autoptr (GHashTable) all = NULL;
  g_autoptr (GPtrArray) keys = NULL;
  GHashTableIter iter;
  gpointer key;

  g_return_val_if_fail (PP_IS_RUN (reference) && PP_IS_RUN (candidate), NULL);

  check = g_new0 (PpCompareCheck, 1);
  check->pairs = g_array_new (FALSE, TRUE, sizeof (Pair));
  g_array_set_clear_func (check->pairs, (GDestroyNotify) pair_clear);
  check->differences = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (check->differences, NULL);
  check->reference_label = run_label (reference);
  check->candidate_label = run_label (candidate);

  by_ref = index_records (reference);
  by_cand = index_records (candidate);
  all = g_hash_table_new (NULL, NULL);
  g_hash_table_iter_init (&iter, by_ref);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (all, key);
  g_hash_table_iter_init (&iter, by_cand);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_hash_table_add (all, key);
  /* In input order, so the listed differences read like the folder. */
  keys = g_ptr_array_sized_new (g_hash_table_size (all));
  g_hash_table_iter_init (&iter, all);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (keys, key);
  g_ptr_array_sort (keys, compare_uint);
  check->n_files = keys->len;

  for (guint i = 0; i < keys->len; i++)
    {
      const PpFileRecord *r = g_hash_table_lookup (by_ref, keys->pdata[i]);
      const PpFileRecord *c = g_hash_table_lookup (by_cand, keys->pdata[i]);
      g_autofree char *name = g_path_get_basename (r != NULL ? r->input : c->input);

      if (r == NULL || c == NULL)
        {
          add_difference (check, g_strdup_printf ("%s: processed only in %s", name,
                                                  r != NULL ? check->reference_label
                                                            : check->candidate_label));
          continue;
        }
      if (r->status != c->status)
        {
          g_autofree char *in_ref = NULL;
          g_autofree char *in_cand = NULL;

          if ((flags & PP_COMPARE_CHECK_ALLOW_EXISTING_SKIPS) && r->status == PP_FILE_STATUS_OK
              && c->status == PP_FILE_STATUS_SKIPPED)
            {
              check->n_not_compared++;
              continue;
            }
          in_ref = describe_outcome (r);
          in_cand = describe_outcome (c);
          add_difference (check, g_strdup_printf ("%s: %s in %s, %s in %s", name, in_ref,
                                                  check->reference_label, in_cand,
                                                  check->candidate_label));
          continue;
        }
      if (r->status == PP_FILE_STATUS_OK)
        {
          Pair pair = { g_steal_pointer (&name), g_strdup (r->output), g_strdup (c->output) };

          g_array_append_val (check->pairs, pair);
        }
    }
  return check;
}

/**
 * pp_compare_check_free:
 * @check: (nullable): a check
 *
 * Frees the check and its differences. Any thread, once pp_compare_check_run_async() has
 * finished.
 */
void
pp_compare_check_free (PpCompareCheck *check)
{
  if (check == NULL)
    return;
  g_array_unref (check->pairs);
  g_ptr_array_unref (check->differences);
  g_free (check->reference_label);
  g_free (check->candidate_label);
  g_free (check);
}

/* 1: same bytes, 0: different, -1: one could not be read (@error set). */
static int
same_bytes (const char    *a,
            const char    *b,
            GCancellable  *cancellable,
            GError       **error)
{
  enum { CHUNK = 1 << 20 };
  g_autofree guint8 *buf_a = g_malloc (CHUNK);
  g_autofree guint8 *buf_b = g_malloc (CHUNK);
  int fd_a = g_open (a, O_RDONLY | O_CLOEXEC, 0);
  int fd_b = fd_a >= 0 ? g_open (b, O_RDONLY | O_CLOEXEC, 0) : -1;
  int result = 1;

  if (fd_a < 0 || fd_b < 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "Cannot read “%s”: %s",
                   fd_a < 0 ? a : b, g_strerror (saved));
      result = -1;
    }
  while (result == 1)
    {
      ssize_t na = read (fd_a, buf_a, CHUNK);
      ssize_t nb = na >= 0 ? read (fd_b, buf_b, na > 0 ? na : 1) : -1;

      if (na < 0 || nb < 0)
        {
          int saved = errno;

          if (saved == EINTR)
            continue;
          g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                       "Cannot read an output: %s", g_strerror (saved));
          result = -1;
          break;
        }
      /* Regular files on a local disk give full reads; a short one on either side that does not
       * match the other is read again in small steps rather than trusted. */
      while (nb > 0 && nb < na)
        {
          ssize_t more = read (fd_b, buf_b + nb, na - nb);

          if (more <= 0)
            break;
          nb += more;
        }
      if (na != nb || memcmp (buf_a, buf_b, na) != 0)
        result = 0;
      else if (na == 0)
        break;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        result = -1;
    }
  if (fd_a >= 0)
    close (fd_a);
  if (fd_b >= 0)
    close (fd_b);
  return result;
}

/**
 * pp_compare_check_run:
 * @error: %G_IO_ERROR_CANCELLED when @cancellable fired
 *
 * Compares the bytes of every output both runs wrote. Blocking, any thread (not the main one:
 * pp_compare_check_run_async()); run it once. An output that cannot be read is a difference
 * (with the reason), not an error.
 *
 * Returns: %FALSE only when cancelled
 */
gboolean
pp_compare_check_run (PpCompareCheck  *check,
                      GCancellable    *cancellable,
                      GError         **error)
{
  g_return_val_if_fail (check != NULL && !check->ran, FALSE);

  check->ran = TRUE;
  for (guint i = 0; i < check->pairs->len; i++)
    {
      const Pair *pair = &g_array_index (check->pairs, Pair, i);
      g_autoptr (GError) local_error = NULL;
      int same = same_bytes (pair->reference, pair->candidate, cancellable, &local_error);

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      check->n_compared++;
      if (same == 0)
        add_difference (check, g_strdup_printf ("%s: the outputs of %s and %s differ", pair->name,
                                                check->reference_label, check->candidate_label));
      else if (same < 0)
        add_difference (check, g_strdup_printf ("%s: %s", pair->name, local_error->message));
    }
  return TRUE;
}

static void
check_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;

  if (pp_compare_check_run (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * pp_compare_check_run_async:
 * @check: (transfer none): must stay alive until @callback runs; read it only then
 *
 * pp_compare_check_run() on a GIO worker thread; @callback runs on the caller's thread-default
 * main context.
 */
void
pp_compare_check_run_async (PpCompareCheck      *check,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_return_if_fail (check != NULL);

  g_task_set_source_tag (task, pp_compare_check_run_async);
  g_task_set_task_data (task, check, NULL);
  pp_scheduler_run_task (task, check_thread);
}

/**
 * pp_compare_check_run_finish:
 * @result: the #GAsyncResult given to the callback
 * @error: %G_IO_ERROR_CANCELLED when cancelled; a #G_FILE_ERROR when an output could not be
 *   read is not an error but a difference
 *
 * Main thread (in the callback).
 */
gboolean
pp_compare_check_run_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * pp_compare_check_get_identical:
 *
 * Returns: whether the two runs agree: every input had the same outcome and every output both
 *   wrote is the same bytes (after pp_compare_check_run(); before it, only the outcomes)
 */
gboolean
pp_compare_check_get_identical (PpCompareCheck *check)
{
  g_return_val_if_fail (check != NULL, FALSE);
  return check->n_differences == 0;
}

/**
 * pp_compare_check_get_n_files:
 * @check: a check
 *
 * Main thread; final after pp_compare_check_run_finish().
 *
 * Returns: inputs seen in either run
 */
guint
pp_compare_check_get_n_files (PpCompareCheck *check)
{
  g_return_val_if_fail (check != NULL, 0);
  return check->n_files;
}

/**
 * pp_compare_check_get_n_compared:
 * @check: a check
 *
 * Main thread; final after pp_compare_check_run_finish().
 *
 * Returns: outputs compared byte for byte so far
 */
guint
pp_compare_check_get_n_compared (PpCompareCheck *check)
{
  g_return_val_if_fail (check != NULL, 0);
  return check->n_compared;
}

/**
 * pp_compare_check_get_n_not_compared:
 *
 * Returns: files the candidate skipped because its output folder already held them
 *   (%PP_COMPARE_CHECK_ALLOW_EXISTING_SKIPS only)
 */
guint
pp_compare_check_get_n_not_compared (PpCompareCheck *check)
{
  g_return_val_if_fail (check != NULL, 0);
  return check->n_not_compared;
}

/**
 * pp_compare_check_get_n_differences:
 * @check: a check
 *
 * Main thread; final after pp_compare_check_run_finish().
 *
 * Returns: inputs whose outcome or output differs
 */
guint
pp_compare_check_get_n_differences (PpCompareCheck *check)
{
  g_return_val_if_fail (check != NULL, 0);
  return check->n_differences;
}

/**
 * pp_compare_check_get_differences:
 *
 * Returns: (transfer none): one sentence per difference, in input order, the first 20 only
 *   ("photo.jpg: failed (Cannot decode…) in the serial run, ok in the 4-thread run")
 */
const char *const *
pp_compare_check_get_differences (PpCompareCheck *check)
{
  g_return_val_if_fail (check != NULL, NULL);
  return (const char *const *) check->differences->pdata;
}
