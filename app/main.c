/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * parapix: the window, or with --batch and friends the same engine without a display.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "pp-cli.h"
#ifdef PP_WITH_GUI
#include "pp-application.h"

static gboolean
have_display (void)
{
  const char *wayland = g_getenv ("WAYLAND_DISPLAY");
  const char *x11 = g_getenv ("DISPLAY");

  return (wayland != NULL && *wayland != '\0') || (x11 != NULL && *x11 != '\0');
}

/* The window takes only folders and files (and GApplication's D-Bus activation flag); any other
 * option is the command line's, which reports usage errors properly (exit status 2). Without a
 * display, plain `parapix` is the command line too. */
static gboolean
wants_window (int    argc,
              char **argv)
{
  for (int i = 1; i < argc; i++)
    if (argv[i][0] == '-' && strcmp (argv[i], "--gapplication-service") != 0)
      return FALSE;
  return have_display ();
}
#endif

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");

  if (pp_cli_wants_headless (argc, argv))
    return pp_cli_run (argc, argv);

#ifdef PP_WITH_GUI
  if (wants_window (argc, argv))
    {
      g_autoptr (PpApplication) app = pp_application_new ();

      return g_application_run (G_APPLICATION (app), argc, argv);
    }
#endif
  return pp_cli_run (argc, argv);
}
