/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What an RGBA image becomes on its way into a file: whether its alpha says anything at all,
 * and, for formats without an alpha channel, the image composited onto a background colour.
 */
#pragma once

#include "image/pp-image.h"

G_BEGIN_DECLS

/* An 8-bit sRGB colour. */
typedef struct
{
  guint8 red;
  guint8 green;
  guint8 blue;
} PpColor;

#define PP_COLOR_WHITE ((PpColor) { 255, 255, 255 })

gboolean pp_color_parse          (const char    *text,
                                  PpColor       *color,
                                  GError       **error);
char    *pp_color_to_string      (const PpColor *color);

gboolean pp_image_is_opaque      (const PpImage *image);
PpImage *pp_image_drop_alpha     (const PpImage *image);
PpImage *pp_image_composite      (const PpImage *image,
                                  const PpColor *background);

G_END_DECLS
