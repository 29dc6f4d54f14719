/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpIo: the front door for files. Loading runs the codecs (core/codecs/) in the isolated decoder
 * helper (core/decoder/) unless isolation is off: it refuses images over a pixel limit from the
 * header before decoding, shrinks JPEGs on load to a size hint, turns the pixels upright by their
 * EXIF (or native) orientation, keeps the ICC profile and the EXIF/XMP/IPTC blobs, reports
 * frames, pages and damage. Saving encodes with the codecs straight from the image's rows and
 * publishes atomically (an unnamed or temporary file in the destination folder, then a link or
 * rename). Every function here is safe on any thread.
 */
#pragma once

#include <time.h>

#include <gio/gio.h>

#include "codecs/pp-codec.h"
#include "image/pp-image.h"
#include "image/pp-types.h"

G_BEGIN_DECLS

#define PP_IO_ERROR (pp_io_error_quark ())

typedef enum
{
  PP_IO_ERROR_UNSUPPORTED, /* no enabled loader recognises the file, or a format cannot be saved */
  PP_IO_ERROR_TOO_LARGE,   /* the header declares more pixels than the limit allows */
  PP_IO_ERROR_DECODE,      /* the loader failed: damaged or truncated data */
  PP_IO_ERROR_ENCODE,      /* the saver failed */
  PP_IO_ERROR_WRITE,       /* the output could not be written or published */
  PP_IO_ERROR_EXISTS,      /* the output appeared while we were writing it (no overwrite) */
} PpIoError;

/* Output formats. PP_FORMAT_SAME is resolved per input by pp_format_for_input(). */
typedef enum
{
  PP_FORMAT_SAME,
  PP_FORMAT_JPEG,
  PP_FORMAT_PNG,
  PP_FORMAT_WEBP,
  PP_FORMAT_TIFF,
  PP_FORMAT_BMP,
  PP_FORMAT_AVIF, /* libheif with an AV1 encoder (codecs/pp-codec-heif.c) */
  PP_FORMAT_JXL,  /* libjxl (codecs/pp-codec-jxl.c) */
} PpFormat;

#define PP_TYPE_FORMAT (pp_format_get_type ())

/* What to do with the frames of an animation or the pages of a document (--frames). */
typedef enum
{
  PP_FRAMES_ALL,   /* keep them all where the output format can hold them, else the first with a
                    * note ("only the first of 3 frames kept") */
  PP_FRAMES_FIRST, /* keep the first only, with that note */
  PP_FRAMES_FAIL,  /* fail the file when the output cannot hold them all */
} PpFramesPolicy;

#define PP_TYPE_FRAMES_POLICY (pp_frames_policy_get_type ())

/* What to do with a truncated or damaged file (--damaged). */
typedef enum
{
  PP_DAMAGED_FAIL, /* fail it, saying what is wrong */
  PP_DAMAGED_KEEP, /* write what could be decoded, with the damage in the file's note */
} PpDamagedPolicy;

#define PP_TYPE_DAMAGED_POLICY (pp_damaged_policy_get_type ())

#define PP_IO_DEFAULT_MAX_MEGAPIXELS 128.0
#define PP_IO_DEFAULT_JPEG_QUALITY 90

typedef struct
{
  /* Pixels allowed, in millions (decimal); 0 means no limit. Checked from the header. */
  double max_megapixels;
  /* Leave pixels as stored instead of applying the EXIF orientation. */
  gboolean keep_orientation;
  /* Size hint, "decode at least W × H": the decode may be smaller than the image (JPEG: the
   * smallest DCT scale M/8 that still covers it) as long as fitting the upright image into
   * fit_width × fit_height loses nothing. 0 × 0: full size. See pp_pipeline_get_load_hint(). */
  int fit_width;
  int fit_height;
  /* Decode every frame/page (PpImageInfo.frames), not only the first. */
  gboolean all_frames;
  /* Return a damaged image (PpImageInfo.damage says how) instead of failing. */
  gboolean keep_damaged;
} PpLoadOptions;

typedef struct
{
  char *format;          /* the codec's name ("jpeg", "png", "webp", "tiff", "gif", "bmp"…) */
  int width;             /* as declared by the header, before shrink or orientation */
  int height;
  int loaded_width;      /* as decoded (after shrink-on-load, before orientation) */
  int loaded_height;
  int orientation;       /* EXIF (or TIFF) orientation 1..8 as found (1 when absent) */
  gboolean orientation_applied;
  GBytes *icc_profile;   /* (nullable) raw ICC profile bytes */
  PpMetadataBlobs metadata; /* EXIF, XMP, IPTC as found (metadata/pp-metadata.h) */
  guint n_frames;        /* frames or pages the file declares; 1 for a still */
  gboolean animated;     /* frames of an animation (timed), not pages */
  int loop_count;        /* animation: 0 = forever */
  /* (nullable) every decoded frame (PpFrame*), the first included (the same pixels as the
   * returned image), when all_frames was asked and the file has more than one */
  GPtrArray *frames;
  char *damage;          /* (nullable) the damage of a file kept with keep_damaged, in words */
} PpImageInfo;

typedef struct
{
  PpFormat format;       /* not PP_FORMAT_SAME */
  int quality;           /* JPEG and WebP, 1..100 */
  int png_compression;   /* 0..9, -1 for the saver's default */
  GBytes *icc_profile;   /* (nullable) written where the format can hold one */
  /* (nullable) EXIF, XMP and IPTC to embed in the format's native way (normalised by
   * core/metadata/ first); dropped where the format cannot hold them (pp_format_holds()) */
  const PpMetadataBlobs *metadata;
  int loop_count;        /* animations: 0 = forever */
  /* (nullable) where the save says, in words, what the format could not keep (each followed by
   * "; "), for the file's note */
  GString *notes;
  gboolean overwrite;    /* replace an existing file; otherwise fail with PP_IO_ERROR_EXISTS */
  /* File attributes, set before the file gets its name (so it never has others, even for a
   * moment): permission bits (0..0777), or -1 for a new file's (0666 less the umask) within
   * mode_limit (-1: no limit); and the modification time when set_mtime, else the time of
   * writing. */
  int mode;
  int mode_limit;
  gboolean set_mtime;
  struct timespec mtime;
} PpSaveOptions;

/* Time spent in each step of a save, for the run record. */
typedef struct
{
  gint64 encode_us;
  gint64 write_us;
} PpSaveTimes;

GQuark      pp_io_error_quark         (void);
GType       pp_format_get_type        (void) G_GNUC_CONST;
GType       pp_frames_policy_get_type (void) G_GNUC_CONST;
GType       pp_damaged_policy_get_type (void) G_GNUC_CONST;

void        pp_load_options_init      (PpLoadOptions        *options);
void        pp_save_options_init      (PpSaveOptions        *options);
void        pp_image_info_clear       (PpImageInfo          *info);

/* Formats: "jpeg" <-> PP_FORMAT_JPEG; the usual extension; whether it can be written here. */
gboolean    pp_format_from_string     (const char           *name,
                                       PpFormat             *format);
const char *pp_format_to_string       (PpFormat              format);
const char *pp_format_get_extension   (PpFormat              format);
gboolean    pp_format_can_save        (PpFormat              format);
PpCodecHolds pp_format_get_holds      (PpFormat              format);
gboolean    pp_format_holds           (PpFormat              format,
                                       PpCodecHolds          what);
gboolean    pp_format_from_extension  (const char           *extension,
                                       PpFormat             *format);
PpFormat    pp_format_for_input       (const char           *path,
                                       gboolean             *by_content,
                                       gboolean             *fell_back);

/* The GdkPixbuf loaders Parapix leaves enabled (NULL-terminated names); every other one is
 * disabled in this process, since it only widens what a crafted file can reach (QuickTime: a
 * 44-byte file asks for 11 GB). The decoder helper applies the same list. */
const char *const *pp_io_get_allowed_formats (void);
char       *pp_io_describe_formats    (void);

void        pp_io_init                (void);

/* Whether a path names a file one of the enabled loaders reads (by extension, else by content). */
gboolean    pp_io_is_supported        (const char           *path,
                                       const char           *content_type);

gboolean    pp_io_read_header         (const char           *path,
                                       PpImageInfo          *info_out,
                                       GError              **error);
PpImage    *pp_io_load                (const char           *path,
                                       const PpLoadOptions  *options,
                                       PpImageInfo          *info_out,
                                       GCancellable         *cancellable,
                                       GError              **error);
gboolean    pp_io_save                (PpImage              *image,
                                       const char           *path,
                                       const PpSaveOptions  *options,
                                       PpSaveTimes          *times_out,
                                       GCancellable         *cancellable,
                                       GError              **error);
gboolean    pp_io_save_frames         (const PpFrame        *frames,
                                       guint                 n_frames,
                                       const char           *path,
                                       const PpSaveOptions  *options,
                                       PpSaveTimes          *times_out,
                                       GCancellable         *cancellable,
                                       GError              **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PpImageInfo, pp_image_info_clear)

G_END_DECLS
