/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The decode step of pp_io_load(), on its own so it can run somewhere else (an isolated helper
 * process) without the rest of loading changing: header checks, shrink-on-load decisions and
 * the conversion to PpImage stay with the caller.
 */
#pragma once

#include <sys/types.h>

#include "io/pp-io.h"

G_BEGIN_DECLS

typedef struct
{
  /* Decode at least this size, in stored (unrotated) pixels; 0 means full size. Only JPEG uses
   * it: the loader is asked for exactly the DCT-scaled size that still covers it. */
  int load_width;
  int load_height;
  /* Refuse from the header (size-prepared) when width * height exceeds this; 0: no limit. */
  double max_pixels;
  gboolean apply_orientation;
} PpDecodeRequest;

/* Decodes @path with the enabled loader @format (from the header read) and fills @info.
 * Thread-safe; checks @cancellable between chunks of input. */
PpImage *_pp_io_decode (const char            *path,
                        const char            *format,
                        const PpDecodeRequest *request,
                        PpImageInfo           *info,
                        GCancellable          *cancellable,
                        GError               **error);

/* pp_io_load() without isolation: in this process, whatever isolation is set to. */
PpImage *_pp_io_load_here (const char          *path,
                           const PpLoadOptions *options,
                           PpImageInfo         *info_out,
                           GCancellable        *cancellable,
                           GError             **error);

/* The loader allow-list (GdkPixbuf format names), applied once per process. */
void     _pp_io_init   (void);

/* Shared by pp-io.c, pp-io-header.c and pp-io-save.c. */
#define PP_IO_READ_CHUNK (64 * 1024)

char    *_pp_io_get_extension (const char *path);
mode_t   _pp_io_get_file_mode (void);

G_END_DECLS
