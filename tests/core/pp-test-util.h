/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Small helpers the core tests share: deterministic test images with awkward strides, and
 * scratch trees of files.
 */
#pragma once

#include <string.h>

#include <glib/gstdio.h>

#include "image/pp-image.h"

#include "../pp-test-files.h"
#include "../pp-test-prereq.h"

/* A deterministic pseudo-random image; @extra_stride bytes of padding per row are filled with a
 * marker so a filter that writes outside its rows or into padding is caught. */
static inline PpImage *
pp_test_image_new (int     width,
                   int     height,
                   int     channels,
                   int     extra_stride,
                   guint32 seed)
{
  PpImage *image = pp_image_new_with_stride (width, height, channels,
                                             width * channels + extra_stride);
  GRand *rand = g_rand_new_with_seed (seed);

  for (int y = 0; y < height; y++)
    {
      guint8 *row = PP_IMAGE_ROW (image, y);

      for (int i = 0; i < width * channels; i++)
        row[i] = g_rand_int_range (rand, 0, 256);
      memset (row + width * channels, 0xA5, extra_stride);
    }
  g_rand_free (rand);
  return image;
}

/* A smooth image (gradients plus a little noise): closer to a photograph than pure noise, so
 * filters that behave differently on edges and flat areas are both exercised. */
static inline PpImage *
pp_test_photo_new (int     width,
                   int     height,
                   int     channels,
                   guint32 seed)
{
  PpImage *image = pp_image_new (width, height, channels);
  GRand *rand = g_rand_new_with_seed (seed);

  for (int y = 0; y < height; y++)
    {
      guint8 *row = PP_IMAGE_ROW (image, y);

      for (int x = 0; x < width; x++)
        for (int c = 0; c < channels; c++)
          {
            int v = (x * 255 / MAX (width - 1, 1) + y * 128 / MAX (height - 1, 1) + c * 60) % 256;

            v += g_rand_int_range (rand, -8, 9);
            row[x * channels + c] = CLAMP (v, 0, 255);
          }
    }
  g_rand_free (rand);
  return image;
}

static inline gboolean
pp_test_padding_intact (const PpImage *image,
                        int            extra_stride)
{
  for (int y = 0; y < image->height; y++)
    {
      const guint8 *pad = PP_IMAGE_ROW (image, y) + image->width * image->channels;

      for (int i = 0; i < extra_stride; i++)
        if (pad[i] != 0xA5)
          return FALSE;
    }
  return TRUE;
}

/* Mean absolute difference per colour sample (alpha left out) of two images, or -1 when their
 * sizes differ: how far an output is from the pixels it should hold, in levels of 255. */
static inline double
pp_test_mean_error (const PpImage *a,
                    const PpImage *b)
{
  guint64 sum = 0;

  if (a->width != b->width || a->height != b->height)
    return -1;
  for (int y = 0; y < a->height; y++)
    for (int x = 0; x < a->width; x++)
      for (int c = 0; c < 3; c++)
        sum += ABS (PP_IMAGE_ROW (a, y)[x * a->channels + c] -
                    PP_IMAGE_ROW (b, y)[x * b->channels + c]);
  return (double) sum / ((double) a->width * a->height * 3);
}

/* Writes @contents to @root/@relative, making the folders on the way. */
static inline void
pp_test_write_file (const char *root,
                    const char *relative,
                    const char *contents)
{
  g_autofree char *path = g_build_filename (root, relative, NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

/* Removes a scratch tree (not following links); every removal must succeed. */
static inline void
pp_test_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        pp_test_remove_tree (child);
      else
        g_assert_cmpint (g_unlink (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}
