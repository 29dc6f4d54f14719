/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reading --files-from lists. The list is data, not a shell script: no quoting, no comments;
 * one path per line, or NUL-separated when the data holds any NUL byte (names may contain
 * newlines, never NUL). A trailing carriage return is dropped (lists written on Windows).
 */
#define G_LOG_DOMAIN "pp-file-list"

#include "config.h"

#include <string.h>

#include <gio/gunixinputstream.h>

#include "batch/pp-file-list.h"

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

/**
 * pp_file_list_parse:
 * @data: the list's bytes
 * @length: bytes in @data
 * @base_dir: (nullable): the folder relative paths are in (--batch DIR); %NULL for the
 *   current folder
 * @n_duplicates: (out) (optional): paths listed more than once (after making them absolute)
 *
 * Turns a list into absolute, lexically cleaned paths ("a/./b" and "a/x/../b" are "a/b";
 * symbolic links are not resolved), sorted bytewise, each once. Empty lines are skipped. Any
 * thread.
 *
 * Returns: (transfer full): the paths (possibly none)
 */
GStrv
pp_file_list_parse (const char *data,
                    gsize       length,
                    const char *base_dir,
                    guint      *n_duplicates)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *cwd = NULL;
  char separator;
  const char *p = data, *end = data + length;
  guint duplicates = 0, kept = 0;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  separator = length > 0 && memchr (data, '\0', length) != NULL ? '\0' : '\n';

  if (base_dir == NULL)
    base_dir = cwd = g_get_current_dir ();
  while (p < end)
    {
      const char *stop = memchr (p, separator, end - p);
      gsize n = (stop != NULL ? stop : end) - p;
      g_autofree char *item = NULL;

      if (separator == '\n' && n > 0 && p[n - 1] == '\r')
        n--;
      if (n > 0)
        {
          item = g_strndup (p, n);
          /* A NUL inside a newline-separated line cannot happen: the data would be NUL-split. */
          g_ptr_array_add (paths, g_canonicalize_filename (item, base_dir));
        }
      if (stop == NULL)
        break;
      p = stop + 1;
    }
  g_ptr_array_sort (paths, compare_paths);
  for (guint i = 0; i < paths->len; i++)
    {
      if (kept > 0 && strcmp (g_ptr_array_index (paths, kept - 1),
                              g_ptr_array_index (paths, i)) == 0)
        {
          duplicates++;
          continue;
        }
      if (kept != i)
        {
          char *tmp = paths->pdata[kept];

          paths->pdata[kept] = paths->pdata[i];
          paths->pdata[i] = tmp;
        }
      kept++;
    }
  g_ptr_array_set_size (paths, kept);
  if (n_duplicates != NULL)
    *n_duplicates = duplicates;
  g_ptr_array_add (paths, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&paths), FALSE);
}

/**
 * pp_file_list_read:
 * @stream: where the list comes from (a file, standard input)
 * @base_dir: (nullable): see pp_file_list_parse()
 * @n_duplicates: (out) (optional): see pp_file_list_parse()
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Reads @stream to its end and parses it (pp_file_list_parse()). Blocks: call it before a
 * main loop runs, or on a worker thread.
 *
 * Returns: (transfer full) (nullable): the paths, or %NULL with a #GIOErrorEnum when the
 *   stream cannot be read
 */
GStrv
pp_file_list_read (GInputStream  *stream,
                   const char    *base_dir,
                   guint         *n_duplicates,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr (GOutputStream) memory = g_memory_output_stream_new_resizable ();

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  if (g_output_stream_splice (memory, stream, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, cancellable,
                              error) < 0)
    return NULL;
  return pp_file_list_parse (g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (memory)),
                             g_memory_output_stream_get_data_size (
                               G_MEMORY_OUTPUT_STREAM (memory)),
                             base_dir, n_duplicates);
}

/**
 * pp_file_list_read_path:
 * @path: a list file, or "-" for standard input
 * @base_dir: (nullable): see pp_file_list_parse()
 * @n_duplicates: (out) (optional): see pp_file_list_parse()
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #GError
 *
 * Reads a list from a file or standard input (GNU parallel's `::::`, HTCondor's
 * `queue … from`). Blocks, like pp_file_list_read().
 *
 * Returns: (transfer full) (nullable): the paths, or %NULL with a #GIOErrorEnum whose message
 *   names the file
 */
GStrv
pp_file_list_read_path (const char    *path,
                        const char    *base_dir,
                        guint         *n_duplicates,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_autoptr (GInputStream) stream = NULL;
  g_autoptr (GError) local_error = NULL;
  GStrv paths;

  g_return_val_if_fail (path != NULL, NULL);

  if (g_str_equal (path, "-"))
    stream = g_unix_input_stream_new (0, FALSE);
  else
    {
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (path);

      stream = G_INPUT_STREAM (g_file_read (file, cancellable, &local_error));
    }
  paths = stream != NULL ? pp_file_list_read (stream, base_dir, n_duplicates, cancellable,
                                              &local_error)
                         : NULL;
  if (paths == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code, "Cannot read the list “%s”: %s",
                   g_str_equal (path, "-") ? "standard input" : path, local_error->message);
      return NULL;
    }
  return paths;
}
