/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The chain as "a(sb)": the spec of each step (pp_step_to_spec) and its switch.
 */
#define G_LOG_DOMAIN "pp-chain-state"

#include "config.h"

#include "pp-chain-state.h"

/**
 * pp_chain_state_capture:
 *
 * Returns: (transfer floating): every step of @pipeline, in order, as (spec, enabled)
 */
GVariant *
pp_chain_state_capture (PpPipeline *pipeline)
{
  GVariantBuilder builder;
  guint n;

  g_return_val_if_fail (PP_IS_PIPELINE (pipeline), NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE (PP_CHAIN_STATE_TYPE));
  n = pp_pipeline_get_n_steps (pipeline);
  for (guint i = 0; i < n; i++)
    {
      const PpStep *step = pp_pipeline_get_step (pipeline, i);
      g_autofree char *spec = pp_step_to_spec (step);

      g_variant_builder_add (&builder, "(sb)", spec, step->enabled);
    }
  return g_variant_builder_end (&builder);
}

/**
 * pp_chain_state_apply:
 * @state: a value of type "a(sb)" from pp_chain_state_capture() (perhaps of an older build)
 *
 * Replaces @pipeline's steps with @state's. Nothing changes when a step cannot be read.
 *
 * Returns: %FALSE with @error set (PP_PIPELINE_ERROR or PP_FILTER_ERROR, naming the bad step)
 *   when @state holds a step this build does not know
 */
gboolean
pp_chain_state_apply (PpPipeline  *pipeline,
                      GVariant    *state,
                      GError     **error)
{
  g_autoptr (PpPipeline) parsed = pp_pipeline_new ();
  GVariantIter iter;
  const char *spec;
  gboolean enabled;
  guint n;

  g_return_val_if_fail (PP_IS_PIPELINE (pipeline), FALSE);
  g_return_val_if_fail (g_variant_is_of_type (state, G_VARIANT_TYPE (PP_CHAIN_STATE_TYPE)),
                        FALSE);

  g_variant_iter_init (&iter, state);
  while (g_variant_iter_next (&iter, "(&sb)", &spec, &enabled))
    {
      g_autoptr (PpPipeline) one = pp_pipeline_new_from_spec (spec, error);

      if (one == NULL)
        return FALSE;
      for (guint i = 0; i < pp_pipeline_get_n_steps (one); i++)
        {
          const PpStep *step = pp_pipeline_get_step (one, i);

          pp_pipeline_append (parsed, step->info, step->values);
          pp_pipeline_set_enabled (parsed, pp_pipeline_get_n_steps (parsed) - 1, enabled);
        }
    }
  pp_pipeline_clear (pipeline);
  n = pp_pipeline_get_n_steps (parsed);
  for (guint i = 0; i < n; i++)
    {
      const PpStep *step = pp_pipeline_get_step (parsed, i);

      pp_pipeline_append (pipeline, step->info, step->values);
      pp_pipeline_set_enabled (pipeline, i, step->enabled);
    }
  return TRUE;
}
