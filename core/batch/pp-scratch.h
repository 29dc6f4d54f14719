/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Scratch folders for the compare and sweep engines: made and removed on a pool worker, never on
 * the main thread (a tree of hundreds of outputs takes a while to delete, longer on a network
 * file system), and removal never follows a symbolic link out of the tree.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

char        *pp_scratch_make             (const char          *parent,
                                          const char          *prefix,
                                          GError             **error);
gboolean     pp_scratch_remove_tree      (const char          *path,
                                          GError             **error);

void         pp_scratch_make_async       (const char          *parent,
                                          const char          *prefix,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
char        *pp_scratch_make_finish      (GAsyncResult        *result,
                                          GError             **error);
void         pp_scratch_remove_async     (const char          *path,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
gboolean     pp_scratch_remove_finish    (GAsyncResult        *result,
                                          GError             **error);

char        *pp_scratch_default_parent   (void);

G_END_DECLS
