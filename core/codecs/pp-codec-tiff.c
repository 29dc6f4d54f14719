/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * TIFF through libtiff. Pages are counted (reduced-resolution copies and masks are not pages)
 * and decoded one by one through libtiff's RGBA interface, which handles every photometric
 * interpretation, depth and layout it supports, in bands so a damaged strip is located ("the
 * bottom 40 % is missing"). The Orientation tag is reported, not applied, so the loader treats it
 * like EXIF's. XMP (tag 700), IPTC (33723) and ICC (34675) are read natively, EXIF through
 * core/metadata (it sits among the structure tags). Output is uncompressed RGB(A), one
 * directory per page, written straight from the rows, with the ICC profile; EXIF, XMP and IPTC
 * are added by core/metadata (exiv2), which can write the EXIF IFD from a blob.
 *
 * libtiff reports through per-handle handlers here (TIFFOpenOptions), never the global ones,
 * so concurrent calls share nothing.
 */
#define G_LOG_DOMAIN "pp-codec"

#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <tiffio.h>

#include "codecs/pp-codec-private.h"

/* libtiff's own allocations for one strip or tile (a crafted header can ask for gigabytes). */
#define MAX_SINGLE_ALLOC (512 * 1024 * 1024)
/* Directories walked when counting pages: more is an attack, not a document. */
#define MAX_DIRECTORIES 10000

typedef struct
{
  const guint8 *data;
  gsize size;
  toff_t pos;
  GByteArray *out; /* writing: the file grows here */
  int n_errors;
  char message[256];
} Stream;

static tmsize_t
stream_read (thandle_t handle,
             void     *buffer,
             tmsize_t  size)
{
  Stream *s = handle;
  const guint8 *data = s->out != NULL ? s->out->data : s->data;
  gsize length = s->out != NULL ? s->out->len : s->size;
  gsize n;

  if (s->pos >= length || size <= 0)
    return 0;
  n = MIN ((gsize) size, length - (gsize) s->pos);
  memcpy (buffer, data + s->pos, n);
  s->pos += n;
  return (tmsize_t) n;
}

static tmsize_t
stream_write (thandle_t handle,
              void     *buffer,
              tmsize_t  size)
{
  Stream *s = handle;
  gsize end;

  if (s->out == NULL || size < 0)
    return -1;
  end = (gsize) s->pos + (gsize) size;
  if (end > G_MAXUINT)
    return -1;
  if (end > s->out->len)
    g_byte_array_set_size (s->out, (guint) end);
  memcpy (s->out->data + s->pos, buffer, (gsize) size);
  s->pos = end;
  return size;
}

static toff_t
stream_seek (thandle_t handle,
             toff_t    offset,
             int       whence)
{
  Stream *s = handle;
  gsize length = s->out != NULL ? s->out->len : s->size;
  guint64 base = whence == SEEK_CUR ? s->pos : whence == SEEK_END ? length : 0;

  s->pos = base + offset;
  return s->pos;
}

static int
stream_close (thandle_t handle)
{
  return 0;
}

static toff_t
stream_size (thandle_t handle)
{
  Stream *s = handle;

  return s->out != NULL ? s->out->len : s->size;
}

/* Reading maps the whole buffer: libtiff then reads strips in place, without copies. */
static int
stream_map (thandle_t handle,
            void    **base,
            toff_t   *size)
{
  Stream *s = handle;

  if (s->out != NULL)
    return 0;
  *base = (void *) s->data;
  *size = s->size;
  return 1;
}

static void
stream_unmap (thandle_t handle,
              void     *base,
              toff_t    size)
{
}

static int
on_error (TIFF       *tif,
          void       *user_data,
          const char *module,
          const char *format,
          va_list     args)
{
  Stream *s = user_data;

  if (s->n_errors++ == 0)
    g_vsnprintf (s->message, sizeof s->message, format, args);
  return 1;
}

static int
on_warning (TIFF       *tif,
            void       *user_data,
            const char *module,
            const char *format,
            va_list     args)
{
  return 1; /* unknown tags and the like: nothing a user needs to hear */
}

static TIFF *
open_stream (Stream     *s,
             const char *mode)
{
  TIFFOpenOptions *options = TIFFOpenOptionsAlloc ();
  TIFF *tif;

  TIFFOpenOptionsSetMaxSingleMemAlloc (options, MAX_SINGLE_ALLOC);
  TIFFOpenOptionsSetErrorHandlerExtR (options, on_error, s);
  TIFFOpenOptionsSetWarningHandlerExtR (options, on_warning, s);
  tif = TIFFClientOpenExt ("image.tif", mode, s, stream_read, stream_write, stream_seek,
                           stream_close, stream_size, stream_map, stream_unmap, options);
  TIFFOpenOptionsFree (options);
  return tif;
}

static gboolean
tiff_sniff (const guint8 *head,
            gsize         size)
{
  return size >= 4 && ((memcmp (head, "II", 2) == 0 && (head[2] == 42 || head[2] == 43)
                        && head[3] == 0)
                       || (memcmp (head, "MM", 2) == 0 && head[2] == 0
                           && (head[3] == 42 || head[3] == 43)));
}

/* A page is a full-resolution image: not a thumbnail (reduced image) and not a mask. */
static gboolean
is_page (TIFF *tif)
{
  guint32 subfile = 0;

  TIFFGetFieldDefaulted (tif, TIFFTAG_SUBFILETYPE, &subfile);
  return (subfile & (FILETYPE_REDUCEDIMAGE | FILETYPE_MASK)) == 0;
}

static guint
count_pages (TIFF *tif)
{
  guint n = 0;

  for (guint i = 0; i < MAX_DIRECTORIES; i++)
    {
      if (is_page (tif))
        n++;
      if (!TIFFReadDirectory (tif))
        break;
    }
  TIFFSetDirectory (tif, 0);
  return MAX (n, 1u);
}

static gboolean
has_alpha (TIFF *tif)
{
  guint16 n_extra = 0;
  guint16 *extra = NULL;

  return TIFFGetField (tif, TIFFTAG_EXTRASAMPLES, &n_extra, &extra) && n_extra > 0
         && (extra[0] == EXTRASAMPLE_ASSOCALPHA || extra[0] == EXTRASAMPLE_UNASSALPHA);
}

/* Where the header says the first directory is (0 when the header itself is cut). */
static guint64
first_directory_offset (const guint8 *d,
                        gsize         n)
{
  gboolean le = n >= 2 && d[0] == 'I';
  gboolean big = n >= 4 && (le ? d[2] : d[3]) == 43;
  guint64 offset = 0;

  if (n < (big ? 16u : 8u))
    return 0;
  for (int i = 0; i < (big ? 8 : 4); i++)
    {
      int k = big ? 8 + i : 4 + i;
      int shift = le ? 8 * i : 8 * ((big ? 7 : 3) - i);

      offset |= (guint64) d[k] << shift;
    }
  return offset;
}

static void
set_open_error (GError      **error,
                const Stream *s)
{
  guint64 offset = first_directory_offset (s->data, s->size);

  if (s->size < 8 || offset == 0)
    g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                 "The file ends early, before the image data");
  else if (offset >= s->size)
    /* Writers often put the directory after the pixels: a cut file loses it first. */
    g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                 "The file ends early: its directory, stored after the image data, is missing, "
                 "so none of the image can be read");
  else
    g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                 "The TIFF file is damaged and cannot be read (%s)", s->message);
}

static gboolean
tiff_probe (const guint8  *data,
            gsize          size,
            const char    *name,
            PpCodecHeader *header,
            GError       **error)
{
  Stream s = { data, size, 0, NULL, 0, "" };
  TIFF *tif = open_stream (&s, "rm");
  guint32 width = 0, height = 0;

  if (tif == NULL)
    {
      set_open_error (error, &s);
      return FALSE;
    }
  TIFFGetField (tif, TIFFTAG_IMAGEWIDTH, &width);
  TIFFGetField (tif, TIFFTAG_IMAGELENGTH, &height);
  header->format = "tiff";
  header->width = (int) MIN (width, (guint32) G_MAXINT);
  header->height = (int) MIN (height, (guint32) G_MAXINT);
  header->has_alpha = has_alpha (tif);
  header->animated = FALSE;
  header->n_frames = count_pages (tif);
  TIFFClose (tif);
  return TRUE;
}

static void
read_metadata (TIFF         *tif,
               const guint8 *data,
               gsize         size,
               PpDecoded    *out)
{
  guint32 count = 0;
  void *value = NULL;
  guint16 orientation = ORIENTATION_TOPLEFT;

  /* EXIF lives in the file's own directories, among the tags that describe the pixels:
   * core/metadata picks out the descriptive ones with the Exif and GPS IFDs. */
  out->metadata.exif = pp_metadata_exif_from_tiff_file (data, size);
  if (TIFFGetField (tif, TIFFTAG_XMLPACKET, &count, &value) && count > 0)
    out->metadata.xmp = g_bytes_new (value, count);
  /* libtiff versions disagree on this tag's unit (LONG or UNDEFINED): ask the field. */
  if (TIFFGetField (tif, TIFFTAG_RICHTIFFIPTC, &count, &value) && count > 0 && value != NULL
      && ((const guint8 *) value)[0] == 0x1c)
    {
      const TIFFField *field = TIFFFieldWithTag (tif, TIFFTAG_RICHTIFFIPTC);
      int unit = field != NULL ? TIFFDataWidth (TIFFFieldDataType (field)) : 1;

      out->metadata.iptc = g_bytes_new (value, (gsize) count * (unit > 0 ? unit : 1));
    }
  if (TIFFGetField (tif, TIFFTAG_ICCPROFILE, &count, &value) && count > 0)
    out->icc = g_bytes_new (value, count);
  TIFFGetFieldDefaulted (tif, TIFFTAG_ORIENTATION, &orientation);
  out->orientation = orientation >= 1 && orientation <= 8 ? orientation : 1;
}

/* The rows of the current directory's strips that lie (partly) past the end of the file: how a
 * cut file shows in TIFF. Returns the first such row, or the height when none is. */
static int
first_row_past_end (TIFF  *tif,
                    gsize  file_size,
                    int    height)
{
  guint32 rows_per_strip = 0;
  guint64 *offsets = NULL, *counts = NULL;
  guint32 n_strips, per_plane;
  int first = height;

  if (TIFFIsTiled (tif))
    return height;
  TIFFGetFieldDefaulted (tif, TIFFTAG_ROWSPERSTRIP, &rows_per_strip);
  if (rows_per_strip == 0 || !TIFFGetField (tif, TIFFTAG_STRIPOFFSETS, &offsets)
      || !TIFFGetField (tif, TIFFTAG_STRIPBYTECOUNTS, &counts))
    return height;
  n_strips = TIFFNumberOfStrips (tif);
  /* Separate planes repeat the strips once per sample. */
  per_plane = (guint32) (((guint64) height + rows_per_strip - 1) / rows_per_strip);
  for (guint32 i = 0; i < n_strips && per_plane > 0; i++)
    if (offsets[i] > file_size || counts[i] > file_size - offsets[i])
      first = (int) MIN ((guint64) first, (guint64) (i % per_plane) * rows_per_strip);
  return first;
}

/* A premultiplied 8-bit @value of alpha @a back to straight colour, rounded (0 where nothing
 * shows). */
static inline guint8
straight (guint value,
          guint a)
{
  return a == 0 ? 0 : (guint8) MIN (255u, (value * 255 + a / 2) / a);
}

/* How many rows to read at a time: whole strips or tiles where that is 16..256 rows, so damage
 * can be located without a buffer the size of the page. */
static guint32
choose_band_rows (TIFF    *tif,
                  guint32  height)
{
  guint32 band_rows = 0;

  if (TIFFIsTiled (tif))
    TIFFGetField (tif, TIFFTAG_TILELENGTH, &band_rows);
  else
    TIFFGetFieldDefaulted (tif, TIFFTAG_ROWSPERSTRIP, &band_rows);
  band_rows = CLAMP (band_rows, 16u, 256u);
  return MIN (band_rows, height);
}

/* @rows rows of libtiff's RGBA words from @band into @image's rows from @y on. libtiff packs
 * R, G, B, A into one 32-bit word, R lowest: byte order R G B A here. Its RGBA interface
 * returns associated (premultiplied) alpha whatever the file holds (tif_getimage.c
 * premultiplies unassociated alpha): PpImage is straight, so divide. */
static void
copy_band (const guint32 *band,
           guint32        y,
           guint32        rows,
           PpImage       *image)
{
  guint32 width = (guint32) image->width;

  for (guint32 r = 0; r < rows; r++)
    {
      const guint32 *src = band + (gsize) r * width;
      guint8 *dst = PP_IMAGE_ROW (image, y + r);

      for (guint32 x = 0; x < width; x++)
        {
          guint32 p = src[x];
          guint a = TIFFGetA (p);

          if (image->channels == 3 || a == 255)
            {
              *dst++ = TIFFGetR (p);
              *dst++ = TIFFGetG (p);
              *dst++ = TIFFGetB (p);
            }
          else
            {
              *dst++ = straight (TIFFGetR (p), a);
              *dst++ = straight (TIFFGetG (p), a);
              *dst++ = straight (TIFFGetB (p), a);
            }
          if (image->channels == 4)
            *dst++ = a;
        }
    }
}

/* What is wrong with a page whose first unreadable band starts at @damaged_row: a cut file
 * when that band reaches the strips past the end of the file (@cut_row), else damage. */
static char *
describe_damage (int         damaged_row,
                 int         cut_row,
                 guint32     band_rows,
                 int         height,
                 const char *message)
{
  if (cut_row < height && damaged_row >= cut_row - (int) band_rows)
    return _pp_codec_describe_missing (damaged_row, height);
  return g_strdup_printf ("The image data is damaged: the bottom %d %% of the image is "
                          "missing or wrong (%s)",
                          CLAMP ((int) (100.0 * (height - damaged_row) / height + 0.5), 1, 100),
                          message);
}

/* One page into a new image, in bands of whole strips or tiles so damage can be located. */
static PpImage *
decode_page (TIFF                 *tif,
             Stream               *s,
             const PpDecodeParams *params,
             char                **damage,
             GError              **error)
{
  TIFFRGBAImage img;
  char emsg[1024] = "";
  g_autofree guint32 *band = NULL;
  PpImage *image;
  guint32 band_rows;
  int damaged_row = -1;
  int cut_row;

  if (!TIFFRGBAImageOK (tif, emsg) || !TIFFRGBAImageBegin (&img, tif, 0, emsg))
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_UNSUPPORTED,
                   "This kind of TIFF is not supported (%s)", emsg);
      return NULL;
    }
  /* Rows as stored: the Orientation tag is applied later, like EXIF's. */
  img.req_orientation = img.orientation;
  image = _pp_codec_allocate (params, (int) img.width, (int) img.height, img.alpha ? 4 : 3,
                              error);
  if (image == NULL)
    {
      TIFFRGBAImageEnd (&img);
      return NULL;
    }
  band_rows = choose_band_rows (tif, img.height);
  band = g_try_malloc ((gsize) img.width * band_rows * 4);
  if (band == NULL)
    {
      TIFFRGBAImageEnd (&img);
      pp_image_unref (image);
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_NO_MEMORY, "Not enough memory");
      return NULL;
    }
  cut_row = first_row_past_end (tif, s->size, image->height);
  for (guint32 y = 0; y < img.height; y += band_rows)
    {
      guint32 rows = MIN (band_rows, img.height - y);
      int errors_before = s->n_errors;

      img.row_offset = (int) y;
      img.col_offset = 0;
      if (!TIFFRGBAImageGet (&img, band, img.width, rows) || s->n_errors > errors_before)
        {
          if (damaged_row < 0)
            damaged_row = (int) y;
          _pp_codec_fill_rows (image, (int) y, (int) (y + rows));
          continue;
        }
      copy_band (band, y, rows, image);
    }
  TIFFRGBAImageEnd (&img);
  if (damaged_row >= 0)
    *damage = describe_damage (damaged_row, cut_row, band_rows, image->height, s->message);
  return image;
}

static gboolean
tiff_decode (const guint8         *data,
             gsize                 size,
             const PpDecodeParams *params,
             PpDecoded            *out,
             GError              **error)
{
  Stream s = { data, size, 0, NULL, 0, "" };
  TIFF *tif = open_stream (&s, "rm");
  double pixels = 0;
  gboolean ok = TRUE;

  if (tif == NULL)
    {
      set_open_error (error, &s);
      return FALSE;
    }
  if (!tiff_probe (data, size, params->name, &out->header, error))
    {
      TIFFClose (tif);
      return FALSE;
    }
  read_metadata (tif, data, size, out);
  for (guint i = 0; i < MAX_DIRECTORIES && ok; i++)
    {
      if (is_page (tif))
        {
          guint32 w = 0, h = 0;
          char *damage = NULL;
          PpImage *image;

          TIFFGetField (tif, TIFFTAG_IMAGEWIDTH, &w);
          TIFFGetField (tif, TIFFTAG_IMAGELENGTH, &h);
          if (!_pp_codec_check_size ((int) MIN (w, (guint32) G_MAXINT),
                                     (int) MIN (h, (guint32) G_MAXINT), 1, params->max_pixels,
                                     error))
            {
              ok = FALSE;
              break;
            }
          /* Pages may differ in size: the limit counts all that will be decoded. */
          if (params->max_pixels > 0 && pixels + (double) w * h > params->max_pixels)
            {
              g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_TOO_LARGE,
                           "The document's %u pages hold more than %.0f megapixels in all "
                           "(--max-megapixels)", out->header.n_frames,
                           params->max_pixels / 1e6);
              ok = FALSE;
              break;
            }
          pixels += (double) w * h;
          image = decode_page (tif, &s, params, &damage, error);
          if (image == NULL)
            {
              ok = FALSE;
              break;
            }
          _pp_codec_add_frame (out, image, 0);
          if (damage != NULL)
            {
              if (out->frames->len > 1)
                {
                  out->damage = g_strdup_printf ("Page %u: %s", out->frames->len, damage);
                  g_free (damage);
                }
              else
                out->damage = damage;
              break;
            }
          if (!params->all_frames)
            break;
        }
      if (!TIFFReadDirectory (tif))
        break;
    }
  TIFFClose (tif);
  if (ok && (out->frames == NULL || out->frames->len == 0))
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                   "The TIFF file holds no full-size image");
      ok = FALSE;
    }
  return ok;
}

static gboolean
write_page (TIFF                  *tif,
            const PpImage         *image,
            guint                  page,
            guint                  n_pages,
            const PpEncodeOptions *options)
{
  TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, (guint32) image->width);
  TIFFSetField (tif, TIFFTAG_IMAGELENGTH, (guint32) image->height);
  TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, image->channels);
  TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
  TIFFSetField (tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField (tif, TIFFTAG_COMPRESSION, COMPRESSION_NONE);
  TIFFSetField (tif, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT);
  if (image->channels == 4)
    {
      guint16 extra = EXTRASAMPLE_UNASSALPHA;

      TIFFSetField (tif, TIFFTAG_EXTRASAMPLES, 1, &extra);
    }
  TIFFSetField (tif, TIFFTAG_ROWSPERSTRIP, TIFFDefaultStripSize (tif, 0));
  if (n_pages > 1)
    {
      TIFFSetField (tif, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
      TIFFSetField (tif, TIFFTAG_PAGENUMBER, (guint16) page, (guint16) n_pages);
    }
  /* The ICC profile describes the pixels: libtiff writes it; EXIF, XMP and IPTC follow (exiv2). */
  if (page == 0 && options->icc != NULL && g_bytes_get_size (options->icc) > 0)
    TIFFSetField (tif, TIFFTAG_ICCPROFILE, (guint32) g_bytes_get_size (options->icc),
                  g_bytes_get_data (options->icc, NULL));
  /* Uncompressed, so libtiff reads the rows where they are and never writes into them. */
  for (int y = 0; y < image->height; y++)
    if (TIFFWriteScanline (tif, (void *) PP_IMAGE_ROW (image, y), (guint32) y, 0) < 0)
      return FALSE;
  return TIFFWriteDirectory (tif);
}

static gboolean
tiff_encode (const PpFrame         *frames,
             guint                  n_frames,
             const PpEncodeOptions *options,
             GByteArray            *out,
             GError               **error)
{
  Stream s = { NULL, 0, 0, g_byte_array_new (), 0, "" };
  TIFF *tif;
  gboolean ok = TRUE;

  g_return_val_if_fail (n_frames >= 1, FALSE);

  /* Classic TIFF addresses 4 GiB; BigTIFF ("w8") only when needed, since fewer readers know it. */
  {
    guint64 bytes = 0;

    for (guint i = 0; i < n_frames; i++)
      bytes += (guint64) frames[i].image->width * frames[i].image->height
               * frames[i].image->channels;
    tif = open_stream (&s, bytes > G_GUINT64_CONSTANT (0xF0000000) ? "w8" : "w");
  }
  if (tif == NULL)
    {
      g_byte_array_unref (s.out);
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_ENCODE, "Cannot start a TIFF file");
      return FALSE;
    }
  for (guint i = 0; i < n_frames && ok; i++)
    ok = write_page (tif, frames[i].image, i, n_frames, options);
  TIFFClose (tif);
  if (!ok || s.n_errors > 0)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_ENCODE, "Cannot encode TIFF: %s",
                   s.message[0] != '\0' ? s.message : "libtiff failed");
      g_byte_array_unref (s.out);
      return FALSE;
    }
  if (options->metadata != NULL && !pp_metadata_blobs_is_empty (options->metadata))
    {
      /* exiv2 rewrites the first directory with the EXIF (and its Exif/GPS IFDs), XMP and IPTC
       * in their TIFF places; libtiff has no writer for the EXIF IFD from a blob. */
      g_autoptr (GBytes) plain = g_byte_array_free_to_bytes (s.out);
      g_autoptr (GBytes) tagged = NULL;
      g_autofree char *note = NULL;
      GError *local_error = NULL;

      tagged = pp_metadata_tiff_embed (plain, options->metadata, &note, &local_error);
      if (note != NULL)
        _pp_codec_add_note (options, "%s", note);
      if (tagged == NULL)
        {
          _pp_codec_add_note (options, "metadata not kept (%s)", local_error->message);
          g_error_free (local_error);
          tagged = g_bytes_ref (plain);
        }
      g_byte_array_append (out, g_bytes_get_data (tagged, NULL),
                           (guint) g_bytes_get_size (tagged));
      return TRUE;
    }
  g_byte_array_append (out, s.out->data, s.out->len);
  g_byte_array_unref (s.out);
  return TRUE;
}

static const char *const tiff_extensions[] = { "tif", "tiff", NULL };
static const char *const tiff_mime_types[] = { "image/tiff", NULL };

const PpCodec _pp_codec_tiff = {
  .name = "tiff",
  .extensions = tiff_extensions,
  .mime_types = tiff_mime_types,
  .holds = PP_CODEC_HOLDS_ALPHA | PP_CODEC_HOLDS_PAGES | PP_CODEC_HOLDS_EXIF
           | PP_CODEC_HOLDS_XMP | PP_CODEC_HOLDS_IPTC | PP_CODEC_HOLDS_ICC,
  .sniff = tiff_sniff,
  .probe = tiff_probe,
  .decode = tiff_decode,
  .encode = tiff_encode,
};
