/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The wire protocol between PpDecoder and the parapix-decoder helper: fixed-size messages on a
 * SOCK_SEQPACKET socketpair, the input file and the decoded pixels travelling as descriptors
 * (SCM_RIGHTS). Variable-length results (the ICC profile) follow the pixels in the memfd, so no
 * message ever needs framing.
 */
#pragma once

#include <glib.h>

#include "pp-filter.h"

G_BEGIN_DECLS

#define PP_DECODER_MAGIC 0x31445050u /* "PPD1" */
#define PP_DECODER_FD 3              /* the helper's end of the socketpair */

/* Exit status of a helper that noticed it ran out of memory (GLib's allocation failure). */
#define PP_DECODER_EXIT_OOM 86

enum
{
  PP_DECODER_DOMAIN_DECODE = 0, /* PP_DECODE_ERROR */
  PP_DECODER_DOMAIN_IO = 1,     /* G_IO_ERROR */
};

typedef struct
{
  guint32 magic;
  guint32 apply_orientation;
  guint64 max_pixels;
  double shrink_values[PP_MAX_PARAMS];
  char shrink_filter[32]; /* "": no shrink-on-load */
  char name[256];         /* the input's base name: a hint for the loader, and for messages */
  char allowed[512];      /* comma-separated GdkPixbuf format names; "": all */
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
  gint32 orig_width;
  gint32 orig_height;
  gint32 orientation;
  guint32 icc_len;      /* bytes of base64 after stride * height bytes of pixels */
  char format[32];
  char message[768];
} PpDecoderReply;

G_END_DECLS
