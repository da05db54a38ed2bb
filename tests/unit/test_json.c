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
#include <json-c/json.h>
#include "fixture.h"
#include "json.h"
#include "snapgen.h"
#include "queuergen.h"

/* The shared fixture (fixture.h) with what these tests look at: a loss
 * counter, a kernel address, a name to escape, and both series in one
 * workqueue (its view adds them up). */
static struct wq_snapshot *basic(void)
{
	struct wq_snapshot *s = fixture_basic();

	assert_non_null(s);
	s->counters[WQ_C_SERIES_DROPPED] = 4;
	strcpy(s->probes[0].name, "on_execute_end");
	s->probes[0].missed = 207;
	s->nr_probes = 1;
	s->series[0].func_addr = 0xffffffff81234560ULL;
	strcpy(s->series[1].workqueue, "events");
	strcpy(s->series[1].function, "other \"fn\"");
	return s;
}

static struct wq_queuer *add_queuer(struct wq_snapshot *s,
				    const struct wq_series *of,
				    enum wq_qctx ctx, const char *comm,
				    uint64_t queued, uint64_t cpu_ns)
{
	struct wq_queuer *q = wq_snapshot__add_queuer(s);

	assert_non_null(q);
	q->pool_id = of->pool_id;
	strcpy(q->workqueue, of->workqueue);
	strcpy(q->function, of->function);
	q->ctx = ctx;
	strcpy(q->comm, comm);
	q->queued = q->started = q->completed = queued;
	q->lat_ns = queued * 5000;
	q->run_ns = queued * 3000;
	q->cpu_ns = cpu_ns;
	if (ctx == WQ_QCTX_TASK) {
		q->tgid = 1234;
		q->cgroup_id = 5678;
		strcpy(q->cgroup, "/wqmon-test.slice");
	}
	return q;
}

/* basic() with who queued: fio in both series (30 + 5 items), a hard IRQ
 * and a kworker in the first. */
static struct wq_snapshot *with_queuers(void)
{
	struct wq_snapshot *s = basic();

	add_queuer(s, &s->series[0], WQ_QCTX_TASK, "fio", 30, 81000);
	add_queuer(s, &s->series[0], WQ_QCTX_HARDIRQ, "", 8, 29000);
	add_queuer(s, &s->series[0], WQ_QCTX_TASK, "kworker/0:1", 2, 900);
	add_queuer(s, &s->series[1], WQ_QCTX_TASK, "fio", 5, 1000000);
	return s;
}

static struct json_object *path(struct json_object *o, const char *p)
{
	char key[64];

	while (o && *p) {
		size_t n = strcspn(p, ".");

		snprintf(key, sizeof(key), "%.*s", (int)n, p);
		if (json_object_is_type(o, json_type_array))
			o = json_object_array_get_idx(o, atoi(key));
		else if (!json_object_object_get_ex(o, key, &o))
			o = NULL;
		p += n + (p[n] == '.');
	}
	if (!o)
		fail_msg("no member %s", p);
	return o;
}

/* Values a consumer reads, against hand-computed numbers. */
static void test_render_values(void **state)
{
	struct wq_snapshot *s = basic();
	char *text = wq_json__render(s, 0);
	struct json_object *root = json_tokener_parse(text);

	(void)state;
	assert_non_null(root);
	assert_string_equal(json_object_get_string(path(root, "format")),
			    "wqmon-json");
	assert_int_equal(json_object_get_int(path(root, "version")), 1);
	assert_string_equal(json_object_get_string(path(root, "time")),
			    "2025-11-23T18:36:10.123456789Z");
	assert_int_equal(
		json_object_get_int(path(root, "counters.series_dropped")), 4);
	assert_int_equal(json_object_array_length(path(root, "probes")), 1);
	assert_string_equal(
		json_object_get_string(path(root, "probes.0.program")),
		"on_execute_end");
	assert_int_equal(json_object_get_int(path(root, "probes.0.missed")),
			 207);
	assert_int_equal(json_object_get_int(path(root, "pools.2.cpu")), -1);
	assert_string_equal(
		json_object_get_string(path(root, "pools.1.flag_names.0")),
		"highpri");
	assert_string_equal(
		json_object_get_string(path(root, "pools.2.flag_names.0")),
		"unbound");
	assert_string_equal(json_object_to_json_string(path(
				    root, "pools.2.oldest_pending_seconds")),
			    "0.0015");
	assert_string_equal(
		json_object_get_string(path(root, "series.0.func_addr")),
		"0xffffffff81234560");
	/* 30 values in [4096, 8192), 10 in [16384, 32768): p50 is rank 20,
	 * 4096 + 4096 * 20 / 30; p90 rank 36 would be 16384 + 16384 * 6 /
	 * 10 = 26214, above the max: clamped, as p99. */
	assert_int_equal(
		json_object_get_int(path(root, "series.0.hist.lat.p50_ns")),
		6826);
	assert_int_equal(
		json_object_get_int(path(root, "series.0.hist.lat.p90_ns")),
		25000);
	assert_int_equal(
		json_object_get_int(path(root, "series.0.hist.lat.p99_ns")),
		25000);
	assert_string_equal(json_object_to_json_string(path(
				    root, "series.0.hist.lat.p50_seconds")),
			    "0.000006826");
	assert_int_equal(
		json_object_get_int(path(root, "series.0.hist.lat.count")), 40);
	assert_int_equal(
		json_object_array_length(path(root, "series.0.hist.lat.slots")),
		WQ_HIST_SLOTS);
	assert_int_equal(
		json_object_get_int(path(root, "series.0.hist.lat.slots.14")),
		10);
	/* On-CPU share of one CPU (wq_cpu_pct), 3 decimals, rounded: 110 us
	 * of executions and 1.234567 ms of pool 0's kworkers in 2 s. */
	assert_string_equal(json_object_to_json_string(
				    path(root, "series.0.cpu_percent")),
			    "0.006");
	assert_string_equal(json_object_to_json_string(
				    path(root, "pools.0.cpu_percent")),
			    "0.062");
	/* 40 in 2 s */
	assert_string_equal(json_object_to_json_string(
				    path(root, "series.0.queued_per_second")),
			    "20.0");
	assert_string_equal(
		json_object_get_string(path(root, "series.1.function")),
		"other \"fn\"");
	/* The workqueue view adds both series up, without slots. */
	assert_int_equal(json_object_array_length(path(root, "workqueues")), 1);
	assert_int_equal(json_object_get_int(path(root, "workqueues.0.queued")),
			 47);
	assert_string_equal(json_object_to_json_string(path(
				    root, "workqueues.0.queued_per_second")),
			    "23.5");
	assert_false(json_object_object_get_ex(
		path(root, "workqueues.0.hist.lat"), "slots", NULL));
	json_object_put(root);
	free(text);
	wq_snapshot__free(s);
}

/* A queuer row's members, derived ones with the series' integer math. */
static void test_render_queuers(void **state)
{
	struct wq_snapshot *s = with_queuers();
	char *text = wq_json__render(s, 0);
	struct json_object *root = json_tokener_parse(text);

	(void)state;
	assert_non_null(root);
	assert_int_equal(json_object_array_length(path(root, "queuers")), 4);
	assert_string_equal(
		json_object_get_string(path(root, "queuers.0.workqueue")),
		"events");
	assert_string_equal(
		json_object_get_string(path(root, "queuers.0.function")),
		"vmstat_update");
	assert_int_equal(json_object_get_int(path(root, "queuers.0.pool_id")),
			 0);
	assert_string_equal(
		json_object_get_string(path(root, "queuers.0.context")),
		"task");
	assert_string_equal(
		json_object_get_string(path(root, "queuers.1.context")),
		"hardirq");
	assert_string_equal(
		json_object_get_string(path(root, "queuers.1.comm")), "");
	assert_string_equal(
		json_object_get_string(path(root, "queuers.0.comm")), "fio");
	assert_int_equal(json_object_get_int(path(root, "queuers.0.tgid")),
			 1234);
	assert_int_equal(json_object_get_int(path(root, "queuers.0.cgroup_id")),
			 5678);
	assert_string_equal(
		json_object_get_string(path(root, "queuers.0.cgroup")),
		"/wqmon-test.slice");
	assert_int_equal(json_object_get_int(path(root, "queuers.0.queued")),
			 30);
	assert_int_equal(json_object_get_int(path(root, "queuers.0.lat_ns")),
			 150000);
	assert_string_equal(
		json_object_to_json_string(path(root, "queuers.0.lat_seconds")),
		"0.00015");
	assert_string_equal(
		json_object_to_json_string(path(root, "queuers.0.run_seconds")),
		"0.00009");
	assert_string_equal(
		json_object_to_json_string(path(root, "queuers.0.cpu_seconds")),
		"0.000081");
	/* 81 us in 2 s: 0.00405 % -> 0.004; 1 ms: 0.05 %; 30 in 2 s. */
	assert_string_equal(
		json_object_to_json_string(path(root, "queuers.0.cpu_percent")),
		"0.004");
	assert_string_equal(
		json_object_to_json_string(path(root, "queuers.3.cpu_percent")),
		"0.05");
	assert_string_equal(json_object_to_json_string(
				    path(root, "queuers.0.queued_per_second")),
			    "15.0");
	json_object_put(root);
	free(text);
	/* A cumulative snapshot has no rate nor share. */
	s->interval_ns = 0;
	text = wq_json__render(s, 0);
	root = json_tokener_parse(text);
	assert_false(json_object_object_get_ex(path(root, "queuers.0"),
					       "cpu_percent", NULL));
	assert_false(json_object_object_get_ex(path(root, "queuers.0"),
					       "queued_per_second", NULL));
	json_object_put(root);
	free(text);
	wq_snapshot__free(s);
}

static struct json_object *render_sel(const struct wq_snapshot *s,
				      const struct wq_queuer_sel *sel,
				      bool tracked)
{
	char *text = wq_json__render_queuers(s, sel, tracked, 0);
	struct json_object *root;

	assert_non_null(text);
	root = json_tokener_parse(text);
	assert_non_null(root);
	free(text);
	return root;
}

/* The wqmon-queuers document: ranking, folding, selection, untracked. */
static void test_queuers_document(void **state)
{
	struct wq_snapshot *s = with_queuers();
	struct wq_queuer_sel sel = {.order = WQ_QORDER_CPU, .top = 1};
	struct json_object *root;

	(void)state;
	/* All series: fio merged (35 items, 1.081 ms), then the rest. */
	root = render_sel(s, &sel, true);
	assert_string_equal(json_object_get_string(path(root, "format")),
			    "wqmon-queuers");
	assert_int_equal(json_object_get_int(path(root, "version")), 1);
	assert_string_equal(json_object_get_string(path(root, "source")),
			    "kernel");
	assert_true(json_object_get_boolean(path(root, "tracked")));
	assert_string_equal(json_object_get_string(path(root, "order")), "cpu");
	assert_int_equal(json_object_get_int(path(root, "top")), 1);
	assert_int_equal(json_object_get_int64(path(root, "interval_ns")),
			 2000000000);
	assert_int_equal(json_object_get_int(path(root, "sample_every")), 1);
	assert_int_equal(json_object_array_length(path(root, "queuers")), 2);
	assert_string_equal(
		json_object_get_string(path(root, "queuers.0.comm")), "fio");
	assert_int_equal(json_object_get_int(path(root, "queuers.0.queued")),
			 35);
	assert_int_equal(json_object_get_int(path(root, "queuers.0.cpu_ns")),
			 1081000);
	assert_int_equal(json_object_get_int(path(root, "queuers.0.pool_id")),
			 -1);
	assert_string_equal(
		json_object_get_string(path(root, "queuers.0.workqueue")), "");
	assert_string_equal(
		json_object_get_string(path(root, "queuers.1.context")),
		"other");
	assert_string_equal(
		json_object_get_string(path(root, "queuers.1.comm")), "other");
	assert_int_equal(json_object_get_int(path(root, "queuers.1.queued")),
			 10);
	assert_int_equal(json_object_get_int(path(root, "queuers.1.cpu_ns")),
			 29900);
	json_object_put(root);

	/* By items queued, one workqueue: its name on the merged rows. */
	sel = (struct wq_queuer_sel){.order = WQ_QORDER_QUEUED,
				     .top = 5,
				     .workqueue = "events",
				     .function = "vmstat_update"};
	root = render_sel(s, &sel, true);
	assert_string_equal(json_object_get_string(path(root, "order")),
			    "queued");
	assert_string_equal(json_object_get_string(path(root, "workqueue")),
			    "events");
	assert_int_equal(json_object_array_length(path(root, "queuers")), 3);
	assert_int_equal(json_object_get_int(path(root, "queuers.0.queued")),
			 30);
	assert_string_equal(
		json_object_get_string(path(root, "queuers.0.workqueue")),
		"events");
	assert_string_equal(
		json_object_get_string(path(root, "queuers.1.context")),
		"hardirq");
	assert_string_equal(
		json_object_get_string(path(root, "queuers.2.comm")),
		"kworker/0:1");
	json_object_put(root);

	/* One series, pool and all: its own rows. */
	sel.has_pool = true;
	sel.pool_id = 16;
	sel.function = "other \"fn\"";
	root = render_sel(s, &sel, true);
	assert_int_equal(json_object_get_int(path(root, "pool_id")), 16);
	assert_int_equal(json_object_array_length(path(root, "queuers")), 1);
	assert_int_equal(json_object_get_int(path(root, "queuers.0.pool_id")),
			 16);
	assert_int_equal(json_object_get_int(path(root, "queuers.0.queued")),
			 5);
	json_object_put(root);

	/* A series nobody queued to, and a source that does not track. */
	sel.pool_id = 3;
	root = render_sel(s, &sel, true);
	assert_int_equal(json_object_array_length(path(root, "queuers")), 0);
	json_object_put(root);
	sel = (struct wq_queuer_sel){.order = WQ_QORDER_CPU, .top = 10};
	root = render_sel(s, &sel, false);
	assert_false(json_object_get_boolean(path(root, "tracked")));
	assert_int_equal(json_object_array_length(path(root, "queuers")), 0);
	json_object_put(root);
	wq_snapshot__free(s);
}

static void roundtrip(const struct wq_snapshot *s, int flags)
{
	struct wq_snapshot *back = wq_snapshot__new("x");
	char *text = wq_json__render(s, flags), err[256];
	int ret;

	assert_non_null(text);
	ret = wq_json__parse_msg(back, text, err, sizeof(err));
	if (ret)
		fail_msg("parse: %d: %s", ret, err);
	/* JSON keeps func_addr and the row order. */
	if (snap_cmp(s, back, 1) || queuers_cmp(s, back))
		fail_msg("parsed snapshot differs");
	free(text);
	wq_snapshot__free(back);
}

static void test_roundtrip(void **state)
{
	int seed;

	(void)state;
	for (seed = 1; seed <= 40; seed++) {
		struct wq_snapshot *s = wq_snapshot__new("k");

		gen_seed((uint64_t)seed * 31337);
		assert_int_equal(gen_snapshot(s, (size_t)seed % 9,
					      (size_t)seed * 5, seed & 1),
				 0);
		assert_int_equal(gen_queuers(s, (size_t)seed % 7 * 3), 0);
		roundtrip(s, seed % 3 ? 0 : WQ_JSON_PRETTY);
		wq_snapshot__free(s);
	}
}

static void test_no_slots(void **state)
{
	struct wq_snapshot *s = basic(), *back = wq_snapshot__new("x");
	char *text = wq_json__render(s, WQ_JSON_NO_SLOTS);

	(void)state;
	assert_null(strstr(text, "slots"));
	assert_int_equal(wq_json__parse(back, text), 0);
	assert_int_equal(back->series[0].sum_ns[WQ_H_LAT], 300000);
	assert_int_equal(back->series[0].max_ns[WQ_H_LAT], 25000);
	assert_int_equal(back->series[0].hist[WQ_H_LAT].slot[12], 0);
	free(text);
	wq_snapshot__free(back);
	wq_snapshot__free(s);
}

static void test_malformed(void **state)
{
	static const struct {
		const char *json, *msg;
	} cases[] = {
		{"", "unexpected end of input"},
		{"{\"format\":\"wqmon-json\",", "unexpected end of input"},
		{"nonsense", "offset 1: null expected"},
		{"[1,2]", "expected a JSON object"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\"} x",
		 "offset 49: data after the document"},
		{"{}", "format: expected \"wqmon-json\""},
		{"{\"format\":\"other\",\"version\":1}", "format: expected"},
		{"{\"format\":\"wqmon-json\",\"version\":2,\"source\":\"k\"}",
		 "version: unsupported (this parser reads 1)"},
		{"{\"format\":\"wqmon-json\",\"version\":\"1\",\"source\":"
		 "\"k\"}",
		 "version: unsupported"},
		{"{\"format\":\"wqmon-json\",\"version\":1}",
		 "source: missing"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":7}",
		 "source: expected a string"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":"
		 "\"0123456789012345678901234567890123456789012345678\"}",
		 "source: string too long (at most 47 bytes)"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":"
		 "\"a\\u0000b\"}",
		 "source: string too long (at most 47 bytes) or holds NUL"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"sample_every\":0}",
		 "sample_every: must be 1 or more"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"sample_every\":4294967296}",
		 "sample_every: must be 1 or more"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"mono_ns\":-1}",
		 "mono_ns: expected an unsigned integer"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"mono_ns\":1.5}",
		 "mono_ns: expected an unsigned integer"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"counters\":[]}",
		 "counters: expected an object"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"pools\":{}}",
		 "pools: expected an array"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"pools\":[{},7]}",
		 "pools[1]: expected an object"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"pools\":[{\"cpu\":2147483648}]}",
		 "pools[0].cpu: expected a 32-bit integer"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"pools\":[{\"flags\":4294967296}]}",
		 "pools[0].flags: expected a 32-bit value"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"series\":[{},{\"queued\":\"5\"}]}",
		 "series[1].queued: expected an unsigned integer"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"series\":[{\"func_addr\":\"ffff\"}]}",
		 "series[0].func_addr: expected \"0x<hex>\""},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"series\":[{\"func_addr\":\"0x-1\"}]}",
		 "series[0].func_addr: expected"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"series\":[{\"func_addr\":\"0x1ffffffffffffffff\"}]}",
		 "series[0].func_addr: expected"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"series\":[{\"hist\":{\"lat\":{\"slots\":[1,2]}}}]}",
		 "series[0].lat.slots: expected 36 counts"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"series\":[{\"hist\":{\"run\":{\"slots\":[0,0,0,0,0,0,0,0,0,"
		 "0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,-1]}}}]}",
		 "series[0].run.slots: item 35: expected an unsigned integer"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"series\":[{\"hist\":{\"cpu\":3}}]}",
		 "series[0].cpu: expected an object"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"queuers\":{}}",
		 "queuers: expected an array"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"queuers\":[{},{},{},{\"context\":\"irq\"}]}",
		 "queuers[3].context: expected one of task, softirq, hardirq, "
		 "nmi, other"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"queuers\":[{\"context\":1}]}",
		 "queuers[0].context: expected one of"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"queuers\":[7]}",
		 "queuers[0]: expected an object"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"queuers\":[{\"comm\":\"0123456789abcdef\"}]}",
		 "queuers[0].comm: string too long (at most 15 bytes)"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"queuers\":[{\"tgid\":2147483648}]}",
		 "queuers[0].tgid: expected a 32-bit integer"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"queuers\":[{\"cgroup_id\":-1}]}",
		 "queuers[0].cgroup_id: expected an unsigned integer"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"queuers\":[{\"cpu_ns\":1.5}]}",
		 "queuers[0].cpu_ns: expected an unsigned integer"},
		{"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"k\","
		 "\"queuers\":[{\"pool_id\":\"1\"}]}",
		 "queuers[0].pool_id: expected a 32-bit integer"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wq_snapshot *s = wq_snapshot__new("x");
		char err[200];
		int ret =
			wq_json__parse_msg(s, cases[i].json, err, sizeof(err));

		if (ret != -EINVAL || !strstr(err, cases[i].msg))
			fail_msg("case %zu: got %d '%s', want '%s'", i, ret,
				 err, cases[i].msg);
		assert_int_equal(s->nr_pools + s->nr_series + s->nr_queuers, 0);
		assert_int_equal(wq_json__parse(s, cases[i].json), -EINVAL);
		wq_snapshot__free(s);
	}
}

/* Unknown members are skipped (forward compatibility); absent ones are 0. */
static void test_lenient(void **state)
{
	struct wq_snapshot *s = wq_snapshot__new("x");
	static const char doc[] =
		"{\"format\":\"wqmon-json\",\"version\":1,\"source\":\"refwq:"
		"a\","
		"\"new_field\":[1,{\"x\":null}],\"series\":[{\"workqueue\":"
		"\"w\","
		"\"queued\":18446744073709551615,\"future\":true}]}";

	(void)state;
	assert_int_equal(wq_json__parse(s, doc), 0);
	assert_string_equal(s->source, "refwq:a");
	assert_int_equal(s->nr_series, 1);
	assert_true(s->series[0].queued == UINT64_MAX);
	assert_int_equal(s->series[0].started, 0);
	assert_int_equal(s->series[0].func_addr, 0);
	wq_snapshot__free(s);
}

static void test_truncated_prefixes(void **state)
{
	struct wq_snapshot *s = with_queuers(), *back = wq_snapshot__new("x");
	char *text = wq_json__render(s, 0);
	size_t len = strlen(text), cut;

	(void)state;
	for (cut = 0; cut < len; cut++) {
		char saved = text[cut];

		text[cut] = '\0';
		if (wq_json__parse(back, text) != -EINVAL)
			fail_msg("prefix of %zu bytes parsed", cut);
		text[cut] = saved;
	}
	assert_int_equal(wq_json__parse(back, text), 0);
	free(text);
	wq_snapshot__free(back);
	wq_snapshot__free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_values),
		cmocka_unit_test(test_render_queuers),
		cmocka_unit_test(test_queuers_document),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_no_slots),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_lenient),
		cmocka_unit_test(test_truncated_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
