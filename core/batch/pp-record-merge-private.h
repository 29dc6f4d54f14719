/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Internals shared by pp-record-merge.c (taking records in, deciding each file) and
 * pp-record-merge-json.c (writing the merged record).
 */
#pragma once

#include "batch/pp-record-merge.h"

G_BEGIN_DECLS

/* One run record taken in. */
typedef struct
{
  char *origin;             /* the file it came from, for messages */
  JsonObject *record;       /* (owned) */
  guint shard_index;        /* 1-based */
  guint shard_count;
  GDateTime *started;       /* (nullable) */
  gint64 wall_us;
} Shard;

/* One file as one record reports it. */
typedef struct
{
  guint shard;              /* position in self->shards */
  const char *input;        /* owned by the shard's record */
  const char *output;
  const char *status;
  const char *sha256;
  gboolean resumed;
} Occurrence;

/* A field every record should agree on; the first value wins, a disagreement is a conflict. */
typedef struct
{
  const char *name;
  char *value;
  char *origin;
  gboolean set;
  gboolean mixed;
} Common;

enum
{
  COMMON_INPUT,
  COMMON_OUTPUT,
  COMMON_PIPELINE,
  COMMON_FORMAT,
  N_COMMON
};

struct _PpRecordMerge
{
  GObject parent_instance;

  GPtrArray *shards;        /* of Shard */
  GHashTable *by_index;     /* guint index -> GPtrArray of Occurrence */
  GPtrArray *conflicts;     /* of char*: sentences */
  Common common[N_COMMON];
  guint files_listed;
  char *listed_origin;
  gboolean listed_known;
  gboolean listed_mixed;
  guint shard_count;
  gboolean count_mixed;
  guint max_index_plus_one;
};

typedef enum
{
  FINAL_OK,
  FINAL_FAILED,
  FINAL_SKIPPED,
  FINAL_MISSING,
} Final;

typedef struct
{
  Final final;
  const Occurrence *chosen;   /* (nullable) the occurrence that gives the final outcome */
  guint processed;            /* times processed ok (not counting "resumed") */
  gboolean mismatch;          /* records name different inputs for this position */
} Verdict;

Verdict      _pp_record_merge_decide          (GPtrArray     *occurrences);
guint        _pp_record_merge_expected_length (PpRecordMerge *self);

/* Typed reads of a record's members: NULL, FALSE or the fallback when absent or mistyped. */
static inline const char *
_pp_json_get_string (JsonObject *o,
                     const char *name)
{
  JsonNode *node = o != NULL ? json_object_get_member (o, name) : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static inline gboolean
_pp_json_get_int (JsonObject *o,
                  const char *name,
                  gint64     *value)
{
  JsonNode *node = o != NULL ? json_object_get_member (o, name) : NULL;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

static inline gint64
_pp_json_get_int_or (JsonObject *o,
                     const char *name,
                     gint64      fallback)
{
  gint64 value;

  return _pp_json_get_int (o, name, &value) ? value : fallback;
}

static inline double
_pp_json_get_double_or (JsonObject *o,
                        const char *name,
                        double      fallback)
{
  JsonNode *node = o != NULL ? json_object_get_member (o, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    return json_node_get_double (node);
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return (double) json_node_get_int (node);
  return fallback;
}

static inline gboolean
_pp_json_get_bool (JsonObject *o,
                   const char *name)
{
  JsonNode *node = o != NULL ? json_object_get_member (o, name) : NULL;

  return node != NULL && json_node_get_value_type (node) == G_TYPE_BOOLEAN
         && json_node_get_boolean (node);
}

static inline JsonObject *
_pp_json_get_object (JsonObject *o,
                     const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

G_END_DECLS
