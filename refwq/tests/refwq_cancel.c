// SPDX-License-Identifier: GPL-2.0
/* REFWQ_SPEC 17-22: cancel, disable, enable. */
#include <refwq/workqueue.h>

#include "tap.h"

struct blocker {
	struct work_struct work;
	struct completion started;
	struct completion release;
	int runs;
	int requeue_ret; /* -1: not tried */
};

static void blocker_fn(struct work_struct *work)
{
	struct blocker *b = container_of(work, struct blocker, work);

	inc(&b->runs);
	complete(&b->started);
	wait_for_completion(&b->release);
}

static void blocker_init(struct blocker *b)
{
	INIT_WORK(&b->work, blocker_fn);
	init_completion(&b->started);
	init_completion(&b->release);
	b->runs = 0;
	b->requeue_ret = -1;
}

struct counted {
	struct delayed_work dw;
	int runs;
};

static void counted_fn(struct work_struct *work)
{
	inc(&container_of(to_delayed_work(work), struct counted, dw)->runs);
}

static void counted_init(struct counted *c)
{
	INIT_DELAYED_WORK(&c->dw, counted_fn);
	c->runs = 0;
}

/* 17 */
static void t_cancel_pending(void)
{
	struct workqueue_struct *wq = alloc_ordered_workqueue("t17", 0);
	struct counted x, d;
	struct blocker b;

	blocker_init(&b);
	counted_init(&x);
	counted_init(&d);
	CHECK(!cancel_work(&x.dw.work));
	queue_work(wq, &b.work);
	wait_for_completion(&b.started);
	CHECK(queue_work(wq, &x.dw.work));
	CHECK(cancel_work(&x.dw.work));
	CHECK(!work_pending(&x.dw.work));
	CHECK(!cancel_work(&x.dw.work));
	CHECK(queue_delayed_work(wq, &d.dw, msecs_to_jiffies(20)));
	CHECK(cancel_delayed_work(&d.dw));
	CHECK(!cancel_delayed_work(&d.dw));
	complete(&b.release);
	flush_workqueue(wq);
	sleep_ms(40);
	flush_workqueue(wq);
	CHECK_EQ(get(&x.runs), 0);
	CHECK_EQ(get(&d.runs), 0);
	destroy_workqueue(wq);
}

/* 18 */
struct canceller {
	pthread_t th;
	struct work_struct *work;
	bool ret;
	int done;
};

static void *cancel_thread(void *arg)
{
	struct canceller *c = arg;

	c->ret = cancel_work_sync(c->work);
	inc(&c->done);
	return NULL;
}

static void t_cancel_sync_running(void)
{
	struct canceller c = {.done = 0};
	struct blocker b;

	blocker_init(&b);
	queue_work(system_wq, &b.work);
	wait_for_completion(&b.started);
	c.work = &b.work;
	pthread_create(&c.th, NULL, cancel_thread, &c);
	CHECK(WAIT_UNTIL(refwq_work_disabled(&b.work), 5000));
	CHECK(!queue_work(system_wq, &b.work));
	CHECK(!queue_work_on(1, system_wq, &b.work));
	sleep_ms(10);
	CHECK_EQ(get(&c.done), 0);
	complete(&b.release);
	pthread_join(c.th, NULL);
	CHECK(!c.ret);
	CHECK_EQ(get(&b.runs), 1);
	CHECK(!work_pending(&b.work));
	CHECK(!refwq_work_disabled(&b.work));
	CHECK(!refwq_work_running(&b.work));
	/* Idle and usable again. */
	CHECK(queue_work(system_wq, &b.work));
	wait_for_completion(&b.started);
	complete(&b.release);
	flush_work(&b.work);
	CHECK_EQ(get(&b.runs), 2);
}

/* 19 */
static struct {
	struct delayed_work dw;
	int runs;
	struct completion third;
} per;

static void periodic_fn(struct work_struct *work)
{
	(void)work;
	if (__atomic_add_fetch(&per.runs, 1, __ATOMIC_SEQ_CST) == 3)
		complete(&per.third);
	queue_delayed_work(system_wq, &per.dw, msecs_to_jiffies(5));
}

static void t_cancel_sync_periodic(void)
{
	int n;

	memset(&per, 0, sizeof(per));
	INIT_DELAYED_WORK(&per.dw, periodic_fn);
	init_completion(&per.third);
	queue_delayed_work(system_wq, &per.dw, 0);
	wait_for_completion(&per.third);
	cancel_delayed_work_sync(&per.dw);
	n = get(&per.runs);
	CHECK(!delayed_work_pending(&per.dw));
	sleep_ms(50);
	CHECK_EQ(get(&per.runs), n);
}

/* 20 */
static void t_cancel_sync_delayed(void)
{
	struct counted d;

	counted_init(&d);
	CHECK(queue_delayed_work(system_wq, &d.dw, msecs_to_jiffies(30)));
	CHECK(cancel_delayed_work_sync(&d.dw));
	CHECK(!delayed_work_pending(&d.dw));
	sleep_ms(60);
	CHECK_EQ(get(&d.runs), 0);
	CHECK(!cancel_delayed_work_sync(&d.dw));
}

/* 21 */
static struct {
	struct work_struct work;
	struct delayed_work dw;
	int runs, druns;
	int ret, dret;
	struct completion done, ddone;
} selfc;

static void selfc_fn(struct work_struct *work)
{
	inc(&selfc.runs);
	queue_work(system_wq, work);
	selfc.ret = cancel_work_sync(work);
	complete(&selfc.done);
}

static void selfc_dfn(struct work_struct *work)
{
	inc(&selfc.druns);
	queue_delayed_work(system_wq, to_delayed_work(work),
			   msecs_to_jiffies(5));
	selfc.dret = cancel_delayed_work_sync(to_delayed_work(work));
	complete(&selfc.ddone);
}

static void t_cancel_sync_self(void)
{
	memset(&selfc, 0, sizeof(selfc));
	INIT_WORK(&selfc.work, selfc_fn);
	INIT_DELAYED_WORK(&selfc.dw, selfc_dfn);
	init_completion(&selfc.done);
	init_completion(&selfc.ddone);
	schedule_work(&selfc.work);
	schedule_delayed_work(&selfc.dw, 0);
	wait_for_completion(&selfc.done);
	wait_for_completion(&selfc.ddone);
	flush_work(&selfc.work);
	flush_delayed_work(&selfc.dw);
	sleep_ms(20);
	CHECK_EQ(selfc.ret, 1);
	CHECK_EQ(selfc.dret, 1);
	CHECK_EQ(get(&selfc.runs), 1);
	CHECK_EQ(get(&selfc.druns), 1);
	CHECK(!work_pending(&selfc.work));
	CHECK(queue_work(system_wq, &selfc.work));
	flush_work(&selfc.work);
	CHECK_EQ(get(&selfc.runs), 2);
}

/* 22 */
static void t_disable_nest(void)
{
	struct workqueue_struct *wq = alloc_ordered_workqueue("t22", 0);
	struct counted x, d;
	struct blocker b;

	counted_init(&x);
	counted_init(&d);
	blocker_init(&b);
	CHECK(!disable_work(&x.dw.work));
	CHECK(!disable_work(&x.dw.work));
	CHECK(!queue_work(wq, &x.dw.work));
	CHECK(!queue_work_on(0, system_wq, &x.dw.work));
	CHECK(!enable_work(&x.dw.work));
	CHECK(!queue_work(wq, &x.dw.work));
	CHECK(!queue_delayed_work(wq, &x.dw, 1));
	CHECK(!mod_delayed_work(wq, &x.dw, 1));
	CHECK(enable_work(&x.dw.work));
	CHECK(queue_work(wq, &x.dw.work));
	flush_work(&x.dw.work);
	CHECK_EQ(get(&x.runs), 1);

	/* Disabling a pending item cancels it. */
	queue_work(wq, &b.work);
	wait_for_completion(&b.started);
	CHECK(queue_work(wq, &x.dw.work));
	CHECK(disable_work(&x.dw.work));
	CHECK(queue_delayed_work(wq, &d.dw, msecs_to_jiffies(10)));
	CHECK(disable_delayed_work(&d.dw));
	CHECK(!queue_delayed_work(wq, &d.dw, 0));
	complete(&b.release);
	flush_workqueue(wq);
	sleep_ms(20);
	CHECK_EQ(get(&x.runs), 1);
	CHECK_EQ(get(&d.runs), 0);
	CHECK(enable_work(&x.dw.work));
	CHECK(enable_delayed_work(&d.dw));
	CHECK(queue_delayed_work(wq, &d.dw, 0));
	flush_delayed_work(&d.dw);
	CHECK_EQ(get(&d.runs), 1);
	destroy_workqueue(wq);
}

int main(void)
{
	struct refwq_config two = {.name = "test", .nr_cpus = 2};

	tap_run("17 cancel of a pending item: never runs, true; of an idle one "
		"false",
		t_cancel_pending, NULL, 0);
	tap_run("18 sync cancel of a running item waits; queueing meanwhile "
		"fails",
		t_cancel_sync_running, &two, 0);
	tap_run("19 sync cancel stops a self-re-queueing item",
		t_cancel_sync_periodic, NULL, 0);
	tap_run("20 sync cancel of a delayed item stops its timer",
		t_cancel_sync_delayed, NULL, 0);
	tap_run("21 sync cancel from the item's own handler does not deadlock",
		t_cancel_sync_self, NULL, 0);
	tap_run("22 disable/enable nest; disabled items refuse queueing",
		t_disable_nest, NULL, 0);
	return tap_done();
}
