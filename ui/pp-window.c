/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpWindow: wires the thumbnail grid, the preview and the chain editor together, remembers the
 * window's state in GSettings, and shows the empty page until something is opened. Actions live
 * in pp-window-actions.c, the batch in pp-window-batch.c, Compare in pp-window-compare.c, drag
 * and drop in pp-window-dnd.c.
 */
#define G_LOG_DOMAIN "pp-window"

#include "config.h"

#include "batch/pp-machine.h"
#include "render/pp-scheduler.h"
#include "pp-ui-resources.h"
#include "pp-ui-util.h"
#include "pp-window-private.h"

G_DEFINE_FINAL_TYPE (PpWindow, pp_window, ADW_TYPE_APPLICATION_WINDOW)

void
_pp_window_toast (PpWindow   *self,
                  const char *message)
{
  /* A toast's title is markup in libadwaita 1.2: a path with "&" or "<" must stay text. */
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  AdwToast *toast = adw_toast_new (escaped);

  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* The spin buttons' count; with "Automatic" (0), what the preview uses: the CPU budget (a
 * batch asks pp-window-threads.c for its own count). */
guint
_pp_window_get_threads (PpWindow *self)
{
  guint threads = (guint) gtk_adjustment_get_value (self->threads_adjustment);

  return threads > 0 ? threads : pp_machine_get_cpu_budget (NULL);
}

gboolean
_pp_window_get_parallel (PpWindow *self)
{
  return gtk_toggle_button_get_active (self->parallel_button);
}

static void
update_preview_threads (PpWindow *self)
{
  pp_preview_set_threads (self->preview,
                          _pp_window_get_parallel (self) ? _pp_window_get_threads (self) : 1);
}

/* The header names what is open and how many images it has: "Holiday · 24 images". */
static void
update_header (PpWindow *self)
{
  PpThumbnailGrid *grid = self->thumbnail_grid;
  guint n = g_list_model_get_n_items (pp_thumbnail_grid_get_model (grid));
  g_autofree char *name = self->folder ? g_file_get_basename (self->folder) : NULL;
  g_autofree char *count = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *title = NULL;

  if (self->folder == NULL && self->files == NULL)
    return;
  if (pp_thumbnail_grid_get_loading (grid))
    count = g_strdup ("listing…");
  else
    count = g_strdup_printf (g_dngettext (NULL, "%u image", "%u images", n), n);
  if (name != NULL)
    {
      subtitle = g_strdup_printf ("%s · %s", name, count);
      title = g_strdup_printf ("%s — Parapix", name);
    }
  else
    {
      subtitle = g_strdup_printf ("Opened images · %s", count);
      title = g_strdup ("Parapix");
    }
  adw_view_switcher_title_set_subtitle (self->switcher_title, subtitle);
  gtk_window_set_title (GTK_WINDOW (self), title);
}

/* A folder without images says so instead of showing an empty grid, and Process stays off. */
static void
update_images_page (PpWindow *self)
{
  PpThumbnailGrid *grid = self->thumbnail_grid;
  guint n = g_list_model_get_n_items (pp_thumbnail_grid_get_model (grid));
  guint n_other = pp_thumbnail_grid_get_n_other_files (grid);
  g_autofree char *name = self->folder ? g_file_get_basename (self->folder) : NULL;
  g_autofree char *description = NULL;

  if (pp_thumbnail_grid_get_loading (grid) || n > 0)
    {
      gtk_stack_set_visible_child_name (self->images_stack, "images");
      return;
    }
  if (n_other > 0)
    description = g_strdup_printf (g_dngettext (NULL,
                                                "“%s” has %u file, but it is not an image "
                                                "Parapix reads (JPEG, PNG, WebP, TIFF, GIF, "
                                                "BMP…).",
                                                "“%s” has %u files, but none is an image "
                                                "Parapix reads (JPEG, PNG, WebP, TIFF, GIF, "
                                                "BMP…).", n_other),
                                   name ? name : "This folder", n_other);
  else
    description = g_strdup_printf ("“%s” is empty. Open a folder with photos in it, or drop "
                                   "images here.", name ? name : "This folder");
  adw_status_page_set_description (self->no_images_page, description);
  gtk_stack_set_visible_child_name (self->images_stack, "no-images");
}

static void
on_grid_changed (PpWindow *self)
{
  update_header (self);
  update_images_page (self);
  _pp_window_update_batch_bar (self);
}

static void
show_content (PpWindow *self)
{
  gtk_stack_set_visible_child_name (self->main_stack, "content");
  gtk_widget_set_visible (GTK_WIDGET (self->sidebar_button), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->batch_bar), TRUE);
  adw_leaflet_set_visible_child_name (self->images_leaflet, "grid");
  update_header (self);
  update_images_page (self);
  _pp_window_update_actions (self);
  _pp_window_update_batch_bar (self);
}

void
_pp_window_open_folder (PpWindow *self,
                        GFile    *folder)
{
  g_autofree char *uri = g_file_get_uri (folder);

  g_set_object (&self->folder, folder);
  g_clear_pointer (&self->files, g_ptr_array_unref);
  pp_thumbnail_grid_load_folder (self->thumbnail_grid, folder);
  g_settings_set_string (self->settings, "recent-folder", uri);
  show_content (self);
}

/* Why @file cannot be opened, in words that name it (it does not exist, or it cannot be
 * read), or %NULL when it can be. A regular file that cannot be read is left to the grid,
 * which shows it as a broken tile with the reason. */
static char *
describe_unopenable (GFile *file)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GFileInfo) info = NULL;
  g_autofree char *name = g_file_get_parse_name (file);

  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_STANDARD_TYPE "," G_FILE_ATTRIBUTE_ACCESS_CAN_READ,
                            G_FILE_QUERY_INFO_NONE, NULL, &error);
  /* A path through a file ("photo.jpg/x") does not exist either. */
  if (info == NULL && (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
                       g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY)))
    return g_strdup_printf ("“%s” does not exist", name);
  if (info == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    return g_strdup_printf ("“%s” cannot be read: permission denied", name);
  if (info == NULL)
    return g_strdup_printf ("“%s” cannot be opened: %s", name, error->message);
  if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY &&
      g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_ACCESS_CAN_READ) &&
      !g_file_info_get_attribute_boolean (info, G_FILE_ATTRIBUTE_ACCESS_CAN_READ))
    return g_strdup_printf ("“%s” cannot be read: permission denied", name);
  return NULL;
}

/* Tells why nothing (or not everything) was opened: a toast, and a line on stderr for whoever
 * started Parapix with those paths from a terminal. */
static void
report_unopenable (PpWindow   *self,
                   const char *problem,
                   guint       n_more)
{
  g_autofree char *message = NULL;

  if (n_more > 0)
    message = g_strdup_printf (g_dngettext (NULL, "%s, and %u more path cannot be opened",
                                            "%s, and %u more paths cannot be opened", n_more),
                               problem, n_more);
  else
    message = g_strdup (problem);
  g_message ("%s", message);
  _pp_window_toast (self, message);
}

/**
 * pp_window_open_files:
 * @self: the window
 * @files: (array length=n_files) (transfer none): one folder, or images
 * @n_files: the length of @files
 *
 * Opens one folder, or a set of images (their folder's other files are not shown). A path
 * that does not exist or cannot be read is not opened: a toast names it and says why (the
 * same line goes to the log), and the window keeps what it showed when nothing is left to
 * open. Main thread only.
 */
void
pp_window_open_files (PpWindow  *self,
                      GFile    **files,
                      guint      n_files)
{
  g_autoptr (GPtrArray) regular = NULL;
  g_autofree char *problem = NULL;
  guint n_problems = 0;

  g_return_if_fail (PP_IS_WINDOW (self));

  if (n_files == 0)
    return;
  for (guint i = 0; i < n_files; i++)
    {
      char *why = describe_unopenable (files[i]);

      if (why != NULL && n_problems++ == 0)
        problem = why;
      else
        g_free (why);
    }
  if (n_files == 1 && problem == NULL &&
      g_file_query_file_type (files[0], G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_DIRECTORY)
    {
      _pp_window_open_folder (self, files[0]);
      return;
    }

  regular = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n_files; i++)
    if (g_file_query_file_type (files[i], G_FILE_QUERY_INFO_NONE, NULL) == G_FILE_TYPE_REGULAR)
      g_ptr_array_add (regular, g_object_ref (files[i]));
  if (problem != NULL)
    report_unopenable (self, problem, n_problems - 1);
  if (regular->len == 0)
    {
      if (problem == NULL)
        _pp_window_toast (self, "Nothing to open: those are not image files");
      return;
    }
  g_clear_object (&self->folder);
  g_clear_pointer (&self->files, g_ptr_array_unref);
  self->files = g_steal_pointer (&regular);
  pp_thumbnail_grid_load_files (self->thumbnail_grid, (GFile **) self->files->pdata,
                                self->files->len);
  show_content (self);
}

/* Template callbacks */

static void
on_selection_changed (PpWindow *self)
{
  PpImageItem *item = pp_thumbnail_grid_get_selected_item (self->thumbnail_grid);

  pp_preview_set_file (self->preview, item ? pp_image_item_get_file (item) : NULL);
  gtk_label_set_label (self->preview_name_label, item ? pp_image_item_get_name (item) : "");
}

static void
on_preview_status (PpWindow *self)
{
  const char *error = pp_preview_get_error (self->preview);
  PpImageItem *item = pp_thumbnail_grid_get_selected_item (self->thumbnail_grid);

  gtk_inscription_set_text (self->preview_status_label, pp_preview_get_status (self->preview));
  if (error != NULL)
    {
      g_autofree char *title = g_strdup_printf ("Can’t Open “%s”",
                                                item ? pp_image_item_get_name (item) : "");
      g_autofree char *reason = pp_ui_reason_for_people (error);

      adw_status_page_set_title (self->broken_page, title);
      adw_status_page_set_description (self->broken_page, reason);
      gtk_stack_set_visible_child_name (self->preview_stack, "broken");
    }
  else
    gtk_stack_set_visible_child_name (self->preview_stack, "preview");
}

/* Narrow, the grid and the preview are two pages: opening an image shows its preview. */
static void
on_image_activated (PpWindow *self,
                    guint     position)
{
  if (adw_leaflet_get_folded (self->images_leaflet))
    adw_leaflet_set_visible_child_name (self->images_leaflet, "preview");
}

/* Folding hides the chain (it would cover the images); unfolding shows it again. */
static void
on_flap_folded (PpWindow *self)
{
  adw_flap_set_reveal_flap (self->flap, !adw_flap_get_folded (self->flap));
}

static void
on_leaflet_folded (PpWindow *self)
{
  pp_thumbnail_grid_set_single_click_activate (self->thumbnail_grid,
                                               adw_leaflet_get_folded (self->images_leaflet));
}

static void
on_chain_changed (PpWindow *self,
                  gboolean  interactive)
{
  pp_preview_invalidate (self->preview, interactive);
  _pp_window_save_chain (self);
  _pp_window_check_chain (self);
}

static void
on_run_selected (PpWindow   *self,
                 PpRunEntry *entry)
{
  PpRunEntry *baseline = entry ? pp_timings_view_get_baseline (self->timings_view, entry) : NULL;
  g_autofree char *title = NULL;

  /* A parallel run and the serial run it is measured against share the time axis. */
  if (entry != NULL && pp_run_entry_get_serial (entry))
    baseline = NULL;
  pp_timeline_set_runs (self->timeline, entry, baseline);
  if (entry != NULL && baseline != NULL)
    title = g_strdup_printf ("Worker Threads · the parallel run on %u threads, and the serial "
                             "run it is measured against, on one time axis",
                             pp_run_entry_get_threads (entry));
  else if (entry != NULL)
    title = g_strdup_printf ("Worker Threads · %s run on %u thread%s",
                             pp_run_entry_get_serial (entry) ? "serial" : "parallel",
                             pp_run_entry_get_threads (entry),
                             pp_run_entry_get_threads (entry) == 1 ? "" : "s");
  gtk_label_set_label (self->timeline_title, title ? title : "Worker Threads");
}

static void
on_chain_message (PpWindow   *self,
                  const char *text)
{
  _pp_window_toast (self, text);
}

static void
on_mode_changed (PpWindow *self)
{
  g_settings_set_boolean (self->settings, "parallel", _pp_window_get_parallel (self));
  update_preview_threads (self);
}

static void
on_threads_changed (PpWindow *self)
{
  g_settings_set_uint (self->settings, "threads", _pp_window_get_threads (self));
  update_preview_threads (self);
}

static void
update_recent_button (PpWindow *self)
{
  g_autofree char *uri = g_settings_get_string (self->settings, "recent-folder");
  g_autoptr (GFile) folder = NULL;
  g_autofree char *name = NULL;
  g_autofree char *label = NULL;

  if (*uri == '\0')
    {
      gtk_widget_set_visible (GTK_WIDGET (self->recent_button), FALSE);
      return;
    }
  folder = g_file_new_for_uri (uri);
  name = g_file_get_basename (folder);
  label = g_strdup_printf ("Open “%s” Again", name);
  gtk_button_set_label (self->recent_button, label);
  gtk_widget_set_visible (GTK_WIDGET (self->recent_button),
                          g_file_query_exists (folder, NULL));
}

/* GObject */

static void
on_quit_response (AdwMessageDialog *dialog,
                  const char       *response,
                  PpWindow         *self)
{
  if (g_strcmp0 (response, "stop") != 0)
    return;
  /* Closes once the batch has stopped: files in flight are abandoned cleanly, finished ones
   * stay (the batch's own promise), and nothing half-written is left. */
  self->batch.close_when_stopped = TRUE;
  if (_pp_window_is_running (self))
    gtk_widget_activate_action (GTK_WIDGET (self), "batch.cancel", NULL);
  else
    gtk_window_close (GTK_WINDOW (self));
}

/* Closing during a batch asks first, as GNOME apps do for unsaved work. */
static void
ask_to_stop (PpWindow *self)
{
  GtkWidget *dialog;
  g_autofree char *body = NULL;
  double fraction = gtk_progress_bar_get_fraction (self->progress_bar);

  body = g_strdup_printf ("The batch is %.0f %% done. Images already processed stay in the "
                          "output folder; the others are not written.", 100 * fraction);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), "Stop the Batch and Quit?", body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", "_Cancel",
                                    "stop", "_Stop and Quit", NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "stop",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_quit_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
pp_window_close_request (GtkWindow *window)
{
  PpWindow *self = PP_WINDOW (window);
  int width, height;

  if (_pp_window_is_running (self))
    {
      if (!self->batch.close_when_stopped)
        ask_to_stop (self);
      return TRUE;
    }

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  return GTK_WINDOW_CLASS (pp_window_parent_class)->close_request (window);
}

static void
pp_window_dispose (GObject *object)
{
  PpWindow *self = PP_WINDOW (object);

  _pp_window_dispose_batch (self);
#if GTK_CHECK_VERSION (4, 8, 0)
  gtk_widget_dispose_template (GTK_WIDGET (self), PP_TYPE_WINDOW);
#endif
  g_clear_object (&self->settings);
  g_clear_object (&self->pipeline);
  g_clear_pointer (&self->chain_problem, g_free);
  g_clear_object (&self->folder);
  g_clear_pointer (&self->files, g_ptr_array_unref);

  G_OBJECT_CLASS (pp_window_parent_class)->dispose (object);
}

static void
pp_window_class_init (PpWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = pp_window_dispose;
  window_class->close_request = pp_window_close_request;

  g_type_ensure (PP_TYPE_CHAIN_EDITOR);
  g_type_ensure (PP_TYPE_PREVIEW);
  g_type_ensure (PP_TYPE_SCALING_VIEW);
  g_type_ensure (PP_TYPE_THUMBNAIL_GRID);
  g_type_ensure (PP_TYPE_TIMELINE);
  g_type_ensure (PP_TYPE_TIMINGS_VIEW);
  /* Keeps the resource object (and its registration) linked in from the static library. */
  (void) pp_ui_get_resource ();

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/parapix/Parapix/pp-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PpWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, batch_bar);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, broken_page);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, chain_editor);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, compare_button);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, compare_toggle);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, current_file_label);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, failures_button);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, failures_label);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, images_leaflet);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, images_stack);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, mode_box);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, no_images_page);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, parallel_button);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, preview);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, preview_name_label);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, preview_stack);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, preview_status_label);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, process_button);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, process_icon_button);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, process_squeezer);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, recent_button);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, run_menu_button);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, run_squeezer);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, scaling_view);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, serial_button);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, sidebar_button);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, status_page);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, threads_adjustment);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, threads_spin);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, threads_spin_narrow);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, thumbnail_grid);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, timeline);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, timeline_title);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, timings_box);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, timings_view);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PpWindow, view_stack);
  gtk_widget_class_bind_template_callback (widget_class, on_chain_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_chain_message);
  gtk_widget_class_bind_template_callback (widget_class, on_image_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_preview_status);
  gtk_widget_class_bind_template_callback (widget_class, on_run_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_selection_changed);

  _pp_window_class_init_actions (widget_class);
  _pp_window_class_init_batch (widget_class);
  _pp_window_class_init_compare (widget_class);
  _pp_window_class_init_chain (widget_class);
}

static void
pp_window_init (PpWindow *self)
{
  guint n_cpus = pp_scheduler_get_default_threads ();
  guint threads;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->settings = g_settings_new (APP_ID);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  _pp_window_init_chain (self);
  /* Earlier sessions' runs, for comparison and export. */
  pp_timings_view_load_history (self->timings_view);

  gtk_adjustment_set_upper (self->threads_adjustment, n_cpus);
  _pp_window_init_threads (self, (GtkSpinButton *[]) { self->threads_spin,
                                                       self->threads_spin_narrow, NULL });
  /* 0 is "Automatic", the default. */
  threads = g_settings_get_uint (self->settings, "threads");
  gtk_adjustment_set_value (self->threads_adjustment, MIN (threads, n_cpus));
  if (g_settings_get_boolean (self->settings, "parallel"))
    gtk_toggle_button_set_active (self->parallel_button, TRUE);
  else
    gtk_toggle_button_set_active (self->serial_button, TRUE);
  g_signal_connect_object (self->parallel_button, "toggled",
                           G_CALLBACK (on_mode_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->threads_adjustment, "value-changed",
                           G_CALLBACK (on_threads_changed), self, G_CONNECT_SWAPPED);
  update_preview_threads (self);
  _pp_window_init_scaling (self);

  /* Tabular digits, so counters and timings do not wobble as they change. */
  {
    PangoAttrList *attributes = pango_attr_list_new ();

    pango_attr_list_insert (attributes, pango_attr_font_features_new ("tnum=1"));
    gtk_inscription_set_attributes (self->progress_label, attributes);
    gtk_inscription_set_attributes (self->preview_status_label, attributes);
    pango_attr_list_unref (attributes);
  }

  gtk_widget_set_visible (GTK_WIDGET (self->sidebar_button), FALSE);
  update_recent_button (self);
  g_signal_connect_object (self->thumbnail_grid, "notify::loading",
                           G_CALLBACK (on_grid_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->thumbnail_grid, "notify::n-items",
                           G_CALLBACK (on_grid_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->images_leaflet, "notify::folded",
                           G_CALLBACK (on_leaflet_folded), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->flap, "notify::folded",
                           G_CALLBACK (on_flap_folded), self, G_CONNECT_SWAPPED);
  on_leaflet_folded (self);

  _pp_window_init_actions (self);
  _pp_window_init_dnd (self);
  _pp_window_init_batch (self);
}

PpWindow *
pp_window_new (AdwApplication *application)
{
  return g_object_new (PP_TYPE_WINDOW, "application", application, NULL);
}
