/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Small helpers the window's parts share.
 */
#define G_LOG_DOMAIN "pp-ui"

#include "config.h"

#include <string.h>

#include "pp-ui-util.h"

/**
 * pp_ui_reason_for_people:
 * @reason: why a file failed, as core reports it
 *
 * Core's reasons are written for the command line too, and some end with the option that
 * changes the outcome ("… over the limit of 128 megapixels (--max-megapixels)"). In the window
 * that hint means nothing: it is left out, as is a first letter in lower case.
 *
 * Returns: (transfer full): the reason in words
 */
char *
pp_ui_reason_for_people (const char *reason)
{
  GString *text;
  const char *open;

  g_return_val_if_fail (reason != NULL, NULL);

  text = g_string_new (reason);
  /* " (--flag)" or " (--flag N)" anywhere: a command-line hint. */
  while ((open = strstr (text->str, " (--")) != NULL)
    {
      const char *close = strchr (open, ')');

      if (close == NULL)
        break;
      g_string_erase (text, open - text->str, close + 1 - open);
    }
  if (text->len > 0 && g_ascii_islower (text->str[0]))
    text->str[0] = g_ascii_toupper (text->str[0]);
  return g_string_free (text, FALSE);
}

/**
 * pp_ui_get_foreground:
 * @colour: (out caller-allocates): @widget's text colour, from its style
 *
 * For widgets that draw their own text and lines (the timeline, the scaling chart).
 */
void
pp_ui_get_foreground (GtkWidget *widget,
                      GdkRGBA   *colour)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

#if GTK_CHECK_VERSION (4, 10, 0)
  gtk_widget_get_color (widget, colour);
#else
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), colour);
#endif
}

/**
 * pp_ui_snapshot_text:
 * @x: where the text is anchored, in @snapshot's coordinates (pixels)
 * @y: the top of the text
 * @xalign: which point of the text stands at @x: 0 its left, 0.5 its centre, 1 its right
 * @dim: a secondary text: drawn at 0.75 of the text colour's alpha, which keeps the contrast
 *   with the window background over 4.5:1 in the light and the dark style (0.65, what
 *   GTK's dim-label uses on black at 0.8, falls below it)
 *
 * Draws one line of @widget's font in its text colour. Main thread only.
 */
void
pp_ui_snapshot_text (GtkWidget   *widget,
                     GtkSnapshot *snapshot,
                     const char  *text,
                     double       x,
                     double       y,
                     double       xalign,
                     gboolean     dim)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  GdkRGBA colour;
  int width;

  pp_ui_get_foreground (widget, &colour);
  if (dim)
    colour.alpha *= 0.75;
  pango_layout_get_pixel_size (layout, &width, NULL);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x - xalign * width, y));
  gtk_snapshot_append_layout (snapshot, layout, &colour);
  gtk_snapshot_restore (snapshot);
  g_object_unref (layout);
}
