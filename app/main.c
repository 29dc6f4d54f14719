/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * parapix: the window, or with --batch and friends the same engine without a display.
 */
#include "config.h"

#include <locale.h>

#include "pp-cli.h"
#ifdef PP_WITH_GUI
#include "pp-application.h"
#endif

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");

  if (pp_cli_wants_headless (argc, argv))
    return pp_cli_run (argc, argv);

#ifdef PP_WITH_GUI
  {
    g_autoptr (PpApplication) app = pp_application_new ();

    return g_application_run (G_APPLICATION (app), argc, argv);
  }
#else
  return pp_cli_run (argc, argv);
#endif
}
