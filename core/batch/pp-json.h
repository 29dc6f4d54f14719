/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writing the members of the JSON that core/batch produces (run records, manifests, merged
 * records) with json-glib's JsonBuilder: one place that decides how a file name that is not
 * UTF-8, a missing string or a boolean is written.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

void  pp_json_add_string  (JsonBuilder *builder,
                           const char  *name,
                           const char  *value);
void  pp_json_add_int     (JsonBuilder *builder,
                           const char  *name,
                           gint64       value);
void  pp_json_add_double  (JsonBuilder *builder,
                           const char  *name,
                           double       value);
void  pp_json_add_boolean (JsonBuilder *builder,
                           const char  *name,
                           gboolean     value);

G_END_DECLS
