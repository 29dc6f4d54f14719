/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Force-included (-include) into every file of the ThreadSanitizer build only. GLib's GMutex,
 * GCond and the queues inside GThreadPool, GAsyncQueue and GMainContext sit on raw futexes that
 * TSan cannot see (google/sanitizers#490), so a correctly locked program is reported as racy.
 * Here every lock, wait and hand-off *our code* makes is told to TSan as the acquire/release it
 * is, keyed on the primitive or on the handed-over item — never wider than the real edge, so a
 * real race still shows. Nothing here changes behaviour.
 */
#pragma once

#if defined(__SANITIZE_THREAD__)
#define PP_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define PP_TSAN 1
#endif
#endif

#ifdef PP_TSAN

#include <glib.h>
#include <gio/gio.h>

void __tsan_acquire (void *addr);
void __tsan_release (void *addr);

/* Locks. */
static inline void
pp_tsan_mutex_lock (GMutex *m)
{
  (g_mutex_lock) (m);
  __tsan_acquire (m);
}

static inline void
pp_tsan_mutex_unlock (GMutex *m)
{
  __tsan_release (m);
  (g_mutex_unlock) (m);
}

static inline gboolean
pp_tsan_mutex_trylock (GMutex *m)
{
  if (!(g_mutex_trylock) (m))
    return FALSE;
  __tsan_acquire (m);
  return TRUE;
}

static inline void
pp_tsan_rec_mutex_lock (GRecMutex *m)
{
  (g_rec_mutex_lock) (m);
  __tsan_acquire (m);
}

static inline void
pp_tsan_rec_mutex_unlock (GRecMutex *m)
{
  __tsan_release (m);
  (g_rec_mutex_unlock) (m);
}

static inline void
pp_tsan_cond_wait (GCond  *c,
                   GMutex *m)
{
  __tsan_release (m);
  (g_cond_wait) (c, m);
  __tsan_acquire (c);
  __tsan_acquire (m);
}

static inline gboolean
pp_tsan_cond_wait_until (GCond  *c,
                         GMutex *m,
                         gint64  end_time)
{
  gboolean signalled;

  __tsan_release (m);
  signalled = (g_cond_wait_until) (c, m, end_time);
  __tsan_acquire (c);
  __tsan_acquire (m);
  return signalled;
}

static inline void
pp_tsan_cond_signal (GCond *c)
{
  __tsan_release (c);
  (g_cond_signal) (c);
}

static inline void
pp_tsan_cond_broadcast (GCond *c)
{
  __tsan_release (c);
  (g_cond_broadcast) (c);
}

#define g_mutex_lock(m) pp_tsan_mutex_lock (m)
#define g_mutex_unlock(m) pp_tsan_mutex_unlock (m)
#define g_mutex_trylock(m) pp_tsan_mutex_trylock (m)
#define g_rec_mutex_lock(m) pp_tsan_rec_mutex_lock (m)
#define g_rec_mutex_unlock(m) pp_tsan_rec_mutex_unlock (m)
#define g_cond_wait(c, m) pp_tsan_cond_wait (c, m)
#define g_cond_wait_until(c, m, t) pp_tsan_cond_wait_until (c, m, t)
#define g_cond_signal(c) pp_tsan_cond_signal (c)
#define g_cond_broadcast(c) pp_tsan_cond_broadcast (c)

/* One-time initialisation: the slow path stores through GLib, the fast path loads inline. */
#undef g_once_init_enter
#define g_once_init_enter(location)                                                           \
  ((!g_atomic_pointer_get (location) && (g_once_init_enter) (location))                        \
     ? TRUE                                                                                    \
     : (__tsan_acquire ((void *) (location)), FALSE))
#undef g_once_init_leave
#define g_once_init_leave(location, result)                                                   \
  (__tsan_release ((void *) (location)), (g_once_init_leave) ((location), (gsize) (result)))

/* Reference counts (g_object_unref, g_atomic_ref_count_dec) are functions of the
 * uninstrumented libraries too: pp-tsan-interpose.c, linked into every program, annotates them,
 * including the unrefs g_autoptr() cleanups make. */

/* Thread pools: the item pushed is what the worker receives. */
typedef struct
{
  GFunc func;
  gpointer user_data;
} PpTsanPool;

static inline void
pp_tsan_pool_trampoline (gpointer data,
                         gpointer user_data)
{
  PpTsanPool *pool = user_data;

  __tsan_acquire (data);
  pool->func (data, pool->user_data);
  /* For g_thread_pool_free (…, wait = TRUE): the caller then sees everything workers did. */
  __tsan_release (pool);
}

static inline GThreadPool *
pp_tsan_thread_pool_new (GFunc     func,
                         gpointer  user_data,
                         gint      max_threads,
                         gboolean  exclusive,
                         GError  **error)
{
  /* Lives as long as the pool; pools here are process-wide or outlive their test. */
  PpTsanPool *pool = g_new (PpTsanPool, 1);

  pool->func = func;
  pool->user_data = user_data;
  return (g_thread_pool_new) (pp_tsan_pool_trampoline, pool, max_threads, exclusive, error);
}

static inline gboolean
pp_tsan_thread_pool_push (GThreadPool  *pool,
                          gpointer      data,
                          GError      **error)
{
  __tsan_release (data);
  return (g_thread_pool_push) (pool, data, error);
}

static inline void
pp_tsan_thread_pool_free (GThreadPool *pool,
                          gboolean     immediate,
                          gboolean     wait_)
{
  gpointer wrapper = pool->func == pp_tsan_pool_trampoline ? pool->user_data : NULL;

  (g_thread_pool_free) (pool, immediate, wait_);
  /* Without wait, workers may still be in the trampoline: the wrapper then stays. */
  if (wrapper != NULL && wait_)
    {
      __tsan_acquire (wrapper);
      g_free (wrapper);
    }
}

#define g_thread_pool_new(f, u, n, e, err) pp_tsan_thread_pool_new (f, u, n, e, err)
#define g_thread_pool_free(p, i, w) pp_tsan_thread_pool_free (p, i, w)
#define g_thread_pool_push(p, d, err) pp_tsan_thread_pool_push (p, d, err)

/* Async queues. */
static inline void
pp_tsan_async_queue_push (GAsyncQueue *queue,
                          gpointer     data)
{
  __tsan_release (data);
  (g_async_queue_push) (queue, data);
}

static inline gpointer
pp_tsan_acquired (gpointer data)
{
  if (data != NULL)
    __tsan_acquire (data);
  return data;
}

#define g_async_queue_push(q, d) pp_tsan_async_queue_push (q, d)
#define g_async_queue_pop(q) pp_tsan_acquired ((g_async_queue_pop) (q))
#define g_async_queue_try_pop(q) pp_tsan_acquired ((g_async_queue_try_pop) (q))
#define g_async_queue_timeout_pop(q, t) pp_tsan_acquired ((g_async_queue_timeout_pop) (q, t))

/* GTask: a result returned on one thread is propagated on another. */
static inline void
pp_tsan_task_return_pointer (GTask          *task,
                             gpointer        result,
                             GDestroyNotify  notify)
{
  __tsan_release (task);
  (g_task_return_pointer) (task, result, notify);
}

static inline void
pp_tsan_task_return_boolean (GTask    *task,
                             gboolean  result)
{
  __tsan_release (task);
  (g_task_return_boolean) (task, result);
}

static inline void
pp_tsan_task_return_int (GTask  *task,
                         gssize  result)
{
  __tsan_release (task);
  (g_task_return_int) (task, result);
}

static inline void
pp_tsan_task_return_error (GTask  *task,
                           GError *error)
{
  __tsan_release (task);
  (g_task_return_error) (task, error);
}

static inline GTask *
pp_tsan_task_acquired (gpointer task)
{
  __tsan_acquire (task);
  return task;
}

#define g_task_return_pointer(t, r, d) pp_tsan_task_return_pointer (t, r, d)
#define g_task_return_boolean(t, r) pp_tsan_task_return_boolean (t, r)
#define g_task_return_int(t, r) pp_tsan_task_return_int (t, r)
#define g_task_return_error(t, e) pp_tsan_task_return_error (t, e)
#define g_task_propagate_pointer(t, e) (g_task_propagate_pointer) (pp_tsan_task_acquired (t), e)
#define g_task_propagate_boolean(t, e) (g_task_propagate_boolean) (pp_tsan_task_acquired (t), e)
#define g_task_propagate_int(t, e) (g_task_propagate_int) (pp_tsan_task_acquired (t), e)

/* g_task_run_in_thread: what the caller set up before is what the thread function reads. */
static inline void
pp_tsan_task_thread (GTask        *task,
                     gpointer      source,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  GTaskThreadFunc func = (GTaskThreadFunc) g_object_get_data (G_OBJECT (task),
                                                              "pp-tsan-thread-func");

  __tsan_acquire (task);
  func (task, source, task_data, cancellable);
}

static inline void
pp_tsan_task_run_in_thread (GTask           *task,
                            GTaskThreadFunc  func)
{
  g_object_set_data (G_OBJECT (task), "pp-tsan-thread-func", (gpointer) func);
  __tsan_release (task);
  (g_task_run_in_thread) (task, pp_tsan_task_thread);
}

#define g_task_run_in_thread(t, f) pp_tsan_task_run_in_thread (t, f)

/* Main-context hand-offs: the data given to a source callback reaches the main thread. */
typedef struct
{
  GSourceFunc func;
  gpointer data;
  GDestroyNotify notify;
} PpTsanCallback;

static inline gboolean
pp_tsan_source_trampoline (gpointer user_data)
{
  PpTsanCallback *cb = user_data;

  __tsan_acquire (cb);
  return cb->func (cb->data);
}

static inline void
pp_tsan_callback_free (gpointer user_data)
{
  PpTsanCallback *cb = user_data;

  __tsan_acquire (cb);
  if (cb->notify != NULL)
    cb->notify (cb->data);
  g_free (cb);
}

static inline PpTsanCallback *
pp_tsan_callback_new (GSourceFunc    func,
                      gpointer       data,
                      GDestroyNotify notify)
{
  PpTsanCallback *cb = g_new (PpTsanCallback, 1);

  cb->func = func;
  cb->data = data;
  cb->notify = notify;
  __tsan_release (cb);
  return cb;
}

/* Functions, not macros: every argument (state->context…) is read before the release, which a
 * macro's unspecified argument order would not guarantee. */
static inline void
pp_tsan_source_set_callback (GSource        *source,
                             GSourceFunc     func,
                             gpointer        data,
                             GDestroyNotify  notify)
{
  (g_source_set_callback) (source, pp_tsan_source_trampoline,
                           pp_tsan_callback_new (func, data, notify), pp_tsan_callback_free);
}

static inline guint
pp_tsan_idle_add_full (gint           priority,
                       GSourceFunc    func,
                       gpointer       data,
                       GDestroyNotify notify)
{
  return (g_idle_add_full) (priority, pp_tsan_source_trampoline,
                            pp_tsan_callback_new (func, data, notify), pp_tsan_callback_free);
}

static inline guint
pp_tsan_timeout_add_full (gint           priority,
                          guint          interval,
                          GSourceFunc    func,
                          gpointer       data,
                          GDestroyNotify notify)
{
  return (g_timeout_add_full) (priority, interval, pp_tsan_source_trampoline,
                               pp_tsan_callback_new (func, data, notify), pp_tsan_callback_free);
}

static inline void
pp_tsan_main_context_invoke_full (GMainContext   *context,
                                  gint            priority,
                                  GSourceFunc     func,
                                  gpointer        data,
                                  GDestroyNotify  notify)
{
  (g_main_context_invoke_full) (context, priority, pp_tsan_source_trampoline,
                                pp_tsan_callback_new (func, data, notify),
                                pp_tsan_callback_free);
}

#define g_source_set_callback(s, f, d, n) pp_tsan_source_set_callback (s, f, d, n)
#define g_idle_add_full(p, f, d, n) pp_tsan_idle_add_full (p, f, d, n)
#define g_idle_add(f, d) pp_tsan_idle_add_full (G_PRIORITY_DEFAULT_IDLE, f, d, NULL)
#define g_timeout_add_full(p, i, f, d, n) pp_tsan_timeout_add_full (p, i, f, d, n)
#define g_timeout_add(i, f, d) pp_tsan_timeout_add_full (G_PRIORITY_DEFAULT, i, f, d, NULL)
#define g_main_context_invoke_full(c, p, f, d, n) pp_tsan_main_context_invoke_full (c, p, f, d, n)
#define g_main_context_invoke(c, f, d)                                                        \
  pp_tsan_main_context_invoke_full (c, G_PRIORITY_DEFAULT, f, d, NULL)

#endif
