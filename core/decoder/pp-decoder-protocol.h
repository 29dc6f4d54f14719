/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The protocol between PpDecoder (the client, pp-decoder.c) and the parapix-decoder helper
 * (pp-decoder-helper.c), shared by both ends as glycin shares its wire types: fixed-size
 * messages on a SOCK_SEQPACKET socketpair, the input file travelling as a descriptor and the
 * results as one sealed memfd (SCM_RIGHTS). The memfd holds the frames' pixels, the metadata
 * blobs and a table of frames; the reply gives their offsets, and the client checks every one of
 * them against the memfd's size before reading.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PP_DECODER_MAGIC 0x34445050u /* "PPD4": bumped whenever a struct below changes */
#define PP_DECODER_FD 3              /* the helper's end of the socketpair */

/* Exit status of a helper that noticed it ran out of memory (GLib's allocation failure). */
#define PP_DECODER_EXIT_OOM 86

/* At most this many frames in one reply: more is an attack, not an animation. */
#define PP_DECODER_MAX_FRAMES 100000

/* Error domains, as numbers on the wire. */
enum
{
  PP_DECODER_DOMAIN_CODEC = 0,   /* PP_CODEC_ERROR */
  PP_DECODER_DOMAIN_GIO = 1,     /* G_IO_ERROR */
  PP_DECODER_DOMAIN_DECODER = 2, /* PP_DECODER_ERROR */
};

/* One file to load: the descriptor is attached. Mirrors PpLoadRequest. */
typedef struct
{
  guint32 magic;
  guint32 all_frames;
  guint32 keep_damaged;
  gint32 fit_width;
  gint32 fit_height;
  guint32 reserved;
  double max_pixels;
  char name[256]; /* the input's base name: formats known by extension, and messages */
} PpDecoderRequest;

/* Where one frame's pixels are in the memfd (rows as stored, not yet oriented). */
typedef struct
{
  guint64 offset;
  gint32 width;
  gint32 height;
  gint32 channels;
  gint32 stride;
  gint32 delay_ms;
  guint32 reserved;
} PpDecoderFrame;

/* A byte range of the memfd; length 0: absent. */
typedef struct
{
  guint64 offset;
  guint64 length;
} PpDecoderBlob;

enum
{
  PP_DECODER_BLOB_EXIF,
  PP_DECODER_BLOB_XMP,
  PP_DECODER_BLOB_IPTC,
  PP_DECODER_BLOB_ICC,
  PP_DECODER_BLOB_DAMAGE, /* the damage text (UTF-8), when the client asked to keep damage */
  PP_DECODER_N_BLOBS,
};

/* The answer to a request (also the hello a new helper sends first, with ok = 1). With ok = 1
 * a memfd is attached, holding n_frames PpDecoderFrame at frame_table and what they point to. */
typedef struct
{
  guint32 magic;
  guint32 ok;
  guint32 error_domain;
  gint32 error_code;
  /* The header as the file declares it (stored orientation). */
  gint32 width;
  gint32 height;
  guint32 n_frames_declared;
  guint32 animated;
  guint32 has_alpha;
  gint32 loop_count;
  gint32 orientation;   /* 1..8: how to turn the stored pixels upright */
  guint32 n_frames;     /* frames in the memfd */
  guint64 frame_table;  /* offset of PpDecoderFrame[n_frames] */
  PpDecoderBlob blobs[PP_DECODER_N_BLOBS];
  guint64 cpu_us;       /* the helper's own CPU time so far (user + system, all threads) */
  char format[32];
  char message[768];    /* the error, when ok = 0 */
} PpDecoderReply;

G_END_DECLS
