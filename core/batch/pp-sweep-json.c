/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A sweep's record (JSON, docs/sweep.md and docs/sweep.schema.json) and its terminal table.
 */
#define G_LOG_DOMAIN "pp-sweep"

#include "config.h"

#include <math.h>

#include "batch/pp-json-private.h"
#include "batch/pp-machine.h"
#include "batch/pp-sweep-private.h"

static const char *const stage_keys[PP_SWEEP_N_STAGES] = { "decode", "filter", "encode", "write" };

static void
add_point (JsonBuilder        *b,
           const PpSweepPoint *p)
{
  json_builder_begin_object (b);
  _pp_json_add_int (b, "threads", p->threads);
  _pp_json_add_int (b, "threads_per_image", MAX (p->threads_per_image, 1));
  _pp_json_add_int (b, "runs", p->n_runs);
  json_builder_set_member_name (b, "wall_s");
  json_builder_begin_object (b);
  _pp_json_add_double (b, "median", p->wall_s);
  _pp_json_add_double (b, "min", p->n_runs > 0 ? p->wall_min_s : 0);
  _pp_json_add_double (b, "max", p->wall_max_s);
  json_builder_end_object (b);
  _pp_json_add_double (b, "spread_percent", p->spread_percent);
  _pp_json_add_double (b, "images_per_s", p->images_per_s);
  _pp_json_add_double (b, "megapixels_per_s", p->megapixels_per_s);
  _pp_json_add_double (b, "speedup", p->speedup);
  _pp_json_add_double (b, "efficiency", p->efficiency);
  _pp_json_add_double (b, "cpu_s", p->cpu_s);
  _pp_json_add_double (b, "helper_cpu_s", p->helper_cpu_s);
  json_builder_set_member_name (b, "stage_s");
  json_builder_begin_object (b);
  for (guint k = 0; k < PP_SWEEP_N_STAGES; k++)
    _pp_json_add_double (b, stage_keys[k], p->stage_s[k]);
  json_builder_end_object (b);
  _pp_json_add_double (b, "busy_per_image_s", p->busy_per_image_s);
  _pp_json_add_double (b, "startup_s", p->startup_s);
  _pp_json_add_double (b, "tail_s", p->tail_s);
  _pp_json_add_double (b, "finish_s", p->finish_s);
  _pp_json_add_double (b, "first_file_excess_s", p->first_file_excess_s);
  _pp_json_add_int (b, "peak_memory_bytes", (gint64) p->peak_memory_bytes);
  _pp_json_add_int (b, "files_ok", p->n_ok);
  _pp_json_add_int (b, "files_failed", p->n_failed);
  json_builder_set_member_name (b, "identical");
  json_builder_add_boolean_value (b, p->identical);
  _pp_json_add_int (b, "files_compared", p->n_compared);
  _pp_json_add_string (b, "difference", p->difference);
  json_builder_end_object (b);
}

/**
 * pp_sweep_to_json:
 *
 * Returns: (transfer full): the sweep record (`"kind": "sweep"`, docs/sweep.md): the machine,
 *   the folder and its sample, the chain, every point, the Amdahl fit, the limit and the
 *   recommended thread count. Main thread, after the sweep started.
 */
JsonNode *
pp_sweep_to_json (PpSweep *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *started = NULL;
  const PpFolderSurvey *survey;
  const PpAmdahlFit *fit;

  g_return_val_if_fail (PP_IS_SWEEP (self), NULL);

  started = _pp_sweep_get_started (self) != NULL
            ? g_date_time_format_iso8601 (_pp_sweep_get_started (self)) : NULL;
  survey = pp_sweep_get_survey (self);
  fit = pp_sweep_get_fit (self);
  json_builder_begin_object (b);
  _pp_json_add_int (b, "schema_version", PP_SWEEP_SCHEMA_VERSION);
  _pp_json_add_string (b, "kind", "sweep");
  _pp_json_add_string (b, "started", started);
  json_builder_set_member_name (b, "machine");
  json_builder_add_value (b, pp_machine_describe ());
  _pp_json_add_string (b, "input", pp_sweep_get_input (self));
  _pp_json_add_string (b, "pipeline", pp_sweep_get_pipeline_spec (self));
  _pp_json_add_string (b, "format", _pp_sweep_get_format (self));
  _pp_json_add_int (b, "files_listed", pp_sweep_get_n_files_listed (self));
  _pp_json_add_int (b, "files_sampled", survey->n_files);
  _pp_json_add_int (b, "bytes_sampled", (gint64) survey->total_bytes);
  _pp_json_add_double (b, "megapixels_sampled", survey->total_megapixels);
  _pp_json_add_double (b, "largest_megapixels", survey->largest_megapixels);
  _pp_json_add_int (b, "repeat", _pp_sweep_get_repeat (self));
  _pp_json_add_int (b, "cpu_budget", pp_sweep_get_cpu_budget (self));
  _pp_json_add_string (b, "warm_up", pp_sweep_get_warm_up_text (self));
  json_builder_set_member_name (b, "cancelled");
  json_builder_add_boolean_value (b, pp_sweep_get_cancelled (self));
  json_builder_set_member_name (b, "identical");
  json_builder_add_boolean_value (b, pp_sweep_get_identical (self));
  json_builder_set_member_name (b, "points");
  json_builder_begin_array (b);
  for (guint i = 0; i < pp_sweep_get_n_points (self); i++)
    add_point (b, pp_sweep_get_point (self, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "amdahl");
  if (fit != NULL)
    {
      json_builder_begin_object (b);
      _pp_json_add_double (b, "serial_fraction", fit->serial_fraction);
      _pp_json_add_double (b, "max_speedup", fit->max_speedup);
      _pp_json_add_double (b, "t1_s", fit->t1);
      _pp_json_add_double (b, "rms_relative_error", fit->rms_relative_error);
      _pp_json_add_int (b, "points_used", fit->n_points);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  _pp_json_add_string (b, "limit", pp_sweep_get_limit (self));
  _pp_json_add_int (b, "recommended_threads", pp_sweep_get_recommended_threads (self));
  _pp_json_add_string (b, "recommendation", pp_sweep_get_recommendation (self));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/**
 * pp_sweep_format_table:
 *
 * Returns: (transfer full): the sweep for a terminal: one row per thread count (median wall
 *   ± spread, images/s, speedup, efficiency, CPU, stage times, peak memory, identical), then the
 *   Amdahl fit, the limit and the recommendation
 */
char *
pp_sweep_format_table (PpSweep *self)
{
  GString *out = g_string_new (NULL);
  const PpAmdahlFit *fit;

  g_return_val_if_fail (PP_IS_SWEEP (self), NULL);

  g_string_append_printf (out, "%7s %5s %4s %17s %9s %8s %6s %8s %27s %9s %9s\n", "threads",
                          "/img", "runs", "wall (median ±)", "images/s", "speedup", "effic.",
                          "CPU s", "decode/filter/encode/write s", "peak MiB", "identical");
  for (guint i = 0; i < pp_sweep_get_n_points (self); i++)
    {
      const PpSweepPoint *p = pp_sweep_get_point (self, i);
      g_autofree char *wall = NULL;
      g_autofree char *stages = NULL;

      if (p->n_runs == 0)
        {
          g_string_append_printf (out, "%7u %5s %4u %17s\n", p->threads, "", 0, "not run");
          continue;
        }
      wall = g_strdup_printf ("%.2f s ±%.1f%%", p->wall_s, p->spread_percent);
      stages = g_strdup_printf ("%.1f/%.1f/%.1f/%.1f", p->stage_s[0], p->stage_s[1],
                                p->stage_s[2], p->stage_s[3]);
      g_string_append_printf (out, "%7u %5u %4u %17s %9.2f %7.2fx %5.0f%% %8.1f %27s %9.0f %9s\n",
                              p->threads, MAX (p->threads_per_image, 1), p->n_runs, wall, p->images_per_s, p->speedup,
                              100 * p->efficiency, p->cpu_s, stages,
                              p->peak_memory_bytes / 1048576.0,
                              p->identical ? "yes" : "NO");
    }
  fit = pp_sweep_get_fit (self);
  if (fit != NULL)
    {
      if (isfinite (fit->max_speedup))
        g_string_append_printf (out, "Amdahl fit (points up to %u threads): serial fraction "
                                "%.1f %%, speedup limit %.1f×, fit error %.1f %%\n",
                                pp_sweep_get_cpu_budget (self), 100 * fit->serial_fraction,
                                fit->max_speedup, 100 * fit->rms_relative_error);
      else
        g_string_append_printf (out, "Amdahl fit (points up to %u threads): no serial fraction, "
                                "fit error %.1f %%\n", pp_sweep_get_cpu_budget (self),
                                100 * fit->rms_relative_error);
    }
  if (pp_sweep_get_limit (self) != NULL)
    g_string_append_printf (out, "%s\n", pp_sweep_get_limit (self));
  if (pp_sweep_get_recommendation (self) != NULL)
    g_string_append_printf (out, "Recommended: %s\n", pp_sweep_get_recommendation (self));
  for (guint i = 0; i < pp_sweep_get_n_points (self); i++)
    {
      const PpSweepPoint *p = pp_sweep_get_point (self, i);

      if (p->difference != NULL)
        g_string_append_printf (out, "Difference at %u threads: %s\n", p->threads, p->difference);
    }
  return g_string_free (out, FALSE);
}
