/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A stand-in for parapix-decoder that misbehaves on purpose, so test-decoder can prove each
 * failure becomes one clean per-file error. The misbehaviour is its name: test-decoder runs it
 * through symbolic links called crash, hang, oom, garbage and truncate.
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <fcntl.h>

#include "decoder/pp-decoder-protocol.h"

int
main (int    argc,
      char **argv)
{
  g_autofree char *mode = g_path_get_basename (argv[0]);
  PpDecoderReply reply = { .magic = PP_DECODER_MAGIC, .ok = 1 };
  PpDecoderRequest req;
  int memfd;

  if (send (PP_DECODER_FD, &reply, sizeof reply, MSG_NOSIGNAL) != sizeof reply)
    return 1;
  if (recv (PP_DECODER_FD, &req, sizeof req, 0) <= 0)
    return 0;
  if (g_strcmp0 (mode, "crash") == 0)
    raise (SIGSEGV);
  if (g_strcmp0 (mode, "hang") == 0)
    for (;;)
      pause ();
  if (g_strcmp0 (mode, "oom") == 0)
    _exit (PP_DECODER_EXIT_OOM);
  if (g_strcmp0 (mode, "garbage") == 0)
    {
      memset (&reply, 0xff, sizeof reply);
      send (PP_DECODER_FD, &reply, 7, MSG_NOSIGNAL);
      pause ();
    }
  /* truncate: claims a 1000x1000 image in an unsealed 16-byte memfd. */
  memfd = memfd_create ("fake", MFD_CLOEXEC);
  if (ftruncate (memfd, 16) != 0)
    return 1;
  reply.width = reply.height = 1000;
  reply.n_frames = 1;
  reply.frame_table = 0;
  {
    char buf[CMSG_SPACE (sizeof (int))] = { 0 };
    struct iovec iov = { &reply, sizeof reply };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = buf,
                          .msg_controllen = sizeof buf };
    struct cmsghdr *cmsg = CMSG_FIRSTHDR (&msg);

    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN (sizeof (int));
    memcpy (CMSG_DATA (cmsg), &memfd, sizeof (int));
    sendmsg (PP_DECODER_FD, &msg, MSG_NOSIGNAL);
  }
  pause ();
  return 0;
}
