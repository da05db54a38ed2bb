// SPDX-License-Identifier: GPL-2.0
/* REFWQ_SPEC 13-16: flush, drain, destroy. */
#include <refwq/workqueue.h>

#include "tap.h"
#include "works.h"


struct flusher {
	pthread_t th;
	struct work_struct *work;
	bool ret;
	int done;
};

static void *flusher_thread(void *arg)
{
	struct flusher *f = arg;

	f->ret = flush_work(f->work);
	inc(&f->done);
	return NULL;
}

/* 13 */
static void t_flush_work(void)
{
	struct workqueue_struct *wq = alloc_ordered_workqueue("t13", 0);
	struct flusher f = {.done = 0}, g = {.done = 0};
	struct counted x = {.runs = 0};
	struct blocker b;

	blocker_init(&b);
	INIT_WORK(&x.work, counted_fn);
	CHECK(!flush_work(&b.work));

	/* Running. */
	queue_work(wq, &b.work);
	wait_for_completion(&b.started);
	f.work = &b.work;
	pthread_create(&f.th, NULL, flusher_thread, &f);
	sleep_ms(20);
	CHECK_EQ(get(&f.done), 0);
	/* Queued (behind the blocker on the ordered queue). */
	queue_work(wq, &x.work);
	g.work = &x.work;
	pthread_create(&g.th, NULL, flusher_thread, &g);
	sleep_ms(20);
	CHECK_EQ(get(&g.done), 0);
	CHECK_EQ(get(&x.runs), 0);
	complete(&b.release);
	pthread_join(f.th, NULL);
	pthread_join(g.th, NULL);
	CHECK(f.ret);
	CHECK(g.ret);
	CHECK_EQ(get(&x.runs), 1);
	CHECK(!flush_work(&x.work));
	CHECK(!flush_work(&b.work));
	destroy_workqueue(wq);
}

/* 14: items re-queued during the flush don't keep it waiting. */
static struct {
	struct workqueue_struct *wq;
	struct work_struct work;
	int stop;
	int runs;
} forever;

static void forever_fn(struct work_struct *work)
{
	inc(&forever.runs);
	msleep(1);
	if (!get(&forever.stop))
		queue_work(forever.wq, work);
}

static void t_flush_wq_bounded(void)
{
	struct workqueue_struct *wq = alloc_workqueue("t14", 0, 0);
	struct counted before = {.runs = 0};

	memset(&forever, 0, sizeof(forever));
	INIT_WORK(&forever.work, forever_fn);
	INIT_WORK(&before.work, counted_fn);

	/* A self-re-queueing item on the flushed queue itself. */
	forever.wq = wq;
	queue_work(wq, &forever.work);
	queue_work(wq, &before.work);
	flush_workqueue(wq);
	CHECK_EQ(get(&before.runs), 1);
	flush_workqueue(wq);
	CHECK(work_pending(&forever.work) || refwq_work_running(&forever.work));
	__atomic_store_n(&forever.stop, 1, __ATOMIC_SEQ_CST);
	cancel_work_sync(&forever.work);
	CHECK(get(&forever.runs) > 0);
	destroy_workqueue(wq);
}

/* 15: drain accepts chained work only. */
static struct {
	struct workqueue_struct *wq;
	struct work_struct chain;
	struct completion started, release;
	int runs;
	int drained;
} dr;

static void chain_fn(struct work_struct *work)
{
	int n = __atomic_add_fetch(&dr.runs, 1, __ATOMIC_SEQ_CST);

	if (n == 1) {
		complete(&dr.started);
		wait_for_completion(&dr.release);
	}
	if (n < 5)
		queue_work(dr.wq, work);
}

static void *drainer(void *arg)
{
	(void)arg;
	drain_workqueue(dr.wq);
	inc(&dr.drained);
	return NULL;
}

static void t_drain(void)
{
	struct counted probe = {.runs = 0};
	uint64_t warn, t0;
	pthread_t th;
	int accepted = 0;

	memset(&dr, 0, sizeof(dr));
	dr.wq = alloc_workqueue("t15", 0, 0);
	INIT_WORK(&dr.chain, chain_fn);
	INIT_WORK(&probe.work, counted_fn);
	init_completion(&dr.started);
	init_completion(&dr.release);
	queue_work(dr.wq, &dr.chain);
	wait_for_completion(&dr.started);
	warn = refwq_warnings();
	pthread_create(&th, NULL, drainer, NULL);
	/* Until the drain has begun an outside item is accepted (and runs:
	 * the blocked chain lets the pool start another worker). */
	while (queue_work(dr.wq, &probe.work)) {
		accepted++;
		flush_work(&probe.work);
	}
	CHECK_EQ(get(&probe.runs), accepted);
	CHECK(!work_pending(&probe.work));
	CHECK(wq_info("t15").refused >= 1);
	CHECK(refwq_warnings() > warn);
	CHECK_EQ(get(&dr.drained), 0);
	complete(&dr.release);
	pthread_join(th, NULL);
	CHECK_EQ(get(&dr.runs), 5);
	CHECK_EQ(get(&probe.runs), accepted);
	/* Empty: at once, and the queue accepts work again. */
	t0 = now_ns();
	drain_workqueue(dr.wq);
	CHECK(now_ns() - t0 < 100000000ull);
	CHECK(queue_work(dr.wq, &probe.work));
	flush_workqueue(dr.wq);
	CHECK_EQ(get(&probe.runs), accepted + 1);
	destroy_workqueue(dr.wq);
}

/* 16 */
static int slow_runs;

static void slow_fn(struct work_struct *work)
{
	(void)work;
	msleep(2);
	inc(&slow_runs);
}

static void t_destroy(void)
{
	struct workqueue_struct *wq = alloc_workqueue("t16", WQ_UNBOUND, 1);
	struct work_struct w[5];
	struct counted late = {.runs = 0};
	uint64_t warn;
	int i;

	slow_runs = 0;
	for (i = 0; i < 5; i++) {
		INIT_WORK(&w[i], slow_fn);
		queue_work(wq, &w[i]);
	}
	destroy_workqueue(wq);
	CHECK_EQ(slow_runs, 5);
	INIT_WORK(&late.work, counted_fn);
	warn = refwq_warnings();
	CHECK(!queue_work(wq, &late.work));
	CHECK(!work_pending(&late.work));
	destroy_workqueue(wq);
	CHECK(refwq_warnings() >= warn + 2);
	CHECK_EQ(late.runs, 0);
}

int main(void)
{
	tap_run("13 flush idle false at once; queued/running waits true; again "
		"false",
		t_flush_work, NULL, 0);
	tap_run("14 flush_workqueue waits only for items queued before it",
		t_flush_wq_bounded, NULL, 0);
	tap_run("15 drain accepts only chained work, reports others; empty at "
		"once",
		t_drain, NULL, 0);
	tap_run("16 destroy drains first; queueing afterwards refused; second "
		"destroy harmless",
		t_destroy, NULL, 0);
	return tap_done();
}
