/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the table layer's files (data.c, views.c, table.c, cells.c)
 * and by nothing else: the screen and the event loop use table.h.
 */
#ifndef WQTOP_INTERNAL_H
#define WQTOP_INTERNAL_H

#include "hist.h"
#include "table.h"

/* The "kernel" source, or NULL. */
const struct wqtop_src *wqtop_data__kernel_src(const struct wqtop_data *d);
/* Percentile @p of @h, NaN when it is empty. */
double wqtop_hist__pct(const struct wq_hist *h, unsigned int p,
		       uint64_t max);
/* Was pool @id absent from @s's previous snapshot? */
bool wqtop_src__pool_is_new(const struct wqtop_src *s, int32_t id);
/* The text a text column of @r shows (and sorts by). */
const char *wqtop_row__text(const struct wqtop_row *r, enum wqtop_col c);

#endif /* WQTOP_INTERNAL_H */
