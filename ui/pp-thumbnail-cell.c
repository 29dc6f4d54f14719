/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpThumbnailCell follows its PpImageItem: a grey placeholder while the thumbnail loads, the
 * picture once it arrives, or a broken-file tile ("Can't Open" and an icon, the reason in the
 * tooltip) when the file cannot be read. The cell's accessible name says the same in words
 * ("leaf.jpg", "broken.jpg, cannot be opened: the file is empty", "park.jpg, loading"); GTK
 * 4.8's list item widget, the node a screen reader lands on, gets the same name.
 */
#define G_LOG_DOMAIN "pp-thumbnail-cell"

#include "config.h"

#include "pp-thumbnail-cell.h"
#include "pp-ui-util.h"

struct _PpThumbnailCell
{
  GtkWidget parent_instance;

  GtkStack *stack;
  GtkPicture *picture;
  GtkLabel *name_label;
  PpImageItem *item;
};

G_DEFINE_FINAL_TYPE (PpThumbnailCell, pp_thumbnail_cell, GTK_TYPE_WIDGET)

/**
 * pp_thumbnail_cell_describe:
 *
 * Returns: (transfer full): what a cell showing @item says: its name and, unless it is simply
 *   there, its state in words
 */
char *
pp_thumbnail_cell_describe (PpImageItem *item)
{
  const char *error = pp_image_item_get_error (item);

  if (error != NULL)
    {
      g_autofree char *reason = pp_ui_reason_for_people (error);

      return g_strdup_printf ("%s, cannot be opened: %s", pp_image_item_get_name (item), reason);
    }
  if (pp_image_item_get_thumbnail (item) == NULL)
    return g_strdup_printf ("%s, loading", pp_image_item_get_name (item));
  return g_strdup (pp_image_item_get_name (item));
}

static void
update (PpThumbnailCell *self)
{
  PpImageItem *item = self->item;
  const char *error;
  g_autofree char *description = NULL;
  GtkWidget *list_item_widget;

  if (item == NULL)
    return;
  error = pp_image_item_get_error (item);
  description = pp_thumbnail_cell_describe (item);
  gtk_label_set_label (self->name_label, pp_image_item_get_name (item));
  gtk_picture_set_paintable (self->picture, pp_image_item_get_thumbnail (item));
  if (error != NULL)
    {
      g_autofree char *reason = pp_ui_reason_for_people (error);
      g_autofree char *tooltip = g_strdup_printf ("%s\n%s", pp_image_item_get_name (item), reason);

      gtk_stack_set_visible_child_name (self->stack, "broken");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);
    }
  else
    {
      gtk_stack_set_visible_child_name (self->stack, pp_image_item_get_thumbnail (item)
                                                       ? "picture" : "loading");
      gtk_widget_set_tooltip_text (GTK_WIDGET (self), pp_image_item_get_name (item));
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  description, -1);
  /* The focusable node is the grid's own list item widget (GTK 4.8 has no API to name it):
   * name it too, or Orca reads "GtkListItemWidget". */
  list_item_widget = gtk_widget_get_parent (GTK_WIDGET (self));
  if (list_item_widget != NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (list_item_widget),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
}

static void
on_item_changed (PpThumbnailCell *self)
{
  update (self);
}

/**
 * pp_thumbnail_cell_set_item:
 * @item: (nullable): the item to show, or %NULL when the cell is unbound
 *
 * Main thread only.
 */
void
pp_thumbnail_cell_set_item (PpThumbnailCell *self,
                            PpImageItem     *item)
{
  g_return_if_fail (PP_IS_THUMBNAIL_CELL (self));

  if (self->item == item)
    return;
  if (self->item != NULL)
    g_signal_handlers_disconnect_by_func (self->item, on_item_changed, self);
  g_set_object (&self->item, item);
  if (item != NULL)
    {
      g_signal_connect_swapped (item, "notify::thumbnail", G_CALLBACK (on_item_changed), self);
      g_signal_connect_swapped (item, "notify::error", G_CALLBACK (on_item_changed), self);
    }
  update (self);
}

/**
 * pp_thumbnail_cell_get_item:
 *
 * Returns: (transfer none) (nullable): the item shown
 */
PpImageItem *
pp_thumbnail_cell_get_item (PpThumbnailCell *self)
{
  g_return_val_if_fail (PP_IS_THUMBNAIL_CELL (self), NULL);
  return self->item;
}

static void
pp_thumbnail_cell_dispose (GObject *object)
{
  PpThumbnailCell *self = PP_THUMBNAIL_CELL (object);
  GtkWidget *child;

  pp_thumbnail_cell_set_item (self, NULL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (pp_thumbnail_cell_parent_class)->dispose (object);
}

static void
pp_thumbnail_cell_class_init (PpThumbnailCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pp_thumbnail_cell_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "thumbnailcell");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static GtkWidget *
create_broken_tile (void)
{
  GtkWidget *tile = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *icon = gtk_image_new_from_icon_name ("image-missing-symbolic");
  GtkWidget *label = gtk_label_new ("Can’t Open");

  gtk_widget_add_css_class (tile, "broken-tile");
  gtk_widget_set_valign (tile, GTK_ALIGN_FILL);
  gtk_widget_set_vexpand (icon, TRUE);
  gtk_widget_set_valign (icon, GTK_ALIGN_END);
  gtk_image_set_pixel_size (GTK_IMAGE (icon), 32);
  gtk_widget_set_valign (label, GTK_ALIGN_START);
  gtk_widget_set_vexpand (label, TRUE);
  gtk_widget_add_css_class (label, "caption-heading");
  gtk_box_append (GTK_BOX (tile), icon);
  gtk_box_append (GTK_BOX (tile), label);
  return tile;
}

static void
pp_thumbnail_cell_init (PpThumbnailCell *self)
{
  GtkWidget *loading = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);
  gtk_widget_add_css_class (GTK_WIDGET (self), "thumbnail-cell");

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_size_request (GTK_WIDGET (self->stack), 128, 96);
  gtk_stack_set_transition_type (self->stack, GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  self->picture = GTK_PICTURE (gtk_picture_new ());
  gtk_picture_set_can_shrink (self->picture, TRUE);
  gtk_picture_set_content_fit (self->picture, GTK_CONTENT_FIT_CONTAIN);
  gtk_widget_add_css_class (GTK_WIDGET (self->picture), "thumbnail");
  gtk_widget_add_css_class (loading, "thumbnail-placeholder");
  gtk_stack_add_named (self->stack, loading, "loading");
  gtk_stack_add_named (self->stack, GTK_WIDGET (self->picture), "picture");
  gtk_stack_add_named (self->stack, create_broken_tile (), "broken");
  gtk_widget_set_parent (GTK_WIDGET (self->stack), GTK_WIDGET (self));

  self->name_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_ellipsize (self->name_label, PANGO_ELLIPSIZE_MIDDLE);
  gtk_label_set_max_width_chars (self->name_label, 14);
  gtk_widget_add_css_class (GTK_WIDGET (self->name_label), "caption");
  gtk_widget_set_parent (GTK_WIDGET (self->name_label), GTK_WIDGET (self));
}

/**
 * pp_thumbnail_cell_new:
 *
 * Returns: (transfer floating): an empty cell
 */
GtkWidget *
pp_thumbnail_cell_new (void)
{
  return g_object_new (PP_TYPE_THUMBNAIL_CELL, NULL);
}
