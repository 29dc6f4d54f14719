/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scheduler: one process-wide GThreadPool for everything Parapix runs off the main thread —
 * the bands of a render (pp-render.h), a batch's file workers, listing folders, thumbnails and
 * any GTask (pp_scheduler_run_task). Serial mode is the very same code on one worker thread.
 * Callers that already are a pool worker (a batch's file workers) run a plan on their own thread,
 * so pools never nest and busy threads never exceed the chosen count.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PP_SCHEDULER_MAX_THREADS 64

typedef void (*PpWorkFunc) (gpointer data);

guint          pp_scheduler_get_default_threads (void);
void           pp_scheduler_set_worker_niceness (int                  niceness);
void           pp_scheduler_push                (PpWorkFunc           func,
                                                 gpointer             data);
void           pp_scheduler_run_task            (GTask               *task,
                                                 GTaskThreadFunc      func);

G_END_DECLS
