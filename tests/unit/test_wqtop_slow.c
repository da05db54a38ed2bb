// SPDX-License-Identifier: GPL-2.0
/*
 * wqtop's slow items in the drill-down (tui/table.h wqtop_slow__line and
 * __title, tui/data.h wqtop_data__set_slow): a record as one line (wall
 * time of its end, latency, run, on-CPU, queuer), wqmond's /api/v1/slow
 * answer kept to WQTOP_SLOW_MAX newest, 404 said as off, not attached
 * said as such, and a new series dropping the last one's records.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "table.h"

/* 2026-12-04 12:34:56.789 UTC */
#define END_REAL 1796387696789000500ULL

static struct wq_slow record(uint64_t seq)
{
	struct wq_slow r = {
		.seq = seq, .pool_id = 2, .cpu = 0, .worker_tid = 25170,
		.workqueue = "events", .function = "aio_fsync_work",
		.queuer = 1, .ctx = WQ_QCTX_TASK, .comm = "fio", .tgid = 1234,
		.queued_ns = 1000000000, .started_ns = 1000015000,
		.ended_ns = 1302035972, .cpu_ns = 60000, .why = WQ_SLOW_RUN,
	};

	r.real_offset_ns = END_REAL - r.ended_ns;
	return r;
}

static void test_line(void **state)
{
	struct wq_slow r = record(1);
	char buf[160];

	(void)state;
	wqtop_slow__line(&r, buf, sizeof(buf));
	assert_string_equal(buf, "12:34:56.789 lat 15.0us   run 302ms    "
			    "on-CPU 60.0us   by fio/1234");
	/* Queued before the probes: the latency is not known, not 0. */
	r.queued_ns = 0;
	r.queuer = 3;
	r.ctx = WQ_QCTX_SOFTIRQ;
	r.comm[0] = '\0';
	wqtop_slow__line(&r, buf, sizeof(buf));
	assert_string_equal(buf, "12:34:56.789 lat -        run 302ms    "
			    "on-CPU 60.0us   by softirq");
	/* Who queued it not known at all. */
	r.queuer = 0;
	wqtop_slow__line(&r, buf, sizeof(buf));
	assert_non_null(strstr(buf, " by -"));
}

/* wqmond's answer to /api/v1/slow, records newest first. */
static char *answer(int n)
{
	struct json_object *root = json_object_new_object();
	struct json_object *recs = json_object_new_array();
	char *s;

	json_object_object_add(root, "format",
			       json_object_new_string("wqmon-slow"));
	for (int i = 0; i < n; i++) {
		struct wq_slow r = record((uint64_t)(n - i));

		r.cpu_ns = 1000 * (uint64_t)(n - i);
		json_object_array_add(recs, wq_slow_json__record(&r));
	}
	json_object_object_add(root, "records", recs);
	s = strdup(json_object_to_json_string(root));
	json_object_put(root);
	return s;
}

static void test_answer(void **state)
{
	struct wqtop_data d = { 0 };
	char err[160], buf[160], *a = answer(7);

	(void)state;
	wqtop_slow__title(&d, buf, sizeof(buf));
	assert_string_equal(buf, "slow items: attach to wqmond (-s daemon)");

	d.slow_state = WQTOP_SLOW_PENDING;
	wqtop_slow__title(&d, buf, sizeof(buf));
	assert_string_equal(buf, "slow items: of a workqueue or a function only");
	wqtop_data__slow_target(&d, "events", "aio_fsync_work");
	wqtop_slow__title(&d, buf, sizeof(buf));
	assert_string_equal(buf, "slow items: asking wqmond");
	assert_int_equal(wqtop_data__set_slow(&d, 200, a, err, sizeof(err)),
			 0);
	/* Bounded: the 5 newest of 7, in the daemon's order. */
	assert_int_equal(d.nr_slow, WQTOP_SLOW_MAX);
	assert_int_equal(d.slow[0].seq, 7);
	assert_int_equal(d.slow[0].cpu_ns, 7000);
	assert_int_equal(d.slow[4].seq, 3);
	assert_int_equal(d.slow[0].tgid, 1234);
	assert_string_equal(d.slow[0].comm, "fio");
	assert_int_equal(wq_slow__run_ns(&d.slow[0]), 302020972);
	wqtop_slow__title(&d, buf, sizeof(buf));
	assert_string_equal(buf, "slow items, newest first:");
	wqtop_slow__line(&d.slow[0], buf, sizeof(buf));
	assert_string_equal(buf, "12:34:56.789 lat 15.0us   run 302ms    "
			    "on-CPU 7.00us   by fio/1234");

	/* The same series again keeps them; another drops them. */
	wqtop_data__slow_target(&d, "events", "aio_fsync_work");
	assert_int_equal(d.nr_slow, WQTOP_SLOW_MAX);
	wqtop_data__slow_target(&d, "events", "vmstat_update");
	assert_int_equal(d.nr_slow, 0);
	assert_int_equal(d.slow_state, WQTOP_SLOW_PENDING);

	/* 404: [slow] is off in wqmond. */
	assert_int_equal(wqtop_data__set_slow(&d, 404, "{\"error\": "
					      "\"slow records are off\"}",
					      err, sizeof(err)), 0);
	wqtop_slow__title(&d, buf, sizeof(buf));
	assert_string_equal(buf,
			    "slow items: off in wqmond ([slow] in wqmond.conf)");

	/* A bad answer is an error, the records stay out. */
	assert_int_equal(wqtop_data__set_slow(&d, 200, "{\"records\": 3}",
					      err, sizeof(err)), -EINVAL);
	assert_int_equal(d.nr_slow, 0);
	free(a);
	a = answer(0);
	assert_int_equal(wqtop_data__set_slow(&d, 200, a, err, sizeof(err)),
			 0);
	wqtop_slow__title(&d, buf, sizeof(buf));
	assert_string_equal(buf, "slow items: none kept by wqmond");
	free(a);
}

/* In-process (--slow): the titles say the threshold and the drops. */
static void test_local(void **state)
{
	struct wqtop_data d = { .slow_state = WQTOP_SLOW_LOCAL_OFF };
	char buf[160];

	(void)state;
	wqtop_slow__title(&d, buf, sizeof(buf));
	assert_string_equal(buf, "slow items: off (wqtop --slow 100ms)");
	/* --slow off stays off when a series is drilled. */
	wqtop_data__slow_target(&d, "events", "aio_fsync_work");
	assert_int_equal(d.slow_state, WQTOP_SLOW_LOCAL_OFF);

	d.slow_state = WQTOP_SLOW_PENDING;
	d.slow_min_ns = 100000000;
	wqtop_slow__title(&d, buf, sizeof(buf));
	assert_string_equal(buf, "slow items: reading the probes");
	d.slow_state = WQTOP_SLOW_ON;
	wqtop_slow__title(&d, buf, sizeof(buf));
	assert_string_equal(buf, "slow items: none yet (over 100ms)");
	d.nr_slow = 1;
	d.slow_dropped = 3;
	wqtop_slow__title(&d, buf, sizeof(buf));
	assert_string_equal(buf,
			    "slow items (over 100ms, 3 dropped), newest first:");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_answer),
		cmocka_unit_test(test_local),
	};

	/* Wall times are shown local: pin the zone. */
	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
