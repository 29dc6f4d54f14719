/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * JPEG through libjpeg-turbo. Decoding shrinks in the DCT by exactly the smallest scale M/8 that
 * still covers the requested size, reads APP1 (EXIF, XMP), APP2 (ICC) and APP13 (IPTC) itself,
 * converts CMYK/YCCK to RGB, and tells damage from harmless quirks: a file that ends before its
 * last row is damage ("the bottom 31 % is missing"), a missing EOI or bytes after it are not.
 * Unsupported processes are named (lossless, hierarchical, 12-bit). Encoding writes straight
 * from the image's rows, with the metadata in its native markers (ICC chunked over APP2).
 *
 * libjpeg reports errors through a callback that must not return: each call has its own error
 * manager and jmp_buf, so nothing here is shared between threads.
 */
#define G_LOG_DOMAIN "pp-codec"

#include "config.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h> /* after jpeglib.h: its message list depends on jconfig.h */

#include "codecs/pp-codec-private.h"

/* A crafted progressive file can hold thousands of tiny scans, each a full pass over the
 * coefficients: minutes of CPU for a few kilobytes. Real encoders write about 10. */
#define MAX_SCANS 500
/* libjpeg's own working memory (the coefficients of a progressive image: ~3 bytes a pixel at the
 * pixel limit of 128 megapixels is ~400 MB). */
#define MAX_LIBJPEG_MEMORY (1024L * 1024 * 1024)
#define APP1_EXIF_PREFIX "Exif\0\0"
#define APP1_XMP_PREFIX "http://ns.adobe.com/xap/1.0/"
#define APP13_PREFIX "Photoshop 3.0"
#define MAX_MARKER_DATA 65533

typedef struct
{
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  gboolean decoding;     /* warnings from here on affect pixels */
  gboolean too_many_scans;
  gboolean source_dry;   /* the data ran out (maybe only the EOI marker is missing) */
  /* The first sign of damage while decoding: where, and what. */
  gboolean ended_early;
  gboolean corrupt;
  int damage_row;        /* output rows complete when it happened */
  int damage_scan;       /* the scan being read (progressive: they arrive before any row) */
  double damage_fraction; /* progressive: share of the scan read, 0..1 */
} ErrorManager;

static void
on_error_exit (j_common_ptr cinfo)
{
  ErrorManager *err = (ErrorManager *) cinfo->err;

  err->pub.format_message (cinfo, err->message);
  longjmp (err->jump, 1);
}

/* libjpeg's source runs dry before the decoder does: it reads ahead to fill its bit buffer, and
 * at the end of the data it warns "premature end" (JWRN_JPEG_EOF) and supplies an EOI. That alone
 * is a file without its EOI marker, which is harmless; the data was really cut only when the
 * decoder then needs bits it cannot have (JWRN_HIT_MARKER, "premature end of data segment"). */
static void
on_emit_message (j_common_ptr cinfo,
                 int          msg_level)
{
  ErrorManager *err = (ErrorManager *) cinfo->err;
  j_decompress_ptr dinfo;
  int code = err->pub.msg_code;

  if (msg_level >= 0 || !cinfo->is_decompressor || !err->decoding)
    return; /* trace messages, and header quirks that do not touch pixels */
  dinfo = (j_decompress_ptr) cinfo;
  if (code == JWRN_JPEG_EOF)
    {
      err->source_dry = TRUE;
      return;
    }
  if (dinfo->output_scanline >= dinfo->output_height && dinfo->output_height > 0)
    return; /* every row is out: junk at the end is harmless */
  if (err->ended_early || err->corrupt)
    return;
  if (code == JWRN_HIT_MARKER && err->source_dry)
    err->ended_early = TRUE;
  else if (code == JWRN_HIT_MARKER || code == JWRN_HUFF_BAD_CODE || code == JWRN_ARITH_BAD_CODE
           || code == JWRN_MUST_RESYNC || code == JWRN_NOT_SEQUENTIAL
           || code == JWRN_EXTRANEOUS_DATA)
    err->corrupt = TRUE;
  else
    return;
  err->damage_row = (int) dinfo->output_scanline;
  err->damage_scan = dinfo->input_scan_number;
  err->damage_fraction = dinfo->total_iMCU_rows > 0
                         ? (double) dinfo->input_iMCU_row / dinfo->total_iMCU_rows : 0;
}

static void
on_progress (j_common_ptr cinfo)
{
  ErrorManager *err = (ErrorManager *) cinfo->err;

  if (cinfo->is_decompressor && ((j_decompress_ptr) cinfo)->input_scan_number > MAX_SCANS)
    {
      err->too_many_scans = TRUE;
      longjmp (err->jump, 1);
    }
}

static gboolean
jpeg_sniff (const guint8 *head,
            gsize         size)
{
  return size >= 3 && head[0] == 0xff && head[1] == 0xd8 && head[2] == 0xff;
}

/* The coding process a file declares (its SOF marker) and its sample precision, read directly:
 * libjpeg-turbo 2.1 refuses some processes with jargon ("SOF type 0xc3"), and we say what they
 * are. Returns the SOF marker (0xc0..0xcf), or 0 when there is none before the first scan. */
static int
find_sof (const guint8 *data,
          gsize         size,
          int          *precision)
{
  gsize pos = 2;

  *precision = 8;
  while (pos + 4 <= size)
    {
      int marker;
      gsize length;

      if (data[pos] != 0xff)
        {
          pos++; /* junk between markers: libjpeg skips it too */
          continue;
        }
      while (pos < size && data[pos] == 0xff)
        pos++;
      if (pos + 3 > size)
        break;
      marker = data[pos++];
      if (marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7))
        continue; /* markers without a length */
      if (marker == 0xda || marker == 0xd9)
        break;
      length = (gsize) data[pos] << 8 | data[pos + 1];
      if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc)
        {
          if (pos + 2 < size)
            *precision = data[pos + 2];
          return marker;
        }
      if (length < 2)
        break;
      pos += length;
    }
  return 0;
}

static gboolean
check_process (const guint8 *data,
               gsize         size,
               GError      **error)
{
  int precision;
  int sof = find_sof (data, size, &precision);
  const char *what = NULL;

  switch (sof)
    {
    case 0xc3: what = "Lossless JPEG (SOF3)"; break;
    case 0xc5: what = "Hierarchical JPEG (SOF5)"; break;
    case 0xc6: what = "Hierarchical progressive JPEG (SOF6)"; break;
    case 0xc7: what = "Hierarchical lossless JPEG (SOF7)"; break;
    case 0xcb: what = "Lossless arithmetic-coded JPEG (SOF11)"; break;
    case 0xcd: what = "Hierarchical arithmetic-coded JPEG (SOF13)"; break;
    case 0xce: what = "Hierarchical progressive arithmetic-coded JPEG (SOF14)"; break;
    case 0xcf: what = "Hierarchical lossless arithmetic-coded JPEG (SOF15)"; break;
    default: break;
    }
  if (what != NULL)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_UNSUPPORTED, "%s is not supported",
                   what);
      return FALSE;
    }
  if (sof != 0 && precision != 8)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_UNSUPPORTED,
                   "%d-bit JPEG is not supported (only 8-bit samples)", precision);
      return FALSE;
    }
  return TRUE;
}

static void
set_libjpeg_error (GError        **error,
                   const ErrorManager *err)
{
  if (err->too_many_scans)
    g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                 "The JPEG file has over %d progressive scans: refused as malformed", MAX_SCANS);
  else if (err->pub.msg_code == JERR_NO_IMAGE || err->pub.msg_code == JERR_INPUT_EOF
           || err->pub.msg_code == JERR_INPUT_EMPTY)
    g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                 "The file ends early, before the image data");
  else if (err->pub.msg_code == JERR_OUT_OF_MEMORY || err->pub.msg_code == JERR_NO_BACKING_STORE)
    g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_NO_MEMORY,
                 "Not enough memory to decode this JPEG file");
  else
    g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                 "The JPEG file is damaged and cannot be decoded (%s)", err->message);
}

static void
setup_decompress (struct jpeg_decompress_struct *cinfo,
                  ErrorManager                  *err,
                  struct jpeg_progress_mgr      *progress,
                  const guint8                  *data,
                  gsize                          size)
{
  memset (err, 0, sizeof *err);
  cinfo->err = jpeg_std_error (&err->pub);
  err->pub.error_exit = on_error_exit;
  err->pub.emit_message = on_emit_message;
  jpeg_create_decompress (cinfo);
  cinfo->mem->max_memory_to_use = MAX_LIBJPEG_MEMORY;
  progress->progress_monitor = on_progress;
  cinfo->progress = progress;
  jpeg_mem_src (cinfo, data, (unsigned long) size);
}

static gboolean
jpeg_probe (const guint8  *data,
            gsize          size,
            const char    *name,
            PpCodecHeader *header,
            GError       **error)
{
  struct jpeg_decompress_struct cinfo;
  struct jpeg_progress_mgr progress;
  ErrorManager err;
  volatile gboolean ok = FALSE;

  if (!check_process (data, size, error))
    return FALSE;
  setup_decompress (&cinfo, &err, &progress, data, size);
  if (setjmp (err.jump) == 0)
    {
      jpeg_read_header (&cinfo, TRUE);
      header->format = "jpeg";
      header->width = (int) cinfo.image_width;
      header->height = (int) cinfo.image_height;
      header->n_frames = 1;
      header->animated = FALSE;
      header->has_alpha = FALSE;
      ok = TRUE;
    }
  else
    set_libjpeg_error (error, &err);
  jpeg_destroy_decompress (&cinfo);
  return ok;
}

/* The blobs the saved APP markers carry. */
static void
read_markers (struct jpeg_decompress_struct *cinfo,
              PpDecoded                     *out)
{
  g_autoptr (GByteArray) photoshop = NULL;
  JOCTET *icc = NULL;
  unsigned int icc_len = 0;

  for (jpeg_saved_marker_ptr m = cinfo->marker_list; m != NULL; m = m->next)
    {
      const guint8 *d = m->data;
      gsize n = m->data_length;

      if (m->marker == JPEG_APP0 + 1 && n > 6 && memcmp (d, APP1_EXIF_PREFIX, 6) == 0
          && out->metadata.exif == NULL)
        out->metadata.exif = pp_metadata_exif_from_payload (d, n, NULL);
      else if (m->marker == JPEG_APP0 + 1 && n > sizeof APP1_XMP_PREFIX
               && memcmp (d, APP1_XMP_PREFIX, sizeof APP1_XMP_PREFIX) == 0
               && out->metadata.xmp == NULL)
        out->metadata.xmp = g_bytes_new (d + sizeof APP1_XMP_PREFIX,
                                         n - sizeof APP1_XMP_PREFIX);
      else if (m->marker == JPEG_APP0 + 13 && n > sizeof APP13_PREFIX
               && memcmp (d, APP13_PREFIX, sizeof APP13_PREFIX) == 0)
        {
          if (photoshop == NULL)
            photoshop = g_byte_array_new ();
          g_byte_array_append (photoshop, d, (guint) n);
        }
    }
  if (photoshop != NULL)
    out->metadata.iptc = pp_metadata_iptc_from_photoshop (photoshop->data, photoshop->len);
  /* libjpeg-turbo reassembles the APP2 chunks in sequence order, checking their numbering. */
  if (jpeg_read_icc_profile (cinfo, &icc, &icc_len) && icc_len > 0)
    out->icc = g_bytes_new_take (g_memdup2 (icc, icc_len), icc_len);
  free (icc);
}

/* The smallest M/8 (M = 1..8) whose output still covers min_width × min_height, as libjpeg
 * computes output sizes (jpeg_calc_output_dimensions rounds up). */
static void
choose_scale (struct jpeg_decompress_struct *cinfo,
              int                            min_width,
              int                            min_height)
{
  cinfo->scale_num = 8;
  cinfo->scale_denom = 8;
  if (min_width <= 0 && min_height <= 0)
    return;
  for (unsigned int m = 1; m < 8; m++)
    {
      cinfo->scale_num = m;
      jpeg_calc_output_dimensions (cinfo);
      if ((int) cinfo->output_width >= min_width && (int) cinfo->output_height >= min_height)
        return;
    }
  cinfo->scale_num = 8;
}

/* Adobe writes CMYK inverted (0 = full ink); others plainly. Either way, RGB = (1 - ink)(1 - K). */
static void
cmyk_row_to_rgb (const guint8 *cmyk,
                 guint8       *rgb,
                 int           width,
                 gboolean      inverted)
{
  for (int x = 0; x < width; x++, cmyk += 4, rgb += 3)
    {
      int c = cmyk[0], m = cmyk[1], y = cmyk[2], k = cmyk[3];

      if (!inverted)
        {
          c = 255 - c;
          m = 255 - m;
          y = 255 - y;
          k = 255 - k;
        }
      rgb[0] = (guint8) ((c * k + 127) / 255);
      rgb[1] = (guint8) ((m * k + 127) / 255);
      rgb[2] = (guint8) ((y * k + 127) / 255);
    }
}

/* Where the damage is, from the decoder's position when it met it: the iMCU row (a band of 8 or
 * 16 stored rows) being decoded, as a share of the image. The output rows lag behind that (the
 * upsampler works a band ahead), so they would overstate it. */
static char *
describe_damage (const ErrorManager                  *err,
                 const struct jpeg_decompress_struct *cinfo)
{
  int percent = CLAMP ((int) (100.0 * (1.0 - err->damage_fraction) + 0.5), 1, 100);

  if (cinfo->progressive_mode && err->damage_scan > 1)
    /* The first scan carries the whole picture coarsely, the later ones add detail. */
    return err->ended_early
           ? g_strdup_printf ("The file ends early: the image is complete but blurred (its "
                              "progressive data stops in scan %d)", err->damage_scan)
           : g_strdup_printf ("The image data is damaged in progressive scan %d: parts of the "
                              "image are wrong", err->damage_scan);
  if (err->ended_early)
    return g_strdup_printf ("The file ends early: the bottom %d %% of the image is missing",
                            percent);
  return g_strdup_printf ("The image data is damaged: the bottom %d %% of the image may be wrong",
                          percent);
}

/* After a fatal error mid-image: the rows already out are good, the rest is damage. Fills the
 * missing rows, says how much is missing and hands @image to @out as its frame. */
static void
keep_decoded_rows (const struct jpeg_decompress_struct *cinfo,
                   PpImage                             *image,
                   PpDecoded                           *out)
{
  _pp_codec_fill_rows (image, (int) cinfo->output_scanline, image->height);
  _pp_codec_add_frame (out, image, 0);
  out->damage = g_strdup_printf ("The image data is damaged: the bottom %d %% of the "
                                 "image is missing",
                                 CLAMP ((int) (100.0 * (cinfo->output_height
                                                        - cinfo->output_scanline)
                                               / cinfo->output_height + 0.5), 1, 100));
}

/* The header, the size and the metadata markers into @out. libjpeg may longjmp out of here to
 * the caller's setjmp: this holds nothing that needs freeing. */
static void
read_header (struct jpeg_decompress_struct *cinfo,
             PpDecoded                     *out)
{
  jpeg_read_header (cinfo, TRUE);
  out->header.format = "jpeg";
  out->header.width = (int) cinfo->image_width;
  out->header.height = (int) cinfo->image_height;
  out->header.n_frames = 1;
  read_markers (cinfo, out);
}

/* What libjpeg decodes to: RGB, or CMYK that we convert, at the smallest DCT scale that still
 * covers the requested size. */
static void
choose_output (struct jpeg_decompress_struct *cinfo,
               const PpDecodeParams          *params)
{
  if (cinfo->jpeg_color_space == JCS_CMYK || cinfo->jpeg_color_space == JCS_YCCK)
    cinfo->out_color_space = JCS_CMYK;
  else
    cinfo->out_color_space = JCS_RGB; /* grey too: libjpeg-turbo expands it */
  choose_scale (cinfo, params->min_width, params->min_height);
}

/* Every output row into @image: straight into its rows, 16 at a time, or through @cmyk_row
 * (one row of CMYK) when there is one. libjpeg may longjmp out of here to the caller's setjmp
 * (damage): this holds nothing that needs freeing, and cinfo->output_scanline says how far it
 * got. */
static void
read_rows (struct jpeg_decompress_struct *cinfo,
           PpImage                       *image,
           guint8                        *cmyk_row)
{
  while (cinfo->output_scanline < cinfo->output_height)
    {
      if (cmyk_row != NULL)
        {
          JSAMPROW row = cmyk_row;
          int y = (int) cinfo->output_scanline;

          jpeg_read_scanlines (cinfo, &row, 1);
          cmyk_row_to_rgb (cmyk_row, PP_IMAGE_ROW (image, y), image->width,
                           cinfo->saw_Adobe_marker);
        }
      else
        {
          JSAMPROW rows[16];
          int y = (int) cinfo->output_scanline;
          int n = MIN (16, image->height - y);

          for (int i = 0; i < n; i++)
            rows[i] = PP_IMAGE_ROW (image, y + i);
          jpeg_read_scanlines (cinfo, rows, (JDIMENSION) n);
        }
    }
}

/* The setjmp stays here, with the cleanup it leads to; the helpers above may longjmp back. */
static gboolean
jpeg_decode (const guint8         *data,
             gsize                 size,
             const PpDecodeParams *params,
             PpDecoded            *out,
             GError              **error)
{
  struct jpeg_decompress_struct cinfo;
  struct jpeg_progress_mgr progress;
  ErrorManager err;
  PpImage *volatile image = NULL;
  guint8 *volatile cmyk_row = NULL;
  volatile gboolean ok = FALSE;
  volatile gboolean started = FALSE;

  out->header.format = "jpeg";
  if (!check_process (data, size, error))
    return FALSE;
  setup_decompress (&cinfo, &err, &progress, data, size);
  jpeg_save_markers (&cinfo, JPEG_APP0 + 1, 0xffff);
  jpeg_save_markers (&cinfo, JPEG_APP0 + 2, 0xffff);
  jpeg_save_markers (&cinfo, JPEG_APP0 + 13, 0xffff);

  if (setjmp (err.jump) != 0)
    {
      if (image != NULL && started && cinfo.output_scanline > 0 && !err.too_many_scans)
        {
          keep_decoded_rows (&cinfo, image, out);
          image = NULL;
          ok = TRUE;
        }
      else
        set_libjpeg_error (error, &err);
      goto done;
    }

  read_header (&cinfo, out);
  if (!_pp_codec_check_size (out->header.width, out->header.height, 1, params->max_pixels, error))
    goto done;
  choose_output (&cinfo, params);

  err.decoding = TRUE;
  started = TRUE;
  jpeg_start_decompress (&cinfo);
  image = _pp_codec_allocate (params, (int) cinfo.output_width, (int) cinfo.output_height, 3,
                              error);
  if (image == NULL)
    goto done;
  if (cinfo.out_color_space == JCS_CMYK)
    cmyk_row = g_malloc ((gsize) cinfo.output_width * 4);
  read_rows (&cinfo, image, cmyk_row);
  if (err.ended_early || err.corrupt)
    out->damage = describe_damage (&err, &cinfo);
  /* Not jpeg_finish_decompress(): whatever follows the last row (a missing EOI, junk) does
   * not matter to us. */
  jpeg_abort_decompress (&cinfo);
  _pp_codec_add_frame (out, image, 0);
  image = NULL;
  ok = TRUE;

done:
  g_free (cmyk_row);
  if (image != NULL)
    pp_image_unref (image);
  jpeg_destroy_decompress (&cinfo);
  return ok;
}

/* A destination that appends to a GByteArray in 64 KiB steps. */
typedef struct
{
  struct jpeg_destination_mgr pub;
  GByteArray *out;
  guint start; /* where the current step begins in out */
} ByteArrayDest;

#define DEST_STEP (64 * 1024)

static void
dest_init (j_compress_ptr cinfo)
{
  ByteArrayDest *dest = (ByteArrayDest *) cinfo->dest;

  dest->start = dest->out->len;
  g_byte_array_set_size (dest->out, dest->start + DEST_STEP);
  dest->pub.next_output_byte = dest->out->data + dest->start;
  dest->pub.free_in_buffer = DEST_STEP;
}

static boolean
dest_empty (j_compress_ptr cinfo)
{
  ByteArrayDest *dest = (ByteArrayDest *) cinfo->dest;

  /* libjpeg wants the whole buffer taken: it is, so grow by another step. */
  dest->start = dest->out->len;
  g_byte_array_set_size (dest->out, dest->start + DEST_STEP);
  dest->pub.next_output_byte = dest->out->data + dest->start;
  dest->pub.free_in_buffer = DEST_STEP;
  return TRUE;
}

static void
dest_term (j_compress_ptr cinfo)
{
  ByteArrayDest *dest = (ByteArrayDest *) cinfo->dest;

  g_byte_array_set_size (dest->out, dest->out->len - (guint) dest->pub.free_in_buffer);
}

static void
write_blob_marker (j_compress_ptr         cinfo,
                   const PpEncodeOptions *options,
                   const char            *what,
                   int                    marker,
                   const char            *prefix,
                   gsize                  prefix_len,
                   GBytes                *blob)
{
  gsize n;
  const guint8 *d = g_bytes_get_data (blob, &n);

  /* A marker holds 65533 bytes: a bigger EXIF or XMP cannot be stored this way (core/metadata
   * drops the EXIF thumbnail, which is what usually makes it big; extended XMP is not written). */
  if (n == 0)
    return;
  if (prefix_len + n > MAX_MARKER_DATA)
    {
      _pp_codec_add_note (options, "%s of %" G_GSIZE_FORMAT " KiB not kept (a JPEG marker holds "
                          "64 KiB)", what, (n + 1023) / 1024);
      return;
    }
  jpeg_write_m_header (cinfo, marker, (unsigned int) (prefix_len + n));
  for (gsize i = 0; i < prefix_len; i++)
    jpeg_write_m_byte (cinfo, (guint8) prefix[i]);
  for (gsize i = 0; i < n; i++)
    jpeg_write_m_byte (cinfo, d[i]);
}

static void
write_metadata (j_compress_ptr         cinfo,
                const PpEncodeOptions *options)
{
  const PpMetadataBlobs *m = options->metadata;

  if (m != NULL && m->exif != NULL)
    write_blob_marker (cinfo, options, "EXIF", JPEG_APP0 + 1, APP1_EXIF_PREFIX, 6, m->exif);
  if (m != NULL && m->xmp != NULL)
    write_blob_marker (cinfo, options, "XMP", JPEG_APP0 + 1, APP1_XMP_PREFIX,
                       sizeof APP1_XMP_PREFIX, m->xmp);
  if (options->icc != NULL && g_bytes_get_size (options->icc) > 0)
    jpeg_write_icc_profile (cinfo, g_bytes_get_data (options->icc, NULL),
                            (unsigned int) g_bytes_get_size (options->icc));
  if (m != NULL && m->iptc != NULL)
    {
      /* One APP13 segment of Photoshop resources; IPTC over 64 KiB (unheard of in practice)
       * would need its resource split across segments, which readers disagree on: dropped. */
      g_autoptr (GBytes) app13 = pp_metadata_iptc_to_photoshop (m->iptc);

      if (g_bytes_get_size (app13) <= MAX_MARKER_DATA)
        jpeg_write_marker (cinfo, JPEG_APP0 + 13, g_bytes_get_data (app13, NULL),
                           (unsigned int) g_bytes_get_size (app13));
      else
        _pp_codec_add_note (options, "IPTC of %" G_GSIZE_FORMAT " KiB not kept (a JPEG marker "
                            "holds 64 KiB)", (g_bytes_get_size (app13) + 1023) / 1024);
    }
}

static gboolean
jpeg_encode (const PpFrame         *frames,
             guint                  n_frames,
             const PpEncodeOptions *options,
             GByteArray            *out,
             GError               **error)
{
  struct jpeg_compress_struct cinfo;
  ErrorManager err;
  ByteArrayDest dest = { { 0 }, out, 0 };
  const PpImage *image = frames[0].image;
  guint start_len = out->len;
  volatile gboolean ok = FALSE;

  g_return_val_if_fail (n_frames >= 1, FALSE);

  if (image->width > JPEG_MAX_DIMENSION || image->height > JPEG_MAX_DIMENSION)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_ENCODE,
                   "JPEG cannot hold an image of %d × %d (at most %d pixels a side)",
                   image->width, image->height, (int) JPEG_MAX_DIMENSION);
      return FALSE;
    }
  memset (&err, 0, sizeof err);
  cinfo.err = jpeg_std_error (&err.pub);
  err.pub.error_exit = on_error_exit;
  err.pub.emit_message = on_emit_message;
  jpeg_create_compress (&cinfo);
  if (setjmp (err.jump) != 0)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_ENCODE, "Cannot encode JPEG: %s",
                   err.message);
      g_byte_array_set_size (out, start_len);
      goto done;
    }
  dest.pub.init_destination = dest_init;
  dest.pub.empty_output_buffer = dest_empty;
  dest.pub.term_destination = dest_term;
  cinfo.dest = &dest.pub;
  cinfo.image_width = (JDIMENSION) image->width;
  cinfo.image_height = (JDIMENSION) image->height;
  /* Alpha, if any, is ignored here: compositing onto a background happens before saving. */
  cinfo.input_components = image->channels;
  cinfo.in_color_space = image->channels == 4 ? JCS_EXT_RGBX : JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, CLAMP (options->quality, 1, 100), TRUE);
  jpeg_start_compress (&cinfo, TRUE);
  write_metadata (&cinfo, options);
  while (cinfo.next_scanline < cinfo.image_height)
    {
      JSAMPROW rows[16];
      int y = (int) cinfo.next_scanline;
      int n = MIN (16, image->height - y);

      for (int i = 0; i < n; i++)
        rows[i] = PP_IMAGE_ROW (image, y + i);
      jpeg_write_scanlines (&cinfo, rows, (JDIMENSION) n);
    }
  jpeg_finish_compress (&cinfo);
  ok = TRUE;

done:
  jpeg_destroy_compress (&cinfo);
  return ok;
}

static const char *const jpeg_extensions[] = { "jpg", "jpeg", "jpe", "jfif", NULL };
static const char *const jpeg_mime_types[] = { "image/jpeg", NULL };

const PpCodec _pp_codec_jpeg = {
  .name = "jpeg",
  .extensions = jpeg_extensions,
  .mime_types = jpeg_mime_types,
  .holds = PP_CODEC_HOLDS_EXIF | PP_CODEC_HOLDS_XMP | PP_CODEC_HOLDS_IPTC | PP_CODEC_HOLDS_ICC,
  .shrinks = TRUE,
  .sniff = jpeg_sniff,
  .probe = jpeg_probe,
  .decode = jpeg_decode,
  .encode = jpeg_encode,
};
