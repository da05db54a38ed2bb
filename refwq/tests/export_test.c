// SPDX-License-Identifier: GPL-2.0
/* The export bridge: a refwq instance as a wqmon snapshot and text view. */
#include <errno.h>
#include <sys/wait.h>

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

/*
 * Across processes, as the daemon sees it: a child runs a known workload
 * and publishes; this process reads the segment and checks every counter.
 */
static struct completion e2e_gate;

static void e2e_gate_fn(struct work_struct *work)
{
	(void)work;
	wait_for_completion(&e2e_gate);
}

static int child_main(int ready_fd, int done_fd)
{
	struct refwq_config cfg = {.name = "e2e", .nr_cpus = 2};
	struct workqueue_struct *wq;
	struct work_struct w[10], gate;
	char c = 'r';
	int i;

	if (refwq_init(&cfg))
		return 1;
	wq = alloc_workqueue("e2e", 0, 1);
	init_completion(&e2e_gate);
	INIT_WORK(&gate, e2e_gate_fn);
	for (i = 0; i < 10; i++)
		INIT_WORK(&w[i], export_test_fn);
	/* The gate holds the only active slot: the ten wait inactive. */
	queue_work_on(1, wq, &gate);
	for (i = 0; i < 10; i++)
		queue_work_on(1, wq, &w[i]);
	if (!cancel_work(&w[9]) || !cancel_work(&w[8]))
		return 1;
	complete(&e2e_gate);
	flush_workqueue(wq);
	refwq_debug_settle();
	if (refwq_shm_start(60000, 0) || refwq_shm_publish())
		return 1;
	if (write(ready_fd, &c, 1) != 1 || read(done_fd, &c, 1) != 1)
		return 1;
	refwq_shm_stop();
	destroy_workqueue(wq);
	refwq_exit();
	return 0;
}

static void t_cross_process(void)
{
	int ready[2], done[2], status = 0;
	struct wq_snapshot *s = wq_snapshot__new("x");
	struct wq_series *ws;
	struct wq_pool *wp;
	char name[64], c;
	pid_t pid;

	tap_n++;
	tap_case_failed = 0;
	if (pipe(ready) || pipe(done)) {
		CHECK(0);
		return;
	}
	fflush(stdout);
	pid = fork();
	if (!pid)
		_exit(child_main(ready[1], done[0]));
	CHECK(read(ready[0], &c, 1) == 1);
	snprintf(name, sizeof(name), "refwq.%d.e2e", (int)pid);
	CHECK_EQ(refwq_shm_read(name, s), 0);
	CHECK(!strcmp(s->source, "refwq:e2e"));
	ws = wq_snapshot__find_series(s, 2, "e2e", "export_test_fn");
	CHECK(ws != NULL);
	if (ws) {
		CHECK_EQ(ws->queued, 10);
		CHECK_EQ(ws->activated, 8);
		CHECK_EQ(ws->started, 8);
		CHECK_EQ(ws->completed, 8);
		CHECK_EQ(ws->cancelled, 2);
		CHECK_EQ(wq_hist__count(&ws->hist[WQ_H_LAT]), 8);
		CHECK_EQ(wq_hist__count(&ws->hist[WQ_H_RUN]), 8);
		/* Each run sleeps 1 ms. */
		CHECK(ws->sum_ns[WQ_H_RUN] >= 8000000ull);
	}
	CHECK(!wq_snapshot__find_series(s, 0, "e2e", "export_test_fn"));
	wp = wq_snapshot__find_pool(s, 2);
	CHECK(wp && wp->cpu == 1 && wp->pending == 0 && wp->running == 0 &&
	      wp->workers >= 1 && wp->workers == wp->idle);
	CHECK(write(done[1], "d", 1) == 1);
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(refwq_shm_read(name, s), -ENOENT);
	wq_snapshot__free(s);
	if (tap_case_failed)
		tap_failed_cases++;
	printf("%sok %d - shm export read by another process: every counter "
	       "exact\n",
	       tap_case_failed ? "not " : "", tap_n);
}

int main(void)
{
	t_cross_process();
	struct refwq_config two = {.name = "test", .nr_cpus = 2};

	tap_run("export: snapshot equals the core's counters; text view "
		"round-trips",
		t_snapshot, &two, 0);
	tap_run("shm export: the daemon's reader sees what the process counts",
		t_shm, &two, 0);
	return tap_done();
}
