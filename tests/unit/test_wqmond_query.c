// SPDX-License-Identifier: GPL-2.0
/* ?since=: digits within 64 bits, nothing else (the 400 of /api/v1/history). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "query.h"

static void test_since(void **unused)
{
	static const char *const bad[] = {
		"", " 5", "5 ", "+5", "-1", "0x10", "1e9", "18446744073709551616",
		"12a",
	};
	uint64_t ns = 7;

	(void)unused;
	assert_int_equal(wqd_query__since("0", &ns), 0);
	assert_int_equal(ns, 0);
	assert_int_equal(wqd_query__since("007", &ns), 0);
	assert_int_equal(ns, 7);
	assert_int_equal(wqd_query__since("18446744073709551615", &ns), 0);
	assert_true(ns == UINT64_MAX);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ns = 42;
		assert_int_equal(wqd_query__since(bad[i], &ns), -EINVAL);
		assert_int_equal(ns, 42);
	}
	assert_int_equal(wqd_query__since(NULL, &ns), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_since),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
