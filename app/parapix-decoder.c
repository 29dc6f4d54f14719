/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * parapix-decoder: the helper process that decodes untrusted images for Parapix. It caps its own
 * memory and CPU time before reading any request, then serves decode requests on fd 3 until the
 * socket closes. A loader crash, a memory blow-up or a hang costs this process, never Parapix.
 */
#define G_LOG_DOMAIN "parapix-decoder"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <fcntl.h>

#include "pp-decode.h"
#include "pp-decoder-private.h"
#include "pp-pipeline.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PP_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define PP_SANITIZED 1
#endif
#endif

static guint64 memory_limit;
static guint cpu_limit;
static gboolean verbose;

/* GLib aborts when an allocation fails; say "out of memory" through the exit status instead, so
 * the client can tell it from a crash. Loader warnings about damaged files are noise here. */
static GLogWriterOutput
log_writer (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  if (level & G_LOG_LEVEL_ERROR)
    {
      for (gsize i = 0; i < n_fields; i++)
        if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0
            && strstr (fields[i].value, "failed to allocate") != NULL)
          _exit (PP_DECODER_EXIT_OOM);
    }
  if (!verbose && !(level & (G_LOG_LEVEL_ERROR)))
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_standard_streams (level, fields, n_fields, user_data);
}

static void
limit (int      resource,
       rlim_t   soft,
       rlim_t   hard)
{
  struct rlimit rl = { soft, hard };

  if (setrlimit (resource, &rl) != 0)
    g_printerr ("parapix-decoder: setrlimit (%d): %s\n", resource, g_strerror (errno));
}

/* RLIMIT_CPU counts the whole life of this reused process, so each request re-arms the soft
 * limit to "now + cpu_limit"; the hard limit stays open for that. The client's wall-clock
 * time-out is the main guard; this one catches a helper whose client is itself stuck. */
static void
arm_cpu_limit (void)
{
  struct rusage ru;

  if (cpu_limit == 0 || getrusage (RUSAGE_SELF, &ru) != 0)
    return;
  limit (RLIMIT_CPU, ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + cpu_limit, RLIM_INFINITY);
}

static void
apply_limits (void)
{
  prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  /* A crashing loader must not leave core files in the user's folder. */
  limit (RLIMIT_CORE, 0, 0);
#ifndef PP_SANITIZED
  /* ASan and TSan reserve terabytes of shadow address space: an address-space cap would stop
   * them from starting, so sanitizer builds rely on the time-outs alone. */
  if (memory_limit > 0)
    {
      limit (RLIMIT_AS, memory_limit, memory_limit);
      /* Nothing but the memfd is written, and it holds at most what fits in memory. */
      limit (RLIMIT_FSIZE, memory_limit, memory_limit);
    }
#endif
  /* Descriptors: the socket, the input, the memfd, and what dlopen() of a loader module and its
   * libraries briefly needs. RLIMIT_NPROC is left alone on purpose: it counts every thread of the
   * user, not of this process, and the heif loader decodes on threads. */
  limit (RLIMIT_NOFILE, 32, 32);
}

static void
reply_error (PpDecoderReply *reply,
             const GError   *error)
{
  reply->ok = 0;
  if (error->domain == PP_DECODE_ERROR)
    reply->error_domain = PP_DECODER_DOMAIN_DECODE;
  else if (error->domain == G_IO_ERROR)
    reply->error_domain = PP_DECODER_DOMAIN_IO;
  else
    reply->error_domain = PP_DECODER_DOMAIN_DECODE;
  reply->error_code = reply->error_domain == PP_DECODER_DOMAIN_DECODE
                        && error->domain != PP_DECODE_ERROR ? PP_DECODE_ERROR_CORRUPT
                                                            : error->code;
  g_strlcpy (reply->message, error->message, sizeof reply->message);
}

/* Copies the pixbuf into a sealed memfd: the one copy isolation costs, done here so that the
 * client maps the result without copying again. */
static int
pixels_to_memfd (GdkPixbuf      *pixbuf,
                 const char     *icc,
                 PpDecoderReply *reply,
                 GError        **error)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  int rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  const guint8 *src = gdk_pixbuf_read_pixels (pixbuf);
  gsize row_bytes = (gsize) width * channels;
  gsize stride = (row_bytes + 63) & ~(gsize) 63;
  gsize icc_len = icc != NULL ? strlen (icc) : 0;
  gsize size = stride * height + icc_len;
  guint8 *map;
  int fd;

  fd = memfd_create ("parapix-pixels", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0 || ftruncate (fd, size) != 0)
    {
      g_set_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_OUT_OF_MEMORY,
                   "cannot allocate %" G_GSIZE_FORMAT " bytes of shared memory: %s", size,
                   g_strerror (errno));
      if (fd >= 0)
        close (fd);
      return -1;
    }
  map = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (map == MAP_FAILED)
    {
      g_set_error (error, PP_DECODE_ERROR, PP_DECODE_ERROR_OUT_OF_MEMORY,
                   "cannot map %" G_GSIZE_FORMAT " bytes of shared memory: %s", size,
                   g_strerror (errno));
      close (fd);
      return -1;
    }
  for (int y = 0; y < height; y++)
    memcpy (map + (gsize) y * stride, src + (gsize) y * rowstride, row_bytes);
  if (icc_len > 0)
    memcpy (map + stride * height, icc, icc_len);
  munmap (map, size);
  /* Sealed, the client can map it without fearing that a misbehaving helper shrinks the file
   * under its mapping (SIGBUS) or rewrites pixels it has checked. */
  fcntl (fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);

  reply->width = width;
  reply->height = height;
  reply->channels = channels;
  reply->stride = stride;
  reply->icc_len = icc_len;
  return fd;
}

static void
serve_one (const PpDecoderRequest *req,
           int                     input_fd,
           PpDecoderReply         *reply,
           int                    *memfd)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  g_auto (GStrv) allowed = NULL;
  PpDecodeInfo info = { 0 };
  PpDecodeOptions options = { 0 };
  PpStep step = { 0 };

  options.max_pixels = req->max_pixels;
  options.apply_orientation = req->apply_orientation != 0;
  options.whole_file = TRUE;
  if (req->allowed[0] != '\0')
    {
      allowed = g_strsplit (req->allowed, ",", -1);
      options.allowed_formats = (const char *const *) allowed;
    }
  if (req->shrink_filter[0] != '\0')
    {
      step.info = pp_filter_lookup (req->shrink_filter);
      step.enabled = TRUE;
      memcpy (step.values, req->shrink_values, sizeof step.values);
      if (step.info != NULL)
        options.shrink_step = &step;
    }

  arm_cpu_limit ();
  pixbuf = pp_decode_fd (input_fd, req->name[0] != '\0' ? req->name : NULL, &options, &info,
                         &error);
  if (pixbuf != NULL)
    *memfd = pixels_to_memfd (pixbuf, info.icc_profile, reply, &error);

  reply->orig_width = info.width;
  reply->orig_height = info.height;
  reply->orientation = info.orientation;
  if (info.format != NULL)
    g_strlcpy (reply->format, info.format, sizeof reply->format);
  if (error != NULL)
    {
      /* Out of memory inside a loader surfaces as an ordinary GError. */
      if (g_error_matches (error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_INSUFFICIENT_MEMORY)
          || (error->domain == PP_DECODE_ERROR && strstr (error->message, "nsufficient memory")))
        {
          reply->ok = 0;
          reply->error_domain = PP_DECODER_DOMAIN_DECODE;
          reply->error_code = PP_DECODE_ERROR_OUT_OF_MEMORY;
          g_strlcpy (reply->message, error->message, sizeof reply->message);
        }
      else
        reply_error (reply, error);
    }
  else
    reply->ok = 1;
  pp_decode_info_clear (&info);
}

static gboolean
send_reply (int                   sock,
            const PpDecoderReply *reply,
            int                   memfd)
{
  struct iovec iov = { (void *) reply, sizeof *reply };
  union
  {
    char buf[CMSG_SPACE (sizeof (int))];
    struct cmsghdr align;
  } control;
  struct msghdr msg = { 0 };

  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (memfd >= 0)
    {
      struct cmsghdr *cmsg;

      memset (&control, 0, sizeof control);
      msg.msg_control = control.buf;
      msg.msg_controllen = sizeof control.buf;
      cmsg = CMSG_FIRSTHDR (&msg);
      cmsg->cmsg_level = SOL_SOCKET;
      cmsg->cmsg_type = SCM_RIGHTS;
      cmsg->cmsg_len = CMSG_LEN (sizeof (int));
      memcpy (CMSG_DATA (cmsg), &memfd, sizeof (int));
    }
  while (sendmsg (sock, &msg, MSG_NOSIGNAL) < 0)
    if (errno != EINTR)
      return FALSE;
  return TRUE;
}

/* Returns the request's size (0 at end of stream, -1 on error) and the attached descriptor. */
static gssize
receive_request (int               sock,
                 PpDecoderRequest *req,
                 int              *fd)
{
  struct iovec iov = { req, sizeof *req };
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
    n = recvmsg (sock, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n <= 0)
    return n;
  for (struct cmsghdr *c = CMSG_FIRSTHDR (&msg); c != NULL; c = CMSG_NXTHDR (&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS
        && c->cmsg_len == CMSG_LEN (sizeof (int)))
      memcpy (fd, CMSG_DATA (c), sizeof (int));
  return (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ? -1 : n;
}

int
main (int    argc,
      char **argv)
{
  const int sock = PP_DECODER_FD;
  PpDecoderReply hello = { .magic = PP_DECODER_MAGIC, .ok = 1 };

  for (int i = 1; i + 1 < argc; i += 2)
    {
      if (g_str_equal (argv[i], "--memory-limit"))
        memory_limit = g_ascii_strtoull (argv[i + 1], NULL, 10);
      else if (g_str_equal (argv[i], "--cpu-limit"))
        cpu_limit = g_ascii_strtoull (argv[i + 1], NULL, 10);
    }
  verbose = g_getenv ("PP_DECODER_VERBOSE") != NULL;
  g_log_set_writer_func (log_writer, NULL, NULL);

  /* Load the loader list (not the loaders) before the descriptor cap. */
  g_slist_free (gdk_pixbuf_get_formats ());
  apply_limits ();

  /* The hello tells the client that the helper (and any sandbox around it) started. */
  if (!send_reply (sock, &hello, -1))
    return 1;

  for (;;)
    {
      PpDecoderRequest req;
      PpDecoderReply reply = { .magic = PP_DECODER_MAGIC };
      int input_fd, memfd = -1;
      gssize n = receive_request (sock, &req, &input_fd);

      if (n == 0)
        return 0;
      if (n != sizeof req || req.magic != PP_DECODER_MAGIC || input_fd < 0)
        return 1;
      req.name[sizeof req.name - 1] = '\0';
      req.shrink_filter[sizeof req.shrink_filter - 1] = '\0';
      req.allowed[sizeof req.allowed - 1] = '\0';

      serve_one (&req, input_fd, &reply, &memfd);
      close (input_fd);
      if (!send_reply (sock, &reply, memfd))
        return 1;
      if (memfd >= 0)
        close (memfd);
    }
}
