/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The history ring: interval views, kept as their JSON text, oldest dropped
 * first so that the ring never holds more than its byte budget.  Serving
 * /api/v1/history is then a copy of the texts newer than `since`: no
 * rendering per request, however many clients poll.
 */
#ifndef WQMOND_HISTORY_H
#define WQMOND_HISTORY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct wqd_history;

struct wqd_history *wqd_history__new(size_t budget_bytes);
void wqd_history__free(struct wqd_history *h);
void wqd_history__set_budget(struct wqd_history *h, size_t budget_bytes);

/* Take ownership of @json (malloc'd, @len bytes).  Views must come in
 * mono_ns order.  Return: 0, or -E2BIG when one view exceeds the budget
 * (it is freed). */
int wqd_history__push(struct wqd_history *h, uint64_t mono_ns, char *json,
		      size_t len);

/* Write the views newer than @since_mono_ns, comma-separated. */
size_t wqd_history__write(const struct wqd_history *h, uint64_t since_mono_ns,
			  FILE *f);

size_t wqd_history__bytes(const struct wqd_history *h);
size_t wqd_history__count(const struct wqd_history *h);
uint64_t wqd_history__oldest(const struct wqd_history *h);	/* 0: empty */

#endif
