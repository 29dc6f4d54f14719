/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Promises of the command line (docs/CLI.md) that no other test held it to, each checked on
 * what the user gets, the files:
 * - pixels: every output is the pipeline applied to the decoded input (PNG: byte for byte the
 *   pixels pp-core computes here from pp_io_load() of the input), and EXIF orientation is
 *   applied on the way (the recurser sets, all eight orientations, match their upright image);
 * - same-output-name: two inputs of one batch that map to one name are renamed (skip: the second
 *   is skipped), whatever the policy: no output ever replaces another of the same run;
 * - symlinks: with --recursive, links are followed, a folder reached twice (a second link, a
 *   loop) is listed once, and the run ends;
 * - formats: --format really writes that format (magic bytes, GdkPixbuf's own sniffing, the
 *   right size), and --quality really sets the JPEG quantisation (the IJG tables for that
 *   quality) and the WebP size/fidelity trade-off;
 * - max-megapixels: --max-megapixels N refuses larger images from their header with a reason,
 *   0 means no limit.
 */
#include "cli-util.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <math.h>
#include <unistd.h>

#include "io/pp-io.h"
#include "../core/pp-test-util.h"
#include "render/pp-render.h"

static JsonArray *
files_of (JsonNode *node)
{
  return json_object_get_array_member (json_node_get_object (node), "files");
}

static PpImage *
load (const char *path,
      PpPipeline *size_hint)
{
  g_autoptr (GError) error = NULL;
  PpLoadOptions options;
  PpImage *image;

  pp_load_options_init (&options);
  if (size_hint != NULL)
    pp_pipeline_get_load_hint (size_hint, &options.fit_width, &options.fit_height);
  image = pp_io_load (path, &options, NULL, NULL, &error);
  if (image == NULL)
    g_error ("%s: %s", path, error->message);
  return image;
}

/* ---- pixels ---- */

static void
test_pixels (void)
{
  const char *spec = "fit=600x600,exposure=0.3,sharpen=1.2,rotate=270,saturation=-40";
  g_autofree char *input = cli_make_sample_copy ();
  g_autofree char *output = g_dir_make_tmp ("pp-promises-XXXXXX", NULL);
  const char *args[] = { "--batch", input, "--output", output, "--pipeline", spec, "--format",
                         "png", "--json", "--quiet", NULL };
  g_autoptr (JsonNode) node = cli_run_json (args, 0);
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec (spec, NULL);
  JsonArray *files = files_of (node);

  g_assert_cmpuint (json_array_get_length (files), ==, 8);
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);
      const char *in = json_object_get_string_member (file, "input");
      g_autoptr (PpImage) decoded = load (in, pipeline);
      g_autoptr (PpPlan) plan = pp_plan_new (pipeline, decoded->width, decoded->height,
                                             decoded->channels, NULL);
      g_autoptr (PpImage) want = pp_plan_run (plan, decoded, 1, NULL, NULL, NULL);
      g_autoptr (PpImage) got = load (json_object_get_string_member (file, "output"), NULL);

      g_assert_cmpstr (json_object_get_string_member (file, "status"), ==, "ok");
      if (!pp_image_equal (got, want))
        g_error ("%s: the output is not the pipeline applied to the decoded input (%d x %d vs "
                 "%d x %d, mean difference %.3f)", in, got->width, got->height, want->width,
                 want->height, pp_test_mean_error (got, want));
    }
  cli_remove_tree (input);
  cli_remove_tree (output);
}

/* The recurser sets through the batch: each output, oriented, is its set's upright image
 * (tests/core/test-orientation.c explains the tolerance: JPEG inputs compressed separately;
 * the PNG outputs add nothing). fit=450x450 keeps it quick: a quarter of each side, decoded at
 * that DCT scale, the same for every file. */
static void
test_orientation (void)
{
  const char *corpus = g_getenv ("PP_CORPUS_DIR");
  g_autofree char *input = NULL;
  g_autofree char *output = NULL;
  g_autoptr (JsonNode) node = NULL;
  JsonArray *files;

  if (corpus == NULL || !g_file_test (corpus, G_FILE_TEST_IS_DIR))
    {
      pp_test_missing ("PP_CORPUS_DIR is not a folder (../shared/corpus beside the source)");
      return;
    }
  input = g_dir_make_tmp ("pp-promises-in-XXXXXX", NULL);
  output = g_dir_make_tmp ("pp-promises-out-XXXXXX", NULL);
  for (int set = 0; set < 2; set++)
    for (int n = 0; n <= 8; n++)
      {
        g_autofree char *name = g_strdup_printf ("recurser_%s_%d.jpg",
                                                 set ? "Portrait" : "Landscape", n);
        g_autofree char *from = g_build_filename (corpus, "valid", name, NULL);
        g_autofree char *to = g_build_filename (input, name, NULL);

        cli_copy_file (from, to);
      }
  {
    const char *args[] = { "--batch", input, "--output", output, "--pipeline", "fit=450x450",
                           "--format", "png", "--json", "--quiet", NULL };

    node = cli_run_json (args, 0);
  }
  files = files_of (node);
  g_assert_cmpuint (json_array_get_length (files), ==, 18);
  for (int set = 0; set < 2; set++)
    {
      g_autofree char *upright_name = g_strdup_printf ("recurser_%s_1.png",
                                                       set ? "Portrait" : "Landscape");
      g_autofree char *upright_path = g_build_filename (output, upright_name, NULL);
      g_autoptr (PpImage) upright = load (upright_path, NULL);

      for (int n = 0; n <= 8; n++)
        {
          g_autofree char *name = g_strdup_printf ("recurser_%s_%d.png",
                                                   set ? "Portrait" : "Landscape", n);
          g_autofree char *path = g_build_filename (output, name, NULL);
          g_autoptr (PpImage) image = load (path, NULL);
          double e = pp_test_mean_error (image, upright);

          g_test_message ("%s: %.2f from the upright image", name, e);
          /* Measured at most 1.8 once fit to a quarter, which averages compression error. */
          if (e < 0 || e > 4.0)
            g_error ("%s: %d x %d, %.2f from the upright image", name, image->width,
                     image->height, e);
        }
    }
  cli_remove_tree (input);
  cli_remove_tree (output);
}

/* ---- same-output-name ---- */

static void
test_same_output_name (void)
{
  g_autofree char *samples = cli_sample_dir ();
  g_autofree char *input = g_dir_make_tmp ("pp-promises-in-XXXXXX", NULL);
  static const char *const policies[] = { "rename", "overwrite", "skip" };

  /* Three different pictures that all become "photo.png". */
  {
    static const char *const from[] = { "cat.jpg", "leaf.jpg", "river.jpg" };
    static const char *const to[] = { "photo.jpg", "photo.png", "photo.webp" };

    for (guint i = 0; i < 3; i++)
      {
        g_autofree char *src = g_build_filename (samples, from[i], NULL);
        g_autofree char *dst = g_build_filename (input, to[i], NULL);
        g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (src, NULL);
        g_autoptr (GdkPixbuf) small = gdk_pixbuf_scale_simple (pixbuf, 200, 150,
                                                               GDK_INTERP_BILINEAR);

        g_assert_true (gdk_pixbuf_save (small, dst, i == 0 ? "jpeg" : i == 1 ? "png" : "webp",
                                        NULL, NULL));
      }
  }

  for (guint p = 0; p < G_N_ELEMENTS (policies); p++)
    {
      g_autofree char *output = g_dir_make_tmp ("pp-promises-out-XXXXXX", NULL);
      const char *args[] = { "--batch", input, "--output", output, "--pipeline", "invert",
                             "--format", "png", "--on-collision", policies[p], "--json",
                             "--quiet", NULL };
      g_autoptr (JsonNode) node = cli_run_json (args, 0);
      g_autoptr (GHashTable) outputs = g_hash_table_new (g_str_hash, g_str_equal);
      JsonArray *files = files_of (node);
      guint n_ok = 0, n_skipped = 0;

      g_assert_cmpuint (json_array_get_length (files), ==, 3);
      for (guint i = 0; i < 3; i++)
        {
          JsonObject *file = json_array_get_object_element (files, i);
          const char *status = json_object_get_string_member (file, "status");
          const char *out = json_object_get_string_member (file, "output");

          if (g_str_equal (status, "skipped"))
            {
              g_assert_nonnull (json_object_get_string_member (file, "reason"));
              n_skipped++;
              continue;
            }
          g_assert_cmpstr (status, ==, "ok");
          n_ok++;
          /* No two files of the run claim one output... */
          if (!g_hash_table_add (outputs, (gpointer) out))
            g_error ("--on-collision %s: two inputs were written to %s", policies[p], out);
          /* ...and each output holds its own input's pixels, inverted. */
          {
            g_autoptr (PpImage) in = load (json_object_get_string_member (file, "input"), NULL);
            g_autoptr (PpImage) got = load (out, NULL);

            g_assert_cmpint (got->width, ==, in->width);
            for (int x = 0; x < in->width * in->channels; x += 7)
              if (PP_IMAGE_ROW (got, 10)[x] != 255 - PP_IMAGE_ROW (in, 10)[x])
                g_error ("--on-collision %s: %s does not hold %s inverted", policies[p], out,
                         json_object_get_string_member (file, "input"));
          }
        }
      g_test_message ("--on-collision %s: %u written, %u skipped", policies[p], n_ok, n_skipped);
      if (g_str_equal (policies[p], "skip"))
        g_assert_true (n_ok == 1 && n_skipped == 2);
      else
        g_assert_true (n_ok == 3 && n_skipped == 0);
      {
        g_autoptr (GHashTable) written = cli_hash_tree (output);

        g_assert_cmpuint (g_hash_table_size (written), ==, n_ok);
      }
      cli_remove_tree (output);
    }
  cli_remove_tree (input);
}

/* ---- symlinks ---- */

static void
test_symlinks (void)
{
  g_autofree char *samples = cli_sample_dir ();
  g_autofree char *root = g_dir_make_tmp ("pp-promises-XXXXXX", NULL);
  g_autofree char *input = g_build_filename (root, "in", NULL);
  g_autofree char *outside = g_build_filename (root, "outside", NULL);
  g_autofree char *output = g_build_filename (root, "out", NULL);
  g_autofree char *sub = g_build_filename (input, "sub", NULL);
  const char *args[] = { "--batch", input, "--recursive", "--output", output, "--pipeline",
                         "grayscale", "--json", "--quiet", NULL };
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (GHashTable) real_inputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                              NULL);
  JsonArray *files;

  g_assert_cmpint (g_mkdir_with_parents (sub, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (outside, 0755), ==, 0);
  {
    static const char *const copies[][2] = {
      { "cat.jpg", "in/cat.jpg" }, { "leaf.jpg", "in/sub/leaf.jpg" },
      { "river.jpg", "outside/river.jpg" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (copies); i++)
      {
        g_autofree char *from = g_build_filename (samples, copies[i][0], NULL);
        g_autofree char *to = g_build_filename (root, copies[i][1], NULL);

        cli_copy_file (from, to);
      }
  }
  {
    /* A folder outside (followed), the same folder twice (listed once), two loops. */
    static const char *const links[][2] = {
      { "../outside", "in/elsewhere" }, { "sub", "in/sub-again" }, { "..", "in/sub/up" },
      { ".", "in/here" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (links); i++)
      {
        g_autofree char *at = g_build_filename (root, links[i][1], NULL);

        g_assert_cmpint (symlink (links[i][0], at), ==, 0);
      }
  }

  node = cli_run_json (args, 0);
  files = files_of (node);
  for (guint i = 0; i < json_array_get_length (files); i++)
    {
      JsonObject *file = json_array_get_object_element (files, i);
      g_autofree char *real = realpath (json_object_get_string_member (file, "input"), NULL);

      g_assert_cmpstr (json_object_get_string_member (file, "status"), ==, "ok");
      g_assert_true (g_file_test (json_object_get_string_member (file, "output"),
                                  G_FILE_TEST_IS_REGULAR));
      if (!g_hash_table_add (real_inputs, g_steal_pointer (&real)))
        g_error ("%s: a file listed twice", json_object_get_string_member (file, "input"));
    }
  /* cat, leaf (once, by either path), river (through the link). */
  g_assert_cmpuint (json_array_get_length (files), ==, 3);
  g_assert_false (cli_has_temporaries (output));
  cli_remove_tree (root); /* links are removed, not followed */
}

/* ---- formats and quality ---- */

/* The quality libjpeg's jpeg_set_quality() gives the luminance table for (IJG scaling of the
 * standard table in ITU-T T.81 Annex K, clamped to 1..255 for baseline). */
static const guint8 std_luminance[64] = {
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
  14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
  92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
};

/* The first 8-bit quantisation table of a JPEG, in natural (row-major) order. */
static gboolean
jpeg_luminance_table (const guint8 *data,
                      gsize         len,
                      guint8        table[64])
{
  static const guint8 zigzag[64] = {
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27,
    20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58,
    59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
  };

  for (gsize i = 2; i + 4 < len;)
    {
      guint marker, seg;

      if (data[i] != 0xff)
        return FALSE;
      marker = data[i + 1];
      seg = (data[i + 2] << 8) | data[i + 3];
      if (marker == 0xdb && i + 4 + 65 <= len && (data[i + 4] & 0xf0) == 0)
        {
          for (int k = 0; k < 64; k++)
            table[zigzag[k]] = data[i + 5 + k];
          return TRUE;
        }
      if (marker == 0xda)
        return FALSE;
      i += 2 + seg;
    }
  return FALSE;
}

static void
check_jpeg_quality (const char *path,
                    int         quality)
{
  g_autofree char *data = NULL;
  gsize len;
  guint8 table[64];
  int scale = quality < 50 ? 5000 / quality : 200 - 2 * quality;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_true (jpeg_luminance_table ((const guint8 *) data, len, table));
  for (int k = 0; k < 64; k++)
    {
      int want = CLAMP ((std_luminance[k] * scale + 50) / 100, 1, 255);

      if (table[k] != want)
        g_error ("%s: quantisation step %d is %d; quality %d gives %d", path, k, table[k],
                 quality, want);
    }
}

typedef struct
{
  const char *option;     /* --format value */
  const char *extension;
  const char *pixbuf_name; /* what GdkPixbuf's sniffing calls it */
  const char *magic;
  gsize magic_len;
  gsize magic_offset;
} FormatCase;

static void
test_formats (void)
{
  static const FormatCase formats[] = {
    { "jpeg", "jpg", "jpeg", "\xff\xd8\xff", 3, 0 },
    { "png", "png", "png", "\x89PNG\r\n\x1a\n", 8, 0 },
    { "webp", "webp", "webp", "WEBP", 4, 8 },
    { "tiff", "tif", "tiff", NULL, 0, 0 },
    { "bmp", "bmp", "bmp", "BM", 2, 0 },
  };
  g_autofree char *samples = cli_sample_dir ();
  g_autofree char *input = g_dir_make_tmp ("pp-promises-in-XXXXXX", NULL);
  g_autofree char *scratch = g_dir_make_tmp ("pp-promises-out-XXXXXX", NULL);
  const char *spec = "fit=320x240";

  {
    g_autofree char *from = g_build_filename (samples, "park.jpg", NULL);
    g_autofree char *to = g_build_filename (input, "park.jpg", NULL);

    cli_copy_file (from, to);
  }
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      const FormatCase *f = &formats[i];
      g_autofree char *output = g_build_filename (scratch, f->option, NULL);
      g_autofree char *name = g_strconcat ("park.", f->extension, NULL);
      g_autofree char *path = g_build_filename (output, name, NULL);
      const char *args[] = { "--batch", input, "--output", output, "--pipeline", spec,
                             "--format", f->option, "--quiet", NULL };
      g_autofree char *data = NULL;
      gsize len;
      GdkPixbufFormat *info;
      int w = 0, h = 0;

      g_assert_cmpint (cli_run (args, NULL, NULL), ==, 0);
      if (!g_file_get_contents (path, &data, &len, NULL))
        g_error ("--format %s: no %s", f->option, path);
      if (f->magic != NULL)
        g_assert_true (len > f->magic_offset + f->magic_len &&
                       memcmp (data + f->magic_offset, f->magic, f->magic_len) == 0);
      else
        g_assert_true (len > 4 && (memcmp (data, "II*\0", 4) == 0 ||
                                   memcmp (data, "MM\0*", 4) == 0));
      info = gdk_pixbuf_get_file_info (path, &w, &h);
      g_assert_nonnull (info);
      {
        /* transfer full: gdk_pixbuf_format_get_name returns a copy */
        g_autofree char *sniffed = gdk_pixbuf_format_get_name (info);

        g_assert_cmpstr (sniffed, ==, f->pixbuf_name);
      }
      /* park.jpg is 3:2: fit=320x240 makes it 320 x 213 in every format. */
      g_assert_cmpint (w, ==, 320);
      g_assert_cmpint (h, ==, 213);
      {
        g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (path, NULL);

        g_assert_nonnull (pixbuf);
      }
    }

  /* --quality: JPEG's quantisation tables are libjpeg's for exactly that quality. */
  {
    static const int qualities[] = { 10, 50, 75, 100 };
    gsize sizes[G_N_ELEMENTS (qualities)];

    for (guint q = 0; q < G_N_ELEMENTS (qualities); q++)
      {
        g_autofree char *qs = g_strdup_printf ("%d", qualities[q]);
        g_autofree char *dir = g_strdup_printf ("%s/jpeg-q%d", scratch, qualities[q]);
        g_autofree char *path = g_build_filename (dir, "park.jpg", NULL);
        const char *args[] = { "--batch", input, "--output", dir, "--pipeline", spec,
                               "--format", "jpeg", "--quality", qs, "--quiet", NULL };
        g_autofree char *data = NULL;

        g_assert_cmpint (cli_run (args, NULL, NULL), ==, 0);
        check_jpeg_quality (path, qualities[q]);
        g_assert_true (g_file_get_contents (path, &data, &sizes[q], NULL));
        if (q > 0)
          g_assert_cmpuint (sizes[q], >, sizes[q - 1]);
      }
    /* The default is 90. */
    {
      g_autofree char *path = g_build_filename (scratch, "jpeg", "park.jpg", NULL);

      check_jpeg_quality (path, 90);
    }
  }

  /* WebP: lossy at a low quality is smaller and further from the pixels than at a high one. */
  {
    g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec (spec, NULL);
    g_autofree char *in_path = g_build_filename (input, "park.jpg", NULL);
    g_autoptr (PpImage) decoded = load (in_path, pipeline);
    g_autoptr (PpPlan) plan = pp_plan_new (pipeline, decoded->width, decoded->height,
                                           decoded->channels, NULL);
    g_autoptr (PpImage) want = pp_plan_run (plan, decoded, 1, NULL, NULL, NULL);
    double errors[2];
    gsize sizes[2];

    for (int q = 0; q < 2; q++)
      {
        const char *qs = q == 0 ? "5" : "95";
        g_autofree char *dir = g_strdup_printf ("%s/webp-q%s", scratch, qs);
        g_autofree char *path = g_build_filename (dir, "park.webp", NULL);
        const char *args[] = { "--batch", input, "--output", dir, "--pipeline", spec,
                               "--format", "webp", "--quality", qs, "--quiet", NULL };
        g_autofree char *data = NULL;
        g_autoptr (PpImage) got = NULL;

        g_assert_cmpint (cli_run (args, NULL, NULL), ==, 0);
        g_assert_true (g_file_get_contents (path, &data, &sizes[q], NULL));
        got = load (path, NULL);
        errors[q] = pp_test_mean_error (got, want);
      }
    g_test_message ("WebP quality 5: %" G_GSIZE_FORMAT " bytes, %.2f levels off; quality 95: "
                    "%" G_GSIZE_FORMAT " bytes, %.2f off", sizes[0], errors[0], sizes[1],
                    errors[1]);
    g_assert_cmpuint (sizes[0] * 2, <, sizes[1]);
    g_assert_cmpfloat (errors[1] * 2, <, errors[0]);
    /* Measured 3.7 at quality 95 (lossy WebP halves the chroma resolution), 13.8 at 5. */
    g_assert_cmpfloat (errors[1], <, 6.0);
  }
  cli_remove_tree (input);
  cli_remove_tree (scratch);
}

/* ---- max-megapixels ---- */

static void
test_max_megapixels (void)
{
  g_autofree char *input = g_dir_make_tmp ("pp-promises-in-XXXXXX", NULL);
  static const int sides[][2] = { { 2000, 1500 }, { 1000, 1000 } }; /* 3 and 1 megapixels */
  static const struct
  {
    const char *limit; /* NULL: the default, 128 */
    guint n_ok;
  } cases[] = { { NULL, 2 }, { "0", 2 }, { "2", 1 }, { "0.5", 0 }, { "3", 2 } };

  for (guint i = 0; i < G_N_ELEMENTS (sides); i++)
    {
      g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, sides[i][0],
                                                     sides[i][1]);
      g_autofree char *name = g_strdup_printf ("%dx%d.png", sides[i][0], sides[i][1]);
      g_autofree char *path = g_build_filename (input, name, NULL);

      gdk_pixbuf_fill (pixbuf, 0x336699ff);
      g_assert_true (gdk_pixbuf_save (pixbuf, path, "png", NULL, NULL));
    }
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *output = g_dir_make_tmp ("pp-promises-out-XXXXXX", NULL);
      const char *args[] = { "--batch", input, "--output", output, "--pipeline", "invert",
                             "--json", "--quiet",
                             cases[c].limit ? "--max-megapixels" : NULL, cases[c].limit, NULL };
      g_autoptr (JsonNode) node = cli_run_json (args, cases[c].n_ok == 2 ? 0 : 1);
      JsonArray *files = files_of (node);
      guint n_ok = 0;

      for (guint i = 0; i < json_array_get_length (files); i++)
        {
          JsonObject *file = json_array_get_object_element (files, i);
          const char *reason = json_object_get_string_member (file, "reason");

          if (g_str_equal (json_object_get_string_member (file, "status"), "ok"))
            {
              n_ok++;
              continue;
            }
          g_assert_cmpstr (json_object_get_string_member (file, "status"), ==, "failed");
          /* Refused from the header: the reason says so, nothing was decoded or written. */
          g_assert_nonnull (strstr (reason, "megapixels"));
          g_assert_nonnull (strstr (reason, cases[c].limit));
          g_assert_cmpint (json_object_get_int_member (file, "width"), ==, 0);
          g_assert_false (g_file_test (json_object_get_string_member (file, "output"),
                                       G_FILE_TEST_EXISTS));
        }
      g_test_message ("--max-megapixels %s: %u of 2 done", cases[c].limit ? cases[c].limit
                                                                           : "(default)", n_ok);
      g_assert_cmpuint (n_ok, ==, cases[c].n_ok);
      cli_remove_tree (output);
    }
  cli_remove_tree (input);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/pp/cli/promises/pixels", test_pixels);
  g_test_add_func ("/pp/cli/promises/orientation", test_orientation);
  g_test_add_func ("/pp/cli/promises/same-output-name", test_same_output_name);
  g_test_add_func ("/pp/cli/promises/symlinks", test_symlinks);
  g_test_add_func ("/pp/cli/promises/formats", test_formats);
  g_test_add_func ("/pp/cli/promises/max-megapixels", test_max_megapixels);
  return g_test_run ();
}
