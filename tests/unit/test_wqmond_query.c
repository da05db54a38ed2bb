// SPDX-License-Identifier: GPL-2.0
/* Query values of the HTTP API: ?since= (the 400 of /api/v1/history) and
 * the ?top=, ?order=, ?pool= of /api/v1/queuers. */
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

static void test_queuers_args(void **unused)
{
	static const char *const bad_top[] = {
		"", "0", "1001", " 5", "+5", "-1", "5x", "99999999999999999999",
	};
	static const char *const bad_pool[] = {
		"", "-", "--1", "+1", "2147483648", "-2147483649", "1.5", " 1",
	};
	enum wq_qorder o = WQ_QORDER_QUEUED;
	int32_t id = 7;
	size_t k = 7;

	(void)unused;
	assert_int_equal(wqd_query__top("1", &k), 0);
	assert_int_equal(k, 1);
	assert_int_equal(wqd_query__top("1000", &k), 0);
	assert_int_equal(k, 1000);
	for (size_t i = 0; i < sizeof(bad_top) / sizeof(bad_top[0]); i++)
		assert_int_equal(wqd_query__top(bad_top[i], &k), -EINVAL);
	assert_int_equal(k, 1000);
	assert_int_equal(wqd_query__order("cpu", &o), 0);
	assert_int_equal(o, WQ_QORDER_CPU);
	assert_int_equal(wqd_query__order("queued", &o), 0);
	assert_int_equal(o, WQ_QORDER_QUEUED);
	assert_int_equal(wqd_query__order("CPU", &o), -EINVAL);
	assert_int_equal(wqd_query__order("", &o), -EINVAL);
	assert_int_equal(wqd_query__order(NULL, &o), -EINVAL);
	assert_int_equal(wqd_query__pool("16", &id), 0);
	assert_int_equal(id, 16);
	assert_int_equal(wqd_query__pool("-1", &id), 0);
	assert_int_equal(id, -1);
	assert_int_equal(wqd_query__pool("-2147483648", &id), 0);
	assert_int_equal(id, INT32_MIN);
	assert_int_equal(wqd_query__pool("2147483647", &id), 0);
	assert_int_equal(id, INT32_MAX);
	for (size_t i = 0; i < sizeof(bad_pool) / sizeof(bad_pool[0]); i++)
		assert_int_equal(wqd_query__pool(bad_pool[i], &id), -EINVAL);
	assert_int_equal(id, INT32_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_since),
		cmocka_unit_test(test_queuers_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
