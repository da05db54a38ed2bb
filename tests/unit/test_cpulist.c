// SPDX-License-Identifier: GPL-2.0
/* CPU lists in the kernel's format (lib/util/cpulist.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cpulist.h"

static void test_roundtrip(void **state)
{
	static const char *const lists[] = { "0", "0-3", "1,3-5,8", "4095",
					     "0-1,63-65,127" };
	char out[64], err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		struct wq_cpuset s = { 0 };

		assert_int_equal(wq_cpuset__parse(&s, lists[i], err,
						  sizeof(err)), 0);
		wq_cpuset__format(&s, out, sizeof(out));
		assert_string_equal(out, lists[i]);
	}
}

static void test_sysfs_forms(void **state)
{
	struct wq_cpuset s = { 0 };
	char err[128];

	(void)state;
	assert_int_equal(wq_cpuset__parse(&s, "\n", err, sizeof(err)), 0);
	assert_int_equal(wq_cpuset__parse(&s, "(null)\n", err, sizeof(err)), 0);
	assert_int_equal(wq_cpuset__count(&s), 0);
	assert_int_equal(wq_cpuset__parse(&s, "2-3\n", err, sizeof(err)), 0);
	assert_int_equal(wq_cpuset__count(&s), 2);
	assert_true(wq_cpuset__has(&s, 3));
	assert_false(wq_cpuset__has(&s, 4));
	assert_false(wq_cpuset__has(&s, -1));
}

static void test_bad(void **state)
{
	static const char *const bad[] = { "a", "1-", "3-1", "1,,2", "1 2",
					   "4096", "-1", "1,", "0x1" };
	char err[160];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct wq_cpuset s = { 0 };

		err[0] = '\0';
		if (wq_cpuset__parse(&s, bad[i], err, sizeof(err)) != -EINVAL ||
		    !strstr(err, "bad CPU list") || strchr(err, '\n'))
			fail_msg("'%s': got '%s'", bad[i], err);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_sysfs_forms),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
