/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The registry: one line per filter, in the order --list-filters and the "Add Filter" menu show.
 * Each PP_FILTER (x) names `const PpFilterInfo pp_filter_x` defined in filters/pp-filter-x.c.
 * No include guard: it is included with different definitions of PP_FILTER.
 */
PP_FILTER (exposure)
