/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpIo: loading and saving images through GdkPixbuf, safely. Loading refuses images over a pixel
 * limit from the header before decoding, shrinks JPEGs on load when the pipeline starts with a
 * downscale, applies EXIF orientation and keeps the ICC profile; saving is atomic (temporary
 * file in the destination folder, then rename). Every function here is safe on any thread.
 */
#pragma once

#include <gio/gio.h>

#include "image/pp-image.h"
#include "render/pp-pipeline.h"
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
} PpFormat;

#define PP_TYPE_FORMAT (pp_format_get_type ())

#define PP_IO_DEFAULT_MAX_MEGAPIXELS 128.0
#define PP_IO_DEFAULT_JPEG_QUALITY 90

typedef struct
{
  /* Pixels allowed, in millions (decimal); 0 means no limit. Checked from the header. */
  double max_megapixels;
  /* Leave pixels as stored instead of applying the EXIF orientation. */
  gboolean keep_orientation;
  /* (nullable) when its first enabled step is a downscale, JPEGs decode at 1/2, 1/4 or 1/8
   * scale (exactly the DCT-scaled size, so the loader adds no resampling of its own). */
  PpPipeline *pipeline;
} PpLoadOptions;

typedef struct
{
  char *format;          /* GdkPixbuf format name: "jpeg", "png", "webp"… */
  int width;             /* as declared by the header, before shrink or orientation */
  int height;
  int loaded_width;      /* as decoded (after shrink-on-load, before orientation) */
  int loaded_height;
  int orientation;       /* EXIF orientation 1..8 as found (1 when absent) */
  gboolean orientation_applied;
  GBytes *icc_profile;   /* (nullable) raw ICC profile bytes */
} PpImageInfo;

typedef struct
{
  PpFormat format;       /* not PP_FORMAT_SAME */
  int quality;           /* JPEG and WebP, 1..100 */
  int png_compression;   /* 0..9, -1 for the saver's default */
  GBytes *icc_profile;   /* (nullable) written where the format can hold one */
  gboolean overwrite;    /* replace an existing file; otherwise fail with PP_IO_ERROR_EXISTS */
} PpSaveOptions;

/* Time spent in each step of a save, for the run record. */
typedef struct
{
  gint64 encode_us;
  gint64 write_us;
} PpSaveTimes;

GQuark      pp_io_error_quark         (void);
GType       pp_format_get_type        (void) G_GNUC_CONST;

void        pp_load_options_init      (PpLoadOptions        *options);
void        pp_save_options_init      (PpSaveOptions        *options);
void        pp_image_info_clear       (PpImageInfo          *info);

/* Formats: "jpeg" <-> PP_FORMAT_JPEG; the usual extension; whether it can be written here. */
gboolean    pp_format_from_string     (const char           *name,
                                       PpFormat             *format);
const char *pp_format_to_string       (PpFormat              format);
const char *pp_format_get_extension   (PpFormat              format);
gboolean    pp_format_can_save        (PpFormat              format);
PpFormat    pp_format_for_input       (const char           *path,
                                       gboolean             *fell_back);

/* The GdkPixbuf loaders Parapix uses (NULL-terminated names); every other one is disabled
 * in this process, since it only widens what a crafted file can reach (QuickTime: a 44-byte
 * file asks for 11 GB). A helper process that decodes for us must apply the same list. */
const char *const *pp_io_get_allowed_formats (void);

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

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PpImageInfo, pp_image_info_clear)

G_END_DECLS
