/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The GSettings schema's enums mirror the engine's GEnums, nick for nick and value for value, so
 * the window can g_settings_get_enum () a key straight into a PpBatch property (or bind it) and
 * the command line parses the same words through g_enum_get_value_by_nick (). A value added to
 * PpFormat (or PpCollision) without the schema, or the other way round, fails here.
 */
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gio.h>
#include <gio/gsettingsbackend.h>

#include "batch/pp-batch.h"

static GSettingsSchema *
load_schema (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSettingsSchemaSource) source = NULL;
  const char *dir = g_getenv ("PP_SCHEMA_DIR");

  g_assert_nonnull (dir);
  source = g_settings_schema_source_new_from_directory (dir, NULL, TRUE, &error);
  g_assert_no_error (error);
  return g_settings_schema_source_lookup (source, "io.github.parapix.Parapix", FALSE);
}

static void
check_key (const char *key,
           GType       type)
{
  g_autoptr (GSettingsSchema) schema = load_schema ();
  g_autoptr (GSettingsSchemaKey) schema_key = NULL;
  g_autoptr (GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr (GSettings) settings = NULL;
  g_autoptr (GVariant) range = NULL;
  g_autoptr (GVariant) nicks = NULL;
  g_autoptr (GEnumClass) klass = g_type_class_ref (type);
  const char *range_type;

  g_assert_nonnull (schema);
  schema_key = g_settings_schema_get_key (schema, key);
  range = g_settings_schema_key_get_range (schema_key);
  g_variant_get (range, "(&sv)", &range_type, &nicks);
  g_assert_cmpstr (range_type, ==, "enum");

  /* The same nicks, in the same number. */
  g_assert_cmpuint (g_variant_n_children (nicks), ==, klass->n_values);
  settings = g_settings_new_full (schema, backend, NULL);
  for (guint i = 0; i < klass->n_values; i++)
    {
      const GEnumValue *value = &klass->values[i];

      g_test_message ("%s: %s", key, value->value_nick);
      /* The schema takes the GEnum's nick, and reads it back as the GEnum's value. */
      g_assert_true (g_settings_set_string (settings, key, value->value_nick));
      g_assert_cmpint (g_settings_get_enum (settings, key), ==, value->value);
      g_assert_true (g_settings_set_enum (settings, key, value->value));
      {
        g_autofree char *nick = g_settings_get_string (settings, key);

        g_assert_cmpstr (nick, ==, value->value_nick);
      }
    }
}

static void
test_collision (void)
{
  check_key ("collision", PP_TYPE_COLLISION);
}

static void
test_format (void)
{
  check_key ("output-format", PP_TYPE_FORMAT);
}

static void
test_metadata_and_timestamps (void)
{
  check_key ("output-metadata", PP_TYPE_METADATA_POLICY);
  check_key ("output-timestamps", PP_TYPE_TIMESTAMPS);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/settings-enums/collision", test_collision);
  g_test_add_func ("/pp/settings-enums/format", test_format);
  g_test_add_func ("/pp/settings-enums/metadata-and-timestamps", test_metadata_and_timestamps);
  return g_test_run ();
}
