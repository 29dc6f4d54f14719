/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Forward declarations shared by the core library, so headers need not include each other.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct _PpImage PpImage;
typedef struct _PpFilterInfo PpFilterInfo;
typedef struct _PpParamSpec PpParamSpec;
typedef struct _PpStep PpStep;
typedef struct _PpPipeline PpPipeline;
typedef struct _PpPlan PpPlan;
typedef struct _PpRenderStats PpRenderStats;

G_END_DECLS
