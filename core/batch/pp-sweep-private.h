/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What pp-sweep-json.c (the record and the table) reads of a sweep besides its public getters.
 */
#pragma once

#include "batch/pp-sweep.h"

G_BEGIN_DECLS

const char *_pp_sweep_get_format  (PpSweep *self);
GDateTime  *_pp_sweep_get_started (PpSweep *self);
guint       _pp_sweep_get_repeat  (PpSweep *self);

G_END_DECLS
