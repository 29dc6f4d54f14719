/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The few facts about a photo that output names use ({date}, {time}, {camera}), read from its
 * metadata blobs, or straight from a file when it has not been decoded yet.
 */
#define G_LOG_DOMAIN "pp-metadata"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "metadata/pp-metadata-private.h"

/**
 * pp_metadata_fields_clear:
 * @fields: fields to free; the struct itself is not freed
 */
void
pp_metadata_fields_clear (PpMetadataFields *fields)
{
  g_return_if_fail (fields != NULL);

  g_clear_pointer (&fields->date, g_free);
  g_clear_pointer (&fields->time, g_free);
  g_clear_pointer (&fields->camera, g_free);
  fields->orientation = 1;
}

/* "2023:07:14 18:05:09" (EXIF 2.32, 4.6.5) or ISO 8601 "2023-07-14T18:05:09+02:00" (XMP):
 * date and time as the camera's clock showed them. No time zone conversion: a photo taken at
 * six in the evening is named after six in the evening wherever it is renamed. */
static gboolean
parse_date_time (const char *text,
                 char      **date_out,
                 char      **time_out)
{
  int y, mo, d, h = -1, mi = -1, s = 0;
  char sep1, sep2;
  int n;

  if (text == NULL)
    return FALSE;
  n = sscanf (text, "%4d%c%2d%c%2d%*[ T]%2d:%2d:%2d", &y, &sep1, &mo, &sep2, &d, &h, &mi, &s);
  if (n < 5 || sep1 != sep2 || (sep1 != ':' && sep1 != '-') || y < 1800 || y > 9999 || mo < 1
      || mo > 12 || d < 1 || d > 31)
    return FALSE; /* also "0000:00:00 00:00:00", which cameras write for "not set" */
  *date_out = g_strdup_printf ("%04d-%02d-%02d", y, mo, d);
  if (n >= 7 && h >= 0 && h < 24 && mi >= 0 && mi < 60 && s >= 0 && s < 61)
    *time_out = g_strdup_printf ("%02d-%02d-%02d", h, mi, MIN (s, 59));
  return TRUE;
}

/* Text safe inside one file name: no "/", no control characters, spaces squeezed. */
static char *
name_safe (const char *text)
{
  GString *s = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '/' || c == '\\' || g_unichar_iscntrl (c))
        c = '-';
      if (g_unichar_isspace (c))
        {
          if (s->len > 0 && s->str[s->len - 1] != ' ')
            g_string_append_c (s, ' ');
          continue;
        }
      g_string_append_unichar (s, c);
    }
  while (s->len > 0 && s->str[s->len - 1] == ' ')
    g_string_truncate (s, s->len - 1);
  if (s->len == 0 || strcmp (s->str, ".") == 0 || strcmp (s->str, "..") == 0)
    {
      g_string_free (s, TRUE);
      return NULL;
    }
  return g_string_free (s, FALSE);
}

/* "Canon" + "Canon EOS R5" is "Canon EOS R5"; "NIKON CORPORATION" + "NIKON D850" is
 * "NIKON D850"; "Panasonic" + "DMC-GF1" is "Panasonic DMC-GF1". */
static char *
camera_name (const char *make,
             const char *model)
{
  g_autofree char *make_word = NULL;
  const char *space;

  if (model == NULL || *model == '\0')
    return make != NULL && *make != '\0' ? name_safe (make) : NULL;
  if (make == NULL || *make == '\0')
    return name_safe (model);
  space = strchr (make, ' ');
  make_word = space != NULL ? g_strndup (make, space - make) : g_strdup (make);
  if (g_ascii_strncasecmp (model, make_word, strlen (make_word)) == 0)
    return name_safe (model);
  {
    g_autofree char *both = g_strdup_printf ("%s %s", make, model);

    return name_safe (both);
  }
}

/* A string tag as UTF-8, or %NULL. */
static char *
get_text (GExiv2Metadata *metadata,
          const char     *tag)
{
  char *value;

  if (metadata == NULL || !gexiv2_metadata_try_has_tag (metadata, tag, NULL))
    return NULL;
  value = gexiv2_metadata_try_get_tag_string (metadata, tag, NULL);
  if (value != NULL && !g_utf8_validate (value, -1, NULL))
    g_clear_pointer (&value, g_free);
  if (value != NULL)
    g_strstrip (value);
  return value;
}

/* Fills @out from one or two opened blobs (EXIF first, then XMP); with the lock held. */
static void
read_fields (GExiv2Metadata   *exif,
             GExiv2Metadata   *xmp,
             PpMetadataFields *out)
{
  static const char *const date_tags[] = {
    "Exif.Photo.DateTimeOriginal",
    "Xmp.exif.DateTimeOriginal",
    "Xmp.photoshop.DateCreated",
  };
  g_autofree char *make = NULL;
  g_autofree char *model = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (date_tags) && out->date == NULL; i++)
    {
      GExiv2Metadata *from = g_str_has_prefix (date_tags[i], "Exif.") ? exif : xmp;
      g_autofree char *text = get_text (from, date_tags[i]);

      parse_date_time (text, &out->date, &out->time);
    }
  make = get_text (exif, "Exif.Image.Make");
  model = get_text (exif, "Exif.Image.Model");
  if (make == NULL && model == NULL)
    {
      make = get_text (xmp, "Xmp.tiff.Make");
      model = get_text (xmp, "Xmp.tiff.Model");
    }
  out->camera = camera_name (make, model);
  if (exif != NULL && gexiv2_metadata_try_has_tag (exif, "Exif.Image.Orientation", NULL))
    {
      glong orientation = gexiv2_metadata_try_get_tag_long (exif, "Exif.Image.Orientation", NULL);

      out->orientation = orientation >= 1 && orientation <= 8 ? (int) orientation : 1;
    }
}

/**
 * pp_metadata_read_fields:
 * @blobs: a photo's metadata
 * @out: (out caller-allocates): cleared first; each field %NULL when the metadata lacks it
 *
 * Reads what output names use: @out->date ("2023-07-14") and @out->time ("18-05-09") from
 * EXIF DateTimeOriginal, else XMP exif:DateTimeOriginal or photoshop:DateCreated, as the
 * camera's clock showed them; @out->camera from EXIF Make and Model (else XMP tiff:Make and
 * tiff:Model), without the maker's name twice ("Canon EOS R5"), with no "/" or control
 * characters; @out->orientation from EXIF (1 when absent).
 *
 * Thread-safe.
 */
void
pp_metadata_read_fields (const PpMetadataBlobs *blobs,
                         PpMetadataFields      *out)
{
  g_autoptr (GExiv2Metadata) exif = NULL;
  g_autoptr (GExiv2Metadata) xmp = NULL;

  g_return_if_fail (blobs != NULL && out != NULL);

  pp_metadata_fields_clear (out);
  if (blobs->exif == NULL && blobs->xmp == NULL)
    return;
  _pp_metadata_lock ();
  if (blobs->exif != NULL)
    exif = _pp_metadata_open_exif (blobs->exif, NULL);
  if (blobs->xmp != NULL)
    {
      xmp = gexiv2_metadata_new ();
      if (!gexiv2_metadata_open_buf (xmp, g_bytes_get_data (blobs->xmp, NULL),
                                     (glong) g_bytes_get_size (blobs->xmp), NULL))
        g_clear_object (&xmp);
    }
  read_fields (exif, xmp, out);
  g_clear_object (&exif);
  g_clear_object (&xmp);
  _pp_metadata_unlock ();
}

/**
 * pp_metadata_read_file_fields:
 * @path: an image file in any format exiv2 reads (JPEG, PNG, WebP, TIFF, HEIF/AVIF…)
 * @out: (out caller-allocates): as pp_metadata_read_fields()
 *
 * pp_metadata_read_fields() for a file not yet decoded (output names are decided before any
 * file is): exiv2 reads the metadata only, never the pixels.
 *
 * Returns: whether the file's metadata could be read; without metadata that is %TRUE with
 * every field %NULL. A file exiv2 cannot read gives %FALSE and empty fields, never an error:
 * its name falls back to the file's time. Thread-safe.
 */
gboolean
pp_metadata_read_file_fields (const char       *path,
                              PpMetadataFields *out)
{
  g_autoptr (GExiv2Metadata) metadata = gexiv2_metadata_new ();
  gboolean ok;

  g_return_val_if_fail (path != NULL && out != NULL, FALSE);

  pp_metadata_fields_clear (out);
  _pp_metadata_lock ();
  ok = gexiv2_metadata_open_path (metadata, path, NULL);
  if (ok)
    read_fields (metadata, metadata, out);
  g_clear_object (&metadata);
  _pp_metadata_unlock ();
  return ok;
}
