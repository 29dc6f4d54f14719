/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the two halves of the JPEG XL codec share: pp-codec-jxl.c reads (and holds the PpCodec
 * entry), pp-codec-jxl-encode.c writes.
 */
#pragma once

#include "codecs/pp-codec-private.h"

G_BEGIN_DECLS

/* pp-codec-jxl-encode.c: the codec's encode (see its doc comment there). */
gboolean _pp_codec_jxl_encode (const PpFrame          *frames,
                               guint                   n_frames,
                               const PpEncodeOptions  *options,
                               GByteArray             *out,
                               GError                **error);

G_END_DECLS
