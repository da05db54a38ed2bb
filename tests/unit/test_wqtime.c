// SPDX-License-Identifier: GPL-2.0
/* One grammar for durations (lib/core/wqtime.h): what wqmond.conf, wqctl -i and
 * wqtop -d / -T take, and what they refuse. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "wqtime.h"

static uint64_t dur(const char *text)
{
	uint64_t ns = 12345;

	assert_int_equal(wq_duration__parse(text, &ns), 0);
	return ns;
}

static void test_duration(void **state)
{
	uint64_t ns = 7;

	(void)state;
	assert_int_equal(dur("100ns"), 100);
	assert_int_equal(dur("250us"), 250000);
	assert_int_equal(dur("10ms"), 10000000);
	assert_int_equal(dur("1.5s"), 1500000000);
	assert_int_equal(dur("2m"), 120000000000ULL);
	assert_int_equal(dur("1h"), 3600000000000ULL);
	assert_int_equal(dur("0s"), 0);
	/* A bare number could be any unit; signs, blanks, junk, huge. */
	const char *bad[] = { "5", "-1s", "+1s", " 1s", "1 s", "s", "", "1sec",
			      "1S", "nans", "infs", "1e400s", "200d",
			      "10000001s", "0x10s" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (wq_duration__parse(bad[i], &ns) != -EINVAL)
			fail_msg("'%s' taken", bad[i]);
	}
	assert_int_equal(ns, 7);	/* untouched on error */
}

static void test_seconds(void **state)
{
	uint64_t ns;

	(void)state;
	assert_int_equal(wq_seconds__parse("2", 0.1, 3600, &ns), 0);
	assert_int_equal(ns, 2000000000ULL);
	assert_int_equal(wq_seconds__parse("0.5", 0.1, 3600, &ns), 0);
	assert_int_equal(ns, 500000000ULL);
	assert_int_equal(wq_seconds__parse("500ms", 0.1, 3600, &ns), 0);
	assert_int_equal(ns, 500000000ULL);
	assert_int_equal(wq_seconds__parse("0.1", 0.1, 3600, &ns), 0);
	assert_int_equal(wq_seconds__parse("3600", 0.1, 3600, &ns), 0);
	assert_int_equal(wq_seconds__parse("1h", 0.1, 3600, &ns), 0);
	assert_int_equal(wq_seconds__parse("0.05", 0.1, 3600, &ns), -EINVAL);
	assert_int_equal(wq_seconds__parse("99ms", 0.1, 3600, &ns), -EINVAL);
	assert_int_equal(wq_seconds__parse("3601", 0.1, 3600, &ns), -EINVAL);
	assert_int_equal(wq_seconds__parse("-1", 0.1, 3600, &ns), -EINVAL);
	assert_int_equal(wq_seconds__parse("nan", 0.1, 3600, &ns), -EINVAL);
	assert_int_equal(wq_seconds__parse("2x", 0.1, 3600, &ns), -EINVAL);
	assert_int_equal(wq_seconds__parse("", 0.1, 3600, &ns), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_seconds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
