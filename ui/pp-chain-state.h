/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A chain's whole state, switched-off steps included, as a GVariant "a(sb)": each step's spec
 * and whether it is on. For undo and for remembering the chain across restarts (the text spec
 * leaves switched-off steps out).
 */
#pragma once

#include <gio/gio.h>

#include "render/pp-pipeline.h"

G_BEGIN_DECLS

#define PP_CHAIN_STATE_TYPE "a(sb)"

GVariant *pp_chain_state_capture (PpPipeline  *pipeline);
gboolean  pp_chain_state_apply   (PpPipeline  *pipeline,
                                  GVariant    *state,
                                  GError     **error);

G_END_DECLS
