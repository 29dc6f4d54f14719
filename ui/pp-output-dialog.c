/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpOutputDialog: a preferences window bound to GSettings. An empty output-folder setting means
 * "a folder named processed inside the input folder", shown as such.
 */
#define G_LOG_DOMAIN "pp-output-dialog"

#include "config.h"

#include "batch/pp-batch.h"
#include "io/pp-io.h"
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
  AdwActionRow *template_example_row;
  AdwEntryRow *template_row;
  AdwComboRow *timestamps_row;

  GSettings *settings;
  GFile *default_folder;
};

G_DEFINE_FINAL_TYPE (PpOutputDialog, pp_output_dialog, ADW_TYPE_PREFERENCES_WINDOW)

/* Words for the enums' nicks; a value not listed here (a format added to PpFormat later) shows
 * its nick in capitals. */
static const struct
{
  const char *nick;
  const char *label;
} labels[] = {
  { "same", "Same as the original" },
  { "webp", "WebP" },
  { "jxl", "JPEG XL" },
  { "rename", "Keep Both" },
  { "skip", "Skip" },
  { "overwrite", "Replace" },
};

/* A combo row lists an enum's values in value order, so "selected" is the value's index. */
static GListModel *
enum_model (GType type)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (type);
  GtkStringList *list = gtk_string_list_new (NULL);

  for (guint i = 0; i < klass->n_values; i++)
    {
      const char *nick = klass->values[i].value_nick;
      g_autofree char *label = g_ascii_strup (nick, -1);

      for (guint j = 0; j < G_N_ELEMENTS (labels); j++)
        if (g_strcmp0 (labels[j].nick, nick) == 0)
          {
            g_free (label);
            label = g_strdup (labels[j].label);
          }
      gtk_string_list_append (list, label);
    }
  return G_LIST_MODEL (list);
}

static gboolean
nick_to_index (GValue   *value,
               GVariant *variant,
               gpointer  user_data)
{
  g_autoptr (GEnumClass) klass = g_type_class_ref (GPOINTER_TO_SIZE (user_data));
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < klass->n_values; i++)
    if (g_strcmp0 (klass->values[i].value_nick, nick) == 0)
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
  g_autoptr (GEnumClass) klass = g_type_class_ref (GPOINTER_TO_SIZE (user_data));
  guint index = g_value_get_uint (value);

  if (index >= klass->n_values)
    return NULL;
  return g_variant_new_string (klass->values[index].value_nick);
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
  PpFormat format = g_settings_get_enum (self->settings, "output-format");

  /* Quality means something for lossy formats only; "same" may be JPEG. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->quality_row),
                            format != PP_FORMAT_PNG && format != PP_FORMAT_TIFF &&
                            format != PP_FORMAT_BMP);
}

static void
folder_chosen (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr (PpOutputDialog) self = user_data;
  g_autoptr (GFile) folder = pp_file_chooser_select_folder_finish (result, NULL);
  g_autofree char *uri = NULL;

  g_assert (g_main_context_is_owner (NULL));

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

/**
 * pp_output_dialog_check_template:
 * @template: a name template as typed ("" for the default)
 * @format: the output format chosen (%PP_FORMAT_SAME: each input's own)
 * @example: (out) (optional) (transfer full): what "IMG_1234.jpg" would be written as, when
 *   it works
 *
 * Checks a name template the way a batch does when it starts (pp_batch_check), for @format:
 * the names must end in the format's extension, so the dialog can say at once what is wrong
 * instead of the batch refusing at Process. Main thread.
 *
 * Returns: (transfer full) (nullable): why the template cannot work, or %NULL when it can
 */
char *
pp_output_dialog_check_template (const char  *template,
                                 PpFormat     format,
                                 char       **example)
{
  static const char *const files[] = { "/photos/IMG_1234.jpg", NULL };
  g_autoptr (PpBatch) probe = pp_batch_new ();
  g_autoptr (GFile) output = g_file_new_for_path ("/photos/processed");
  g_autoptr (GError) error = NULL;

  pp_batch_set_files (probe, files);
  pp_batch_set_output_folder (probe, output);
  pp_batch_set_format (probe, format);
  pp_batch_set_name_template (probe, *template ? template : PP_BATCH_DEFAULT_TEMPLATE);
  if (!pp_batch_check (probe, &error))
    return g_strdup (error->message);
  if (example != NULL)
    {
      /* The fields as the batch fills them in, for a photo taken with a camera. */
      g_autoptr (GString) name = g_string_new (*template ? template : PP_BATCH_DEFAULT_TEMPLATE);
      const char *ext = format == PP_FORMAT_SAME ? "jpg" : pp_format_get_extension (format);

      g_string_replace (name, "{name}", "IMG_1234", 0);
      g_string_replace (name, "{ext}", ext, 0);
      g_string_replace (name, "{n}", "1", 0);
      g_string_replace (name, "{date}", "2024-05-17", 0);
      g_string_replace (name, "{time}", "14-03-27", 0);
      g_string_replace (name, "{camera}", "Canon EOS R5", 0);
      g_string_replace (name, "{width}", "1600", 0);
      g_string_replace (name, "{height}", "1067", 0);
      *example = g_strdup_printf ("IMG_1234.jpg is written as %s", name->str);
    }
  return NULL;
}

static void
template_changed (PpOutputDialog *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->template_row));
  g_autofree char *example = NULL;
  PpFormat format = g_settings_get_enum (self->settings, "output-format");
  g_autofree char *problem = pp_output_dialog_check_template (text, format, &example);

  if (problem != NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->template_example_row),
                                     "This Template Cannot Work");
      adw_action_row_set_subtitle (self->template_example_row, problem);
      gtk_widget_add_css_class (GTK_WIDGET (self->template_row), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->template_example_row), "error");
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->template_example_row), "Example");
      adw_action_row_set_subtitle (self->template_example_row, example);
      gtk_widget_remove_css_class (GTK_WIDGET (self->template_row), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->template_example_row), "error");
    }
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
  gtk_widget_class_bind_template_child (widget_class, PpOutputDialog, template_example_row);
  gtk_widget_class_bind_template_child (widget_class, PpOutputDialog, template_row);
  gtk_widget_class_bind_template_child (widget_class, PpOutputDialog, timestamps_row);
  gtk_widget_class_bind_template_callback (widget_class, choose_folder_clicked);
  gtk_widget_class_bind_template_callback (widget_class, reset_folder_clicked);
  gtk_widget_class_bind_template_callback (widget_class, template_changed);
}

static void
pp_output_dialog_init (PpOutputDialog *self)
{
  g_autoptr (GListModel) formats = enum_model (PP_TYPE_FORMAT);
  g_autoptr (GListModel) collisions = enum_model (PP_TYPE_COLLISION);

  gtk_widget_init_template (GTK_WIDGET (self));
  {
    /* GtkColorButton (GTK 4.8) keeps its own label to itself: name the button inside it, which
     * is the node a screen reader lands on. */
    GtkWidget *inner = gtk_widget_get_first_child (GTK_WIDGET (self->background_button));

    if (inner != NULL)
      gtk_accessible_update_property (GTK_ACCESSIBLE (inner), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      "Background for transparency", -1);
  }
  /* From the enums, so a format added to PpFormat (and the schema) appears here by itself. */
  adw_combo_row_set_model (self->format_row, formats);
  adw_combo_row_set_model (self->collision_row, collisions);
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
                                GSIZE_TO_POINTER (PP_TYPE_FORMAT), NULL);
  g_settings_bind_with_mapping (settings, "collision", self->collision_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, nick_to_index, index_to_nick,
                                GSIZE_TO_POINTER (PP_TYPE_COLLISION), NULL);
  /* The .ui lists these two in their enums' value order, with words for a photographer. */
  g_settings_bind_with_mapping (settings, "output-metadata", self->metadata_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, nick_to_index, index_to_nick,
                                GSIZE_TO_POINTER (PP_TYPE_METADATA_POLICY), NULL);
  g_settings_bind_with_mapping (settings, "output-timestamps", self->timestamps_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, nick_to_index, index_to_nick,
                                GSIZE_TO_POINTER (PP_TYPE_TIMESTAMPS), NULL);
  g_settings_bind_with_mapping (settings, "output-background", self->background_button, "rgba",
                                G_SETTINGS_BIND_DEFAULT, color_string_to_rgba,
                                rgba_to_color_string, NULL, NULL);
  g_settings_bind (settings, "output-quality", self->quality_adjustment, "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "output-template", self->template_row, "text",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "apply-orientation", self->orientation_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (settings, "changed::output-folder", G_CALLBACK (update_folder_row),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::output-format", G_CALLBACK (update_quality_row),
                           self, G_CONNECT_SWAPPED);
  /* The template's extension must be the format's: check it again for the new format. */
  g_signal_connect_object (settings, "changed::output-format", G_CALLBACK (template_changed),
                           self, G_CONNECT_SWAPPED);
  update_folder_row (self);
  update_quality_row (self);
  template_changed (self);
  return self;
}
