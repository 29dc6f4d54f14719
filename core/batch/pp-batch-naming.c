/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Output names from a template: {name}, {ext}, {n}, and what a photographer sorts by, {date},
 * {time} and {camera} (from the photo's EXIF, else the file's time) and {width} × {height} (of
 * the output). Names are decided before any file is processed, so the fields that need the
 * file's metadata or header read them there, and only when the template uses them.
 */
#define G_LOG_DOMAIN "pp-batch"

#include "config.h"

#include <string.h>

#include "batch/pp-batch-private.h"
#include "metadata/pp-metadata.h"
#include "render/pp-plan.h"

static const char *const template_fields[] = {
  "name", "ext", "n", "date", "time", "camera", "width", "height", NULL,
};

/**
 * _pp_batch_template_uses:
 * @tmpl: a name template
 * @field: a field name without braces ("date")
 *
 * Returns: whether @tmpl contains {@field}.
 */
gboolean
_pp_batch_template_uses (const char *tmpl,
                         const char *field)
{
  g_autofree char *braced = g_strdup_printf ("{%s}", field);

  return strstr (tmpl, braced) != NULL;
}

/**
 * _pp_batch_expand_template:
 * @tmpl: a name template
 * @fields: the values; a %NULL string (or a size of 0) expands to "unknown-FIELD"
 * @error: PP_BATCH_ERROR_INVALID naming an unknown field or an unclosed brace
 *
 * Returns: (transfer full): the name, or %NULL with @error set.
 */
char *
_pp_batch_expand_template (const char         *tmpl,
                           const PpNameFields *fields,
                           GError            **error)
{
  g_autoptr (GString) s = g_string_new (NULL);
  const char *p = tmpl;

  while (*p != '\0')
    {
      const char *close;
      g_autofree char *field = NULL;
      const char *text = NULL;
      int number = -1;

      if (*p != '{')
        {
          g_string_append_c (s, *p++);
          continue;
        }
      close = strchr (p, '}');
      if (close == NULL)
        {
          g_set_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID,
                       "name template “%s”: “{” is never closed", tmpl);
          return NULL;
        }
      field = g_strndup (p + 1, close - p - 1);
      if (g_str_equal (field, "name"))
        text = fields->name;
      else if (g_str_equal (field, "ext"))
        text = fields->ext;
      else if (g_str_equal (field, "n"))
        number = (int) fields->n;
      else if (g_str_equal (field, "date"))
        text = fields->date;
      else if (g_str_equal (field, "time"))
        text = fields->time;
      else if (g_str_equal (field, "camera"))
        text = fields->camera;
      else if (g_str_equal (field, "width"))
        number = fields->width;
      else if (g_str_equal (field, "height"))
        number = fields->height;
      else
        {
          g_autofree char *known = g_strjoinv ("}, {", (char **) template_fields);

          g_set_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID,
                       "name template “%s”: unknown field {%s} (known: {%s})", tmpl, field,
                       known);
          return NULL;
        }
      if (number > 0)
        g_string_append_printf (s, "%d", number);
      else if (text != NULL && *text != '\0')
        g_string_append (s, text);
      else
        g_string_append_printf (s, "unknown-%s", field);
      p = close + 1;
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* The format's name as a user reads it ("JPEG", "WEBP"), for messages. */
static char *
format_words (PpFormat format)
{
  return g_ascii_strup (pp_format_to_string (format), -1);
}

/* Whether @tmpl's names end in an extension that says @format (PP_FORMAT_SAME: each input's):
 * ".{ext}", or for a chosen format one of its own extensions written out (".jpg", ".JPEG").
 * Anything else would name a file by one format and fill it with another, or with no
 * extension leave its format to be guessed. */
static gboolean
check_template_extension (const char  *tmpl,
                          PpFormat     format,
                          GError     **error)
{
  const char *last_field = strrchr (tmpl, '}');
  const char *tail = last_field != NULL ? last_field + 1 : tmpl;
  const char *dot = strrchr (tail, '.');
  PpFormat literal;

  if (g_str_has_suffix (tmpl, ".{ext}"))
    return TRUE;
  if (dot == NULL || dot[1] == '\0')
    {
      g_set_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID,
                   "name template “%s” gives names with no extension: end it with .{ext}",
                   tmpl);
      return FALSE;
    }
  if (format != PP_FORMAT_SAME && pp_format_from_extension (dot + 1, &literal)
      && literal == format)
    return TRUE;
  if (format == PP_FORMAT_SAME)
    {
      if (pp_format_from_extension (dot + 1, &literal))
        {
          g_autofree char *words = format_words (literal);

          g_set_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID,
                       "name template “%s” ends in %s, but with the format “same” each output "
                       "keeps its input's format: end it with .{ext}, or choose %s as the "
                       "output format", tmpl, dot, words);
        }
      else
        g_set_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID,
                     "name template “%s” ends in %s, but with the format “same” each output "
                     "keeps its input's format: end it with .{ext}", tmpl, dot);
      return FALSE;
    }
  {
    g_autofree char *words = format_words (format);

    if (pp_format_from_extension (dot + 1, &literal))
      {
        g_autofree char *literal_words = format_words (literal);

        g_set_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID,
                     "name template “%s” ends in %s, but the output format is %s: end it with "
                     ".{ext}, or choose %s as the output format", tmpl, dot, words,
                     literal_words);
      }
    else
      g_set_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID,
                   "name template “%s” ends in %s, which is no extension of %s files: end it "
                   "with .{ext}", tmpl, dot, words);
  }
  return FALSE;
}

/**
 * _pp_batch_validate_template:
 * @tmpl: a name template
 * @format: the output format the names are for (%PP_FORMAT_SAME: each input's own)
 * @error: PP_BATCH_ERROR_INVALID: an empty template, an unknown field, an unclosed brace, a
 *   name with "/", or names whose extension would not say @format (see
 *   check_template_extension())
 *
 * Thread: any; reads no file.
 *
 * Returns: whether @tmpl gives plain file names whose extension is @format's.
 */
gboolean
_pp_batch_validate_template (const char  *tmpl,
                             PpFormat     format,
                             GError     **error)
{
  PpNameFields sample = { "photo", "jpg", 1, "2024-01-01", "12-00-00", "Camera", 640, 480 };
  g_autofree char *name = NULL;

  if (*tmpl == '\0')
    {
      g_set_error_literal (error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID,
                           "the name template is empty");
      return FALSE;
    }
  name = _pp_batch_expand_template (tmpl, &sample, error);
  if (name == NULL)
    return FALSE;
  if (*name == '\0' || g_str_equal (name, ".") || g_str_equal (name, "..")
      || strchr (name, '/') != NULL)
    {
      g_set_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_INVALID,
                   "name template “%s” must give a plain file name (no “/”), got “%s”", tmpl,
                   name);
      return FALSE;
    }
  return check_template_extension (tmpl, format, error);
}

/* The output's size for the input at @path, as a run will make it: the header's size, turned
 * by the EXIF orientation unless kept as stored, through the pipeline. 0 × 0 when the header
 * cannot be read (the run will fail that file with the reason). */
static void
read_output_size (const PpBatchConfig *config,
                  const char          *path,
                  int                  orientation,
                  int                 *width,
                  int                 *height)
{
  g_auto (PpImageInfo) info = { 0 };
  g_autoptr (PpPlan) plan = NULL;
  int w, h;

  *width = *height = 0;
  if (!pp_io_read_header (path, &info, NULL) || info.width <= 0 || info.height <= 0)
    return;
  w = info.width;
  h = info.height;
  if (!config->keep_orientation && orientation >= 5)
    {
      w = info.height;
      h = info.width;
    }
  plan = pp_plan_new (config->pipeline, w, h, 3, NULL);
  if (plan != NULL)
    pp_plan_get_output_size (plan, width, height);
}

/**
 * _pp_batch_name_fields_read:
 * @config: the run's configuration (template, pipeline, orientation)
 * @path: the input
 * @mtime: its modification time, seconds since the epoch
 * @fields: (out caller-allocates): date, time, camera and size, those the template uses; the
 *   caller sets name, ext and n. Free with _pp_batch_name_fields_clear().
 *
 * {date} and {time} are the photo's EXIF DateTimeOriginal as the camera's clock showed it,
 * else the file's modification time in local time; {camera} the EXIF make and model. Reads
 * the file's metadata (exiv2, no pixels) only for those fields, and its header only for
 * {width} and {height}. Any thread.
 */
void
_pp_batch_name_fields_read (const PpBatchConfig *config,
                            const char          *path,
                            gint64               mtime,
                            PpNameFields        *fields)
{
  const char *tmpl = config->name_template;
  gboolean size = _pp_batch_template_uses (tmpl, "width") || _pp_batch_template_uses (tmpl,
                                                                                         "height");
  g_auto (PpMetadataFields) metadata = { 0 };

  if (size || _pp_batch_template_uses (tmpl, "date") || _pp_batch_template_uses (tmpl, "time")
      || _pp_batch_template_uses (tmpl, "camera"))
    pp_metadata_read_file_fields (path, &metadata);
  if (metadata.date != NULL)
    {
      fields->date = g_steal_pointer (&metadata.date);
      fields->time = g_steal_pointer (&metadata.time);
    }
  else
    {
      g_autoptr (GDateTime) local = g_date_time_new_from_unix_local (mtime);

      if (local != NULL)
        {
          fields->date = g_date_time_format (local, "%Y-%m-%d");
          fields->time = g_date_time_format (local, "%H-%M-%S");
        }
    }
  fields->camera = g_steal_pointer (&metadata.camera);
  if (size)
    read_output_size (config, path, metadata.orientation, &fields->width, &fields->height);
}

void
_pp_batch_name_fields_clear (PpNameFields *fields)
{
  g_clear_pointer (&fields->date, g_free);
  g_clear_pointer (&fields->time, g_free);
  g_clear_pointer (&fields->camera, g_free);
}
