/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The wire protocol between PpDecoder and the parapix-decoder helper: fixed-size messages on a
 * SOCK_SEQPACKET socketpair, the input file and the decoded pixels travelling as descriptors
 * (SCM_RIGHTS). Variable-length results (the ICC profile) follow the pixels in the memfd, so no
 * message needs framing. Also the hooks pp-io.c uses.
 */
#pragma once

#include "filters/pp-filter.h"
#include "io/pp-io.h"

G_BEGIN_DECLS

#define PP_DECODER_MAGIC 0x33445050u /* "PPD3" */
#define PP_DECODER_FD 3              /* the helper's end of the socketpair */

/* Exit status of a helper that noticed it ran out of memory (GLib's allocation failure). */
#define PP_DECODER_EXIT_OOM 86

enum
{
  PP_DECODER_DOMAIN_IO = 0,      /* PP_IO_ERROR */
  PP_DECODER_DOMAIN_GIO = 1,     /* G_IO_ERROR */
  PP_DECODER_DOMAIN_DECODER = 2, /* PP_DECODER_ERROR */
};

typedef struct
{
  guint32 magic;
  guint32 keep_orientation;
  double max_megapixels;
  double shrink_values[PP_MAX_PARAMS];
  char shrink_filter[32]; /* the pipeline's first step, for shrink-on-load; "": none */
  char name[256];         /* the input's base name, for messages */
} PpDecoderRequest;

typedef struct
{
  guint32 magic;
  guint32 ok;           /* 1: a memfd with pixels is attached */
  guint32 error_domain;
  gint32 error_code;
  gint32 width;
  gint32 height;
  gint32 channels;
  gint32 stride;
  gint32 header_width;
  gint32 header_height;
  gint32 loaded_width;
  gint32 loaded_height;
  gint32 orientation;
  guint32 orientation_applied;
  guint32 icc_len;      /* bytes of ICC profile after stride * height bytes of pixels */
  guint64 cpu_us;       /* the helper's own CPU time so far (user + system, all threads) */
  char format[32];
  char message[768];
} PpDecoderReply;

/* pp-decoder-wire.c */
int       _pp_decoder_reap              (GPid                 pid);
void      _pp_decoder_add_bwrap_args    (GPtrArray           *argv,
                                         const char          *bwrap,
                                         const char          *helper);
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

/* pp-decoder.c, for pp-io.c */
gboolean  _pp_decoder_isolation_enabled (void);
PpImage  *_pp_decoder_load              (const char          *path,
                                         const PpLoadOptions *options,
                                         PpImageInfo         *info,
                                         GCancellable        *cancellable,
                                         GError             **error);

G_END_DECLS
