// SPDX-License-Identifier: GPL-2.0
/* Slow records (lib/core/slow.c): rules and the probes' minimum, bad rules
 * in one line, filters, the bounded ring (recent and since, with losses),
 * text and JSON both ways. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "slow.h"

#define MS 1000000ULL

static struct wq_slow rec(const char *wq, const char *fn, uint64_t lat_ms,
			  uint64_t run_ms)
{
	struct wq_slow r = { .pool_id = 2, .cpu = 1, .worker_tid = 321 };

	snprintf(r.workqueue, sizeof(r.workqueue), "%s", wq);
	snprintf(r.function, sizeof(r.function), "%s", fn);
	r.queued_ns = 1000 * MS;
	r.started_ns = r.queued_ns + lat_ms * MS;
	r.ended_ns = r.started_ns + run_ms * MS;
	r.cpu_ns = 3 * MS;
	r.real_offset_ns = 1700000000000000000ULL;
	return r;
}

static void test_rules(void **state)
{
	struct wq_slow_rules r;
	struct wq_slow x;
	char err[256];

	(void)state;
	wq_slow_rules__defaults(&r);
	assert_int_equal(wq_slow_rules__kernel_min(&r), 100 * MS);
	assert_int_equal(wq_slow_rules__add(&r, "run events/* 20ms", err,
					    sizeof(err)), 0);
	assert_int_equal(wq_slow_rules__add(&r, "latency */flush_to_ldisc off",
					    err, sizeof(err)), 0);
	assert_int_equal(wq_slow_rules__add(&r, "run events/vmstat_update 5s",
					    err, sizeof(err)), 0);
	/* The smallest threshold anywhere: the probes send what passes it. */
	assert_int_equal(wq_slow_rules__kernel_min(&r), 20 * MS);
	assert_int_equal(wq_slow_rules__threshold(&r, WQ_SLOW_K_RUN, "events",
						  "aio_fsync_work"), 20 * MS);
	/* The last match wins. */
	assert_int_equal(wq_slow_rules__threshold(&r, WQ_SLOW_K_RUN, "events",
						  "vmstat_update"), 5000 * MS);
	assert_int_equal(wq_slow_rules__threshold(&r, WQ_SLOW_K_RUN, "kblockd",
						  "blk_mq_run_work_fn"), 100 * MS);

	x = rec("events", "aio_fsync_work", 1, 25);
	assert_true(wq_slow_rules__judge(&r, &x));
	assert_int_equal(x.why, WQ_SLOW_RUN);
	x = rec("events", "aio_fsync_work", 150, 19);
	assert_true(wq_slow_rules__judge(&r, &x));
	assert_int_equal(x.why, WQ_SLOW_LATENCY);
	x = rec("events", "vmstat_update", 1, 25);
	assert_false(wq_slow_rules__judge(&r, &x));
	/* A latency switched off, and a latency not known, are never slow. */
	x = rec("events_unbound", "flush_to_ldisc", 500, 1);
	assert_false(wq_slow_rules__judge(&r, &x));
	x = rec("kblockd", "blk_mq_run_work_fn", 500, 1);
	x.queued_ns = 0;
	assert_false(wq_slow_rules__judge(&r, &x));
	x = rec("kblockd", "blk_mq_run_work_fn", 500, 100);
	assert_true(wq_slow_rules__judge(&r, &x));
	assert_int_equal(x.why, WQ_SLOW_LATENCY | WQ_SLOW_RUN);

	/* Everything off: the probes send nothing. */
	wq_slow_rules__defaults(&r);
	assert_int_equal(wq_slow_rules__set_default(&r, WQ_SLOW_K_RUN, "off",
						    err, sizeof(err)), 0);
	assert_int_equal(wq_slow_rules__set_default(&r, WQ_SLOW_K_LATENCY,
						    "0s", err, sizeof(err)), 0);
	assert_int_equal(wq_slow_rules__kernel_min(&r), 0);
}

static void test_bad_input(void **state)
{
	static const char *const bad_rules[] = {
		"run events/*",			/* no duration */
		"run events/* 5ms extra",
		"slow events/* 5ms",		/* kind */
		"run events 5ms",		/* no WQ/FUNC */
		"run events/* 5",		/* no unit */
		"run events/* -5ms",
		"run events/* 5 ms",
		"",
	};
	struct wq_slow_rules r;
	struct wq_slow_filter f;
	char err[256], big[200];

	(void)state;
	memset(&f, 0, sizeof(f));
	wq_slow_rules__defaults(&r);
	for (size_t i = 0; i < sizeof(bad_rules) / sizeof(bad_rules[0]); i++) {
		err[0] = '\0';
		assert_int_equal(wq_slow_rules__add(&r, bad_rules[i], err,
						    sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "rule '"));
		assert_null(strchr(err, '\n'));
	}
	assert_int_equal(r.nr_rules, 0);
	for (int i = 0; i < WQ_SLOW_MAX_RULES; i++)
		assert_int_equal(wq_slow_rules__add(&r, "run a/b 1ms", err,
						    sizeof(err)), 0);
	assert_int_equal(wq_slow_rules__add(&r, "run a/b 1ms", err,
					    sizeof(err)), -E2BIG);

	assert_int_equal(wq_slow_rules__set_default(&r, WQ_SLOW_K_RUN, "10",
						    err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "run threshold '10'"));
	assert_int_equal(wq_slow_rules__set_default(&r, WQ_SLOW_K_LATENCY,
						    "fast", err, sizeof(err)),
			 -EINVAL);
	for (const char *const *v = (const char *const[]){ "0", "-1", "x",
		     "100001", "1e3", " 5", "5 ", "", NULL }; *v; v++)
		assert_int_equal(wq_slow_rules__set_rate(&r, *v, err,
							 sizeof(err)), -EINVAL);
	assert_int_equal(wq_slow_rules__set_rate(&r, "100000", err,
						 sizeof(err)), 0);
	assert_int_equal(r.max_per_second, 100000);

	assert_int_equal(wq_slow_filter__set(&f, "workqueue", "", err,
					     sizeof(err)), -EINVAL);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(wq_slow_filter__set(&f, "function", big, err,
					     sizeof(err)), -EINVAL);
	assert_int_equal(wq_slow_filter__set(&f, "pool", "1", err,
					     sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "unknown filter 'pool'"));
}

static void test_filter(void **state)
{
	struct wq_slow_filter f;
	struct wq_slow a = rec("events", "aio_fsync_work", 1, 1);
	struct wq_slow b = rec("kblockd", "blk_mq_run_work_fn", 1, 1);
	char err[128];

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_true(wq_slow_filter__match(&f, &a));
	assert_int_equal(wq_slow_filter__set(&f, "function", "*fsync*", err,
					     sizeof(err)), 0);
	assert_true(wq_slow_filter__match(&f, &a));
	assert_false(wq_slow_filter__match(&f, &b));
	assert_int_equal(wq_slow_filter__set(&f, "workqueue", "kblock?", err,
					     sizeof(err)), 0);
	assert_false(wq_slow_filter__match(&f, &a));
	f.function[0] = '\0';
	assert_true(wq_slow_filter__match(&f, &b));
	/* A name matches itself only, whatever glob characters it has. */
	memset(&f, 0, sizeof(f));
	a = rec("ev[1]*", "f?n\\x", 1, 1);
	b = rec("ev1x", "fan\\x", 1, 1);
	assert_int_equal(wq_slow_filter__set_name(&f, "workqueue", "ev[1]*",
						  err, sizeof(err)), 0);
	assert_int_equal(wq_slow_filter__set_name(&f, "function", "f?n\\x",
						  err, sizeof(err)), 0);
	assert_true(wq_slow_filter__match(&f, &a));
	assert_false(wq_slow_filter__match(&f, &b));
}

static void test_ring(void **state)
{
	struct wq_slow_ring *g = wq_slow_ring__new(4);
	struct wq_slow out[8], x;
	struct wq_slow_filter f;
	uint64_t lost, next;
	size_t n;
	char err[64];

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_null(wq_slow_ring__new(0));
	assert_null(wq_slow_ring__new(WQ_SLOW_KEEP_MAX + 1));
	assert_non_null(g);
	assert_int_equal(wq_slow_ring__recent(g, NULL, 8, out), 0);
	assert_int_equal(wq_slow_ring__since(g, 0, NULL, 8, out, &lost, &next),
			 0);
	for (int i = 1; i <= 6; i++) {
		x = rec(i % 2 ? "odd" : "even", "fn", 0, (uint64_t)i);
		wq_slow_ring__push(g, &x);
		assert_int_equal(x.seq, i);
	}
	assert_int_equal(wq_slow_ring__last_seq(g), 6);
	/* Newest first, bounded by the ring (4) and by max. */
	n = wq_slow_ring__recent(g, NULL, 8, out);
	assert_int_equal(n, 4);
	assert_int_equal(out[0].seq, 6);
	assert_int_equal(out[3].seq, 3);
	assert_int_equal(wq_slow_ring__recent(g, NULL, 2, out), 2);
	assert_int_equal(out[1].seq, 5);
	assert_int_equal(wq_slow_filter__set(&f, "workqueue", "odd", err,
					     sizeof(err)), 0);
	n = wq_slow_ring__recent(g, &f, 8, out);
	assert_int_equal(n, 2);
	assert_int_equal(out[0].seq, 5);
	assert_int_equal(out[1].seq, 3);

	/* A stream at seq 1: records 2 went out of the ring unseen. */
	n = wq_slow_ring__since(g, 1, NULL, 8, out, &lost, &next);
	assert_int_equal(lost, 1);
	assert_int_equal(n, 4);
	assert_int_equal(out[0].seq, 3);
	assert_int_equal(out[3].seq, 6);
	assert_int_equal(next, 6);
	/* Bounded by max, then on from where it stopped. */
	n = wq_slow_ring__since(g, 3, &f, 1, out, &lost, &next);
	assert_int_equal(n, 1);
	assert_int_equal(out[0].seq, 5);
	assert_int_equal(lost, 0);
	n = wq_slow_ring__since(g, next, &f, 8, out, &lost, &next);
	assert_int_equal(n, 0);
	assert_int_equal(next, 6);
	assert_int_equal(wq_slow_ring__since(g, 6, NULL, 8, out, &lost, &next),
			 0);
	wq_slow_ring__free(g);
}

static void test_json(void **state)
{
	struct wq_slow a = rec("events", "aio_fsync_work", 2, 300), b;
	char line[2048], err[256];
	int n;

	(void)state;
	a.seq = 7;
	a.why = WQ_SLOW_RUN;
	n = wq_slow_json__line(&a, line, sizeof(line));
	assert_true(n > 0);
	assert_non_null(strstr(line, "\"queuer\":null"));
	assert_non_null(strstr(line, "\"latency_ns\":2000000,"));
	assert_non_null(strstr(line, "\"run_ns\":300000000,"));
	assert_non_null(strstr(line, "\"slow\":[\"run\"]"));
	assert_non_null(strstr(line, "\"ended_real_ns\":1700000001302000000"));
	assert_int_equal(wq_slow_json__parse(line, &b, err, sizeof(err)), 0);
	assert_int_equal(b.seq, 7);
	assert_string_equal(b.workqueue, "events");
	assert_string_equal(b.function, "aio_fsync_work");
	assert_int_equal(b.started_ns, a.started_ns);
	assert_int_equal(b.queued_ns, a.queued_ns);
	assert_int_equal(b.real_offset_ns, a.real_offset_ns);
	assert_int_equal(b.why, WQ_SLOW_RUN);
	assert_int_equal(b.queuer, 0);
	assert_int_equal(b.worker_tid, 321);

	/* A queuer and a latency not known, both ways. */
	a.queuer = 3;
	a.ctx = WQ_QCTX_TASK;
	strcpy(a.comm, "fio");
	a.tgid = 99;
	a.cgroup_id = 1234;
	strcpy(a.cgroup, "/wqmon-test.slice");
	a.queued_ns = 0;
	a.bh = true;
	a.worker_tid = 0;
	n = wq_slow_json__line(&a, line, sizeof(line));
	assert_true(n > 0);
	assert_non_null(strstr(line, "\"latency_ns\":null"));
	assert_int_equal(wq_slow_json__parse(line, &b, err, sizeof(err)), 0);
	assert_int_equal(b.queuer, 3);
	assert_string_equal(b.comm, "fio");
	assert_string_equal(b.cgroup, "/wqmon-test.slice");
	assert_int_equal(b.cgroup_id, 1234);
	assert_true(b.bh);
	assert_false(wq_slow__latency_known(&b));
	assert_int_equal(wq_slow_json__line(&a, line, 20), -ENOSPC);

	/* Bad records: one line saying which member. */
	assert_int_equal(wq_slow_json__parse("[]", &b, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(wq_slow_json__parse("{\"seq\": 1}", &b, err,
					     sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "'workqueue'"));
	n = wq_slow_json__line(&a, line, sizeof(line));
	{
		char *at = strstr(line, "\"seq\":7"), neg[2048];

		snprintf(neg, sizeof(neg), "%.*s\"seq\":-7%s",
			 (int)(at - line), line, at + 7);
		assert_int_equal(wq_slow_json__parse(neg, &b, err,
						     sizeof(err)), -EINVAL);
	}
	assert_non_null(strstr(err, "'seq'"));
}

static void test_text(void **state)
{
	struct wq_slow a = rec("events", "aio_fsync_work", 2, 300);
	char line[512];

	(void)state;
	setenv("TZ", "UTC", 1);
	assert_true(wq_slow__line(&a, line, sizeof(line)) > 0);
	/* Ended at 1700000001.302 s: 22:13:21.302 UTC. */
	assert_non_null(strstr(line, "22:13:21.302000"));
	assert_non_null(strstr(line, " events "));
	assert_non_null(strstr(line, "2.000"));
	assert_non_null(strstr(line, "300.000"));
	assert_non_null(strstr(line, " 321 "));
	a.queued_ns = 0;
	a.bh = true;
	assert_true(wq_slow__line(&a, line, sizeof(line)) > 0);
	assert_non_null(strstr(line, "       - "));
	assert_non_null(strstr(line, " bh "));
	assert_int_equal(wq_slow__line(&a, line, 10), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_ring),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
