/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpThumbnailGrid: a GtkGridView over a GListStore of PpImageItem. Binding a cell queues its
 * thumbnail (newest first, so the cells the user scrolled to come first); unbinding a cell that
 * has not started drops it from the queue. A bounded number of decodes run on the shared pool;
 * workers only decode a GdkPixbuf and hand it over under a lock, and one coalesced main-loop
 * source turns the finished ones into textures.
 */
#define G_LOG_DOMAIN "pp-thumbnail-grid"

#include "config.h"

#include <string.h>

#include "io/pp-io.h"
#include "render/pp-scheduler.h"
#include "pp-thumbnail-grid.h"
#include "pp-ui-resources.h"

#define THUMBNAIL_SIZE 192
#define ENUMERATE_CHUNK 512
/* About 30 deliveries a second: enough to look live, few enough to cost nothing. */
#define DELIVERY_INTERVAL_MS 33

/* Shared between the grid and its workers; refcounted because workers may outlive the grid. */
typedef struct
{
  gatomicrefcount ref_count;
  GMutex lock;
  GMainContext *context;
  GQueue pending;     /* of ThumbJob, newest first, under lock */
  guint n_runners;    /* pool tasks draining @pending, under lock */
  guint max_runners;
  GPtrArray *results; /* of ThumbJob, finished, under lock */
  GSource *source;    /* the one pending delivery, under lock */
  PpThumbnailGrid *grid; /* main thread only; NULL once the grid is gone */
} ThumbShared;

typedef struct
{
  ThumbShared *shared;
  PpImageItem *item; /* ref taken and dropped on the main thread only */
  char *path;
  guint generation;
  GdkPixbuf *pixbuf; /* result */
  char *error;       /* or the reason */
} ThumbJob;

struct _PpThumbnailGrid
{
  GtkWidget parent_instance;

  GtkGridView *grid_view;
  GtkScrolledWindow *scrolled_window;
  GtkSingleSelection *selection;

  GListStore *store;
  GCancellable *cancellable;
  GPtrArray *pending; /* enumerated, not yet in the store */
  gboolean loading;
  guint generation;

  ThumbShared *shared;
  guint n_thumbnails;
};

G_DEFINE_FINAL_TYPE (PpThumbnailGrid, pp_thumbnail_grid, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_SELECTED_ITEM,
  PROP_LOADING,
  PROP_N_ITEMS,
  PROP_N_THUMBNAILS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static ThumbShared *
thumb_shared_ref (ThumbShared *shared)
{
  g_atomic_ref_count_inc (&shared->ref_count);
  return shared;
}

static void
thumb_shared_unref (ThumbShared *shared)
{
  if (!g_atomic_ref_count_dec (&shared->ref_count))
    return;
  g_assert (shared->source == NULL);
  g_assert (g_queue_is_empty (&shared->pending));
  g_ptr_array_unref (shared->results);
  g_main_context_unref (shared->context);
  g_mutex_clear (&shared->lock);
  g_free (shared);
}

static void
thumb_job_free (ThumbJob *job)
{
  g_clear_object (&job->item);
  g_clear_object (&job->pixbuf);
  g_free (job->path);
  g_free (job->error);
  g_clear_pointer (&job->shared, thumb_shared_unref);
  g_free (job);
}

static gboolean
deliver_results (gpointer data)
{
  ThumbShared *shared = data;
  g_autoptr (GPtrArray) results = NULL;
  PpThumbnailGrid *self = shared->grid;
  guint delivered = 0;

  g_mutex_lock (&shared->lock);
  results = g_steal_pointer (&shared->results);
  shared->results = g_ptr_array_new ();
  g_clear_pointer (&shared->source, g_source_unref);
  g_mutex_unlock (&shared->lock);

  for (guint i = 0; i < results->len; i++)
    {
      ThumbJob *job = g_ptr_array_index (results, i);

      if (self != NULL && job->generation == self->generation)
        {
          if (job->pixbuf != NULL)
            {
              g_autoptr (GdkTexture) texture = gdk_texture_new_for_pixbuf (job->pixbuf);

              pp_image_item_set_thumbnail (job->item, GDK_PAINTABLE (texture));
            }
          else
            pp_image_item_set_error (job->item, job->error);
          delivered++;
        }
      thumb_job_free (job);
    }

  if (self != NULL && delivered > 0)
    {
      self->n_thumbnails += delivered;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_THUMBNAILS]);
    }
  return G_SOURCE_REMOVE;
}

/* Runs on a pool worker: decode only, then hand over. No GTK here. Decoding goes through
 * pp_io_load like the batch's: in the isolated decoder process, with the pixel limit against
 * decompression bombs and the EXIF orientation, so a hostile file costs a thumbnail, not the
 * window, and a broken file gives the same reason the batch would. */
static void
decode (ThumbJob *job)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PpImage) image = NULL;
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  g_auto (PpImageInfo) info = { 0 };
  PpLoadOptions options;
  int width, height;
  double scale;

  pp_load_options_init (&options);
  /* A size hint, so JPEGs decode at the smallest DCT scale that still covers a thumbnail. */
  options.fit_width = THUMBNAIL_SIZE;
  options.fit_height = THUMBNAIL_SIZE;
  image = pp_io_load (job->path, &options, &info, NULL, &error);
  if (image == NULL)
    {
      job->error = g_strdup (error->message);
      return;
    }
  pixbuf = pp_image_to_pixbuf (image);
  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  if (MAX (width, height) <= THUMBNAIL_SIZE)
    {
      job->pixbuf = g_steal_pointer (&pixbuf);
      return;
    }
  scale = (double) THUMBNAIL_SIZE / MAX (width, height);
  job->pixbuf = gdk_pixbuf_scale_simple (pixbuf, MAX (1, (int) (width * scale + 0.5)),
                                         MAX (1, (int) (height * scale + 0.5)),
                                         GDK_INTERP_BILINEAR);
}

/* A pool task that drains the queue, newest request first, so the cells the user just
 * scrolled to come first and workers never wait for the main thread to hand out work. At most
 * max_runners of these run at once. */
static void
thumb_runner (gpointer data)
{
  ThumbShared *shared = data;

  for (;;)
    {
      ThumbJob *job;

      g_mutex_lock (&shared->lock);
      job = g_queue_pop_head (&shared->pending);
      if (job == NULL)
        {
          shared->n_runners--;
          g_mutex_unlock (&shared->lock);
          break;
        }
      g_mutex_unlock (&shared->lock);

      decode (job);

      g_mutex_lock (&shared->lock);
      g_ptr_array_add (shared->results, job);
      if (shared->source == NULL)
        {
          shared->source = g_timeout_source_new (DELIVERY_INTERVAL_MS);
          g_source_set_priority (shared->source, G_PRIORITY_DEFAULT_IDLE);
          g_source_set_static_name (shared->source, "[parapix] thumbnail delivery");
          g_source_set_callback (shared->source, deliver_results, thumb_shared_ref (shared),
                                 (GDestroyNotify) thumb_shared_unref);
          g_source_attach (shared->source, shared->context);
        }
      g_mutex_unlock (&shared->lock);
    }
  thumb_shared_unref (shared);
}

static void
request_thumbnail (PpThumbnailGrid *self,
                   PpImageItem     *item)
{
  ThumbShared *shared = self->shared;
  ThumbJob *job;
  gboolean spawn = FALSE;

  if (pp_image_item_get_state (item) != PP_THUMBNAIL_NONE)
    return;
  job = g_new0 (ThumbJob, 1);
  job->shared = thumb_shared_ref (shared);
  job->item = g_object_ref (item);
  job->path = g_file_get_path (pp_image_item_get_file (item));
  job->generation = self->generation;
  if (job->path == NULL)
    {
      /* Not a local file (no FUSE path): say so rather than show a placeholder forever. */
      pp_image_item_set_error (item, "This file is not on a local disk");
      thumb_job_free (job);
      return;
    }
  pp_image_item_set_state (item, PP_THUMBNAIL_QUEUED);
  g_mutex_lock (&shared->lock);
  g_queue_push_head (&shared->pending, job);
  if (shared->n_runners < shared->max_runners)
    {
      shared->n_runners++;
      spawn = TRUE;
    }
  g_mutex_unlock (&shared->lock);
  if (spawn)
    pp_scheduler_push (thumb_runner, thumb_shared_ref (shared));
}

static gboolean
job_has_item (gconstpointer job,
              gconstpointer item)
{
  return ((const ThumbJob *) job)->item == item ? 0 : 1;
}

static void
cancel_thumbnail (PpThumbnailGrid *self,
                  PpImageItem     *item)
{
  ThumbShared *shared = self->shared;
  ThumbJob *job = NULL;
  GList *link;

  if (pp_image_item_get_state (item) != PP_THUMBNAIL_QUEUED)
    return;
  g_mutex_lock (&shared->lock);
  link = g_queue_find_custom (&shared->pending, item, (GCompareFunc) job_has_item);
  if (link != NULL)
    {
      job = link->data;
      g_queue_delete_link (&shared->pending, link);
    }
  g_mutex_unlock (&shared->lock);
  /* Not found: a worker has it already; its result will arrive as usual. */
  if (job != NULL)
    {
      thumb_job_free (job);
      pp_image_item_set_state (item, PP_THUMBNAIL_NONE);
    }
}

static void
drop_pending (PpThumbnailGrid *self)
{
  GQueue dropped = G_QUEUE_INIT;

  g_mutex_lock (&self->shared->lock);
  dropped = self->shared->pending;
  g_queue_init (&self->shared->pending);
  g_mutex_unlock (&self->shared->lock);
  /* Freed here, on the main thread, where the items' refs may be dropped. */
  g_queue_clear_full (&dropped, (GDestroyNotify) thumb_job_free);
}

/* Cells */

static void
cell_update (GtkListItem *list_item)
{
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *stack = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (stack);
  PpImageItem *item = gtk_list_item_get_item (list_item);
  GtkPicture *picture = GTK_PICTURE (gtk_stack_get_child_by_name (GTK_STACK (stack), "picture"));
  const char *error;

  if (item == NULL)
    return;
  error = pp_image_item_get_error (item);
  gtk_label_set_label (GTK_LABEL (label), pp_image_item_get_name (item));
  gtk_picture_set_paintable (picture, pp_image_item_get_thumbnail (item));
  if (error != NULL)
    {
      g_autofree char *tooltip = g_strdup_printf ("%s\n%s", pp_image_item_get_name (item), error);

      gtk_stack_set_visible_child_name (GTK_STACK (stack), "error");
      gtk_widget_set_tooltip_text (box, tooltip);
    }
  else
    {
      gtk_stack_set_visible_child_name (GTK_STACK (stack),
                                        pp_image_item_get_thumbnail (item) ? "picture" : "empty");
      gtk_widget_set_tooltip_text (box, pp_image_item_get_name (item));
    }
}

static void
cell_item_changed (PpImageItem *item,
                   GParamSpec  *pspec,
                   GtkListItem *list_item)
{
  cell_update (list_item);
}

static void
factory_setup (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               PpThumbnailGrid          *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *stack = gtk_stack_new ();
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *error = gtk_image_new_from_icon_name ("image-missing-symbolic");
  GtkWidget *empty = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_add_css_class (box, "thumbnail-cell");
  gtk_widget_set_size_request (stack, 128, 96);
  gtk_stack_set_transition_type (GTK_STACK (stack), GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
#if GTK_CHECK_VERSION (4, 8, 0)
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
#endif
  gtk_widget_add_css_class (picture, "thumbnail");
  gtk_image_set_pixel_size (GTK_IMAGE (error), 48);
  gtk_widget_add_css_class (error, "dim-label");
  gtk_widget_add_css_class (empty, "thumbnail-placeholder");
  gtk_stack_add_named (GTK_STACK (stack), empty, "empty");
  gtk_stack_add_named (GTK_STACK (stack), picture, "picture");
  gtk_stack_add_named (GTK_STACK (stack), error, "error");
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 14);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), stack);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (list_item, box);
}

static void
factory_bind (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              PpThumbnailGrid          *self)
{
  PpImageItem *item = gtk_list_item_get_item (list_item);

  g_signal_connect_object (item, "notify::thumbnail", G_CALLBACK (cell_item_changed), list_item,
                           0);
  g_signal_connect_object (item, "notify::error", G_CALLBACK (cell_item_changed), list_item, 0);
  cell_update (list_item);
  request_thumbnail (self, item);
}

static void
factory_unbind (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                PpThumbnailGrid          *self)
{
  PpImageItem *item = gtk_list_item_get_item (list_item);

  g_signal_handlers_disconnect_by_func (item, cell_item_changed, list_item);
  cancel_thumbnail (self, item);
}

static void
on_selection_changed (PpThumbnailGrid *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ITEM]);
}

/* Loading */

static void
reset (PpThumbnailGrid *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  drop_pending (self);
  /* Decodes in flight still finish; their results carry an old generation and are dropped. */
  self->generation++;
  self->n_thumbnails = 0;
  g_list_store_remove_all (self->store);
}

static void
set_loading (PpThumbnailGrid *self,
             gboolean         loading)
{
  if (self->loading == loading)
    return;
  self->loading = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  const char *ka = g_object_get_data (*(GObject **) a, "pp-sort-key");
  const char *kb = g_object_get_data (*(GObject **) b, "pp-sort-key");

  return strcmp (ka, kb);
}

static void
finish_loading (PpThumbnailGrid *self)
{
  /* One splice, sorted like Files sorts names: the grid shows the folder in a stable order. */
  g_ptr_array_sort (self->pending, compare_items);
  g_list_store_splice (self->store, 0, 0, self->pending->pdata, self->pending->len);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  set_loading (self, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->store)) > 0)
    gtk_single_selection_set_selected (self->selection, 0);
}

static gboolean
is_image (GFileInfo *info)
{
  const char *type = g_file_info_get_attribute_string (info,
                                                       G_FILE_ATTRIBUTE_STANDARD_FAST_CONTENT_TYPE);
  g_autofree char *mime = NULL;

  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR || type == NULL)
    return FALSE;
  mime = g_content_type_get_mime_type (type);
  return mime != NULL && g_str_has_prefix (mime, "image/");
}

static void
add_pending (PpThumbnailGrid *self,
             GFile           *file,
             const char      *display_name)
{
  PpImageItem *item = pp_image_item_new (file, display_name);

  g_object_set_data_full (G_OBJECT (item), "pp-sort-key",
                          g_utf8_collate_key_for_filename (pp_image_item_get_name (item), -1),
                          g_free);
  g_ptr_array_add (self->pending, item);
}

static void next_files_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
next_files_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  GFileEnumerator *enumerator = G_FILE_ENUMERATOR (source);
  g_autoptr (PpThumbnailGrid) self = user_data;
  g_autoptr (GError) error = NULL;
  GList *infos;

  infos = g_file_enumerator_next_files_finish (enumerator, result, &error);
  if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("Could not list the folder: %s", error->message);
          finish_loading (self);
        }
      return;
    }
  if (infos == NULL)
    {
      finish_loading (self);
      return;
    }
  for (GList *l = infos; l != NULL; l = l->next)
    {
      GFileInfo *info = l->data;

      if (is_image (info))
        {
          g_autoptr (GFile) file = g_file_enumerator_get_child (enumerator, info);

          add_pending (self, file, g_file_info_get_display_name (info));
        }
    }
  g_list_free_full (infos, g_object_unref);
  g_file_enumerator_next_files_async (enumerator, ENUMERATE_CHUNK, G_PRIORITY_DEFAULT,
                                      self->cancellable, next_files_cb, g_object_ref (self));
}

static void
enumerate_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr (PpThumbnailGrid) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GFileEnumerator) enumerator = NULL;

  enumerator = g_file_enumerate_children_finish (G_FILE (source), result, &error);
  if (enumerator == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("Could not open the folder: %s", error->message);
          finish_loading (self);
        }
      return;
    }
  g_file_enumerator_next_files_async (enumerator, ENUMERATE_CHUNK, G_PRIORITY_DEFAULT,
                                      self->cancellable, next_files_cb, g_object_ref (self));
}

void
pp_thumbnail_grid_load_folder (PpThumbnailGrid *self,
                               GFile           *folder)
{
  g_return_if_fail (PP_IS_THUMBNAIL_GRID (self));
  g_return_if_fail (G_IS_FILE (folder));

  reset (self);
  self->cancellable = g_cancellable_new ();
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);
  set_loading (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
  g_file_enumerate_children_async (folder,
                                   G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                   G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME ","
                                   G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                                   G_FILE_ATTRIBUTE_STANDARD_FAST_CONTENT_TYPE,
                                   G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, self->cancellable,
                                   enumerate_cb, g_object_ref (self));
}

void
pp_thumbnail_grid_load_files (PpThumbnailGrid *self,
                              GFile          **files,
                              guint            n_files)
{
  g_return_if_fail (PP_IS_THUMBNAIL_GRID (self));

  reset (self);
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < n_files; i++)
    add_pending (self, files[i], NULL);
  finish_loading (self);
}

GListModel *
pp_thumbnail_grid_get_model (PpThumbnailGrid *self)
{
  g_return_val_if_fail (PP_IS_THUMBNAIL_GRID (self), NULL);
  return G_LIST_MODEL (self->store);
}

PpImageItem *
pp_thumbnail_grid_get_selected_item (PpThumbnailGrid *self)
{
  g_return_val_if_fail (PP_IS_THUMBNAIL_GRID (self), NULL);
  return gtk_single_selection_get_selected_item (self->selection);
}

void
pp_thumbnail_grid_select (PpThumbnailGrid *self,
                          guint            position)
{
  g_return_if_fail (PP_IS_THUMBNAIL_GRID (self));
  gtk_single_selection_set_selected (self->selection, position);
}

gboolean
pp_thumbnail_grid_get_loading (PpThumbnailGrid *self)
{
  g_return_val_if_fail (PP_IS_THUMBNAIL_GRID (self), FALSE);
  return self->loading;
}

guint
pp_thumbnail_grid_get_n_thumbnails (PpThumbnailGrid *self)
{
  g_return_val_if_fail (PP_IS_THUMBNAIL_GRID (self), 0);
  return self->n_thumbnails;
}

static void
pp_thumbnail_grid_dispose (GObject *object)
{
  PpThumbnailGrid *self = PP_THUMBNAIL_GRID (object);

  if (self->shared != NULL)
    {
      drop_pending (self);
      /* Deliveries still due find no grid and only free their jobs. */
      self->shared->grid = NULL;
      g_clear_pointer (&self->shared, thumb_shared_unref);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
#if GTK_CHECK_VERSION (4, 8, 0)
  gtk_widget_dispose_template (GTK_WIDGET (self), PP_TYPE_THUMBNAIL_GRID);
#endif
  /* The template's top box has no id, so dispose_template() leaves it: unparent it here. */
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (pp_thumbnail_grid_parent_class)->dispose (object);
}

static void
pp_thumbnail_grid_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  PpThumbnailGrid *self = PP_THUMBNAIL_GRID (object);

  switch (prop_id)
    {
    case PROP_SELECTED_ITEM:
      g_value_set_object (value, pp_thumbnail_grid_get_selected_item (self));
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, g_list_model_get_n_items (G_LIST_MODEL (self->store)));
      break;
    case PROP_N_THUMBNAILS:
      g_value_set_uint (value, self->n_thumbnails);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_thumbnail_grid_class_init (PpThumbnailGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pp_thumbnail_grid_dispose;
  object_class->get_property = pp_thumbnail_grid_get_property;

  properties[PROP_SELECTED_ITEM] =
    g_param_spec_object ("selected-item", NULL, NULL, PP_TYPE_IMAGE_ITEM,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_THUMBNAILS] =
    g_param_spec_uint ("n-thumbnails", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Keeps the resource object (and its registration) linked in from the static library. */
  (void) pp_ui_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/parapix/Parapix/pp-thumbnail-grid.ui");
  gtk_widget_class_bind_template_child (widget_class, PpThumbnailGrid, grid_view);
  gtk_widget_class_bind_template_child (widget_class, PpThumbnailGrid, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, PpThumbnailGrid, selection);
  gtk_widget_class_bind_template_callback (widget_class, factory_bind);
  gtk_widget_class_bind_template_callback (widget_class, factory_setup);
  gtk_widget_class_bind_template_callback (widget_class, factory_unbind);
  gtk_widget_class_bind_template_callback (widget_class, on_selection_changed);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "thumbnailgrid");
}

static void
pp_thumbnail_grid_init (PpThumbnailGrid *self)
{
  self->store = g_list_store_new (PP_TYPE_IMAGE_ITEM);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (self->store));

  self->shared = g_new0 (ThumbShared, 1);
  g_atomic_ref_count_init (&self->shared->ref_count);
  g_mutex_init (&self->shared->lock);
  self->shared->context = g_main_context_ref_thread_default ();
  self->shared->results = g_ptr_array_new ();
  self->shared->grid = self;
  g_queue_init (&self->shared->pending);
  self->shared->max_runners = pp_scheduler_get_default_threads ();
}
