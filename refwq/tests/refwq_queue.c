// SPDX-License-Identifier: GPL-2.0
/* REFWQ_SPEC 1-7: queueing. */
#include <refwq/workqueue.h>
#include <refwq/wqueue.h>

#include "tap.h"
#include "works.h"

/* 1 */
static void t_queue_idle_pending(void)
{
	struct workqueue_struct *wq = alloc_ordered_workqueue("t1", 0);
	struct blocker b;
	struct counted x = {.runs = 0};

	blocker_init(&b);
	INIT_WORK(&x.work, counted_fn);
	CHECK(queue_work(wq, &b.work));
	wait_for_completion(&b.started);
	CHECK(queue_work(wq, &x.work));
	CHECK(work_pending(&x.work));
	CHECK(!queue_work(wq, &x.work));
	CHECK(!queue_work_on(1, wq, &x.work));
	complete(&b.release);
	flush_workqueue(wq);
	CHECK_EQ(get(&x.runs), 1);
	CHECK(!work_pending(&x.work));
	destroy_workqueue(wq);
}

/* 2: a re-queue during a run waits for the run, on any pool. */
struct reentry {
	struct work_struct work;
	int running;
	int overlap;
	int runs;
	struct completion started;
	struct completion release;
};

static void reentry_fn(struct work_struct *work)
{
	struct reentry *r = container_of(work, struct reentry, work);
	int n = __atomic_add_fetch(&r->runs, 1, __ATOMIC_SEQ_CST);

	if (__atomic_add_fetch(&r->running, 1, __ATOMIC_SEQ_CST) > 1)
		inc(&r->overlap);
	if (n == 1) {
		complete(&r->started);
		wait_for_completion(&r->release);
	}
	__atomic_sub_fetch(&r->running, 1, __ATOMIC_SEQ_CST);
}

static void t_no_reentry(void)
{
	int second_cpu;

	for (second_cpu = 0; second_cpu < 2; second_cpu++) {
		struct reentry r = {.runs = 0};

		INIT_WORK(&r.work, reentry_fn);
		init_completion(&r.started);
		init_completion(&r.release);
		CHECK(queue_work_on(0, system_wq, &r.work));
		wait_for_completion(&r.started);
		/* The first run blocks: the pool starts another worker,
		 * which must not take the second instance. */
		CHECK(queue_work_on(second_cpu, system_wq, &r.work));
		sleep_ms(20);
		CHECK_EQ(get(&r.runs), 1);
		complete(&r.release);
		flush_work(&r.work);
		CHECK_EQ(get(&r.runs), 2);
		CHECK_EQ(get(&r.overlap), 0);
	}
}

/* 3 */
struct selfq {
	struct work_struct work;
	int runs;
	struct completion done;
};

static void selfq_fn(struct work_struct *work)
{
	struct selfq *s = container_of(work, struct selfq, work);

	if (__atomic_add_fetch(&s->runs, 1, __ATOMIC_SEQ_CST) < 5)
		queue_work(system_wq, work);
	else
		complete(&s->done);
}

static void t_self_requeue(void)
{
	struct selfq s = {.runs = 0};

	INIT_WORK(&s.work, selfq_fn);
	init_completion(&s.done);
	CHECK(schedule_work(&s.work));
	wait_for_completion(&s.done);
	flush_work(&s.work);
	CHECK_EQ(get(&s.runs), 5);
}

/* 4: submissions from several threads to an ordered queue. */
#define ORD_THREADS 4
#define ORD_ITEMS 50

struct ord_item {
	struct work_struct work;
	int qseq;
};

static struct {
	struct workqueue_struct *wq;
	pthread_mutex_t lock;
	int next_qseq;
	int ran[ORD_THREADS * ORD_ITEMS];
	int nr_ran;
	int running;
	int overlap;
	struct ord_item items[ORD_THREADS][ORD_ITEMS];
} ord;

static void ord_fn(struct work_struct *work)
{
	struct ord_item *it = container_of(work, struct ord_item, work);

	if (__atomic_add_fetch(&ord.running, 1, __ATOMIC_SEQ_CST) > 1)
		inc(&ord.overlap);
	ord.ran[ord.nr_ran++] = it->qseq;
	__atomic_sub_fetch(&ord.running, 1, __ATOMIC_SEQ_CST);
}

static void *ord_thread(void *arg)
{
	int t = (int)(intptr_t)arg, i;

	for (i = 0; i < ORD_ITEMS; i++) {
		struct ord_item *it = &ord.items[t][i];

		INIT_WORK(&it->work, ord_fn);
		pthread_mutex_lock(&ord.lock);
		it->qseq = ord.next_qseq++;
		queue_work(ord.wq, &it->work);
		pthread_mutex_unlock(&ord.lock);
	}
	return NULL;
}

static void t_ordered_multi(void)
{
	pthread_t th[ORD_THREADS];
	int i, inorder = 1;

	memset(&ord, 0, sizeof(ord));
	pthread_mutex_init(&ord.lock, NULL);
	ord.wq = alloc_ordered_workqueue("t4", 0);
	for (i = 0; i < ORD_THREADS; i++)
		pthread_create(&th[i], NULL, ord_thread, (void *)(intptr_t)i);
	for (i = 0; i < ORD_THREADS; i++)
		pthread_join(th[i], NULL);
	flush_workqueue(ord.wq);
	CHECK_EQ(ord.nr_ran, ORD_THREADS * ORD_ITEMS);
	for (i = 0; i < ord.nr_ran; i++)
		if (ord.ran[i] != i)
			inorder = 0;
	CHECK(inorder);
	CHECK_EQ(get(&ord.overlap), 0);
	destroy_workqueue(ord.wq);
}

/* 5: max_active, inactive FIFO and "congested". */
#define MA_ITEMS 6

static struct {
	struct blocker b[MA_ITEMS];
	int order[MA_ITEMS];
	int nr_started;
	int running;
	int max_running;
} ma;

static void ma_fn(struct work_struct *work)
{
	struct blocker *b = container_of(work, struct blocker, work);
	int r = __atomic_add_fetch(&ma.running, 1, __ATOMIC_SEQ_CST);
	int m = __atomic_load_n(&ma.max_running, __ATOMIC_SEQ_CST);

	while (r > m &&
	       !__atomic_compare_exchange_n(&ma.max_running, &m, r, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	ma.order[__atomic_fetch_add(&ma.nr_started, 1, __ATOMIC_SEQ_CST)] =
		(int)(b - ma.b);
	complete(&b->started);
	wait_for_completion(&b->release);
	__atomic_sub_fetch(&ma.running, 1, __ATOMIC_SEQ_CST);
}

static void t_max_active(void)
{
	struct workqueue_struct *wq = alloc_workqueue("t5", WQ_UNBOUND, 2);
	int i, fifo = 1;

	memset(&ma, 0, sizeof(ma));
	CHECK(!workqueue_congested(WORK_CPU_UNBOUND, wq));
	for (i = 0; i < MA_ITEMS; i++) {
		blocker_init(&ma.b[i]);
		INIT_WORK(&ma.b[i].work, ma_fn);
		CHECK(queue_work(wq, &ma.b[i].work));
	}
	wait_for_completion(&ma.b[0].started);
	wait_for_completion(&ma.b[1].started);
	CHECK(workqueue_congested(WORK_CPU_UNBOUND, wq));
	sleep_ms(20);
	CHECK_EQ(get(&ma.nr_started), 2);
	for (i = 0; i < MA_ITEMS - 2; i++) {
		complete(&ma.b[i].release);
		wait_for_completion(&ma.b[i + 2].started);
		/* Exactly when items are still inactive. */
		CHECK_EQ(workqueue_congested(WORK_CPU_UNBOUND, wq),
			 i + 3 < MA_ITEMS);
	}
	complete(&ma.b[MA_ITEMS - 2].release);
	complete(&ma.b[MA_ITEMS - 1].release);
	flush_workqueue(wq);
	CHECK_EQ(get(&ma.nr_started), MA_ITEMS);
	CHECK_EQ(get(&ma.max_running), 2);
	for (i = 0; i < MA_ITEMS; i++)
		if (ma.order[i] != i)
			fifo = 0;
	CHECK(fifo);
	CHECK(wq_info("t5").saturated == MA_ITEMS - 2);
	destroy_workqueue(wq);

	/* Per pool: a per-CPU queue with max_active 1 runs one item on each
	 * CPU's pool at once, the third waits. */
	wq = alloc_workqueue("t5pcpu", 0, 1);
	memset(&ma, 0, sizeof(ma));
	for (i = 0; i < 3; i++) {
		blocker_init(&ma.b[i]);
		INIT_WORK(&ma.b[i].work, ma_fn);
	}
	queue_work_on(0, wq, &ma.b[0].work);
	queue_work_on(1, wq, &ma.b[1].work);
	queue_work_on(0, wq, &ma.b[2].work);
	wait_for_completion(&ma.b[0].started);
	wait_for_completion(&ma.b[1].started);
	CHECK(workqueue_congested(0, wq));
	CHECK(!workqueue_congested(1, wq));
	CHECK_EQ(get(&ma.max_running), 2);
	for (i = 0; i < 3; i++)
		complete(&ma.b[i].release);
	flush_workqueue(wq);
	CHECK_EQ(get(&ma.nr_started), 3);
	CHECK_EQ(get(&ma.max_running), 2);
	destroy_workqueue(wq);
}

/* 6 */
static int ord6_running, ord6_overlap, ord6_runs;

static void ord6_fn(struct work_struct *work)
{
	(void)work;
	if (__atomic_add_fetch(&ord6_running, 1, __ATOMIC_SEQ_CST) > 1)
		inc(&ord6_overlap);
	msleep(1);
	inc(&ord6_runs);
	__atomic_sub_fetch(&ord6_running, 1, __ATOMIC_SEQ_CST);
}

static void t_ordered_one(void)
{
	struct workqueue_struct *wq = alloc_ordered_workqueue("t6", 0);
	struct work_struct w[10];
	uint64_t warn = refwq_warnings();
	int i;

	ord6_running = ord6_overlap = ord6_runs = 0;
	CHECK_EQ(refwq_set_max_active(wq, 4), -22);
	CHECK(refwq_warnings() == warn + 1);
	for (i = 0; i < 10; i++) {
		INIT_WORK(&w[i], ord6_fn);
		queue_work(wq, &w[i]);
	}
	flush_workqueue(wq);
	CHECK_EQ(ord6_runs, 10);
	CHECK_EQ(ord6_overlap, 0);
	destroy_workqueue(wq);
}

/* 7: NuttX work_queue() replaces a pending item. */
static int nx_a_runs, nx_b_runs;
static struct completion nx_b_done;
static uint64_t nx_b_at;

static void nx_a(void *arg)
{
	(void)arg;
	inc(&nx_a_runs);
}

static void nx_b(void *arg)
{
	*(int *)arg += 1;
	inc(&nx_b_runs);
	nx_b_at = now_ns();
	complete(&nx_b_done);
}

static void nx_block(void *arg)
{
	struct blocker *b = arg;

	complete(&b->started);
	wait_for_completion(&b->release);
}

static void t_nuttx_replace(void)
{
	static struct work_s w, blk;
	struct blocker b;
	int barg = 0;
	uint64_t t0;

	memset(&w, 0, sizeof(w));
	memset(&blk, 0, sizeof(blk));
	nx_a_runs = nx_b_runs = 0;
	init_completion(&nx_b_done);

	/* Replace a queued (delay 0) item behind a blocked LPWORK thread. */
	blocker_init(&b);
	CHECK_EQ(work_queue(LPWORK, &blk, nx_block, &b, 0), 0);
	wait_for_completion(&b.started);
	CHECK_EQ(work_queue(LPWORK, &w, nx_a, NULL, 0), 0);
	CHECK(!work_available(&w));
	CHECK_EQ(work_queue(LPWORK, &w, nx_b, &barg, 0), 0);
	complete(&b.release);
	wait_for_completion(&nx_b_done);
	CHECK_EQ(barg, 1);

	/* Replace a delayed item: the new delay counts. */
	CHECK_EQ(work_queue(LPWORK, &w, nx_a, NULL, MSEC2TICK(50)), 0);
	t0 = now_ns();
	CHECK_EQ(work_queue(USRWORK, &w, nx_b, &barg, 1), 0);
	wait_for_completion(&nx_b_done);
	CHECK(nx_b_at - t0 >= 1000ull * USEC_PER_TICK);
	CHECK(nx_b_at - t0 < 40000000ull);
	sleep_ms(80);
	CHECK_EQ(get(&nx_a_runs), 0);
	CHECK_EQ(get(&nx_b_runs), 2);
	CHECK(work_available(&w));

	/* NuttX cancel: 0 for a pending item, -ENOENT for an idle one. */
	CHECK_EQ(work_cancel(LPWORK, &w), -2);
	CHECK_EQ(work_queue(LPWORK, &w, nx_a, NULL, MSEC2TICK(1000)), 0);
	CHECK_EQ(work_cancel(LPWORK, &w), 0);
	CHECK_EQ(work_cancel_sync(LPWORK, &w), -2);
	CHECK_EQ(work_cancel(9, &w), -22);

	CHECK_EQ(work_queue(HPWORK, &w, nx_a, NULL, WQUEUE_MAX_DELAY + 1), -22);
	CHECK_EQ(work_queue(HPWORK, &w, nx_a, NULL, -1), -22);
	CHECK_EQ(work_queue(7, &w, nx_a, NULL, 0), -22);
	CHECK(work_available(&w));
	CHECK_EQ(get(&nx_a_runs), 0);
}

int main(void)
{
	struct refwq_config two = {.name = "test", .nr_cpus = 2};

	tap_run("1 queue idle true, pending false, runs once",
		t_queue_idle_pending, NULL, 0);
	tap_run("2 re-queue while running runs after, never concurrently",
		t_no_reentry, &two, 0);
	tap_run("3 handler re-queues itself", t_self_requeue, NULL, 0);
	tap_run("4 ordered queue from several threads: one at a time, in order",
		t_ordered_multi, NULL, 0);
	tap_run("5 max_active: N run, rest inactive FIFO, congested iff "
		"inactive",
		t_max_active, &two, 0);
	tap_run("6 ordered: one at a time, max_active change refused",
		t_ordered_one, NULL, 0);
	tap_run("7 NuttX work_queue replaces a pending item; delay > max is "
		"-EINVAL",
		t_nuttx_replace, NULL, 0);
	return tap_done();
}
