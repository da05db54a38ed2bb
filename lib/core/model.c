// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fnmatch.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "hist.h"
#include "model.h"
#include "queuers.h"
#include "textfmt.h"

static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = src ? strnlen(src, size - 1) : 0;

	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
}

/* The names every format (text, JSON, metrics) uses: lib/core/textfmt.h, which
 * the refwq kernel module shares. */
_Static_assert(WQ_TEXTFMT_NR_COUNTERS == WQ_C_NR, "counter names");
_Static_assert(WQ_TEXTFMT_NR_HKINDS == WQ_H_NR, "histogram kind names");

const char *wq_counter__name(enum wq_counter c)
{
	return wq_textfmt__counter(c);
}

const char *wq_hkind__name(enum wq_hkind k)
{
	return wq_textfmt__hkind(k);
}

struct wq_snapshot *wq_snapshot__new(const char *source)
{
	struct wq_snapshot *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	copy_str(s->source, sizeof(s->source), source);
	return s;
}

void wq_snapshot__free(struct wq_snapshot *s)
{
	if (!s)
		return;
	free(s->pools);
	free(s->series);
	free(s->inflight);
	free(s->queuers);
	free(s);
}

/* Keeps the source and the allocated rows: a collector resets the same
 * snapshot every interval. */
void wq_snapshot__reset(struct wq_snapshot *s)
{
	s->kernel[0] = '\0';
	s->mono_ns = 0;
	s->real_ns = 0;
	s->interval_ns = 0;
	s->ncpus = 0;
	s->sample_every = 0;
	memset(s->counters, 0, sizeof(s->counters));
	s->nr_probes = 0;
	s->nr_pools = 0;
	s->nr_series = 0;
	s->nr_inflight = 0;
	s->nr_queuers = 0;
}

/* Grow *@arr so that one more element of @size fits; 0 or -ENOMEM. */
static int grow(void **arr, size_t *cap, size_t nr, size_t size)
{
	size_t ncap;
	void *p;

	if (nr < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap < *cap || ncap > SIZE_MAX / size)
		return -ENOMEM;
	p = realloc(*arr, ncap * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

struct wq_pool *wq_snapshot__add_pool(struct wq_snapshot *s)
{
	struct wq_pool *p;

	if (grow((void **)&s->pools, &s->cap_pools, s->nr_pools, sizeof(*p)))
		return NULL;
	p = &s->pools[s->nr_pools++];
	memset(p, 0, sizeof(*p));
	return p;
}

struct wq_series *wq_snapshot__add_series(struct wq_snapshot *s)
{
	struct wq_series *r;

	if (grow((void **)&s->series, &s->cap_series, s->nr_series, sizeof(*r)))
		return NULL;
	r = &s->series[s->nr_series++];
	memset(r, 0, sizeof(*r));
	return r;
}

struct wq_inflight *wq_snapshot__add_inflight(struct wq_snapshot *s)
{
	struct wq_inflight *r;

	if (grow((void **)&s->inflight, &s->cap_inflight, s->nr_inflight,
		 sizeof(*r)))
		return NULL;
	r = &s->inflight[s->nr_inflight++];
	memset(r, 0, sizeof(*r));
	return r;
}

struct wq_queuer *wq_snapshot__add_queuer(struct wq_snapshot *s)
{
	struct wq_queuer *r;

	if (grow((void **)&s->queuers, &s->cap_queuers, s->nr_queuers,
		 sizeof(*r)))
		return NULL;
	r = &s->queuers[s->nr_queuers++];
	memset(r, 0, sizeof(*r));
	return r;
}

/* In-flight rows are a point in time: a copy or an interval view takes
 * the newer snapshot's. */
static int copy_inflight(struct wq_snapshot *dst, const struct wq_snapshot *src)
{
	for (size_t i = 0; i < src->nr_inflight; i++) {
		struct wq_inflight *r = wq_snapshot__add_inflight(dst);

		if (!r)
			return -ENOMEM;
		*r = src->inflight[i];
	}
	return 0;
}

struct wq_pool *wq_snapshot__find_pool(const struct wq_snapshot *s, int32_t id)
{
	size_t i;

	for (i = 0; i < s->nr_pools; i++)
		if (s->pools[i].id == id)
			return &s->pools[i];
	return NULL;
}

struct wq_series *wq_snapshot__find_series(const struct wq_snapshot *s,
					   int32_t pool_id, const char *wq,
					   const char *function)
{
	size_t i;

	for (i = 0; i < s->nr_series; i++) {
		struct wq_series *r = &s->series[i];

		if (r->pool_id == pool_id &&
		    !strncmp(r->workqueue, wq, sizeof(r->workqueue)) &&
		    !strncmp(r->function, function, sizeof(r->function)))
			return r;
	}
	return NULL;
}

void wq_series__add(struct wq_series *dst, const struct wq_series *src)
{
	int k;

	if (!dst->func_addr)
		dst->func_addr = src->func_addr;
	dst->queued += src->queued;
	dst->activated += src->activated;
	dst->started += src->started;
	dst->completed += src->completed;
	dst->cancelled += src->cancelled;
	dst->unseen += src->unseen;
	dst->unpaired += src->unpaired;
	for (k = 0; k < WQ_H_NR; k++) {
		dst->sum_ns[k] += src->sum_ns[k];
		if (src->max_ns[k] > dst->max_ns[k])
			dst->max_ns[k] = src->max_ns[k];
		wq_hist__add(&dst->hist[k], &src->hist[k]);
	}
}

/* Counters only go down when their source restarted: the interval then
 * counts from zero rather than wrapping to huge values. */
static uint64_t sub_sat(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

static int cmp_series_key(const struct wq_series *a, const struct wq_series *b)
{
	int c = strncmp(a->workqueue, b->workqueue, sizeof(a->workqueue));

	if (c)
		return c;
	c = strncmp(a->function, b->function, sizeof(a->function));
	if (c)
		return c;
	return (a->pool_id > b->pool_id) - (a->pool_id < b->pool_id);
}

static int cmp_series_ptr(const void *a, const void *b)
{
	const struct wq_series *const *x = a, *const *y = b;
	int c = cmp_series_key(*x, *y);

	/* Ties by position: the first of equal keys is the one found. */
	if (c)
		return c;
	return (*x > *y) - (*x < *y);
}

static const struct wq_series *
find_sorted(const struct wq_series **idx, size_t n, const struct wq_series *key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_series_key(idx[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && !cmp_series_key(idx[lo], key))
		return idx[lo];
	return NULL;
}

/*
 * A maximum cannot be subtracted.  If it grew, the new value is this
 * interval's.  If not, this interval's maximum is no larger than the old
 * one and lies in the interval's highest non-empty slot: take that slot's
 * largest value (within a factor of 2, like any histogram value), capped by
 * the old maximum.  An interval with no values has no maximum.
 */
static uint64_t interval_max(uint64_t cur_max, uint64_t prev_max,
			     const struct wq_hist *interval)
{
	int top = WQ_HIST_SLOTS - 1;

	if (cur_max > prev_max)
		return cur_max;
	while (top >= 0 && !interval->slot[top])
		top--;
	if (top < 0)
		return 0;
	/* Slot bounds are [lower, upper): the largest value is upper - 1. */
	return wq_hist__upper(top) - 1 < cur_max ? wq_hist__upper(top) - 1
						 : cur_max;
}

static bool series_idle(const struct wq_series *s)
{
	return !s->queued && !s->activated && !s->started && !s->completed &&
	       !s->cancelled && !s->unpaired;
}

static void series_sub(struct wq_series *out, const struct wq_series *prev)
{
	int k;

	out->queued = sub_sat(out->queued, prev->queued);
	out->activated = sub_sat(out->activated, prev->activated);
	out->started = sub_sat(out->started, prev->started);
	out->completed = sub_sat(out->completed, prev->completed);
	out->cancelled = sub_sat(out->cancelled, prev->cancelled);
	out->unseen = sub_sat(out->unseen, prev->unseen);
	out->unpaired = sub_sat(out->unpaired, prev->unpaired);
	for (k = 0; k < WQ_H_NR; k++) {
		out->sum_ns[k] = sub_sat(out->sum_ns[k], prev->sum_ns[k]);
		wq_hist__sub(&out->hist[k], &out->hist[k], &prev->hist[k]);
		out->max_ns[k] = interval_max(out->max_ns[k], prev->max_ns[k],
					      &out->hist[k]);
	}
}

int wq_snapshot__delta(struct wq_snapshot *out, const struct wq_snapshot *cur,
		       const struct wq_snapshot *prev)
{
	const struct wq_series **idx = NULL;
	size_t i;
	int c;

	/* @out is reset before @cur and @prev are read. */
	if (out == cur || out == prev)
		return -EINVAL;

	/* Sorted index of @prev: a linear search per series is quadratic in
	 * thousands of series every interval. */
	if (prev->nr_series) {
		idx = malloc(prev->nr_series * sizeof(*idx));
		if (!idx)
			return -ENOMEM;
		for (i = 0; i < prev->nr_series; i++)
			idx[i] = &prev->series[i];
		qsort(idx, prev->nr_series, sizeof(*idx), cmp_series_ptr);
	}

	wq_snapshot__reset(out);
	copy_str(out->source, sizeof(out->source), cur->source);
	copy_str(out->kernel, sizeof(out->kernel), cur->kernel);
	out->mono_ns = cur->mono_ns;
	out->real_ns = cur->real_ns;
	out->interval_ns = sub_sat(cur->mono_ns, prev->mono_ns);
	out->ncpus = cur->ncpus;
	out->sample_every = cur->sample_every;
	for (c = 0; c < WQ_C_NR; c++)
		out->counters[c] = sub_sat(cur->counters[c], prev->counters[c]);
	for (i = 0; i < cur->nr_probes; i++) {
		out->probes[i] = cur->probes[i];
		if (i < prev->nr_probes &&
		    !strcmp(cur->probes[i].name, prev->probes[i].name))
			out->probes[i].missed = sub_sat(cur->probes[i].missed,
							prev->probes[i].missed);
	}
	out->nr_probes = cur->nr_probes;

	for (i = 0; i < cur->nr_pools; i++) {
		const struct wq_pool *pp;
		struct wq_pool *p = wq_snapshot__add_pool(out);

		if (!p)
			goto err_nomem;
		*p = cur->pools[i];
		pp = wq_snapshot__find_pool(prev, p->id);
		/* A pool new in @cur has no start to subtract: its first
		 * interval shows no CPU rather than all its past (unless
		 * @prev is the empty start of the source). */
		if (pp)
			p->cpu_ns = sub_sat(p->cpu_ns, pp->cpu_ns);
		else if (prev->mono_ns)
			p->cpu_ns = 0;
	}

	for (i = 0; i < cur->nr_series; i++) {
		const struct wq_series *ps;
		struct wq_series *r = wq_snapshot__add_series(out);

		if (!r)
			goto err_nomem;
		*r = cur->series[i];
		ps = find_sorted(idx, prev->nr_series, r);
		if (ps)
			series_sub(r, ps);
		/* An interval view shows what happened in the interval. */
		if (series_idle(r))
			out->nr_series--;
	}
	free(idx);
	if (wq_queuers__delta(out, cur, prev))
		return -ENOMEM;
	return copy_inflight(out, cur);

err_nomem:
	free(idx);
	return -ENOMEM;
}

int wq_snapshot__workqueues(const struct wq_snapshot *s, struct wq_series **out,
			    size_t *nr)
{
	const struct wq_series **idx;
	struct wq_series *agg;
	size_t i, n = 0;

	*out = NULL;
	*nr = 0;
	idx = malloc((s->nr_series + 1) * sizeof(*idx));
	agg = calloc(s->nr_series + 1, sizeof(*agg));
	if (!idx || !agg) {
		free(idx);
		free(agg);
		return -ENOMEM;
	}
	for (i = 0; i < s->nr_series; i++)
		idx[i] = &s->series[i];
	qsort(idx, s->nr_series, sizeof(*idx), cmp_series_ptr);
	for (i = 0; i < s->nr_series; i++) {
		if (!n || strncmp(agg[n - 1].workqueue, idx[i]->workqueue,
				  WQ_NAME_LEN)) {
			memcpy(agg[n].workqueue, idx[i]->workqueue,
			       WQ_NAME_LEN);
			agg[n].pool_id = -1;
			n++;
		}
		wq_series__add(&agg[n - 1], idx[i]);
	}
	free(idx);
	*out = agg;
	*nr = n;
	return 0;
}

/* Is @v > @a * @b, without overflow? */
static bool above_product(uint64_t v, uint64_t a, uint64_t b)
{
	if (!a || !b)
		return v > 0;
	return v / a > b || (v / a == b && v % a);
}

uint64_t wq_snapshot__sanitize(struct wq_snapshot *s)
{
	uint64_t refused = 0;

	if (!s->mono_ns)
		return 0;
	for (size_t i = 0; i < s->nr_series; i++) {
		struct wq_series *r = &s->series[i];

		for (int k = 0; k < WQ_H_NR; k++) {
			uint64_t n = wq_hist__count(&r->hist[k]);

			if (r->max_ns[k] <= s->mono_ns &&
			    !above_product(r->sum_ns[k], n, r->max_ns[k]))
				continue;
			refused += n ? n : 1;
			r->sum_ns[k] = 0;
			r->max_ns[k] = 0;
			memset(&r->hist[k], 0, sizeof(r->hist[k]));
		}
	}
	s->counters[WQ_C_REJECTED] += refused;
	return refused;
}

static int cmp_pool(const void *a, const void *b)
{
	const struct wq_pool *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int cmp_series(const void *a, const void *b)
{
	return cmp_series_key(a, b);
}

int wq_snapshot__copy(struct wq_snapshot *dst, const struct wq_snapshot *src)
{
	size_t i;

	if (dst == src)
		return 0;
	wq_snapshot__reset(dst);
	copy_str(dst->source, sizeof(dst->source), src->source);
	copy_str(dst->kernel, sizeof(dst->kernel), src->kernel);
	dst->mono_ns = src->mono_ns;
	dst->real_ns = src->real_ns;
	dst->interval_ns = src->interval_ns;
	dst->ncpus = src->ncpus;
	dst->sample_every = src->sample_every;
	memcpy(dst->counters, src->counters, sizeof(dst->counters));
	memcpy(dst->probes, src->probes, sizeof(dst->probes));
	dst->nr_probes = src->nr_probes;
	for (i = 0; i < src->nr_pools; i++) {
		struct wq_pool *p = wq_snapshot__add_pool(dst);

		if (!p)
			return -ENOMEM;
		*p = src->pools[i];
	}
	for (i = 0; i < src->nr_series; i++) {
		struct wq_series *r = wq_snapshot__add_series(dst);

		if (!r)
			return -ENOMEM;
		*r = src->series[i];
	}
	for (i = 0; i < src->nr_queuers; i++) {
		struct wq_queuer *q = wq_snapshot__add_queuer(dst);

		if (!q)
			return -ENOMEM;
		*q = src->queuers[i];
	}
	return copy_inflight(dst, src);
}

void wq_snapshot__sort(struct wq_snapshot *s)
{
	if (s->nr_pools)
		qsort(s->pools, s->nr_pools, sizeof(*s->pools), cmp_pool);
	if (s->nr_series)
		qsort(s->series, s->nr_series, sizeof(*s->series), cmp_series);
	wq_queuers__sort(s);
}

static bool name_matches(const char *glob, const char *name)
{
	return !glob || !fnmatch(glob, name, 0);
}

size_t wq_snapshot__filter(struct wq_snapshot *s, const char *wq_glob,
			   const char *fn_glob)
{
	size_t i, n = 0, out;

	for (i = 0; i < s->nr_series; i++)
		if (name_matches(wq_glob, s->series[i].workqueue) &&
		    name_matches(fn_glob, s->series[i].function))
			s->series[n++] = s->series[i];
	out = s->nr_series - n;
	s->nr_series = n;
	for (i = n = 0; i < s->nr_inflight; i++)
		if (name_matches(wq_glob, s->inflight[i].workqueue) &&
		    name_matches(fn_glob, s->inflight[i].function))
			s->inflight[n++] = s->inflight[i];
	s->nr_inflight = n;
	for (i = n = 0; i < s->nr_queuers; i++)
		if (name_matches(wq_glob, s->queuers[i].workqueue) &&
		    name_matches(fn_glob, s->queuers[i].function))
			s->queuers[n++] = s->queuers[i];
	s->nr_queuers = n;
	return out;
}
