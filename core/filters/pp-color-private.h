/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Colour arithmetic shared by the colour-mix filters (grayscale, saturation, threshold). Luma is
 * Rec. 709 on the stored (gamma-encoded) values, computed in exact integers so every filter that
 * uses it agrees to the last bit and the results do not depend on floating-point rounding.
 */
#pragma once

#include <glib.h>

#include "filters/pp-vector-private.h"

G_BEGIN_DECLS

/* 10000 · (0.2126 R + 0.7152 G + 0.0722 B), exactly. */
static inline guint32
_pp_luma_x10000 (guint32 r,
                 guint32 g,
                 guint32 b)
{
  return 2126 * r + 7152 * g + 722 * b;
}

/* Rec. 709 luma rounded half up to 8 bits. */
static inline guint8
_pp_luma (guint32 r,
          guint32 g,
          guint32 b)
{
  return (_pp_luma_x10000 (r, g, b) + 5000) / 10000;
}

G_END_DECLS
