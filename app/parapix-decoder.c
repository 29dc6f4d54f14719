/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * parapix-decoder: the helper process that parses untrusted images for Parapix. Its code is the
 * decoder wing's (core/decoder/pp-decoder-helper.c), beside the client that starts it.
 */
#include "config.h"

#include "decoder/pp-decoder-helper.h"

int
main (int    argc,
      char **argv)
{
  return pp_decoder_helper_main (argc, argv);
}
