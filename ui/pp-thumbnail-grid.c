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
#include "pp-thumbnail-cell.h"
#include "pp-thumbnail-grid-private.h"
#include "pp-ui-resources.h"

#define THUMBNAIL_SIZE 192
/* About 30 deliveries a second: enough to look live, few enough to cost nothing. */
#define DELIVERY_INTERVAL_MS 33
/* The main thread's time one delivery may take: half a frame at 60 Hz. */
#define DELIVERY_BUDGET_US 8000

/* Shared between the grid and its workers; refcounted because workers may outlive the grid. */
typedef struct _ThumbShared ThumbShared;

struct _ThumbShared
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
};

typedef struct
{
  ThumbShared *shared;
  PpImageItem *item; /* ref taken and dropped on the main thread only */
  char *path;
  guint generation;
  GdkPixbuf *pixbuf; /* result */
  char *error;       /* or the reason */
} ThumbJob;

G_DEFINE_FINAL_TYPE (PpThumbnailGrid, pp_thumbnail_grid, GTK_TYPE_WIDGET)

static GParamSpec *properties[N_PROPS];

enum
{
  ACTIVATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

void
_pp_thumbnail_grid_notify (PpThumbnailGrid     *self,
                           PpThumbnailGridProp  prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

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

static gboolean deliver_results (gpointer data);

/* Called with @shared's lock held: makes sure a delivery is due in @interval_ms. */
static void
schedule_delivery_locked (ThumbShared *shared,
                          guint        interval_ms)
{
  if (shared->source != NULL)
    return;
  shared->source = g_timeout_source_new (interval_ms);
  g_source_set_priority (shared->source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_static_name (shared->source, "[parapix] thumbnail delivery");
  g_source_set_callback (shared->source, deliver_results, thumb_shared_ref (shared),
                         (GDestroyNotify) thumb_shared_unref);
  g_source_attach (shared->source, shared->context);
}

static gboolean
deliver_results (gpointer data)
{
  ThumbShared *shared = data;
  g_autoptr (GPtrArray) results = NULL;
  PpThumbnailGrid *self = shared->grid;
  /* Half a frame of textures per delivery: when many thumbnails arrive at once (a fast scroll,
   * a loaded machine stretching the interval), the rest waits for the next one instead of
   * holding the main thread past a frame. */
  gint64 deadline = g_get_monotonic_time () + DELIVERY_BUDGET_US;
  guint delivered = 0;
  guint i;

  g_assert (g_main_context_is_owner (shared->context));
  g_mutex_lock (&shared->lock);
  results = g_steal_pointer (&shared->results);
  shared->results = g_ptr_array_new ();
  g_clear_pointer (&shared->source, g_source_unref);
  g_mutex_unlock (&shared->lock);

  for (i = 0; i < results->len && (i == 0 || g_get_monotonic_time () < deadline); i++)
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
  if (i < results->len)
    {
      /* What is left goes first next time, on the next main-loop turn. */
      g_mutex_lock (&shared->lock);
      for (guint j = results->len; j > i; j--)
        g_ptr_array_insert (shared->results, 0, g_ptr_array_index (results, j - 1));
      schedule_delivery_locked (shared, 0);
      g_mutex_unlock (&shared->lock);
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
      schedule_delivery_locked (shared, DELIVERY_INTERVAL_MS);
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

void
_pp_thumbnail_grid_drop_pending (PpThumbnailGrid *self)
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
factory_setup (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               PpThumbnailGrid          *self)
{
  gtk_list_item_set_child (list_item, pp_thumbnail_cell_new ());
}

static void
factory_bind (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              PpThumbnailGrid          *self)
{
  PpImageItem *item = gtk_list_item_get_item (list_item);

  pp_thumbnail_cell_set_item (PP_THUMBNAIL_CELL (gtk_list_item_get_child (list_item)), item);
  request_thumbnail (self, item);
}

static void
factory_unbind (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                PpThumbnailGrid          *self)
{
  PpImageItem *item = gtk_list_item_get_item (list_item);

  pp_thumbnail_cell_set_item (PP_THUMBNAIL_CELL (gtk_list_item_get_child (list_item)), NULL);
  cancel_thumbnail (self, item);
}

static void
on_selection_changed (PpThumbnailGrid *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ITEM]);
}

static void
on_activate (PpThumbnailGrid *self,
             guint            position)
{
  g_signal_emit (self, signals[ACTIVATE], 0, position);
}

/**
 * pp_thumbnail_grid_set_single_click_activate:
 *
 * Whether one click (instead of a double click, or Enter) opens an image: on a phone-sized
 * window the grid is a page of its own and a tap should open the preview.
 */
void
pp_thumbnail_grid_set_single_click_activate (PpThumbnailGrid *self,
                                             gboolean         single_click)
{
  g_return_if_fail (PP_IS_THUMBNAIL_GRID (self));
  gtk_grid_view_set_single_click_activate (self->grid_view, single_click);
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

/**
 * pp_thumbnail_grid_get_n_other_files:
 *
 * Returns: how many regular, visible files of the folder are not images Parapix reads
 */
guint
pp_thumbnail_grid_get_n_other_files (PpThumbnailGrid *self)
{
  g_return_val_if_fail (PP_IS_THUMBNAIL_GRID (self), 0);
  return self->n_other_files;
}

/**
 * pp_thumbnail_grid_get_sizes_known:
 *
 * Returns: whether every item's size has been read from its header
 */
gboolean
pp_thumbnail_grid_get_sizes_known (PpThumbnailGrid *self)
{
  g_return_val_if_fail (PP_IS_THUMBNAIL_GRID (self), FALSE);
  return self->sizes_known;
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
      _pp_thumbnail_grid_drop_pending (self);
      /* Deliveries still due find no grid and only free their jobs. */
      self->shared->grid = NULL;
      g_clear_pointer (&self->shared, thumb_shared_unref);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->unknown, g_ptr_array_unref);
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
    case PROP_N_OTHER_FILES:
      g_value_set_uint (value, self->n_other_files);
      break;
    case PROP_SIZES_KNOWN:
      g_value_set_boolean (value, self->sizes_known);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* A grid view asks for as many columns as it may show (twelve); beside the preview two
 * columns are enough, the preview takes the rest. */
#define NATURAL_WIDTH 330

static void
pp_thumbnail_grid_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  PpThumbnailGrid *self = PP_THUMBNAIL_GRID (widget);

  gtk_widget_measure (GTK_WIDGET (self->scrolled_window), orientation, for_size, minimum,
                      natural, minimum_baseline, natural_baseline);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *natural = MAX (*minimum, NATURAL_WIDTH);
}

static void
pp_thumbnail_grid_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  PpThumbnailGrid *self = PP_THUMBNAIL_GRID (widget);

  gtk_widget_allocate (GTK_WIDGET (self->scrolled_window), width, height, baseline, NULL);
}

/* One Tab stop for the whole grid: Tab enters at the focused (or first) thumbnail and the next
 * Tab leaves the grid; arrows move inside it, as in Files. Otherwise a folder of 2,000 images
 * is 2,000 Tab presses. */
static gboolean
pp_thumbnail_grid_focus (GtkWidget        *widget,
                         GtkDirectionType  direction)
{
  PpThumbnailGrid *self = PP_THUMBNAIL_GRID (widget);

  if (direction != GTK_DIR_TAB_FORWARD && direction != GTK_DIR_TAB_BACKWARD)
    return GTK_WIDGET_CLASS (pp_thumbnail_grid_parent_class)->focus (widget, direction);
  if (gtk_widget_get_focus_child (widget) != NULL)
    return FALSE;
  if (g_list_model_get_n_items (G_LIST_MODEL (self->store)) == 0)
    return FALSE;
  return gtk_widget_grab_focus (GTK_WIDGET (self->grid_view));
}

static gboolean
pp_thumbnail_grid_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (PP_THUMBNAIL_GRID (widget)->grid_view));
}

static void
pp_thumbnail_grid_class_init (PpThumbnailGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pp_thumbnail_grid_dispose;
  object_class->get_property = pp_thumbnail_grid_get_property;
  widget_class->focus = pp_thumbnail_grid_focus;
  widget_class->grab_focus = pp_thumbnail_grid_grab_focus;
  widget_class->measure = pp_thumbnail_grid_measure;
  widget_class->size_allocate = pp_thumbnail_grid_size_allocate;

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
  /* Files listed that are not images Parapix reads (a text file, a video): what an empty
   * grid says about the folder. */
  properties[PROP_N_OTHER_FILES] =
    g_param_spec_uint ("n-other-files", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* Every item's header size has been read (pp_image_item_get_width / _height). */
  properties[PROP_SIZES_KNOWN] =
    g_param_spec_boolean ("sizes-known", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PpThumbnailGrid::activate:
   * @position: the image's position in the model
   *
   * The user opened an image (double click or Enter; one click when single-click-activate).
   */
  signals[ACTIVATE] = g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

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
  gtk_widget_class_bind_template_callback (widget_class, on_activate);
  gtk_widget_class_bind_template_callback (widget_class, on_selection_changed);
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
