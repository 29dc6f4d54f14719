/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Inside the decoder wing: the plumbing both ends use (pp-decoder-wire.c: messages with a
 * descriptor, waiting). The wire types themselves are public: pp-decoder-protocol.h; the
 * client's own internals are pp-decoder-process-private.h.
 */
#pragma once

#include "codecs/pp-codec.h"

G_BEGIN_DECLS

/* pp-decoder-wire.c */
int       _pp_decoder_wait_readable     (int                  sock,
                                         guint                timeout_ms,
                                         GCancellable        *cancellable);
gssize    _pp_decoder_receive_message   (int                  sock,
                                         gpointer             message,
                                         gsize                size,
                                         int                  flags,
                                         int                 *fd);
gboolean  _pp_decoder_send_message      (int                  sock,
                                         gconstpointer        message,
                                         gsize                size,
                                         int                  fd);


G_END_DECLS
