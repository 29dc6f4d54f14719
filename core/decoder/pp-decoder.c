/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PpDecoder, the client side of isolated loading: starts parapix-decoder (inside bubblewrap when
 * that works here), sends it one request per file with the opened input as a descriptor, waits
 * with a deadline and the cancellable, and maps the sealed memfd it answers with. When the helper
 * dies, the reason comes from its wait status; the next request starts a new helper.
 */
#define G_LOG_DOMAIN "pp-decoder"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "decoder/pp-decoder.h"
#include "decoder/pp-decoder-private.h"
#include "render/pp-pipeline.h"

G_DEFINE_QUARK (pp-decoder-error-quark, pp_decoder_error)

/* A reused helper is replaced now and then, so a loader that leaks cannot grow it forever. */
#define MAX_REQUESTS_PER_HELPER 1000
#define HELLO_TIMEOUT_MS 10000
#define DEFAULT_CPU_LIMIT_S 60
#define STOP_GRACE_MS 5000

struct _PpDecoder
{
  GObject parent_instance;

  gboolean want_sandbox;
  guint64 memory_limit;
  guint timeout_ms;
  char *helper_path;

  GPid pid;          /* 0: no helper running */
  guint64 helper_cpu_us; /* the running helper's CPU time at its last answer */
  char *name_dir;        /* the helper's private folder in our /tmp (not when sandboxed) */
  int sock;
  gboolean sandboxed; /* the running helper is inside bubblewrap */
  guint n_requests;
  guint n_spawns;
};

G_DEFINE_FINAL_TYPE (PpDecoder, pp_decoder, G_TYPE_OBJECT)

/* Whether bubblewrap works on this machine: 0 not tried yet, 1 works, -1 does not (absent, or
 * no user namespaces, as inside a Flatpak). Shared by all decoders; tried once. */
static int sandbox_state;

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

gboolean
_pp_decoder_isolation_enabled (void)
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
  g_free (PP_DECODER (object)->name_dir);

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

void
pp_decoder_set_sandbox (PpDecoder *self,
                        gboolean   use_bwrap)
{
  g_return_if_fail (PP_IS_DECODER (self));

  if (self->want_sandbox != !!use_bwrap)
    pp_decoder_stop (self);
  self->want_sandbox = !!use_bwrap;
}

/* Whether the running (or last) helper runs inside bubblewrap. */
gboolean
pp_decoder_get_sandboxed (PpDecoder *self)
{
  g_return_val_if_fail (PP_IS_DECODER (self), FALSE);

  return self->sandboxed;
}

/* How many helpers this decoder started: one, plus one per crash, time-out or recycling. */
guint
pp_decoder_get_n_spawns (PpDecoder *self)
{
  g_return_val_if_fail (PP_IS_DECODER (self), 0);

  return self->n_spawns;
}

/* A helper that was killed cannot remove its folder of per-file names (and the name of the file
 * it was on): do it for it. Only a folder of ours, by its expected name. */
static void
remove_name_dir (PpDecoder *self)
{
  g_autofree char *prefix = g_build_filename (g_get_tmp_dir (), "parapix-decoder-", NULL);
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (self->name_dir == NULL)
    return;
  if (g_str_has_prefix (self->name_dir, prefix)
      && strchr (self->name_dir + strlen (prefix), '/') == NULL
      && (dir = g_dir_open (self->name_dir, 0, NULL)) != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (self->name_dir, name, NULL);

          g_unlink (path);
        }
      g_rmdir (self->name_dir);
    }
  g_clear_pointer (&self->name_dir, g_free);
}

static void
kill_helper (PpDecoder *self)
{
  if (self->pid != 0)
    {
      kill (self->pid, SIGKILL);
      _pp_decoder_reap (self->pid);
      self->pid = 0;
    }
  if (self->sock >= 0)
    {
      close (self->sock);
      self->sock = -1;
    }
  remove_name_dir (self);
}

/**
 * pp_decoder_stop:
 *
 * Ends the helper, if one runs. The next decode starts a new one.
 */
void
pp_decoder_stop (PpDecoder *self)
{
  g_return_if_fail (PP_IS_DECODER (self));

  if (self->sock >= 0)
    {
      /* End of stream: an idle helper exits on its own at once. */
      close (self->sock);
      self->sock = -1;
    }
  if (self->pid != 0)
    {
      gint64 deadline = g_get_monotonic_time () + STOP_GRACE_MS * 1000;
      int status = 0;
      pid_t done;

      /* An idle helper exits within a millisecond (a sanitizer build checks for leaks first);
       * one still busy with a file we gave up on has no further use. */
      while ((done = waitpid (self->pid, &status, WNOHANG)) == 0
             && g_get_monotonic_time () < deadline)
        g_usleep (2000);
      if (done == 0)
        {
          kill (self->pid, SIGKILL);
          _pp_decoder_reap (self->pid);
        }
      else if (done == self->pid && !(WIFEXITED (status) && WEXITSTATUS (status) == 0))
        /* A clean helper exits 0 at end of stream; anything else (a leak report in a
         * sanitizer build, a crash at exit) is a bug to see, not to hide. */
        g_warning ("the image decoder exited abnormally (wait status 0x%x)", status);
      self->pid = 0;
    }
  remove_name_dir (self);
}

static char *
find_helper (PpDecoder *self)
{
  const char *env = g_getenv ("PP_DECODER_PATH");
  g_autofree char *self_exe = NULL;

  if (self->helper_path != NULL)
    return g_strdup (self->helper_path);
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  /* Beside the running binary: the build tree, and relocated installs. */
  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  if (self_exe != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self_exe);
      g_autofree char *beside = g_build_filename (dir, "parapix-decoder", NULL);

      if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&beside);
    }
  return g_build_filename (PP_LIBEXECDIR, "parapix-decoder", NULL);
}

static gboolean
spawn_helper (PpDecoder  *self,
              gboolean    sandbox,
              GError    **error)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *helper = find_helper (self);
  g_autofree char *bwrap = sandbox ? g_find_program_in_path ("bwrap") : NULL;
  g_autoptr (GError) local_error = NULL;
  g_auto (GStrv) envp = g_get_environ ();
  PpDecoderReply hello;
  int sv[2];
  int target = PP_DECODER_FD;
  int hello_fd;
  GPid pid;

  if (sandbox && bwrap == NULL)
    {
      g_set_error_literal (error, PP_DECODER_ERROR, PP_DECODER_ERROR_FAILED, "bwrap not found");
      return FALSE;
    }
  if (bwrap != NULL)
    _pp_decoder_add_bwrap_args (argv, bwrap, helper);
  g_ptr_array_add (argv, g_strdup (helper));
  g_ptr_array_add (argv, g_strdup ("--memory-limit"));
  g_ptr_array_add (argv, g_strdup_printf ("%" G_GUINT64_FORMAT, self->memory_limit));
  g_ptr_array_add (argv, g_strdup ("--cpu-limit"));
  g_ptr_array_add (argv, g_strdup_printf ("%u", MAX (DEFAULT_CPU_LIMIT_S,
                                                     self->timeout_ms / 1000 + 1)));
  g_ptr_array_add (argv, NULL);

  /* CLOEXEC, so helpers other threads start at the same moment never inherit our end: an
   * inherited copy would hide this helper's death (no end of stream). */
  if (socketpair (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    {
      g_set_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_FAILED,
                   "cannot start the image decoder: %s", g_strerror (errno));
      return FALSE;
    }
  if (!g_spawn_async_with_pipes_and_fds (NULL, (const char *const *) argv->pdata,
                                         (const char *const *) envp,
                                         G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDIN_FROM_DEV_NULL,
                                         NULL, NULL, -1, -1, -1, &sv[1], &target, 1, &pid,
                                         NULL, NULL, NULL, &local_error))
    {
      close (sv[0]);
      close (sv[1]);
      g_set_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_FAILED,
                   "cannot start the image decoder %s: %s", helper, local_error->message);
      return FALSE;
    }
  close (sv[1]);
  self->pid = pid;
  self->sock = sv[0];
  self->sandboxed = bwrap != NULL;
  self->n_requests = 0;
  self->helper_cpu_us = 0;
  self->n_spawns++;

  if (_pp_decoder_wait_readable (self->sock, HELLO_TIMEOUT_MS, NULL) != 1
      || _pp_decoder_receive_message (self->sock, &hello, sizeof hello, MSG_DONTWAIT,
                                      &hello_fd) != sizeof hello
      || hello.magic != PP_DECODER_MAGIC)
    {
      kill_helper (self);
      g_set_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_FAILED,
                   "the image decoder %s did not start%s", helper,
                   bwrap != NULL ? " inside bubblewrap" : "");
      return FALSE;
    }
  hello.message[sizeof hello.message - 1] = '\0';
  if (bwrap == NULL && hello.message[0] != '\0')
    self->name_dir = g_strdup (hello.message);
  return TRUE;
}

static gboolean
ensure_helper (PpDecoder  *self,
               GError    **error)
{
  int status;

  if (self->pid != 0 && self->n_requests >= MAX_REQUESTS_PER_HELPER)
    pp_decoder_stop (self);
  /* A helper that died while idle (killed from outside) is not the next file's fault. */
  if (self->pid != 0 && waitpid (self->pid, &status, WNOHANG) == self->pid)
    {
      self->pid = 0;
      kill_helper (self);
    }
  if (self->pid != 0)
    return TRUE;

  if (self->want_sandbox && g_atomic_int_get (&sandbox_state) >= 0)
    {
      g_autoptr (GError) sandbox_error = NULL;

      if (spawn_helper (self, TRUE, &sandbox_error))
        {
          g_atomic_int_set (&sandbox_state, 1);
          return TRUE;
        }
      /* Only the first failure turns the sandbox off: once it worked, a failure is real. */
      if (g_atomic_int_compare_and_exchange (&sandbox_state, 0, -1))
        g_debug ("bubblewrap unavailable (%s); decoding under resource limits only",
                 sandbox_error->message);
      else if (g_atomic_int_get (&sandbox_state) == 1)
        {
          g_propagate_error (error, g_steal_pointer (&sandbox_error));
          return FALSE;
        }
    }
  return spawn_helper (self, FALSE, error);
}

static void
fill_request (PpDecoderRequest    *req,
              const char          *path,
              const PpLoadOptions *options)
{
  g_autofree char *base = g_path_get_basename (path);

  memset (req, 0, sizeof *req);
  req->magic = PP_DECODER_MAGIC;
  req->keep_orientation = options->keep_orientation;
  req->max_megapixels = options->max_megapixels;
  g_strlcpy (req->name, base, sizeof req->name);
  /* Only the first enabled step matters for shrink-on-load; it travels by value. */
  for (guint i = 0; options->pipeline != NULL && i < pp_pipeline_get_n_steps (options->pipeline);
       i++)
    {
      const PpStep *step = pp_pipeline_get_step (options->pipeline, i);

      if (!step->enabled)
        continue;
      if (step->info->get_load_size != NULL)
        {
          g_strlcpy (req->shrink_filter, step->info->name, sizeof req->shrink_filter);
          memcpy (req->shrink_values, step->values, sizeof req->shrink_values);
        }
      break;
    }
}

static char *
format_limit (guint64 bytes)
{
  if (bytes % (G_GUINT64_CONSTANT (1) << 30) == 0)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " GiB", bytes >> 30);
  return g_strdup_printf ("%" G_GUINT64_FORMAT " MiB", bytes >> 20);
}

/* Why the helper died, as a message a user can act on. */
static void
set_death_error (PpDecoder   *self,
                 int          status,
                 GError     **error)
{
  g_autofree char *limit = format_limit (self->memory_limit);
  int sig = 0;

  if (WIFSIGNALED (status))
    sig = WTERMSIG (status);
  else if (WIFEXITED (status) && self->sandboxed && WEXITSTATUS (status) > 128)
    sig = WEXITSTATUS (status) - 128; /* bubblewrap passes a signal on as 128 + signal */

  if (WIFEXITED (status) && WEXITSTATUS (status) == PP_DECODER_EXIT_OOM)
    g_set_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_OUT_OF_MEMORY,
                 "The decoder ran out of memory (limit %s)", limit);
  else if (sig == SIGXCPU)
    g_set_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_TIMED_OUT,
                 "Decoding used more CPU time than allowed");
  else if (sig == SIGKILL)
    g_set_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_OUT_OF_MEMORY,
                 "The decoder was killed (signal 9; most likely the system ran out of memory)");
  else if (sig != 0)
    g_set_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_CRASHED,
                 "The decoder crashed (signal %d, %s)", sig, g_strsignal (sig));
  else
    g_set_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_CRASHED,
                 "The decoder quit (exit status %d)", WIFEXITED (status) ? WEXITSTATUS (status) : -1);
}

/* Trusts nothing in the reply: sizes are checked against the memfd, which must be sealed
 * against shrinking (or a helper could truncate it under our reads: SIGBUS). The pixels are
 * copied out into a PpImage of our own: the helper reuses its memfd for the next file, and one
 * memcpy into huge-page-backed memory costs less than faulting in a fresh shared mapping per
 * file (measured: docs/BENCHMARKS.md, "Cost of isolation"). */
static PpImage *
map_reply (const PpDecoderReply  *reply,
           int                    memfd,
           PpImageInfo           *info,
           GError               **error)
{
  struct stat st;
  gsize pixels_size, total, row_bytes;
  int seals;
  const guint8 *addr;
  PpImage *image;

  if (reply->width <= 0 || reply->height <= 0 || (reply->channels != 3 && reply->channels != 4)
      || reply->width > G_MAXINT / 4 || reply->stride < reply->width * reply->channels
      || !g_size_checked_mul (&pixels_size, reply->stride, reply->height)
      || !g_size_checked_add (&total, pixels_size, reply->icc_len)
      || fstat (memfd, &st) != 0 || !S_ISREG (st.st_mode) || (guint64) st.st_size < total
      || (seals = fcntl (memfd, F_GET_SEALS)) < 0 || !(seals & F_SEAL_SHRINK) || total == 0)
    {
      g_set_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_FAILED,
                   "The decoder sent an invalid image");
      return NULL;
    }
  addr = mmap (NULL, total, PROT_READ, MAP_SHARED, memfd, 0);
  if (addr == MAP_FAILED)
    {
      g_set_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_OUT_OF_MEMORY,
                   "Cannot map the decoded pixels: %s", g_strerror (errno));
      return NULL;
    }
  image = pp_image_new (reply->width, reply->height, reply->channels);
  if (image == NULL)
    {
      munmap ((gpointer) addr, total);
      g_set_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_OUT_OF_MEMORY,
                   "Not enough memory for a %d × %d image", reply->width, reply->height);
      return NULL;
    }
  row_bytes = (gsize) reply->width * reply->channels;
  for (int y = 0; y < reply->height; y++)
    memcpy (PP_IMAGE_ROW (image, y), addr + (gsize) y * reply->stride, row_bytes);
  if (reply->icc_len > 0)
    info->icc_profile = g_bytes_new (addr + pixels_size, reply->icc_len);
  munmap ((gpointer) addr, total);
  return image;
}

/* What pp_io_load() would say about a path it cannot read, without parsing anything. */
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
      g_set_error (error, PP_IO_ERROR, PP_IO_ERROR_UNSUPPORTED, "“%s” is not a regular file",
                   path);
      return -1;
    }
  return fd;
}

/**
 * pp_decoder_load:
 * @path: the file; opened here, so a FIFO, a folder or an unreadable file fail at once
 * @options: (nullable): as for pp_io_load()
 * @info: (out caller-allocates) (optional): as for pp_io_load()
 *
 * pp_io_load() in this decoder's helper process.
 *
 * Returns: (transfer full): the image, or %NULL with @error set: what pp_io_load() reports
 * (PP_IO_ERROR, G_IO_ERROR; G_IO_ERROR_CANCELLED when @cancellable fired), or PP_DECODER_ERROR
 * when the helper crashed, ran out of memory or time
 */
PpImage *
pp_decoder_load (PpDecoder            *self,
                 const char           *path,
                 const PpLoadOptions  *options,
                 PpImageInfo          *info,
                 GCancellable         *cancellable,
                 GError              **error)
{
  PpLoadOptions defaults;
  PpImageInfo scratch = { 0 };
  PpDecoderRequest req;
  PpDecoderReply reply;
  PpImage *image = NULL;
  int memfd = -1;
  int fd;
  int ready;
  gssize n;

  g_return_val_if_fail (PP_IS_DECODER (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (info == NULL)
    info = &scratch;
  memset (info, 0, sizeof *info);
  if (options == NULL)
    {
      pp_load_options_init (&defaults);
      options = &defaults;
    }
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  fd = open_input (path, error);
  if (fd < 0)
    return NULL;

  fill_request (&req, path, options);
  for (guint attempt = 0;; attempt++)
    {
      if (!ensure_helper (self, error))
        {
          close (fd);
          return NULL;
        }
      if (_pp_decoder_send_message (self->sock, &req, sizeof req, fd))
        break;
      /* The helper went away between files: not this file's fault, so try once more. */
      kill_helper (self);
      if (attempt == 1)
        {
          close (fd);
          g_set_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_FAILED,
                       "Cannot talk to the image decoder: %s", g_strerror (errno));
          return NULL;
        }
    }
  close (fd);
  self->n_requests++;

  ready = _pp_decoder_wait_readable (self->sock, self->timeout_ms, cancellable);
  if (ready <= 0)
    {
      /* A running decode cannot be interrupted, only ended with its process. */
      kill_helper (self);
      if (ready < 0)
        g_cancellable_set_error_if_cancelled (cancellable, error);
      else
        g_set_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_TIMED_OUT,
                     "Decoding took longer than %u s", (self->timeout_ms + 999) / 1000);
      return NULL;
    }

  n = _pp_decoder_receive_message (self->sock, &reply, sizeof reply, MSG_DONTWAIT, &memfd);
  if (n <= 0)
    {
      /* End of stream: the helper died on this file. */
      GPid pid = self->pid;
      int status;

      close (self->sock);
      self->sock = -1;
      self->pid = 0;
      status = _pp_decoder_reap (pid);
      remove_name_dir (self);
      set_death_error (self, status, error);
      return NULL;
    }
  if (n != sizeof reply || reply.magic != PP_DECODER_MAGIC)
    {
      if (memfd >= 0)
        close (memfd);
      kill_helper (self);
      g_set_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_FAILED,
                   "The image decoder sent a malformed answer");
      return NULL;
    }

  if (reply.cpu_us > self->helper_cpu_us)
    {
      G_LOCK (helper_cpu);
      helper_cpu_total += reply.cpu_us - self->helper_cpu_us;
      G_UNLOCK (helper_cpu);
      self->helper_cpu_us = reply.cpu_us;
    }
  reply.format[sizeof reply.format - 1] = '\0';
  reply.message[sizeof reply.message - 1] = '\0';
  info->format = reply.format[0] != '\0' ? g_strdup (reply.format) : NULL;
  info->width = reply.header_width;
  info->height = reply.header_height;
  info->loaded_width = reply.loaded_width;
  info->loaded_height = reply.loaded_height;
  info->orientation = CLAMP (reply.orientation, 1, 8);
  info->orientation_applied = reply.orientation_applied != 0;

  if (!reply.ok)
    {
      if (memfd >= 0)
        close (memfd);
      if (reply.error_domain == PP_DECODER_DOMAIN_GIO)
        g_set_error_literal (error, G_IO_ERROR, reply.error_code, reply.message);
      else if (reply.error_domain == PP_DECODER_DOMAIN_DECODER)
        g_set_error_literal (error, PP_DECODER_ERROR,
                             CLAMP (reply.error_code, PP_DECODER_ERROR_FAILED,
                                    PP_DECODER_ERROR_TIMED_OUT),
                             reply.message);
      else
        g_set_error_literal (error, PP_IO_ERROR,
                             CLAMP (reply.error_code, PP_IO_ERROR_UNSUPPORTED,
                                    PP_IO_ERROR_EXISTS),
                             reply.message);
      if (info == &scratch)
        pp_image_info_clear (&scratch);
      return NULL;
    }
  if (memfd < 0)
    {
      kill_helper (self);
      g_set_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_FAILED,
                   "The image decoder sent no pixels");
      return NULL;
    }
  image = map_reply (&reply, memfd, info, error);
  close (memfd);
  if (image == NULL)
    kill_helper (self);
  if (info == &scratch)
    pp_image_info_clear (&scratch);
  return image;
}

/* One decoder, so one persistent helper, per thread that loads: the pool's workers. */
static GPrivate thread_decoder = G_PRIVATE_INIT (g_object_unref);

PpImage *
_pp_decoder_load (const char          *path,
                  const PpLoadOptions *options,
                  PpImageInfo         *info,
                  GCancellable        *cancellable,
                  GError             **error)
{
  PpDecoder *decoder = g_private_get (&thread_decoder);

  if (decoder == NULL)
    {
      decoder = pp_decoder_new ();
      g_private_set (&thread_decoder, decoder);
    }
  return pp_decoder_load (decoder, path, options, info, cancellable, error);
}
