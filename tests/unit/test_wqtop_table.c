// SPDX-License-Identifier: GPL-2.0
/*
 * wqtop's table mechanics (tui/table.c, tui/table.h): the order of rows
 * by a numeric or a text column, reversed, with ties in one order that
 * does not depend on how the rows came in; the filter; the tree of
 * workqueue headings and their functions; and the columns that fit a
 * screen's width.  The data goes in through wqtop_data__ingest, as the
 * sources feed it.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hist.h"
#include "table.h"

#define S 1000000000ULL

struct fn {
	const char *src;
	int32_t pool;
	const char *wq, *func;
	uint64_t queued;
	int lat_slot;	/* -1: no latency recorded */
};

/* Queued counts are over a 1 s interval, so each is also the rate/s.
 * Two functions tie at 50/s; one has a capital letter; one is in a
 * refwq instance, whose rows are labelled "demo:". */
static const struct fn fns[] = {
	{ "kernel", 0, "events", "vmstat_update", 50, 10 },
	{ "kernel", 0, "events", "flush_to_ldisc", 200, 20 },
	{ "kernel", 2, "events_unbound", "aio_fsync_work", 50, -1 },
	{ "kernel", 2, "kblockd", "Blk_mq_run_work_fn", 10, -1 },
	{ "refwq:demo", 1, "demo_wq", "demo_fn", 5, -1 },
};
#define NR_FNS (sizeof(fns) / sizeof(fns[0]))

/* Source @name at @t seconds with fns[] in the order of @order (NULL:
 * as listed); at t = 0, an empty baseline. */
static struct wq_snapshot *snap(const char *name, uint64_t t,
				const int *order)
{
	struct wq_snapshot *s = wq_snapshot__new(name);
	struct wq_pool *p;
	size_t i;

	assert_non_null(s);
	s->mono_ns = 100 * S + t * S;
	s->real_ns = 1700000000 * S + t * S;
	for (i = 0; t && i < NR_FNS; i++) {
		const struct fn *f = &fns[order ? order[i] : (int)i];
		struct wq_series *r;

		if (strcmp(f->src, name))
			continue;
		if (!wq_snapshot__find_pool(s, f->pool)) {
			p = wq_snapshot__add_pool(s);
			p->id = f->pool;
			p->cpu = -1;
		}
		r = wq_snapshot__add_series(s);
		assert_non_null(r);
		r->pool_id = f->pool;
		snprintf(r->workqueue, sizeof(r->workqueue), "%s", f->wq);
		snprintf(r->function, sizeof(r->function), "%s", f->func);
		r->queued = r->activated = r->started = r->completed =
			f->queued;
		if (f->lat_slot >= 0) {
			r->hist[WQ_H_LAT].slot[f->lat_slot] = f->queued;
			r->max_ns[WQ_H_LAT] = wq_hist__upper(f->lat_slot);
		}
	}
	return s;
}

static void feed(struct wqtop_data *d, const int *order)
{
	memset(d, 0, sizeof(*d));
	wqtop_thresholds__default(&d->thr);
	assert_int_equal(wqtop_data__ingest(d, snap("kernel", 0, order)), 0);
	assert_int_equal(wqtop_data__ingest(d, snap("refwq:demo", 0, order)),
			 0);
	assert_int_equal(wqtop_data__ingest(d, snap("kernel", 1, order)), 0);
	assert_int_equal(wqtop_data__ingest(d, snap("refwq:demo", 1, order)),
			 0);
	wqtop_data__end_poll(d);
}

static void build(const struct wqtop_data *d, enum wqtop_view_id view,
		  enum wqtop_col sort, bool reverse, bool tree,
		  const char *filter, struct wqtop_rows *rows)
{
	struct wqtop_table_opts o = {
		.sort = sort, .reverse = reverse, .tree = tree,
		.filter = filter,
	};

	memset(rows, 0, sizeof(*rows));
	assert_int_equal(wqtop_table__build(d, view, &o, rows), 0);
}

/* The rows' names, space separated: headings as "[wq]". */
static void names(const struct wqtop_rows *rows, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < rows->nr && off < len; i++) {
		const struct wqtop_row *r = &rows->row[i];

		off += snprintf(buf + off, len - off, r->group ? "%s[%s]" :
				"%s%s", i ? " " : "", r->group ? r->wq :
				r->func[0] ? r->func : r->wq);
	}
}

static void assert_order(const struct wqtop_data *d, enum wqtop_view_id v,
			 enum wqtop_col sort, bool reverse, bool tree,
			 const char *filter, const char *want)
{
	struct wqtop_rows rows;
	char got[512];

	build(d, v, sort, reverse, tree, filter, &rows);
	names(&rows, got, sizeof(got));
	assert_string_equal(got, want);
	wqtop_rows__free(&rows);
}

/* Rates sort highest first; the tie at 50/s is broken by source, then
 * workqueue ("events" < "events_unbound"), and a reversed order reverses
 * the rates but not the tie, so rows do not swap on every refresh. */
static void test_sort_numeric(void **state)
{
	struct wqtop_data d;
	struct wqtop_rows rows;

	(void)state;
	feed(&d, NULL);
	build(&d, VIEW_FUNCTIONS, COL_RATE, false, false, NULL, &rows);
	assert_int_equal(rows.nr, NR_FNS);
	assert_true(rows.row[0].v[COL_RATE] == 200.0);
	for (size_t i = 1; i < rows.nr; i++)
		assert_true(rows.row[i - 1].v[COL_RATE] >=
			    rows.row[i].v[COL_RATE]);
	wqtop_rows__free(&rows);
	assert_order(&d, VIEW_FUNCTIONS, COL_RATE, false, false, NULL,
		     "flush_to_ldisc vmstat_update aio_fsync_work "
		     "Blk_mq_run_work_fn demo_fn");
	assert_order(&d, VIEW_FUNCTIONS, COL_RATE, true, false, NULL,
		     "demo_fn Blk_mq_run_work_fn vmstat_update aio_fsync_work "
		     "flush_to_ldisc");
	/* Names and ids go ascending by default: pool 0, 0, 2, 2, then the
	 * refwq source's pool 1 (each source's pools together). */
	assert_order(&d, VIEW_FUNCTIONS, COL_POOL, false, false, NULL,
		     "flush_to_ldisc vmstat_update aio_fsync_work "
		     "Blk_mq_run_work_fn demo_fn");
	wqtop_data__free(&d);
}

/* The same rows fed in another order come out in the same order. */
static void test_sort_deterministic(void **state)
{
	static const int rev[NR_FNS] = { 4, 3, 2, 1, 0 };
	static const int mix[NR_FNS] = { 2, 0, 4, 1, 3 };
	const int *orders[] = { rev, mix };
	enum wqtop_col cols[] = { COL_RATE, COL_POOL, COL_LAT_P99,
				  COL_WORKQUEUE, COL_FUNCTION };
	struct wqtop_data a, b;
	struct wqtop_rows ra, rb;
	char na[512], nb[512];

	(void)state;
	feed(&a, NULL);
	for (size_t o = 0; o < 2; o++) {
		feed(&b, orders[o]);
		for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++)
			for (int r = 0; r < 2; r++) {
				build(&a, VIEW_FUNCTIONS, cols[c], r, false,
				      NULL, &ra);
				build(&b, VIEW_FUNCTIONS, cols[c], r, false,
				      NULL, &rb);
				names(&ra, na, sizeof(na));
				names(&rb, nb, sizeof(nb));
				assert_string_equal(na, nb);
				wqtop_rows__free(&ra);
				wqtop_rows__free(&rb);
			}
		wqtop_data__free(&b);
	}
	wqtop_data__free(&a);
}

/* Unknown values (no latency recorded) go last, in either direction, and
 * in the order of their ties like any other equal values. */
static void test_sort_unknown_last(void **state)
{
	struct wqtop_data d;
	struct wqtop_rows rows;

	(void)state;
	feed(&d, NULL);
	for (int r = 0; r < 2; r++) {
		build(&d, VIEW_FUNCTIONS, COL_LAT_P99, r, false, NULL, &rows);
		assert_int_equal(rows.nr, NR_FNS);
		for (size_t i = 0; i < rows.nr; i++)
			assert_int_equal(isnan(rows.row[i].v[COL_LAT_P99]),
					 i >= 2);
		wqtop_rows__free(&rows);
	}
	/* Slot 20 > slot 10: longest latency first. */
	assert_order(&d, VIEW_FUNCTIONS, COL_LAT_P99, false, false, NULL,
		     "flush_to_ldisc vmstat_update aio_fsync_work "
		     "Blk_mq_run_work_fn demo_fn");
	assert_order(&d, VIEW_FUNCTIONS, COL_LAT_P99, true, false, NULL,
		     "vmstat_update flush_to_ldisc aio_fsync_work "
		     "Blk_mq_run_work_fn demo_fn");
	wqtop_data__free(&d);
}

/* Names sort without regard to case: strcmp would put "Blk" before
 * "aio". */
static void test_sort_text(void **state)
{
	struct wqtop_data d;

	(void)state;
	feed(&d, NULL);
	assert_order(&d, VIEW_FUNCTIONS, COL_FUNCTION, false, false, NULL,
		     "aio_fsync_work Blk_mq_run_work_fn demo_fn "
		     "flush_to_ldisc vmstat_update");
	assert_order(&d, VIEW_FUNCTIONS, COL_FUNCTION, true, false, NULL,
		     "vmstat_update flush_to_ldisc demo_fn "
		     "Blk_mq_run_work_fn aio_fsync_work");
	/* The workqueues view: one row per workqueue, its rate the sum. */
	assert_order(&d, VIEW_WORKQUEUES, COL_RATE, false, false, NULL,
		     "events events_unbound kblockd demo_wq");
	wqtop_data__free(&d);
}

static void test_filter(void **state)
{
	struct wqtop_data d;

	(void)state;
	feed(&d, NULL);
	/* A substring of the function, whatever its case. */
	assert_order(&d, VIEW_FUNCTIONS, COL_RATE, false, false, "VMSTAT",
		     "vmstat_update");
	assert_order(&d, VIEW_FUNCTIONS, COL_RATE, false, false, "blk_MQ",
		     "Blk_mq_run_work_fn");
	/* Of the workqueue: "events" is in "events_unbound" too. */
	assert_order(&d, VIEW_FUNCTIONS, COL_RATE, false, false, "events",
		     "flush_to_ldisc vmstat_update aio_fsync_work");
	/* Of the source's label, which no name holds. */
	assert_order(&d, VIEW_FUNCTIONS, COL_RATE, false, false, "demo:",
		     "demo_fn");
	assert_order(&d, VIEW_FUNCTIONS, COL_RATE, false, false, "nothing",
		     "");
	/* An empty filter is no filter. */
	assert_order(&d, VIEW_FUNCTIONS, COL_RATE, false, false, "",
		     "flush_to_ldisc vmstat_update aio_fsync_work "
		     "Blk_mq_run_work_fn demo_fn");
	wqtop_data__free(&d);
}

/* Each workqueue heading (its rate the sum of its functions'), then its
 * functions, both sorted; the last function of each closes the branch. */
static void test_tree(void **state)
{
	struct wqtop_data d;
	struct wqtop_rows rows;
	char cell[64];

	(void)state;
	feed(&d, NULL);
	assert_order(&d, VIEW_FUNCTIONS, COL_RATE, false, true, NULL,
		     "[events] flush_to_ldisc vmstat_update "
		     "[events_unbound] aio_fsync_work "
		     "[kblockd] Blk_mq_run_work_fn [demo_wq] demo_fn");
	/* Reversed: headings and functions both turn. */
	assert_order(&d, VIEW_FUNCTIONS, COL_RATE, true, true, NULL,
		     "[demo_wq] demo_fn [kblockd] Blk_mq_run_work_fn "
		     "[events_unbound] aio_fsync_work "
		     "[events] vmstat_update flush_to_ldisc");

	build(&d, VIEW_FUNCTIONS, COL_RATE, false, true, NULL, &rows);
	assert_int_equal(rows.nr, 9);
	assert_true(rows.row[0].group);
	assert_true(rows.row[0].v[COL_RATE] == 250.0);
	assert_int_equal(rows.row[1].level, 1);
	assert_int_equal(rows.row[2].level, 2);
	/* ASCII branches (batch mode and non-UTF-8 terminals). */
	wqtop_cell__format(&rows.row[0], COL_FUNCTION, cell, sizeof(cell));
	assert_string_equal(cell, "events");
	wqtop_cell__format(&rows.row[1], COL_FUNCTION, cell, sizeof(cell));
	assert_string_equal(cell, " |- flush_to_ldisc");
	wqtop_cell__format(&rows.row[2], COL_FUNCTION, cell, sizeof(cell));
	assert_string_equal(cell, " `- vmstat_update");
	/* The refwq instance's heading names its source. */
	assert_true(rows.row[7].group);
	wqtop_cell__format(&rows.row[7], COL_FUNCTION, cell, sizeof(cell));
	assert_string_equal(cell, "demo:demo_wq");
	wqtop_rows__free(&rows);

	/* Filtered: a heading stays only over functions that match, or
	 * when its own name does. */
	assert_order(&d, VIEW_FUNCTIONS, COL_RATE, false, true, "vmstat",
		     "[events] vmstat_update");
	assert_order(&d, VIEW_FUNCTIONS, COL_RATE, false, true, "kblockd",
		     "[kblockd] Blk_mq_run_work_fn");
	assert_order(&d, VIEW_FUNCTIONS, COL_RATE, false, true, "nothing",
		     "");
	/* Views without a tree ignore it. */
	build(&d, VIEW_WORKQUEUES, COL_RATE, false, true, NULL, &rows);
	for (size_t i = 0; i < rows.nr; i++) {
		assert_false(rows.row[i].group);
		assert_int_equal(rows.row[i].level, 0);
	}
	wqtop_rows__free(&rows);
	wqtop_data__free(&d);
}

static int layout(enum wqtop_view_id v, int cols,
		  const struct wqtop_rows *rows, enum wqtop_col *col,
		  int *width)
{
	return wqtop_table__layout(v, cols, rows, col, width, COL_NR);
}

static bool has(const enum wqtop_col *col, int n, enum wqtop_col c)
{
	for (int i = 0; i < n; i++)
		if (col[i] == c)
			return true;
	return false;
}

/* The columns of a view that fit a width: narrow screens drop those
 * whose min_cols they are under; the name column takes what is left,
 * up to 40 more. */
static void test_layout(void **state)
{
	static const enum wqtop_col at80[] = {
		COL_FUNCTION, COL_WORKQUEUE, COL_POOL, COL_RATE, COL_LAT_P99,
		COL_RUN_P99, COL_CPU_PCT,
	};
	enum wqtop_col col[COL_NR], prev[COL_NR];
	int width[COL_NR], n, pn = 0, total, i, w;
	const struct wqtop_view *fv = &wqtop_views[VIEW_FUNCTIONS];
	char line[512];

	(void)state;
	n = layout(VIEW_FUNCTIONS, 80, NULL, col, width);
	assert_int_equal(n, (int)(sizeof(at80) / sizeof(at80[0])));
	for (i = 0; i < n; i++)
		assert_int_equal(col[i], at80[i]);
	/* 7 columns of 66 cells and 6 gaps: FUNCTION gets the 8 left. */
	assert_int_equal(width[0], wqtop_columns[COL_FUNCTION].width + 8);
	/* One text line of the titles is the screen's width. */
	wqtop_table__line(NULL, col, width, n, line, sizeof(line));
	assert_int_equal(strlen(line), 80);
	assert_memory_equal(line, "FUNCTION ", 9);

	/* LATMAX comes in at 90 columns, not 89. */
	n = layout(VIEW_FUNCTIONS, 89, NULL, col, width);
	assert_false(has(col, n, COL_LAT_MAX));
	n = layout(VIEW_FUNCTIONS, 90, NULL, col, width);
	assert_true(has(col, n, COL_LAT_MAX));

	/* From the width of the always-shown columns up: it fits, a wider
	 * screen never loses a column, and the view's order is kept. */
	for (w = 72; w <= 300; w++) {
		n = layout(VIEW_FUNCTIONS, w, NULL, col, width);
		for (i = 0, total = -1; i < n; i++)
			total += width[i] + 1;
		assert_true(total <= w);
		assert_true(n >= pn);
		for (i = 0; i < pn; i++)
			assert_true(has(col, n, prev[i]));
		for (i = 1; i < n; i++) {
			int a, b;

			for (a = 0; fv->cols[a].col != col[i - 1]; a++)
				;
			for (b = 0; fv->cols[b].col != col[i]; b++)
				;
			assert_true(a < b);
		}
		memcpy(prev, col, sizeof(col));
		pn = n;
	}
	/* Wide: every column, the name 40 wider and no more. */
	n = layout(VIEW_FUNCTIONS, 300, NULL, col, width);
	assert_int_equal(n, fv->nr_cols);
	assert_int_equal(width[0], wqtop_columns[COL_FUNCTION].width + 40);
}

/* POOL widens to hold a source's label: "demo:1". */
static void test_layout_label(void **state)
{
	struct wqtop_data d;
	struct wqtop_rows rows;
	enum wqtop_col col[COL_NR];
	int width[COL_NR], n, i;

	(void)state;
	feed(&d, NULL);
	build(&d, VIEW_FUNCTIONS, COL_RATE, false, false, NULL, &rows);
	assert_int_equal(rows.label_w, (int)strlen("demo:"));
	n = layout(VIEW_FUNCTIONS, 80, &rows, col, width);
	for (i = 0; i < n && col[i] != COL_POOL; i++)
		;
	assert_true(i < n);
	assert_int_equal(width[i], (int)strlen("demo:") + 3);
	wqtop_rows__free(&rows);
	wqtop_data__free(&d);
}

/* The room left goes to the text columns by what their cells need: all
 * of it when it fits, else in proportion; the last column asks nothing. */
static void test_layout_content(void **state)
{
	struct wqtop_rows rows = { 0 };
	struct wqtop_row r[2];
	enum wqtop_col col[COL_NR];
	int width[COL_NR], n, i, total;

	(void)state;
	memset(r, 0, sizeof(r));
	for (i = 0; i < 2; i++) {
		r[i].src = -1;
		for (int c = 0; c < COL_NR; c++)
			r[i].v[c] = 1;
	}
	snprintf(r[0].func, sizeof(r[0].func), "a_function_name_of_34_characters_");
	snprintf(r[0].wq, sizeof(r[0].wq), "ext4-rsv-conversion");	/* 19 */
	snprintf(r[1].func, sizeof(r[1].func), "short");
	snprintf(r[1].wq, sizeof(r[1].wq), "events");
	rows.row = r;
	rows.nr = rows.cap = 2;
	/* Wide: each text column as wide as its longest cell. */
	n = layout(VIEW_FUNCTIONS, 200, &rows, col, width);
	assert_int_equal(col[0], COL_FUNCTION);
	assert_int_equal(width[0], 33);
	assert_int_equal(col[1], COL_WORKQUEUE);
	assert_int_equal(width[1], 19);
	/* 80 columns: less room than they lack; both get some, it fits. */
	n = layout(VIEW_FUNCTIONS, 80, &rows, col, width);
	for (i = 0, total = -1; i < n; i++)
		total += width[i] + 1;
	assert_true(total <= 80);
	assert_true(width[0] > wqtop_columns[COL_FUNCTION].width);
	assert_true(width[1] > wqtop_columns[COL_WORKQUEUE].width);
}

/* The sampling label: none when every source measures every item; the
 * sampled sources named when some do not; a range when N differs. */
static void test_sampling_label(void **state)
{
	static const struct {
		uint32_t kernel, demo;
		const char *label, *brief;
	} c[] = {
		{ 0, 1, "", "" },
		{ 16, 0, "sampled: durations of 1 in 16 items (scaled) in kernel",
		  "sampled 1 in 16" },
		{ 16, 16, "sampled: durations of 1 in 16 items (scaled)",
		  "sampled 1 in 16" },
		{ 4, 16, "sampled: durations of 1 in 4-16 items (scaled)",
		  "sampled 1 in 4-16" },
		{ 1, 8, "sampled: durations of 1 in 8 items (scaled) in "
		  "refwq:demo", "sampled 1 in 8" },
	};
	struct wqtop_data d;
	struct wq_snapshot *k, *r;
	char buf[160];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(&d, 0, sizeof(d));
		k = snap("kernel", 1, NULL);
		r = snap("refwq:demo", 1, NULL);
		k->sample_every = c[i].kernel;
		r->sample_every = c[i].demo;
		assert_int_equal(wqtop_data__ingest(&d, k), 0);
		assert_int_equal(wqtop_data__ingest(&d, r), 0);
		wqtop_data__end_poll(&d);
		wqtop_sampling__line(&d, false, buf, sizeof(buf));
		assert_string_equal(buf, c[i].label);
		wqtop_sampling__line(&d, true, buf, sizeof(buf));
		assert_string_equal(buf, c[i].brief);
		wqtop_data__free(&d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort_numeric),
		cmocka_unit_test(test_sort_deterministic),
		cmocka_unit_test(test_sort_unknown_last),
		cmocka_unit_test(test_sort_text),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_layout_label),
		cmocka_unit_test(test_layout_content),
		cmocka_unit_test(test_sampling_label),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
