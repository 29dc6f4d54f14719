/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What an output keeps of its source's metadata, made true for the output: the orientation
 * the pixels now have, their size, no stale thumbnail, Parapix as the software, and, by
 * policy, no location or nothing at all. Nothing here depends on the time of day, so serial
 * and parallel runs still write the same bytes.
 */
#define G_LOG_DOMAIN "pp-metadata"

#include "config.h"

#include <string.h>

#include "metadata/pp-metadata-private.h"

#define SOFTWARE "Parapix " PACKAGE_VERSION

/* IPTC Core properties and where the IPTC Photo Metadata Standard (2019.1, "IPTC Core Schema
 * for XMP") puts them in XMP; used for outputs that have no place for IPTC-IIM. */
typedef enum
{
  XMP_TEXT,
  XMP_LANG_ALT,
  XMP_BAG,
  XMP_SEQ,
} XmpShape;

static const struct
{
  const char *iptc;
  const char *xmp;
  XmpShape shape;
} iptc_core[] = {
  { "Iptc.Application2.ObjectName", "Xmp.dc.title", XMP_LANG_ALT },
  { "Iptc.Application2.Caption", "Xmp.dc.description", XMP_LANG_ALT },
  { "Iptc.Application2.Copyright", "Xmp.dc.rights", XMP_LANG_ALT },
  { "Iptc.Application2.Keywords", "Xmp.dc.subject", XMP_BAG },
  { "Iptc.Application2.Byline", "Xmp.dc.creator", XMP_SEQ },
  { "Iptc.Application2.BylineTitle", "Xmp.photoshop.AuthorsPosition", XMP_TEXT },
  { "Iptc.Application2.Headline", "Xmp.photoshop.Headline", XMP_TEXT },
  { "Iptc.Application2.Credit", "Xmp.photoshop.Credit", XMP_TEXT },
  { "Iptc.Application2.Source", "Xmp.photoshop.Source", XMP_TEXT },
  { "Iptc.Application2.SpecialInstructions", "Xmp.photoshop.Instructions", XMP_TEXT },
  { "Iptc.Application2.Writer", "Xmp.photoshop.CaptionWriter", XMP_TEXT },
  { "Iptc.Application2.TransmissionReference", "Xmp.photoshop.TransmissionReference", XMP_TEXT },
  { "Iptc.Application2.City", "Xmp.photoshop.City", XMP_TEXT },
  { "Iptc.Application2.ProvinceState", "Xmp.photoshop.State", XMP_TEXT },
  { "Iptc.Application2.CountryName", "Xmp.photoshop.Country", XMP_TEXT },
  { "Iptc.Application2.CountryCode", "Xmp.iptc.CountryCode", XMP_TEXT },
  { "Iptc.Application2.SubLocation", "Xmp.iptc.Location", XMP_TEXT },
};

/* An empty TIFF structure (header, IFD0 with no entries): where EXIF starts when the source
 * had XMP or IPTC but no EXIF, so the output still names its software. */
static const guint8 empty_exif[] = { 'I', 'I', 42, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

static void
add_note (GString    *note,
          const char *what)
{
  if (note->len > 0)
    g_string_append (note, "; ");
  g_string_append (note, what);
}

/* Removes every tag in @tags whose key @drop accepts. */
static void
clear_tags (GExiv2Metadata *metadata,
            char          **tags,
            gboolean      (*drop) (const char *key))
{
  for (guint i = 0; tags != NULL && tags[i] != NULL; i++)
    if (drop (tags[i]))
      gexiv2_metadata_try_clear_tag (metadata, tags[i], NULL);
}

static gboolean
is_exif_gps (const char *key)
{
  return g_str_has_prefix (key, "Exif.GPSInfo.") || strcmp (key, "Exif.Image.GPSTag") == 0;
}

/* exif:GPS* wherever it appears: top level, or inside a structure such as IPTC Extension's
 * LocationCreated/LocationShown ("Xmp.iptcExt.LocationShown[1]/exif:GPSLatitude"). */
static gboolean
is_xmp_gps (const char *key)
{
  const char *last = strrchr (key, '/');

  return g_str_has_prefix (key, "Xmp.exif.GPS")
         || (last != NULL && g_str_has_prefix (last + 1, "exif:GPS"));
}

static gboolean
is_xmp_thumbnail (const char *key)
{
  return g_str_has_prefix (key, "Xmp.xmp.Thumbnails");
}

static void
set_long (GExiv2Metadata *metadata,
          const char     *tag,
          glong           value)
{
  gexiv2_metadata_try_set_tag_long (metadata, tag, value, NULL);
}

static void
set_string_if_present (GExiv2Metadata *metadata,
                       const char     *tag,
                       const char     *value)
{
  if (gexiv2_metadata_try_has_tag (metadata, tag, NULL))
    gexiv2_metadata_try_set_tag_string (metadata, tag, value, NULL);
}

static void
set_number_if_present (GExiv2Metadata *metadata,
                       const char     *tag,
                       int             value)
{
  char text[16];

  g_snprintf (text, sizeof text, "%d", value);
  set_string_if_present (metadata, tag, text);
}

/* The EXIF the output gets, or %NULL (with a reason in @note) when the source's cannot be
 * read. With the lock held. */
static GBytes *
normalize_exif (GBytes                 *exif,
                const PpMetadataTarget *target,
                GString                *note)
{
  g_autoptr (GExiv2Metadata) metadata = gexiv2_metadata_new ();
  g_autoptr (GError) error = NULL;
  GExiv2ByteOrder order = GEXIV2_BYTE_ORDER_LITTLE;
  const guint8 *data;
  gsize size;

  if (exif != NULL)
    {
      data = g_bytes_get_data (exif, &size);
      if (size >= 2 && data[0] == 'M')
        order = GEXIV2_BYTE_ORDER_BIG; /* keep the camera's byte order: maker notes expect it */
    }
  else
    {
      data = empty_exif;
      size = sizeof empty_exif;
    }

  if (size < 8 || !gexiv2_metadata_from_app1_segment (metadata, data, (glong) size, &error))
    {
      add_note (note, "the EXIF data is damaged and was not kept");
      return NULL;
    }

  if (target->policy == PP_METADATA_STRIP_GPS)
    {
      g_auto (GStrv) tags = gexiv2_metadata_get_exif_tags (metadata);

      clear_tags (metadata, tags, is_exif_gps);
    }
  /* The thumbnail shows the source's pixels, before any filter: drop it rather than let
   * viewers show a stale picture. */
  gexiv2_metadata_try_erase_exif_thumbnail (metadata, NULL);
  if (target->orientation != 1
      || gexiv2_metadata_try_has_tag (metadata, "Exif.Image.Orientation", NULL))
    set_long (metadata, "Exif.Image.Orientation", target->orientation);
  set_long (metadata, "Exif.Photo.PixelXDimension", target->width);
  set_long (metadata, "Exif.Photo.PixelYDimension", target->height);
  gexiv2_metadata_try_set_tag_string (metadata, "Exif.Image.Software", SOFTWARE, NULL);

  g_clear_error (&error);
  exif = gexiv2_metadata_get_exif_data (metadata, order, &error);
  if (exif == NULL)
    add_note (note, "the EXIF data could not be rewritten and was not kept");
  return exif;
}

/* Text from IPTC-IIM as UTF-8: records without a UTF-8 character set (dataset 1:90) are in
 * the ISO 8859-1 most writers used. */
static char *
iptc_text (const char *value)
{
  if (g_utf8_validate (value, -1, NULL))
    return g_strdup (value);
  return g_convert (value, -1, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
}

/* Copies IPTC Core fields into @xmp where it does not already say something (the XMP is
 * newer whenever both exist: editors write both, readers prefer XMP). */
static gboolean
mirror_iptc (GExiv2Metadata *xmp,
             GExiv2Metadata *iptc)
{
  gboolean changed = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (iptc_core); i++)
    {
      g_auto (GStrv) values = NULL;
      g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);

      if (!gexiv2_metadata_try_has_tag (iptc, iptc_core[i].iptc, NULL)
          || gexiv2_metadata_try_has_tag (xmp, iptc_core[i].xmp, NULL))
        continue;
      values = gexiv2_metadata_try_get_tag_multiple (iptc, iptc_core[i].iptc, NULL);
      for (guint v = 0; values != NULL && values[v] != NULL; v++)
        {
          char *text = iptc_text (values[v]);

          if (text != NULL && *text != '\0')
            g_ptr_array_add (texts, text);
          else
            g_free (text);
        }
      if (texts->len == 0)
        continue;
      if (iptc_core[i].shape == XMP_BAG || iptc_core[i].shape == XMP_SEQ)
        {
          g_ptr_array_add (texts, NULL);
          gexiv2_metadata_try_set_tag_multiple (xmp, iptc_core[i].xmp,
                                                (const char **) texts->pdata, NULL);
        }
      else if (iptc_core[i].shape == XMP_LANG_ALT)
        {
          g_autofree char *alt = g_strdup_printf ("lang=\"x-default\" %s",
                                                  (char *) texts->pdata[0]);

          gexiv2_metadata_try_set_tag_string (xmp, iptc_core[i].xmp, alt, NULL);
        }
      else
        gexiv2_metadata_try_set_tag_string (xmp, iptc_core[i].xmp, texts->pdata[0], NULL);
      changed = TRUE;
    }
  return changed;
}

/* Opens IPTC-IIM through a JPEG made of nothing but its APP13 segments: exiv2 reads IPTC
 * only from a container. With the lock held. */
static GExiv2Metadata *
open_iptc (GBytes *iptc)
{
  g_autoptr (GExiv2Metadata) metadata = gexiv2_metadata_new ();
  g_autoptr (GBytes) block = pp_metadata_iptc_to_photoshop (iptc);
  g_autoptr (GByteArray) jpeg = g_byte_array_new ();
  const guint8 *p = g_bytes_get_data (block, NULL);
  gsize left = g_bytes_get_size (block);
  const gsize signature = sizeof "Photoshop 3.0";
  gboolean first = TRUE;

  g_byte_array_append (jpeg, (const guint8[]) { 0xff, 0xd8 }, 2);
  while (left > 0)
    {
      gsize room = 65533 - (first ? 0 : signature);
      gsize n = MIN (left, room);
      gsize length = 2 + (first ? 0 : signature) + n;

      g_byte_array_append (jpeg, (const guint8[]) { 0xff, 0xed, length >> 8, length & 0xff }, 4);
      if (!first)
        g_byte_array_append (jpeg, (const guint8 *) "Photoshop 3.0", signature);
      g_byte_array_append (jpeg, p, n);
      p += n;
      left -= n;
      first = FALSE;
    }
  g_byte_array_append (jpeg, (const guint8[]) { 0xff, 0xd9 }, 2);
  if (!gexiv2_metadata_open_buf (metadata, jpeg->data, jpeg->len, NULL)
      || !gexiv2_metadata_has_iptc (metadata))
    return NULL;
  return g_steal_pointer (&metadata);
}

/* An XMP packet to start from when IPTC needs mirroring and the source had no XMP. */
static const char empty_xmp[] =
  "<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
  "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
  "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/></x:xmpmeta>"
  "<?xpacket end=\"w\"?>";

/* The toolkit pads a packet with 2 KiB of spaces before its trailer, room for editing in
 * place (XMP Specification Part 1, 7.3.2); outputs are written once, so take it out.
 * Returns the new length. */
static gsize
strip_padding (char *packet)
{
  char *trailer = strstr (packet, "<?xpacket end=");
  char *end = trailer;
  gsize trailer_len;

  if (trailer == NULL)
    return strlen (packet);
  while (end > packet && g_ascii_isspace (end[-1]))
    end--;
  trailer_len = strlen (trailer);
  memmove (end, trailer, trailer_len + 1);
  return (gsize) (end - packet) + trailer_len;
}

/* The XMP the output gets. With the lock held. */
static GBytes *
normalize_xmp (GBytes                 *xmp,
               GExiv2Metadata         *iptc,
               const PpMetadataTarget *target,
               GString                *note)
{
  g_autoptr (GExiv2Metadata) metadata = gexiv2_metadata_new ();
  g_auto (GStrv) tags = NULL;
  g_autofree char *packet = NULL;
  const guint8 *data = (const guint8 *) empty_xmp;
  gsize size = sizeof empty_xmp - 1;
  gboolean mirrored = FALSE;

  if (xmp != NULL)
    data = g_bytes_get_data (xmp, &size);
  if (!gexiv2_metadata_open_buf (metadata, data, (glong) size, NULL)
      || !gexiv2_metadata_get_supports_xmp (metadata))
    {
      add_note (note, "the XMP data is damaged and was not kept");
      return NULL;
    }
  if (iptc != NULL && !target->holds_iptc)
    mirrored = mirror_iptc (metadata, iptc);
  if (xmp == NULL && !mirrored)
    return NULL;

  tags = gexiv2_metadata_get_xmp_tags (metadata);
  if (target->policy == PP_METADATA_STRIP_GPS)
    clear_tags (metadata, tags, is_xmp_gps);
  clear_tags (metadata, tags, is_xmp_thumbnail);
  set_number_if_present (metadata, "Xmp.tiff.Orientation", target->orientation);
  set_number_if_present (metadata, "Xmp.tiff.ImageWidth", target->width);
  set_number_if_present (metadata, "Xmp.tiff.ImageLength", target->height);
  set_number_if_present (metadata, "Xmp.exif.PixelXDimension", target->width);
  set_number_if_present (metadata, "Xmp.exif.PixelYDimension", target->height);
  set_string_if_present (metadata, "Xmp.tiff.Software", SOFTWARE);

  packet = gexiv2_metadata_try_generate_xmp_packet (metadata, GEXIV2_USE_COMPACT_FORMAT, 0,
                                                    NULL);
  if (packet == NULL)
    {
      add_note (note, "the XMP data could not be rewritten and was not kept");
      return NULL;
    }
  size = strip_padding (packet);
  return g_bytes_new_take (g_steal_pointer (&packet), size);
}

/**
 * pp_metadata_normalize:
 * @source: the blobs as the input file carried them
 * @target: the output: policy, pixel size, orientation tag, whether it can hold IPTC-IIM
 * @out: (out caller-allocates): the blobs to embed; cleared first, empty with
 *   %PP_METADATA_STRIP or when @source is empty
 * @note_out: (out) (optional) (transfer full): %NULL, or what could not be kept and why, in
 *   words for the file's note ("the EXIF data is damaged and was not kept")
 *
 * Makes @source true for the output. With %PP_METADATA_KEEP and %PP_METADATA_STRIP_GPS:
 * - EXIF: Orientation (IFD0 0x0112) becomes @target's, PixelXDimension/PixelYDimension its
 *   size, the IFD1 thumbnail is dropped (it shows the unfiltered source), Software names
 *   Parapix; the byte order is kept. When @source has XMP or IPTC but no EXIF, a small EXIF
 *   with just these tags is made; an input with no metadata gets none.
 * - XMP: tiff:Orientation, tiff:ImageWidth/ImageLength, exif:PixelX/YDimension and
 *   tiff:Software are updated where present, xmp:Thumbnails dropped.
 * - IPTC-IIM is kept as it is where the output holds it (@target->holds_iptc: JPEG, TIFF);
 *   elsewhere its IPTC Core fields go into XMP (dc:title, dc:description, dc:subject,
 *   dc:creator, dc:rights, photoshop:City…) unless XMP already has them.
 * %PP_METADATA_STRIP_GPS also removes the whole EXIF GPS IFD and every XMP exif:GPS*
 * property, also inside IPTC Extension location structures. Damaged blobs are dropped, not
 * fatal: a file's metadata never fails its conversion.
 *
 * Thread-safe (exiv2 runs under the wing's lock); deterministic for given inputs.
 */
void
pp_metadata_normalize (const PpMetadataBlobs  *source,
                       const PpMetadataTarget *target,
                       PpMetadataBlobs        *out,
                       char                  **note_out)
{
  g_autoptr (GString) note = g_string_new (NULL);
  g_autoptr (GExiv2Metadata) iptc = NULL;

  g_return_if_fail (source != NULL && target != NULL && out != NULL && out != source);
  g_return_if_fail (target->orientation >= 1 && target->orientation <= 8);

  pp_metadata_blobs_clear (out);
  if (note_out != NULL)
    *note_out = NULL;
  if (target->policy == PP_METADATA_STRIP || pp_metadata_blobs_is_empty (source))
    return;

  _pp_metadata_lock ();
  if (source->iptc != NULL)
    {
      iptc = open_iptc (source->iptc);
      if (iptc == NULL)
        add_note (note, "the IPTC data is damaged and was not kept");
    }
  out->exif = normalize_exif (source->exif, target, note);
  if (source->xmp != NULL || (iptc != NULL && !target->holds_iptc))
    out->xmp = normalize_xmp (source->xmp, iptc, target, note);
  if (iptc != NULL && target->holds_iptc)
    out->iptc = g_bytes_ref (source->iptc);
  g_clear_object (&iptc);
  _pp_metadata_unlock ();

  if (note_out != NULL && note->len > 0)
    *note_out = g_string_free (g_steal_pointer (&note), FALSE);
}
