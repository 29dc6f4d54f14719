/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What pp-thumbnail-grid.c (the widget and its thumbnail workers) and pp-thumbnail-grid-list.c
 * (listing the folder) share.
 */
#pragma once

#include "pp-thumbnail-grid.h"

G_BEGIN_DECLS

struct _PpThumbnailGrid
{
  GtkWidget parent_instance;

  GtkGridView *grid_view;
  GtkScrolledWindow *scrolled_window;
  GtkSingleSelection *selection;

  GListStore *store;
  GCancellable *cancellable;
  GPtrArray *pending; /* enumerated, not yet in the store */
  GPtrArray *unknown; /* of GFile: no known extension, to sniff once listed */
  guint n_other_files; /* regular files that are not images Parapix reads */
  gboolean loading;
  gboolean sizes_known;
  guint generation;

  struct _ThumbShared *shared; /* with the decoding workers: pp-thumbnail-grid.c */
  guint n_thumbnails;
};

typedef enum
{
  PROP_0,
  PROP_SELECTED_ITEM,
  PROP_LOADING,
  PROP_N_ITEMS,
  PROP_N_THUMBNAILS,
  PROP_N_OTHER_FILES,
  PROP_SIZES_KNOWN,
  N_PROPS
} PpThumbnailGridProp;

/* pp-thumbnail-grid.c */
void _pp_thumbnail_grid_notify       (PpThumbnailGrid     *self,
                                      PpThumbnailGridProp  prop);
void _pp_thumbnail_grid_drop_pending (PpThumbnailGrid     *self);

G_END_DECLS
