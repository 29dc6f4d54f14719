/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Amdahl's law fitted to measured wall times: T(n) = T1 · (s + (1 − s) / n), where s is the
 * serial fraction of the work. The speedup can never pass 1 / s, however many threads.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  double t1;               /* fitted wall time on one thread, seconds */
  double serial_fraction;  /* s, 0..1 */
  double max_speedup;      /* 1 / s; INFINITY when s is 0 */
  double rms_relative_error; /* of the fit against the points, 0.02 = 2 % */
  guint n_points;          /* points the fit used */
} PpAmdahlFit;

gboolean pp_amdahl_fit     (const double      *threads,
                            const double      *wall_s,
                            guint              n_points,
                            PpAmdahlFit       *fit);
double   pp_amdahl_speedup (const PpAmdahlFit *fit,
                            double             threads);
double   pp_amdahl_wall    (const PpAmdahlFit *fit,
                            double             threads);

G_END_DECLS
