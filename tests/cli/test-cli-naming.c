/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a name template and the output format must agree on, through the real parapix binary:
 * a template whose names would not end in the output format's extension is refused before
 * anything is written, with the reason; --format same follows a file's content when its name
 * does not say its format; --in-place does not take another folder.
 */
#include "cli-util.h"

/* A folder with one JPEG named "cat.jpg" and one named "noext"; a scratch folder for outputs. */
typedef struct
{
  char *input;
  char *scratch;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *samples = cli_sample_dir ();
  g_autofree char *from = g_build_filename (samples, "cat.jpg", NULL);
  g_autofree char *to = NULL;
  g_autofree char *noext = NULL;

  f->input = g_dir_make_tmp ("pp-naming-in-XXXXXX", NULL);
  f->scratch = g_dir_make_tmp ("pp-naming-out-XXXXXX", NULL);
  to = g_build_filename (f->input, "cat.jpg", NULL);
  noext = g_build_filename (f->input, "noext", NULL);
  cli_copy_file (from, to);
  cli_copy_file (from, noext);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  cli_remove_tree (f->input);
  cli_remove_tree (f->scratch);
  g_free (f->input);
  g_free (f->scratch);
}

/* Whether the file at @path starts with @magic (@size bytes). */
static gboolean
starts_with (const char   *path,
             const guint8 *magic,
             gsize         size)
{
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return len >= size && memcmp (contents, magic, size) == 0;
}

static const guint8 jpeg_magic[] = { 0xff, 0xd8, 0xff };
static const guint8 png_magic[] = { 0x89, 'P', 'N', 'G' };

static const struct
{
  const char *format; /* --format, or NULL for the default (same) */
  const char *name;   /* --name */
  gboolean in_place;
  const char *message;
} refusals[] = {
  /* The user's case: JPEG data in "cat.png". */
  { NULL, "{name}.png", FALSE,
    "name template “{name}.png” ends in .png, but with the format “same” each output keeps "
    "its input's format: end it with .{ext}, or choose PNG as the output format" },
  { "jpeg", "{name}.png", FALSE,
    "name template “{name}.png” ends in .png, but the output format is JPEG: end it with "
    ".{ext}, or choose PNG as the output format" },
  { "png", "{name}.bak", FALSE,
    "name template “{name}.bak” ends in .bak, which is no extension of PNG files: end it with "
    ".{ext}" },
  { NULL, "{name}", FALSE, "name template “{name}” gives names with no extension: end it with "
    ".{ext}" },
  { "webp", "{name}-{n}", FALSE, "name template “{name}-{n}” gives names with no extension" },
  { NULL, "", FALSE, "parapix: the name template is empty\n" },
  { NULL, "{name}.{ext}", TRUE, "--in-place writes into the input folder, so --output cannot "
    "name another folder: drop --in-place, or drop --output" },
};

/* Each refusal: exit 2, the reason in one line, and no output folder made. */
static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++)
    {
      g_autofree char *out_dir = g_strdup_printf ("%s/run-%u", f->scratch, i);
      g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
      g_auto (GStrv) args = NULL;
      g_autofree char *err = NULL;
      int status;

      g_strv_builder_add_many (builder, "--batch", f->input, "--output", out_dir, "--pipeline",
                               "fit=64x64", "--name", refusals[i].name, "--quiet", NULL);
      if (refusals[i].format != NULL)
        g_strv_builder_add_many (builder, "--format", refusals[i].format, NULL);
      if (refusals[i].in_place)
        g_strv_builder_add (builder, "--in-place");
      args = g_strv_builder_end (builder);
      status = cli_run ((const char *const *) args, NULL, &err);
      g_test_message ("--name '%s': %d: %s", refusals[i].name, status, err);
      g_assert_cmpint (status, ==, 2);
      g_assert_nonnull (strstr (err, refusals[i].message));
      g_assert_null (strstr (err, "plain file name"));
      g_assert_false (g_file_test (out_dir, G_FILE_TEST_EXISTS));
    }
}

/* A written-out extension of the chosen format is as good as {ext}, in any case. */
static void
test_literal_extension (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *out_dir = g_build_filename (f->scratch, "png", NULL);
  g_autofree char *cat = g_build_filename (out_dir, "cat.PNG", NULL);
  const char *args[] = { "--batch", f->input, "--output", out_dir, "--pipeline", "fit=64x64",
                         "--format", "png", "--name", "{name}.PNG", "--quiet", NULL };
  g_autofree char *err = NULL;

  g_assert_cmpint (cli_run (args, NULL, &err), ==, 0);
  g_assert_true (starts_with (cat, png_magic, sizeof png_magic));
}

/* --format same: a JPEG whose name has no extension stays JPEG, and its name says so. */
static void
test_same_follows_content (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *out_dir = g_build_filename (f->scratch, "same", NULL);
  g_autofree char *noext = g_build_filename (out_dir, "noext.jpg", NULL);
  g_autofree char *png = g_build_filename (out_dir, "noext.png", NULL);
  const char *args[] = { "--batch", f->input, "--output", out_dir, "--pipeline", "fit=64x64",
                         NULL };
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (cli_run (args, &out, &err), ==, 0);
  g_assert_true (starts_with (noext, jpeg_magic, sizeof jpeg_magic));
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
  g_assert_null (strstr (out, "cannot be written"));
  g_assert_null (strstr (err, "cannot be written"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/pp/cli-naming/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("refused", test_refused);
  ADD ("literal-extension", test_literal_extension);
  ADD ("same-follows-content", test_same_follows_content);
#undef ADD

  return g_test_run ();
}
