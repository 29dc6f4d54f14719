/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Presets: named pipeline specs, shared by the window's chain editor and the command line's
 * --preset. Three are built in; the user's are `NAME.pipeline` files holding one spec under
 * $XDG_CONFIG_HOME/parapix/presets/. Names are checked so a preset can never write outside its
 * folder. Any thread (no state is kept), though the folder is the user's to change at any time.
 */
#define G_LOG_DOMAIN "pp-presets"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "render/pp-presets.h"

#define SUFFIX ".pipeline"

static const PpBuiltinPreset builtin_presets[] = {
  { "Web thumbnails", "fit=800x800,sharpen=0.5" },
  { "Brighten", "exposure=0.5,gamma=1.2" },
  { "Black and white", "grayscale,contrast=15" },
};

/**
 * pp_presets_get_builtin:
 * @n_presets: (out): the number of built-in presets
 *
 * Returns: (transfer none) (array length=n_presets): the built-in presets, in menu order;
 *   static, never freed
 */
const PpBuiltinPreset *
pp_presets_get_builtin (guint *n_presets)
{
  *n_presets = G_N_ELEMENTS (builtin_presets);
  return builtin_presets;
}

/**
 * pp_presets_is_builtin:
 * @name: (nullable): a preset name (exact, case-sensitive)
 *
 * Returns: whether @name is one of the built-in presets, which cannot be saved over, renamed
 *   or deleted
 */
gboolean
pp_presets_is_builtin (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (builtin_presets); i++)
    if (g_strcmp0 (builtin_presets[i].name, name) == 0)
      return TRUE;
  return FALSE;
}

static char *
presets_dir (void)
{
  return g_build_filename (g_get_user_config_dir (), "parapix", "presets", NULL);
}

static char *
preset_path (const char  *name,
             GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *basename = NULL;

  if (name == NULL || *name == '\0' || strchr (name, '/') != NULL || name[0] == '.')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   "A preset name must not be empty, start with a dot or contain “/”");
      return NULL;
    }
  dir = presets_dir ();
  basename = g_strconcat (name, SUFFIX, NULL);
  return g_build_filename (dir, basename, NULL);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_utf8_collate (*(char **) a, *(char **) b);
}

/**
 * pp_presets_list_user:
 *
 * Lists the user's presets: the `*.pipeline` files of $XDG_CONFIG_HOME/parapix/presets/ (not
 * hidden ones). A missing or unreadable folder is no presets, not an error.
 *
 * Returns: (transfer full) (array zero-terminated=1): the names (without the suffix), sorted by
 *   g_utf8_collate(); free with g_strfreev()
 */
char **
pp_presets_list_user (void)
{
  g_autofree char *dir = presets_dir ();
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  const char *entry;

  if (handle != NULL)
    while ((entry = g_dir_read_name (handle)) != NULL)
      if (g_str_has_suffix (entry, SUFFIX) && entry[0] != '.')
        g_ptr_array_add (names, g_strndup (entry, strlen (entry) - strlen (SUFFIX)));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

/**
 * pp_presets_load:
 * @name: a built-in or user preset name
 * @error: G_IO_ERROR_INVALID_FILENAME for a name that cannot be a preset (empty, starting with
 *   a dot, containing "/"); a G_FILE_ERROR (G_FILE_ERROR_NOENT: no such preset) when the file
 *   cannot be read
 *
 * Reads a preset's pipeline spec. The spec is not parsed: pp_pipeline_new_from_spec() does
 * that, and reports a spec that was edited by hand into something invalid.
 *
 * Returns: (transfer full) (nullable): the spec, without surrounding white space
 */
char *
pp_presets_load (const char  *name,
                 GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (builtin_presets); i++)
    if (g_strcmp0 (builtin_presets[i].name, name) == 0)
      return g_strdup (builtin_presets[i].spec);
  path = preset_path (name, error);
  if (path == NULL || !g_file_get_contents (path, &contents, NULL, error))
    return NULL;
  return g_strdup (g_strstrip (contents));
}

/**
 * pp_presets_save:
 * @name: the preset's name
 * @spec: a pipeline spec (pp_pipeline_to_spec())
 * @error: G_IO_ERROR_EXISTS when @name is a built-in preset; G_IO_ERROR_INVALID_FILENAME for a
 *   name that cannot be a preset; a G_IO_ERROR from errno when the folder cannot be created; a
 *   G_FILE_ERROR when the file cannot be written
 *
 * Writes (or replaces) the user preset @name atomically (g_file_set_contents()), creating the
 * presets folder (mode 0700) if needed.
 *
 * Returns: %TRUE when saved
 */
gboolean
pp_presets_save (const char  *name,
                 const char  *spec,
                 GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *dir = presets_dir ();
  g_autofree char *contents = NULL;

  if (pp_presets_is_builtin (name))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "“%s” is a built-in preset; choose another name", name);
      return FALSE;
    }
  path = preset_path (name, error);
  if (path == NULL)
    return FALSE;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not create the presets folder %s: %s", dir, g_strerror (saved));
      return FALSE;
    }
  contents = g_strconcat (spec, "\n", NULL);
  return g_file_set_contents (path, contents, -1, error);
}

/**
 * pp_presets_rename:
 * @name: an existing user preset
 * @new_name: its new name
 * @error: G_IO_ERROR_EXISTS when @new_name is built in or already taken;
 *   G_IO_ERROR_INVALID_FILENAME for a name that cannot be a preset; a G_IO_ERROR from errno
 *   when the rename fails (G_IO_ERROR_NOT_FOUND: no preset @name)
 *
 * Returns: %TRUE when renamed
 */
gboolean
pp_presets_rename (const char  *name,
                   const char  *new_name,
                   GError     **error)
{
  g_autofree char *from = preset_path (name, error);
  g_autofree char *to = NULL;

  if (from == NULL)
    return FALSE;
  if (pp_presets_is_builtin (new_name))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "“%s” is a built-in preset; choose another name", new_name);
      return FALSE;
    }
  to = preset_path (new_name, error);
  if (to == NULL)
    return FALSE;
  if (g_file_test (to, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "A preset named “%s” already exists",
                   new_name);
      return FALSE;
    }
  if (g_rename (from, to) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not rename the preset: %s", g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/**
 * pp_presets_delete:
 * @name: a user preset
 * @error: G_IO_ERROR_INVALID_FILENAME for a name that cannot be a preset; a G_IO_ERROR from
 *   errno when the file cannot be removed (G_IO_ERROR_NOT_FOUND: no preset @name)
 *
 * Returns: %TRUE when deleted
 */
gboolean
pp_presets_delete (const char  *name,
                   GError     **error)
{
  g_autofree char *path = preset_path (name, error);

  if (path == NULL)
    return FALSE;
  if (g_unlink (path) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Could not delete the preset: %s", g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}
