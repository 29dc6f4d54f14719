/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpChainEditor: the list of steps (one PpStepRow each) is rebuilt when the chain's structure
 * changes (add, remove, move, preset) and left alone while values change, so a slider keeps its
 * grab while the user drags it. Every change emits ::changed; a value change is "interactive"
 * so the preview can render a proxy until the user lets go. Presets are in
 * pp-chain-editor-presets.c.
 */
#define G_LOG_DOMAIN "pp-chain-editor"

#include "config.h"

#include "pp-chain-editor-private.h"
#include "pp-step-row.h"
#include "pp-ui-resources.h"

G_DEFINE_FINAL_TYPE (PpChainEditor, pp_chain_editor, GTK_TYPE_WIDGET)

enum
{
  CHANGED,
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
emit_changed (PpChainEditor *self,
              gboolean       interactive)
{
  g_autofree char *spec = pp_pipeline_to_spec (self->pipeline);

  gtk_label_set_label (self->spec_label, spec);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->spec_label), spec);
  g_signal_emit (self, signals[CHANGED], 0, interactive);
}

void
_pp_chain_editor_message (PpChainEditor *self,
                          const char    *text)
{
  g_signal_emit (self, signals[MESSAGE], 0, text);
}

static void
on_param_changed (PpStepRow     *row,
                  guint          param,
                  double         value,
                  gboolean       interactive,
                  PpChainEditor *self)
{
  guint position = pp_step_row_get_position (row);
  g_autoptr (GError) error = NULL;

  if (self->rebuilding)
    return;
  if (!pp_pipeline_set_value (self->pipeline, position, param, value, &error))
    {
      _pp_chain_editor_message (self, error->message);
      pp_step_row_update (row, pp_pipeline_get_step (self->pipeline, position));
      return;
    }
  pp_step_row_update (row, pp_pipeline_get_step (self->pipeline, position));
  emit_changed (self, interactive);
}

static void
on_enabled_changed (PpStepRow     *row,
                    gboolean       enabled,
                    PpChainEditor *self)
{
  if (self->rebuilding)
    return;
  pp_pipeline_set_enabled (self->pipeline, pp_step_row_get_position (row), enabled);
  emit_changed (self, FALSE);
}

static void
on_expanded_changed (PpStepRow     *row,
                     GParamSpec    *pspec,
                     PpChainEditor *self)
{
  guint position = pp_step_row_get_position (row);

  if (!self->rebuilding && position < self->expanded->len)
    g_array_index (self->expanded, gboolean, position) =
      adw_expander_row_get_expanded (ADW_EXPANDER_ROW (row));
}

static GtkWidget *
create_step_row (PpChainEditor *self,
                 guint          position)
{
  PpStepRow *row = pp_step_row_new (pp_pipeline_get_step (self->pipeline, position), position,
                                    pp_pipeline_get_n_steps (self->pipeline));

  g_signal_connect (row, "param-changed", G_CALLBACK (on_param_changed), self);
  g_signal_connect (row, "enabled-changed", G_CALLBACK (on_enabled_changed), self);
  if (position < self->expanded->len && g_array_index (self->expanded, gboolean, position))
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  g_signal_connect (row, "notify::expanded", G_CALLBACK (on_expanded_changed), self);
  return GTK_WIDGET (row);
}

static void
rebuild (PpChainEditor *self)
{
  GtkWidget *child;
  guint n_steps = self->pipeline ? pp_pipeline_get_n_steps (self->pipeline) : 0;

  self->rebuilding = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->steps_list))) != NULL)
    gtk_list_box_remove (self->steps_list, child);
  g_array_set_size (self->expanded, n_steps);
  for (guint i = 0; i < n_steps; i++)
    gtk_list_box_append (self->steps_list, create_step_row (self, i));
  gtk_stack_set_visible_child_name (self->content_stack, n_steps > 0 ? "steps" : "empty");
  self->rebuilding = FALSE;
}

static void
structure_changed (PpChainEditor *self)
{
  rebuild (self);
  emit_changed (self, FALSE);
}

/* Actions */

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  PpChainEditor *self = PP_CHAIN_EDITOR (widget);
  const PpFilterInfo *info = pp_filter_lookup (g_variant_get_string (parameter, NULL));
  gboolean expanded = TRUE;

  if (info == NULL || self->pipeline == NULL)
    return;
  pp_pipeline_append (self->pipeline, info, NULL);
  g_array_append_val (self->expanded, expanded);
  structure_changed (self);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  PpChainEditor *self = PP_CHAIN_EDITOR (widget);
  guint position = g_variant_get_uint32 (parameter);

  if (self->pipeline == NULL || position >= pp_pipeline_get_n_steps (self->pipeline))
    return;
  pp_pipeline_remove (self->pipeline, position);
  g_array_remove_index (self->expanded, position);
  structure_changed (self);
}

static void
move (PpChainEditor *self,
      guint          from,
      guint          to)
{
  gboolean expanded;

  if (self->pipeline == NULL || from >= pp_pipeline_get_n_steps (self->pipeline) ||
      to >= pp_pipeline_get_n_steps (self->pipeline))
    return;
  pp_pipeline_move (self->pipeline, from, to);
  expanded = g_array_index (self->expanded, gboolean, from);
  g_array_remove_index (self->expanded, from);
  g_array_insert_val (self->expanded, to, expanded);
  structure_changed (self);
}

static void
move_up_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  guint position = g_variant_get_uint32 (parameter);

  if (position > 0)
    move (PP_CHAIN_EDITOR (widget), position, position - 1);
}

static void
move_down_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  guint position = g_variant_get_uint32 (parameter);

  move (PP_CHAIN_EDITOR (widget), position, position + 1);
}

static void
clear_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  PpChainEditor *self = PP_CHAIN_EDITOR (widget);

  if (self->pipeline == NULL)
    return;
  pp_pipeline_clear (self->pipeline);
  g_array_set_size (self->expanded, 0);
  structure_changed (self);
}

static void
build_add_menu (PpChainEditor *self)
{
  g_autoptr (GMenu) menu = g_menu_new ();
  GMenu *sections[3] = { g_menu_new (), g_menu_new (), g_menu_new () };
  static const char *const titles[3] = { "Colour and Tone", "Neighbourhood", "Size and Shape" };
  const PpFilterInfo *const *filters;
  guint n;

  filters = pp_filter_list (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GMenuItem) item = g_menu_item_new (filters[i]->label, NULL);

      g_menu_item_set_action_and_target (item, "chain.add", "s", filters[i]->name);
      g_menu_append_item (sections[MIN ((guint) filters[i]->kind, 2u)], item);
    }
  for (guint i = 0; i < 3; i++)
    {
      if (g_menu_model_get_n_items (G_MENU_MODEL (sections[i])) > 0)
        g_menu_append_section (menu, titles[i], G_MENU_MODEL (sections[i]));
      g_object_unref (sections[i]);
    }
  gtk_menu_button_set_menu_model (self->add_button, G_MENU_MODEL (menu));
}

/* Public */

void
pp_chain_editor_set_pipeline (PpChainEditor *self,
                              PpPipeline    *pipeline)
{
  g_return_if_fail (PP_IS_CHAIN_EDITOR (self));

  if (!g_set_object (&self->pipeline, pipeline))
    return;
  g_array_set_size (self->expanded, 0);
  rebuild (self);
  if (pipeline != NULL)
    {
      g_autofree char *spec = pp_pipeline_to_spec (pipeline);

      gtk_label_set_label (self->spec_label, spec);
    }
}

PpPipeline *
pp_chain_editor_get_pipeline (PpChainEditor *self)
{
  g_return_val_if_fail (PP_IS_CHAIN_EDITOR (self), NULL);
  return self->pipeline;
}

/* Replaces the chain's steps with @spec's, keeping the same pipeline object. */
gboolean
pp_chain_editor_set_spec (PpChainEditor *self,
                          const char    *spec,
                          GError       **error)
{
  g_autoptr (PpPipeline) parsed = NULL;
  guint n;

  g_return_val_if_fail (PP_IS_CHAIN_EDITOR (self), FALSE);
  g_return_val_if_fail (self->pipeline != NULL, FALSE);

  parsed = pp_pipeline_new_from_spec (spec, error);
  if (parsed == NULL)
    return FALSE;
  pp_pipeline_clear (self->pipeline);
  n = pp_pipeline_get_n_steps (parsed);
  for (guint i = 0; i < n; i++)
    {
      const PpStep *step = pp_pipeline_get_step (parsed, i);

      pp_pipeline_append (self->pipeline, step->info, step->values);
      pp_pipeline_set_enabled (self->pipeline, i, step->enabled);
    }
  g_array_set_size (self->expanded, 0);
  structure_changed (self);
  return TRUE;
}

static void
pp_chain_editor_dispose (GObject *object)
{
  PpChainEditor *self = PP_CHAIN_EDITOR (object);

#if GTK_CHECK_VERSION (4, 8, 0)
  gtk_widget_dispose_template (GTK_WIDGET (self), PP_TYPE_CHAIN_EDITOR);
#endif
  /* The template's top box has no id, so dispose_template() leaves it: unparent it here. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->pipeline);

  G_OBJECT_CLASS (pp_chain_editor_parent_class)->dispose (object);
}

static void
pp_chain_editor_finalize (GObject *object)
{
  PpChainEditor *self = PP_CHAIN_EDITOR (object);

  g_array_unref (self->expanded);
  G_OBJECT_CLASS (pp_chain_editor_parent_class)->finalize (object);
}

static void
pp_chain_editor_class_init (PpChainEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pp_chain_editor_dispose;
  object_class->finalize = pp_chain_editor_finalize;

  /**
   * PpChainEditor::changed:
   * @interactive: %TRUE while a value is being dragged
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  /* Something the user should read: a preset saved, or why it could not be. */
  signals[MESSAGE] = g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /* Keeps the resource object (and its registration) linked in from the static library. */
  (void) pp_ui_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/parapix/Parapix/pp-chain-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, PpChainEditor, add_button);
  gtk_widget_class_bind_template_child (widget_class, PpChainEditor, content_stack);
  gtk_widget_class_bind_template_child (widget_class, PpChainEditor, presets_button);
  gtk_widget_class_bind_template_child (widget_class, PpChainEditor, spec_label);
  gtk_widget_class_bind_template_child (widget_class, PpChainEditor, steps_list);

  gtk_widget_class_install_action (widget_class, "chain.add", "s", add_action);
  gtk_widget_class_install_action (widget_class, "chain.clear", NULL, clear_action);
  gtk_widget_class_install_action (widget_class, "chain.move-down", "u", move_down_action);
  gtk_widget_class_install_action (widget_class, "chain.move-up", "u", move_up_action);
  gtk_widget_class_install_action (widget_class, "chain.remove", "u", remove_action);
  _pp_chain_editor_class_init_presets (widget_class);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "chaineditor");
}

static void
pp_chain_editor_init (PpChainEditor *self)
{
  self->expanded = g_array_new (FALSE, TRUE, sizeof (gboolean));
  gtk_widget_init_template (GTK_WIDGET (self));
  build_add_menu (self);
  _pp_chain_editor_rebuild_presets_menu (self);
}
