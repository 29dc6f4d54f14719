/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Scratch folders for the compare and sweep engines (pp-compare, pp-sweep): where the runs whose
 * outputs nobody keeps write. Made and removed on a GIO worker thread, so the window's main loop
 * never waits on a file system.
 */
#define G_LOG_DOMAIN "pp-scratch"

#include "config.h"

#include <errno.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "batch/pp-scratch.h"
#include "render/pp-scheduler.h"

/**
 * pp_scratch_default_parent:
 *
 * Where scratch folders go when the caller has no better place: `$XDG_CACHE_HOME/parapix`.
 *
 * Returns: (transfer full): a path; the folder may not exist yet. Any thread.
 */
char *
pp_scratch_default_parent (void)
{
  return g_build_filename (g_get_user_cache_dir (), "parapix", NULL);
}

/**
 * pp_scratch_make:
 * @parent: the folder to make it in (created, mode 0700, when missing)
 * @prefix: the start of its name, e.g. ".parapix-compare-"
 * @error: a #G_FILE_ERROR from g_mkdir_with_parents() or g_mkdtemp()
 *
 * Makes a new, empty, private folder `@parent/@prefixXXXXXX`. Blocking: call it off the main
 * thread (pp_scratch_make_async()).
 *
 * Returns: (transfer full) (nullable): its absolute path, or %NULL with @error set
 */
char *
pp_scratch_make (const char  *parent,
                 const char  *prefix,
                 GError     **error)
{
  g_autofree char *template = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (parent != NULL && prefix != NULL, NULL);

  if (g_mkdir_with_parents (parent, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot create the folder “%s”: %s", parent, g_strerror (saved));
      return NULL;
    }
  name = g_strconcat (prefix, "XXXXXX", NULL);
  template = g_build_filename (parent, name, NULL);
  if (g_mkdtemp_full (template, 0700) == NULL)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   "Cannot create a scratch folder in “%s”: %s", parent, g_strerror (saved));
      return NULL;
    }
  return g_canonicalize_filename (template, NULL);
}

static gboolean
remove_tree (const char *path,
             int        *first_errno)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  gboolean ok = TRUE;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      GStatBuf st;

      /* lstat: a symbolic link is removed, never followed out of the tree. */
      if (g_lstat (child, &st) == 0 && S_ISDIR (st.st_mode))
        ok &= remove_tree (child, first_errno);
      else if (g_unlink (child) != 0 && errno != ENOENT)
        {
          if (*first_errno == 0)
            *first_errno = errno;
          ok = FALSE;
        }
    }
  if (g_rmdir (path) != 0 && errno != ENOENT)
    {
      if (*first_errno == 0)
        *first_errno = errno;
      ok = FALSE;
    }
  return ok;
}

/**
 * pp_scratch_remove_tree:
 * @path: a folder; a missing one is not an error
 * @error: a #G_FILE_ERROR naming the folder when something could not be removed
 *
 * Removes @path and everything in it, without following symbolic links. Blocking: call it off
 * the main thread (pp_scratch_remove_async()).
 *
 * Returns: whether everything was removed
 */
gboolean
pp_scratch_remove_tree (const char  *path,
                        GError     **error)
{
  int first_errno = 0;

  g_return_val_if_fail (path != NULL, FALSE);

  if (remove_tree (path, &first_errno))
    return TRUE;
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (first_errno),
               "Could not remove the scratch folder “%s”: %s", path, g_strerror (first_errno));
  return FALSE;
}

static void
make_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  char **args = task_data;
  GError *error = NULL;
  char *path = pp_scratch_make (args[0], args[1], &error);

  if (path == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, path, g_free);
}

/**
 * pp_scratch_make_async:
 *
 * pp_scratch_make() on a GIO worker thread; @callback runs on the caller's thread-default main
 * context.
 */
void
pp_scratch_make_async (const char          *parent,
                       const char          *prefix,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  char **args = g_new0 (char *, 3);

  args[0] = g_strdup (parent);
  args[1] = g_strdup (prefix);
  g_task_set_source_tag (task, pp_scratch_make_async);
  g_task_set_task_data (task, args, (GDestroyNotify) g_strfreev);
  pp_scheduler_run_task (task, make_thread);
}

/**
 * pp_scratch_make_finish:
 *
 * Returns: (transfer full) (nullable): the new folder's path, or %NULL with @error set
 */
char *
pp_scratch_make_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
remove_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;

  if (pp_scratch_remove_tree (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * pp_scratch_remove_async:
 * @callback: (nullable): runs on the caller's thread-default main context
 *
 * pp_scratch_remove_tree() on a GIO worker thread. Not cancellable: a half-removed scratch
 * folder helps nobody.
 */
void
pp_scratch_remove_async (const char          *path,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, NULL, callback, user_data);

  g_return_if_fail (path != NULL);

  g_task_set_source_tag (task, pp_scratch_remove_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  pp_scheduler_run_task (task, remove_thread);
}

/**
 * pp_scratch_remove_finish:
 * @result: the #GAsyncResult given to the callback
 * @error: a #G_FILE_ERROR naming the folder when something in it could not be removed
 *
 * Main thread (in the callback).
 */
gboolean
pp_scratch_remove_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
