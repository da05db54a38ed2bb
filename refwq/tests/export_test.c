// SPDX-License-Identifier: GPL-2.0
/* The export bridge: a refwq instance as a wqmon snapshot and text view. */
#include <refwq/workqueue.h>

#include "hist.h"
#include "model.h"
#include "refwq_export.h"
#include "tap.h"
#include "text.h"

/* Not static: the bridge names functions through the dynamic symbol table
 * (the test is linked with -rdynamic). */
void export_test_fn(struct work_struct *work);
void export_test_fn(struct work_struct *work)
{
	(void)work;
	msleep(1);
}

static void t_snapshot(void)
{
	struct workqueue_struct *wq = alloc_workqueue("exp", WQ_UNBOUND, 1);
	struct wq_snapshot *s = wq_snapshot__new("x"),
			   *p = wq_snapshot__new("y");
	struct refwq_series_info si;
	struct work_struct w[4];
	struct wq_series *ws;
	struct wq_pool *wp;
	char err[128] = "";
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int i, k;

	for (i = 0; i < 4; i++) {
		INIT_WORK(&w[i], export_test_fn);
		queue_work(wq, &w[i]);
	}
	cancel_work(&w[3]);
	flush_workqueue(wq);
	refwq_debug_settle();

	CHECK_EQ(refwq_export_snapshot(s), 0);
	CHECK(!strcmp(s->source, "refwq:test"));
	CHECK_EQ(s->nr_pools, 2 * 2 + 2);
	ws = wq_snapshot__find_series(s, 4, "exp", "export_test_fn");
	CHECK(ws != NULL);
	CHECK(series_info(4, "exp", (const void *)export_test_fn, &si));
	if (ws) {
		CHECK_EQ(ws->queued, si.queued);
		CHECK_EQ(ws->started, si.started);
		CHECK_EQ(ws->completed, si.completed);
		CHECK_EQ(ws->cancelled, si.cancelled);
		CHECK_EQ(ws->started + ws->cancelled, ws->queued);
		CHECK_EQ(ws->func_addr, (uintptr_t)export_test_fn);
		for (k = 0; k < WQ_H_NR; k++) {
			CHECK_EQ(ws->sum_ns[k], si.sum_ns[k]);
			CHECK_EQ(wq_hist__count(&ws->hist[k]),
				 hist_count(si.hist[k]));
		}
	}
	wp = wq_snapshot__find_pool(s, 4);
	CHECK(wp && (wp->flags & WQ_POOL_UNBOUND) && wp->cpu == -1);
	CHECK(wp && wp->workers == wp->idle && wp->pending == 0);

	/* The text view parses back to the same series. */
	f = open_memstream(&buf, &len);
	CHECK_EQ(refwq_export_text(f), 0);
	fclose(f);
	CHECK_EQ(wq_text__parse(p, buf, len, err, sizeof(err)), 0);
	if (err[0])
		tap_note("parse: %s", err);
	CHECK(!strcmp(p->source, "refwq:test"));
	ws = wq_snapshot__find_series(p, 4, "exp", "export_test_fn");
	CHECK(ws && ws->completed == si.completed && ws->cancelled == 1);
	free(buf);
	wq_snapshot__free(s);
	wq_snapshot__free(p);
	destroy_workqueue(wq);
}

int main(void)
{
	struct refwq_config two = {.name = "test", .nr_cpus = 2};

	tap_run("export: snapshot equals the core's counters; text view "
		"round-trips",
		t_snapshot, &two, 0);
	return tap_done();
}
