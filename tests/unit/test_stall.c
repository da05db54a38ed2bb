// SPDX-License-Identifier: GPL-2.0
/* Stall rules and detection on made-up snapshots: each stall starts once,
 * updates while it lasts, resolves once; thresholds and rules; the
 * kernel's own reports. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "stall.h"

#define MS 1000000ULL

struct events {
	int start, update, resolve;
	struct wq_stall last;
};

static void count_ev(const struct wq_stall *s, enum wq_stall_event ev,
		     void *ctx)
{
	struct events *e = ctx;

	e->start += ev == WQ_STALL_START;
	e->update += ev == WQ_STALL_UPDATE;
	e->resolve += ev == WQ_STALL_RESOLVE;
	e->last = *s;
}

static struct wq_snapshot *pool_snap(uint64_t oldest_ns, int running)
{
	struct wq_snapshot *s = wq_snapshot__new("kernel");
	struct wq_pool *p = wq_snapshot__add_pool(s);
	struct wq_inflight *r;

	p->id = 6;
	p->cpu = 1;
	p->workers = 3;
	p->running = running;
	p->pending = oldest_ns ? 2 : 0;
	p->oldest_pending_ns = oldest_ns;
	if (oldest_ns) {
		r = wq_snapshot__add_inflight(s);
		r->kind = WQ_INFLIGHT_PENDING;
		r->pool_id = 6;
		r->count = 2;
		r->age_ns = oldest_ns;
		strcpy(r->workqueue, "events");
		strcpy(r->function, "aio_fsync_work");
	}
	return s;
}

static void step(struct wq_stall_detector *d, const struct wq_stall_rules *r,
		 uint64_t oldest, int running, struct events *e)
{
	struct wq_snapshot *s = pool_snap(oldest, running);

	assert_int_equal(wq_stall_detector__update(d, r, s, NULL, 1000 * MS,
						   count_ev, e), 0);
	wq_snapshot__free(s);
}

static void test_pending_lifecycle(void **state)
{
	struct wq_stall_detector *d = wq_stall_detector__new();
	struct wq_stall_rules r;
	struct events e = { 0 };

	(void)state;
	wq_stall_rules__defaults(&r);
	r.threshold_ns[WQ_STALL_PENDING] = 500 * MS;
	step(d, &r, 100 * MS, 1, &e);	/* under the threshold */
	assert_int_equal(e.start, 0);
	step(d, &r, 600 * MS, 1, &e);
	assert_int_equal(e.start, 1);
	assert_int_equal(e.last.kind, WQ_STALL_PENDING);
	assert_int_equal(e.last.pool_id, 6);
	assert_int_equal(e.last.cpu, 1);
	assert_string_equal(e.last.function, "aio_fsync_work");
	assert_string_equal(e.last.workqueue, "events");
	assert_int_equal(e.last.state, WQ_STALL_FIRING);
	/* It began when the item was queued. */
	assert_int_equal(e.last.start_real_ns, 400 * MS);
	assert_non_null(strstr(e.last.evidence, "2 aio_fsync_work (events"));
	step(d, &r, 900 * MS, 1, &e);
	step(d, &r, 1300 * MS, 1, &e);
	assert_int_equal(e.start, 1);	/* once */
	assert_int_equal(e.update, 2);
	assert_int_equal(e.last.age_ns, 1300 * MS);
	step(d, &r, 0, 1, &e);
	assert_int_equal(e.resolve, 1);
	assert_int_equal(e.last.state, WQ_STALL_RESOLVED);
	step(d, &r, 0, 1, &e);
	assert_int_equal(e.resolve, 1);	/* once */
	wq_stall_detector__free(d);
}

static void test_starved(void **state)
{
	struct wq_stall_detector *d = wq_stall_detector__new();
	struct wq_stall_rules r;
	struct events e = { 0 };

	(void)state;
	wq_stall_rules__defaults(&r);
	r.threshold_ns[WQ_STALL_STARVED] = 300 * MS;
	/* Work waits and no worker runs: the CPU belongs to someone else. */
	step(d, &r, 400 * MS, 0, &e);
	assert_int_equal(e.start, 1);
	assert_int_equal(e.last.kind, WQ_STALL_STARVED);
	wq_stall_detector__free(d);
}

static void test_rules(void **state)
{
	struct wq_stall_rules r;
	char err[256];
	uint64_t ns;

	(void)state;
	wq_stall_rules__defaults(&r);
	assert_int_equal(wq_stall_rules__add(&r, "running events_unbound/* 30s",
					     err, sizeof(err)), 0);
	assert_int_equal(wq_stall_rules__add(&r, "running */flush_to_ldisc 2s",
					     err, sizeof(err)), 0);
	assert_int_equal(wq_stall_rules__threshold(&r, WQ_STALL_RUNNING,
						   "events_unbound", "x"),
			 30000 * MS);
	/* The last match wins. */
	assert_int_equal(wq_stall_rules__threshold(&r, WQ_STALL_RUNNING,
						   "events_unbound",
						   "flush_to_ldisc"), 2000 * MS);
	assert_int_equal(wq_stall_rules__threshold(&r, WQ_STALL_RUNNING,
						   "events", "x"),
			 r.threshold_ns[WQ_STALL_RUNNING]);
	/* Another kind is not affected. */
	assert_int_equal(wq_stall_rules__threshold(&r, WQ_STALL_PENDING,
						   "events_unbound", "x"),
			 r.threshold_ns[WQ_STALL_PENDING]);
	assert_int_equal(wq_stall_rules__add(&r, "slow a/b 1s", err,
					     sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "kind 'slow'"));
	assert_int_equal(wq_duration__parse("250ms", &ns), 0);
	assert_int_equal(ns, 250 * MS);
	assert_int_equal(wq_duration__parse("1.5s", &ns), 0);
	assert_int_equal(ns, 1500 * MS);
	assert_int_equal(wq_duration__parse("2m", &ns), 0);
	assert_int_equal(ns, 120000 * MS);
	assert_int_equal(wq_duration__parse("5", &ns), -EINVAL);
	assert_int_equal(wq_duration__parse("-1s", &ns), -EINVAL);
	assert_int_equal(wq_duration__parse("s", &ns), -EINVAL);
}

static void test_running_and_hog(void **state)
{
	struct wq_stall_detector *d = wq_stall_detector__new();
	struct wq_snapshot *cur = pool_snap(0, 1);
	struct wq_snapshot *view = pool_snap(0, 1);
	struct wq_inflight *run = wq_snapshot__add_inflight(cur);
	struct wq_series *hog = wq_snapshot__add_series(view);
	struct wq_stall_rules r;
	struct events e = { 0 };

	(void)state;
	wq_stall_rules__defaults(&r);
	r.threshold_ns[WQ_STALL_RUNNING] = 1000 * MS;
	r.threshold_ns[WQ_STALL_CPU_HOG] = 50 * MS;
	r.hog_clear_intervals = 2;
	run->kind = WQ_INFLIGHT_RUNNING;
	run->pool_id = 6;
	run->tid = 4242;
	run->age_ns = 1500 * MS;
	strcpy(run->workqueue, "events");
	strcpy(run->function, "slow_fn");
	hog->pool_id = 6;
	hog->completed = 3;
	hog->max_ns[WQ_H_CPU] = 80 * MS;
	strcpy(hog->workqueue, "events");
	strcpy(hog->function, "hog_fn");
	assert_int_equal(wq_stall_detector__update(d, &r, cur, view, 0,
						   count_ev, &e), 0);
	assert_int_equal(e.start, 2);	/* running slow_fn, hog hog_fn */
	/* Both gone: running resolves now, the hog after 2 clean views;
	 * views without new data (interval 0) do not count. */
	cur->nr_inflight = 0;
	view->nr_series = 0;
	view->interval_ns = 0;
	wq_stall_detector__update(d, &r, cur, view, 0, count_ev, &e);
	wq_stall_detector__update(d, &r, cur, NULL, 0, count_ev, &e);
	assert_int_equal(e.resolve, 1);
	view->interval_ns = 1000 * MS;
	wq_stall_detector__update(d, &r, cur, view, 0, count_ev, &e);
	assert_int_equal(e.resolve, 1);
	assert_int_equal(e.last.kind, WQ_STALL_RUNNING);
	assert_int_equal(e.last.worker_tid, 4242);
	wq_stall_detector__update(d, &r, cur, view, 0, count_ev, &e);
	assert_int_equal(e.resolve, 2);
	assert_int_equal(e.last.kind, WQ_STALL_CPU_HOG);
	wq_snapshot__free(cur);
	wq_snapshot__free(view);
	wq_stall_detector__free(d);
}

static void test_forget(void **state)
{
	struct wq_stall_detector *d = wq_stall_detector__new();
	struct wq_stall_rules r;
	struct events e = { 0 };

	(void)state;
	wq_stall_rules__defaults(&r);
	r.threshold_ns[WQ_STALL_PENDING] = 100 * MS;
	step(d, &r, 600 * MS, 1, &e);
	wq_stall_detector__forget(d, "other", 0, count_ev, &e);
	assert_int_equal(e.resolve, 0);
	wq_stall_detector__forget(d, "kernel", 0, count_ev, &e);
	assert_int_equal(e.resolve, 1);
	wq_stall_detector__free(d);
}

/* A wrapped subtraction (2^64 - 50226 ns) in every place a stall is
 * judged: nothing raised, each counted, the first kept for the log. */
static void test_impossible(void **state)
{
	static const uint64_t wrapped = 18446744073709501390ULL;
	struct wq_stall_detector *d = wq_stall_detector__new();
	struct wq_snapshot *cur = pool_snap(wrapped, 1);
	struct wq_snapshot *view = pool_snap(0, 1);
	struct wq_inflight *run = wq_snapshot__add_inflight(cur);
	struct wq_series *hog = wq_snapshot__add_series(view);
	const struct wq_stall *first;
	struct wq_stall_rules r;
	struct events e = { 0 };

	(void)state;
	wq_stall_rules__defaults(&r);
	run->kind = WQ_INFLIGHT_RUNNING;
	run->pool_id = 6;
	run->age_ns = wrapped;
	strcpy(run->function, "slow_fn");
	hog->pool_id = 6;
	hog->completed = 1;
	hog->max_ns[WQ_H_CPU] = wrapped;
	hog->sum_ns[WQ_H_CPU] = wrapped;
	strcpy(hog->function, "hog_fn");
	view->interval_ns = 250 * MS;
	assert_int_equal(wq_stall_detector__refused(d, &first), 0);
	assert_null(first);
	/* The clock not known: the 2^63 bound alone. */
	assert_int_equal(wq_stall_detector__update(d, &r, cur, view, 1000 * MS,
						   count_ev, &e), 0);
	assert_int_equal(e.start + e.update + e.resolve, 0);
	assert_int_equal(wq_stall_detector__refused(d, &first), 3);
	assert_non_null(first);
	assert_int_equal(first->kind, WQ_STALL_PENDING);
	assert_int_equal(first->age_ns, wrapped);
	assert_non_null(strstr(first->evidence, "2^63"));
	/* Longer than the source has run (its mono_ns, since boot): refused
	 * too; the first refusal stays the one kept. */
	cur->mono_ns = view->mono_ns = 1000 * MS;
	cur->pools[0].oldest_pending_ns = 6000 * MS;
	run->age_ns = 20000 * MS;
	hog->max_ns[WQ_H_CPU] = 1001 * MS;
	assert_int_equal(wq_stall_detector__update(d, &r, cur, view, 1000 * MS,
						   count_ev, &e), 0);
	assert_int_equal(e.start + e.update + e.resolve, 0);
	assert_int_equal(wq_stall_detector__refused(d, &first), 6);
	assert_int_equal(first->age_ns, wrapped);
	/* Up to the clock itself is possible, and raised. */
	cur->mono_ns = view->mono_ns = 30000 * MS;
	assert_int_equal(wq_stall_detector__update(d, &r, cur, view, 1000 * MS,
						   count_ev, &e), 0);
	assert_int_equal(e.start, 3);
	assert_int_equal(wq_stall_detector__refused(d, NULL), 6);
	assert_true(wq_stall__possible(5, 0));
	assert_true(wq_stall__possible(5, 5));
	assert_false(wq_stall__possible(6, 5));
	assert_false(wq_stall__possible(1ULL << 63, 0));
	wq_snapshot__free(cur);
	wq_snapshot__free(view);
	wq_stall_detector__free(d);
}

/* The parser itself is tests/unit/test_kmsg.c: here, what a report
 * becomes. */
static void test_from_kmsg(void **state)
{
	struct wq_kmsg_report k;
	struct wq_stall s;

	(void)state;
	assert_true(wq_kmsg__parse("3,1234,5678,-;BUG: workqueue lockup - pool "
				   "cpus=1 node=0 flags=0x0 nice=0 stuck for "
				   "31s!\n", &k));
	wq_stall__from_kmsg(&s, &k);
	assert_int_equal(s.kind, WQ_STALL_KERNEL);
	assert_string_equal(s.source, "kernel");
	assert_int_equal(s.pool_id, -1);
	assert_int_equal(s.cpu, 1);
	assert_int_equal(s.age_ns, 31000 * MS);
	assert_string_equal(s.function, "");
	assert_non_null(strstr(s.evidence, "stuck for 31s"));
	/* An unbound pool has no one CPU. */
	assert_true(wq_kmsg__parse("BUG: workqueue lockup - pool cpus=0-3 "
				   "flags=0x4 nice=0 stuck for 47s!", &k));
	wq_stall__from_kmsg(&s, &k);
	assert_int_equal(s.cpu, -1);
	assert_int_equal(s.age_ns, 47000 * MS);
	/* A module's function is named as the collector names it. */
	assert_true(wq_kmsg__parse("4,99,1,-;workqueue: nvme_tcp_io_work "
				   "[nvme_tcp] hogged CPU for >10000us 4 times, "
				   "consider switching to WQ_UNBOUND", &k));
	wq_stall__from_kmsg(&s, &k);
	assert_string_equal(s.function, "nvme_tcp_io_work [nvme_tcp]");
	assert_int_equal(s.age_ns, 10 * MS);
	assert_int_equal(s.threshold_ns, 10 * MS);
	assert_int_equal(s.cpu, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pending_lifecycle),
		cmocka_unit_test(test_starved),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_running_and_hog),
		cmocka_unit_test(test_forget),
		cmocka_unit_test(test_impossible),
		cmocka_unit_test(test_from_kmsg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
