// SPDX-License-Identifier: GPL-2.0
/* The export bridge: a refwq instance as a wqmon snapshot and text view. */
#include <errno.h>

#include <refwq/workqueue.h>

#include "hist.h"
#include "model.h"
#include "refwq_export.h"
#include "refwq_shm.h"
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

static int found_cb(const char *name, void *ctx)
{
	if (!strcmp(name, refwq_shm_name()))
		inc(ctx);
	return 0;
}

static void t_shm(void)
{
	struct workqueue_struct *wq = alloc_workqueue("shm", 0, 0);
	struct wq_snapshot *s = wq_snapshot__new("x"),
			   *r = wq_snapshot__new("y");
	struct wq_series *a, *b;
	struct work_struct w[8];
	char path[300];
	size_t i;
	int found = 0, k;

	CHECK_EQ(refwq_shm_start(20, 0), 0);
	CHECK_EQ(refwq_shm_start(20, 0), -EALREADY);
	CHECK(!strncmp(refwq_shm_name(), "refwq.", 6));
	for (i = 0; i < 8; i++) {
		INIT_WORK(&w[i], export_test_fn);
		queue_work_on((int)i & 1, wq, &w[i]);
	}
	flush_workqueue(wq);
	refwq_debug_settle();
	CHECK_EQ(refwq_shm_publish(), 0);
	CHECK(refwq_shm_discover(found_cb, &found) >= 1);
	CHECK_EQ(found, 1);
	CHECK_EQ(refwq_shm_read(refwq_shm_name(), r), 0);
	CHECK_EQ(refwq_export_snapshot(s), 0);
	CHECK(!strcmp(r->source, "refwq:test"));
	CHECK_EQ(r->nr_pools, s->nr_pools);
	CHECK_EQ(r->nr_series, s->nr_series);
	for (i = 0; i < s->nr_series; i++) {
		a = &s->series[i];
		b = wq_snapshot__find_series(r, a->pool_id, a->workqueue,
					     a->function);
		CHECK(b != NULL);
		if (!b)
			continue;
		CHECK_EQ(b->queued, a->queued);
		CHECK_EQ(b->completed, a->completed);
		for (k = 0; k < WQ_H_NR; k++)
			CHECK(!memcmp(&b->hist[k], &a->hist[k],
				      sizeof(a->hist[k])));
	}
	a = wq_snapshot__find_series(r, 0, "shm", "export_test_fn");
	b = wq_snapshot__find_series(r, 2, "shm", "export_test_fn");
	CHECK(a && a->completed == 4);
	CHECK(b && b->completed == 4);
	snprintf(path, sizeof(path), "/dev/shm/%s", refwq_shm_name());
	CHECK_EQ(access(path, R_OK), 0);
	refwq_shm_stop();
	CHECK(access(path, F_OK) != 0);
	CHECK_EQ(refwq_shm_read(path, r), -ENOENT);
	wq_snapshot__free(s);
	wq_snapshot__free(r);
	destroy_workqueue(wq);
}

int main(void)
{
	struct refwq_config two = {.name = "test", .nr_cpus = 2};

	tap_run("export: snapshot equals the core's counters; text view "
		"round-trips",
		t_snapshot, &two, 0);
	tap_run("shm export: the daemon's reader sees what the process counts",
		t_shm, &two, 0);
	return tap_done();
}
