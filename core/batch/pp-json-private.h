/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writing the batch wing's JSON records (run, compare, sweep, manifest, merged records) with one
 * set of rules: a member per call, NULL strings as null, names that are not UTF-8 (file names are
 * bytes) with U+FFFD for the bad bytes rather than an invalid document, and non-finite numbers
 * as null (JSON has no NaN or infinity).
 */
#pragma once

#include <math.h>

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

static inline void
_pp_json_add_string (JsonBuilder *b,
                     const char  *name,
                     const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value == NULL)
    json_builder_add_null_value (b);
  else if (g_utf8_validate (value, -1, NULL))
    json_builder_add_string_value (b, value);
  else
    {
      g_autofree char *valid = g_utf8_make_valid (value, -1);

      json_builder_add_string_value (b, valid);
    }
}

static inline void
_pp_json_add_int (JsonBuilder *b,
                  const char  *name,
                  gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static inline void
_pp_json_add_double (JsonBuilder *b,
                     const char  *name,
                     double       value)
{
  json_builder_set_member_name (b, name);
  if (isfinite (value))
    json_builder_add_double_value (b, value);
  else
    json_builder_add_null_value (b);
}

static inline void
_pp_json_add_boolean (JsonBuilder *b,
                      const char  *name,
                      gboolean     value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, value);
}

G_END_DECLS
