// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "kworkers.h"

#define FIXTURES "tests/unit/fixtures"

static void test_parse_name_table(void **state)
{
	static const struct {
		const char *comm;
		int ret;
		enum wq_kworker_kind kind;
		int32_t cpu, pool_id, id;
		bool running;
		const char *wq;
	} cases[] = {
		{"kworker/0:0", 0, WQ_KW_PERCPU, 0, -1, 0, false, ""},
		{"kworker/3:12", 0, WQ_KW_PERCPU, 3, -1, 12, false, ""},
		{"kworker/0:0-events", 0, WQ_KW_PERCPU, 0, -1, 0, false,
		 "events"},
		{"kworker/1:2+events", 0, WQ_KW_PERCPU, 1, -1, 2, true,
		 "events"},
		{"kworker/0:0H", 0, WQ_KW_HIGHPRI, 0, -1, 0, false, ""},
		{"kworker/0:1H-kblockd", 0, WQ_KW_HIGHPRI, 0, -1, 1, false,
		 "kblockd"},
		{"kworker/127:3H+events_highpri", 0, WQ_KW_HIGHPRI, 127, -1, 3,
		 true, "events_highpri"},
		{"kworker/u8:0", 0, WQ_KW_UNBOUND, -1, 8, 0, false, ""},
		{"kworker/u9:0", 0, WQ_KW_UNBOUND, -1, 9, 0, false, ""},
		{"kworker/u8:2-kvfree_rcu_reclaim", 0, WQ_KW_UNBOUND, -1, 8, 2,
		 false, "kvfree_rcu_reclaim"},
		{"kworker/u1025:77+events_unbound", 0, WQ_KW_UNBOUND, -1, 1025,
		 77, true, "events_unbound"},
		/* a work item's own description, with '-' and ':' in it */
		{"kworker/u8:4-flush-254:0", 0, WQ_KW_UNBOUND, -1, 8, 4, false,
		 "flush-254:0"},
		{"kworker/u8:4+flush-254:0", 0, WQ_KW_UNBOUND, -1, 8, 4, true,
		 "flush-254:0"},
		{"kworker/R-mm_percpu_wq", 0, WQ_KW_RESCUER, -1, -1, -1, false,
		 "mm_percpu_wq"},
		{"kworker/R-ext4-rsv-conversion", 0, WQ_KW_RESCUER, -1, -1, -1,
		 false, "ext4-rsv-conversion"},
		{"kworker/dying", 0, WQ_KW_DYING, -1, -1, -1, false, ""},
		/* longer than a workqueue name: cut to 31 */
		{"kworker/0:0-0123456789012345678901234567890123456789", 0,
		 WQ_KW_PERCPU, 0, -1, 0, false,
		 "0123456789012345678901234567890"},
		/* 15-byte stat comm of an old kernel: still the worker */
		{"kworker/u8:4-fl", 0, WQ_KW_UNBOUND, -1, 8, 4, false, "fl"},

		{"kworker/", -EINVAL, WQ_KW_OTHER, -1, -1, -1, false, ""},
		{"kworker/R-", -EINVAL, WQ_KW_OTHER, -1, -1, -1, false, ""},
		{"kworker/0", -EINVAL, WQ_KW_OTHER, -1, -1, -1, false, ""},
		{"kworker/0:", -EINVAL, WQ_KW_OTHER, -1, -1, -1, false, ""},
		{"kworker/:1", -EINVAL, WQ_KW_OTHER, -1, -1, -1, false, ""},
		{"kworker/0:1X", -EINVAL, WQ_KW_OTHER, -1, -1, -1, false, ""},
		{"kworker/0:1HH", -EINVAL, WQ_KW_OTHER, -1, -1, -1, false, ""},
		{"kworker/0:1-", -EINVAL, WQ_KW_OTHER, -1, -1, -1, false, ""},
		{"kworker/0:1+", -EINVAL, WQ_KW_OTHER, -1, -1, -1, false, ""},
		{"kworker/0:1 events", -EINVAL, WQ_KW_OTHER, -1, -1, -1, false,
		 ""},
		{"kworker/-1:0", -EINVAL, WQ_KW_OTHER, -1, -1, -1, false, ""},
		{"kworker/u:0", -EINVAL, WQ_KW_OTHER, -1, -1, -1, false, ""},
		{"kworker/u8", -EINVAL, WQ_KW_OTHER, -1, -1, -1, false, ""},
		{"kworker/u8:0H", -EINVAL, WQ_KW_OTHER, -1, -1, -1, false, ""},
		{"kworker/2147483648:0", -EINVAL, WQ_KW_OTHER, -1, -1, -1,
		 false, ""},
		{"kworker/0:99999999999", -EINVAL, WQ_KW_OTHER, -1, -1, -1,
		 false, ""},
		{"kworker/dying2", -EINVAL, WQ_KW_OTHER, -1, -1, -1, false, ""},
		{"kworker/weird_name", -EINVAL, WQ_KW_OTHER, -1, -1, -1, false,
		 ""},
		{"kthreadd", -EINVAL, WQ_KW_OTHER, -1, -1, -1, false, ""},
		{"ksoftirqd/0", -EINVAL, WQ_KW_OTHER, -1, -1, -1, false, ""},
		{"", -EINVAL, WQ_KW_OTHER, -1, -1, -1, false, ""},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wq_kworker_name n;
		int ret = wq_kworker__parse_name(cases[i].comm, &n);

		if (ret != cases[i].ret)
			fail_msg("'%s': returned %d, want %d", cases[i].comm,
				 ret, cases[i].ret);
		if (ret) {
			assert_int_equal(n.kind, WQ_KW_OTHER);
			assert_int_equal(n.cpu, -1);
			assert_int_equal(n.pool_id, -1);
			assert_string_equal(n.wq, "");
			continue;
		}
		if (n.kind != cases[i].kind || n.cpu != cases[i].cpu ||
		    n.pool_id != cases[i].pool_id || n.id != cases[i].id ||
		    n.running != cases[i].running || strcmp(n.wq, cases[i].wq))
			fail_msg("'%s': kind %d cpu %d pool %d id %d running "
				 "%d wq '%s'",
				 cases[i].comm, n.kind, n.cpu, n.pool_id, n.id,
				 n.running, n.wq);
	}
}

static const struct wq_kworker *by_tid(const struct wq_kworker *w, size_t n,
				       int32_t tid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (w[i].tid == tid)
			return &w[i];
	return NULL;
}

static void test_scan_fixture(void **state)
{
	static const int32_t want[] = {9,    10,   12, 13,  44, 48,
				       4300, 5904, 77, 503, 504};
	struct wq_kworker *w;
	const struct wq_kworker *k;
	size_t n, i;

	(void)state;
	assert_int_equal(wq_kworkers__scan(FIXTURES "/proc", &w, &n), 0);
	/* Not: 500 and 600 (parent is not kthreadd), 501 (gone: no comm),
	 * 502 (bad stat), 1, 2 (not kworkers), sys, self. */
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (i = 0; i < n; i++)
		if (!by_tid(w, n, want[i]))
			fail_msg("kworker %d not found", want[i]);

	k = by_tid(w, n, 9);
	assert_string_equal(k->comm, "kworker/0:0-events");
	assert_int_equal(k->state, 'I');
	assert_true(k->idle);
	assert_int_equal(k->cpu_ns, 22720763);
	assert_int_equal(k->name.kind, WQ_KW_PERCPU);
	assert_string_equal(k->name.wq, "events");

	k = by_tid(w, n, 12);
	assert_int_equal(k->name.kind, WQ_KW_UNBOUND);
	assert_int_equal(k->name.pool_id, 8);
	assert_true(k->name.running);
	assert_false(k->idle);

	/* Full comm from /proc/PID/comm, not the cut one in stat. */
	k = by_tid(w, n, 4300);
	assert_string_equal(k->comm, "kworker/u8:4-flush-254:0");
	assert_string_equal(k->name.wq, "flush-254:0");
	assert_int_equal(k->state, 'D');
	assert_false(k->idle);

	k = by_tid(w, n, 13);
	assert_int_equal(k->name.kind, WQ_KW_RESCUER);
	assert_string_equal(k->name.wq, "mm_percpu_wq");

	k = by_tid(w, n, 503);
	assert_int_equal(k->name.kind, WQ_KW_OTHER);
	assert_int_equal(k->cpu_ns, 7);

	/* No schedstat: time unknown, worker still listed. */
	k = by_tid(w, n, 504);
	assert_int_equal(k->cpu_ns, 0);
	assert_true(k->name.running);
	free(w);

	assert_int_equal(wq_kworkers__scan(FIXTURES "/nonexistent", &w, &n),
			 -ENOENT);
	assert_null(w);
	assert_int_equal(n, 0);
}

/* Which pool each fixture kworker belongs to, by name alone. */
static size_t members(const struct wq_kworker *w, size_t n,
		      const struct wq_pool *p, size_t *idle, size_t *running)
{
	size_t j, k = 0;

	*idle = *running = 0;
	for (j = 0; j < n; j++) {
		if (!wq_kworker__in_pool(&w[j], p))
			continue;
		k++;
		*idle += w[j].idle;
		*running += w[j].name.running;
	}
	return k;
}

static void test_in_pool(void **state)
{
	const struct wq_pool normal0 = { .id = 0, .cpu = 0 };
	const struct wq_pool high0 = { .id = 1, .cpu = 0, .nice = -20 };
	const struct wq_pool bh0 = { .id = 2, .cpu = 0, .flags = WQ_POOL_BH };
	const struct wq_pool unbound8 = { .id = 8, .cpu = -1,
					  .flags = WQ_POOL_UNBOUND };
	const struct wq_pool normal1 = { .id = 4, .cpu = 1 };
	struct wq_kworker *w;
	size_t n, idle, running;

	(void)state;
	assert_int_equal(wq_kworkers__scan(FIXTURES "/proc", &w, &n), 0);
	assert_int_equal(members(w, n, &normal0, &idle, &running), 1); /* 9 */
	assert_int_equal(idle, 1);
	assert_int_equal(members(w, n, &high0, &idle, &running), 2); /* 10, 44 */
	/* BH pools run in softirq context: no kworker is theirs. */
	assert_int_equal(members(w, n, &bh0, &idle, &running), 0);
	/* 12 running, 4300 in D */
	assert_int_equal(members(w, n, &unbound8, &idle, &running), 2);
	assert_int_equal(idle, 0);
	assert_int_equal(running, 1);
	/* 5904, 504 */
	assert_int_equal(members(w, n, &normal1, &idle, &running), 2);
	assert_int_equal(idle, 1);
	assert_int_equal(running, 1);
	free(w);
}

/* The real thing: this kernel's kworkers all have names of known forms. */
static void test_scan_live(void **state)
{
	struct wq_kworker *w;
	size_t n, i, percpu = 0;

	(void)state;
	assert_int_equal(wq_kworkers__scan(NULL, &w, &n), 0);
	if (!n) { /* a PID namespace without kthreadd */
		free(w);
		skip();
	}
	for (i = 0; i < n; i++) {
		if (w[i].name.kind == WQ_KW_OTHER)
			fail_msg("unknown kworker name '%s'", w[i].comm);
		assert_true(w[i].tid > 0);
		assert_non_null(strchr("RSDIZTtXxPKWN", w[i].state));
		percpu += w[i].name.kind == WQ_KW_PERCPU;
	}
	assert_true(percpu > 0);
	free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_name_table),
		cmocka_unit_test(test_scan_fixture),
		cmocka_unit_test(test_in_pool),
		cmocka_unit_test(test_scan_live),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
