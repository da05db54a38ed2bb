// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * wqmon kernel side: aggregates the workqueue tracepoints in the kernel.
 *
 * Per work item:  queue_work -> [activate_work] -> execute_start -> execute_end
 * Per kworker context switch: on-CPU time of the item it is running.
 *
 * Nothing is sent to user space per event.  User space reads the tables
 * (global arrays, memory-mapped through the skeleton) and the per-CPU stats
 * every interval, and runs the sweep program to expire stale entries.
 *
 * Every program exists twice: tp_btf (direct, BTF-typed loads: cheapest) and
 * raw_tp (the same logic with probe reads), chosen at run time by user space
 * with bpf_program__set_autoload(); the shared logic is in the __always_inline
 * helpers, which take plain values.
 */
#include "wqmon_core.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "wqmon.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by user space before load. */
const volatile bool track_queuers = false;
const volatile __u64 pending_max_age_ns = 3600ULL * 1000000000ULL;

struct wqmon_series_key series_keys[WQMON_MAX_SERIES];
struct wqmon_pending pending[WQMON_MAX_PENDING];
struct wqmon_worker workers[WQMON_MAX_WORKERS];
struct wqmon_pool pools[WQMON_MAX_POOLS];
struct wqmon_pool_pending pool_pending[WQMON_MAX_POOLS];

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, WQMON_MAX_SERIES);
	__type(key, __u32);
	__type(value, struct wqmon_series_stats);
} series_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, WQMON_C_NR);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct wqmon_queuer_key);
	__type(value, __u64);
} queuers SEC(".maps");

/*
 * The verifier forbids arithmetic on BTF-typed pointers, but hashing needs
 * the addresses of work items, functions and workqueues as numbers.  Storing
 * a pointer into map memory and loading it back yields a scalar (allowed with
 * CAP_PERFMON: we need it anyway).  A tracing program never nests with itself
 * on one CPU (the kernel skips and counts a recursive run), so one per-CPU
 * scratch row per program can't be clobbered between the store and the load.
 * Cheaper than a bpf_probe_read_kernel() call per value.
 */
enum launder_prog { L_QUEUE, L_ACTIVATE, L_START, L_END, L_NR };

struct launder_row {
	__u64 v[3];
	__u64 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct launder_row[L_NR]);
} scratch SEC(".maps");

static __always_inline struct launder_row *launder_row(enum launder_prog p)
{
	__u32 zero = 0;
	struct launder_row *rows = bpf_map_lookup_elem(&scratch, &zero);

	return rows ? &rows[p] : NULL;
}

static __always_inline __u64 launder(struct launder_row *r, int i,
				     const void *ptr)
{
	*(const void *volatile *)&r->v[i] = ptr;
	return *(volatile __u64 *)&r->v[i];
}

#define GOLDEN64 0x9E3779B97F4A7C15ULL

static __always_inline __u32 hash_slot(__u64 x, __u32 size)
{
	/* Fibonacci hashing: the high bits of the product are well mixed. */
	return (__u32)((x * GOLDEN64) >> 32) & (size - 1);
}

static __always_inline void count(enum wqmon_counter c)
{
	__u32 k = c;
	__u64 *v = bpf_map_lookup_elem(&counters, &k);

	if (v)
		*v += 1;
}

/* 64-bit throughout: with 32-bit ALU ops here, the 6.1 verifier loses the
 * bound of the slot (its 32-bit OR tracking) and rejects hist_add(). */
static __always_inline __u64 log2_slot(__u64 v)
{
	__u64 r = 0, s;

	/* Branch-light binary search; BPF has no count-leading-zeros. */
	s = (v > 0xFFFFFFFFULL) << 5; v >>= s; r |= s;
	s = (v > 0xFFFF) << 4; v >>= s; r |= s;
	s = (v > 0xFF) << 3; v >>= s; r |= s;
	s = (v > 0xF) << 2; v >>= s; r |= s;
	s = (v > 0x3) << 1; v >>= s; r |= s;
	r |= (v >> 1);
	return r < WQMON_HIST_SLOTS ? r : WQMON_HIST_SLOTS - 1;
}

static __always_inline void hist_add(struct wqmon_series_stats *st,
				     enum wqmon_hist_kind k, __u64 ns)
{
	__u64 s = log2_slot(ns);

	if (s >= WQMON_HIST_SLOTS)	/* for the verifier */
		return;
	st->hist[k][s]++;
	st->sum_ns[k] += ns;
	if (ns > st->max_ns[k])
		st->max_ns[k] = ns;
}

static __always_inline struct wqmon_series_stats *stats_of(__u32 slot)
{
	return bpf_map_lookup_elem(&series_stats, &slot);
}

/* Slow path, once per new (pool, workqueue, function): remember the pool's
 * attributes and the workqueue's name.  Probe reads are fine here. */
static __noinline void note_new_series(__u32 slot, struct worker_pool *pool,
				       struct workqueue_struct *wq)
{
	struct wqmon_series_key *k;
	struct wqmon_pool *p;
	int id;

	if (slot >= WQMON_MAX_SERIES)
		return;
	k = &series_keys[slot];
	if (wq)
		bpf_probe_read_kernel_str(k->wq_name, sizeof(k->wq_name),
					  &wq->name);
	if (!pool)
		return;
	id = BPF_CORE_READ(pool, id);
	p = &pools[(__u32)id & (WQMON_MAX_POOLS - 1)];
	p->id = id;
	p->cpu = BPF_CORE_READ(pool, cpu);
	p->node = BPF_CORE_READ(pool, node);
	p->nice = BPF_CORE_READ(pool, attrs, nice);
	p->flags = (p->cpu < 0 ? WQMON_POOL_UNBOUND : 0) |
		   (BPF_CORE_READ(pool, flags) & 1 ? WQMON_POOL_BH : 0);
	p->nr_workers = BPF_CORE_READ(pool, nr_workers);
	p->nr_idle = BPF_CORE_READ(pool, nr_idle);
	p->seen = 1;
}

/* Find or claim the series slot of (pool id, wq, func). */
static __always_inline __u32 series_slot(__s32 pool_id, __u64 wq, __u64 func,
					 struct worker_pool *pool,
					 struct workqueue_struct *wqp)
{
	__u64 h = func ^ (wq * 31) ^ ((__u64)(__u32)pool_id << 48);
	__u32 base = hash_slot(h, WQMON_MAX_SERIES);

#pragma unroll
	for (int i = 0; i < WQMON_PROBES; i++) {
		__u32 s = (base + i) & (WQMON_MAX_SERIES - 1);
		struct wqmon_series_key *k = &series_keys[s];

		if (s == WQMON_SERIES_OVERFLOW)
			continue;
		if (k->state == 2) {
			if (k->func == func && k->wq == wq &&
			    k->pool_id == pool_id)
				return s;
			continue;
		}
		if (k->state == 0 &&
		    __sync_val_compare_and_swap(&k->state, 0, 1) == 0) {
			k->func = func;
			k->wq = wq;
			k->pool_id = pool_id;
			note_new_series(s, pool, wqp);
			__sync_lock_test_and_set(&k->state, 2);
			return s;
		}
	}
	count(WQMON_C_SERIES_DROPPED);
	return WQMON_SERIES_OVERFLOW;
}

static __always_inline struct wqmon_pending *pending_find(__u64 work)
{
	__u32 base = hash_slot(work, WQMON_MAX_PENDING);

#pragma unroll
	for (int i = 0; i < WQMON_PROBES; i++) {
		struct wqmon_pending *p =
			&pending[(base + i) & (WQMON_MAX_PENDING - 1)];

		if (p->work == work)
			return p;
	}
	return NULL;
}

/* The entry for @work: its own (a stale one from a cancelled earlier
 * queueing is simply reused), else a free slot claimed with CAS. */
static __always_inline struct wqmon_pending *pending_claim(__u64 work)
{
	__u32 base = hash_slot(work, WQMON_MAX_PENDING);

#pragma unroll
	for (int i = 0; i < WQMON_PROBES; i++) {
		struct wqmon_pending *p =
			&pending[(base + i) & (WQMON_MAX_PENDING - 1)];

		if (p->work == work)
			return p;
		if (p->work == 0 &&
		    __sync_val_compare_and_swap(&p->work, 0, work) == 0)
			return p;
	}
	return NULL;
}

static __always_inline struct wqmon_worker *worker_find(__u32 tid)
{
	__u32 base = hash_slot(tid, WQMON_MAX_WORKERS);

#pragma unroll
	for (int i = 0; i < WQMON_PROBES; i++) {
		struct wqmon_worker *w =
			&workers[(base + i) & (WQMON_MAX_WORKERS - 1)];

		if (w->tid == tid)
			return w;
	}
	return NULL;
}

static __always_inline struct wqmon_worker *worker_claim(__u32 tid)
{
	__u32 base = hash_slot(tid, WQMON_MAX_WORKERS);

#pragma unroll
	for (int i = 0; i < WQMON_PROBES; i++) {
		struct wqmon_worker *w =
			&workers[(base + i) & (WQMON_MAX_WORKERS - 1)];

		if (w->tid == tid)
			return w;
		if (w->tid == 0 &&
		    __sync_val_compare_and_swap(&w->tid, 0, tid) == 0)
			return w;
	}
	return NULL;
}

static __always_inline void note_queuer(__u32 series)
{
	struct wqmon_queuer_key k = { .series = series };
	__u64 one = 1, *v;

	bpf_get_current_comm(k.comm, sizeof(k.comm));
	v = bpf_map_lookup_elem(&queuers, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&queuers, &k, &one, BPF_NOEXIST);
}

/* ---- the four workqueue events, as plain-value handlers ---- */

static __always_inline void on_queue(__u64 work, __u64 func, __s32 pool_id,
				     __u64 wq, struct worker_pool *pool,
				     struct workqueue_struct *wqp)
{
	__u32 s = series_slot(pool_id, wq, func, pool, wqp);
	struct wqmon_series_stats *st = stats_of(s);
	struct wqmon_pending *p;

	if (!st)
		return;
	st->queued++;
	if (track_queuers)
		note_queuer(s);

	p = pending_claim(work);
	if (!p) {
		count(WQMON_C_PENDING_DROPPED);
		return;
	}
	p->t_queue = bpf_ktime_get_ns();
	p->t_activate = 0;
	p->pool_id = pool_id;
	p->series = s;
	p->flags = 0;
}

static __always_inline void on_activate(__u64 work)
{
	struct wqmon_pending *p = pending_find(work);
	struct wqmon_series_stats *st;
	__u64 now;

	if (!p) {
		st = stats_of(WQMON_SERIES_OVERFLOW);
		if (st)
			st->activated++;
		return;
	}
	st = stats_of(p->series);
	if (!st)
		return;
	now = bpf_ktime_get_ns();
	p->t_activate = now;
	st->activated++;
	hist_add(st, WQMON_H_Q2A, now - p->t_queue);
}

static __always_inline void worker_begin(__u32 tid, __s32 pool_id,
					 __u64 work, __u32 series, __u64 now)
{
	struct wqmon_worker *w = worker_claim(tid);

	if (!w) {
		count(WQMON_C_WORKER_DROPPED);
		return;
	}
	w->pool_id = pool_id;
	w->work = work;
	w->series = series;
	w->t_start = now;
	w->t_in = now;
	w->cpu_acc = 0;
	w->t_last = now;
}

/* The common case: the item was queued while we watched.  Its pending
 * entry names the series and pool; the worker need not be read. */
static __always_inline bool on_start_known(__u64 work, __u32 tid)
{
	struct wqmon_pending *p = pending_find(work);
	struct wqmon_series_stats *st;
	__u64 now;
	__u32 s;

	if (!p)
		return false;
	now = bpf_ktime_get_ns();
	s = p->series;
	st = stats_of(s);
	if (st) {
		if (p->t_activate)
			hist_add(st, WQMON_H_A2S, now - p->t_activate);
		hist_add(st, WQMON_H_Q2S, now - p->t_queue);
		st->started++;
	}
	worker_begin(tid, p->pool_id, work, s, now);
	p->work = 0;	/* free the slot last: its fields are ours till then */
	return true;
}

/* Queued before we attached (or the pending table was full): name the
 * series from the worker running it.  Rare, so probe reads are fine:
 * task->worker_private is a void * the verifier won't let us follow. */
static __noinline void on_start_unknown(__u64 work, __u64 func)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct workqueue_struct *wq = NULL;
	struct worker_pool *pool = NULL;
	struct wqmon_series_stats *st;
	struct worker *wk = NULL;
	struct kthread *kt;
	__s32 pool_id = -1;
	__u32 s;

	if (BPF_CORE_READ(t, flags) & PF_WQ_WORKER) {
		kt = BPF_CORE_READ(t, worker_private);
		if (kt)
			wk = BPF_CORE_READ(kt, data);
	}
	if (wk) {
		pool = BPF_CORE_READ(wk, pool);
		wq = BPF_CORE_READ(wk, current_pwq, wq);
		if (pool)
			pool_id = BPF_CORE_READ(pool, id);
	}
	s = series_slot(pool_id, (__u64)wq, func, pool, wq);
	st = stats_of(s);
	if (st) {
		st->started++;
		st->started_unseen++;
	}
	worker_begin((__u32)bpf_get_current_pid_tgid(), pool_id, work, s,
		     bpf_ktime_get_ns());
}

static __always_inline void on_end(__u64 work, __u32 tid)
{
	struct wqmon_worker *w = worker_find(tid);
	struct wqmon_series_stats *st;
	__u64 now;

	if (!w || w->work != work) {
		/* Started before we attached, or the worker table was full. */
		st = stats_of(WQMON_SERIES_OVERFLOW);
		if (st)
			st->completed++;
		return;
	}
	st = stats_of(w->series);
	w->work = 0;
	if (!st)
		return;
	now = bpf_ktime_get_ns();
	st->completed++;
	hist_add(st, WQMON_H_RUN, now - w->t_start);
	hist_add(st, WQMON_H_CPU, w->cpu_acc + (now - w->t_in));
	w->t_last = now;
}

/* Exact on-CPU accounting: charge the running item from switch-in to
 * switch-out.  Non-workers cost two flag tests. */
static __always_inline void on_switch(bool prev_is_worker, __u32 prev_tid,
				      bool next_is_worker, __u32 next_tid)
{
	struct wqmon_worker *w;
	__u64 now;

	if (!prev_is_worker && !next_is_worker)
		return;
	now = bpf_ktime_get_ns();
	if (prev_is_worker) {
		w = worker_find(prev_tid);
		if (w && w->work)
			w->cpu_acc += now - w->t_in;
	}
	if (next_is_worker) {
		w = worker_find(next_tid);
		if (w && w->work)
			w->t_in = now;
	}
}

/* ---- tp_btf programs: BTF-typed arguments, direct loads ---- */

SEC("tp_btf/workqueue_queue_work")
int BPF_PROG(queue_work_btf, int req_cpu, struct pool_workqueue *pwq,
	     struct work_struct *work)
{
	struct launder_row *r = launder_row(L_QUEUE);
	struct worker_pool *pool = pwq->pool;
	struct workqueue_struct *wq = pwq->wq;

	if (!r)
		return 0;
	on_queue(launder(r, 0, work), launder(r, 1, work->func), pool->id,
		 launder(r, 2, wq), pool, wq);
	return 0;
}

SEC("tp_btf/workqueue_activate_work")
int BPF_PROG(activate_work_btf, struct work_struct *work)
{
	struct launder_row *r = launder_row(L_ACTIVATE);

	if (r)
		on_activate(launder(r, 0, work));
	return 0;
}

SEC("tp_btf/workqueue_execute_start")
int BPF_PROG(execute_start_btf, struct work_struct *work)
{
	struct launder_row *r = launder_row(L_START);
	__u64 w;

	if (!r)
		return 0;
	w = launder(r, 0, work);
	if (!on_start_known(w, (__u32)bpf_get_current_pid_tgid()))
		on_start_unknown(w, launder(r, 1, work->func));
	return 0;
}

SEC("tp_btf/workqueue_execute_end")
int BPF_PROG(execute_end_btf, struct work_struct *work)
{
	struct launder_row *r = launder_row(L_END);

	/* Never dereference @work here: the item may have freed it. */
	if (r)
		on_end(launder(r, 0, work), (__u32)bpf_get_current_pid_tgid());
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch_btf, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	on_switch(prev->flags & PF_WQ_WORKER, prev->pid,
		  next->flags & PF_WQ_WORKER, next->pid);
	return 0;
}

/* ---- raw_tp fallback: same logic, arguments read with probe reads ---- */

SEC("raw_tp/workqueue_queue_work")
int BPF_PROG(queue_work_raw, int req_cpu, struct pool_workqueue *pwq,
	     struct work_struct *work)
{
	struct worker_pool *pool = BPF_CORE_READ(pwq, pool);
	struct workqueue_struct *wq = BPF_CORE_READ(pwq, wq);

	on_queue((__u64)work, (__u64)BPF_CORE_READ(work, func),
		 BPF_CORE_READ(pool, id), (__u64)wq, pool, wq);
	return 0;
}

SEC("raw_tp/workqueue_activate_work")
int BPF_PROG(activate_work_raw, struct work_struct *work)
{
	on_activate((__u64)work);
	return 0;
}

SEC("raw_tp/workqueue_execute_start")
int BPF_PROG(execute_start_raw, struct work_struct *work)
{
	if (!on_start_known((__u64)work, (__u32)bpf_get_current_pid_tgid()))
		on_start_unknown((__u64)work, (__u64)BPF_CORE_READ(work, func));
	return 0;
}

SEC("raw_tp/workqueue_execute_end")
int BPF_PROG(execute_end_raw, struct work_struct *work)
{
	on_end((__u64)work, (__u32)bpf_get_current_pid_tgid());
	return 0;
}

SEC("raw_tp/sched_switch")
int BPF_PROG(sched_switch_raw, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	on_switch(BPF_CORE_READ(prev, flags) & PF_WQ_WORKER,
		  BPF_CORE_READ(prev, pid),
		  BPF_CORE_READ(next, flags) & PF_WQ_WORKER,
		  BPF_CORE_READ(next, pid));
	return 0;
}

/* ---- sweep: run by user space every interval (BPF_PROG_TEST_RUN) ---- */

struct sweep_ctx {
	__u64 now;
};

static long sweep_pending_one(__u32 i, struct sweep_ctx *c)
{
	struct wqmon_pending *p = &pending[i & (WQMON_MAX_PENDING - 1)];
	struct wqmon_pool_pending *pp;
	struct work_struct *work;
	struct wqmon_series_stats *st;
	__u64 w = p->work, tq = p->t_queue;
	long data = 0;

	if (!w)
		return 0;
	/* No tracepoint fires when an item is cancelled; the kernel clears
	 * PENDING then.  Seen clear twice in a row (once could be the window
	 * between clear and execute_start) means it left without running. */
	work = (struct work_struct *)w;
	if (bpf_probe_read_kernel(&data, sizeof(data), &work->data.counter) == 0 &&
	    !(data & WORK_STRUCT_PENDING)) {
		if (!(p->flags & WQMON_PF_SUSPECT)) {
			p->flags |= WQMON_PF_SUSPECT;
			goto live;
		}
		st = stats_of(p->series);
		if (st)
			st->cancelled++;
		count(WQMON_C_PENDING_CANCELLED);
		__sync_val_compare_and_swap(&p->work, w, 0);
		return 0;
	}
	p->flags &= ~WQMON_PF_SUSPECT;
	if (tq && c->now > tq && c->now - tq > pending_max_age_ns) {
		count(WQMON_C_PENDING_EXPIRED);
		__sync_val_compare_and_swap(&p->work, w, 0);
		return 0;
	}
live:
	pp = &pool_pending[(__u32)p->pool_id & (WQMON_MAX_POOLS - 1)];
	pp->pending++;
	if (tq && (!pp->oldest_t_queue || tq < pp->oldest_t_queue))
		pp->oldest_t_queue = tq;
	return 0;
}

static long sweep_worker_one(__u32 i, struct sweep_ctx *c)
{
	struct wqmon_worker *w = &workers[i & (WQMON_MAX_WORKERS - 1)];
	__u32 tid = w->tid;

	if (tid && !w->work && c->now > w->t_last &&
	    c->now - w->t_last > WQMON_WORKER_REAP_NS) {
		if (__sync_val_compare_and_swap(&w->tid, tid, 0) == tid)
			count(WQMON_C_WORKER_REAPED);
	}
	return 0;
}

static long clear_pool_pending(__u32 i, void *unused)
{
	struct wqmon_pool_pending *pp =
		&pool_pending[i & (WQMON_MAX_POOLS - 1)];

	pp->pending = 0;
	pp->oldest_t_queue = 0;
	return 0;
}

SEC("syscall")
int sweep(void *ctx)
{
	struct sweep_ctx c = { .now = bpf_ktime_get_ns() };

	bpf_loop(WQMON_MAX_POOLS, clear_pool_pending, NULL, 0);
	bpf_loop(WQMON_MAX_PENDING, sweep_pending_one, &c, 0);
	bpf_loop(WQMON_MAX_WORKERS, sweep_worker_one, &c, 0);
	count(WQMON_C_SWEEPS);
	return 0;
}
