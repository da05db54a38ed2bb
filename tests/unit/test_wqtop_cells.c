// SPDX-License-Identifier: GPL-2.0
/*
 * wqtop's cells (tui/cells.c): durations with a unit that fits 7
 * characters, counts, rates and percentages, ids and labels, and "-" for
 * every value that is unknown.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "table.h"

static const char *ns(double v)
{
	static char buf[32];

	wqtop_fmt__ns(v, buf, sizeof(buf));
	return buf;
}

static const char *count(double v)
{
	static char buf[32];

	wqtop_fmt__count(v, buf, sizeof(buf));
	return buf;
}

/* A row with every value unknown, as the view builders start one. */
static void blank(struct wqtop_row *r)
{
	memset(r, 0, sizeof(*r));
	r->src = -1;
	r->pool_id = -1;
	for (int c = 0; c < COL_NR; c++)
		r->v[c] = NAN;
}

static const char *cell(const struct wqtop_row *r, enum wqtop_col c)
{
	static char buf[200];

	wqtop_cell__format(r, c, buf, sizeof(buf));
	return buf;
}

/* Three significant digits from 1 us up, the unit changing at each
 * thousand. */
static void test_durations(void **state)
{
	(void)state;
	assert_string_equal(ns(NAN), "-");
	assert_string_equal(ns(0), "0ns");
	assert_string_equal(ns(999), "999ns");
	assert_string_equal(ns(1000), "1.00us");
	assert_string_equal(ns(12600), "12.6us");
	assert_string_equal(ns(12649), "12.6us");
	assert_string_equal(ns(123456), "123us");
	assert_string_equal(ns(4190000), "4.19ms");
	assert_string_equal(ns(15e6), "15.0ms");
	assert_string_equal(ns(250e6), "250ms");
	assert_string_equal(ns(5e9), "5.00s");
	assert_string_equal(ns(99e9), "99.00s");
	assert_string_equal(ns(120e9), "120s");
	/* From 100000 s (27.8 hours) on, hours. */
	assert_string_equal(ns(1e14), "28h");
}

/* Whatever the value, the unit is right and it fits the 7 cells of a
 * duration column: 1 ns to a year, in steps of 1/8 of a decade. */
static void test_durations_fit(void **state)
{
	double v, back;
	char buf[32], unit[4];

	(void)state;
	for (v = 1; v < 365 * 86400e9; v *= 1.3335) {
		wqtop_fmt__ns(v, buf, sizeof(buf));
		assert_true(strlen(buf) <= 7);
		/* Read back, the text is within 5% of the value (rounding to
		 * three digits, 1000us for 999.9us included). */
		assert_int_equal(sscanf(buf, "%lf%3s", &back, unit), 2);
		if (!strcmp(unit, "us"))
			back *= 1e3;
		else if (!strcmp(unit, "ms"))
			back *= 1e6;
		else if (!strcmp(unit, "s"))
			back *= 1e9;
		else if (!strcmp(unit, "h"))
			back *= 3600e9;
		else
			assert_string_equal(unit, "ns");
		assert_true(fabs(back - v) <= v * 0.05 + 0.5);
	}
}

static void test_counts(void **state)
{
	(void)state;
	assert_string_equal(count(NAN), "-");
	assert_string_equal(count(0), "0");
	assert_string_equal(count(999999), "999999");
	assert_string_equal(count(1e6), "1.0M");
	assert_string_equal(count(2.5e9), "2.5G");
}

/* Rates keep a decimal while small; percentages always one. */
static void test_rates_and_percentages(void **state)
{
	struct wqtop_row r;

	(void)state;
	blank(&r);
	r.v[COL_RATE] = 12.34;
	assert_string_equal(cell(&r, COL_RATE), "12.3");
	r.v[COL_RATE] = 150;
	assert_string_equal(cell(&r, COL_RATE), "150");
	r.v[COL_RATE] = 2.5e7;
	assert_string_equal(cell(&r, COL_RATE), "25.0M");
	r.v[COL_CPU_PCT] = 12.345;
	assert_string_equal(cell(&r, COL_CPU_PCT), "12.3");
	r.v[COL_CPU_PCT] = 0;
	assert_string_equal(cell(&r, COL_CPU_PCT), "0.0");
	r.v[COL_QUEUED] = 1234567;
	assert_string_equal(cell(&r, COL_QUEUED), "1.2M");
	r.v[COL_LAT_P99] = 4190000;
	assert_string_equal(cell(&r, COL_LAT_P99), "4.19ms");
}

/* Nothing known: every number is "-", never "nan", "0" or "-nan". */
static void test_unknown(void **state)
{
	struct wqtop_row r;

	(void)state;
	blank(&r);
	for (int c = 0; c < COL_NR; c++) {
		if (wqtop_columns[c].fmt == FMT_TEXT)
			continue;
		assert_string_equal(cell(&r, c), "-");
	}
	/* A text column with nothing in it is empty. */
	assert_string_equal(cell(&r, COL_WORKQUEUE), "");
}

/* Ids: a pool behind its source's label, an unbound pool's CPU as "u",
 * a negative pool or tid as unknown. */
static void test_ids_and_labels(void **state)
{
	struct wqtop_row r;

	(void)state;
	blank(&r);
	r.v[COL_POOL] = 3;
	assert_string_equal(cell(&r, COL_POOL), "3");
	snprintf(r.label, sizeof(r.label), "demo:");
	assert_string_equal(cell(&r, COL_POOL), "demo:3");
	r.v[COL_POOL] = -1;
	assert_string_equal(cell(&r, COL_POOL), "-");
	r.v[COL_CPU] = -1;
	assert_string_equal(cell(&r, COL_CPU), "u");
	r.v[COL_CPU] = 2;
	assert_string_equal(cell(&r, COL_CPU), "2");
	r.v[COL_TID] = -1;
	assert_string_equal(cell(&r, COL_TID), "-");
	r.v[COL_TID] = 4242;
	assert_string_equal(cell(&r, COL_TID), "4242");
	/* The workqueue carries the label; an empty one does not. */
	assert_string_equal(cell(&r, COL_WORKQUEUE), "");
	snprintf(r.wq, sizeof(r.wq), "events");
	assert_string_equal(cell(&r, COL_WORKQUEUE), "demo:events");
	/* Flags, state and kind are the row's extra text. */
	snprintf(r.extra, sizeof(r.extra), "UH");
	assert_string_equal(cell(&r, COL_FLAGS), "UH");
	assert_string_equal(cell(&r, COL_STATE), "UH");
}

/* --sort names: wqtop's, the titles, and wqctl's for the same column. */
/* A cut name says so: its last column is "~" (ASCII) or an ellipsis. */
static void test_cut_names(void **state)
{
	extern bool wqtop_utf8;
	bool was = wqtop_utf8;
	char cell[32];

	(void)state;
	wqtop_utf8 = false;
	snprintf(cell, sizeof(cell), "ext4-rsv-conversion");
	wqtop_cell__fit(cell, sizeof(cell), 14);
	assert_string_equal(cell, "ext4-rsv-conv~");
	snprintf(cell, sizeof(cell), "events");
	wqtop_cell__fit(cell, sizeof(cell), 14);
	assert_string_equal(cell, "events");	/* fits: untouched */
	snprintf(cell, sizeof(cell), "exactly14chars");
	wqtop_cell__fit(cell, sizeof(cell), 14);
	assert_string_equal(cell, "exactly14chars");
	wqtop_utf8 = true;
	snprintf(cell, sizeof(cell), "ext4-rsv-conversion");
	wqtop_cell__fit(cell, sizeof(cell), 14);
	assert_string_equal(cell, "ext4-rsv-conv\u2026");
	/* No room for the 3-byte ellipsis: the ASCII mark. */
	snprintf(cell, sizeof(cell), "ext4-rsv-conve");	/* 14 */
	strcat(cell, "r");
	wqtop_cell__fit(cell, 16, 14);
	assert_string_equal(cell, "ext4-rsv-conv~");
	wqtop_utf8 = was;
}

static void test_column_names(void **state)
{
	(void)state;
	assert_int_equal(wqtop_col__from_name("lat_p99"), COL_LAT_P99);
	assert_int_equal(wqtop_col__from_name("LAT99"), COL_LAT_P99);
	assert_int_equal(wqtop_col__from_name("cpu_pct"), COL_CPU_PCT);
	assert_int_equal(wqtop_col__from_name("name"), COL_WORKQUEUE);
	assert_true(wqtop_col__from_name("nope") < 0);
	for (int c = 0; c < COL_NR; c++) {
		assert_non_null(wqtop_columns[c].name);
		assert_int_equal(wqtop_col__from_name(wqtop_columns[c].name),
				 c);
		assert_true(wqtop_columns[c].help &&
			    wqtop_columns[c].help[0]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_durations_fit),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_rates_and_percentages),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_ids_and_labels),
		cmocka_unit_test(test_column_names),
		cmocka_unit_test(test_cut_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
