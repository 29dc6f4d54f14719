/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpImageItem: the model object behind one cell of the thumbnail grid. The thumbnail and the
 * error are properties, so a bound cell updates when the decoder's result arrives.
 */
#define G_LOG_DOMAIN "pp-image-item"

#include "config.h"

#include <string.h>

#include "pp-image-item.h"

struct _PpImageItem
{
  GObject parent_instance;

  GFile *file;
  char *name;
  char *sort_key; /* the name's collation key, as Files sorts names */
  GdkPaintable *thumbnail;
  char *error;
  PpThumbnailState state;
  int width;  /* as the header declares it; 0 until read */
  int height;
};

G_DEFINE_FINAL_TYPE (PpImageItem, pp_image_item, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_FILE,
  PROP_NAME,
  PROP_THUMBNAIL,
  PROP_ERROR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
pp_image_item_finalize (GObject *object)
{
  PpImageItem *self = PP_IMAGE_ITEM (object);

  g_clear_object (&self->file);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->sort_key, g_free);
  g_clear_object (&self->thumbnail);
  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (pp_image_item_parent_class)->finalize (object);
}

static void
pp_image_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PpImageItem *self = PP_IMAGE_ITEM (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_THUMBNAIL:
      g_value_set_object (value, self->thumbnail);
      break;
    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pp_image_item_class_init (PpImageItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pp_image_item_finalize;
  object_class->get_property = pp_image_item_get_property;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_THUMBNAIL] =
    g_param_spec_object ("thumbnail", NULL, NULL, GDK_TYPE_PAINTABLE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pp_image_item_init (PpImageItem *self)
{
}

PpImageItem *
pp_image_item_new (GFile      *file,
                   const char *display_name)
{
  PpImageItem *self;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = g_object_new (PP_TYPE_IMAGE_ITEM, NULL);
  self->file = g_object_ref (file);
  self->name = display_name ? g_strdup (display_name) : g_file_get_basename (file);
  self->sort_key = g_utf8_collate_key_for_filename (self->name, -1);
  return self;
}

/**
 * pp_image_item_compare:
 *
 * Orders two items as Files orders their names ("img2" before "img10"), for g_ptr_array_sort()
 * and friends: @a and @b point to PpImageItem pointers.
 *
 * Returns: <0, 0 or >0
 */
int
pp_image_item_compare (gconstpointer a,
                       gconstpointer b)
{
  const PpImageItem *ia = *(PpImageItem *const *) a;
  const PpImageItem *ib = *(PpImageItem *const *) b;

  return strcmp (ia->sort_key, ib->sort_key);
}

GFile *
pp_image_item_get_file (PpImageItem *self)
{
  g_return_val_if_fail (PP_IS_IMAGE_ITEM (self), NULL);
  return self->file;
}

const char *
pp_image_item_get_name (PpImageItem *self)
{
  g_return_val_if_fail (PP_IS_IMAGE_ITEM (self), NULL);
  return self->name;
}

GdkPaintable *
pp_image_item_get_thumbnail (PpImageItem *self)
{
  g_return_val_if_fail (PP_IS_IMAGE_ITEM (self), NULL);
  return self->thumbnail;
}

const char *
pp_image_item_get_error (PpImageItem *self)
{
  g_return_val_if_fail (PP_IS_IMAGE_ITEM (self), NULL);
  return self->error;
}

PpThumbnailState
pp_image_item_get_state (PpImageItem *self)
{
  g_return_val_if_fail (PP_IS_IMAGE_ITEM (self), PP_THUMBNAIL_NONE);
  return self->state;
}

void
pp_image_item_set_state (PpImageItem      *self,
                         PpThumbnailState  state)
{
  g_return_if_fail (PP_IS_IMAGE_ITEM (self));
  self->state = state;
}

void
pp_image_item_set_thumbnail (PpImageItem  *self,
                             GdkPaintable *thumbnail)
{
  g_return_if_fail (PP_IS_IMAGE_ITEM (self));

  self->state = PP_THUMBNAIL_READY;
  if (g_set_object (&self->thumbnail, thumbnail))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THUMBNAIL]);
}

void
pp_image_item_set_error (PpImageItem *self,
                         const char  *message)
{
  g_return_if_fail (PP_IS_IMAGE_ITEM (self));

  self->state = PP_THUMBNAIL_FAILED;
  if (g_strcmp0 (self->error, message) == 0)
    return;
  g_free (self->error);
  self->error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

/**
 * pp_image_item_set_size:
 * @width: in pixels, as the file's header declares it (before EXIF orientation)
 *
 * Main thread only.
 */
void
pp_image_item_set_size (PpImageItem *self,
                        int          width,
                        int          height)
{
  g_return_if_fail (PP_IS_IMAGE_ITEM (self));
  self->width = width;
  self->height = height;
}

/**
 * pp_image_item_get_size:
 * @width: (out): in pixels, 0 while unknown
 * @height: (out): in pixels, 0 while unknown
 */
void
pp_image_item_get_size (PpImageItem *self,
                        int         *width,
                        int         *height)
{
  g_return_if_fail (PP_IS_IMAGE_ITEM (self));
  *width = self->width;
  *height = self->height;
}
