/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for load -> pipeline -> save on arbitrary bytes: pp_io_load()'s own code (the
 * codecs parapix-decoder runs) in this process, with a pixel limit; the first input byte picks a
 * registered filter, run with its defaults over every decoded frame, and pp_io_save_frames()
 * writes the result with the metadata blobs found into a private folder. The second byte picks
 * the output format (low bits), every frame or the first (0x10) and damage kept or refused
 * (0x20). tests/fuzz/seeds-load/ has a small seed per codec and per kind (animated, paged,
 * progressive, interlaced, with metadata). Findings inside GdkPixbuf's loaders
 * are third-party: in the app they cost one helper process.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "filters/pp-filter.h"
#include "io/pp-io-private.h"
#include "render/pp-pipeline.h"
#include "render/pp-plan.h"
#include "render/pp-render.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

/* Small enough that one input decodes in milliseconds and memory stays far below the limits. */
#define FUZZ_MAX_MEGAPIXELS 4.0
#define FUZZ_SLOW_ENCODER_SIDE 8192

static char *out_dir;

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

/* One-time state (GIO's MIME tables, the loader list) is made before libFuzzer starts
 * counting allocations per input (see build-aux/sanitizers/lsan.supp). */
int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_free (g_content_type_guess ("x.png", (const guchar *) "\x89PNG", 4, NULL));
  g_log_set_writer_func (quiet_log, NULL, NULL);
  pp_io_init ();
  out_dir = g_dir_make_tmp ("pp-fuzz-load-XXXXXX", NULL);
  g_assert_nonnull (out_dir);
  return 0;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static const PpFormat formats[] = { PP_FORMAT_PNG, PP_FORMAT_JPEG, PP_FORMAT_WEBP,
                                      PP_FORMAT_TIFF, PP_FORMAT_BMP, PP_FORMAT_AVIF,
                                      PP_FORMAT_JXL };
  g_autoptr (PpPipeline) pipeline = NULL;
  g_autoptr (PpImage) src = NULL;
  g_autoptr (PpImage) dst = NULL;
  g_autoptr (PpPlan) plan = NULL;
  g_autoptr (GArray) outputs = g_array_new (FALSE, TRUE, sizeof (PpFrame));
  g_autoptr (GError) error = NULL;
  g_autofree char *in_path = NULL;
  g_autofree char *out_path = NULL;
  g_auto (PpImageInfo) info = { 0 };
  const PpFilterInfo *const *filters;
  const PpFilterInfo *filter;
  double values[PP_MAX_PARAMS];
  PpLoadOptions load;
  PpSaveOptions save;
  guint n_filters;
  int fd;

  if (size < 3)
    return -1;
  filters = pp_filter_list (&n_filters);
  filter = filters[data[0] % n_filters];
  pipeline = pp_pipeline_new ();
  pp_filter_info_get_defaults (filter, values);
  pp_pipeline_append (pipeline, filter, values);
  pp_save_options_init (&save);
  save.format = formats[(data[1] & 0x0f) % G_N_ELEMENTS (formats)];
  pp_load_options_init (&load);
  load.all_frames = (data[1] & 0x10) != 0;
  load.keep_damaged = (data[1] & 0x20) != 0;
  data += 2;
  size -= 2;

  fd = memfd_create ("fuzz-input", MFD_CLOEXEC);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (write (fd, data, size), ==, (gssize) size);
  in_path = g_strdup_printf ("/proc/self/fd/%d", fd);
  load.max_megapixels = FUZZ_MAX_MEGAPIXELS;
  pp_pipeline_get_load_hint (pipeline, &load.fit_width, &load.fit_height);
  src = _pp_io_load_here (in_path, &load, &info, NULL, &error);
  close (fd);
  if (src == NULL)
    {
      /* A refusal must say why. */
      g_assert_nonnull (error);
      g_assert_true (error->message[0] != '\0');
      return 0;
    }
  g_assert_cmpfloat ((double) src->width * src->height, <=, FUZZ_MAX_MEGAPIXELS * 1e6);
  g_assert_true (load.keep_damaged || info.damage == NULL);

  g_array_set_clear_func (outputs, (GDestroyNotify) pp_frame_clear_image);
  {
    double pixels = 0;

    for (guint i = 0; i < (info.frames != NULL ? info.frames->len : 1); i++)
      {
        PpImage *frame = info.frames != NULL ? ((PpFrame *) info.frames->pdata[i])->image : src;

        pixels += (double) frame->width * frame->height;
        g_clear_pointer (&plan, pp_plan_unref);
        plan = pp_plan_new (pipeline, frame->width, frame->height, frame->channels, &error);
        if (plan == NULL)
          return 0;
        dst = pp_plan_run_here (plan, frame, 0, NULL, NULL, &error);
        g_assert_no_error (error);
        g_assert_nonnull (dst);
        g_array_append_val (outputs, ((PpFrame) { g_steal_pointer (&dst), 0 }));
      }
    /* Every frame decoded counts against the limit. */
    g_assert_cmpfloat (pixels, <=, FUZZ_MAX_MEGAPIXELS * 1e6);
  }
  dst = pp_image_ref (g_array_index (outputs, PpFrame, 0).image);

  /* libjxl and libaom take tens of seconds under ASan on a strip such as 65535 x 1 (0.8 s for
   * libjxl in a release build): third-party speed, not a finding, and past libFuzzer's timeout.
   * Such images go to PNG; every other size still reaches the AVIF and JPEG XL encoders. */
  if ((save.format == PP_FORMAT_AVIF || save.format == PP_FORMAT_JXL)
      && MAX (dst->width, dst->height) > FUZZ_SLOW_ENCODER_SIDE)
    save.format = PP_FORMAT_PNG;
  save.icc_profile = info.icc_profile;
  save.metadata = &info.metadata;
  out_path = g_build_filename (out_dir, "out", NULL);
  /* As a batch does: several frames only where the format holds that kind (frames vs pages). */
  if (!pp_format_holds (save.format, info.animated ? PP_CODEC_HOLDS_ANIMATION
                                                   : PP_CODEC_HOLDS_PAGES))
    g_array_set_size (outputs, 1);
  if (!pp_io_save_frames ((PpFrame *) outputs->data, outputs->len, out_path, &save, NULL, NULL,
                          &error))
    {
      /* WebP cannot hold a side over 16383 pixels, JPEG over 65500 (the formats' limits): a
       * clean refusal. Any
       * other failure to save a decoded image is a finding. abort(), not g_error(): libFuzzer
       * keeps the input of an abort, not of a trap. */
      if (save.format == PP_FORMAT_WEBP && MAX (dst->width, dst->height) > 16383)
        return 0;
      if (save.format == PP_FORMAT_JPEG && MAX (dst->width, dst->height) > 65500)
        return 0;
      g_printerr ("saving a decoded %d x %d image as %s failed: %s\n", dst->width, dst->height,
                  pp_format_to_string (save.format), error->message);
      abort ();
    }
  g_unlink (out_path);
  return 0;
}
