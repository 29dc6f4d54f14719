/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TIFF keeps its EXIF in the file's own directory tree (IFD0 shares descriptive tags with
 * image-structure ones, and points to the Exif and GPS IFDs), so neither reading nor writing
 * is a blob copy: exiv2 reads the tree, and rewrites it around libtiff's pixels.
 */
#define G_LOG_DOMAIN "pp-metadata"

#include "config.h"

#include <string.h>

#include "metadata/pp-metadata-private.h"

/* IFD0 tags that describe the file's pixels and storage, not the photo (TIFF 6.0 sections 3-8,
 * and the blocks other tags hold): a new file has its own. */
static const char *const structure_tags[] = {
  "Exif.Image.NewSubfileType",       "Exif.Image.SubfileType",
  "Exif.Image.ImageWidth",           "Exif.Image.ImageLength",
  "Exif.Image.BitsPerSample",        "Exif.Image.Compression",
  "Exif.Image.PhotometricInterpretation", "Exif.Image.FillOrder",
  "Exif.Image.StripOffsets",         "Exif.Image.SamplesPerPixel",
  "Exif.Image.RowsPerStrip",         "Exif.Image.StripByteCounts",
  "Exif.Image.PlanarConfiguration",  "Exif.Image.Predictor",
  "Exif.Image.TileWidth",            "Exif.Image.TileLength",
  "Exif.Image.TileOffsets",          "Exif.Image.TileByteCounts",
  "Exif.Image.SubIFDs",              "Exif.Image.ExtraSamples",
  "Exif.Image.SampleFormat",         "Exif.Image.JPEGTables",
  "Exif.Image.YCbCrCoefficients",    "Exif.Image.YCbCrSubSampling",
  "Exif.Image.YCbCrPositioning",     "Exif.Image.ReferenceBlackWhite",
  "Exif.Image.XMLPacket",            "Exif.Image.IPTCNAA",
  "Exif.Image.InterColorProfile",    "Exif.Image.ImageResources",
  "Exif.Image.JPEGInterchangeFormat", "Exif.Image.JPEGInterchangeFormatLength",
};

/**
 * pp_metadata_exif_from_tiff_file:
 * @data: (array length=size): a whole TIFF file
 * @size: bytes in @data
 *
 * The EXIF blob of a TIFF file: IFD0's descriptive tags (Make, Model, DateTime, Artist,
 * Copyright, Orientation…) with the Exif and GPS IFDs, without the tags that describe the
 * file's storage (sizes, strips, tiles, compression…) or hold other blocks (XMP 700, IPTC
 * 33723, ICC 34675: the codec reads those itself).
 *
 * Returns: (transfer full) (nullable): the blob in the file's byte order, or %NULL when the
 * file has no EXIF or exiv2 cannot read it. Thread-safe.
 */
GBytes *
pp_metadata_exif_from_tiff_file (const guint8 *data,
                                 gsize         size)
{
  g_autoptr (GExiv2Metadata) metadata = gexiv2_metadata_new ();
  GBytes *exif = NULL;
  gboolean useful = FALSE;

  g_return_val_if_fail (data != NULL || size == 0, NULL);

  if (size < 8 || (memcmp (data, "II*\0", 4) != 0 && memcmp (data, "MM\0*", 4) != 0))
    return NULL;
  _pp_metadata_lock ();
  if (gexiv2_metadata_open_buf (metadata, data, (glong) size, NULL)
      && gexiv2_metadata_has_exif (metadata))
    {
      g_auto (GStrv) tags = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (structure_tags); i++)
        gexiv2_metadata_try_clear_tag (metadata, structure_tags[i], NULL);
      /* A TIFF whose only tags were structure has no EXIF to speak of. */
      tags = gexiv2_metadata_get_exif_tags (metadata);
      for (guint i = 0; tags != NULL && tags[i] != NULL && !useful; i++)
        useful = !g_str_equal (tags[i], "Exif.Image.ExifTag")
                 && !g_str_equal (tags[i], "Exif.Image.GPSTag");
      if (useful)
        exif = gexiv2_metadata_get_exif_data (metadata, data[0] == 'M' ? GEXIV2_BYTE_ORDER_BIG
                                                                        : GEXIV2_BYTE_ORDER_LITTLE,
                                              NULL);
    }
  g_clear_object (&metadata);
  _pp_metadata_unlock ();
  return exif;
}

/* gexiv2 writes through a stream of callbacks: this one is a byte array, grown on write. */
typedef struct
{
  GByteArray *bytes;
  gint64 position;
} MemoryStream;

static gboolean
stream_yes (void *handle)
{
  return TRUE;
}

static gint64
stream_length (void *handle)
{
  return ((MemoryStream *) handle)->bytes->len;
}

static gint64
stream_position (void *handle)
{
  return ((MemoryStream *) handle)->position;
}

static gint32
stream_read (void   *handle,
             void   *buffer,
             gint32  offset,
             gint32  count)
{
  MemoryStream *stream = handle;
  gint64 left = (gint64) stream->bytes->len - stream->position;
  gint32 n = (gint32) CLAMP (left, 0, count);

  memcpy ((guint8 *) buffer + offset, stream->bytes->data + stream->position, n);
  stream->position += n;
  return n;
}

static void
stream_write (void   *handle,
              void   *buffer,
              gint32  offset,
              gint32  count)
{
  MemoryStream *stream = handle;

  if (stream->position + count > (gint64) stream->bytes->len)
    g_byte_array_set_size (stream->bytes, stream->position + count);
  memcpy (stream->bytes->data + stream->position, (guint8 *) buffer + offset, count);
  stream->position += count;
}

static void
stream_seek (void             *handle,
             gint64            offset,
             WrapperSeekOrigin origin)
{
  MemoryStream *stream = handle;
  gint64 base = origin == Begin ? 0 : origin == Current ? stream->position : stream->bytes->len;

  stream->position = CLAMP (base + offset, 0, (gint64) stream->bytes->len);
}

static void
stream_flush (void *handle)
{
}

/* Appends a JPEG marker segment: marker, length, @header, @data. */
static void
append_segment (GByteArray   *jpeg,
                guint8        marker,
                const void   *header,
                gsize         header_size,
                const guint8 *data,
                gsize         size)
{
  gsize length = 2 + header_size + size;

  g_assert (length <= 0xffff);
  g_byte_array_append (jpeg, (const guint8[]) { 0xff, marker, length >> 8, length & 0xff }, 4);
  g_byte_array_append (jpeg, header, header_size);
  g_byte_array_append (jpeg, data, size);
}

#define JPEG_MAX_PAYLOAD 65533
static const char xmp_namespace[] = "http://ns.adobe.com/xap/1.0/"; /* with its NUL */

/* One GExiv2Metadata holding all three blobs, parsed: exiv2 reads them together only from a
 * container, and a JPEG made of nothing but its metadata segments is the simplest one. A blob
 * too large for one segment is left out and said so in @note. */
static GExiv2Metadata *
open_all (const PpMetadataBlobs *blobs,
          GString               *note)
{
  g_autoptr (GExiv2Metadata) metadata = gexiv2_metadata_new ();
  g_autoptr (GByteArray) jpeg = g_byte_array_new ();

  g_byte_array_append (jpeg, (const guint8[]) { 0xff, 0xd8 }, 2);
  if (blobs->exif != NULL)
    {
      if (g_bytes_get_size (blobs->exif) + 6 <= JPEG_MAX_PAYLOAD)
        append_segment (jpeg, 0xe1, "Exif\0\0", 6, g_bytes_get_data (blobs->exif, NULL),
                        g_bytes_get_size (blobs->exif));
      else
        g_string_append (note, "the EXIF data is larger than 64 KiB and was not kept; ");
    }
  if (blobs->xmp != NULL)
    {
      if (g_bytes_get_size (blobs->xmp) + sizeof xmp_namespace <= JPEG_MAX_PAYLOAD)
        append_segment (jpeg, 0xe1, xmp_namespace, sizeof xmp_namespace,
                        g_bytes_get_data (blobs->xmp, NULL), g_bytes_get_size (blobs->xmp));
      else
        g_string_append (note, "the XMP data is larger than 64 KiB and was not kept; ");
    }
  if (blobs->iptc != NULL)
    {
      g_autoptr (GBytes) block = pp_metadata_iptc_to_photoshop (blobs->iptc);
      const guint8 *p = g_bytes_get_data (block, NULL);
      gsize left = g_bytes_get_size (block);
      const gsize signature = sizeof "Photoshop 3.0";
      gboolean first = TRUE;

      while (left > 0)
        {
          gsize n = MIN (left, JPEG_MAX_PAYLOAD - (first ? 0 : signature));

          append_segment (jpeg, 0xed, "Photoshop 3.0", first ? 0 : signature, p, n);
          p += n;
          left -= n;
          first = FALSE;
        }
    }
  g_byte_array_append (jpeg, (const guint8[]) { 0xff, 0xd9 }, 2);
  if (!gexiv2_metadata_open_buf (metadata, jpeg->data, jpeg->len, NULL))
    return NULL;
  return g_steal_pointer (&metadata);
}

/**
 * pp_metadata_tiff_embed:
 * @tiff: a whole TIFF file as libtiff wrote it (pixels, ICC; any metadata in it is replaced)
 * @blobs: the metadata it is to carry (normalised: pp_metadata_normalize())
 * @note_out: (out) (optional) (transfer full): %NULL, or what could not be kept, in words
 * @error: PP_METADATA_ERROR_FAILED when exiv2 cannot rewrite the file
 *
 * Writes @blobs into the TIFF's own structure: EXIF tags into IFD0 with its Exif and GPS IFDs,
 * XMP as tag 700, IPTC-IIM as tag 33723; the image data, its structure tags and the ICC
 * profile stay as they are. EXIF or XMP over 64 KiB is left out (with a note).
 *
 * Returns: (transfer full): the new file, or %NULL with @error set. Thread-safe.
 */
GBytes *
pp_metadata_tiff_embed (GBytes                *tiff,
                        const PpMetadataBlobs *blobs,
                        char                 **note_out,
                        GError               **error)
{
  g_autoptr (GString) note = g_string_new (NULL);
  g_autoptr (GExiv2Metadata) metadata = NULL;
  g_autoptr (GError) local_error = NULL;
  MemoryStream stream = { g_byte_array_new (), 0 };
  ManagedStreamCallbacks callbacks = {
    &stream,      stream_yes,  stream_yes,   stream_yes,  stream_length,
    stream_position, stream_read, stream_write, stream_seek, stream_flush,
  };
  gboolean ok;

  g_return_val_if_fail (tiff != NULL && blobs != NULL, NULL);

  if (note_out != NULL)
    *note_out = NULL;
  g_byte_array_append (stream.bytes, g_bytes_get_data (tiff, NULL), g_bytes_get_size (tiff));
  _pp_metadata_lock ();
  metadata = open_all (blobs, note);
  ok = metadata != NULL && gexiv2_metadata_save_stream (metadata, &callbacks, &local_error);
  g_clear_object (&metadata);
  _pp_metadata_unlock ();
  if (!ok)
    {
      g_set_error (error, PP_METADATA_ERROR, PP_METADATA_ERROR_FAILED,
                   "The metadata could not be written into the TIFF file: %s",
                   local_error != NULL ? local_error->message : "exiv2 could not read it");
      g_byte_array_unref (stream.bytes);
      return NULL;
    }
  if (note_out != NULL && note->len > 0)
    {
      g_string_truncate (note, note->len - 2);
      *note_out = g_string_free (g_steal_pointer (&note), FALSE);
    }
  return g_byte_array_free_to_bytes (stream.bytes);
}
