/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The layers of docs/ARCHITECTURE.md, checked on every #include of core/, app/ and ui/:
 *  - inside core/, a wing includes only itself and the wings below it, by wing
 *    ("render/pp-plan.h"), in the order of `wings` below;
 *  - a wing's *-private.h is included only from inside that wing (app/ and ui/ included);
 *  - ui/ does not include app/ (the application and the command line sit above the widgets).
 * tests/ is not checked: white-box tests of a wing's internals include its private header, as
 * GLib's own tests do. A new folder under core/ fails here until it is given its place below.
 */
#include <string.h>

#include <gio/gio.h>

#include "pp-test-util.h"

/* Bottom to top. A wing may include the ones before it. */
static const char *const wings[] = {
  "image",      /* pixels */
  "filters",    /* one file per filter, their kernels */
  "render",     /* pipelines, plans, the pool, rendering, presets */
  "metadata",   /* EXIF/XMP/IPTC blobs */
  "codecs",     /* bytes <-> pixels + metadata */
  "decoder",    /* isolated decoding: the client and the helper's protocol */
  "io",         /* the front door: load with a size hint, save atomically */
  "batch",      /* folders, runs, progress, records, compare/sweep */
  NULL,
};

/* The headers of app/ (the application and the command line), which ui/ must not include. */
static const char *const app_headers[] = { "pp-application.h", "pp-cli.h", "pp-cli-private.h",
                                           NULL };

static int
wing_rank (const char *wing)
{
  for (int i = 0; wings[i] != NULL; i++)
    if (g_str_equal (wings[i], wing))
      return i;
  return -1;
}

/* The wing a quoted include names ("render/pp-plan.h" -> "render"), or NULL. */
static char *
included_wing (const char *path)
{
  const char *slash = strchr (path, '/');

  return slash != NULL ? g_strndup (path, slash - path) : NULL;
}

/* Checks one #include of @file (relative to the root: "core/render/pp-plan.c"). */
static void
check_include (const char *file,
               guint       line_no,
               const char *included,
               GString    *offenders)
{
  g_auto (GStrv) parts = g_strsplit (file, "/", 3);
  const char *top = parts[0];
  const char *own_wing = g_str_equal (top, "core") && parts[1] != NULL && parts[2] != NULL
                         ? parts[1] : NULL;
  g_autofree char *wing = included_wing (included);
  g_autofree char *base = g_path_get_basename (included);

#define OFFEND(...)                                                                            \
  G_STMT_START                                                                                 \
  {                                                                                            \
    g_string_append_printf (offenders, "%s:%u: #include \"%s\": ", file, line_no, included);  \
    g_string_append_printf (offenders, __VA_ARGS__);                                           \
    g_string_append_c (offenders, '\n');                                                       \
  }                                                                                            \
  G_STMT_END

  if (own_wing != NULL && wing_rank (own_wing) < 0)
    {
      OFFEND ("core/%s/ is not a known wing: give it its place in tests/core/test-layering.c "
              "and docs/ARCHITECTURE.md", own_wing);
      return;
    }
  if (wing != NULL && wing_rank (wing) >= 0)
    {
      if (g_str_has_suffix (included, "-private.h") && g_strcmp0 (own_wing, wing) != 0)
        OFFEND ("%s/'s private header, from outside that wing", wing);
      else if (own_wing != NULL && wing_rank (wing) > wing_rank (own_wing))
        OFFEND ("%s/ is above %s/: arrows point down only", wing, own_wing);
      return;
    }
  if (own_wing != NULL && !g_str_equal (included, "config.h"))
    OFFEND ("core includes its headers by wing (\"wing/pp-name.h\")");
  else if (g_str_equal (top, "ui") && g_strv_contains (app_headers, base))
    OFFEND ("ui/ is below app/");
#undef OFFEND
}

static void
scan_file (const char *root,
           const char *relative,
           guint      *n_includes,
           GString    *offenders)
{
  g_autofree char *path = g_build_filename (root, relative, NULL);
  g_autofree char *contents = NULL;
  g_auto (GStrv) lines = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *p = lines[i];
      const char *end;
      g_autofree char *included = NULL;

      while (*p == ' ' || *p == '\t')
        p++;
      if (*p++ != '#')
        continue;
      while (*p == ' ' || *p == '\t')
        p++;
      if (!g_str_has_prefix (p, "include"))
        continue;
      p += strlen ("include");
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p != '"' || (end = strchr (p + 1, '"')) == NULL)
        continue;
      included = g_strndup (p + 1, end - p - 1);
      (*n_includes)++;
      check_include (relative, i + 1, included, offenders);
    }
}

static void
scan_dir (const char *root,
          const char *relative,
          guint      *n_includes,
          GString    *offenders)
{
  g_autofree char *path = g_build_filename (root, relative, NULL);
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (relative, name, NULL);
      g_autofree char *child_path = g_build_filename (root, child, NULL);

      if (g_file_test (child_path, G_FILE_TEST_IS_DIR))
        scan_dir (root, child, n_includes, offenders);
      else if (g_str_has_suffix (name, ".c") || g_str_has_suffix (name, ".h"))
        scan_file (root, child, n_includes, offenders);
    }
}

static char *
scan_tree (const char *root,
           guint      *n_includes)
{
  GString *offenders = g_string_new (NULL);

  *n_includes = 0;
  scan_dir (root, "core", n_includes, offenders);
  scan_dir (root, "app", n_includes, offenders);
  scan_dir (root, "ui", n_includes, offenders);
  return g_string_free (offenders, FALSE);
}

static void
test_layers (void)
{
  guint n_includes;
  g_autofree char *offenders = scan_tree (g_getenv ("PP_SOURCE_ROOT"), &n_includes);

  /* A scan that read nothing would pass vacuously. */
  g_assert_cmpuint (n_includes, >=, 200);
  if (*offenders != '\0')
    g_error ("includes must point down the layers (docs/ARCHITECTURE.md):\n%s", offenders);
}

/* Each kind of violation planted in a scratch tree is reported, and correct includes are not:
 * otherwise the test above proves nothing. */
static void
test_scanner_catches_violations (void)
{
  g_autofree char *root = g_dir_make_tmp ("pp-layering-XXXXXX", NULL);
  g_autofree char *offenders = NULL;
  guint n_includes;
  static const char *const expected[] = {
    "core/image/up.c:2: #include \"batch/pp-batch.h\": batch/ is above image/",
    "core/batch/peek.c:1: #include \"io/pp-io-private.h\": io/'s private header",
    "app/peek.c:1: #include \"render/pp-plan-private.h\": render/'s private header",
    "ui/up.c:1: #include \"pp-cli.h\": ui/ is below app/",
    "core/render/flat.c:1: #include \"pp-plan.h\": core includes its headers by wing",
    "core/gadgets/new.c:1: #include \"image/pp-image.h\": core/gadgets/ is not a known wing",
  };

  pp_test_write_file (root, "core/image/up.c",
                      "#include \"config.h\"\n  # include \"batch/pp-batch.h\"\n");
  pp_test_write_file (root, "core/batch/peek.c", "#include \"io/pp-io-private.h\"\n");
  pp_test_write_file (root, "app/peek.c", "#include \"render/pp-plan-private.h\"\n");
  pp_test_write_file (root, "ui/up.c", "#include \"pp-cli.h\"\n");
  pp_test_write_file (root, "core/render/flat.c", "#include \"pp-plan.h\"\n");
  pp_test_write_file (root, "core/gadgets/new.c", "#include \"image/pp-image.h\"\n");
  /* Allowed: down, within a wing (private too), config.h, app/ and ui/ using core's public
   * headers, system headers. */
  pp_test_write_file (root, "core/batch/fine.c",
                      "#include \"config.h\"\n#include <glib.h>\n"
                      "#include \"batch/pp-batch-private.h\"\n#include \"render/pp-plan.h\"\n"
                      "#include \"image/pp-image.h\"\n");
  pp_test_write_file (root, "app/fine.c",
                      "#include \"batch/pp-batch.h\"\n#include \"pp-cli-private.h\"\n");
  pp_test_write_file (root, "ui/fine.c",
                      "#include \"render/pp-render.h\"\n#include \"pp-window-private.h\"\n");

  offenders = scan_tree (root, &n_includes);
  g_test_message ("%s", offenders);
  g_assert_cmpuint (n_includes, ==, 15);
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_nonnull (strstr (offenders, expected[i]));
  /* Nothing else: exactly one line per planted violation. */
  {
    g_auto (GStrv) lines = g_strsplit (g_strchomp (offenders), "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, G_N_ELEMENTS (expected));
  }
  pp_test_remove_tree (root);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/layering/includes-point-down", test_layers);
  g_test_add_func ("/pp/layering/scanner", test_scanner_catches_violations);
  return g_test_run ();
}
