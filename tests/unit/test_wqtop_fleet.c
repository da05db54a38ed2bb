// SPDX-License-Identifier: GPL-2.0
/*
 * wqtop's fleet view, the pure part (tui/fleet.c): Prometheus answers
 * into the model (hosts only from the wqmon job's up, host counts only of
 * the top functions, answers that are not instant vectors refused), the
 * order (stalled, down, slow, name), and the text.  The queries run
 * against a real Prometheus in tests/integration/fleet.sh.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fleet.h"

#define OK(r)                                                                  \
	"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","         \
	"\"result\":[" r "]}}"
#define S(labels, v)                                                           \
	"{\"metric\":{" labels "},\"value\":[1764850000.123,\"" v "\"]}"

static const struct {
	enum wqtop_fleet_query q;
	const char *json;
} answers[] = {
	{FLEET_Q_UP,
	 OK(S("\"__name__\":\"up\",\"instance\":\"a:9464\",\"job\":\"wqmon\"",
	      "1") "," S("\"__name__\":\"up\",\"instance\":\"b:9464\",\"job\":"
			 "\"wqmon\"",
			 "0") "," S("\"__name__\":\"up\",\"instance\":\"c:"
				    "9464\",\"job\":\"wqmon\"",
				    "1") "," S("\"__name__\":\"up\","
					       "\"instance\":\"d:9464\","
					       "\"job\":\"wqmon\"",
					       "1"))},
	/* e is not in the job: its answers are not a host's. */
	{FLEET_Q_SOURCES,
	 OK(S("\"instance\":\"a:9464\"", "3") "," S(
		 "\"instance\":\"c:9464\"",
		 "2") "," S("\"instance\":\"d:9464\"",
			    "1") "," S("\"instance\":\"e:9464\"", "9"))},
	{FLEET_Q_P99,
	 OK(S("\"instance\":\"a:9464\"", "0.0021") "," S(
		 "\"instance\":\"c:9464\"",
		 "0.25") "," S("\"instance\":\"d:9464\"", "0.0021"))},
	{FLEET_Q_STALLS, OK(S("\"instance\":\"d:9464\"", "2"))},
	{FLEET_Q_HOST_TOP, OK(S("\"instance\":\"a:9464\",\"source\":\"kernel\","
				"\"workqueue\":\"events\","
				"\"function\":\"vmstat_update\"",
				"0.015"))},
	{FLEET_Q_FN_CPU,
	 OK(S("\"source\":\"kernel\",\"workqueue\":\"events\",\"function\":"
	      "\"vmstat_update\"",
	      "0.02") "," S("\"source\":\"kernel\",\"workqueue\":\"kblockd\","
			    "\"function\":\"blk_fn\"",
			    "0.5"))},
	/* other_fn is not in the top list: no row for it. */
	{FLEET_Q_FN_HOSTS,
	 OK(S("\"source\":\"kernel\",\"workqueue\":\"events\",\"function\":"
	      "\"vmstat_update\"",
	      "3") "," S("\"source\":\"kernel\",\"workqueue\":\"events\","
			 "\"function\":\"other_fn\"",
			 "1"))},
};

static void load(struct wqtop_fleet *m)
{
	char why[128];
	size_t i;

	for (i = 0; i < sizeof(answers) / sizeof(answers[0]); i++)
		assert_int_equal(wqtop_fleet__add(m, answers[i].q,
						  answers[i].json, why,
						  sizeof(why)),
				 0);
}

static void test_model(void **state)
{
	struct wqtop_fleet m = {0};

	(void)state;
	load(&m);
	assert_int_equal(m.nr_hosts, 4);
	assert_string_equal(m.hosts[0].instance, "a:9464");
	assert_true(m.hosts[0].up);
	assert_true(m.hosts[0].sources == 3);
	assert_true(m.hosts[0].p99_s == 0.0021);
	assert_true(m.hosts[0].stalls == -1);
	assert_string_equal(m.hosts[0].top_fn, "kernel events/vmstat_update");
	/* b is down: nothing known but that. */
	assert_false(m.hosts[1].up);
	assert_true(m.hosts[1].sources == -1 && m.hosts[1].p99_s == -1);
	assert_string_equal(m.hosts[1].top_fn, "");
	assert_int_equal(m.nr_fns, 2);
	assert_string_equal(m.fns[0].name, "kernel events/vmstat_update");
	assert_true(m.fns[0].hosts == 3);
	assert_true(m.fns[1].hosts == -1);
	wqtop_fleet__free(&m);
}

static void test_sort(void **state)
{
	struct wqtop_fleet m = {0};
	static const char *const order[] = {"d:9464", "b:9464", "c:9464",
					    "a:9464"};
	size_t i;

	(void)state;
	load(&m);
	wqtop_fleet__sort(&m);
	/* d stalls; b is down; c waits longest; a last. */
	for (i = 0; i < 4; i++)
		assert_string_equal(m.hosts[i].instance, order[i]);
	assert_string_equal(m.fns[0].name, "kernel kblockd/blk_fn");
	wqtop_fleet__free(&m);
}

static void test_render(void **state)
{
	struct wqtop_fleet m = {0};
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	load(&m);
	wqtop_fleet__sort(&m);
	wqtop_fleet__render(f, &m, "http://p:9090", 200);
	fclose(f);
	assert_string_equal(
		text, "wqtop fleet: http://p:9090  4 hosts, 3 up, 1 stalled\n"
		      "\n"
		      "HOST                         STATE SOURCES   LAT_P99 "
		      "STALLS  TOP FUNCTION BY KWORKER CPU\n"
		      "d:9464                          up       1     2.1ms    "
		      "  2  -\n"
		      "b:9464                        down       -         -    "
		      "  -  -\n"
		      "c:9464                          up       2   250.0ms    "
		      "  -  -\n"
		      "a:9464                          up       3     2.1ms    "
		      "  -  kernel events/vmstat_update 1.5%\n"
		      "\n"
		      "FLEET: TOP WORK FUNCTIONS BY KWORKER CPU                "
		      "         CPU%  HOSTS\n"
		      "kernel kblockd/blk_fn                                   "
		      "        50.00      -\n"
		      "kernel events/vmstat_update                             "
		      "         2.00      3\n");
	free(text);
	/* Lines are cut at the width. */
	f = open_memstream(&text, &len);
	assert_non_null(f);
	wqtop_fleet__render(f, &m, "http://p:9090", 40);
	fclose(f);
	assert_memory_equal(text, "wqtop fleet: http://p:9090  4 hosts, 3 u\n",
			    41);
	for (char *l = text; *l; l = strchr(l, '\n') + 1)
		assert_true(strchr(l, '\n') - l <= 40);
	free(text);
	wqtop_fleet__free(&m);
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"",
		"not json",
		"{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":"
		"\"parse error\"}",
		"{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\","
		"\"result\":[1,\"2\"]}}",
		OK("{\"metric\":{\"instance\":\"a\"},\"values\":[[1,\"2\"]]}"),
		OK(S("\"instance\":\"a\"", "two")),
	};
	struct wqtop_fleet m = {0};
	char why[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		assert_int_equal(wqtop_fleet__add(&m, FLEET_Q_UP, bad[i], why,
						  sizeof(why)),
				 -EPROTO);
		assert_true(why[0]);
	}
	assert_int_equal(m.nr_hosts, 0);
	wqtop_fleet__free(&m);
}

/* One host: the queries name it escaped; functions by CPU with their
 * p99 (none for a function outside the CPU list); its stalls. */
static void test_detail(void **state)
{
	struct wqtop_fleet_detail d = {0};
	struct wqtop_fleet_host h = {.instance = "a:9464",
				     .up = true,
				     .sources = 2,
				     .p99_s = 0.0021,
				     .stalls = 2};
	char q[1024], why[128], *text = NULL;
	size_t len;
	FILE *f;

	(void)state;
	assert_int_equal(wqtop_fleet__detail_query(q, sizeof(q), FLEET_D_STALLS,
						   "we\"ird\\host"),
			 0);
	assert_string_equal(
		q, "wqmon_stall_active{instance=\"we\\\"ird\\\\host\"}");
	assert_int_equal(
		wqtop_fleet__detail_query(q, 20, FLEET_D_CPU, "a:9464"),
		-ENAMETOOLONG);
	assert_int_equal(wqtop_fleet__detail_add(
				 &d, FLEET_D_CPU,
				 OK(S("\"source\":\"kernel\",\"workqueue\":"
				      "\"events\",\"function\":\"slow\"",
				      "0.01") "," S("\"source\":\"kernel\","
						    "\"workqueue\":\"kblockd\","
						    "\"function\":\"hot\"",
						    "0.5")),
				 why, sizeof(why)),
			 0);
	assert_int_equal(wqtop_fleet__detail_add(
				 &d, FLEET_D_P99,
				 OK(S("\"source\":\"kernel\",\"workqueue\":"
				      "\"events\",\"function\":\"slow\"",
				      "0.3") "," S("\"source\":\"kernel\","
						   "\"workqueue\":\"events\","
						   "\"function\":\"unlisted\"",
						   "9")),
				 why, sizeof(why)),
			 0);
	assert_int_equal(
		wqtop_fleet__detail_add(
			&d, FLEET_D_STALLS,
			OK(S("\"source\":\"refwq:web\",\"kind\":\"running\","
			     "\"pool\":\"3\",\"workqueue\":\"io\",\"function\":"
			     "\"rd\"",
			     "1") "," S("\"source\":\"refwq:web\",\"kind\":"
					"\"pending\",\"pool\":\"0\"",
					"1")),
			why, sizeof(why)),
		0);
	wqtop_fleet__detail_sort(&d);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	wqtop_fleet__detail_render(f, &d, &h, 200);
	fclose(f);
	assert_string_equal(text,
			    "HOST a:9464: up, sources 2, p99 2.1ms, stalls 2\n"
			    "  stall: pending refwq:web pool 0\n"
			    "  stall: running refwq:web pool 3 io/rd\n"
			    "FUNCTION                                          "
			    "               CPU%   LAT_P99\n"
			    "kernel kblockd/hot                                "
			    "              50.00         -\n"
			    "kernel events/slow                                "
			    "               1.00   300.0ms\n");
	free(text);
	wqtop_fleet__detail_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),  cmocka_unit_test(test_sort),
		cmocka_unit_test(test_render), cmocka_unit_test(test_refused),
		cmocka_unit_test(test_detail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
