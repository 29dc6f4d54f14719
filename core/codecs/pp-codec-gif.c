/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GIF through GdkPixbuf's loader, with the file's block structure read here: the frame count,
 * the loop count, and whether the file ends inside a frame (GdkPixbuf shows what it got and says
 * nothing). Frames come out as whole composited canvases, with the delays GdkPixbuf plays them
 * at. GIF is not written: no GIF encoder is at hand (GdkPixbuf has none).
 */
#define G_LOG_DOMAIN "pp-codec"

#include "config.h"

#include <string.h>

#include "codecs/pp-codec-private.h"

typedef struct
{
  int width;
  int height;
  guint n_frames;      /* image descriptors met */
  guint n_complete;    /* of which all data is present */
  int loop_count;      /* 0: forever; 1: once (no NETSCAPE2.0 extension) */
  gboolean truncated;  /* the data ends before the trailer */
  gboolean corrupt;    /* a block that is not a GIF block */
  guint short_frame;   /* 1-based: the first frame whose image data holds too few pixels */
  double short_missing; /* the fraction of that frame's pixels missing */
  gboolean short_corrupt; /* cut short by an impossible code, not by the end of its data */
} GifLayout;

static guint
le16 (const guint8 *p)
{
  return p[0] | p[1] << 8;
}

/* Skips data sub-blocks from *pos; FALSE when the data ends first. */
static gboolean
skip_sub_blocks (const guint8 *data,
                 gsize         size,
                 gsize        *pos)
{
  while (*pos < size)
    {
      guint len = data[(*pos)++];

      if (len == 0)
        return TRUE;
      *pos += len;
    }
  return FALSE;
}

/* Reads GIF's LZW codes (LSB first, across the data sub-blocks from @pos) and counts the
 * pixels they give, without keeping them: each code's string length is its prefix's plus one
 * (GIF89a, appendix F). Stops at the end code, a code the table does not hold yet (@corrupt
 * set), the end of the sub-blocks, or once @needed pixels are out. Returns the count. */
static guint64
count_lzw_pixels (const guint8 *data,
                  gsize         size,
                  gsize         pos,
                  guint         min_code_size,
                  guint64       needed,
                  gboolean     *corrupt)
{
  guint16 length[4096];
  guint clear, end, next, code_size;
  guint32 bits = 0;
  guint n_bits = 0, block_left = 0;
  int prev = -1;
  guint64 pixels = 0;

  *corrupt = FALSE;
  if (min_code_size < 1 || min_code_size > 11)
    {
      *corrupt = TRUE;
      return 0;
    }
  clear = 1u << min_code_size;
  end = clear + 1;
  next = end + 1;
  code_size = min_code_size + 1;
  for (guint i = 0; i < clear; i++)
    length[i] = 1;
  while (pixels < needed)
    {
      guint code;

      while (n_bits < code_size)
        {
          if (block_left == 0)
            {
              if (pos >= size || data[pos] == 0)
                return pixels; /* the image data ends */
              block_left = data[pos++];
            }
          if (pos >= size)
            return pixels;
          bits |= (guint32) data[pos++] << n_bits;
          n_bits += 8;
          block_left--;
        }
      code = bits & ((1u << code_size) - 1);
      bits >>= code_size;
      n_bits -= code_size;
      if (code == clear)
        {
          next = end + 1;
          code_size = min_code_size + 1;
          prev = -1;
          continue;
        }
      if (code == end)
        return pixels;
      if (prev < 0)
        {
          if (code >= clear)
            {
              *corrupt = TRUE; /* the first code after a clear is a literal */
              return pixels;
            }
          pixels += 1;
          prev = (int) code;
          continue;
        }
      if (code > next || (code == next && next >= 4096))
        {
          *corrupt = TRUE; /* a code the table does not hold */
          return pixels;
        }
      if (next < 4096)
        {
          length[next] = length[prev] + 1;
          pixels += code < next ? length[code] : length[next];
          next++;
          if (next == (1u << code_size) && code_size < 12)
            code_size++;
        }
      else
        pixels += length[code]; /* a full table: no new entry until a clear */
      prev = (int) code;
    }
  return pixels;
}

/* Reads the block structure into @layout; of the first @n_counted frames (0: none, G_MAXUINT:
 * all) it also counts the pixels their image data gives, which costs an LZW pass: a decode
 * asks for the frames it shows, a probe for none. */
static void
walk (const guint8 *data,
      gsize         size,
      guint         n_counted,
      GifLayout    *layout)
{
  gsize pos = 13;
  guint flags;

  memset (layout, 0, sizeof *layout);
  layout->loop_count = 1;
  if (size < 13)
    {
      layout->truncated = TRUE;
      return;
    }
  layout->width = (int) le16 (data + 6);
  layout->height = (int) le16 (data + 8);
  flags = data[10];
  if (flags & 0x80)
    pos += 3u << ((flags & 7) + 1);
  while (pos < size)
    {
      guint8 block = data[pos++];

      if (block == 0x3b)
        return; /* the trailer */
      if (block == 0x21)
        {
          guint8 label = pos < size ? data[pos++] : 0;

          /* NETSCAPE2.0 (or ANIMEXTS1.0): sub-block 1 holds the loop count. */
          if (label == 0xff && pos + 16 <= size && data[pos] == 11
              && (memcmp (data + pos + 1, "NETSCAPE2.0", 11) == 0
                  || memcmp (data + pos + 1, "ANIMEXTS1.0", 11) == 0)
              && data[pos + 12] >= 3 && data[pos + 13] == 1)
            layout->loop_count = (int) le16 (data + pos + 14);
          if (!skip_sub_blocks (data, size, &pos))
            break;
        }
      else if (block == 0x2c)
        {
          if (pos + 9 > size)
            {
              layout->n_frames++;
              break;
            }
          guint64 frame_pixels = (guint64) le16 (data + pos + 4) * le16 (data + pos + 6);

          flags = data[pos + 8];
          pos += 9;
          if (flags & 0x80)
            pos += 3u << ((flags & 7) + 1);
          pos++; /* LZW minimum code size */
          layout->n_frames++;
          if (pos > size)
            break;
          /* GdkPixbuf shows a frame whose data gives too few pixels with the rest blank, and
           * says nothing: count them. */
          if (layout->short_frame == 0 && layout->n_frames <= n_counted && frame_pixels > 0)
            {
              gboolean bad_code;
              guint64 got = count_lzw_pixels (data, size, pos, data[pos - 1], frame_pixels,
                                              &bad_code);

              if (got < frame_pixels)
                {
                  layout->short_frame = layout->n_frames;
                  layout->short_corrupt = bad_code;
                  layout->short_missing = 1.0 - (double) got / (double) frame_pixels;
                }
            }
          if (!skip_sub_blocks (data, size, &pos))
            break;
          layout->n_complete++;
        }
      else
        {
          layout->corrupt = TRUE;
          return;
        }
    }
  /* Out of data before the trailer: harmless after the last complete frame. */
  layout->truncated = layout->n_complete < layout->n_frames;
}

static gboolean
gif_sniff (const guint8 *head,
           gsize         size)
{
  return size >= 6 && (memcmp (head, "GIF87a", 6) == 0 || memcmp (head, "GIF89a", 6) == 0);
}

/* The header a walk found; FALSE (DAMAGED) when the file declares no size. */
static gboolean
fill_header (const GifLayout  *layout,
             PpCodecHeader    *header,
             GError          **error)
{
  if (layout->width <= 0 || layout->height <= 0)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                   "The GIF file declares no image size");
      return FALSE;
    }
  header->format = "gif";
  header->width = layout->width;
  header->height = layout->height;
  header->n_frames = MAX (layout->n_frames, 1u);
  header->animated = layout->n_frames > 1;
  header->has_alpha = TRUE; /* GdkPixbuf always decodes GIF with alpha */
  return TRUE;
}

static gboolean
gif_probe (const guint8  *data,
           gsize          size,
           const char    *name,
           PpCodecHeader *header,
           GError       **error)
{
  GifLayout layout;

  walk (data, size, 0, &layout);
  return fill_header (&layout, header, error);
}

/* Every frame, as GdkPixbuf plays them: advance a clock by each frame's own delay. */
static gboolean
read_frames (GdkPixbufAnimation   *animation,
             guint                 n_frames,
             const PpDecodeParams *params,
             PpDecoded            *out,
             GError              **error)
{
  g_autoptr (GdkPixbufAnimationIter) iter = NULL;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS /* GdkPixbuf's animation clock is a GTimeVal */
  GTimeVal clock = { 0, 0 };

  iter = gdk_pixbuf_animation_get_iter (animation, &clock);
  for (guint i = 0; i < n_frames; i++)
    {
      GdkPixbuf *pixbuf = gdk_pixbuf_animation_iter_get_pixbuf (iter);
      int delay = gdk_pixbuf_animation_iter_get_delay_time (iter);

      /* Copied now: the animation composites the next frame into the same memory. */
      if (pixbuf == NULL)
        break;
      if (_pp_codec_pixbuf_add_frame (pixbuf, MAX (delay, 0), TRUE, params, out, error) == NULL)
        return FALSE;
      if (delay < 0)
        break; /* the last frame shows forever */
      g_time_val_add (&clock, (glong) delay * 1000);
      gdk_pixbuf_animation_iter_advance (iter, &clock);
    }
  G_GNUC_END_IGNORE_DEPRECATIONS
  return TRUE;
}

static gboolean
gif_decode (const guint8         *data,
            gsize                 size,
            const PpDecodeParams *params,
            PpDecoded            *out,
            GError              **error)
{
  g_autoptr (GdkPixbufAnimation) animation = NULL;
  GifLayout layout;
  guint n;
  int width = 0, height = 0;

  /* One walk: the header, and the pixel count of the frames this decode shows. */
  walk (data, size, params->all_frames ? G_MAXUINT : 1, &layout);
  if (!fill_header (&layout, &out->header, error))
    return FALSE;
  out->loop_count = layout.loop_count;
  n = params->all_frames ? out->header.n_frames : 1;
  if (!_pp_codec_check_size (out->header.width, out->header.height, n, params->max_pixels,
                             error))
    return FALSE;
  animation = _pp_codec_pixbuf_run (data, size, "gif", n, params, &width, &height,
                                    &out->damage, error);
  if (animation == NULL)
    return FALSE;
  if (gdk_pixbuf_animation_is_static_image (animation) || n == 1)
    {
      if (_pp_codec_pixbuf_add_frame (gdk_pixbuf_animation_get_static_image (animation), 0,
                                      FALSE, params, out, error) == NULL)
        return FALSE;
    }
  else if (!read_frames (animation, n, params, out, error))
    return FALSE;

  /* What the structure says is more precise than the loader's complaint. */
  if (layout.truncated)
    {
      g_free (out->damage);
      /* How many frames were to follow, a cut file does not say. */
      out->damage = layout.n_complete > 0
                    ? g_strdup_printf ("The file ends early: frame %u is incomplete, and any "
                                       "after it missing", layout.n_complete + 1)
                    : g_strdup ("The file ends early: part of the image is missing");
    }
  else if (layout.short_frame != 0)
    {
      /* A frame this decode shows: the pixels past its data are blank. */
      int percent = CLAMP ((int) (100.0 * layout.short_missing + 0.5), 1, 100);
      const char *how = layout.short_corrupt ? "is damaged" : "ends early";

      g_free (out->damage);
      out->damage = layout.n_frames > 1
                    ? g_strdup_printf ("The image data of frame %u %s: %d %% of its pixels are "
                                       "missing", layout.short_frame, how, percent)
                    : g_strdup_printf ("The image data %s: %d %% of the pixels are missing",
                                       how, percent);
    }
  else if (out->damage == NULL && layout.corrupt)
    out->damage = g_strdup_printf ("The GIF data is damaged after frame %u: the rest of the "
                                   "file is unreadable", layout.n_complete);
  return TRUE;
}

static const char *const gif_extensions[] = { "gif", NULL };
static const char *const gif_mime_types[] = { "image/gif", NULL };

const PpCodec _pp_codec_gif = {
  .name = "gif",
  .extensions = gif_extensions,
  .mime_types = gif_mime_types,
  .holds = 0,
  .sniff = gif_sniff,
  .probe = gif_probe,
  .decode = gif_decode,
  .encode = NULL,
};
