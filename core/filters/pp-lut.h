/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The byte-map kernel behind fused point filters: dst[i] = lut[src[i]], the hottest loop of a
 * preview render, with a vector version picked at run time where the CPU has one.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void pp_lut_apply_flat (const guint8 *src,
                         guint8       *dst,
                         gsize         n,
                         int           channels,
                         const guint8 *lut);

G_END_DECLS
