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
#include "fixture.h"
#include "text.h"
#include "snapgen.h"
#include "queuergen.h"

#ifndef FIXTURES
#define FIXTURES "tests/unit/fixtures"
#endif

static char *render(const struct wq_snapshot *s, const struct wq_text_opts *o,
		    size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	assert_non_null(f);
	assert_int_equal(wq_text__render(s, f, o), 0);
	assert_int_equal(fclose(f), 0);
	if (len)
		*len = n;
	return buf;
}

static char *slurp(const char *path, size_t *len)
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
	*len = n;
	return buf;
}

/* Golden file: the whole layout, checked by hand once (lat p50 of 30
 * values in [4096, 8192) and 10 in [16384, 32768) is rank 20: 4096 + 4096
 * * 20 / 30 = 6826 ns; p99 is rank 40, 32768, clamped to the max 25000). */
static void test_golden(void **state)
{
	struct wq_snapshot *s = fixture_basic();
	size_t len, glen;
	char *out = render(s, NULL, &len);
	char *golden = slurp(FIXTURES "/text_basic.txt", &glen);

	(void)state;
	if (len != glen || memcmp(out, golden, len)) {
		fprintf(stderr, "# got:\n%s", out);
		fail_msg("render differs from " FIXTURES "/text_basic.txt");
	}
	assert_non_null(strstr(out, "time=2025-11-23T18:36:10.123456789Z"));
	assert_non_null(strstr(out, " interval_us=2000000.000\n"));
	assert_non_null(strstr(out, "       6.826      25.000      25.000"));
	assert_non_null(strstr(out, "\nflush\\040to\\040ldisc "));
	/* 40 queued in 2 s; 7 in 2 s */
	assert_non_null(strstr(out, "      20.0 "));
	assert_non_null(strstr(out, "       3.5 "));
	free(out);
	free(golden);
	wq_snapshot__free(s);
}

static void roundtrip(const struct wq_snapshot *orig,
		      const struct wq_text_opts *o)
{
	struct wq_snapshot *back = wq_snapshot__new("x");
	struct wq_snapshot *sorted = wq_snapshot__new("x");
	char err[256];
	size_t len, len2, i;
	char *text = render(orig, o, &len), *text2;
	int ret;

	ret = wq_text__parse(back, text, len, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s", text);
		fail_msg("parse: %d: %s", ret, err);
	}
	/* Every field of every row but func_addr, in canonical order. */
	assert_int_equal(wq_snapshot__copy(sorted, orig), 0);
	for (i = 0; i < sorted->nr_series; i++)
		sorted->series[i].func_addr = 0;
	wq_snapshot__sort(sorted);
	if (snap_cmp(sorted, back, 0))
		fail_msg("parsed snapshot differs from the rendered one");

	text2 = render(back, o, &len2);
	if (len != len2 || memcmp(text, text2, len))
		fail_msg("render -> parse -> render is not byte-identical");
	free(text);
	free(text2);
	wq_snapshot__free(back);
	wq_snapshot__free(sorted);
}

/* A configuration with every kind of field: none, odd names, limits. */
static void gen_config(struct wq_config *c)
{
	size_t i, j;

	memset(c, 0, sizeof(*c));
	c->nr_cpus = 1 + (int)gen_below(4);
	c->complete = gen_below(2);
	c->time_ns = gen_u64();
	gen_name(c->cpumask_requested, sizeof(c->cpumask_requested));
	strcpy(c->cpumask_effective, gen_below(2) ? "0-3,8" : "");
	gen_name(c->cpumask_isolated, sizeof(c->cpumask_isolated));
	gen_name(c->default_affinity_scope, sizeof(c->default_affinity_scope));
	c->wqs_dropped = gen_below(3) ? 0 : (unsigned)gen_u64();
	c->pwqs_dropped = (unsigned)gen_below(3);
	c->pools_dropped = gen_below(3) ? 0 : UINT32_MAX;
	c->nr_wqs = gen_below(6);
	c->wqs = calloc(c->nr_wqs + 1, sizeof(*c->wqs));
	assert_non_null(c->wqs);
	for (i = 0; i < c->nr_wqs; i++) {
		struct wq_cfg_wq *w = &c->wqs[i];

		gen_name(w->name, sizeof(w->name));
		if (!w->name[0])
			strcpy(w->name, "events");
		w->flags = (unsigned)gen_below(1u << WQ_CFG_NR_FLAGS);
		w->max_active = gen_below(4) ? (int)gen_below(1000) : INT32_MAX;
		w->saved_max_active =
			gen_below(4) ? (int)gen_below(1000) : INT32_MAX;
		w->min_active = gen_below(2) ? WQ_CFG_NONE : (int)gen_below(9);
		w->active = (int)gen_below(100);
		w->rescuer = gen_below(2);
		w->nice = gen_below(2) ? WQ_CFG_NONE : (int)gen_below(40) - 20;
		gen_name(w->cpus, sizeof(w->cpus));
		gen_name(w->affinity_scope, sizeof(w->affinity_scope));
		w->affinity_strict = (int)gen_below(3) - 1;
		w->default_pool =
			gen_below(2) ? WQ_CFG_NONE : (int)gen_below(100);
		w->nr_pools = gen_below(4);
		w->pools = calloc(w->nr_pools + 1, sizeof(int));
		w->cpu_pool = calloc((size_t)c->nr_cpus, sizeof(int));
		assert_non_null(w->pools);
		assert_non_null(w->cpu_pool);
		for (j = 0; j < w->nr_pools; j++)
			w->pools[j] = (int)gen_below(100);
		for (j = 0; j < (size_t)c->nr_cpus; j++)
			w->cpu_pool[j] = gen_below(3) ? (int)gen_below(100)
						      : WQ_CFG_NONE;
		w->pwqs_dropped = (unsigned)gen_below(2);
	}
	c->nr_pools = gen_below(6);
	c->pools = calloc(c->nr_pools + 1, sizeof(*c->pools));
	assert_non_null(c->pools);
	for (i = 0; i < c->nr_pools; i++) {
		struct wq_cfg_pool *p = &c->pools[i];

		p->id = (int)gen_below(1000);
		p->cpu = gen_below(2) ? -1 : (int)gen_below(8);
		p->node = (int)gen_below(4) - 1;
		p->nice = gen_below(4) ? (int)gen_below(40) - 20 : WQ_CFG_NONE;
		p->bh = gen_below(2);
		gen_name(p->cpus, sizeof(p->cpus));
		p->workers = (int)gen_below(50);
		p->idle = (int)gen_below(50);
		p->running = gen_below(5) ? 0 : INT32_MAX;
	}
}

/* Return: 0 when @a and @b hold the same configuration. */
static int config_cmp(const struct wq_config *a, const struct wq_config *b)
{
	size_t i;

	if (a->nr_cpus != b->nr_cpus || a->complete != b->complete ||
	    a->time_ns != b->time_ns ||
	    strcmp(a->cpumask_requested, b->cpumask_requested) ||
	    strcmp(a->cpumask_effective, b->cpumask_effective) ||
	    strcmp(a->cpumask_isolated, b->cpumask_isolated) ||
	    strcmp(a->default_affinity_scope, b->default_affinity_scope) ||
	    a->wqs_dropped != b->wqs_dropped ||
	    a->pwqs_dropped != b->pwqs_dropped ||
	    a->pools_dropped != b->pools_dropped || a->nr_wqs != b->nr_wqs ||
	    a->nr_pools != b->nr_pools) {
		fprintf(stderr, "# differs: the system line or the counts\n");
		return 1;
	}
	for (i = 0; i < a->nr_wqs; i++) {
		const struct wq_cfg_wq *x = &a->wqs[i], *y = &b->wqs[i];

		if (strcmp(x->name, y->name) || x->flags != y->flags ||
		    x->max_active != y->max_active ||
		    x->saved_max_active != y->saved_max_active ||
		    x->min_active != y->min_active || x->active != y->active ||
		    x->rescuer != y->rescuer || x->nice != y->nice ||
		    strcmp(x->cpus, y->cpus) ||
		    strcmp(x->affinity_scope, y->affinity_scope) ||
		    x->affinity_strict != y->affinity_strict ||
		    x->default_pool != y->default_pool ||
		    x->nr_pools != y->nr_pools ||
		    x->pwqs_dropped != y->pwqs_dropped ||
		    (x->nr_pools &&
		     memcmp(x->pools, y->pools, x->nr_pools * sizeof(int))) ||
		    memcmp(x->cpu_pool, y->cpu_pool,
			   (size_t)a->nr_cpus * sizeof(int))) {
			fprintf(stderr, "# differs: workqueue %zu\n", i);
			return 1;
		}
	}
	for (i = 0; i < a->nr_pools; i++) {
		const struct wq_cfg_pool *x = &a->pools[i], *y = &b->pools[i];

		if (x->id != y->id || x->cpu != y->cpu || x->node != y->node ||
		    x->nice != y->nice || x->bh != y->bh ||
		    strcmp(x->cpus, y->cpus) || x->workers != y->workers ||
		    x->idle != y->idle || x->running != y->running) {
			fprintf(stderr,
				"# differs: pool %zu: %d/%d %d/%d %d/%d "
				"%d/%d %d/%d '%s'/'%s'\n",
				i, x->id, y->id, x->cpu, y->cpu, x->node,
				y->node, x->nice, y->nice, x->bh, y->bh,
				x->cpus, y->cpus);
			return 1;
		}
	}
	return 0;
}

/* render -> parse -> render with the v3 sections: the queuer rows (in
 * canonical order) and the configuration come back, and the text is
 * byte-identical. */
static void roundtrip_v3(const struct wq_snapshot *orig,
			 const struct wq_config *cfg)
{
	struct wq_snapshot *back = wq_snapshot__new("x");
	struct wq_snapshot *sorted = wq_snapshot__new("x");
	struct wq_text_opts o = {.config = cfg};
	struct wq_config got = {.nr_cpus = 7};
	size_t len, len2;
	char *text = render(orig, &o, &len), *text2, err[256];
	bool v3 = orig->nr_queuers || cfg;
	int ret;

	assert_int_equal(
		strncmp(text,
			v3 ? "wqmon-workqueues v3 " : "wqmon-workqueues v2 ",
			20),
		0);
	ret = wq_text__parse_config(back, &got, text, len, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "%s", text);
		fail_msg("parse: %d: %s", ret, err);
	}
	assert_int_equal(wq_snapshot__copy(sorted, orig), 0);
	wq_snapshot__sort(sorted);
	if (queuers_cmp(sorted, back))
		fail_msg("parsed queuers differ from the rendered ones");
	if (cfg ? config_cmp(cfg, &got) : got.nr_cpus != 0)
		fail_msg("parsed configuration differs");
	o.config = cfg ? &got : NULL;
	text2 = render(back, &o, &len2);
	if (len != len2 || memcmp(text, text2, len)) {
		fprintf(stderr, "%s---\n%s", text, text2);
		fail_msg("render -> parse -> render is not byte-identical");
	}
	free(text);
	free(text2);
	wq_config__free(&got);
	wq_snapshot__free(back);
	wq_snapshot__free(sorted);
}

static void test_roundtrip_v3(void **state)
{
	int seed;

	(void)state;
	for (seed = 1; seed <= 60; seed++) {
		struct wq_snapshot *s = wq_snapshot__new("k");
		struct wq_config cfg;

		gen_seed((uint64_t)seed * 104729);
		assert_int_equal(
			gen_snapshot(s, 3, (size_t)seed % 13, seed & 1), 0);
		assert_int_equal(gen_queuers(s, (size_t)seed % 4 * 5), 0);
		gen_config(&cfg);
		roundtrip_v3(s, seed % 3 ? &cfg : NULL);
		/* The plain parser reads a v3 view too (config skipped). */
		roundtrip(s, NULL);
		wq_config__free(&cfg);
		wq_snapshot__free(s);
	}
}

/* The golden v3 view: the basic fixture with who queued and a small
 * configuration (docs/FORMAT.md shows it). */
static void fixture_v3(struct wq_snapshot *s, struct wq_config *c)
{
	static int events_cpu[] = {0, 2}, events_pools[] = {0, 2};
	static int unbound_cpu[] = {16, 16}, unbound_pools[] = {16};
	struct wq_queuer *q;

	q = wq_snapshot__add_queuer(s);
	strcpy(q->workqueue, "events");
	strcpy(q->function, "vmstat_update");
	q->ctx = WQ_QCTX_TASK;
	strcpy(q->comm, "fio");
	q->tgid = 1234;
	q->cgroup_id = 5678;
	strcpy(q->cgroup, "/wqmon-test.slice");
	q->queued = q->started = q->completed = 30;
	q->lat_ns = 150000;
	q->run_ns = 90000;
	q->cpu_ns = 81000;
	q = wq_snapshot__add_queuer(s);
	strcpy(q->workqueue, "events");
	strcpy(q->function, "vmstat_update");
	q->ctx = WQ_QCTX_HARDIRQ;
	q->queued = q->started = q->completed = 10;
	q->lat_ns = 150000;
	q->run_ns = 30000;
	q->cpu_ns = 29000;
	q = wq_snapshot__add_queuer(s);
	q->pool_id = 16;
	strcpy(q->workqueue, "events_unbound");
	strcpy(q->function, "flush to ldisc");
	q->ctx = WQ_QCTX_TASK;
	strcpy(q->comm, "sshd");
	q->tgid = 812;
	q->cgroup_id = 77;
	strcpy(q->cgroup, "/system.slice/ssh.service");
	q->queued = 7;
	q->started = 6;
	q->completed = 5;

	memset(c, 0, sizeof(*c));
	c->nr_cpus = 2;
	c->complete = true;
	c->time_ns = 1763922970000000000ULL;
	strcpy(c->cpumask_requested, "0-1");
	strcpy(c->cpumask_effective, "0-1");
	strcpy(c->default_affinity_scope, "cache");
	c->nr_wqs = 2;
	c->wqs = calloc(2, sizeof(*c->wqs));
	strcpy(c->wqs[0].name, "events");
	c->wqs[0].flags = WQ_CFG_PERCPU;
	c->wqs[0].max_active = c->wqs[0].saved_max_active = 1024;
	c->wqs[0].min_active = WQ_CFG_NONE;
	c->wqs[0].active = 1;
	c->wqs[0].nice = WQ_CFG_NONE;
	c->wqs[0].affinity_strict = WQ_CFG_NONE;
	c->wqs[0].default_pool = WQ_CFG_NONE;
	c->wqs[0].pools = events_pools;
	c->wqs[0].nr_pools = 2;
	c->wqs[0].cpu_pool = events_cpu;
	strcpy(c->wqs[1].name, "events_unbound");
	c->wqs[1].flags = WQ_CFG_UNBOUND;
	c->wqs[1].max_active = c->wqs[1].saved_max_active = 512;
	c->wqs[1].min_active = 8;
	c->wqs[1].nice = 0;
	strcpy(c->wqs[1].cpus, "0-1");
	strcpy(c->wqs[1].affinity_scope, "cache");
	c->wqs[1].affinity_strict = 0;
	c->wqs[1].default_pool = 16;
	c->wqs[1].pools = unbound_pools;
	c->wqs[1].nr_pools = 1;
	c->wqs[1].cpu_pool = unbound_cpu;
	c->nr_pools = 3;
	c->pools = calloc(3, sizeof(*c->pools));
	c->pools[0] = (struct wq_cfg_pool){
		.id = 0, .cpu = 0, .workers = 3, .idle = 2, .running = 1};
	strcpy(c->pools[0].cpus, "0");
	c->pools[1] = (struct wq_cfg_pool){
		.id = 2, .cpu = 1, .workers = 2, .idle = 2};
	strcpy(c->pools[1].cpus, "1");
	c->pools[2] = (struct wq_cfg_pool){.id = 16,
					   .cpu = -1,
					   .node = -1,
					   .workers = 5,
					   .idle = 4,
					   .running = 1};
	strcpy(c->pools[2].cpus, "0-1");
}

static void test_golden_v3(void **state)
{
	struct wq_snapshot *s = fixture_basic(), *back = wq_snapshot__new("x");
	struct wq_text_opts o = {0};
	struct wq_config c, got = {0};
	size_t len, glen;
	char *out, *golden, err[160];

	(void)state;
	fixture_v3(s, &c);
	o.config = &c;
	out = render(s, &o, &len);
	golden = slurp(FIXTURES "/text_v3.txt", &glen);
	if (len != glen || memcmp(out, golden, len)) {
		fprintf(stderr, "# got:\n%s", out);
		fail_msg("render differs from " FIXTURES "/text_v3.txt");
	}
	assert_int_equal(wq_text__parse_config(back, &got, golden, glen, err,
					       sizeof(err)),
			 0);
	assert_int_equal(back->nr_queuers, 3);
	assert_string_equal(back->queuers[2].cgroup,
			    "/system.slice/ssh.service");
	assert_int_equal(back->queuers[0].ctx, WQ_QCTX_TASK);
	assert_int_equal(back->queuers[1].ctx, WQ_QCTX_HARDIRQ);
	assert_int_equal(back->queuers[0].cpu_ns, 81000);
	assert_int_equal(got.wqs[0].max_active, 1024);
	assert_int_equal(got.wqs[0].cpu_pool[1], 2);
	assert_int_equal(got.wqs[1].nice, 0);
	assert_int_equal(got.wqs[0].nice, WQ_CFG_NONE);
	assert_int_equal(got.pools[2].cpu, -1);
	assert_int_equal(got.pools[2].node, -1);
	/* Only the queuers: v3 still; neither: the v2 golden file. */
	o.config = NULL;
	free(out);
	out = render(s, &o, &len);
	assert_int_equal(strncmp(out, "wqmon-workqueues v3 ", 20), 0);
	assert_null(strstr(out, "\nconfig "));
	free(out);
	o.sections = WQ_TEXT_ALL & ~WQ_TEXT_QUEUERS;
	out = render(s, &o, &len);
	free(golden);
	golden = slurp(FIXTURES "/text_basic.txt", &glen);
	assert_true(len == glen && !memcmp(out, golden, len));
	free(out);
	free(golden);
	c.wqs[0].pools = c.wqs[0].cpu_pool = NULL;
	c.wqs[1].pools = c.wqs[1].cpu_pool = NULL;
	wq_config__free(&c);
	wq_config__free(&got);
	wq_snapshot__free(back);
	wq_snapshot__free(s);
}

static void test_roundtrip_basic(void **state)
{
	struct wq_snapshot *s = fixture_basic();

	(void)state;
	roundtrip(s, NULL);
	wq_snapshot__free(s);
}

static void test_roundtrip_random(void **state)
{
	static const size_t sizes[][2] = {
		{0, 0}, {1, 1}, {3, 10}, {10, 50}, {40, 400}};
	int seed, i;

	(void)state;
	for (seed = 1; seed <= 40; seed++) {
		for (i = 0; i < 5; i++) {
			struct wq_snapshot *s = wq_snapshot__new("k");

			gen_seed((uint64_t)seed * 7919 + i);
			assert_int_equal(gen_snapshot(s, sizes[i][0],
						      sizes[i][1], seed & 1),
					 0);
			roundtrip(s, NULL);
			wq_snapshot__free(s);
		}
	}
}

/* Options change the derived views only: still byte-identical. */
static void test_roundtrip_options(void **state)
{
	struct wq_text_opts o = {0};
	int key;

	(void)state;
	for (key = 0; key < WQ_SORT_NR; key++) {
		struct wq_snapshot *s = wq_snapshot__new("k");

		gen_seed(1000 + key);
		assert_int_equal(gen_snapshot(s, 5, 60, key & 1), 0);
		o.sort = key;
		o.reverse = key % 3 == 0;
		o.top = key % 4 ? 0 : 7;
		roundtrip(s, &o);
		/* Without the derived views the snapshot still comes back. */
		o.sections =
			WQ_TEXT_HISTOGRAMS | WQ_TEXT_POOLS | WQ_TEXT_COUNTERS;
		roundtrip(s, &o);
		o.sections = 0;
		wq_snapshot__free(s);
	}
}

/* The (source, kernel, function) names decoded back, one per case. */
static void test_escapes(void **state)
{
	static const struct {
		const char *name, *text;
	} cases[] = {
		{"plain", "plain"},
		{"", "-"},
		{"-", "\\055"},
		{"--", "--"},
		{"a b", "a\\040b"},
		{"tab\there", "tab\\011here"},
		{"new\nline", "new\\012line"},
		{"back\\slash", "back\\134slash"},
		{"#hash", "\\043hash"},
		{"cr\r", "cr\\015"},
		{"del\x7f", "del\\177"},
		{"\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9"},
		{"flush-8:0", "flush-8:0"},
		{"a=b", "a=b"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wq_snapshot *s = wq_snapshot__new(cases[i].name);
		struct wq_series *r = wq_snapshot__add_series(s);
		char *text, want[128], err[128];
		size_t len;

		strcpy(r->function, cases[i].name);
		strcpy(r->workqueue, cases[i].name);
		text = render(s, NULL, &len);
		snprintf(want, sizeof(want), " source=%s ", cases[i].text);
		if (!strstr(text, want))
			fail_msg("case %zu: no '%s' in the header", i, want);
		snprintf(want, sizeof(want), "\nseries 0 %s %s ", cases[i].text,
			 cases[i].text);
		if (!strstr(text, want))
			fail_msg("case %zu: no '%s'", i, want);
		assert_int_equal(wq_text__parse(s, text, len, err, sizeof(err)),
				 0);
		assert_string_equal(s->source, cases[i].name);
		assert_string_equal(s->series[0].function, cases[i].name);
		free(text);
		wq_snapshot__free(s);
	}
}

static const char good_header[] =
	"wqmon-workqueues v2 source=kernel kernel=6.1 "
	"time=2025-11-23T18:36:10.000000001Z mono_ns=5 interval_us=1.000\n";

static const char good_series[] = "series 3 events fn queued=1 activated=2 "
				  "started=3 completed=4 cancelled=5\n"
				  "  q2a sum_us=0.001 max_us=0.002 0:1\n"
				  "  a2s sum_us=0.000 max_us=0.000\n"
				  "  lat sum_us=1.500 max_us=1.000 10:2 35:1\n"
				  "  run sum_us=0.000 max_us=0.000\n"
				  "  cpu sum_us=0.000 max_us=0.000\n";

/* Hand-written input in the documented format, fields parsed exactly. */
static void test_parse_handwritten(void **state)
{
	struct wq_snapshot *s = wq_snapshot__new("x");
	char buf[2048], err[128];
	const struct wq_series *r;

	(void)state;
	snprintf(buf, sizeof(buf),
		 "%s"
		 "# a comment, and blank lines, anywhere between rows\n\n"
		 "pools 2\n"
		 "\t 7 u 0 U+0x80 2 1 0 9 12.345 18446744073709551.615\n"
		 "-3 -5 -20 BH -1 0 -2147483648 0 0.000 0.001\n"
		 "counters 1\nworker_reaped 18446744073709551615\n"
		 "histograms 1\n%s"
		 "end\n\n# trailing comment\n",
		 good_header, good_series);
	assert_int_equal(wq_text__parse(s, buf, strlen(buf), err, sizeof(err)),
			 0);
	assert_string_equal(s->source, "kernel");
	assert_string_equal(s->kernel, "6.1");
	assert_true(s->real_ns == 1763922970000000001ULL);
	assert_int_equal(s->mono_ns, 5);
	assert_int_equal(s->interval_ns, 1000);
	assert_true(s->counters[WQ_C_WORKER_REAPED] == UINT64_MAX);
	assert_int_equal(s->nr_pools, 2);
	assert_int_equal(s->pools[0].id, 7);
	assert_int_equal(s->pools[0].cpu, -1);
	assert_int_equal(s->pools[0].flags, WQ_POOL_UNBOUND | 0x80);
	assert_int_equal(s->pools[0].pending, 9);
	assert_int_equal(s->pools[0].oldest_pending_ns, 12345);
	assert_true(s->pools[0].cpu_ns == UINT64_MAX);
	assert_int_equal(s->pools[1].id, -3);
	assert_int_equal(s->pools[1].cpu, -5);
	assert_int_equal(s->pools[1].nice, -20);
	assert_int_equal(s->pools[1].flags, WQ_POOL_BH | WQ_POOL_HIGHPRI);
	assert_int_equal(s->pools[1].workers, -1);
	assert_int_equal(s->pools[1].running, INT32_MIN);
	assert_int_equal(s->pools[1].cpu_ns, 1);
	assert_int_equal(s->nr_series, 1);
	r = &s->series[0];
	assert_int_equal(r->pool_id, 3);
	assert_string_equal(r->workqueue, "events");
	assert_string_equal(r->function, "fn");
	assert_int_equal(r->queued, 1);
	assert_int_equal(r->activated, 2);
	assert_int_equal(r->started, 3);
	assert_int_equal(r->completed, 4);
	assert_int_equal(r->cancelled, 5);
	assert_int_equal(r->sum_ns[WQ_H_Q2A], 1);
	assert_int_equal(r->max_ns[WQ_H_Q2A], 2);
	assert_int_equal(r->hist[WQ_H_Q2A].slot[0], 1);
	assert_int_equal(r->sum_ns[WQ_H_LAT], 1500);
	assert_int_equal(r->hist[WQ_H_LAT].slot[10], 2);
	assert_int_equal(r->hist[WQ_H_LAT].slot[35], 1);
	assert_int_equal(r->hist[WQ_H_LAT].slot[11], 0);
	wq_snapshot__free(s);
}

/* Each case: a body after a good header, and what the error must say. */
static void test_malformed(void **state)
{
	static const struct {
		const char *body, *msg;
	} cases[] = {
		{"", "line 2: truncated input: no 'end' line"},
		{"pools 1\n", "line 3: pools: input ends after 0 of 1 rows"},
		{"pools 2\n1 0 0 - 1 1 0 0 0.000 0.000\nend\n",
		 "line 4: pools: expected 10 fields, found 1"},
		{"pools 1\n1 0 0 - 1 1 0 0 0.000\nend\n",
		 "line 3: pools: expected 10 fields, found 9 (truncated "
		 "line?)"},
		{"pools 1\n1 0 0 - 1 1 0 0 0.000 0.000 7\nend\n",
		 "line 3: pools: expected 10 fields, found 11"},
		{"pools 1\n1x 0 0 - 1 1 0 0 0.000 0.000\nend\n",
		 "line 3: pools: field 1: bad pool id '1x'"},
		{"pools 1\n2147483648 0 0 - 1 1 0 0 0.000 0.000\nend\n",
		 "field 1: bad pool id '2147483648'"},
		{"pools 1\n1 0 0 - 1 1 0 -1 0.000 0.000\nend\n",
		 "field 8: bad pending '-1'"},
		{"pools 1\n1 0 0 - 1 1 0 0 0.00 0.000\nend\n",
		 "field 9: bad oldest_us '0.00'"},
		{"pools 1\n1 0 0 - 1 1 0 0 1 0.000\nend\n",
		 "field 9: bad oldest_us '1'"},
		{"pools 1\n1 0 0 - 1 1 0 0 .123 0.000\nend\n",
		 "field 9: bad oldest_us"},
		{"pools 1\n1 0 0 - 1 1 0 0 0.000 18446744073709551.616\nend\n",
		 "field 10: bad cpu_us '18446744073709551.616'"},
		{"pools 1\n1 0 0 HU 1 1 0 0 0.000 0.000\nend\n",
		 "field 4: bad flags 'HU'"},
		{"pools 1\n1 0 0 X 1 1 0 0 0.000 0.000\nend\n",
		 "field 4: bad flags 'X'"},
		{"pools 1\n1 0 0 +0x1 1 1 0 0 0.000 0.000\nend\n",
		 "field 4: bad flags '+0x1'"},
		{"counters 1\npending_dropped 18446744073709551616\nend\n",
		 "line 3: counters: field 2: bad number"},
		{"counters 1\nbogus 1\nend\n", "bad counter name 'bogus'"},
		{"frobs 1\n", "line 2: unknown section 'frobs'"},
		{"histograms 0\nseries 3 events fn queued=1 activated=2 "
		 "started=3 completed=4 cancelled=5\n",
		 "line 3: histograms: more series than the section line says"},
		{"pools\n",
		 "line 2: pools: section line must be 'pools COUNT'"},
		{"pools 0\npools 0\nend\n",
		 "line 3: section 'pools' appears twice"},
		{"end\nmore\n", "line 3: data after 'end'"},
		{"histograms 1\nseries 3 events fn queued=1\n",
		 "line 3: histograms: expected 9 fields, found 5 (truncated "
		 "line?)"},
		{"histograms 1\nseries 3 events fn queued=1 activated=2 "
		 "started=3 completed=4 canceled=5\n",
		 "field 9: bad cancelled"},
		{"histograms 1\nseries 3 ev\\08 fn queued=1 activated=2 "
		 "started=3 completed=4 cancelled=5\n",
		 "field 3: bad workqueue name 'ev\\08'"},
		{"histograms 1\nseries 3 ev\\000 fn queued=1 activated=2 "
		 "started=3 completed=4 cancelled=5\n",
		 "field 3: bad workqueue name"},
		{"histograms 1\nseries 3 ev\\4 fn queued=1 activated=2 "
		 "started=3 completed=4 cancelled=5\n",
		 "field 3: bad workqueue name"},
		{"histograms 1\nseries 3 0123456789012345678901234567890123 fn "
		 "queued=1 activated=2 started=3 completed=4 cancelled=5\n",
		 "field 3: bad workqueue name"},
		{"histograms 1\nseries 3 events fn queued=1 activated=2 "
		 "started=3 completed=4 cancelled=5\n"
		 "  q2a sum_us=0.000 max_us=0.000\n",
		 "line 5: histograms: input ends inside a series"},
		{"histograms 1\nseries 3 events fn queued=1 activated=2 "
		 "started=3 completed=4 cancelled=5\n"
		 "  a2s sum_us=0.000 max_us=0.000\n",
		 "line 4: histograms: expected a 'q2a' line"},
		{"histograms 1\nseries 3 events fn queued=1 activated=2 "
		 "started=3 completed=4 cancelled=5\n"
		 "  q2a sum_us=0.000 max_us=0.000 36:1\n",
		 "field 4: bad slot (0..35, increasing) '36:1'"},
		{"histograms 1\nseries 3 events fn queued=1 activated=2 "
		 "started=3 completed=4 cancelled=5\n"
		 "  q2a sum_us=0.000 max_us=0.000 5:1 5:2\n",
		 "field 5: bad slot (0..35, increasing) '5:2'"},
		{"histograms 1\nseries 3 events fn queued=1 activated=2 "
		 "started=3 completed=4 cancelled=5\n"
		 "  q2a sum_us=0.000 max_us=0.000 5:0\n",
		 "field 4: bad slot count '5:0'"},
		{"histograms 1\nseries 3 events fn queued=1 activated=2 "
		 "started=3 completed=4 cancelled=5\n"
		 "  q2a sum_us=0.000 max_us=0.000 5\n",
		 "field 4: bad SLOT:COUNT '5'"},
		{"histograms 1\nseries 3 events fn queued=1 activated=2 "
		 "started=3 completed=4 cancelled=5\n"
		 "  q2a max_us=0.000 sum_us=0.000\n",
		 "field 2: bad sum_us="},
		{"workqueues 1\nevents 1 2 3 1.25 - - 0.000 - - 0.000 "
		 "0.000\nend\n",
		 "field 5: bad rate/s '1.25'"},
		{"workqueues 1\nevents 1 2 3 - - - - - - 0.000 0.000\nend\n",
		 "field 8: bad lat_max_us '-'"},
		{"functions 1\nfn events 0 1 2 3 4 - - - 0.000 - - 0.000 "
		 "0.000 9\nend\n",
		 "line 3: functions: expected 15 fields, found 16"},
		{"functions 1\nfn events x 1 2 3 4 - - - 0.000 - - 0.000 "
		 "0.000\nend\n",
		 "field 3: bad pool id 'x'"},
		{"pools 0\nend\0\n", "line 3: NUL byte in line"},
		{"pools 0\n1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 "
		 "21 22 23 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 "
		 "41 42 43 44\n",
		 "line 3: too many fields"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wq_snapshot *s = wq_snapshot__new("x");
		size_t blen = strlen(cases[i].body);
		char buf[1024], err[160];
		int ret;

		/* The NUL case has its NUL inside the body. */
		if (strstr(cases[i].msg, "NUL"))
			blen = strlen(cases[i].body) + 2;
		memcpy(buf, good_header, sizeof(good_header) - 1);
		memcpy(buf + sizeof(good_header) - 1, cases[i].body, blen);
		ret = wq_text__parse(s, buf, sizeof(good_header) - 1 + blen,
				     err, sizeof(err));
		if (ret != -EINVAL || !strstr(err, cases[i].msg))
			fail_msg("case %zu: got %d '%s', want '%s'", i, ret,
				 err, cases[i].msg);
		/* Never half a snapshot. */
		assert_int_equal(s->nr_pools + s->nr_series, 0);
		wq_snapshot__free(s);
	}
}

static const char good_header_v3[] =
	"wqmon-workqueues v3 source=kernel kernel=6.1 "
	"time=2025-11-23T18:36:10.000000001Z mono_ns=5 interval_us=1.000\n";

#define QROW "events fn 3 task fio 12 34 /a 1 1 1 0.001 0.002 0.003\n"
#define SYS                                                                    \
	"system nr_cpus=2 complete=yes time_ns=1 requested=0-1 "               \
	"effective=0-1 isolated=- default_affinity_scope=cache "               \
	"dropped_workqueues=0 dropped_pwqs=0 dropped_pools=0\n"
#define WQROW "wq events percpu 256 256 - 0 no - - - - 0 - 0,2 0,2\n"
#define POOLROW "pool 0 0 0 0 no 3 2 1 0\n"

/* The v3 sections: what a good v3 view holds, and what errors say. */
static void test_malformed_v3(void **state)
{
	static const struct {
		const char *body, *msg; /* msg NULL: parses */
	} cases[] = {
		{"queuers 1\n" QROW "end\n", NULL},
		{"queuers 0\nend\n", NULL},
		{"config 1 1\n" SYS WQROW POOLROW "end\n", NULL},
		{"config 0 0\n" SYS "end\n", NULL},
		{"queuers 2\n" QROW "events fn 3 hardirq - 0 0 - 1 1 1 0.000 "
		 "0.000 0.000\nend\n",
		 NULL},
		{"queuers 2\n" QROW QROW "end\n",
		 "line 4: queuers: two rows of one queuer"},
		{"queuers 1\nevents fn 3 irq fio 12 34 /a 1 1 1 0.001 0.002 "
		 "0.003\nend\n",
		 "line 3: queuers: field 4: bad context (task, softirq, "
		 "hardirq, "
		 "nmi or other) 'irq'"},
		{"queuers 1\nevents fn 3 task fio 12 34 /a 1 1 1 0.001 0.002\n",
		 "line 3: queuers: expected 14 fields, found 13"},
		{"queuers 1\nevents fn 3 task 0123456789abcdef 12 34 /a 1 1 1 "
		 "0.001 0.002 0.003\nend\n",
		 "field 5: bad comm"},
		{"queuers 1\nevents fn 3 task fio x 34 /a 1 1 1 0.001 0.002 "
		 "0.003\nend\n",
		 "field 6: bad tgid 'x'"},
		{"queuers 1\nevents fn 3 task fio 1 -1 /a 1 1 1 0.001 0.002 "
		 "0.003\nend\n",
		 "field 7: bad cgroup_id '-1'"},
		{"queuers 1\nevents fn 3 task fio 1 1 /a 1 1 1 0.001 0.002 "
		 "3\nend\n",
		 "field 14: bad cpu_us '3'"},
		{"queuers 2\n" QROW,
		 "line 4: queuers: input ends after 1 of 2"},
		{"queuers 0\nqueuers 0\nend\n",
		 "line 3: section 'queuers' appears twice"},
		{"config 1\n",
		 "line 2: config: section line must be 'config WORKQUEUES "
		 "POOLS'"},
		{"config 8193 0\n", "config: more than 8192 workqueues"},
		{"config 0 0\nend\n", "line 3: config: expected the 'system'"},
		{"config 0 0\n", "line 3: config: input ends after 0 of 1"},
		{"config 0 0\nsystem nr_cpus=0 complete=yes time_ns=1 "
		 "requested=- effective=- isolated=- default_affinity_scope=- "
		 "dropped_workqueues=0 dropped_pwqs=0 dropped_pools=0\nend\n",
		 "line 3: config: field 2: bad nr_cpus 'nr_cpus=0'"},
		{"config 0 0\nsystem nr_cpus=1 complete=maybe time_ns=1 "
		 "requested=- effective=- isolated=- default_affinity_scope=- "
		 "dropped_workqueues=0 dropped_pwqs=0 dropped_pools=0\nend\n",
		 "field 3: bad complete"},
		{"config 0 0\nsystem nr_cpus=1 time_ns=1 complete=yes "
		 "requested=- effective=- isolated=- default_affinity_scope=- "
		 "dropped_workqueues=0 dropped_pwqs=0 dropped_pools=0\nend\n",
		 "config: field 3 must be complete=..."},
		{"config 1 0\n" SYS "pool 0 0 0 0 no 3 2 1 0\nend\n",
		 "line 4: config: expected a 'wq' line"},
		{"config 1 0\n" SYS
		 "wq events percpu,bogus 256 256 - 0 no - - - "
		 "- 0 - 0,2 0,2\nend\n",
		 "field 3: bad flags 'percpu,bogus'"},
		{"config 1 0\n" SYS
		 "wq - percpu 256 256 - 0 no - - - - 0 - 0,2 "
		 "0,2\nend\n",
		 "field 2: bad workqueue name '-'"},
		{"config 1 0\n" SYS
		 "wq events - 256 256 - 0 no 20 - - - 0 - 0,2 "
		 "0,2\nend\n",
		 "field 9: bad nice '20'"},
		{"config 1 0\n" SYS
		 "wq events - 256 256 - 0 no - - maybe - 0 - "
		 "0,2 0,2\nend\n",
		 "field 11: bad strict"},
		{"config 1 0\n" SYS
		 "wq events - 256 256 - 0 no - - - - 0 - 0,,2 "
		 "0,2\nend\n",
		 "field 15: bad pools (ids, comma-separated) '0,,2'"},
		{"config 1 0\n" SYS
		 "wq events - 256 256 - 0 no - - - - 0 - 0,- "
		 "0,2\nend\n",
		 "field 15: bad pools"},
		{"config 1 0\n" SYS "wq events - 256 256 - 0 no - - - - 0 - 0 "
		 "0,2,4\nend\n",
		 "field 16: bad cpu_pools (one pool id or - per CPU) '0,2,4'"},
		{"config 1 0\n" SYS "wq events - 256 256 - 0 no - - - - 0 - 0 "
		 "0\nend\n",
		 "field 16: bad cpu_pools"},
		{"config 1 0\n" SYS
		 "wq events - 256 256 - 0 no - - - - 0 - 0\n",
		 "line 4: config: expected 16 fields, found 15"},
		{"config 0 1\n" SYS "pool 0 0 0 0 sometimes 3 2 1 0\nend\n",
		 "field 6: bad bh"},
		{"config 0 1\n" SYS "pool 0 x 0 0 no 3 2 1 0\nend\n",
		 "field 3: bad cpu 'x'"},
		{"config 0 1\n" SYS "pool -3 0 0 0 no 3 2 1 0\nend\n",
		 "field 2: bad id '-3'"},
		{"config 0 2\n" SYS POOLROW, "line 5: config: input ends after "
					     "1 of 2 rows"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wq_snapshot *s = wq_snapshot__new("x");
		struct wq_config c = {0};
		size_t blen = strlen(cases[i].body);
		char buf[2048], err[160];
		int ret;

		memcpy(buf, good_header_v3, sizeof(good_header_v3) - 1);
		memcpy(buf + sizeof(good_header_v3) - 1, cases[i].body, blen);
		ret = wq_text__parse_config(s, &c, buf,
					    sizeof(good_header_v3) - 1 + blen,
					    err, sizeof(err));
		if (!cases[i].msg) {
			if (ret)
				fail_msg("case %zu: got %d '%s'", i, ret, err);
			wq_config__free(&c);
			wq_snapshot__free(s);
			continue;
		}
		if (ret != -EINVAL || !strstr(err, cases[i].msg))
			fail_msg("case %zu: got %d '%s', want '%s'", i, ret,
				 err, cases[i].msg);
		assert_int_equal(s->nr_queuers + c.nr_wqs + c.nr_pools, 0);
		assert_int_equal(c.nr_cpus, 0);
		wq_snapshot__free(s);
	}
	/* A v2 view has no v3 section. */
	{
		struct wq_snapshot *s = wq_snapshot__new("x");
		char buf[512], err[160];
		size_t n = (size_t)snprintf(buf, sizeof(buf),
					    "%squeuers 1\n" QROW "end\n",
					    good_header);

		assert_int_equal(wq_text__parse(s, buf, n, err, sizeof(err)),
				 -EINVAL);
		assert_string_equal(err, "line 2: section 'queuers' is v3's "
					 "(the header says v2)");
		wq_snapshot__free(s);
	}
}

static void test_malformed_header(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{"", "line 1: empty input"},
		{"\n", "line 1: not a wqmon-workqueues file"},
		{"hello world\nend\n", "line 1: not a wqmon-workqueues file"},
		{"wqmon-workqueues v1 source=k\nend\n",
		 "line 1: unsupported version 'v1' (this parser reads v2 and "
		 "v3)"},
		{"wqmon-workqueues\n", "unsupported version ''"},
		{"wqmon-workqueues v4 source=k\nend\n",
		 "line 1: unsupported version 'v4'"},
		{"wqmon-workqueues v2 source=k kernel=6 "
		 "time=2025-11-23T18:36:10.000000000Z mono_ns=5\nend\n",
		 "line 1: header: expected 7 fields, found 6"},
		{"wqmon-workqueues v2 kernel=6 source=k "
		 "time=2025-11-23T18:36:10.000000000Z mono_ns=5 "
		 "interval_us=0.000\nend\n",
		 "field 3 must be source="},
		{"wqmon-workqueues v2 source=k kernel=6 "
		 "time=2025-02-30T18:36:10.000000000Z mono_ns=5 "
		 "interval_us=0.000\nend\n",
		 "field 5: bad time"},
		{"wqmon-workqueues v2 source=k kernel=6 time=2025-11-23 "
		 "mono_ns=5 interval_us=0.000\nend\n",
		 "field 5: bad time"},
		{"wqmon-workqueues v2 source=k kernel=6 "
		 "time=1969-12-31T23:59:59.000000000Z mono_ns=5 "
		 "interval_us=0.000\nend\n",
		 "field 5: bad time"},
		{"wqmon-workqueues v2 source=k kernel=6 "
		 "time=2600-01-01T00:00:00.000000000Z mono_ns=5 "
		 "interval_us=0.000\nend\n",
		 "field 5: bad time"},
		{"wqmon-workqueues v2 source=k kernel=6 "
		 "time=2025-11-23T18:36:10.000000000Z "
		 "mono_ns=18446744073709551616 interval_us=0.000\nend\n",
		 "field 6: bad mono_ns"},
		{"wqmon-workqueues v2 source=k kernel=6 "
		 "time=2025-11-23T18:36:10.000000000Z mono_ns=5 "
		 "interval_us=2.0\nend\n",
		 "field 7: bad interval_us 'interval_us=2.0'"},
		{"wqmon-workqueues v2 "
		 "source=0123456789012345678901234567890123456789012345678 "
		 "kernel=6 time=2025-11-23T18:36:10.000000000Z mono_ns=5 "
		 "interval_us=0.000\nend\n",
		 "field 3: bad source"},
		{"wqmon-workqueues v2 source=k kernel=6 "
		 "time=2025-11-23T18:36:10.000000000Z mono_ns=5 "
		 "interval_us=0.000 sample_every=1\nend\n",
		 "field 8: bad sample_every (2 or more) 'sample_every=1'"},
		{"wqmon-workqueues v2 source=k kernel=6 "
		 "time=2025-11-23T18:36:10.000000000Z mono_ns=5 "
		 "interval_us=0.000 every=4\nend\n",
		 "field 8 must be sample_every="},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wq_snapshot *s = wq_snapshot__new("x");
		char err[160];
		int ret =
			wq_text__parse(s, cases[i].text, strlen(cases[i].text),
				       err, sizeof(err));

		if (ret != -EINVAL || !strstr(err, cases[i].msg))
			fail_msg("case %zu: got %d '%s', want '%s'", i, ret,
				 err, cases[i].msg);
		wq_snapshot__free(s);
	}
	/* No message buffer: still an error, no crash. */
	{
		struct wq_snapshot *s = wq_snapshot__new("x");

		assert_int_equal(wq_text__parse(s, "x", 1, NULL, 0), -EINVAL);
		wq_snapshot__free(s);
	}
}

/* Every proper prefix of a document is rejected: truncation is never
 * silent (the last 1 is "end" without its newline, which is complete). */
static void test_truncated_prefixes(void **state)
{
	struct wq_snapshot *s = wq_snapshot__new("k"), *back;
	size_t len, cut;
	char *text, err[160];

	(void)state;
	gen_seed(77);
	assert_int_equal(gen_snapshot(s, 4, 12, 1), 0);
	text = render(s, NULL, &len);
	back = wq_snapshot__new("x");
	for (cut = 0; cut < len - 1; cut++) {
		int ret = wq_text__parse(back, text, cut, err, sizeof(err));

		if (ret != -EINVAL)
			fail_msg("prefix of %zu bytes parsed: %d", cut, ret);
	}
	assert_int_equal(wq_text__parse(back, text, len - 1, err, sizeof(err)),
			 0);
	free(text);
	wq_snapshot__free(back);
	wq_snapshot__free(s);
}

/* Random byte flips: any result is fine but a crash (run under ASan). */
static void test_mutations(void **state)
{
	struct wq_snapshot *s = wq_snapshot__new("k"), *back;
	size_t len;
	char *text, err[160];
	int i, ok = 0;

	(void)state;
	gen_seed(99);
	assert_int_equal(gen_snapshot(s, 3, 6, 1), 0);
	text = render(s, NULL, &len);
	back = wq_snapshot__new("x");
	for (i = 0; i < 20000; i++) {
		char *m = malloc(len);
		int j, n = 1 + (int)gen_below(4);

		memcpy(m, text, len);
		for (j = 0; j < n; j++)
			m[gen_below(len)] = (char)gen_u64();
		if (!wq_text__parse(back, m, len, err, sizeof(err)))
			ok++;
		else
			assert_true(strncmp(err, "line ", 5) == 0);
		free(m);
	}
	/* Some flips land in the human tables' numbers and stay valid. */
	assert_true(ok > 0 && ok < 20000);
	free(text);
	wq_snapshot__free(back);
	wq_snapshot__free(s);
}

static void test_sort_keys(void **state)
{
	static const char *const names[] = {
		"name",	   "queued",  "started", "completed", "cancelled",
		"rate",	   "lat_p50", "lat_p99", "lat_max",   "run_p50",
		"run_p99", "run_max", "cpu",
	};
	int i;

	(void)state;
	assert_int_equal(sizeof(names) / sizeof(names[0]), WQ_SORT_NR);
	for (i = 0; i < WQ_SORT_NR; i++) {
		assert_int_equal(wq_text__sort_key_from_name(names[i]), i);
		assert_string_equal(wq_text__sort_key_name(i), names[i]);
	}
	assert_int_equal(wq_text__sort_key_from_name("lat"), -EINVAL);
	assert_int_equal(wq_text__sort_key_from_name("QUEUED"), -EINVAL);
	assert_int_equal(wq_text__sort_key_from_name(""), -EINVAL);
	assert_int_equal(wq_text__sort_key_from_name(NULL), -EINVAL);
	assert_null(wq_text__sort_key_name(WQ_SORT_NR));
}

static void test_sections_from_names(void **state)
{
	(void)state;
	assert_int_equal(wq_text__sections_from_names("pools"), WQ_TEXT_POOLS);
	assert_int_equal(wq_text__sections_from_names("pools,functions"),
			 WQ_TEXT_POOLS | WQ_TEXT_FUNCTIONS);
	assert_int_equal(wq_text__sections_from_names("all"), WQ_TEXT_ALL);
	assert_int_equal(
		wq_text__sections_from_names("counters,pools,workqueues,"
					     "functions,histograms,queuers,"
					     "config"),
		WQ_TEXT_ALL);
	assert_int_equal(wq_text__sections_from_names("queuers,config"),
			 WQ_TEXT_QUEUERS | WQ_TEXT_CONFIG);
	assert_int_equal(wq_text__sections_from_names(""), -EINVAL);
	assert_int_equal(wq_text__sections_from_names("pools,"), -EINVAL);
	assert_int_equal(wq_text__sections_from_names("pool"), -EINVAL);
	assert_int_equal(wq_text__sections_from_names("pools,,functions"),
			 -EINVAL);
}

/* The first field of each data row of @section, in order. */
static int first_fields(const char *text, const char *section, char out[][64],
			int max)
{
	const char *p = strstr(text, section);
	int n = 0;

	assert_non_null(p);
	p = strchr(p + 1, '\n') + 1;
	while (*p && *p != '\n' && n < max) {
		if (*p != '#')
			sscanf(p, "%63s", out[n++]);
		p = strchr(p, '\n') + 1;
	}
	return n;
}

static void test_sort_and_top(void **state)
{
	struct wq_snapshot *s = wq_snapshot__new("k");
	struct wq_text_opts o = {.sort = WQ_SORT_QUEUED};
	static const char *const fns[] = {"b_fn", "a_fn", "c_fn", "d_fn"};
	static const uint64_t queued[] = {5, 9, 1, 9};
	char rows[8][64], *text;
	int i;

	(void)state;
	s->interval_ns = 3000000000ULL;
	for (i = 0; i < 4; i++) {
		struct wq_series *r = wq_snapshot__add_series(s);

		strcpy(r->function, fns[i]);
		strcpy(r->workqueue, i < 2 ? "wq_x" : "wq_y");
		r->queued = queued[i];
		r->hist[WQ_H_RUN].slot[10 + i] = 1;
		r->max_ns[WQ_H_RUN] = 1ULL << (10 + i);
	}
	/* Descending; equal counts by name. */
	text = render(s, &o, NULL);
	assert_int_equal(first_fields(text, "\nfunctions", rows, 8), 4);
	assert_string_equal(rows[0], "a_fn");
	assert_string_equal(rows[1], "d_fn");
	assert_string_equal(rows[2], "b_fn");
	assert_string_equal(rows[3], "c_fn");
	assert_int_equal(first_fields(text, "\nworkqueues", rows, 8), 2);
	assert_string_equal(rows[0], "wq_x"); /* 14 queued */
	/* 10 in 3 s is 3.3/s, 14 in 3 s 4.7/s (rounded) */
	assert_non_null(strstr(text, "      4.7 "));
	assert_non_null(strstr(text, "      3.3 "));
	free(text);

	o.reverse = true;
	o.top = 2;
	text = render(s, &o, NULL);
	assert_non_null(strstr(text, "\nfunctions 2\n# by queued, ascending, "
				     "top 2 of 4\n"));
	assert_int_equal(first_fields(text, "\nfunctions", rows, 8), 2);
	assert_string_equal(rows[0], "c_fn");
	assert_string_equal(rows[1], "b_fn");
	free(text);

	o.sort = WQ_SORT_RUN_MAX;
	o.reverse = false;
	o.top = 0;
	o.sections = WQ_TEXT_FUNCTIONS;
	text = render(s, &o, NULL);
	assert_null(strstr(text, "\npools"));
	assert_null(strstr(text, "\nhistograms"));
	assert_int_equal(first_fields(text, "\nfunctions", rows, 8), 4);
	assert_string_equal(rows[0], "d_fn");
	assert_string_equal(rows[3], "b_fn");
	free(text);

	o.sort = WQ_SORT_NAME;
	o.reverse = true;
	text = render(s, &o, NULL);
	first_fields(text, "\nfunctions", rows, 8);
	assert_string_equal(rows[0], "d_fn");
	assert_string_equal(rows[3], "a_fn");
	free(text);

	o.sort = WQ_SORT_NR;
	assert_int_equal(wq_text__render(s, stdout, &o), -EINVAL);
	wq_snapshot__free(s);
}

static void test_render_io_error(void **state)
{
	struct wq_snapshot *s = fixture_basic();
	FILE *f = fopen("/dev/null", "r");

	(void)state;
	assert_non_null(f);
	assert_int_equal(wq_text__render(s, f, NULL), -EIO);
	fclose(f);
	wq_snapshot__free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_golden_v3),
		cmocka_unit_test(test_roundtrip_v3),
		cmocka_unit_test(test_malformed_v3),
		cmocka_unit_test(test_roundtrip_basic),
		cmocka_unit_test(test_roundtrip_random),
		cmocka_unit_test(test_roundtrip_options),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_parse_handwritten),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_malformed_header),
		cmocka_unit_test(test_truncated_prefixes),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_sort_keys),
		cmocka_unit_test(test_sections_from_names),
		cmocka_unit_test(test_sort_and_top),
		cmocka_unit_test(test_render_io_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
