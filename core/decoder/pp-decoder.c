/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpDecoder, the client side of isolated loading: its settings, and per file one request to
 * the parapix-decoder helper with the opened input as a descriptor, a wait with a deadline and
 * the cancellable, and a copy of the frames and blobs out of the sealed memfd it answers with,
 * turning the pixels upright in that same copy. The helper's life (finding, sandboxing,
 * starting, replacing, stopping it, and why it died) is pp-decoder-process.c.
 */
#define G_LOG_DOMAIN "pp-decoder"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "decoder/pp-decoder.h"
#include "decoder/pp-decoder-private.h"
#include "decoder/pp-decoder-process-private.h"
#include "decoder/pp-decoder-protocol.h"

G_DEFINE_QUARK (pp-decoder-error-quark, pp_decoder_error)

G_DEFINE_FINAL_TYPE (PpDecoder, pp_decoder, G_TYPE_OBJECT)

/* CPU time all helpers of this process spent on answered requests, in µs. */
static gint64 helper_cpu_total;
G_LOCK_DEFINE_STATIC (helper_cpu);

/**
 * pp_decoder_get_helper_cpu_us:
 *
 * CPU time (user + system) the decoder helpers of this process have spent so far, in µs: decode
 * work that getrusage (RUSAGE_SELF) does not see. Add it to the process's own CPU time to know
 * what a run cost. The file a helper died on is not counted.
 */
gint64
pp_decoder_get_helper_cpu_us (void)
{
  gint64 total;

  G_LOCK (helper_cpu);
  total = helper_cpu_total;
  G_UNLOCK (helper_cpu);
  return total;
}

/* Whether pp_io_load() isolates: -1 not decided yet (the environment decides), 0 no, 1 yes. */
static int isolation = -1;

/**
 * pp_decoder_set_isolation:
 *
 * Whether pp_io_load() parses files in helper processes (the default) or in the calling one,
 * with the very same code: for trusted files and for measuring what isolation costs.
 * PP_DECODER_ISOLATION=none in the environment turns it off too.
 */
void
pp_decoder_set_isolation (gboolean isolated)
{
  g_atomic_int_set (&isolation, isolated ? 1 : 0);
}

/**
 * pp_decoder_get_isolation:
 *
 * Whether loading goes through helper processes: pp_decoder_set_isolation(), else the
 * environment (PP_DECODER_ISOLATION=none turns it off). Thread: any.
 */
gboolean
pp_decoder_get_isolation (void)
{
  int value = g_atomic_int_get (&isolation);

  if (value < 0)
    {
      value = g_strcmp0 (g_getenv ("PP_DECODER_ISOLATION"), "none") != 0;
      g_atomic_int_set (&isolation, value);
    }
  return value;
}

static void
pp_decoder_dispose (GObject *object)
{
  pp_decoder_stop (PP_DECODER (object));

  G_OBJECT_CLASS (pp_decoder_parent_class)->dispose (object);
}

static void
pp_decoder_finalize (GObject *object)
{
  g_free (PP_DECODER (object)->helper_path);

  G_OBJECT_CLASS (pp_decoder_parent_class)->finalize (object);
}

static void
pp_decoder_class_init (PpDecoderClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pp_decoder_dispose;
  G_OBJECT_CLASS (klass)->finalize = pp_decoder_finalize;
}

static void
pp_decoder_init (PpDecoder *self)
{
  const char *env;

  self->want_sandbox = TRUE;
  self->memory_limit = PP_DECODER_DEFAULT_MEMORY_LIMIT;
  self->timeout_ms = PP_DECODER_DEFAULT_TIMEOUT_MS;
  self->sock = -1;

  /* For machines where the sandbox misbehaves, and for measuring what it costs. */
  env = g_getenv ("PP_DECODER_ISOLATION");
  if (g_strcmp0 (env, "rlimit") == 0)
    self->want_sandbox = FALSE;
}

/**
 * pp_decoder_new:
 *
 * A decoder with the default limits (PP_DECODER_DEFAULT_MEMORY_LIMIT, 2 GiB of address space;
 * PP_DECODER_DEFAULT_TIMEOUT_MS, 30 s a file) and bubblewrap wanted unless PP_DECODER_ISOLATION
 * is "rlimit". No helper starts until the first pp_decoder_load(). Use it from one thread at a
 * time.
 *
 * Returns: (transfer full): a new #PpDecoder
 */
PpDecoder *
pp_decoder_new (void)
{
  return g_object_new (PP_TYPE_DECODER, NULL);
}

/**
 * pp_decoder_set_memory_limit:
 * @bytes: the helper's address-space limit (RLIMIT_AS); 0 for none
 *
 * Takes effect with the next helper.
 */
void
pp_decoder_set_memory_limit (PpDecoder *self,
                             guint64    bytes)
{
  g_return_if_fail (PP_IS_DECODER (self));

  if (self->memory_limit != bytes)
    pp_decoder_stop (self);
  self->memory_limit = bytes;
}

/**
 * pp_decoder_set_timeout:
 * @milliseconds: wall-clock time one load may take, more than 0; the helper's CPU time per
 *   load is capped at the same (in whole seconds, rounded up)
 *
 * Takes effect with the next load; a load past it fails with PP_DECODER_ERROR_TIMED_OUT and
 * the helper is killed. Same thread as the loads.
 */
void
pp_decoder_set_timeout (PpDecoder *self,
                        guint      milliseconds)
{
  g_return_if_fail (PP_IS_DECODER (self));
  g_return_if_fail (milliseconds > 0);

  self->timeout_ms = milliseconds;
}

/**
 * pp_decoder_set_helper_path:
 * @path: (nullable): the helper executable; %NULL to look it up (PP_DECODER_PATH, beside the
 *   running binary, then the libexec folder)
 */
void
pp_decoder_set_helper_path (PpDecoder  *self,
                            const char *path)
{
  g_return_if_fail (PP_IS_DECODER (self));

  pp_decoder_stop (self);
  g_free (self->helper_path);
  self->helper_path = g_strdup (path);
}

/**
 * pp_decoder_set_sandbox:
 * @use_bwrap: start helpers inside bubblewrap when it works here (the default); %FALSE:
 *   resource limits only
 *
 * A change stops the running helper; the next load starts one the new way. Where bubblewrap
 * fails (no user namespaces, inside a Flatpak) the helper runs with resource limits only,
 * whatever this says (pp_decoder_get_sandboxed() tells). Same thread as the loads.
 */
void
pp_decoder_set_sandbox (PpDecoder *self,
                        gboolean   use_bwrap)
{
  g_return_if_fail (PP_IS_DECODER (self));

  if (self->want_sandbox != !!use_bwrap)
    pp_decoder_stop (self);
  self->want_sandbox = !!use_bwrap;
}

/**
 * pp_decoder_get_sandboxed:
 *
 * Returns: whether the running (or last started) helper runs inside bubblewrap; %FALSE before
 *   the first load. Same thread as the loads.
 */
gboolean
pp_decoder_get_sandboxed (PpDecoder *self)
{
  g_return_val_if_fail (PP_IS_DECODER (self), FALSE);

  return self->sandboxed;
}

/**
 * pp_decoder_get_n_spawns:
 *
 * Returns: how many helpers this decoder has started: one, plus one per crash, time-out,
 *   memory kill or change of settings. Same thread as the loads.
 */
guint
pp_decoder_get_n_spawns (PpDecoder *self)
{
  g_return_val_if_fail (PP_IS_DECODER (self), 0);

  return self->n_spawns;
}

static void
fill_request (PpDecoderRequest    *req,
              const char          *path,
              const PpLoadRequest *request)
{
  g_autofree char *base = g_path_get_basename (path);

  memset (req, 0, sizeof *req);
  req->magic = PP_DECODER_MAGIC;
  req->max_pixels = request->max_pixels;
  req->fit_width = request->fit_width;
  req->fit_height = request->fit_height;
  req->all_frames = request->all_frames;
  req->keep_damaged = request->keep_damaged;
  g_strlcpy (req->name, base, sizeof req->name);
}

/* Whether [offset, offset + length) lies inside a file of @size bytes. */
static gboolean
range_ok (guint64 offset,
          guint64 length,
          guint64 size)
{
  return offset <= size && length <= size - offset;
}

/* Copies the frames and blobs out of the memfd into @out. Trusts nothing in the reply: every
 * range is checked against the memfd, which must be sealed against shrinking (or a helper could
 * truncate it under our reads: SIGBUS). The pixels are copied into images of our own, turned
 * upright on the way when asked: the helper reuses its memfd for the next file, and one copy
 * into huge-page-backed memory costs less than faulting in a fresh shared mapping per file
 * (measured: docs/BENCHMARKS.md, "Cost of isolation"). */
static gboolean
map_reply (const PpDecoderReply *reply,
           int                   memfd,
           gboolean              apply_orientation,
           PpDecoded            *out,
           GError              **error)
{
  const PpDecoderFrame *table;
  struct stat st;
  guint64 size;
  int seals;
  const guint8 *addr;
  gboolean ok = FALSE;

  if (fstat (memfd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size <= 0
      || (seals = fcntl (memfd, F_GET_SEALS)) < 0 || !(seals & F_SEAL_SHRINK)
      || reply->n_frames == 0 || reply->n_frames > PP_DECODER_MAX_FRAMES
      || reply->frame_table % 8 != 0
      || !range_ok (reply->frame_table, (guint64) reply->n_frames * sizeof (PpDecoderFrame),
                    (guint64) st.st_size))
    goto invalid;
  size = (guint64) st.st_size;
  for (guint i = 0; i < PP_DECODER_N_BLOBS; i++)
    if (!range_ok (reply->blobs[i].offset, reply->blobs[i].length, size))
      goto invalid;
  addr = mmap (NULL, size, PROT_READ, MAP_SHARED, memfd, 0);
  if (addr == MAP_FAILED)
    {
      g_set_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_OUT_OF_MEMORY,
                   "Cannot map the decoded pixels: %s", g_strerror (errno));
      return FALSE;
    }
  table = (const PpDecoderFrame *) (addr + reply->frame_table);
  out->frames = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_frame_free);
  for (guint i = 0; i < reply->n_frames; i++)
    {
      PpDecoderFrame f = table[i]; /* copied: the helper could still be writing (it is not) */
      int orientation = apply_orientation ? reply->orientation : 1;
      PpImage *image;

      if (f.width <= 0 || f.height <= 0 || (f.channels != 3 && f.channels != 4)
          || f.width > G_MAXINT / 4 || f.stride < f.width * f.channels
          || !range_ok (f.offset, (guint64) f.stride * (guint64) (f.height - 1)
                                  + (guint64) f.width * f.channels, size))
        {
          munmap ((gpointer) addr, size);
          goto invalid;
        }
      image = pp_codec_copy_oriented (addr + f.offset, f.stride, f.width, f.height, f.channels,
                                      orientation, error);
      if (image == NULL)
        {
          munmap ((gpointer) addr, size);
          return FALSE;
        }
      g_ptr_array_add (out->frames, pp_frame_new (image, f.delay_ms));
    }
  {
    GBytes **targets[] = { &out->metadata.exif, &out->metadata.xmp, &out->metadata.iptc,
                           &out->icc };

    for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
      if (reply->blobs[i].length > 0)
        *targets[i] = g_bytes_new (addr + reply->blobs[i].offset, reply->blobs[i].length);
    if (reply->blobs[PP_DECODER_BLOB_DAMAGE].length > 0)
      out->damage = g_utf8_make_valid ((const char *) addr
                                       + reply->blobs[PP_DECODER_BLOB_DAMAGE].offset,
                                       (gssize) reply->blobs[PP_DECODER_BLOB_DAMAGE].length);
  }
  out->orientation_applied = apply_orientation && reply->orientation != 1;
  munmap ((gpointer) addr, size);
  ok = TRUE;
  return ok;

invalid:
  g_set_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_FAILED,
               "The decoder sent an invalid image");
  return FALSE;
}

/* What pp_codec_load_fd() would say about a path it cannot read, without parsing anything. */
static int
open_input (const char  *path,
            GError     **error)
{
  struct stat st;
  int fd;

  /* O_NONBLOCK: a FIFO named like an image must not block the worker. */
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Cannot open “%s”: %s",
                   path, g_strerror (saved));
      return -1;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_UNSUPPORTED,
                   "“%s” is not a regular file", path);
      return -1;
    }
  return fd;
}

/* The helper's answer without pixels: its error, as the domain it came from. */
static void
set_reply_error (const PpDecoderReply *reply,
                 GError              **error)
{
  if (reply->error_domain == PP_DECODER_DOMAIN_GIO)
    g_set_error_literal (error, G_IO_ERROR, reply->error_code, reply->message);
  else if (reply->error_domain == PP_DECODER_DOMAIN_DECODER)
    g_set_error_literal (error, PP_DECODER_ERROR,
                         CLAMP (reply->error_code, PP_DECODER_ERROR_FAILED,
                                PP_DECODER_ERROR_TIMED_OUT),
                         reply->message);
  else
    g_set_error_literal (error, PP_CODEC_ERROR,
                         CLAMP (reply->error_code, PP_CODEC_ERROR_UNSUPPORTED,
                                PP_CODEC_ERROR_NO_MEMORY),
                         reply->message);
}

/* Sends the request, restarting a helper that went away between files once. */
static gboolean
send_request (PpDecoder              *self,
              const PpDecoderRequest *req,
              int                     fd,
              GError                **error)
{
  for (guint attempt = 0;; attempt++)
    {
      if (!_pp_decoder_process_ensure (self, error))
        return FALSE;
      if (_pp_decoder_send_message (self->sock, req, sizeof *req, fd))
        return TRUE;
      /* Not this file's fault: try once more with a new helper. */
      _pp_decoder_process_kill (self);
      if (attempt == 1)
        {
          g_set_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_FAILED,
                       "Cannot talk to the image decoder: %s", g_strerror (errno));
          return FALSE;
        }
    }
}

/* Waits for the answer; a time-out, a cancel or the helper's death ends it. */
static gboolean
receive_reply (PpDecoder      *self,
               PpDecoderReply *reply,
               int            *memfd,
               GCancellable   *cancellable,
               GError        **error)
{
  int ready = _pp_decoder_wait_readable (self->sock, self->timeout_ms, cancellable);
  gssize n;

  *memfd = -1;
  if (ready <= 0)
    {
      /* A running decode cannot be interrupted, only ended with its process. */
      _pp_decoder_process_kill (self);
      if (ready < 0)
        g_cancellable_set_error_if_cancelled (cancellable, error);
      else
        g_set_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_TIMED_OUT,
                     "Decoding took longer than %u s", (self->timeout_ms + 999) / 1000);
      return FALSE;
    }
  n = _pp_decoder_receive_message (self->sock, reply, sizeof *reply, MSG_DONTWAIT, memfd);
  if (n <= 0)
    {
      /* End of stream: the helper died on this file. */
      _pp_decoder_process_reap_dead (self, error);
      return FALSE;
    }
  if (n != sizeof *reply || reply->magic != PP_DECODER_MAGIC)
    {
      if (*memfd >= 0)
        close (*memfd);
      _pp_decoder_process_kill (self);
      g_set_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_FAILED,
                   "The image decoder sent a malformed answer");
      return FALSE;
    }
  if (reply->cpu_us > self->helper_cpu_us)
    {
      G_LOCK (helper_cpu);
      helper_cpu_total += reply->cpu_us - self->helper_cpu_us;
      G_UNLOCK (helper_cpu);
      self->helper_cpu_us = reply->cpu_us;
    }
  return TRUE;
}

/**
 * pp_decoder_load:
 * @path: the file; opened here, so a FIFO, a folder or an unreadable file fail at once
 * @request: (nullable): what to load, as for pp_codec_load_fd() (its allocator is not used)
 * @out: (out caller-allocates): zeroed here; clear with pp_decoded_clear(), also on failure
 *
 * pp_codec_load_fd() in this decoder's helper process: the same frames, blobs, orientation
 * and damage, with the pixels turned upright when @request asks. Thread: the one thread using
 * this decoder.
 *
 * Returns: %TRUE, or %FALSE with @error set: what pp_codec_load_fd() reports (PP_CODEC_ERROR,
 * G_IO_ERROR; G_IO_ERROR_CANCELLED when @cancellable fired, also when the helper died or
 * failed to start after it fired), or PP_DECODER_ERROR when the helper crashed, ran out of
 * memory or time
 */
static gboolean load_in_helper (PpDecoder *self, const char *path, const PpLoadRequest *request,
                                PpDecoded *out, GCancellable *cancellable, GError **error);

gboolean
pp_decoder_load (PpDecoder            *self,
                 const char           *path,
                 const PpLoadRequest  *request,
                 PpDecoded            *out,
                 GCancellable         *cancellable,
                 GError              **error)
{
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (PP_IS_DECODER (self), FALSE);
  g_return_val_if_fail (path != NULL && out != NULL, FALSE);

  if (load_in_helper (self, path, request, out, cancellable, &local_error))
    return TRUE;
  /* A helper that dies or cannot start while the run is being cancelled (Ctrl+C in a terminal
   * signals the whole process group; a cancel may catch a helper mid-start) is the cancel
   * itself, not a fault of this file: report it as cancelled, never as a failed file. */
  if (local_error->domain == PP_DECODER_ERROR
      && g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static gboolean
load_in_helper (PpDecoder            *self,
                const char           *path,
                const PpLoadRequest  *request,
                PpDecoded            *out,
                GCancellable         *cancellable,
                GError              **error)
{
  PpLoadRequest defaults;
  PpDecoderRequest req;
  PpDecoderReply reply;
  int memfd = -1;
  int fd;
  gboolean ok;

  memset (out, 0, sizeof *out);
  if (request == NULL)
    {
      pp_load_request_init (&defaults);
      request = &defaults;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  fd = open_input (path, error);
  if (fd < 0)
    return FALSE;

  fill_request (&req, path, request);
  ok = send_request (self, &req, fd, error);
  close (fd);
  if (!ok)
    return FALSE;
  self->n_requests++;
  if (!receive_reply (self, &reply, &memfd, cancellable, error))
    return FALSE;

  reply.format[sizeof reply.format - 1] = '\0';
  reply.message[sizeof reply.message - 1] = '\0';
  /* Header facts are reported on failure too (a refused bomb still has a size). */
  out->header.format = reply.format[0] != '\0' ? g_intern_string (reply.format) : NULL;
  out->header.width = reply.width;
  out->header.height = reply.height;
  out->header.n_frames = reply.n_frames_declared;
  out->header.animated = reply.animated != 0;
  out->header.has_alpha = reply.has_alpha != 0;
  out->loop_count = reply.loop_count;
  out->orientation = CLAMP (reply.orientation, 1, 8);
  if (!reply.ok)
    {
      if (memfd >= 0)
        close (memfd);
      set_reply_error (&reply, error);
      return FALSE;
    }
  if (memfd < 0)
    {
      _pp_decoder_process_kill (self);
      g_set_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_FAILED,
                   "The image decoder sent no pixels");
      return FALSE;
    }
  ok = map_reply (&reply, memfd, request->apply_orientation, out, error);
  close (memfd);
  if (!ok)
    _pp_decoder_process_kill (self);
  return ok;
}

/* One decoder, so one persistent helper, per thread that loads: the pool's workers. */
static GPrivate thread_decoder = G_PRIVATE_INIT (g_object_unref);

/**
 * pp_decoder_load_on_this_thread:
 *
 * pp_decoder_load() with the calling thread's own decoder (made on first use, and with it one
 * persistent helper per loading thread; freed when the thread exits). Thread: any.
 */
gboolean
pp_decoder_load_on_this_thread (const char          *path,
                  const PpLoadRequest *request,
                  PpDecoded           *out,
                  GCancellable        *cancellable,
                  GError             **error)
{
  PpDecoder *decoder = g_private_get (&thread_decoder);

  if (decoder == NULL)
    {
      decoder = pp_decoder_new ();
      g_private_set (&thread_decoder, decoder);
    }
  return pp_decoder_load (decoder, path, request, out, cancellable, error);
}
