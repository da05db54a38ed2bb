// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"

struct view {
	uint64_t mono_ns;
	char *json;
	size_t len;
};

/* A circular array of views; grows by doubling, bounded by the budget. */
struct wqd_history {
	struct view *v;
	size_t cap, head, count;	/* head: index of the oldest */
	size_t bytes, budget;
};

struct wqd_history *wqd_history__new(size_t budget_bytes)
{
	struct wqd_history *h = calloc(1, sizeof(*h));

	if (h)
		h->budget = budget_bytes;
	return h;
}

static struct view *at(const struct wqd_history *h, size_t i)
{
	return &h->v[(h->head + i) % h->cap];
}

static void drop_oldest(struct wqd_history *h)
{
	struct view *o = at(h, 0);

	h->bytes -= o->len;
	free(o->json);
	h->head = (h->head + 1) % h->cap;
	h->count--;
}

void wqd_history__free(struct wqd_history *h)
{
	if (!h)
		return;
	while (h->count)
		drop_oldest(h);
	free(h->v);
	free(h);
}

void wqd_history__set_budget(struct wqd_history *h, size_t budget_bytes)
{
	h->budget = budget_bytes;
	while (h->count && h->bytes > h->budget)
		drop_oldest(h);
}

static int grow(struct wqd_history *h)
{
	size_t cap = h->cap ? 2 * h->cap : 64;
	struct view *n = malloc(cap * sizeof(*n));

	if (!n)
		return -ENOMEM;
	for (size_t i = 0; i < h->count; i++)
		n[i] = *at(h, i);
	free(h->v);
	h->v = n;
	h->cap = cap;
	h->head = 0;
	return 0;
}

int wqd_history__push(struct wqd_history *h, uint64_t mono_ns, char *json,
		      size_t len)
{
	if (len > h->budget) {
		free(json);
		return -E2BIG;
	}
	while (h->count && h->bytes + len > h->budget)
		drop_oldest(h);
	if (h->count == h->cap && grow(h)) {
		free(json);
		return -ENOMEM;
	}
	*at(h, h->count) = (struct view){ mono_ns, json, len };
	h->count++;
	h->bytes += len;
	return 0;
}

size_t wqd_history__write(const struct wqd_history *h, uint64_t since_mono_ns,
			  FILE *f)
{
	size_t lo = 0, hi = h->count, n = 0;

	/* Views are in time order: binary search for the first newer one. */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (at(h, mid)->mono_ns <= since_mono_ns)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < h->count; i++, n++) {
		if (n)
			fputc(',', f);
		fwrite(at(h, i)->json, 1, at(h, i)->len, f);
	}
	return n;
}

size_t wqd_history__bytes(const struct wqd_history *h)
{
	return h->bytes;
}

size_t wqd_history__count(const struct wqd_history *h)
{
	return h->count;
}

uint64_t wqd_history__oldest(const struct wqd_history *h)
{
	return h->count ? at(h, 0)->mono_ns : 0;
}
