/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpOutputDialog: a preferences window bound to GSettings. An empty output-folder setting means
 * "a folder named processed inside the input folder", shown as such.
 */
#define G_LOG_DOMAIN "pp-output-dialog"

#include "config.h"

#include "pp-file-chooser.h"
#include "pp-output-dialog.h"
#include "pp-ui-resources.h"

struct _PpOutputDialog
{
  AdwPreferencesWindow parent_instance;

  GtkColorButton *background_button;
  AdwComboRow *collision_row;
  AdwActionRow *folder_row;
  AdwComboRow *format_row;
  AdwComboRow *metadata_row;
  GtkSwitch *orientation_switch;
  GtkAdjustment *quality_adjustment;
  AdwActionRow *quality_row;
  GtkButton *reset_folder_button;
  AdwEntryRow *template_row;
  AdwComboRow *timestamps_row;

  GSettings *settings;
  GFile *default_folder;
};

G_DEFINE_FINAL_TYPE (PpOutputDialog, pp_output_dialog, ADW_TYPE_PREFERENCES_WINDOW)

static const char *const formats[] = { "same", "jpeg", "png", "webp", "tiff", "bmp", NULL };
static const char *const collisions[] = { "rename", "skip", "overwrite", NULL };
static const char *const metadata_policies[] = { "keep", "strip", "strip-gps", NULL };
static const char *const timestamps[] = { "keep", "now", NULL };

static gboolean
nick_to_index (GValue   *value,
               GVariant *variant,
               gpointer  user_data)
{
  const char *const *nicks = user_data;
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; nicks[i] != NULL; i++)
    if (g_strcmp0 (nicks[i], nick) == 0)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
index_to_nick (const GValue       *value,
               const GVariantType *expected_type,
               gpointer            user_data)
{
  const char *const *nicks = user_data;
  guint index = g_value_get_uint (value);

  if (index >= g_strv_length ((char **) nicks))
    return NULL;
  return g_variant_new_string (nicks[index]);
}

/* The background setting ("#rrggbb") and the colour button's GdkRGBA. */
static gboolean
color_string_to_rgba (GValue   *value,
                      GVariant *variant,
                      gpointer  user_data)
{
  GdkRGBA rgba;

  if (!gdk_rgba_parse (&rgba, g_variant_get_string (variant, NULL)))
    rgba = (GdkRGBA) { 1, 1, 1, 1 };
  g_value_set_boxed (value, &rgba);
  return TRUE;
}

static GVariant *
rgba_to_color_string (const GValue       *value,
                      const GVariantType *expected_type,
                      gpointer            user_data)
{
  const GdkRGBA *rgba = g_value_get_boxed (value);

  if (rgba == NULL)
    return NULL;
  return g_variant_new_take_string (g_strdup_printf ("#%02x%02x%02x",
                                                     (int) (rgba->red * 255 + 0.5),
                                                     (int) (rgba->green * 255 + 0.5),
                                                     (int) (rgba->blue * 255 + 0.5)));
}

static void
update_folder_row (PpOutputDialog *self)
{
  g_autofree char *uri = g_settings_get_string (self->settings, "output-folder");
  g_autoptr (GFile) folder = NULL;
  g_autofree char *path = NULL;

  if (*uri != '\0')
    folder = g_file_new_for_uri (uri);
  else if (self->default_folder != NULL)
    folder = g_object_ref (self->default_folder);
  path = folder ? g_file_get_parse_name (folder)
                : g_strdup ("“processed” inside the input folder");
  adw_action_row_set_subtitle (self->folder_row, path);
  gtk_widget_set_visible (GTK_WIDGET (self->reset_folder_button), *uri != '\0');
}

static void
update_quality_row (PpOutputDialog *self)
{
  g_autofree char *format = g_settings_get_string (self->settings, "output-format");

  /* Quality means something for lossy formats only; "same" may be JPEG. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->quality_row),
                            g_strcmp0 (format, "png") != 0 && g_strcmp0 (format, "tiff") != 0 &&
                            g_strcmp0 (format, "bmp") != 0);
}

static void
folder_chosen (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (PpOutputDialog) self = user_data;
  g_autoptr (GFile) folder = pp_file_chooser_select_folder_finish (result, NULL);
  g_autofree char *uri = NULL;

  if (folder == NULL || self->settings == NULL)
    return;
  uri = g_file_get_uri (folder);
  g_settings_set_string (self->settings, "output-folder", uri);
}

/**
 * pp_output_dialog_choose_folder:
 *
 * Asks for the output folder and stores the answer in the settings. Main thread only.
 */
void
pp_output_dialog_choose_folder (PpOutputDialog *self)
{
  g_return_if_fail (PP_IS_OUTPUT_DIALOG (self));

  pp_file_chooser_select_folder (GTK_WINDOW (self), "Choose the Output Folder", "_Select", NULL,
                                 NULL, folder_chosen, g_object_ref (self));
}

static void
choose_folder_clicked (PpOutputDialog *self)
{
  pp_output_dialog_choose_folder (self);
}

static void
reset_folder_clicked (PpOutputDialog *self)
{
  g_settings_reset (self->settings, "output-folder");
}

static void
pp_output_dialog_dispose (GObject *object)
{
  PpOutputDialog *self = PP_OUTPUT_DIALOG (object);

#if GTK_CHECK_VERSION (4, 8, 0)
  gtk_widget_dispose_template (GTK_WIDGET (self), PP_TYPE_OUTPUT_DIALOG);
#endif
  g_clear_object (&self->settings);
  g_clear_object (&self->default_folder);

  G_OBJECT_CLASS (pp_output_dialog_parent_class)->dispose (object);
}

static void
pp_output_dialog_class_init (PpOutputDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pp_output_dialog_dispose;

  /* Keeps the resource object (and its registration) linked in from the static library. */
  (void) pp_ui_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/parapix/Parapix/pp-output-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, PpOutputDialog, background_button);
  gtk_widget_class_bind_template_child (widget_class, PpOutputDialog, collision_row);
  gtk_widget_class_bind_template_child (widget_class, PpOutputDialog, folder_row);
  gtk_widget_class_bind_template_child (widget_class, PpOutputDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, PpOutputDialog, metadata_row);
  gtk_widget_class_bind_template_child (widget_class, PpOutputDialog, orientation_switch);
  gtk_widget_class_bind_template_child (widget_class, PpOutputDialog, quality_adjustment);
  gtk_widget_class_bind_template_child (widget_class, PpOutputDialog, quality_row);
  gtk_widget_class_bind_template_child (widget_class, PpOutputDialog, reset_folder_button);
  gtk_widget_class_bind_template_child (widget_class, PpOutputDialog, template_row);
  gtk_widget_class_bind_template_child (widget_class, PpOutputDialog, timestamps_row);
  gtk_widget_class_bind_template_callback (widget_class, choose_folder_clicked);
  gtk_widget_class_bind_template_callback (widget_class, reset_folder_clicked);
}

static void
pp_output_dialog_init (PpOutputDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

PpOutputDialog *
pp_output_dialog_new (GtkWindow *parent,
                      GSettings *settings,
                      GFile     *default_folder)
{
  PpOutputDialog *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (PP_TYPE_OUTPUT_DIALOG, "transient-for", parent, "modal", TRUE, NULL);
  self->settings = g_object_ref (settings);
  g_set_object (&self->default_folder, default_folder);

  g_settings_bind_with_mapping (settings, "output-format", self->format_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, nick_to_index, index_to_nick,
                                (gpointer) formats, NULL);
  g_settings_bind_with_mapping (settings, "collision", self->collision_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, nick_to_index, index_to_nick,
                                (gpointer) collisions, NULL);
  g_settings_bind (settings, "output-quality", self->quality_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "output-template", self->template_row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "apply-orientation", self->orientation_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "output-metadata", self->metadata_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, nick_to_index, index_to_nick,
                                (gpointer) metadata_policies, NULL);
  g_settings_bind_with_mapping (settings, "output-timestamps", self->timestamps_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, nick_to_index, index_to_nick,
                                (gpointer) timestamps, NULL);
  g_settings_bind_with_mapping (settings, "output-background", self->background_button, "rgba",
                                G_SETTINGS_BIND_DEFAULT, color_string_to_rgba,
                                rgba_to_color_string, NULL, NULL);
  g_signal_connect_object (settings, "changed::output-folder", G_CALLBACK (update_folder_row),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::output-format", G_CALLBACK (update_quality_row),
                           self, G_CONNECT_SWAPPED);
  update_folder_row (self);
  update_quality_row (self);
  return self;
}
