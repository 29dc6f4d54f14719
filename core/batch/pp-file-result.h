/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpFileResult: what happened to one file of a batch (an item of PpRun's list model). Immutable
 * once made: a worker fills a PpFileRecord, the main thread wraps it in a PpFileResult.
 */
#pragma once

#include <gio/gio.h>

#include "image/pp-types.h"

G_BEGIN_DECLS

typedef enum
{
  PP_FILE_STATUS_OK,
  PP_FILE_STATUS_SKIPPED,   /* not processed on purpose: output exists (skip policy), … */
  PP_FILE_STATUS_FAILED,    /* could not be processed: reason says why; nothing was written */
  PP_FILE_STATUS_CANCELLED, /* in flight when the batch was cancelled; nothing was written */
} PpFileStatus;

#define PP_TYPE_FILE_STATUS (pp_file_status_get_type ())

GType pp_file_status_get_type (void) G_GNUC_CONST;

typedef struct
{
  guint index;          /* position in the batch's sorted file list (before sharding) */
  char *input;          /* path of the input */
  char *output;         /* (nullable) path written, or that would have been */
  PpFileStatus status;
  char *reason;         /* (nullable) why it failed or was skipped */
  char *note;           /* (nullable) something worth knowing for an ok file ("saved as PNG…") */
  char *format;         /* (nullable) input format name as detected */
  char *sha256;         /* (nullable) SHA-256 of the output, hex, when a manifest is kept */
  gboolean resumed;     /* SKIPPED because an earlier run did it (--resume) */
  int source_width;     /* input size as its header declares it (0 when unreadable) */
  int source_height;
  int width;            /* input size as decoded (after shrink-on-load) and oriented */
  int height;
  int out_width;
  int out_height;
  guint worker;         /* lane 0 .. threads-1 */
  gint64 start_us;      /* g_get_monotonic_time (), relative times: subtract the run's start */
  gint64 end_us;
  gint64 decode_us;
  gint64 filter_us;
  gint64 encode_us;
  gint64 write_us;
} PpFileRecord;

void          pp_file_record_clear        (PpFileRecord *record);
const char   *pp_file_status_to_string    (PpFileStatus status);

#define PP_TYPE_FILE_RESULT (pp_file_result_get_type ())

G_DECLARE_FINAL_TYPE (PpFileResult, pp_file_result, PP, FILE_RESULT, GObject)

/* Takes the contents of @record (it is left cleared). */
PpFileResult       *pp_file_result_new_take   (PpFileRecord *record);
const PpFileRecord *pp_file_result_get_record (PpFileResult *self);
const char         *pp_file_result_get_input  (PpFileResult *self);
const char         *pp_file_result_get_output (PpFileResult *self);
PpFileStatus        pp_file_result_get_status (PpFileResult *self);
const char         *pp_file_result_get_reason (PpFileResult *self);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PpFileRecord, pp_file_record_clear)

G_END_DECLS
