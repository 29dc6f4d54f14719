/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The separable Lanczos3 resampler shared by fit and resize: per-axis weights precomputed once
 * per image in fixed point, applied vertical pass first for each destination row.
 */
#pragma once

#include "filters/pp-filter.h"
#include "image/pp-image.h"

G_BEGIN_DECLS

/* Weights are 16-bit signed integers summing to exactly 1 << PP_RESAMPLE_BITS per output. */
#define PP_RESAMPLE_BITS 14

typedef struct
{
  int n_out;
  int n_taps;      /* taps per output (the widest); unused taps have weight 0 */
  int *first;      /* first input index read by each output */
  gint16 *weights; /* n_out * n_taps */
  int n_padded;    /* n_taps rounded up to a multiple of 8, for whole-vector dot products */
  gint16 *padded;  /* n_out * n_padded: weights, then zeros */
} PpResampleAxis;

typedef struct
{
  PpResampleAxis x;
  PpResampleAxis y;
} PpResample;

double      _pp_lanczos3            (double            x);
void        _pp_resample_axis_init  (PpResampleAxis   *axis,
                                     int               n_in,
                                     int               n_out);
void        _pp_resample_axis_clear (PpResampleAxis   *axis);
PpResample *_pp_resample_new        (int               in_width,
                                     int               in_height,
                                     int               out_width,
                                     int               out_height);
void        _pp_resample_free       (gpointer          resample);
void        _pp_resample_band       (const PpResample *resample,
                                     const PpImage    *src,
                                     PpImage          *dst,
                                     int               y0,
                                     int               y1);

/* The filter-shaped entry points fit and resize both use: prepare, release, process_band. */
gpointer    _pp_resample_prepare        (const PpFilterContext *ctx);
void        _pp_resample_process_band   (const PpFilterContext *ctx,
                                         const PpImage         *src,
                                         PpImage               *dst,
                                         int                    y0,
                                         int                    y1);

G_END_DECLS
