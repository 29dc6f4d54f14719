/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the machine allows a batch, for the thread choice and the benchmark report: memory
 * (MemAvailable and the cgroup's limit), the process tree's memory (Parapix and its
 * decoder helpers) sampled during a run, and a description of the machine.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Where a memory budget's figure came from (the limit that binds). */
typedef enum
{
  PP_MEMORY_BUDGET_SOURCE_MEMINFO,    /* MemAvailable in /proc/meminfo */
  PP_MEMORY_BUDGET_SOURCE_CGROUP,     /* the cgroup's memory limit less its usage */
  PP_MEMORY_BUDGET_SOURCE_ENVIRONMENT, /* PP_MEMORY_BUDGET */
  PP_MEMORY_BUDGET_SOURCE_UNKNOWN,    /* nothing readable: an assumed 1 GiB */
} PpMemoryBudgetSource;

typedef struct
{
  guint64 bytes;                 /* what a batch may use: the smallest of the limits below */
  PpMemoryBudgetSource source;
  guint64 mem_available;         /* 0: unknown */
  guint64 cgroup_available;      /* 0: no limit */
} PpMemoryBudget;

void         pp_memory_budget_query        (PpMemoryBudget       *budget);
void         pp_memory_budget_query_at     (const char           *root,
                                            const char           *env_value,
                                            PpMemoryBudget       *budget);
const char  *pp_memory_budget_source_to_string (PpMemoryBudgetSource source);
gboolean     pp_parse_bytes                (const char           *text,
                                            guint64              *bytes);

guint        pp_machine_get_cpu_budget     (char                **how);

guint64      pp_process_tree_memory           (void);

typedef struct _PpMemorySampler PpMemorySampler;

PpMemorySampler *pp_memory_sampler_start   (guint                 interval_ms);
guint64      pp_memory_sampler_stop        (PpMemorySampler      *sampler);

JsonNode    *pp_machine_describe           (void);

G_END_DECLS
