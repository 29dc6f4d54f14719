/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The whole load of one file, as the isolated decoder helper runs it (and pp_io_load() when
 * isolation is off): read the file, pick the codec by signature, work out how small the decode
 * may be, decode with the pixel limit checked from the header, settle the orientation (a native
 * tag, else EXIF), and apply the damage policy. Pixels stay as stored: the orientation is
 * applied by whoever copies them out.
 */
#define G_LOG_DOMAIN "pp-codec"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codecs/pp-codec-private.h"

/* What a signature check looks at. */
#define HEAD_SIZE 4096

/**
 * pp_load_request_init:
 *
 * Full size, first frame, no pixel limit, damage refused.
 */
void
pp_load_request_init (PpLoadRequest *request)
{
  g_return_if_fail (request != NULL);

  memset (request, 0, sizeof *request);
}

/* Input files are read whole into a buffer each thread keeps (the decoder helper has one
 * thread): a fresh multi-megabyte allocation per file costs a page fault and a zeroed page per
 * 4 KiB, which measured as much as the read itself. Files over this size get a buffer of their
 * own, freed after the decode, so a rare huge file does not stay in memory. */
#define KEPT_BUFFER_MAX (64 * 1024 * 1024)

typedef struct
{
  guint8 *data;
  gsize capacity;
} ReadBuffer;

static void
read_buffer_free (gpointer data)
{
  ReadBuffer *buffer = data;

  g_free (buffer->data);
  g_free (buffer);
}

static GPrivate thread_buffer = G_PRIVATE_INIT (read_buffer_free);

/* Room for @size bytes: the thread's buffer, or (for big files) a new one to free with
 * release_buffer(). */
static guint8 *
get_buffer (gsize size)
{
  ReadBuffer *buffer;

  if (size > KEPT_BUFFER_MAX)
    return g_try_malloc (size);
  buffer = g_private_get (&thread_buffer);
  if (buffer == NULL)
    {
      buffer = g_new0 (ReadBuffer, 1);
      g_private_set (&thread_buffer, buffer);
    }
  if (buffer->capacity < size)
    {
      g_free (buffer->data);
      buffer->capacity = MAX (size, (gsize) 4 * 1024 * 1024);
      buffer->data = g_try_malloc (buffer->capacity);
      if (buffer->data == NULL)
        buffer->capacity = 0;
    }
  return buffer->data;
}

static void
release_buffer (guint8 *data)
{
  ReadBuffer *buffer = g_private_get (&thread_buffer);

  if (data != NULL && (buffer == NULL || data != buffer->data))
    g_free (data);
}

/* Reads all of regular file @fd into memory (release with release_buffer()). */
static guint8 *
read_all (int      fd,
          gsize   *size_out,
          GError **error)
{
  struct stat st;
  guint8 *data;
  gsize done = 0, size;

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_UNSUPPORTED, "Not a regular file");
      return NULL;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED, "The file is empty");
      return NULL;
    }
  if ((guint64) st.st_size > G_MAXSIZE / 2 || (guint64) st.st_size > G_MAXUINT)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_TOO_LARGE,
                   "The file is too large to be an image Parapix reads (%" G_GUINT64_FORMAT
                   " MB)", (guint64) st.st_size >> 20);
      return NULL;
    }
  size = (gsize) st.st_size;
  data = get_buffer (size);
  if (data == NULL)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_NO_MEMORY,
                   "Not enough memory to read a file of %" G_GSIZE_FORMAT " MB", size >> 20);
      return NULL;
    }
  while (done < size)
    {
      gssize n = pread (fd, data + done, size - done, (off_t) done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          release_buffer (data);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Cannot read the file: %s",
                       g_strerror (saved));
          return NULL;
        }
      if (n == 0)
        break; /* it shrank while we read: decode what there is */
      done += (gsize) n;
    }
  *size_out = done;
  return data;
}

/**
 * pp_codec_get_fit_load_size:
 * @width: (in): stored width of the image
 * @min_width: (out): the decode must be at least this wide; 0 when no shrink is possible
 *
 * The smallest stored-pixel size a decode may have so that fitting the displayed image into
 * @fit_width × @fit_height (aspect kept) loses nothing, whether or not an orientation swaps its
 * sides (not known before the metadata is read). Rounded up, so the decode is never smaller
 * than the fitted result. Thread: any.
 */
void
pp_codec_get_fit_load_size (int  width,
                            int  height,
                            int  fit_width,
                            int  fit_height,
                            int *min_width,
                            int *min_height)
{
  double s_same, s_swapped, s;

  *min_width = 0;
  *min_height = 0;
  if (width <= 0 || height <= 0 || fit_width <= 0 || fit_height <= 0)
    return;
  /* Displayed as stored, or turned a quarter (then the box's width meets the stored height). */
  s_same = MIN ((double) fit_width / width, (double) fit_height / height);
  s_swapped = MIN ((double) fit_width / height, (double) fit_height / width);
  s = MAX (s_same, s_swapped);
  if (s >= 1.0)
    return;
  *min_width = MIN (width, (int) ceil (width * s - 1e-9));
  *min_height = MIN (height, (int) ceil (height * s - 1e-9));
}

/* The codec for @data: by signature, else the fallback. */
static const PpCodec *
pick_codec (const guint8 *data,
            gsize         size)
{
  return pp_codec_for_data (data, MIN (size, (gsize) HEAD_SIZE));
}

/**
 * pp_codec_probe_fd:
 * @name: (nullable): the file's base name, for formats known by extension
 *
 * The header of the file open as @fd: format, size, frames, alpha; no pixels are decoded.
 * Thread: any. Errors: PP_CODEC_ERROR, G_IO_ERROR.
 */
gboolean
pp_codec_probe_fd (int            fd,
                   const char    *name,
                   PpCodecHeader *header,
                   GError       **error)
{
  guint8 *data;
  gsize size = 0;
  gboolean ok;

  g_return_val_if_fail (header != NULL, FALSE);

  memset (header, 0, sizeof *header);
  data = read_all (fd, &size, error);
  if (data == NULL)
    return FALSE;
  ok = pick_codec (data, size)->probe (data, size, name, header, error);
  release_buffer (data);
  return ok;
}

static gboolean decode (const guint8 *data, gsize size, const PpLoadRequest *request,
                        PpDecoded *out, GError **error);
static gboolean finish (const PpLoadRequest *request, PpDecoded *out, GError **error);

/**
 * pp_codec_load_fd:
 * @fd: a regular file, read from offset 0 (the descriptor's offset is not used)
 * @out: (out caller-allocates): zeroed here; clear with pp_decoded_clear(), also on failure
 *
 * Loads the file open as @fd: every pixel as stored (not yet oriented: @out->orientation says
 * how to turn it, from the format's own tag or its EXIF), every blob, the frames asked for, and
 * damage in words. Thread: any; nothing shared. Errors: PP_CODEC_ERROR (TOO_LARGE before any
 * pixel memory exists; DAMAGED also for damage when @request->keep_damaged is off), G_IO_ERROR.
 */
gboolean
pp_codec_load_fd (int                  fd,
                  const PpLoadRequest *request,
                  PpDecoded           *out,
                  GError             **error)
{
  guint8 *data;
  gsize size = 0;
  gboolean ok;

  g_return_val_if_fail (request != NULL && out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  data = read_all (fd, &size, error);
  if (data == NULL)
    return FALSE;
  ok = decode (data, size, request, out, error);
  release_buffer (data);
  if (!ok)
    return FALSE;
  return finish (request, out, error);
}

/* The decode proper: @data holds the whole file. */
static gboolean
decode (const guint8        *data,
        gsize                size,
        const PpLoadRequest *request,
        PpDecoded           *out,
        GError             **error)
{
  const PpCodec *codec = pick_codec (data, size);
  PpDecodeParams params;

  pp_decode_params_init (&params);
  params.all_frames = request->all_frames;
  params.max_pixels = request->max_pixels;
  params.name = request->name;
  params.allocate = request->allocate;
  params.allocate_data = request->allocate_data;
  if (codec->shrinks && request->fit_width > 0 && request->fit_height > 0)
    {
      PpCodecHeader header = { 0 };

      /* A header read costs microseconds; only a codec that can shrink needs it first. */
      if (!codec->probe (data, size, request->name, &header, error))
        return FALSE;
      pp_codec_get_fit_load_size (header.width, header.height, request->fit_width,
                                  request->fit_height, &params.min_width, &params.min_height);
    }

  return codec->decode (data, size, &params, out, error);
}

/* After the decode: the damage policy and the orientation. */
static gboolean
finish (const PpLoadRequest *request,
        PpDecoded           *out,
        GError             **error)
{
  g_assert (out->frames != NULL && out->frames->len > 0);
  if (out->damage != NULL && !request->keep_damaged)
    {
      g_set_error_literal (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED, out->damage);
      return FALSE;
    }
  if (out->orientation < 1 || out->orientation > 8)
    out->orientation = pp_metadata_exif_get_orientation (out->metadata.exif);
  if (request->apply_orientation && out->orientation != 1)
    {
      /* Turning needs a second buffer whatever we do. */
      for (guint i = 0; i < out->frames->len; i++)
        {
          PpFrame *frame = out->frames->pdata[i];
          PpImage *upright = pp_codec_copy_oriented (frame->image->data, frame->image->stride,
                                                     frame->image->width, frame->image->height,
                                                     frame->image->channels, out->orientation,
                                                     error);

          if (upright == NULL)
            return FALSE;
          pp_image_unref (frame->image);
          frame->image = upright;
        }
      out->orientation_applied = TRUE;
    }
  return TRUE;
}

/**
 * pp_codec_init:
 *
 * Applies the GdkPixbuf loader allow-list to this process and reads GdkPixbuf's loader list:
 * the decoder helper calls it before it caps its descriptors. Called implicitly by every load;
 * idempotent. Thread: any.
 */
void
pp_codec_init (void)
{
  _pp_codec_pixbuf_init ();
}
