/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Presets: named pipeline specs. A few are built in; the user's are one text file each under
 * $XDG_CONFIG_HOME/parapix/presets/, so they can be shared and edited by hand.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  const char *name;
  const char *spec;
} PpBuiltinPreset;

const PpBuiltinPreset *pp_presets_get_builtin (guint       *n_presets);
char                 **pp_presets_list_user   (void);
char                  *pp_presets_load        (const char  *name,
                                               GError     **error);
gboolean               pp_presets_save        (const char  *name,
                                               const char  *spec,
                                               GError     **error);
gboolean               pp_presets_rename      (const char  *name,
                                               const char  *new_name,
                                               GError     **error);
gboolean               pp_presets_delete      (const char  *name,
                                               GError     **error);
gboolean               pp_presets_is_builtin  (const char  *name);

G_END_DECLS
