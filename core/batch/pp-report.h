/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The benchmark report a user can share: one self-contained HTML file (no scripts, no external
 * files) with the machine, the folder, the chain, the sweep table, an SVG chart of speedup
 * against threads with the ideal line and the Amdahl fit, the limit and the recommended count.
 * Written by `parapix --mode sweep --report FILE` and the window's Scaling view.
 */
#pragma once

#include <gio/gio.h>

#include "batch/pp-sweep.h"

G_BEGIN_DECLS

char     *pp_report_svg_chart (PpSweep     *sweep,
                               int          width,
                               int          height);
char     *pp_report_html      (PpSweep     *sweep);
gboolean  pp_report_write     (PpSweep     *sweep,
                               const char  *path,
                               GError     **error);

G_END_DECLS
