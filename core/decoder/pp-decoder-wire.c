/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The plumbing under PpDecoder: the bubblewrap command line, waiting on the helper's socket with
 * a deadline and a cancellable, the two message kinds with their descriptors, and reaping. No
 * PpDecoder state lives here.
 */
#define G_LOG_DOMAIN "pp-decoder"

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "decoder/pp-decoder-private.h"

int
_pp_decoder_reap (GPid pid)
{
  int status = 0;

  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  return status;
}

static void
add (GPtrArray  *argv,
     const char *arg)
{
  g_ptr_array_add (argv, g_strdup (arg));
}

/* bubblewrap: nothing shared, no network, read-only system files, no home and no input folder
 * (the input arrives as a descriptor), a clean environment. */
void
_pp_decoder_add_bwrap_args (GPtrArray  *argv,
                            const char *bwrap,
                            const char *helper)
{
  static const char *const keep_env[] = {
    "GDK_PIXBUF_MODULE_FILE", "GDK_PIXBUF_MODULEDIR", "PP_DECODER_VERBOSE", "ASAN_OPTIONS",
    "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS", "LANG", "LC_ALL", "LC_MESSAGES", NULL,
  };
  static const char *const etc_files[] = {
    "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/fonts", "/etc/alternatives",
    NULL,
  };
  const char *module_file = g_getenv ("GDK_PIXBUF_MODULE_FILE");
  const char *module_dir = g_getenv ("GDK_PIXBUF_MODULEDIR");

  add (argv, bwrap);
  add (argv, "--unshare-all");
  add (argv, "--die-with-parent");
  add (argv, "--new-session");
  add (argv, "--clearenv");
  add (argv, "--ro-bind");
  add (argv, "/usr");
  add (argv, "/usr");
  for (guint i = 0; i < 4; i++)
    {
      static const char *const links[][2] = {
        { "usr/lib", "/lib" }, { "usr/lib64", "/lib64" }, { "usr/bin", "/bin" },
        { "usr/sbin", "/sbin" },
      };

      add (argv, "--symlink");
      add (argv, links[i][0]);
      add (argv, links[i][1]);
    }
  for (guint i = 0; etc_files[i] != NULL; i++)
    {
      add (argv, "--ro-bind-try");
      add (argv, etc_files[i]);
      add (argv, etc_files[i]);
    }
  /* The fresh /proc, /dev and /tmp first: bubblewrap applies mounts in order, so a tmpfs on
   * /tmp mounted after the binds below would hide a helper or module file built under /tmp. */
  add (argv, "--proc");
  add (argv, "/proc");
  add (argv, "--dev");
  add (argv, "/dev");
  add (argv, "--tmpfs");
  add (argv, "/tmp");
  if (!g_str_has_prefix (helper, "/usr/"))
    {
      add (argv, "--ro-bind");
      add (argv, helper);
      add (argv, helper);
    }
  if (module_file != NULL && !g_str_has_prefix (module_file, "/usr/"))
    {
      add (argv, "--ro-bind-try");
      add (argv, module_file);
      add (argv, module_file);
    }
  if (module_dir != NULL && !g_str_has_prefix (module_dir, "/usr/"))
    {
      add (argv, "--ro-bind-try");
      add (argv, module_dir);
      add (argv, module_dir);
    }
  for (guint i = 0; keep_env[i] != NULL; i++)
    {
      const char *value = g_getenv (keep_env[i]);
      const char *supp;

      if (value == NULL)
        continue;
      /* Sanitizer builds: their suppression files must be visible inside the sandbox. */
      supp = strstr (value, "suppressions=");
      if (supp != NULL)
        {
          g_autofree char *file = g_strndup (supp + strlen ("suppressions="),
                                             strcspn (supp + strlen ("suppressions="), ":"));

          add (argv, "--ro-bind-try");
          add (argv, file);
          add (argv, file);
        }
      add (argv, "--setenv");
      add (argv, keep_env[i]);
      add (argv, value);
    }
  add (argv, "--");
}

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
