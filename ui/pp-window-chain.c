/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window's filter chain: remembered across restarts with its switched-off steps (GSettings
 * "chain"; "pipeline" keeps the steps that are on as one spec), Undo and Redo for its edits,
 * and the check that it can run at all before a batch: against the selected image (decoded,
 * upright) and every size the folder's headers declare. A step that cannot run (a crop past
 * the edge of some images) shows why on its row, and Process waits until the chain is fixed.
 */
#define G_LOG_DOMAIN "pp-window-chain"

#include "config.h"

#include "render/pp-plan.h"
#include "pp-chain-state.h"
#include "pp-window-private.h"

/* Loads the chain the last session left: every step from "chain", or from the older
 * "pipeline" spec; a chain this build cannot read starts empty. */
static PpPipeline *
load_chain (GSettings *settings)
{
  g_autoptr (GVariant) state = g_settings_get_value (settings, "chain");
  g_autofree char *spec = g_settings_get_string (settings, "pipeline");
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new ();
  g_autoptr (PpPipeline) from_spec = NULL;

  if (g_variant_n_children (state) > 0 && pp_chain_state_apply (pipeline, state, NULL))
    {
      g_autofree char *saved = pp_pipeline_to_spec (pipeline);

      /* Both keys agree unless something else wrote "pipeline" (an older build, a test):
       * then the spec, which that writer meant, wins. */
      if (g_strcmp0 (saved, spec) == 0)
        return g_steal_pointer (&pipeline);
    }
  from_spec = *spec ? pp_pipeline_new_from_spec (spec, NULL) : NULL;
  return from_spec ? g_steal_pointer (&from_spec) : pp_pipeline_new ();
}

/**
 * _pp_window_save_chain:
 *
 * Stores the chain in GSettings (both keys). Main thread only.
 */
void
_pp_window_save_chain (PpWindow *self)
{
  g_autofree char *spec = pp_pipeline_to_spec (self->pipeline);

  g_settings_delay (self->settings);
  g_settings_set_string (self->settings, "pipeline", spec);
  g_settings_set_value (self->settings, "chain", pp_chain_state_capture (self->pipeline));
  g_settings_apply (self->settings);
}

/* Checking */

typedef struct
{
  int width;
  int height;
  gboolean upright;   /* a decoded size; header sizes may still turn by their EXIF tag */
  guint count;        /* images of this size */
  const char *name;   /* one of them */
} SizeGroup;

/* The first enabled step @pipeline fails on at @width x @height, with core's reason, or -1. */
static int
first_failing_step (PpPipeline  *pipeline,
                    int          width,
                    int          height,
                    GError     **error)
{
  g_autoptr (PpPlan) plan = pp_plan_new (pipeline, width, height, 3, NULL);
  guint n = pp_pipeline_get_n_steps (pipeline);

  if (plan != NULL)
    return -1;
  /* Which step: the shortest prefix that fails. */
  for (guint last = 0; last < n; last++)
    {
      g_autoptr (PpPipeline) prefix = pp_pipeline_copy (pipeline);
      g_autoptr (PpPlan) prefix_plan = NULL;
      g_autoptr (GError) local_error = NULL;

      if (!pp_pipeline_get_step (pipeline, last)->enabled)
        continue;
      for (guint i = last + 1; i < n; i++)
        pp_pipeline_set_enabled (prefix, i, FALSE);
      prefix_plan = pp_plan_new (prefix, width, height, 3, &local_error);
      if (prefix_plan == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return (int) last;
        }
    }
  return -1;
}

static void
add_size (GHashTable *groups,
          int         width,
          int         height,
          gboolean    upright,
          const char *name)
{
  guint64 key = (guint64) width << 33 | (guint64) height << 1 | (upright ? 1 : 0);
  SizeGroup *group = g_hash_table_lookup (groups, &key);

  if (group == NULL)
    {
      guint64 *stored = g_new (guint64, 1);

      *stored = key;
      group = g_new0 (SizeGroup, 1);
      group->width = width;
      group->height = height;
      group->upright = upright;
      group->name = name;
      g_hash_table_insert (groups, stored, group);
    }
  group->count++;
}

/**
 * _pp_window_check_chain:
 *
 * Checks the chain against the selected image and the folder's image sizes, shows a problem
 * on each step that cannot run ("… on 3 of 24 images, cat.jpg among them") and keeps the
 * first one for the batch bar; Process stays off while there is one. Main thread only.
 */
void
_pp_window_check_chain (PpWindow *self)
{
  GListModel *model = pp_thumbnail_grid_get_model (self->thumbnail_grid);
  guint n_items = g_list_model_get_n_items (model);
  guint n_steps = pp_pipeline_get_n_steps (self->pipeline);
  g_autoptr (GHashTable) groups = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                         g_free);
  g_autoptr (GPtrArray) reasons = g_ptr_array_new_full (n_steps, g_free);
  g_autoptr (GArray) failing = g_array_new (FALSE, TRUE, sizeof (guint));
  g_autoptr (GPtrArray) examples = g_ptr_array_new ();
  PpImageItem *selected = pp_thumbnail_grid_get_selected_item (self->thumbnail_grid);
  GHashTableIter iter;
  SizeGroup *group;
  int width, height;
  guint n_sized = 0;

  g_ptr_array_set_size (reasons, n_steps);
  g_array_set_size (failing, n_steps);
  g_ptr_array_set_size (examples, n_steps);

  /* The selected image as decoded (upright), then every header size of the folder. */
  pp_preview_get_image_size (self->preview, &width, &height);
  if (width > 0 && selected != NULL)
    add_size (groups, width, height, TRUE, pp_image_item_get_name (selected));
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr (PpImageItem) item = g_list_model_get_item (model, i);
      int w, h;

      pp_image_item_get_size (item, &w, &h);
      if (w <= 0 || item == selected)
        continue;
      add_size (groups, w, h, FALSE, pp_image_item_get_name (item));
      n_sized++;
    }
  if (width > 0 && selected != NULL)
    n_sized++;

  g_hash_table_iter_init (&iter, groups);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &group))
    {
      g_autoptr (GError) error = NULL;
      int step = first_failing_step (self->pipeline, group->width, group->height, &error);

      /* A header's size is before its EXIF orientation: an image that runs either way up is
       * not reported (the batch turns it upright first). */
      if (step >= 0 && !group->upright &&
          first_failing_step (self->pipeline, group->height, group->width, NULL) < 0)
        step = -1;
      if (step < 0)
        continue;
      g_array_index (failing, guint, step) += group->count;
      if (g_ptr_array_index (reasons, step) == NULL || group->upright)
        {
          g_free (g_ptr_array_index (reasons, step));
          g_ptr_array_index (reasons, step) = g_strdup (error->message);
          g_ptr_array_index (examples, step) = (gpointer) group->name;
        }
    }

  g_clear_pointer (&self->chain_problem, g_free);
  for (guint i = 0; i < n_steps; i++)
    {
      const char *reason = g_ptr_array_index (reasons, i);
      g_autofree char *problem = NULL;

      if (reason != NULL && n_sized > 1)
        problem = g_strdup_printf (g_dngettext (NULL, "%s (%u of %u images, %s among them)",
                                                "%s (%u of %u images, %s among them)",
                                                n_sized),
                                   reason, g_array_index (failing, guint, i), n_sized,
                                   (const char *) g_ptr_array_index (examples, i));
      else if (reason != NULL)
        problem = g_strdup_printf ("%s (%s)", reason,
                                   (const char *) g_ptr_array_index (examples, i));
      pp_chain_editor_set_problem (self->chain_editor, i, problem);
      if (problem != NULL && self->chain_problem == NULL)
        {
          const PpStep *step = pp_pipeline_get_step (self->pipeline, i);

          self->chain_problem = g_strdup_printf ("%s: %s", step->info->label, problem);
        }
    }
  pp_chain_editor_set_image_size (self->chain_editor, width, height);
  _pp_window_update_batch_actions (self);
  _pp_window_update_batch_bar (self);
}

/* Undo and Redo, wherever the focus is (a text field's own Ctrl+Z comes first). */

static void
undo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PpWindow *self = PP_WINDOW (widget);

  if (!pp_chain_editor_undo (self->chain_editor))
    _pp_window_toast (self, "Nothing to undo");
}

static void
redo_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PpWindow *self = PP_WINDOW (widget);

  if (!pp_chain_editor_redo (self->chain_editor))
    _pp_window_toast (self, "Nothing to redo");
}

void
_pp_window_class_init_chain (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, undo_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, redo_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.redo", NULL);
}

static void
on_sizes_changed (PpWindow *self)
{
  /* Children notify while the window's template is being disposed too. */
  if (self->thumbnail_grid != NULL && self->chain_editor != NULL && self->preview != NULL)
    _pp_window_check_chain (self);
}

void
_pp_window_init_chain (PpWindow *self)
{
  self->pipeline = load_chain (self->settings);
  pp_chain_editor_set_pipeline (self->chain_editor, self->pipeline);
  pp_preview_set_pipeline (self->preview, self->pipeline);
  g_signal_connect_object (self->thumbnail_grid, "notify::sizes-known",
                           G_CALLBACK (on_sizes_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->preview, "notify::image-width",
                           G_CALLBACK (on_sizes_changed), self, G_CONNECT_SWAPPED);
}
