/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What pp-chain-editor.c and pp-chain-editor-presets.c share.
 */
#pragma once

#include "pp-chain-editor.h"

G_BEGIN_DECLS

struct _PpChainEditor
{
  GtkWidget parent_instance;

  /* Template children, alphabetically. */
  GtkMenuButton *add_button;
  GtkStack *content_stack;
  GtkMenuButton *presets_button;
  GtkLabel *spec_label;
  GtkListBox *steps_list;

  PpPipeline *pipeline;
  GArray *expanded; /* of gboolean, per step */
  gboolean rebuilding;

  /* Undo: chain states (GVariant "a(sb)") from before each edit; a slider's drag is one edit. */
  GPtrArray *undo_stack;
  GPtrArray *redo_stack;
  guint last_value_key;   /* position << 8 | param of the last value edit, G_MAXUINT: none */
  gint64 last_value_us;

  int image_width;        /* the selected image's size, for the pixel sliders' ranges; 0: none */
  int image_height;
};

/* pp-chain-editor.c */
void _pp_chain_editor_message              (PpChainEditor  *self,
                                            const char     *text);
void _pp_chain_editor_record               (PpChainEditor  *self);

/* pp-chain-editor-presets.c */
void _pp_chain_editor_class_init_presets   (GtkWidgetClass *widget_class);
void _pp_chain_editor_rebuild_presets_menu (PpChainEditor  *self);

G_END_DECLS
