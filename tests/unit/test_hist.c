// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "hist.h"

static void test_slot_table(void **state)
{
	static const struct {
		uint64_t ns;
		unsigned int slot;
	} cases[] = {
		{0, 0},
		{1, 0},
		{2, 1},
		{3, 1},
		{4, 2},
		{1023, 9},
		{1024, 10},
		{1025, 10},
		{1000000, 19},
		{(1ULL << 34) + 5, 34},
		{(1ULL << 35) - 1, 34},
		{1ULL << 35, 35},
		{1ULL << 40, 35},
		{UINT64_MAX, 35},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned int s = wq_hist__slot(cases[i].ns);

		if (s != cases[i].slot)
			fail_msg("slot(%llu) = %u, want %u",
				 (unsigned long long)cases[i].ns, s,
				 cases[i].slot);
	}
}

/* Every value falls within the bounds of its own slot. */
static void test_slot_within_bounds(void **state)
{
	uint64_t v = 0;
	int i;

	(void)state;
	for (i = 0; i < 200000; i++) {
		unsigned int s = wq_hist__slot(v);

		assert_true(v >= wq_hist__lower(s));
		if (s < WQ_HIST_SLOTS - 1)
			assert_true(v < wq_hist__upper(s));
		v = v * 3 / 2 + (uint64_t)i % 7;
		if (v > (1ULL << 40))
			v = (uint64_t)i;
	}
	assert_int_equal(wq_hist__lower(0), 0);
	assert_int_equal(wq_hist__upper(0), 2);
	assert_int_equal(wq_hist__lower(1), 2);
	assert_int_equal(wq_hist__upper(10), 2048);
	assert_true(wq_hist__upper(WQ_HIST_SLOTS - 1) == UINT64_MAX);
}

static void test_count_add_sub(void **state)
{
	struct wq_hist a = {0}, b = {0}, out;

	(void)state;
	a.slot[0] = 5;
	a.slot[7] = 10;
	a.slot[35] = 1;
	b.slot[7] = 4;
	b.slot[8] = 3;
	assert_int_equal(wq_hist__count(&a), 16);

	wq_hist__sub(&out, &a, &b);
	assert_int_equal(out.slot[0], 5);
	assert_int_equal(out.slot[7], 6);
	assert_int_equal(out.slot[8], 0); /* saturated, not wrapped */
	assert_int_equal(out.slot[35], 1);

	wq_hist__add(&a, &b);
	assert_int_equal(a.slot[7], 14);
	assert_int_equal(a.slot[8], 3);
	assert_int_equal(wq_hist__count(&a), 23);

	/* In place, as the delta code uses it. */
	wq_hist__sub(&a, &a, &b);
	assert_int_equal(a.slot[7], 10);
	assert_int_equal(a.slot[8], 0);
}

static void test_count_saturates(void **state)
{
	struct wq_hist h = {0};

	(void)state;
	h.slot[1] = UINT64_MAX - 1;
	h.slot[2] = 5;
	assert_true(wq_hist__count(&h) == UINT64_MAX);
	/* Still answers something inside the slot holding the median. */
	assert_in_range(wq_hist__percentile(&h, 0.5, 0), 2, 4);
}

static void test_percentile_empty(void **state)
{
	struct wq_hist h = {0};

	(void)state;
	assert_int_equal(wq_hist__percentile(&h, 0.5, 0), 0);
	assert_int_equal(wq_hist__percentile(&h, 0.99, 1000), 0);
}

/* Hand-computed: value = lower + width * (rank - before) / n_in_slot with
 * rank = ceil(q * count). */
static void test_percentile_hand(void **state)
{
	struct wq_hist h = {0};

	(void)state;
	/* 4 values in [1024, 2048). */
	h.slot[10] = 4;
	assert_int_equal(wq_hist__percentile(&h, 0.25, 0), 1024 + 256);
	assert_int_equal(wq_hist__percentile(&h, 0.5, 0), 1024 + 512);
	assert_int_equal(wq_hist__percentile(&h, 0.51, 0), 1024 + 768);
	assert_int_equal(wq_hist__percentile(&h, 1.0, 0), 2048);
	assert_int_equal(wq_hist__percentile(&h, 1.0, 1800), 1800);
	assert_int_equal(wq_hist__percentile(&h, 0.0, 0), 1024 + 256);
	/* Out of range q is clamped. */
	assert_int_equal(wq_hist__percentile(&h, 7.0, 0), 2048);
	assert_int_equal(wq_hist__percentile(&h, -1.0, 0), 1024 + 256);

	/* 90 values in [8, 16), 10 in [2^20, 2^21). */
	memset(&h, 0, sizeof(h));
	h.slot[3] = 90;
	h.slot[20] = 10;
	/* rank 50: 8 + 8 * 50 / 90 = 12.44 */
	assert_int_equal(wq_hist__percentile(&h, 0.5, 0), 12);
	/* rank 90 is the last of slot 3 */
	assert_int_equal(wq_hist__percentile(&h, 0.9, 0), 16);
	/* rank 91: first of slot 20: 2^20 + 2^20 / 10 */
	assert_int_equal(wq_hist__percentile(&h, 0.91, 0), 1048576 + 104857);
	/* rank 99: 2^20 + 2^20 * 9 / 10 */
	assert_int_equal(wq_hist__percentile(&h, 0.99, 0), 1048576 + 943718);
	/* 0.07 * 100 is not exactly 7 in binary: still rank 7 */
	assert_int_equal(wq_hist__percentile(&h, 0.07, 0), 8 + 8 * 7 / 90);
	/* max clamps an estimate above the real maximum */
	assert_int_equal(wq_hist__percentile(&h, 0.99, 1500000), 1500000);

	/* slot 0 holds 0 and 1 */
	memset(&h, 0, sizeof(h));
	h.slot[0] = 2;
	assert_int_equal(wq_hist__percentile(&h, 0.5, 0), 1);
	assert_int_equal(wq_hist__percentile(&h, 0.5, 1), 1);
	assert_int_equal(wq_hist__percentile(&h, 1.0, 1), 1);
}

/* The integer form agrees with the double one and has exact ranks at any
 * count. */
static void test_quantile_integer(void **state)
{
	struct wq_hist h = {0};

	(void)state;
	h.slot[3] = 90;
	h.slot[20] = 10;
	assert_int_equal(wq_hist__quantile(&h, 99, 100, 0),
			 wq_hist__percentile(&h, 0.99, 0));
	assert_int_equal(wq_hist__quantile(&h, 1, 2, 0), 12);
	assert_int_equal(wq_hist__quantile(&h, 1, 0, 0), 0);
	assert_int_equal(wq_hist__quantile(&h, 5, 4, 0), 1ULL << 21);

	/* 2^62 values in slot 4 and 2^62 in slot 5: the median is the last
	 * of slot 4, one past it is the first of slot 5. */
	memset(&h, 0, sizeof(h));
	h.slot[4] = 1ULL << 62;
	h.slot[5] = 1ULL << 62;
	assert_int_equal(wq_hist__quantile(&h, 1, 2, 0), 32);
	assert_int_equal(wq_hist__quantile(&h, 3, 4, 0), 48);
}

static void test_percentile_last_slot(void **state)
{
	struct wq_hist h = {0};
	uint64_t lo = 1ULL << 35;

	(void)state;
	h.slot[35] = 2;
	/* Open-ended: the recorded maximum closes it. */
	assert_true(wq_hist__percentile(&h, 0.5, lo + 1000) == lo + 500);
	assert_true(wq_hist__percentile(&h, 1.0, lo + 1000) == lo + 1000);
	/* Without a maximum, it is taken to end at 2^36. */
	assert_true(wq_hist__percentile(&h, 0.5, 0) == lo + lo / 2);
}

/* The documented error bound: the estimate lies in the slot of the true
 * value, so within a factor of 2 of it. */
static void test_percentile_error_bound(void **state)
{
	static const uint64_t values[] = {3,	17,    400,    999,
					  5000, 65536, 123456, 1000000,
					  7e6,	31e6,  1e9,    12345678901ULL};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		struct wq_hist h = {0};
		uint64_t est;

		h.slot[wq_hist__slot(values[i])] = 1;
		est = wq_hist__percentile(&h, 0.5, 0);
		assert_true(est <= 2 * values[i]);
		assert_true(2 * est >= values[i]);
		assert_in_range(est, wq_hist__lower(wq_hist__slot(values[i])),
				wq_hist__upper(wq_hist__slot(values[i])));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slot_table),
		cmocka_unit_test(test_slot_within_bounds),
		cmocka_unit_test(test_count_add_sub),
		cmocka_unit_test(test_count_saturates),
		cmocka_unit_test(test_percentile_empty),
		cmocka_unit_test(test_percentile_hand),
		cmocka_unit_test(test_quantile_integer),
		cmocka_unit_test(test_percentile_last_slot),
		cmocka_unit_test(test_percentile_error_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
