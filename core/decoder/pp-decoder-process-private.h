/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Inside PpDecoder: the object's fields, shared by pp-decoder.c (the client: settings, requests
 * and replies) and pp-decoder-process.c (the helper process's life), and what the client asks of
 * the process side.
 */
#pragma once

#include "decoder/pp-decoder.h"

G_BEGIN_DECLS

struct _PpDecoder
{
  GObject parent_instance;

  gboolean want_sandbox;
  guint64 memory_limit;
  guint timeout_ms;
  char *helper_path;

  GPid pid;          /* 0: no helper running */
  guint64 helper_cpu_us; /* the running helper's CPU time at its last answer */
  int sock;
  gboolean sandboxed; /* the running helper is inside bubblewrap */
  guint n_requests;
  guint n_spawns;
};

/* pp-decoder-process.c */
gboolean  _pp_decoder_process_ensure     (PpDecoder  *self,
                                          GError    **error);
void      _pp_decoder_process_kill       (PpDecoder  *self);
void      _pp_decoder_process_reap_dead  (PpDecoder  *self,
                                          GError    **error);

G_END_DECLS
