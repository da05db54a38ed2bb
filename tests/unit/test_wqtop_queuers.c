// SPDX-License-Identifier: GPL-2.0
/*
 * wqtop's queuers (tui/views.c): the queuers view over the newest interval
 * (each source's top queuers, every series merged, the rest one row
 * "other", ranked by kworker CPU or by items queued as the sort says), the
 * drill-down's top queuers since start, and the batch frame.  The data
 * goes in through wqtop_data__ingest, as the sources feed it.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "table.h"

#define S 1000000000ULL
#define MS 1000000ULL

static struct wq_queuer *addq(struct wq_snapshot *s, int32_t pool,
			      const char *fn, enum wq_qctx ctx,
			      const char *comm, int32_t tgid, uint64_t cg_id,
			      const char *cg, uint64_t queued, uint64_t cpu_ns)
{
	struct wq_queuer *q = wq_snapshot__add_queuer(s);

	assert_non_null(q);
	q->pool_id = pool;
	strcpy(q->workqueue, "events");
	snprintf(q->function, sizeof(q->function), "%s", fn);
	q->ctx = ctx;
	strcpy(q->comm, comm);
	q->tgid = tgid;
	q->cgroup_id = cg_id;
	strcpy(q->cgroup, cg);
	q->queued = q->started = q->completed = queued;
	q->lat_ns = queued * 20000;	/* 20 us each */
	q->run_ns = cpu_ns;
	q->cpu_ns = cpu_ns;
	return q;
}

static void add_series(struct wq_snapshot *s, int32_t pool, const char *fn,
		       uint64_t queued)
{
	struct wq_series *r = wq_snapshot__add_series(s);

	assert_non_null(r);
	r->pool_id = pool;
	strcpy(r->workqueue, "events");
	snprintf(r->function, sizeof(r->function), "%s", fn);
	r->queued = r->activated = r->started = r->completed = queued;
	if (!wq_snapshot__find_pool(s, pool)) {
		struct wq_pool *p = wq_snapshot__add_pool(s);

		p->id = pool;
		p->cpu = pool;
	}
}

/*
 * At t = 1 s: aiogen (task, /a.slice) queued 1000 items of aio_fsync_work
 * on two pools, with 500 ms of kworker CPU (50 % of one CPU); a softirq
 * queuer 300 items of flush_to_ldisc, 100 ms; "chatty" 5000 items and
 * 1 ms; and 60 small task queuers (busy0 .. busy59) of 1 item and a
 * little over 2 ms each, so that the top 50 by CPU leave chatty out.  At
 * t = 0 the same rows with nothing done (a baseline).
 */
static struct wq_snapshot *snap(uint64_t t)
{
	struct wq_snapshot *s = wq_snapshot__new("kernel");
	uint64_t k = t ? 1 : 0;

	assert_non_null(s);
	s->mono_ns = 100 * S + t * S;
	s->real_ns = 1700000000 * S + t * S;
	add_series(s, 2, "aio_fsync_work", 1000 * k);
	add_series(s, 6, "aio_fsync_work", 0);
	add_series(s, 2, "flush_to_ldisc", 5300 * k + 60 * k);
	addq(s, 2, "aio_fsync_work", WQ_QCTX_TASK, "aiogen", 4242, 7,
	     "/a.slice", 600 * k, 300 * MS * k);
	addq(s, 6, "aio_fsync_work", WQ_QCTX_TASK, "aiogen", 4242, 7,
	     "/a.slice", 400 * k, 200 * MS * k);
	addq(s, 2, "flush_to_ldisc", WQ_QCTX_SOFTIRQ, "", 0, 0, "", 300 * k,
	     100 * MS * k);
	addq(s, 2, "flush_to_ldisc", WQ_QCTX_TASK, "chatty", 77, 8,
	     "/b.slice", 5000 * k, 1 * MS * k);
	for (int i = 0; i < 60; i++) {
		char comm[16];

		snprintf(comm, sizeof(comm), "busy%d", i);
		addq(s, 2, "flush_to_ldisc", WQ_QCTX_TASK, comm, 1000 + i, 9,
		     "/c.slice", 1 * k, (2 * MS + (uint64_t)i * 1000) * k);
	}
	return s;
}

static void feed(struct wqtop_data *d)
{
	memset(d, 0, sizeof(*d));
	wqtop_thresholds__default(&d->thr);
	assert_int_equal(wqtop_data__ingest(d, snap(0)), 0);
	assert_int_equal(wqtop_data__ingest(d, snap(1)), 0);
	wqtop_data__end_poll(d);
}

static void build(const struct wqtop_data *d, enum wqtop_col sort,
		  struct wqtop_rows *rows)
{
	struct wqtop_table_opts o = { .sort = sort };

	memset(rows, 0, sizeof(*rows));
	assert_int_equal(wqtop_table__build(d, VIEW_QUEUERS, &o, rows), 0);
}

static const struct wqtop_row *find(const struct wqtop_rows *rows,
				    const char *ctx, const char *comm)
{
	for (size_t i = 0; i < rows->nr; i++)
		if (!strcmp(rows->row[i].extra, ctx) &&
		    !strcmp(rows->row[i].text, comm))
			return &rows->row[i];
	return NULL;
}

static void cell(const struct wqtop_row *r, enum wqtop_col c, char *buf)
{
	wqtop_cell__format(r, c, buf, 32);
}

/* By kworker CPU: aiogen first, its two pools one row at 50 %; the top 50
 * named rows and one "other" holding the rest (chatty among them, and its
 * 5000 items); every item counted once. */
static void test_view_by_cpu(void **state)
{
	struct wqtop_data d;
	struct wqtop_rows rows;
	const struct wqtop_row *r;
	double queued = 0;
	char buf[32];

	(void)state;
	feed(&d);
	build(&d, COL_KCPU_PCT, &rows);
	assert_int_equal(rows.nr, WQTOP_QUEUERS_TOP + 1);
	r = &rows.row[0];
	assert_string_equal(r->text, "aiogen");
	assert_string_equal(r->extra, "task");
	assert_string_equal(r->cgroup, "/a.slice");
	cell(r, COL_KCPU_PCT, buf);
	assert_string_equal(buf, "50.0");
	cell(r, COL_RATE, buf);
	assert_string_equal(buf, "1000");
	cell(r, COL_TGID, buf);
	assert_string_equal(buf, "4242");
	cell(r, COL_WAIT_AVG, buf);
	assert_string_equal(buf, "20.0us");
	r = &rows.row[1];
	assert_string_equal(r->extra, "softirq");
	cell(r, COL_TGID, buf);
	assert_string_equal(buf, "-");
	assert_null(find(&rows, "task", "chatty"));
	r = find(&rows, "other", "other");
	assert_non_null(r);
	for (size_t i = 0; i < rows.nr; i++)
		queued += rows.row[i].v[COL_QUEUED];
	assert_true(queued == 1000 + 300 + 5000 + 60);
	/* chatty and the 12 lightest busy ones: 5000 + 12 items. */
	assert_true(r->v[COL_QUEUED] == 5012);
	wqtop_rows__free(&rows);
	wqtop_data__free(&d);
}

/* Sorted by QUEUED/s, the view ranks by items queued: chatty comes in,
 * first; the same rows another sort would fold. */
static void test_view_by_queued(void **state)
{
	struct wqtop_data d;
	struct wqtop_rows rows;
	const struct wqtop_row *r;

	(void)state;
	feed(&d);
	build(&d, COL_RATE, &rows);
	assert_int_equal(rows.nr, WQTOP_QUEUERS_TOP + 1);
	assert_string_equal(rows.row[0].text, "chatty");
	r = find(&rows, "task", "chatty");
	assert_non_null(r);
	assert_true(r->v[COL_RATE] == 5000);
	wqtop_rows__free(&rows);
	/* The filter matches a cgroup too. */
	{
		struct wqtop_table_opts o = { .sort = COL_KCPU_PCT,
					      .filter = "b.sli" };

		memset(&rows, 0, sizeof(rows));
		assert_int_equal(wqtop_table__build(&d, VIEW_QUEUERS, &o,
						    &rows), 0);
		assert_int_equal(rows.nr, 0);	/* folded: not a row */
		o.sort = COL_RATE;
		assert_int_equal(wqtop_table__build(&d, VIEW_QUEUERS, &o,
						    &rows), 0);
		assert_int_equal(rows.nr, 1);
		assert_string_equal(rows.row[0].text, "chatty");
	}
	wqtop_rows__free(&rows);
	wqtop_data__free(&d);
}

/* The drill-down of a function: its top 3 queuers since start by kworker
 * CPU, and "other"; of a pool, every function's; a source without queuer
 * rows says so. */
static void test_detail(void **state)
{
	struct wqtop_data d;
	struct wqtop_detail det;
	struct wqtop_row r = { .pool_id = -1 };
	struct wq_snapshot *bare;

	(void)state;
	feed(&d);
	strcpy(r.wq, "events");
	strcpy(r.func, "aio_fsync_work");
	r.src = 0;
	wqtop_detail__build(&d, &r, &det);
	assert_true(det.has_queuers);
	assert_int_equal(det.nr_queuers, 1);
	assert_string_equal(det.queuers[0].comm, "aiogen");
	assert_int_equal(det.queuers[0].queued, 1000);
	assert_int_equal(det.queuers[0].cpu_ns, 500 * MS);

	strcpy(r.func, "flush_to_ldisc");
	r.pool_id = 2;
	wqtop_detail__build(&d, &r, &det);
	assert_int_equal(det.nr_queuers, WQTOP_DETAIL_QUEUERS + 1);
	assert_int_equal(det.queuers[0].ctx, WQ_QCTX_SOFTIRQ);
	assert_string_equal(det.queuers[1].comm, "busy59");
	assert_int_equal(det.queuers[WQTOP_DETAIL_QUEUERS].ctx, WQ_QCTX_OTHER);
	assert_string_equal(det.queuers[WQTOP_DETAIL_QUEUERS].comm, "other");
	assert_int_equal(det.queuers[WQTOP_DETAIL_QUEUERS].queued,
			 5000 + 58);
	wqtop_data__free(&d);

	memset(&d, 0, sizeof(d));
	wqtop_thresholds__default(&d.thr);
	bare = wq_snapshot__new("refwq:demo");
	bare->mono_ns = S;
	add_series(bare, 1, "aio_fsync_work", 5);
	assert_int_equal(wqtop_data__ingest(&d, bare), 0);
	wqtop_data__end_poll(&d);
	strcpy(r.func, "aio_fsync_work");
	r.pool_id = -1;
	wqtop_detail__build(&d, &r, &det);
	assert_false(det.has_queuers);
	assert_int_equal(det.nr_queuers, 0);
	wqtop_data__free(&d);
}

/* wqtop -b's frame of the view: what it ranks by, the columns, the rows. */
static void test_batch(void **state)
{
	struct wqtop_data d;
	struct wqtop_table_opts o = { .sort = COL_KCPU_PCT };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	feed(&d);
	assert_int_equal(wqtop_batch__frame(f, &d, VIEW_QUEUERS, &o, "local",
					    1, 160), 0);
	fclose(f);
	assert_non_null(strstr(buf, "View: queuers  sort: kworker_cpu desc"));
	assert_non_null(strstr(buf, "the top 50 by kworker CPU charged"));
	assert_non_null(strstr(buf, "CONTEXT"));
	assert_non_null(strstr(buf, "KWCPU%"));
	assert_non_null(strstr(buf, "/a.slice"));
	assert_non_null(strstr(buf, "aiogen"));
	assert_null(strstr(buf, "chatty"));
	free(buf);
	wqtop_data__free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_view_by_cpu),
		cmocka_unit_test(test_view_by_queued),
		cmocka_unit_test(test_detail),
		cmocka_unit_test(test_batch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
