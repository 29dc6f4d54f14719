/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for load -> pipeline -> save on arbitrary bytes. The decoder runs in process
 * (pp_decode_fd, the code parapix-decoder runs) with a pixel limit; the first input byte picks a
 * registered filter, run with its defaults over the decoded image, and the result is encoded.
 * Only the loaders the app allows by default are reachable, as in the app.
 * Findings inside GdkPixbuf's loaders are third-party: in the app they cost one helper process.
 */
#include "config.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pp-decode.h"
#include "pp-filter.h"
#include "pp-pipeline.h"
#include "pp-plan.h"
#include "pp-scheduler.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* One-time state of GIO's MIME tables and of the loader list, made before libFuzzer starts
 * counting allocations per input (see tools/sanitizers/lsan.supp). */
int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autofree char *type = g_content_type_guess ("x.png", (const guchar *) "\x89PNG", 4, NULL);

  g_slist_free (gdk_pixbuf_get_formats ());
  return 0;
}

/* Small enough that one input decodes in milliseconds and memory stays far below -rss_limit_mb. */
#define FUZZ_MAX_PIXELS (2048 * 2048)

/* Loaders warn about damaged files: noise, not findings. Criticals and errors are printed. */
static GLogWriterOutput
quiet_log (GLogLevelFlags   level,
           const GLogField *fields,
           gsize            n_fields,
           gpointer         user_data)
{
  if (!(level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL)))
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_standard_streams (level, fields, n_fields, user_data);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static gboolean initialised;
  PpDecodeOptions options = { .max_pixels = FUZZ_MAX_PIXELS, .apply_orientation = TRUE,
                              .allowed_formats = pp_decode_get_default_formats () };
  g_autoptr (GdkPixbuf) pixbuf = NULL;
  g_autoptr (PpPipeline) pipeline = NULL;
  g_autoptr (PpImage) src = NULL;
  g_autoptr (PpImage) dst = NULL;
  g_autoptr (PpPlan) plan = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkPixbuf) out = NULL;
  g_autofree char *encoded = NULL;
  const PpFilterInfo *const *filters;
  double values[PP_MAX_PARAMS];
  PpDecodeInfo info;
  gsize encoded_len;
  guint n_filters;
  int fd;

  if (!initialised)
    {
      g_log_set_writer_func (quiet_log, NULL, NULL);
      initialised = TRUE;
    }
  if (size < 2)
    return -1;

  filters = pp_filter_list (&n_filters);
  pipeline = pp_pipeline_new ();
  pp_filter_info_get_defaults (filters[data[0] % n_filters], values);
  pp_pipeline_append (pipeline, filters[data[0] % n_filters], values);
  options.shrink_step = pp_pipeline_get_step (pipeline, 0);
  data++;
  size--;

  fd = memfd_create ("fuzz-input", MFD_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, data, size), ==, (gssize) size);
  pixbuf = pp_decode_fd (fd, "fuzz-input", &options, &info, &error);
  close (fd);
  if (pixbuf == NULL)
    {
      g_assert_nonnull (error);
      pp_decode_info_clear (&info);
      return 0;
    }
  g_assert_cmpint ((gint64) gdk_pixbuf_get_width (pixbuf) * gdk_pixbuf_get_height (pixbuf), <=,
                   FUZZ_MAX_PIXELS);

  src = pp_image_new_for_pixbuf (pixbuf);
  plan = pp_plan_new (pipeline, src->width, src->height, src->channels, &error);
  if (plan != NULL)
    dst = pp_plan_run_here (plan, src, 0, NULL, NULL, &error);
  if (dst != NULL)
    {
      out = pp_image_to_pixbuf (dst);
      if (!gdk_pixbuf_save_to_buffer (out, &encoded, &encoded_len, "png", &error,
                                      "compression", "1", NULL))
        g_error ("encoding a decoded image failed: %s", error->message);
    }
  pp_decode_info_clear (&info);
  return 0;
}
