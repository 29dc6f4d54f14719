/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpCodec: one image format's decoder and encoder, behind one small table of functions. Each
 * codec lives in its own file (pp-codec-jpeg.c, pp-codec-png.c…) and works on whole files in
 * memory: probe the header (size, frames, alpha) without decoding pixels, decode at a scale into
 * images the caller allocates, encode frames with options, and carry the metadata blobs (EXIF,
 * XMP, IPTC-IIM, ICC) out of and into the format's native containers. Codecs never interpret
 * metadata: core/metadata/ does. Formats without a codec of their own go through the GdkPixbuf
 * loaders (pp-codec-pixbuf.c, allow-listed).
 *
 * Threads: every function here may run on any thread, concurrently with itself (no global
 * state; libjpeg/libpng errors unwind with a setjmp per call). Decoding normally runs inside the
 * isolated parapix-decoder helper (core/decoder/); in-process only when isolation is off.
 */
#pragma once

#include <gio/gio.h>

#include "image/pp-image.h"
#include "metadata/pp-metadata.h"

G_BEGIN_DECLS

#define PP_CODEC_ERROR (pp_codec_error_quark ())

typedef enum
{
  PP_CODEC_ERROR_UNSUPPORTED, /* not a format we read, or a variant this codec cannot handle
                               * (the message names it: "lossless JPEG (SOF3) is not supported") */
  PP_CODEC_ERROR_TOO_LARGE,   /* the header declares more pixels than allowed */
  PP_CODEC_ERROR_DAMAGED,     /* damaged or truncated data (the message says how, in words) */
  PP_CODEC_ERROR_ENCODE,      /* the encoder failed, or cannot hold this image (size, frames) */
  PP_CODEC_ERROR_NO_MEMORY,   /* an allocation for pixels failed */
} PpCodecError;

/* What a header says before any pixel is decoded. Sizes are of the stored (unrotated) pixels. */
typedef struct
{
  const char *format; /* the codec's name ("jpeg", "png", "webp", "tiff", "heif", "jxl") or,
                       * for the fallback, the GdkPixbuf format name ("gif", "bmp"…); static */
  int width;          /* of the first frame or page (the canvas of an animation) */
  int height;
  guint n_frames;     /* frames of an animation or pages of a document; 1 for a still image */
  gboolean animated;  /* the frames are timed (GIF, WebP, AVIF sequences), not pages (TIFF) */
  gboolean has_alpha;
} PpCodecHeader;

/* One frame or page. Frames of an animation are whole composited canvases, as shown. */
typedef struct
{
  PpImage *image;
  int delay_ms; /* how long an animation shows it; 0 for pages and stills */
} PpFrame;

/* Where decoded pixels go: an image of exactly this size and channel count, e.g. inside the
 * helper's shared memory. Return %NULL when there is no memory for it. */
typedef PpImage *(*PpImageAllocator) (int      width,
                                      int      height,
                                      int      channels,
                                      gpointer user_data);

typedef struct
{
  /* Decode at least this many stored pixels across and down: a codec that can shrink cheaply
   * while decoding (JPEG's DCT scaling: M/8, M = 1..8) picks the smallest scale whose output is
   * at least this big; others decode at full size. 0 × 0: full size. */
  int min_width;
  int min_height;
  /* Every frame/page, or only the first. */
  gboolean all_frames;
  /* Refuse, before pixel memory exists, when the pixels to decode (all frames counted when
   * @all_frames) exceed this; 0: no limit. */
  double max_pixels;
  /* (nullable) the file's base name, for formats known by extension (GdkPixbuf fallback) */
  const char *name;
  /* (nullable) defaults to pp_image_new() */
  PpImageAllocator allocate;
  gpointer allocate_data;
} PpDecodeParams;

/* What a decode gives back. Clear with pp_decoded_clear(). */
typedef struct
{
  PpCodecHeader header;
  GPtrArray *frames;        /* of PpFrame* (free with pp_frame_free); at least one on success;
                             * the first is the image, the rest only when all_frames */
  int loop_count;           /* animation: 0 = forever */
  PpMetadataBlobs metadata; /* the EXIF, XMP and IPTC blobs the file carries, raw
                             * (metadata/pp-metadata.h says each blob's form) */
  GBytes *icc;              /* (nullable) the ICC profile the file carries, whole */
  /* From a codec: an orientation the format states natively (TIFF tag 274), 1..8; 0 when it
   * has none (then the EXIF blob's counts; libheif and libjxl apply theirs while decoding and
   * leave this 1). After pp_codec_load_fd(): the orientation found, 1..8, whichever said it. */
  int orientation;
  gboolean orientation_applied; /* the frames were turned upright (PpLoadRequest) */
  /* (nullable) damage the decoder survived, in plain words for a user, with the pixels it
   * affects: "the file ends early: the bottom 31 % of the image is missing". Pixels that could
   * not be decoded are filled (grey, or transparent). Never set together with an error. */
  char *damage;
} PpDecoded;

/* What an encoder is asked for. */
typedef struct
{
  int quality;          /* 1..100 (JPEG, lossy WebP, AVIF, JPEG XL: each codec's file says how
                         * it maps); ignored by lossless formats */
  int compression;      /* PNG/TIFF deflate level 0..9; -1: the codec's default */
  int loop_count;       /* animation output: 0 = forever */
  /* (nullable) blobs to embed, already normalised (core/metadata/), each in the format's
   * native place; a format that cannot hold one drops it (its codec's .holds) */
  const PpMetadataBlobs *metadata;
  GBytes *icc;          /* (nullable) an ICC profile to embed */
  /* (nullable) where an encoder says, in words, what it had to leave out ("the 70 KiB EXIF
   * does not fit a JPEG marker"), each note followed by "; " */
  GString *notes;
} PpEncodeOptions;

/* What a format can hold, for the notes ("only the first of 3 frames kept") and for fidelity's
 * "metadata dropped" notes. */
typedef enum
{
  PP_CODEC_HOLDS_ALPHA = 1 << 0,
  PP_CODEC_HOLDS_ANIMATION = 1 << 1, /* timed frames */
  PP_CODEC_HOLDS_PAGES = 1 << 2,     /* several images of any sizes */
  PP_CODEC_HOLDS_EXIF = 1 << 3,
  PP_CODEC_HOLDS_XMP = 1 << 4,
  PP_CODEC_HOLDS_IPTC = 1 << 5,
  PP_CODEC_HOLDS_ICC = 1 << 6,
} PpCodecHolds;

typedef struct _PpCodec PpCodec;

struct _PpCodec
{
  const char *name;              /* "jpeg", "png", "webp", "tiff", "heif", "jxl", "pixbuf" */
  const char *const *extensions; /* lowercase, without the dot; the first is the one we write */
  const char *const *mime_types;
  PpCodecHolds holds;            /* what its encoder keeps */
  gboolean shrinks;              /* decode honours PpDecodeParams.min_width/min_height */

  /* Whether @head (the first @size bytes, at least 64 when the file has them) is this format,
   * by its signature. Cheap; no allocation. */
  gboolean (*sniff)  (const guint8          *head,
                      gsize                  size);
  /* Reads the header of the whole file @data without decoding pixels; @name (nullable) is the
   * file's base name, which only the GdkPixbuf fallback uses (some of its formats have no
   * signature). Errors: PP_CODEC_ERROR. */
  gboolean (*probe)  (const guint8          *data,
                      gsize                  size,
                      const char            *name,
                      PpCodecHeader         *header,
                      GError               **error);
  /* Decodes @data into @out (zeroed by the caller) as 8-bit RGB or RGBA (straight alpha):
   * header, frames, metadata blobs, damage. Checks @params->max_pixels from the header before
   * allocating pixels. Errors: PP_CODEC_ERROR; on error @out may hold partial results, which
   * the caller clears. */
  gboolean (*decode) (const guint8          *data,
                      gsize                  size,
                      const PpDecodeParams  *params,
                      PpDecoded             *out,
                      GError               **error);
  /* (nullable: the codec only decodes) Encodes @n_frames frames (1 unless holds has
   * ANIMATION or PAGES) by appending the file to @out, reading the images' rows where they
   * are (no copy of the pixels). Errors: PP_CODEC_ERROR_ENCODE. */
  gboolean (*encode) (const PpFrame         *frames,
                      guint                  n_frames,
                      const PpEncodeOptions *options,
                      GByteArray            *out,
                      GError               **error);
};

/* What pp_codec_load_fd() is asked for: the whole load, as the decoder helper runs it. */
typedef struct
{
  /* Refuse from the header when the pixels to decode exceed this; 0: no limit. */
  double max_pixels;
  /* Size hint: decode at least what fitting the displayed image into fit_width × fit_height
   * needs (both orientations are allowed for, since EXIF may turn the image); 0: full size. */
  int fit_width;
  int fit_height;
  gboolean all_frames;   /* every frame/page, or the first only */
  gboolean keep_damaged; /* return a damaged image (PpDecoded.damage says how); else fail */
  gboolean apply_orientation; /* turn the frames upright (EXIF or native orientation) */
  const char *name;      /* (nullable) the file's base name (formats known by extension) */
  PpImageAllocator allocate; /* (nullable) where pixels go */
  gpointer allocate_data;
} PpLoadRequest;

GQuark          pp_codec_error_quark        (void);

/* The registry (pp-codec.c): every codec compiled in, the GdkPixbuf fallback last. */
const PpCodec *const *pp_codec_list         (guint                 *n_codecs);
const PpCodec  *pp_codec_lookup             (const char            *name);
const PpCodec  *pp_codec_for_data           (const guint8          *head,
                                             gsize                  size);

/* The whole load (pp-codec-load.c): read, pick the codec, check, decode, orientation. */
void            pp_load_request_init        (PpLoadRequest         *request);
gboolean        pp_codec_load_fd            (int                    fd,
                                             const PpLoadRequest   *request,
                                             PpDecoded             *out,
                                             GError               **error);
gboolean        pp_codec_probe_fd           (int                    fd,
                                             const char            *name,
                                             PpCodecHeader         *header,
                                             GError               **error);
PpImage       *pp_codec_copy_oriented      (const guint8          *pixels,
                                             int                    stride,
                                             int                    width,
                                             int                    height,
                                             int                    channels,
                                             int                    orientation,
                                             GError               **error);
void            pp_codec_init               (void);
const char *const *pp_codec_get_allowed_pixbuf_formats (void);
gboolean        pp_codec_mime_database_missing (void);
void            pp_codec_get_fit_load_size  (int                    width,
                                             int                    height,
                                             int                    fit_width,
                                             int                    fit_height,
                                             int                   *min_width,
                                             int                   *min_height);

void            pp_decode_params_init       (PpDecodeParams        *params);
void            pp_encode_options_init      (PpEncodeOptions       *options);
PpFrame        *pp_frame_new                (PpImage               *image,
                                             int                    delay_ms);
void            pp_frame_free               (PpFrame               *frame);
void            pp_frame_clear_image        (PpFrame               *frame);
void            pp_decoded_clear            (PpDecoded             *decoded);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PpDecoded, pp_decoded_clear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpFrame, pp_frame_free)

G_END_DECLS
