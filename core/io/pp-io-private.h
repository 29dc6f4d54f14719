/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shared by pp-io.c, pp-io-header.c and pp-io-save.c, and the in-process load the isolation
 * tests and the fuzz target compare against.
 */
#pragma once

#include <sys/types.h>

#include "io/pp-io.h"

G_BEGIN_DECLS

/* pp_io_load() without isolation: in this process, whatever isolation is set to. */
PpImage       *_pp_io_load_here       (const char          *path,
                                       const PpLoadOptions *options,
                                       PpImageInfo         *info_out,
                                       GCancellable        *cancellable,
                                       GError             **error);

/* The extension tables and the file mode (pp_io_init() fills them). */
char          *_pp_io_get_extension   (const char          *path);
mode_t         _pp_io_get_file_mode   (void);
const PpCodec *_pp_io_get_codec       (PpFormat             format);
void           _pp_io_propagate_error (GError             **error,
                                       GError              *cause);

G_END_DECLS
