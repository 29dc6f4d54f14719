/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpFileResult: an immutable GObject around one file's PpFileRecord, so list widgets and
 * expressions can show batch results; the record stays plain data for workers and JSON.
 */
#define G_LOG_DOMAIN "pp-file-result"

#include "config.h"

#include <string.h>

#include "batch/pp-file-result.h"

struct _PpFileResult
{
  GObject parent_instance;

  PpFileRecord record;
};

enum
{
  PROP_0,
  PROP_INPUT,
  PROP_OUTPUT,
  PROP_STATUS,
  PROP_REASON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_ENUM_TYPE (PpFileStatus, pp_file_status,
  G_DEFINE_ENUM_VALUE (PP_FILE_STATUS_OK, "ok"),
  G_DEFINE_ENUM_VALUE (PP_FILE_STATUS_SKIPPED, "skipped"),
  G_DEFINE_ENUM_VALUE (PP_FILE_STATUS_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (PP_FILE_STATUS_CANCELLED, "cancelled"))

G_DEFINE_FINAL_TYPE (PpFileResult, pp_file_result, G_TYPE_OBJECT)

/**
 * pp_file_status_to_string:
 * @status: a status
 *
 * Returns: (transfer none): "ok", "skipped", "failed" or "cancelled": the run record's words and
 *   the PpFileStatus GEnum's nicks
 */
const char *
pp_file_status_to_string (PpFileStatus status)
{
  switch (status)
    {
    case PP_FILE_STATUS_OK:
      return "ok";
    case PP_FILE_STATUS_SKIPPED:
      return "skipped";
    case PP_FILE_STATUS_FAILED:
      return "failed";
    case PP_FILE_STATUS_CANCELLED:
      return "cancelled";
    default:
      g_return_val_if_reached ("unknown");
    }
}

/**
 * pp_file_record_clear:
 * @record: (nullable): a record
 *
 * Frees the strings the record owns and zeroes it. Any thread.
 */
void
pp_file_record_clear (PpFileRecord *record)
{
  if (record == NULL)
    return;
  g_clear_pointer (&record->input, g_free);
  g_clear_pointer (&record->output, g_free);
  g_clear_pointer (&record->reason, g_free);
  g_clear_pointer (&record->note, g_free);
  g_clear_pointer (&record->format, g_free);
  g_clear_pointer (&record->sha256, g_free);
  memset (record, 0, sizeof *record);
}

static void
pp_file_result_finalize (GObject *object)
{
  PpFileResult *self = PP_FILE_RESULT (object);

  pp_file_record_clear (&self->record);

  G_OBJECT_CLASS (pp_file_result_parent_class)->finalize (object);
}

static void
pp_file_result_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PpFileResult *self = PP_FILE_RESULT (object);

  switch (prop_id)
    {
    case PROP_INPUT:
      g_value_set_string (value, self->record.input);
      break;
    case PROP_OUTPUT:
      g_value_set_string (value, self->record.output);
      break;
    case PROP_STATUS:
      g_value_set_enum (value, self->record.status);
      break;
    case PROP_REASON:
      g_value_set_string (value, self->record.reason);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_file_result_class_init (PpFileResultClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pp_file_result_finalize;
  object_class->get_property = pp_file_result_get_property;

  properties[PROP_INPUT] =
    g_param_spec_string ("input", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_OUTPUT] =
    g_param_spec_string ("output", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, PP_TYPE_FILE_STATUS, PP_FILE_STATUS_OK,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_REASON] =
    g_param_spec_string ("reason", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pp_file_result_init (PpFileResult *self)
{
}

/**
 * pp_file_result_new_take:
 * @record: a filled record: its contents are taken (it is left cleared)
 *
 * Main thread: results are made where they are shown (PpProgress delivers the records).
 *
 * Returns: (transfer full): the immutable result
 */
PpFileResult *
pp_file_result_new_take (PpFileRecord *record)
{
  PpFileResult *self;

  g_return_val_if_fail (record != NULL, NULL);

  self = g_object_new (PP_TYPE_FILE_RESULT, NULL);
  self->record = *record;
  memset (record, 0, sizeof *record);
  return self;
}

/**
 * pp_file_result_get_record:
 * @self: a result
 *
 * Returns: (transfer none): every field of the file's record; valid as long as @self. Any
 *   thread.
 */
const PpFileRecord *
pp_file_result_get_record (PpFileResult *self)
{
  g_return_val_if_fail (PP_IS_FILE_RESULT (self), NULL);

  return &self->record;
}

/**
 * pp_file_result_get_input:
 * @self: a result
 *
 * Returns: (transfer none): the input's path (the "input" property)
 */
const char *
pp_file_result_get_input (PpFileResult *self)
{
  g_return_val_if_fail (PP_IS_FILE_RESULT (self), NULL);

  return self->record.input;
}

/**
 * pp_file_result_get_output:
 * @self: a result
 *
 * Returns: (transfer none) (nullable): the output's path, written or that would have been (the
 *   "output" property)
 */
const char *
pp_file_result_get_output (PpFileResult *self)
{
  g_return_val_if_fail (PP_IS_FILE_RESULT (self), NULL);

  return self->record.output;
}

/**
 * pp_file_result_get_status:
 * @self: a result
 *
 * Returns: how the file ended (the "status" property)
 */
PpFileStatus
pp_file_result_get_status (PpFileResult *self)
{
  g_return_val_if_fail (PP_IS_FILE_RESULT (self), PP_FILE_STATUS_FAILED);

  return self->record.status;
}

/**
 * pp_file_result_get_reason:
 * @self: a result
 *
 * Returns: (transfer none) (nullable): why it failed or was skipped, in words a user can act on
 *   (the "reason" property)
 */
const char *
pp_file_result_get_reason (PpFileResult *self)
{
  g_return_val_if_fail (PP_IS_FILE_RESULT (self), NULL);

  return self->record.reason;
}
