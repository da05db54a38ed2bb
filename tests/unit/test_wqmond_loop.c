// SPDX-License-Identifier: GPL-2.0
/* When the collection loop counts as stuck: /healthz answers 503 and
 * wqmon_source_up reads 0 for every source from the same test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "state.h"

#define S 1000000000ull

static void not_started_is_not_stale(void **unused)
{
	(void)unused;
	assert_false(wqd_loop__stale(0, 1000 * S, 2 * S));
}

static void within_three_intervals_and_5s(void **unused)
{
	(void)unused;
	/* 2 s interval: stuck only past 3 x 2 s + 5 s = 11 s. */
	assert_false(wqd_loop__stale(100 * S, 100 * S, 2 * S));
	assert_false(wqd_loop__stale(100 * S, 111 * S, 2 * S));
	assert_true(wqd_loop__stale(100 * S, 111 * S + 1, 2 * S));
	assert_true(wqd_loop__stale(100 * S, 400 * S, 2 * S));
}

static void long_interval_waits_longer(void **unused)
{
	(void)unused;
	assert_false(wqd_loop__stale(100 * S, 160 * S, 30 * S));
	assert_true(wqd_loop__stale(100 * S, 196 * S, 30 * S));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(not_started_is_not_stale),
		cmocka_unit_test(within_three_intervals_and_5s),
		cmocka_unit_test(long_interval_waits_longer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
