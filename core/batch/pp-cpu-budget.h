/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The CPU budget: how many CPUs this process may really use, and what said so. A Slurm step
 * with 4 CPUs on a 64-core node, or a container with a 2-CPU quota, must not start 64 workers,
 * so the count is the smallest of SLURM_CPUS_PER_TASK, the cgroup CPU quota (v2 cpu.max or v1
 * cpu.cfs_quota_us over the whole hierarchy) and the affinity mask.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where a budget's count came from (the limit that binds). */
typedef enum
{
  PP_CPU_BUDGET_SOURCE_AFFINITY,   /* the CPU affinity mask (sched_getaffinity): no tighter limit */
  PP_CPU_BUDGET_SOURCE_CGROUP,     /* a cgroup CPU quota, rounded up to whole CPUs */
  PP_CPU_BUDGET_SOURCE_SLURM,      /* SLURM_CPUS_PER_TASK */
} PpCpuBudgetSource;

typedef struct
{
  guint count;               /* CPUs to use, ≥ 1: the smallest of the limits below */
  PpCpuBudgetSource source;  /* the limit that gave @count */
  guint affinity;            /* CPUs in the affinity mask, ≥ 1 */
  double cgroup_quota;       /* quota / period in CPUs (1.5: one and a half); 0: no quota */
  guint slurm_cpus;          /* SLURM_CPUS_PER_TASK; 0: unset or not a positive integer */
} PpCpuBudget;

void         pp_cpu_budget_query            (PpCpuBudget        *budget);
void         pp_cpu_budget_query_at         (const char         *root,
                                             const char * const *envp,
                                             guint               affinity,
                                             PpCpuBudget        *budget);
double       pp_cpu_budget_read_cgroup_quota (const char        *root);
guint        pp_cpu_budget_get_affinity     (void);
const char  *pp_cpu_budget_source_to_string (PpCpuBudgetSource   source);

G_END_DECLS
