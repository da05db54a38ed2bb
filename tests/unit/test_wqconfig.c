// SPDX-License-Identifier: GPL-2.0
/*
 * The workqueue configuration as a value (lib/core/wqconfig.c) and its
 * metrics (lib/core/metrics.c): flag names, lookups, the wqmon-config
 * document field by field, nulls for what a kernel lacks, and one series
 * per (workqueue, flags) in /metrics when two workqueues share a name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>
#include "metrics.h"
#include "wqconfig.h"

static int pools_events[] = { 2, 6 };
static int cpu_events[] = { 2, 6 };
static int pools_unbound[] = { 8 };
static int cpu_unbound[] = { 8, 8 };

/* A 6.18-like reading: two "events" (6.17+), an unbound workqueue, and a
 * 6.1-like one (no min_active, no affinity scope). */
static void fill(struct wq_config *c, struct wq_cfg_wq *w,
		 struct wq_cfg_pool *p)
{
	memset(c, 0, sizeof(*c));
	c->time_ns = 1796385597875278991ULL;
	c->nr_cpus = 2;
	strcpy(c->cpumask_requested, "0-1");
	strcpy(c->cpumask_effective, "0-1");
	strcpy(c->default_affinity_scope, "cache");
	c->complete = true;
	for (int i = 0; i < 2; i++) {
		w[i] = (struct wq_cfg_wq){
			.name = "events", .flags = WQ_CFG_PERCPU,
			.max_active = 1024, .saved_max_active = 1024,
			.min_active = 8, .active = i, .nice = WQ_CFG_NONE,
			.affinity_strict = WQ_CFG_NONE,
			.default_pool = WQ_CFG_NONE, .pools = pools_events,
			.nr_pools = 2, .cpu_pool = cpu_events };
	}
	w[2] = (struct wq_cfg_wq){
		.name = "writeback",
		.flags = WQ_CFG_UNBOUND | WQ_CFG_MEM_RECLAIM | WQ_CFG_SYSFS,
		.max_active = 1024, .saved_max_active = 256,
		.min_active = WQ_CFG_NONE, .active = 3, .rescuer = true,
		.nice = 0, .cpus = "0-1", .affinity_scope = "default",
		.affinity_strict = 0, .default_pool = 8, .pools = pools_unbound,
		.nr_pools = 1, .cpu_pool = cpu_unbound };
	c->wqs = w;
	c->nr_wqs = 3;
	p[0] = (struct wq_cfg_pool){ .id = 2, .cpu = 0, .nice = 0, .cpus = "0",
				     .workers = 3, .idle = 2, .running = 1 };
	p[1] = (struct wq_cfg_pool){ .id = 8, .cpu = -1, .node = -1,
				     .nice = 0, .cpus = "0-1", .workers = 4,
				     .idle = 4 };
	c->pools = p;
	c->nr_pools = 2;
}

static void test_flags(void **state)
{
	char buf[64];

	(void)state;
	wq_cfg_flags_format(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	wq_cfg_flags_format(WQ_CFG_UNBOUND | WQ_CFG_ORDERED | WQ_CFG_BH, buf,
			    sizeof(buf));
	assert_string_equal(buf, "bh,unbound,ordered");
	/* Cut at a whole name, never in the middle of one. */
	wq_cfg_flags_format(WQ_CFG_UNBOUND | WQ_CFG_MEM_RECLAIM, buf, 12);
	assert_string_equal(buf, "unbound");
	assert_string_equal(wq_cfg_flag_name(3), "mem_reclaim");
	assert_null(wq_cfg_flag_name(WQ_CFG_NR_FLAGS));
	assert_null(wq_cfg_flag_name(-1));
}

static void test_lookup(void **state)
{
	struct wq_cfg_wq w[3];
	struct wq_cfg_pool p[2];
	struct wq_config c;

	(void)state;
	fill(&c, w, p);
	assert_ptr_equal(wq_config__wq(&c, "writeback"), &w[2]);
	assert_ptr_equal(wq_config__wq(&c, "events"), &w[0]);
	assert_null(wq_config__wq(&c, "event"));
	assert_ptr_equal(wq_config__pool(&c, 8), &p[1]);
	assert_null(wq_config__pool(&c, 3));
}

static struct json_object *get(struct json_object *o, const char *path)
{
	char key[64];
	const char *dot;

	while ((dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		assert_true(json_object_object_get_ex(o, key, &o));
		path = dot + 1;
	}
	if (!json_object_object_get_ex(o, path, &o))
		fail_msg("no %s", path);
	return o;
}

static void test_json(void **state)
{
	struct wq_cfg_wq w[3];
	struct wq_cfg_pool p[2];
	struct wq_config c;
	struct json_object *doc, *wb, *ev, *pool;

	(void)state;
	fill(&c, w, p);
	doc = wq_config__to_json(&c);
	assert_non_null(doc);
	assert_string_equal(json_object_get_string(get(doc, "format")),
			    "wqmon-config");
	assert_int_equal(json_object_get_int(get(doc, "version")), 1);
	assert_true(json_object_get_boolean(get(doc, "complete")));
	assert_string_equal(json_object_get_string(get(doc, "cpumasks.effective")),
			    "0-1");
	/* An empty mask is null, not "". */
	assert_null(get(doc, "cpumasks.isolated"));
	assert_int_equal(json_object_array_length(get(doc, "workqueues")), 3);
	ev = json_object_array_get_idx(get(doc, "workqueues"), 0);
	wb = json_object_array_get_idx(get(doc, "workqueues"), 2);
	assert_string_equal(json_object_to_json_string(get(ev, "flags")),
			    "[ \"percpu\" ]");
	assert_null(get(ev, "nice"));
	assert_null(get(ev, "cpus"));
	assert_null(get(ev, "affinity_scope"));
	assert_null(get(ev, "affinity_strict"));
	assert_null(get(ev, "default_pool"));
	assert_string_equal(json_object_to_json_string(get(ev, "cpu_pools")),
			    "[ 2, 6 ]");
	assert_string_equal(json_object_to_json_string(get(wb, "flags")),
			    "[ \"unbound\", \"mem_reclaim\", \"sysfs\" ]");
	assert_int_equal(json_object_get_int(get(wb, "max_active")), 1024);
	assert_int_equal(json_object_get_int(get(wb, "saved_max_active")), 256);
	assert_null(get(wb, "min_active"));
	assert_int_equal(json_object_get_int(get(wb, "active")), 3);
	assert_true(json_object_get_boolean(get(wb, "rescuer")));
	assert_string_equal(json_object_get_string(get(wb, "affinity_scope")),
			    "default");
	assert_false(json_object_get_boolean(get(wb, "affinity_strict")));
	assert_int_equal(json_object_get_int(get(wb, "default_pool")), 8);
	pool = json_object_array_get_idx(get(doc, "pools"), 1);
	assert_null(get(pool, "cpu"));
	assert_string_equal(json_object_get_string(get(pool, "cpus")), "0-1");
	assert_int_equal(json_object_get_int(get(pool, "workers")), 4);
	pool = json_object_array_get_idx(get(doc, "pools"), 0);
	assert_int_equal(json_object_get_int(get(pool, "cpu")), 0);
	assert_int_equal(json_object_get_int(get(pool, "running")), 1);
	json_object_put(doc);
}

static char *render(const struct wq_config *c)
{
	struct wq_metrics_opts o = { .version = "t", .config = c };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(wq_metrics__render(f, NULL, 0, &o), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_metrics(void **state)
{
	struct wq_cfg_wq w[3];
	struct wq_cfg_pool p[2];
	struct wq_config c;
	char *out;

	(void)state;
	fill(&c, w, p);
	out = render(&c);
	assert_int_equal(count(out, "\nwqmon_workqueue_info{source=\"kernel\","
				    "workqueue=\"events\",flags=\"percpu\","
				    "cpus=\"\",affinity_scope=\"\"} 1\n"), 1);
	assert_int_equal(count(out, "\nwqmon_workqueue_active_items{source="
				    "\"kernel\",workqueue=\"events\","), 1);
	/* The first of the two, as the kernel lists them. */
	assert_int_equal(count(out, "workqueue=\"events\",flags=\"percpu\"} 0\n"), 1);
	assert_int_equal(count(out, "\nwqmon_workqueue_max_active{source="
				    "\"kernel\",workqueue=\"writeback\","
				    "flags=\"unbound,mem_reclaim,sysfs\"} 1024\n"), 1);
	assert_int_equal(count(out, "\nwqmon_workqueue_cpumask_info{source="
				    "\"kernel\",requested=\"0-1\",effective="
				    "\"0-1\",isolated=\"\"} 1\n"), 1);
	assert_int_equal(count(out, "\nwqmon_pool_config_info{source=\"kernel\","
				    "pool=\"8\",cpus=\"0-1\",nice=\"0\","
				    "bh=\"no\"} 1\n"), 1);
	free(out);
	/* No reading: no family at all. */
	out = render(NULL);
	assert_null(strstr(out, "wqmon_workqueue_"));
	assert_null(strstr(out, "wqmon_pool_config"));
	free(out);
}

static void test_from_json(void **state)
{
	struct wq_cfg_wq w[3];
	struct wq_cfg_pool p[2];
	struct wq_config c, back;
	struct json_object *doc, *again;
	char err[128], *text;

	(void)state;
	fill(&c, w, p);
	doc = wq_config__to_json(&c);
	text = strdup(json_object_to_json_string(doc));
	assert_int_equal(wq_config__from_json(text, &back, err, sizeof(err)), 0);
	/* Round trip: the same document again. */
	again = wq_config__to_json(&back);
	assert_string_equal(json_object_to_json_string(again), text);
	assert_int_equal(back.wqs[2].flags, w[2].flags);
	assert_int_equal(back.wqs[0].min_active, 8);
	assert_int_equal(back.wqs[2].min_active, WQ_CFG_NONE);
	assert_int_equal(back.pools[1].cpu, -1);
	json_object_put(again);
	json_object_put(doc);
	wq_config__free(&back);
	free(text);

	/* Wrong or broken documents: one line, nothing kept. */
	static const char *const bad[] = {
		"", "[]", "{\"format\":\"wqmon-json\",\"version\":1}",
		"{\"format\":\"wqmon-config\",\"version\":2}",
		"{\"format\":\"wqmon-config\",\"version\":1}",
		"{\"format\":\"wqmon-config\",\"version\":1,\"nr_cpus\":2,"
		"\"complete\":true,\"cpumasks\":{\"requested\":null,"
		"\"effective\":null,\"isolated\":null},"
		"\"default_affinity_scope\":null,\"workqueues\":[{}],"
		"\"pools\":[]}",
		"{\"format\":\"wqmon-config\",\"version\":1,\"nr_cpus\":0,"
		"\"complete\":true,\"cpumasks\":{},\"workqueues\":[],"
		"\"pools\":[]}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(wq_config__from_json(bad[i], &back, err,
						      sizeof(err)), -EINVAL);
		assert_true(err[0] && !strchr(err, '\n'));
		assert_int_equal(back.nr_wqs, 0);
		assert_null(back.wqs);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_from_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
