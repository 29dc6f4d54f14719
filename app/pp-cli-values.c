/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The values options produce. Options that configure the batch are kept in PpCliOptions as
 * PpBatch property values (names and GValues, last one wins) until _pp_cli_options_new_batch()
 * applies them to each batch the run makes; a PROPERTY option's text is read by its property's
 * GParamSpec (enums by their nicks, numbers within the spec's range). Also the small text
 * readers the options' own parse functions share. The option table is in pp-cli-options.c.
 */
#define G_LOG_DOMAIN "pp-cli"

#include "config.h"

#include <gobject/gvaluecollector.h>

#include "pp-cli-private.h"

/* Sets @error (G_OPTION_ERROR_BAD_VALUE) to the message that follows "--name: "; returns
 * FALSE, for a parse function to return. */
gboolean
_pp_cli_bad_value (GError     **error,
                   const char  *format,
                   ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                                                format, args));
  va_end (args);
  return FALSE;
}

/* Sets (or replaces) the value a PpBatch property will get (a copy of @value). */
static void
set_batch_value (PpCliOptions *options,
                 const char   *property,
                 const GValue *value)
{
  GValue copy = G_VALUE_INIT;

  g_value_init (&copy, G_VALUE_TYPE (value));
  g_value_copy (value, &copy);
  for (guint i = 0; i < options->batch_names->len; i++)
    if (g_str_equal (g_ptr_array_index (options->batch_names, i), property))
      {
        GValue *old = &g_array_index (options->batch_values, GValue, i);

        g_value_unset (old);
        *old = copy;
        return;
      }
  g_ptr_array_add (options->batch_names, (gpointer) g_intern_string (property));
  g_array_append_vals (options->batch_values, &copy, 1);
}

/* Returns: (transfer none) (nullable): the value the options give PpBatch's @property, if any */
const GValue *
_pp_cli_get_batch_value (const PpCliOptions *options,
                         const char         *property)
{
  for (guint i = 0; i < options->batch_names->len; i++)
    if (g_str_equal (g_ptr_array_index (options->batch_names, i), property))
      return &g_array_index (options->batch_values, GValue, i);
  return NULL;
}

static GParamSpec *
batch_pspec (const char *property)
{
  g_autoptr (GTypeClass) klass = g_type_class_ref (PP_TYPE_BATCH);
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_CLASS (klass), property);

  g_assert (pspec != NULL); /* a typo in cli_options[] */
  return pspec;
}

/* Sets the value a PpBatch property will get, given as to g_object_set() (copied). */
void
_pp_cli_set_batch_property (PpCliOptions *options,
                            const char   *property,
                            ...)
{
  GParamSpec *pspec = batch_pspec (property);
  g_auto (GValue) value = G_VALUE_INIT;
  g_autofree char *collect_error = NULL;
  va_list args;

  va_start (args, property);
  G_VALUE_COLLECT_INIT (&value, pspec->value_type, args, 0, &collect_error);
  va_end (args);
  g_assert (collect_error == NULL);
  set_batch_value (options, property, &value);
}

/* "a, b or c" from an enum's nicks, for messages. */
static char *
enum_nicks (GType type)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (type);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < klass->n_values; i++)
    g_string_append_printf (s, "%s%s", i == 0 ? "" : i + 1 < klass->n_values ? ", " : " or ",
                            klass->values[i].value_nick);
  return g_string_free (s, FALSE);
}

/* An enum value of @type from its nick; a bad one lists the nicks in @error. */
gboolean
_pp_cli_parse_enum (GType        type,
                    const char  *text,
                    int         *out,
                    GError     **error)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *value = g_enum_get_value_by_nick (klass, text);

  if (value == NULL)
    {
      g_autofree char *nicks = enum_nicks (type);

      return _pp_cli_bad_value (error, "expected %s, got “%s”", nicks, text);
    }
  *out = value->value;
  return TRUE;
}

/* A decimal whole number from @min to @max; FALSE (no message) otherwise. */
gboolean
_pp_cli_parse_uint (const char *text,
                    guint64     min,
                    guint64     max,
                    guint      *out)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, min, max, &value, NULL))
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

/* The value of PpBatch's @property from its text, by the property's type and range: a boolean
 * is a flag (TRUE when given), a file a command-line path. */
gboolean
_pp_cli_set_batch_property_from_text (PpCliOptions  *options,
                                      const char    *property,
                                      const char    *text,
                                      GError       **error)
{
  GParamSpec *pspec = batch_pspec (property);
  g_auto (GValue) value = G_VALUE_INIT;

  g_value_init (&value, pspec->value_type);
  if (G_IS_PARAM_SPEC_BOOLEAN (pspec))
    g_value_set_boolean (&value, TRUE);
  else if (G_IS_PARAM_SPEC_STRING (pspec))
    g_value_set_string (&value, text);
  else if (G_IS_PARAM_SPEC_ENUM (pspec))
    {
      int v;

      if (!_pp_cli_parse_enum (pspec->value_type, text, &v, error))
        return FALSE;
      g_value_set_enum (&value, v);
    }
  else if (G_IS_PARAM_SPEC_INT (pspec))
    {
      GParamSpecInt *range = G_PARAM_SPEC_INT (pspec);
      gint64 v;

      if (!g_ascii_string_to_signed (text, 10, range->minimum, range->maximum, &v, NULL))
        return _pp_cli_bad_value (error, "expected a whole number from %d to %d, got “%s”",
                                  range->minimum, range->maximum, text);
      g_value_set_int (&value, (int) v);
    }
  else if (G_IS_PARAM_SPEC_UINT (pspec))
    {
      GParamSpecUInt *range = G_PARAM_SPEC_UINT (pspec);
      guint v;

      if (!_pp_cli_parse_uint (text, range->minimum, range->maximum, &v))
        return _pp_cli_bad_value (error, "expected a whole number from %u to %u, got “%s”",
                                  range->minimum, range->maximum, text);
      g_value_set_uint (&value, v);
    }
  else if (pspec->value_type == G_TYPE_FILE)
    g_value_take_object (&value, g_file_new_for_commandline_arg (text));
  else
    g_assert_not_reached (); /* give the option a PARSE function */
  set_batch_value (options, property, &value);
  return TRUE;
}

/* Returns: (transfer full): a batch configured as the options say, in parallel or serial mode
 * (compare runs set the mode, output and exclusions of each half themselves). */
PpBatch *
_pp_cli_options_new_batch (const PpCliOptions *options)
{
  g_autoptr (GFile) input = options->input != NULL
                            ? g_file_new_for_commandline_arg (options->input) : NULL;
  PpBatch *batch = pp_batch_new ();

  g_object_setv (G_OBJECT (batch), options->batch_names->len,
                 (const char **) options->batch_names->pdata,
                 (const GValue *) options->batch_values->data);
  pp_batch_set_input_folder (batch, input);
  pp_batch_set_mode (batch, options->mode == PP_CLI_MODE_SERIAL ? PP_BATCH_MODE_SERIAL
                                                                : PP_BATCH_MODE_PARALLEL);
  return batch;
}
