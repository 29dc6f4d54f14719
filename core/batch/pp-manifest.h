/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Manifests: JSON lines, one per file, saying what was made from what (input path, size and
 * modification time, pipeline and settings, output path, size and SHA-256). A batch run with
 * --resume keeps one per shard next to its outputs and decides from it what is already done;
 * --manifest FILE writes the same lines wherever the user wants them. Lines are appended whole,
 * one write(2) each, as files finish, so a reader that takes complete lines never sees half a
 * record, and a crash loses at most the line being written.
 */
#pragma once

#include <gio/gio.h>

#include "batch/pp-file-result.h"

G_BEGIN_DECLS

#define PP_MANIFEST_ERROR (pp_manifest_error_quark ())

typedef enum
{
  PP_MANIFEST_ERROR_PARSE,   /* a line is not a manifest record */
  PP_MANIFEST_ERROR_IO,      /* the manifest (or a checksummed file) cannot be read or written */
} PpManifestError;

/* Manifest files of per-run manifests start with this; they are hidden, so never listed as
 * inputs when the output folder is the input folder. */
#define PP_MANIFEST_PREFIX ".parapix.manifest"

typedef enum
{
  PP_MANIFEST_EVENT_PLANNED,  /* the run is about to write @output for @input */
  PP_MANIFEST_EVENT_DONE,     /* the file finished with @status */
} PpManifestEvent;

typedef struct
{
  PpManifestEvent event;
  guint index;             /* position in the batch's whole sorted list */
  char *input;             /* absolute path (bytes; not necessarily UTF-8) */
  guint64 input_size;      /* bytes, as stat(2) saw them before the file was read */
  gint64 input_mtime_ns;   /* modification time, ns since the Unix epoch */
  char *pipeline;          /* canonical pipeline spec */
  char *settings;          /* the other options that shape the output bytes or name */
  char *output;            /* (nullable) absolute path */
  PpFileStatus status;     /* DONE only */
  char *reason;            /* (nullable) why it failed or was skipped */
  guint64 output_size;     /* DONE and ok only */
  char *sha256;            /* (nullable) lowercase hex SHA-256 of the output, DONE and ok only */
  gboolean resumed;        /* DONE only: done by an earlier run; this run only lists it */
  char *shard;             /* (nullable) "K/N" */
  char *host;              /* (nullable) the machine */
  char *time;              /* (nullable) ISO 8601, UTC: when the line was written */
} PpManifestEntry;

GQuark       pp_manifest_error_quark     (void);

PpManifestEntry *pp_manifest_entry_new  (void);
void         pp_manifest_entry_free      (PpManifestEntry       *entry);
void         pp_manifest_entry_clear     (PpManifestEntry       *entry);
void         pp_manifest_entry_copy      (const PpManifestEntry *src,
                                          PpManifestEntry       *dst);
char        *pp_manifest_entry_to_line   (const PpManifestEntry *entry);
gboolean     pp_manifest_entry_parse     (const char            *line,
                                          gssize                 length,
                                          PpManifestEntry       *entry,
                                          GError               **error);

char        *pp_manifest_file_name       (guint                  shard_index,
                                          guint                  shard_count);
char        *pp_manifest_checksum_file   (const char            *path,
                                          guint64               *size,
                                          GCancellable          *cancellable,
                                          GError               **error);
GPtrArray   *pp_manifest_read_file       (const char            *path,
                                          guint                 *n_bad_lines,
                                          GError               **error);
gboolean     pp_manifest_compact         (const char            *path,
                                          GError               **error);

typedef struct _PpManifestWriter PpManifestWriter;

PpManifestWriter *pp_manifest_writer_open   (const char            *path,
                                             gboolean               truncate,
                                             GError               **error);
gboolean          pp_manifest_writer_append (PpManifestWriter      *writer,
                                             const PpManifestEntry *entry,
                                             GError               **error);
const char       *pp_manifest_writer_get_path (PpManifestWriter    *writer);
void              pp_manifest_writer_close  (PpManifestWriter      *writer);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PpManifestEntry, pp_manifest_entry_clear)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpManifestEntry, pp_manifest_entry_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpManifestWriter, pp_manifest_writer_close)

G_END_DECLS
