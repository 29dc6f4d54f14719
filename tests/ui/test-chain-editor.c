/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The chain editor in the real window (issue 12, items 5, 6, 8 and 12):
 * - a slider's float noise never reaches the chain, its spec, the settings or a preset;
 * - a chain that cannot run on the selected image or on some of the folder's images shows why
 *   on the step, Process waits, and pixel sliders range over the image;
 * - Undo and Redo (Ctrl+Z, Ctrl+Shift+Z) for removing a step, applying a preset, a slider drag
 *   and a drag-and-drop move; a switched-off step survives a restart;
 * - Save Preset refuses an empty name.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "render/pp-presets.h"
#include "pp-chain-state.h"
#include "pp-param-row.h"
#include "pp-step-row.h"
#include "pp-ui-test-util.h"
#include "pp-window-private.h"

typedef PpUiWindowFixture Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *out = NULL;

  fixture->tmp = g_dir_make_tmp ("parapix-chain-XXXXXX", NULL);
  fixture->settings = g_settings_new (APP_ID);
  out = g_build_filename (fixture->tmp, "out", NULL);
  pp_ui_test_set_output (fixture->settings, out);
  g_settings_reset (fixture->settings, "chain");
  g_settings_set_string (fixture->settings, "pipeline", "");
  g_settings_set_int (fixture->settings, "window-width", 1280);
  g_settings_set_int (fixture->settings, "window-height", 760);
  fixture->window = pp_ui_test_new_window ();
}

static void
activate (GtkWidget  *widget,
          const char *action,
          GVariant   *parameter)
{
  g_assert_true (gtk_widget_activate_action_variant (widget, action, parameter));
}

static char *
spec_of (PpWindow *window)
{
  return pp_pipeline_to_spec (window->pipeline);
}

static gboolean
is_of_type (GtkWidget     *widget,
            gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, (GType) GPOINTER_TO_SIZE (type));
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  return pp_ui_test_find_widget (widget, is_of_type, GSIZE_TO_POINTER (type));
}

/* The slider of parameter @param of step @position, as the user drags it. */
static GtkRange *
slider (PpWindow *window,
        guint     position,
        guint     param)
{
  PpStepRow *row = pp_chain_editor_get_step_row (window->chain_editor, position);
  PpParamRow *param_row;

  g_assert_nonnull (row);
  param_row = pp_step_row_get_param_row (row, param);
  g_assert_nonnull (param_row);
  return GTK_RANGE (find_descendant (GTK_WIDGET (param_row), GTK_TYPE_SCALE));
}

static void
open_folder (PpWindow   *window,
             const char *path)
{
  g_autoptr (GFile) folder = g_file_new_for_path (path);
  GFile *files[1] = { folder };

  pp_window_open_files (window, files, 1);
  PP_WAIT_UNTIL (!pp_thumbnail_grid_get_loading (window->thumbnail_grid) &&
                 pp_thumbnail_grid_get_sizes_known (window->thumbnail_grid), 30);
}

/* Item 5: values snap to the step and print at its precision, everywhere. */
static void
test_float_noise (Fixture       *fixture,
                  gconstpointer  data)
{
  PpWindow *window = fixture->window;
  GtkWidget *editor = GTK_WIDGET (window->chain_editor);
  g_autofree char *spec = NULL;
  g_autofree char *preset = NULL;

  activate (editor, "chain.add", g_variant_new_string ("exposure"));
  activate (editor, "chain.add", g_variant_new_string ("sharpen"));
  gtk_range_set_value (slider (window, 0, 0), 3.0555555555555554);
  gtk_range_set_value (slider (window, 1, 0), 0.1 + 0.2);
  gtk_range_set_value (slider (window, 1, 1), 1.2000000000000002);

  /* The chain holds the doubles a person means; the slider shows them too. */
  g_assert_cmpfloat (pp_pipeline_get_step (window->pipeline, 0)->values[0], ==, 3.1);
  g_assert_cmpfloat (pp_pipeline_get_step (window->pipeline, 1)->values[0], ==, 0.3);
  g_assert_cmpfloat (pp_pipeline_get_step (window->pipeline, 1)->values[1], ==, 1.2);
  g_assert_cmpfloat (gtk_range_get_value (slider (window, 0, 0)), ==, 3.1);
  spec = spec_of (window);
  g_assert_cmpstr (spec, ==, "exposure=3.1,sharpen=0.3;radius=1.2");
  g_assert_cmpstr (g_settings_get_string (fixture->settings, "pipeline"), ==, spec);

  /* A preset saved from it, and the run a batch would make, say the same. */
  activate (editor, "chain.save-preset", NULL);
  {
    AdwMessageDialog *dialog = NULL;

    PP_WAIT_UNTIL ((dialog = pp_ui_test_find_message_dialog (FALSE)) != NULL, 10);
    gtk_editable_set_text (GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog)), "Noise");
    adw_message_dialog_response (dialog, "save");
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
  preset = pp_presets_load ("Noise", NULL);
  g_assert_cmpstr (preset, ==, spec);
  g_assert_true (pp_presets_delete ("Noise", NULL));
}

/* Item 12: Save Preset cannot save a preset without a name. */
static void
test_preset_name (Fixture       *fixture,
                  gconstpointer  data)
{
  PpWindow *window = fixture->window;
  AdwMessageDialog *dialog;
  GtkEditable *entry;
  g_auto (GStrv) names = NULL;

  activate (GTK_WIDGET (window->chain_editor), "chain.add", g_variant_new_string ("sepia"));
  activate (GTK_WIDGET (window->chain_editor), "chain.save-preset", NULL);
  PP_WAIT_UNTIL ((dialog = pp_ui_test_find_message_dialog (FALSE)) != NULL, 10);
  entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "save"));
  gtk_editable_set_text (entry, "   ");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "save"));
  /* Even forced (Enter), an empty name saves nothing. */
  adw_message_dialog_response (dialog, "save");
  names = pp_presets_list_user ();
  g_assert_cmpuint (g_strv_length (names), ==, 0);
  gtk_editable_set_text (entry, "Warm");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "save"));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Item 6: a crop past the edge is reported on its step; Process waits; sliders follow. */
static void
test_impossible_chain (Fixture       *fixture,
                       gconstpointer  data)
{
  PpWindow *window = fixture->window;
  g_autofree char *in = g_build_filename (fixture->tmp, "in", NULL);
  const char *samples = g_getenv ("PP_SAMPLES_DIR");
  PpStepRow *row;
  const char *problem;

  /* leaf.jpg is 3264 x 2448, cat.jpg 512 x 512. */
  g_mkdir (in, 0755);
  for (guint i = 0; i < 2; i++)
    {
      const char *name = i == 0 ? "leaf.jpg" : "cat.jpg";
      g_autofree char *from = g_build_filename (samples, name, NULL);
      g_autofree char *to = g_build_filename (in, name, NULL);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
      g_assert_true (g_file_set_contents (to, contents, length, NULL));
    }
  open_folder (window, in);
  pp_thumbnail_grid_select (window->thumbnail_grid, 1); /* leaf.jpg (cat.jpg sorts first) */
  PP_WAIT_UNTIL (g_strcmp0 (pp_image_item_get_name (pp_thumbnail_grid_get_selected_item (
                   window->thumbnail_grid)), "leaf.jpg") == 0, 5);
  {
    int width = 0, height = 0;

    PP_WAIT_UNTIL ((pp_preview_get_image_size (window->preview, &width, &height), width > 0), 30);
    g_assert_cmpint (width, ==, 3264);
  }
  activate (GTK_WIDGET (window->chain_editor), "chain.add", g_variant_new_string ("crop"));
  row = pp_chain_editor_get_step_row (window->chain_editor, 0);

  /* Pixel sliders range over the selected image, not 65535 px. */
  g_assert_cmpfloat (pp_param_row_get_upper (pp_step_row_get_param_row (row, 2)), ==, 3263);
  g_assert_cmpfloat (pp_param_row_get_upper (pp_step_row_get_param_row (row, 3)), ==, 2447);
  g_assert_cmpfloat (pp_param_row_get_upper (pp_step_row_get_param_row (row, 0)), ==, 3264);

  /* Left 7282: past the edge of both images. */
  g_assert_true (pp_pipeline_set_value (window->pipeline, 0, 2, 7282, NULL));
  g_signal_emit_by_name (window->chain_editor, "changed", FALSE);
  row = pp_chain_editor_get_step_row (window->chain_editor, 0);
  problem = pp_step_row_get_problem (row);
  g_test_message ("problem: %s", problem);
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (problem, "2 of 2 images"));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (window->process_button)));
  g_assert_nonnull (strstr (gtk_inscription_get_text (window->current_file_label), "Crop"));
  pp_test_screenshot (GTK_WIDGET (window), "chain-problem");

  /* Left 1000: fine for leaf.jpg, past the edge of cat.jpg. */
  gtk_range_set_value (slider (window, 0, 2), 1000);
  problem = pp_step_row_get_problem (pp_chain_editor_get_step_row (window->chain_editor, 0));
  g_test_message ("problem: %s", problem);
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (problem, "1 of 2 images, cat.jpg among them"));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (window->process_button)));

  /* Left 100, width 300: fits both; Process comes back. */
  gtk_range_set_value (slider (window, 0, 2), 100);
  gtk_range_set_value (slider (window, 0, 0), 300);
  gtk_range_set_value (slider (window, 0, 1), 300);
  g_assert_null (pp_step_row_get_problem (pp_chain_editor_get_step_row (window->chain_editor,
                                                                        0)));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (window->process_button)));
}

static void
press (PpWindow *window,
       guint     keyval,
       GdkModifierType modifiers)
{
  /* What the window's bindings do with the key: the shortcut's action. */
  if (keyval == GDK_KEY_z && modifiers == GDK_CONTROL_MASK)
    activate (GTK_WIDGET (window), "win.undo", NULL);
  else if (keyval == GDK_KEY_z && modifiers == (GDK_CONTROL_MASK | GDK_SHIFT_MASK))
    activate (GTK_WIDGET (window), "win.redo", NULL);
  else
    g_assert_not_reached ();
}

/* Item 8: Undo and Redo, drag and drop, switched-off steps restored. */
static void
test_undo_and_order (Fixture       *fixture,
                     gconstpointer  data)
{
  PpWindow *window = fixture->window;
  GtkWidget *editor = GTK_WIDGET (window->chain_editor);
  g_autofree char *before = NULL;
  g_autofree char *spec = NULL;

  activate (editor, "chain.add", g_variant_new_string ("exposure"));
  activate (editor, "chain.add", g_variant_new_string ("sepia"));
  activate (editor, "chain.add", g_variant_new_string ("gaussian-blur"));
  before = spec_of (window);
  g_assert_cmpstr (before, ==, "exposure=0,sepia=100,gaussian-blur=2");

  /* Remove, undo, redo. */
  activate (editor, "chain.remove", g_variant_new_uint32 (1));
  spec = spec_of (window);
  g_assert_cmpstr (spec, ==, "exposure=0,gaussian-blur=2");
  press (window, GDK_KEY_z, GDK_CONTROL_MASK);
  g_free (spec);
  spec = spec_of (window);
  g_assert_cmpstr (spec, ==, before);
  press (window, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  g_free (spec);
  spec = spec_of (window);
  g_assert_cmpstr (spec, ==, "exposure=0,gaussian-blur=2");
  press (window, GDK_KEY_z, GDK_CONTROL_MASK);

  /* A preset replaces the chain; one undo brings it back. */
  activate (editor, "chain.load-preset", g_variant_new_string ("Black and white"));
  g_free (spec);
  spec = spec_of (window);
  g_assert_cmpstr (spec, ==, "grayscale,contrast=15");
  press (window, GDK_KEY_z, GDK_CONTROL_MASK);
  g_free (spec);
  spec = spec_of (window);
  g_assert_cmpstr (spec, ==, before);

  /* A slider drag (many values) is one undo step. */
  for (guint i = 1; i <= 10; i++)
    gtk_range_set_value (slider (window, 0, 0), 0.1 * i);
  g_free (spec);
  spec = spec_of (window);
  g_assert_cmpstr (spec, ==, "exposure=1,sepia=100,gaussian-blur=2");
  press (window, GDK_KEY_z, GDK_CONTROL_MASK);
  g_free (spec);
  spec = spec_of (window);
  g_assert_cmpstr (spec, ==, before);

  /* Drop the blur on the first row: it moves to the top; undo moves it back. */
  {
    PpStepRow *blur = pp_chain_editor_get_step_row (window->chain_editor, 2);
    PpStepRow *first = pp_chain_editor_get_step_row (window->chain_editor, 0);
    GtkDropTarget *target = pp_step_row_get_drop_target (first);
    g_auto (GValue) value = G_VALUE_INIT;
    gboolean dropped = FALSE;

    g_assert_nonnull (target);
    g_value_init (&value, PP_TYPE_STEP_ROW);
    g_value_set_object (&value, blur);
    g_signal_emit_by_name (target, "drop", &value, 10.0, 10.0, &dropped);
    g_assert_true (dropped);
  }
  g_free (spec);
  spec = spec_of (window);
  g_assert_cmpstr (spec, ==, "gaussian-blur=2,exposure=0,sepia=100");
  press (window, GDK_KEY_z, GDK_CONTROL_MASK);
  g_free (spec);
  spec = spec_of (window);
  g_assert_cmpstr (spec, ==, before);

  /* Switch sepia off; a new window (a restart) has it, still off. */
  {
    PpStepRow *sepia = pp_chain_editor_get_step_row (window->chain_editor, 1);
    GtkSwitch *sw = NULL;

    /* The step's own switch is the first GtkSwitch in its row's header. */
    sw = GTK_SWITCH (find_descendant (GTK_WIDGET (sepia), GTK_TYPE_SWITCH));
    gtk_switch_set_active (sw, FALSE);
  }
  g_assert_false (pp_pipeline_get_step (window->pipeline, 1)->enabled);
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  g_object_unref (fixture->window);
  fixture->window = window = pp_ui_test_new_window ();
  g_assert_cmpuint (pp_pipeline_get_n_steps (window->pipeline), ==, 3);
  g_assert_cmpstr (pp_pipeline_get_step (window->pipeline, 1)->info->name, ==, "sepia");
  g_assert_false (pp_pipeline_get_step (window->pipeline, 1)->enabled);
  g_free (spec);
  spec = spec_of (window);
  g_assert_cmpstr (spec, ==, "exposure=0,gaussian-blur=2");
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *home = pp_ui_test_init (&argc, &argv);

  g_test_add ("/pp/ui/chain-editor/float-noise", Fixture, NULL, fixture_set_up,
              test_float_noise, pp_ui_window_fixture_tear_down);
  g_test_add ("/pp/ui/chain-editor/preset-name", Fixture, NULL, fixture_set_up,
              test_preset_name, pp_ui_window_fixture_tear_down);
  g_test_add ("/pp/ui/chain-editor/impossible-chain", Fixture, NULL, fixture_set_up,
              test_impossible_chain, pp_ui_window_fixture_tear_down);
  g_test_add ("/pp/ui/chain-editor/undo-and-order", Fixture, NULL, fixture_set_up,
              test_undo_and_order, pp_ui_window_fixture_tear_down);
  return g_test_run ();
}
