// SPDX-License-Identifier: GPL-2.0
/*
 * wqtop's stalls (tui/table.h): one definition of a stall for every face.
 * In-process, the core's detector runs on each new interval and its
 * stalls, with wqmond's default rules, are the stalls view and the meter;
 * attached, the daemon's /api/v1/stalls replaces them, and the detector
 * stops.  A pool pending past wqtop's colour threshold is not a stall.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "table.h"

#define S 1000000000ULL

/* A kernel snapshot at @t seconds: pool 6 with its oldest item pending
 * for @oldest_s seconds (0: nothing pending). */
static struct wq_snapshot *snap(uint64_t t, uint64_t oldest_s)
{
	struct wq_snapshot *s = wq_snapshot__new("kernel");
	struct wq_pool *p = wq_snapshot__add_pool(s);
	struct wq_inflight *r;

	s->mono_ns = 100 * S + t * S;
	s->real_ns = 1700000000 * S + t * S;
	p->id = 6;
	p->cpu = 1;
	p->workers = 3;
	p->running = 1;
	p->pending = oldest_s ? 2 : 0;
	p->oldest_pending_ns = oldest_s * S;
	if (oldest_s) {
		r = wq_snapshot__add_inflight(s);
		r->kind = WQ_INFLIGHT_PENDING;
		r->pool_id = 6;
		r->count = 2;
		r->age_ns = oldest_s * S;
		strcpy(r->workqueue, "events");
		strcpy(r->function, "aio_fsync_work");
	}
	return s;
}

static size_t stall_rows(const struct wqtop_data *d, struct wqtop_rows *rows)
{
	struct wqtop_table_opts o = { .sort = COL_AGE };

	memset(rows, 0, sizeof(*rows));
	assert_int_equal(wqtop_table__build(d, VIEW_STALLS, &o, rows), 0);
	return rows->nr;
}

static void test_in_process_detector(void **state)
{
	struct wqtop_data d = { 0 };
	struct wqtop_rows rows;
	struct wqtop_meters m;
	char rules[200];

	(void)state;
	wqtop_thresholds__default(&d.thr);
	/* 2 s pending: red in the pools view (colour crit 1 s), no stall
	 * under the detector's 5 s. */
	for (uint64_t t = 0; t < 3; t++)
		assert_int_equal(wqtop_data__ingest(&d, snap(t, t ? 2 : 0)),
				 0);
	assert_int_equal(stall_rows(&d, &rows), 0);
	wqtop_rows__free(&rows);
	wqtop_data__meters(&d, &m);
	assert_int_equal(m.stalls, 0);
	/* 7 s: a pending stall, with its pool, function and rule. */
	assert_int_equal(wqtop_data__ingest(&d, snap(3, 7)), 0);
	assert_int_equal(stall_rows(&d, &rows), 1);
	assert_string_equal(rows.row[0].extra, "pending");
	assert_int_equal((int)rows.row[0].v[COL_POOL], 6);
	assert_int_equal((uint64_t)rows.row[0].v[COL_AGE], 7 * S);
	assert_int_equal((uint64_t)rows.row[0].v[COL_LIMIT], 5 * S);
	assert_non_null(strstr(rows.row[0].text, "aio_fsync_work"));
	wqtop_rows__free(&rows);
	wqtop_data__meters(&d, &m);
	assert_int_equal(m.stalls, 1);
	wqtop_data__stall_rules(&d, rules, sizeof(rules));
	assert_non_null(strstr(rules, "pending >= 5.00s"));
	/* It resolves when the item starts. */
	assert_int_equal(wqtop_data__ingest(&d, snap(4, 0)), 0);
	assert_int_equal(stall_rows(&d, &rows), 0);
	wqtop_rows__free(&rows);
	wqtop_data__free(&d);
}

static const char daemon_json[] =
	"{\"format\":\"wqmon-stalls\",\"version\":1,\"active\":["
	"{\"id\":3,\"kind\":\"running\",\"state\":\"firing\","
	"\"source\":\"kernel\",\"pool_id\":2,\"cpu\":0,\"workqueue\":\"wq\","
	"\"function\":\"slow_fn\",\"worker_tid\":42,\"threshold_ns\":1000,"
	"\"age_ns\":5000,\"since_real_ns\":1,\"end_real_ns\":0,"
	"\"evidence\":\"tid 42\"},"
	"{\"id\":4,\"kind\":\"kernel\",\"state\":\"firing\","
	"\"source\":\"kernel\",\"pool_id\":-1,\"cpu\":-1,\"workqueue\":\"\","
	"\"function\":\"\",\"worker_tid\":0,\"threshold_ns\":0,"
	"\"age_ns\":0,\"since_real_ns\":1,\"end_real_ns\":0,"
	"\"evidence\":\"BUG: workqueue lockup\"}],"
	"\"recent\":[],\"sinks\":{},\"thresholds_ns\":{\"pending\":3000000000,"
	"\"running\":1000},\"rules\":[{\"kind\":\"pending\",\"pattern\":\"x\","
	"\"threshold_ns\":1}]}";

static void test_daemon_stalls(void **state)
{
	struct wqtop_data d = { 0 };
	struct wqtop_rows rows;
	struct wqtop_meters m;
	char rules[200], err[128];

	(void)state;
	wqtop_thresholds__default(&d.thr);
	assert_int_equal(wqtop_data__ingest(&d, snap(0, 0)), 0);
	assert_int_equal(wqtop_data__set_stalls(&d, daemon_json, err,
						sizeof(err)), 0);
	/* The daemon's list, and no detector of wqtop's own any more: a
	 * pool pending 9 s is the daemon's to judge. */
	assert_int_equal(wqtop_data__ingest(&d, snap(1, 9)), 0);
	assert_null(d.detector);
	assert_int_equal(stall_rows(&d, &rows), 2);
	wqtop_rows__free(&rows);
	wqtop_data__meters(&d, &m);
	assert_int_equal(m.stalls, 2);
	wqtop_data__stall_rules(&d, rules, sizeof(rules));
	assert_non_null(strstr(rules, "pending >= 3.00s"));
	assert_non_null(strstr(rules, "(+1 rules)"));
	/* A bad answer keeps the last good list. */
	assert_int_equal(wqtop_data__set_stalls(&d, "{\"format\":\"x\"}", err,
						sizeof(err)), -EINVAL);
	assert_int_equal(d.stalls.nr_active, 2);
	assert_int_equal(wqtop_data__set_stalls(&d,
		"{\"format\":\"wqmon-stalls\",\"active\":[{\"kind\":\"nope\"}]}",
		err, sizeof(err)), -EINVAL);
	assert_int_equal(d.stalls.nr_active, 2);
	wqtop_data__free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_process_detector),
		cmocka_unit_test(test_daemon_stalls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
