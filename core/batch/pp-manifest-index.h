/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What earlier runs did, for --resume: every manifest of an output folder read into one index,
 * asked per input whether its last recorded result still stands (same input size and
 * modification time, same pipeline and settings, and the output still holds the bytes whose
 * SHA-256 was recorded), and which outputs earlier attempts wrote for it, so a redo replaces
 * them instead of writing "photo (1).jpg" beside them.
 */
#pragma once

#include <gio/gio.h>

#include "batch/pp-manifest.h"

G_BEGIN_DECLS

typedef enum
{
  PP_RESUME_NEW,               /* no earlier result: process it */
  PP_RESUME_DONE,              /* done by an earlier run and its output checks out: skip it */
  PP_RESUME_NOT_OK,            /* it failed, was skipped or cancelled last time: try again */
  PP_RESUME_INPUT_CHANGED,     /* its size or modification time changed: redo */
  PP_RESUME_SETTINGS_CHANGED,  /* the pipeline or the output settings changed: redo */
  PP_RESUME_OUTPUT_CHANGED,    /* the output is gone or holds other bytes: redo */
} PpResumeVerdict;

typedef struct _PpManifestIndex PpManifestIndex;

PpManifestIndex *pp_manifest_index_new           (void);
void             pp_manifest_index_free          (PpManifestIndex        *index);
void             pp_manifest_index_add           (PpManifestIndex        *index,
                                                  const PpManifestEntry  *entry);
gboolean         pp_manifest_index_add_file      (PpManifestIndex        *index,
                                                  const char             *path,
                                                  GError                **error);
gboolean         pp_manifest_index_load_folder   (PpManifestIndex        *index,
                                                  const char             *folder,
                                                  GError                **error);
guint            pp_manifest_index_get_n_inputs  (PpManifestIndex        *index);
guint            pp_manifest_index_get_n_bad_lines (PpManifestIndex      *index);
PpResumeVerdict  pp_manifest_index_check         (PpManifestIndex        *index,
                                                  const char             *input,
                                                  guint64                 input_size,
                                                  gint64                  input_mtime_ns,
                                                  const char             *pipeline,
                                                  const char             *settings,
                                                  GCancellable           *cancellable,
                                                  const PpManifestEntry **done);
gboolean         pp_manifest_index_owns_output   (PpManifestIndex        *index,
                                                  const char             *input,
                                                  const char             *output);
const char      *pp_resume_verdict_to_string     (PpResumeVerdict         verdict);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpManifestIndex, pp_manifest_index_free)

G_END_DECLS
