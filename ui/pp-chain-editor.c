/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpChainEditor: the list of steps is rebuilt when the chain's structure changes (add, remove,
 * move, preset) and left alone while values change, so a slider keeps its grab while the user
 * drags it. Every change emits ::changed; a value change is "interactive" so the preview can
 * render a proxy until the user lets go.
 */
#define G_LOG_DOMAIN "pp-chain-editor"

#include "config.h"

#include <math.h>

#include "pp-chain-editor.h"
#include "render/pp-presets.h"
#include "pp-ui-resources.h"

struct _PpChainEditor
{
  GtkWidget parent_instance;

  GtkMenuButton *add_button;
  GtkStack *content_stack;
  GtkMenuButton *presets_button;
  GtkLabel *spec_label;
  GtkListBox *steps_list;

  PpPipeline *pipeline;
  GArray *expanded; /* of gboolean, per step */
  gboolean rebuilding;
};

G_DEFINE_FINAL_TYPE (PpChainEditor, pp_chain_editor, GTK_TYPE_WIDGET)

enum
{
  CHANGED,
  MESSAGE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  PpChainEditor *self;
  guint step;
  guint param;
  GtkWidget *reset_button;
  AdwExpanderRow *row;
} ParamBinding;

static void rebuild (PpChainEditor *self);

static void
emit_changed (PpChainEditor *self,
              gboolean       interactive)
{
  g_autofree char *spec = pp_pipeline_to_spec (self->pipeline);

  gtk_label_set_label (self->spec_label, spec);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->spec_label), spec);
  g_signal_emit (self, signals[CHANGED], 0, interactive);
}

static void
message (PpChainEditor *self,
         const char    *text)
{
  g_signal_emit (self, signals[MESSAGE], 0, text);
}

static char *
format_default (const PpParamSpec *pspec)
{
  g_autofree char *value = pp_param_spec_format_value (pspec, pspec->default_value);

  if (pspec->unit != NULL)
    return g_strdup_printf ("Reset to %s %s", value, pspec->unit);
  return g_strdup_printf ("Reset to %s", value);
}

static void
update_step_subtitle (ParamBinding *binding)
{
  const PpStep *step = pp_pipeline_get_step (binding->self->pipeline, binding->step);
  g_autofree char *spec = pp_step_to_spec (step);

  adw_expander_row_set_subtitle (binding->row, spec);
}

static void
set_param (ParamBinding *binding,
           double        value,
           gboolean      interactive)
{
  PpChainEditor *self = binding->self;
  const PpStep *step = pp_pipeline_get_step (self->pipeline, binding->step);
  const PpParamSpec *pspec = &step->info->params[binding->param];
  g_autoptr (GError) error = NULL;

  if (self->rebuilding || step->values[binding->param] == value)
    return;
  if (!pp_pipeline_set_value (self->pipeline, binding->step, binding->param, value, &error))
    {
      message (self, error->message);
      return;
    }
  gtk_widget_set_sensitive (binding->reset_button, value != pspec->default_value);
  update_step_subtitle (binding);
  emit_changed (self, interactive);
}

static void
on_adjustment_changed (GtkAdjustment *adjustment,
                       ParamBinding  *binding)
{
  const PpStep *step = pp_pipeline_get_step (binding->self->pipeline, binding->step);
  double value = gtk_adjustment_get_value (adjustment);

  if (step->info->params[binding->param].type == PP_PARAM_INT)
    value = round (value);
  set_param (binding, value, TRUE);
}

static void
on_switch_active (GtkSwitch    *sw,
                  GParamSpec   *pspec,
                  ParamBinding *binding)
{
  set_param (binding, gtk_switch_get_active (sw) ? 1.0 : 0.0, FALSE);
}

static void
on_dropdown_selected (GtkDropDown  *dropdown,
                      GParamSpec   *pspec,
                      ParamBinding *binding)
{
  set_param (binding, gtk_drop_down_get_selected (dropdown), FALSE);
}

static void
on_reset_clicked (GtkButton    *button,
                  ParamBinding *binding)
{
  const PpStep *step = pp_pipeline_get_step (binding->self->pipeline, binding->step);
  const PpParamSpec *pspec = &step->info->params[binding->param];
  GObject *control = g_object_get_data (G_OBJECT (button), "pp-control");

  if (GTK_IS_ADJUSTMENT (control))
    gtk_adjustment_set_value (GTK_ADJUSTMENT (control), pspec->default_value);
  else if (GTK_IS_SWITCH (control))
    gtk_switch_set_active (GTK_SWITCH (control), pspec->default_value != 0.0);
  else if (GTK_IS_DROP_DOWN (control))
    gtk_drop_down_set_selected (GTK_DROP_DOWN (control), (guint) pspec->default_value);
  /* A reset is a deliberate final value: render it at full resolution now. */
  emit_changed (binding->self, FALSE);
}

static guint
digits_for_step (double step)
{
  guint digits = 0;

  while (digits < 4 && fabs (step * pow (10, digits) - round (step * pow (10, digits))) > 1e-9)
    digits++;
  return digits;
}

static GtkWidget *
create_param_row (PpChainEditor  *self,
                  AdwExpanderRow *expander,
                  guint           position,
                  guint           index)
{
  const PpStep *step = pp_pipeline_get_step (self->pipeline, position);
  const PpParamSpec *pspec = &step->info->params[index];
  double value = step->values[index];
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *reset = gtk_button_new_from_icon_name ("edit-undo-symbolic");
  g_autofree char *reset_tooltip = format_default (pspec);
  ParamBinding *binding = g_new0 (ParamBinding, 1);
  GObject *control = NULL;

  binding->self = self;
  binding->step = position;
  binding->param = index;
  binding->reset_button = reset;
  binding->row = expander;
  g_object_set_data_full (G_OBJECT (row), "pp-binding", binding, g_free);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pspec->label);
  if (pspec->unit != NULL && *pspec->unit != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), pspec->unit);

  switch (pspec->type)
    {
    case PP_PARAM_DOUBLE:
    case PP_PARAM_INT:
      {
        double step_size = pspec->step > 0 ? pspec->step : (pspec->type == PP_PARAM_INT ? 1 : 0.01);
        GtkAdjustment *adjustment = gtk_adjustment_new (value, pspec->min, pspec->max, step_size,
                                                        step_size * 10, 0);
        GtkWidget *scale = gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, adjustment);
        guint digits = pspec->type == PP_PARAM_INT ? 0 : digits_for_step (step_size);
        GtkWidget *spin = gtk_spin_button_new (adjustment, step_size, digits);

        gtk_scale_set_draw_value (GTK_SCALE (scale), FALSE);
        gtk_widget_set_size_request (scale, 96, -1);
        gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
        gtk_widget_set_valign (scale, GTK_ALIGN_CENTER);
        gtk_accessible_update_property (GTK_ACCESSIBLE (scale), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        pspec->label, -1);
        gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        pspec->label, -1);
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), scale);
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
        g_signal_connect (adjustment, "value-changed", G_CALLBACK (on_adjustment_changed),
                          binding);
        control = G_OBJECT (adjustment);
        break;
      }
    case PP_PARAM_BOOLEAN:
      {
        GtkWidget *sw = gtk_switch_new ();

        gtk_switch_set_active (GTK_SWITCH (sw), value != 0.0);
        gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
        gtk_accessible_update_property (GTK_ACCESSIBLE (sw), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        pspec->label, -1);
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), sw);
        adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), sw);
        g_signal_connect (sw, "notify::active", G_CALLBACK (on_switch_active), binding);
        control = G_OBJECT (sw);
        break;
      }
    case PP_PARAM_CHOICE:
      {
        GtkWidget *dropdown = gtk_drop_down_new_from_strings ((const char *const *) pspec->choices);

        gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), (guint) value);
        gtk_widget_set_valign (dropdown, GTK_ALIGN_CENTER);
        gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        pspec->label, -1);
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), dropdown);
        g_signal_connect (dropdown, "notify::selected", G_CALLBACK (on_dropdown_selected),
                          binding);
        control = G_OBJECT (dropdown);
        break;
      }
    default:
      g_assert_not_reached ();
    }

  gtk_widget_add_css_class (reset, "flat");
  gtk_widget_set_valign (reset, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (reset, reset_tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (reset), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  reset_tooltip, -1);
  gtk_widget_set_sensitive (reset, value != pspec->default_value);
  g_object_set_data (G_OBJECT (reset), "pp-control", control);
  g_signal_connect (reset, "clicked", G_CALLBACK (on_reset_clicked), binding);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), reset);
  return row;
}

static void
on_enabled_changed (GtkSwitch     *sw,
                    GParamSpec    *pspec,
                    PpChainEditor *self)
{
  guint position = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (sw), "pp-position"));
  gboolean active = gtk_switch_get_active (sw);

  if (self->rebuilding)
    return;
  pp_pipeline_set_enabled (self->pipeline, position, active);
  emit_changed (self, FALSE);
}

static void
on_expanded_changed (AdwExpanderRow *row,
                     GParamSpec     *pspec,
                     PpChainEditor  *self)
{
  guint position = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "pp-position"));

  if (!self->rebuilding && position < self->expanded->len)
    g_array_index (self->expanded, gboolean, position) = adw_expander_row_get_expanded (row);
}

static GMenuModel *
create_step_menu (guint position,
                  guint n_steps)
{
  GMenu *menu = g_menu_new ();
  g_autoptr (GMenuItem) up = g_menu_item_new ("Move _Up", NULL);
  g_autoptr (GMenuItem) down = g_menu_item_new ("Move _Down", NULL);
  g_autoptr (GMenuItem) remove = g_menu_item_new ("_Remove", NULL);
  g_autoptr (GMenu) section = g_menu_new ();

  g_menu_item_set_action_and_target (up, "chain.move-up", "u", position);
  g_menu_item_set_action_and_target (down, "chain.move-down", "u", position);
  g_menu_item_set_action_and_target (remove, "chain.remove", "u", position);
  if (position > 0)
    g_menu_append_item (menu, up);
  if (position + 1 < n_steps)
    g_menu_append_item (menu, down);
  g_menu_append_item (section, remove);
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  return G_MENU_MODEL (menu);
}

static GtkWidget *
create_step_row (PpChainEditor *self,
                 guint          position)
{
  const PpStep *step = pp_pipeline_get_step (self->pipeline, position);
  guint n_steps = pp_pipeline_get_n_steps (self->pipeline);
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *sw = gtk_switch_new ();
  GtkWidget *menu_button = gtk_menu_button_new ();
  g_autoptr (GMenuModel) menu = create_step_menu (position, n_steps);
  g_autofree char *spec = pp_step_to_spec (step);
  g_autofree char *switch_label = g_strdup_printf ("Apply %s", step->info->label);
  g_autofree char *menu_label = g_strdup_printf ("%s options", step->info->label);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), step->info->label);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), spec);
  gtk_widget_set_tooltip_text (row, step->info->description);

  gtk_switch_set_active (GTK_SWITCH (sw), step->enabled);
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (sw, switch_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (sw), GTK_ACCESSIBLE_PROPERTY_LABEL, switch_label,
                                  -1);
  g_object_set_data (G_OBJECT (sw), "pp-position", GUINT_TO_POINTER (position));
  g_signal_connect (sw, "notify::active", G_CALLBACK (on_enabled_changed), self);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), sw);

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), menu);
  gtk_widget_set_valign (menu_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (menu_button, "flat");
  gtk_widget_set_tooltip_text (menu_button, menu_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  menu_label, -1);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), menu_button);

  for (guint i = 0; i < step->info->n_params; i++)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                              create_param_row (self, ADW_EXPANDER_ROW (row), position, i));
  if (step->info->n_params == 0)
    adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (row), FALSE);

  g_object_set_data (G_OBJECT (row), "pp-position", GUINT_TO_POINTER (position));
  if (position < self->expanded->len && g_array_index (self->expanded, gboolean, position))
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  g_signal_connect (row, "notify::expanded", G_CALLBACK (on_expanded_changed), self);
  return row;
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

static void rebuild_presets_menu (PpChainEditor *self);

static void
load_preset_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PpChainEditor *self = PP_CHAIN_EDITOR (widget);
  g_autoptr (GError) error = NULL;

  if (!pp_chain_editor_load_preset (self, g_variant_get_string (parameter, NULL), &error))
    message (self, error->message);
}

/* A small dialog asking for a name; @callback gets the entry's text on "save". */
typedef void (*NameCallback) (PpChainEditor *self,
                              const char    *old_name,
                              const char    *name);

typedef struct
{
  PpChainEditor *self;
  GtkEntry *entry;
  char *old_name;
  NameCallback callback;
} NameDialog;

static void
name_dialog_free (gpointer data)
{
  NameDialog *dialog = data;

  g_free (dialog->old_name);
  g_free (dialog);
}

static void
on_name_dialog_response (AdwMessageDialog *dialog,
                         const char       *response,
                         NameDialog       *data)
{
  if (g_strcmp0 (response, "save") == 0)
    {
      const char *text = gtk_editable_get_text (GTK_EDITABLE (data->entry));
      g_autofree char *name = g_strstrip (g_strdup (text));

      data->callback (data->self, data->old_name, name);
    }
}

static void
ask_name (PpChainEditor *self,
          const char    *heading,
          const char    *verb,
          const char    *old_name,
          NameCallback   callback)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              heading, NULL);
  GtkWidget *entry = gtk_entry_new ();
  NameDialog *data = g_new0 (NameDialog, 1);

  data->self = self;
  data->entry = GTK_ENTRY (entry);
  data->old_name = g_strdup (old_name);
  data->callback = callback;
  gtk_editable_set_text (GTK_EDITABLE (entry), old_name ? old_name : "");
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), "Preset name");
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  "Preset name", -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", "_Cancel",
                                    "save", verb, NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_name_dialog_response), data,
                         (GClosureNotify) (void (*) (void)) name_dialog_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
save_named (PpChainEditor *self,
            const char    *old_name,
            const char    *name)
{
  g_autofree char *spec = pp_pipeline_to_spec (self->pipeline);
  g_autoptr (GError) error = NULL;
  g_autofree char *done = NULL;

  if (!pp_presets_save (name, spec, &error))
    {
      message (self, error->message);
      return;
    }
  rebuild_presets_menu (self);
  done = g_strdup_printf ("Saved preset “%s”", name);
  message (self, done);
}

static void
rename_named (PpChainEditor *self,
              const char    *old_name,
              const char    *name)
{
  g_autoptr (GError) error = NULL;

  if (g_strcmp0 (old_name, name) == 0)
    return;
  if (!pp_presets_rename (old_name, name, &error))
    message (self, error->message);
  rebuild_presets_menu (self);
}

static void
save_preset_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ask_name (PP_CHAIN_EDITOR (widget), "Save Preset", "_Save", NULL, save_named);
}

static void
rename_preset_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ask_name (PP_CHAIN_EDITOR (widget), "Rename Preset", "_Rename",
            g_variant_get_string (parameter, NULL), rename_named);
}

static void
delete_preset_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  PpChainEditor *self = PP_CHAIN_EDITOR (widget);
  g_autoptr (GError) error = NULL;

  if (!pp_presets_delete (g_variant_get_string (parameter, NULL), &error))
    message (self, error->message);
  rebuild_presets_menu (self);
}

static void
rebuild_presets_menu (PpChainEditor *self)
{
  g_autoptr (GMenu) menu = g_menu_new ();
  g_autoptr (GMenu) builtin = g_menu_new ();
  g_autoptr (GMenu) user = g_menu_new ();
  g_autoptr (GMenu) manage = g_menu_new ();
  g_auto (GStrv) names = pp_presets_list_user ();
  const PpBuiltinPreset *presets;
  guint n;

  presets = pp_presets_get_builtin (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (GMenuItem) item = g_menu_item_new (presets[i].name, NULL);

      g_menu_item_set_action_and_target (item, "chain.load-preset", "s", presets[i].name);
      g_menu_append_item (builtin, item);
    }
  g_menu_append_section (menu, "Built-in", G_MENU_MODEL (builtin));

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr (GMenu) submenu = g_menu_new ();
      g_autoptr (GMenuItem) load = g_menu_item_new ("_Apply", NULL);
      g_autoptr (GMenuItem) rename = g_menu_item_new ("_Rename…", NULL);
      g_autoptr (GMenuItem) delete = g_menu_item_new ("_Delete", NULL);

      g_menu_item_set_action_and_target (load, "chain.load-preset", "s", names[i]);
      g_menu_item_set_action_and_target (rename, "chain.rename-preset", "s", names[i]);
      g_menu_item_set_action_and_target (delete, "chain.delete-preset", "s", names[i]);
      g_menu_append_item (submenu, load);
      g_menu_append_item (submenu, rename);
      g_menu_append_item (submenu, delete);
      g_menu_append_submenu (user, names[i], G_MENU_MODEL (submenu));
    }
  if (names[0] != NULL)
    g_menu_append_section (menu, "My Presets", G_MENU_MODEL (user));

  g_menu_append (manage, "_Save Chain as Preset…", "chain.save-preset");
  g_menu_append (manage, "_Clear Chain", "chain.clear");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (manage));
  gtk_menu_button_set_menu_model (self->presets_button, G_MENU_MODEL (menu));
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

gboolean
pp_chain_editor_load_preset (PpChainEditor *self,
                             const char    *name,
                             GError       **error)
{
  g_autofree char *spec = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (PP_IS_CHAIN_EDITOR (self), FALSE);

  spec = pp_presets_load (name, error);
  if (spec == NULL)
    return FALSE;
  if (!pp_chain_editor_set_spec (self, spec, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   "The preset “%s” cannot be used: %s", name, local_error->message);
      return FALSE;
    }
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
  gtk_widget_class_install_action (widget_class, "chain.delete-preset", "s", delete_preset_action);
  gtk_widget_class_install_action (widget_class, "chain.load-preset", "s", load_preset_action);
  gtk_widget_class_install_action (widget_class, "chain.move-down", "u", move_down_action);
  gtk_widget_class_install_action (widget_class, "chain.move-up", "u", move_up_action);
  gtk_widget_class_install_action (widget_class, "chain.remove", "u", remove_action);
  gtk_widget_class_install_action (widget_class, "chain.rename-preset", "s", rename_preset_action);
  gtk_widget_class_install_action (widget_class, "chain.save-preset", NULL, save_preset_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "chaineditor");
}

static void
pp_chain_editor_init (PpChainEditor *self)
{
  self->expanded = g_array_new (FALSE, TRUE, sizeof (gboolean));
  gtk_widget_init_template (GTK_WIDGET (self));
  build_add_menu (self);
  rebuild_presets_menu (self);
}
