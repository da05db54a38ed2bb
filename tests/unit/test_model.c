// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "fixture.h"
#include "hist.h"
#include "model.h"
#include "snapgen.h"

static struct wq_series *add(struct wq_snapshot *s, int32_t pool,
			     const char *wq, const char *fn)
{
	struct wq_series *r = wq_snapshot__add_series(s);

	assert_non_null(r);
	r->pool_id = pool;
	strcpy(r->workqueue, wq);
	strcpy(r->function, fn);
	return r;
}

static void test_new_reset(void **state)
{
	struct wq_snapshot *s = wq_snapshot__new(
		"a source name that is much longer than the 48 bytes allowed");

	(void)state;
	assert_non_null(s);
	assert_int_equal(strlen(s->source), WQ_SOURCE_LEN - 1);
	assert_int_equal(s->nr_pools, 0);
	assert_non_null(wq_snapshot__add_pool(s));
	add(s, 1, "events", "f");
	s->counters[WQ_C_SERIES_DROPPED] = 3;
	s->interval_ns = 5;
	strcpy(s->kernel, "6.1");
	wq_snapshot__reset(s);
	assert_int_equal(s->nr_pools, 0);
	assert_int_equal(s->nr_series, 0);
	assert_int_equal(s->counters[WQ_C_SERIES_DROPPED], 0);
	assert_int_equal(s->interval_ns, 0);
	assert_string_equal(s->kernel, "");
	/* The source and the memory stay for the next interval. */
	assert_int_equal(strlen(s->source), WQ_SOURCE_LEN - 1);
	assert_true(s->cap_series >= 1);
	wq_snapshot__free(s);
	wq_snapshot__free(NULL);

	s = wq_snapshot__new(NULL);
	assert_non_null(s);
	assert_string_equal(s->source, "");
	wq_snapshot__free(s);
}

static void test_grow_and_find(void **state)
{
	struct wq_snapshot *s = wq_snapshot__new("kernel");
	char fn[32];
	int i;

	(void)state;
	for (i = 0; i < 5000; i++) {
		struct wq_pool *p = wq_snapshot__add_pool(s);
		struct wq_series *r;

		assert_non_null(p);
		assert_int_equal(p->workers, 0); /* zeroed */
		p->id = i * 2;
		snprintf(fn, sizeof(fn), "fn_%d", i);
		r = add(s, i % 7, i % 2 ? "events" : "kblockd", fn);
		assert_int_equal(r->queued, 0);
		r->queued = (uint64_t)i;
	}
	assert_int_equal(s->nr_pools, 5000);
	assert_int_equal(s->nr_series, 5000);
	assert_true(s->cap_series >= 5000);
	assert_int_equal(wq_snapshot__find_pool(s, 4242)->id, 4242);
	assert_null(wq_snapshot__find_pool(s, 4243));
	assert_int_equal(
		wq_snapshot__find_series(s, 4321 % 7, "events", "fn_4321")
			->queued,
		4321);
	assert_null(
		wq_snapshot__find_series(s, 4321 % 7, "kblockd", "fn_4321"));
	assert_null(wq_snapshot__find_series(s, 0, "events", "fn_4321"));
	wq_snapshot__free(s);
}

static void test_series_add(void **state)
{
	struct wq_series a = {0}, b = {0};

	(void)state;
	a.queued = 1;
	a.completed = 2;
	a.sum_ns[WQ_H_RUN] = 100;
	a.max_ns[WQ_H_RUN] = 90;
	a.max_ns[WQ_H_LAT] = 5;
	a.hist[WQ_H_RUN].slot[6] = 2;
	b.func_addr = 0xffffffff81000000ULL;
	b.queued = 10;
	b.activated = 3;
	b.started = 4;
	b.completed = 5;
	b.cancelled = 6;
	b.sum_ns[WQ_H_RUN] = 1000;
	b.max_ns[WQ_H_RUN] = 700;
	b.max_ns[WQ_H_LAT] = 1;
	b.hist[WQ_H_RUN].slot[6] = 1;
	b.hist[WQ_H_RUN].slot[9] = 1;
	wq_series__add(&a, &b);
	assert_true(a.func_addr == 0xffffffff81000000ULL);
	assert_int_equal(a.queued, 11);
	assert_int_equal(a.activated, 3);
	assert_int_equal(a.started, 4);
	assert_int_equal(a.completed, 7);
	assert_int_equal(a.cancelled, 6);
	assert_int_equal(a.sum_ns[WQ_H_RUN], 1100);
	assert_int_equal(a.max_ns[WQ_H_RUN], 700);
	assert_int_equal(a.max_ns[WQ_H_LAT], 5);
	assert_int_equal(a.hist[WQ_H_RUN].slot[6], 3);
	assert_int_equal(a.hist[WQ_H_RUN].slot[9], 1);
	assert_int_equal(wq_hist__count(&a.hist[WQ_H_RUN]), 4);
}

static void test_delta(void **state)
{
	struct wq_snapshot *prev = wq_snapshot__new("kernel");
	struct wq_snapshot *cur = wq_snapshot__new("kernel");
	struct wq_snapshot *out = wq_snapshot__new("x");
	struct wq_series *r;
	struct wq_pool *p;

	(void)state;
	prev->mono_ns = 1000000000;
	cur->mono_ns = 3000000000;
	cur->real_ns = 77;
	strcpy(cur->kernel, "6.18.0");
	prev->counters[WQ_C_PENDING_DROPPED] = 5;
	cur->counters[WQ_C_PENDING_DROPPED] = 12;
	cur->counters[WQ_C_WORKER_REAPED] = 1;

	p = wq_snapshot__add_pool(prev);
	p->id = 4;
	p->cpu_ns = 1000;
	p = wq_snapshot__add_pool(cur);
	p->id = 4;
	p->workers = 3;
	p->pending = 9;
	p->cpu_ns = 1500;
	p = wq_snapshot__add_pool(cur); /* new pool */
	p->id = 8;
	p->cpu_ns = 42;

	r = add(prev, 4, "events", "vmstat_update");
	r->queued = 100;
	r->started = 90;
	r->completed = 90;
	r->sum_ns[WQ_H_LAT] = 5000;
	r->max_ns[WQ_H_LAT] = 900;
	r->hist[WQ_H_LAT].slot[8] = 50;
	r->hist[WQ_H_LAT].slot[9] = 40;
	r = add(prev, 4, "events", "gone_fn"); /* not in cur */
	r->queued = 7;

	r = add(cur, 4, "events", "vmstat_update");
	r->func_addr = 0x1234;
	r->queued = 130;
	r->started = 125;
	r->completed = 124;
	r->sum_ns[WQ_H_LAT] = 8000;
	r->max_ns[WQ_H_LAT] = 1200;
	r->hist[WQ_H_LAT].slot[8] = 60; /* +10 */
	r->hist[WQ_H_LAT].slot[9] = 40; /* unchanged */
	r->hist[WQ_H_LAT].slot[10] = 25; /* new bucket */
	r = add(cur, 8, "kblockd", "blk_mq_run_work_fn"); /* new series */
	r->queued = 3;
	r->hist[WQ_H_RUN].slot[12] = 3;
	r = add(cur, 4, "events", "reset_fn"); /* counter went backwards */
	r->queued = 2;
	r = add(prev, 4, "events", "reset_fn");
	r->queued = 50;
	r->hist[WQ_H_RUN].slot[3] = 9;
	r = add(prev, 4, "events", "steady_fn"); /* max from an old interval */
	r->completed = 10;
	r->max_ns[WQ_H_RUN] = 5000;
	r->hist[WQ_H_RUN].slot[12] = 10;
	r = add(cur, 4, "events", "steady_fn");
	r->completed = 13;
	r->max_ns[WQ_H_RUN] = 5000;
	r->hist[WQ_H_RUN].slot[12] = 10;
	r->hist[WQ_H_RUN].slot[9] = 3; /* this interval: 512..1023 ns */
	r = add(prev, 4, "events", "idle_fn"); /* nothing in the interval */
	r->queued = 4;
	r->max_ns[WQ_H_LAT] = 77;
	r = add(cur, 4, "events", "idle_fn");
	r->queued = 4;
	r->max_ns[WQ_H_LAT] = 77;

	assert_int_equal(wq_snapshot__delta(out, cur, prev), 0);
	assert_string_equal(out->source, "kernel");
	assert_string_equal(out->kernel, "6.18.0");
	assert_int_equal(out->interval_ns, 2000000000);
	assert_int_equal(out->mono_ns, 3000000000);
	assert_int_equal(out->real_ns, 77);
	assert_int_equal(out->counters[WQ_C_PENDING_DROPPED], 7);
	assert_int_equal(out->counters[WQ_C_WORKER_REAPED], 1);

	assert_int_equal(out->nr_pools, 2);
	p = wq_snapshot__find_pool(out, 4);
	assert_int_equal(p->cpu_ns, 500);
	assert_int_equal(p->workers, 3);
	assert_int_equal(p->pending, 9);
	/* A pool new in the interval: no start to subtract, no CPU. */
	assert_int_equal(wq_snapshot__find_pool(out, 8)->cpu_ns, 0);

	/* reset_fn (went backwards: nothing counted) and idle_fn are idle. */
	assert_int_equal(out->nr_series, 3);
	assert_null(wq_snapshot__find_series(out, 4, "events", "idle_fn"));
	assert_null(wq_snapshot__find_series(out, 4, "events", "reset_fn"));
	r = wq_snapshot__find_series(out, 4, "events", "steady_fn");
	assert_non_null(r);
	assert_int_equal(r->completed, 3);
	/* Unchanged maximum: bounded by the interval's top slot. */
	assert_int_equal(r->max_ns[WQ_H_RUN], 1023);
	r = wq_snapshot__find_series(out, 4, "events", "vmstat_update");
	assert_non_null(r);
	assert_int_equal(r->func_addr, 0x1234);
	assert_int_equal(r->queued, 30);
	assert_int_equal(r->started, 35);
	assert_int_equal(r->completed, 34);
	assert_int_equal(r->sum_ns[WQ_H_LAT], 3000);
	assert_int_equal(r->max_ns[WQ_H_LAT], 1200); /* grew: exact */
	assert_int_equal(r->hist[WQ_H_LAT].slot[8], 10);
	assert_int_equal(r->hist[WQ_H_LAT].slot[9], 0);
	assert_int_equal(r->hist[WQ_H_LAT].slot[10], 25);
	assert_int_equal(wq_hist__count(&r->hist[WQ_H_LAT]), 35);

	r = wq_snapshot__find_series(out, 8, "kblockd", "blk_mq_run_work_fn");
	assert_non_null(r);
	assert_int_equal(r->queued, 3);
	assert_int_equal(r->hist[WQ_H_RUN].slot[12], 3);

	assert_null(wq_snapshot__find_series(out, 4, "events", "gone_fn"));

	/* Aliasing would read rows already reset. */
	assert_int_equal(wq_snapshot__delta(cur, cur, prev), -EINVAL);

	wq_snapshot__free(prev);
	wq_snapshot__free(cur);
	wq_snapshot__free(out);
}

/* delta(cur, cur) is all zero; delta(cur, empty) is cur; on random data. */
static void test_delta_random(void **state)
{
	struct wq_snapshot *cur = wq_snapshot__new("k");
	struct wq_snapshot *empty = wq_snapshot__new("k");
	struct wq_snapshot *out = wq_snapshot__new("k");
	size_t i;

	(void)state;
	gen_seed(42);
	assert_int_equal(gen_snapshot(cur, 20, 300, 0), 0);
	assert_int_equal(wq_snapshot__delta(out, cur, cur), 0);
	assert_int_equal(out->nr_series, 0); /* nothing happened */
	assert_int_equal(out->interval_ns, 0);
	for (i = 0; i < out->nr_pools; i++)
		assert_int_equal(out->pools[i].cpu_ns, 0);

	empty->mono_ns = 0;
	assert_int_equal(wq_snapshot__delta(out, cur, empty), 0);
	out->interval_ns = 0;
	assert_int_equal(snap_cmp(out, cur, 1), 0);

	wq_snapshot__free(cur);
	wq_snapshot__free(empty);
	wq_snapshot__free(out);
}

/* A wrapped maximum (the 584-year latency) or a sum beyond count x max is
 * refused, counted, and that kind cleared; sane kinds are kept. */
static void test_sanitize(void **state)
{
	struct wq_snapshot *s = wq_snapshot__new("k");
	struct wq_series *r;

	(void)state;
	s->mono_ns = 1000000000000ULL;	/* 1000 s since boot */
	r = add(s, 0, "events", "wrapped");
	r->hist[WQ_H_LAT].slot[35] = 2;
	r->max_ns[WQ_H_LAT] = 18446744073709551024ULL;
	r->sum_ns[WQ_H_LAT] = 18446744073709551024ULL;
	r->hist[WQ_H_RUN].slot[10] = 3;
	r->max_ns[WQ_H_RUN] = 2000;
	r->sum_ns[WQ_H_RUN] = 5000;
	r = add(s, 0, "events", "inflated");
	r->hist[WQ_H_CPU].slot[10] = 2;
	r->max_ns[WQ_H_CPU] = 1500;
	r->sum_ns[WQ_H_CPU] = 3001;	/* > 2 x 1500 */
	assert_int_equal(wq_snapshot__sanitize(s), 4);
	assert_int_equal(s->counters[WQ_C_REJECTED], 4);
	r = wq_snapshot__find_series(s, 0, "events", "wrapped");
	assert_int_equal(r->max_ns[WQ_H_LAT], 0);
	assert_int_equal(wq_hist__count(&r->hist[WQ_H_LAT]), 0);
	assert_int_equal(r->sum_ns[WQ_H_RUN], 5000);
	assert_int_equal(wq_hist__count(&r->hist[WQ_H_RUN]), 3);
	r = wq_snapshot__find_series(s, 0, "events", "inflated");
	assert_int_equal(r->sum_ns[WQ_H_CPU], 0);
	r->hist[WQ_H_CPU].slot[10] = 2;
	r->max_ns[WQ_H_CPU] = 1500;
	r->sum_ns[WQ_H_CPU] = 3000;	/* exactly 2 x 1500: possible */
	assert_int_equal(wq_snapshot__sanitize(s), 0);
	wq_snapshot__free(s);
}

static void test_sort(void **state)
{
	struct wq_snapshot *s = wq_snapshot__new("k");
	static const int ids[] = {9, -1, 4, 0, 200};
	size_t i;

	(void)state;
	for (i = 0; i < 5; i++)
		wq_snapshot__add_pool(s)->id = ids[i];
	add(s, 3, "kblockd", "b");
	add(s, 1, "events", "z");
	add(s, 2, "events", "a");
	add(s, 1, "events", "a");
	add(s, 0, "", "x");
	wq_snapshot__sort(s);
	assert_int_equal(s->pools[0].id, -1);
	assert_int_equal(s->pools[1].id, 0);
	assert_int_equal(s->pools[2].id, 4);
	assert_int_equal(s->pools[3].id, 9);
	assert_int_equal(s->pools[4].id, 200);
	assert_string_equal(s->series[0].workqueue, "");
	assert_string_equal(s->series[1].function, "a");
	assert_int_equal(s->series[1].pool_id, 1);
	assert_int_equal(s->series[2].pool_id, 2);
	assert_string_equal(s->series[3].function, "z");
	assert_string_equal(s->series[4].workqueue, "kblockd");
	wq_snapshot__free(s);
}

static void test_workqueues(void **state)
{
	struct wq_snapshot *s = wq_snapshot__new("k");
	struct wq_series *agg, *r;
	size_t n;

	(void)state;
	r = add(s, 1, "kblockd", "blk_fn");
	r->queued = 5;
	r = add(s, 1, "events", "a");
	r->queued = 1;
	r->max_ns[WQ_H_RUN] = 10;
	r->hist[WQ_H_RUN].slot[3] = 1;
	r = add(s, 2, "events", "b");
	r->queued = 2;
	r->max_ns[WQ_H_RUN] = 30;
	r->hist[WQ_H_RUN].slot[4] = 2;
	assert_int_equal(wq_snapshot__workqueues(s, &agg, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(agg[0].workqueue, "events");
	assert_string_equal(agg[0].function, "");
	assert_int_equal(agg[0].pool_id, -1);
	assert_int_equal(agg[0].queued, 3);
	assert_int_equal(agg[0].max_ns[WQ_H_RUN], 30);
	assert_int_equal(wq_hist__count(&agg[0].hist[WQ_H_RUN]), 3);
	assert_string_equal(agg[1].workqueue, "kblockd");
	assert_int_equal(agg[1].queued, 5);
	free(agg);

	wq_snapshot__reset(s);
	assert_int_equal(wq_snapshot__workqueues(s, &agg, &n), 0);
	assert_int_equal(n, 0);
	free(agg);
	wq_snapshot__free(s);
}

/* -w/-f: the series (and in-flight rows) that match, pools untouched. */
static void test_filter(void **state)
{
	struct wq_snapshot *s = fixture_basic();
	struct wq_inflight *in;

	(void)state;
	assert_non_null(s);
	in = wq_snapshot__add_inflight(s);
	assert_non_null(in);
	strcpy(in->workqueue, "events");
	strcpy(in->function, "vmstat_update");
	assert_int_equal(wq_snapshot__filter(s, NULL, NULL), 0);
	assert_int_equal(s->nr_series, 2);
	assert_int_equal(wq_snapshot__filter(s, NULL, "flush*"), 1);
	assert_int_equal(s->nr_series, 1);
	assert_string_equal(s->series[0].function, "flush to ldisc");
	assert_int_equal(s->nr_inflight, 0);
	assert_int_equal(s->nr_pools, 3);
	wq_snapshot__free(s);
	s = fixture_basic();
	assert_int_equal(wq_snapshot__filter(s, "events", "*"), 1);
	assert_string_equal(s->series[0].workqueue, "events");
	assert_int_equal(wq_snapshot__filter(s, "nothing", NULL), 1);
	assert_int_equal(s->nr_series, 0);
	wq_snapshot__free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_reset),
		cmocka_unit_test(test_grow_and_find),
		cmocka_unit_test(test_series_add),
		cmocka_unit_test(test_delta),
		cmocka_unit_test(test_delta_random),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_workqueues),
		cmocka_unit_test(test_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
