/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A filter is a static PpFilterInfo: its name, its parameters (type, range, default, unit, label)
 * and its kind, with the functions that do the work. Filters live one per file under filters/;
 * pp-filter-list.h registers them. A PpFilterContext is the frozen, prepared form a worker sees.
 */
#pragma once

#include <gio/gio.h>

#include "image/pp-image.h"
#include "image/pp-types.h"

G_BEGIN_DECLS

#define PP_MAX_PARAMS 8

typedef enum
{
  /* Maps each pixel on its own: a per-channel lookup table, or a colour mix of one pixel. */
  PP_FILTER_KIND_POINT,
  /* Reads a neighbourhood of radius r around each pixel (blur, sharpen, edges). */
  PP_FILTER_KIND_LOCAL,
  /* Changes size or orientation (fit, resize, crop, rotate, flip). */
  PP_FILTER_KIND_GEOMETRY,
} PpFilterKind;

typedef enum
{
  PP_PARAM_DOUBLE,
  PP_PARAM_INT,
  PP_PARAM_BOOLEAN,
  PP_PARAM_CHOICE, /* the value is an index into choices */
} PpParamType;

/* How the MAIN value of a spec step (`name=MAIN;key=value`) is written. */
typedef enum
{
  PP_MAIN_NONE,  /* `grayscale`: no main value */
  PP_MAIN_VALUE, /* `gamma=1.2`: MAIN is params[0] */
  PP_MAIN_SIZE,  /* `fit=800x600`: MAIN is params[0] x params[1] */
} PpMainSyntax;

struct _PpParamSpec
{
  const char *name;  /* key in a spec, kebab-case: "radius" */
  const char *label; /* for people: "Radius" */
  PpParamType type;
  double min;
  double max;
  double default_value;
  double step;                 /* a sensible slider increment */
  const char *unit;            /* "EV", "px", "%", "°" … or NULL */
  const char *const *choices;  /* PP_PARAM_CHOICE: NULL-terminated names */
};

typedef struct _PpFilterContext PpFilterContext;

struct _PpFilterInfo
{
  const char *name;        /* kebab-case: "gaussian-blur" */
  const char *label;       /* "Gaussian Blur" */
  const char *description; /* one sentence */
  PpFilterKind kind;
  PpMainSyntax main_syntax;
  const PpParamSpec *params;
  guint n_params;

  /* Optional: checks that involve several parameters or the input size. */
  gboolean (*validate)        (const double *values,
                               GError      **error);

  /* POINT, one of: a table per colour channel (lut[0] red … lut[2] green); alpha is untouched. */
  void     (*build_lut)       (const double *values,
                               guint8        lut[3][256]);
  /* POINT: or a transform of @n pixels in place, for colour mixes (grayscale, sepia…). */
  void     (*map_pixels)      (const PpFilterContext *ctx,
                               guint8                *pixels,
                               int                    n,
                               int                    channels);

  /* LOCAL: rows a destination pixel reads above and below it. */
  int      (*get_radius)      (const double *values);
  /* GEOMETRY: the output size for an input size. */
  void     (*get_output_size) (const double *values,
                               int           in_width,
                               int           in_height,
                               int          *out_width,
                               int          *out_height);
  /* GEOMETRY, optional, when first in a pipeline: the box the result fits in, handed to the
   * loader as a "decode at least what fitting into W × H needs" hint, so it can shrink on load
   * (PpLoadOptions.fit_width/fit_height). */
  gboolean (*get_load_hint)   (const double *values,
                               int          *fit_width,
                               int          *fit_height);

  /* Optional: precompute read-only state (kernels, weights) once per image; freed by release. */
  gpointer (*prepare)         (const PpFilterContext *ctx);
  void     (*release)         (gpointer               data);

  /* LOCAL and GEOMETRY: fill destination rows [y0, y1) reading only @src. Runs on workers:
   * it may read anything in @src and write only its own rows of @dst. */
  void     (*process_band)    (const PpFilterContext *ctx,
                               const PpImage         *src,
                               PpImage               *dst,
                               int                    y0,
                               int                    y1);
};

/* What a worker sees: frozen values and prepared state for one image size. Read-only. */
struct _PpFilterContext
{
  const PpFilterInfo *info;
  double values[PP_MAX_PARAMS];
  int src_width;
  int src_height;
  int dst_width;
  int dst_height;
  int channels;
  gpointer data; /* from prepare() */
};

#define PP_FILTER_ERROR (pp_filter_error_quark ())

typedef enum
{
  PP_FILTER_ERROR_UNKNOWN_FILTER,
  PP_FILTER_ERROR_UNKNOWN_PARAM,
  PP_FILTER_ERROR_BAD_VALUE,
  PP_FILTER_ERROR_OUT_OF_RANGE,
  PP_FILTER_ERROR_SYNTAX,
  PP_FILTER_ERROR_TOO_LARGE,
  PP_FILTER_ERROR_EMPTY, /* a step would leave no pixels (a crop outside the image) */
} PpFilterError;

GQuark              pp_filter_error_quark      (void);

const PpFilterInfo *const *pp_filter_list      (guint              *n_filters);
const PpFilterInfo *pp_filter_lookup           (const char         *name);
const char         *pp_filter_suggest          (const char         *name);
const char         *pp_filter_kind_to_string   (PpFilterKind        kind);

int                 pp_filter_info_find_param  (const PpFilterInfo *info,
                                                const char         *name);
void                pp_filter_info_get_defaults (const PpFilterInfo *info,
                                                 double             *values);
gboolean            pp_filter_info_validate     (const PpFilterInfo *info,
                                                 const double       *values,
                                                 GError            **error);

gboolean            pp_param_spec_parse_value   (const PpParamSpec  *pspec,
                                                 const char         *filter_name,
                                                 const char         *text,
                                                 double             *value,
                                                 GError            **error);
gboolean            pp_param_spec_check_value   (const PpParamSpec  *pspec,
                                                 const char         *filter_name,
                                                 double              value,
                                                 GError            **error);
char               *pp_param_spec_format_value  (const PpParamSpec  *pspec,
                                                 double              value);
char               *pp_filter_info_describe     (const PpFilterInfo *info);

/* Helpers for filter implementations. */
static inline guint8
pp_clamp_u8 (double v)
{
  /* +0.5 then truncate: round half up for non-negative values. */
  return v <= 0.0 ? 0 : v >= 255.0 ? 255 : (guint8) (v + 0.5);
}

G_END_DECLS
