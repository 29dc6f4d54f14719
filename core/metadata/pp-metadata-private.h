/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Inside the metadata wing: one lock around every exiv2 call.
 */
#pragma once

#include <gexiv2/gexiv2.h>

#include "metadata/pp-metadata.h"

G_BEGIN_DECLS

/* exiv2's XMP toolkit is not thread-safe without a lock function, which gexiv2 does not let us
 * install; metadata work is small next to decoding and encoding, so every exiv2 call in this
 * wing runs under one process-wide lock (also initialising exiv2 and muting its stderr log). */
void _pp_metadata_lock   (void);
void _pp_metadata_unlock (void);

/* An EXIF blob (TIFF header first) opened alone; with the lock held.
 * Returns: (transfer full) (nullable): %NULL with PP_METADATA_ERROR_INVALID or _FAILED. */
GExiv2Metadata *_pp_metadata_open_exif (GBytes  *exif,
                                        GError **error);

G_END_DECLS
