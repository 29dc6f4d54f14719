/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The chain editor's presets: the presets menu (built-in, the user's, save and clear), applying
 * one, and the name dialog that saves or renames one.
 */
#define G_LOG_DOMAIN "pp-chain-editor"

#include "config.h"

#include "pp-chain-editor-private.h"
#include "render/pp-presets.h"

static void
load_preset_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  PpChainEditor *self = PP_CHAIN_EDITOR (widget);
  g_autoptr (GError) error = NULL;

  if (!pp_chain_editor_load_preset (self, g_variant_get_string (parameter, NULL), &error))
    _pp_chain_editor_message (self, error->message);
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

      /* The response is off while the name is empty; Enter must not get around that. */
      if (*name == '\0')
        return;
      data->callback (data->self, data->old_name, name);
    }
}

/* Save stays off while the name is empty or only spaces: a preset needs a name to be found. */
static void
on_name_changed (GtkEditable      *entry,
                 AdwMessageDialog *dialog)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "save", *name != '\0');
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
  g_signal_connect_object (entry, "changed", G_CALLBACK (on_name_changed), dialog, 0);
  on_name_changed (GTK_EDITABLE (entry), ADW_MESSAGE_DIALOG (dialog));
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
      _pp_chain_editor_message (self, error->message);
      return;
    }
  _pp_chain_editor_rebuild_presets_menu (self);
  done = g_strdup_printf ("Saved preset “%s”", name);
  _pp_chain_editor_message (self, done);
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
    _pp_chain_editor_message (self, error->message);
  _pp_chain_editor_rebuild_presets_menu (self);
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
    _pp_chain_editor_message (self, error->message);
  _pp_chain_editor_rebuild_presets_menu (self);
}

void
_pp_chain_editor_rebuild_presets_menu (PpChainEditor *self)
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

/**
 * pp_chain_editor_load_preset:
 * @name: a built-in or user preset's name
 *
 * Replaces the chain's steps with the preset's. Main thread only.
 *
 * Returns: %FALSE with @error set when there is no such preset (G_IO_ERROR) or it holds a
 *   spec this build cannot read (PP_PIPELINE_ERROR, PP_FILTER_ERROR)
 */
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

void
_pp_chain_editor_class_init_presets (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "chain.delete-preset", "s", delete_preset_action);
  gtk_widget_class_install_action (widget_class, "chain.load-preset", "s", load_preset_action);
  gtk_widget_class_install_action (widget_class, "chain.rename-preset", "s", rename_preset_action);
  gtk_widget_class_install_action (widget_class, "chain.save-preset", NULL, save_preset_action);
}
