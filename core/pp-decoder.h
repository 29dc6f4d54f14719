/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpDecoder: decodes untrusted images in a persistent helper process (parapix-decoder) under
 * memory and CPU limits, optionally inside bubblewrap, and maps the pixels it hands back through
 * a sealed memfd without copying. A crash, an out-of-memory kill or a time-out of the helper is
 * one failed file; the next file gets a fresh helper. One PpDecoder per worker thread: it is not
 * meant to be shared between threads at the same time.
 */
#pragma once

#include <gio/gio.h>

#include "pp-decode.h"
#include "pp-image.h"

G_BEGIN_DECLS

#define PP_DECODER_DEFAULT_MEMORY_LIMIT (G_GUINT64_CONSTANT (2) << 30)
#define PP_DECODER_DEFAULT_TIMEOUT_MS 30000

#define PP_TYPE_DECODER (pp_decoder_get_type ())

G_DECLARE_FINAL_TYPE (PpDecoder, pp_decoder, PP, DECODER, GObject)

PpDecoder  *pp_decoder_new                (void);
void        pp_decoder_set_isolated       (PpDecoder              *self,
                                           gboolean                isolated);
gboolean    pp_decoder_get_isolated       (PpDecoder              *self);
void        pp_decoder_set_memory_limit   (PpDecoder              *self,
                                           guint64                 bytes);
void        pp_decoder_set_timeout        (PpDecoder              *self,
                                           guint                   milliseconds);
void        pp_decoder_set_helper_path    (PpDecoder              *self,
                                           const char             *path);
void        pp_decoder_set_sandbox        (PpDecoder              *self,
                                           gboolean                use_bwrap);
gboolean    pp_decoder_get_sandboxed      (PpDecoder              *self);
guint       pp_decoder_get_n_spawns       (PpDecoder              *self);
PpImage    *pp_decoder_decode             (PpDecoder              *self,
                                           const char             *path,
                                           const PpDecodeOptions  *options,
                                           PpDecodeInfo           *info,
                                           GCancellable           *cancellable,
                                           GError                **error);
void        pp_decoder_stop               (PpDecoder              *self);

G_END_DECLS
