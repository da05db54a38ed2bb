// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include "hist.h"

unsigned int wq_hist__slot(uint64_t ns)
{
	unsigned int s;

	if (ns < 2)
		return 0;
	s = 63 - __builtin_clzll(ns);
	return s < WQ_HIST_SLOTS ? s : WQ_HIST_SLOTS - 1;
}

uint64_t wq_hist__lower(unsigned int slot)
{
	if (slot == 0)
		return 0;
	if (slot >= WQ_HIST_SLOTS)
		slot = WQ_HIST_SLOTS - 1;
	return 1ULL << slot;
}

uint64_t wq_hist__upper(unsigned int slot)
{
	if (slot >= WQ_HIST_SLOTS - 1)
		return UINT64_MAX;
	return 1ULL << (slot + 1);
}

uint64_t wq_hist__count(const struct wq_hist *h)
{
	uint64_t n = 0;
	unsigned int i;

	/* Saturate: parsed input may hold any values. */
	for (i = 0; i < WQ_HIST_SLOTS; i++)
		if (__builtin_add_overflow(n, h->slot[i], &n))
			return UINT64_MAX;
	return n;
}

void wq_hist__add(struct wq_hist *dst, const struct wq_hist *src)
{
	unsigned int i;

	for (i = 0; i < WQ_HIST_SLOTS; i++)
		dst->slot[i] += src->slot[i];
}

void wq_hist__sub(struct wq_hist *out, const struct wq_hist *a,
		  const struct wq_hist *b)
{
	unsigned int i;

	for (i = 0; i < WQ_HIST_SLOTS; i++)
		out->slot[i] =
			a->slot[i] > b->slot[i] ? a->slot[i] - b->slot[i] : 0;
}

uint64_t wq_hist__quantile(const struct wq_hist *h, uint64_t num, uint64_t den,
			   uint64_t max_ns)
{
	uint64_t count = wq_hist__count(h), target, before = 0, lo, hi, v;
	unsigned int i;

	if (!count || !den)
		return 0;
	if (num > den)
		num = den;
	target = (uint64_t)(((unsigned __int128)count * num + den - 1) / den);
	if (target < 1)
		target = 1;

	for (i = 0; i < WQ_HIST_SLOTS - 1; i++) {
		if (h->slot[i] >= target - before)
			break;
		before += h->slot[i];
	}
	lo = wq_hist__lower(i);
	hi = wq_hist__upper(i);
	if (i == WQ_HIST_SLOTS - 1)
		hi = max_ns > lo ? max_ns : 1ULL << WQ_HIST_SLOTS;
	/* 128-bit product: width (< 2^64) times a count (< 2^64). */
	v = lo + (uint64_t)((unsigned __int128)(hi - lo) * (target - before) /
			    h->slot[i]);
	if (max_ns && v > max_ns)
		v = max_ns;
	return v;
}

uint64_t wq_hist__percentile(const struct wq_hist *h, double q, uint64_t max_ns)
{
	/* NaN fails both comparisons and ends up as the minimum. */
	if (!(q > 0))
		q = 0;
	if (q > 1)
		q = 1;
	/* In millionths: exact ranks (0.07 * 100 is 7.000000000000001 in
	 * binary) and the same integer math as wq_hist__quantile. */
	return wq_hist__quantile(h, (uint64_t)llround(q * 1e6), 1000000,
				 max_ns);
}
