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
