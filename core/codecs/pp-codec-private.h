/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the codec files share: the codec tables the registry lists, the pixel-limit check every
 * decoder makes from its header, the allocation of decoded images, and the plain-words damage
 * messages. Private to core/codecs/.
 */
#pragma once

#include "codecs/pp-codec.h"

G_BEGIN_DECLS

extern const PpCodec _pp_codec_jpeg;
extern const PpCodec _pp_codec_png;
extern const PpCodec _pp_codec_webp;
extern const PpCodec _pp_codec_tiff;
extern const PpCodec _pp_codec_gif;
extern const PpCodec _pp_codec_bmp;
#ifdef PP_HAVE_LIBHEIF
extern const PpCodec _pp_codec_heif;
#endif
#ifdef PP_HAVE_LIBJXL
extern const PpCodec _pp_codec_jxl;
#endif
extern const PpCodec _pp_codec_pixbuf;

gboolean  _pp_codec_check_size       (int                    width,
                                      int                    height,
                                      guint                  n_frames,
                                      double                 max_pixels,
                                      GError               **error);
PpImage  *_pp_codec_allocate         (const PpDecodeParams  *params,
                                      int                    width,
                                      int                    height,
                                      int                    channels,
                                      GError               **error);
void      _pp_codec_add_frame        (PpDecoded             *out,
                                      PpImage               *image,
                                      int                    delay_ms);
void      _pp_codec_fill_rows        (PpImage               *image,
                                      int                    y0,
                                      int                    y1);
char     *_pp_codec_describe_missing (int                    rows_done,
                                      int                    height);
GBytes   *_pp_codec_bytes_or_null    (const guint8          *data,
                                      gsize                  size);
void      _pp_codec_add_note         (const PpEncodeOptions *options,
                                      const char            *format,
                                      ...) G_GNUC_PRINTF (2, 3);

/* pp-codec-pixbuf.c: the GdkPixbuf loaders, for the fallback, GIF and BMP */
void                _pp_codec_pixbuf_init                (void);
GdkPixbufAnimation *_pp_codec_pixbuf_run                 (const guint8         *data,
                                                          gsize                 size,
                                                          const char           *format,
                                                          guint                 n_frames,
                                                          const PpDecodeParams *params,
                                                          int                  *width,
                                                          int                  *height,
                                                          char                **complaint,
                                                          GError              **error);
PpImage            *_pp_codec_pixbuf_add_frame           (GdkPixbuf            *pixbuf,
                                                          int                   delay_ms,
                                                          gboolean              copy,
                                                          const PpDecodeParams *params,
                                                          PpDecoded            *out,
                                                          GError              **error);
GBytes             *_pp_codec_pixbuf_icc                 (GdkPixbuf            *pixbuf);

G_END_DECLS
