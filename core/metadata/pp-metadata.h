/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpMetadata: a photo's EXIF, XMP and IPTC as the raw blobs the codecs read and write, parsed
 * and rewritten through gexiv2 (exiv2): the EXIF orientation for every format, the fields that
 * name outputs, and the blobs an output gets (kept, normalised, or stripped of GPS). Every
 * function here is safe on any thread. Below io/ and codecs/, above nothing but GLib.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PP_METADATA_ERROR (pp_metadata_error_quark ())

typedef enum
{
  PP_METADATA_ERROR_INVALID, /* a blob is not what its kind says (not TIFF-structured EXIF…) */
  PP_METADATA_ERROR_FAILED,  /* exiv2 could not parse or write it */
} PpMetadataError;

/* What an output keeps of its source's metadata (ICC profiles are colour, not metadata: they
 * are always carried). */
typedef enum
{
  PP_METADATA_KEEP,      /* EXIF, XMP and IPTC, normalised (orientation, size, software) */
  PP_METADATA_STRIP,     /* nothing */
  PP_METADATA_STRIP_GPS, /* everything but the location: the EXIF GPS IFD and XMP exif:GPS* */
} PpMetadataPolicy;

#define PP_TYPE_METADATA_POLICY (pp_metadata_policy_get_type ())

/* The blobs as every codec exchanges them (each %NULL when absent):
 * - exif: the TIFF structure, header first ("II*\0" or "MM\0*", then IFD0…), with offsets
 *   relative to that header; no "Exif\0\0" prefix (JPEG's APP1 adds it, ISO BMFF's 4-byte
 *   offset is dropped: pp_metadata_exif_from_payload() accepts all three forms);
 * - xmp: one serialised XMP packet, UTF-8 XML (JPEG APP1 after its namespace string, PNG
 *   iTXt "XML:com.adobe.xmp", WebP "XMP ", TIFF tag 700, HEIF/JXL "xml " item);
 * - iptc: IPTC-IIM datasets (0x1C record dataset length value…), as in TIFF tag 33723 and in
 *   Photoshop's 8BIM resource 0x0404 inside JPEG APP13 (pp_metadata_iptc_from_photoshop() and
 *   pp_metadata_iptc_to_photoshop() unwrap and wrap it). */
typedef struct
{
  GBytes *exif;
  GBytes *xmp;
  GBytes *iptc;
} PpMetadataBlobs;

/* What an output is, for pp_metadata_normalize(). */
typedef struct
{
  PpMetadataPolicy policy;
  int width;          /* the output's pixel size */
  int height;
  int orientation;    /* its EXIF orientation, 1..8: 1 once the pixels are upright */
  gboolean holds_iptc; /* the format has a place for IPTC-IIM (JPEG APP13, TIFF tag 33723) */
} PpMetadataTarget;

/* What output names use ({date}, {time}, {camera}); each %NULL when unknown. */
typedef struct
{
  char *date;   /* "2023-07-14": the date taken, by the camera's clock */
  char *time;   /* "18-05-09" */
  char *camera; /* "Canon EOS R5", safe inside a file name */
  int orientation; /* EXIF orientation 1..8 (1 when absent) */
} PpMetadataFields;

GQuark      pp_metadata_error_quark        (void);
GType       pp_metadata_policy_get_type    (void) G_GNUC_CONST;

gboolean    pp_metadata_policy_from_string (const char            *name,
                                            PpMetadataPolicy      *policy);
const char *pp_metadata_policy_to_string   (PpMetadataPolicy       policy);

void        pp_metadata_blobs_clear        (PpMetadataBlobs       *blobs);
gboolean    pp_metadata_blobs_is_empty     (const PpMetadataBlobs *blobs);

GBytes     *pp_metadata_exif_from_payload  (const guint8          *data,
                                            gsize                  size,
                                            GError               **error);
int         pp_metadata_exif_get_orientation (GBytes              *exif);

GBytes     *pp_metadata_iptc_from_photoshop (const guint8         *data,
                                             gsize                 size);
GBytes     *pp_metadata_iptc_to_photoshop   (GBytes               *iptc);

void        pp_metadata_normalize           (const PpMetadataBlobs  *source,
                                             const PpMetadataTarget *target,
                                             PpMetadataBlobs        *out,
                                             char                  **note_out);

GBytes     *pp_metadata_exif_from_tiff_file (const guint8          *data,
                                             gsize                  size);
GBytes     *pp_metadata_tiff_embed          (GBytes                *tiff,
                                             const PpMetadataBlobs *blobs,
                                             char                 **note_out,
                                             GError               **error);

void        pp_metadata_read_fields         (const PpMetadataBlobs  *blobs,
                                             PpMetadataFields       *out);
gboolean    pp_metadata_read_file_fields    (const char             *path,
                                             PpMetadataFields       *out);
void        pp_metadata_fields_clear        (PpMetadataFields       *fields);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PpMetadataFields, pp_metadata_fields_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PpMetadataBlobs, pp_metadata_blobs_clear)

G_END_DECLS
