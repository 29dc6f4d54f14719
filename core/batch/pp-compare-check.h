/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpCompareCheck: the one policy that says whether two runs of the same batch agree, used by
 * compare (serial against parallel) and by every point of a sweep. Two runs are identical when
 * every input had the same outcome in both (a file that fails in one run only is a difference)
 * and every output written by both holds the same bytes. Made from two finished runs on the main
 * thread (PpRun is main-thread only); the byte comparison then runs on any thread.
 */
#pragma once

#include <gio/gio.h>

#include "batch/pp-run.h"

G_BEGIN_DECLS

typedef enum
{
  PP_COMPARE_CHECK_DEFAULT = 0,
  /* The candidate wrote into a folder that already held outputs with the "skip" collision
   * policy: a file it skipped there while the reference processed it is not compared, rather
   * than a difference (it says nothing about serial against parallel). */
  PP_COMPARE_CHECK_ALLOW_EXISTING_SKIPS = 1 << 0,
} PpCompareCheckFlags;

typedef struct _PpCompareCheck PpCompareCheck;

PpCompareCheck     *pp_compare_check_new              (PpRun               *reference,
                                                       PpRun               *candidate,
                                                       PpCompareCheckFlags  flags);
void                pp_compare_check_free             (PpCompareCheck      *check);

gboolean            pp_compare_check_run              (PpCompareCheck      *check,
                                                       GCancellable        *cancellable,
                                                       GError             **error);
void                pp_compare_check_run_async        (PpCompareCheck      *check,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean            pp_compare_check_run_finish       (GAsyncResult        *result,
                                                       GError             **error);

gboolean            pp_compare_check_get_identical    (PpCompareCheck      *check);
guint               pp_compare_check_get_n_files      (PpCompareCheck      *check);
guint               pp_compare_check_get_n_compared   (PpCompareCheck      *check);
guint               pp_compare_check_get_n_not_compared (PpCompareCheck    *check);
guint               pp_compare_check_get_n_differences (PpCompareCheck     *check);
const char * const *pp_compare_check_get_differences  (PpCompareCheck      *check);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpCompareCheck, pp_compare_check_free)

G_END_DECLS
