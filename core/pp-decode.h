/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Decoding one image from an open file descriptor with GdkPixbuf: the pixel limit checked from
 * the header before any pixel is decoded, the loader allow-list, shrink-on-load and EXIF
 * orientation. The decoder helper process runs this; fuzz targets and PpDecoder's in-process
 * mode call it directly.
 */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "pp-types.h"

G_BEGIN_DECLS

#define PP_DECODE_ERROR (pp_decode_error_quark ())

typedef enum
{
  PP_DECODE_ERROR_FAILED,         /* the helper could not be started or broke the protocol */
  PP_DECODE_ERROR_CORRUPT,        /* the loader refused the data */
  PP_DECODE_ERROR_UNKNOWN_FORMAT, /* no loader, or a loader the allow-list excludes */
  PP_DECODE_ERROR_TOO_LARGE,      /* over the pixel limit, from the header */
  PP_DECODE_ERROR_NOT_REGULAR,    /* a folder, FIFO, device… */
  PP_DECODE_ERROR_CRASHED,        /* the helper died on a signal */
  PP_DECODE_ERROR_OUT_OF_MEMORY,  /* the helper hit its memory limit */
  PP_DECODE_ERROR_TIMED_OUT,      /* wall-clock or CPU time limit */
} PpDecodeError;

typedef struct
{
  guint64 max_pixels;                 /* 0: no limit */
  const PpStep *shrink_step;          /* the pipeline's first step, for shrink-on-load; nullable */
  gboolean apply_orientation;         /* rotate/flip by the EXIF orientation tag */
  const char *const *allowed_formats; /* GdkPixbuf format names; NULL: every installed loader */
  /* Decode with the loaders' whole-file paths (gdk_pixbuf_new_from_file()), which catch more
   * damage; the incremental ones cap libjpeg's memory instead. The helper sets it: there the
   * memory limit is RLIMIT_AS. */
  gboolean whole_file;
} PpDecodeOptions;

typedef struct
{
  char *format;      /* GdkPixbuf format name ("jpeg", "png" …) */
  int width;         /* size declared by the header, before shrink-on-load and orientation */
  int height;
  int orientation;   /* EXIF orientation 1..8, 0 when the file has none */
  char *icc_profile; /* base64, as GdkPixbuf's "icc-profile" option carries it; NULL if none */
} PpDecodeInfo;

#define PP_DECODE_MAX_FORMATS 32

GQuark             pp_decode_error_quark          (void);
const char *const *pp_decode_get_default_formats (void);
void       pp_decode_info_clear    (PpDecodeInfo           *info);
GdkPixbuf *pp_decode_fd            (int                     fd,
                                    const char             *name,
                                    const PpDecodeOptions  *options,
                                    PpDecodeInfo           *info,
                                    GError                **error);
PpImage   *pp_decode_file          (const char             *path,
                                    const PpDecodeOptions  *options,
                                    PpDecodeInfo           *info,
                                    GError                **error);
int        pp_decode_open          (const char             *path,
                                    GError                **error);

G_END_DECLS
