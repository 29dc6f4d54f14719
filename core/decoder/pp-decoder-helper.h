/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The parapix-decoder helper's whole program, so that app/parapix-decoder.c is a main() of one
 * line and the helper's code sits beside the client's (pp-decoder.c) in this wing.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int pp_decoder_helper_main (int    argc,
                            char **argv);

G_END_DECLS
