/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The metadata blobs, the one lock around exiv2, and what the codecs need while decoding: the
 * EXIF orientation from an EXIF blob in any of its wrappings, and IPTC in and out of JPEG's
 * Photoshop APP13 resource block.
 */
#define G_LOG_DOMAIN "pp-metadata"

#include "config.h"

#include <string.h>

#include "metadata/pp-metadata-private.h"

G_DEFINE_QUARK (pp-metadata-error-quark, pp_metadata_error)

static const GEnumValue policy_values[] = {
  { PP_METADATA_KEEP, "PP_METADATA_KEEP", "keep" },
  { PP_METADATA_STRIP, "PP_METADATA_STRIP", "strip" },
  { PP_METADATA_STRIP_GPS, "PP_METADATA_STRIP_GPS", "strip-gps" },
  { 0, NULL, NULL },
};

GType
pp_metadata_policy_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static ("PpMetadataPolicy", policy_values));
  return type_id;
}

/**
 * pp_metadata_policy_from_string:
 * @name: "keep", "strip" or "strip-gps"
 * @policy: (out): the policy, set only on success
 *
 * Returns: whether @name is one of the policies' names.
 */
gboolean
pp_metadata_policy_from_string (const char       *name,
                                PpMetadataPolicy *policy)
{
  g_return_val_if_fail (policy != NULL, FALSE);

  for (guint i = 0; name != NULL && policy_values[i].value_nick != NULL; i++)
    if (strcmp (name, policy_values[i].value_nick) == 0)
      {
        *policy = policy_values[i].value;
        return TRUE;
      }
  return FALSE;
}

/**
 * pp_metadata_policy_to_string:
 *
 * Returns: (transfer none): the policy's name as the command line spells it ("strip-gps").
 */
const char *
pp_metadata_policy_to_string (PpMetadataPolicy policy)
{
  g_return_val_if_fail (policy <= PP_METADATA_STRIP_GPS, NULL);
  return policy_values[policy].value_nick;
}

static GMutex exiv2_lock;

void
_pp_metadata_lock (void)
{
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      /* exiv2 warns on stderr about every odd tag it meets; we report what matters ourselves. */
      gexiv2_log_set_level (GEXIV2_LOG_LEVEL_MUTE);
      if (!gexiv2_initialize ())
        g_critical ("exiv2 could not be initialised: metadata will be dropped");
      g_once_init_leave (&initialised, 1);
    }
  g_mutex_lock (&exiv2_lock);
}

void
_pp_metadata_unlock (void)
{
  g_mutex_unlock (&exiv2_lock);
}

/**
 * pp_metadata_blobs_clear:
 * @blobs: blobs to release; the struct itself is not freed
 *
 * Drops the three blobs' references and leaves them %NULL. Safe on cleared blobs.
 */
void
pp_metadata_blobs_clear (PpMetadataBlobs *blobs)
{
  g_return_if_fail (blobs != NULL);

  g_clear_pointer (&blobs->exif, g_bytes_unref);
  g_clear_pointer (&blobs->xmp, g_bytes_unref);
  g_clear_pointer (&blobs->iptc, g_bytes_unref);
}

/**
 * pp_metadata_blobs_is_empty:
 *
 * Returns: whether none of the three blobs is present.
 */
gboolean
pp_metadata_blobs_is_empty (const PpMetadataBlobs *blobs)
{
  g_return_val_if_fail (blobs != NULL, TRUE);
  return blobs->exif == NULL && blobs->xmp == NULL && blobs->iptc == NULL;
}

static gboolean
is_tiff_header (const guint8 *data,
                gsize         size)
{
  return size >= 8
         && ((data[0] == 'I' && data[1] == 'I' && data[2] == 42 && data[3] == 0)
             || (data[0] == 'M' && data[1] == 'M' && data[2] == 0 && data[3] == 42));
}

/**
 * pp_metadata_exif_from_payload:
 * @data: (array length=size): EXIF as a container stores it
 * @size: bytes in @data
 * @error: PP_METADATA_ERROR_INVALID when no TIFF header is where one of the forms puts it
 *
 * Turns EXIF as containers store it into the blob form (TIFF header first). Accepted: the
 * TIFF structure itself (PNG eXIf, WebP "EXIF" as written by libwebp's tools, TIFF), the
 * same after "Exif\0\0" (JPEG APP1, and WebP files written by some cameras and editors), and
 * ISO BMFF's Exif item/box (HEIF, AVIF, JPEG XL): a 32-bit big-endian offset to the TIFF
 * header from the end of that field (ISO/IEC 23008-12 A.2.1), usually followed by "Exif\0\0".
 *
 * Returns: (transfer full): a new blob, or %NULL with @error set. Thread-safe; no exiv2 call.
 */
GBytes *
pp_metadata_exif_from_payload (const guint8 *data,
                               gsize         size,
                               GError      **error)
{
  static const guint8 exif_prefix[6] = { 'E', 'x', 'i', 'f', 0, 0 };

  g_return_val_if_fail (data != NULL || size == 0, NULL);

  if (size >= 6 && memcmp (data, exif_prefix, 6) == 0)
    {
      data += 6;
      size -= 6;
    }
  else if (size >= 4 && !is_tiff_header (data, size))
    {
      guint32 offset = (guint32) data[0] << 24 | data[1] << 16 | data[2] << 8 | data[3];

      if (offset <= size - 4)
        {
          data += 4 + offset;
          size -= 4 + offset;
        }
    }
  if (!is_tiff_header (data, size))
    {
      g_set_error_literal (error, PP_METADATA_ERROR, PP_METADATA_ERROR_INVALID,
                           "The EXIF data does not start with a TIFF header");
      return NULL;
    }
  return g_bytes_new (data, size);
}

/* Opens an EXIF blob alone, with the lock held. */
GExiv2Metadata *
_pp_metadata_open_exif (GBytes  *exif,
                        GError **error)
{
  g_autoptr (GExiv2Metadata) metadata = gexiv2_metadata_new ();
  gsize size;
  const guint8 *data = g_bytes_get_data (exif, &size);
  GError *local_error = NULL;

  if (!is_tiff_header (data, size))
    {
      g_set_error_literal (error, PP_METADATA_ERROR, PP_METADATA_ERROR_INVALID,
                           "The EXIF data does not start with a TIFF header");
      return NULL;
    }
  /* Despite its name, this decodes from the first TIFF byte-order mark: the blob's first
   * bytes. */
  if (!gexiv2_metadata_from_app1_segment (metadata, data, (glong) size, &local_error))
    {
      g_set_error (error, PP_METADATA_ERROR, PP_METADATA_ERROR_FAILED,
                   "The EXIF data cannot be read: %s",
                   local_error != NULL ? local_error->message : "unknown error");
      g_clear_error (&local_error);
      return NULL;
    }
  return g_steal_pointer (&metadata);
}

/**
 * pp_metadata_exif_get_orientation:
 * @exif: (nullable): an EXIF blob (TIFF header first; see pp_metadata_exif_from_payload())
 *
 * Reads the orientation tag of IFD0 (EXIF 2.32 tag 0x0112: 1 upright, 2 mirrored, 3 turned
 * 180°, 4 flipped, 5 transposed, 6 needs 90° clockwise, 7 transverse, 8 needs 90°
 * counter-clockwise), for any format's EXIF.
 *
 * Returns: 1..8; 1 when @exif is %NULL, unreadable, or has no valid orientation. Thread-safe.
 */
int
pp_metadata_exif_get_orientation (GBytes *exif)
{
  g_autoptr (GExiv2Metadata) metadata = NULL;
  glong orientation = 1;

  if (exif == NULL)
    return 1;
  _pp_metadata_lock ();
  metadata = _pp_metadata_open_exif (exif, NULL);
  if (metadata != NULL && gexiv2_metadata_try_has_tag (metadata, "Exif.Image.Orientation", NULL))
    orientation = gexiv2_metadata_try_get_tag_long (metadata, "Exif.Image.Orientation", NULL);
  g_clear_object (&metadata);
  _pp_metadata_unlock ();
  return orientation >= 1 && orientation <= 8 ? (int) orientation : 1;
}

static guint32
read_be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static void
append_be32 (GByteArray *array,
             guint32     value)
{
  guint8 b[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (array, b, 4);
}

#define PHOTOSHOP_SIGNATURE "Photoshop 3.0"
#define IPTC_RESOURCE_ID 0x0404

/**
 * pp_metadata_iptc_from_photoshop:
 * @data: (array length=size): a JPEG APP13 payload ("Photoshop 3.0\0" then 8BIM resources), or
 *   several such payloads concatenated in file order; the signature may also be absent
 * @size: bytes in @data
 *
 * Extracts IPTC-IIM from a Photoshop image resource block: the data of every resource with id
 * 0x0404, joined (Adobe Photoshop File Formats Specification, "Image Resource Blocks"). Other
 * resources (thumbnails, the IPTC digest…) describe the original file and are not kept.
 *
 * Returns: (transfer full) (nullable): the IPTC blob, or %NULL when there is none or the block
 * is malformed. Thread-safe; no exiv2 call.
 */
GBytes *
pp_metadata_iptc_from_photoshop (const guint8 *data,
                                 gsize         size)
{
  g_autoptr (GByteArray) iptc = g_byte_array_new ();
  gsize pos = 0;

  g_return_val_if_fail (data != NULL || size == 0, NULL);

  while (pos < size)
    {
      guint16 id;
      gsize name_len, length;

      if (size - pos >= sizeof PHOTOSHOP_SIGNATURE
          && memcmp (data + pos, PHOTOSHOP_SIGNATURE, sizeof PHOTOSHOP_SIGNATURE) == 0)
        {
          pos += sizeof PHOTOSHOP_SIGNATURE; /* a following segment's signature, with its NUL */
          continue;
        }
      if (size - pos < 4 + 2 + 2 + 4 || memcmp (data + pos, "8BIM", 4) != 0)
        break; /* padding at the end, or not a resource: keep what was found */
      id = data[pos + 4] << 8 | data[pos + 5];
      /* A Pascal string padded to an even size, its length byte included. */
      name_len = (1 + (gsize) data[pos + 6] + 1) & ~(gsize) 1;
      if (size - pos < 4 + 2 + name_len + 4)
        break;
      length = read_be32 (data + pos + 4 + 2 + name_len);
      pos += 4 + 2 + name_len + 4;
      if (length > size - pos)
        break;
      if (id == IPTC_RESOURCE_ID)
        g_byte_array_append (iptc, data + pos, length);
      pos += (length + 1) & ~(gsize) 1;
    }
  if (iptc->len == 0 || iptc->data[0] != 0x1c)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&iptc));
}

/**
 * pp_metadata_iptc_to_photoshop:
 * @iptc: an IPTC blob (IPTC-IIM datasets)
 *
 * Wraps IPTC-IIM for a JPEG APP13 segment: "Photoshop 3.0\0", then one 8BIM resource 0x0404
 * with an empty name. A JPEG segment holds at most 65533 bytes of payload: the caller splits
 * a longer result over several APP13 segments, each beginning with the signature again
 * (pp_metadata_iptc_from_photoshop() reads them back joined).
 *
 * Returns: (transfer full): the APP13 payload, without the marker and length.
 */
GBytes *
pp_metadata_iptc_to_photoshop (GBytes *iptc)
{
  GByteArray *out;
  gsize size;
  const guint8 *data;

  g_return_val_if_fail (iptc != NULL, NULL);

  data = g_bytes_get_data (iptc, &size);
  out = g_byte_array_sized_new (sizeof PHOTOSHOP_SIGNATURE + 12 + size + 1);
  g_byte_array_append (out, (const guint8 *) PHOTOSHOP_SIGNATURE, sizeof PHOTOSHOP_SIGNATURE);
  g_byte_array_append (out, (const guint8 *) "8BIM", 4);
  g_byte_array_append (out, (const guint8[]) { IPTC_RESOURCE_ID >> 8, IPTC_RESOURCE_ID & 0xff,
                                               0, 0 }, 4);
  append_be32 (out, (guint32) size);
  g_byte_array_append (out, data, size);
  if (size % 2 != 0)
    g_byte_array_append (out, (const guint8 *) "", 1);
  return g_byte_array_free_to_bytes (out);
}
