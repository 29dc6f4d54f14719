/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sweep's shareable report (pp-report.h): HTML with the chart inline as SVG, so it opens in
 * any browser, attaches to a bug report and prints, without anything beside it.
 */
#define G_LOG_DOMAIN "pp-report"

#include "config.h"

#include <math.h>

#include "batch/pp-machine.h"
#include "batch/pp-report.h"

/* Chart geometry, in SVG user units. */
#define MARGIN_LEFT 56
#define MARGIN_RIGHT 16
#define MARGIN_TOP 16
#define MARGIN_BOTTOM 44

typedef struct
{
  double x0, y0, w, h;   /* plot area */
  double max_threads;
  double max_speedup;
} Frame;

static double
px (const Frame *f,
    double       threads)
{
  return f->x0 + f->w * (threads / f->max_threads);
}

static double
py (const Frame *f,
    double       speedup)
{
  return f->y0 + f->h * (1 - speedup / f->max_speedup);
}

static double
nice_ceiling (double value)
{
  const double steps[] = { 1, 2, 4, 5, 8, 10, 16, 20, 32, 40, 50, 64, 80, 100 };

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (value <= steps[i])
      return steps[i];
  return ceil (value / 10) * 10;
}

/* The plot area inside @width × @height and the axes' ranges: threads up to the most tried,
 * speedup up to the best measured or the ideal's top, whichever is higher, with 5 % headroom;
 * both rounded up to a nice number. */
static void
scale_frame (Frame              *f,
             PpSweep            *sweep,
             const PpSweepPoint *one,
             guint               budget,
             int                 width,
             int                 height)
{
  guint n = pp_sweep_get_n_points (sweep);

  f->x0 = MARGIN_LEFT;
  f->y0 = MARGIN_TOP;
  f->w = width - MARGIN_LEFT - MARGIN_RIGHT;
  f->h = height - MARGIN_TOP - MARGIN_BOTTOM;
  f->max_threads = 1;
  f->max_speedup = 1;
  for (guint i = 0; i < n; i++)
    {
      const PpSweepPoint *p = pp_sweep_get_point (sweep, i);

      f->max_threads = MAX (f->max_threads, p->threads);
      if (one != NULL && p->wall_min_s > 0)
        f->max_speedup = MAX (f->max_speedup, one->wall_s / p->wall_min_s);
    }
  f->max_threads = nice_ceiling (f->max_threads);
  f->max_speedup = nice_ceiling (MAX (f->max_speedup, MIN (f->max_threads, budget)) * 1.05);
}

/* Speedup grid lines with their labels, a label per thread count tried, the axis title and the
 * x axis. */
static void
append_axes (GString     *svg,
             const Frame *f,
             PpSweep     *sweep)
{
  guint n = pp_sweep_get_n_points (sweep);

  for (guint k = 0; k <= 4; k++)
    {
      double s = f->max_speedup * k / 4, y = py (f, s);

      g_string_append_printf (svg, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                              "stroke=\"#8888\" stroke-width=\"0.5\"/>\n"
                              "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
                              "fill=\"currentColor\">%g×</text>\n",
                              f->x0, y, f->x0 + f->w, y, f->x0 - 6, y + 4, s);
    }
  for (guint i = 0; i < n; i++)
    {
      const PpSweepPoint *p = pp_sweep_get_point (sweep, i);
      double x = px (f, p->threads);

      g_string_append_printf (svg, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                              "fill=\"currentColor\">%u</text>\n", x, f->y0 + f->h + 16,
                              p->threads);
    }
  g_string_append_printf (svg, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                          "fill=\"currentColor\">threads</text>\n", f->x0 + f->w / 2,
                          f->y0 + f->h + 36);
  g_string_append_printf (svg, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                          "stroke=\"currentColor\"/>\n", f->x0, f->y0 + f->h, f->x0 + f->w,
                          f->y0 + f->h);
}

/* The Amdahl fit as a dashed curve of 61 points from 1 thread to the CPU budget (or the axis'
 * end, if nearer). */
static void
append_fit (GString           *svg,
            const Frame       *f,
            const PpAmdahlFit *fit,
            guint              budget)
{
  g_string_append (svg, "<polyline fill=\"none\" stroke=\"#e07b00\" stroke-width=\"1.5\" "
                   "stroke-dasharray=\"6 4\" points=\"");
  for (guint k = 0; k <= 60; k++)
    {
      double t = 1 + (MIN (budget, f->max_threads) - 1) * k / 60.0;

      g_string_append_printf (svg, "%.1f,%.1f ", px (f, t), py (f, pp_amdahl_speedup (fit, t)));
    }
  g_string_append (svg, "\"><title>Amdahl fit</title></polyline>\n");
}

/* Each measured median as a dot (red where the outputs were not identical), with its min-max
 * range over the repeats as a vertical line; nothing without the 1-thread run to divide by. */
static void
append_points (GString            *svg,
               const Frame        *f,
               PpSweep            *sweep,
               const PpSweepPoint *one)
{
  guint n = pp_sweep_get_n_points (sweep);

  for (guint i = 0; i < n; i++)
    {
      const PpSweepPoint *p = pp_sweep_get_point (sweep, i);
      double x = px (f, p->threads);

      if (p->n_runs == 0 || one == NULL || one->wall_s <= 0)
        continue;
      if (p->wall_max_s > 0 && p->wall_min_s > 0)
        g_string_append_printf (svg, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                                "stroke=\"#1c71d8\"/>\n", x, py (f, one->wall_s / p->wall_max_s),
                                x, py (f, one->wall_s / p->wall_min_s));
      g_string_append_printf (svg, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\">"
                              "<title>%u threads: %.2f×, %.0f %% efficiency</title></circle>\n",
                              x, py (f, p->speedup), p->identical ? "#1c71d8" : "#c01c28",
                              p->threads, p->speedup, 100 * p->efficiency);
    }
}

/**
 * pp_report_svg_chart:
 * @sweep: a sweep with points
 * @width: SVG width in user units (e.g. 640)
 * @height: SVG height (e.g. 400)
 *
 * Speedup against threads: the ideal line (speedup = threads, up to the CPU budget, flat past
 * it), the Amdahl fit as a dashed curve, the measured medians as dots with their min-max range,
 * and the CPU budget as a vertical line. Colours work on light and dark backgrounds.
 *
 * Returns: (transfer full): an `<svg>` element
 */
char *
pp_report_svg_chart (PpSweep *sweep,
                     int      width,
                     int      height)
{
  GString *svg = g_string_new (NULL);
  const PpAmdahlFit *fit = pp_sweep_get_fit (sweep);
  guint budget = pp_sweep_get_cpu_budget (sweep);
  const PpSweepPoint *one = pp_sweep_find_point (sweep, 1);
  Frame f;

  g_return_val_if_fail (PP_IS_SWEEP (sweep), NULL);

  scale_frame (&f, sweep, one, budget, width, height);
  g_string_append_printf (svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                          "width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"Speedup against "
                          "threads\" font-family=\"sans-serif\" font-size=\"12\">\n",
                          width, height, width, height);
  append_axes (svg, &f, sweep);
  /* The CPU budget */
  if (budget <= f.max_threads)
    g_string_append_printf (svg, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                            "stroke=\"#999\" stroke-dasharray=\"2 3\"/>\n"
                            "<text x=\"%.1f\" y=\"%.1f\" fill=\"#999\">%u CPUs</text>\n",
                            px (&f, budget), f.y0, px (&f, budget), f.y0 + f.h,
                            px (&f, budget) + 4, f.y0 + 12, budget);
  /* Ideal: one core per thread up to the budget, no more past it. */
  g_string_append_printf (svg, "<polyline fill=\"none\" stroke=\"#2a9d3f\" stroke-width=\"1.5\" "
                          "points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\"><title>ideal</title>"
                          "</polyline>\n", px (&f, 1), py (&f, 1),
                          px (&f, MIN (budget, f.max_threads)),
                          py (&f, MIN (budget, f.max_threads)), px (&f, f.max_threads),
                          py (&f, MIN (budget, f.max_threads)));
  if (fit != NULL)
    append_fit (svg, &f, fit, budget);
  append_points (svg, &f, sweep, one);
  /* Legend */
  g_string_append_printf (svg, "<g transform=\"translate(%.1f,%.1f)\">"
                          "<line x1=\"0\" y1=\"0\" x2=\"18\" y2=\"0\" stroke=\"#2a9d3f\" "
                          "stroke-width=\"1.5\"/><text x=\"22\" y=\"4\" fill=\"currentColor\">"
                          "ideal</text>"
                          "<line x1=\"70\" y1=\"0\" x2=\"88\" y2=\"0\" stroke=\"#e07b00\" "
                          "stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/><text x=\"92\" y=\"4\" "
                          "fill=\"currentColor\">Amdahl fit</text>"
                          "<circle cx=\"180\" cy=\"0\" r=\"4\" fill=\"#1c71d8\"/><text x=\"188\" "
                          "y=\"4\" fill=\"currentColor\">measured (median, range)</text></g>\n",
                          f.x0 + 8, f.y0 + 8);
  g_string_append (svg, "</svg>\n");
  return g_string_free (svg, FALSE);
}

static void
append_escaped (GString    *out,
                const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  g_autofree char *escaped = g_markup_escape_text (valid, -1);

  g_string_append (out, escaped);
}

static void
append_row (GString    *out,
            const char *name,
            const char *value)
{
  g_string_append (out, "<tr><th>");
  append_escaped (out, name);
  g_string_append (out, "</th><td>");
  append_escaped (out, value);
  g_string_append (out, "</td></tr>\n");
}

static void
append_machine (GString *out)
{
  g_autoptr (JsonNode) machine = pp_machine_describe ();
  JsonObject *m = json_node_get_object (machine);
  g_autofree char *cpus = g_strdup_printf ("%" G_GINT64_FORMAT " processors; budget %"
                                           G_GINT64_FORMAT " (%s)",
                                           json_object_get_int_member (m, "processors"),
                                           json_object_get_int_member (m, "cpu_budget"),
                                           json_object_get_string_member (m, "cpu_budget_source"));
  g_autofree char *total = g_format_size_full (json_object_get_int_member (m, "memory_total_bytes"),
                                               G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *budget = g_format_size_full (json_object_get_int_member (m,
                                                                            "memory_budget_bytes"),
                                                G_FORMAT_SIZE_IEC_UNITS);
  g_autofree char *memory = g_strdup_printf ("%s; budget %s (%s)", total, budget,
                                             json_object_get_string_member (m,
                                                                            "memory_budget_source"));

  g_string_append (out, "<h2>Machine</h2>\n<table class=\"kv\">\n");
  append_row (out, "Processor", json_object_get_null_member (m, "cpu_model")
                                ? "unknown" : json_object_get_string_member (m, "cpu_model"));
  append_row (out, "CPUs", cpus);
  append_row (out, "Memory", memory);
  append_row (out, "System", json_object_get_null_member (m, "kernel")
                             ? "unknown" : json_object_get_string_member (m, "kernel"));
  append_row (out, "Parapix", json_object_get_string_member (m, "parapix"));
  g_string_append (out, "</table>\n");
}

static void
append_table (GString *out,
              PpSweep *sweep)
{
  static const char *const headers[] = {
    "Threads", "Runs", "Wall (median)", "Spread", "Images/s", "Speedup", "Efficiency", "CPU",
    "Decoder CPU", "Decode", "Filter", "Encode", "Write", "Start", "Tail", "Peak memory",
    "Identical",
  };

  g_string_append (out, "<h2>Sweep</h2>\n<table class=\"grid\">\n<tr>");
  for (guint i = 0; i < G_N_ELEMENTS (headers); i++)
    g_string_append_printf (out, "<th>%s</th>", headers[i]);
  g_string_append (out, "</tr>\n");
  for (guint i = 0; i < pp_sweep_get_n_points (sweep); i++)
    {
      const PpSweepPoint *p = pp_sweep_get_point (sweep, i);
      g_autofree char *memory = g_format_size_full (p->peak_memory_bytes,
                                                    G_FORMAT_SIZE_IEC_UNITS);

      if (p->n_runs == 0)
        {
          g_string_append_printf (out, "<tr><td>%u</td><td colspan=\"16\">not run</td></tr>\n",
                                  p->threads);
          continue;
        }
      g_string_append_printf (out, "<tr><td>%u</td><td>%u</td><td>%.2f s</td><td>±%.1f %%</td>"
                              "<td>%.2f</td><td>%.2f×</td><td>%.0f %%</td><td>%.1f s</td>"
                              "<td>%.1f s</td><td>%.1f s</td><td>%.1f s</td><td>%.1f s</td>"
                              "<td>%.1f s</td><td>%.2f s</td><td>%.2f s</td><td>%s</td>"
                              "<td>%s</td></tr>\n",
                              p->threads, p->n_runs, p->wall_s, p->spread_percent,
                              p->images_per_s, p->speedup, 100 * p->efficiency, p->cpu_s,
                              p->helper_cpu_s, p->stage_s[0], p->stage_s[1], p->stage_s[2],
                              p->stage_s[3], p->startup_s, p->tail_s, memory,
                              p->identical ? "yes" : "<strong>no</strong>");
    }
  g_string_append (out, "</table>\n<p class=\"note\">Stage times are summed over files (with N "
                   "threads they add up to about N × wall); CPU counts Parapix and its decoder "
                   "helper processes; start is listing the folder and starting the workers; "
                   "tail is the average time a worker waited idle for the last files.</p>\n");
}

/**
 * pp_report_html:
 *
 * Returns: (transfer full): the whole report as one HTML document (UTF-8)
 */
char *
pp_report_html (PpSweep *sweep)
{
  GString *out = g_string_new (NULL);
  const PpFolderSurvey *survey;
  const PpAmdahlFit *fit;
  g_autofree char *folder = NULL;
  g_autofree char *chart = NULL;
  g_autofree char *listed = NULL;

  g_return_val_if_fail (PP_IS_SWEEP (sweep), NULL);

  survey = pp_sweep_get_survey (sweep);
  fit = pp_sweep_get_fit (sweep);
  folder = pp_folder_survey_describe (survey);
  listed = g_strdup_printf ("%u images in the folder; the sweep used %u",
                            pp_sweep_get_n_files_listed (sweep), survey->n_files);
  g_string_append (out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width\">\n"
                   "<title>Parapix scaling report</title>\n<style>\n"
                   ":root { color-scheme: light dark; }\n"
                   "body { font-family: sans-serif; max-width: 64em; margin: 2em auto; "
                   "padding: 0 1em; line-height: 1.4; }\n"
                   "table { border-collapse: collapse; margin: 0.5em 0; }\n"
                   "th, td { padding: 0.2em 0.6em; text-align: left; }\n"
                   "table.grid td { text-align: right; border-top: 1px solid #8884; }\n"
                   "table.kv th { font-weight: normal; opacity: 0.7; }\n"
                   ".note { opacity: 0.7; font-size: 0.9em; }\n"
                   ".limit { font-size: 1.1em; }\n</style>\n</head>\n<body>\n"
                   "<h1>Parapix scaling report</h1>\n");
  g_string_append (out, "<table class=\"kv\">\n");
  append_row (out, "Folder", pp_sweep_get_input (sweep) != NULL ? pp_sweep_get_input (sweep)
                                                                 : "a list of files");
  append_row (out, "Images", listed);
  append_row (out, "Sample", folder);
  append_row (out, "Chain", pp_sweep_get_pipeline_spec (sweep) != NULL
                            && *pp_sweep_get_pipeline_spec (sweep) != '\0'
                            ? pp_sweep_get_pipeline_spec (sweep) : "(none: conversion only)");
  append_row (out, "Warm-up", pp_sweep_get_warm_up_text (sweep) != NULL
                              ? pp_sweep_get_warm_up_text (sweep) : "none");
  if (pp_sweep_get_cancelled (sweep))
    append_row (out, "Note", "The sweep was cancelled: the points below are what it measured.");
  g_string_append (out, "</table>\n");
  append_machine (out);
  g_string_append (out, "<h2>Speedup</h2>\n");
  chart = pp_report_svg_chart (sweep, 640, 400);
  g_string_append (out, chart);
  g_string_append (out, "<p class=\"limit\">");
  append_escaped (out, pp_sweep_get_limit (sweep));
  g_string_append (out, "</p>\n");
  if (fit != NULL)
    {
      g_string_append_printf (out, "<p>Amdahl's law, T(n) = T₁ · (s + (1 − s) / n), fitted on "
                              "the %u thread counts up to the CPU budget: serial fraction "
                              "s = %.1f %%, T₁ = %.2f s, ", fit->n_points,
                              100 * fit->serial_fraction, fit->t1);
      if (isfinite (fit->max_speedup))
        g_string_append_printf (out, "speedup limit 1/s = %.1f×, ", fit->max_speedup);
      g_string_append_printf (out, "fit error %.1f %%.</p>\n", 100 * fit->rms_relative_error);
    }
  if (pp_sweep_get_recommendation (sweep) != NULL)
    {
      g_string_append (out, "<p><strong>Recommended:</strong> ");
      append_escaped (out, pp_sweep_get_recommendation (sweep));
      g_string_append (out, "</p>\n");
    }
  append_table (out, sweep);
  g_string_append_printf (out, "<p>%s</p>\n", pp_sweep_get_identical (sweep)
                          ? "Every run's outputs were byte-identical to the 1-thread run's."
                          : "<strong>Some outputs differed from the 1-thread run's: please "
                            "report this bug with this file.</strong>");
  for (guint i = 0; i < pp_sweep_get_n_points (sweep); i++)
    if (pp_sweep_get_point (sweep, i)->difference != NULL)
      {
        g_string_append (out, "<p class=\"note\">");
        append_escaped (out, pp_sweep_get_point (sweep, i)->difference);
        g_string_append (out, "</p>\n");
      }
  g_string_append (out, "</body>\n</html>\n");
  return g_string_free (out, FALSE);
}

/**
 * pp_report_write:
 * @path: where to write; replaced atomically (g_file_set_contents())
 * @error: a #G_FILE_ERROR
 *
 * Writes pp_report_html(). Blocking but short (tens of kilobytes).
 *
 * Returns: whether it was written
 */
gboolean
pp_report_write (PpSweep     *sweep,
                 const char  *path,
                 GError     **error)
{
  g_autofree char *html = pp_report_html (sweep);

  return g_file_set_contents (path, html, -1, error);
}
