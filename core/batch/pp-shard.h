/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Shard selection: which slice K of N of a batch's sorted file list this process takes, from
 * "--shard K/N" or, with "--shard auto", from the environment a scheduler sets for each copy
 * it starts (GNU parallel, a Kubernetes Indexed Job, a Slurm job array).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PP_SHARD_ERROR (pp_shard_error_quark ())

typedef enum
{
  PP_SHARD_ERROR_INVALID,      /* the text is neither K/N, auto nor auto/N */
  PP_SHARD_ERROR_NOT_FOUND,    /* auto: no scheduler's variables in the environment */
  PP_SHARD_ERROR_ENVIRONMENT,  /* auto: a scheduler was found but its variables do not add up */
} PpShardError;

typedef enum
{
  PP_SHARD_SOURCE_NONE,        /* no sharding: 1 of 1 */
  PP_SHARD_SOURCE_OPTION,      /* K/N given on the command line */
  PP_SHARD_SOURCE_SLURM,       /* SLURM_ARRAY_TASK_ID and the array's MIN/MAX/STEP/COUNT */
  PP_SHARD_SOURCE_KUBERNETES,  /* JOB_COMPLETION_INDEX and PARAPIX_SHARD_COUNT */
  PP_SHARD_SOURCE_PARALLEL,    /* GNU parallel's PARALLEL_SEQ and a given count */
} PpShardSource;

typedef struct
{
  guint index;            /* 0-based: this process takes positions index, index + count, … */
  guint count;            /* ≥ 1 */
  PpShardSource source;
} PpShard;

GQuark       pp_shard_error_quark     (void);
void         pp_shard_init            (PpShard            *shard);
gboolean     pp_shard_parse           (const char         *text,
                                       const char * const *envp,
                                       PpShard            *shard,
                                       GError            **error);
gboolean     pp_shard_contains        (const PpShard      *shard,
                                       guint               position);
const char  *pp_shard_source_to_string (PpShardSource      source);
char        *pp_shard_describe        (const PpShard      *shard);

G_END_DECLS
