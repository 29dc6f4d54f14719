/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * --frames and --damaged through the real parapix binary: what a user who converts a folder with
 * an animated GIF, a three-page TIFF and a truncated JPEG in it gets. For each policy and output
 * format: which files come out, how many frames or pages each output holds (read back with
 * ImageMagick's identify, an independent reader), the note or the reason in the run record, and
 * the exit status. Nothing is ever dropped without a note, and a refusal writes nothing.
 */
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cli-util.h"

typedef struct
{
  char *root;
  char *in;
} Folder;

/* ImageMagick makes the inputs and reads the outputs' frames back. */
static gboolean
have_imagemagick (void)
{
  return pp_test_have_tool ("convert", "imagemagick")
         && pp_test_have_tool ("identify", "imagemagick");
}

/* An animated GIF of three 64x48 frames, a TIFF of three 64x48 pages, a truncated JPEG (the
 * first 60 % of a sample photo) and a whole one, in a fresh folder. */
static void
folder_init (Folder *f)
{
  g_autofree char *samples = cli_sample_dir ();
  g_autofree char *photo = g_build_filename (samples, "leaf.jpg", NULL);
  g_autofree char *red = NULL, *green = NULL, *blue = NULL, *anim = NULL, *pages = NULL;
  g_autofree char *cut = NULL, *whole = NULL, *data = NULL;
  gsize len;

  f->root = g_dir_make_tmp ("pp-frames-XXXXXX", NULL);
  f->in = g_build_filename (f->root, "in", NULL);
  g_assert_cmpint (g_mkdir (f->in, 0755), ==, 0);
  red = g_build_filename (f->root, "red.png", NULL);
  green = g_build_filename (f->root, "green.png", NULL);
  blue = g_build_filename (f->root, "blue.png", NULL);
  g_free (pp_test_run_tool ((const char *[]) { "convert", "-size", "64x48", "xc:red", red,
                                               NULL }));
  g_free (pp_test_run_tool ((const char *[]) { "convert", "-size", "64x48", "xc:green", green,
                                               NULL }));
  g_free (pp_test_run_tool ((const char *[]) { "convert", "-size", "64x48", "xc:blue", blue,
                                               NULL }));
  anim = g_build_filename (f->in, "anim.gif", NULL);
  pages = g_build_filename (f->in, "pages.tif", NULL);
  g_free (pp_test_run_tool ((const char *[]) { "convert", "-delay", "10", red, green, blue, anim,
                                               NULL }));
  g_free (pp_test_run_tool ((const char *[]) { "convert", red, green, blue, pages, NULL }));
  g_unlink (red);
  g_unlink (green);
  g_unlink (blue);

  g_assert_true (g_file_get_contents (photo, &data, &len, NULL));
  cut = g_build_filename (f->in, "cut.jpg", NULL);
  whole = g_build_filename (f->in, "whole.jpg", NULL);
  g_assert_true (g_file_set_contents (cut, data, len * 6 / 10, NULL));
  g_assert_true (g_file_set_contents (whole, data, len, NULL));
}

static void
folder_clear (Folder *f)
{
  cli_remove_tree (f->root);
  g_free (f->root);
  g_free (f->in);
}

/* How many frames or pages identify reads in @path. */
static guint
count_frames (const char *path)
{
  g_autofree char *out = NULL;
  g_auto (GStrv) lines = NULL;
  guint n = 0;

  out = pp_test_run_tool ((const char *[]) { "identify", path, NULL });
  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    n += lines[i][0] != '\0';
  return n;
}

typedef struct
{
  int status;
  JsonNode *record;
  char *out;
} Run;

static void
run_clear (Run *r)
{
  g_clear_pointer (&r->record, json_node_unref);
  g_free (r->out);
}

/* parapix --batch on @f's folder with --pipeline "" (convert only), --json, and @extra. */
static void
run_batch (Folder            *f,
           const char        *format,
           const char *const *extra,
           Run               *r)
{
  g_autoptr (GPtrArray) args = g_ptr_array_new ();
  g_autofree char *json = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  static guint n;

  r->out = g_strdup_printf ("%s/out-%u", f->root, n++);
  g_ptr_array_add (args, (char *) "--batch");
  g_ptr_array_add (args, f->in);
  g_ptr_array_add (args, (char *) "--output");
  g_ptr_array_add (args, r->out);
  g_ptr_array_add (args, (char *) "--pipeline=");
  g_ptr_array_add (args, (char *) "--format");
  g_ptr_array_add (args, (char *) format);
  g_ptr_array_add (args, (char *) "--json");
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (args, (char *) extra[i]);
  g_ptr_array_add (args, NULL);
  r->status = cli_run ((const char *const *) args->pdata, &json, &err);
  r->record = json_from_string (json, &error);
  g_assert_no_error (error);
  g_assert_nonnull (r->record);
  g_assert_false (cli_has_temporaries (r->out));
}

/* The record of the input named @name. */
static JsonObject *
file_record (Run        *r,
             const char *name)
{
  JsonArray *files = json_object_get_array_member (json_node_get_object (r->record), "files");

  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);
      g_autofree char *base = g_path_get_basename (json_object_get_string_member (file, "input"));

      if (g_str_equal (base, name))
        return file;
    }
  g_error ("no record for %s", name);
}

static const char *
member_or_null (JsonObject *o,
                const char *name)
{
  return json_object_has_member (o, name) && !json_object_get_null_member (o, name)
           ? json_object_get_string_member (o, name)
           : NULL;
}

/* @name came out ok as OUTPUT with @frames frames, and its note contains @note (NULL: none). */
static void
assert_kept (Run        *r,
             const char *name,
             const char *output,
             guint       frames,
             const char *note)
{
  JsonObject *file = file_record (r, name);
  g_autofree char *path = g_build_filename (r->out, output, NULL);
  const char *got = member_or_null (file, "note");

  g_assert_cmpstr (json_object_get_string_member (file, "status"), ==, "ok");
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (count_frames (path), ==, frames);
  if (note == NULL)
    g_assert_null (got);
  else
    {
      g_assert_nonnull (got);
      g_assert_nonnull (strstr (got, note));
    }
}

/* @name failed with a reason containing @reason, and wrote nothing. */
static void
assert_refused (Run        *r,
                const char *name,
                const char *output,
                const char *reason)
{
  JsonObject *file = file_record (r, name);
  g_autofree char *path = g_build_filename (r->out, output, NULL);

  g_assert_cmpstr (json_object_get_string_member (file, "status"), ==, "failed");
  g_assert_nonnull (strstr (member_or_null (file, "reason"), reason));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_frames_all (void)
{
  Folder f;
  Run tiff = { 0 }, png = { 0 };

  if (!have_imagemagick ())
    return;
  folder_init (&f);
  /* The default: every page where the format holds pages, the first with a note elsewhere. */
  run_batch (&f, "tiff", NULL, &tiff);
  g_assert_cmpint (tiff.status, ==, 1); /* cut.jpg: damaged, refused by default */
  assert_kept (&tiff, "pages.tif", "pages.tif", 3, NULL);
  assert_kept (&tiff, "anim.gif", "anim.tif", 1,
               "only the first of 3 frames kept (TIFF holds no animation)");
  run_batch (&f, "png", (const char *[]) { "--frames", "all", NULL }, &png);
  assert_kept (&png, "pages.tif", "pages.png", 1,
               "only the first of 3 pages kept (PNG holds one page)");
  assert_kept (&png, "anim.gif", "anim.png", 1,
               "only the first of 3 frames kept (PNG holds no animation)");
  run_clear (&tiff);
  run_clear (&png);
  folder_clear (&f);
}

static void
test_frames_first (void)
{
  Folder f;
  Run r = { 0 };

  if (!have_imagemagick ())
    return;
  folder_init (&f);
  run_batch (&f, "tiff", (const char *[]) { "--frames", "first", NULL }, &r);
  assert_kept (&r, "pages.tif", "pages.tif", 1, "only the first of 3 pages kept (--frames first)");
  assert_kept (&r, "anim.gif", "anim.tif", 1, "only the first of 3 frames kept (--frames first)");
  run_clear (&r);
  folder_clear (&f);
}

static void
test_frames_fail (void)
{
  Folder f;
  Run tiff = { 0 }, png = { 0 };

  if (!have_imagemagick ())
    return;
  folder_init (&f);
  /* Refused only where the output cannot hold them all; where it can, all are kept. */
  run_batch (&f, "tiff", (const char *[]) { "--frames", "fail", NULL }, &tiff);
  g_assert_cmpint (tiff.status, ==, 1);
  assert_kept (&tiff, "pages.tif", "pages.tif", 3, NULL);
  assert_refused (&tiff, "anim.gif", "anim.tif",
                  "The image has 3 frames and TIFF holds no animation (--frames fail)");
  assert_kept (&tiff, "whole.jpg", "whole.tif", 1, NULL);
  run_batch (&f, "png", (const char *[]) { "--frames", "fail", NULL }, &png);
  assert_refused (&png, "pages.tif", "pages.png",
                  "The image has 3 pages and PNG holds one page (--frames fail)");
  assert_refused (&png, "anim.gif", "anim.png",
                  "The image has 3 frames and PNG holds no animation (--frames fail)");
  assert_kept (&png, "whole.jpg", "whole.png", 1, NULL);
  run_clear (&tiff);
  run_clear (&png);
  folder_clear (&f);
}

static void
test_damaged (void)
{
  Folder f;
  Run fail = { 0 }, keep = { 0 };

  if (!have_imagemagick ())
    return;
  folder_init (&f);
  run_batch (&f, "png", NULL, &fail);
  g_assert_cmpint (fail.status, ==, 1);
  assert_refused (&fail, "cut.jpg", "cut.png", "The file ends early");
  assert_kept (&fail, "whole.jpg", "whole.png", 1, NULL);
  run_batch (&f, "png", (const char *[]) { "--damaged", "keep", NULL }, &keep);
  g_assert_cmpint (keep.status, ==, 0);
  assert_kept (&keep, "cut.jpg", "cut.png", 1,
               "damaged, kept as decoded (--damaged keep): The file ends early");
  assert_kept (&keep, "whole.jpg", "whole.png", 1, NULL);
  run_clear (&fail);
  run_clear (&keep);
  folder_clear (&f);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/cli/frames/all", test_frames_all);
  g_test_add_func ("/pp/cli/frames/first", test_frames_first);
  g_test_add_func ("/pp/cli/frames/fail", test_frames_fail);
  g_test_add_func ("/pp/cli/damaged", test_damaged);
  return g_test_run ();
}
