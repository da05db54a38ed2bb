// SPDX-License-Identifier: GPL-2.0
/* lib/util/prog.c: the "did you mean" of usage errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "prog.h"

static const char *const opts[] = {
	"interval", "count", "sort", "reverse", "top", "cumulative", "json",
	"queuers", "raw-tp", "no-cpu", "check-invariants", "source", NULL,
};
static const char *const cols[] = {
	"lat_p50", "lat_p99", "lat_max", "run_p50", "run_p99", "cpu", NULL,
};

static void near_typos(void **state)
{
	(void)state;
	assert_string_equal(wq_prog__suggest("intervl", opts), "interval");
	assert_string_equal(wq_prog__suggest("cuont", opts), "count");
	assert_string_equal(wq_prog__suggest("sorce", opts), "source");
	assert_string_equal(wq_prog__suggest("lat_p9", cols), "lat_p99");
	/* The nearest, not the first within reach. */
	assert_string_equal(wq_prog__suggest("run_p98", cols), "run_p99");
}

static void unique_prefix(void **state)
{
	(void)state;
	assert_string_equal(wq_prog__suggest("check", opts),
			    "check-invariants");
	/* Several names begin so, none within two edits: no guess. */
	assert_null(wq_prog__suggest("lat_", cols));
	assert_null(wq_prog__suggest("run", cols));
}

static void nothing_near(void **state)
{
	(void)state;
	assert_null(wq_prog__suggest("latency", cols));
	assert_null(wq_prog__suggest("frobnicate", opts));
	assert_null(wq_prog__suggest("", opts));
	assert_null(wq_prog__suggest(NULL, opts));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(near_typos),
		cmocka_unit_test(unique_prefix),
		cmocka_unit_test(nothing_near),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
