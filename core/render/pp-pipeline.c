/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The pipeline's steps and its text form. Parsing reports the offending token and what was
 * expected; printing gives the shortest spec that parses back to the same steps.
 */
#define G_LOG_DOMAIN "pp-pipeline"

#include "config.h"

#include <math.h>
#include <string.h>

#include "render/pp-pipeline.h"

struct _PpPipeline
{
  GObject parent_instance;

  GArray *steps; /* of PpStep */
};

G_DEFINE_FINAL_TYPE (PpPipeline, pp_pipeline, G_TYPE_OBJECT)
G_DEFINE_QUARK (pp-pipeline-error-quark, pp_pipeline_error)

static void
pp_pipeline_finalize (GObject *object)
{
  PpPipeline *self = PP_PIPELINE (object);

  g_clear_pointer (&self->steps, g_array_unref);

  G_OBJECT_CLASS (pp_pipeline_parent_class)->finalize (object);
}

static void
pp_pipeline_class_init (PpPipelineClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pp_pipeline_finalize;
}

static void
pp_pipeline_init (PpPipeline *self)
{
  self->steps = g_array_new (FALSE, TRUE, sizeof (PpStep));
}

/**
 * pp_pipeline_new:
 *
 * A pipeline's thread: whichever made it; a pipeline nobody changes any more (the batch's frozen
 * copy) may be read from any thread.
 *
 * Returns: (transfer full): an empty pipeline: outputs are only converted
 */
PpPipeline *
pp_pipeline_new (void)
{
  return g_object_new (PP_TYPE_PIPELINE, NULL);
}

static void
set_spec_error (GError    **error,
                const char *format,
                ...) G_GNUC_PRINTF (2, 3);

static void
set_spec_error (GError    **error,
                const char *format,
                ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, PP_PIPELINE_ERROR, PP_PIPELINE_ERROR_INVALID_SPEC, message);
}

/* Re-raise a value error in the pipeline's domain, keeping its message. */
static void
propagate_as_spec_error (GError **error,
                         GError  *value_error)
{
  set_spec_error (error, "%s", value_error->message);
  g_error_free (value_error);
}

static gboolean
parse_size (const PpFilterInfo *info,
            const char         *text,
            double             *values,
            GError            **error)
{
  g_auto (GStrv) parts = g_strsplit_set (text, "xX", 3);
  GError *value_error = NULL;

  if (g_strv_length (parts) != 2)
    {
      set_spec_error (error, "%s needs a size like 800x600, got \"%s\"", info->name, text);
      return FALSE;
    }
  for (int i = 0; i < 2; i++)
    {
      g_strstrip (parts[i]);
      if (!pp_param_spec_parse_value (&info->params[i], info->name, parts[i], &values[i],
                                      &value_error))
        {
          propagate_as_spec_error (error, value_error);
          return FALSE;
        }
    }
  return TRUE;
}

static char *
list_param_names (const PpFilterInfo *info)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < info->n_params; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", info->params[i].name);
  return g_string_free (s, FALSE);
}

/* The main value of "name=MAIN": a size for fit/resize/crop, else the first parameter. */
static gboolean
parse_main_value (const PpFilterInfo *info,
                  const char         *main_value,
                  double             *values,
                  GError            **error)
{
  GError *value_error = NULL;

  if (main_value == NULL)
    {
      if (info->main_syntax != PP_MAIN_SIZE)
        return TRUE;
      set_spec_error (error, "%s needs a size, as in %s=800x600", info->name, info->name);
      return FALSE;
    }
  switch (info->main_syntax)
    {
    case PP_MAIN_NONE:
      set_spec_error (error, "%s takes no value, got \"%s\"", info->name, main_value);
      return FALSE;
    case PP_MAIN_SIZE:
      return parse_size (info, main_value, values, error);
    case PP_MAIN_VALUE:
    default:
      if (pp_param_spec_parse_value (&info->params[0], info->name, main_value, &values[0],
                                     &value_error))
        return TRUE;
      propagate_as_spec_error (error, value_error);
      return FALSE;
    }
}

/* One ";key=value" of a step. */
static gboolean
parse_key_value (const PpFilterInfo *info,
                 const char         *text,
                 double             *values,
                 GError            **error)
{
  g_autofree char *pair = g_strstrip (g_strdup (text));
  GError *value_error = NULL;
  char *value;
  int index;

  if (pair[0] == '\0')
    {
      /* "exposure=0.5;": a trailing or doubled ";", not a missing value. */
      set_spec_error (error, "nothing after the \";\" of %s: remove the \";\", or add key=value",
                      info->name);
      return FALSE;
    }
  value = strchr (pair, '=');
  if (value == NULL)
    {
      set_spec_error (error, "expected key=value after \"%s;\", got \"%s\"", info->name, pair);
      return FALSE;
    }
  *value++ = '\0';
  g_strstrip (pair);
  g_strstrip (value);
  index = pp_filter_info_find_param (info, pair);
  if (index < 0)
    {
      g_autofree char *names = list_param_names (info);

      set_spec_error (error, "unknown parameter \"%s\" for %s (expected %s)", pair,
                      info->name, info->n_params > 0 ? names : "none");
      return FALSE;
    }
  if (pp_param_spec_parse_value (&info->params[index], info->name, value, &values[index],
                                 &value_error))
    return TRUE;
  propagate_as_spec_error (error, value_error);
  return FALSE;
}

static gboolean
parse_step (const char *text,
            PpStep     *step,
            GError    **error)
{
  g_auto (GStrv) parts = g_strsplit (text, ";", -1);
  g_autofree char *head = g_strdup (parts[0]);
  const char *main_value = NULL;
  const PpFilterInfo *info;
  char *eq;
  GError *value_error = NULL;

  g_strstrip (head);
  eq = strchr (head, '=');
  if (eq != NULL)
    {
      *eq = '\0';
      main_value = g_strstrip (eq + 1);
      g_strstrip (head);
    }

  info = pp_filter_lookup (head);
  if (info == NULL)
    {
      const char *guess = pp_filter_suggest (head);

      if (guess != NULL)
        set_spec_error (error, "unknown filter \"%s\" (did you mean \"%s\"?)", head, guess);
      else
        set_spec_error (error, "unknown filter \"%s\" (parapix --list-filters shows them all)",
                        head);
      return FALSE;
    }

  step->info = info;
  step->enabled = TRUE;
  pp_filter_info_get_defaults (info, step->values);
  if (!parse_main_value (info, main_value, step->values, error))
    return FALSE;
  for (guint i = 1; parts[i] != NULL; i++)
    if (!parse_key_value (info, parts[i], step->values, error))
      return FALSE;
  if (!pp_filter_info_validate (info, step->values, &value_error))
    {
      propagate_as_spec_error (error, value_error);
      return FALSE;
    }
  return TRUE;
}

/**
 * pp_pipeline_new_from_spec:
 * @spec: steps separated by commas: `name`, `name=MAIN` or `name=MAIN;key=value;…` (MAIN is
 *   the first parameter, or a size WxH for fit, resize and crop); white space around tokens is
 *   ignored
 * @error: PP_PIPELINE_ERROR_INVALID_SPEC, its message naming the bad token ("unknown filter
 *   \"blurr\" (did you mean \"box-blur\"?)", "gamma must be between 0.1 and 10, got 40")
 *
 * An empty spec is a pipeline with no steps (images are only converted).
 *
 * Returns: (transfer full) (nullable): the pipeline, or %NULL with @error
 */
PpPipeline *
pp_pipeline_new_from_spec (const char *spec,
                           GError    **error)
{
  g_autoptr (PpPipeline) self = NULL;
  g_auto (GStrv) steps = NULL;

  g_return_val_if_fail (spec != NULL, NULL);

  self = pp_pipeline_new ();
  {
    g_autofree char *trimmed = g_strstrip (g_strdup (spec));

    if (*trimmed == '\0')
      return g_steal_pointer (&self);
  }

  steps = g_strsplit (spec, ",", -1);
  for (guint i = 0; steps[i] != NULL; i++)
    {
      PpStep step = { 0 };

      if (*g_strstrip (steps[i]) == '\0')
        {
          set_spec_error (error, "empty step at position %u of \"%s\"", i + 1, spec);
          return NULL;
        }
      if (!parse_step (steps[i], &step, error))
        return NULL;
      g_array_append_val (self->steps, step);
    }
  return g_steal_pointer (&self);
}

/**
 * pp_step_to_spec:
 * @step: a step
 *
 * Returns: (transfer full): the step's text form, leaving out parameters at their default
 *   ("sharpen=1.5;radius=2")
 */
char *
pp_step_to_spec (const PpStep *step)
{
  const PpFilterInfo *info;
  GString *s;
  guint first_key = 0;

  g_return_val_if_fail (step != NULL && step->info != NULL, NULL);

  info = step->info;
  s = g_string_new (info->name);
  if (info->main_syntax == PP_MAIN_SIZE)
    {
      g_autofree char *w = pp_param_spec_format_value (&info->params[0], step->values[0]);
      g_autofree char *h = pp_param_spec_format_value (&info->params[1], step->values[1]);

      g_string_append_printf (s, "=%sx%s", w, h);
      first_key = 2;
    }
  else if (info->main_syntax == PP_MAIN_VALUE)
    {
      g_autofree char *v = pp_param_spec_format_value (&info->params[0], step->values[0]);

      g_string_append_printf (s, "=%s", v);
      first_key = 1;
    }
  for (guint i = first_key; i < info->n_params; i++)
    {
      const PpParamSpec *p = &info->params[i];
      g_autofree char *v = NULL;

      if (step->values[i] == p->default_value)
        continue;
      v = pp_param_spec_format_value (p, step->values[i]);
      g_string_append_printf (s, ";%s=%s", p->name, v);
    }
  return g_string_free (s, FALSE);
}

/**
 * pp_pipeline_to_spec:
 * @self: a pipeline
 *
 * Returns: (transfer full): the enabled steps as a spec that parses back to the same steps and
 *   values (pp_pipeline_new_from_spec()); "" with none
 */
char *
pp_pipeline_to_spec (PpPipeline *self)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (PP_IS_PIPELINE (self), NULL);

  for (guint i = 0; i < self->steps->len; i++)
    {
      const PpStep *step = &g_array_index (self->steps, PpStep, i);
      g_autofree char *text = NULL;

      if (!step->enabled)
        continue;
      text = pp_step_to_spec (step);
      g_string_append_printf (s, "%s%s", s->len > 0 ? "," : "", text);
    }
  return g_string_free (s, FALSE);
}

/**
 * pp_pipeline_copy:
 * @self: a pipeline
 *
 * Returns: (transfer full): an independent copy: the same steps, values and enabled flags (what
 *   a batch freezes when a run starts)
 */
PpPipeline *
pp_pipeline_copy (PpPipeline *self)
{
  PpPipeline *copy;

  g_return_val_if_fail (PP_IS_PIPELINE (self), NULL);

  copy = pp_pipeline_new ();
  g_array_append_vals (copy->steps, self->steps->data, self->steps->len);
  return copy;
}

/**
 * pp_pipeline_equal:
 * @a: a pipeline
 * @b: another
 *
 * Returns: whether both have the same steps, in the same order, with the same enabled flags and
 *   parameter values (bit for bit)
 */
gboolean
pp_pipeline_equal (PpPipeline *a,
                   PpPipeline *b)
{
  g_return_val_if_fail (PP_IS_PIPELINE (a) && PP_IS_PIPELINE (b), FALSE);

  if (a->steps->len != b->steps->len)
    return FALSE;
  for (guint i = 0; i < a->steps->len; i++)
    {
      const PpStep *sa = &g_array_index (a->steps, PpStep, i);
      const PpStep *sb = &g_array_index (b->steps, PpStep, i);

      if (sa->info != sb->info || sa->enabled != sb->enabled)
        return FALSE;
      for (guint p = 0; p < sa->info->n_params; p++)
        if (sa->values[p] != sb->values[p])
          return FALSE;
    }
  return TRUE;
}

/**
 * pp_pipeline_get_n_steps:
 * @self: a pipeline
 *
 * Returns: the number of steps, enabled or not
 */
guint
pp_pipeline_get_n_steps (PpPipeline *self)
{
  g_return_val_if_fail (PP_IS_PIPELINE (self), 0);

  return self->steps->len;
}

/**
 * pp_pipeline_get_step:
 * @self: a pipeline
 * @position: 0 .. pp_pipeline_get_n_steps() - 1
 *
 * Returns: (transfer none): the step; valid until the pipeline changes
 */
const PpStep *
pp_pipeline_get_step (PpPipeline *self,
                      guint       position)
{
  g_return_val_if_fail (PP_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (position < self->steps->len, NULL);

  return &g_array_index (self->steps, PpStep, position);
}

/**
 * pp_pipeline_get_n_enabled:
 * @self: a pipeline
 *
 * Returns: the number of enabled steps (0: outputs are only converted)
 */
guint
pp_pipeline_get_n_enabled (PpPipeline *self)
{
  guint n = 0;

  g_return_val_if_fail (PP_IS_PIPELINE (self), 0);

  for (guint i = 0; i < self->steps->len; i++)
    n += g_array_index (self->steps, PpStep, i).enabled ? 1 : 0;
  return n;
}

/**
 * pp_pipeline_insert:
 * @self: a pipeline
 * @position: where the step goes, or -1 (or anything past the end) to append
 * @info: the filter
 * @values: (nullable) (array fixed-size=8): PP_MAX_PARAMS values (copied, not checked: use
 *   pp_filter_info_validate() first), or %NULL for the defaults
 *
 * Adds an enabled step.
 */
void
pp_pipeline_insert (PpPipeline         *self,
                    int                 position,
                    const PpFilterInfo *info,
                    const double       *values)
{
  PpStep step = { .info = info, .enabled = TRUE };

  g_return_if_fail (PP_IS_PIPELINE (self));
  g_return_if_fail (info != NULL);

  if (values != NULL)
    memcpy (step.values, values, sizeof step.values);
  else
    pp_filter_info_get_defaults (info, step.values);
  if (position < 0 || (guint) position > self->steps->len)
    position = self->steps->len;
  g_array_insert_val (self->steps, position, step);
}

/**
 * pp_pipeline_append:
 * @self: a pipeline
 * @info: the filter
 * @values: (nullable) (array fixed-size=8): as for pp_pipeline_insert()
 *
 * Adds an enabled step at the end.
 */
void
pp_pipeline_append (PpPipeline         *self,
                    const PpFilterInfo *info,
                    const double       *values)
{
  pp_pipeline_insert (self, -1, info, values);
}

/**
 * pp_pipeline_remove:
 * @self: a pipeline
 * @position: a step's position
 *
 * Removes the step; the ones after it move up.
 */
void
pp_pipeline_remove (PpPipeline *self,
                    guint       position)
{
  g_return_if_fail (PP_IS_PIPELINE (self));
  g_return_if_fail (position < self->steps->len);

  g_array_remove_index (self->steps, position);
}

/**
 * pp_pipeline_move:
 * @self: a pipeline
 * @from: the step's position
 * @to: its new position (after the removal from @from)
 */
void
pp_pipeline_move (PpPipeline *self,
                  guint       from,
                  guint       to)
{
  PpStep step;

  g_return_if_fail (PP_IS_PIPELINE (self));
  g_return_if_fail (from < self->steps->len && to < self->steps->len);

  step = g_array_index (self->steps, PpStep, from);
  g_array_remove_index (self->steps, from);
  g_array_insert_val (self->steps, to, step);
}

/**
 * pp_pipeline_clear:
 * @self: a pipeline
 *
 * Removes every step.
 */
void
pp_pipeline_clear (PpPipeline *self)
{
  g_return_if_fail (PP_IS_PIPELINE (self));

  g_array_set_size (self->steps, 0);
}

/**
 * pp_pipeline_set_value:
 * @self: a pipeline
 * @position: a step's position
 * @param: the parameter's index in the step's filter
 * @value: its new value
 * @error: PP_FILTER_ERROR_OUT_OF_RANGE or PP_FILTER_ERROR_BAD_VALUE, as
 *   pp_param_spec_check_value() says; the step is left unchanged
 *
 * Returns: %TRUE when set
 */
gboolean
pp_pipeline_set_value (PpPipeline *self,
                       guint       position,
                       guint       param,
                       double      value,
                       GError    **error)
{
  PpStep *step;

  g_return_val_if_fail (PP_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (position < self->steps->len, FALSE);

  step = &g_array_index (self->steps, PpStep, position);
  g_return_val_if_fail (param < step->info->n_params, FALSE);

  if (!pp_param_spec_check_value (&step->info->params[param], step->info->name, value, error))
    return FALSE;
  step->values[param] = value;
  return TRUE;
}

/**
 * pp_pipeline_set_enabled:
 * @self: a pipeline
 * @position: a step's position
 * @enabled: whether the step runs (a disabled step stays in the list and in the editor, but not in
 *   plans or specs)
 */
void
pp_pipeline_set_enabled (PpPipeline *self,
                         guint       position,
                         gboolean    enabled)
{
  g_return_if_fail (PP_IS_PIPELINE (self));
  g_return_if_fail (position < self->steps->len);

  g_array_index (self->steps, PpStep, position).enabled = !!enabled;
}

/**
 * pp_pipeline_get_load_hint:
 * @fit_width: (out): the box's width, in pixels
 * @fit_height: (out): the box's height, in pixels
 *
 * When the first enabled step is a downscale to a box (fit), that box: the loader may decode
 * at any size that still covers what fitting into it needs (PpLoadOptions.fit_width and
 * fit_height; JPEG shrinks in the DCT). Thread: any, on a pipeline nobody changes meanwhile.
 *
 * Returns: %TRUE when the pipeline gives a hint
 */
gboolean
pp_pipeline_get_load_hint (PpPipeline *self,
                           int        *fit_width,
                           int        *fit_height)
{
  g_return_val_if_fail (PP_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (fit_width != NULL && fit_height != NULL, FALSE);

  for (guint i = 0; i < self->steps->len; i++)
    {
      const PpStep *step = &g_array_index (self->steps, PpStep, i);

      if (!step->enabled)
        continue;
      if (step->info->get_load_hint == NULL)
        return FALSE;
      return step->info->get_load_hint (step->values, fit_width, fit_height);
    }
  return FALSE;
}
