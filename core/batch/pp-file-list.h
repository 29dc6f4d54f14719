/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * An input list for --files-from FILE|-: paths one per line (or separated by NUL bytes, as
 * `find -print0` writes them), relative ones taken from a base folder, sorted and without
 * duplicates, so every machine that reads the same list deals the same shards whatever order
 * the list came in.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

GStrv        pp_file_list_parse       (const char    *data,
                                       gsize          length,
                                       const char    *base_dir,
                                       guint         *n_duplicates);
GStrv        pp_file_list_read        (GInputStream  *stream,
                                       const char    *base_dir,
                                       guint         *n_duplicates,
                                       GCancellable  *cancellable,
                                       GError       **error);
GStrv        pp_file_list_read_path   (const char    *path,
                                       const char    *base_dir,
                                       guint         *n_duplicates,
                                       GCancellable  *cancellable,
                                       GError       **error);

G_END_DECLS
