/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpRecordMerge: the run records of a job's shards (and of their resumed attempts) joined into
 * one record for the whole job: every file of the list once with its final outcome, every shard
 * with its machine, wall time and throughput, the job's total throughput, and what went wrong:
 * files no shard finished, files processed twice, shards with no record, shards that saw
 * different file lists. Documented in docs/run-record.md ("A merge").
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PP_RECORD_MERGE_ERROR (pp_record_merge_error_quark ())

typedef enum
{
  PP_RECORD_MERGE_ERROR_READ,      /* a record file or folder cannot be read */
  PP_RECORD_MERGE_ERROR_INVALID,   /* not JSON, or not a run record */
} PpRecordMergeError;

typedef struct
{
  guint records;            /* run records merged */
  guint files_listed;       /* files in the whole list (before sharding) */
  guint files_ok;           /* done: processed ok, or done by an earlier attempt */
  guint files_failed;
  guint files_skipped;      /* by the collision policy */
  guint files_missing;      /* no record finished them */
  guint files_duplicated;   /* processed ok more than once */
  guint shards_missing;     /* shards 1..N without any record */
  guint conflicts;          /* records that disagree (list, pipeline, output, shard count) */
  gboolean exactly_once;    /* every file finished, none processed twice */
} PpRecordMergeSummary;

#define PP_TYPE_RECORD_MERGE (pp_record_merge_get_type ())

G_DECLARE_FINAL_TYPE (PpRecordMerge, pp_record_merge, PP, RECORD_MERGE, GObject)

GQuark          pp_record_merge_error_quark (void);

PpRecordMerge  *pp_record_merge_new         (void);
gboolean        pp_record_merge_add_record  (PpRecordMerge        *self,
                                             JsonNode             *record,
                                             const char           *origin,
                                             GError              **error);
gboolean        pp_record_merge_add_path    (PpRecordMerge        *self,
                                             const char           *path,
                                             GError              **error);
void            pp_record_merge_get_summary (PpRecordMerge        *self,
                                             PpRecordMergeSummary *summary);
JsonNode       *pp_record_merge_to_json     (PpRecordMerge        *self);

G_END_DECLS
