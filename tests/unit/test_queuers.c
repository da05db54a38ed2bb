// SPDX-License-Identifier: GPL-2.0
/*
 * Queuer rows (lib/core/queuers.c): the interval of two snapshots, the
 * canonical order, and the one ranking every face shows them through.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "model.h"

static struct wq_queuer *add(struct wq_snapshot *s, int32_t pool,
			     const char *wq, const char *fn, enum wq_qctx ctx,
			     uint64_t cgroup_id, const char *comm,
			     uint64_t queued, uint64_t cpu_ns)
{
	struct wq_queuer *q = wq_snapshot__add_queuer(s);

	assert_non_null(q);
	q->pool_id = pool;
	strcpy(q->workqueue, wq);
	strcpy(q->function, fn);
	q->ctx = ctx;
	q->cgroup_id = cgroup_id;
	strcpy(q->comm, comm);
	q->queued = queued;
	q->started = queued;
	q->completed = queued;
	q->lat_ns = queued * 7;
	q->run_ns = queued * 11;
	q->cpu_ns = cpu_ns;
	return q;
}

static const struct wq_queuer *find(const struct wq_snapshot *s,
				    enum wq_qctx ctx, const char *comm)
{
	for (size_t i = 0; i < s->nr_queuers; i++)
		if (s->queuers[i].ctx == ctx &&
		    !strcmp(s->queuers[i].comm, comm))
			return &s->queuers[i];
	return NULL;
}

/* Counts subtract row by row, matched by key (not position); rows with
 * nothing in the interval are left out; new rows count from zero. */
static void test_delta(void **state)
{
	struct wq_snapshot *prev = wq_snapshot__new("k");
	struct wq_snapshot *cur = wq_snapshot__new("k");
	struct wq_snapshot *out = wq_snapshot__new("k");
	const struct wq_queuer *q;
	struct wq_queuer *c;

	(void)state;
	add(prev, 0, "events", "f", WQ_QCTX_TASK, 9, "idle", 5, 50);
	add(prev, 0, "events", "f", WQ_QCTX_TASK, 9, "fio", 10, 100);
	add(prev, 0, "events", "f", WQ_QCTX_HARDIRQ, 0, "", 3, 30);
	/* Same comm, other cgroup: another queuer. */
	add(prev, 0, "events", "f", WQ_QCTX_TASK, 8, "fio", 1, 1);
	add(cur, 0, "events", "f", WQ_QCTX_HARDIRQ, 0, "", 4, 45);
	add(cur, 0, "events", "f", WQ_QCTX_TASK, 8, "fio", 1, 1);
	c = add(cur, 0, "events", "f", WQ_QCTX_TASK, 9, "fio", 25, 160);
	c->tgid = 77;
	add(cur, 0, "events", "f", WQ_QCTX_TASK, 9, "idle", 5, 50);
	add(cur, 3, "events", "f", WQ_QCTX_SOFTIRQ, 0, "", 2, 20);
	cur->mono_ns = 2000;
	prev->mono_ns = 1000;

	assert_int_equal(wq_snapshot__delta(out, cur, prev), 0);
	assert_int_equal(out->nr_queuers, 3);
	q = find(out, WQ_QCTX_TASK, "fio");
	assert_non_null(q);
	assert_int_equal(q->cgroup_id, 9);
	assert_int_equal(q->queued, 15);
	assert_int_equal(q->completed, 15);
	assert_int_equal(q->lat_ns, 15 * 7);
	assert_int_equal(q->run_ns, 15 * 11);
	assert_int_equal(q->cpu_ns, 60);
	assert_int_equal(q->tgid, 77);
	q = find(out, WQ_QCTX_HARDIRQ, "");
	assert_int_equal(q->queued, 1);
	assert_int_equal(q->cpu_ns, 15);
	q = find(out, WQ_QCTX_SOFTIRQ, "");
	assert_int_equal(q->pool_id, 3);
	assert_int_equal(q->queued, 2);
	assert_null(find(out, WQ_QCTX_TASK, "idle"));
	wq_snapshot__free(prev);
	wq_snapshot__free(cur);
	wq_snapshot__free(out);
}

/* Canonical order: series (workqueue, function, pool), then context,
 * cgroup, comm; copies keep the rows. */
static void test_sort_copy(void **state)
{
	struct wq_snapshot *s = wq_snapshot__new("k");
	struct wq_snapshot *d = wq_snapshot__new("k");

	(void)state;
	add(s, 1, "wq_b", "f", WQ_QCTX_TASK, 0, "a", 1, 1);
	add(s, 0, "wq_a", "g", WQ_QCTX_TASK, 0, "a", 1, 1);
	add(s, 0, "wq_a", "f", WQ_QCTX_SOFTIRQ, 0, "", 1, 1);
	add(s, 0, "wq_a", "f", WQ_QCTX_TASK, 2, "a", 1, 1);
	add(s, 0, "wq_a", "f", WQ_QCTX_TASK, 1, "b", 1, 1);
	add(s, 0, "wq_a", "f", WQ_QCTX_TASK, 1, "a", 1, 1);
	wq_snapshot__sort(s);
	assert_string_equal(s->queuers[0].comm, "a");
	assert_int_equal(s->queuers[0].cgroup_id, 1);
	assert_string_equal(s->queuers[1].comm, "b");
	assert_int_equal(s->queuers[2].cgroup_id, 2);
	assert_int_equal(s->queuers[3].ctx, WQ_QCTX_SOFTIRQ);
	assert_string_equal(s->queuers[4].function, "g");
	assert_string_equal(s->queuers[5].workqueue, "wq_b");
	assert_int_equal(wq_snapshot__copy(d, s), 0);
	assert_int_equal(d->nr_queuers, 6);
	assert_memory_equal(d->queuers, s->queuers, 6 * sizeof(*s->queuers));
	wq_snapshot__free(s);
	wq_snapshot__free(d);
}

static struct wq_snapshot *ranked(void)
{
	struct wq_snapshot *s = wq_snapshot__new("k");

	/* by cpu: c 900, b 500, a 100, e 50, d 10; by queued: a 40,
	 * d 30, b 20, c 10, e 5 */
	add(s, 0, "events", "f", WQ_QCTX_TASK, 1, "a", 40, 100);
	add(s, 0, "events", "f", WQ_QCTX_TASK, 1, "b", 20, 500);
	add(s, 0, "events", "f", WQ_QCTX_TASK, 1, "c", 10, 900);
	add(s, 0, "events", "f", WQ_QCTX_HARDIRQ, 0, "", 30, 10);
	add(s, 0, "events", "f", WQ_QCTX_TASK, 1, "e", 5, 50);
	/* Another series: left out when ranking this one. */
	add(s, 1, "events", "f", WQ_QCTX_TASK, 1, "a", 1000, 100000);
	return s;
}

static void test_top_k(void **state)
{
	struct wq_snapshot *s = ranked();
	struct wq_series of = {.pool_id = 0};
	struct wq_queuer *rows;
	size_t n;

	(void)state;
	strcpy(of.workqueue, "events");
	strcpy(of.function, "f");
	assert_int_equal(
		wq_snapshot__top_queuers(s, &of, WQ_QORDER_CPU, 2, &rows, &n),
		0);
	assert_int_equal(n, 3);
	assert_string_equal(rows[0].comm, "c");
	assert_string_equal(rows[1].comm, "b");
	/* The rest, folded: a + hardirq + e, exactly. */
	assert_int_equal(rows[2].ctx, WQ_QCTX_OTHER);
	assert_string_equal(rows[2].comm, "other");
	assert_int_equal(rows[2].queued, 40 + 30 + 5);
	assert_int_equal(rows[2].started, 75);
	assert_int_equal(rows[2].completed, 75);
	assert_int_equal(rows[2].lat_ns, 75 * 7);
	assert_int_equal(rows[2].run_ns, 75 * 11);
	assert_int_equal(rows[2].cpu_ns, 100 + 10 + 50);
	assert_int_equal(rows[2].cgroup_id, 0);
	assert_int_equal(rows[2].tgid, 0);
	assert_int_equal(rows[2].pool_id, 0);
	assert_string_equal(rows[2].workqueue, "events");
	free(rows);

	assert_int_equal(wq_snapshot__top_queuers(s, &of, WQ_QORDER_QUEUED, 3,
						  &rows, &n),
			 0);
	assert_int_equal(n, 4);
	assert_string_equal(rows[0].comm, "a");
	assert_int_equal(rows[1].ctx, WQ_QCTX_HARDIRQ);
	assert_string_equal(rows[2].comm, "b");
	assert_int_equal(rows[3].ctx, WQ_QCTX_OTHER);
	assert_int_equal(rows[3].queued, 15);
	assert_int_equal(rows[3].cpu_ns, 950);
	free(rows);

	/* k + 1 rows: all shown, never an "other" standing for one. */
	assert_int_equal(
		wq_snapshot__top_queuers(s, &of, WQ_QORDER_CPU, 4, &rows, &n),
		0);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++)
		assert_int_not_equal(rows[i].ctx, WQ_QCTX_OTHER);
	assert_int_equal(rows[4].ctx, WQ_QCTX_HARDIRQ);
	free(rows);

	/* k = 0: everything folded into one row. */
	assert_int_equal(
		wq_snapshot__top_queuers(s, &of, WQ_QORDER_CPU, 0, &rows, &n),
		0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].queued, 105);
	assert_int_equal(rows[0].cpu_ns, 1560);
	free(rows);

	/* A series nobody queued to. */
	of.pool_id = 7;
	assert_int_equal(
		wq_snapshot__top_queuers(s, &of, WQ_QORDER_CPU, 3, &rows, &n),
		0);
	assert_int_equal(n, 0);
	free(rows);
	wq_snapshot__free(s);
}

/* No series: each queuer's rows merged over all series. */
static void test_merged(void **state)
{
	struct wq_snapshot *s = ranked();
	struct wq_queuer *rows;
	uint64_t queued = 0, cpu = 0;
	size_t n;

	(void)state;
	add(s, 2, "other_wq", "g", WQ_QCTX_HARDIRQ, 0, "", 3, 3);
	s->queuers[1].tgid = 42;
	assert_int_equal(wq_snapshot__top_queuers(s, NULL, WQ_QORDER_QUEUED, 10,
						  &rows, &n),
			 0);
	assert_int_equal(n, 5);
	assert_string_equal(rows[0].comm, "a");
	assert_int_equal(rows[0].queued, 1040);
	assert_int_equal(rows[0].cpu_ns, 100100);
	assert_int_equal(rows[0].pool_id, -1);
	assert_string_equal(rows[0].workqueue, "");
	assert_string_equal(rows[0].function, "");
	assert_int_equal(rows[1].ctx, WQ_QCTX_HARDIRQ);
	assert_int_equal(rows[1].queued, 33);
	assert_int_equal(rows[1].cpu_ns, 13);
	assert_string_equal(rows[2].comm, "b");
	assert_int_equal(rows[2].tgid, 42);
	for (size_t i = 0; i < n; i++) {
		queued += rows[i].queued;
		cpu += rows[i].cpu_ns;
	}
	/* Every item of every row, once. */
	assert_int_equal(queued, 1000 + 105 + 3);
	assert_int_equal(cpu, 100000 + 1560 + 3);
	free(rows);
	wq_snapshot__free(s);
}

/* A filtered view keeps the queuers of the series it keeps. */
static void test_filter(void **state)
{
	struct wq_snapshot *s = wq_snapshot__new("k");
	struct wq_series *r;

	(void)state;
	r = wq_snapshot__add_series(s);
	strcpy(r->workqueue, "events");
	strcpy(r->function, "vmstat_update");
	r = wq_snapshot__add_series(s);
	strcpy(r->workqueue, "kblockd");
	strcpy(r->function, "blk_mq_run_work_fn");
	add(s, 0, "events", "vmstat_update", WQ_QCTX_TASK, 1, "a", 1, 1);
	add(s, 0, "kblockd", "blk_mq_run_work_fn", WQ_QCTX_TASK, 1, "b", 1, 1);
	add(s, 0, "events", "flush", WQ_QCTX_TASK, 1, "c", 1, 1);
	assert_int_equal(wq_snapshot__filter(s, "events", "vmstat_*"), 1);
	assert_int_equal(s->nr_series, 1);
	assert_int_equal(s->nr_queuers, 1);
	assert_string_equal(s->queuers[0].comm, "a");
	wq_snapshot__free(s);
}

static void test_names(void **state)
{
	(void)state;
	for (int c = 0; c < WQ_QCTX_NR; c++)
		assert_int_equal(wq_qctx__parse(wq_qctx__name(c)), c);
	assert_null(wq_qctx__name(WQ_QCTX_NR));
	assert_int_equal(wq_qctx__parse("irq"), -1);
	assert_int_equal(wq_qctx__parse(NULL), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_delta),  cmocka_unit_test(test_sort_copy),
		cmocka_unit_test(test_top_k),  cmocka_unit_test(test_merged),
		cmocka_unit_test(test_filter), cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
