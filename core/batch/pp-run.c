/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpRun: a batch run's record and its live list of results. The JSON form is the contract with
 * scripts, benchmarks and other machines (docs/run-record.md, docs/run-record.schema.json):
 * files are listed in input order whatever order the workers finished them in.
 */
#define G_LOG_DOMAIN "pp-run"

#include "config.h"

#include <string.h>

#include "batch/pp-json-private.h"
#include "batch/pp-run.h"

struct _PpRun
{
  GObject parent_instance;

  PpBatchMode mode;
  guint threads;
  char *input;
  char *output;
  char *pipeline;
  char *format;
  guint shard_index;
  guint shard_count;
  guint n_planned;
  guint n_ignored;
  guint n_listed;
  char *host;
  char *shard_source;    /* (nullable) where the shard came from: "option", "slurm"… */
  PpCpuBudget budget;
  gboolean has_budget;
  GDateTime *started;
  gint64 wall_us;
  gint64 cpu_us;
  gboolean cancelled;
  gboolean finished;
  GPtrArray *results; /* of PpFileResult, in the order they finished */
  char *threads_source;     /* (nullable) who chose the thread count */
  JsonNode *threads_choice; /* (nullable) how --threads auto chose it */
};

static void pp_run_list_model_init (GListModelInterface *iface);

G_DEFINE_ENUM_TYPE (PpBatchMode, pp_batch_mode,
  G_DEFINE_ENUM_VALUE (PP_BATCH_MODE_SERIAL, "serial"),
  G_DEFINE_ENUM_VALUE (PP_BATCH_MODE_PARALLEL, "parallel"))

G_DEFINE_FINAL_TYPE_WITH_CODE (PpRun, pp_run, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, pp_run_list_model_init))

static GType
pp_run_get_item_type (GListModel *model)
{
  return PP_TYPE_FILE_RESULT;
}

static guint
pp_run_get_n_items (GListModel *model)
{
  return PP_RUN (model)->results->len;
}

static gpointer
pp_run_get_item (GListModel *model,
                 guint       position)
{
  PpRun *self = PP_RUN (model);

  if (position >= self->results->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->results, position));
}

static void
pp_run_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = pp_run_get_item_type;
  iface->get_n_items = pp_run_get_n_items;
  iface->get_item = pp_run_get_item;
}

static void
pp_run_finalize (GObject *object)
{
  PpRun *self = PP_RUN (object);

  g_free (self->threads_source);
  g_clear_pointer (&self->threads_choice, json_node_unref);
  g_free (self->input);
  g_free (self->output);
  g_free (self->pipeline);
  g_free (self->format);
  g_free (self->host);
  g_free (self->shard_source);
  g_clear_pointer (&self->started, g_date_time_unref);
  g_clear_pointer (&self->results, g_ptr_array_unref);

  G_OBJECT_CLASS (pp_run_parent_class)->finalize (object);
}

static void
pp_run_class_init (PpRunClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pp_run_finalize;
}

static void
pp_run_init (PpRun *self)
{
  self->results = g_ptr_array_new_with_free_func (g_object_unref);
  self->started = g_date_time_new_now_utc ();
  self->shard_count = 1;
  /* Which machine: merged records of a cluster job list each shard's. */
  self->host = g_strdup (g_get_host_name ());
}

/**
 * pp_run_new:
 * @mode: how the batch runs
 * @threads: the workers it may use
 *
 * A run's record lives on the main thread: the batch fills it there from its coalesced progress,
 * never from a worker.
 *
 * Returns: (transfer full): an empty record, started now
 */
PpRun *
pp_run_new (PpBatchMode mode,
            guint       threads)
{
  PpRun *self = g_object_new (PP_TYPE_RUN, NULL);

  self->mode = mode;
  self->threads = threads;
  return self;
}

/**
 * pp_run_set_source:
 * @self: a run
 * @input: (nullable): the input folder (absolute), %NULL for an explicit list of files
 * @output: the output folder (absolute)
 * @pipeline_spec: the pipeline as a spec (pp_pipeline_to_spec())
 * @format: the output format's name ("same", "jpeg"…)
 *
 * Filled in by the batch when it starts; informative (the record says what was asked). Main
 * thread.
 */
void
pp_run_set_source (PpRun      *self,
                   const char *input,
                   const char *output,
                   const char *pipeline_spec,
                   const char *format)
{
  g_return_if_fail (PP_IS_RUN (self));

  g_free (self->input);
  g_free (self->output);
  g_free (self->pipeline);
  g_free (self->format);
  self->input = g_strdup (input);
  self->output = g_strdup (output);
  self->pipeline = g_strdup (pipeline_spec);
  self->format = g_strdup (format);
}

/**
 * pp_run_set_shard:
 * @self: a run
 * @index: 0-based shard, below @count
 * @count: shards, 1 for a whole run
 *
 * Main thread.
 */
void
pp_run_set_shard (PpRun *self,
                  guint  index,
                  guint  count)
{
  g_return_if_fail (PP_IS_RUN (self));
  g_return_if_fail (count >= 1 && index < count);

  self->shard_index = index;
  self->shard_count = count;
}

/**
 * pp_run_set_n_planned:
 * @self: a run
 * @n_files: files this run processes (its shard's part of the listing)
 *
 * Main thread.
 */
void
pp_run_set_n_planned (PpRun *self,
                      guint  n_files)
{
  g_return_if_fail (PP_IS_RUN (self));

  self->n_planned = n_files;
}

/**
 * pp_run_set_n_listed:
 * @n_files: inputs in the batch's whole sorted list, before sharding
 *
 * Lets a merge of the shards' records know how many files to expect. Main thread.
 */
void
pp_run_set_n_listed (PpRun *self,
                     guint  n_files)
{
  g_return_if_fail (PP_IS_RUN (self));

  self->n_listed = n_files;
}

/**
 * pp_run_set_origin:
 * @shard_source: (nullable): where the shard came from: "option" (K/N given), "slurm",
 *   "kubernetes", "parallel" (pp_shard_source_to_string()); %NULL: "none", or "option" when
 *   sharded
 * @budget: (nullable): the CPU budget found for this process (batch/pp-cpu-budget.h), recorded
 *   as is
 *
 * Records where the shard came from and what CPUs the process had (the command line knows; the
 * batch does not); who chose the thread count is pp_run_set_threads_choice(). Main thread.
 */
void
pp_run_set_origin (PpRun             *self,
                   const char        *shard_source,
                   const PpCpuBudget *budget)
{
  g_return_if_fail (PP_IS_RUN (self));

  g_free (self->shard_source);
  self->shard_source = g_strdup (shard_source);
  self->has_budget = budget != NULL;
  if (budget != NULL)
    self->budget = *budget;
}

/**
 * pp_run_set_n_ignored:
 * @self: a run
 * @n_files: entries of the input folder that are not images (left out, not failures)
 *
 * Main thread.
 */
void
pp_run_set_n_ignored (PpRun *self,
                      guint  n_files)
{
  g_return_if_fail (PP_IS_RUN (self));

  self->n_ignored = n_files;
}

/**
 * pp_run_set_threads_choice:
 * @source: who chose the thread count: "option" (--threads N), "auto" (--threads auto), or the
 *   CPU budget's source for the default ("affinity", "cgroup", "slurm")
 * @details: (transfer full) (nullable): for "auto", how it chose
 *   (pp_threads_choice_to_json(): limits, calibration, explanation, predicted wall times)
 *
 * Recorded in the JSON run record as "threads_source" and "threads_choice". Main thread.
 */
void
pp_run_set_threads_choice (PpRun      *self,
                           const char *source,
                           JsonNode   *details)
{
  g_return_if_fail (PP_IS_RUN (self));

  g_free (self->threads_source);
  self->threads_source = g_strdup (source);
  g_clear_pointer (&self->threads_choice, json_node_unref);
  self->threads_choice = details;
}

/**
 * pp_run_get_threads_source:
 * @self: a run
 *
 * Returns: (transfer none) (nullable): who chose the thread count (see
 *   pp_run_set_threads_choice()), %NULL when nobody said
 */
const char *
pp_run_get_threads_source (PpRun *self)
{
  g_return_val_if_fail (PP_IS_RUN (self), NULL);
  return self->threads_source;
}

/**
 * pp_run_get_threads_choice:
 * @self: a run
 *
 * Returns: (transfer none) (nullable): how --threads auto chose, as recorded
 */
JsonNode *
pp_run_get_threads_choice (PpRun *self)
{
  g_return_val_if_fail (PP_IS_RUN (self), NULL);
  return self->threads_choice;
}

/**
 * pp_run_append:
 * @self: a run
 * @result: a finished file (referenced)
 *
 * Adds it at the end; emits GListModel::items-changed. Main thread only.
 */
void
pp_run_append (PpRun        *self,
               PpFileResult *result)
{
  g_return_if_fail (PP_IS_RUN (self));
  g_return_if_fail (PP_IS_FILE_RESULT (result));

  g_ptr_array_add (self->results, g_object_ref (result));
  g_list_model_items_changed (G_LIST_MODEL (self), self->results->len - 1, 0, 1);
}

/**
 * pp_run_finish:
 * @self: a run
 * @wall_us: the run's wall time, in microseconds
 * @cpu_us: the CPU time of the process and its decoder helpers over the run, in microseconds
 * @cancelled: whether it was cancelled
 *
 * Marks the record finished. Main thread.
 */
void
pp_run_finish (PpRun    *self,
               gint64    wall_us,
               gint64    cpu_us,
               gboolean  cancelled)
{
  g_return_if_fail (PP_IS_RUN (self));

  self->wall_us = wall_us;
  self->cpu_us = cpu_us;
  self->cancelled = cancelled;
  self->finished = TRUE;
}

/**
 * pp_run_get_mode:
 * @self: a run
 *
 * Returns: serial or parallel (the record's "mode", by the GEnum's nick)
 */
PpBatchMode
pp_run_get_mode (PpRun *self)
{
  g_return_val_if_fail (PP_IS_RUN (self), PP_BATCH_MODE_SERIAL);
  return self->mode;
}

/**
 * pp_run_get_threads:
 * @self: a run
 *
 * Returns: the workers the run could use
 */
guint
pp_run_get_threads (PpRun *self)
{
  g_return_val_if_fail (PP_IS_RUN (self), 0);
  return self->threads;
}

/**
 * pp_run_get_output:
 * @self: a run
 *
 * Returns: (transfer none) (nullable): the output folder, as set by pp_run_set_source()
 */
const char *
pp_run_get_output (PpRun *self)
{
  g_return_val_if_fail (PP_IS_RUN (self), NULL);
  return self->output;
}

/**
 * pp_run_get_n_planned:
 * @self: a run
 *
 * Returns: files this run processes
 */
guint
pp_run_get_n_planned (PpRun *self)
{
  g_return_val_if_fail (PP_IS_RUN (self), 0);
  return self->n_planned;
}

/**
 * pp_run_get_n_ignored:
 * @self: a run
 *
 * Returns: entries left out as not images
 */
guint
pp_run_get_n_ignored (PpRun *self)
{
  g_return_val_if_fail (PP_IS_RUN (self), 0);
  return self->n_ignored;
}

/**
 * pp_run_get_n_listed:
 * @self: a run
 *
 * Returns: inputs in the whole sorted list, before sharding (pp_run_set_n_listed())
 */
guint
pp_run_get_n_listed (PpRun *self)
{
  g_return_val_if_fail (PP_IS_RUN (self), 0);
  return self->n_listed;
}

/**
 * pp_run_get_host:
 * @self: a run
 *
 * Returns: (transfer none) (nullable): the machine the run ran on, as recorded
 */
const char *
pp_run_get_host (PpRun *self)
{
  g_return_val_if_fail (PP_IS_RUN (self), NULL);
  return self->host;
}

/**
 * pp_run_get_wall_us:
 * @self: a run
 *
 * Returns: the wall time, in microseconds; 0 until finished
 */
gint64
pp_run_get_wall_us (PpRun *self)
{
  g_return_val_if_fail (PP_IS_RUN (self), 0);
  return self->wall_us;
}

/**
 * pp_run_get_cpu_us:
 * @self: a run
 *
 * Returns: the CPU time (process and decoder helpers), in microseconds; 0 until finished
 */
gint64
pp_run_get_cpu_us (PpRun *self)
{
  g_return_val_if_fail (PP_IS_RUN (self), 0);
  return self->cpu_us;
}

/**
 * pp_run_get_cancelled:
 * @self: a run
 *
 * Returns: whether the run was cancelled
 */
gboolean
pp_run_get_cancelled (PpRun *self)
{
  g_return_val_if_fail (PP_IS_RUN (self), FALSE);
  return self->cancelled;
}

/**
 * pp_run_get_finished:
 * @self: a run
 *
 * Returns: whether pp_run_finish() was called: the record is complete
 */
gboolean
pp_run_get_finished (PpRun *self)
{
  g_return_val_if_fail (PP_IS_RUN (self), FALSE);
  return self->finished;
}

/**
 * pp_run_get_totals:
 * @self: a run
 * @totals: (out caller-allocates): counts per status, megapixels of the files done (as their
 *   headers declare) and the stage times summed over files, in microseconds
 *
 * Sums the results so far (a live run gives the totals so far). Main thread.
 */
void
pp_run_get_totals (PpRun       *self,
                   PpRunTotals *totals)
{
  g_return_if_fail (PP_IS_RUN (self));
  g_return_if_fail (totals != NULL);

  memset (totals, 0, sizeof *totals);
  for (guint i = 0; i < self->results->len; i++)
    {
      const PpFileRecord *r = pp_file_result_get_record (g_ptr_array_index (self->results, i));

      switch (r->status)
        {
        case PP_FILE_STATUS_OK:
          totals->n_ok++;
          totals->megapixels += (double) r->source_width * r->source_height / 1e6;
          break;
        case PP_FILE_STATUS_SKIPPED:
          totals->n_skipped++;
          totals->n_resumed += r->resumed ? 1 : 0;
          break;
        case PP_FILE_STATUS_FAILED:
          totals->n_failed++;
          break;
        case PP_FILE_STATUS_CANCELLED:
        default:
          totals->n_cancelled++;
          break;
        }
      totals->decode_us += r->decode_us;
      totals->filter_us += r->filter_us;
      totals->encode_us += r->encode_us;
      totals->write_us += r->write_us;
    }
}

static int
compare_by_index (gconstpointer a,
                  gconstpointer b)
{
  const PpFileRecord *ra = pp_file_result_get_record (*(PpFileResult **) a);
  const PpFileRecord *rb = pp_file_result_get_record (*(PpFileResult **) b);

  return ra->index < rb->index ? -1 : ra->index > rb->index;
}

static void
add_file (JsonBuilder        *b,
          const PpFileRecord *r,
          gint64              run_start_us)
{
  json_builder_begin_object (b);
  _pp_json_add_int (b, "index", r->index);
  _pp_json_add_string (b, "input", r->input);
  _pp_json_add_string (b, "output", r->output);
  _pp_json_add_string (b, "status", pp_file_status_to_string (r->status));
  _pp_json_add_string (b, "reason", r->reason);
  _pp_json_add_string (b, "note", r->note);
  _pp_json_add_string (b, "format", r->format);
  json_builder_set_member_name (b, "resumed");
  json_builder_add_boolean_value (b, r->resumed);
  _pp_json_add_string (b, "sha256", r->sha256);
  _pp_json_add_int (b, "source_width", r->source_width);
  _pp_json_add_int (b, "source_height", r->source_height);
  _pp_json_add_int (b, "width", r->width);
  _pp_json_add_int (b, "height", r->height);
  _pp_json_add_int (b, "out_width", r->out_width);
  _pp_json_add_int (b, "out_height", r->out_height);
  _pp_json_add_int (b, "worker", r->worker);
  _pp_json_add_int (b, "start_us", r->start_us > 0 ? r->start_us - run_start_us : 0);
  _pp_json_add_int (b, "end_us", r->end_us > 0 ? r->end_us - run_start_us : 0);
  _pp_json_add_int (b, "decode_us", r->decode_us);
  _pp_json_add_int (b, "filter_us", r->filter_us);
  _pp_json_add_int (b, "encode_us", r->encode_us);
  _pp_json_add_int (b, "write_us", r->write_us);
  json_builder_end_object (b);
}

static void
build_run (JsonBuilder *b,
           PpRun       *self)
{
  /* A copy that does not own the results (g_ptr_array_copy would keep the free function). */
  g_autoptr (GPtrArray) sorted = g_ptr_array_sized_new (self->results->len);
  g_autofree char *started = g_date_time_format_iso8601 (self->started);
  PpRunTotals totals;
  double wall_s = self->wall_us / 1e6;
  gint64 run_start_us = G_MAXINT64;

  pp_run_get_totals (self, &totals);
  for (guint i = 0; i < self->results->len; i++)
    g_ptr_array_add (sorted, g_ptr_array_index (self->results, i));
  g_ptr_array_sort (sorted, compare_by_index);
  for (guint i = 0; i < sorted->len; i++)
    {
      const PpFileRecord *r = pp_file_result_get_record (g_ptr_array_index (sorted, i));

      if (r->start_us > 0)
        run_start_us = MIN (run_start_us, r->start_us);
    }

  json_builder_begin_object (b);
  _pp_json_add_int (b, "schema_version", PP_RUN_SCHEMA_VERSION);
  _pp_json_add_string (b, "kind", "run");
  {
    g_autoptr (GEnumClass) modes = g_type_class_ref (PP_TYPE_BATCH_MODE);

    _pp_json_add_string (b, "mode", g_enum_get_value (modes, self->mode)->value_nick);
  }
  _pp_json_add_int (b, "threads", self->threads);
  _pp_json_add_string (b, "threads_source", self->threads_source);
  json_builder_set_member_name (b, "threads_choice");
  if (self->threads_choice != NULL)
    json_builder_add_value (b, json_node_copy (self->threads_choice));
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "cpu_budget");
  if (!self->has_budget)
    json_builder_add_null_value (b);
  else
    {
      json_builder_begin_object (b);
      _pp_json_add_int (b, "count", self->budget.count);
      _pp_json_add_string (b, "source", pp_cpu_budget_source_to_string (self->budget.source));
      _pp_json_add_int (b, "affinity", self->budget.affinity);
      _pp_json_add_double (b, "cgroup_quota", self->budget.cgroup_quota);
      _pp_json_add_int (b, "slurm_cpus_per_task", self->budget.slurm_cpus);
      json_builder_end_object (b);
    }
  _pp_json_add_string (b, "host", self->host);
  _pp_json_add_string (b, "started", started);
  _pp_json_add_string (b, "input", self->input);
  _pp_json_add_string (b, "output", self->output);
  _pp_json_add_string (b, "pipeline", self->pipeline);
  _pp_json_add_string (b, "format", self->format);
  json_builder_set_member_name (b, "shard");
  json_builder_begin_object (b);
  _pp_json_add_int (b, "index", self->shard_index + 1);
  _pp_json_add_int (b, "count", self->shard_count);
  _pp_json_add_string (b, "source", self->shard_source != NULL ? self->shard_source
                           : self->shard_count > 1 ? "option" : "none");
  json_builder_end_object (b);
  json_builder_set_member_name (b, "cancelled");
  json_builder_add_boolean_value (b, self->cancelled);
  _pp_json_add_int (b, "files_planned", self->n_planned);
  _pp_json_add_int (b, "files_listed", self->n_listed);
  _pp_json_add_int (b, "files_ignored", self->n_ignored);
  _pp_json_add_int (b, "files_ok", totals.n_ok);
  _pp_json_add_int (b, "files_skipped", totals.n_skipped);
  _pp_json_add_int (b, "files_resumed", totals.n_resumed);
  _pp_json_add_int (b, "files_failed", totals.n_failed);
  _pp_json_add_int (b, "files_cancelled", totals.n_cancelled);
  _pp_json_add_double (b, "megapixels", totals.megapixels);
  _pp_json_add_int (b, "wall_us", self->wall_us);
  _pp_json_add_int (b, "cpu_us", self->cpu_us);
  _pp_json_add_double (b, "images_per_s", wall_s > 0 ? totals.n_ok / wall_s : 0);
  _pp_json_add_double (b, "megapixels_per_s", wall_s > 0 ? totals.megapixels / wall_s : 0);
  json_builder_set_member_name (b, "stage_totals_us");
  json_builder_begin_object (b);
  _pp_json_add_int (b, "decode", totals.decode_us);
  _pp_json_add_int (b, "filter", totals.filter_us);
  _pp_json_add_int (b, "encode", totals.encode_us);
  _pp_json_add_int (b, "write", totals.write_us);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "files");
  json_builder_begin_array (b);
  for (guint i = 0; i < sorted->len; i++)
    add_file (b, pp_file_result_get_record (g_ptr_array_index (sorted, i)),
              run_start_us == G_MAXINT64 ? 0 : run_start_us);
  json_builder_end_array (b);
  json_builder_end_object (b);
}

/**
 * pp_run_to_json:
 * @self: a run
 *
 * The record as docs/run-record.md describes it and docs/run-record.schema.json checks: the
 * run's settings, totals and timings, and one object per file in input order.
 *
 * Returns: (transfer full): a JSON object
 */
JsonNode *
pp_run_to_json (PpRun *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (PP_IS_RUN (self), NULL);

  build_run (b, self);
  return json_builder_get_root (b);
}

/**
 * pp_run_to_json_string:
 * @self: a run
 * @pretty: indent it
 *
 * Returns: (transfer full): pp_run_to_json() as text
 */
char *
pp_run_to_json_string (PpRun    *self,
                       gboolean  pretty)
{
  g_autoptr (JsonNode) node = pp_run_to_json (self);

  return json_to_string (node, pretty);
}
