/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpDecoder: runs the parsing of untrusted files (pp_codec_load_fd(): header, pixels, metadata)
 * in a persistent helper process, parapix-decoder, under memory and CPU limits, inside bubblewrap
 * when it works here, and takes the results back through a memfd the helper keeps (sealed
 * against shrinking).
 * A crash, an out-of-memory kill or a time-out of the helper is one failed file; the next file
 * gets a fresh helper. pp_io_load() keeps one PpDecoder per worker thread; a PpDecoder is not
 * meant to be used from two threads at once.
 */
#pragma once

#include <gio/gio.h>

#include "codecs/pp-codec.h"

G_BEGIN_DECLS

#define PP_DECODER_ERROR (pp_decoder_error_quark ())

typedef enum
{
  PP_DECODER_ERROR_FAILED,        /* the helper could not start or broke the protocol */
  PP_DECODER_ERROR_CRASHED,       /* the helper died on a signal */
  PP_DECODER_ERROR_OUT_OF_MEMORY, /* the helper hit its memory limit */
  PP_DECODER_ERROR_TIMED_OUT,     /* wall-clock or CPU time limit */
} PpDecoderError;

#define PP_DECODER_DEFAULT_MEMORY_LIMIT (G_GUINT64_CONSTANT (2) << 30)
#define PP_DECODER_DEFAULT_TIMEOUT_MS 30000

#define PP_TYPE_DECODER (pp_decoder_get_type ())

G_DECLARE_FINAL_TYPE (PpDecoder, pp_decoder, PP, DECODER, GObject)

GQuark      pp_decoder_error_quark        (void);
void        pp_decoder_set_isolation      (gboolean              isolated);
gboolean    pp_decoder_get_isolation      (void);
gboolean    pp_decoder_load_on_this_thread (const char          *path,
                                           const PpLoadRequest  *request,
                                           PpDecoded            *out,
                                           GCancellable         *cancellable,
                                           GError              **error);
gint64      pp_decoder_get_helper_cpu_us  (void);

PpDecoder  *pp_decoder_new                (void);
void        pp_decoder_set_memory_limit   (PpDecoder            *self,
                                           guint64               bytes);
void        pp_decoder_set_timeout        (PpDecoder            *self,
                                           guint                 milliseconds);
void        pp_decoder_set_helper_path    (PpDecoder            *self,
                                           const char           *path);
void        pp_decoder_set_sandbox        (PpDecoder            *self,
                                           gboolean              use_bwrap);
gboolean    pp_decoder_get_sandboxed      (PpDecoder            *self);
guint       pp_decoder_get_n_spawns       (PpDecoder            *self);
gboolean    pp_decoder_load               (PpDecoder            *self,
                                           const char           *path,
                                           const PpLoadRequest  *request,
                                           PpDecoded            *out,
                                           GCancellable         *cancellable,
                                           GError              **error);
void        pp_decoder_stop               (PpDecoder            *self);

G_END_DECLS
