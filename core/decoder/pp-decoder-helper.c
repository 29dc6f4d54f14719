/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The helper side of isolated loading (the process parapix-decoder runs): it caps its own memory
 * and CPU time before reading any request, then loads each file descriptor it is sent on fd 3
 * with pp_codec_load_fd() (the very code Parapix runs without isolation), decoding the first
 * frame straight into a shared memfd that the client copies from, until the socket closes. A
 * codec crash, a memory blow-up or a hang costs this process, never Parapix.
 */
#define G_LOG_DOMAIN "parapix-decoder"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "codecs/pp-codec.h"
#include "decoder/pp-decoder-helper.h"
#include "decoder/pp-decoder-private.h"
#include "decoder/pp-decoder-protocol.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PP_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define PP_SANITIZED 1
#endif
#endif

#define ROW_ALIGN 64

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
  /* Growing the memfd past RLIMIT_FSIZE must fail with EFBIG (a clean "not enough memory"),
   * not kill us with SIGXFSZ. */
  signal (SIGXFSZ, SIG_IGN);
  /* A crashing codec must not leave core files in the user's folder. */
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
  g_autoptr (GString) message = g_string_new (error->message);

  reply->ok = 0;
  reply->error_domain = error->domain == G_IO_ERROR ? PP_DECODER_DOMAIN_GIO
                                                    : PP_DECODER_DOMAIN_CODEC;
  reply->error_code = error->domain == PP_CODEC_ERROR || error->domain == G_IO_ERROR
                      ? error->code : PP_CODEC_ERROR_DAMAGED;
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

/* One memfd for the life of the helper, grown when a file needs more and never shrunk
 * (F_SEAL_SHRINK): its pages stay faulted in from one file to the next, which fresh memfds
 * (shmem gets no huge pages here) paid for in page faults on both sides. The client copies
 * everything out before it sends the next request, so reuse never overwrites a frame in use. */
static int shared_fd = -1;
static guint8 *shared_map;
static gsize shared_capacity;

/* Makes the memfd at least @size bytes. The mapping may move: nothing may point into it. */
static gboolean
ensure_capacity (gsize size)
{
  if (shared_fd < 0)
    {
      shared_fd = memfd_create ("parapix-pixels", MFD_CLOEXEC | MFD_ALLOW_SEALING);
      if (shared_fd < 0 || fcntl (shared_fd, F_ADD_SEALS, F_SEAL_SHRINK) != 0)
        return FALSE;
    }
  if (size <= shared_capacity)
    return TRUE;
  if (shared_map != NULL)
    munmap (shared_map, shared_capacity);
  shared_map = NULL;
  shared_capacity = 0;
  if (ftruncate (shared_fd, (off_t) size) != 0)
    return FALSE;
  shared_map = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, shared_fd, 0);
  if (shared_map == MAP_FAILED)
    {
      shared_map = NULL;
      return FALSE;
    }
  shared_capacity = size;
  return TRUE;
}

static gsize
aligned_row (int width,
             int channels)
{
  return ((gsize) width * channels + ROW_ALIGN - 1) & ~(gsize) (ROW_ALIGN - 1);
}

typedef struct
{
  gboolean first_taken;
  const PpImage *shared; /* the frame decoded straight into the memfd, at offset 0 */
} Allocation;

/* The first frame decodes straight into the memfd (the common case: one photo, no copy here);
 * later frames of an animation go to private memory and are copied in at the end. */
static PpImage *
allocate_frame (int      width,
                int      height,
                int      channels,
                gpointer user_data)
{
  Allocation *allocation = user_data;
  gsize stride = aligned_row (width, channels);
  gsize size;

  if (allocation->first_taken)
    return pp_image_new (width, height, channels);
  if (!g_size_checked_mul (&size, stride, (gsize) height) || !ensure_capacity (size))
    return NULL;
  allocation->first_taken = TRUE;
  allocation->shared = pp_image_new_for_data (shared_map, width, height, channels, (int) stride,
                                              NULL, NULL);
  return (PpImage *) allocation->shared;
}

/* Lays out every frame after the first, the blobs and the frame table in the memfd. */
static gboolean
write_results (const PpDecoded  *decoded,
               const Allocation *allocation,
               PpDecoderReply   *reply)
{
  GBytes *blobs[PP_DECODER_N_BLOBS] = { decoded->metadata.exif, decoded->metadata.xmp,
                                        decoded->metadata.iptc, decoded->icc, NULL };
  g_autoptr (GBytes) damage_bytes = decoded->damage != NULL
                                     ? g_bytes_new (decoded->damage, strlen (decoded->damage))
                                     : NULL;
  g_autofree PpDecoderFrame *table = g_new0 (PpDecoderFrame, decoded->frames->len);
  gsize cursor = 0, total;

  blobs[PP_DECODER_BLOB_DAMAGE] = damage_bytes;
  for (guint i = 0; i < decoded->frames->len; i++)
    {
      const PpImage *image = ((PpFrame *) decoded->frames->pdata[i])->image;

      table[i].width = image->width;
      table[i].height = image->height;
      table[i].channels = image->channels;
      table[i].delay_ms = ((PpFrame *) decoded->frames->pdata[i])->delay_ms;
      if (i == 0 && image == allocation->shared)
        table[i].stride = image->stride; /* already in place at offset 0 */
      else
        table[i].stride = (gint32) aligned_row (image->width, image->channels);
      table[i].offset = cursor;
      cursor += (gsize) table[i].stride * image->height;
      cursor = (cursor + ROW_ALIGN - 1) & ~(gsize) (ROW_ALIGN - 1);
    }
  for (guint i = 0; i < PP_DECODER_N_BLOBS; i++)
    if (blobs[i] != NULL)
      {
        reply->blobs[i].offset = cursor;
        reply->blobs[i].length = g_bytes_get_size (blobs[i]);
        cursor += reply->blobs[i].length;
      }
  cursor = (cursor + 7) & ~(gsize) 7;
  reply->frame_table = cursor;
  reply->n_frames = decoded->frames->len;
  total = cursor + sizeof (PpDecoderFrame) * decoded->frames->len;

  /* May move the mapping: the first frame's pixels stay where they are, in the file. */
  if (!ensure_capacity (total))
    return FALSE;
  for (guint i = 0; i < decoded->frames->len; i++)
    {
      const PpImage *image = ((PpFrame *) decoded->frames->pdata[i])->image;

      if (image == allocation->shared)
        continue; /* decoded in place */
      for (int y = 0; y < image->height; y++)
        memcpy (shared_map + table[i].offset + (gsize) y * table[i].stride,
                PP_IMAGE_ROW (image, y), (gsize) image->width * image->channels);
    }
  for (guint i = 0; i < PP_DECODER_N_BLOBS; i++)
    if (blobs[i] != NULL)
      memcpy (shared_map + reply->blobs[i].offset, g_bytes_get_data (blobs[i], NULL),
              reply->blobs[i].length);
  memcpy (shared_map + reply->frame_table, table, sizeof (PpDecoderFrame) * decoded->frames->len);
  return TRUE;
}

static void
serve_one (const PpDecoderRequest *req,
           int                     input_fd,
           PpDecoderReply         *reply,
           int                    *memfd)
{
  g_autoptr (GError) error = NULL;
  g_auto (PpDecoded) decoded = { 0 };
  Allocation allocation = { FALSE, NULL };
  PpLoadRequest request;

  pp_load_request_init (&request);
  request.max_pixels = req->max_pixels;
  request.fit_width = req->fit_width;
  request.fit_height = req->fit_height;
  request.all_frames = req->all_frames != 0;
  request.keep_damaged = req->keep_damaged != 0;
  request.name = req->name[0] != '\0' ? req->name : NULL;
  request.allocate = allocate_frame;
  request.allocate_data = &allocation;
  /* The client turns the pixels upright as it copies them out: one pass, not two. */
  request.apply_orientation = FALSE;

  arm_cpu_limit ();
  if (pp_codec_load_fd (input_fd, &request, &decoded, &error))
    {
      if (write_results (&decoded, &allocation, reply))
        *memfd = shared_fd;
      else
        g_set_error (&error, PP_CODEC_ERROR, PP_CODEC_ERROR_NO_MEMORY,
                     "Not enough memory to hand over the decoded image: %s",
                     g_strerror (errno));
    }
  reply->width = decoded.header.width;
  reply->height = decoded.header.height;
  reply->n_frames_declared = decoded.header.n_frames;
  reply->animated = decoded.header.animated;
  reply->has_alpha = decoded.header.has_alpha;
  reply->loop_count = decoded.loop_count;
  reply->orientation = decoded.orientation;
  if (decoded.header.format != NULL)
    g_strlcpy (reply->format, decoded.header.format, sizeof reply->format);
  if (error != NULL)
    reply_error (reply, error);
  else
    reply->ok = 1;
}

/**
 * pp_decoder_helper_main:
 * @argc: as main()'s
 * @argv: as main()'s: `--memory-limit BYTES --cpu-limit SECONDS`
 *
 * The helper's program: serves requests on fd 3 until the client closes it.
 *
 * Returns: the exit status (0: the client ended the session)
 */
int
pp_decoder_helper_main (int    argc,
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

  /* Read the loader list and apply the allow-list before the descriptor cap. */
  pp_codec_init ();
  apply_limits ();

  /* The hello tells the client that the helper (and any sandbox around it) started. */
  if (!_pp_decoder_send_message (sock, &hello, sizeof hello, -1))
    return 1;

  for (;;)
    {
      PpDecoderRequest req;
      PpDecoderReply reply = { .magic = PP_DECODER_MAGIC };
      int input_fd, memfd = -1;
      gssize n = _pp_decoder_receive_message (sock, &req, sizeof req, 0, &input_fd);

      if (n == 0)
        return 0;
      if (n != sizeof req || req.magic != PP_DECODER_MAGIC || input_fd < 0)
        return 1;
      req.name[sizeof req.name - 1] = '\0';

      serve_one (&req, input_fd, &reply, &memfd);
      close (input_fd);
      {
        struct rusage ru;

        if (getrusage (RUSAGE_SELF, &ru) == 0)
          reply.cpu_us = (guint64) ru.ru_utime.tv_sec * G_USEC_PER_SEC + ru.ru_utime.tv_usec
                         + (guint64) ru.ru_stime.tv_sec * G_USEC_PER_SEC + ru.ru_stime.tv_usec;
      }
      /* memfd is the persistent shared_fd: sent, not closed. */
      if (!_pp_decoder_send_message (sock, &reply, sizeof reply, memfd))
        return 1;
    }
}
