/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Fitting Amdahl's law (G. M. Amdahl, "Validity of the single processor approach to achieving
 * large scale computing capabilities", AFIPS 1967) to a sweep's wall times. With a = T1·s and
 * b = T1·(1 − s) the model T(n) = a + b/n is linear in (a, b), so a weighted least-squares fit
 * has a closed form.
 */
#define G_LOG_DOMAIN "pp-amdahl"

#include "config.h"

#include <math.h>

#include "batch/pp-amdahl.h"

/**
 * pp_amdahl_fit:
 * @threads: thread counts (≥ 1), one per point
 * @wall_s: the measured wall time at each count, seconds (> 0)
 * @n_points: number of points; at least two distinct thread counts are needed
 * @fit: (out): the fitted model
 *
 * Fits T(n) = a + b/n minimising the squared *relative* residuals Σ ((T(nᵢ) − Tᵢ) / Tᵢ)², so a
 * 30 s point and a 2 s point count alike. Only use points up to the CPU budget: past it threads
 * share cores and the model, which assumes one core per thread, does not apply. A negative a
 * (faster than linear, e.g. a cold first run) is reported as s = 0, a negative b as s = 1.
 *
 * Returns: %FALSE (and @fit zeroed) when the points cannot determine a fit
 */
gboolean
pp_amdahl_fit (const double *threads,
               const double *wall_s,
               guint         n_points,
               PpAmdahlFit  *fit)
{
  double sw = 0, sx = 0, sxx = 0, sy = 0, sxy = 0, det, a, b, err = 0;
  double first_x = 0;
  gboolean distinct = FALSE;

  g_return_val_if_fail (fit != NULL, FALSE);

  *fit = (PpAmdahlFit) { 0 };
  for (guint i = 0; i < n_points; i++)
    {
      double x, y, w;

      if (!(threads[i] >= 1) || !(wall_s[i] > 0))
        return FALSE;
      x = 1.0 / threads[i];
      y = wall_s[i];
      w = 1.0 / (y * y);
      if (i == 0)
        first_x = x;
      else if (x != first_x)
        distinct = TRUE;
      sw += w;
      sx += w * x;
      sxx += w * x * x;
      sy += w * y;
      sxy += w * x * y;
    }
  if (!distinct)
    return FALSE;
  det = sw * sxx - sx * sx;
  if (!(fabs (det) > 0))
    return FALSE;
  a = (sxx * sy - sx * sxy) / det;
  b = (sw * sxy - sx * sy) / det;
  if (a < 0)
    {
      /* No serial part at all: refit T = b/n alone. */
      a = 0;
      b = sxy / sxx;
    }
  else if (b < 0)
    {
      /* More threads never helped: all serial. */
      b = 0;
      a = sy / sw;
    }
  fit->t1 = a + b;
  if (!(fit->t1 > 0))
    return FALSE;
  fit->serial_fraction = CLAMP (a / fit->t1, 0.0, 1.0);
  fit->max_speedup = fit->serial_fraction > 0 ? 1.0 / fit->serial_fraction : INFINITY;
  fit->n_points = n_points;
  for (guint i = 0; i < n_points; i++)
    {
      double r = (pp_amdahl_wall (fit, threads[i]) - wall_s[i]) / wall_s[i];

      err += r * r;
    }
  fit->rms_relative_error = sqrt (err / n_points);
  return TRUE;
}

/**
 * pp_amdahl_wall:
 *
 * Returns: the model's wall time on @threads threads (one core each), seconds
 */
double
pp_amdahl_wall (const PpAmdahlFit *fit,
                double             threads)
{
  g_return_val_if_fail (fit != NULL && threads >= 1, 0);
  return fit->t1 * (fit->serial_fraction + (1 - fit->serial_fraction) / threads);
}

/**
 * pp_amdahl_speedup:
 *
 * Returns: the model's speedup on @threads threads over one, 1 / (s + (1 − s) / n)
 */
double
pp_amdahl_speedup (const PpAmdahlFit *fit,
                   double             threads)
{
  g_return_val_if_fail (fit != NULL && threads >= 1, 0);
  return 1.0 / (fit->serial_fraction + (1 - fit->serial_fraction) / threads);
}
