// SPDX-License-Identifier: GPL-2.0
/* lib/core/invariants.c: a good pair of snapshots passes; each invariant, broken
 * alone, is caught and names its row. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "invariants.h"
#include "model.h"

#define SEC 1000000000ull

struct fixture {
	struct wq_snapshot *prev, *cur, *view;
	char out[4096];
};

/* A series with @n items, each latency 1 ms, run time 2 ms. */
static void fill(struct wq_series *r, uint64_t n)
{
	strcpy(r->workqueue, "events");
	strcpy(r->function, "good_fn");
	r->pool_id = 2;
	r->queued = r->activated = r->started = r->completed = n;
	r->hist[WQ_H_LAT].slot[19] = n;	/* [2^19, 2^20) ns */
	r->hist[WQ_H_RUN].slot[20] = n;
	r->sum_ns[WQ_H_LAT] = n * 1000000;
	r->max_ns[WQ_H_LAT] = n ? 1000000 : 0;
	r->sum_ns[WQ_H_RUN] = n * 2000000;
	r->max_ns[WQ_H_RUN] = n ? 2000000 : 0;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct wq_pool *p;

	f->prev = wq_snapshot__new("kernel");
	f->cur = wq_snapshot__new("kernel");
	f->view = wq_snapshot__new("kernel");
	f->prev->mono_ns = 100 * SEC;
	f->cur->mono_ns = 101 * SEC;
	f->cur->ncpus = f->prev->ncpus = 2;
	fill(wq_snapshot__add_series(f->prev), 10);
	fill(wq_snapshot__add_series(f->cur), 30);
	p = wq_snapshot__add_pool(f->prev);
	p->id = 2, p->cpu = 1, p->cpu_ns = SEC;
	p = wq_snapshot__add_pool(f->cur);
	p->id = 2, p->cpu = 1, p->cpu_ns = SEC + SEC / 2;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	wq_snapshot__free(f->prev);
	wq_snapshot__free(f->cur);
	wq_snapshot__free(f->view);
	free(f);
	return 0;
}

static int check(struct fixture *f)
{
	assert_int_equal(wq_snapshot__delta(f->view, f->cur, f->prev), 0);
	return wq_invariants__check(f->prev, f->cur, f->view, f->out,
				    sizeof(f->out));
}

static void test_good(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(check(f), 0);
	assert_string_equal(f->out, "");
}

static void test_backwards(void **state)
{
	struct fixture *f = *state;

	f->cur->series[0].completed = 9;
	f->cur->series[0].hist[WQ_H_RUN].slot[20] = 9;
	f->cur->series[0].sum_ns[WQ_H_RUN] = 9 * 2000000;
	/* completed, the run-time count and its sum. */
	assert_int_equal(check(f), 3);
	assert_non_null(strstr(f->out, "kernel: pool 2 events good_fn: "
				       "completed went backwards: 10 -> 9"));
	f->cur->counters[WQ_C_UNPAIRED] = 0;
	f->prev->counters[WQ_C_UNPAIRED] = 5;
	assert_int_equal(check(f), 4);
	assert_non_null(strstr(f->out, "counter unpaired went backwards"));
}

static void test_wrapped_duration(void **state)
{
	struct fixture *f = *state;

	/* What a negative delta becomes without care: 2^64 - 600 ns. */
	f->cur->series[0].max_ns[WQ_H_LAT] = UINT64_MAX - 600;
	assert_true(check(f) >= 1);
	assert_non_null(strstr(f->out, "lat max 18446744073709551015 ns is "
				       "longer than the uptime"));
}

static void test_sum_max(void **state)
{
	struct fixture *f = *state;

	f->cur->series[0].sum_ns[WQ_H_RUN] = 300 * 2000000ull;
	assert_int_equal(check(f), 1);
	assert_non_null(strstr(f->out, "run sum 600000000 ns of 30 samples "
				       "does not fit max 2000000 ns"));
}

static void test_samples_over_events(void **state)
{
	struct fixture *f = *state;

	f->cur->series[0].started = 25;
	assert_int_equal(check(f), 1);
	assert_non_null(strstr(f->out, "30 latency samples for 25 starts"));
}

/* Set the latency samples of the first series of @s to @n (1 ms each). */
static void set_lat(struct wq_snapshot *s, uint64_t n)
{
	s->series[0].hist[WQ_H_LAT].slot[19] = n;
	s->series[0].sum_ns[WQ_H_LAT] = n * 1000000;
}

static void test_latency_samples_unseen(void **state)
{
	struct fixture *f = *state;

	/* 30 starts, 5 of items never seen queued: 25 samples, not 30. */
	f->cur->series[0].unseen = 5;
	assert_int_equal(check(f), 1);
	assert_non_null(strstr(f->out, "kernel: pool 2 events good_fn: 30 "
				       "latency samples for 25 starts of items "
				       "seen queued"));
	set_lat(f->cur, 25);
	assert_int_equal(check(f), 0);
	/* One per CPU may be mid-probe while the series is read. */
	set_lat(f->cur, 27);
	assert_int_equal(check(f), 0);
}

static void test_latency_samples_lost(void **state)
{
	struct fixture *f = *state;

	/* 30 starts seen queued, 20 samples, and no loss counted. */
	set_lat(f->cur, 20);
	assert_int_equal(check(f), 1);
	assert_non_null(strstr(f->out, "20 latency samples for 30 starts of "
				       "items seen queued (30 started, 0 "
				       "unseen, 0 unpaired, 0 refused, 2 in "
				       "the read)"));
	/* 8 counted unpaired (and 2 in the read) account for them. */
	f->cur->series[0].unpaired = 8;
	assert_int_equal(check(f), 0);
	/* So do 8 refused by the model. */
	f->cur->series[0].unpaired = 0;
	f->cur->counters[WQ_C_REJECTED] = 8;
	assert_int_equal(check(f), 0);
	/* A text view keeps unseen and unpaired per source only: the
	 * source's 8 unpaired, in no series, may be this series'. */
	f->cur->counters[WQ_C_REJECTED] = 0;
	f->cur->counters[WQ_C_UNPAIRED] = 8;
	assert_int_equal(check(f), 0);
	f->cur->counters[WQ_C_UNPAIRED] = 0;
	f->cur->counters[WQ_C_STARTED_UNSEEN] = 8;
	assert_int_equal(check(f), 0);
	f->cur->counters[WQ_C_STARTED_UNSEEN] = 0;
	/* Sampled mode: samples of 1 in 16, scaled; only the bound holds. */
	f->cur->counters[WQ_C_REJECTED] = 0;
	f->cur->sample_every = 16;
	set_lat(f->cur, 16);
	assert_int_equal(check(f), 0);
}

static void test_pool_cpu(void **state)
{
	struct fixture *f = *state;

	/* 3 s of CPU in 1 s on its one CPU: 300 %. */
	f->cur->pools[0].cpu_ns = 4 * SEC;
	assert_int_equal(check(f), 1);
	assert_non_null(strstr(f->out, "pool 2: 3000000000 ns on CPU in "
				       "1000000000 ns on 1 CPU(s): over 100%"));
	/* An unbound pool may use every CPU of the host. */
	f->cur->pools[0].cpu = -1;
	f->prev->pools[0].cpu = -1;
	assert_int_equal(check(f), 1);
	f->cur->pools[0].cpu_ns = SEC + 2 * SEC;
	assert_int_equal(check(f), 0);
}

static void test_report_bounded(void **state)
{
	struct fixture *f = *state;
	char small[40];

	f->cur->series[0].started = 25;
	f->cur->series[0].max_ns[WQ_H_LAT] = UINT64_MAX;
	assert_int_equal(wq_invariants__check(f->prev, f->cur, NULL, small,
					      sizeof(small)), 3);
	assert_true(strlen(small) < sizeof(small));
	assert_int_equal(wq_invariants__check(f->prev, f->cur, NULL, NULL, 0),
			 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backwards, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrapped_duration, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sum_max, setup, teardown),
		cmocka_unit_test_setup_teardown(test_samples_over_events, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_latency_samples_unseen,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_latency_samples_lost,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_cpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_bounded, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
