/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The progress coalescer, after Nautilus' progress info: workers change counters under a lock
 * and arm one GSource by its ready time; the source fires on the captured main context, copies
 * and clears the state under the lock, then emits "changed" outside it. Ordinary updates are at
 * least PP_PROGRESS_INTERVAL_US apart; start and finish make the source ready at once.
 */
#define G_LOG_DOMAIN "pp-progress"

#include "config.h"

#include <string.h>

#include "batch/pp-progress.h"

struct _PpProgress
{
  GObject parent_instance;

  GMainContext *context;
  GSource *source;

  GMutex mutex;
  /* Guarded by mutex: */
  PpProgressSnapshot state;
  gint64 start_us;
  gint64 end_us;
  gint64 last_dispatch_us;
  gboolean armed;         /* the source has a ready time */
  gboolean dirty;
  GPtrArray *pending;     /* of PpFileRecord*, finished since the last emission */

  /* Main context only: */
  guint n_updates;
};

enum
{
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PpProgress, pp_progress, G_TYPE_OBJECT)

/**
 * pp_progress_snapshot_clear:
 * @snapshot: (nullable): a snapshot filled by pp_progress_get_snapshot() or received in
 *   "changed" and copied
 *
 * Frees what the snapshot owns (the current file's name) and leaves it empty.
 */
void
pp_progress_snapshot_clear (PpProgressSnapshot *snapshot)
{
  if (snapshot == NULL)
    return;
  g_clear_pointer (&snapshot->current_file, g_free);
}

static void
record_free (gpointer data)
{
  PpFileRecord *record = data;

  pp_file_record_clear (record);
  g_free (record);
}

static void
fill_times (PpProgress         *self,
            PpProgressSnapshot *out)
{
  gint64 now = self->end_us != 0 ? self->end_us : g_get_monotonic_time ();

  out->elapsed_us = self->start_us != 0 ? now - self->start_us : 0;
  out->eta_us = -1;
  if (out->state == PP_PROGRESS_RUNNING && out->done > 0 && out->total >= out->done)
    out->eta_us = (gint64) ((double) out->elapsed_us / out->done * (out->total - out->done));
  else if (out->state == PP_PROGRESS_FINISHED || out->state == PP_PROGRESS_CANCELLED)
    out->eta_us = 0;
}

/* Called with the lock held. */
static void
copy_state_locked (PpProgress         *self,
                   PpProgressSnapshot *out)
{
  *out = self->state;
  out->current_file = g_strdup (self->state.current_file);
  fill_times (self, out);
}

static void
dispatch_update (PpProgress *self)
{
  g_auto (PpProgressSnapshot) snapshot = { 0 };
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);

  /* "changed" is emitted on the progress's main context only: a window connects to it. */
  g_assert (g_main_context_is_owner (self->context));

  g_mutex_lock (&self->mutex);
  self->armed = FALSE;
  g_source_set_ready_time (self->source, -1);
  if (!self->dirty)
    {
      g_mutex_unlock (&self->mutex);
      return;
    }
  self->dirty = FALSE;
  self->last_dispatch_us = g_get_monotonic_time ();
  copy_state_locked (self, &snapshot);
  records = g_steal_pointer (&self->pending);
  self->pending = g_ptr_array_new_with_free_func (record_free);
  g_mutex_unlock (&self->mutex);

  for (guint i = 0; i < records->len; i++)
    g_ptr_array_add (results, pp_file_result_new_take (g_ptr_array_index (records, i)));

  self->n_updates++;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0, &snapshot, results);
}

static gboolean
source_dispatch (GSource     *source,
                 GSourceFunc  callback,
                 gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs source_funcs = {
  .dispatch = source_dispatch,
};

static gboolean
on_source_ready (gpointer user_data)
{
  dispatch_update (PP_PROGRESS (user_data));
  return G_SOURCE_CONTINUE;
}

/* Called with the lock held, after a change. */
static void
schedule_locked (PpProgress *self,
                 gboolean    urgent)
{
  self->dirty = TRUE;
  if (urgent)
    {
      g_source_set_ready_time (self->source, 0);
      self->armed = TRUE;
    }
  else if (!self->armed)
    {
      gint64 now = g_get_monotonic_time ();

      g_source_set_ready_time (self->source,
                               MAX (now, self->last_dispatch_us + PP_PROGRESS_INTERVAL_US));
      self->armed = TRUE;
    }
}

static void
pp_progress_dispose (GObject *object)
{
  PpProgress *self = PP_PROGRESS (object);

  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }

  G_OBJECT_CLASS (pp_progress_parent_class)->dispose (object);
}

static void
pp_progress_finalize (GObject *object)
{
  PpProgress *self = PP_PROGRESS (object);

  g_clear_pointer (&self->pending, g_ptr_array_unref);
  pp_progress_snapshot_clear (&self->state);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (pp_progress_parent_class)->finalize (object);
}

static void
pp_progress_class_init (PpProgressClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pp_progress_dispose;
  object_class->finalize = pp_progress_finalize;

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_POINTER, G_TYPE_PTR_ARRAY);
}

static void
pp_progress_init (PpProgress *self)
{
  g_mutex_init (&self->mutex);
  self->pending = g_ptr_array_new_with_free_func (record_free);
  self->context = g_main_context_ref_thread_default ();
  self->source = g_source_new (&source_funcs, sizeof (GSource));
  g_source_set_name (self->source, "[parapix] progress");
  g_source_set_priority (self->source, G_PRIORITY_DEFAULT);
  /* The source never outlives the object: dispose destroys it. */
  g_source_set_callback (self->source, on_source_ready, self, NULL);
  g_source_set_ready_time (self->source, -1);
  g_source_attach (self->source, self->context);
}

/**
 * pp_progress_new:
 *
 * Captures the calling thread's thread-default main context: "changed" is emitted there, and only
 * there. Make it on the thread that will run that context.
 *
 * Returns: (transfer full): an idle progress
 */
PpProgress *
pp_progress_new (void)
{
  return g_object_new (PP_TYPE_PROGRESS, NULL);
}

/**
 * pp_progress_start:
 * @self: a progress
 * @total: files planned, if known (0 until listing says; see pp_progress_set_total())
 *
 * Resets the counters and starts the clock; delivered at once. Any thread.
 */
void
pp_progress_start (PpProgress *self,
                   guint       total)
{
  g_return_if_fail (PP_IS_PROGRESS (self));

  g_mutex_lock (&self->mutex);
  pp_progress_snapshot_clear (&self->state);
  memset (&self->state, 0, sizeof self->state);
  self->state.state = PP_PROGRESS_RUNNING;
  self->state.total = total;
  self->start_us = g_get_monotonic_time ();
  self->end_us = 0;
  schedule_locked (self, TRUE);
  g_mutex_unlock (&self->mutex);
}

/**
 * pp_progress_set_total:
 * @self: a progress
 * @total: files planned
 *
 * Any thread; coalesced with the other updates.
 */
void
pp_progress_set_total (PpProgress *self,
                       guint       total)
{
  g_return_if_fail (PP_IS_PROGRESS (self));

  g_mutex_lock (&self->mutex);
  self->state.total = total;
  schedule_locked (self, FALSE);
  g_mutex_unlock (&self->mutex);
}

/**
 * pp_progress_begin_file:
 * @self: a progress
 * @name: the file a worker starts, as the user knows it (relative to the input folder)
 *
 * Any thread (the worker's); coalesced.
 */
void
pp_progress_begin_file (PpProgress *self,
                        const char *name)
{
  g_return_if_fail (PP_IS_PROGRESS (self));

  g_mutex_lock (&self->mutex);
  g_free (self->state.current_file);
  self->state.current_file = g_strdup (name);
  self->state.in_flight++;
  schedule_locked (self, FALSE);
  g_mutex_unlock (&self->mutex);
}

/**
 * pp_progress_end_file:
 * @self: a progress
 * @status: how the file ended
 * @megapixels: its input size in millions of pixels (0 when it was not processed)
 * @record: (transfer full) (nullable): the file's record: its contents are taken (the struct is
 *   left cleared) and delivered with the next update as a PpFileResult in "changed"
 *
 * Any thread (the worker's); coalesced, so a batch of thousands of small files costs a few dozen
 * main-loop wake-ups a second, not one per file.
 */
void
pp_progress_end_file (PpProgress   *self,
                      PpFileStatus  status,
                      double        megapixels,
                      PpFileRecord *record)
{
  PpFileRecord *copy = NULL;

  g_return_if_fail (PP_IS_PROGRESS (self));

  if (record != NULL)
    {
      copy = g_new (PpFileRecord, 1);
      *copy = *record;
      memset (record, 0, sizeof *record);
    }

  g_mutex_lock (&self->mutex);
  if (self->state.in_flight > 0)
    self->state.in_flight--;
  self->state.done++;
  self->state.megapixels += megapixels;
  switch (status)
    {
    case PP_FILE_STATUS_OK:
      self->state.ok++;
      break;
    case PP_FILE_STATUS_SKIPPED:
      self->state.skipped++;
      break;
    case PP_FILE_STATUS_FAILED:
      self->state.failed++;
      break;
    case PP_FILE_STATUS_CANCELLED:
    default:
      self->state.cancelled++;
      break;
    }
  if (copy != NULL)
    g_ptr_array_add (self->pending, copy);
  schedule_locked (self, FALSE);
  g_mutex_unlock (&self->mutex);
}

/**
 * pp_progress_finish:
 * @self: a progress
 * @cancelled: whether the run was cancelled
 *
 * Stops the clock and marks the run finished or cancelled; delivered at once, with whatever
 * results are still pending. Any thread.
 */
void
pp_progress_finish (PpProgress *self,
                    gboolean    cancelled)
{
  g_return_if_fail (PP_IS_PROGRESS (self));

  g_mutex_lock (&self->mutex);
  self->state.state = cancelled ? PP_PROGRESS_CANCELLED : PP_PROGRESS_FINISHED;
  self->state.in_flight = 0;
  self->end_us = g_get_monotonic_time ();
  schedule_locked (self, TRUE);
  g_mutex_unlock (&self->mutex);
}

/**
 * pp_progress_get_snapshot:
 * @self: a progress
 * @snapshot: (out caller-allocates): a consistent copy of the counters now; clear it with
 *   pp_progress_snapshot_clear()
 *
 * Any thread.
 */
void
pp_progress_get_snapshot (PpProgress         *self,
                          PpProgressSnapshot *snapshot)
{
  g_return_if_fail (PP_IS_PROGRESS (self));
  g_return_if_fail (snapshot != NULL);

  g_mutex_lock (&self->mutex);
  copy_state_locked (self, snapshot);
  g_mutex_unlock (&self->mutex);
}

/**
 * pp_progress_flush:
 * @self: a progress
 *
 * Delivers a pending update now (emitting "changed"), if there is one. The batch calls it before
 * completing a run, so the final state is emitted before the run is. On the progress's main
 * context only (a g_critical() otherwise); it acquires the context for the dispatch.
 */
void
pp_progress_flush (PpProgress *self)
{
  g_return_if_fail (PP_IS_PROGRESS (self));

  /* Succeeds on the thread that runs the context (it is owned recursively) or when nobody runs
   * it; fails on any other thread while the context's own thread runs it. */
  if (!g_main_context_acquire (self->context))
    {
      g_critical ("pp_progress_flush() called off the progress's main context");
      return;
    }
  dispatch_update (self);
  g_main_context_release (self->context);
}

/**
 * pp_progress_get_n_updates:
 * @self: a progress
 *
 * For tests and diagnostics: how well updates coalesce. Main context.
 *
 * Returns: the "changed" emissions so far
 */
guint
pp_progress_get_n_updates (PpProgress *self)
{
  g_return_val_if_fail (PP_IS_PROGRESS (self), 0);

  return self->n_updates;
}
