/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test helpers shared by the unit tests: random snapshots from a fixed seed
 * (names with spaces and odd bytes, values up to UINT64_MAX) and a
 * field-by-field comparison that reports the first difference.
 */
#ifndef WQMON_TEST_SNAPGEN_H
#define WQMON_TEST_SNAPGEN_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "model.h"

static uint64_t gen_state = 88172645463325252ULL;

static inline void gen_seed(uint64_t seed)
{
	gen_state = seed ? seed : 1;
}

static inline uint64_t gen_u64(void)
{
	gen_state ^= gen_state << 13;
	gen_state ^= gen_state >> 7;
	gen_state ^= gen_state << 17;
	return gen_state;
}

static inline uint64_t gen_below(uint64_t n)
{
	return n ? gen_u64() % n : 0;
}

/* Mostly small and realistic, sometimes extreme. */
static inline uint64_t gen_value(void)
{
	switch (gen_below(8)) {
	case 0:
		return 0;
	case 1:
		return UINT64_MAX - gen_below(3);
	case 2:
		return gen_u64();
	default:
		return gen_below(1000000000ULL);
	}
}

static inline void gen_name(char *buf, size_t size)
{
	static const char odd[] = " \t\n\\#-+=:/\x01\x7f\xff\xc3\xa9";
	size_t len = gen_below(size), i;

	for (i = 0; i < len; i++) {
		if (gen_below(5) == 0)
			buf[i] = odd[gen_below(sizeof(odd) - 1)];
		else
			buf[i] = "abcdefghijklmnopqrstuvwxyz_0123456789"
				[gen_below(37)];
	}
	buf[len] = '\0';
	/* A lone "-" is the empty-name marker: make sure it is covered. */
	if (gen_below(20) == 0)
		strcpy(buf, "-");
}

static inline int gen_snapshot(struct wq_snapshot *s, size_t nr_pools,
			       size_t nr_series, int interval)
{
	size_t i;
	int k, c;

	gen_name(s->source, sizeof(s->source));
	gen_name(s->kernel, sizeof(s->kernel));
	s->mono_ns = gen_u64();
	s->real_ns = gen_below(2) ? gen_u64() : 1763922970123456789ULL;
	s->interval_ns = interval ? 1 + gen_below(10000000000ULL) : 0;
	for (c = 0; c < WQ_C_NR; c++)
		s->counters[c] = gen_value();

	for (i = 0; i < nr_pools; i++) {
		struct wq_pool *p;
		int32_t id = (int32_t)gen_u64();

		if (gen_below(2))
			id = (int32_t)gen_below(64);
		if (wq_snapshot__find_pool(s, id))
			continue;
		p = wq_snapshot__add_pool(s);
		if (!p)
			return -1;
		p->id = id;
		p->cpu = gen_below(3) ? (int32_t)gen_below(64) - 1
				      : (int32_t)gen_u64();
		p->nice = gen_below(2) ? 0 : (int32_t)gen_u64();
		p->flags = gen_below(2) ? (uint32_t)gen_below(8)
					: (uint32_t)gen_u64();
		p->workers = (int32_t)gen_u64();
		p->idle = (int32_t)gen_below(10);
		p->running = gen_below(2) ? -1 : (int32_t)gen_below(10);
		p->pending = gen_value();
		p->oldest_pending_ns = gen_value();
		p->cpu_ns = gen_value();
	}

	for (i = 0; i < nr_series; i++) {
		struct wq_series *r;
		char wq[WQ_NAME_LEN], fn[WQ_FUNC_LEN];
		int32_t pool = gen_below(4) ? (int32_t)gen_below(8)
					    : (int32_t)gen_u64();

		/* Few distinct workqueues, so they aggregate. */
		if (gen_below(2))
			snprintf(wq, sizeof(wq), "wq%d", (int)gen_below(5));
		else
			gen_name(wq, sizeof(wq));
		gen_name(fn, sizeof(fn));
		if (wq_snapshot__find_series(s, pool, wq, fn))
			continue;
		r = wq_snapshot__add_series(s);
		if (!r)
			return -1;
		r->pool_id = pool;
		strcpy(r->workqueue, wq);
		strcpy(r->function, fn);
		r->func_addr = gen_u64();
		r->queued = gen_value();
		r->activated = gen_value();
		r->started = gen_value();
		r->completed = gen_value();
		r->cancelled = gen_value();
		for (k = 0; k < WQ_H_NR; k++) {
			int n = (int)gen_below(6), j;

			r->sum_ns[k] = gen_value();
			r->max_ns[k] = gen_value();
			for (j = 0; j < n; j++)
				r->hist[k].slot[gen_below(WQ_HIST_SLOTS)] =
					gen_value();
		}
	}
	/* Sampled mode now and then (0 and 1 both mean every item). */
	s->sample_every = gen_below(3) ? (uint32_t)gen_below(2)
				       : (uint32_t)gen_below(100000) + 2;
	return 0;
}

/* Compare two snapshots field by field (func_addr only if @addr); print
 * the first difference.  Return: 0 when equal. */
static inline int snap_cmp(const struct wq_snapshot *a,
			   const struct wq_snapshot *b, int addr)
{
	size_t i;
	int k;

#define DIFF(what, x, y)                                                       \
	do {                                                                   \
		if ((x) != (y)) {                                              \
			fprintf(stderr, "# differs: %s %zu: %llu != %llu\n",   \
				what, i, (unsigned long long)(x),              \
				(unsigned long long)(y));                      \
			return 1;                                              \
		}                                                              \
	} while (0)
#define DIFFS(what, x, y)                                                      \
	do {                                                                   \
		if (strcmp(x, y)) {                                            \
			fprintf(stderr, "# differs: %s %zu: '%s' != '%s'\n",   \
				what, i, x, y);                                \
			return 1;                                              \
		}                                                              \
	} while (0)

	i = 0;
	DIFFS("source", a->source, b->source);
	DIFFS("kernel", a->kernel, b->kernel);
	DIFF("mono_ns", a->mono_ns, b->mono_ns);
	DIFF("real_ns", a->real_ns, b->real_ns);
	DIFF("interval_ns", a->interval_ns, b->interval_ns);
	DIFF("sample_every", wq_snapshot__sample_every(a),
	     wq_snapshot__sample_every(b));
	for (i = 0; i < WQ_C_NR; i++)
		DIFF("counter", a->counters[i], b->counters[i]);
	i = 0;
	DIFF("nr_pools", a->nr_pools, b->nr_pools);
	DIFF("nr_series", a->nr_series, b->nr_series);
	for (i = 0; i < a->nr_pools; i++) {
		const struct wq_pool *p = &a->pools[i], *q = &b->pools[i];

		DIFF("pool id", p->id, q->id);
		DIFF("pool cpu", p->cpu, q->cpu);
		DIFF("pool nice", p->nice, q->nice);
		DIFF("pool flags", p->flags, q->flags);
		DIFF("pool workers", p->workers, q->workers);
		DIFF("pool idle", p->idle, q->idle);
		DIFF("pool running", p->running, q->running);
		DIFF("pool pending", p->pending, q->pending);
		DIFF("pool oldest", p->oldest_pending_ns, q->oldest_pending_ns);
		DIFF("pool cpu_ns", p->cpu_ns, q->cpu_ns);
	}
	for (i = 0; i < a->nr_series; i++) {
		const struct wq_series *r = &a->series[i], *t = &b->series[i];

		DIFF("series pool", r->pool_id, t->pool_id);
		DIFFS("series workqueue", r->workqueue, t->workqueue);
		DIFFS("series function", r->function, t->function);
		if (addr)
			DIFF("series func_addr", r->func_addr, t->func_addr);
		DIFF("series queued", r->queued, t->queued);
		DIFF("series activated", r->activated, t->activated);
		DIFF("series started", r->started, t->started);
		DIFF("series completed", r->completed, t->completed);
		DIFF("series cancelled", r->cancelled, t->cancelled);
		for (k = 0; k < WQ_H_NR; k++) {
			int j;

			DIFF("series sum", r->sum_ns[k], t->sum_ns[k]);
			DIFF("series max", r->max_ns[k], t->max_ns[k]);
			for (j = 0; j < WQ_HIST_SLOTS; j++)
				DIFF("series hist", r->hist[k].slot[j],
				     t->hist[k].slot[j]);
		}
	}
	return 0;
#undef DIFF
#undef DIFFS
}

#endif /* WQMON_TEST_SNAPGEN_H */
