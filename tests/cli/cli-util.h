/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers the command-line tests share: run the real parapix binary, make scratch folders of
 * sample photos, hash folder trees, and check JSON against docs/run-record.schema.json with a
 * small validator for the part of JSON Schema that file uses.
 */
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "../pp-test-files.h"
#include "../pp-test-prereq.h"

static inline const char *
cli_parapix (void)
{
  const char *path = g_getenv ("PP_PARAPIX");

  g_assert_nonnull (path);
  return path;
}

/* In the child, before exec: standard input from the file @data names (async-signal-safe). */
static inline void
cli_stdin_from_file (gpointer data)
{
  int fd = open (data, O_RDONLY);

  if (fd >= 0)
    {
      dup2 (fd, STDIN_FILENO);
      close (fd);
    }
}

/* Runs parapix with @args (NULL-terminated), its environment changed by @env after the defaults
 * below ("NAME=value" sets NAME, a bare "NAME" unsets it; NULL-terminated, nullable) and @input
 * on standard input (nullable: the test's own). Returns its exit status (128 + signal if
 * killed); @out and @err (nullable) get its standard output and error. */
static inline int
cli_run_with (const char *const *env,
              const char        *input,
              const char *const *args,
              char             **out,
              char             **err)
{
  /* g_spawn_sync, not GSubprocess: g_subprocess_communicate() closes the pipes on a GIO worker
   * thread while it reads the others, which ThreadSanitizer reports inside libgio (CI of 07:58). */
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) envp = g_get_environ ();
  g_autofree char *input_path = NULL;
  char *o = NULL, *e = NULL;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) cli_parapix ());
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);
  /* Loader g_critical()s in the corpus must not abort the process under test. */
  envp = g_environ_setenv (envp, "G_DEBUG", "gc-friendly", TRUE);
  /* Headless, even inside a desktop session: plain `parapix` would otherwise open the window. */
  envp = g_environ_unsetenv (envp, "DISPLAY");
  envp = g_environ_unsetenv (envp, "WAYLAND_DISPLAY");
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto (GStrv) kv = g_strsplit (env[i], "=", 2);

      if (kv[1] != NULL)
        envp = g_environ_setenv (envp, kv[0], kv[1], TRUE);
      else
        envp = g_environ_unsetenv (envp, kv[0]);
    }
  if (input != NULL)
    {
      int fd = g_file_open_tmp ("parapix-stdin-XXXXXX", &input_path, &error);

      g_assert_no_error (error);
      close (fd);
      g_file_set_contents (input_path, input, -1, &error);
      g_assert_no_error (error);
    }
  g_spawn_sync (NULL, (char **) argv->pdata, envp, G_SPAWN_DEFAULT,
                input_path != NULL ? cli_stdin_from_file : NULL, input_path, &o, &e, &status,
                &error);
  g_assert_no_error (error);
  if (input_path != NULL)
    g_unlink (input_path);
  if (out != NULL)
    *out = o;
  else
    g_free (o);
  if (err != NULL)
    *err = e;
  else
    g_free (e);
  if (WIFEXITED (status))
    return WEXITSTATUS (status);
  return 128 + WTERMSIG (status);
}

/* Runs parapix with @args (NULL-terminated) as cli_run_with() does with no changes to the
 * environment and the test's own standard input. */
static inline int
cli_run (const char *const *args,
         char              **out,
         char              **err)
{
  return cli_run_with (NULL, NULL, args, out, err);
}

static inline char *
cli_sample_dir (void)
{
  return g_build_filename (g_getenv ("PP_SOURCE_ROOT"), "data", "samples", NULL);
}

static inline void
cli_copy_file (const char *from,
               const char *to)
{
  pp_test_copy_file (from, to);
}

/* A scratch folder holding copies of the sample photos (and their README, which is not an
 * image). */
static inline char *
cli_make_sample_copy (void)
{
  g_autofree char *samples = cli_sample_dir ();
  char *dir = g_dir_make_tmp ("pp-cli-XXXXXX", NULL);
  g_autoptr (GDir) d = g_dir_open (samples, 0, NULL);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *from = g_build_filename (samples, name, NULL);
      g_autofree char *to = g_build_filename (dir, name, NULL);

      cli_copy_file (from, to);
    }
  return dir;
}

static inline void
cli_remove_tree (const char *path)
{
  g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  if (d != NULL)
    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *child = g_build_filename (path, name, NULL);
        struct stat st;

        if (g_lstat (child, &st) == 0 && S_ISDIR (st.st_mode))
          {
            g_chmod (child, 0755);
            cli_remove_tree (child);
          }
        else
          g_unlink (child);
      }
  g_rmdir (path);
}

/* relative path -> SHA-256 of every regular file under @root (not following links). */
static inline void
cli_hash_tree_into (GHashTable *table,
                    const char *root,
                    const char *relative)
{
  g_autofree char *dir = relative != NULL ? g_build_filename (root, relative, NULL)
                                          : g_strdup (root);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *rel = relative != NULL ? g_build_filename (relative, name, NULL)
                                              : g_strdup (name);
      struct stat st;

      if (g_lstat (path, &st) != 0)
        continue;
      if (S_ISDIR (st.st_mode))
        cli_hash_tree_into (table, root, rel);
      else if (S_ISREG (st.st_mode))
        {
          g_autofree char *contents = NULL;
          gsize len = 0;

          if (!g_file_get_contents (path, &contents, &len, NULL))
            g_hash_table_insert (table, g_steal_pointer (&rel), g_strdup ("unreadable"));
          else
            g_hash_table_insert (table, g_steal_pointer (&rel),
                                 g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                              (const guchar *) contents, len));
        }
    }
}

static inline GHashTable *
cli_hash_tree (const char *root)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  cli_hash_tree_into (table, root, NULL);
  return table;
}

static inline gboolean
cli_trees_equal (GHashTable *a,
                 GHashTable *b)
{
  GHashTableIter iter;
  gpointer key, value;

  if (g_hash_table_size (a) != g_hash_table_size (b))
    return FALSE;
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_strcmp0 (value, g_hash_table_lookup (b, key)) != 0)
      return FALSE;
  return TRUE;
}

/* Any leftover temporary (".parapix-*") anywhere under @root. */
static inline gboolean
cli_has_temporaries (const char *root)
{
  g_autoptr (GDir) d = g_dir_open (root, 0, NULL);
  const char *name;

  if (d == NULL)
    return FALSE;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (root, name, NULL);

      if (g_str_has_prefix (name, ".parapix-") || g_str_has_prefix (name, ".goutputstream"))
        return TRUE;
      if (g_file_test (path, G_FILE_TEST_IS_DIR) && cli_has_temporaries (path))
        return TRUE;
    }
  return FALSE;
}

/* A GTest fixture: a copy of the sample photos to read, hashed, and an empty output folder.
 * Teardown fails the test if the input copy changed (unless the test's data is non-NULL: such a
 * test writes into its input and checks it itself) or a temporary is left in the output. */
typedef struct
{
  char *input;
  char *output;
  GHashTable *input_hashes;
} CliSamples;

static inline void
cli_samples_setup (CliSamples    *f,
                   gconstpointer  data)
{
  f->input = cli_make_sample_copy ();
  f->output = g_dir_make_tmp ("pp-cli-out-XXXXXX", NULL);
  f->input_hashes = cli_hash_tree (f->input);
}

static inline void
cli_samples_teardown (CliSamples    *f,
                      gconstpointer  data)
{
  g_autoptr (GHashTable) after = NULL;

  if (data == NULL)
    {
      after = cli_hash_tree (f->input);
      g_assert_true (cli_trees_equal (f->input_hashes, after));
    }
  g_assert_false (cli_has_temporaries (f->output));
  cli_remove_tree (f->input);
  cli_remove_tree (f->output);
  g_free (f->input);
  g_free (f->output);
  g_hash_table_unref (f->input_hashes);
}

static inline JsonNode *
cli_parse_json (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static inline void cli_assert_valid_record (JsonNode *json);

/* Runs parapix with @args, fails the test unless it exits with @expected_status, and returns its
 * --json record, checked against the schema. */
static inline JsonNode *
cli_run_json (const char *const *args,
              int                 expected_status)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = cli_run (args, &out, &err);
  JsonNode *node;

  if (status != expected_status)
    g_error ("exit status %d, expected %d; stderr:\n%s", status, expected_status, err);
  node = cli_parse_json (out);
  cli_assert_valid_record (node);
  return node;
}

/* ---- a JSON Schema validator for what docs/run-record.schema.json uses: type, const, enum,
 * required, properties, additionalProperties: false, items, minimum, oneOf, local $ref. ---- */

static inline gboolean cli_schema_check (JsonObject *root, JsonNode *schema, JsonNode *value,
                                         const char *where, GString *errors);

static inline const char *
cli_json_type (JsonNode *value)
{
  if (JSON_NODE_HOLDS_NULL (value))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (value))
    return "object";
  if (JSON_NODE_HOLDS_ARRAY (value))
    return "array";
  switch (json_node_get_value_type (value) == G_TYPE_INT64 ? 0
          : json_node_get_value_type (value) == G_TYPE_DOUBLE ? 1
          : json_node_get_value_type (value) == G_TYPE_BOOLEAN ? 2 : 3)
    {
    case 0:
      return "integer";
    case 1:
      return "number";
    case 2:
      return "boolean";
    default:
      return "string";
    }
}

static inline gboolean
cli_type_matches (const char *wanted,
                  const char *actual)
{
  return g_str_equal (wanted, actual)
         || (g_str_equal (wanted, "number") && g_str_equal (actual, "integer"));
}

static inline gboolean
cli_schema_check (JsonObject *root,
                  JsonNode   *schema_node,
                  JsonNode   *value,
                  const char *where,
                  GString    *errors)
{
  JsonObject *schema = json_node_get_object (schema_node);
  const char *type = cli_json_type (value);
  gboolean ok = TRUE;

  if (json_object_has_member (schema, "$ref"))
    {
      const char *ref = json_object_get_string_member (schema, "$ref");

      g_assert_true (g_str_has_prefix (ref, "#/$defs/"));
      return cli_schema_check (root, json_object_get_member (json_object_get_object_member (
                                 root, "$defs"), ref + strlen ("#/$defs/")), value, where,
                               errors);
    }
  if (json_object_has_member (schema, "oneOf"))
    {
      JsonArray *options = json_object_get_array_member (schema, "oneOf");
      g_autoptr (GString) why = g_string_new (NULL);
      guint matches = 0;

      for (guint i = 0; i < json_array_get_length (options); i++)
        {
          g_autoptr (GString) scratch = g_string_new (NULL);

          if (cli_schema_check (root, json_array_get_element (options, i), value, where,
                                scratch))
            matches++;
          g_string_append_printf (why, "  option %u: %s", i + 1, scratch->str);
        }
      if (matches != 1)
        {
          g_string_append_printf (errors, "%s: matches %u of the oneOf schemas\n%s", where,
                                  matches, why->str);
          return FALSE;
        }
    }
  if (json_object_has_member (schema, "type"))
    {
      JsonNode *t = json_object_get_member (schema, "type");
      gboolean any = FALSE;

      if (JSON_NODE_HOLDS_ARRAY (t))
        {
          JsonArray *types = json_node_get_array (t);

          for (guint i = 0; i < json_array_get_length (types); i++)
            any |= cli_type_matches (json_array_get_string_element (types, i), type);
        }
      else
        any = cli_type_matches (json_node_get_string (t), type);
      if (!any)
        {
          g_string_append_printf (errors, "%s: wrong type %s\n", where, type);
          return FALSE;
        }
    }
  if (json_object_has_member (schema, "const") || json_object_has_member (schema, "enum"))
    {
      g_autoptr (JsonArray) allowed = NULL;
      gboolean found = FALSE;

      if (json_object_has_member (schema, "const"))
        {
          allowed = json_array_new ();
          json_array_add_element (allowed, json_node_copy (json_object_get_member (schema,
                                                                                   "const")));
        }
      else
        allowed = json_array_ref (json_object_get_array_member (schema, "enum"));
      for (guint i = 0; i < json_array_get_length (allowed); i++)
        found |= json_node_equal (json_array_get_element (allowed, i), value);
      if (!found)
        {
          g_string_append_printf (errors, "%s: value not allowed\n", where);
          ok = FALSE;
        }
    }
  if (json_object_has_member (schema, "minimum")
      && (g_str_equal (type, "integer") || g_str_equal (type, "number"))
      && json_node_get_double (value) < json_object_get_double_member (schema, "minimum"))
    {
      g_string_append_printf (errors, "%s: below the minimum\n", where);
      ok = FALSE;
    }
  if (g_str_equal (type, "object"))
    {
      JsonObject *object = json_node_get_object (value);
      JsonObject *props = json_object_has_member (schema, "properties")
        ? json_object_get_object_member (schema, "properties") : NULL;
      g_autoptr (GList) members = json_object_get_members (object);

      if (json_object_has_member (schema, "required"))
        {
          JsonArray *required = json_object_get_array_member (schema, "required");

          for (guint i = 0; i < json_array_get_length (required); i++)
            if (!json_object_has_member (object, json_array_get_string_element (required, i)))
              {
                g_string_append_printf (errors, "%s: missing %s\n", where,
                                        json_array_get_string_element (required, i));
                ok = FALSE;
              }
        }
      for (GList *l = members; l != NULL; l = l->next)
        {
          g_autofree char *child = g_strdup_printf ("%s.%s", where, (char *) l->data);

          if (props != NULL && json_object_has_member (props, l->data))
            ok &= cli_schema_check (root, json_object_get_member (props, l->data),
                                    json_object_get_member (object, l->data), child, errors);
          else if (json_object_has_member (schema, "additionalProperties")
                   && !json_object_get_boolean_member (schema, "additionalProperties"))
            {
              g_string_append_printf (errors, "%s: not in the schema\n", child);
              ok = FALSE;
            }
        }
    }
  if (g_str_equal (type, "array") && json_object_has_member (schema, "items"))
    {
      JsonArray *array = json_node_get_array (value);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autofree char *child = g_strdup_printf ("%s[%u]", where, i);

          ok &= cli_schema_check (root, json_object_get_member (schema, "items"),
                                  json_array_get_element (array, i), child, errors);
        }
    }
  return ok;
}

/* Returns NULL when @json is valid against docs/@schema_name, else what is wrong. */
static inline char *
cli_schema_errors (JsonNode   *json,
                   const char *schema_name)
{
  g_autofree char *path = g_build_filename (g_getenv ("PP_SOURCE_ROOT"), "docs", schema_name,
                                            NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  GString *errors = g_string_new (NULL);
  JsonNode *schema;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  schema = json_parser_get_root (parser);
  if (cli_schema_check (json_node_get_object (schema), schema, json, "$", errors))
    {
      g_string_free (errors, TRUE);
      return NULL;
    }
  return g_string_free (errors, FALSE);
}

/* Returns NULL when @json is valid against docs/run-record.schema.json, else what is wrong. */
static inline char *
cli_record_errors (JsonNode *json)
{
  return cli_schema_errors (json, "run-record.schema.json");
}

static inline void
cli_assert_valid_record (JsonNode *json)
{
  g_autofree char *errors = cli_record_errors (json);

  if (errors != NULL)
    g_error ("run record does not match the schema:\n%s", errors);
}
