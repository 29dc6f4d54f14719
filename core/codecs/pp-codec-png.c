/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PNG through libpng. Every colour type and depth decodes to 8-bit RGB or RGBA (palettes and
 * tRNS expanded, 16-bit scaled down); rows go straight into the destination image. Metadata:
 * eXIf, iCCP, iTXt "XML:com.adobe.xmp", and ImageMagick's "Raw profile type exif/xmp/iptc/icc"
 * text chunks, before or after the image data. A file that ends before its last row is damage
 * with the share that is missing; one that ends after it (a cut IEND) has whole pixels but is
 * reported all the same.
 *
 * libpng unwinds errors with longjmp to the png_struct's own jmp_buf: one per call, so calls on
 * different threads never share state.
 */
#define G_LOG_DOMAIN "pp-codec"

#include "config.h"

#include <string.h>

#include <png.h>

#include "codecs/pp-codec-private.h"

/* Text chunks are decompressed into memory: a zlib bomb in a zTXt (a corpus file holds one)
 * must not cost more than this. Real XMP and EXIF are far smaller. */
#define MAX_CHUNK_MEMORY (16 * 1024 * 1024)
#define XMP_KEYWORD "XML:com.adobe.xmp"

typedef struct
{
  const guint8 *data;
  gsize size;
  gsize pos;
  gboolean ended;       /* a read went past the end of the file */
  char message[256];
} ReadState;

static void
on_error (png_structp png,
          png_const_charp message)
{
  ReadState *state = png_get_error_ptr (png);

  if (state != NULL)
    g_strlcpy (state->message, message, sizeof state->message);
  png_longjmp (png, 1);
}

static void
on_warning (png_structp     png,
            png_const_charp message)
{
  /* Warnings are about ancillary chunks (a bad CRC in a text chunk…), which libpng drops:
   * nothing a user would call damage to the picture. */
}

static void
read_data (png_structp png,
           png_bytep   dest,
           png_size_t  length)
{
  ReadState *state = png_get_io_ptr (png);

  if (length > state->size - state->pos)
    {
      state->ended = TRUE;
      png_error (png, "the file ends early");
    }
  memcpy (dest, state->data + state->pos, length);
  state->pos += length;
}

static gboolean
png_sniff (const guint8 *head,
           gsize         size)
{
  return size >= 8 && png_sig_cmp (head, 0, 8) == 0;
}

static void
set_read_error (GError         **error,
                const ReadState *state,
                gboolean         in_header)
{
  if (state->ended && in_header)
    g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                 "The file ends early, before the image data");
  else if (g_str_has_prefix (state->message, "Insufficient memory")
           || g_str_has_prefix (state->message, "Out of Memory"))
    g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_NO_MEMORY,
                 "Not enough memory to decode this PNG file");
  else
    g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_DAMAGED,
                 "The PNG file is damaged and cannot be decoded (%s)", state->message);
}

static png_structp
create_reader (ReadState *state)
{
  png_structp png = png_create_read_struct (PNG_LIBPNG_VER_STRING, state, on_error, on_warning);

  if (png == NULL)
    return NULL;
  png_set_read_fn (png, state, read_data);
  png_set_chunk_malloc_max (png, MAX_CHUNK_MEMORY);
  png_set_chunk_cache_max (png, 1000);
  /* APNG's animation control chunk: libpng does not play APNG, but the frame count must not be
   * lost silently (the default image is decoded, and the record says the rest was dropped). */
  png_set_keep_unknown_chunks (png, PNG_HANDLE_CHUNK_ALWAYS, (png_const_bytep) "acTL", 1);
  /* Our own pixel limit decides sizes; libpng's default cap of 1e6 pixels a side stays. */
  return png;
}

/* The frame count an APNG's acTL chunk declares; 1 for a plain PNG. */
static guint
count_apng_frames (png_structp png,
                   png_infop   info)
{
  png_unknown_chunkp chunks = NULL;
  int n = png_get_unknown_chunks (png, info, &chunks);

  for (int i = 0; i < n; i++)
    if (memcmp (chunks[i].name, "acTL", 4) == 0 && chunks[i].size >= 8)
      {
        const guint8 *d = chunks[i].data;
        guint32 frames = (guint32) d[0] << 24 | (guint32) d[1] << 16 | (guint32) d[2] << 8 | d[3];

        return CLAMP (frames, 1u, 1000000u);
      }
  return 1;
}

static gboolean
png_probe (const guint8  *data,
           gsize          size,
           const char    *name,
           PpCodecHeader *header,
           GError       **error)
{
  ReadState state = { data, size, 0, FALSE, "" };
  png_structp png = create_reader (&state);
  png_infop info = png != NULL ? png_create_info_struct (png) : NULL;
  gboolean ok = FALSE;

  if (info == NULL)
    {
      png_destroy_read_struct (&png, NULL, NULL);
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_NO_MEMORY, "Not enough memory");
      return FALSE;
    }
  if (setjmp (png_jmpbuf (png)) == 0)
    {
      int color_type;

      png_read_info (png, info);
      color_type = png_get_color_type (png, info);
      header->format = "png";
      header->width = (int) png_get_image_width (png, info);
      header->height = (int) png_get_image_height (png, info);
      header->n_frames = count_apng_frames (png, info);
      header->animated = header->n_frames > 1;
      header->has_alpha = (color_type & PNG_COLOR_MASK_ALPHA) != 0
                          || png_get_valid (png, info, PNG_INFO_tRNS);
      ok = TRUE;
    }
  else
    set_read_error (error, &state, TRUE);
  png_destroy_read_struct (&png, &info, NULL);
  return ok;
}

/* ImageMagick's raw profiles: "\nTYPE\n   LENGTH\n" then hex digits, wrapped at any width. */
static GBytes *
decode_raw_profile (const char *text,
                    gsize       text_len)
{
  const char *p = text, *end = text + text_len;
  g_autoptr (GByteArray) out = NULL;
  guint64 length;
  char *after;

  while (p < end && *p == '\n')
    p++;
  while (p < end && *p != '\n')
    p++; /* the type name */
  if (p >= end)
    return NULL;
  length = g_ascii_strtoull (p, &after, 10);
  if (after == p || length == 0 || length > text_len / 2)
    return NULL;
  out = g_byte_array_sized_new ((guint) length);
  for (p = after; p < end && out->len < length;)
    {
      int hi, lo;

      if (!g_ascii_isxdigit (*p))
        {
          p++;
          continue;
        }
      if (p + 1 >= end || !g_ascii_isxdigit (p[1]))
        break;
      hi = g_ascii_xdigit_value (p[0]);
      lo = g_ascii_xdigit_value (p[1]);
      g_byte_array_append (out, (guint8[]) { (guint8) (hi << 4 | lo) }, 1);
      p += 2;
    }
  if (out->len != length)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
read_text_metadata (png_structp png,
                    png_infop   info,
                    PpDecoded  *out)
{
  png_textp texts = NULL;
  int n = png_get_text (png, info, &texts, NULL);

  for (int i = 0; i < n; i++)
    {
      const char *key = texts[i].key;
      const char *text = texts[i].text;
      gsize len = texts[i].compression == PNG_ITXT_COMPRESSION_NONE
                  || texts[i].compression == PNG_ITXT_COMPRESSION_zTXt
                  ? texts[i].itxt_length : texts[i].text_length;
      g_autoptr (GBytes) raw = NULL;

      if (text == NULL)
        continue;
      if (len == 0)
        len = strlen (text);
      if (g_str_equal (key, XMP_KEYWORD) && out->metadata.xmp == NULL)
        {
          out->metadata.xmp = g_bytes_new (text, len);
          continue;
        }
      if (!g_str_has_prefix (key, "Raw profile type "))
        continue;
      raw = decode_raw_profile (text, len);
      if (raw == NULL)
        continue;
      key += strlen ("Raw profile type ");
      if ((g_str_equal (key, "exif") || g_str_equal (key, "APP1")) && out->metadata.exif == NULL)
        out->metadata.exif = pp_metadata_exif_from_payload (g_bytes_get_data (raw, NULL),
                                                            g_bytes_get_size (raw), NULL);
      else if (g_str_equal (key, "xmp") && out->metadata.xmp == NULL)
        out->metadata.xmp = g_bytes_ref (raw);
      else if ((g_str_equal (key, "iptc") || g_str_equal (key, "8bim"))
               && out->metadata.iptc == NULL)
        {
          const guint8 *d = g_bytes_get_data (raw, NULL);

          out->metadata.iptc = d[0] == 0x1c
                               ? g_bytes_ref (raw)
                               : pp_metadata_iptc_from_photoshop (d, g_bytes_get_size (raw));
        }
      else if ((g_str_equal (key, "icc") || g_str_equal (key, "icm")) && out->icc == NULL)
        out->icc = g_bytes_ref (raw);
    }
}

/* What the chunks seen so far carry; called after the header and again after the image data,
 * where writers may put eXIf and text chunks too. */
static void
read_metadata (png_structp png,
               png_infop   info,
               PpDecoded  *out)
{
  png_bytep exif = NULL;
  png_uint_32 exif_len = 0;
  png_charp icc_name;
  png_bytep icc = NULL;
  png_uint_32 icc_len = 0;
  int compression;

  if (out->metadata.exif == NULL && png_get_eXIf_1 (png, info, &exif_len, &exif) != 0
      && exif_len > 0)
    out->metadata.exif = pp_metadata_exif_from_payload (exif, exif_len, NULL);
  if (out->icc == NULL
      && png_get_iCCP (png, info, &icc_name, &compression, &icc, &icc_len) != 0 && icc_len > 0)
    out->icc = g_bytes_new (icc, icc_len);
  read_text_metadata (png, info, out);
}

/* Everything libpng must do to hand us 8-bit RGB or RGBA rows. Returns the channel count. */
static int
set_transformations (png_structp png,
                     png_infop   info)
{
  int color_type = png_get_color_type (png, info);
  int depth = png_get_bit_depth (png, info);
  gboolean alpha = (color_type & PNG_COLOR_MASK_ALPHA) != 0
                   || png_get_valid (png, info, PNG_INFO_tRNS);

  if (color_type == PNG_COLOR_TYPE_PALETTE)
    png_set_palette_to_rgb (png);
  if (color_type == PNG_COLOR_TYPE_GRAY && depth < 8)
    png_set_expand_gray_1_2_4_to_8 (png);
  if (png_get_valid (png, info, PNG_INFO_tRNS))
    png_set_tRNS_to_alpha (png);
  if (depth == 16)
    png_set_scale_16 (png);
  if (color_type == PNG_COLOR_TYPE_GRAY || color_type == PNG_COLOR_TYPE_GRAY_ALPHA)
    png_set_gray_to_rgb (png);
  return alpha ? 4 : 3;
}

/* After libpng gave up with @image allocated: says in @out->damage what is missing, from how
 * far the rows got (@rows_done of interlaced @pass of @passes), fills rows that never came
 * (non-interlaced; interlaced images were filled before the first pass) and hands @image to
 * @out as its frame. */
static void
keep_partial_image (PpImage         *image,
                    const ReadState *state,
                    int              passes,
                    int              pass,
                    int              rows_done,
                    PpDecoded       *out)
{
  if (pass == passes - 1 && rows_done == image->height)
    {
      /* Every row arrived; what follows the image data (IEND, late text chunks) is missing
       * or broken. Whole pixels, but a cut file all the same: kept only when asked. */
      out->damage = g_strdup (state->ended
                              ? "The file ends early, after the image data: the pixels are "
                                "complete, but its end (and any metadata there) is missing"
                              : "The file is damaged after the image data: the pixels are "
                                "complete, but its end (and any metadata there) is unreadable");
      _pp_codec_add_frame (out, image, 0);
      return;
    }
  if (passes > 1)
    out->damage = g_strdup_printf (state->ended
                                   ? "The file ends early: only %d of the 7 interlaced "
                                     "passes arrived, so the image is coarse or partly "
                                     "missing"
                                   : "The image data is damaged in interlaced pass %d "
                                     "of 7: the image is coarse or partly missing",
                                   state->ended ? pass : pass + 1);
  else if (state->ended)
    out->damage = _pp_codec_describe_missing (rows_done, image->height);
  else
    out->damage = g_strdup_printf ("The image data is damaged: the bottom %d %% of the "
                                   "image is missing (%s)",
                                   CLAMP ((int) (100.0 * (image->height - rows_done)
                                                 / image->height + 0.5), 1, 100),
                                   state->message);
  if (passes == 1)
    _pp_codec_fill_rows (image, rows_done, image->height);
  _pp_codec_add_frame (out, image, 0);
}

/* The header and the metadata before the image data into @out. libpng may longjmp out of here
 * to the caller's setjmp: this holds nothing that needs freeing. */
static void
read_header (png_structp png,
             png_infop   info,
             PpDecoded  *out)
{
  png_read_info (png, info);
  out->header.format = "png";
  out->header.width = (int) png_get_image_width (png, info);
  out->header.height = (int) png_get_image_height (png, info);
  out->header.n_frames = count_apng_frames (png, info);
  out->header.animated = out->header.n_frames > 1;
  read_metadata (png, info, out);
}

/* The setjmp stays here, with the cleanup it leads to; the helpers above may longjmp back.
 * rows_done, pass and passes are volatile: they change after setjmp and are read after a
 * longjmp. */
static gboolean
png_decode (const guint8         *data,
            gsize                 size,
            const PpDecodeParams *params,
            PpDecoded            *out,
            GError              **error)
{
  ReadState state = { data, size, 0, FALSE, "" };
  png_structp png = create_reader (&state);
  png_infop info = png != NULL ? png_create_info_struct (png) : NULL;
  PpImage *volatile image = NULL;
  volatile int rows_done = 0;
  volatile int passes = 1;
  volatile int pass = 0;
  volatile gboolean ok = FALSE;

  if (info == NULL)
    {
      png_destroy_read_struct (&png, NULL, NULL);
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_NO_MEMORY, "Not enough memory");
      return FALSE;
    }
  if (setjmp (png_jmpbuf (png)) != 0)
    {
      if (image == NULL)
        set_read_error (error, &state, TRUE);
      else
        {
          keep_partial_image (image, &state, passes, pass, rows_done, out);
          image = NULL;
          ok = TRUE;
        }
      goto done;
    }

  read_header (png, info, out);
  if (!_pp_codec_check_size (out->header.width, out->header.height, 1, params->max_pixels, error))
    goto done;

  {
    int channels = set_transformations (png, info);

    out->header.has_alpha = channels == 4;
    passes = png_set_interlace_handling (png);
    png_read_update_info (png, info);
    if (png_get_rowbytes (png, info) != (gsize) out->header.width * channels)
      png_error (png, "unexpected row layout");
    image = _pp_codec_allocate (params, out->header.width, out->header.height, channels, error);
    if (image == NULL)
      goto done;
  }
  if (passes > 1)
    _pp_codec_fill_rows (image, 0, image->height); /* later passes fill the gaps */
  for (pass = 0; pass < passes; pass++)
    for (rows_done = 0; rows_done < image->height; rows_done++)
      png_read_row (png, PP_IMAGE_ROW (image, rows_done), NULL);
  pass = passes - 1;
  png_read_end (png, info);
  read_metadata (png, info, out);
  _pp_codec_add_frame (out, image, 0);
  image = NULL;
  ok = TRUE;

done:
  if (image != NULL)
    pp_image_unref (image);
  png_destroy_read_struct (&png, &info, NULL);
  return ok;
}

typedef struct
{
  GByteArray *out;
  char message[256];
} WriteState;

static void
on_write_error (png_structp     png,
                png_const_charp message)
{
  WriteState *state = png_get_error_ptr (png);

  g_strlcpy (state->message, message, sizeof state->message);
  png_longjmp (png, 1);
}

static void
write_data (png_structp png,
            png_bytep   data,
            png_size_t  length)
{
  WriteState *state = png_get_io_ptr (png);

  g_byte_array_append (state->out, data, (guint) length);
}

static void
flush_data (png_structp png)
{
}

/* ImageMagick's hex text form, which exiv2 and ImageMagick read ("Raw profile type iptc"). */
static char *
encode_raw_profile (const char   *type,
                    const guint8 *data,
                    gsize         size)
{
  GString *s = g_string_sized_new (size * 2 + size / 36 + 32);

  g_string_append_printf (s, "\n%s\n%8" G_GSIZE_FORMAT, type, size);
  for (gsize i = 0; i < size; i++)
    {
      if (i % 36 == 0)
        g_string_append_c (s, '\n');
      g_string_append_printf (s, "%02x", data[i]);
    }
  g_string_append_c (s, '\n');
  return g_string_free (s, FALSE);
}

static void
set_metadata (png_structp            png,
              png_infop              info,
              const PpEncodeOptions *options,
              char                 **xmp_text,
              char                 **iptc_text)
{
  const PpMetadataBlobs *m = options->metadata;
  png_text texts[2];
  int n_texts = 0;

  if (options->icc != NULL && g_bytes_get_size (options->icc) > 0)
    png_set_iCCP (png, info, "ICC profile", PNG_COMPRESSION_TYPE_BASE,
                  g_bytes_get_data (options->icc, NULL),
                  (png_uint_32) g_bytes_get_size (options->icc));
  if (m == NULL)
    return;
  if (m->exif != NULL && g_bytes_get_size (m->exif) > 0)
    png_set_eXIf_1 (png, info, (png_uint_32) g_bytes_get_size (m->exif),
                    (png_bytep) g_bytes_get_data (m->exif, NULL));
  memset (texts, 0, sizeof texts);
  if (m->xmp != NULL && g_bytes_get_size (m->xmp) > 0)
    {
      texts[n_texts].compression = PNG_ITXT_COMPRESSION_NONE;
      texts[n_texts].key = (png_charp) XMP_KEYWORD;
      gsize n;
      const char *d = g_bytes_get_data (m->xmp, &n);

      /* libpng takes the text's length from strlen(), whatever itxt_length says, and the
       * packet read from a file has no terminating NUL: hand it a terminated copy. */
      *xmp_text = g_strndup (d, n);
      texts[n_texts].text = *xmp_text;
      texts[n_texts].itxt_length = strlen (*xmp_text);
      texts[n_texts].lang = (png_charp) "";
      texts[n_texts].lang_key = (png_charp) "";
      n_texts++;
    }
  if (m->iptc != NULL && g_bytes_get_size (m->iptc) > 0)
    {
      /* PNG has no IPTC chunk; exiv2 and ImageMagick read Photoshop resources from this one. */
      g_autoptr (GBytes) irb = pp_metadata_iptc_to_photoshop (m->iptc);
      gsize n;
      const guint8 *d = g_bytes_get_data (irb, &n);
      const gsize sig = sizeof "Photoshop 3.0";

      if (n > sig && memcmp (d, "Photoshop 3.0", sig) == 0)
        {
          d += sig;
          n -= sig;
        }
      *iptc_text = encode_raw_profile ("iptc", d, n);
      texts[n_texts].compression = PNG_TEXT_COMPRESSION_zTXt;
      texts[n_texts].key = (png_charp) "Raw profile type iptc";
      texts[n_texts].text = *iptc_text;
      texts[n_texts].text_length = strlen (*iptc_text);
      n_texts++;
    }
  if (n_texts > 0)
    png_set_text (png, info, texts, n_texts);
}

static gboolean
png_encode (const PpFrame         *frames,
            guint                  n_frames,
            const PpEncodeOptions *options,
            GByteArray            *out,
            GError               **error)
{
  WriteState state = { out, "" };
  const PpImage *image = frames[0].image;
  guint start_len = out->len;
  png_structp png;
  png_infop info;
  char *volatile xmp_text = NULL;
  char *volatile iptc_text = NULL;
  volatile gboolean ok = FALSE;

  g_return_val_if_fail (n_frames >= 1, FALSE);

  png = png_create_write_struct (PNG_LIBPNG_VER_STRING, &state, on_write_error, on_warning);
  info = png != NULL ? png_create_info_struct (png) : NULL;
  if (info == NULL)
    {
      png_destroy_write_struct (&png, NULL);
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_ENCODE, "Not enough memory");
      return FALSE;
    }
  if (setjmp (png_jmpbuf (png)) != 0)
    {
      g_set_error (error, PP_CODEC_ERROR, PP_CODEC_ERROR_ENCODE, "Cannot encode PNG: %s",
                   state.message);
      g_byte_array_set_size (out, start_len);
      goto done;
    }
  png_set_write_fn (png, &state, write_data, flush_data);
  /* A questionable ICC profile is left out with a warning rather than failing the file. */
  png_set_benign_errors (png, 1);
  if (options->compression >= 0)
    png_set_compression_level (png, CLAMP (options->compression, 0, 9));
  png_set_IHDR (png, info, (png_uint_32) image->width, (png_uint_32) image->height, 8,
                image->channels == 4 ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB,
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
  {
    char *xmp = NULL;
    char *iptc = NULL;

    set_metadata (png, info, options, &xmp, &iptc);
    xmp_text = xmp;
    iptc_text = iptc;
  }
  png_write_info (png, info);
  for (int y = 0; y < image->height; y++)
    png_write_row (png, PP_IMAGE_ROW (image, y));
  png_write_end (png, info);
  ok = TRUE;

done:
  png_destroy_write_struct (&png, &info);
  g_free (xmp_text);
  g_free (iptc_text);
  return ok;
}

static const char *const png_extensions[] = { "png", NULL };
static const char *const png_mime_types[] = { "image/png", NULL };

const PpCodec _pp_codec_png = {
  .name = "png",
  .extensions = png_extensions,
  .mime_types = png_mime_types,
  .holds = PP_CODEC_HOLDS_ALPHA | PP_CODEC_HOLDS_EXIF | PP_CODEC_HOLDS_XMP | PP_CODEC_HOLDS_IPTC
           | PP_CODEC_HOLDS_ICC,
  .sniff = png_sniff,
  .probe = png_probe,
  .decode = png_decode,
  .encode = png_encode,
};
