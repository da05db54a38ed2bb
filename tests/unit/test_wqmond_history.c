// SPDX-License-Identifier: GPL-2.0
/* The history ring: byte budget, eviction order, `since` filtering. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "history.h"

static char *view(uint64_t t)
{
	char *s = malloc(32);

	snprintf(s, 32, "{\"t\":%04llu}", (unsigned long long)t);
	return s;	/* 10 bytes each */
}

static char *dump(const struct wqd_history *h, uint64_t since, size_t *n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	*n = wqd_history__write(h, since, f);
	fclose(f);
	return buf;
}

static void test_budget_and_order(void **state)
{
	struct wqd_history *h = wqd_history__new(100);
	size_t n;
	char *s;

	(void)state;
	for (uint64_t t = 1; t <= 25; t++)
		assert_int_equal(wqd_history__push(h, t, view(t), 10), 0);
	/* 100 bytes keep the 10 newest. */
	assert_int_equal(wqd_history__count(h), 10);
	assert_int_equal(wqd_history__bytes(h), 100);
	assert_int_equal(wqd_history__oldest(h), 16);
	s = dump(h, 0, &n);
	assert_int_equal(n, 10);
	assert_true(!strncmp(s, "{\"t\":0016},{\"t\":0017}", 21));
	assert_non_null(strstr(s, "{\"t\":0025}"));
	free(s);
	s = dump(h, 22, &n);
	assert_int_equal(n, 3);
	assert_string_equal(s, "{\"t\":0023},{\"t\":0024},{\"t\":0025}");
	free(s);
	s = dump(h, 25, &n);
	assert_int_equal(n, 0);
	assert_string_equal(s, "");
	free(s);

	wqd_history__set_budget(h, 30);
	assert_int_equal(wqd_history__count(h), 3);
	assert_int_equal(wqd_history__oldest(h), 23);
	wqd_history__free(h);
}

static void test_too_big(void **state)
{
	struct wqd_history *h = wqd_history__new(5);

	(void)state;
	assert_int_equal(wqd_history__push(h, 1, view(1), 10), -E2BIG);
	assert_int_equal(wqd_history__count(h), 0);
	assert_int_equal(wqd_history__oldest(h), 0);
	wqd_history__free(h);
}

/* Growth of the circular array while it wraps keeps the order. */
static void test_wrap_and_grow(void **state)
{
	struct wqd_history *h = wqd_history__new(10 * 100);
	uint64_t t = 1;
	size_t n;
	char *s, want[16];

	(void)state;
	for (; t <= 80; t++)
		wqd_history__push(h, t, view(t), 10);
	for (; t <= 300; t++)
		wqd_history__push(h, t, view(t), 10);
	assert_int_equal(wqd_history__count(h), 100);
	assert_int_equal(wqd_history__oldest(h), 201);
	s = dump(h, 250, &n);
	assert_int_equal(n, 50);
	snprintf(want, sizeof(want), "{\"t\":%04d}", 251);
	assert_true(!strncmp(s, want, 10));
	free(s);
	wqd_history__free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_budget_and_order),
		cmocka_unit_test(test_too_big),
		cmocka_unit_test(test_wrap_and_grow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
