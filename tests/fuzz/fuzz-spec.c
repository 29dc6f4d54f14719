/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for the pipeline spec parser. Beyond "no crash": a spec that parses prints
 * back to a spec that parses to an equal pipeline, and a plan for it can be made.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "render/pp-pipeline.h"
#include "render/pp-plan.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autofree char *spec = g_strndup ((const char *) data, size);
  g_autoptr (PpPipeline) pipeline = NULL;
  g_autoptr (PpPipeline) again = NULL;
  g_autoptr (PpPlan) plan = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *printed = NULL;

  if (size > 4096)
    return -1;
  pipeline = pp_pipeline_new_from_spec (spec, &error);
  if (pipeline == NULL)
    {
      /* A refusal must say something. */
      g_assert_nonnull (error);
      g_assert_true (error->message != NULL && error->message[0] != '\0');
      return 0;
    }
  g_assert_no_error (error);

  printed = pp_pipeline_to_spec (pipeline);
  again = pp_pipeline_new_from_spec (printed, &error);
  /* abort(), not g_error(): libFuzzer keeps the input of an abort, not of a trap. */
  if (again == NULL)
    {
      g_printerr ("“%s” parsed, but its printed form “%s” does not: %s\n", spec, printed,
                  error->message);
      abort ();
    }
  if (!pp_pipeline_equal (pipeline, again))
    {
      g_printerr ("“%s” and its printed form “%s” differ\n", spec, printed);
      abort ();
    }

  plan = pp_plan_new (pipeline, 64, 48, 3, &error);
  if (plan == NULL)
    g_clear_error (&error);
  return 0;
}
