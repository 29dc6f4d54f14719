/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The text spec: parse/print round trips, and every error path names the bad token.
 */
#include <string.h>

#include "render/pp-pipeline.h"
#include "render/pp-plan.h"

static void
assert_round_trip (const char *spec,
                   const char *canonical)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec (spec, &error);
  g_autoptr (PpPipeline) again = NULL;
  g_autofree char *printed = NULL;
  g_autofree char *printed_again = NULL;

  g_assert_no_error (error);
  printed = pp_pipeline_to_spec (pipeline);
  g_assert_cmpstr (printed, ==, canonical);
  again = pp_pipeline_new_from_spec (printed, &error);
  g_assert_no_error (error);
  g_assert_true (pp_pipeline_equal (pipeline, again));
  printed_again = pp_pipeline_to_spec (again);
  g_assert_cmpstr (printed_again, ==, printed);
}

static void
test_round_trip (void)
{
  assert_round_trip ("", "");
  assert_round_trip ("exposure", "exposure=0");
  assert_round_trip ("exposure=0.5", "exposure=0.5");
  assert_round_trip (" exposure = 0.5 ", "exposure=0.5");
  assert_round_trip ("exposure=-1.25,exposure=0.1", "exposure=-1.25,exposure=0.1");
  assert_round_trip ("exposure=1e-3", "exposure=0.001");
}

/* Every value a parameter can take must print back to the same double. */
static void
test_round_trip_every_value (void)
{
  guint n;
  const PpFilterInfo *const *filters = pp_filter_list (&n);
  GRand *rand = g_rand_new_with_seed (42);

  for (guint f = 0; f < n; f++)
    for (guint p = 0; p < filters[f]->n_params; p++)
      for (int k = 0; k < 50; k++)
        {
          const PpParamSpec *pspec = &filters[f]->params[p];
          double v = g_rand_double_range (rand, pspec->min, pspec->max);
          g_autofree char *text = NULL;
          double back = 0;
          g_autoptr (GError) error = NULL;

          if (pspec->type != PP_PARAM_DOUBLE)
            v = (int) v;
          text = pp_param_spec_format_value (pspec, v);
          g_assert_true (pp_param_spec_parse_value (pspec, filters[f]->name, text, &back, &error));
          g_assert_no_error (error);
          g_assert_cmpfloat (back, ==, v);
        }
  g_rand_free (rand);
}

static void
assert_spec_error (const char *spec,
                   const char *expected_message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec (spec, &error);

  g_assert_null (pipeline);
  g_assert_error (error, PP_PIPELINE_ERROR, PP_PIPELINE_ERROR_INVALID_SPEC);
  if (strstr (error->message, expected_message) == NULL)
    g_error ("spec \"%s\": expected an error containing \"%s\", got \"%s\"", spec,
             expected_message, error->message);
}

static void
test_errors (void)
{
  assert_spec_error ("exposure=9", "exposure must be between -5 and 5, got 9");
  assert_spec_error ("exposure=abc", "exposure must be a number, got \"abc\"");
  assert_spec_error ("exposure=", "exposure must be a number, got \"\"");
  assert_spec_error ("exposure=nan", "exposure must be between -5 and 5, got nan");
  assert_spec_error ("exposure=inf", "exposure must be between");
  assert_spec_error ("exposur=1", "unknown filter \"exposur\" (did you mean \"exposure\"?)");
  assert_spec_error ("zzzzzz", "unknown filter \"zzzzzz\" (parapix --list-filters");
  assert_spec_error ("exposure=1,,exposure=2", "empty step at position 2");
  assert_spec_error ("exposure=1,", "empty step at position 2");
  assert_spec_error ("exposure=1;foo=2", "unknown parameter \"foo\" for exposure (expected ev)");
  assert_spec_error ("exposure=1;ev", "expected key=value after \"exposure;\", got \"ev\"");
  assert_spec_error ("exposure=0.5;",
                     "nothing after the \";\" of exposure: remove the \";\", or add key=value");
  assert_spec_error ("exposure=0.5; ;ev=1", "nothing after the \";\" of exposure");
  assert_spec_error ("exposure=1;ev=7", "exposure must be between -5 and 5, got 7");
}

static void
test_edit (void)
{
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec ("exposure=1,exposure=2", NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *spec = NULL;
  g_autofree char *spec2 = NULL;
  g_autofree char *spec3 = NULL;

  pp_pipeline_move (pipeline, 0, 1);
  spec = pp_pipeline_to_spec (pipeline);
  g_assert_cmpstr (spec, ==, "exposure=2,exposure=1");

  pp_pipeline_set_enabled (pipeline, 0, FALSE);
  spec2 = pp_pipeline_to_spec (pipeline);
  g_assert_cmpstr (spec2, ==, "exposure=1");
  g_assert_cmpuint (pp_pipeline_get_n_enabled (pipeline), ==, 1);

  g_assert_false (pp_pipeline_set_value (pipeline, 1, 0, 99, &error));
  g_assert_error (error, PP_FILTER_ERROR, PP_FILTER_ERROR_OUT_OF_RANGE);
  g_assert_true (pp_pipeline_set_value (pipeline, 1, 0, -2, NULL));
  pp_pipeline_remove (pipeline, 0);
  spec3 = pp_pipeline_to_spec (pipeline);
  g_assert_cmpstr (spec3, ==, "exposure=-2");
}

/* Two exposures fuse into one table; opposite ones cancel and leave no stage at all. */
static void
test_plan_fusion (void)
{
  g_autoptr (PpPipeline) two = pp_pipeline_new_from_spec ("exposure=1,exposure=0.5", NULL);
  g_autoptr (PpPipeline) cancel = pp_pipeline_new_from_spec ("exposure=0", NULL);
  g_autoptr (PpPlan) plan_two = pp_plan_new (two, 10, 10, 3, NULL);
  g_autoptr (PpPlan) plan_cancel = pp_plan_new (cancel, 10, 10, 3, NULL);
  g_autofree char *description = pp_plan_describe (plan_two);

  g_assert_cmpuint (pp_plan_get_n_stages (plan_two), ==, 1);
  g_assert_cmpstr (description, ==, "1 LUT");
  g_assert_cmpuint (pp_plan_get_n_stages (plan_cancel), ==, 0);
}

static void
test_suggest (void)
{
  g_assert_cmpstr (pp_filter_suggest ("exposre"), ==, "exposure");
  g_assert_null (pp_filter_suggest ("qqqqqqqqqq"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/pipeline/round-trip", test_round_trip);
  g_test_add_func ("/pp/pipeline/round-trip-every-value", test_round_trip_every_value);
  g_test_add_func ("/pp/pipeline/errors", test_errors);
  g_test_add_func ("/pp/pipeline/edit", test_edit);
  g_test_add_func ("/pp/pipeline/plan-fusion", test_plan_fusion);
  g_test_add_func ("/pp/pipeline/suggest", test_suggest);
  return g_test_run ();
}
