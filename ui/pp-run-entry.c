/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpRunEntry keeps what the Timings view shows of a run, so a row does not depend on the run's
 * per-file records still being around: this session's runs refresh it from their PpRun as
 * they grow; earlier sessions' runs are read back from one JSON object per line of the history
 * file (pp_run_entry_to_json / _new_from_json). Main thread only.
 */
#define G_LOG_DOMAIN "pp-run-entry"

#include "config.h"

#include "pp-run-entry.h"

/* Version of a history line; bump when a member changes meaning. */
#define HISTORY_VERSION 1

struct _PpRunEntry
{
  GObject parent_instance;

  PpRun *run;             /* this session's runs; NULL when read back */
  char *work;             /* what runs are compared by: input, chain, format, orientation… */
  char *folder;           /* the input, in words: the folder's name or "3 images" */
  char *chain;            /* the enabled steps as a spec */
  char *format;           /* output format nick ("same", "jpeg"…) */
  char *started;          /* ISO 8601, local time */
  gboolean serial;
  guint threads;
  gint64 wall_us;
  gint64 cpu_us;
  gboolean finished;
  gboolean cancelled;
  PpRunTotals totals;
  GArray *worker_busy_us; /* of gint64, per worker lane */
  GArray *worker_files;   /* of guint, per worker lane */
  int identical;          /* -1 not compared, 0 no, 1 yes */
  double saved_speedup;   /* read back from the history (0: none) */
};

G_DEFINE_FINAL_TYPE (PpRunEntry, pp_run_entry, G_TYPE_OBJECT)

static const char *const stage_names[PP_RUN_N_STAGES] = { "decode", "filter", "encode", "write" };

/**
 * pp_run_stage_get_name:
 *
 * Returns: the stage's name in the history and exports ("decode", "filter", "encode", "write")
 */
const char *
pp_run_stage_get_name (PpRunStage stage)
{
  g_return_val_if_fail (stage < PP_RUN_N_STAGES, NULL);
  return stage_names[stage];
}

static void
pp_run_entry_finalize (GObject *object)
{
  PpRunEntry *self = PP_RUN_ENTRY (object);

  g_clear_object (&self->run);
  g_free (self->work);
  g_free (self->folder);
  g_free (self->chain);
  g_free (self->format);
  g_free (self->started);
  g_array_unref (self->worker_busy_us);
  g_array_unref (self->worker_files);
  G_OBJECT_CLASS (pp_run_entry_parent_class)->finalize (object);
}

static void
pp_run_entry_class_init (PpRunEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pp_run_entry_finalize;
}

static void
pp_run_entry_init (PpRunEntry *self)
{
  self->identical = -1;
  self->worker_busy_us = g_array_new (FALSE, TRUE, sizeof (gint64));
  self->worker_files = g_array_new (FALSE, TRUE, sizeof (guint));
}

/**
 * pp_run_entry_refresh:
 *
 * Reads the live run again (totals, times, each worker's busy time). Nothing for a run read
 * back from the history.
 */
void
pp_run_entry_refresh (PpRunEntry *self)
{
  guint n;

  g_return_if_fail (PP_IS_RUN_ENTRY (self));

  if (self->run == NULL)
    return;
  self->serial = pp_run_get_mode (self->run) == PP_BATCH_MODE_SERIAL;
  self->threads = pp_run_get_threads (self->run);
  self->wall_us = pp_run_get_wall_us (self->run);
  self->cpu_us = pp_run_get_cpu_us (self->run);
  self->finished = pp_run_get_finished (self->run);
  self->cancelled = pp_run_get_cancelled (self->run);
  pp_run_get_totals (self->run, &self->totals);
  g_array_set_size (self->worker_busy_us, 0);
  g_array_set_size (self->worker_files, 0);
  g_array_set_size (self->worker_busy_us, MAX (1u, self->threads));
  g_array_set_size (self->worker_files, MAX (1u, self->threads));
  n = g_list_model_get_n_items (G_LIST_MODEL (self->run));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpFileResult) result = g_list_model_get_item (G_LIST_MODEL (self->run), i);
      const PpFileRecord *record = pp_file_result_get_record (result);
      guint lane;

      if (record->start_us <= 0 || record->end_us < record->start_us)
        continue;
      lane = MIN (record->worker, self->worker_busy_us->len - 1);
      g_array_index (self->worker_busy_us, gint64, lane) += record->end_us - record->start_us;
      g_array_index (self->worker_files, guint, lane)++;
    }
}

/**
 * pp_run_entry_new:
 * @run: a run of this session (kept, and read again by pp_run_entry_refresh())
 * @work: the key runs are compared by (two runs of equal @work did the same work)
 * @folder: the input in words
 * @chain: the chain's spec
 * @format: the output format's nick
 *
 * Returns: (transfer full): a new entry for @run
 */
PpRunEntry *
pp_run_entry_new (PpRun      *run,
                  const char *work,
                  const char *folder,
                  const char *chain,
                  const char *format)
{
  PpRunEntry *self;
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  g_return_val_if_fail (PP_IS_RUN (run), NULL);

  self = g_object_new (PP_TYPE_RUN_ENTRY, NULL);
  self->run = g_object_ref (run);
  self->work = g_strdup (work ? work : "");
  self->folder = g_strdup (folder ? folder : "");
  self->chain = g_strdup (chain ? chain : "");
  self->format = g_strdup (format ? format : "same");
  self->started = g_date_time_format_iso8601 (now);
  pp_run_entry_refresh (self);
  return self;
}

static void
add_double (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_double_value (builder, value);
}

/**
 * pp_run_entry_to_json:
 *
 * The run as one history line: a JSON object with "version", "started", "folder", "chain",
 * "format", "work", "mode" ("serial"/"parallel"), "threads", "status" ("finished",
 * "cancelled", "running"), "wall_s", "cpu_s", "images", "failed", "skipped",
 * "cancelled_files", "megapixels", "stages_s" {decode, filter, encode, write},
 * "workers" [{busy_s, files}], "identical" (bool or null) and "speedup" (or null).
 *
 * Returns: (transfer full): the object
 */
JsonNode *
pp_run_entry_to_json (PpRunEntry *self)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (PP_IS_RUN_ENTRY (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, HISTORY_VERSION);
  json_builder_set_member_name (builder, "started");
  json_builder_add_string_value (builder, self->started);
  json_builder_set_member_name (builder, "folder");
  json_builder_add_string_value (builder, self->folder);
  json_builder_set_member_name (builder, "chain");
  json_builder_add_string_value (builder, self->chain);
  json_builder_set_member_name (builder, "format");
  json_builder_add_string_value (builder, self->format);
  json_builder_set_member_name (builder, "work");
  json_builder_add_string_value (builder, self->work);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, self->serial ? "serial" : "parallel");
  json_builder_set_member_name (builder, "threads");
  json_builder_add_int_value (builder, self->threads);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, pp_run_entry_get_status (self));
  add_double (builder, "wall_s", self->wall_us / 1e6);
  add_double (builder, "cpu_s", self->cpu_us / 1e6);
  json_builder_set_member_name (builder, "images");
  json_builder_add_int_value (builder, self->totals.n_ok);
  json_builder_set_member_name (builder, "failed");
  json_builder_add_int_value (builder, self->totals.n_failed);
  json_builder_set_member_name (builder, "skipped");
  json_builder_add_int_value (builder, self->totals.n_skipped);
  json_builder_set_member_name (builder, "cancelled_files");
  json_builder_add_int_value (builder, self->totals.n_cancelled);
  add_double (builder, "megapixels", self->totals.megapixels);
  json_builder_set_member_name (builder, "stages_s");
  json_builder_begin_object (builder);
  for (PpRunStage s = 0; s < PP_RUN_N_STAGES; s++)
    add_double (builder, stage_names[s], pp_run_entry_get_stage_us (self, s) / 1e6);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "workers");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->worker_busy_us->len; i++)
    {
      json_builder_begin_object (builder);
      add_double (builder, "busy_s", g_array_index (self->worker_busy_us, gint64, i) / 1e6);
      json_builder_set_member_name (builder, "files");
      json_builder_add_int_value (builder, g_array_index (self->worker_files, guint, i));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "identical");
  if (self->identical < 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_boolean_value (builder, self->identical);
  json_builder_set_member_name (builder, "speedup");
  if (self->saved_speedup > 0)
    json_builder_add_double_value (builder, self->saved_speedup);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gint64
seconds_us (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_double (node) * 1e6 : 0;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;
}

/**
 * pp_run_entry_new_from_json:
 * @node: one history line, as pp_run_entry_to_json() wrote it
 *
 * Returns: (transfer full) (nullable): the entry, or %NULL with @error set
 *   (G_IO_ERROR_INVALID_DATA) when @node is not a history line this build reads
 */
PpRunEntry *
pp_run_entry_new_from_json (JsonNode  *node,
                            GError   **error)
{
  g_autoptr (PpRunEntry) self = NULL;
  JsonObject *object;
  JsonNode *member;
  const char *status;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "a history line is not an object");
      return NULL;
    }
  object = json_node_get_object (node);
  if (json_object_get_int_member_with_default (object, "version", 0) != HISTORY_VERSION ||
      string_member (object, "mode") == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "a history line of another version or without a mode");
      return NULL;
    }
  self = g_object_new (PP_TYPE_RUN_ENTRY, NULL);
  self->started = g_strdup (string_member (object, "started"));
  self->folder = g_strdup (string_member (object, "folder"));
  self->chain = g_strdup (string_member (object, "chain"));
  self->format = g_strdup (string_member (object, "format"));
  self->work = g_strdup (string_member (object, "work"));
  self->serial = g_strcmp0 (string_member (object, "mode"), "serial") == 0;
  self->threads = json_object_get_int_member_with_default (object, "threads", 1);
  status = string_member (object, "status");
  self->finished = g_strcmp0 (status, "running") != 0;
  self->cancelled = g_strcmp0 (status, "cancelled") == 0;
  self->wall_us = seconds_us (object, "wall_s");
  self->cpu_us = seconds_us (object, "cpu_s");
  self->totals.n_ok = json_object_get_int_member_with_default (object, "images", 0);
  self->totals.n_failed = json_object_get_int_member_with_default (object, "failed", 0);
  self->totals.n_skipped = json_object_get_int_member_with_default (object, "skipped", 0);
  self->totals.n_cancelled = json_object_get_int_member_with_default (object,
                                                                       "cancelled_files", 0);
  self->totals.megapixels = json_object_get_double_member_with_default (object, "megapixels",
                                                                         0);
  member = json_object_get_member (object, "stages_s");
  if (member != NULL && JSON_NODE_HOLDS_OBJECT (member))
    {
      JsonObject *stages = json_node_get_object (member);

      self->totals.decode_us = seconds_us (stages, "decode");
      self->totals.filter_us = seconds_us (stages, "filter");
      self->totals.encode_us = seconds_us (stages, "encode");
      self->totals.write_us = seconds_us (stages, "write");
    }
  member = json_object_get_member (object, "workers");
  if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
    {
      JsonArray *workers = json_node_get_array (member);

      for (guint i = 0; i < json_array_get_length (workers); i++)
        {
          JsonNode *worker = json_array_get_element (workers, i);
          gint64 busy = 0;
          guint files = 0;

          if (JSON_NODE_HOLDS_OBJECT (worker))
            {
              busy = seconds_us (json_node_get_object (worker), "busy_s");
              files = json_object_get_int_member_with_default (json_node_get_object (worker),
                                                               "files", 0);
            }
          g_array_append_val (self->worker_busy_us, busy);
          g_array_append_val (self->worker_files, files);
        }
    }
  member = json_object_get_member (object, "identical");
  if (member != NULL && JSON_NODE_HOLDS_VALUE (member))
    self->identical = json_node_get_boolean (member) ? 1 : 0;
  member = json_object_get_member (object, "speedup");
  if (member != NULL && JSON_NODE_HOLDS_VALUE (member))
    self->saved_speedup = json_node_get_double (member);
  return g_steal_pointer (&self);
}

/**
 * pp_run_entry_get_status:
 *
 * Returns: "running", "cancelled", "failed" (finished, and no image was processed while some
 *   failed) or "finished"
 */
const char *
pp_run_entry_get_status (PpRunEntry *self)
{
  g_return_val_if_fail (PP_IS_RUN_ENTRY (self), NULL);

  if (!self->finished)
    return "running";
  if (self->cancelled)
    return "cancelled";
  if (self->totals.n_ok == 0 && self->totals.n_failed > 0)
    return "failed";
  return "finished";
}

/* Getters. Main thread. */

/** pp_run_entry_get_run: Returns: (transfer none) (nullable): the live run, NULL when read back */
PpRun *
pp_run_entry_get_run (PpRunEntry *self)
{
  g_return_val_if_fail (PP_IS_RUN_ENTRY (self), NULL);
  return self->run;
}

/** pp_run_entry_get_work: Returns: the key equal work shares */
const char *
pp_run_entry_get_work (PpRunEntry *self)
{
  g_return_val_if_fail (PP_IS_RUN_ENTRY (self), NULL);
  return self->work;
}

/** pp_run_entry_get_folder: Returns: the input in words */
const char *
pp_run_entry_get_folder (PpRunEntry *self)
{
  g_return_val_if_fail (PP_IS_RUN_ENTRY (self), NULL);
  return self->folder;
}

/** pp_run_entry_get_chain: Returns: the chain's spec */
const char *
pp_run_entry_get_chain (PpRunEntry *self)
{
  g_return_val_if_fail (PP_IS_RUN_ENTRY (self), NULL);
  return self->chain;
}

/** pp_run_entry_get_format: Returns: the output format's nick */
const char *
pp_run_entry_get_format (PpRunEntry *self)
{
  g_return_val_if_fail (PP_IS_RUN_ENTRY (self), NULL);
  return self->format;
}

/** pp_run_entry_get_started: Returns: (nullable): when it started, ISO 8601 */
const char *
pp_run_entry_get_started (PpRunEntry *self)
{
  g_return_val_if_fail (PP_IS_RUN_ENTRY (self), NULL);
  return self->started;
}

/** pp_run_entry_get_serial: Returns: whether it ran serially (one worker) */
gboolean
pp_run_entry_get_serial (PpRunEntry *self)
{
  g_return_val_if_fail (PP_IS_RUN_ENTRY (self), FALSE);
  return self->serial;
}

/** pp_run_entry_get_threads: Returns: its worker threads */
guint
pp_run_entry_get_threads (PpRunEntry *self)
{
  g_return_val_if_fail (PP_IS_RUN_ENTRY (self), 1);
  return MAX (1u, self->threads);
}

/** pp_run_entry_get_wall_us: Returns: its wall-clock time, µs (0 while running) */
gint64
pp_run_entry_get_wall_us (PpRunEntry *self)
{
  g_return_val_if_fail (PP_IS_RUN_ENTRY (self), 0);
  return self->wall_us;
}

/** pp_run_entry_get_cpu_us: Returns: the CPU time of the process tree during it, µs */
gint64
pp_run_entry_get_cpu_us (PpRunEntry *self)
{
  g_return_val_if_fail (PP_IS_RUN_ENTRY (self), 0);
  return self->cpu_us;
}

/** pp_run_entry_get_finished: Returns: whether it has ended (finished or cancelled) */
gboolean
pp_run_entry_get_finished (PpRunEntry *self)
{
  g_return_val_if_fail (PP_IS_RUN_ENTRY (self), FALSE);
  return self->finished;
}

/** pp_run_entry_get_cancelled: Returns: whether it was cancelled */
gboolean
pp_run_entry_get_cancelled (PpRunEntry *self)
{
  g_return_val_if_fail (PP_IS_RUN_ENTRY (self), FALSE);
  return self->cancelled;
}

/** pp_run_entry_get_totals: Returns: (transfer none): counts and summed stage times */
const PpRunTotals *
pp_run_entry_get_totals (PpRunEntry *self)
{
  g_return_val_if_fail (PP_IS_RUN_ENTRY (self), NULL);
  return &self->totals;
}

/** pp_run_entry_get_stage_us: Returns: @stage's time summed over files, µs */
gint64
pp_run_entry_get_stage_us (PpRunEntry *self,
                           PpRunStage  stage)
{
  g_return_val_if_fail (PP_IS_RUN_ENTRY (self), 0);

  switch (stage)
    {
    case PP_RUN_STAGE_DECODE:
      return self->totals.decode_us;
    case PP_RUN_STAGE_FILTER:
      return self->totals.filter_us;
    case PP_RUN_STAGE_ENCODE:
      return self->totals.encode_us;
    case PP_RUN_STAGE_WRITE:
      return self->totals.write_us;
    case PP_RUN_N_STAGES:
    default:
      g_return_val_if_reached (0);
    }
}

/** pp_run_entry_get_n_workers: Returns: its worker lanes */
guint
pp_run_entry_get_n_workers (PpRunEntry *self)
{
  g_return_val_if_fail (PP_IS_RUN_ENTRY (self), 0);
  return self->worker_busy_us->len;
}

/** pp_run_entry_get_worker_busy_us: Returns: the time @worker spent on files, µs */
gint64
pp_run_entry_get_worker_busy_us (PpRunEntry *self,
                                 guint       worker)
{
  g_return_val_if_fail (PP_IS_RUN_ENTRY (self), 0);
  g_return_val_if_fail (worker < self->worker_busy_us->len, 0);
  return g_array_index (self->worker_busy_us, gint64, worker);
}

/** pp_run_entry_get_worker_files: Returns: the files @worker processed */
guint
pp_run_entry_get_worker_files (PpRunEntry *self,
                               guint       worker)
{
  g_return_val_if_fail (PP_IS_RUN_ENTRY (self), 0);
  g_return_val_if_fail (worker < self->worker_files->len, 0);
  return g_array_index (self->worker_files, guint, worker);
}

/** pp_run_entry_get_identical: Returns: -1 not compared, 0 outputs differ, 1 identical */
int
pp_run_entry_get_identical (PpRunEntry *self)
{
  g_return_val_if_fail (PP_IS_RUN_ENTRY (self), -1);
  return self->identical;
}

/** pp_run_entry_set_identical: whether its outputs matched a serial run's byte for byte */
void
pp_run_entry_set_identical (PpRunEntry *self,
                            gboolean    identical)
{
  g_return_if_fail (PP_IS_RUN_ENTRY (self));
  self->identical = identical ? 1 : 0;
}

/** pp_run_entry_get_saved_speedup: Returns: the speedup recorded with it (0: none) */
double
pp_run_entry_get_saved_speedup (PpRunEntry *self)
{
  g_return_val_if_fail (PP_IS_RUN_ENTRY (self), 0);
  return self->saved_speedup;
}

/** pp_run_entry_set_saved_speedup: records the speedup the view computed, for the history */
void
pp_run_entry_set_saved_speedup (PpRunEntry *self,
                                double      speedup)
{
  g_return_if_fail (PP_IS_RUN_ENTRY (self));
  self->saved_speedup = speedup;
}
