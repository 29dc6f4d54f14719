/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The CPU budget: the affinity mask, the cgroup CPU quota and SLURM_CPUS_PER_TASK, whichever is
 * smallest. The cgroup files are found the way the kernel documents them (cgroup(7),
 * Documentation/admin-guide/cgroup-v2.rst "cpu.max", cgroup-v1/cfs "cpu.cfs_quota_us"): the
 * process's cgroup path from /proc/self/cgroup, the mount from /proc/self/mountinfo
 * (proc_pid_mountinfo(5)), and every level from that cgroup up to the mount's root, since a
 * parent's quota limits its children too.
 */
#define G_LOG_DOMAIN "pp-cpu-budget"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <sched.h>
#include <string.h>

#include "batch/pp-cpu-budget.h"

/* Large enough for any machine Linux runs on today; the loop below grows past it if needed. */
#define AFFINITY_FIRST_GUESS 1024
#define AFFINITY_MAX 262144

/**
 * pp_cpu_budget_get_affinity:
 *
 * Counts the CPUs in this thread's affinity mask (sched_getaffinity(2)), growing the CPU set
 * for machines with more than 1024 CPUs. Any thread.
 *
 * Returns: the number of CPUs this process may run on, ≥ 1 (the online processors, as GLib
 *   counts them, when the mask cannot be read).
 */
guint
pp_cpu_budget_get_affinity (void)
{
  for (int n = AFFINITY_FIRST_GUESS; n <= AFFINITY_MAX; n *= 2)
    {
      cpu_set_t *set = CPU_ALLOC (n);
      size_t size = CPU_ALLOC_SIZE (n);
      int count = 0;

      if (set == NULL)
        break;
      CPU_ZERO_S (size, set);
      if (sched_getaffinity (0, size, set) == 0)
        count = CPU_COUNT_S (size, set);
      else if (errno != EINVAL)
        count = -1;
      CPU_FREE (set);
      if (count > 0)
        return (guint) count;
      if (count < 0)
        break;
    }
  return MAX (g_get_num_processors (), 1);
}

static char *
under_root (const char *root,
            const char *path)
{
  if (root == NULL || g_str_equal (root, "/") || root[0] == '\0')
    return g_strdup (path);
  return g_build_filename (root, path, NULL);
}

/* mountinfo escapes space, tab, newline and backslash as \ooo octal. */
static char *
unescape_mount_field (const char *field)
{
  GString *out = g_string_new (NULL);

  for (const char *p = field; *p != '\0'; p++)
    {
      if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0'
          && p[3] <= '7')
        {
          g_string_append_c (out, (char) ((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0')));
          p += 3;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static gboolean
has_token (const char *list,
           const char *token)
{
  g_auto (GStrv) parts = g_strsplit (list, ",", -1);

  return g_strv_contains ((const char *const *) parts, token);
}

/* The process's cgroup path for the v2 hierarchy (@v2) or for the v1 hierarchy holding the
 * "cpu" controller; NULL when there is none. */
static char *
read_cgroup_path (const char *root,
                  gboolean    v2)
{
  g_autofree char *file = under_root (root, "/proc/self/cgroup");
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;

  if (!g_file_get_contents (file, &text, NULL, NULL))
    return NULL;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto (GStrv) f = g_strsplit (lines[i], ":", 3);

      if (g_strv_length (f) != 3)
        continue;
      if (v2 ? (g_str_equal (f[0], "0") && f[1][0] == '\0') : has_token (f[1], "cpu"))
        return g_strdup (f[2]);
    }
  return NULL;
}

/* Reads a quota in CPUs from one cgroup folder: v2 "cpu.max" holds "$MAX $PERIOD" or
 * "max $PERIOD"; v1 holds cpu.cfs_quota_us (-1: none) and cpu.cfs_period_us. 0 when none. */
static double
read_quota_in (const char *dir,
               gboolean    v2)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  gint64 quota, period;

  if (v2)
    {
      g_autofree char *file = g_build_filename (dir, "cpu.max", NULL);
      g_auto (GStrv) f = NULL;

      if (!g_file_get_contents (file, &a, NULL, NULL))
        return 0;
      f = g_strsplit_set (g_strstrip (a), " \t", -1);
      if (g_strv_length (f) < 1 || g_str_equal (f[0], "max"))
        return 0;
      quota = g_ascii_strtoll (f[0], NULL, 10);
      period = f[1] != NULL ? g_ascii_strtoll (f[1], NULL, 10) : 100000;
    }
  else
    {
      g_autofree char *qfile = g_build_filename (dir, "cpu.cfs_quota_us", NULL);
      g_autofree char *pfile = g_build_filename (dir, "cpu.cfs_period_us", NULL);

      if (!g_file_get_contents (qfile, &a, NULL, NULL)
          || !g_file_get_contents (pfile, &b, NULL, NULL))
        return 0;
      quota = g_ascii_strtoll (a, NULL, 10);
      period = g_ascii_strtoll (b, NULL, 10);
    }
  if (quota <= 0 || period <= 0)
    return 0;
  return (double) quota / (double) period;
}

/* The smallest quota from @cgroup_path's folder up to the mount point; 0 when none. */
static double
walk_quota (const char *root,
            const char *mount_root,
            const char *mount_point,
            const char *cgroup_path,
            gboolean    v2)
{
  g_autofree char *top = under_root (root, mount_point);
  g_autofree char *dir = NULL;
  const char *relative = cgroup_path;
  double best = 0;

  /* Inside a cgroup namespace or a container the mount's root is the process's own cgroup (or
   * above it): strip it. A path outside the mount (a "/.." from a foreign namespace) cannot be
   * followed; the mount's own folder is then the best guess. */
  if (!g_str_equal (mount_root, "/"))
    {
      if (g_str_has_prefix (cgroup_path, mount_root)
          && (cgroup_path[strlen (mount_root)] == '/' || cgroup_path[strlen (mount_root)] == '\0'))
        relative = cgroup_path + strlen (mount_root);
      else
        relative = "/";
    }
  if (strstr (relative, "/..") != NULL)
    relative = "/";
  dir = g_build_filename (top, relative, NULL);
  for (;;)
    {
      double q = read_quota_in (dir, v2);
      char *parent;

      if (q > 0 && (best == 0 || q < best))
        best = q;
      if (strlen (dir) <= strlen (top))
        break;
      parent = g_path_get_dirname (dir);
      g_free (dir);
      dir = parent;
    }
  return best;
}

/**
 * pp_cpu_budget_read_cgroup_quota:
 * @root: (nullable): the file system root to read under, "/" or %NULL for the real one; tests
 *   pass a folder holding proc/self/cgroup, proc/self/mountinfo and the cgroup files
 *
 * Reads this process's cgroup CPU quota: for every cgroup v2 mount, cpu.max, and for every v1
 * mount carrying the "cpu" controller, cpu.cfs_quota_us / cpu.cfs_period_us, at each level from
 * the process's cgroup up to the mount's root. Any thread; reads a few small files.
 *
 * Returns: the tightest quota in CPUs (1.5 for 150000/100000), or 0 when there is none or the
 *   files cannot be read (no error: an unreadable cgroup means no limit we can know).
 */
double
pp_cpu_budget_read_cgroup_quota (const char *root)
{
  g_autofree char *file = under_root (root, "/proc/self/mountinfo");
  g_autofree char *text = NULL;
  g_autofree char *v2_path = read_cgroup_path (root, TRUE);
  g_autofree char *v1_path = read_cgroup_path (root, FALSE);
  g_auto (GStrv) lines = NULL;
  double best = 0;

  if (!g_file_get_contents (file, &text, NULL, NULL))
    return 0;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      /* id parent major:minor root mount-point options [optional…] - fstype source super-options */
      g_auto (GStrv) halves = g_strsplit (lines[i], " - ", 2);
      g_auto (GStrv) before = NULL;
      g_auto (GStrv) after = NULL;
      g_autofree char *mount_root = NULL;
      g_autofree char *mount_point = NULL;
      gboolean v2;
      double q;

      if (g_strv_length (halves) != 2)
        continue;
      before = g_strsplit (halves[0], " ", -1);
      after = g_strsplit (halves[1], " ", -1);
      if (g_strv_length (before) < 5 || g_strv_length (after) < 3)
        continue;
      if (g_str_equal (after[0], "cgroup2"))
        v2 = TRUE;
      else if (g_str_equal (after[0], "cgroup") && has_token (after[2], "cpu"))
        v2 = FALSE;
      else
        continue;
      if ((v2 ? v2_path : v1_path) == NULL)
        continue;
      mount_root = unescape_mount_field (before[3]);
      mount_point = unescape_mount_field (before[4]);
      q = walk_quota (root, mount_root, mount_point, v2 ? v2_path : v1_path, v2);
      if (q > 0 && (best == 0 || q < best))
        best = q;
    }
  return best;
}

/**
 * pp_cpu_budget_query_at:
 * @root: (nullable): where to read /proc and the cgroup files (see
 *   pp_cpu_budget_read_cgroup_quota()); "/" or %NULL for the real system
 * @envp: (nullable) (array zero-terminated=1): the environment to read SLURM_CPUS_PER_TASK from;
 *   %NULL for the process's own
 * @affinity: CPUs in the affinity mask; 0 to ask the system (pp_cpu_budget_get_affinity())
 * @budget: (out caller-allocates): the result
 *
 * Works out the CPU budget from the given sources, so tests can feed simulated cgroup files, an
 * environment and a mask. The count is the smallest of the affinity mask, the cgroup quota
 * rounded up (a quota of 1.5 CPUs keeps 2 workers busy part of the time rather than leaving half
 * a CPU unused) and SLURM_CPUS_PER_TASK; on a tie Slurm's figure is named, then the mask. Any
 * thread.
 */
void
pp_cpu_budget_query_at (const char         *root,
                        const char * const *envp,
                        guint               affinity,
                        PpCpuBudget        *budget)
{
  g_auto (GStrv) own_env = NULL;
  const char *slurm;
  guint64 value;

  g_return_if_fail (budget != NULL);

  if (envp == NULL)
    envp = (const char * const *) (own_env = g_get_environ ());
  memset (budget, 0, sizeof *budget);
  budget->affinity = affinity > 0 ? affinity : pp_cpu_budget_get_affinity ();
  budget->cgroup_quota = pp_cpu_budget_read_cgroup_quota (root);
  slurm = g_environ_getenv ((char **) envp, "SLURM_CPUS_PER_TASK");
  if (slurm != NULL && g_ascii_string_to_unsigned (slurm, 10, 1, G_MAXUINT, &value, NULL))
    budget->slurm_cpus = (guint) value;

  budget->count = budget->affinity;
  budget->source = PP_CPU_BUDGET_SOURCE_AFFINITY;
  if (budget->cgroup_quota > 0)
    {
      /* 1e-6 absorbs a quota that is a whole number of CPUs but not an exact double. */
      guint quota = (guint) MAX (1.0, ceil (budget->cgroup_quota - 1e-6));

      if (quota < budget->count)
        {
          budget->count = quota;
          budget->source = PP_CPU_BUDGET_SOURCE_CGROUP;
        }
    }
  if (budget->slurm_cpus > 0 && budget->slurm_cpus <= budget->count)
    {
      budget->count = budget->slurm_cpus;
      budget->source = PP_CPU_BUDGET_SOURCE_SLURM;
    }
}

/**
 * pp_cpu_budget_query:
 * @budget: (out caller-allocates): the result
 *
 * The CPU budget of this process as it runs: its affinity mask, its cgroup CPU quota and
 * SLURM_CPUS_PER_TASK from its environment (see pp_cpu_budget_query_at()). Any thread; reads
 * a few files under /proc and /sys/fs/cgroup, so call it once per run, not per file.
 */
void
pp_cpu_budget_query (PpCpuBudget *budget)
{
  pp_cpu_budget_query_at (NULL, NULL, 0, budget);
}

/**
 * pp_cpu_budget_source_to_string:
 * @source: a source
 *
 * Returns: (transfer none): the name used in run records and messages: "affinity", "cgroup"
 *   or "slurm".
 */
const char *
pp_cpu_budget_source_to_string (PpCpuBudgetSource source)
{
  switch (source)
    {
    case PP_CPU_BUDGET_SOURCE_AFFINITY:
      return "affinity";
    case PP_CPU_BUDGET_SOURCE_CGROUP:
      return "cgroup";
    case PP_CPU_BUDGET_SOURCE_SLURM:
      return "slurm";
    default:
      g_return_val_if_reached ("affinity");
    }
}
