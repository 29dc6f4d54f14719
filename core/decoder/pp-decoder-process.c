/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The life of PpDecoder's helper process: finding parapix-decoder, the bubblewrap sandbox
 * around it (tried once per process, quietly), starting it under its resource limits and
 * waiting for its hello, replacing it now and then or when it died while idle, stopping,
 * killing and reaping it, and saying from its wait status why it died. The requests and
 * replies it serves are pp-decoder.c.
 */
#define G_LOG_DOMAIN "pp-decoder"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "decoder/pp-decoder.h"
#include "decoder/pp-decoder-private.h"
#include "decoder/pp-decoder-process-private.h"
#include "decoder/pp-decoder-protocol.h"

/* A reused helper is replaced now and then, so a loader that leaks cannot grow it forever. */
#define MAX_REQUESTS_PER_HELPER 1000
#define HELLO_TIMEOUT_MS 10000
#define DEFAULT_CPU_LIMIT_S 60
#define STOP_GRACE_MS 5000

/* Whether bubblewrap works on this machine: 0 not tried yet, 1 works, -1 does not (absent, or
 * no user namespaces, as inside a Flatpak). Shared by all decoders; tried once. */
static int sandbox_state;

/* Waits for @pid to end, through EINTR; returns its wait status. */
static int
reap (GPid pid)
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
static void
add_bwrap_args (GPtrArray  *argv,
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

/* The helper executable: pp_decoder_set_helper_path(), PP_DECODER_PATH, beside the running
 * binary, then the libexec folder. */
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

/* Kills the helper, if one runs, and closes its socket; the next request starts a new one.
 * Thread: the one thread using this decoder. */
void
_pp_decoder_process_kill (PpDecoder *self)
{
  if (self->pid != 0)
    {
      kill (self->pid, SIGKILL);
      reap (self->pid);
      self->pid = 0;
    }
  if (self->sock >= 0)
    {
      close (self->sock);
      self->sock = -1;
    }
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
          reap (self->pid);
        }
      else if (done == self->pid && !(WIFEXITED (status) && WEXITSTATUS (status) == 0))
        /* A clean helper exits 0 at end of stream; anything else (a leak report in a
         * sanitizer build, a crash at exit) is a bug to see, not to hide. */
        g_warning ("the image decoder exited abnormally (wait status 0x%x)", status);
      self->pid = 0;
    }
}

/* Starts one helper (inside bubblewrap when @sandbox) and waits for its hello. */
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
    add_bwrap_args (argv, bwrap, helper);
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
      _pp_decoder_process_kill (self);
      g_set_error (error, PP_DECODER_ERROR, PP_DECODER_ERROR_FAILED,
                   "the image decoder %s did not start%s", helper,
                   bwrap != NULL ? " inside bubblewrap" : "");
      return FALSE;
    }
  if (hello_fd >= 0)
    close (hello_fd);
  return TRUE;
}

/* Tries bubblewrap once per process, quietly, with the helper's own sandbox arguments, before
 * the first helper starts in it: where it cannot create namespaces (a chroot, some containers)
 * its own complaint would otherwise reach the user's terminal once per helper start. Sets
 * sandbox_state to -1 when it does not work. */
static void
probe_sandbox_once (void)
{
  static gsize probed = 0;

  if (g_once_init_enter (&probed))
    {
      g_autofree char *bwrap = g_find_program_in_path ("bwrap");
      g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
      int status = 0;
      g_autoptr (GError) error = NULL;

      if (bwrap == NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "bwrap not found");
      else
        {
          /* The helper's own sandbox, around a program every system has. */
          add_bwrap_args (argv, bwrap, "/usr/bin/true");
          g_ptr_array_add (argv, g_strdup ("/usr/bin/true"));
          g_ptr_array_add (argv, NULL);
          if (g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                            G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                            NULL, NULL, &status, &error))
            g_spawn_check_wait_status (status, &error);
        }
      if (error != NULL)
        {
          g_atomic_int_set (&sandbox_state, -1);
          g_debug ("bubblewrap unavailable (%s); decoding under resource limits only",
                   error->message);
        }
      g_once_init_leave (&probed, 1);
    }
}

/* Makes sure a helper runs: starts one (inside bubblewrap when that works here) when none
 * does, when the last one reached MAX_REQUESTS_PER_HELPER or died while idle. Returns %FALSE
 * with PP_DECODER_ERROR_FAILED set when none could start. Thread: the one thread using this
 * decoder. */
gboolean
_pp_decoder_process_ensure (PpDecoder  *self,
                            GError    **error)
{
  int status;

  if (self->pid != 0 && self->n_requests >= MAX_REQUESTS_PER_HELPER)
    pp_decoder_stop (self);
  /* A helper that died while idle (killed from outside) is not the next file's fault. */
  if (self->pid != 0 && waitpid (self->pid, &status, WNOHANG) == self->pid)
    {
      self->pid = 0;
      _pp_decoder_process_kill (self);
    }
  if (self->pid != 0)
    return TRUE;

  if (self->want_sandbox)
    probe_sandbox_once ();
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

/* The helper ended the stream in the middle of a request: it died on this file. Closes its
 * socket, reaps it and sets @error to why it died (PP_DECODER_ERROR CRASHED, OUT_OF_MEMORY or
 * TIMED_OUT). Thread: the one thread using this decoder. */
void
_pp_decoder_process_reap_dead (PpDecoder  *self,
                               GError    **error)
{
  GPid pid = self->pid;

  close (self->sock);
  self->sock = -1;
  self->pid = 0;
  set_death_error (self, reap (pid), error);
}
