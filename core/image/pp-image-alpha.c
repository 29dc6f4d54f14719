/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RGBA on its way out: a 4-channel image whose alpha is 255 everywhere carries nothing in it
 * (CMYK JPEGs, many TIFFs and GIFs decode that way) and is written as RGB, without a word; a
 * transparent one written where alpha has no place is laid over a background colour ("over",
 * Porter and Duff 1984), as a viewer would show it, not left black where it was transparent.
 */
#define G_LOG_DOMAIN "pp-image"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "image/pp-image-alpha.h"

/* CSS's basic colour keywords (CSS Color Module Level 3, 4.1), "grey" spelt both ways. */
static const struct
{
  const char *name;
  PpColor color;
} named_colors[] = {
  { "white", { 255, 255, 255 } }, { "black", { 0, 0, 0 } },     { "gray", { 128, 128, 128 } },
  { "grey", { 128, 128, 128 } },  { "silver", { 192, 192, 192 } }, { "red", { 255, 0, 0 } },
  { "maroon", { 128, 0, 0 } },    { "lime", { 0, 255, 0 } },     { "green", { 0, 128, 0 } },
  { "blue", { 0, 0, 255 } },      { "navy", { 0, 0, 128 } },     { "yellow", { 255, 255, 0 } },
  { "olive", { 128, 128, 0 } },   { "aqua", { 0, 255, 255 } },   { "teal", { 0, 128, 128 } },
  { "fuchsia", { 255, 0, 255 } }, { "purple", { 128, 0, 128 } },
};

static int
hex_digit (char c)
{
  return g_ascii_xdigit_value (c);
}

/**
 * pp_color_parse:
 * @text: "#rrggbb", "#rgb", "rgb(r, g, b)" with 0..255 components, or a CSS basic colour name
 *   ("white", "black", "gray"…), case-insensitive
 * @color: (out): the colour, set only on success
 * @error: G_IO_ERROR_INVALID_ARGUMENT with what was expected
 *
 * Returns: whether @text names a colour. Thread-safe.
 */
gboolean
pp_color_parse (const char *text,
                PpColor    *color,
                GError    **error)
{
  g_autofree char *lower = NULL;
  size_t n;

  g_return_val_if_fail (color != NULL, FALSE);

  if (text == NULL)
    text = "";
  lower = g_ascii_strdown (text, -1);
  g_strstrip (lower);
  n = strlen (lower);
  if (lower[0] == '#' && (n == 7 || n == 4))
    {
      gboolean ok = TRUE;

      for (size_t i = 1; i < n; i++)
        ok = ok && hex_digit (lower[i]) >= 0;
      if (ok && n == 7)
        {
          color->red = hex_digit (lower[1]) * 16 + hex_digit (lower[2]);
          color->green = hex_digit (lower[3]) * 16 + hex_digit (lower[4]);
          color->blue = hex_digit (lower[5]) * 16 + hex_digit (lower[6]);
          return TRUE;
        }
      if (ok)
        {
          color->red = hex_digit (lower[1]) * 17;
          color->green = hex_digit (lower[2]) * 17;
          color->blue = hex_digit (lower[3]) * 17;
          return TRUE;
        }
    }
  else if (g_str_has_prefix (lower, "rgb("))
    {
      int r, g, b, end = 0;

      if (sscanf (lower, "rgb(%d ,%d ,%d )%n", &r, &g, &b, &end) == 3 && end == (int) n
          && r >= 0 && r <= 255 && g >= 0 && g <= 255 && b >= 0 && b <= 255)
        {
          *color = (PpColor) { r, g, b };
          return TRUE;
        }
    }
  else
    for (guint i = 0; i < G_N_ELEMENTS (named_colors); i++)
      if (strcmp (lower, named_colors[i].name) == 0)
        {
          *color = named_colors[i].color;
          return TRUE;
        }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "“%s” is not a colour: expected #rrggbb, #rgb, rgb(r, g, b) or a name such as "
               "white, black or gray", text);
  return FALSE;
}

/**
 * pp_color_to_string:
 *
 * Returns: (transfer full): "#rrggbb", which pp_color_parse() reads back.
 */
char *
pp_color_to_string (const PpColor *color)
{
  g_return_val_if_fail (color != NULL, NULL);
  return g_strdup_printf ("#%02x%02x%02x", color->red, color->green, color->blue);
}

/**
 * pp_image_is_opaque:
 *
 * Returns: whether @image has no alpha channel, or alpha 255 in every pixel. Thread-safe
 * (reads only).
 */
gboolean
pp_image_is_opaque (const PpImage *image)
{
  g_return_val_if_fail (image != NULL, TRUE);

  if (image->channels != 4)
    return TRUE;
  for (int y = 0; y < image->height; y++)
    {
      const guint8 *row = PP_IMAGE_ROW (image, y);
      guint8 all = 255;

      for (int x = 0; x < image->width; x++)
        all &= row[4 * x + 3];
      if (all != 255)
        return FALSE;
    }
  return TRUE;
}

/**
 * pp_image_drop_alpha:
 * @image: an RGBA image (whose alpha the caller knows to be all 255)
 *
 * Returns: (transfer full) (nullable): the same pixels as RGB, or %NULL when the memory cannot
 * be had.
 */
PpImage *
pp_image_drop_alpha (const PpImage *image)
{
  PpImage *rgb;

  g_return_val_if_fail (image != NULL && image->channels == 4, NULL);

  rgb = pp_image_new (image->width, image->height, 3);
  if (rgb == NULL)
    return NULL;
  for (int y = 0; y < image->height; y++)
    {
      const guint8 *in = PP_IMAGE_ROW (image, y);
      guint8 *out = PP_IMAGE_ROW (rgb, y);

      for (int x = 0; x < image->width; x++)
        {
          out[3 * x] = in[4 * x];
          out[3 * x + 1] = in[4 * x + 1];
          out[3 * x + 2] = in[4 * x + 2];
        }
    }
  return rgb;
}

/**
 * pp_image_composite:
 * @image: an RGBA image (straight alpha)
 * @background: the colour under it
 *
 * Lays @image over @background: each channel round ((c·a + b·(255 - a)) / 255), in the 8-bit
 * sRGB values themselves, as browsers and viewers composite. A 50 % blue over white is
 * (127, 127, 255).
 *
 * Returns: (transfer full) (nullable): the RGB result, or %NULL when the memory cannot be had.
 */
PpImage *
pp_image_composite (const PpImage *image,
                    const PpColor *background)
{
  const guint8 bg[3] = { background->red, background->green, background->blue };
  PpImage *rgb;

  g_return_val_if_fail (image != NULL && image->channels == 4 && background != NULL, NULL);

  rgb = pp_image_new (image->width, image->height, 3);
  if (rgb == NULL)
    return NULL;
  for (int y = 0; y < image->height; y++)
    {
      const guint8 *in = PP_IMAGE_ROW (image, y);
      guint8 *out = PP_IMAGE_ROW (rgb, y);

      for (int x = 0; x < image->width; x++)
        {
          guint a = in[4 * x + 3];

          for (int c = 0; c < 3; c++)
            {
              /* t / 255 rounded, exactly: Blinn's (t + 128 + ((t + 128) >> 8)) >> 8. */
              guint t = in[4 * x + c] * a + bg[c] * (255 - a) + 128;

              out[3 * x + c] = (t + (t >> 8)) >> 8;
            }
        }
    }
  return rgb;
}
