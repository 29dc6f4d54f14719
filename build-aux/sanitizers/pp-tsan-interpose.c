/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Linked into every program of the ThreadSanitizer build (tools/run-sanitizers): the reference
 * counting functions of libglib/libgobject, interposed so that each unref releases and the last
 * one acquires, as their atomics do in the uninstrumented libraries. Unlike the macros in
 * pp-tsan.h this also covers the unrefs g_autoptr() cleanups make from GLib's inline headers.
 */
#define _GNU_SOURCE
#include <dlfcn.h>

#include <glib-object.h>

/* Weak: meson's compiler sanity check links this file without the TSan runtime. */
__attribute__ ((weak)) void __tsan_acquire (void *addr);
__attribute__ ((weak)) void __tsan_release (void *addr);

static void (*real_object_unref) (gpointer);
static gboolean (*real_atomic_ref_count_dec) (gatomicrefcount *);

__attribute__ ((constructor)) static void
find_real_functions (void)
{
  real_object_unref = (void (*) (gpointer)) dlsym (RTLD_NEXT, "g_object_unref");
  real_atomic_ref_count_dec = (gboolean (*) (gatomicrefcount *)) dlsym (RTLD_NEXT,
                                                                         "g_atomic_ref_count_dec");
}

void
g_object_unref (gpointer object)
{
  if (__tsan_release != NULL)
    {
      __tsan_release (object);
      /* At 1 only the caller holds it: this unref disposes, after every earlier one. */
      if (g_atomic_int_get (&((GObject *) object)->ref_count) == 1)
        __tsan_acquire (object);
    }
  real_object_unref (object);
}

gboolean
g_atomic_ref_count_dec (gatomicrefcount *rc)
{
  if (__tsan_release != NULL)
    __tsan_release (rc);
  if (!real_atomic_ref_count_dec (rc))
    return FALSE;
  if (__tsan_acquire != NULL)
    __tsan_acquire (rc);
  return TRUE;
}
