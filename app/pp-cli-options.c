/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every command-line option, in one table: its name, value, help line, and where its value goes.
 * Most options set a PpBatch property and are parsed from that property's GParamSpec (enums by
 * their nicks, numbers within the spec's range: pp-cli-values.c), so they need no code of their
 * own. GOption only collects the raw values; they are checked afterwards in table order, so
 * --version and --help work whatever else is on the line.
 *
 * Adding an option is one line in cli_options[] below:
 *   PROPERTY ("prop")  a PpBatch property parsed from its GParamSpec (boolean: a flag);
 *   FIELD (field)      a gboolean flag or a string kept in PpCliOptions, for the run to read;
 *   PARSE (func)       anything else: func checks the value and stores it (see parse_threads).
 * Then document it in docs/CLI.md. Checks between options go in check_combinations().
 */
#define G_LOG_DOMAIN "pp-cli"

#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "batch/pp-file-list.h"
#include "batch/pp-shard.h"
#include "batch/pp-sweep.h"
#include "filters/pp-filter.h"
#include "pp-cli-private.h"
#include "render/pp-presets.h"
#include "render/pp-scheduler.h"

G_DEFINE_ENUM_TYPE (PpCliMode, pp_cli_mode,
  G_DEFINE_ENUM_VALUE (PP_CLI_MODE_SERIAL, "serial"),
  G_DEFINE_ENUM_VALUE (PP_CLI_MODE_PARALLEL, "parallel"),
  G_DEFINE_ENUM_VALUE (PP_CLI_MODE_COMPARE, "compare"),
  G_DEFINE_ENUM_VALUE (PP_CLI_MODE_SWEEP, "sweep"))

typedef struct _CliOption CliOption;

/* Checks @value and stores it in @options; on a bad value, sets @error to the message that
 * follows "--name: " (G_OPTION_ERROR_BAD_VALUE). */
typedef gboolean (*CliParseFunc) (const CliOption *option,
                                  PpCliOptions    *options,
                                  const char      *value,
                                  GError         **error);

struct _CliOption
{
  const char *name;       /* --name */
  const char *arg;        /* the value's placeholder in --help; NULL for a flag */
  const char *help;
  CliParseFunc parse;
  const char *property;   /* PROPERTY: the PpBatch property */
  gsize offset;           /* FIELD: where in PpCliOptions */
};

static gboolean parse_property (const CliOption *, PpCliOptions *, const char *, GError **);
static gboolean parse_field (const CliOption *, PpCliOptions *, const char *, GError **);
static gboolean parse_input (const CliOption *, PpCliOptions *, const char *, GError **);
static gboolean parse_pipeline (const CliOption *, PpCliOptions *, const char *, GError **);
static gboolean parse_preset (const CliOption *, PpCliOptions *, const char *, GError **);
static gboolean parse_mode (const CliOption *, PpCliOptions *, const char *, GError **);
static gboolean parse_threads (const CliOption *, PpCliOptions *, const char *, GError **);
static gboolean parse_format (const CliOption *, PpCliOptions *, const char *, GError **);
static gboolean parse_shard (const CliOption *, PpCliOptions *, const char *, GError **);
static gboolean parse_background (const CliOption *, PpCliOptions *, const char *, GError **);
static gboolean parse_files_from (const CliOption *, PpCliOptions *, const char *, GError **);
static gboolean parse_max_megapixels (const CliOption *, PpCliOptions *, const char *, GError **);
static gboolean parse_threads_list (const CliOption *, PpCliOptions *, const char *, GError **);
static gboolean parse_count (const CliOption *, PpCliOptions *, const char *, GError **);

#define PROPERTY(prop) .parse = parse_property, .property = (prop)
#define FIELD(field) .parse = parse_field, .offset = G_STRUCT_OFFSET (PpCliOptions, field)
#define PARSE(func) .parse = (func)

static const CliOption cli_options[] = {
  { "batch", "DIR", "Process every image in DIR (without a window)", PARSE (parse_input) },
  { "output", "DIR", "Write results to DIR (default: DIR/processed)",
    PROPERTY ("output-folder") },
  { "pipeline", "SPEC",
    "Filters to apply, e.g. \"exposure=0.5,fit=800x800\" (see --list-filters)",
    PARSE (parse_pipeline) },
  { "preset", "NAME", "Filters of a saved preset instead of --pipeline (see --list-presets)",
    PARSE (parse_preset) },
  { "mode", "MODE",
    "serial, parallel (default), compare (both, checking the outputs are identical) or sweep "
    "(how the batch scales over thread counts)",
    PARSE (parse_mode) },
  { "threads", "N",
    "Worker threads in parallel mode, or auto to let Parapix choose (default: all processors)",
    PARSE (parse_threads) },
  { "threads-list", "N,N,…",
    "Sweep: the thread counts to try (default 1, 2, 4 … one step past the CPUs)",
    PARSE (parse_threads_list) },
  { "sample", "N", "Sweep: use N files spread evenly over the folder (default: all)",
    PARSE (parse_count), .offset = G_STRUCT_OFFSET (PpCliOptions, sample) },
  { "repeat", "R", "Sweep: timed runs per thread count, for the median and spread (default 3)",
    PARSE (parse_count), .offset = G_STRUCT_OFFSET (PpCliOptions, repeat) },
  { "report", "FILE", "Sweep: also write a shareable HTML report with the chart to FILE",
    FIELD (report) },
  { "format", "FORMAT", "Output format: same (default), jpeg, png, webp, tiff, bmp, avif or jxl",
    PARSE (parse_format) },
  { "quality", "Q", "JPEG, WebP, AVIF and JPEG XL quality, 1-100 (default 90)", PROPERTY ("quality") },
  { "name", "TEMPLATE",
    "Output name template with {name} {ext} {n} {date} {time} {camera} {width} {height} "
    "(default \"{name}.{ext}\")",
    PROPERTY ("name-template") },
  { "on-collision", "POLICY", "When the output exists: rename (default), skip or overwrite",
    PROPERTY ("collision") },
  { "recursive", NULL, "Include sub-folders, keeping their structure in the output",
    PROPERTY ("recursive") },
  { "shard", "K/N",
    "Process only slice K of N of the sorted file list; auto or auto/N: from Slurm, Kubernetes "
    "or GNU parallel", PARSE (parse_shard) },
  { "resume", NULL,
    "Skip what an earlier run finished (per the manifests kept next to the outputs); keep one",
    PROPERTY ("resume") },
  { "manifest", "FILE", "Write each input and output with its SHA-256 to FILE (JSON lines)",
    PROPERTY ("manifest") },
  { "files-from", "FILE",
    "Process the files listed in FILE (- for standard input; relative to --batch DIR)",
    PARSE (parse_files_from) },
  { "json", NULL, "Write the run record as JSON to standard output", FIELD (json) },
  { "quiet", NULL, "No progress and no summary; only failures", FIELD (quiet) },
  { "max-megapixels", "N",
    "Refuse images larger than this from their header (default 128, 0: no limit)",
    PARSE (parse_max_megapixels) },
  { "keep-orientation", NULL, "Leave pixels as stored instead of applying the EXIF orientation",
    PROPERTY ("keep-orientation") },
  { "frames", "POLICY",
    "Frames of animations and pages of documents: all (default: kept where the output format "
    "holds them, else the first, with a note), first or fail",
    PROPERTY ("frames") },
  { "damaged", "POLICY",
    "Truncated or damaged inputs: fail (default, saying what is wrong) or keep (written as "
    "decoded, with the damage in the note)",
    PROPERTY ("damaged") },
  { "in-place", NULL, "Allow outputs to replace their own inputs", PROPERTY ("in-place") },
  { "metadata", "POLICY",
    "EXIF, XMP and IPTC in outputs: keep (default, brought up to date), strip or strip-gps",
    PROPERTY ("metadata") },
  { "timestamps", "WHEN", "Outputs' modification time: keep (the input's, default) or now",
    PROPERTY ("timestamps") },
  { "background", "COLOR",
    "Colour under transparent pixels in formats without alpha (JPEG, BMP); default white",
    PARSE (parse_background) },
  { "version", NULL, "Print the version and exit", FIELD (version) },
  { "list-filters", NULL, "List every filter with its parameters and ranges",
    FIELD (list_filters) },
  { "list-presets", NULL, "List the presets --preset takes", FIELD (list_presets) },
  { "list-formats", NULL, "List the formats Parapix reads and writes, and what each keeps",
    FIELD (list_formats) },
  { "merge-records", NULL,
    "Join the run records (files or folders) of a job's shards into one; takes --json, --quiet",
    FIELD (merge_records) },
};

#undef PROPERTY
#undef FIELD
#undef PARSE

/* ------------------------------------------------------------------------------------------ */
/* Parse functions: one per kind of option */

/* PROPERTY: the value of option->property from its text (pp-cli-values.c). */
static gboolean
parse_property (const CliOption *option,
                PpCliOptions    *options,
                const char      *text,
                GError         **error)
{
  return _pp_cli_set_batch_property_from_text (options, option->property, text, error);
}

static gboolean
parse_field (const CliOption *option,
             PpCliOptions    *options,
             const char      *text,
             GError         **error)
{
  gpointer field = G_STRUCT_MEMBER_P (options, option->offset);

  if (option->arg == NULL)
    *(gboolean *) field = TRUE;
  else
    {
      g_free (*(char **) field);
      *(char **) field = g_strdup (text);
    }
  return TRUE;
}

static gboolean
parse_input (const CliOption *option,
             PpCliOptions    *options,
             const char      *text,
             GError         **error)
{
  g_free (options->input);
  options->input = g_strdup (text);
  return TRUE;
}

static gboolean
set_pipeline (PpCliOptions *options,
              const char   *spec,
              GError      **error)
{
  g_autoptr (PpPipeline) pipeline = pp_pipeline_new_from_spec (spec, error);

  if (pipeline == NULL)
    return FALSE;
  _pp_cli_set_batch_property (options, "pipeline", pipeline);
  return TRUE;
}

static gboolean
parse_pipeline (const CliOption *option,
                PpCliOptions    *options,
                const char      *text,
                GError         **error)
{
  return set_pipeline (options, text, error);
}

static gboolean
parse_preset (const CliOption *option,
              PpCliOptions    *options,
              const char      *text,
              GError         **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *spec = pp_presets_load (text, &local_error);

  if (spec == NULL && g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    return _pp_cli_bad_value (error, "no preset named “%s” (see --list-presets)", text);
  if (spec == NULL)
    return _pp_cli_bad_value (error, "“%s”: %s", text, local_error->message);
  if (!set_pipeline (options, spec, &local_error))
    return _pp_cli_bad_value (error, "preset “%s”: %s", text, local_error->message);
  return TRUE;
}

static gboolean
parse_mode (const CliOption *option,
            PpCliOptions    *options,
            const char      *text,
            GError         **error)
{
  int mode;

  if (!_pp_cli_parse_enum (PP_TYPE_CLI_MODE, text, &mode, error))
    return FALSE;
  options->mode = mode;
  return TRUE;
}

static gboolean
parse_threads (const CliOption *option,
               PpCliOptions    *options,
               const char      *text,
               GError         **error)
{
  guint threads;

  if (g_str_equal (text, "auto"))
    {
      options->threads_auto = TRUE;
      options->threads_source = "auto";
      return TRUE;
    }
  /* The property's 0 (all processors) is the default, not something to ask for. */
  if (!_pp_cli_parse_uint (text, 1, PP_SCHEDULER_MAX_THREADS, &threads))
    return _pp_cli_bad_value (error, "expected auto or a whole number from 1 to %d, got “%s”",
                              PP_SCHEDULER_MAX_THREADS, text);
  options->threads_auto = FALSE;
  _pp_cli_set_batch_property (options, "threads", threads);
  options->threads_source = "option";
  return TRUE;
}

/* The list is read here, before any run: relative names are from --batch DIR (parsed before
 * this option, in table order), else from the current folder. */
static gboolean
parse_files_from (const CliOption *option,
                  PpCliOptions    *options,
                  const char      *text,
                  GError         **error)
{
  g_autoptr (GError) local_error = NULL;
  g_autofree char *base = options->input != NULL ? g_canonicalize_filename (options->input, NULL)
                                                 : NULL;
  g_auto (GStrv) paths = pp_file_list_read_path (text, base, NULL, NULL, &local_error);

  if (paths == NULL)
    return _pp_cli_bad_value (error, "%s", local_error->message);
  if (paths[0] == NULL)
    return _pp_cli_bad_value (error, "the list “%s” names no files", text);
  _pp_cli_set_batch_property (options, "files", paths);
  return TRUE;
}

static gboolean
parse_format (const CliOption *option,
              PpCliOptions    *options,
              const char      *text,
              GError         **error)
{
  PpFormat format;
  int nick_value;

  /* The nicks, and the names pp_format_from_string() also knows ("jpg", "TIFF"). */
  if (_pp_cli_parse_enum (PP_TYPE_FORMAT, text, &nick_value, NULL))
    format = nick_value;
  else if (!pp_format_from_string (text, &format))
    return _pp_cli_parse_enum (PP_TYPE_FORMAT, text, &nick_value, error);
  if (format != PP_FORMAT_SAME && !pp_format_can_save (format))
    return _pp_cli_bad_value (error, "this system cannot write %s files", text);
  _pp_cli_set_batch_property (options, "format", format);
  return TRUE;
}

/* K/N, or auto (auto/N) from the scheduler's environment (batch/pp-shard.h). A scheduler
 * found but not making sense is a usage error too: the job script needs fixing, not a retry. */
static gboolean
parse_shard (const CliOption *option,
             PpCliOptions    *options,
             const char      *text,
             GError         **error)
{
  g_autoptr (GError) local_error = NULL;
  PpShard shard;

  if (!pp_shard_parse (text, NULL, &shard, &local_error))
    {
      /* The message already names --shard. */
      const char *message = local_error->message;

      if (g_str_has_prefix (message, "--shard: "))
        message += strlen ("--shard: ");
      else if (g_str_has_prefix (message, "--shard "))
        message += strlen ("--shard ");
      return _pp_cli_bad_value (error, "%s", message);
    }
  options->shard = shard;
  _pp_cli_set_batch_property (options, "shard-count", shard.count);
  _pp_cli_set_batch_property (options, "shard-index", shard.index);
  return TRUE;
}

static gboolean
parse_max_megapixels (const CliOption *option,
                      PpCliOptions    *options,
                      const char      *text,
                      GError         **error)
{
  char *end = NULL;
  double megapixels = g_ascii_strtod (text, &end);

  if (end == text || *end != '\0' || !(megapixels >= 0) || megapixels > 1e6)
    return _pp_cli_bad_value (error, "expected a number of megapixels (0 for no limit), got “%s”",
                              text);
  _pp_cli_set_batch_property (options, "max-megapixels", megapixels);
  return TRUE;
}

/* A colour pp_color_parse() reads, for the "background" property. */
static gboolean
parse_background (const CliOption *option,
                  PpCliOptions    *options,
                  const char      *text,
                  GError         **error)
{
  g_autoptr (GError) local_error = NULL;
  PpColor color;

  if (!pp_color_parse (text, &color, &local_error))
    return _pp_cli_bad_value (error, "%s", local_error->message);
  _pp_cli_set_batch_property (options, "background", text);
  return TRUE;
}

static gboolean
parse_threads_list (const CliOption *option,
                    PpCliOptions    *options,
                    const char      *text,
                    GError         **error)
{
  g_clear_pointer (&options->threads_list, g_free);
  return pp_sweep_parse_threads_list (text, &options->threads_list, &options->n_threads_list,
                                      error);
}

/* A guint field of PpCliOptions (at option->offset), 1 to 100000. */
static gboolean
parse_count (const CliOption *option,
             PpCliOptions    *options,
             const char      *text,
             GError         **error)
{
  guint value;

  if (!_pp_cli_parse_uint (text, 1, 100000, &value))
    return _pp_cli_bad_value (error, "expected a whole number from 1 to 100000, got “%s”",
                              text);
  G_STRUCT_MEMBER (guint, options, option->offset) = value;
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* The command line */

/* What GOption found: the raw text of each option given (last one wins), by table index. */
typedef struct
{
  gboolean given[G_N_ELEMENTS (cli_options)];
  char *text[G_N_ELEMENTS (cli_options)];
} Collected;

static gboolean
collect (const char  *option_name,
         const char  *value,
         gpointer     data,
         GError     **error)
{
  Collected *collected = data;

  for (guint i = 0; i < G_N_ELEMENTS (cli_options); i++)
    if (g_str_equal (option_name + 2, cli_options[i].name))
      {
        collected->given[i] = TRUE;
        g_free (collected->text[i]);
        collected->text[i] = g_strdup (value);
        return TRUE;
      }
  g_assert_not_reached ();
}

static void
collected_clear (Collected *collected)
{
  for (guint i = 0; i < G_N_ELEMENTS (cli_options); i++)
    g_free (collected->text[i]);
}

static int
option_index (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (cli_options); i++)
    if (g_str_equal (cli_options[i].name, name))
      return (int) i;
  g_assert_not_reached ();
}

/* Parses the options given among @names (all of them when NULL), in table order. */
static int
check_values (PpCliOptions       *options,
              const Collected    *collected,
              const char *const  *names)
{
  for (guint i = 0; i < G_N_ELEMENTS (cli_options); i++)
    {
      const CliOption *option = &cli_options[i];
      g_autoptr (GError) error = NULL;

      if (!collected->given[i] || (names != NULL && !g_strv_contains (names, option->name)))
        continue;
      if (!option->parse (option, options, collected->text[i], &error))
        return _pp_cli_usage_error ("--%s: %s", option->name, error->message);
    }
  return PP_CLI_EXIT_OK;
}

/* Without --threads, the CPUs this process may really use (a Slurm allocation, a container's
 * quota, the affinity mask: batch/pp-cpu-budget.h), not every processor of the machine. The
 * budget is recorded either way, so a record shows a --threads above it. */
static void
set_default_threads (PpCliOptions *options)
{
  pp_cpu_budget_query (&options->budget);
  if (options->mode == PP_CLI_MODE_SERIAL)
    options->threads_source = "serial";
  if (_pp_cli_get_batch_value (options, "threads") != NULL)
    return;
  _pp_cli_set_batch_property (options, "threads",
                              (guint) MIN (options->budget.count, PP_SCHEDULER_MAX_THREADS));
  if (options->threads_source == NULL)
    options->threads_source = pp_cpu_budget_source_to_string (options->budget.source);
}

/* Whether the --output value @folder (a GFile, or unset) is the folder @input itself, by
 * device and inode, so "." and a symbolic link to it count too. */
static gboolean
is_input_folder (const GValue *folder,
                 const char   *input)
{
  g_autofree char *path = NULL;
  GStatBuf a, b;

  if (folder == NULL || g_value_get_object (folder) == NULL)
    return FALSE;
  path = g_file_get_path (g_value_get_object (folder));
  return path != NULL && g_stat (path, &a) == 0 && g_stat (input, &b) == 0
         && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Checks between options, once each value is known to be good. */
static int
check_combinations (PpCliOptions    *options,
                    const Collected *collected)
{
  const GValue *in_place = _pp_cli_get_batch_value (options, "in-place");

  if (collected->given[option_index ("pipeline")] && collected->given[option_index ("preset")])
    return _pp_cli_usage_error ("--preset and --pipeline cannot be combined: --preset names a "
                                "saved pipeline");
  if (_pp_cli_get_batch_value (options, "pipeline") == NULL)
    return _pp_cli_usage_error ("--pipeline (or --preset) is required with --batch "
                                "(--pipeline \"\" only converts)");
  if (options->mode == PP_CLI_MODE_COMPARE && in_place != NULL && g_value_get_boolean (in_place))
    return _pp_cli_usage_error ("--in-place cannot be combined with --mode compare (it writes "
                                "every image twice)");
  /* A resumed file is skipped, which the other half of a compare (or a sweep's runs) would
   * not do; and they would each write the manifest anew. */
  if ((options->mode == PP_CLI_MODE_COMPARE || options->mode == PP_CLI_MODE_SWEEP)
      && (collected->given[option_index ("resume")] || collected->given[option_index ("manifest")]))
    return _pp_cli_usage_error ("--%s works with --mode parallel or serial, not %s",
                                collected->given[option_index ("resume")] ? "resume" : "manifest",
                                options->mode == PP_CLI_MODE_COMPARE ? "compare" : "sweep");
  if (options->mode != PP_CLI_MODE_SWEEP)
    {
      static const char *const sweep_only[] = { "threads-list", "sample", "repeat", "report" };

      for (guint i = 0; i < G_N_ELEMENTS (sweep_only); i++)
        if (collected->given[option_index (sweep_only[i])])
          return _pp_cli_usage_error ("--%s needs --mode sweep", sweep_only[i]);
    }
  else if (collected->given[option_index ("threads")])
    return _pp_cli_usage_error ("--threads cannot be combined with --mode sweep: it tries each "
                                "count of --threads-list");
  if (options->input != NULL && !g_file_test (options->input, G_FILE_TEST_IS_DIR))
    return _pp_cli_usage_error ("--batch: “%s” is not a folder", options->input);
  if (options->input != NULL
      && is_input_folder (_pp_cli_get_batch_value (options, "output-folder"), options->input)
      && (in_place == NULL || !g_value_get_boolean (in_place)))
    return _pp_cli_usage_error ("--output is the input folder: choose another folder, or add "
                                "--in-place to write beside (and over) the originals (outputs of "
                                "earlier runs are then recognised and not processed again)");
  /* --in-place means beside the originals: another folder would be a plain run that the user
   * believes replaced the originals. */
  if (options->input != NULL && in_place != NULL && g_value_get_boolean (in_place)
      && collected->given[option_index ("output")]
      && !is_input_folder (_pp_cli_get_batch_value (options, "output-folder"), options->input))
    return _pp_cli_usage_error ("--in-place writes into the input folder, so --output cannot "
                                "name another folder: drop --in-place, or drop --output");
  set_default_threads (options);
  return PP_CLI_EXIT_OK;
}

/* --merge-records RECORD…: only the reporting options make sense with it. */
static int
check_merge (PpCliOptions     *options,
             const Collected  *collected,
             char           ***rest)
{
  static const char *const allowed[] = { "merge-records", "json", "quiet", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (cli_options); i++)
    if (collected->given[i] && !g_strv_contains (allowed, cli_options[i].name))
      return _pp_cli_usage_error ("--%s cannot be combined with --merge-records (it takes "
                                  "record files, --json and --quiet)", cli_options[i].name);
  if (*rest == NULL || (*rest)[0] == NULL)
    return _pp_cli_usage_error ("--merge-records: name the shards' run records (files written "
                                "by --json) or a folder of them");
  options->records = g_steal_pointer (rest);
  return check_values (options, collected, allowed);
}

static GOptionContext *
make_context (Collected  *collected,
              char     ***rest)
{
  GOptionContext *context = g_option_context_new ("");
  GOptionGroup *group = g_option_group_new ("parapix", "", "", collected, NULL);
  GOptionEntry entries[G_N_ELEMENTS (cli_options) + 2] = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (cli_options); i++)
    {
      const CliOption *option = &cli_options[i];

      entries[i].long_name = option->name;
      /* Values as given (no conversion to UTF-8): paths and templates are file names. */
      entries[i].flags = option->arg != NULL ? G_OPTION_FLAG_FILENAME : G_OPTION_FLAG_NO_ARG;
      entries[i].arg = G_OPTION_ARG_CALLBACK;
      entries[i].arg_data = (gpointer) collect;
      entries[i].description = option->help;
      entries[i].arg_description = option->arg;
    }
  entries[G_N_ELEMENTS (cli_options)] = (GOptionEntry) {
    G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, rest, NULL, NULL
  };
  g_option_group_add_entries (group, entries);
  g_option_context_set_main_group (context, group);
  g_option_context_set_summary (context,
                                "Process images on every CPU core.\n\n"
                                "  parapix --batch DIR --pipeline SPEC [OPTION…]");
  g_option_context_set_description (context,
                                    "Exit status: 0 all done, 1 some files failed, 2 bad usage, "
                                    "130 cancelled.\nSee docs/CLI.md for examples.");
  return context;
}

/**
 * _pp_cli_options_parse:
 * @options: (out caller-allocates): cleared by the caller with _pp_cli_options_clear()
 *
 * Parses and checks the whole command line. --version, --list-filters and --list-presets
 * come back as flags without checking anything else; otherwise @options holds a batch to run.
 * Usage errors are printed here.
 *
 * Returns: PP_CLI_EXIT_OK, or PP_CLI_EXIT_USAGE after printing the error
 */
int
_pp_cli_options_parse (PpCliOptions  *options,
                       int            argc,
                       char         **argv)
{
  static const char *const info_options[] = { "version", "list-filters", "list-presets",
                                              "list-formats", "merge-records", NULL };
  g_auto (GStrv) rest = NULL;
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  Collected collected = { 0 };
  int status;

  memset (options, 0, sizeof *options);
  options->mode = PP_CLI_MODE_PARALLEL;
  pp_shard_init (&options->shard);
  options->batch_names = g_ptr_array_new ();
  options->batch_values = g_array_new (FALSE, TRUE, sizeof (GValue));
  g_array_set_clear_func (options->batch_values, (GDestroyNotify) g_value_unset);

  context = make_context (&collected, &rest);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    status = _pp_cli_usage_error ("%s", error->message);
  else if ((status = check_values (options, &collected, info_options)) != PP_CLI_EXIT_OK
           || options->version || options->list_filters || options->list_presets
           || options->list_formats)
    ;
  else if (options->merge_records)
    status = check_merge (options, &collected, &rest);
  else if (!collected.given[option_index ("batch")]
           && !collected.given[option_index ("files-from")])
    status = _pp_cli_usage_error ("nothing to do: use --batch DIR --pipeline SPEC");
  else if (rest != NULL && rest[0] != NULL)
    status = _pp_cli_usage_error ("unexpected argument “%s”", rest[0]);
  else if ((status = check_values (options, &collected, NULL)) == PP_CLI_EXIT_OK)
    status = check_combinations (options, &collected);
  collected_clear (&collected);
  return status;
}

void
_pp_cli_options_clear (PpCliOptions *options)
{
  g_clear_pointer (&options->input, g_free);
  g_clear_pointer (&options->records, g_strfreev);
  g_clear_pointer (&options->batch_names, g_ptr_array_unref);
  g_clear_pointer (&options->batch_values, g_array_unref);
  g_clear_pointer (&options->threads_list, g_free);
  g_clear_pointer (&options->report, g_free);
}

int
_pp_cli_usage_error (const char *format,
                     ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("parapix: %s\nTry “parapix --help”.\n", message);
  return PP_CLI_EXIT_USAGE;
}

/**
 * pp_cli_wants_headless:
 *
 * Whether the command line (not the window) handles @argv: any option but GApplication's own
 * belongs to the command line. The window takes only folders and files, so an unknown option is
 * a usage error (exit 2) reported by the command line, not GApplication's generic failure.
 */
gboolean
pp_cli_wants_headless (int    argc,
                       char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--") == 0)
        break;
      if (argv[i][0] == '-' && argv[i][1] != '\0' &&
          !g_str_has_prefix (argv[i], "--gapplication-") &&
          !g_str_has_prefix (argv[i], "--help-gapplication"))
        return TRUE;
    }
  return FALSE;
}
