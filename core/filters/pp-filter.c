/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The filter registry and parameter handling shared by every filter: lookup, "did you mean",
 * parsing and checking values with messages a person can act on, and printing them back.
 */
#define G_LOG_DOMAIN "pp-filter"

#include "config.h"

#include <math.h>
#include <string.h>

#include "filters/pp-filter.h"

#define PP_FILTER(x) extern const PpFilterInfo pp_filter_##x;
#include "filters/pp-filter-list.h"
#undef PP_FILTER

static const PpFilterInfo *const filters[] = {
#define PP_FILTER(x) &pp_filter_##x,
#include "filters/pp-filter-list.h"
#undef PP_FILTER
};

G_DEFINE_QUARK (pp-filter-error-quark, pp_filter_error)

/**
 * pp_filter_list:
 * @n_filters: (out) (optional): how many filters there are
 *
 * The registry (filters/pp-filter-list.h), in its order: point filters, then local, then
 * geometry, as --list-filters and the window's Add Filter menu show them. Any thread.
 *
 * Returns: (transfer none) (array length=n_filters): every registered filter; static
 */
const PpFilterInfo *const *
pp_filter_list (guint *n_filters)
{
  if (n_filters != NULL)
    *n_filters = G_N_ELEMENTS (filters);
  return filters;
}

/**
 * pp_filter_lookup:
 * @name: a filter's name, kebab-case ("gaussian-blur"), exact
 *
 * Any thread.
 *
 * Returns: (transfer none) (nullable): the filter, or %NULL when none has that name (see
 *   pp_filter_suggest())
 */
const PpFilterInfo *
pp_filter_lookup (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
    if (strcmp (filters[i]->name, name) == 0)
      return filters[i];
  return NULL;
}

static guint
edit_distance (const char *a,
               const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  g_autofree guint *row = g_new (guint, lb + 1);

  for (gsize j = 0; j <= lb; j++)
    row[j] = j;
  for (gsize i = 1; i <= la; i++)
    {
      guint diag = row[0];

      row[0] = i;
      for (gsize j = 1; j <= lb; j++)
        {
          guint up = row[j];
          guint cost = a[i - 1] == b[j - 1] ? 0 : 1;

          row[j] = MIN (MIN (row[j] + 1, row[j - 1] + 1), diag + cost);
          diag = up;
        }
    }
  return row[lb];
}

/**
 * pp_filter_suggest:
 * @name: a name that pp_filter_lookup() did not find
 *
 * For "did you mean" messages: the registered name closest to a mistyped @name when it is close
 * enough to be a likely typo ("blurr" → "box-blur"; edit distance at most max (2, length / 3),
 * counting each dash-separated word), or one that contains it ("blur" → "box-blur"). Any thread.
 *
 * Returns: (transfer none) (nullable): a filter name, or %NULL when nothing is close
 */
const char *
pp_filter_suggest (const char *name)
{
  const char *best = NULL;
  guint best_distance = G_MAXUINT;

  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
    {
      const char *candidate = filters[i]->name;
      guint d = edit_distance (name, candidate);

      /* A name that contains the typed word is a good guess even when it is much longer. */
      if (strlen (name) >= 3 && strstr (candidate, name) != NULL)
        d = MIN (d, 2);
      /* Compare against each dash-separated word too: "blurr" is close to "blur" in "box-blur". */
      {
        g_auto (GStrv) words = g_strsplit (candidate, "-", -1);
        for (guint w = 0; words[w] != NULL; w++)
          if (strlen (words[w]) >= 3)
            d = MIN (d, edit_distance (name, words[w]) + 1);
      }
      if (d < best_distance)
        {
          best_distance = d;
          best = candidate;
        }
    }
  return best_distance <= MAX (2, strlen (name) / 3) ? best : NULL;
}

/**
 * pp_filter_kind_to_string:
 * @kind: a kind
 *
 * Returns: (transfer none): "point", "local" or "geometry", as --list-filters prints them
 */
const char *
pp_filter_kind_to_string (PpFilterKind kind)
{
  switch (kind)
    {
    case PP_FILTER_KIND_POINT:
      return "point";
    case PP_FILTER_KIND_LOCAL:
      return "local";
    case PP_FILTER_KIND_GEOMETRY:
      return "geometry";
    default:
      g_return_val_if_reached ("unknown");
    }
}

/**
 * pp_filter_info_find_param:
 * @info: a filter
 * @name: a parameter's key in a spec ("radius")
 *
 * Returns: the index of the parameter in @info->params, or -1 when the filter has none of that
 *   name
 */
int
pp_filter_info_find_param (const PpFilterInfo *info,
                           const char         *name)
{
  g_return_val_if_fail (info != NULL && name != NULL, -1);

  for (guint i = 0; i < info->n_params; i++)
    if (strcmp (info->params[i].name, name) == 0)
      return i;
  return -1;
}

/**
 * pp_filter_info_get_defaults:
 * @info: a filter
 * @values: (out caller-allocates) (array fixed-size=8): PP_MAX_PARAMS values
 *
 * Fills @values with the parameters' defaults, in @info->params order; the entries past
 * @info->n_params are 0.
 */
void
pp_filter_info_get_defaults (const PpFilterInfo *info,
                             double             *values)
{
  g_return_if_fail (info != NULL && values != NULL);

  for (guint i = 0; i < PP_MAX_PARAMS; i++)
    values[i] = i < info->n_params ? info->params[i].default_value : 0.0;
}

/* "gamma" for a filter's main parameter, "sharpen radius" for the others. */
static char *
param_display_name (const PpParamSpec *pspec,
                    const char        *filter_name)
{
  const PpFilterInfo *info = filter_name != NULL ? pp_filter_lookup (filter_name) : NULL;

  if (filter_name == NULL)
    return g_strdup (pspec->name);
  if (info != NULL && info->main_syntax == PP_MAIN_VALUE && pspec == &info->params[0])
    return g_strdup (filter_name);
  return g_strdup_printf ("%s %s", filter_name, pspec->name);
}

static char *
format_double (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  /* The shortest text that reads back as the same double, so specs round-trip exactly; plain
   * digits for everyday magnitudes ("10", not "1e+01", which %.1g gives). */
  gboolean exponent_ok = value != 0.0 && (fabs (value) >= 1e15 || fabs (value) < 1e-4);

  for (int precision = 1; precision <= 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buf, sizeof buf, format, value);
      if (g_ascii_strtod (buf, NULL) == value && (exponent_ok || strchr (buf, 'e') == NULL))
        break;
    }
  return g_strdup (buf);
}

/**
 * pp_param_spec_format_value:
 * @pspec: a parameter
 * @value: its value (a choice's index, a boolean as 0 or 1)
 *
 * The value as a spec writes it: "true"/"false", the choice's name, a whole number, or the
 * shortest decimal that reads back as the same double (no exponent for everyday magnitudes), so
 * that specs round-trip exactly. Any thread.
 *
 * Returns: (transfer full): the text
 */
char *
pp_param_spec_format_value (const PpParamSpec *pspec,
                            double             value)
{
  g_return_val_if_fail (pspec != NULL, NULL);

  switch (pspec->type)
    {
    case PP_PARAM_BOOLEAN:
      return g_strdup (value != 0.0 ? "true" : "false");
    case PP_PARAM_CHOICE:
      {
        guint n = pspec->choices != NULL ? g_strv_length ((GStrv) pspec->choices) : 0;
        int index = (int) value;

        return g_strdup (index >= 0 && (guint) index < n ? pspec->choices[index] : "?");
      }
    case PP_PARAM_INT:
      return g_strdup_printf ("%d", (int) value);
    case PP_PARAM_DOUBLE:
    default:
      return format_double (value);
    }
}

/**
 * pp_param_spec_check_value:
 * @pspec: a parameter
 * @filter_name: (nullable): the filter, for the message ("gamma must be…"); %NULL names the
 *   parameter alone
 * @value: a value
 * @error: PP_FILTER_ERROR_OUT_OF_RANGE (outside [min, max], or not finite: "gamma must be
 *   between 0.1 and 10, got 40"), PP_FILTER_ERROR_BAD_VALUE (a fraction for a whole-number
 *   parameter)
 *
 * Returns: whether @value is one the parameter takes
 */
gboolean
pp_param_spec_check_value (const PpParamSpec *pspec,
                           const char        *filter_name,
                           double             value,
                           GError           **error)
{
  g_return_val_if_fail (pspec != NULL, FALSE);

  if (!isfinite (value) || value < pspec->min || value > pspec->max)
    {
      g_autofree char *who = param_display_name (pspec, filter_name);
      g_autofree char *min = pp_param_spec_format_value (pspec, pspec->min);
      g_autofree char *max = pp_param_spec_format_value (pspec, pspec->max);
      g_autofree char *got = format_double (value);

      g_set_error (error, PP_FILTER_ERROR, PP_FILTER_ERROR_OUT_OF_RANGE,
                   "%s must be between %s and %s, got %s", who, min, max, got);
      return FALSE;
    }
  if (pspec->type == PP_PARAM_INT && value != floor (value))
    {
      g_autofree char *who = param_display_name (pspec, filter_name);
      g_autofree char *got = format_double (value);

      g_set_error (error, PP_FILTER_ERROR, PP_FILTER_ERROR_BAD_VALUE,
                   "%s must be a whole number, got %s", who, got);
      return FALSE;
    }
  return TRUE;
}

/**
 * pp_param_spec_parse_value:
 * @pspec: a parameter
 * @filter_name: (nullable): the filter, for messages
 * @text: the value as written in a spec: true/false/yes/no/on/off/1/0 for booleans, a choice's
 *   name (any case), else a number in the C locale
 * @value: (out): the value (a choice's index, a boolean as 0 or 1)
 * @error: PP_FILTER_ERROR_BAD_VALUE (not a number, not a choice, not a boolean),
 *   PP_FILTER_ERROR_OUT_OF_RANGE (see pp_param_spec_check_value())
 *
 * Returns: %TRUE when @text is a value the parameter takes; @value is left alone otherwise
 */
gboolean
pp_param_spec_parse_value (const PpParamSpec *pspec,
                           const char        *filter_name,
                           const char        *text,
                           double            *value,
                           GError           **error)
{
  g_autofree char *who = NULL;

  g_return_val_if_fail (pspec != NULL && text != NULL && value != NULL, FALSE);

  who = param_display_name (pspec, filter_name);

  switch (pspec->type)
    {
    case PP_PARAM_BOOLEAN:
      if (g_ascii_strcasecmp (text, "true") == 0 || g_ascii_strcasecmp (text, "yes") == 0 ||
          g_ascii_strcasecmp (text, "on") == 0 || strcmp (text, "1") == 0)
        *value = 1.0;
      else if (g_ascii_strcasecmp (text, "false") == 0 || g_ascii_strcasecmp (text, "no") == 0 ||
               g_ascii_strcasecmp (text, "off") == 0 || strcmp (text, "0") == 0)
        *value = 0.0;
      else
        {
          g_set_error (error, PP_FILTER_ERROR, PP_FILTER_ERROR_BAD_VALUE,
                       "%s must be true or false, got \"%s\"", who, text);
          return FALSE;
        }
      return TRUE;

    case PP_PARAM_CHOICE:
      for (guint i = 0; pspec->choices != NULL && pspec->choices[i] != NULL; i++)
        if (g_ascii_strcasecmp (text, pspec->choices[i]) == 0)
          {
            *value = i;
            return TRUE;
          }
      {
        g_autofree char *list = g_strjoinv (", ", (GStrv) pspec->choices);

        g_set_error (error, PP_FILTER_ERROR, PP_FILTER_ERROR_BAD_VALUE,
                     "%s must be one of %s, got \"%s\"", who, list, text);
      }
      return FALSE;

    case PP_PARAM_INT:
    case PP_PARAM_DOUBLE:
    default:
      {
        char *end = NULL;
        double v;

        v = g_ascii_strtod (text, &end);
        if (*text == '\0' || end == text || *end != '\0' || g_ascii_isspace (*text))
          {
            g_set_error (error, PP_FILTER_ERROR, PP_FILTER_ERROR_BAD_VALUE,
                         "%s must be a number, got \"%s\"", who, text);
            return FALSE;
          }
        if (!pp_param_spec_check_value (pspec, filter_name, v, error))
          return FALSE;
        *value = v;
        return TRUE;
      }
    }
}

/**
 * pp_filter_info_validate:
 * @info: a filter
 * @values: (array fixed-size=8): its parameter values
 * @error: as pp_param_spec_check_value() for each parameter, then the filter's own check of
 *   several parameters together (PP_FILTER_ERROR, code as the filter says)
 *
 * Returns: whether @values are ones the filter takes
 */
gboolean
pp_filter_info_validate (const PpFilterInfo *info,
                         const double       *values,
                         GError            **error)
{
  g_return_val_if_fail (info != NULL && values != NULL, FALSE);

  for (guint i = 0; i < info->n_params; i++)
    if (!pp_param_spec_check_value (&info->params[i], info->name, values[i], error))
      return FALSE;
  if (info->validate != NULL)
    return info->validate (values, error);
  return TRUE;
}

/**
 * pp_filter_info_describe:
 * @info: a filter
 *
 * Returns: (transfer full): one line for --list-filters: the name, kind and description, then
 *   each parameter with its range, unit and default ("gamma: 0.1..10 (default 1)")
 */
char *
pp_filter_info_describe (const PpFilterInfo *info)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (info != NULL, NULL);

  g_string_append_printf (s, "%-15s %-8s %s", info->name, pp_filter_kind_to_string (info->kind),
                          info->description);
  if (info->main_syntax == PP_MAIN_SIZE)
    g_string_append_printf (s, " [%s=WxH]", info->name);
  for (guint i = 0; i < info->n_params; i++)
    {
      const PpParamSpec *p = &info->params[i];
      g_autofree char *def = pp_param_spec_format_value (p, p->default_value);

      g_string_append (s, i == 0 ? " | " : "; ");
      if (p->type == PP_PARAM_CHOICE)
        {
          g_autofree char *list = g_strjoinv ("|", (GStrv) p->choices);

          g_string_append_printf (s, "%s: %s (default %s)", p->name, list, def);
        }
      else if (p->type == PP_PARAM_BOOLEAN)
        g_string_append_printf (s, "%s: true|false (default %s)", p->name, def);
      else
        {
          g_autofree char *min = pp_param_spec_format_value (p, p->min);
          g_autofree char *max = pp_param_spec_format_value (p, p->max);

          g_string_append_printf (s, "%s: %s..%s%s%s (default %s)", p->name, min, max,
                                  p->unit != NULL ? " " : "", p->unit != NULL ? p->unit : "",
                                  def);
        }
    }
  return g_string_free (s, FALSE);
}
