/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The separable Gaussian blur shared by gaussian-blur and sharpen: a fixed-point kernel and a
 * row routine that blurs one destination row (vertical pass first, then horizontal).
 */
#pragma once

#include "image/pp-image.h"
#include "filters/pp-premultiply-private.h"

G_BEGIN_DECLS

/* Kernel weights are 16-bit integers summing to exactly 1 << PP_GAUSS_BITS. */
#define PP_GAUSS_BITS 15

typedef struct
{
  int radius;
  guint16 *weights; /* 2 * radius + 1 taps, symmetric */
} PpGaussKernel;

int            _pp_gauss_radius         (double               sigma);
PpGaussKernel *_pp_gauss_kernel_new     (double               sigma);
void           _pp_gauss_kernel_free    (PpGaussKernel       *kernel);

/* Scratch a worker needs for _pp_gauss_blur_row on rows of @width pixels. */
gsize          _pp_gauss_scratch_size   (const PpGaussKernel *kernel,
                                         int                  width,
                                         int                  channels);
void           _pp_gauss_blur_row       (const PpGaussKernel *kernel,
                                         const PpImage       *src,
                                         int                  y,
                                         gpointer             scratch,
                                         guint8              *out);

/* 4-channel images: @rows holds the source premultiplied with 7 fraction bits, in a ring of
 * at least 2·radius + 1 rows. */
void           _pp_gauss_blur_row_premultiplied (const PpGaussKernel *kernel,
                                                 PpPremultipliedRows *rows,
                                                 int                  y,
                                                 gpointer             scratch,
                                                 guint8              *out);

/* One band's blurring of rows: the straight path for RGB, the premultiplied one for RGBA,
 * with the scratch and the ring of premultiplied rows they need. */
typedef struct
{
  const PpGaussKernel *kernel;
  const PpImage *src;
  gpointer scratch;
  PpPremultipliedRows premultiplied;
} PpGaussBand;

void           _pp_gauss_band_init  (PpGaussBand         *band,
                                     const PpGaussKernel *kernel,
                                     const PpImage       *src);
/* Row @y blurred into @out; RGBA rows carry the source's alpha. */
void           _pp_gauss_band_row   (PpGaussBand         *band,
                                     int                  y,
                                     guint8              *out);
void           _pp_gauss_band_clear (PpGaussBand         *band);

G_END_DECLS
