/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * JsonBuilder members, the way every record of core/batch writes them.
 */
#include "config.h"

#include "batch/pp-json.h"

/**
 * pp_json_add_string:
 * @builder: a builder inside an object
 * @name: the member
 * @value: (nullable): a string, often a file name (bytes)
 *
 * Adds `"name": value`: null for %NULL; a value that is not valid UTF-8 (file names are bytes,
 * JSON is UTF-8) with U+FFFD for the bad bytes rather than an invalid document. Any thread.
 */
void
pp_json_add_string (JsonBuilder *builder,
                    const char  *name,
                    const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else if (g_utf8_validate (value, -1, NULL))
    json_builder_add_string_value (builder, value);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (value, -1);

      json_builder_add_string_value (builder, valid);
    }
}

/**
 * pp_json_add_int:
 * @builder: a builder inside an object
 * @name: the member
 * @value: its value
 *
 * Adds `"name": value` as a JSON integer. Any thread.
 */
void
pp_json_add_int (JsonBuilder *builder,
                 const char  *name,
                 gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

/**
 * pp_json_add_double:
 * @builder: a builder inside an object
 * @name: the member
 * @value: its value
 *
 * Adds `"name": value` as a JSON number. Any thread.
 */
void
pp_json_add_double (JsonBuilder *builder,
                    const char  *name,
                    double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

/**
 * pp_json_add_boolean:
 * @builder: a builder inside an object
 * @name: the member
 * @value: its value
 *
 * Adds `"name": true` or `false`. Any thread.
 */
void
pp_json_add_boolean (JsonBuilder *builder,
                     const char  *name,
                     gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}
