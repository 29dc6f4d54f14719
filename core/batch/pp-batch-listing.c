/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Listing a batch, on a GIO worker thread before any file is processed: list the input folder
 * (sorted bytewise so every machine agrees on --shard; hidden files, FIFOs, non-images, the
 * output folder and symlink loops skipped), deal the shard, and decide every output name and
 * collision in input order. Deciding names up front is what makes serial and parallel runs
 * write the same files under the same names.
 */
#define G_LOG_DOMAIN "pp-batch"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "batch/pp-batch-journal.h"
#include "batch/pp-batch-private.h"

void
_pp_batch_config_free (PpBatchConfig *config)
{
  g_free (config->input_dir);
  g_strfreev (config->files);
  g_free (config->output_dir);
  g_free (config->name_template);
  g_free (config->manifest);
  g_strfreev (config->excluded);
  g_clear_object (&config->pipeline);
  g_free (config);
}

/* ------------------------------------------------------------------------------------------ */
/* Listing (on a GIO worker thread) */

typedef struct
{
  PpBatchInput input;
  guint64 dev;
  guint64 ino;
  gint64 mtime;
  gboolean missing;   /* an explicit file that could not be read */
  char *error;
} Entry;

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_free (entry->input.path);
  g_free (entry->input.relative);
  g_free (entry->error);
  g_free (entry);
}

typedef struct
{
  guint64 dev;
  guint64 ino;
} FileId;

static guint
file_id_hash (gconstpointer p)
{
  const FileId *id = p;

  return (guint) (id->ino ^ (id->ino >> 32) ^ (id->dev * 31));
}

static gboolean
file_id_equal (gconstpointer a,
               gconstpointer b)
{
  const FileId *x = a, *y = b;

  return x->dev == y->dev && x->ino == y->ino;
}

static FileId *
file_id_new (guint64 dev,
             guint64 ino)
{
  FileId *id = g_new (FileId, 1);

  id->dev = dev;
  id->ino = ino;
  return id;
}

static gboolean
stat_id (const char *path,
         FileId     *id)
{
  struct stat st;

  if (g_stat (path, &st) != 0)
    return FALSE;
  id->dev = st.st_dev;
  id->ino = st.st_ino;
  return TRUE;
}

typedef struct
{
  const PpBatchConfig *config;
  GPtrArray *entries;      /* of Entry */
  GHashTable *visited;     /* FileId of folders, against symlink loops */
  GHashTable *skipped_dirs;  /* FileId: the output folder and the excluded ones */
  guint n_ignored;
} Lister;

#define LIST_ATTRIBUTES                                                                        \
  G_FILE_ATTRIBUTE_STANDARD_NAME "," G_FILE_ATTRIBUTE_STANDARD_TYPE ","                      \
  G_FILE_ATTRIBUTE_UNIX_DEVICE "," G_FILE_ATTRIBUTE_UNIX_INODE ","                           \
  G_FILE_ATTRIBUTE_TIME_MODIFIED

static gboolean
list_folder (Lister       *lister,
             GFile        *folder,
             const char   *relative,
             GCancellable *cancellable,
             GError      **error)
{
  g_autoptr (GFileEnumerator) children = NULL;
  g_autoptr (GFileInfo) self_info = NULL;
  GFileInfo *info;
  FileId id;

  self_info = g_file_query_info (folder, G_FILE_ATTRIBUTE_UNIX_DEVICE ","
                                 G_FILE_ATTRIBUTE_UNIX_INODE, G_FILE_QUERY_INFO_NONE,
                                 cancellable, error);
  if (self_info == NULL)
    return FALSE;
  id.dev = g_file_info_get_attribute_uint32 (self_info, G_FILE_ATTRIBUTE_UNIX_DEVICE);
  id.ino = g_file_info_get_attribute_uint64 (self_info, G_FILE_ATTRIBUTE_UNIX_INODE);
  if (g_hash_table_contains (lister->visited, &id))
    return TRUE;
  g_hash_table_add (lister->visited, file_id_new (id.dev, id.ino));

  children = g_file_enumerate_children (folder, LIST_ATTRIBUTES, G_FILE_QUERY_INFO_NONE,
                                        cancellable, error);
  if (children == NULL)
    return FALSE;
  while (g_file_enumerator_iterate (children, &info, NULL, cancellable, error))
    {
      const char *name;
      g_autofree char *child_relative = NULL;
      g_autoptr (GFile) child = NULL;
      GFileType type;
      FileId child_id;

      if (info == NULL)
        return TRUE;
      name = g_file_info_get_name (info);
      /* Hidden files, our own temporaries (".parapix-*.tmp") among them. */
      if (name[0] == '.')
        continue;
      child = g_file_get_child (folder, name);
      child_relative = relative != NULL ? g_build_filename (relative, name, NULL) : g_strdup (name);
      type = g_file_info_get_file_type (info);
      child_id.dev = g_file_info_get_attribute_uint32 (info, G_FILE_ATTRIBUTE_UNIX_DEVICE);
      child_id.ino = g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_UNIX_INODE);

      if (type == G_FILE_TYPE_DIRECTORY)
        {
          if (g_hash_table_contains (lister->skipped_dirs, &child_id))
            continue;
          if (lister->config->recursive
              && !list_folder (lister, child, child_relative, cancellable, error))
            {
              /* An unreadable sub-folder is not worth stopping the batch for. */
              if (g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
                return FALSE;
              g_clear_error (error);
              lister->n_ignored++;
            }
          continue;
        }
      if (type != G_FILE_TYPE_REGULAR)
        {
          lister->n_ignored++; /* FIFOs, sockets, devices, dangling links */
          continue;
        }
      {
        g_autofree char *path = g_file_get_path (child);
        gboolean supported = pp_io_is_supported (path, NULL);
        Entry *entry;

        if (!supported)
          {
            /* No known extension: sniff the content, as a file manager would. */
            g_autoptr (GFileInfo) sniffed =
              g_file_query_info (child, G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE,
                                 G_FILE_QUERY_INFO_NONE, cancellable, NULL);

            supported = sniffed != NULL
              && pp_io_is_supported (path, g_file_info_get_content_type (sniffed));
          }
        if (!supported)
          {
            lister->n_ignored++;
            continue;
          }
        entry = g_new0 (Entry, 1);
        entry->input.path = g_steal_pointer (&path);
        entry->input.relative = g_steal_pointer (&child_relative);
        entry->dev = child_id.dev;
        entry->ino = child_id.ino;
        entry->mtime = g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED);
        g_ptr_array_add (lister->entries, entry);
      }
    }
  return FALSE;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const Entry *x = *(Entry **) a;
  const Entry *y = *(Entry **) b;
  int c = strcmp (x->input.relative, y->input.relative);

  /* Explicit lists may name two files with the same basename: keep their given order. */
  return c != 0 ? c : (x < y ? -1 : x > y);
}

/* Every candidate input, sorted (bytewise, so every machine agrees for --shard). */
static GPtrArray *
list_entries (const PpBatchConfig  *config,
              guint                *n_ignored,
              GCancellable         *cancellable,
              GError              **error)
{
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func (entry_free);
  g_autoptr (GHashTable) visited = g_hash_table_new_full (file_id_hash, file_id_equal, g_free,
                                                          NULL);
  g_autoptr (GHashTable) skipped_dirs = g_hash_table_new_full (file_id_hash, file_id_equal,
                                                               g_free, NULL);
  Lister lister = { config, entries, visited, skipped_dirs, 0 };
  FileId id;

  if (stat_id (config->output_dir, &id))
    g_hash_table_add (skipped_dirs, file_id_new (id.dev, id.ino));
  for (guint i = 0; config->excluded != NULL && config->excluded[i] != NULL; i++)
    if (stat_id (config->excluded[i], &id))
      g_hash_table_add (skipped_dirs, file_id_new (id.dev, id.ino));
  if (config->files != NULL)
    {
      for (guint i = 0; config->files[i] != NULL; i++)
        {
          Entry *entry = g_new0 (Entry, 1);
          struct stat st;

          entry->input.path = g_strdup (config->files[i]);
          /* A list given with an input folder (--files-from with --batch DIR) keeps the
           * sub-folders of the files inside it, as --recursive would. */
          if (config->input_dir != NULL && g_str_has_prefix (config->files[i], config->input_dir)
              && config->files[i][strlen (config->input_dir)] == G_DIR_SEPARATOR
              && !g_str_equal (config->input_dir, "/"))
            entry->input.relative = g_strdup (config->files[i] + strlen (config->input_dir) + 1);
          else
            entry->input.relative = g_path_get_basename (config->files[i]);
          if (g_stat (config->files[i], &st) != 0)
            {
              int saved = errno;

              entry->missing = TRUE;
              entry->error = g_strdup_printf ("Cannot read the file: %s", g_strerror (saved));
            }
          else if (!S_ISREG (st.st_mode))
            {
              entry->missing = TRUE;
              entry->error = g_strdup ("Not a regular file");
            }
          else
            {
              entry->dev = st.st_dev;
              entry->ino = st.st_ino;
              entry->mtime = st.st_mtime;
            }
          g_ptr_array_add (entries, entry);
        }
      /* Processed in the order given: the caller chose it. */
      *n_ignored = 0;
      return g_steal_pointer (&entries);
    }
  else
    {
      g_autoptr (GFile) folder = g_file_new_for_path (config->input_dir);
      g_autoptr (GError) local_error = NULL;

      if (!list_folder (&lister, folder, NULL, cancellable, &local_error))
        {
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            g_set_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_NO_INPUT,
                         "Cannot read the input folder “%s”: %s", config->input_dir,
                         local_error->message);
          return NULL;
        }
    }
  g_ptr_array_sort (entries, compare_entries);
  *n_ignored = lister.n_ignored;
  return g_steal_pointer (&entries);
}

static void
batch_file_free (gpointer data)
{
  PpBatchFile *file = data;

  g_free (file->input);
  g_free (file->display);
  g_free (file->output);
  g_free (file->reason);
  g_free (file->note);
  g_free (file->sha256);
  g_free (file);
}

static char *
with_counter (const char *path,
              guint       k)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *numbered = NULL;
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    {
      *dot = '\0';
      numbered = g_strdup_printf ("%s (%u).%s", base, k, dot + 1);
    }
  else
    numbered = g_strdup_printf ("%s (%u)", base, k);
  return g_build_filename (dir, numbered, NULL);
}

static gboolean
input_ids_contain (GHashTable *ids,
                   const char *path,
                   FileId     *id_out)
{
  struct stat st;
  FileId id;

  if (g_lstat (path, &st) != 0)
    return FALSE;
  /* A symlink in the output folder that points to an input counts too. */
  if (S_ISLNK (st.st_mode) && g_stat (path, &st) != 0)
    return FALSE;
  id.dev = st.st_dev;
  id.ino = st.st_ino;
  if (id_out != NULL)
    *id_out = id;
  return g_hash_table_contains (ids, &id);
}

/* Where the template puts @entry's output (before any collision is settled), and in which
 * format; @note_out gets a note when the input's format cannot be written. */
static char *
desired_output (const PpBatchConfig *config,
                const Entry         *entry,
                guint                index,
                PpFormat            *format_out,
                char               **note_out)
{
  g_autofree char *base = g_path_get_basename (entry->input.relative);
  g_autofree char *reldir = g_path_get_dirname (entry->input.relative);
  g_autofree char *stem = NULL;
  g_autofree char *ext = NULL;
  g_autofree char *name = NULL;
  g_auto (PpNameFields) fields = { 0 };
  const char *dot = strrchr (base, '.');
  gboolean by_content = FALSE;
  gboolean fell_back = FALSE;

  stem = dot != NULL && dot != base ? g_strndup (base, dot - base) : g_strdup (base);
  if (config->format == PP_FORMAT_SAME)
    {
      *format_out = pp_format_for_input (entry->input.path, &by_content, &fell_back);
      if (fell_back)
        {
          ext = g_strdup ("png");
          if (note_out != NULL)
            *note_out = g_strdup ("this format cannot be written: saved as PNG");
        }
      else if (by_content)
        /* No extension (or none of a format) said it: the content did, so the name says it. */
        ext = g_strdup (pp_format_get_extension (*format_out));
      else
        /* Keep the input's own spelling (.jpeg stays .jpeg). */
        ext = g_strdup (dot + 1);
    }
  else
    {
      *format_out = config->format;
      ext = g_strdup (pp_format_get_extension (config->format));
    }
  fields.name = stem;
  fields.ext = ext;
  fields.n = index + 1;
  _pp_batch_name_fields_read (config, entry->input.path, entry->mtime, &fields);
  name = _pp_batch_expand_template (config->name_template, &fields, NULL);
  g_assert (name != NULL); /* validated when the run started */

  return g_str_equal (reldir, ".") ? g_build_filename (config->output_dir, name, NULL)
                                   : g_build_filename (config->output_dir, reldir, name, NULL);
}

/* "dir/NAME (k).EXT" -> "dir/NAME.EXT", undoing with_counter(); NULL for any other name. */
static char *
without_counter (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  char *dot = strrchr (base, '.');
  char *end = dot != NULL && dot != base ? dot : base + strlen (base);
  char *open;
  g_autofree char *plain = NULL;

  if (end - base < 4 || end[-1] != ')')
    return NULL;
  open = g_strrstr_len (base, end - base, " (");
  if (open == NULL || open == base || open + 2 == end - 1)
    return NULL;
  for (char *p = open + 2; p < end - 1; p++)
    if (!g_ascii_isdigit (*p))
      return NULL;
  plain = g_strdup_printf ("%.*s%s", (int) (open - base), base, end);
  return g_build_filename (dir, plain, NULL);
}

/* With the output folder the input folder (--in-place), the outputs of earlier runs are
 * inputs too: an input that is another input's output name (or a numbered variant of one,
 * from --on-collision rename) was written by Parapix and is not processed again; otherwise
 * every run would add a generation (3 files, then 6, then 12). Returns the input it was made
 * from, or NULL. */
static const char *
earlier_output_of (const Entry *entry,
                   GHashTable  *desired_by_output)
{
  const char *made_from = g_hash_table_lookup (desired_by_output, entry->input.path);
  g_autofree char *plain = NULL;

  if (made_from != NULL)
    return made_from;
  plain = without_counter (entry->input.path);
  return plain != NULL ? g_hash_table_lookup (desired_by_output, plain) : NULL;
}

static void
skip_file (PpBatchFile *file,
           char        *reason)
{
  file->decided = TRUE;
  file->pre_status = PP_FILE_STATUS_SKIPPED;
  file->reason = reason;
}

static void
next_candidate (char      **candidate,
                const char *desired,
                guint       k)
{
  g_free (*candidate);
  *candidate = with_counter (desired, k);
}

/* The collision policy for @desired: it, or "name (k).ext" for the first free k, or overwrite,
 * or skip (@file decided; the name is still returned, and claimed). Never an output this batch
 * already claimed, never an input (unless in-place, and then only the file's own input). With
 * @name_only (a file of another shard) only the batch's own claims count, not the output
 * folder: every shard then names every file as one run over the whole list would, whatever the
 * other shards have written so far. An existing output that an earlier attempt of this batch
 * wrote for this very input (@journal, with --resume) is replaced rather than renamed around.
 * An earlier run's output among the inputs (in @desired_by_output, in-place runs) is not an
 * input to protect: it is replaced or renamed around like any existing output. */
static char *
resolve_collision (const PpBatchConfig *config,
                   const Entry         *entry,
                   PpBatchFile         *file,
                   const char          *desired,
                   GHashTable          *claimed,
                   GHashTable          *input_ids,
                   PpBatchJournal      *journal,
                   gboolean             name_only,
                   GHashTable          *desired_by_output)
{
  g_autofree char *candidate = g_strdup (desired);

  for (guint k = 1;; k++)
    {
      FileId existing;
      gboolean exists;

      if (g_hash_table_contains (claimed, candidate))
        {
          if (config->collision == PP_COLLISION_SKIP)
            {
              skip_file (file, g_strdup_printf ("another input of this batch is also written "
                                                "to “%s”", candidate));
              break;
            }
          /* Even with overwrite, never replace what this batch itself wrote. */
          next_candidate (&candidate, desired, k);
          continue;
        }
      exists = !name_only && (g_file_test (candidate, G_FILE_TEST_EXISTS)
                              || g_file_test (candidate, G_FILE_TEST_IS_SYMLINK));
      if (exists && input_ids_contain (input_ids, candidate, &existing)
          && !(desired_by_output != NULL
               && g_hash_table_contains (desired_by_output, candidate)))
        {
          if (config->in_place && existing.dev == entry->dev && existing.ino == entry->ino)
            file->overwrite = TRUE;
          else if (config->collision == PP_COLLISION_RENAME)
            {
              next_candidate (&candidate, desired, k);
              continue;
            }
          else
            skip_file (file, g_strdup_printf ("the output “%s” is an input file; inputs are "
                                              "never replaced (unless --in-place)", candidate));
          break;
        }
      if (exists && _pp_batch_journal_owns (journal, entry->input.path, candidate))
        file->overwrite = TRUE;
      else if (exists && config->collision == PP_COLLISION_RENAME)
        {
          next_candidate (&candidate, desired, k);
          continue;
        }
      else if (exists && config->collision == PP_COLLISION_SKIP)
        skip_file (file, g_strdup_printf ("“%s” already exists", candidate));
      else if (exists)
        file->overwrite = TRUE;
      break;
    }
  return g_steal_pointer (&candidate);
}

/* Decides @file's output name, or that it fails or is skipped, and claims the name; @journal
 * and @name_only as for resolve_collision(). With @desired_by_output (in-place runs), the
 * outputs of earlier runs among the inputs are skipped. */
static void
decide_output (const PpBatchConfig *config,
               const Entry         *entry,
               PpBatchFile         *file,
               GHashTable          *claimed,
               GHashTable          *input_ids,
               PpBatchJournal      *journal,
               gboolean             name_only,
               GHashTable          *desired_by_output)
{
  g_autofree char *desired = NULL;
  const char *made_from;

  if (entry->missing)
    {
      file->decided = TRUE;
      file->pre_status = PP_FILE_STATUS_FAILED;
      file->reason = g_strdup (entry->error);
      return;
    }
  if (desired_by_output != NULL
      && (made_from = earlier_output_of (entry, desired_by_output)) != NULL)
    {
      g_autofree char *source = g_path_get_basename (made_from);

      skip_file (file, g_strdup_printf ("an output of an earlier run (from “%s”), not processed "
                                        "again", source));
      return;
    }

  desired = desired_output (config, entry, file->index, &file->format, &file->note);
  file->output = resolve_collision (config, entry, file, desired, claimed, input_ids, journal,
                                    name_only, desired_by_output);
  g_hash_table_add (claimed, g_strdup (file->output));
}

void
_pp_batch_listing_free (PpBatchListing *listing)
{
  g_clear_pointer (&listing->files, g_ptr_array_unref);
  g_clear_pointer (&listing->inputs, g_ptr_array_unref);
  g_clear_pointer (&listing->journal, _pp_batch_journal_close);
  g_free (listing);
}

/**
 * pp_batch_input_free:
 * @input: (nullable) (transfer full): an input from pp_batch_list_files_finish()
 */
void
pp_batch_input_free (PpBatchInput *input)
{
  if (input == NULL)
    return;
  g_free (input->path);
  g_free (input->relative);
  g_free (input);
}

/* The input folder exists; for a run, the output folder exists (made if missing) and can be
 * written, and is not the input folder unless in-place (@output_is_input says whether it is). */
static gboolean
check_folders (const PpBatchConfig  *config,
               gboolean              for_run,
               gboolean             *output_is_input,
               GError              **error)
{
  const char *problem = NULL;
  FileId input_id, output_id;

  if (config->input_dir != NULL && !g_file_test (config->input_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_NO_INPUT,
                   "The input folder “%s” does not exist or is not a folder", config->input_dir);
      return FALSE;
    }
  *output_is_input = config->input_dir != NULL && stat_id (config->input_dir, &input_id)
                     && stat_id (config->output_dir, &output_id)
                     && input_id.dev == output_id.dev && input_id.ino == output_id.ino;
  if (!for_run)
    return TRUE;
  if (*output_is_input && !config->in_place)
    {
      g_set_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_OUTPUT,
                   "The output folder is the input folder “%s”: choose another output folder, "
                   "or allow writing beside (and over) the originals with --in-place (outputs "
                   "of earlier runs are then recognised and not processed again)",
                   config->input_dir);
      return FALSE;
    }
  if (g_mkdir_with_parents (config->output_dir, 0777) != 0)
    problem = "Cannot create the output folder";
  else if (access (config->output_dir, W_OK | X_OK) != 0)
    problem = "Cannot write in the output folder";
  if (problem != NULL)
    {
      int saved = errno;

      g_set_error (error, PP_BATCH_ERROR, PP_BATCH_ERROR_OUTPUT, "%s “%s”: %s", problem,
                   config->output_dir, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* Every input's output name -> that input, to know the earlier runs' outputs among the inputs
 * of an in-place run. */
static GHashTable *
map_desired_outputs (const PpBatchConfig *config,
                     GPtrArray           *entries)
{
  GHashTable *desired_by_output = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         g_free);

  for (guint i = 0; i < entries->len; i++)
    {
      const Entry *entry = g_ptr_array_index (entries, i);
      PpFormat format;
      char *desired;

      if (entry->missing)
        continue;
      desired = desired_output (config, entry, i, &format, NULL);
      if (g_str_equal (desired, entry->input.path))
        g_free (desired); /* replacing itself in place: not another file's output */
      else
        g_hash_table_replace (desired_by_output, desired, g_strdup (entry->input.path));
    }
  return desired_by_output;
}

/* Claims the name another shard gives @entry, as one run over the whole list would. */
static void
claim_other_shards_name (const PpBatchConfig *config,
                         const Entry         *entry,
                         guint                index,
                         GHashTable          *claimed,
                         GHashTable          *input_ids,
                         GHashTable          *desired_by_output)
{
  PpBatchFile *other = g_new0 (PpBatchFile, 1);

  other->index = index;
  decide_output (config, entry, other, claimed, input_ids, NULL, TRUE, desired_by_output);
  batch_file_free (other);
}

PpBatchListing *
_pp_batch_listing_new (const PpBatchConfig  *config,
                       gboolean              for_run,
                       GCancellable         *cancellable,
                       GError              **error)
{
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GHashTable) claimed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) input_ids = g_hash_table_new_full (file_id_hash, file_id_equal, g_free,
                                                            NULL);
  g_autoptr (GHashTable) desired_by_output = NULL;
  PpBatchListing *listing = g_new0 (PpBatchListing, 1);
  gboolean output_is_input = FALSE;

  if (!check_folders (config, for_run, &output_is_input, error))
    {
      _pp_batch_listing_free (listing);
      return NULL;
    }

  entries = list_entries (config, &listing->n_ignored, cancellable, error);
  if (entries == NULL)
    {
      _pp_batch_listing_free (listing);
      return NULL;
    }
  listing->n_listed = entries->len;
  if (for_run && (config->resume || config->manifest != NULL)
      && (listing->journal = _pp_batch_journal_open (config, error)) == NULL)
    {
      _pp_batch_listing_free (listing);
      return NULL;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      const Entry *entry = g_ptr_array_index (entries, i);

      if (!entry->missing)
        g_hash_table_add (input_ids, file_id_new (entry->dev, entry->ino));
    }
  if (for_run && output_is_input)
    desired_by_output = map_desired_outputs (config, entries);

  listing->files = g_ptr_array_new_with_free_func (batch_file_free);
  listing->inputs = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_batch_input_free);
  for (guint i = 0; i < entries->len; i++)
    {
      const Entry *entry = g_ptr_array_index (entries, i);
      PpBatchInput *input;
      PpBatchFile *file;

      /* Round robin over the sorted list: big and small files spread evenly over shards. */
      if (i % config->shard_count != config->shard_index)
        {
          if (for_run)
            claim_other_shards_name (config, entry, i, claimed, input_ids, desired_by_output);
          continue;
        }
      input = g_new0 (PpBatchInput, 1);
      input->path = g_strdup (entry->input.path);
      input->relative = g_strdup (entry->input.relative);
      g_ptr_array_add (listing->inputs, input);
      if (!for_run)
        continue;
      file = g_new0 (PpBatchFile, 1);
      file->index = i;
      file->input = g_strdup (entry->input.path);
      file->display = g_strdup (entry->input.relative);
      if (_pp_batch_journal_resume (listing->journal, file, cancellable))
        g_hash_table_add (claimed, g_strdup (file->output));
      else
        {
          decide_output (config, entry, file, claimed, input_ids, listing->journal, FALSE,
                         desired_by_output);
          _pp_batch_journal_planned (listing->journal, file);
        }
      g_ptr_array_add (listing->files, file);
    }
  return listing;
}

