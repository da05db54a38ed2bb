// SPDX-License-Identifier: GPL-2.0
/* REFWQ_SPEC 23-28: pools, concurrency management, stress, rescuer. */
#include <refwq/workqueue.h>
#include <refwq/wqueue.h>

#include "tap.h"

static void thread_name(char *buf)
{
	pthread_getname_np(pthread_self(), buf, 16);
}

struct where {
	struct work_struct work;
	char name[16];
	struct completion done;
};

static void where_fn(struct work_struct *work)
{
	struct where *w = container_of(work, struct where, work);

	thread_name(w->name);
	complete(&w->done);
}

static void run_where(struct workqueue_struct *wq, int cpu, char *name)
{
	struct where w;

	INIT_WORK(&w.work, where_fn);
	init_completion(&w.done);
	queue_work_on(cpu, wq, &w.work);
	wait_for_completion(&w.done);
	flush_work(&w.work);
	memcpy(name, w.name, 16);
}

struct nx_gate {
	struct completion started;
	struct completion release;
	int running;
	int max_running;
};

static void nx_gate_fn(void *arg)
{
	struct nx_gate *g = arg;
	int r = __atomic_add_fetch(&g->running, 1, __ATOMIC_SEQ_CST);
	int m = __atomic_load_n(&g->max_running, __ATOMIC_SEQ_CST);

	while (r > m &&
	       !__atomic_compare_exchange_n(&g->max_running, &m, r, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		;
	complete(&g->started);
	wait_for_completion(&g->release);
	__atomic_sub_fetch(&g->running, 1, __ATOMIC_SEQ_CST);
}

static int count_pool(const struct refwq_pool_info *pi, void *ctx)
{
	int *n = ctx;

	(*n)++;
	if (pi->id < 4) {
		CHECK_EQ(pi->cpu, pi->id / 2);
		CHECK_EQ(!!(pi->flags & REFWQ_POOL_UNBOUND), 0);
	} else {
		CHECK_EQ(pi->cpu, -1);
		CHECK(pi->flags & REFWQ_POOL_UNBOUND);
	}
	CHECK_EQ(!!(pi->flags & REFWQ_POOL_HIGHPRI), pi->id & 1);
	CHECK_EQ(pi->nice, (pi->id & 1) ? -20 : 0);
	return 0;
}

/* 23 */
static void t_pools(void)
{
	static struct work_s hp[4];
	struct nx_gate g;
	char name[16];
	int n = 0, i;

	refwq_for_each_pool(count_pool, &n);
	CHECK_EQ(n, 2 * 2 + 2);
	CHECK(system_wq && system_highpri_wq && system_long_wq &&
	      system_unbound_wq);

	run_where(system_wq, 1, name);
	CHECK(!strncmp(name, "rwq/1:", 6) && !strchr(name, 'H'));
	run_where(system_highpri_wq, 0, name);
	CHECK(!strncmp(name, "rwq/0:", 6) && strchr(name, 'H'));
	run_where(system_long_wq, 0, name);
	CHECK(!strncmp(name, "rwq/0:", 6));
	run_where(system_unbound_wq, 1, name);
	CHECK(!strncmp(name, "rwq/u4:", 7));
	tap_note("unbound item ran on %s", name);

	/* HPWORK: 3 threads configured, so 3 run at once, a 4th waits. */
	memset(&g, 0, sizeof(g));
	init_completion(&g.started);
	init_completion(&g.release);
	memset(hp, 0, sizeof(hp));
	for (i = 0; i < 4; i++)
		CHECK_EQ(work_queue(HPWORK, &hp[i], nx_gate_fn, &g, 0), 0);
	for (i = 0; i < 3; i++)
		wait_for_completion(&g.started);
	sleep_ms(20);
	CHECK_EQ(get(&g.running), 3);
	CHECK(refwq_workqueue_congested(-1, refwq_hpwork_wq));
	complete_all(&g.release);
	for (i = 0; i < 4; i++)
		while (!work_available(&hp[i]) ||
		       refwq_work_running(&hp[i].dw.work))
			sleep_ms(1);
	CHECK_EQ(get(&g.max_running), 3);
	/* LPWORK: 1 thread, USRWORK is the same queue (flat build). */
	CHECK_EQ(USRWORK, LPWORK);
	CHECK_EQ(lpwork_priority(), 100);
	lpwork_boostpriority(180);
	CHECK_EQ(lpwork_priority(), 180);
	lpwork_restorepriority(180);
	CHECK_EQ(lpwork_priority(), 100);
}

/* 24: a blocked item lets the pool run the next one, and so does a hog. */
static struct {
	struct work_struct a, b, hog, after;
	struct completion gate;
	struct completion b_done;
	int stop_hog;
	int a_running, b_queued;
	uint64_t hog_start, hog_end, after_start;
} cm;

static void cm_a(struct work_struct *work)
{
	(void)work;
	/* Block only once b waits behind us: then only concurrency
	 * management can start it (had b been queued before we ran, the
	 * queueing itself could have woken a second idle worker). */
	__atomic_store_n(&cm.a_running, 1, __ATOMIC_SEQ_CST);
	while (!get(&cm.b_queued))
		;
	/* Only b, queued behind us on this pool, can complete the gate. */
	wait_for_completion(&cm.gate);
}

static void cm_b(struct work_struct *work)
{
	(void)work;
	complete(&cm.gate);
	complete(&cm.b_done);
}

static void cm_hog(struct work_struct *work)
{
	uint64_t end = now_ns() + 2000000000ull;

	(void)work;
	cm.hog_start = now_ns();
	while (!get(&cm.stop_hog) && now_ns() < end)
		;
	cm.hog_end = now_ns();
}

static void cm_after(struct work_struct *work)
{
	(void)work;
	cm.after_start = now_ns();
	__atomic_store_n(&cm.stop_hog, 1, __ATOMIC_SEQ_CST);
}

static void t_concurrency(void)
{
	struct refwq_pool_info pi;

	memset(&cm, 0, sizeof(cm));
	INIT_WORK(&cm.a, cm_a);
	INIT_WORK(&cm.b, cm_b);
	INIT_WORK(&cm.hog, cm_hog);
	INIT_WORK(&cm.after, cm_after);
	init_completion(&cm.gate);
	init_completion(&cm.b_done);
	queue_work_on(0, system_wq, &cm.a);
	while (!get(&cm.a_running))
		sleep_ms(1);
	queue_work_on(0, system_wq, &cm.b);
	__atomic_store_n(&cm.b_queued, 1, __ATOMIC_SEQ_CST);
	wait_for_completion(&cm.b_done);
	flush_work(&cm.a);
	pi = pool_info(0);
	CHECK(pi.cm_wakeups >= 1);

	queue_work_on(0, system_wq, &cm.hog);
	queue_work_on(0, system_wq, &cm.after);
	flush_work(&cm.hog);
	flush_work(&cm.after);
	CHECK(cm.after_start && cm.after_start <= cm.hog_end);
	pi = pool_info(0);
	CHECK(pi.cpu_intensive >= 1);
	tap_note("the hog ran %.1f ms before the next item started",
		 (double)(cm.after_start - cm.hog_start) / 1e6);
}

/* 25 */
#define RACE_ITEMS 8
#define RACE_THREADS 4
#define RACE_ITERS 10000

static struct {
	struct workqueue_struct *wq[2];
	struct delayed_work dw[RACE_ITEMS];
	int runs[RACE_ITEMS];
} race;

static void race_fn(struct work_struct *work)
{
	struct delayed_work *dw = to_delayed_work(work);

	inc(&race.runs[dw - race.dw]);
}

static void *race_thread(void *arg)
{
	unsigned int seed = (unsigned int)(uintptr_t)arg;
	int i;

	for (i = 0; i < RACE_ITERS; i++) {
		int k = rand_r(&seed) % RACE_ITEMS;
		struct workqueue_struct *wq = race.wq[rand_r(&seed) & 1];

		switch (rand_r(&seed) % 7) {
		case 0:
		case 1:
			queue_work(wq, &race.dw[k].work);
			break;
		case 2:
			queue_delayed_work(wq, &race.dw[k], rand_r(&seed) % 2);
			break;
		case 3:
			mod_delayed_work(wq, &race.dw[k], rand_r(&seed) % 2);
			break;
		case 4:
			cancel_delayed_work(&race.dw[k]);
			break;
		case 5:
			cancel_delayed_work_sync(&race.dw[k]);
			break;
		default:
			flush_delayed_work(&race.dw[k]);
			break;
		}
	}
	return NULL;
}

static int series_balance(const struct refwq_series_info *si, void *ctx)
{
	int *bad = ctx;

	if (si->queued != si->started + si->cancelled ||
	    si->started != si->completed)
		(*bad)++;
	return 0;
}

static void t_race(void)
{
	pthread_t th[RACE_THREADS];
	int i, bad = 0, before[RACE_ITEMS];

	memset(&race, 0, sizeof(race));
	race.wq[0] = alloc_workqueue("t25a", 0, 0);
	race.wq[1] = alloc_workqueue("t25b", WQ_UNBOUND, 2);
	for (i = 0; i < RACE_ITEMS; i++)
		INIT_DELAYED_WORK(&race.dw[i], race_fn);
	for (i = 0; i < RACE_THREADS; i++)
		pthread_create(&th[i], NULL, race_thread,
			       (void *)(uintptr_t)(i + 1));
	for (i = 0; i < RACE_THREADS; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < RACE_ITEMS; i++)
		cancel_delayed_work_sync(&race.dw[i]);
	flush_workqueue(race.wq[0]);
	flush_workqueue(race.wq[1]);
	for (i = 0; i < RACE_ITEMS; i++) {
		before[i] = get(&race.runs[i]);
		CHECK(queue_work(race.wq[i & 1], &race.dw[i].work));
	}
	flush_workqueue(race.wq[0]);
	flush_workqueue(race.wq[1]);
	for (i = 0; i < RACE_ITEMS; i++)
		CHECK_EQ(get(&race.runs[i]), before[i] + 1);
	refwq_for_each_series(series_balance, &bad);
	CHECK_EQ(bad, 0);
	for (i = 0; i < 6; i++) {
		struct refwq_pool_info pi = pool_info(i);

		CHECK_EQ(pi.pending, 0);
		CHECK_EQ(pi.running, 0);
	}
	destroy_workqueue(race.wq[0]);
	destroy_workqueue(race.wq[1]);
}

/* 26 */
struct fan {
	struct work_struct work;
	int depth;
};

static struct {
	struct workqueue_struct *wq;
	struct fan nodes[40];
	int next;
	int runs;
} fan;

static void fan_fn(struct work_struct *work)
{
	struct fan *f = container_of(work, struct fan, work);
	int i;

	inc(&fan.runs);
	if (f->depth == 3)
		return;
	for (i = 0; i < 3; i++) {
		struct fan *c = &fan.nodes[__atomic_fetch_add(
			&fan.next, 1, __ATOMIC_SEQ_CST)];

		c->depth = f->depth + 1;
		INIT_WORK(&c->work, fan_fn);
		queue_work(fan.wq, &c->work);
	}
}

static void t_fanout(void)
{
	memset(&fan, 0, sizeof(fan));
	fan.wq = alloc_workqueue("t26", 0, 0);
	fan.next = 1;
	INIT_WORK(&fan.nodes[0].work, fan_fn);
	queue_work(fan.wq, &fan.nodes[0].work);
	drain_workqueue(fan.wq);
	CHECK_EQ(get(&fan.runs), 40);
	CHECK_EQ(get(&fan.next), 40);
	destroy_workqueue(fan.wq);
}

/* 27: only the rescuer can run the item that unblocks the others. */
static struct {
	struct work_struct blk[8];
	struct work_struct unblock;
	struct completion gate;
	struct completion started;
	char unblock_thread[16];
} res;

static void res_blk(struct work_struct *work)
{
	(void)work;
	complete(&res.started);
	wait_for_completion(&res.gate);
}

static void res_unblock(struct work_struct *work)
{
	(void)work;
	thread_name(res.unblock_thread);
	complete_all(&res.gate);
}

static void t_rescuer(void)
{
	struct workqueue_struct *wq =
		alloc_workqueue("reclaim", WQ_MEM_RECLAIM, 0);
	struct refwq_pool_info pi;
	int i, n;

	memset(&res, 0, sizeof(res));
	init_completion(&res.gate);
	init_completion(&res.started);
	INIT_WORK(&res.unblock, res_unblock);
	/* Warm the pool up, then stop it from growing. */
	INIT_WORK(&res.blk[0], res_blk);
	complete_all(&res.gate);
	queue_work_on(0, wq, &res.blk[0]);
	flush_work(&res.blk[0]);
	refwq_debug_settle();
	init_completion(&res.gate);
	init_completion(&res.started);
	pi = pool_info(0);
	n = pi.workers;
	CHECK(n >= 1 && n <= 8);
	CHECK_EQ(pi.idle, n);
	refwq_debug_fail_worker_create(true);
	/* Block every worker the pool has. */
	for (i = 0; i < n && i < 8; i++) {
		INIT_WORK(&res.blk[i], res_blk);
		queue_work_on(0, wq, &res.blk[i]);
		wait_for_completion(&res.started);
	}
	CHECK_EQ(pool_info(0).idle, 0);
	queue_work_on(0, wq, &res.unblock);
	for (i = 0; i < n && i < 8; i++)
		flush_work(&res.blk[i]);
	flush_work(&res.unblock);
	refwq_debug_fail_worker_create(false);
	pi = pool_info(0);
	CHECK(!strncmp(res.unblock_thread, "rwq/r:reclaim", 13));
	CHECK_EQ(pi.rescued, 1);
	CHECK(pi.maydays >= 1);
	CHECK(pi.create_failed >= 1);
	tap_note("%d workers blocked; unblocking item ran on %s", n,
		 res.unblock_thread);
	destroy_workqueue(wq);
}

/* 28: waiters are woken whatever their thread ids; several at once. */
struct waiter {
	pthread_t th;
	struct work_struct *work;
	int kind;
	bool ret;
};

static void *waiter_thread(void *arg)
{
	struct waiter *w = arg;

	w->ret = w->kind ? cancel_work_sync(w->work) : flush_work(w->work);
	return NULL;
}

static struct {
	struct work_struct work;
	struct completion started, release;
} wk;

static void wk_fn(struct work_struct *work)
{
	(void)work;
	complete(&wk.started);
	wait_for_completion(&wk.release);
}

static void t_waiters(void)
{
	struct waiter w[4];
	int i;

	memset(&wk, 0, sizeof(wk));
	INIT_WORK(&wk.work, wk_fn);
	init_completion(&wk.started);
	init_completion(&wk.release);
	queue_work(system_wq, &wk.work);
	wait_for_completion(&wk.started);
	for (i = 0; i < 4; i++) {
		w[i].work = &wk.work;
		w[i].kind = i & 1;
		pthread_create(&w[i].th, NULL, waiter_thread, &w[i]);
	}
	sleep_ms(20);
	complete(&wk.release);
	for (i = 0; i < 4; i++)
		pthread_join(w[i].th, NULL);
	CHECK(!work_pending(&wk.work));
	CHECK(!refwq_work_running(&wk.work));
	/* The main thread as a waiter too. */
	reinit_completion(&wk.started);
	queue_work(system_wq, &wk.work);
	wait_for_completion(&wk.started);
	complete(&wk.release);
	flush_work(&wk.work);
	CHECK(!refwq_work_running(&wk.work));
}

/* Not in the SPEC: idle workers beyond two are reaped after the timeout. */
static void t_reap(void)
{
	struct refwq_pool_info pi;
	struct nx_gate g;
	struct work_s items[6];
	uint64_t cpu_before;
	int i;

	memset(&g, 0, sizeof(g));
	memset(items, 0, sizeof(items));
	init_completion(&g.started);
	init_completion(&g.release);
	/* LPWORK here has 6 threads: 6 workers on the unbound pool. */
	for (i = 0; i < 6; i++)
		work_queue(LPWORK, &items[i], nx_gate_fn, &g, 0);
	for (i = 0; i < 6; i++)
		wait_for_completion(&g.started);
	complete_all(&g.release);
	for (i = 0; i < 6; i++)
		work_cancel_sync(LPWORK, &items[i]);
	pi = pool_info(4);
	CHECK(pi.workers >= 6);
	cpu_before = pi.cpu_ns;
	CHECK(WAIT_UNTIL(pool_info(4).workers == 2, 3000));
	pi = pool_info(4);
	CHECK_EQ(pi.idle, 2);
	CHECK(pi.cpu_ns >= cpu_before);
}

int main(void)
{
	struct refwq_config two = {
		.name = "test", .nr_cpus = 2, .hp_nthreads = 3};
	struct refwq_config one = {.name = "test", .nr_cpus = 1};
	/* Fan-out also runs with idle spinning on, to cover that path. */
	struct refwq_config spin = {
		.name = "test", .nr_cpus = 2, .idle_spin_us = 50};
	struct refwq_config reap = {.name = "test",
				    .nr_cpus = 2,
				    .lp_nthreads = 6,
				    .idle_timeout_ms = 50,
				    .watchdog_thresh_ms = 40};

	tap_run("23 per-CPU normal/highpri and unbound pools, system queues, "
		"HP/LP thread counts",
		t_pools, &two, 0);
	tap_run("24 concurrency management: blocked and CPU-hogging items "
		"don't hold up others",
		t_concurrency, &one, 0);
	tap_run("25 racing queue/cancel from many threads leaves the queues "
		"healthy",
		t_race, &two, 30);
	tap_run("26 recursive fan-out (3 children, depth 3) runs exactly 40 "
		"items",
		t_fanout, &spin, 0);
	tap_run("27 mem-reclaim queue progresses without new workers (rescuer)",
		t_rescuer, &one, 0);
	tap_run("28 every waiter is woken, whatever its thread id", t_waiters,
		&two, 0);
	tap_run("idle workers beyond two are reaped after the idle timeout",
		t_reap, &reap, 0);
	return tap_done();
}
