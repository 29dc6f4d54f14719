/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The merged record (`"kind": "merge"`, docs/run-record.md "A merge"): common fields, totals,
 * the job's span and throughput, every shard, every file once, and what went wrong.
 */
#define G_LOG_DOMAIN "pp-record-merge"

#include "config.h"

#include "batch/pp-json-private.h"
#include "batch/pp-record-merge-private.h"

/* ------------------------------------------------------------------------------------------ */
/* The merged record */

static void
build_shard (JsonBuilder *b,
             const Shard *shard)
{
  JsonObject *o = shard->record;
  JsonObject *shard_object = _pp_json_get_object (o, "shard");
  double wall_s = shard->wall_us / 1e6;
  gint64 ok = _pp_json_get_int_or (o, "files_ok", 0);

  json_builder_begin_object (b);
  _pp_json_add_string (b, "record", shard->origin);
  _pp_json_add_int (b, "index", shard->shard_index);
  _pp_json_add_int (b, "count", shard->shard_count);
  _pp_json_add_string (b, "source", _pp_json_get_string (shard_object, "source"));
  _pp_json_add_string (b, "host", _pp_json_get_string (o, "host"));
  _pp_json_add_int (b, "threads", _pp_json_get_int_or (o, "threads", 0));
  _pp_json_add_string (b, "threads_source", _pp_json_get_string (o, "threads_source"));
  _pp_json_add_string (b, "started", _pp_json_get_string (o, "started"));
  _pp_json_add_boolean (b, "cancelled", _pp_json_get_bool (o, "cancelled"));
  _pp_json_add_int (b, "files_planned", _pp_json_get_int_or (o, "files_planned", 0));
  _pp_json_add_int (b, "files_ok", ok);
  _pp_json_add_int (b, "files_resumed", _pp_json_get_int_or (o, "files_resumed", 0));
  _pp_json_add_int (b, "files_skipped", _pp_json_get_int_or (o, "files_skipped", 0));
  _pp_json_add_int (b, "files_failed", _pp_json_get_int_or (o, "files_failed", 0));
  _pp_json_add_int (b, "files_cancelled", _pp_json_get_int_or (o, "files_cancelled", 0));
  _pp_json_add_int (b, "wall_us", shard->wall_us);
  _pp_json_add_int (b, "cpu_us", _pp_json_get_int_or (o, "cpu_us", 0));
  _pp_json_add_double (b, "images_per_s", wall_s > 0 ? ok / wall_s : 0);
  _pp_json_add_double (b, "megapixels", _pp_json_get_double_or (o, "megapixels", 0));
  json_builder_end_object (b);
}

/* "position 7 of the list is “a.jpg” in shard-1.json but “b.jpg” in shard-3.json" */
static char *
describe_mismatch (PpRecordMerge *self,
                   GPtrArray     *list,
                   guint          position)
{
  const Occurrence *first = g_ptr_array_index (list, 0);

  for (guint i = 1; i < list->len; i++)
    {
      const Occurrence *other = g_ptr_array_index (list, i);

      if (g_strcmp0 (first->input, other->input) != 0)
        return g_strdup_printf ("position %u of the list is “%s” in %s but “%s” in %s: the "
                                "shards did not list the same files", position, first->input,
                                ((Shard *) g_ptr_array_index (self->shards, first->shard))->origin,
                                other->input,
                                ((Shard *) g_ptr_array_index (self->shards, other->shard))->origin);
    }
  g_assert_not_reached ();
}

static const char *
final_to_string (Final final)
{
  static const char *const names[] = { "ok", "failed", "skipped", "missing" };

  return names[final];
}

/* The job's figures, summed over the shards that came back. */
typedef struct
{
  gint64 span_us;   /* first shard start to last shard end */
  gint64 cpu_us;
  gint64 processed; /* files_ok */
  double megapixels;
} Totals;

static void
sum_shards (PpRecordMerge *self,
            Totals        *totals)
{
  GDateTime *first = NULL;

  *totals = (Totals) { 0 };
  for (guint i = 0; i < self->shards->len; i++)
    {
      Shard *shard = g_ptr_array_index (self->shards, i);

      totals->cpu_us += _pp_json_get_int_or (shard->record, "cpu_us", 0);
      totals->processed += _pp_json_get_int_or (shard->record, "files_ok", 0);
      totals->megapixels += _pp_json_get_double_or (shard->record, "megapixels", 0);
      if (shard->started != NULL && (first == NULL || g_date_time_compare (shard->started,
                                                                           first) < 0))
        first = shard->started;
    }
  for (guint i = 0; i < self->shards->len; i++)
    {
      Shard *shard = g_ptr_array_index (self->shards, i);
      gint64 end = shard->started != NULL && first != NULL
                   ? g_date_time_difference (shard->started, first) + shard->wall_us
                   : shard->wall_us;

      totals->span_us = MAX (totals->span_us, end);
    }
}

/* "shards_missing": the shard numbers (1-based) no record came back from; none when the
 * records disagree on the shard count. */
static void
add_shards_missing (JsonBuilder   *b,
                    PpRecordMerge *self)
{
  json_builder_set_member_name (b, "shards_missing");
  json_builder_begin_array (b);
  if (!self->count_mixed)
    for (guint k = 1; k <= self->shard_count; k++)
      {
        gboolean seen = FALSE;

        for (guint i = 0; i < self->shards->len && !seen; i++)
          seen = ((Shard *) g_ptr_array_index (self->shards, i))->shard_index == k;
        if (!seen)
          json_builder_add_int_value (b, k);
      }
  json_builder_end_array (b);
}

/* "conflicts": those found while adding records, then the first position of the @length where
 * the shards listed different files. */
static void
add_conflicts (JsonBuilder   *b,
               PpRecordMerge *self,
               guint          length)
{
  json_builder_set_member_name (b, "conflicts");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->conflicts->len; i++)
    json_builder_add_string_value (b, g_ptr_array_index (self->conflicts, i));
  for (guint i = 0; i < length; i++)
    {
      GPtrArray *list = g_hash_table_lookup (self->by_index, GUINT_TO_POINTER (i));

      if (_pp_record_merge_decide (list).mismatch)
        {
          g_autofree char *message = describe_mismatch (self, list, i);

          json_builder_add_string_value (b, message);
          break; /* one example is enough: the lists differ from there on */
        }
    }
  json_builder_end_array (b);
}

/* The entry of "files" for list position @i: the attempt that finished it, and its shard. */
static void
build_file (JsonBuilder   *b,
            PpRecordMerge *self,
            guint          i)
{
  GPtrArray *list = g_hash_table_lookup (self->by_index, GUINT_TO_POINTER (i));
  Verdict v = _pp_record_merge_decide (list);
  const Shard *shard = v.chosen != NULL ? g_ptr_array_index (self->shards, v.chosen->shard)
                                        : NULL;

  json_builder_begin_object (b);
  _pp_json_add_int (b, "index", i);
  _pp_json_add_string (b, "input", v.chosen != NULL ? v.chosen->input : NULL);
  _pp_json_add_string (b, "output", v.chosen != NULL ? v.chosen->output : NULL);
  _pp_json_add_string (b, "status", final_to_string (v.final));
  _pp_json_add_boolean (b, "resumed", v.chosen != NULL && v.chosen->resumed);
  _pp_json_add_string (b, "sha256", v.chosen != NULL ? v.chosen->sha256 : NULL);
  /* The shard that owns this position by the deal, whether or not a record came back. */
  _pp_json_add_int (b, "shard", self->count_mixed || self->shard_count == 0
                       ? (shard != NULL ? shard->shard_index : 0)
                       : i % self->shard_count + 1);
  _pp_json_add_string (b, "host", shard != NULL ? _pp_json_get_string (shard->record, "host") : NULL);
  _pp_json_add_string (b, "record", shard != NULL ? shard->origin : NULL);
  _pp_json_add_int (b, "times_processed", v.processed);
  json_builder_end_object (b);
}

/**
 * pp_record_merge_to_json:
 * @self: a merge
 *
 * Builds the merged record (`"kind": "merge"`, docs/run-record.md): the common input, output
 * and pipeline, totals, the job's span (first shard start to last shard end) and throughput
 * over it, every shard, every file once (the attempt that finished it), and the lists of
 * missing and duplicated files, missing shards and conflicts.
 *
 * Returns: (transfer full): the merged record
 */
JsonNode *
pp_record_merge_to_json (PpRecordMerge *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  PpRecordMergeSummary summary;
  Totals totals;
  guint length;

  g_return_val_if_fail (PP_IS_RECORD_MERGE (self), NULL);

  pp_record_merge_get_summary (self, &summary);
  length = _pp_record_merge_expected_length (self);
  sum_shards (self, &totals);

  json_builder_begin_object (b);
  _pp_json_add_int (b, "schema_version", 1);
  _pp_json_add_string (b, "kind", "merge");
  for (guint i = 0; i < N_COMMON; i++)
    _pp_json_add_string (b, self->common[i].name, self->common[i].mixed ? NULL : self->common[i].value);
  _pp_json_add_int (b, "shard_count", self->count_mixed ? 0 : self->shard_count);
  _pp_json_add_int (b, "records", summary.records);
  _pp_json_add_boolean (b, "exactly_once", summary.exactly_once);
  _pp_json_add_boolean (b, "consistent", summary.exactly_once && summary.conflicts == 0);
  _pp_json_add_int (b, "files_listed", summary.files_listed);
  _pp_json_add_int (b, "files_ok", summary.files_ok);
  _pp_json_add_int (b, "files_failed", summary.files_failed);
  _pp_json_add_int (b, "files_skipped", summary.files_skipped);
  _pp_json_add_int (b, "files_missing", summary.files_missing);
  _pp_json_add_int (b, "files_duplicated", summary.files_duplicated);
  _pp_json_add_int (b, "files_processed", totals.processed);
  _pp_json_add_double (b, "megapixels", totals.megapixels);
  _pp_json_add_int (b, "wall_us", totals.span_us);
  _pp_json_add_int (b, "cpu_us", totals.cpu_us);
  _pp_json_add_double (b, "images_per_s",
                       totals.span_us > 0 ? totals.processed / (totals.span_us / 1e6) : 0);
  _pp_json_add_double (b, "megapixels_per_s",
                       totals.span_us > 0 ? totals.megapixels / (totals.span_us / 1e6) : 0);
  add_shards_missing (b, self);
  add_conflicts (b, self, length);

  json_builder_set_member_name (b, "shards");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->shards->len; i++)
    build_shard (b, g_ptr_array_index (self->shards, i));
  json_builder_end_array (b);

  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (guint i = 0; i < length; i++)
    build_file (b, self, i);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
