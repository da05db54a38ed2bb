// SPDX-License-Identifier: GPL-2.0
/* lib/core/stream.c: cumulative snapshots in, interval views out. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "hist.h"
#include "stream.h"

#define SEC 1000000000ULL

/* A cumulative snapshot of one series at @t seconds: @queued items so far,
 * each with a 1 ms latency. */
static struct wq_snapshot *at(struct wq_stream *st, uint64_t t,
			      uint64_t queued)
{
	struct wq_snapshot *s = wq_stream__blank(st);
	struct wq_series *r;

	assert_non_null(s);
	s->mono_ns = t * SEC;
	s->real_ns = t * SEC + 1;
	r = wq_snapshot__add_series(s);
	assert_non_null(r);
	r->pool_id = 3;
	snprintf(r->workqueue, sizeof(r->workqueue), "events");
	snprintf(r->function, sizeof(r->function), "work_fn");
	r->queued = r->started = r->completed = queued;
	r->sum_ns[WQ_H_LAT] = queued * 1000000;
	r->max_ns[WQ_H_LAT] = queued ? 1000000 : 0;
	r->hist[WQ_H_LAT].slot[wq_hist__slot(1000000)] = queued;
	return s;
}

static uint64_t queued_in(const struct wq_snapshot *v)
{
	uint64_t n = 0;

	for (size_t i = 0; i < v->nr_series; i++)
		n += v->series[i].queued;
	return n;
}

static void first_gives_no_view_second_does(void **state)
{
	struct wq_stream st;

	(void)state;
	wq_stream__init(&st, "kernel", 4);
	assert_int_equal(wq_stream__push(&st, at(&st, 10, 100)), 0);
	assert_null(wq_stream__view(&st, 0));
	assert_int_equal(wq_stream__push(&st, at(&st, 12, 160)), 1);
	assert_non_null(wq_stream__view(&st, 0));
	assert_int_equal(queued_in(wq_stream__view(&st, 0)), 60);
	assert_int_equal(wq_stream__view(&st, 0)->interval_ns, 2 * SEC);
	assert_string_equal(wq_stream__view(&st, 0)->source, "kernel");
	assert_int_equal(st.views, 1);
	wq_stream__fini(&st);
}

/* A daemon polled faster than it samples hands over the same snapshot. */
static void same_snapshot_again_gives_no_view(void **state)
{
	struct wq_stream st;
	const struct wq_snapshot *v;

	(void)state;
	wq_stream__init(&st, "kernel", 4);
	wq_stream__push(&st, at(&st, 1, 10));
	assert_int_equal(wq_stream__push(&st, at(&st, 2, 30)), 1);
	v = wq_stream__view(&st, 0);
	assert_int_equal(wq_stream__push(&st, at(&st, 2, 30)), 0);
	assert_ptr_equal(wq_stream__view(&st, 0), v);
	assert_int_equal(queued_in(v), 20);
	assert_null(wq_stream__view(&st, 1));
	/* The next real one is against the kept snapshot, not the repeat. */
	assert_int_equal(wq_stream__push(&st, at(&st, 3, 35)), 1);
	assert_int_equal(queued_in(wq_stream__view(&st, 0)), 5);
	assert_int_equal(queued_in(wq_stream__view(&st, 1)), 20);
	wq_stream__fini(&st);
}

static void ring_keeps_the_newest(void **state)
{
	struct wq_stream st;

	(void)state;
	wq_stream__init(&st, "refwq:x", 3);
	for (uint64_t t = 0; t < 7; t++)	/* six views: 1, 2, ..., 6 */
		wq_stream__push(&st, at(&st, t + 1, t * (t + 1) / 2));
	assert_int_equal(st.nr, 3);
	assert_int_equal(st.views, 6);
	assert_int_equal(queued_in(wq_stream__view(&st, 0)), 6);
	assert_int_equal(queued_in(wq_stream__view(&st, 1)), 5);
	assert_int_equal(queued_in(wq_stream__view(&st, 2)), 4);
	assert_null(wq_stream__view(&st, 3));
	wq_stream__fini(&st);
}

static void ring_length_is_clamped(void **state)
{
	struct wq_stream st;

	(void)state;
	wq_stream__init(&st, "a", 0);
	assert_int_equal(st.ring_len, 1);
	wq_stream__fini(&st);
	wq_stream__init(&st, "a", 100000);
	assert_int_equal(st.ring_len, WQ_STREAM_RING_MAX);
	wq_stream__fini(&st);
}

/* No interval across a gap: a restart keeps the views, the next snapshot
 * starts over. */
static void restart_starts_over(void **state)
{
	struct wq_stream st;

	(void)state;
	wq_stream__init(&st, "kmod", 4);
	wq_stream__push(&st, at(&st, 1, 10));
	wq_stream__push(&st, at(&st, 2, 20));
	wq_stream__restart(&st);
	assert_null(st.cur);
	assert_non_null(wq_stream__view(&st, 0));
	/* Counters of a restarted source went back: no negative view. */
	assert_int_equal(wq_stream__push(&st, at(&st, 3, 4)), 0);
	assert_int_equal(wq_stream__push(&st, at(&st, 4, 9)), 1);
	assert_int_equal(queued_in(wq_stream__view(&st, 0)), 5);
	wq_stream__fini(&st);
}

/* A wrapped maximum from any source never reaches a view. */
static void impossible_durations_are_clamped(void **state)
{
	struct wq_stream st;
	struct wq_snapshot *s;
	const struct wq_snapshot *v;

	(void)state;
	wq_stream__init(&st, "refwq:evil", 2);
	wq_stream__push(&st, at(&st, 100, 10));
	s = at(&st, 101, 20);
	s->series[0].max_ns[WQ_H_LAT] = UINT64_MAX - 600;
	assert_int_equal(wq_stream__push(&st, s), 1);
	v = wq_stream__view(&st, 0);
	assert_true(v->nr_series == 0 ||
		    v->series[0].max_ns[WQ_H_LAT] <= v->mono_ns);
	assert_true(v->counters[WQ_C_REJECTED] > 0);
	wq_stream__fini(&st);
}

/* The stream refills what it dropped: a long run allocates a bounded
 * number of snapshots. */
static void blank_recycles(void **state)
{
	struct wq_stream st;
	struct wq_snapshot *b;

	(void)state;
	wq_stream__init(&st, "kernel", 2);
	for (uint64_t t = 1; t < 5; t++)
		wq_stream__push(&st, at(&st, t, t * 10));
	assert_non_null(st.spare);
	b = wq_stream__blank(&st);
	assert_null(st.spare);
	assert_int_equal(b->nr_series, 0);
	assert_int_equal(b->mono_ns, 0);
	wq_snapshot__free(b);
	wq_stream__fini(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_gives_no_view_second_does),
		cmocka_unit_test(same_snapshot_again_gives_no_view),
		cmocka_unit_test(ring_keeps_the_newest),
		cmocka_unit_test(ring_length_is_clamped),
		cmocka_unit_test(restart_starts_over),
		cmocka_unit_test(impossible_durations_are_clamped),
		cmocka_unit_test(blank_recycles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
