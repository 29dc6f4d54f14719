/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The registry: one line per filter, in the order --list-filters and the "Add Filter" menu show
 * (point filters, then local, then geometry). Each PP_FILTER (x) names
 * `const PpFilterInfo pp_filter_x` defined in filters/pp-filter-x.c (dashes become underscores);
 * core/filters/meson.build reads these lines to build those files, so this is the only list.
 * No include guard: it is included with different definitions of PP_FILTER.
 */
PP_FILTER (exposure)
PP_FILTER (gamma)
PP_FILTER (brightness)
PP_FILTER (contrast)
PP_FILTER (saturation)
PP_FILTER (grayscale)
PP_FILTER (sepia)
PP_FILTER (invert)
PP_FILTER (threshold)
PP_FILTER (levels)
PP_FILTER (box_blur)
PP_FILTER (gaussian_blur)
PP_FILTER (sharpen)
PP_FILTER (edge_detect)
PP_FILTER (median)
PP_FILTER (emboss)
PP_FILTER (fit)
PP_FILTER (resize)
PP_FILTER (crop)
PP_FILTER (rotate)
PP_FILTER (flip)
