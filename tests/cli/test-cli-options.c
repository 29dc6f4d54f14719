/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The option table of the real parapix binary: --preset and --list-presets (built-in and user
 * presets), enum options parsed by their nicks with the nicks listed on a bad value, and
 * docs/CLI.md documenting exactly the options --help lists.
 */
#include "cli-util.h"

/* A folder with one sample photo, and an output folder. */
typedef struct
{
  char *input;
  char *output;
  char *config;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *samples = cli_sample_dir ();
  g_autofree char *from = g_build_filename (samples, "cat.jpg", NULL);
  g_autofree char *to = NULL;

  f->input = g_dir_make_tmp ("pp-options-in-XXXXXX", NULL);
  f->output = g_dir_make_tmp ("pp-options-out-XXXXXX", NULL);
  f->config = g_dir_make_tmp ("pp-options-config-XXXXXX", NULL);
  to = g_build_filename (f->input, "cat.jpg", NULL);
  cli_copy_file (from, to);
  /* The user's presets live here; parapix inherits it. */
  g_setenv ("XDG_CONFIG_HOME", f->config, TRUE);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  cli_remove_tree (f->input);
  cli_remove_tree (f->output);
  cli_remove_tree (f->config);
  g_free (f->input);
  g_free (f->output);
  g_free (f->config);
}

static char *
output_file (Fixture    *f,
             const char *sub)
{
  return g_build_filename (f->output, sub, "cat.jpg", NULL);
}

/* Runs the batch into f->output/SUB with @extra options; the output's bytes. */
static GBytes *
run_into (Fixture           *f,
          const char        *sub,
          const char *const *extra)
{
  g_autofree char *out_dir = g_build_filename (f->output, sub, NULL);
  g_autofree char *path = output_file (f, sub);
  g_autofree char *err = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) args = NULL;
  gsize len;
  int status;

  /* A builder, not a fixed array: the argv always ends in NULL, whatever @extra holds. */
  g_strv_builder_add_many (builder, "--batch", f->input, "--output", out_dir, "--quiet", NULL);
  g_strv_builder_addv (builder, (const char **) extra);
  args = g_strv_builder_end (builder);
  status = cli_run ((const char *const *) args, NULL, &err);
  if (status != 0)
    g_error ("exit status %d: %s", status, err);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_bytes_new_take (g_steal_pointer (&contents), len);
}

/* A built-in preset gives exactly what its spec gives. */
static void
test_builtin_preset (Fixture       *f,
                     gconstpointer  data)
{
  const char *by_name[] = { "--preset", "Web thumbnails", NULL };
  const char *by_spec[] = { "--pipeline", "fit=800x800,sharpen=0.5", NULL };
  const char *none[] = { "--pipeline", "", NULL };
  g_autoptr (GBytes) a = run_into (f, "preset", by_name);
  g_autoptr (GBytes) b = run_into (f, "pipeline", by_spec);
  g_autoptr (GBytes) c = run_into (f, "none", none);

  g_assert_true (g_bytes_equal (a, b));
  /* And it did something: the spec is not ignored. */
  g_assert_false (g_bytes_equal (a, c));
}

/* A preset the window saved (one spec per file under $XDG_CONFIG_HOME) works from the command
 * line, and is listed. */
static void
test_user_preset (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (f->config, "parapix", "presets", NULL);
  g_autofree char *file = g_build_filename (dir, "Dark.pipeline", NULL);
  const char *by_name[] = { "--preset", "Dark", NULL };
  const char *by_spec[] = { "--pipeline", "exposure=-1,grayscale", NULL };
  const char *list[] = { "--list-presets", NULL };
  g_autoptr (GBytes) a = NULL;
  g_autoptr (GBytes) b = NULL;
  g_autofree char *out = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (file, "exposure=-1,grayscale\n", -1, NULL));
  a = run_into (f, "preset", by_name);
  b = run_into (f, "pipeline", by_spec);
  g_assert_true (g_bytes_equal (a, b));

  g_assert_cmpint (cli_run (list, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Web thumbnails\tfit=800x800,sharpen=0.5\n"));
  g_assert_nonnull (strstr (out, "Dark\texposure=-1,grayscale\n"));
}

static void
test_preset_errors (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *dir = g_build_filename (f->config, "parapix", "presets", NULL);
  g_autofree char *file = g_build_filename (dir, "Broken.pipeline", NULL);
  static const struct
  {
    const char *option[4];
    const char *message;
  } cases[] = {
    { { "--preset", "Nope", NULL }, "no preset named “Nope”" },
    { { "--preset", "../escape", NULL }, "--preset" },
    { { "--preset", "Broken", NULL }, "preset “Broken”: " },
    { { "--preset", "Brighten", "--pipeline", "invert" }, "cannot be combined" },
  };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (file, "expsure=1\n", -1, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
      g_auto (GStrv) args = NULL;
      g_autofree char *err = NULL;

      /* A builder, not a fixed array: a case with four option words still ends in NULL. */
      g_strv_builder_add_many (builder, "--batch", f->input, "--output", f->output, NULL);
      for (guint k = 0; k < G_N_ELEMENTS (cases[i].option) && cases[i].option[k] != NULL; k++)
        g_strv_builder_add (builder, cases[i].option[k]);
      args = g_strv_builder_end (builder);
      g_assert_cmpint (cli_run ((const char *const *) args, NULL, &err), ==, 2);
      g_test_message ("case %u: %s", i, err);
      g_assert_nonnull (strstr (err, cases[i].message));
    }
  /* Nothing was written. */
  {
    g_autofree char *path = output_file (f, "");

    g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  }
}

/* Enum options take exactly their nicks, and a bad value lists them. */
static void
test_enum_options (Fixture       *f,
                   gconstpointer  data)
{
  static const struct
  {
    const char *option;
    const char *value;
    int status;
    const char *message;
  } cases[] = {
    { "--on-collision", "skip", 0, NULL },
    { "--on-collision", "overwrite", 0, NULL },
    { "--on-collision", "Skip", 2, "--on-collision: expected rename, skip or overwrite, got “Skip”" },
    { "--mode", "serial", 0, NULL },
    { "--mode", "paralel", 2, "--mode: expected serial, parallel, compare or sweep, got “paralel”" },
    { "--format", "png", 0, NULL },
    { "--format", "gif", 2, "--format: expected same, jpeg, png" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *args[] = { "--batch", f->input, "--output", f->output, "--pipeline", "",
                             "--quiet", cases[i].option, cases[i].value, NULL };
      g_autofree char *err = NULL;

      g_test_message ("%s %s", cases[i].option, cases[i].value);
      g_assert_cmpint (cli_run (args, NULL, &err), ==, cases[i].status);
      if (cases[i].message != NULL)
        g_assert_nonnull (strstr (err, cases[i].message));
    }
}

static GPtrArray *
options_in (const char *text,
            const char *prefix)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *p = lines[i];
      gsize n = 0;

      if (!g_str_has_prefix (p, prefix))
        continue;
      p += strlen (prefix);
      while (g_ascii_isalnum (p[n]) || p[n] == '-')
        n++;
      if (n > 0)
        g_ptr_array_add (names, g_strndup (p, n));
    }
  return names;
}

static gboolean
contains (GPtrArray  *names,
          const char *name)
{
  return g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL);
}

/* Each option --help lists has a row in docs/CLI.md's table, and each row is a real option. */
static void
test_documented (void)
{
  const char *help[] = { "--help", NULL };
  g_autofree char *usage = NULL;
  g_autofree char *doc = NULL;
  g_autofree char *doc_path = g_build_filename (g_getenv ("PP_SOURCE_ROOT"), "docs", "CLI.md",
                                                NULL);
  g_autoptr (GPtrArray) listed = NULL;
  g_autoptr (GPtrArray) documented = NULL;

  g_assert_cmpint (cli_run (help, &usage, NULL), ==, 0);
  g_assert_true (g_file_get_contents (doc_path, &doc, NULL, NULL));
  listed = options_in (usage, "  --");
  documented = options_in (doc, "| `--");
  g_assert_cmpuint (listed->len, >=, 15);
  for (guint i = 0; i < listed->len; i++)
    if (!g_str_equal (g_ptr_array_index (listed, i), "help")
        && !contains (documented, g_ptr_array_index (listed, i)))
      g_error ("--%s is not in docs/CLI.md's table of options", (char *) listed->pdata[i]);
  for (guint i = 0; i < documented->len; i++)
    if (!contains (listed, g_ptr_array_index (documented, i)))
      g_error ("docs/CLI.md documents --%s, which parapix --help does not list",
               (char *) documented->pdata[i]);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/pp/cli-options/builtin-preset", Fixture, NULL, fixture_setup,
              test_builtin_preset, fixture_teardown);
  g_test_add ("/pp/cli-options/user-preset", Fixture, NULL, fixture_setup, test_user_preset,
              fixture_teardown);
  g_test_add ("/pp/cli-options/preset-errors", Fixture, NULL, fixture_setup,
              test_preset_errors, fixture_teardown);
  g_test_add ("/pp/cli-options/enums", Fixture, NULL, fixture_setup, test_enum_options,
              fixture_teardown);
  g_test_add_func ("/pp/cli-options/documented", test_documented);
  return g_test_run ();
}
