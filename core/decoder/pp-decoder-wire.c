/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The plumbing both ends of the decoder use: waiting on a socket with a deadline and a
 * cancellable, and the two message kinds with their descriptors. No PpDecoder state lives here.
 */
#define G_LOG_DOMAIN "pp-decoder"

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "decoder/pp-decoder-private.h"

/* Waits up to @timeout_ms for @sock to be readable or @cancellable to fire.
 * Returns 1 readable, 0 timed out, -1 cancelled. */
int
_pp_decoder_wait_readable (int           sock,
                           guint         timeout_ms,
                           GCancellable *cancellable)
{
  struct pollfd fds[2] = { { sock, POLLIN, 0 }, { -1, POLLIN, 0 } };
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  int nfds = 1;
  int result = 0;

  if (cancellable != NULL)
    {
      fds[1].fd = g_cancellable_get_fd (cancellable);
      nfds = fds[1].fd >= 0 ? 2 : 1;
    }
  for (;;)
    {
      gint64 left = (deadline - g_get_monotonic_time ()) / 1000;
      int n;

      if (g_cancellable_is_cancelled (cancellable))
        {
          result = -1;
          break;
        }
      if (left <= 0)
        break;
      n = poll (fds, nfds, (int) MIN (left, G_MAXINT));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        break;
      if (fds[0].revents != 0)
        {
          result = 1;
          break;
        }
    }
  if (cancellable != NULL)
    g_cancellable_release_fd (cancellable);
  return result;
}

/* One fixed-size message with at most one descriptor (SCM_RIGHTS), each way: the client sends
 * requests and receives replies, the helper the other way round, with the same two functions.
 * Returns the message size, 0 at end of stream, -1 on error or a truncated message; *fd gets an
 * attached descriptor, or -1. @flags: extra recvmsg() flags (MSG_DONTWAIT). */
gssize
_pp_decoder_receive_message (int      sock,
                             gpointer message,
                             gsize    size,
                             int      flags,
                             int     *fd)
{
  struct iovec iov = { message, size };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  struct msghdr msg = { 0 };
  gssize n;

  *fd = -1;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.buf;
  msg.msg_controllen = sizeof control.buf;
  do
    n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC | flags);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c != NULL; c = CMSG_NXTHDR (&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS
        && c->cmsg_len == CMSG_LEN (sizeof (int)))
      memcpy (fd, CMSG_DATA (c), sizeof (int));
  if (n > 0 && (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
    {
      if (*fd >= 0)
        close (*fd);
      *fd = -1;
      return -1;
    }
  return n;
}

/* Sends @message, with @fd attached unless it is -1. */
gboolean
_pp_decoder_send_message (int           sock,
                          gconstpointer message,
                          gsize         size,
                          int           fd)
{
  struct iovec iov = { (void *) message, size };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  struct msghdr msg = { 0 };

  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (fd >= 0)
    {
      struct cmsghdr *cmsg;

      memset (&control, 0, sizeof control);
      msg.msg_control = control.buf;
      msg.msg_controllen = sizeof control.buf;
      cmsg = CMSG_FIRSTHDR (&msg);
      cmsg->cmsg_level = SOL_SOCKET;
      cmsg->cmsg_type = SCM_RIGHTS;
      cmsg->cmsg_len = CMSG_LEN (sizeof (int));
      memcpy (CMSG_DATA (cmsg), &fd, sizeof (int));
    }
  while (sendmsg (sock, &msg, MSG_NOSIGNAL) < 0)
    if (errno != EINTR)
      return FALSE;
  return TRUE;
}
