/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * parapix: the window, or with --batch and friends the same engine without a display.
 */
#include "config.h"

#include <locale.h>

#include "pp-cli.h"
#ifdef PP_WITH_GUI
#include "pp-application.h"

/* Without a display, plain `parapix` (or `parapix FOLDER`) is the command line. */
static gboolean
have_display (void)
{
  const char *wayland = g_getenv ("WAYLAND_DISPLAY");
  const char *x11 = g_getenv ("DISPLAY");

  return (wayland != NULL && *wayland != '\0') || (x11 != NULL && *x11 != '\0');
}
#endif

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");

  /* Any option but GApplication's own belongs to the command line, which reports usage
   * errors properly (exit status 2); the window takes only folders and files. */
  if (pp_cli_wants_headless (argc, argv))
    return pp_cli_run (argc, argv);

#ifdef PP_WITH_GUI
  if (have_display ())
    return pp_application_main (argc, argv);
#endif
  return pp_cli_run (argc, argv);
}
