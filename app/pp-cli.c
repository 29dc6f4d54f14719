/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The command line without a window: lists filters, prints the version, and (to come) runs
 * batches. Exit status: 0 done, 1 some files failed, 2 bad usage, 130 cancelled.
 */
#define G_LOG_DOMAIN "pp-cli"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "pp-cli.h"
#include "pp-filter.h"

enum
{
  EXIT_OK = 0,
  EXIT_FAILED_FILES = 1,
  EXIT_USAGE = 2,
};

static const char *const headless_options[] = {
  "--batch", "--list-filters", "--version", "--help", "-h", "--help-all", NULL,
};

gboolean
pp_cli_wants_headless (int    argc,
                       char **argv)
{
  for (int i = 1; i < argc; i++)
    for (guint j = 0; headless_options[j] != NULL; j++)
      if (g_str_has_prefix (argv[i], headless_options[j]))
        return TRUE;
  return FALSE;
}

static void
print_filters (void)
{
  guint n;
  const PpFilterInfo *const *filters = pp_filter_list (&n);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *line = pp_filter_info_describe (filters[i]);

      g_print ("%s\n", line);
    }
}

int
pp_cli_run (int    argc,
            char **argv)
{
  gboolean version = FALSE;
  gboolean list_filters = FALSE;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version and exit", NULL },
    { "list-filters", 0, 0, G_OPTION_ARG_NONE, &list_filters,
      "List every filter with its parameters and ranges", NULL },
    { NULL },
  };

  context = g_option_context_new ("[FOLDER|FILE…]");
  g_option_context_set_summary (context, "Process images on every CPU core.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("parapix: %s\nTry “parapix --help”.\n", error->message);
      return EXIT_USAGE;
    }
  if (version)
    {
      g_print ("parapix %s\n", PACKAGE_VERSION);
      return EXIT_OK;
    }
  if (list_filters)
    {
      print_filters ();
      return EXIT_OK;
    }
  g_printerr ("parapix: nothing to do\n");
  return EXIT_USAGE;
}
