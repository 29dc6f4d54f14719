/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Missing prerequisites, honestly. A test that cannot run because something it needs is not
 * there (root, a tmpfs mount, the corpus folder, a tool) calls pp_test_missing(): on a
 * developer's machine that is a skip that says why; under CI it is a failure, because CI is set
 * up to have every prerequisite and a skipped subtest counts as passed in TAP.
 *
 * "Under CI" means the environment variable CI is "true" or "1" (GitHub Actions and GitLab set
 * CI=true; .ci/run sets it too). Shell and Python tests follow the same rule through
 * tests/prereq.sh. A skip that is not a missing prerequisite (a measurement that means nothing
 * under a sanitizer) stays a g_test_skip() and is listed in tests/ci-allowed-skips, which
 * tools/test checks every skip of a CI run against.
 */
#pragma once

#include <glib.h>

static inline gboolean
pp_test_in_ci (void)
{
  const char *ci = g_getenv ("CI");

  return ci != NULL && (g_ascii_strcasecmp (ci, "true") == 0 || g_str_equal (ci, "1"));
}

/* Skips the current test with @format's reason, or fails it under CI. The caller returns. */
G_GNUC_PRINTF (1, 2) static inline void
pp_test_missing (const char *format,
                 ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  if (pp_test_in_ci ())
    g_test_fail_printf ("missing prerequisite under CI (CI=%s): %s", g_getenv ("CI"), reason);
  else
    g_test_skip (reason);
}

/* Whether @tool is on PATH; if not, the test is marked as missing it (pp_test_missing(), naming
 * the Debian @package). The caller returns when it is missing. */
static inline gboolean
pp_test_have_tool (const char *tool,
                   const char *package)
{
  g_autofree char *path = g_find_program_in_path (tool);

  if (path == NULL)
    pp_test_missing ("%s is not installed (Debian package %s)", tool, package);
  return path != NULL;
}
