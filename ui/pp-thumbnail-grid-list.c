/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Listing the open folder for the thumbnail grid: asynchronously, by the batch's own rule (so
 * the grid shows every file a batch counts, empty ones too), content-sniffing on the pool the
 * files whose extension says nothing, one sorted splice, then the images' header sizes read on
 * the pool in slices.
 */
#define G_LOG_DOMAIN "pp-thumbnail-grid"

#include "config.h"

#include "io/pp-io.h"
#include "render/pp-scheduler.h"
#include "pp-thumbnail-grid-private.h"

#define ENUMERATE_CHUNK 512
/* Headers read per pool task while scanning the folder's image sizes. */
#define SIZE_SCAN_SLICE 64


static void
reset (PpThumbnailGrid *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_pointer (&self->unknown, g_ptr_array_unref);
  self->n_other_files = 0;
  self->sizes_known = FALSE;
  _pp_thumbnail_grid_drop_pending (self);
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
  _pp_thumbnail_grid_notify (self, PROP_LOADING);
}

/* The sizes the headers declare, read on the pool once the list is complete, so the window can
 * check the chain against every image before a batch (a crop beyond some of them). */
typedef struct
{
  GPtrArray *paths;   /* of char*, in store order */
  GArray *sizes;      /* of int[2], width and height, 0 when the header is unreadable */
  guint generation;
} SizeScan;

/* Refcounted (g_atomic_rc_box): each slice's task holds the scan. */
static void
size_scan_clear (SizeScan *scan)
{
  g_ptr_array_unref (scan->paths);
  g_array_unref (scan->sizes);
}

static void
size_scan_release (SizeScan *scan)
{
  g_atomic_rc_box_release_full (scan, (GDestroyNotify) size_scan_clear);
}

/* Reads one slice of headers on a pool worker. Slices are separate tasks, each started when
 * the last one is back, so the thumbnails of the cells on screen never wait for a whole
 * folder's headers. */
static void
size_scan_worker (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  SizeScan *scan = task_data;
  guint end = MIN (scan->paths->len, scan->sizes->len + SIZE_SCAN_SLICE);

  for (guint i = scan->sizes->len; i < end && !g_cancellable_is_cancelled (cancellable); i++)
    {
      g_auto (PpImageInfo) info = { 0 };
      int size[2] = { 0, 0 };

      if (pp_io_read_header (g_ptr_array_index (scan->paths, i), &info, NULL))
        {
          size[0] = info.width;
          size[1] = info.height;
        }
      g_array_append_vals (scan->sizes, size, 1);
    }
  if (!g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
}

static void size_scan_next (PpThumbnailGrid *self, SizeScan *scan);

static void
size_scan_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  PpThumbnailGrid *self = PP_THUMBNAIL_GRID (source);
  SizeScan *scan = g_task_get_task_data (G_TASK (result));

  g_assert (g_main_context_is_owner (NULL));

  if (!g_task_propagate_boolean (G_TASK (result), NULL) || scan->generation != self->generation)
    return;
  if (scan->sizes->len < scan->paths->len)
    {
      size_scan_next (self, scan);
      return;
    }
  for (guint i = 0; i < scan->sizes->len; i++)
    {
      g_autoptr (PpImageItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), i);
      const int *size = &g_array_index (scan->sizes, int, 2 * i);

      if (item != NULL && size[0] > 0)
        pp_image_item_set_size (item, size[0], size[1]);
    }
  self->sizes_known = TRUE;
  _pp_thumbnail_grid_notify (self, PROP_SIZES_KNOWN);
}

static void
size_scan_next (PpThumbnailGrid *self,
                SizeScan        *scan)
{
  GTask *task = g_task_new (self, self->cancellable, size_scan_done, NULL);

  g_task_set_task_data (task, g_atomic_rc_box_acquire (scan), (GDestroyNotify) size_scan_release);
  pp_scheduler_run_task (task, size_scan_worker);
  g_object_unref (task);
}

static void
start_size_scan (PpThumbnailGrid *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->store));
  SizeScan *scan = g_atomic_rc_box_new0 (SizeScan);

  scan->paths = g_ptr_array_new_with_free_func (g_free);
  scan->sizes = g_array_sized_new (FALSE, FALSE, 2 * sizeof (int), n);
  scan->generation = self->generation;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (PpImageItem) item = g_list_model_get_item (G_LIST_MODEL (self->store), i);
      char *path = g_file_get_path (pp_image_item_get_file (item));

      g_ptr_array_add (scan->paths, path ? path : g_strdup (""));
    }
  size_scan_next (self, scan);
  size_scan_release (scan);
}

static void
splice_pending (PpThumbnailGrid *self)
{
  /* One splice, sorted like Files sorts names: the grid shows the folder in a stable order. */
  g_ptr_array_sort (self->pending, pp_image_item_compare);
  g_list_store_splice (self->store, 0, 0, self->pending->pdata, self->pending->len);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  set_loading (self, FALSE);
  _pp_thumbnail_grid_notify (self, PROP_N_ITEMS);
  _pp_thumbnail_grid_notify (self, PROP_N_OTHER_FILES);
  if (g_list_model_get_n_items (G_LIST_MODEL (self->store)) > 0)
    {
      gtk_single_selection_set_selected (self->selection, 0);
      start_size_scan (self);
    }
  else
    {
      self->sizes_known = TRUE;
      _pp_thumbnail_grid_notify (self, PROP_SIZES_KNOWN);
    }
}

/* Files whose extension says nothing: the batch sniffs their content, and so must the grid,
 * or a file the batch processes (and counts) would be missing here. On the pool. */
static void
sniff_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GPtrArray *files = task_data; /* of GFile */
  GArray *supported = g_array_sized_new (FALSE, TRUE, sizeof (gboolean), files->len);

  for (guint i = 0; i < files->len; i++)
    {
      GFile *file = g_ptr_array_index (files, i);
      g_autofree char *path = g_file_get_path (file);
      g_autoptr (GFileInfo) info = g_file_query_info (file,
                                                      G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE,
                                                      G_FILE_QUERY_INFO_NONE, NULL, NULL);
      gboolean ok = path != NULL && info != NULL &&
                    pp_io_is_supported (path, g_file_info_get_content_type (info));

      g_array_append_val (supported, ok);
    }
  g_task_return_pointer (task, supported, (GDestroyNotify) g_array_unref);
}

static void
sniff_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  PpThumbnailGrid *self = PP_THUMBNAIL_GRID (source);
  GPtrArray *files = g_task_get_task_data (G_TASK (result));
  g_autoptr (GArray) supported = g_task_propagate_pointer (G_TASK (result), NULL);

  g_assert (g_main_context_is_owner (NULL));

  if (supported == NULL || self->pending == NULL ||
      GPOINTER_TO_UINT (user_data) != self->generation)
    return;
  for (guint i = 0; i < files->len; i++)
    if (g_array_index (supported, gboolean, i))
      g_ptr_array_add (self->pending, pp_image_item_new (g_ptr_array_index (files, i), NULL));
    else
      self->n_other_files++;
  splice_pending (self);
}

static void
finish_loading (PpThumbnailGrid *self)
{
  GTask *task;

  if (self->unknown == NULL || self->unknown->len == 0)
    {
      g_clear_pointer (&self->unknown, g_ptr_array_unref);
      splice_pending (self);
      return;
    }
  task = g_task_new (self, self->cancellable, sniff_done, GUINT_TO_POINTER (self->generation));
  g_task_set_task_data (task, g_steal_pointer (&self->unknown), (GDestroyNotify) g_ptr_array_unref);
  pp_scheduler_run_task (task, sniff_worker);
  g_object_unref (task);
}

static void
add_pending (PpThumbnailGrid *self,
             GFile           *file,
             const char      *display_name)
{
  g_ptr_array_add (self->pending, pp_image_item_new (file, display_name));
}

/* The batch's rule (core/batch/pp-batch-listing.c), so the grid lists exactly the files a batch
 * counts: no hidden files, regular files only, an image extension Parapix reads, or else the
 * content (sniffed later, off the main thread). Empty files are listed: they fail, visibly. */
static void
add_entry (PpThumbnailGrid *self,
           GFileEnumerator *enumerator,
           GFileInfo       *info)
{
  const char *name = g_file_info_get_name (info);
  g_autoptr (GFile) file = NULL;
  g_autofree char *path = NULL;

  if (name[0] == '.' || g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    return;
  file = g_file_enumerator_get_child (enumerator, info);
  path = g_file_get_path (file);
  if (path != NULL && pp_io_is_supported (path, NULL))
    add_pending (self, file, g_file_info_get_display_name (info));
  else
    {
      if (self->unknown == NULL)
        self->unknown = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (self->unknown, g_steal_pointer (&file));
    }
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

  g_assert (g_main_context_is_owner (NULL));

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
    add_entry (self, enumerator, l->data);
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

  g_assert (g_main_context_is_owner (NULL));

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
  _pp_thumbnail_grid_notify (self, PROP_N_ITEMS);
  g_file_enumerate_children_async (folder,
                                   G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                   G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME ","
                                   G_FILE_ATTRIBUTE_STANDARD_TYPE,
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

