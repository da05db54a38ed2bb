// SPDX-License-Identifier: GPL-2.0
/*
 * wqtop's stall stacks (tui/table.h wqtop_stack__wrap): wqmond's one-line
 * "tid N: f < g < ...; tid M: ..." as screen lines, a worker a line, frames
 * innermost first and whole, the rest wrapped under "  < "; the stall row
 * of a daemon's stall carries its id to find the stack by.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "table.h"

#define FUSE "tid 13159: request_wait_answer < __fuse_simple_request < " \
	"fuse_fsync_common < fuse_fsync < aio_fsync_work < process_one_work " \
	"< worker_thread < kthread < ret_from_fork < ret_from_fork_asm"

static char line[32][WQTOP_STACK_COLS];

static void expect(const char *stack, int w, int max,
		   const char *const *want)
{
	int n = wqtop_stack__wrap(stack, w, line, max), i;

	for (i = 0; want[i]; i++) {
		assert_true(i < n);
		assert_string_equal(line[i], want[i]);
		assert_true((int)strlen(line[i]) <= (w < 8 ? 8 : w));
	}
	assert_int_equal(n, i);
}

static void test_wrap(void **state)
{
	static const char *const none[] = { NULL };
	static const char *const wide[] = { FUSE, NULL };
	static const char *const w60[] = {
		"tid 13159: request_wait_answer < __fuse_simple_request",
		"  < fuse_fsync_common < fuse_fsync < aio_fsync_work",
		"  < process_one_work < worker_thread < kthread",
		"  < ret_from_fork < ret_from_fork_asm", NULL,
	};
	/* Two workers, a module's frame kept whole with its module. */
	static const char *const two[] = {
		"tid 1: a_fn [mod] < b_fn",
		"  < worker_thread",
		"tid 2: c_fn < kthread", NULL,
	};
	/* A frame wider than the line is cut, never split. */
	static const char *const narrow[] = {
		"tid 7: x", "  < a_very_long_function_n~", "  < y", NULL,
	};
	/* Too few lines: the last says there is more. */
	static const char *const cut[] = {
		"tid 13159: request_wait_answer < __fuse_simple_request",
		"  < fuse_fsync_common < fuse_fsync < aio_fsync_work ...",
		NULL,
	};
	/* Exactly the width fits; a column less wraps. */
	static const char *const exact[] = { "tid 1: a < bb", NULL };
	static const char *const less[] = { "tid 1: a", "  < bb", NULL };
	static const char *const sentence[] = {
		"not readable: /proc/TID/stack needs",
		"  CAP_SYS_ADMIN, or the kernel source",
		"  enabled ([kernel] enabled = yes)", NULL,
	};

	(void)state;
	expect("", 80, 32, none);
	expect(FUSE, 200, 32, wide);
	expect(FUSE, 60, 32, w60);
	expect("tid 1: a_fn [mod] < b_fn < worker_thread; tid 2: c_fn < kthread",
	       24, 32, two);
	expect("tid 7: x < a_very_long_function_name_indeed < y", 27, 32,
	       narrow);
	expect("tid 1: a < bb", 13, 32, exact);
	expect("tid 1: a < bb", 12, 32, less);
	expect(FUSE, 60, 2, cut);
	expect("not readable: /proc/TID/stack needs CAP_SYS_ADMIN, or the "
	       "kernel source enabled ([kernel] enabled = yes)", 40, 32,
	       sentence);
	assert_int_equal(wqtop_stack__wrap(FUSE, 60, line, 0), 0);
}

static const char daemon_json[] =
	"{\"format\":\"wqmon-stalls\",\"version\":1,\"active\":["
	"{\"id\":3,\"kind\":\"running\",\"state\":\"firing\","
	"\"source\":\"kernel\",\"pool_id\":2,\"cpu\":0,\"workqueue\":\"events\","
	"\"function\":\"aio_fsync_work\",\"worker_tid\":13159,"
	"\"threshold_ns\":1000,\"age_ns\":5000,\"since_real_ns\":1,"
	"\"end_real_ns\":0,\"evidence\":\"tid 13159\",\"stack\":\"" FUSE "\"},"
	"{\"id\":4,\"kind\":\"pending\",\"state\":\"firing\","
	"\"source\":\"kernel\",\"pool_id\":5,\"cpu\":1,\"workqueue\":\"\","
	"\"function\":\"\",\"worker_tid\":0,\"threshold_ns\":0,"
	"\"age_ns\":0,\"since_real_ns\":1,\"end_real_ns\":0,"
	"\"evidence\":\"2 pending\"}],\"recent\":[]}";

/* The row of a daemon's stall finds its stack; one without has "". */
static void test_row_finds_stack(void **state)
{
	struct wqtop_table_opts o = { .sort = COL_POOL };
	struct wqtop_data d = { 0 };
	struct wqtop_rows rows = { 0 };
	const struct wq_stall *x;
	char err[128];

	(void)state;
	wqtop_thresholds__default(&d.thr);
	assert_int_equal(wqtop_data__set_stalls(&d, daemon_json, err,
						sizeof(err)), 0);
	assert_int_equal(wqtop_table__build(&d, VIEW_STALLS, &o, &rows), 0);
	assert_int_equal(rows.nr, 2);
	x = wqtop_data__stall(&d, rows.row[0].stall_id);
	assert_non_null(x);
	assert_string_equal(x->stack, FUSE);
	x = wqtop_data__stall(&d, rows.row[1].stall_id);
	assert_non_null(x);
	assert_string_equal(x->stack, "");
	assert_null(wqtop_data__stall(&d, 0));
	assert_null(wqtop_data__stall(&d, 99));
	wqtop_rows__free(&rows);
	wqtop_data__free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_row_finds_stack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
