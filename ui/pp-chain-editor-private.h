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
};

/* pp-chain-editor.c */
void _pp_chain_editor_message              (PpChainEditor  *self,
                                            const char     *text);

/* pp-chain-editor-presets.c */
void _pp_chain_editor_class_init_presets   (GtkWidgetClass *widget_class);
void _pp_chain_editor_rebuild_presets_menu (PpChainEditor  *self);

G_END_DECLS
