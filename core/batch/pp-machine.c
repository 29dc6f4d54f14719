/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The machine as the thread choice and the benchmark report see it: the memory budget, the
 * process tree's resident memory, and a short description. Linux /proc and /sys only; where a
 * file is missing the figure is unknown rather than guessed.
 */
#define G_LOG_DOMAIN "pp-machine"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "batch/pp-cpu-budget.h"
#include "batch/pp-machine.h"
#include "render/pp-scheduler.h"

/* What the thread choice keeps back for everything else when it reads MemAvailable. */
#define RESERVE_FRACTION 0.1
#define UNKNOWN_BUDGET (G_GUINT64_CONSTANT (1) << 30)

/**
 * pp_parse_bytes:
 * @text: a number of bytes with an optional suffix: K, M, G, T (powers of 1024), e.g. "512M"
 * @bytes: (out): the value
 *
 * Returns: whether @text was such a number (and fits in 64 bits)
 */
gboolean
pp_parse_bytes (const char *text,
                guint64    *bytes)
{
  char *end = NULL;
  double value;
  double scale = 1;

  g_return_val_if_fail (text != NULL && bytes != NULL, FALSE);

  value = g_ascii_strtod (text, &end);
  if (end == text || !(value >= 0))
    return FALSE;
  switch (g_ascii_toupper (*end))
    {
    case 'T': scale *= 1024; G_GNUC_FALLTHROUGH;
    case 'G': scale *= 1024; G_GNUC_FALLTHROUGH;
    case 'M': scale *= 1024; G_GNUC_FALLTHROUGH;
    case 'K': scale *= 1024; end++; break;
    default: break;
    }
  if (g_ascii_toupper (*end) == 'I')
    end++;
  if (g_ascii_toupper (*end) == 'B')
    end++;
  if (*end != '\0' || value * scale >= 1.8e19)
    return FALSE;
  *bytes = (guint64) (value * scale);
  return TRUE;
}

static gboolean
read_u64_file (const char *path,
               guint64    *value)
{
  g_autofree char *text = NULL;
  char *end = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  g_strstrip (text);
  if (g_str_equal (text, "max"))
    return FALSE;
  *value = g_ascii_strtoull (text, &end, 10);
  return end != text;
}

/* MemAvailable from a meminfo file, in bytes; 0 when missing. */
static guint64
read_mem_available (const char *path)
{
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  line = strstr (text, "MemAvailable:");
  if (line == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen ("MemAvailable:"), NULL, 10) * 1024;
}

/* The cgroup's limit less its usage (v2, then v1); 0 when there is no limit. Limits of v1's
 * "unlimited" (a page-rounded 2^63) are not limits. */
static guint64
read_cgroup_available (const char *root)
{
  static const char *const pairs[][2] = {
    { "sys/fs/cgroup/memory.max", "sys/fs/cgroup/memory.current" },
    { "sys/fs/cgroup/memory/memory.limit_in_bytes", "sys/fs/cgroup/memory/memory.usage_in_bytes" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_autofree char *limit_path = g_build_filename (root, pairs[i][0], NULL);
      g_autofree char *usage_path = g_build_filename (root, pairs[i][1], NULL);
      guint64 limit, usage = 0;

      if (!read_u64_file (limit_path, &limit))
        continue;
      if (limit >= (G_GUINT64_CONSTANT (1) << 62))
        return 0;
      read_u64_file (usage_path, &usage);
      return limit > usage ? limit - usage : 1;
    }
  return 0;
}

/**
 * pp_memory_budget_query_at:
 * @root: the file system root to read /proc and /sys under ("/" normally; tests give a fake tree)
 * @env_value: (nullable): the PP_MEMORY_BUDGET value ("512M"): when set and valid it is the
 *   budget, whatever the machine says (to cap Parapix by hand, and for tests)
 * @budget: (out): the result
 *
 * The memory a batch may use now: the smallest of MemAvailable less a 10 % reserve and the
 * cgroup's memory limit less its usage (cgroup v2 memory.max/memory.current, else v1
 * memory.limit_in_bytes/memory.usage_in_bytes). Unknown everywhere: 1 GiB. Any thread.
 */
void
pp_memory_budget_query_at (const char     *root,
                           const char     *env_value,
                           PpMemoryBudget *budget)
{
  g_autofree char *meminfo = g_build_filename (root, "proc/meminfo", NULL);
  guint64 forced;

  g_return_if_fail (root != NULL && budget != NULL);

  memset (budget, 0, sizeof *budget);
  budget->mem_available = read_mem_available (meminfo);
  budget->cgroup_available = read_cgroup_available (root);
  if (env_value != NULL && *env_value != '\0' && pp_parse_bytes (env_value, &forced) && forced > 0)
    {
      budget->bytes = forced;
      budget->source = PP_MEMORY_BUDGET_SOURCE_ENVIRONMENT;
      return;
    }
  budget->bytes = UNKNOWN_BUDGET;
  budget->source = PP_MEMORY_BUDGET_SOURCE_UNKNOWN;
  if (budget->mem_available > 0)
    {
      budget->bytes = (guint64) (budget->mem_available * (1 - RESERVE_FRACTION));
      budget->source = PP_MEMORY_BUDGET_SOURCE_MEMINFO;
    }
  if (budget->cgroup_available > 0 &&
      (budget->source == PP_MEMORY_BUDGET_SOURCE_UNKNOWN ||
       budget->cgroup_available < budget->bytes))
    {
      budget->bytes = budget->cgroup_available;
      budget->source = PP_MEMORY_BUDGET_SOURCE_CGROUP;
    }
}

/**
 * pp_memory_budget_query:
 * @budget: (out): the memory budget of this process now (pp_memory_budget_query_at() on "/",
 *   with the environment's PP_MEMORY_BUDGET)
 */
void
pp_memory_budget_query (PpMemoryBudget *budget)
{
  pp_memory_budget_query_at ("/", g_getenv ("PP_MEMORY_BUDGET"), budget);
}

/**
 * pp_memory_budget_source_to_string:
 *
 * Returns: (transfer none): a short name for @source ("available memory", "cgroup limit"…)
 */
const char *
pp_memory_budget_source_to_string (PpMemoryBudgetSource source)
{
  switch (source)
    {
    case PP_MEMORY_BUDGET_SOURCE_MEMINFO:
      return "available memory";
    case PP_MEMORY_BUDGET_SOURCE_CGROUP:
      return "cgroup memory limit";
    case PP_MEMORY_BUDGET_SOURCE_ENVIRONMENT:
      return "PP_MEMORY_BUDGET";
    case PP_MEMORY_BUDGET_SOURCE_UNKNOWN:
    default:
      return "unknown (1 GiB assumed)";
    }
}

/**
 * pp_machine_get_cpu_budget:
 * @how: (out) (optional) (transfer full): what limited it, e.g. "affinity: 2 CPUs" or
 *   "cgroup: 1.5 CPUs (affinity 16)"
 *
 * The CPUs this process may use (pp_cpu_budget_query(): the affinity mask, the cgroup CPU
 * quota, SLURM_CPUS_PER_TASK), clamped to the pool's maximum. Any thread; reads /proc and /sys.
 *
 * Returns: at least 1
 */
guint
pp_machine_get_cpu_budget (char **how)
{
  PpCpuBudget budget;
  guint count;

  pp_cpu_budget_query (&budget);
  count = CLAMP (budget.count, 1, PP_SCHEDULER_MAX_THREADS);
  if (how != NULL)
    {
      GString *text = g_string_new (pp_cpu_budget_source_to_string (budget.source));

      if (budget.source == PP_CPU_BUDGET_SOURCE_CGROUP)
        g_string_append_printf (text, ": %.2g CPUs", budget.cgroup_quota);
      else
        g_string_append_printf (text, ": %u CPU%s", budget.count, budget.count == 1 ? "" : "s");
      if (budget.source != PP_CPU_BUDGET_SOURCE_AFFINITY)
        g_string_append_printf (text, " (affinity %u)", budget.affinity);
      *how = g_string_free (text, FALSE);
    }
  return count;
}

/* ------------------------------------------------------------------------------------------ */
/* The process tree's memory */

/* A process's proportional set size (shared pages divided among the processes that map them,
 * so libraries and a helper's pixel memfd are not counted once per process), from
 * smaps_rollup (Linux 4.14); its RSS from statm where that is missing. */
static guint64
memory_of (const char *pid)
{
  g_autofree char *rollup = g_build_filename ("/proc", pid, "smaps_rollup", NULL);
  g_autofree char *statm = g_build_filename ("/proc", pid, "statm", NULL);
  g_autofree char *text = NULL;
  const char *pss;
  guint64 pages = 0;

  if (g_file_get_contents (rollup, &text, NULL, NULL) &&
      (pss = strstr (text, "\nPss:")) != NULL)
    return g_ascii_strtoull (pss + strlen ("\nPss:"), NULL, 10) * 1024;
  g_clear_pointer (&text, g_free);
  if (!g_file_get_contents (statm, &text, NULL, NULL))
    return 0;
  /* "size resident shared …" in pages */
  if (sscanf (text, "%*u %" G_GUINT64_FORMAT, &pages) != 1)
    return 0;
  return pages * (guint64) sysconf (_SC_PAGESIZE);
}

/* Parent of @pid from /proc/PID/stat ("pid (comm) state ppid …"; comm may hold spaces and
 * parentheses, so parse from the last ')'). */
static int
parent_of (const char *pid)
{
  g_autofree char *path = g_build_filename ("/proc", pid, "stat", NULL);
  g_autofree char *text = NULL;
  const char *close;
  int ppid = -1;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  close = strrchr (text, ')');
  if (close == NULL || sscanf (close + 1, " %*c %d", &ppid) != 1)
    return -1;
  return ppid;
}

/**
 * pp_process_tree_memory:
 *
 * The memory of this process and all its descendants (the decoder helpers, also inside
 * bubblewrap): the sum of their proportional set sizes (Pss), so pages several of them share
 * (libraries, a helper's pixel memfd while the client copies it) count once in all; RSS where
 * the kernel has no smaps_rollup. Reads /proc: a few milliseconds with hundreds of processes;
 * any thread.
 *
 * Returns: bytes; 0 without /proc
 */
guint64
pp_process_tree_memory (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc", 0, NULL);
  g_autoptr (GHashTable) parents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) tree = g_hash_table_new (NULL, NULL);
  g_autofree char *self = g_strdup_printf ("%d", (int) getpid ());
  guint64 total;
  const char *name;
  gboolean grew = TRUE;

  total = memory_of (self);
  if (dir == NULL)
    return total;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_ascii_isdigit (name[0]) && !g_str_equal (name, self))
      {
        int ppid = parent_of (name);

        if (ppid > 0)
          g_hash_table_insert (parents, g_strdup (name), GINT_TO_POINTER (ppid));
      }
  g_hash_table_add (tree, GINT_TO_POINTER (getpid ()));
  /* Descendants: add children of the tree until nothing new (helpers are at most a few levels
   * down: parapix → bwrap → helper). */
  while (grew)
    {
      GHashTableIter iter;
      gpointer key, value;

      grew = FALSE;
      g_hash_table_iter_init (&iter, parents);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (g_hash_table_contains (tree, value))
          {
            int pid = atoi (key);

            g_hash_table_add (tree, GINT_TO_POINTER (pid));
            total += memory_of (key);
            g_hash_table_iter_remove (&iter);
            grew = TRUE;
          }
    }
  return total;
}

struct _PpMemorySampler
{
  GThread *thread;
  GMutex lock;
  GCond cond;
  gboolean stop;
  guint interval_ms;
  guint64 peak;
};

static gpointer
sampler_thread (gpointer data)
{
  PpMemorySampler *sampler = data;

  g_mutex_lock (&sampler->lock);
  while (!sampler->stop)
    {
      guint64 rss;
      gint64 until;

      g_mutex_unlock (&sampler->lock);
      rss = pp_process_tree_memory ();
      g_mutex_lock (&sampler->lock);
      sampler->peak = MAX (sampler->peak, rss);
      until = g_get_monotonic_time () + sampler->interval_ms * G_TIME_SPAN_MILLISECOND;
      while (!sampler->stop && g_cond_wait_until (&sampler->cond, &sampler->lock, until))
        ;
    }
  g_mutex_unlock (&sampler->lock);
  /* The last sample, here rather than in pp_memory_sampler_stop(): reading every process's
   * smaps costs milliseconds of CPU, and stop is called on the main thread. */
  sampler->peak = MAX (sampler->peak, pp_process_tree_memory ());
  return NULL;
}

/**
 * pp_memory_sampler_start:
 * @interval_ms: time between samples (50-100 ms is a good trade: short peaks between samples
 *   are missed, as any sampling tool misses them)
 *
 * Starts a thread that samples pp_process_tree_memory() until pp_memory_sampler_stop().
 *
 * Returns: (transfer full): the sampler; give it to pp_memory_sampler_stop()
 */
PpMemorySampler *
pp_memory_sampler_start (guint interval_ms)
{
  PpMemorySampler *sampler = g_new0 (PpMemorySampler, 1);

  g_mutex_init (&sampler->lock);
  g_cond_init (&sampler->cond);
  sampler->interval_ms = MAX (interval_ms, 1);
  sampler->thread = g_thread_new ("pp-memory", sampler_thread, sampler);
  return sampler;
}

/**
 * pp_memory_sampler_stop:
 * @sampler: (transfer full): from pp_memory_sampler_start()
 *
 * Stops the thread, which takes a last sample before it ends, and frees @sampler. Any thread;
 * it waits for that sample (a few milliseconds) but does none of the reading itself.
 *
 * Returns: the highest process-tree RSS seen, in bytes
 */
guint64
pp_memory_sampler_stop (PpMemorySampler *sampler)
{
  guint64 peak;

  g_return_val_if_fail (sampler != NULL, 0);

  g_mutex_lock (&sampler->lock);
  sampler->stop = TRUE;
  g_cond_signal (&sampler->cond);
  g_mutex_unlock (&sampler->lock);
  g_thread_join (sampler->thread);
  peak = sampler->peak;
  g_mutex_clear (&sampler->lock);
  g_cond_clear (&sampler->cond);
  g_free (sampler);
  return peak;
}

/* ------------------------------------------------------------------------------------------ */
/* Description, for the sweep record and the report */

static char *
cpu_model (void)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/cpuinfo", &text, NULL, NULL))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "model name") && strchr (lines[i], ':') != NULL)
      return g_strstrip (g_strdup (strchr (lines[i], ':') + 1));
  return NULL;
}

static guint64
mem_total (void)
{
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/meminfo", &text, NULL, NULL))
    return 0;
  line = strstr (text, "MemTotal:");
  return line != NULL ? g_ascii_strtoull (line + strlen ("MemTotal:"), NULL, 10) * 1024 : 0;
}

/**
 * pp_machine_describe:
 *
 * Returns: (transfer full): `{cpu_model, processors, cpu_budget, cpu_budget_source,
 *   memory_total_bytes, memory_budget_bytes, memory_budget_source, kernel, parapix}` (see
 *   docs/sweep.md); strings are null when unknown. Any thread.
 */
JsonNode *
pp_machine_describe (void)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *model = cpu_model ();
  g_autofree char *how = NULL;
  guint cpus = pp_machine_get_cpu_budget (&how);
  PpMemoryBudget memory;
  struct utsname uts;

  pp_memory_budget_query (&memory);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "cpu_model");
  if (model != NULL)
    json_builder_add_string_value (b, model);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "processors");
  json_builder_add_int_value (b, g_get_num_processors ());
  json_builder_set_member_name (b, "cpu_budget");
  json_builder_add_int_value (b, cpus);
  json_builder_set_member_name (b, "cpu_budget_source");
  json_builder_add_string_value (b, how);
  json_builder_set_member_name (b, "memory_total_bytes");
  json_builder_add_int_value (b, (gint64) mem_total ());
  json_builder_set_member_name (b, "memory_budget_bytes");
  json_builder_add_int_value (b, (gint64) memory.bytes);
  json_builder_set_member_name (b, "memory_budget_source");
  json_builder_add_string_value (b, pp_memory_budget_source_to_string (memory.source));
  json_builder_set_member_name (b, "kernel");
  if (uname (&uts) == 0)
    {
      g_autofree char *kernel = g_strdup_printf ("%s %s %s", uts.sysname, uts.release,
                                                 uts.machine);

      json_builder_add_string_value (b, kernel);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "parapix");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
