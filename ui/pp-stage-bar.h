/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpStageBar: a run's time split into decode, filter, encode and write, as one stacked bar,
 * each stage in its own colour and pattern (so the stages differ by more than colour).
 */
#pragma once

#include <gtk/gtk.h>

#include "pp-run-entry.h"

G_BEGIN_DECLS

#define PP_TYPE_STAGE_BAR (pp_stage_bar_get_type ())
G_DECLARE_FINAL_TYPE (PpStageBar, pp_stage_bar, PP, STAGE_BAR, GtkWidget)

GtkWidget *pp_stage_bar_new                (void);
void       pp_stage_bar_set_times          (PpStageBar            *self,
                                            const gint64          *stage_us);
char      *pp_stage_bar_describe           (const gint64          *stage_us);
void       pp_stage_bar_append_stage       (GtkSnapshot           *snapshot,
                                            PpRunStage             stage,
                                            const graphene_rect_t *rect);
void       pp_stage_bar_append_failed      (GtkSnapshot           *snapshot,
                                            const graphene_rect_t *rect);
void       pp_stage_bar_append_idle        (GtkSnapshot           *snapshot,
                                            const GdkRGBA         *foreground,
                                            const graphene_rect_t *rect);
const GdkRGBA *pp_stage_bar_get_colour     (PpRunStage             stage);

G_END_DECLS
