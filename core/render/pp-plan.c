/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Planning: turns the enabled steps into stages. A stage has at most one local or geometry filter
 * and any number of point operations after it; consecutive lookup tables are composed into one,
 * which gives exactly the bytes applying them one by one would, since each maps 8 bits to 8 bits.
 * Each stage runs over row bands of its own destination buffer.
 */
#define G_LOG_DOMAIN "pp-plan"

#include "config.h"

#include <string.h>

#include "filters/pp-lut.h"
#include "render/pp-plan-private.h"

/* A band writes about this many bytes: small enough to stay in L2 with its source rows, large
 * enough that per-band overhead (a clock read, an atomic) is lost in the noise. */
#define PP_BAND_BYTES (128 * 1024)

/* Tests only: rows per band for plans made from now on (0: the size above). */
static int forced_band_rows;

typedef struct
{
  gboolean is_lut;
  guint8 lut[3][256];
  PpFilterContext ctx; /* for map_pixels */
} PointOp;

typedef struct
{
  PpFilterContext ctx; /* ctx.info is NULL for a stage of point operations only */
  GArray *ops;         /* of PointOp, applied in order to each finished row */
  int band_rows;
  guint n_bands;
  char *label;
} Stage;

struct _PpPlan
{
  gatomicrefcount ref_count;
  int in_width;
  int in_height;
  int out_width;
  int out_height;
  int channels;
  GPtrArray *stages; /* of Stage */
};

static void
stage_free (gpointer data)
{
  Stage *stage = data;

  if (stage->ctx.info != NULL && stage->ctx.info->release != NULL && stage->ctx.data != NULL)
    stage->ctx.info->release (stage->ctx.data);
  for (guint i = 0; i < stage->ops->len; i++)
    {
      PointOp *op = &g_array_index (stage->ops, PointOp, i);

      if (!op->is_lut && op->ctx.info->release != NULL && op->ctx.data != NULL)
        op->ctx.info->release (op->ctx.data);
    }
  g_array_unref (stage->ops);
  g_free (stage->label);
  g_free (stage);
}

G_DEFINE_BOXED_TYPE (PpPlan, pp_plan, pp_plan_ref, pp_plan_unref)

/**
 * pp_plan_ref:
 * @plan: a plan
 *
 * Returns: (transfer full): @plan. Any thread: a plan is immutable once made.
 */
PpPlan *
pp_plan_ref (PpPlan *plan)
{
  g_return_val_if_fail (plan != NULL, NULL);

  g_atomic_ref_count_inc (&plan->ref_count);
  return plan;
}

/**
 * pp_plan_unref:
 * @plan: (transfer full): a plan
 *
 * The last reference frees the plan and releases what its filters prepared. Any thread.
 */
void
pp_plan_unref (PpPlan *plan)
{
  g_return_if_fail (plan != NULL);

  if (g_atomic_ref_count_dec (&plan->ref_count))
    {
      g_ptr_array_unref (plan->stages);
      g_free (plan);
    }
}

static Stage *
stage_new (const PpStep *step,
           int           src_width,
           int           src_height,
           int           channels)
{
  Stage *stage = g_new0 (Stage, 1);

  stage->ops = g_array_new (FALSE, TRUE, sizeof (PointOp));
  stage->ctx.src_width = stage->ctx.dst_width = src_width;
  stage->ctx.src_height = stage->ctx.dst_height = src_height;
  stage->ctx.channels = channels;
  if (step != NULL)
    {
      stage->ctx.info = step->info;
      memcpy (stage->ctx.values, step->values, sizeof stage->ctx.values);
      if (step->info->kind == PP_FILTER_KIND_GEOMETRY)
        step->info->get_output_size (step->values, src_width, src_height,
                                     &stage->ctx.dst_width, &stage->ctx.dst_height);
    }
  return stage;
}

static gboolean
lut_is_identity (const guint8 lut[3][256])
{
  for (int c = 0; c < 3; c++)
    for (int v = 0; v < 256; v++)
      if (lut[c][v] != v)
        return FALSE;
  return TRUE;
}

static void
stage_add_point (Stage        *stage,
                 const PpStep *step)
{
  const PpFilterInfo *info = step->info;
  PointOp op = { 0 };

  if (info->build_lut != NULL)
    {
      PointOp *last = stage->ops->len > 0
        ? &g_array_index (stage->ops, PointOp, stage->ops->len - 1) : NULL;

      info->build_lut (step->values, op.lut);
      if (last != NULL && last->is_lut)
        {
          /* Compose: the fused table gives what the two give one after the other. */
          for (int c = 0; c < 3; c++)
            for (int v = 0; v < 256; v++)
              last->lut[c][v] = op.lut[c][last->lut[c][v]];
          if (lut_is_identity ((const guint8 (*)[256]) last->lut))
            g_array_set_size (stage->ops, stage->ops->len - 1);
          return;
        }
      if (lut_is_identity ((const guint8 (*)[256]) op.lut))
        return;
      op.is_lut = TRUE;
    }
  else
    {
      op.ctx.info = info;
      memcpy (op.ctx.values, step->values, sizeof op.ctx.values);
      op.ctx.src_width = op.ctx.dst_width = stage->ctx.dst_width;
      op.ctx.src_height = op.ctx.dst_height = stage->ctx.dst_height;
      op.ctx.channels = stage->ctx.channels;
      if (info->prepare != NULL)
        op.ctx.data = info->prepare (&op.ctx);
    }
  g_array_append_val (stage->ops, op);
}

static void
stage_finish (Stage *stage)
{
  gsize row_bytes = (gsize) stage->ctx.dst_width * stage->ctx.channels;
  GString *label = g_string_new (stage->ctx.info != NULL ? stage->ctx.info->name : NULL);

  stage->band_rows = CLAMP (PP_BAND_BYTES / MAX (row_bytes, 1), 1, (gsize) stage->ctx.dst_height);
  /* A local filter re-reads its radius above and below each band: keep that overhead small. */
  if (stage->ctx.info != NULL && stage->ctx.info->get_radius != NULL)
    stage->band_rows = MIN (MAX (stage->band_rows,
                                 4 * stage->ctx.info->get_radius (stage->ctx.values)),
                            stage->ctx.dst_height);
  if (g_atomic_int_get (&forced_band_rows) > 0)
    stage->band_rows = MIN (g_atomic_int_get (&forced_band_rows), stage->ctx.dst_height);
  stage->n_bands = (stage->ctx.dst_height + stage->band_rows - 1) / stage->band_rows;

  if (stage->ops->len > 0)
    {
      guint n_luts = 0;

      for (guint i = 0; i < stage->ops->len; i++)
        {
          PointOp *op = &g_array_index (stage->ops, PointOp, i);

          if (op->is_lut)
            n_luts++;
          else
            g_string_append_printf (label, "%s%s", label->len > 0 ? "+" : "", op->ctx.info->name);
        }
      if (n_luts > 0)
        g_string_append_printf (label, "%s%u LUT%s", label->len > 0 ? "+" : "", n_luts,
                                n_luts > 1 ? "s" : "");
    }
  if (label->len == 0)
    g_string_append (label, "copy");
  stage->label = g_string_free (label, FALSE);
}

/**
 * _pp_plan_set_band_rows_for_testing:
 * @rows: rows per band of every stage of the plans made after this call, or 0 for the normal
 *   choice (about 128 KiB of output per band, at least 4 radii for a local filter)
 *
 * For tests only (tests/core/test-scheduler.c): small images then split into as many bands as a
 * test needs, so that serial/parallel identity is checked with every worker busy. Any thread;
 * plans already made keep their bands.
 */
void
_pp_plan_set_band_rows_for_testing (int rows)
{
  g_return_if_fail (rows >= 0);

  g_atomic_int_set (&forced_band_rows, rows);
}

/**
 * pp_plan_new:
 * @pipeline: the steps (only the enabled ones are planned; the pipeline is not kept)
 * @width: the input's width, in pixels
 * @height: the input's height, in pixels
 * @channels: 3 or 4
 * @error: PP_FILTER_ERROR_EMPTY (a step leaves no pixels: a crop outside the image),
 *   PP_FILTER_ERROR_TOO_LARGE (a step would make an image too large to hold)
 *
 * Freezes the enabled steps for this input size: stages of at most one local or geometry filter
 * followed by point operations, consecutive lookup tables composed into one (the same bytes as
 * applying them one by one), tables that compose to identity dropped; each stage split into
 * bands of about 128 KiB of output. Each filter's prepare() runs here, on the calling thread, so
 * a worker may plan its own file. The result is immutable and shared by workers.
 *
 * Returns: (transfer full) (nullable): the plan (with no stages when nothing needs doing), or
 *   %NULL with @error
 */
PpPlan *
pp_plan_new (PpPipeline *pipeline,
             int         width,
             int         height,
             int         channels,
             GError    **error)
{
  g_autoptr (PpPlan) plan = NULL;
  guint n_steps;
  Stage *current = NULL;

  g_return_val_if_fail (PP_IS_PIPELINE (pipeline), NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);
  g_return_val_if_fail (channels == 3 || channels == 4, NULL);

  plan = g_new0 (PpPlan, 1);
  g_atomic_ref_count_init (&plan->ref_count);
  plan->in_width = plan->out_width = width;
  plan->in_height = plan->out_height = height;
  plan->channels = channels;
  plan->stages = g_ptr_array_new_with_free_func (stage_free);

  n_steps = pp_pipeline_get_n_steps (pipeline);
  for (guint i = 0; i < n_steps; i++)
    {
      const PpStep *step = pp_pipeline_get_step (pipeline, i);

      if (!step->enabled)
        continue;
      if (step->info->kind == PP_FILTER_KIND_POINT)
        {
          if (current == NULL)
            {
              current = stage_new (NULL, plan->out_width, plan->out_height, channels);
              g_ptr_array_add (plan->stages, current);
            }
          stage_add_point (current, step);
          continue;
        }

      current = stage_new (step, plan->out_width, plan->out_height, channels);
      g_ptr_array_add (plan->stages, current);
      if (current->ctx.dst_width < 1 || current->ctx.dst_height < 1)
        {
          g_autofree char *spec = pp_step_to_spec (step);

          g_set_error (error, PP_FILTER_ERROR, PP_FILTER_ERROR_EMPTY,
                       "%s leaves nothing of the %d x %d image (is the region outside it?)",
                       spec, plan->out_width, plan->out_height);
          return NULL;
        }
      if (current->ctx.dst_width > PP_PLAN_MAX_SIDE || current->ctx.dst_height > PP_PLAN_MAX_SIDE ||
          (gint64) current->ctx.dst_width * current->ctx.dst_height > PP_PLAN_MAX_PIXELS)
        {
          g_set_error (error, PP_FILTER_ERROR, PP_FILTER_ERROR_TOO_LARGE,
                       "%s would make a %d x %d image from %d x %d, which is too large",
                       step->info->name, current->ctx.dst_width, current->ctx.dst_height,
                       plan->out_width, plan->out_height);
          return NULL;
        }
      plan->out_width = current->ctx.dst_width;
      plan->out_height = current->ctx.dst_height;
      if (step->info->prepare != NULL)
        current->ctx.data = step->info->prepare (&current->ctx);
    }

  /* A point stage whose tables all cancelled out does nothing: drop it. */
  for (guint i = plan->stages->len; i-- > 0;)
    {
      Stage *stage = g_ptr_array_index (plan->stages, i);

      if (stage->ctx.info == NULL && stage->ops->len == 0)
        g_ptr_array_remove_index (plan->stages, i);
      else
        stage_finish (stage);
    }
  return g_steal_pointer (&plan);
}

/**
 * pp_plan_get_input_size:
 * @plan: a plan
 * @width: (out) (optional): the input's width, in pixels
 * @height: (out) (optional): the input's height, in pixels
 */
void
pp_plan_get_input_size (PpPlan *plan,
                        int    *width,
                        int    *height)
{
  g_return_if_fail (plan != NULL);

  if (width != NULL)
    *width = plan->in_width;
  if (height != NULL)
    *height = plan->in_height;
}

/**
 * pp_plan_get_output_size:
 * @plan: a plan
 * @width: (out) (optional): the result's width, in pixels
 * @height: (out) (optional): the result's height, in pixels
 */
void
pp_plan_get_output_size (PpPlan *plan,
                         int    *width,
                         int    *height)
{
  g_return_if_fail (plan != NULL);

  if (width != NULL)
    *width = plan->out_width;
  if (height != NULL)
    *height = plan->out_height;
}

/**
 * pp_plan_get_channels:
 * @plan: a plan
 *
 * Returns: the channels of the input and of every stage's output: 3 or 4
 */
int
pp_plan_get_channels (PpPlan *plan)
{
  g_return_val_if_fail (plan != NULL, 0);

  return plan->channels;
}

/**
 * pp_plan_get_n_stages:
 * @plan: a plan
 *
 * Returns: the stages a render runs one after the other; 0 when the plan does nothing (the
 *   render returns its source)
 */
guint
pp_plan_get_n_stages (PpPlan *plan)
{
  g_return_val_if_fail (plan != NULL, 0);

  return plan->stages->len;
}

/**
 * pp_plan_get_n_bands:
 * @plan: a plan
 * @stage: 0 .. pp_plan_get_n_stages() - 1
 *
 * Returns: how many row bands the stage's output is split into: the units workers take
 */
guint
pp_plan_get_n_bands (PpPlan *plan,
                     guint   stage)
{
  g_return_val_if_fail (plan != NULL && stage < plan->stages->len, 0);

  return ((Stage *) g_ptr_array_index (plan->stages, stage))->n_bands;
}

guint
_pp_plan_get_total_bands (PpPlan *plan)
{
  guint n = 0;

  for (guint i = 0; i < plan->stages->len; i++)
    n += ((Stage *) g_ptr_array_index (plan->stages, i))->n_bands;
  return n;
}

/**
 * pp_plan_describe:
 * @plan: a plan
 *
 * Returns: (transfer full): the stages as people read them, "exposure+gamma: 1 LUT → fit", or
 *   "(no filters)"
 */
char *
pp_plan_describe (PpPlan *plan)
{
  GString *s = g_string_new (NULL);

  g_return_val_if_fail (plan != NULL, NULL);

  for (guint i = 0; i < plan->stages->len; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? " → " : "",
                            ((Stage *) g_ptr_array_index (plan->stages, i))->label);
  if (s->len == 0)
    g_string_append (s, "(no filters)");
  return g_string_free (s, FALSE);
}

PpImage *
_pp_plan_alloc_stage (PpPlan  *plan,
                      guint    stage,
                      GError **error)
{
  Stage *s = g_ptr_array_index (plan->stages, stage);
  PpImage *image = pp_image_new (s->ctx.dst_width, s->ctx.dst_height, plan->channels);

  if (image == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                 "Not enough memory for a %d x %d image", s->ctx.dst_width, s->ctx.dst_height);
  return image;
}

static void
apply_lut_row (const guint8 *src,
               guint8       *dst,
               int           width,
               int           channels,
               const guint8  lut[3][256])
{
  if (channels == 3)
    {
      for (int x = 0; x < width; x++, src += 3, dst += 3)
        {
          dst[0] = lut[0][src[0]];
          dst[1] = lut[1][src[1]];
          dst[2] = lut[2][src[2]];
        }
    }
  else
    {
      for (int x = 0; x < width; x++, src += 4, dst += 4)
        {
          dst[0] = lut[0][src[0]];
          dst[1] = lut[1][src[1]];
          dst[2] = lut[2][src[2]];
          dst[3] = src[3];
        }
    }
}

static void
run_point_ops (const Stage  *stage,
               const guint8 *src_row,
               guint8       *dst_row,
               int           width,
               int           channels)
{
  for (guint i = 0; i < stage->ops->len; i++)
    {
      const PointOp *op = &g_array_index (stage->ops, PointOp, i);
      const guint8 *in = i == 0 ? src_row : dst_row;

      if (op->is_lut)
        {
          if (memcmp (op->lut[0], op->lut[1], 256) == 0 &&
              memcmp (op->lut[0], op->lut[2], 256) == 0)
            pp_lut_apply_flat (in, dst_row, (gsize) width * channels, channels, op->lut[0]);
          else
            apply_lut_row (in, dst_row, width, channels, op->lut);
        }
      else
        {
          if (in != dst_row)
            memcpy (dst_row, in, (gsize) width * channels);
          op->ctx.info->map_pixels (&op->ctx, dst_row, width, channels);
        }
    }
}

/* Runs one band of one stage: the filter's rows, then the fused point operations on each row
 * while it is still in cache. Called from workers; writes only rows of this band of @dst. */
void
_pp_plan_run_band (PpPlan        *plan,
                   guint          stage_index,
                   guint          band,
                   const PpImage *src,
                   PpImage       *dst)
{
  const Stage *stage = g_ptr_array_index (plan->stages, stage_index);
  int y0 = band * stage->band_rows;
  int y1 = MIN (y0 + stage->band_rows, stage->ctx.dst_height);

  g_assert (y0 < y1);
  g_assert (dst->width == stage->ctx.dst_width && dst->height == stage->ctx.dst_height);

  if (stage->ctx.info != NULL)
    {
      stage->ctx.info->process_band (&stage->ctx, src, dst, y0, y1);
      for (int y = y0; y < y1 && stage->ops->len > 0; y++)
        run_point_ops (stage, PP_IMAGE_ROW (dst, y), PP_IMAGE_ROW (dst, y), dst->width,
                       dst->channels);
    }
  else
    {
      for (int y = y0; y < y1; y++)
        run_point_ops (stage, PP_IMAGE_ROW (src, y), PP_IMAGE_ROW (dst, y), dst->width,
                       dst->channels);
    }
}
