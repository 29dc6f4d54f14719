/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What pp-timings-view.c (rows, history, export) and pp-timings-cells.c (columns, words,
 * explanations, notes, CSV and JSON) share.
 */
#pragma once

#include "pp-timings-view.h"

G_BEGIN_DECLS

struct _PpTimingsView
{
  GtkWidget parent_instance;

  /* Template children, alphabetically. */
  GtkColumnView *column_view;
  GtkLabel *explain_label;
  GtkMenuButton *export_button;
  GtkLabel *notes_label;
  GtkSingleSelection *selection;
  GtkStack *stack;
  GtkLabel *stages_label;

  GListStore *history;  /* of PpRunEntry: earlier sessions' runs, read back */
  GListStore *session;  /* of PpRunEntry: this session's */
  GListModel *all;      /* both, history first */
  GHashTable *saved;    /* PpRunEntry already appended to the history (a ref each) */
  GHashTable *baselines; /* PpRunEntry -> the row its speedup is measured against; NULL: to
                          * work out again (a row changed) */
};

/* pp-timings-view.c */
void _pp_timings_view_refresh            (PpTimingsView *self);
void _pp_timings_view_selection_changed  (PpTimingsView *self);

/* pp-timings-cells.c */
void _pp_timings_view_init_columns       (PpTimingsView *self);
void _pp_timings_view_update_notes       (PpTimingsView *self);

G_END_DECLS
