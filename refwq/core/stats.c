// SPDX-License-Identifier: GPL-2.0
/*
 * Read-out of the built-in instrumentation: pools, workqueues and series
 * (pool, workqueue, function).  Each row is copied under the lock that
 * protects it and handed to the caller's function without any lock held, so
 * a reader never stalls the pools for longer than one copy.
 */
#include "internal.h"

static uint64_t oldest_queued(struct refwq_pool *pool)
{
	uint64_t oldest = ~0ull;
	struct refwq_worker *w;
	struct refwq_work *work;
	struct refwq_pwq *pwq;

	wq_assert_held(&pool->lock);
	if (!list_empty(&pool->worklist)) {
		work = list_first_entry(&pool->worklist, struct refwq_work,
					entry);
		oldest = work->queued_ns;
	}
	list_for_each_entry (pwq, &pool->pwqs, pool_node) {
		if (list_empty(&pwq->inactive))
			continue;
		work = list_first_entry(&pwq->inactive, struct refwq_work,
					entry);
		if (work->queued_ns < oldest)
			oldest = work->queued_ns;
	}
	list_for_each_entry (w, &pool->busy, busy_node) {
		if (list_empty(&w->scheduled))
			continue;
		work = list_first_entry(&w->scheduled, struct refwq_work,
					entry);
		if (work->queued_ns < oldest)
			oldest = work->queued_ns;
	}
	return oldest;
}

static void pool_info(struct refwq_pool *pool, struct refwq_pool_info *pi)
{
	uint64_t now = refwq_port_now_ns(), oldest;
	struct refwq_worker *w;

	refwq_port_lock(&pool->lock);
	pi->id = pool->id;
	pi->cpu = pool->cpu;
	pi->nice = pool->nice;
	pi->flags = pool->flags;
	pi->workers = pool->nr_workers;
	pi->idle = pool->nr_idle;
	pi->running = pool->nr_busy;
	pi->nr_running = pool->nr_running;
	pi->pending = pool->nr_pending;
	oldest = oldest_queued(pool);
	pi->oldest_pending_ns = oldest <= now ? now - oldest : 0;
	pi->cpu_ns = pool->dead_cpu_ns;
	list_for_each_entry (w, &pool->workers, node)
		if (w->thread_ok && !w->dead)
			pi->cpu_ns += refwq_port_thread_cpu_ns(&w->thread);
	pi->cm_wakeups = pool->cm_wakeups;
	pi->cpu_intensive = pool->cpu_intensive;
	pi->workers_created = pool->workers_created;
	pi->create_failed = pool->create_failed;
	pi->maydays = pool->maydays;
	pi->rescued = pool->rescued;
	pi->stalls = pool->stalls;
	pi->stalled = pool->stalled;
	refwq_port_unlock(&pool->lock);
}

/**
 * refwq_for_each_pool() - report every pool
 * @fn: called once per pool with a copy of its state
 * @ctx: passed to @fn
 *
 * Return: 0, or the first non-zero value @fn returned.
 * Context: any thread but a work item's (it takes pool locks).
 */
int refwq_for_each_pool(int (*fn)(const struct refwq_pool_info *, void *),
			void *ctx)
{
	struct refwq_pool_info pi;
	int i, ret;

	for (i = 0; i < refwq.nr_pools; i++) {
		pool_info(refwq.pools[i], &pi);
		ret = fn(&pi, ctx);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * refwq_for_each_workqueue() - report every live workqueue
 * @fn: called once per workqueue
 * @ctx: passed to @fn
 *
 * Return: 0, or the first non-zero value @fn returned.
 * Context: not from @fn itself (G is held across the walk).
 */
int refwq_for_each_workqueue(int (*fn)(const struct refwq_wq_info *, void *),
			     void *ctx)
{
	struct refwq_wq_info wi;
	struct refwq_pwq *pwq;
	struct refwq_wq *wq;
	size_t i;
	int ret = 0;

	refwq_port_lock(&refwq.wq_mutex);
	list_for_each_entry (wq, &refwq.wqs, node) {
		for (i = 0; i < REFWQ_NAME_LEN; i++)
			wi.name[i] = wq->name[i];
		wi.flags = READ_ONCE(wq->flags) & 0xffffffu;
		wi.max_active = READ_ONCE(wq->max_active);
		wi.refused = READ_ONCE(wq->refused);
		wi.deadlocks = READ_ONCE(wq->deadlocks);
		wi.saturated = 0;
		list_for_each_entry (pwq, &wq->pwqs, wq_node) {
			refwq_port_lock(&pwq->pool->lock);
			wi.saturated += pwq->saturated;
			refwq_port_unlock(&pwq->pool->lock);
		}
		ret = fn(&wi, ctx);
		if (ret)
			break;
	}
	refwq_port_unlock(&refwq.wq_mutex);
	return ret;
}

static void series_copy(struct refwq_series_info *si, struct refwq_pwq *pwq,
			const struct wq_series *s)
{
	int k, i;

	si->pool_id = pwq->pool->id;
	for (i = 0; i < REFWQ_NAME_LEN; i++)
		si->wq_name[i] = pwq->wq->name[i];
	si->func = s->func;
	si->queued = s->queued;
	si->activated = s->activated;
	si->started = s->started;
	si->completed = s->completed;
	si->cancelled = s->cancelled;
	for (k = 0; k < REFWQ_H_NR; k++) {
		si->sum_ns[k] = s->sum_ns[k];
		si->max_ns[k] = s->max_ns[k];
		for (i = 0; i < REFWQ_HIST_SLOTS; i++)
			si->hist[k][i] = s->hist[k][i];
	}
}

/**
 * refwq_for_each_series() - report every (pool, workqueue, function) seen
 * @fn: called once per series; func is NULL for the overflow series that
 *	collects functions beyond the per-pwq table
 * @ctx: passed to @fn
 *
 * Return: 0, or the first non-zero value @fn returned.
 * Context: not from @fn itself (G is held across the walk).
 */
int refwq_for_each_series(int (*fn)(const struct refwq_series_info *, void *),
			  void *ctx)
{
	struct refwq_series_info si;
	struct refwq_pwq *pwq;
	struct refwq_wq *wq;
	int i, ret = 0;
	bool used;

	refwq_port_lock(&refwq.wq_mutex);
	list_for_each_entry (wq, &refwq.wqs, node) {
		list_for_each_entry (pwq, &wq->pwqs, wq_node) {
			for (i = 0; i < PWQ_NR_SERIES; i++) {
				refwq_port_lock(&pwq->pool->lock);
				used = pwq->series[i].func ||
				       pwq->series[i].queued;
				if (used)
					series_copy(&si, pwq, &pwq->series[i]);
				refwq_port_unlock(&pwq->pool->lock);
				if (!used)
					continue;
				ret = fn(&si, ctx);
				if (ret)
					goto out;
			}
		}
	}
out:
	refwq_port_unlock(&refwq.wq_mutex);
	return ret;
}
