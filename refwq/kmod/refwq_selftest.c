// SPDX-License-Identifier: GPL-2.0
/*
 * The self-test (selftest=1): the cases of refwq's spec that make sense in
 * kernel context, through the prefixed core API (the kernel has its own
 * queue_work).  Every case must end in bounded time: waits have timeouts,
 * so a broken port fails a case instead of hanging insmod.
 */
#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include <refwq/refwq.h>

#include "refwq_kmod.h"

#define MS (1000ULL * 1000ULL)
#define WAIT_NS (5000 * MS)

static int st_n, st_failed;

static void check(bool ok, const char *what)
{
	st_n++;
	if (!ok)
		st_failed++;
	pr_info("refwq: selftest: %sok %d - %s\n", ok ? "" : "not ", st_n,
		what);
}

/* ---- counted items ---- */

struct counted {
	struct refwq_work work;
	atomic_t runs;
	int index;
};

static atomic_t st_active, st_max_active;
static int st_order[64];
static atomic_t st_order_n;

static void counted_fn(struct refwq_work *work)
{
	atomic_inc(&container_of(work, struct counted, work)->runs);
}

/* Runs 100 us with others of its kind counted, for max_active. */
static void throttled_fn(struct refwq_work *work)
{
	int now = atomic_inc_return(&st_active), old;

	old = atomic_read(&st_max_active);
	while (now > old && !atomic_try_cmpxchg(&st_max_active, &old, now))
		;
	refwq_sleep_ns(100 * 1000);
	atomic_dec(&st_active);
	atomic_inc(&container_of(work, struct counted, work)->runs);
}

static void ordered_fn(struct refwq_work *work)
{
	struct counted *c = container_of(work, struct counted, work);
	int i = atomic_inc_return(&st_order_n) - 1;

	if (i < ARRAY_SIZE(st_order))
		st_order[i] = c->index;
	atomic_inc(&c->runs);
}

struct series_sum {
	const char *wq;
	const void *func;
	u64 queued, started, completed, lat, run;
};

static int sum_series(const struct refwq_series_info *si, void *ctx)
{
	struct series_sum *s = ctx;
	int i;

	if (strncmp(si->wq_name, s->wq, REFWQ_NAME_LEN) || si->func != s->func)
		return 0;
	s->queued += si->queued;
	s->started += si->started;
	s->completed += si->completed;
	for (i = 0; i < REFWQ_HIST_SLOTS; i++) {
		s->lat += si->hist[REFWQ_H_LAT][i];
		s->run += si->hist[REFWQ_H_RUN][i];
	}
	return 0;
}

/* Queue @n items of @fn on a new queue, flush it, check each ran once and
 * that the instrumentation counted exactly that. */
static void run_batch(const char *name, unsigned int flags, int max_active,
		      refwq_work_func_t fn, int n, const char *what)
{
	struct series_sum sum = {.wq = name, .func = fn};
	struct counted *items;
	struct refwq_wq *wq;
	bool once = true;
	char buf[96];
	int i;

	items = kvcalloc(n, sizeof(*items), GFP_KERNEL);
	wq = refwq_alloc_workqueue(name, flags, max_active);
	if (!items || !wq) {
		check(false, what);
		goto out;
	}
	for (i = 0; i < n; i++) {
		refwq_init_work(&items[i].work, fn);
		items[i].index = i;
		refwq_queue_work(wq, &items[i].work);
	}
	check(refwq_flush_workqueue(wq) == 0, "flush_workqueue returns 0");
	for (i = 0; i < n; i++)
		once &= atomic_read(&items[i].runs) == 1;
	check(once, what);
	refwq_for_each_series(sum_series, &sum);
	snprintf(buf, sizeof(buf),
		 "%s: queued %llu started %llu completed %llu, histograms "
		 "%llu/%llu, of %d",
		 name, sum.queued, sum.started, sum.completed, sum.lat, sum.run,
		 n);
	check(sum.queued == n && sum.started == n && sum.completed == n &&
		      sum.lat == n && sum.run == n,
	      buf);
out:
	if (wq)
		refwq_destroy_workqueue(wq);
	kvfree(items);
}

/* ---- delayed work ---- */

struct timed {
	struct refwq_delayed_work dw;
	struct refwq_completion done;
	u64 ran_ns;
};

static void timed_fn(struct refwq_work *work)
{
	struct refwq_delayed_work *dw =
		container_of(work, struct refwq_delayed_work, work);
	struct timed *t = container_of(dw, struct timed, dw);

	t->ran_ns = refwq_now_ns();
	refwq_complete(&t->done);
}

static void t_delayed(void)
{
	static struct timed t;
	u64 t0;

	refwq_init_delayed_work(&t.dw, timed_fn);
	refwq_init_completion(&t.done);
	t0 = refwq_now_ns();
	refwq_queue_delayed_work(refwq_system_wq, &t.dw, 20 * MS);
	check(refwq_wait_for_completion_timeout(&t.done, WAIT_NS),
	      "delayed work runs");
	check(t.ran_ns - t0 >= 20 * MS, "delayed work never runs early");

	refwq_init_completion(&t.done);
	refwq_queue_delayed_work(refwq_system_wq, &t.dw, 10000 * MS);
	check(refwq_cancel_delayed_work_sync(&t.dw),
	      "cancel_delayed_work_sync steals an armed item");
	check(!refwq_delayed_work_pending(&t.dw) &&
		      !refwq_completion_done(&t.done),
	      "a cancelled delayed item is idle and never ran");
}

/* ---- concurrency management and flush ---- */

struct pair {
	struct refwq_work a, b;
	struct refwq_completion c;
	bool a_ok;
	bool slept;
};

static void cm_a(struct refwq_work *w)
{
	struct pair *p = container_of(w, struct pair, a);

	p->a_ok = refwq_wait_for_completion_timeout(&p->c, WAIT_NS);
}

static void cm_b(struct refwq_work *w)
{
	refwq_complete(&container_of(w, struct pair, b)->c);
}

static void sleeper_fn(struct refwq_work *w)
{
	refwq_sleep_ns(50 * MS);
	WRITE_ONCE(container_of(w, struct pair, a)->slept, true);
}

static void t_cm_and_flush(void)
{
	static struct pair p;

	/* Both on CPU 0's pool: b runs only if a's blocking wakes a worker. */
	refwq_init_work(&p.a, cm_a);
	refwq_init_work(&p.b, cm_b);
	refwq_init_completion(&p.c);
	refwq_queue_work_on(0, refwq_system_wq, &p.a);
	refwq_queue_work_on(0, refwq_system_wq, &p.b);
	refwq_flush_work(&p.a);
	refwq_flush_work(&p.b);
	check(p.a_ok, "a blocked item lets the next one of its pool run");

	refwq_init_work(&p.a, sleeper_fn);
	p.slept = false;
	refwq_queue_work(refwq_system_unbound_wq, &p.a);
	check(refwq_flush_work(&p.a) && READ_ONCE(p.slept),
	      "flush_work waits for the running instance");
	check(!refwq_flush_work(&p.a), "flush_work of an idle item is false");
}

int refwq_selftest(void)
{
	int i, in_order = 1;

	st_n = st_failed = 0;
	run_batch("st_percpu", 0, 0, counted_fn, 500,
		  "per-CPU queue: 500 items each ran once");
	run_batch("st_unbound", REFWQ_UNBOUND, 0, counted_fn, 500,
		  "unbound queue: 500 items each ran once");
	atomic_set(&st_active, 0);
	atomic_set(&st_max_active, 0);
	run_batch("st_max_active", REFWQ_UNBOUND, 1, throttled_fn, 50,
		  "max_active 1: 50 items each ran once");
	check(atomic_read(&st_max_active) == 1,
	      "max_active 1: never two at once");
	atomic_set(&st_order_n, 0);
	run_batch("st_ordered", REFWQ_UNBOUND | REFWQ_ORDERED, 1, ordered_fn,
		  ARRAY_SIZE(st_order), "ordered queue: every item ran once");
	for (i = 0; i < ARRAY_SIZE(st_order); i++)
		in_order &= st_order[i] == i;
	check(in_order, "ordered queue: items ran in queueing order");
	t_delayed();
	t_cm_and_flush();
	check(refwq_warnings() == 0, "no warnings from the core");
	pr_info("refwq: selftest: %d passed, %d failed\n", st_n - st_failed,
		st_failed);
	return st_failed;
}

/* ---- the known load ---- */

static struct counted *load_items;
static struct refwq_wq *load_wq;

static void load_unbound_fn(struct refwq_work *work)
{
	atomic_inc(&container_of(work, struct counted, work)->runs);
}

static void load_percpu_fn(struct refwq_work *work)
{
	atomic_inc(&container_of(work, struct counted, work)->runs);
}

int refwq_kmod_load_start(unsigned int n)
{
	unsigned int i;

	load_items = kvcalloc(2 * n, sizeof(*load_items), GFP_KERNEL);
	load_wq = refwq_alloc_workqueue("kmod_load", REFWQ_UNBOUND, 0);
	if (!load_items || !load_wq) {
		refwq_kmod_load_stop();
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		refwq_init_work(&load_items[i].work, load_unbound_fn);
		refwq_queue_work(load_wq, &load_items[i].work);
		refwq_init_work(&load_items[n + i].work, load_percpu_fn);
		refwq_queue_work(refwq_system_wq, &load_items[n + i].work);
	}
	refwq_flush_workqueue(load_wq);
	refwq_flush_workqueue(refwq_system_wq);
	pr_info("refwq: load: %u items on kmod_load, %u on %s\n", n, n,
		refwq_workqueue_name(refwq_system_wq));
	return 0;
}

/* After refwq_exit() (or before anything was queued): nothing refers to
 * the items any more. */
void refwq_kmod_load_stop(void)
{
	if (load_wq && refwq_nr_cpus())
		refwq_destroy_workqueue(load_wq);
	load_wq = NULL;
	kvfree(load_items);
	load_items = NULL;
}
