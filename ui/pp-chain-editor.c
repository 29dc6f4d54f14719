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
#include "pp-chain-state.h"
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

/* Undo */

/* Edits after this long on the same slider are a new undo step. */
#define VALUE_EDIT_MERGE_US (2 * G_USEC_PER_SEC)

static void
update_undo_actions (PpChainEditor *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chain.undo", self->undo_stack->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chain.redo", self->redo_stack->len > 0);
}

/**
 * _pp_chain_editor_record:
 *
 * Remembers the chain as it is, before an edit, for Undo; forgets what Redo had.
 */
void
_pp_chain_editor_record (PpChainEditor *self)
{
  if (self->pipeline == NULL || self->rebuilding)
    return;
  g_ptr_array_add (self->undo_stack, g_variant_ref_sink (pp_chain_state_capture (self->pipeline)));
  g_ptr_array_set_size (self->redo_stack, 0);
  self->last_value_key = G_MAXUINT;
  update_undo_actions (self);
}

static void structure_changed (PpChainEditor *self);

/* Replaces the chain with the newest state of @from, saving the current one on @to. */
static gboolean
restore (PpChainEditor *self,
         GPtrArray     *from,
         GPtrArray     *to)
{
  g_autoptr (GVariant) state = NULL;
  g_autoptr (GError) error = NULL;

  if (self->pipeline == NULL || from->len == 0)
    return FALSE;
  state = g_ptr_array_steal_index (from, from->len - 1);
  g_ptr_array_add (to, g_variant_ref_sink (pp_chain_state_capture (self->pipeline)));
  if (!pp_chain_state_apply (self->pipeline, state, &error))
    g_warning ("Could not restore the chain: %s", error->message);
  self->last_value_key = G_MAXUINT;
  g_array_set_size (self->expanded, 0);
  structure_changed (self);
  update_undo_actions (self);
  return TRUE;
}

/**
 * pp_chain_editor_undo:
 *
 * Takes back the last edit of the chain (a step added, removed, moved, switched, a value, a
 * preset applied). Main thread only.
 *
 * Returns: %FALSE when there was nothing to undo
 */
gboolean
pp_chain_editor_undo (PpChainEditor *self)
{
  g_return_val_if_fail (PP_IS_CHAIN_EDITOR (self), FALSE);
  return restore (self, self->undo_stack, self->redo_stack);
}

/**
 * pp_chain_editor_redo:
 *
 * Does again what Undo took back. Main thread only.
 *
 * Returns: %FALSE when there was nothing to redo
 */
gboolean
pp_chain_editor_redo (PpChainEditor *self)
{
  g_return_val_if_fail (PP_IS_CHAIN_EDITOR (self), FALSE);
  return restore (self, self->redo_stack, self->undo_stack);
}

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  pp_chain_editor_undo (PP_CHAIN_EDITOR (widget));
}

static void
redo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  pp_chain_editor_redo (PP_CHAIN_EDITOR (widget));
}

/* Steps */

/* Which side of the image a pixel parameter of a geometry step measures: a crop's Left and
 * Width run along the width, Top and Height along the height; so do a fit's box sides. */
static int
image_extent_for (const PpFilterInfo *info,
                  const PpParamSpec  *pspec,
                  int                 width,
                  int                 height)
{
  if (info->kind != PP_FILTER_KIND_GEOMETRY || g_strcmp0 (pspec->unit, "px") != 0)
    return 0;
  if (g_strcmp0 (pspec->name, "x") == 0 || g_strcmp0 (pspec->name, "width") == 0)
    return width;
  if (g_strcmp0 (pspec->name, "y") == 0 || g_strcmp0 (pspec->name, "height") == 0)
    return height;
  return 0;
}

static void
apply_image_size (PpChainEditor *self,
                  PpStepRow     *row)
{
  const PpStep *step = pp_pipeline_get_step (self->pipeline, pp_step_row_get_position (row));

  for (guint i = 0; i < step->info->n_params; i++)
    {
      const PpParamSpec *pspec = &step->info->params[i];
      int extent = image_extent_for (step->info, pspec, self->image_width, self->image_height);
      PpParamRow *param_row = pp_step_row_get_param_row (row, i);

      if (param_row == NULL)
        continue;
      if (extent > 0)
        /* An offset stops one pixel inside the image; a size is at most the image's. */
        pp_param_row_set_upper (param_row, g_strcmp0 (pspec->name, "x") == 0 ||
                                           g_strcmp0 (pspec->name, "y") == 0 ? extent - 1
                                                                             : extent);
      else if (self->image_width == 0)
        pp_param_row_set_upper (param_row, pspec->max);
    }
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
  {
    guint key = position << 8 | param;
    gint64 now = g_get_monotonic_time ();

    /* One undo step per slider drag (and per burst of edits of one value). */
    if (key != self->last_value_key || now - self->last_value_us > VALUE_EDIT_MERGE_US)
      _pp_chain_editor_record (self);
    self->last_value_key = key;
    self->last_value_us = now;
  }
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
  _pp_chain_editor_record (self);
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

static void move (PpChainEditor *self, guint from, guint to);

static void
on_move (PpStepRow     *row,
         guint          from,
         PpChainEditor *self)
{
  move (self, from, pp_step_row_get_position (row));
}

static GtkWidget *
create_step_row (PpChainEditor *self,
                 guint          position)
{
  PpStepRow *row = pp_step_row_new (pp_pipeline_get_step (self->pipeline, position), position,
                                    pp_pipeline_get_n_steps (self->pipeline));

  g_signal_connect (row, "param-changed", G_CALLBACK (on_param_changed), self);
  g_signal_connect (row, "enabled-changed", G_CALLBACK (on_enabled_changed), self);
  g_signal_connect (row, "move", G_CALLBACK (on_move), self);
  apply_image_size (self, row);
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
  _pp_chain_editor_record (self);
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
  _pp_chain_editor_record (self);
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
      to >= pp_pipeline_get_n_steps (self->pipeline) || from == to)
    return;
  _pp_chain_editor_record (self);
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

  if (self->pipeline == NULL || pp_pipeline_get_n_steps (self->pipeline) == 0)
    return;
  _pp_chain_editor_record (self);
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
  g_ptr_array_set_size (self->undo_stack, 0);
  g_ptr_array_set_size (self->redo_stack, 0);
  update_undo_actions (self);
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
  _pp_chain_editor_record (self);
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

/**
 * pp_chain_editor_set_image_size:
 * @width: the selected image's width in pixels, or 0 when none is selected
 * @height: its height
 *
 * Pixel sliders that measure the image (a crop's offsets and size, a fit's box) then range
 * over it instead of up to 65535 px, where an 8 px drag moved thousands of pixels. A value
 * already set beyond the image stays (the window reports it as a problem on the step).
 */
void
pp_chain_editor_set_image_size (PpChainEditor *self,
                                int            width,
                                int            height)
{
  g_return_if_fail (PP_IS_CHAIN_EDITOR (self));

  if (self->image_width == width && self->image_height == height)
    return;
  self->image_width = width;
  self->image_height = height;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->steps_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (PP_IS_STEP_ROW (child))
      apply_image_size (self, PP_STEP_ROW (child));
}

/**
 * pp_chain_editor_get_step_row:
 * @position: a step's index
 *
 * Returns: (transfer none) (nullable): the row of that step
 */
PpStepRow *
pp_chain_editor_get_step_row (PpChainEditor *self,
                              guint          position)
{
  g_return_val_if_fail (PP_IS_CHAIN_EDITOR (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->steps_list));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (PP_IS_STEP_ROW (child) && pp_step_row_get_position (PP_STEP_ROW (child)) == position)
      return PP_STEP_ROW (child);
  return NULL;
}

/**
 * pp_chain_editor_set_problem:
 * @position: a step's index
 * @problem: (nullable): why the step cannot run on the images, or %NULL
 *
 * Shows (or clears) a problem on a step. Main thread only.
 */
void
pp_chain_editor_set_problem (PpChainEditor *self,
                             guint          position,
                             const char    *problem)
{
  PpStepRow *row;

  g_return_if_fail (PP_IS_CHAIN_EDITOR (self));

  row = pp_chain_editor_get_step_row (self, position);
  if (row != NULL)
    pp_step_row_set_problem (row, problem);
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
  g_ptr_array_unref (self->undo_stack);
  g_ptr_array_unref (self->redo_stack);
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
  gtk_widget_class_install_action (widget_class, "chain.redo", NULL, redo_action);
  gtk_widget_class_install_action (widget_class, "chain.remove", "u", remove_action);
  gtk_widget_class_install_action (widget_class, "chain.undo", NULL, undo_action);
  _pp_chain_editor_class_init_presets (widget_class);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "chaineditor");
}

static void
pp_chain_editor_init (PpChainEditor *self)
{
  self->expanded = g_array_new (FALSE, TRUE, sizeof (gboolean));
  self->undo_stack = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  self->redo_stack = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  self->last_value_key = G_MAXUINT;
  gtk_widget_init_template (GTK_WIDGET (self));
  build_add_menu (self);
  _pp_chain_editor_rebuild_presets_menu (self);
  update_undo_actions (self);
}
