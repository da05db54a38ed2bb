// SPDX-License-Identifier: GPL-2.0
/*
 * refwq: the reference workqueue core.
 *
 * The model is Linux's (Documentation/core-api/workqueue.rst): work items
 * are queued on workqueues; a workqueue has one pool_workqueue (pwq) on each
 * pool it uses; pools own the worker threads.  There are two pools per
 * virtual CPU (normal and high priority), concurrency managed, and two
 * unbound pools.  A concurrency-managed pool keeps one worker running: when
 * it blocks in a refwq primitive the pool wakes or asks for another worker.
 *
 * Threads:
 *  - workers (rwq/<cpu>:<n>[H], rwq/u<pool>:<n>) run items;
 *  - the manager (rwq/manager) creates and reaps workers, sends maydays to
 *    rescuers when it cannot create one, runs the watchdog and flags
 *    CPU-hogging items so they stop blocking their pool;
 *  - one rescuer (rwq/r:<wq>) per WQ_MEM_RECLAIM workqueue;
 *  - the timer service (timer.c) for delayed work.
 *
 * See internal.h for the locking legend and the work->data word.
 */
#include "internal.h"

#define CREATE_COOLDOWN_NS (20 * NSEC_PER_MSEC)
#define WATCHDOG_MIN_PERIOD_NS (10 * NSEC_PER_MSEC)
#define GRAVEYARD_MAX 64
#define IDLE_KEEP 2 /* idle workers never reaped */
#define CPU_MARK_NONE (~0ull)

struct refwq_global refwq;

struct refwq_wq *refwq_system_wq;
struct refwq_wq *refwq_system_highpri_wq;
struct refwq_wq *refwq_system_long_wq;
struct refwq_wq *refwq_system_unbound_wq;
struct refwq_wq *refwq_hpwork_wq;
struct refwq_wq *refwq_lpwork_wq;

/**
 * refwq_warn() - report a caller's mistake (the body of WARN_ON_ONCE)
 * @file: source file
 * @line: source line
 * @what: the condition that held
 *
 * Context: any thread.
 */
void refwq_warn(const char *file, int line, const char *what)
{
	__atomic_add_fetch(&refwq.warnings, 1, __ATOMIC_RELAXED);
	refwq_port_log(REFWQ_LOG_WARN, "%s:%d: WARN_ON_ONCE(%s)\n", file, line,
		       what);
}

/**
 * refwq_warnings() - how many warnings and reports the core has printed
 *
 * Return: the count since the process started (tests compare deltas).
 * Context: any thread.
 */
uint64_t refwq_warnings(void)
{
	return __atomic_load_n(&refwq.warnings, __ATOMIC_RELAXED);
}

static void count_report(void)
{
	__atomic_add_fetch(&refwq.warnings, 1, __ATOMIC_RELAXED);
}

static void fmt_name(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fmt_name(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	refwq_port_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

/* ---- the work->data word ---- */

static unsigned long data_load(const struct refwq_work *work)
{
	return __atomic_load_n(&work->data, __ATOMIC_ACQUIRE);
}

static void data_store(struct refwq_work *work, unsigned long data)
{
	__atomic_store_n(&work->data, data, __ATOMIC_RELEASE);
}

/* Return: true when PENDING was already set (someone else owns it). */
static bool test_and_set_pending(struct refwq_work *work)
{
	return __atomic_fetch_or(&work->data, WORK_PENDING, __ATOMIC_ACQ_REL) &
	       WORK_PENDING;
}

static unsigned long offq_data(int pool_id, unsigned long disable)
{
	return ((unsigned long)(pool_id + 1) << WORK_OFFQ_POOL_SHIFT) |
	       (disable << WORK_OFFQ_DISABLE_SHIFT);
}

static int offq_pool_id(unsigned long data)
{
	return (int)(data >> WORK_OFFQ_POOL_SHIFT) - 1;
}

static unsigned long offq_disable(unsigned long data)
{
	return (data >> WORK_OFFQ_DISABLE_SHIFT) & WORK_OFFQ_DISABLE_MAX;
}

/* The pool whose lock protects @work now, or where it last ran. */
static struct refwq_pool *get_work_pool(const struct refwq_work *work)
{
	unsigned long data = data_load(work);
	struct refwq_pwq *pwq = work_data_pwq(data);
	int id;

	if (pwq)
		return pwq->pool;
	id = offq_pool_id(data);
	if (id < 0 || id >= refwq.nr_pools)
		return NULL;
	return refwq.pools[id];
}

static const void *work_fn(const struct refwq_work *work)
{
	if (work->kind == REFWQ_WORK_ARG)
		return (const void *)work->afunc;
	return (const void *)work->func;
}

/* ---- instrumentation ---- */

unsigned int refwq_hist_slot(uint64_t ns)
{
	unsigned int slot;

	if (ns < 2)
		return 0;
	slot = 63 - (unsigned int)__builtin_clzll(ns);
	return slot < REFWQ_HIST_SLOTS ? slot : REFWQ_HIST_SLOTS - 1;
}

/*
 * A clock read taken earlier and reused to save a read (the end of the
 * previous run, or a read made before taking the pool lock) can predate a
 * stamp another thread set under the lock since: then "now - stamp" wraps
 * to ~2^64.  The true time is at least the stamp, so read the clock again
 * (monotonic, hence >= the stamp).  Never clamp: a clamped 0 would be a
 * made-up sample.
 */
static uint64_t now_after(uint64_t now, uint64_t stamp)
{
	return now >= stamp ? now : refwq_port_now_ns();
}

static void series_add(struct wq_series *s, enum refwq_hkind k, uint64_t ns)
{
	if (!REFWQ_STATS)
		return;
	s->hist[k][refwq_hist_slot(ns)]++;
	s->sum_ns[k] += ns;
	if (ns > s->max_ns[k])
		s->max_ns[k] = ns;
}

static struct wq_series *pwq_series(struct refwq_pwq *pwq, const void *fn)
{
	unsigned int n = PWQ_NR_SERIES - 1, i, start;
	uintptr_t h = (uintptr_t)fn;

	if (!REFWQ_STATS)
		return &pwq->series[n];
	start = (unsigned int)((h >> 4) ^ (h >> 12)) % n;
	for (i = 0; i < n; i++) {
		struct wq_series *s = &pwq->series[(start + i) % n];

		if (s->func == fn)
			return s;
		if (!s->func) {
			s->func = fn;
			return s;
		}
	}
	return &pwq->series[n];
}

/*
 * Whether to read the thread CPU clock around a run of @s's function: two
 * system calls, the largest cost of the instrumentation for tiny items.  A
 * function is measured for its first CPU_PROBE_RUNS runs and then only if
 * its runs average CPU_MEASURE_MIN_NS or more; shorter ones are charged
 * their wall time, an upper bound that is exact unless they were preempted.
 */
#define CPU_PROBE_RUNS 8
#define CPU_MEASURE_MIN_NS (20 * NSEC_PER_USEC)

static bool measure_cpu(const struct wq_series *s)
{
	if (!REFWQ_STATS || refwq.cfg.no_cpu_time)
		return false;
	return s->completed < CPU_PROBE_RUNS ||
	       s->sum_ns[REFWQ_H_RUN] >= s->completed * CPU_MEASURE_MIN_NS;
}

static uint64_t thread_cpu_now(void)
{
	if (!REFWQ_STATS || refwq.cfg.no_cpu_time)
		return 0;
	return refwq_port_thread_cpu_ns(NULL);
}

/* ---- workers and concurrency management ---- */

struct refwq_worker *refwq_current_worker(void)
{
	return refwq_port_get_current();
}

static bool need_more_worker(struct refwq_pool *pool)
{
	return !list_empty(&pool->worklist) &&
	       (!pool->cm || pool->nr_running == 0);
}

static bool keep_working(struct refwq_pool *pool)
{
	return !list_empty(&pool->worklist) &&
	       (!pool->cm || pool->nr_running <= 1);
}

/* Recompute whether @w counts as running for concurrency management. */
static void worker_recount(struct refwq_worker *w)
{
	struct refwq_pool *pool = w->pool;
	bool on = pool->cm && !w->rescue_wq && w->working && !w->sleeping &&
		  !w->hog && !w->cpu_item;

	wq_assert_held(&pool->lock);
	if (on == w->counted)
		return;
	w->counted = on;
	pool->nr_running += on ? 1 : -1;
}

static void mgr_kick(bool fast)
{
	refwq_port_lock(&refwq.mgr_lock);
	refwq.mgr_kick = true;
	if (fast)
		WRITE_ONCE(refwq.mgr_fast, true);
	refwq_port_cond_signal(&refwq.mgr_cond);
	refwq_port_unlock(&refwq.mgr_lock);
}

static void request_worker(struct refwq_pool *pool)
{
	wq_assert_held(&pool->lock);
	if (pool->create_pending ||
	    pool->nr_workers >= (int)refwq.cfg.max_workers)
		return;
	pool->create_pending = true;
	mgr_kick(false);
}

/*
 * Wake an idle worker if the pool needs one, or ask the manager for a new
 * one.  Return: true when a worker was woken or requested.
 */
static bool kick_pool(struct refwq_pool *pool)
{
	struct refwq_worker *w;

	wq_assert_held(&pool->lock);
	if (!need_more_worker(pool))
		return false;
	if (list_empty(&pool->idle_list)) {
		request_worker(pool);
		return true;
	}
	w = list_first_entry(&pool->idle_list, struct refwq_worker, idle_node);
	refwq_port_cond_signal(&w->wake);
	return true;
}

/*
 * Work waits behind a running item: the manager watches for a CPU hog
 * meanwhile, as the kernel's scheduler tick does.  A manager asleep in
 * fast mode looks again within half the threshold; one in the middle of a
 * pass may have looked at this pool before the work waited, and would
 * then leave fast mode and sleep a watchdog period: it must go round
 * again.  (Skipping the kick whenever mgr_fast was set, unlocked, lost
 * that wake-up: a 2 s hog went unseen under TSAN.)
 */
static void watch_for_hog(struct refwq_pool *pool)
{
	if (!pool->cm || !pool->nr_running || list_empty(&pool->worklist))
		return;
	refwq_port_lock(&refwq.mgr_lock);
	if (!refwq.mgr_fast || refwq.mgr_busy) {
		refwq.mgr_kick = true;
		WRITE_ONCE(refwq.mgr_fast, true);
		refwq_port_cond_signal(&refwq.mgr_cond);
	}
	refwq_port_unlock(&refwq.mgr_lock);
}

static void worker_enter_idle(struct refwq_worker *w)
{
	struct refwq_pool *pool = w->pool;

	if (w->idle)
		return;
	w->idle = true;
	pool->nr_idle++;
	w->last_active_ns = refwq_port_now_ns();
	list_add(&w->idle_node, &pool->idle_list);
}

static void worker_leave_idle(struct refwq_worker *w)
{
	if (!w->idle)
		return;
	w->idle = false;
	w->pool->nr_idle--;
	list_del_init(&w->idle_node);
}

/**
 * refwq_worker_sleeping() - the calling thread is about to block
 *
 * If it is a worker running an item, it stops counting as running and the
 * pool starts another worker when work is waiting.  Calls nest; each must be
 * paired with refwq_worker_running().
 * Context: any thread; takes L.
 */
void refwq_worker_sleeping(void)
{
	struct refwq_worker *w = refwq_current_worker();
	struct refwq_pool *pool;
	bool was;

	if (!w || w->rescue_wq || w->sleep_depth++ > 0)
		return;
	pool = w->pool;
	refwq_port_lock(&pool->lock);
	was = w->counted;
	w->sleeping = true;
	worker_recount(w);
	if (was && need_more_worker(pool) && kick_pool(pool))
		pool->cm_wakeups++;
	refwq_port_unlock(&pool->lock);
}

/**
 * refwq_worker_running() - the calling thread is running again
 *
 * Context: any thread; takes L.
 */
void refwq_worker_running(void)
{
	struct refwq_worker *w = refwq_current_worker();
	struct refwq_pool *pool;

	if (!w || w->rescue_wq || WARN_ON_ONCE(w->sleep_depth <= 0) ||
	    --w->sleep_depth > 0)
		return;
	pool = w->pool;
	WRITE_ONCE(w->cpu_mark_ns, thread_cpu_now());
	refwq_port_lock(&pool->lock);
	w->sleeping = false;
	worker_recount(w);
	refwq_port_unlock(&pool->lock);
}

static struct refwq_worker *find_worker_executing_work(struct refwq_pool *pool,
						       struct refwq_work *work)
{
	struct refwq_worker *w;

	wq_assert_held(&pool->lock);
	list_for_each_entry (w, &pool->busy, busy_node)
		if (w->current_work == work && w->current_fn == work_fn(work))
			return w;
	return NULL;
}

static void activate_work(struct refwq_pwq *pwq, struct refwq_work *work,
			  uint64_t now)
{
	struct refwq_pool *pool = pwq->pool;
	struct wq_series *s = work->series;

	if (list_empty(&pool->worklist))
		pool->watchdog_ts = now;
	list_add_tail(&work->entry, &pool->worklist);
	pwq->nr_active++;
	pwq->nr_pending_active++;
	now = now_after(now, work->queued_ns);
	work->activated_ns = now;
	STAT_INC(s->activated);
	series_add(s, REFWQ_H_Q2A, now - work->queued_ns);
}

/* Activate inactive items while max_active allows; @now: the current time,
 * or 0 to read the clock if needed. */
static void pwq_activate_inactive(struct refwq_pwq *pwq, uint64_t now)
{
	struct refwq_work *work;

	if (list_empty(&pwq->inactive) || pwq->nr_active >= pwq->max_active)
		return;
	if (!now)
		now = refwq_port_now_ns();
	while (!list_empty(&pwq->inactive) &&
	       pwq->nr_active < pwq->max_active) {
		work = list_first_entry(&pwq->inactive, struct refwq_work,
					entry);
		list_del_init(&work->entry);
		__atomic_fetch_and(&work->data, ~WORK_INACTIVE,
				   __ATOMIC_RELEASE);
		activate_work(pwq, work, now);
	}
	kick_pool(pwq->pool);
}

/* An item of @pwq in colour @color left the queue or finished. */
static void pwq_dec_nr_in_flight(struct refwq_pwq *pwq, int color,
				 bool was_active, uint64_t now)
{
	struct refwq_wq *wq = pwq->wq;

	wq_assert_held(&pwq->pool->lock);
	if (was_active) {
		pwq->nr_active--;
		pwq_activate_inactive(pwq, now);
	}
	pwq->nr_in_flight[color]--;
	if (pwq->flush_color == color && !pwq->nr_in_flight[color]) {
		pwq->flush_color = -1;
		if (!__atomic_sub_fetch(&wq->nr_pwqs_to_flush, 1,
					__ATOMIC_ACQ_REL))
			refwq_complete(wq->flush_done);
	}
}

static void insert_work(struct refwq_pwq *pwq, struct refwq_work *work)
{
	struct refwq_pool *pool = pwq->pool;
	uint64_t now = refwq_port_now_ns();
	unsigned long data;
	struct wq_series *s;
	int color;

	wq_assert_held(&pool->lock);
	work->seq++;
	work->queued_ns = now;
	s = pwq_series(pwq, work_fn(work));
	work->series = s;
	STAT_INC(s->queued);
	color = pwq->work_color;
	pwq->nr_in_flight[color]++;
	WRITE_ONCE(pool->nr_pending, pool->nr_pending + 1);
	data = (unsigned long)pwq | WORK_PENDING | WORK_PWQ |
	       (color ? WORK_COLOR : 0);
	if (pwq->nr_active < pwq->max_active) {
		data_store(work, data);
		activate_work(pwq, work, now);
		if (!kick_pool(pool))
			watch_for_hog(pool);
	} else {
		data_store(work, data | WORK_INACTIVE);
		list_add_tail(&work->entry, &pwq->inactive);
		pwq->saturated++;
	}
}

static bool is_chained_work(struct refwq_wq *wq)
{
	struct refwq_worker *w = refwq_current_worker();

	return w && w->current_pwq && w->current_pwq->wq == wq;
}

static int current_vcpu(void)
{
	struct refwq_worker *w = refwq_current_worker();

	if (w && w->pool && w->pool->cpu >= 0)
		return w->pool->cpu;
	return refwq_port_current_cpu() % refwq.nr_cpus;
}

static struct refwq_pwq *select_pwq(struct refwq_wq *wq, int cpu)
{
	if (wq->unbound_pwq)
		return wq->unbound_pwq;
	if (cpu < 0)
		cpu = current_vcpu();
	return wq->cpu_pwqs[cpu % refwq.nr_cpus];
}

/* The caller owns PENDING and gives it up. */
static void release_pending(struct refwq_work *work)
{
	__atomic_fetch_and(&work->data, ~WORK_PENDING, __ATOMIC_RELEASE);
}

static bool queue_refused(struct refwq_wq *wq)
{
	unsigned int flags = READ_ONCE(wq->flags);

	if (likely(!(flags & (__WQ_DRAINING | __WQ_DESTROYED))))
		return false;
	if (!(flags & __WQ_DESTROYED) && is_chained_work(wq))
		return false;
	if (!__atomic_fetch_add(&wq->refused, 1, __ATOMIC_RELAXED)) {
		count_report();
		refwq_port_log(
			REFWQ_LOG_WARN, "queueing on %s workqueue %s refused\n",
			flags & __WQ_DESTROYED ? "destroyed" : "draining",
			wq->name);
	}
	return true;
}

/* Queue @work, whose PENDING bit the caller owns, on @wq. */
static bool __queue_work(int cpu, struct refwq_wq *wq, struct refwq_work *work)
{
	struct refwq_pool *last;
	struct refwq_worker *w;
	struct refwq_pwq *pwq;

	if (unlikely(queue_refused(wq))) {
		release_pending(work);
		return false;
	}
	pwq = select_pwq(wq, cpu);
	/* Never run an item twice at once: if it still runs on another pool
	 * for this workqueue, queue it behind itself there. */
	last = get_work_pool(work);
	if (last && last != pwq->pool) {
		refwq_port_lock(&last->lock);
		w = find_worker_executing_work(last, work);
		if (w && w->current_pwq && w->current_pwq->wq == wq) {
			pwq = w->current_pwq;
			goto insert;
		}
		refwq_port_unlock(&last->lock);
	}
	refwq_port_lock(&pwq->pool->lock);
insert:
	insert_work(pwq, work);
	refwq_port_unlock(&pwq->pool->lock);
	return true;
}

/* Having just taken PENDING, give it back if @work is disabled. */
static bool clear_pending_if_disabled(struct refwq_work *work)
{
	if (likely(!offq_disable(data_load(work))))
		return false;
	release_pending(work);
	return true;
}

/**
 * refwq_init_work() - prepare @work to run @func(@work)
 * @work: the item, idle (never initialise a queued or running item)
 * @func: its function
 *
 * Context: any thread.
 */
void refwq_init_work(struct refwq_work *work, refwq_work_func_t func)
{
	work->data = offq_data(-1, 0);
	list_init(&work->entry);
	work->func = func;
	work->arg = NULL;
	work->kind = REFWQ_WORK_PLAIN;
	work->seq = 0;
	work->queued_ns = 0;
	work->activated_ns = 0;
	work->series = NULL;
}

/**
 * refwq_init_work_arg() - prepare @work to run @afunc(@arg)
 * @work: the item, idle
 * @afunc: its function
 * @arg: the argument; the value at queueing time is the one passed
 *
 * Context: any thread.
 */
void refwq_init_work_arg(struct refwq_work *work, refwq_arg_func_t afunc,
			 void *arg)
{
	refwq_init_work(work, NULL);
	work->afunc = afunc;
	work->arg = arg;
	work->kind = REFWQ_WORK_ARG;
}

static void delayed_work_timer_fn(struct refwq_timer *t)
{
	struct refwq_delayed_work *dwork =
		container_of(t, struct refwq_delayed_work, timer);

	__queue_work(dwork->cpu, dwork->wq, &dwork->work);
}

/**
 * refwq_init_delayed_work() - prepare @dwork to run @func after a delay
 * @dwork: the item, idle
 * @func: its function, called with &@dwork->work
 *
 * Context: any thread.
 */
void refwq_init_delayed_work(struct refwq_delayed_work *dwork,
			     refwq_work_func_t func)
{
	refwq_init_work(&dwork->work, func);
	refwq_timer_setup(&dwork->timer, delayed_work_timer_fn);
	dwork->wq = NULL;
	dwork->cpu = REFWQ_CPU_ANY;
}

/**
 * refwq_init_delayed_work_arg() - prepare @dwork to run @afunc(@arg)
 * @dwork: the item, idle
 * @afunc: its function
 * @arg: the argument
 *
 * Context: any thread.
 */
void refwq_init_delayed_work_arg(struct refwq_delayed_work *dwork,
				 refwq_arg_func_t afunc, void *arg)
{
	refwq_init_delayed_work(dwork, NULL);
	dwork->work.afunc = afunc;
	dwork->work.arg = arg;
	dwork->work.kind = REFWQ_WORK_ARG;
}

/**
 * refwq_work_pending() - is @work queued, armed, or being queued?
 * @work: the item
 *
 * Return: the PENDING bit: a snapshot, which may change at once.
 * Context: any thread.
 */
bool refwq_work_pending(const struct refwq_work *work)
{
	return data_load(work) & WORK_PENDING;
}

bool refwq_delayed_work_pending(const struct refwq_delayed_work *dwork)
{
	return refwq_work_pending(&dwork->work);
}

/**
 * refwq_current_work() - the item the calling worker is running
 *
 * Return: the item, or NULL outside a work item.
 * Context: any thread.
 */
struct refwq_work *refwq_current_work(void)
{
	struct refwq_worker *w = refwq_current_worker();

	return w ? w->current_work : NULL;
}

/**
 * refwq_work_disabled() - is @work disabled (also during a sync cancel)?
 * @work: the item
 *
 * Return: true while queueing @work fails because of a disable count.
 * Context: any thread.
 */
bool refwq_work_disabled(const struct refwq_work *work)
{
	unsigned long data = data_load(work);

	return !(data & WORK_PWQ) && offq_disable(data);
}

/**
 * refwq_work_running() - is an instance of @work running now?
 * @work: the item
 *
 * Return: a snapshot, which may change at once.
 * Context: any thread; takes the pool lock of @work's last pool.
 */
bool refwq_work_running(struct refwq_work *work)
{
	struct refwq_pool *pool = get_work_pool(work);
	bool ret;

	if (!pool)
		return false;
	refwq_port_lock(&pool->lock);
	ret = find_worker_executing_work(pool, work) != NULL;
	refwq_port_unlock(&pool->lock);
	return ret;
}

/**
 * refwq_queue_work_on() - queue @work on @wq, on CPU @cpu's pool
 * @cpu: virtual CPU, or REFWQ_CPU_ANY for the current one; unbound
 *	 workqueues ignore it
 * @wq: the workqueue
 * @work: the item
 *
 * Return: true when queued; false when @work was already pending, is
 * disabled, or @wq refuses work (draining or destroyed).
 * Context: any thread, including work items and timer callbacks.
 */
bool refwq_queue_work_on(int cpu, struct refwq_wq *wq, struct refwq_work *work)
{
	if (WARN_ON_ONCE(!wq || !work))
		return false;
	if (test_and_set_pending(work))
		return false;
	if (clear_pending_if_disabled(work))
		return false;
	return __queue_work(cpu, wq, work);
}

bool refwq_queue_work(struct refwq_wq *wq, struct refwq_work *work)
{
	return refwq_queue_work_on(REFWQ_CPU_ANY, wq, work);
}

static bool __queue_delayed_work(int cpu, struct refwq_wq *wq,
				 struct refwq_delayed_work *dwork,
				 uint64_t delay_ns)
{
	if (!delay_ns)
		return __queue_work(cpu, wq, &dwork->work);
	if (unlikely(queue_refused(wq))) {
		release_pending(&dwork->work);
		return false;
	}
	dwork->wq = wq;
	dwork->cpu = cpu;
	refwq_timer_arm(&dwork->timer, refwq_port_now_ns() + delay_ns);
	return true;
}

/**
 * refwq_queue_delayed_work_on() - queue @dwork after @delay_ns
 * @cpu: as for refwq_queue_work_on()
 * @wq: the workqueue
 * @dwork: the item
 * @delay_ns: 0 queues at once
 *
 * Return: true when armed or queued, false when already pending, disabled
 * or refused.
 * Context: any thread.
 */
bool refwq_queue_delayed_work_on(int cpu, struct refwq_wq *wq,
				 struct refwq_delayed_work *dwork,
				 uint64_t delay_ns)
{
	if (WARN_ON_ONCE(!wq || !dwork))
		return false;
	if (test_and_set_pending(&dwork->work))
		return false;
	if (clear_pending_if_disabled(&dwork->work))
		return false;
	return __queue_delayed_work(cpu, wq, dwork, delay_ns);
}

bool refwq_queue_delayed_work(struct refwq_wq *wq,
			      struct refwq_delayed_work *dwork,
			      uint64_t delay_ns)
{
	return refwq_queue_delayed_work_on(REFWQ_CPU_ANY, wq, dwork, delay_ns);
}

/*
 * Take @work's PENDING bit, stealing the item from its timer or queue.
 * Return: 1 when it was pending and is now ours, 0 when it was idle and is
 * now ours, -EAGAIN when someone else holds it for a moment: retry.
 */
static int try_to_grab_pending(struct refwq_work *work, bool is_dwork)
{
	struct refwq_pool *pool;
	struct refwq_pwq *pwq;
	unsigned long data;
	bool was_active;
	int color;

	if (is_dwork) {
		struct refwq_delayed_work *dwork =
			container_of(work, struct refwq_delayed_work, work);

		if (refwq_timer_del(&dwork->timer))
			return 1;
	}
	if (!test_and_set_pending(work))
		return 0;
	pool = get_work_pool(work);
	if (!pool)
		return -REFWQ_EAGAIN;
	refwq_port_lock(&pool->lock);
	data = data_load(work);
	pwq = work_data_pwq(data);
	if (!pwq || pwq->pool != pool) {
		refwq_port_unlock(&pool->lock);
		return -REFWQ_EAGAIN;
	}
	color = (data & WORK_COLOR) ? 1 : 0;
	was_active = !(data & WORK_INACTIVE);
	list_del_init(&work->entry);
	WRITE_ONCE(pool->nr_pending, pool->nr_pending - 1);
	if (was_active)
		pwq->nr_pending_active--;
	STAT_INC(((struct wq_series *)work->series)->cancelled);
	data_store(work, offq_data(pool->id, 0) | WORK_PENDING);
	pwq_dec_nr_in_flight(pwq, color, was_active, 0);
	if (pool->nr_flush_waiters)
		refwq_port_cond_broadcast(&pool->done_cond);
	refwq_port_unlock(&pool->lock);
	return 1;
}

static int grab_pending(struct refwq_work *work, bool is_dwork)
{
	int ret;

	while ((ret = try_to_grab_pending(work, is_dwork)) < 0)
		refwq_port_yield();
	return ret;
}

/**
 * refwq_mod_delayed_work_on() - re-arm @dwork to @delay_ns from now
 * @cpu: as for refwq_queue_work_on()
 * @wq: the workqueue
 * @dwork: the item, idle or pending
 * @delay_ns: the new delay
 *
 * Return: true when @dwork was pending (its old timer or queue entry is
 * gone), false when it was idle.
 * Context: any thread.
 */
bool refwq_mod_delayed_work_on(int cpu, struct refwq_wq *wq,
			       struct refwq_delayed_work *dwork,
			       uint64_t delay_ns)
{
	int ret;

	if (WARN_ON_ONCE(!wq || !dwork))
		return false;
	ret = grab_pending(&dwork->work, true);
	if (!clear_pending_if_disabled(&dwork->work))
		__queue_delayed_work(cpu, wq, dwork, delay_ns);
	return ret;
}

/**
 * refwq_requeue_delayed_work_arg() - replace @dwork's call and re-queue it
 * @wq: the workqueue
 * @dwork: the item, idle or pending
 * @afunc: the new function
 * @arg: its argument
 * @delay_ns: the new delay
 *
 * The NuttX semantics of work_queue(): a pending instance is dropped, only
 * the new call runs, at the new delay.
 * Return: true when an instance was pending.
 * Context: any thread.
 */
bool refwq_requeue_delayed_work_arg(struct refwq_wq *wq,
				    struct refwq_delayed_work *dwork,
				    refwq_arg_func_t afunc, void *arg,
				    uint64_t delay_ns)
{
	int ret;

	if (WARN_ON_ONCE(!wq || !dwork || !afunc))
		return false;
	ret = grab_pending(&dwork->work, true);
	dwork->work.afunc = afunc;
	dwork->work.arg = arg;
	dwork->work.kind = REFWQ_WORK_ARG;
	if (!clear_pending_if_disabled(&dwork->work))
		__queue_delayed_work(REFWQ_CPU_ANY, wq, dwork, delay_ns);
	return ret;
}

/* ---- flushing ---- */

static void deadlock_report(struct refwq_wq *wq, const char *what)
{
	if (wq)
		__atomic_add_fetch(&wq->deadlocks, 1, __ATOMIC_RELAXED);
	count_report();
	refwq_port_log(REFWQ_LOG_ERR,
		       "deadlock: %s from a work item of %s: refused\n", what,
		       wq ? wq->name : "?");
}

/* Is the instance of @work numbered @seq still queued or running? */
static bool instance_alive(struct refwq_pool *pool, struct refwq_work *work,
			   unsigned int seq)
{
	struct refwq_pwq *pwq = work_data_pwq(data_load(work));
	struct refwq_worker *w;

	if (pwq && pwq->pool == pool && work->seq == seq)
		return true;
	list_for_each_entry (w, &pool->busy, busy_node)
		if (w->current_work == work && w->current_seq == seq)
			return true;
	return false;
}

static bool __flush_work(struct refwq_work *work, bool from_cancel)
{
	struct refwq_worker *cur = refwq_current_worker(), *w;
	struct refwq_pool *pool = get_work_pool(work);
	struct refwq_pwq *pwq;
	unsigned int seq;

	if (!pool)
		return false;
	refwq_port_lock(&pool->lock);
	pwq = work_data_pwq(data_load(work));
	if (pwq && pwq->pool == pool) {
		seq = work->seq;
		/* Waiting for a queued instance from the instance running
		 * now, or from an item ahead of it on an ordered queue,
		 * cannot end. */
		if (cur &&
		    (cur->current_work == work ||
		     (cur->current_pwq == pwq && pwq->max_active == 1))) {
			refwq_port_unlock(&pool->lock);
			deadlock_report(pwq->wq, "flush_work()");
			return false;
		}
	} else {
		w = find_worker_executing_work(pool, work);
		if (!w) {
			refwq_port_unlock(&pool->lock);
			return false;
		}
		if (w == cur) {
			/* The caller is the item itself: a sync cancel from
			 * the handler has nothing left to wait for. */
			refwq_port_unlock(&pool->lock);
			if (!from_cancel)
				deadlock_report(w->current_pwq->wq,
						"flush_work() of itself");
			return false;
		}
		seq = w->current_seq;
	}
	pool->nr_flush_waiters++;
	refwq_port_unlock(&pool->lock);
	refwq_worker_sleeping();
	refwq_port_lock(&pool->lock);
	while (instance_alive(pool, work, seq))
		refwq_port_cond_wait(&pool->done_cond, &pool->lock);
	pool->nr_flush_waiters--;
	refwq_port_unlock(&pool->lock);
	refwq_worker_running();
	return true;
}

/**
 * refwq_flush_work() - wait for the last queued instance of @work to finish
 * @work: the item
 *
 * Return: true when it waited, false when @work was idle.  A flush that
 * could never end (from the item itself) is reported and returns false.
 * Context: may sleep.
 */
bool refwq_flush_work(struct refwq_work *work)
{
	if (WARN_ON_ONCE(!work))
		return false;
	return __flush_work(work, false);
}

/**
 * refwq_flush_delayed_work() - fire @dwork's timer now and wait for the run
 * @dwork: the item
 *
 * Return: as refwq_flush_work().
 * Context: may sleep.
 */
bool refwq_flush_delayed_work(struct refwq_delayed_work *dwork)
{
	if (WARN_ON_ONCE(!dwork))
		return false;
	if (refwq_timer_del(&dwork->timer))
		__queue_work(dwork->cpu, dwork->wq, &dwork->work);
	return __flush_work(&dwork->work, false);
}

static void lock_sleepable(struct refwq_port_lock *l)
{
	if (refwq_port_trylock(l))
		return;
	refwq_worker_sleeping();
	refwq_port_lock(l);
	refwq_worker_running();
}

/**
 * refwq_flush_workqueue() - wait for every item queued on @wq before the call
 * @wq: the workqueue
 *
 * Items queued after the call (by anyone, including the items being waited
 * for) do not hold it up.
 * Return: 0, or -EDEADLK when called from one of @wq's own items (reported).
 * Context: may sleep.
 */
int refwq_flush_workqueue(struct refwq_wq *wq)
{
	struct refwq_completion done;
	struct refwq_pwq *pwq;
	int color;

	if (WARN_ON_ONCE(!wq))
		return -REFWQ_EINVAL;
	if (is_chained_work(wq)) {
		deadlock_report(wq, "flush_workqueue()");
		return -REFWQ_EDEADLK;
	}
	lock_sleepable(&wq->mutex);
	refwq_init_completion(&done);
	color = wq->work_color;
	wq->flush_done = &done;
	__atomic_store_n(&wq->nr_pwqs_to_flush, 1, __ATOMIC_RELAXED);
	list_for_each_entry (pwq, &wq->pwqs, wq_node) {
		refwq_port_lock(&pwq->pool->lock);
		WARN_ON_ONCE(pwq->flush_color != -1);
		if (pwq->nr_in_flight[color]) {
			pwq->flush_color = color;
			__atomic_add_fetch(&wq->nr_pwqs_to_flush, 1,
					   __ATOMIC_RELAXED);
		}
		pwq->work_color = color ^ 1;
		refwq_port_unlock(&pwq->pool->lock);
	}
	wq->work_color = color ^ 1;
	if (!__atomic_sub_fetch(&wq->nr_pwqs_to_flush, 1, __ATOMIC_ACQ_REL))
		refwq_complete(&done);
	refwq_wait_for_completion(&done);
	wq->flush_done = NULL;
	refwq_port_unlock(&wq->mutex);
	return 0;
}

static bool wq_busy(struct refwq_wq *wq)
{
	struct refwq_pwq *pwq;
	bool busy = false;

	list_for_each_entry (pwq, &wq->pwqs, wq_node) {
		refwq_port_lock(&pwq->pool->lock);
		if (pwq->nr_in_flight[0] || pwq->nr_in_flight[1])
			busy = true;
		refwq_port_unlock(&pwq->pool->lock);
	}
	return busy;
}

/**
 * refwq_drain_workqueue() - flush @wq until it is empty
 * @wq: the workqueue
 *
 * While draining, only @wq's own items may queue on it; other attempts are
 * refused and reported.
 * Return: 0, or -EDEADLK from one of @wq's own items.
 * Context: may sleep.
 */
int refwq_drain_workqueue(struct refwq_wq *wq)
{
	unsigned int tries;
	int ret = 0;

	if (WARN_ON_ONCE(!wq))
		return -REFWQ_EINVAL;
	if (is_chained_work(wq)) {
		deadlock_report(wq, "drain_workqueue()");
		return -REFWQ_EDEADLK;
	}
	lock_sleepable(&wq->mutex);
	if (!wq->nr_drainers++)
		__atomic_fetch_or(&wq->flags, __WQ_DRAINING, __ATOMIC_RELEASE);
	refwq_port_unlock(&wq->mutex);
	for (tries = 1;; tries++) {
		ret = refwq_flush_workqueue(wq);
		if (ret || !wq_busy(wq))
			break;
		if (tries == 10 || tries % 100 == 0)
			refwq_port_log(
				REFWQ_LOG_WARN,
				"%s isn't empty after %u drain flushes\n",
				wq->name, tries);
	}
	lock_sleepable(&wq->mutex);
	if (!--wq->nr_drainers)
		__atomic_fetch_and(&wq->flags, ~__WQ_DRAINING,
				   __ATOMIC_RELEASE);
	refwq_port_unlock(&wq->mutex);
	return ret;
}

/* ---- cancel, disable, enable ---- */

static bool __cancel_work(struct refwq_work *work, bool is_dwork, bool disable)
{
	unsigned long data, nr;
	int ret;

	ret = grab_pending(work, is_dwork);
	data = data_load(work);
	nr = offq_disable(data);
	if (disable && !WARN_ON_ONCE(nr == WORK_OFFQ_DISABLE_MAX))
		nr++;
	data_store(work, offq_data(offq_pool_id(data), nr));
	return ret;
}

/**
 * refwq_enable_work() - undo one refwq_disable_work()
 * @work: the item
 *
 * Return: true when @work can be queued again (no disable left).
 * Context: any thread.
 */
bool refwq_enable_work(struct refwq_work *work)
{
	unsigned long data, nr;

	grab_pending(work, false);
	data = data_load(work);
	nr = offq_disable(data);
	if (!WARN_ON_ONCE(!nr))
		nr--;
	data_store(work, offq_data(offq_pool_id(data), nr));
	return !nr;
}

static bool __cancel_work_sync(struct refwq_work *work, bool is_dwork,
			       bool keep_disabled)
{
	bool ret;

	/* Disabled meanwhile: queue attempts during the wait fail. */
	ret = __cancel_work(work, is_dwork, true);
	__flush_work(work, true);
	if (!keep_disabled)
		refwq_enable_work(work);
	return ret;
}

/**
 * refwq_cancel_work() - take @work off its queue if it is pending
 * @work: the item
 *
 * Return: true when it was pending and now never runs for that queueing.
 * Context: any thread.
 */
bool refwq_cancel_work(struct refwq_work *work)
{
	if (WARN_ON_ONCE(!work))
		return false;
	return __cancel_work(work, false, false);
}

/**
 * refwq_cancel_work_sync() - cancel @work and wait for a running instance
 * @work: the item
 *
 * Queue attempts made meanwhile fail; afterwards @work is idle.  From the
 * item's own handler it cancels a queued instance without waiting for
 * itself.
 * Return: true when it was pending.
 * Context: may sleep.
 */
bool refwq_cancel_work_sync(struct refwq_work *work)
{
	if (WARN_ON_ONCE(!work))
		return false;
	return __cancel_work_sync(work, false, false);
}

/**
 * refwq_cancel_delayed_work() - disarm or dequeue @dwork if pending
 * @dwork: the item
 *
 * Return: true when it was pending and now does not run for that queueing.
 * Context: any thread.
 */
bool refwq_cancel_delayed_work(struct refwq_delayed_work *dwork)
{
	if (WARN_ON_ONCE(!dwork))
		return false;
	return __cancel_work(&dwork->work, true, false);
}

/**
 * refwq_cancel_delayed_work_sync() - cancel @dwork and wait for its run
 * @dwork: the item
 *
 * As refwq_cancel_work_sync(); the timer is stopped too.
 * Return: true when it was pending.
 * Context: may sleep.
 */
bool refwq_cancel_delayed_work_sync(struct refwq_delayed_work *dwork)
{
	if (WARN_ON_ONCE(!dwork))
		return false;
	return __cancel_work_sync(&dwork->work, true, false);
}

/**
 * refwq_disable_work() - cancel @work and refuse queueing until enabled
 * @work: the item
 *
 * Disables nest: each needs one refwq_enable_work().
 * Return: true when it was pending.
 * Context: any thread.
 */
bool refwq_disable_work(struct refwq_work *work)
{
	if (WARN_ON_ONCE(!work))
		return false;
	return __cancel_work(work, false, true);
}

/**
 * refwq_disable_work_sync() - disable @work and wait for a running instance
 * @work: the item
 *
 * Return: true when it was pending.
 * Context: may sleep.
 */
bool refwq_disable_work_sync(struct refwq_work *work)
{
	if (WARN_ON_ONCE(!work))
		return false;
	return __cancel_work_sync(work, false, true);
}

bool refwq_disable_delayed_work(struct refwq_delayed_work *dwork)
{
	if (WARN_ON_ONCE(!dwork))
		return false;
	return __cancel_work(&dwork->work, true, true);
}

bool refwq_disable_delayed_work_sync(struct refwq_delayed_work *dwork)
{
	if (WARN_ON_ONCE(!dwork))
		return false;
	return __cancel_work_sync(&dwork->work, true, true);
}

bool refwq_enable_delayed_work(struct refwq_delayed_work *dwork)
{
	if (WARN_ON_ONCE(!dwork))
		return false;
	return refwq_enable_work(&dwork->work);
}

/* ---- running items ---- */

static void call_work(struct refwq_worker *w)
{
	const struct refwq_work *c = &w->current_call;

	if (c->kind == REFWQ_WORK_ARG)
		c->afunc(c->arg);
	else
		c->func(w->current_work);
}

/*
 * Run @work, the first item of a list of @w's pool, or hand it to the worker
 * already running it.  Called and returns with L held; drops it to run.
 */
static void process_one_work(struct refwq_worker *w, struct refwq_work *work)
{
	struct refwq_pool *pool = w->pool;
	unsigned long data = data_load(work);
	struct refwq_pwq *pwq = work_data_pwq(data);
	struct refwq_worker *collision;
	uint64_t now, cpu0 = 0, cpu1;
	struct wq_series *s;
	bool measure;

	wq_assert_held(&pool->lock);
	if (WARN_ON_ONCE(!pwq)) {
		list_del_init(&work->entry);
		return;
	}
	collision = find_worker_executing_work(pool, work);
	if (collision && collision != w) {
		list_move_tail(&work->entry, &collision->scheduled);
		return;
	}
	/* Straight after another run, its end is our start: one clock read
	 * fewer per item in a burst, for an error of the bookkeeping in
	 * between (~0.1 us) in the two histograms. */
	now = w->last_end_ns ? w->last_end_ns : refwq_port_now_ns();
	now = now_after(now, work->activated_ns);
	w->last_end_ns = 0;
	list_del_init(&work->entry);
	WRITE_ONCE(pool->nr_pending, pool->nr_pending - 1);
	pwq->nr_pending_active--;
	pool->watchdog_ts = now;
	pool->stalled = false;

	w->current_work = work;
	w->current_fn = work_fn(work);
	w->current_call.func = work->func;
	w->current_call.afunc = work->afunc;
	w->current_call.arg = work->arg;
	w->current_call.kind = work->kind;
	w->current_series = s = work->series;
	w->current_pwq = pwq;
	w->current_color = (data & WORK_COLOR) ? 1 : 0;
	w->current_seq = work->seq;
	w->current_start_ns = now;
	list_add_tail(&w->busy_node, &pool->busy);
	pool->nr_busy++;
	STAT_INC(s->started);
	series_add(s, REFWQ_H_A2S, now - work->activated_ns);
	series_add(s, REFWQ_H_LAT, now - work->queued_ns);
	if (w->rescue_wq)
		pool->rescued++;
	w->cpu_item = READ_ONCE(pwq->wq->flags) & REFWQ_CPU_INTENSIVE;
	/* No CPU mark until the run begins (or the manager takes one). */
	WRITE_ONCE(w->cpu_mark_ns, CPU_MARK_NONE);
	measure = measure_cpu(s);
	worker_recount(w);
	if (need_more_worker(pool))
		kick_pool(pool);
	else
		watch_for_hog(pool);
	/* From here @work may be queued again, behind this run. */
	data_store(work, offq_data(pool->id, 0));
	refwq_port_unlock(&pool->lock);

	if (measure) {
		cpu0 = thread_cpu_now();
		WRITE_ONCE(w->cpu_mark_ns, cpu0);
	}
	call_work(w);
	cpu1 = measure ? thread_cpu_now() : 0;
	now = REFWQ_STATS ? refwq_port_now_ns() : 0;

	refwq_port_lock(&pool->lock);
	STAT_INC(s->completed);
	series_add(s, REFWQ_H_RUN, now - w->current_start_ns);
	if (!refwq.cfg.no_cpu_time)
		series_add(s, REFWQ_H_CPU,
			   measure ? cpu1 - cpu0 : now - w->current_start_ns);
	w->cpu_item = false;
	w->hog = false;
	worker_recount(w);
	list_del_init(&w->busy_node);
	pool->nr_busy--;
	w->current_work = NULL;
	w->current_fn = NULL;
	w->current_pwq = NULL;
	w->current_series = NULL;
	pwq_dec_nr_in_flight(pwq, w->current_color, true, now);
	w->last_end_ns = now;
	if (pool->nr_flush_waiters)
		refwq_port_cond_broadcast(&pool->done_cond);
}

static void process_scheduled(struct refwq_worker *w)
{
	while (!list_empty(&w->scheduled))
		process_one_work(w, list_first_entry(&w->scheduled,
						     struct refwq_work, entry));
}

/*
 * Before sleeping, a worker may spin for refwq_config.idle_spin_us watching
 * for new items: when items arrive faster than a wake-up takes, this saves
 * a sleep and a wake-up per item, at the price of CPU time.  Called and
 * returns with L held.  Return: true when something was queued meanwhile.
 */
static bool idle_spin(struct refwq_worker *w)
{
	struct refwq_pool *pool = w->pool;
	uint64_t seen = pool->nr_pending, end;
	unsigned int i;

	if (!refwq.cfg.idle_spin_us || !w->working_before_idle)
		return false;
	w->working_before_idle = false;
	refwq_port_unlock(&pool->lock);
	end = refwq_port_now_ns() + refwq.cfg.idle_spin_us * NSEC_PER_USEC;
	do {
		for (i = 0; i < 64; i++)
			if (READ_ONCE(pool->nr_pending) != seen)
				goto out;
	} while (refwq_port_now_ns() < end);
out:
	refwq_port_lock(&pool->lock);
	return pool->nr_pending != seen;
}

static void worker_thread(void *arg)
{
	struct refwq_worker *w = arg;
	struct refwq_pool *pool = w->pool;

	refwq_port_set_current(w);
	if (pool->nice)
		refwq_port_thread_set_nice(pool->nice);
	refwq_port_lock(&pool->lock);
	while (!w->die) {
		if (!need_more_worker(pool)) {
			if (idle_spin(w) || w->die)
				continue;
			worker_enter_idle(w);
			refwq_port_cond_wait(&w->wake, &pool->lock);
			continue;
		}
		worker_leave_idle(w);
		w->working = true;
		worker_recount(w);
		/* Keep a spare so a blocking item can be relieved at once. */
		if (!pool->nr_idle)
			request_worker(pool);
		do {
			process_one_work(w, list_first_entry(&pool->worklist,
							     struct refwq_work,
							     entry));
			process_scheduled(w);
		} while (keep_working(pool));
		w->last_end_ns = 0;
		w->working = false;
		w->working_before_idle = true;
		worker_recount(w);
	}
	worker_leave_idle(w);
	pool->nr_workers--;
	pool->dead_cpu_ns += refwq_port_thread_cpu_ns(NULL);
	w->dead = true;
	refwq_port_unlock(&pool->lock);
}

static int create_worker(struct refwq_pool *pool)
{
	struct refwq_worker *w;
	char name[16];
	int ret;

	if (READ_ONCE(refwq.fail_create))
		return -REFWQ_EAGAIN;
	w = refwq_port_zalloc(sizeof(*w), 64);
	if (!w)
		return -REFWQ_ENOMEM;
	list_init(&w->node);
	list_init(&w->idle_node);
	list_init(&w->busy_node);
	list_init(&w->scheduled);
	refwq_port_cond_init(&w->wake);
	w->pool = pool;

	refwq_port_lock(&pool->lock);
	w->id = pool->next_worker_id++;
	list_add_tail(&w->node, &pool->workers);
	pool->nr_workers++;
	worker_enter_idle(w);
	refwq_port_unlock(&pool->lock);

	if (pool->cpu >= 0)
		fmt_name(name, sizeof(name), "rwq/%d:%d%s", pool->cpu, w->id,
			 pool->nice < 0 ? "H" : "");
	else
		fmt_name(name, sizeof(name), "rwq/u%d:%d", pool->id, w->id);
	ret = refwq_port_thread_create(&w->thread, worker_thread, w, name);

	refwq_port_lock(&pool->lock);
	if (ret) {
		worker_leave_idle(w);
		list_del_init(&w->node);
		pool->nr_workers--;
		refwq_port_unlock(&pool->lock);
		refwq_port_cond_destroy(&w->wake);
		refwq_port_free(w);
		return ret;
	}
	w->thread_ok = true;
	pool->workers_created++;
	refwq_port_unlock(&pool->lock);
	return 0;
}

/* Join a worker told to die, and free it. */
static void reap_worker(struct refwq_worker *w)
{
	struct refwq_pool *pool = w->pool;

	refwq_port_thread_join(&w->thread);
	refwq_port_lock(&pool->lock);
	list_del_init(&w->node);
	refwq_port_unlock(&pool->lock);
	refwq_port_cond_destroy(&w->wake);
	refwq_port_free(w);
}

/* ---- rescuers ---- */

static void send_mayday(struct refwq_pool *pool)
{
	struct refwq_pwq *pwq;

	wq_assert_held(&pool->lock);
	list_for_each_entry (pwq, &pool->pwqs, pool_node) {
		struct refwq_wq *wq = pwq->wq;

		if (!wq->rescuer || !pwq->nr_pending_active)
			continue;
		refwq_port_lock(&refwq.mayday_lock);
		if (!pwq->on_mayday) {
			pwq->on_mayday = true;
			list_add_tail(&pwq->mayday_node, &wq->maydays);
			refwq_port_cond_signal(&wq->rescuer->wake);
			pool->maydays++;
		}
		refwq_port_unlock(&refwq.mayday_lock);
	}
}

static void rescue_pwq(struct refwq_worker *r, struct refwq_pwq *pwq)
{
	struct refwq_pool *pool = pwq->pool;
	struct refwq_work *work, *n;

	refwq_port_lock(&pool->lock);
	r->pool = pool;
	list_for_each_entry_safe (work, n, &pool->worklist, entry)
		if (work_data_pwq(data_load(work)) == pwq)
			list_move_tail(&work->entry, &r->scheduled);
	process_scheduled(r);
	r->last_end_ns = 0;
	r->pool = NULL;
	refwq_port_unlock(&pool->lock);
}

static void rescuer_thread(void *arg)
{
	struct refwq_worker *r = arg;
	struct refwq_wq *wq = r->rescue_wq;
	struct refwq_pwq *pwq;

	refwq_port_set_current(r);
	refwq_port_lock(&refwq.mayday_lock);
	for (;;) {
		if (list_empty(&wq->maydays)) {
			if (wq->rescuer_stop)
				break;
			refwq_port_cond_wait(&r->wake, &refwq.mayday_lock);
			continue;
		}
		pwq = list_first_entry(&wq->maydays, struct refwq_pwq,
				       mayday_node);
		list_del_init(&pwq->mayday_node);
		pwq->on_mayday = false;
		refwq_port_unlock(&refwq.mayday_lock);
		rescue_pwq(r, pwq);
		refwq_port_lock(&refwq.mayday_lock);
	}
	refwq_port_unlock(&refwq.mayday_lock);
}

/* ---- the manager: worker creation, reaping, watchdog, hog detection ---- */

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t worker_cpu_since_mark(struct refwq_worker *w, uint64_t now)
{
	uint64_t mark = READ_ONCE(w->cpu_mark_ns), cpu;

	if (!REFWQ_STATS || refwq.cfg.no_cpu_time)
		return now_after(now, w->current_start_ns) - w->current_start_ns;
	cpu = refwq_port_thread_cpu_ns(&w->thread);
	if (mark == CPU_MARK_NONE) {
		/* An item not measured by its worker: mark it now. */
		WRITE_ONCE(w->cpu_mark_ns, cpu);
		return 0;
	}
	return cpu > mark ? cpu - mark : 0;
}

/* Flag items that hog a concurrency-managed pool.  Return: still waiting. */
static bool check_hogs(struct refwq_pool *pool, uint64_t now)
{
	uint64_t thresh = refwq.cfg.cpu_intensive_thresh_us * NSEC_PER_USEC;
	struct refwq_worker *w;
	bool flagged = false;

	if (!pool->cm || list_empty(&pool->worklist) || !pool->nr_running)
		return false;
	list_for_each_entry (w, &pool->busy, busy_node) {
		if (!w->counted || !w->thread_ok ||
		    worker_cpu_since_mark(w, now) < thresh)
			continue;
		w->hog = true;
		worker_recount(w);
		pool->cpu_intensive++;
		flagged = true;
	}
	if (flagged)
		kick_pool(pool);
	return !list_empty(&pool->worklist) && pool->nr_running;
}

static bool check_stall(struct refwq_pool *pool, uint64_t now,
			struct refwq_stall_info *info)
{
	uint64_t thresh = refwq.cfg.watchdog_thresh_ms * NSEC_PER_MSEC;

	if (list_empty(&pool->worklist) || pool->stalled ||
	    now < pool->watchdog_ts || now - pool->watchdog_ts < thresh)
		return false;
	pool->stalled = true;
	pool->stalls++;
	info->pool_id = pool->id;
	info->cpu = pool->cpu;
	info->stalled_ns = now - pool->watchdog_ts;
	return true;
}

/* Pick the longest-idle worker beyond IDLE_KEEP idle for too long. */
static struct refwq_worker *idle_to_reap(struct refwq_pool *pool, uint64_t now)
{
	uint64_t timeout = refwq.cfg.idle_timeout_ms * NSEC_PER_MSEC;
	struct refwq_worker *w;

	if (pool->nr_idle <= IDLE_KEEP)
		return NULL;
	w = list_entry(pool->idle_list.prev, struct refwq_worker, idle_node);
	if (!w->thread_ok || now - w->last_active_ns < timeout)
		return NULL;
	worker_leave_idle(w);
	w->die = true;
	refwq_port_cond_signal(&w->wake);
	return w;
}

static uint64_t manage_pool(struct refwq_pool *pool, uint64_t now, bool *fast)
{
	uint64_t next = ~0ull;
	struct refwq_stall_info info;
	struct refwq_worker *reap;
	bool stalled;
	int ret;

	refwq_port_lock(&pool->lock);
	if (pool->create_pending && now >= pool->create_after_ns) {
		refwq_port_unlock(&pool->lock);
		ret = create_worker(pool);
		refwq_port_lock(&pool->lock);
		if (ret) {
			pool->create_failed++;
			pool->create_after_ns = now + CREATE_COOLDOWN_NS;
			send_mayday(pool);
		} else {
			pool->create_pending = false;
			pool->create_after_ns = 0;
			kick_pool(pool);
		}
	}
	if (pool->create_pending)
		next = pool->create_after_ns;
	if (check_hogs(pool, now))
		*fast = true;
	stalled = check_stall(pool, now, &info);
	reap = idle_to_reap(pool, now);
	refwq_port_unlock(&pool->lock);
	if (stalled) {
		count_report();
		refwq_port_log(
			REFWQ_LOG_WARN,
			"pool %d (cpu %d) stalled: no progress for %llu ms\n",
			info.pool_id, info.cpu,
			(unsigned long long)(info.stalled_ns / NSEC_PER_MSEC));
		if (refwq.cfg.stall_fn)
			refwq.cfg.stall_fn(&info);
	}
	if (reap)
		reap_worker(reap);
	return next;
}

static void manager_thread(void *unused)
{
	uint64_t now, next, period;
	bool fast;
	int i;

	(void)unused;
	period = refwq.cfg.watchdog_thresh_ms * NSEC_PER_MSEC / 4;
	if (period < WATCHDOG_MIN_PERIOD_NS)
		period = WATCHDOG_MIN_PERIOD_NS;
	refwq_port_lock(&refwq.mgr_lock);
	while (!refwq.mgr_stop) {
		refwq.mgr_kick = false;
		refwq.mgr_busy = true;
		refwq_port_unlock(&refwq.mgr_lock);

		fast = false;
		now = refwq_port_now_ns();
		next = now + period;
		for (i = 0; i < refwq.nr_pools; i++)
			next = min_u64(next,
				       manage_pool(refwq.pools[i], now, &fast));
		if (fast)
			next = min_u64(next,
				       now + refwq.cfg.cpu_intensive_thresh_us *
						       NSEC_PER_USEC / 2);

		refwq_port_lock(&refwq.mgr_lock);
		refwq.mgr_busy = false;
		/* While fast, congestion needs no kick to be watched; a kick
		 * during the pass means another pass anyway. */
		if (!refwq.mgr_kick)
			WRITE_ONCE(refwq.mgr_fast, fast);
		refwq_port_cond_broadcast(&refwq.mgr_idle_cond);
		if (refwq.mgr_kick || refwq.mgr_stop)
			continue;
		refwq_port_cond_wait_until(&refwq.mgr_cond, &refwq.mgr_lock,
					   next);
	}
	refwq_port_unlock(&refwq.mgr_lock);
}

/**
 * refwq_debug_fail_worker_create() - make worker creation fail, or not
 * @fail: true to simulate a system that cannot create threads
 *
 * Context: tests.
 */
void refwq_debug_fail_worker_create(bool fail)
{
	WRITE_ONCE(refwq.fail_create, fail);
	if (!fail)
		mgr_kick(false);
}

/**
 * refwq_debug_settle() - wait until the manager owes no pool a worker
 *
 * Context: tests; not while worker creation is made to fail.
 */
void refwq_debug_settle(void)
{
	bool pending;
	int i;

	for (;;) {
		pending = false;
		for (i = 0; i < refwq.nr_pools; i++) {
			struct refwq_pool *pool = refwq.pools[i];

			refwq_port_lock(&pool->lock);
			pending |= pool->create_pending;
			refwq_port_unlock(&pool->lock);
		}
		refwq_port_lock(&refwq.mgr_lock);
		pending |= refwq.mgr_busy || refwq.mgr_kick;
		if (pending && !refwq.mgr_stop)
			refwq_port_cond_wait_until(
				&refwq.mgr_idle_cond, &refwq.mgr_lock,
				refwq_port_now_ns() + NSEC_PER_MSEC);
		refwq_port_unlock(&refwq.mgr_lock);
		if (!pending || READ_ONCE(refwq.fail_create))
			return;
	}
}

/* ---- workqueues ---- */

static void copy_name(char *dst, const char *src)
{
	size_t i;

	for (i = 0; i < REFWQ_NAME_LEN - 1 && src && src[i]; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

static struct refwq_pwq *alloc_pwq(struct refwq_wq *wq, struct refwq_pool *pool)
{
	struct refwq_pwq *pwq = refwq_port_zalloc(sizeof(*pwq), PWQ_ALIGN);

	if (!pwq)
		return NULL;
	if (WARN_ON_ONCE((uintptr_t)pwq & WORK_FLAG_MASK)) {
		refwq_port_free(pwq);
		return NULL;
	}
	pwq->pool = pool;
	pwq->wq = wq;
	pwq->flush_color = -1;
	pwq->max_active = wq->max_active;
	list_init(&pwq->inactive);
	list_init(&pwq->mayday_node);
	refwq_port_lock(&pool->lock);
	list_add_tail(&pwq->pool_node, &pool->pwqs);
	refwq_port_unlock(&pool->lock);
	list_add_tail(&pwq->wq_node, &wq->pwqs);
	return pwq;
}

static void free_pwqs(struct refwq_wq *wq)
{
	struct refwq_pwq *pwq, *n;

	list_for_each_entry_safe (pwq, n, &wq->pwqs, wq_node) {
		refwq_port_lock(&pwq->pool->lock);
		WARN_ON_ONCE(pwq->nr_in_flight[0] || pwq->nr_in_flight[1]);
		list_del_init(&pwq->pool_node);
		refwq_port_unlock(&pwq->pool->lock);
		list_del_init(&pwq->wq_node);
		refwq_port_free(pwq);
	}
	refwq_port_free(wq->cpu_pwqs);
	wq->cpu_pwqs = NULL;
	wq->unbound_pwq = NULL;
}

static struct refwq_pool *cpu_pool(int cpu, bool highpri)
{
	return refwq.pools[cpu * 2 + (highpri ? 1 : 0)];
}

static struct refwq_pool *unbound_pool(bool highpri)
{
	return refwq.pools[refwq.nr_cpus * 2 + (highpri ? 1 : 0)];
}

static int start_rescuer(struct refwq_wq *wq)
{
	struct refwq_worker *r = refwq_port_zalloc(sizeof(*r), 64);
	char name[16];
	int ret;

	if (!r)
		return -REFWQ_ENOMEM;
	list_init(&r->node);
	list_init(&r->idle_node);
	list_init(&r->busy_node);
	list_init(&r->scheduled);
	refwq_port_cond_init(&r->wake);
	r->rescue_wq = wq;
	r->thread_ok = true;
	fmt_name(name, sizeof(name), "rwq/r:%s", wq->name);
	wq->rescuer = r;
	ret = refwq_port_thread_create(&r->thread, rescuer_thread, r, name);
	if (ret) {
		wq->rescuer = NULL;
		refwq_port_cond_destroy(&r->wake);
		refwq_port_free(r);
	}
	return ret;
}

static void stop_rescuer(struct refwq_wq *wq)
{
	struct refwq_worker *r = wq->rescuer;
	struct refwq_pwq *pwq, *n;

	if (!r)
		return;
	refwq_port_lock(&refwq.mayday_lock);
	wq->rescuer_stop = true;
	refwq_port_cond_signal(&r->wake);
	refwq_port_unlock(&refwq.mayday_lock);
	refwq_port_thread_join(&r->thread);
	refwq_port_lock(&refwq.mayday_lock);
	list_for_each_entry_safe (pwq, n, &wq->maydays, mayday_node) {
		list_del_init(&pwq->mayday_node);
		pwq->on_mayday = false;
	}
	wq->rescuer = NULL;
	refwq_port_unlock(&refwq.mayday_lock);
	refwq_port_cond_destroy(&r->wake);
	refwq_port_free(r);
}

static int clamp_max_active(int max_active, const char *name)
{
	if (!max_active)
		return REFWQ_DFL_ACTIVE;
	if (max_active < 1 || max_active > REFWQ_MAX_ACTIVE) {
		count_report();
		refwq_port_log(REFWQ_LOG_WARN,
			       "max_active %d for %s out of range, clamped\n",
			       max_active, name);
		return max_active < 1 ? 1 : REFWQ_MAX_ACTIVE;
	}
	return max_active;
}

/**
 * refwq_alloc_workqueue() - create a workqueue
 * @name: its name (cut to REFWQ_NAME_LEN - 1 characters)
 * @flags: REFWQ_* flags; REFWQ_ORDERED makes it unbound with max_active 1
 * @max_active: items of it that may run at once per pool; 0: the default
 *
 * Return: the workqueue, or NULL (out of memory, refwq not initialised).
 * Context: may sleep; not from a work item of the same instance's exit.
 */
struct refwq_wq *refwq_alloc_workqueue(const char *name, unsigned int flags,
				       int max_active)
{
	bool highpri = flags & REFWQ_HIGHPRI;
	struct refwq_wq *wq;
	int cpu;

	if (WARN_ON_ONCE(!READ_ONCE(refwq.up)))
		return NULL;
	flags &= ~(__WQ_DRAINING | __WQ_DESTROYING | __WQ_DESTROYED);
	if (flags & REFWQ_ORDERED) {
		flags |= REFWQ_UNBOUND;
		max_active = 1;
	}
	wq = refwq_port_zalloc(sizeof(*wq), 64);
	if (!wq)
		return NULL;
	copy_name(wq->name, name);
	wq->flags = flags;
	wq->max_active = clamp_max_active(max_active, wq->name);
	refwq_port_lock_init(&wq->mutex);
	list_init(&wq->pwqs);
	list_init(&wq->maydays);
	list_init(&wq->node);
	if (flags & REFWQ_UNBOUND) {
		wq->unbound_pwq = alloc_pwq(wq, unbound_pool(highpri));
		if (!wq->unbound_pwq)
			goto err_free_pwqs;
	} else {
		wq->cpu_pwqs = refwq_port_zalloc(
			sizeof(*wq->cpu_pwqs) * (size_t)refwq.nr_cpus, 0);
		if (!wq->cpu_pwqs)
			goto err_free_pwqs;
		for (cpu = 0; cpu < refwq.nr_cpus; cpu++) {
			wq->cpu_pwqs[cpu] =
				alloc_pwq(wq, cpu_pool(cpu, highpri));
			if (!wq->cpu_pwqs[cpu])
				goto err_free_pwqs;
		}
	}
	if ((flags & REFWQ_MEM_RECLAIM) && start_rescuer(wq))
		goto err_free_pwqs;
	refwq_port_lock(&refwq.wq_mutex);
	list_add_tail(&wq->node, &refwq.wqs);
	refwq_port_unlock(&refwq.wq_mutex);
	return wq;

err_free_pwqs:
	free_pwqs(wq);
	refwq_port_lock_destroy(&wq->mutex);
	refwq_port_free(wq);
	return NULL;
}

static bool wq_listed(struct refwq_list *head, struct refwq_wq *wq)
{
	struct refwq_wq *pos;

	list_for_each_entry (pos, head, node)
		if (pos == wq)
			return true;
	return false;
}

/**
 * refwq_destroy_workqueue() - drain and free a workqueue
 * @wq: the workqueue
 *
 * Pending items run first; afterwards queueing on @wq is refused (while its
 * memory is still kept in the graveyard of recently destroyed queues), and
 * a second destroy is reported and ignored.  Delayed items still armed on
 * @wq are the caller's to cancel before.
 * Context: may sleep; not from a work item of @wq.
 */
void refwq_destroy_workqueue(struct refwq_wq *wq)
{
	struct refwq_wq *old;
	bool live;

	if (WARN_ON_ONCE(!wq))
		return;
	refwq_port_lock(&refwq.wq_mutex);
	live = wq_listed(&refwq.wqs, wq) &&
	       !(READ_ONCE(wq->flags) & __WQ_DESTROYING);
	if (live)
		__atomic_fetch_or(&wq->flags, __WQ_DESTROYING,
				  __ATOMIC_RELAXED);
	refwq_port_unlock(&refwq.wq_mutex);
	if (!live) {
		count_report();
		refwq_port_log(
			REFWQ_LOG_WARN,
			"destroy_workqueue() of a workqueue %s: ignored\n",
			wq_listed(&refwq.graveyard, wq)
				? "already destroyed"
				: "being destroyed or unknown");
		return;
	}
	if (refwq_drain_workqueue(wq))
		return;
	__atomic_fetch_or(&wq->flags, __WQ_DESTROYED, __ATOMIC_RELEASE);
	stop_rescuer(wq);
	free_pwqs(wq);

	refwq_port_lock(&refwq.wq_mutex);
	list_del_init(&wq->node);
	list_add_tail(&wq->node, &refwq.graveyard);
	old = NULL;
	if (++refwq.nr_graveyard > GRAVEYARD_MAX) {
		old = list_first_entry(&refwq.graveyard, struct refwq_wq, node);
		list_del_init(&old->node);
		refwq.nr_graveyard--;
	}
	refwq_port_unlock(&refwq.wq_mutex);
	if (old) {
		refwq_port_lock_destroy(&old->mutex);
		refwq_port_free(old);
	}
}

/**
 * refwq_set_max_active() - change how many items of @wq may run per pool
 * @wq: the workqueue; not an ordered one
 * @max_active: 1..REFWQ_MAX_ACTIVE
 *
 * Return: 0, or -EINVAL for an ordered workqueue (reported).
 * Context: may sleep.
 */
int refwq_set_max_active(struct refwq_wq *wq, int max_active)
{
	struct refwq_pwq *pwq;

	if (WARN_ON_ONCE(!wq) ||
	    WARN_ON_ONCE(READ_ONCE(wq->flags) & REFWQ_ORDERED))
		return -REFWQ_EINVAL;
	max_active = clamp_max_active(max_active, wq->name);
	lock_sleepable(&wq->mutex);
	wq->max_active = max_active;
	list_for_each_entry (pwq, &wq->pwqs, wq_node) {
		refwq_port_lock(&pwq->pool->lock);
		pwq->max_active = max_active;
		pwq_activate_inactive(pwq, 0);
		refwq_port_unlock(&pwq->pool->lock);
	}
	refwq_port_unlock(&wq->mutex);
	return 0;
}

/**
 * refwq_workqueue_congested() - are items of @wq waiting for max_active?
 * @cpu: virtual CPU (REFWQ_CPU_ANY: current); ignored for unbound queues
 * @wq: the workqueue
 *
 * Return: true exactly when @wq has inactive items on that pool.
 * Context: any thread.
 */
bool refwq_workqueue_congested(int cpu, struct refwq_wq *wq)
{
	struct refwq_pwq *pwq;
	bool ret;

	if (WARN_ON_ONCE(!wq) || READ_ONCE(wq->flags) & __WQ_DESTROYED)
		return false;
	pwq = select_pwq(wq, cpu);
	refwq_port_lock(&pwq->pool->lock);
	ret = !list_empty(&pwq->inactive);
	refwq_port_unlock(&pwq->pool->lock);
	return ret;
}

const char *refwq_workqueue_name(const struct refwq_wq *wq)
{
	return wq->name;
}

/* ---- library lifetime ---- */

static struct refwq_pool *alloc_pool(int id, int cpu, bool highpri)
{
	struct refwq_pool *pool = refwq_port_zalloc(sizeof(*pool), 64);

	if (!pool)
		return NULL;
	refwq_port_lock_init(&pool->lock);
	refwq_port_cond_init(&pool->done_cond);
	pool->id = id;
	pool->cpu = cpu;
	pool->nice = highpri ? -20 : 0;
	pool->flags = (cpu < 0 ? REFWQ_POOL_UNBOUND : 0) |
		      (highpri ? REFWQ_POOL_HIGHPRI : 0);
	pool->cm = cpu >= 0;
	list_init(&pool->worklist);
	list_init(&pool->pwqs);
	list_init(&pool->workers);
	list_init(&pool->idle_list);
	list_init(&pool->busy);
	pool->watchdog_ts = refwq_port_now_ns();
	return pool;
}

static void free_pool(struct refwq_pool *pool)
{
	struct refwq_worker *w;

	refwq_port_lock(&pool->lock);
	list_for_each_entry (w, &pool->workers, node) {
		w->die = true;
		refwq_port_cond_signal(&w->wake);
	}
	while (!list_empty(&pool->workers)) {
		w = list_first_entry(&pool->workers, struct refwq_worker, node);
		refwq_port_unlock(&pool->lock);
		reap_worker(w);
		refwq_port_lock(&pool->lock);
	}
	refwq_port_unlock(&pool->lock);
	refwq_port_cond_destroy(&pool->done_cond);
	refwq_port_lock_destroy(&pool->lock);
	refwq_port_free(pool);
}

static void config_defaults(const struct refwq_config *cfg)
{
	struct refwq_config *c = &refwq.cfg;

	if (cfg)
		*c = *cfg;
	else
		*c = (struct refwq_config){0};
	if (!c->max_workers)
		c->max_workers = 256;
	if (!c->watchdog_thresh_ms)
		c->watchdog_thresh_ms = 10000;
	if (!c->cpu_intensive_thresh_us)
		c->cpu_intensive_thresh_us = 10000;
	if (!c->idle_timeout_ms)
		c->idle_timeout_ms = 5000;
	if (c->hp_nthreads <= 0)
		c->hp_nthreads = 1;
	if (c->lp_nthreads <= 0)
		c->lp_nthreads = 1;
	if (!c->hp_priority)
		c->hp_priority = 224;
	if (!c->lp_priority)
		c->lp_priority = 100;
	copy_name(refwq.name, c->name ? c->name : "default");
	c->name = refwq.name;
	refwq.nr_cpus = c->nr_cpus > 0 ? c->nr_cpus : refwq_port_nr_cpus();
	if (refwq.nr_cpus > 64)
		refwq.nr_cpus = 64;
}

static void free_pools(void)
{
	int i;

	for (i = 0; i < refwq.nr_pools; i++)
		if (refwq.pools[i])
			free_pool(refwq.pools[i]);
	refwq_port_free(refwq.pools);
	refwq.pools = NULL;
	refwq.nr_pools = 0;
}

static int create_system_wqs(void)
{
	struct {
		struct refwq_wq **wq;
		const char *name;
		unsigned int flags;
		int max_active;
	} sys[] = {
		{&refwq_system_wq, "events", 0, 0},
		{&refwq_system_highpri_wq, "events_highpri", REFWQ_HIGHPRI, 0},
		{&refwq_system_long_wq, "events_long", 0, 0},
		{&refwq_system_unbound_wq, "events_unbound", REFWQ_UNBOUND,
		 REFWQ_MAX_ACTIVE},
		{&refwq_hpwork_wq, "hpwork", REFWQ_UNBOUND | REFWQ_HIGHPRI,
		 refwq.cfg.hp_nthreads},
		{&refwq_lpwork_wq, "lpwork", REFWQ_UNBOUND,
		 refwq.cfg.lp_nthreads},
	};
	size_t i;

	for (i = 0; i < sizeof(sys) / sizeof(sys[0]); i++) {
		*sys[i].wq = refwq_alloc_workqueue(sys[i].name, sys[i].flags,
						   sys[i].max_active);
		if (!*sys[i].wq)
			return -REFWQ_ENOMEM;
	}
	return 0;
}

/**
 * refwq_init() - start the library
 * @cfg: settings, or NULL for the defaults
 *
 * Creates the pools (two per virtual CPU, two unbound), the manager and
 * timer threads and the system workqueues.  Workers start on demand.
 * Return: 0, -EALREADY, or -errno.
 * Context: once, before any other call; not concurrently with refwq_exit().
 */
int refwq_init(const struct refwq_config *cfg)
{
	int i, ret;

	if (refwq.up)
		return -REFWQ_EALREADY;
	config_defaults(cfg);
	ret = refwq_port_init();
	if (ret)
		return ret;
	refwq_port_lock_init(&refwq.wq_mutex);
	refwq_port_lock_init(&refwq.mgr_lock);
	refwq_port_lock_init(&refwq.mayday_lock);
	refwq_port_cond_init(&refwq.mgr_cond);
	refwq_port_cond_init(&refwq.mgr_idle_cond);
	list_init(&refwq.wqs);
	list_init(&refwq.graveyard);
	refwq.nr_graveyard = 0;
	refwq.mgr_stop = false;
	refwq.mgr_kick = false;
	WRITE_ONCE(refwq.mgr_fast, false);
	refwq.mgr_busy = false;
	refwq.fail_create = false;
	ret = refwq_sync_init();
	if (ret)
		goto err_port;
	ret = refwq_timer_init();
	if (ret)
		goto err_sync;
	ret = -REFWQ_ENOMEM;
	refwq.nr_pools = refwq.nr_cpus * 2 + 2;
	refwq.pools = refwq_port_zalloc(
		sizeof(*refwq.pools) * (size_t)refwq.nr_pools, 0);
	if (!refwq.pools)
		goto err_timer;
	for (i = 0; i < refwq.nr_pools; i++) {
		int cpu = i < refwq.nr_cpus * 2 ? i / 2 : -1;

		refwq.pools[i] = alloc_pool(i, cpu, i & 1);
		if (!refwq.pools[i])
			goto err_pools;
	}
	ret = refwq_port_thread_create(&refwq.mgr_thread, manager_thread, NULL,
				       "rwq/manager");
	if (ret)
		goto err_pools;
	WRITE_ONCE(refwq.up, true);
	ret = create_system_wqs();
	if (ret) {
		refwq_exit();
		return ret;
	}
	return 0;

err_pools:
	free_pools();
err_timer:
	refwq_timer_exit();
err_sync:
	refwq_sync_exit();
err_port:
	refwq_port_exit();
	return ret;
}

/**
 * refwq_exit() - destroy every workqueue and stop the library
 *
 * Context: no work item may be running that never finishes; not from a
 * work item.
 */
void refwq_exit(void)
{
	struct refwq_wq *wq;

	if (!refwq.up)
		return;
	for (;;) {
		refwq_port_lock(&refwq.wq_mutex);
		wq = list_empty(&refwq.wqs) ? NULL
					    : list_entry(refwq.wqs.prev,
							 struct refwq_wq, node);
		refwq_port_unlock(&refwq.wq_mutex);
		if (!wq)
			break;
		refwq_destroy_workqueue(wq);
	}
	refwq_port_lock(&refwq.mgr_lock);
	refwq.mgr_stop = true;
	refwq_port_cond_broadcast(&refwq.mgr_cond);
	refwq_port_unlock(&refwq.mgr_lock);
	refwq_port_thread_join(&refwq.mgr_thread);
	free_pools();
	refwq_timer_exit();
	while (!list_empty(&refwq.graveyard)) {
		wq = list_first_entry(&refwq.graveyard, struct refwq_wq, node);
		list_del_init(&wq->node);
		refwq_port_lock_destroy(&wq->mutex);
		refwq_port_free(wq);
	}
	refwq.nr_graveyard = 0;
	refwq_system_wq = NULL;
	refwq_system_highpri_wq = NULL;
	refwq_system_long_wq = NULL;
	refwq_system_unbound_wq = NULL;
	refwq_hpwork_wq = NULL;
	refwq_lpwork_wq = NULL;
	refwq_sync_exit();
	refwq_port_cond_destroy(&refwq.mgr_idle_cond);
	refwq_port_cond_destroy(&refwq.mgr_cond);
	refwq_port_lock_destroy(&refwq.mayday_lock);
	refwq_port_lock_destroy(&refwq.mgr_lock);
	refwq_port_lock_destroy(&refwq.wq_mutex);
	refwq_port_exit();
	refwq.nr_cpus = 0;
	WRITE_ONCE(refwq.up, false);
}

/* Return: the number of virtual CPUs, 0 when refwq is not running. */
int refwq_nr_cpus(void)
{
	return refwq.nr_cpus;
}

const char *refwq_instance_name(void)
{
	return refwq.name;
}
