// SPDX-License-Identifier: GPL-2.0
/* Query values of the HTTP API: ?since= (the 400 of /api/v1/history) and
 * the ?top=, ?order=, ?pool= of /api/v1/queuers. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
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

/* /api/v1/slow's parameters: each bad one is a one-line 400. */
static void test_slow(void **unused)
{
	static const struct {
		bool stream;
		const char *key, *value;
	} bad[] = {
		{ false, "limit", "0" }, { false, "limit", "-1" },
		{ false, "limit", "100001" }, { false, "limit", "1x" },
		{ false, "limit", "" }, { false, "limit", NULL },
		{ false, "after", "3" }, { false, "pool", "1" },
		{ false, "function", "" }, { true, "limit", "3" },
		{ true, "after", "x" }, { true, "after", "-1" },
		{ true, "workqueue", NULL },
	};
	struct wqd_slow_query q;
	char err[256];

	(void)unused;
	memset(&q, 0, sizeof(q));
	assert_int_equal(wqd_query__slow(&q, false, "limit", "100000", err,
					 sizeof(err)), 0);
	assert_int_equal(q.limit, 100000);
	assert_int_equal(wqd_query__slow(&q, false, "workqueue", "events*",
					 err, sizeof(err)), 0);
	assert_string_equal(q.filter.workqueue, "events*");
	assert_int_equal(wqd_query__slow(&q, true, "after", "42", err,
					 sizeof(err)), 0);
	assert_true(q.have_after);
	assert_int_equal(q.after, 42);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(wqd_query__slow(&q, bad[i].stream, bad[i].key,
						 bad[i].value, err,
						 sizeof(err)), -EINVAL);
		assert_true(err[0] && !strchr(err, '\n'));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_since),
		cmocka_unit_test(test_queuers_args),
		cmocka_unit_test(test_slow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
