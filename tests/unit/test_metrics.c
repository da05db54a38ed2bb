// SPDX-License-Identifier: GPL-2.0
/*
 * The Prometheus / OpenMetrics renderer: golden files, escaping, histogram
 * buckets, top-N folding and monotonicity, and `promtool check metrics` on
 * realistic and hostile snapshots.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "hist.h"
#include "fixture.h"
#include "metrics.h"
#include "snapgen.h"

#ifndef FIXTURES
#define FIXTURES "tests/unit/fixtures"
#endif

/* ---- allocation failure: malloc & co. fail on demand (as test_nomem) --- */

#include "failmalloc.h"

/* ---- helpers ---- */

static char *render_ret(const struct wq_metrics_source *src, size_t n,
			const struct wq_metrics_opts *o, int *ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	*ret = wq_metrics__render(f, src, n, o);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static char *render(const struct wq_metrics_source *src, size_t n,
		    const struct wq_metrics_opts *o)
{
	int ret;
	char *buf = render_ret(src, n, o, &ret);

	if (ret)
		fail_msg("render: %d", ret);
	return buf;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, n, f), n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The value of the sample whose line starts with @prefix (name and the
 * labels up to and including "} "); fails when absent. */
static uint64_t value_of(const char *text, const char *prefix)
{
	size_t plen = strlen(prefix);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, prefix, plen))
			return strtoull(p + plen, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	fail_msg("no sample %s", prefix);
	return 0;
}

static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
		p += n;
	}
	return false;
}

/* Sum of the values of every sample whose line starts with @prefix. */
static uint64_t sum_of(const char *text, const char *prefix)
{
	size_t plen = strlen(prefix);
	const char *p = text;
	uint64_t sum = 0;

	while (p && *p) {
		if (!strncmp(p, prefix, plen))
			sum += strtoull(strchr(p, '}') + 2, NULL, 10);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return sum;
}

static size_t count_lines(const char *text, const char *prefix)
{
	size_t plen = strlen(prefix), n = 0;
	const char *p = text;

	while (p && *p) {
		n += !strncmp(p, prefix, plen);
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return n;
}

static struct wq_series *add(struct wq_snapshot *s, int32_t pool,
			     const char *wq, const char *fn, uint64_t queued)
{
	struct wq_series *r = wq_snapshot__add_series(s);

	assert_non_null(r);
	r->pool_id = pool;
	strcpy(r->workqueue, wq);
	strcpy(r->function, fn);
	r->queued = queued;
	r->activated = queued;
	r->started = queued;
	r->completed = queued;
	return r;
}

/* The shared fixture (fixture.h, test_text.c's golden file) with loss
 * counters, and its per-CPU workqueue on a second pool (summed into one
 * series), whose two items waited in the open last slot. */
static struct wq_snapshot *basic(void)
{
	struct wq_snapshot *s = fixture_basic();
	struct wq_series *r;

	assert_non_null(s);
	s->counters[WQ_C_PENDING_DROPPED] = 3;
	s->counters[WQ_C_WORKER_REAPED] = 2;
	/* Two probe programs, one skipped in recursion (BH work queued
	 * while it ran), one never. */
	strcpy(s->probes[0].name, "on_queue_work");
	s->probes[0].missed = 268;
	strcpy(s->probes[1].name, "on_execute_start");
	s->probes[1].missed = 0;
	s->nr_probes = 2;
	s->counters[WQ_C_PROBE_MISSED] = 268;
	r = add(s, 1, "events", "vmstat_update", 2);
	r->hist[WQ_H_LAT].slot[35] = 2;
	r->sum_ns[WQ_H_LAT] = 100000000000ULL;
	return s;
}

/* ---- tests ---- */

static void golden(bool om, const char *path)
{
	struct wq_snapshot *s = basic();
	struct wq_metrics_source src[] = {
		{"kernel", true, 1234567, s},
		{"refwq:demo", false, 250000000, NULL},
	};
	struct wq_metrics_opts o = {.openmetrics = om, .version = "0.1.0"};
	char *out = render(src, 2, &o), *want = slurp(path);

	if (strcmp(out, want)) {
		fprintf(stderr, "# got:\n%s", out);
		fail_msg("render differs from %s", path);
	}
	free(out);
	free(want);
	wq_snapshot__free(s);
}

/* The whole layout, checked by hand once: lat buckets of "events"
 * (30 in slot 12, 10 in slot 14, 2 in the open slot 35) are 0 up to
 * le=2^11 ns, 30 at 2^13, 40 from 2^15 to 2^33, 42 at 2^35 and +Inf. */
static void test_golden_prom(void **state)
{
	(void)state;
	golden(false, FIXTURES "/metrics_basic.prom");
}

static void test_golden_openmetrics(void **state)
{
	(void)state;
	golden(true, FIXTURES "/metrics_basic.om");
}

static void test_escape(void **state)
{
	static const struct {
		const char *name, *want;
	} cases[] = {
		{"kernel", "kernel"},
		{"", ""},
		{"a\\b", "a\\\\b"},
		{"say \"hi\"", "say \\\"hi\\\""},
		{"two\nlines", "two\\nlines"},
		{"tab\there", "tab\there"},
		{"caf\xc3\xa9", "caf\xc3\xa9"}, /* valid UTF-8 */
		{"\xf0\x9f\x90\xa7", "\xf0\x9f\x90\xa7"}, /* 4 bytes */
		{"bad\xff", "bad\xef\xbf\xbd"}, /* invalid byte */
		{"cut\xc3", "cut\xef\xbf\xbd"}, /* truncated */
		{"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"}, /* overlong */
		{"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
		{"\\\"\n", "\\\\\\\"\\n"},
	};
	struct wq_metrics_opts o = {.version = "v\"1"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wq_snapshot *s = wq_snapshot__new("x");
		struct wq_metrics_source src = {cases[i].name, true, 0, s};
		char want[256], *out;

		add(s, 0, cases[i].name, cases[i].name, 1);
		out = render(&src, 1, &o);
		snprintf(want, sizeof(want), "wqmon_source_up{source=\"%s\"} 1",
			 cases[i].want);
		if (!has_line(out, want))
			fail_msg("case %zu: no line %s", i, want);
		snprintf(want, sizeof(want),
			 "wqmon_work_queued_total{source=\"%s\",workqueue=\"%"
			 "s\","
			 "function=\"%s\"} 1",
			 cases[i].want, cases[i].want, cases[i].want);
		if (!has_line(out, want))
			fail_msg("case %zu: no line %s", i, want);
		assert_true(has_line(out,
				     "wqmon_build_info{version=\"v\\\"1\"} 1"));
		free(out);
		wq_snapshot__free(s);
	}
}

/* Names that differ only in invalid bytes share a label value: summed. */
static void test_escape_collision(void **state)
{
	struct wq_snapshot *s = wq_snapshot__new("x");
	struct wq_metrics_source src = {"k", true, 0, s};
	struct wq_metrics_opts o = {0};
	char *out;

	(void)state;
	add(s, 0, "wq", "f\xfe", 2);
	add(s, 0, "wq", "f\xff", 3);
	out = render(&src, 1, &o);
	assert_true(has_line(out,
			     "wqmon_work_queued_total{source=\"k\","
			     "workqueue=\"wq\",function=\"f\xef\xbf\xbd\"} 5"));
	assert_int_equal(count_lines(out, "wqmon_work_queued_total{"), 1);
	free(out);
	wq_snapshot__free(s);
}

/* A function named "other" is in the fold, never a second "other". */
static void test_function_named_other(void **state)
{
	struct wq_snapshot *s = wq_snapshot__new("x");
	struct wq_metrics_source src = {"k", true, 0, s};
	struct wq_metrics_opts o = {.top_functions = 1};
	char *out;

	(void)state;
	add(s, 0, "wq", "other", 100);
	add(s, 1, "wq", "other", 100);
	add(s, 0, "wq", "f", 5);
	add(s, 0, "wq", "g", 3);
	out = render(&src, 1, &o);
	assert_true(has_line(out, "wqmon_work_queued_total{source=\"k\","
				  "workqueue=\"wq\",function=\"f\"} 5"));
	assert_true(has_line(out, "wqmon_work_queued_total{source=\"k\","
				  "workqueue=\"wq\",function=\"other\"} 203"));
	assert_int_equal(count_lines(out, "wqmon_work_queued_total{"), 2);
	free(out);
	wq_snapshot__free(s);
}

/* _sum and every duration: exact decimal seconds from nanoseconds. */
static void test_seconds(void **state)
{
	static const struct {
		uint64_t ns;
		const char *want;
	} cases[] = {
		{0, "0"},
		{1, "0.000000001"},
		{1000, "0.000001"},
		{1500000000, "1.5"},
		{2000000000, "2"},
		{123456789012ULL, "123.456789012"},
		{UINT64_MAX, "18446744073.709551615"},
	};
	struct wq_metrics_opts o = {0};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wq_snapshot *s = wq_snapshot__new("x");
		struct wq_metrics_source src = {"k", true, cases[i].ns, s};
		struct wq_series *r = add(s, 0, "wq", "f", 1);
		struct wq_pool *p = wq_snapshot__add_pool(s);
		const char *lbl =
			"{source=\"k\",workqueue=\"wq\",function=\"f\"} ";
		char want[256], *out;

		p->cpu_ns = cases[i].ns;
		p->oldest_pending_ns = cases[i].ns;
		r->sum_ns[WQ_H_LAT] = cases[i].ns;
		r->sum_ns[WQ_H_CPU] = cases[i].ns;
		out = render(&src, 1, &o);
#define CHECK(fmt, ...)                                                        \
	do {                                                                   \
		snprintf(want, sizeof(want), fmt, __VA_ARGS__);                \
		if (!has_line(out, want))                                      \
			fail_msg("case %zu: no line %s", i, want);             \
	} while (0)
		CHECK("wqmon_work_latency_seconds_sum%s%s", lbl, cases[i].want);
		CHECK("wqmon_work_cpu_seconds_total%s%s", lbl, cases[i].want);
		CHECK("wqmon_work_run_cpu_seconds_sum%s%s", lbl, cases[i].want);
		CHECK("wqmon_source_scrape_duration_seconds{source=\"k\"} %s",
		      cases[i].want);
		CHECK("wqmon_pool_cpu_seconds_total{source=\"k\",pool=\"0\","
		      "cpu=\"0\",nice=\"0\"} %s",
		      cases[i].want);
		CHECK("wqmon_pool_oldest_pending_seconds{source=\"k\",pool="
		      "\"0\","
		      "cpu=\"0\",nice=\"0\"} %s",
		      cases[i].want);
#undef CHECK
		free(out);
		wq_snapshot__free(s);
	}
}

/* Buckets: cumulative, each le a slot edge holding exactly the slots
 * below it, +Inf == _count == all values. */
static void check_buckets(const char *out, const char *fam,
			  const struct wq_hist *h)
{
	const char *p = out;
	uint64_t prev = 0, inf = UINT64_MAX;
	size_t n = 0;
	char pre[128];

	snprintf(pre, sizeof(pre), "%s_bucket{", fam);
	while ((p = strstr(p, pre))) {
		const char *le = strstr(p, "le=\"") + 4;
		uint64_t v = strtoull(strstr(le, "} ") + 2, NULL, 10);

		assert_true(v >= prev);
		prev = v;
		if (!strncmp(le, "+Inf", 4)) {
			inf = v;
		} else {
			double sec = strtod(le, NULL);
			uint64_t ns = (uint64_t)(sec * 1e9 + 0.5), want = 0;
			unsigned int k = 0, i;

			/* A power of two: a slot edge. */
			assert_true(ns && !(ns & (ns - 1)));
			while ((1ULL << k) < ns)
				k++;
			for (i = 0; i < k; i++)
				want += h->slot[i];
			assert_int_equal(v, want);
			n++;
		}
		p++;
	}
	assert_true(n >= 10 && n <= 20);
	assert_int_equal(inf, wq_hist__count(h));
	snprintf(pre, sizeof(pre), "%s_count{", fam);
	assert_int_equal(sum_of(out, pre), inf);
}

static void test_buckets(void **state)
{
	static const struct {
		unsigned int slot;
		uint64_t count;
	} cases[][4] = {
		{{0, 0}},	    {{0, 5}},
		{{8, 1}, {9, 2}},   {{12, 30}, {14, 10}, {35, 2}},
		{{34, 1}, {35, 1}}, {{1, 1}, {10, 1}, {20, 1}, {30, 1}},
	};
	struct wq_metrics_opts o = {0};
	size_t c, j;
	int k;

	(void)state;
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct wq_snapshot *s = wq_snapshot__new("x");
		struct wq_metrics_source src = {"k", true, 0, s};
		struct wq_series *r = add(s, 0, "wq", "f", 1);
		char *out;

		for (k = 0; k < WQ_H_NR; k++)
			for (j = 0; j < 4; j++)
				r->hist[k].slot[cases[c][j].slot] +=
					cases[c][j].count;
		out = render(&src, 1, &o);
		check_buckets(out, "wqmon_work_latency_seconds",
			      &r->hist[WQ_H_LAT]);
		check_buckets(out, "wqmon_work_runtime_seconds",
			      &r->hist[WQ_H_RUN]);
		check_buckets(out, "wqmon_work_run_cpu_seconds",
			      &r->hist[WQ_H_CPU]);
		free(out);
		wq_snapshot__free(s);
	}
}

/* A realistic snapshot: few workqueues, many functions, several pools,
 * plausible counts; @grow adds to every count of function @hot. */
static struct wq_snapshot *realistic(uint64_t seed, int hot, uint64_t grow)
{
	struct wq_snapshot *s = wq_snapshot__new("kernel");
	int i, pool;

	gen_seed(seed);
	for (pool = 0; pool < 4; pool++) {
		struct wq_pool *p = wq_snapshot__add_pool(s);

		p->id = pool;
		p->cpu = pool < 3 ? pool : -1;
		p->workers = 2 + pool;
		p->idle = 1;
		p->running = 1;
		p->cpu_ns = gen_below(1000000000);
	}
	for (i = 0; i < 40; i++) {
		char wq[WQ_NAME_LEN], fn[WQ_FUNC_LEN];

		snprintf(wq, sizeof(wq), "wq%d", i % 5);
		snprintf(fn, sizeof(fn), "func_%02d", i);
		for (pool = 0; pool < 4; pool += 1 + i % 2) {
			uint64_t n =
				1 + gen_below(1000) + (i == hot ? grow : 0);
			struct wq_series *r = add(s, pool, wq, fn, n);
			int k;

			r->cancelled = gen_below(3);
			for (k = 0; k < WQ_H_NR; k++) {
				r->hist[k].slot[10 + gen_below(20)] = n / 2;
				r->hist[k].slot[10 + gen_below(20)] = n - n / 2;
				r->sum_ns[k] = n * (1000 + gen_below(100000));
			}
		}
	}
	return s;
}

/* Per workqueue and family, the sum over functions is the workqueue's
 * total, and at most @cap functions per source have their own series. */
static void check_exact(const char *out, const struct wq_snapshot *s,
			size_t cap)
{
	static const char *const fams[] = {"wqmon_work_queued_total",
					   "wqmon_work_cancelled_total",
					   "wqmon_work_latency_seconds_count"};
	struct wq_series *agg;
	size_t nr, i, f;

	assert_int_equal(wq_snapshot__workqueues(s, &agg, &nr), 0);
	for (i = 0; i < nr; i++) {
		for (f = 0; f < 3; f++) {
			char pre[128];
			uint64_t want = wq_hist__count(&agg[i].hist[WQ_H_LAT]);

			if (f == 0)
				want = agg[i].queued;
			else if (f == 1)
				want = agg[i].cancelled;

			snprintf(pre, sizeof(pre),
				 "%s{source=\"kernel\",workqueue=\"%s\",",
				 fams[f], agg[i].workqueue);
			assert_int_equal(sum_of(out, pre), want);
		}
	}
	free(agg);
	i = 0;
	for (const char *p = out; (p = strstr(p, "wqmon_work_queued_total{"));
	     p++)
		i += strncmp(strstr(p, "function=\""), "function=\"other\"",
			     16) != 0;
	assert_true(i <= cap);
}

static void test_topn_exact(void **state)
{
	static const size_t tops[] = {1, 3, 10, 39, 40, 100};
	size_t t;
	int seed;

	(void)state;
	for (t = 0; t < sizeof(tops) / sizeof(tops[0]); t++) {
		for (seed = 1; seed <= 5; seed++) {
			struct wq_snapshot *s = realistic(seed, -1, 0);
			struct wq_metrics_source src = {"kernel", true, 0, s};
			struct wq_metrics_opts o = {.top_functions = tops[t]};
			char *out = render(&src, 1, &o);

			check_exact(out, s, tops[t]);
			if (tops[t] < 40)
				assert_non_null(
					strstr(out, "function=\"other\"} "));
			else
				assert_null(strstr(out, "function=\"other\""));
			free(out);
			wq_snapshot__free(s);
		}
	}
}

/* Every sample of @a that is in @b has a value there at least as large. */
static void check_monotonic(const char *a, const char *b)
{
	const char *p;

	for (p = a; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *sp = strstr(p, "} ");
		char key[1024];
		size_t n;

		if (*p == '#' || strncmp(p, "wqmon_work_", 11) || !sp)
			continue;
		n = (size_t)(sp + 2 - p);
		assert_true(n < sizeof(key));
		memcpy(key, p, n);
		key[n] = '\0';
		if (strstr(b, key)) {
			uint64_t x = value_of(a, key), y = value_of(b, key);

			if (y < x)
				fail_msg("went down: %s%" PRIu64 " -> %" PRIu64,
					 key, x, y);
		}
	}
}

/* Rows of wqmon_work_queued_total other than "other". */
static size_t shown(const char *out)
{
	return count_lines(out, "wqmon_work_queued_total{") -
	       count_lines(out, "wqmon_work_queued_total{source=\"kernel\","
				"workqueue=\"wq0\",function=\"other\"") -
	       count_lines(out, "wqmon_work_queued_total{source=\"kernel\","
				"workqueue=\"wq1\",function=\"other\"") -
	       count_lines(out, "wqmon_work_queued_total{source=\"kernel\","
				"workqueue=\"wq2\",function=\"other\"") -
	       count_lines(out, "wqmon_work_queued_total{source=\"kernel\","
				"workqueue=\"wq3\",function=\"other\"") -
	       count_lines(out, "wqmon_work_queued_total{source=\"kernel\","
				"workqueue=\"wq4\",function=\"other\"");
}

/* Three scrapes: function 39 climbs from the tail of the ranking to the
 * top, then the source restarts. */
static void test_monotonic(void **state)
{
	struct wq_metrics_state *st = wq_metrics_state__new();
	struct wq_metrics_opts o = {.top_functions = 5, .state = st};
	struct wq_snapshot *s1 = realistic(7, 39, 0);
	struct wq_snapshot *s2 = realistic(7, 39, 0);
	struct wq_snapshot *s3 = realistic(8, 39, 0);
	struct wq_metrics_source src = {"kernel", true, 0, s1};
	const char *hot = "wqmon_work_queued_total{source=\"kernel\","
			  "workqueue=\"wq4\",function=\"func_39\"} ";
	char *o1, *o2, *o2b, *o3;
	size_t i;

	(void)state;
	assert_non_null(st);
	/* s2 = s1 with more work everywhere, func_39 the most. */
	for (i = 0; i < s2->nr_series; i++) {
		struct wq_series *r = &s2->series[i];
		uint64_t more = strcmp(r->function, "func_39") ? 10 : 100000;

		r->queued += more;
		r->completed += more;
		r->hist[WQ_H_LAT].slot[20] += more;
		r->sum_ns[WQ_H_LAT] += more * 1000;
	}
	o1 = render(&src, 1, &o);
	check_exact(o1, s1, 10);
	assert_null(strstr(o1, hot));
	src.snap = s2;
	o2 = render(&src, 1, &o);
	check_exact(o2, s2, 10);
	/* func_39 has its series now: what "other" held for it at the last
	 * render stays there, the series shows the work since. */
	{
		uint64_t want = 0;

		for (i = 0; i < s2->nr_series; i++)
			if (!strcmp(s2->series[i].workqueue, "wq4") &&
			    !strcmp(s2->series[i].function, "func_39"))
				want += 100000;
		assert_true(want > 0);
		assert_int_equal(value_of(o2, hot), want);
	}
	check_monotonic(o1, o2);
	/* The same snapshot again: the same text. */
	o2b = render(&src, 1, &o);
	assert_string_equal(o2, o2b);
	/* A function new since the last render was never in "other": its
	 * series shows all of its counts at once. */
	{
		struct wq_series *r = wq_snapshot__add_series(s2);
		const char *fresh = "wqmon_work_queued_total{source=\"kernel\","
				    "workqueue=\"wq4\",function=\"brand_new\"} ";
		char *o2c;

		assert_non_null(r);
		r->pool_id = s2->series[0].pool_id;
		strcpy(r->workqueue, "wq4");
		strcpy(r->function, "brand_new");
		r->queued = r->completed = 500000;
		wq_snapshot__sort(s2);
		o2c = render(&src, 1, &o);
		check_exact(o2c, s2, 10);
		assert_int_equal(value_of(o2c, fresh), 500000);
		check_monotonic(o2, o2c);
		free(o2c);
	}
	/* A restart: counts start again, so does the membership. */
	src.snap = s3;
	o3 = render(&src, 1, &o);
	check_exact(o3, s3, 10);
	assert_int_equal(shown(o2), 6);	/* before brand_new */
	assert_int_equal(shown(o3), 5);
	free(o1);
	free(o2);
	free(o2b);
	free(o3);
	wq_snapshot__free(s1);
	wq_snapshot__free(s2);
	wq_snapshot__free(s3);
	wq_metrics_state__free(st);
}

static void test_openmetrics(void **state)
{
	struct wq_snapshot *s = basic();
	struct wq_metrics_source src = {"kernel", true, 0, s};
	struct wq_metrics_opts o = {.openmetrics = true, .version = "1"};
	char *out = render(&src, 1, &o), *none = render(NULL, 0, &o);
	size_t len = strlen(out);

	(void)state;
	assert_true(len > 6);
	assert_string_equal(out + len - 6, "# EOF\n");
	assert_int_equal(count_lines(out, "# EOF"), 1);
	/* Counter families are named without _total, their samples with. */
	assert_true(has_line(out, "# TYPE wqmon_work_queued counter"));
	assert_null(strstr(out, "_total counter"));
	assert_true(has_line(out, "# UNIT wqmon_work_latency_seconds seconds"));
	assert_true(has_line(out, "# UNIT wqmon_work_cpu_seconds seconds"));
	assert_true(has_line(out, "# TYPE wqmon_build info"));
	assert_true(has_line(out, "wqmon_build_info{version=\"1\"} 1"));
	assert_string_equal(none + strlen(none) - 6, "# EOF\n");
	free(out);
	free(none);
	wq_snapshot__free(s);
}

/* wqmon_slow_records_total: one sample per outcome while records are on,
 * no family while they are off; OpenMetrics names the family without
 * _total. */
static void test_slow_records(void **state)
{
	struct wq_snapshot *s = basic();
	struct wq_metrics_source src = {"kernel", true, 0, s};
	struct wq_metrics_opts o = {.version = "1", .slow_on = true,
				    .slow_kept = 5, .slow_under = 2,
				    .slow_dropped = 40};
	char *out = render(&src, 1, &o), *om, *off;

	(void)state;
	assert_true(has_line(out, "# TYPE wqmon_slow_records_total counter"));
	assert_true(has_line(out, "wqmon_slow_records_total{source=\"kernel\","
			     "outcome=\"kept\"} 5"));
	assert_true(has_line(out, "wqmon_slow_records_total{source=\"kernel\","
			     "outcome=\"under_rules\"} 2"));
	assert_true(has_line(out, "wqmon_slow_records_total{source=\"kernel\","
			     "outcome=\"dropped\"} 40"));
	o.openmetrics = true;
	om = render(&src, 1, &o);
	assert_true(has_line(om, "# TYPE wqmon_slow_records counter"));
	assert_true(has_line(om, "wqmon_slow_records_total{source=\"kernel\","
			     "outcome=\"dropped\"} 40"));
	o.openmetrics = false;
	o.slow_on = false;
	off = render(&src, 1, &o);
	assert_null(strstr(off, "wqmon_slow_records"));
	free(out);
	free(om);
	free(off);
	wq_snapshot__free(s);
}

static void test_sources(void **state)
{
	struct wq_snapshot *empty = wq_snapshot__new("e");
	struct wq_snapshot *b = basic();
	struct wq_metrics_source src[] = {
		{"empty", true, 5, empty},
		{"down", false, 7, NULL},
		{"basic", true, 0, b},
	};
	struct wq_metrics_opts o = {0};
	char *out = render(src, 3, &o);

	(void)state;
	assert_true(has_line(out, "wqmon_source_up{source=\"empty\"} 1"));
	assert_true(has_line(out, "wqmon_source_up{source=\"down\"} 0"));
	assert_true(has_line(out, "wqmon_source_scrape_duration_seconds"
				  "{source=\"down\"} 0.000000007"));
	assert_true(has_line(out, "wqmon_events_dropped_total"
				  "{source=\"empty\",table=\"pending\"} 0"));
	/* A source that is down has no data, not zeros. */
	assert_int_equal(count_lines(out, "wqmon_events_dropped_total"
					  "{source=\"down\""),
			 0);
	assert_null(strstr(out, "{source=\"down\",pool"));
	assert_null(strstr(out, "{source=\"empty\",workqueue"));
	assert_int_equal(
		count_lines(out, "wqmon_work_queued_total{source=\"basic\""),
		2);
	free(out);
	wq_snapshot__free(empty);
	wq_snapshot__free(b);
}

/* Many sources: each family's header once, its samples together. */
static void test_many_sources(void **state)
{
	struct wq_metrics_source src[32];
	struct wq_snapshot *s[32];
	struct wq_metrics_opts o = {.top_functions = 3};
	char names[32][16], *out;
	const char *p, *last = "";
	size_t i;

	(void)state;
	for (i = 0; i < 32; i++) {
		s[i] = realistic(i + 1, -1, 0);
		snprintf(names[i], sizeof(names[i]), "refwq:%zu", i);
		src[i] = (struct wq_metrics_source){names[i], i % 3 != 1, i,
						    i % 3 == 1 ? NULL : s[i]};
	}
	out = render(src, 32, &o);
	assert_int_equal(count_lines(out, "wqmon_source_up{"), 32);
	/* Each family: exactly one TYPE line, before all its samples. */
	for (p = out; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		char name[128];

		if (strncmp(p, "# TYPE ", 7))
			continue;
		sscanf(p + 7, "%127s", name);
		assert_true(strcmp(name, last) != 0);
		{
			char pre[160];

			snprintf(pre, sizeof(pre), "# TYPE %s ", name);
			assert_int_equal(count_lines(out, pre), 1);
		}
		last = p;
	}
	/* 21 of the 32 are up. */
	assert_int_equal(count_lines(out, "wqmon_pool_workers{"), 4 * 21);
	free(out);
	for (i = 0; i < 32; i++)
		wq_snapshot__free(s[i]);
}

static void test_bad_args(void **state)
{
	struct wq_snapshot *s = basic();
	struct wq_metrics_source src[] = {
		{"same", true, 0, s},
		{"same", true, 0, s},
	};
	struct wq_metrics_opts o = {0};
	int ret;
	char *out = render_ret(src, 2, &o, &ret);

	(void)state;
	assert_int_equal(ret, -EINVAL);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(wq_metrics__render(NULL, src, 1, &o), -EINVAL);
	out = render_ret(src, 1, NULL, &ret);
	assert_int_equal(ret, -EINVAL);
	free(out);
	wq_snapshot__free(s);
}

/* Every allocation failing in turn: -ENOMEM, nothing written, nothing
 * leaked, the state still good for the next scrape. */
static void test_nomem(void **state)
{
	struct wq_metrics_state *st = wq_metrics_state__new();
	struct wq_snapshot *s = realistic(3, -1, 0);
	struct wq_metrics_source src[] = {{"kernel", true, 0, s},
					  {"down", false, 0, NULL}};
	struct wq_metrics_opts o = {.top_functions = 4, .state = st};
	char *want, *out;
	long n, before;
	int ret, pass;

	(void)state;
	{
		struct wq_metrics_opts plain = {.top_functions = 4};

		want = render(src, 2, &plain);
	}
	for (pass = 0; pass < 2; pass++) {
		for (n = 0;; n++) {
			char *buf = NULL;
			size_t len = 0;
			FILE *f;

			before = live;
			f = open_memstream(&buf, &len);
			assert_non_null(f);
			armed = true;
			countdown = n;
			ret = wq_metrics__render(
				f, src, 2,
				pass ? &o
				     : &(struct wq_metrics_opts){
					       .top_functions = 4});
			armed = false;
			fclose(f);
			if (!ret) {
				out = buf;
				break;
			}
			assert_int_equal(ret, -ENOMEM);
			assert_int_equal(len, 0);
			free(buf);
			/* The state may keep what it grew. */
			if (!pass)
				assert_int_equal(live, before);
		}
		assert_true(n > 0);
		assert_string_equal(out, want);
		free(out);
	}
	free(want);
	wq_metrics_state__free(st);
	wq_snapshot__free(s);
}

/* Run `promtool check metrics` on @text; it must say nothing. */
static void promtool(const char *text)
{
	char path[] = "/tmp/wqmon-metrics-XXXXXX", cmd[256], msg[4096];
	int fd = mkstemp(path), status;
	size_t len = strlen(text), got;
	FILE *p;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	snprintf(cmd, sizeof(cmd), "promtool check metrics < %s 2>&1", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	got = fread(msg, 1, sizeof(msg) - 1, p);
	msg[got] = '\0';
	status = pclose(p);
	unlink(path);
	if (status || got)
		fail_msg("promtool check metrics (status %d): %s", status, msg);
}

static void test_promtool(void **state)
{
	struct wq_metrics_state *st = wq_metrics_state__new();
	struct wq_snapshot *s[4];
	struct wq_metrics_source src[4] = {
		{"kernel", true, 1200000, NULL},
		{"refwq:odd \"name\"\n\xff", true, 300000, NULL},
		{"refwq:big", true, 0, NULL},
		{"kmod", false, 0, NULL},
	};
	/* Work on isolated CPUs, one name hostile. */
	static const struct wq_metrics_isolated iso[] = {
		{ 6, false, "events", "aio_fsync_work", 50000, 37689112 },
		{ 8, true, "odd \"wq\"\n", "fn\xff", 1, 1 },
	};
	struct wq_metrics_opts o = {.top_functions = 8, .version = "0.1.0",
				    .isolated_cpus = "1,3-5", .isolated = iso,
				    .nr_isolated = 2, .slow_on = true,
				    .slow_kept = 12, .slow_under = 3,
				    .slow_dropped = UINT64_MAX};
	char *out;
	int round;

	(void)state;
	/* Missing promtool is a failure: the check is the point. */
	if (system("command -v promtool >/dev/null 2>&1"))
		fail_msg("promtool not found: install the 'prometheus' package "
			 "(scripts/deps.sh)");
	s[0] = realistic(11, -1, 0);
	/* Hostile names (spaces, quotes, control and invalid bytes) and
	 * values up to UINT64_MAX. */
	s[1] = wq_snapshot__new("x");
	gen_seed(12);
	assert_int_equal(gen_snapshot(s[1], 20, 300, 0), 0);
	s[2] = wq_snapshot__new("x");
	gen_seed(13);
	assert_int_equal(gen_snapshot(s[2], 64, 2000, 0), 0);
	s[3] = NULL;
	for (round = 0; round < 3; round++) {
		size_t i;

		for (i = 0; i < 4; i++)
			src[i].snap = s[i];
		o.state = round ? st : NULL;
		out = render(src, 4, &o);
		promtool(out);
		assert_non_null(strstr(out, "wqmon_isolated_cpu_work_items_total{"
				       "source=\"kernel\",cpus=\"1,3-5\",pool=\"6\","
				       "workqueue=\"events\",function=\"aio_fsync_work\","
				       "kind=\"per-cpu\"} 50000\n"));
		assert_non_null(strstr(out, "wqmon_isolated_cpu_work_run_seconds_total{"
				       "source=\"kernel\",cpus=\"1,3-5\",pool=\"6\","
				       "workqueue=\"events\",function=\"aio_fsync_work\","
				       "kind=\"per-cpu\"} 0.037689112\n"));
		free(out);
	}
	for (round = 0; round < 3; round++)
		wq_snapshot__free(s[round]);
	wq_metrics_state__free(st);
}

/* ---- queuers ---- */

static struct wq_queuer *addq(struct wq_snapshot *s, int32_t pool,
			      const char *wq, const char *fn,
			      enum wq_qctx ctx, const char *comm,
			      uint64_t cg_id, const char *cg, uint64_t queued,
			      uint64_t cpu_ns)
{
	struct wq_queuer *q = wq_snapshot__add_queuer(s);

	assert_non_null(q);
	q->pool_id = pool;
	strcpy(q->workqueue, wq);
	strcpy(q->function, fn);
	q->ctx = ctx;
	strcpy(q->comm, comm);
	q->tgid = 100 + (int32_t)queued;
	q->cgroup_id = cg_id;
	strcpy(q->cgroup, cg);
	q->queued = queued;
	q->started = queued;
	q->completed = queued;
	q->lat_ns = 1000 * queued;
	q->run_ns = 2000 * queued;
	q->cpu_ns = cpu_ns;
	return q;
}

#define QQ "wqmon_queuer_work_queued_total{source=\"kernel\",workqueue=\"events\",function=\"fn\","

/* Every wqmon_queuer_ sample of @a is in @b, and not lower. */
static void check_queuers_monotonic(const char *a, const char *b)
{
	const char *p;

	for (p = a; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *sp = strstr(p, "} ");
		char key[1024];
		double x, y;
		size_t n;

		if (strncmp(p, "wqmon_queuer_", 13) || !sp ||
		    !strncmp(p, "wqmon_queuer_rows", 17))
			continue;
		n = (size_t)(sp + 2 - p);
		assert_true(n < sizeof(key));
		memcpy(key, p, n);
		key[n] = '\0';
		if (!strstr(b, key))
			fail_msg("no longer exported: %s", key);
		x = strtod(strstr(a, key) + n, NULL);
		y = strtod(strstr(b, key) + n, NULL);
		if (y < x)
			fail_msg("went down: %s%g -> %g", key, x, y);
	}
}

/* Five queuers for three series: the three heaviest by kworker CPU get
 * series, the other two are one context="other" series; then a heavier
 * newcomer and a folded queuer that becomes the heaviest stay folded,
 * and every counter only grows. */
static void test_queuers_cap(void **state)
{
	struct wq_metrics_queuers *q = wq_metrics_queuers__new(3);
	struct wq_metrics_opts o = { .queuers = q };
	struct wq_snapshot *s = wq_snapshot__new("kernel");
	struct wq_metrics_source src = { "kernel", true, 0, s };
	char *o1, *o2, *o3;

	(void)state;
	assert_non_null(q);
	addq(s, 0, "events", "fn", WQ_QCTX_TASK, "a", 1, "/a.slice", 10, 500);
	addq(s, 0, "events", "fn", WQ_QCTX_TASK, "b", 1, "/a.slice", 20, 400);
	addq(s, 0, "events", "fn", WQ_QCTX_TASK, "c", 2, "/c.slice", 30, 300);
	addq(s, 0, "events", "fn", WQ_QCTX_TASK, "d", 2, "/c.slice", 40, 200);
	addq(s, 0, "events", "fn", WQ_QCTX_SOFTIRQ, "", 0, "", 50, 100);
	o1 = render(&src, 1, &o);
	assert_true(has_line(o1, QQ "context=\"task\",comm=\"a\","
				 "cgroup=\"/a.slice\"} 10"));
	assert_true(has_line(o1, QQ "context=\"task\",comm=\"b\","
				 "cgroup=\"/a.slice\"} 20"));
	assert_true(has_line(o1, QQ "context=\"task\",comm=\"c\","
				 "cgroup=\"/c.slice\"} 30"));
	/* d (cpu 200 ns) and the softirq queuer (100 ns) are folded. */
	assert_true(has_line(o1, QQ "context=\"other\",comm=\"other\","
				 "cgroup=\"\"} 90"));
	assert_int_equal(count_lines(o1, "wqmon_queuer_work_queued_total{"), 4);
	assert_true(has_line(o1, "wqmon_queuer_kworker_cpu_seconds_total{"
				 "source=\"kernel\",workqueue=\"events\","
				 "function=\"fn\",context=\"other\","
				 "comm=\"other\",cgroup=\"\"} 0.0000003"));
	assert_true(has_line(o1, "wqmon_queuer_wait_seconds_total{"
				 "source=\"kernel\",workqueue=\"events\","
				 "function=\"fn\",context=\"task\",comm=\"a\","
				 "cgroup=\"/a.slice\"} 0.00001"));
	assert_true(has_line(o1, "wqmon_queuer_rows{source=\"kernel\","
				 "state=\"exported\"} 3"));
	assert_true(has_line(o1, "wqmon_queuer_rows{source=\"kernel\","
				 "state=\"folded\"} 2"));
	assert_true(has_line(o1, "wqmon_queuer_series_limit 3"));
	promtool(o1);

	/* A newcomer heavier than all, and d now the heaviest: the list
	 * is full, both stay in "other". */
	s->queuers[3].cpu_ns = 100000;
	s->queuers[3].queued += 5;
	addq(s, 0, "events", "fn", WQ_QCTX_TASK, "e", 3, "/e.slice", 7,
	     1000000);
	o2 = render(&src, 1, &o);
	assert_true(has_line(o2, QQ "context=\"other\",comm=\"other\","
				 "cgroup=\"\"} 102"));
	assert_int_equal(count_lines(o2, "wqmon_queuer_work_queued_total{"), 4);
	check_queuers_monotonic(o1, o2);

	/* Everyone grows: so does every series. */
	for (size_t i = 0; i < s->nr_queuers; i++) {
		s->queuers[i].queued += 3;
		s->queuers[i].cpu_ns += 7;
		s->queuers[i].lat_ns += 11;
	}
	o3 = render(&src, 1, &o);
	check_queuers_monotonic(o2, o3);
	assert_true(has_line(o3, QQ "context=\"task\",comm=\"a\","
				 "cgroup=\"/a.slice\"} 13"));
	assert_true(has_line(o3, QQ "context=\"other\",comm=\"other\","
				 "cgroup=\"\"} 111"));
	free(o1);
	free(o2);
	free(o3);
	wq_metrics_queuers__free(q);
	wq_snapshot__free(s);
}

/* Rows of one label set are one series (pools, cgroup ids of one path);
 * unattributed rows are "other" even with room; the list is shared by
 * the sources, first come, first kept; without a list, no families. */
static void test_queuers_merge(void **state)
{
	struct wq_metrics_queuers *q = wq_metrics_queuers__new(3);
	struct wq_metrics_opts o = { .queuers = q, .openmetrics = true };
	struct wq_snapshot *k = wq_snapshot__new("kernel");
	struct wq_snapshot *r = wq_snapshot__new("refwq:demo");
	struct wq_metrics_source src[] = { { "kernel", true, 0, k },
					   { "refwq:demo", true, 0, r } };
	char *out;

	(void)state;
	addq(k, 0, "events", "fn", WQ_QCTX_TASK, "fio", 5, "/t.slice", 10, 1);
	addq(k, 2, "events", "fn", WQ_QCTX_TASK, "fio", 5, "/t.slice", 20, 1);
	/* The cgroup was made again (a service restart): a new id. */
	addq(k, 2, "events", "fn", WQ_QCTX_TASK, "fio", 9, "/t.slice", 30, 1);
	addq(k, 0, "events", "fn", WQ_QCTX_OTHER, "", 0, "", 4, 0);
	addq(k, 0, "events", "fn", WQ_QCTX_HARDIRQ, "", 0, "", 6, 0);
	out = render(src, 1, &o);
	assert_true(has_line(out, QQ "context=\"task\",comm=\"fio\","
				  "cgroup=\"/t.slice\"} 60"));
	assert_true(has_line(out, QQ "context=\"hardirq\",comm=\"\","
				  "cgroup=\"\"} 6"));
	assert_true(has_line(out, QQ "context=\"other\",comm=\"other\","
				  "cgroup=\"\"} 4"));
	assert_true(has_line(out, "wqmon_queuer_rows{source=\"kernel\","
				  "state=\"folded\"} 0"));
	assert_true(has_line(out, "# UNIT wqmon_queuer_wait_seconds seconds"));
	free(out);
	o.openmetrics = false;

	/* One place left: refwq:demo's heavier queuer takes it. */
	addq(r, -1, "demo", "work_a", WQ_QCTX_TASK, "w1", 0, "", 5, 10);
	addq(r, -1, "demo", "work_a", WQ_QCTX_TASK, "w2", 0, "", 9, 20);
	src[1].snap = r;
	out = render(src, 2, &o);
	assert_true(strstr(out, "{source=\"refwq:demo\",workqueue=\"demo\","
				"function=\"work_a\",context=\"task\","
				"comm=\"w2\",cgroup=\"\"} 9\n"));
	assert_true(strstr(out, "{source=\"refwq:demo\",workqueue=\"demo\","
				"function=\"work_a\",context=\"other\","
				"comm=\"other\",cgroup=\"\"} 5\n"));
	assert_true(has_line(out, "wqmon_queuer_rows{source=\"refwq:demo\","
				  "state=\"exported\"} 1"));
	promtool(out);
	free(out);

	/* Down, the kernel keeps its places. */
	src[0].snap = NULL;
	src[0].up = false;
	out = render(src, 2, &o);
	assert_null(strstr(out, "source=\"kernel\",workqueue"));
	src[0].snap = k;
	src[0].up = true;
	free(out);
	out = render(src, 2, &o);
	assert_true(has_line(out, QQ "context=\"task\",comm=\"fio\","
				  "cgroup=\"/t.slice\"} 60"));
	free(out);

	o.queuers = NULL;
	out = render(src, 2, &o);
	assert_null(strstr(out, "wqmon_queuer"));
	free(out);
	assert_null(wq_metrics_queuers__new(0));
	wq_metrics_queuers__free(q);
	wq_snapshot__free(k);
	wq_snapshot__free(r);
}

/* Hostile names and values: promtool is content, each label set is one
 * series (no duplicates), and a failed allocation writes nothing. */
static void test_queuers_hostile(void **state)
{
	struct wq_metrics_queuers *q = wq_metrics_queuers__new(50);
	struct wq_metrics_opts o = { .queuers = q };
	struct wq_snapshot *s = wq_snapshot__new("kernel");
	struct wq_metrics_source src = { "kernel", true, 0, s };
	char *out;
	long n;

	(void)state;
	gen_seed(41);
	for (int i = 0; i < 200; i++) {
		char wq[WQ_NAME_LEN], fn[WQ_FUNC_LEN], comm[WQ_COMM_LEN],
			cg[WQ_CGROUP_LEN];

		gen_name(wq, 4);
		gen_name(fn, 4);
		gen_name(comm, sizeof(comm));
		gen_name(cg, 8);
		addq(s, (int32_t)gen_below(3), wq, fn,
		     (enum wq_qctx)gen_below(WQ_QCTX_NR), comm, gen_below(4), cg,
		     gen_value(), gen_value());
	}
	out = render(&src, 1, &o);
	promtool(out);
	assert_int_equal(value_of(out, "wqmon_queuer_rows{source=\"kernel\","
				       "state=\"exported\"} "), 50);
	free(out);
	for (n = 0;; n++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		int ret;

		assert_non_null(f);
		armed = true;
		countdown = n;
		ret = wq_metrics__render(f, &src, 1, &o);
		armed = false;
		fclose(f);
		free(buf);
		if (!ret)
			break;
		assert_int_equal(ret, -ENOMEM);
		assert_int_equal(len, 0);
	}
	assert_true(n > 0);
	wq_metrics_queuers__free(q);
	wq_snapshot__free(s);
}

/* Thirty scrapes of a growing host: queuers appear (some in a burst past
 * the limit), every row's counts grow, a source goes down and back.  At
 * every scrape: no queuer counter went down or vanished, at most the limit
 * of label sets are exported, and each function's queuer series add up to
 * its rows' items exactly. */
static void test_queuers_property(void **state)
{
	struct wq_metrics_queuers *q = wq_metrics_queuers__new(40);
	struct wq_metrics_opts o = { .queuers = q };
	struct wq_snapshot *s = wq_snapshot__new("kernel");
	struct wq_metrics_source src = { "kernel", true, 0, s };
	static const char *const fns[] = { "fa", "fb", "fc" };
	char *prev = NULL, *out;

	(void)state;
	gen_seed(77);
	for (int round = 0; round < 30; round++) {
		size_t fresh = round == 5 ? 60 : gen_below(4);
		uint64_t want[3] = { 0 };

		for (size_t i = 0; i < fresh; i++) {
			char comm[WQ_COMM_LEN], cg[16];

			snprintf(comm, sizeof(comm), "p%d_%zu", round, i);
			snprintf(cg, sizeof(cg), "/s%d.slice",
				 (int)gen_below(5));
			addq(s, (int32_t)gen_below(4), "events",
			     fns[gen_below(3)],
			     (enum wq_qctx)gen_below(WQ_QCTX_NR), comm,
			     gen_below(5), cg, gen_below(100), gen_below(1000));
		}
		for (size_t i = 0; i < s->nr_queuers; i++) {
			struct wq_queuer *r = &s->queuers[i];
			uint64_t d = gen_below(50);

			r->queued += d;
			r->started += d;
			r->lat_ns += gen_below(1000);
			r->cpu_ns += gen_below(1000);
			for (int f = 0; f < 3; f++)
				if (!strcmp(r->function, fns[f]))
					want[f] += r->queued;
		}
		src.snap = round == 12 ? NULL : s;
		src.up = round != 12;
		out = render(&src, 1, &o);
		if (round == 12) {
			assert_null(strstr(out, "wqmon_queuer_work_queued_total{"));
			free(out);
			continue;
		}
		assert_true(value_of(out, "wqmon_queuer_rows{source=\"kernel\","
					  "state=\"exported\"} ") <= 40);
		for (int f = 0; f < 3; f++) {
			char pre[160];

			snprintf(pre, sizeof(pre),
				 "wqmon_queuer_work_queued_total{source="
				 "\"kernel\",workqueue=\"events\",function="
				 "\"%s\",", fns[f]);
			assert_int_equal(sum_of(out, pre), want[f]);
		}
		if (prev)
			check_queuers_monotonic(prev, out);
		free(prev);
		prev = out;
	}
	/* The burst filled the list: later newcomers are folded. */
	assert_true(value_of(prev, "wqmon_queuer_rows{source=\"kernel\","
				   "state=\"folded\"} ") > 0);
	promtool(prev);
	free(prev);
	wq_metrics_queuers__free(q);
	wq_snapshot__free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_prom),
		cmocka_unit_test(test_golden_openmetrics),
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_escape_collision),
		cmocka_unit_test(test_function_named_other),
		cmocka_unit_test(test_seconds),
		cmocka_unit_test(test_buckets),
		cmocka_unit_test(test_topn_exact),
		cmocka_unit_test(test_monotonic),
		cmocka_unit_test(test_openmetrics),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_many_sources),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_nomem),
		cmocka_unit_test(test_promtool),
		cmocka_unit_test(test_slow_records),
		cmocka_unit_test(test_queuers_cap),
		cmocka_unit_test(test_queuers_merge),
		cmocka_unit_test(test_queuers_hostile),
		cmocka_unit_test(test_queuers_property),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
