/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpTimingsView: one row per batch run — what it processed (folder, chain, format), how (mode,
 * threads), how long, the speedup against the last serial run of the same work, efficiency,
 * whether the outputs were identical, the time per stage — with explanations of the figures,
 * notes on surprising ones, a history kept across restarts, and export to CSV or JSON.
 */
#pragma once

#include <gtk/gtk.h>

#include "batch/pp-run.h"
#include "pp-run-entry.h"

G_BEGIN_DECLS

#define PP_TYPE_TIMINGS_VIEW (pp_timings_view_get_type ())
G_DECLARE_FINAL_TYPE (PpTimingsView, pp_timings_view, PP, TIMINGS_VIEW, GtkWidget)

void        pp_timings_view_add_run       (PpTimingsView *self,
                                           PpRun         *run,
                                           const char    *work,
                                           const char    *folder,
                                           const char    *chain,
                                           const char    *format);
void        pp_timings_view_remove_run    (PpTimingsView *self,
                                           PpRun         *run);
void        pp_timings_view_update        (PpTimingsView *self,
                                           PpRun         *run);
void        pp_timings_view_keep_finished (PpTimingsView *self);
void        pp_timings_view_set_identical (PpTimingsView *self,
                                           PpRun         *run,
                                           gboolean       identical);
guint       pp_timings_view_get_n_runs    (PpTimingsView *self);
PpRun      *pp_timings_view_get_run       (PpTimingsView *self,
                                           guint          position);
PpRunEntry *pp_timings_view_get_entry     (PpTimingsView *self,
                                           PpRun         *run);
PpRunEntry *pp_timings_view_get_baseline  (PpTimingsView *self,
                                           PpRunEntry    *entry);
double      pp_timings_view_get_speedup   (PpTimingsView *self,
                                           PpRun         *run);
double      pp_timings_view_get_entry_speedup (PpTimingsView *self,
                                               PpRunEntry    *entry);
char       *pp_timings_view_get_notes     (PpTimingsView *self);
char       *pp_timings_view_to_csv        (PpTimingsView *self);
char       *pp_timings_view_to_json       (PpTimingsView *self);
void        pp_timings_view_load_history  (PpTimingsView *self);
void        pp_timings_view_clear_history (PpTimingsView *self);
guint       pp_timings_view_get_n_history (PpTimingsView *self);
char       *pp_timings_view_get_history_path (void);

G_END_DECLS
