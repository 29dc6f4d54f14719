/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The CPU budget on simulated systems: cgroup v2 and v1 files laid out under a temporary root as
 * the kernel lays them out (containers, Slurm steps, systemd slices, hybrid mounts), an
 * environment with and without SLURM_CPUS_PER_TASK, and a given affinity count; then the real
 * system against a naive count of /proc/self/status's Cpus_allowed_list.
 */
#include <string.h>

#include <glib/gstdio.h>

#include "batch/pp-cpu-budget.h"
#include "pp-test-util.h"

typedef struct
{
  char *root;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  f->root = g_dir_make_tmp ("pp-cpu-budget-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  pp_test_remove_tree (f->root);
  g_free (f->root);
}

/* Writes @contents to @relative under the fixture's root, creating folders. */
static void
put (Fixture    *f,
     const char *relative,
     const char *contents)
{
  g_autofree char *path = g_build_filename (f->root, relative, NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static const char *const no_env[] = { "PATH=/usr/bin", NULL };

#define V2_MOUNT "30 22 0:27 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n"

/* A cgroup layout as the kernel shows it to the process, and the budget it must give. */
typedef struct
{
  const char *name;
  const char *mountinfo;           /* proc/self/mountinfo */
  const char *cgroup;              /* proc/self/cgroup */
  const char *files[12];           /* path under the root, contents; pairs, NULL-terminated */
  guint affinity;                  /* CPUs in the (given) affinity mask */
  double quota;                    /* expected quota in CPUs, 0: none */
  guint count;                     /* expected workers */
  PpCpuBudgetSource source;        /* expected limit */
} CgroupCase;

static const CgroupCase cgroup_cases[] = {
  /* A container (cgroup namespace): the process sits at the namespace root, cpu.max is there. */
  { "v2-container", "22 1 0:20 / /sys rw - sysfs sysfs rw\n" V2_MOUNT, "0::/\n",
    { "sys/fs/cgroup/cpu.max", "200000 100000\n", NULL },
    64, 2.0, 2, PP_CPU_BUDGET_SOURCE_CGROUP },
  /* A systemd slice with a quota on a parent and none on the leaf: the parent's binds; 1.5
   * CPUs round up to 2 workers. */
  { "v2-nested-parent-quota", V2_MOUNT, "0::/batch.slice/job-7.scope\n",
    { "sys/fs/cgroup/batch.slice/cpu.max", "150000 100000\n",
      "sys/fs/cgroup/batch.slice/job-7.scope/cpu.max", "max 100000\n", NULL },
    16, 1.5, 2, PP_CPU_BUDGET_SOURCE_CGROUP },
  /* A tighter leaf wins over a looser parent. */
  { "v2-nested-tighter-leaf", V2_MOUNT, "0::/batch.slice/job-7.scope\n",
    { "sys/fs/cgroup/batch.slice/cpu.max", "150000 100000\n",
      "sys/fs/cgroup/batch.slice/job-7.scope/cpu.max", "50000 100000\n", NULL },
    16, 0.5, 1, PP_CPU_BUDGET_SOURCE_CGROUP },
  /* "max": no quota, the affinity mask decides. */
  { "v2-no-quota", V2_MOUNT, "0::/user.slice\n",
    { "sys/fs/cgroup/user.slice/cpu.max", "max 100000\n", NULL },
    6, 0, 6, PP_CPU_BUDGET_SOURCE_AFFINITY },
  /* A quota looser than the mask does not raise the count. */
  { "quota-above-affinity", V2_MOUNT, "0::/\n",
    { "sys/fs/cgroup/cpu.max", "800000 100000\n", NULL },
    4, 8.0, 4, PP_CPU_BUDGET_SOURCE_AFFINITY },
  /* cgroup v1 as Slurm's task/cgroup plugin lays it out: cpu,cpuacct joined, a job and a step;
   * cpuset is not the cpu controller, so a stray quota file there must not count. */
  { "v1-slurm-step",
    "30 22 0:27 / /sys/fs/cgroup rw - tmpfs tmpfs rw,mode=755\n"
    "31 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct\n"
    "33 30 0:30 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset\n",
    "5:cpuset:/slurm/uid_0/job_12\n4:cpu,cpuacct:/slurm/uid_0/job_12/step_0\n",
    { "sys/fs/cgroup/cpu,cpuacct/slurm/uid_0/job_12/step_0/cpu.cfs_quota_us", "300000\n",
      "sys/fs/cgroup/cpu,cpuacct/slurm/uid_0/job_12/step_0/cpu.cfs_period_us", "100000\n",
      "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "-1\n",
      "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n",
      "sys/fs/cgroup/cpuset/slurm/uid_0/job_12/cpu.cfs_quota_us", "100000\n", NULL },
    64, 3.0, 3, PP_CPU_BUDGET_SOURCE_CGROUP },
  /* Docker on cgroup v1 without a cgroup namespace: /proc/self/cgroup names /docker/ID, but
   * the mount's root is that very cgroup, so its files sit at the mount point. */
  { "v1-docker-mount-root",
    "731 722 0:31 /docker/abc123 /sys/fs/cgroup/cpu ro,nosuid - cgroup cgroup rw,cpu\n",
    "3:cpu:/docker/abc123\n",
    { "sys/fs/cgroup/cpu/cpu.cfs_quota_us", "250000\n",
      "sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n", NULL },
    32, 2.5, 3, PP_CPU_BUDGET_SOURCE_CGROUP },
  /* Hybrid mounts (v1 controllers plus an empty unified v2 tree, as on this CI's hosts), and
   * a mount point with a space, which mountinfo writes as \040. */
  { "hybrid-and-escapes",
    "40 30 0:37 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n"
    "31 30 0:28 / /cg\\040v1/cpu rw - cgroup cgroup rw,cpu\n",
    "1:cpu:/jobs/a\n0::/jobs/a\n",
    { "cg v1/cpu/jobs/cpu.cfs_quota_us", "400000\n",
      "cg v1/cpu/jobs/cpu.cfs_period_us", "200000\n", NULL },
    8, 2.0, 2, PP_CPU_BUDGET_SOURCE_CGROUP },
};

static void
test_cgroup_case (Fixture       *f,
                  gconstpointer  data)
{
  const CgroupCase *c = data;
  PpCpuBudget b;

  put (f, "proc/self/mountinfo", c->mountinfo);
  put (f, "proc/self/cgroup", c->cgroup);
  for (guint i = 0; c->files[i] != NULL; i += 2)
    put (f, c->files[i], c->files[i + 1]);

  g_assert_cmpfloat_with_epsilon (pp_cpu_budget_read_cgroup_quota (f->root), c->quota, 1e-9);
  pp_cpu_budget_query_at (f->root, no_env, c->affinity, &b);
  g_assert_cmpfloat_with_epsilon (b.cgroup_quota, c->quota, 1e-9);
  g_assert_cmpuint (b.count, ==, c->count);
  g_assert_cmpint (b.source, ==, c->source);
  g_assert_cmpuint (b.affinity, ==, c->affinity);
  g_assert_cmpuint (b.slurm_cpus, ==, 0);
}

/* Slurm's figure wins when it is the tightest, but never raises the count above the others. */
static void
test_slurm (Fixture       *f,
            gconstpointer  data)
{
  const char *const slurm4[] = { "SLURM_CPUS_PER_TASK=4", NULL };
  const char *const slurm8[] = { "SLURM_CPUS_PER_TASK=8", NULL };
  const char *const slurm2[] = { "SLURM_CPUS_PER_TASK=2", NULL };
  const char *const bad[] = { "SLURM_CPUS_PER_TASK=four", NULL };
  const char *const zero[] = { "SLURM_CPUS_PER_TASK=0", NULL };
  PpCpuBudget b;

  /* No cgroup files at all under this root: no quota. */
  pp_cpu_budget_query_at (f->root, slurm4, 64, &b);
  g_assert_cmpuint (b.count, ==, 4);
  g_assert_cmpint (b.source, ==, PP_CPU_BUDGET_SOURCE_SLURM);
  g_assert_cmpstr (pp_cpu_budget_source_to_string (b.source), ==, "slurm");
  g_assert_cmpuint (b.slurm_cpus, ==, 4);

  put (f, "proc/self/mountinfo", V2_MOUNT);
  put (f, "proc/self/cgroup", "0::/\n");
  put (f, "sys/fs/cgroup/cpu.max", "200000 100000\n");
  pp_cpu_budget_query_at (f->root, slurm8, 64, &b);
  g_assert_cmpuint (b.count, ==, 2);
  g_assert_cmpint (b.source, ==, PP_CPU_BUDGET_SOURCE_CGROUP);
  g_assert_cmpstr (pp_cpu_budget_source_to_string (b.source), ==, "cgroup");
  g_assert_cmpuint (b.slurm_cpus, ==, 8);

  /* A tie names Slurm: it is what the user asked the scheduler for. */
  pp_cpu_budget_query_at (f->root, slurm2, 64, &b);
  g_assert_cmpuint (b.count, ==, 2);
  g_assert_cmpint (b.source, ==, PP_CPU_BUDGET_SOURCE_SLURM);

  pp_cpu_budget_query_at (f->root, bad, 64, &b);
  g_assert_cmpuint (b.slurm_cpus, ==, 0);
  g_assert_cmpint (b.source, ==, PP_CPU_BUDGET_SOURCE_CGROUP);
  pp_cpu_budget_query_at (f->root, zero, 64, &b);
  g_assert_cmpuint (b.slurm_cpus, ==, 0);
  g_assert_cmpuint (b.count, ==, 2);
}

/* Broken or missing files mean "no quota we can know", never a crash or a zero count. */
static void
test_unreadable (Fixture       *f,
                 gconstpointer  data)
{
  PpCpuBudget b;

  pp_cpu_budget_query_at (f->root, no_env, 3, &b);
  g_assert_cmpuint (b.count, ==, 3);
  g_assert_cmpfloat (b.cgroup_quota, ==, 0);
  g_assert_cmpstr (pp_cpu_budget_source_to_string (b.source), ==, "affinity");

  put (f, "proc/self/mountinfo", "garbage\n\n - \n" V2_MOUNT);
  put (f, "proc/self/cgroup", "nonsense\n0::/a\n");
  put (f, "sys/fs/cgroup/a/cpu.max", "\n");
  put (f, "sys/fs/cgroup/cpu.max", "-5 0\n");
  pp_cpu_budget_query_at (f->root, no_env, 3, &b);
  g_assert_cmpuint (b.count, ==, 3);
  g_assert_cmpfloat (b.cgroup_quota, ==, 0);

  /* A tiny quota still leaves one worker. */
  put (f, "sys/fs/cgroup/a/cpu.max", "1000 100000\n");
  pp_cpu_budget_query_at (f->root, no_env, 3, &b);
  g_assert_cmpuint (b.count, ==, 1);
}

/* Naive reference: count the CPUs in "Cpus_allowed_list:\t0-3,8,10-11". */
static guint
count_allowed_list (void)
{
  g_autofree char *status = NULL;
  g_auto (GStrv) lines = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  lines = g_strsplit (status, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "Cpus_allowed_list:"))
      {
        g_auto (GStrv) ranges = g_strsplit (g_strstrip (lines[i] + strlen ("Cpus_allowed_list:")),
                                            ",", -1);

        for (guint r = 0; ranges[r] != NULL; r++)
          {
            g_auto (GStrv) ends = g_strsplit (ranges[r], "-", 2);
            guint a = atoi (ends[0]);
            guint z = ends[1] != NULL ? (guint) atoi (ends[1]) : a;

            n += z - a + 1;
          }
      }
  return n;
}

static void
test_real_system (void)
{
  PpCpuBudget b;
  guint allowed = count_allowed_list ();

  g_assert_cmpuint (pp_cpu_budget_get_affinity (), ==, allowed);
  pp_cpu_budget_query (&b);
  g_assert_cmpuint (b.affinity, ==, allowed);
  g_assert_cmpuint (b.count, >=, 1);
  g_assert_cmpuint (b.count, <=, allowed);
  if (b.source == PP_CPU_BUDGET_SOURCE_AFFINITY)
    g_assert_cmpuint (b.count, ==, allowed);
  g_test_message ("this machine: %u CPUs from %s (affinity %u, quota %.2f, slurm %u)", b.count,
                  pp_cpu_budget_source_to_string (b.source), b.affinity, b.cgroup_quota,
                  b.slurm_cpus);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/pp/cpu-budget/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  for (guint i = 0; i < G_N_ELEMENTS (cgroup_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/pp/cpu-budget/", cgroup_cases[i].name, NULL);

      g_test_add (path, Fixture, &cgroup_cases[i], fixture_set_up, test_cgroup_case,
                  fixture_tear_down);
    }
  ADD ("slurm", test_slurm);
  ADD ("unreadable", test_unreadable);
#undef ADD
  g_test_add_func ("/pp/cpu-budget/real-system", test_real_system);
  return g_test_run ();
}
