/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Controls for pp-tsan.h: a counter bumped by GThreadPool workers under a GMutex must be clean
 * (CONTROL_locked), the same counter without the lock must be reported (CONTROL_racy). Built and
 * run by tools/run-sanitizers before the TSan suites.
 */
#include <glib.h>

static int counter;
static GMutex lock;

static void
work (gpointer data,
      gpointer user_data)
{
  int *item = data;

#ifdef CONTROL_locked
  g_mutex_lock (&lock);
  counter++;
  g_mutex_unlock (&lock);
#else
  counter++;
#endif
  (*item)++;
  /* Long enough that both workers take items, so the racy variant really races. */
  g_usleep (1000);
}

int
main (void)
{
  GThreadPool *pool = g_thread_pool_new (work, NULL, 2, TRUE, NULL);
  int items[64] = { 0 };
  int sum = 0;

  for (int i = 0; i < 64; i++)
    g_thread_pool_push (pool, &items[i], NULL);
  g_thread_pool_free (pool, FALSE, TRUE);
  for (int i = 0; i < 64; i++)
    sum += items[i];
  g_mutex_lock (&lock);
  g_print ("%d %d\n", sum, counter);
  g_mutex_unlock (&lock);
  return sum == 64 ? 0 : 1;
}
