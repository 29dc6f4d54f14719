/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * parapix-decoder: the helper process that parses untrusted images for Parapix. It caps its own
 * memory and CPU time before reading any request, then runs pp_io_load() (the very code Parapix
 * runs without isolation) on each file descriptor it is sent on fd 3, until the socket closes.
 * A loader crash, a memory blow-up or a hang costs this process, never Parapix.
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

#include "decoder/pp-decoder-private.h"
#include "io/pp-io-private.h"
#include "render/pp-pipeline.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PP_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define PP_SANITIZED 1
#endif
#endif

static char *name_dir; /* private folder for the per-request name (see serve_one) */
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

/* Messages name the file the user knows, not the descriptor path we opened it by. */
static void
reply_error (PpDecoderReply *reply,
             const GError   *error,
             const char     *fd_path,
             const char     *name)
{
  g_autoptr (GString) message = g_string_new (error->message);

  g_string_replace (message, fd_path, name, 0);
  reply->ok = 0;
  if (error->domain == G_IO_ERROR)
    reply->error_domain = PP_DECODER_DOMAIN_GIO;
  else
    reply->error_domain = PP_DECODER_DOMAIN_IO;
  reply->error_code = error->domain == PP_IO_ERROR || error->domain == G_IO_ERROR
                        ? error->code : PP_IO_ERROR_DECODE;
  /* Loaders report memory they could not get as ordinary errors, and some say so for plain
   * damage too (a GIF frame of width 0), so the error stays what it is; the limit that may have
   * caused it is worth a mention. */
  if ((strstr (message->str, "nsufficient memory") != NULL
       || strstr (message->str, "ot enough memory") != NULL) && memory_limit > 0)
    {
      if (memory_limit % (G_GUINT64_CONSTANT (1) << 30) == 0)
        g_string_append_printf (message, " (the decoder’s memory limit is %" G_GUINT64_FORMAT
                                " GiB)", memory_limit >> 30);
      else
        g_string_append_printf (message, " (the decoder’s memory limit is %" G_GUINT64_FORMAT
                                " MiB)", memory_limit >> 20);
    }
  g_strlcpy (reply->message, message->str, sizeof reply->message);
}

/* One memfd for the life of the helper, grown when an image needs more and never shrunk
 * (F_SEAL_SHRINK): its pages stay faulted in from one file to the next, which fresh memfds
 * (shmem gets no huge pages here) paid for in page faults on both sides. The client copies the
 * pixels out before it sends the next request, so reuse never overwrites an image in use. */
static int pixels_fd = -1;
static guint8 *pixels_map;
static gsize pixels_capacity;

static int
pixels_to_memfd (const PpImage  *image,
                 GBytes         *icc,
                 PpDecoderReply *reply,
                 GError        **error)
{
  gsize row_bytes = (gsize) image->width * image->channels;
  gsize stride = (row_bytes + 63) & ~(gsize) 63;
  gsize icc_len = icc != NULL ? g_bytes_get_size (icc) : 0;
  gsize size = stride * image->height + icc_len;

  if (pixels_fd < 0)
    {
      pixels_fd = memfd_create ("parapix-pixels", MFD_CLOEXEC | MFD_ALLOW_SEALING);
      if (pixels_fd < 0 || fcntl (pixels_fd, F_ADD_SEALS, F_SEAL_SHRINK) != 0)
        goto fail;
    }
  if (size > pixels_capacity)
    {
      if (pixels_map != NULL)
        munmap (pixels_map, pixels_capacity);
      pixels_map = NULL;
      pixels_capacity = 0;
      if (ftruncate (pixels_fd, size) != 0)
        goto fail;
      pixels_map = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, pixels_fd, 0);
      if (pixels_map == MAP_FAILED)
        {
          pixels_map = NULL;
          goto fail;
        }
      pixels_capacity = size;
    }
  for (int y = 0; y < image->height; y++)
    memcpy (pixels_map + (gsize) y * stride, PP_IMAGE_ROW (image, y), row_bytes);
  if (icc_len > 0)
    memcpy (pixels_map + stride * image->height, g_bytes_get_data (icc, NULL), icc_len);

  reply->width = image->width;
  reply->height = image->height;
  reply->channels = image->channels;
  reply->stride = stride;
  reply->icc_len = icc_len;
  return pixels_fd;

fail:
  g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_DECODE,
               "Not enough memory to hand over %" G_GSIZE_FORMAT " bytes of pixels: %s", size,
               g_strerror (errno));
  return -1;
}

static void
serve_one (const PpDecoderRequest *req,
           int                     input_fd,
           PpDecoderReply         *reply,
           int                    *memfd)
{
  g_autofree char *proc_path = g_strdup_printf ("/proc/self/fd/%d", input_fd);
  g_autofree char *fd_path = NULL;
  g_autoptr (PpPipeline) pipeline = NULL;
  g_autoptr (PpImage) image = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (PpImageInfo) info = { 0 };
  PpLoadOptions options;

  pp_load_options_init (&options);
  options.max_megapixels = req->max_megapixels;
  options.keep_orientation = req->keep_orientation != 0;
  if (req->shrink_filter[0] != '\0')
    {
      const PpFilterInfo *filter = pp_filter_lookup (req->shrink_filter);

      if (filter != NULL)
        {
          pipeline = pp_pipeline_new ();
          pp_pipeline_append (pipeline, filter, req->shrink_values);
          options.pipeline = pipeline;
        }
    }

  /* The path re-opens the very file the client opened (and checked) through our descriptor.
   * gdk-pixbuf guesses some formats (PNM, XBM…) from the name when the content is not enough,
   * so the path carries the file's real name: a symbolic link to the descriptor. */
  if (name_dir != NULL && req->name[0] != '\0' && strchr (req->name, '/') == NULL
      && !g_str_equal (req->name, ".") && !g_str_equal (req->name, ".."))
    {
      fd_path = g_build_filename (name_dir, req->name, NULL);
      if (symlink (proc_path, fd_path) != 0)
        g_clear_pointer (&fd_path, g_free);
    }
  if (fd_path == NULL)
    fd_path = g_strdup (proc_path);

  arm_cpu_limit ();
  image = _pp_io_load_here (fd_path, &options, &info, NULL, &error);
  if (!g_str_equal (fd_path, proc_path))
    unlink (fd_path);
  if (image != NULL)
    *memfd = pixels_to_memfd (image, info.icc_profile, reply, &error);

  reply->header_width = info.width;
  reply->header_height = info.height;
  reply->loaded_width = info.loaded_width;
  reply->loaded_height = info.loaded_height;
  reply->orientation = info.orientation;
  reply->orientation_applied = info.orientation_applied;
  if (info.format != NULL)
    g_strlcpy (reply->format, info.format, sizeof reply->format);
  if (error != NULL)
    reply_error (reply, error, fd_path, req->name);
  else
    reply->ok = 1;
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
  /* Out of the terminal's process group: Ctrl+C is for Parapix, which ends helpers itself
   * (a cancelled file kills its helper; end of stream ends an idle one). */
  setsid ();
  g_log_set_writer_func (log_writer, NULL, NULL);

  /* Load the loader list and apply the allow-list before the descriptor cap. */
  _pp_io_init ();
  /* Inside bubblewrap /tmp is a private tmpfs; outside, a private folder in it. */
  name_dir = g_dir_make_tmp ("parapix-decoder-XXXXXX", NULL);
  apply_limits ();

  /* The hello tells the client that the helper (and any sandbox around it) started, and where
   * the name folder is, so the client can remove it if this process gets killed. */
  if (name_dir != NULL)
    g_strlcpy (hello.message, name_dir, sizeof hello.message);
  if (!_pp_decoder_send_message (sock, &hello, sizeof hello, -1))
    return 1;

  for (;;)
    {
      PpDecoderRequest req;
      PpDecoderReply reply = { .magic = PP_DECODER_MAGIC };
      int input_fd, memfd = -1;
      gssize n = _pp_decoder_receive_message (sock, &req, sizeof req, 0, &input_fd);

      if (n == 0)
        {
          if (name_dir != NULL)
            rmdir (name_dir);
          g_free (name_dir);
          return 0;
        }
      if (n != sizeof req || req.magic != PP_DECODER_MAGIC || input_fd < 0)
        return 1;
      req.name[sizeof req.name - 1] = '\0';
      req.shrink_filter[sizeof req.shrink_filter - 1] = '\0';

      serve_one (&req, input_fd, &reply, &memfd);
      close (input_fd);
      {
        struct rusage ru;

        if (getrusage (RUSAGE_SELF, &ru) == 0)
          reply.cpu_us = (guint64) ru.ru_utime.tv_sec * G_USEC_PER_SEC + ru.ru_utime.tv_usec
                         + (guint64) ru.ru_stime.tv_sec * G_USEC_PER_SEC + ru.ru_stime.tv_usec;
      }
      /* memfd is the persistent pixels_fd: sent, not closed. */
      if (!_pp_decoder_send_message (sock, &reply, sizeof reply, memfd))
        return 1;
    }
}
