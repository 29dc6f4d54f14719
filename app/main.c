/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * parapix: the window, or with --batch and friends the same engine without a display.
 */
#include "config.h"

#include <locale.h>

#include "pp-cli.h"

int
main (int    argc,
      char **argv)
{
  setlocale (LC_ALL, "");

  if (pp_cli_wants_headless (argc, argv))
    return pp_cli_run (argc, argv);
  return pp_cli_run (argc, argv);
}
