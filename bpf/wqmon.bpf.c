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
/* The kernel has BH workqueues (6.9+): user space reads it from BTF. */
const volatile bool have_bh = false;
/* Loaded sizes of the series and pool maps, minus one (powers of two). */
const volatile __u32 series_mask = 4095;
const volatile __u32 pool_mask = 1023;
/*
 * Sampled mode: an item's durations are measured when the hash of its work
 * pointer and queue time is below this (2^32 / N for 1 in N); 0 measures
 * every item.  Counts stay exact either way.  Unsampled items skip the
 * histograms, the on-CPU accounting and the clock: their queue and start
 * times, which only the ages of pending and running items (the stall
 * rules) need, come from jiffies (coarse_now()).
 */
const volatile __u32 sample_below = 0;
/*
 * The coarse clock: jiffies in CLOCK_MONOTONIC nanoseconds, within a tick
 * of bpf_ktime_get_ns() (4 ms at HZ=250).  The real clock is an indirect
 * call (retpolines: 40-50 ns here), jiffies one load.  coarse_base is
 * ktime minus jiffies * tick, set by every sweep, so that jiffies' epoch
 * and any drift never matter; one 64-bit word, so readers never see half
 * an update.  The tick is measured by the sweeps (calibrate_coarse()), not
 * read from the kernel's config, which not every system has.  0 until
 * then: the real clock.
 */
__u64 coarse_base;
__u64 coarse_tick_ns;
__u64 calib_t, calib_j;
/* Slow items (docs/SLOW.md): a sampled item whose latency or run time
 * reaches slow_min_ns is sent to user space (0: none is), at most
 * slow_per_sec records a second on each CPU. */
const volatile __u64 slow_min_ns = 0;
const volatile __u32 slow_per_sec = 1000;

struct wqmon_pending pending[WQMON_MAX_PENDING];
struct wqmon_worker workers[WQMON_MAX_WORKERS];

/* Sized at load time by user space, and memory-mapped by it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct wqmon_series_key);
} series_keys SEC(".maps");

/* Indexed by pool id (pool ids are small: idr-allocated, per-CPU pools
 * first): a pool id beyond the loaded size is not tracked, never folded
 * onto another pool. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct wqmon_pool);
} pools SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct wqmon_pool_pending);
} pool_pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4096);
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
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct wqmon_bh_running);
} bh_running SEC(".maps");

/* The interrupt contexts running on this CPU, as their tracepoints say.
 * Flags, not depths: neither nests with itself on a CPU, and an exit
 * always clears, so an entry whose exit we missed is forgotten at the
 * next exit instead of read as interrupt context for ever. */
struct irq_depth {
	__u32 soft;	/* softirq_entry .. softirq_exit */
	__u32 hard;	/* irq_handler_entry .. irq_handler_exit */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct irq_depth);
} irq_depth SEC(".maps");

/*
 * The queuer slot the last task-context queue_work on this CPU found, and
 * for whom: a task queueing a burst into one series (an aio submitter, a
 * driver's loop) skips reading its comm and cgroup and the table walk.
 * Good for the tick it was found in, so a task's new comm or cgroup is
 * seen within one tick.
 */
struct queuer_last {
	__u64 task;
	__u64 jiffies;
	__u32 series;
	__u32 slot;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct queuer_last);
} queuer_last SEC(".maps");

/* Who queued: keys shared, stats per CPU (one entry when not tracked). */
struct wqmon_queuer_key queuer_keys[WQMON_MAX_QUEUERS];

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, WQMON_MAX_QUEUERS);
	__type(key, __u32);
	__type(value, struct wqmon_queuer_stats);
} queuer_stats SEC(".maps");

/*
 * The verifier forbids arithmetic on BTF-typed pointers, but hashing needs
 * the addresses of work items, functions and workqueues as numbers.  Storing
 * a pointer into map memory and loading it back yields a scalar (allowed with
 * CAP_PERFMON: we need it anyway).  A tracing program never nests with itself
 * on one CPU (the kernel skips and counts a recursive run), so one per-CPU
 * scratch row per program can't be clobbered between the store and the load.
 * Cheaper than a bpf_probe_read_kernel() call per value.
 */
enum launder_prog {
	L_QUEUE, L_ACTIVATE, L_START, L_END, L_CTX, L_NR
};

struct launder_row {
	__u64 v[4];
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

/* Is the item queued at @t_queue one whose durations we measure?  A full
 * 64-bit mix (murmur3's finalizer), not Fibonacci hashing: work pointers
 * and queue times are both structured (slab strides, steady rates), and
 * the choice must not follow them. */
static __always_inline bool sampled_at(__u64 work, __u64 t_queue)
{
	__u64 x = work ^ t_queue;

	if (!sample_below)
		return true;
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return (__u32)x < sample_below;
}

/* Now, for an item whose durations are not measured: see coarse_base. */
static __always_inline __u64 coarse_now(void)
{
	__u64 base = coarse_base;

	if (!base)
		return bpf_ktime_get_ns();
	return base + bpf_jiffies64() * coarse_tick_ns;
}

/* The same choice for an item whose queueing we did not see. */
static __always_inline bool sampled_unseen(void)
{
	return !sample_below || bpf_get_prandom_u32() < sample_below;
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

/* A duration from @t0 to @t1, or false (counted) when the two ends do not
 * pair: an end before its start would wrap to ~2^64 ns. */
static __always_inline bool span(struct wqmon_series_stats *st, __u64 t0,
				 __u64 t1, __u64 *ns)
{
	if (t1 >= t0) {
		*ns = t1 - t0;
		return true;
	}
	st->unpaired++;
	count(WQMON_C_UNPAIRED);
	return false;
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

static __always_inline void hist_span(struct wqmon_series_stats *st,
				      enum wqmon_hist_kind k, __u64 t0, __u64 t1)
{
	__u64 ns;

	if (span(st, t0, t1, &ns))
		hist_add(st, k, ns);
}

static __always_inline struct wqmon_series_stats *stats_of(__u32 slot)
{
	return bpf_map_lookup_elem(&series_stats, &slot);
}

static __always_inline struct wqmon_bh_running *bh_slot(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&bh_running, &zero);
}

/* Does pool->flags say softirq (BH) pool?  POOL_BH's value through CO-RE:
 * on kernels without BH workqueues the enum is anonymous and bit 0 means
 * POOL_MANAGER_ACTIVE, so nothing is BH there. */
static __always_inline bool pool_flags_bh(unsigned int flags)
{
	if (!bpf_core_enum_value_exists(enum worker_pool_flags, POOL_BH))
		return false;
	return flags & bpf_core_enum_value(enum worker_pool_flags, POOL_BH);
}

/* Is the item whose work->data is @data, at execute_start, a BH item?
 * process_one_work() has set the off-queue pool id and WORK_OFFQ_BH (6.10+)
 * in data; if the item was queued again meanwhile, data points to the new
 * pwq, whose pool says it (rare: probe reads are fine). */
static __always_inline bool start_is_bh(__u64 data)
{
	struct pool_workqueue *pwq;
	unsigned int flags;

	if (!bpf_core_enum_value_exists(enum work_bits, WORK_OFFQ_BH_BIT))
		return false;
	if (!(data & (1ULL << bpf_core_enum_value(enum work_bits,
						   WORK_STRUCT_PWQ_BIT))))
		return data & (1ULL << bpf_core_enum_value(enum work_bits,
							    WORK_OFFQ_BH_BIT));
	pwq = (void *)(data & ~((1ULL << bpf_core_enum_value(
					 enum work_bits, WORK_STRUCT_PWQ_SHIFT)) -
				1));
	flags = BPF_CORE_READ(pwq, pool, flags);
	return pool_flags_bh(flags);
}

/* Slow path, once per new (pool, workqueue, function): remember the pool's
 * attributes and the workqueue's name.  Probe reads are fine here. */
static __noinline void note_new_series(struct wqmon_series_key *k,
				       struct worker_pool *pool,
				       struct workqueue_struct *wq)
{
	struct wqmon_pool *p;
	__u32 id;

	if (!k)
		return;
	if (wq)
		bpf_probe_read_kernel_str(k->wq_name, sizeof(k->wq_name),
					  &wq->name);
	if (!pool)
		return;
	id = BPF_CORE_READ(pool, id);
	if (id > pool_mask)
		return;	/* not tracked: user space shows the pool bare */
	p = bpf_map_lookup_elem(&pools, &id);
	if (!p)
		return;
	p->id = id;
	p->cpu = BPF_CORE_READ(pool, cpu);
	p->node = BPF_CORE_READ(pool, node);
	p->nice = BPF_CORE_READ(pool, attrs, nice);
	p->flags = (p->cpu < 0 ? WQMON_POOL_UNBOUND : 0) |
		   (pool_flags_bh(BPF_CORE_READ(pool, flags)) ? WQMON_POOL_BH :
								0);
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
	__u32 base = hash_slot(h, series_mask + 1);

#pragma unroll
	for (int i = 0; i < WQMON_PROBES; i++) {
		__u32 s = (base + i) & series_mask;
		struct wqmon_series_key *k;

		if (s == WQMON_SERIES_OVERFLOW)
			continue;
		k = bpf_map_lookup_elem(&series_keys, &s);
		if (!k)
			break;
		if (k->state == WQMON_SK_PUBLISHED) {
			if (k->func == func && k->wq == wq &&
			    k->pool_id == pool_id)
				return s;
			continue;
		}
		if (k->state == WQMON_SK_FREE &&
		    __sync_val_compare_and_swap(&k->state, WQMON_SK_FREE,
						WQMON_SK_CLAIMING) ==
			    WQMON_SK_FREE) {
			k->func = func;
			k->wq = wq;
			k->pool_id = pool_id;
			note_new_series(k, pool, wqp);
			__sync_lock_test_and_set(&k->state, WQMON_SK_PUBLISHED);
			return s;
		}
	}
	count(WQMON_C_SERIES_DROPPED);
	return WQMON_SERIES_OVERFLOW;
}

static __always_inline struct wqmon_pending *pending_at(__u32 base, int i)
{
	return &pending[(base + i) & (WQMON_MAX_PENDING - 1)];
}

/*
 * Release an entry whose t_queue we read as @tq.  t_queue is the token: the
 * one whose CAS zeroes it owns the release, then frees the slot.  A free
 * slot (work 0) thus always has t_queue 0, and a claimer's entry reads as
 * "not ready" (t_queue 0) until it is filled.  Return: false if another
 * path released it first.
 */
static __always_inline bool pending_release(struct wqmon_pending *p, __u64 tq)
{
	if (!tq || __sync_val_compare_and_swap(&p->t_queue, tq, 0) != tq)
		return false;
	p->work = 0;
	return true;
}

/*
 * Is @work running on @pool now?  The kernel's own test
 * (find_worker_executing_work()): the pool's busy_hash, keyed by the work
 * address, under pool->lock, which queue_work's tracepoint holds.  Only
 * asked when a second entry for @work shows up, so probe reads are fine.
 */
#define GOLDEN_RATIO_64 0x61C8864680B583EBULL	/* include/linux/hash.h */
#define BUSY_HASH_BITS 6	/* BUSY_WORKER_HASH_ORDER, since 3.8 */

static __noinline bool work_running(__u64 pool, __u64 work)
{
	__u64 idx = (work * GOLDEN_RATIO_64) >> (64 - BUSY_HASH_BITS);
	__u64 node = 0, cur = 0;

	if (!pool)
		return false;
	bpf_probe_read_kernel(&node, sizeof(node),
			      (void *)(pool + bpf_core_field_offset(
						      struct worker_pool,
						      busy_hash) +
				       idx * sizeof(void *)));
	for (int i = 0; i < 16 && node; i++) {
		__u64 worker = node - bpf_core_field_offset(struct worker,
							    hentry);

		if (bpf_probe_read_kernel(&cur, sizeof(cur),
					  (void *)(worker +
						   bpf_core_field_offset(
							   struct worker,
							   current_work))))
			return false;
		if (cur == work)
			return true;
		if (bpf_probe_read_kernel(&node, sizeof(node), (void *)node))
			return false;
	}
	return false;
}

/* An entry of @work left behind: its item was cancelled (or moved by
 * mod_delayed_work()) without a tracepoint, and often freed, its memory
 * queued again at once. */
static __always_inline void pending_cancel(struct wqmon_pending *p)
{
	struct wqmon_series_stats *st;
	__u32 series = p->series;

	if (!pending_release(p, p->t_queue))
		return;
	st = stats_of(series);
	if (st)
		st->cancelled++;
	count(WQMON_C_PENDING_CANCELLED);
}

/*
 * Record a queueing of @work in a free slot, claimed with CAS; its t_queue
 * is 0 (not ready: readers skip it) until its fields are written.  An entry of the same
 * work already there is either its previous queueing about to start (the
 * kernel clears PENDING before execute_start, so the item can be queued
 * again in between: the new entry is then marked TWIN, and execute_start
 * takes the older) or a queueing that was cancelled, which is counted and
 * dropped.  Running tells them apart: a re-queue of a running item goes to
 * the pool running it.
 */
static __always_inline struct wqmon_pending *pending_claim(__u64 work,
							   __u64 pool,
							   bool *twin)
{
	__u32 base = hash_slot(work, WQMON_MAX_PENDING);
	struct wqmon_pending *claimed = NULL, *old = NULL;

	*twin = false;
#pragma unroll
	for (int i = 0; i < WQMON_PROBES; i++) {
		struct wqmon_pending *p = pending_at(base, i);
		__u64 w = p->work;

		if (w == work) {
			if (p != claimed)
				old = p;
		} else if (!w && !claimed &&
			   __sync_val_compare_and_swap(&p->work, 0, work) == 0) {
			claimed = p;
		}
	}
	if (old) {
		if (work_running(pool, work))
			*twin = true;
		else
			pending_cancel(old);
	}
	return claimed;
}

/* The entry execute_start pairs with: the older of @work's queueings. */
static __always_inline struct wqmon_pending *pending_oldest(__u64 work)
{
	__u32 base = hash_slot(work, WQMON_MAX_PENDING);
	struct wqmon_pending *best = NULL;

#pragma unroll
	for (int i = 0; i < WQMON_PROBES; i++) {
		struct wqmon_pending *p = pending_at(base, i);

		if (p->work != work || !p->t_queue)
			continue;
		/* The older of two is never a twin: by flag, not by time,
		 * since an unsampled item's queue time is coarse. */
		if (!(p->flags & WQMON_PF_TWIN))
			return p;
		if (!best || p->t_queue < best->t_queue)
			best = p;
	}
	return best;
}

/* The entry activate_work and a cancel apply to: the newest queueing (an
 * entry about to start was activated already, and is not on a queue). */
static __always_inline struct wqmon_pending *pending_newest(__u64 work,
							    bool unactivated)
{
	__u32 base = hash_slot(work, WQMON_MAX_PENDING);
	struct wqmon_pending *best = NULL;

#pragma unroll
	for (int i = 0; i < WQMON_PROBES; i++) {
		struct wqmon_pending *p = pending_at(base, i);

		if (p->work != work || !p->t_queue)
			continue;
		if (unactivated && !p->t_activate)
			return p;
		if (!best || p->t_queue > best->t_queue)
			best = p;
	}
	return best;
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

/*
 * The context queue_work runs in.  The preempt count says it, but x86
 * keeps it in a per-CPU variable that a program can only reach through a
 * ksym, which needs the symbol in kallsyms (CONFIG_KALLSYMS_ALL: not on
 * every kernel).  So, while queuers are tracked, the tracepoints of
 * device interrupt handlers and softirqs keep a per-CPU depth of each:
 * hard IRQ inside a handler (a hard IRQ can interrupt a softirq, not the
 * reverse), softirq inside a softirq.  Interrupts that have no handler
 * tracepoint (timers, IPIs) are caught when they run on the per-CPU IRQ
 * stack, i.e. when this program's stack is not the current task's; an
 * interrupt that hit user mode runs on the task's stack (x86's
 * call_on_irqstack_cond) and is only seen through its handler's
 * tracepoint.  NMIs do not queue work.
 */
#define TASK_STACK_SIZE	16384	/* THREAD_SIZE of x86-64 and arm64 (4K pages) */

static __always_inline __u32 queue_context(void)
{
	struct launder_row *r = launder_row(L_CTX);
	__u32 zero = 0;
	struct irq_depth *d = bpf_map_lookup_elem(&irq_depth, &zero);
	struct task_struct *t;
	__u64 here = 0;

	if (d && d->hard)
		return WQMON_QCTX_HARDIRQ;
	if (d && d->soft)
		return WQMON_QCTX_SOFTIRQ;
	if (!r)
		return WQMON_QCTX_TASK;
	t = bpf_get_current_task_btf();
	return launder(r, 0, &here) - launder(r, 1, t->stack) <
			       TASK_STACK_SIZE ?
		       WQMON_QCTX_TASK :
		       WQMON_QCTX_HARDIRQ;
}

static __always_inline struct wqmon_queuer_stats *queuer_stats_of(__u32 slot)
{
	return bpf_map_lookup_elem(&queuer_stats, &slot);
}

/*
 * The queuer slot of the current context for series @series: found or
 * claimed in queuer_keys.  In IRQ context the current task is whatever
 * was interrupted, so neither its comm nor its cgroup is read.
 */
static __always_inline __u32 queuer_find(__u32 series, __u32 ctx)
{
	union {
		char c[16];
		__u64 w[2];
	} comm = {};
	__u64 cg = 0, h;
	__u32 tgid = 0, base;

	if (ctx == WQMON_QCTX_TASK) {
		bpf_get_current_comm(comm.c, sizeof(comm.c));
		cg = bpf_get_current_cgroup_id();
		tgid = bpf_get_current_pid_tgid() >> 32;
	}
	h = series ^ (cg * 31) ^ ((__u64)ctx << 40) ^ comm.w[0] ^
	    (comm.w[1] * 7);
	base = hash_slot(h, WQMON_MAX_QUEUERS);
#pragma unroll
	for (int i = 0; i < WQMON_PROBES; i++) {
		__u32 s = (base + i) & (WQMON_MAX_QUEUERS - 1);
		struct wqmon_queuer_key *k = &queuer_keys[s];
		__u64 *kc = (__u64 *)k->comm;

		if (s == WQMON_QUEUER_NONE)
			continue;
		if (k->state == WQMON_SK_PUBLISHED) {
			if (k->series == series && k->ctx == ctx &&
			    k->cgroup == cg && kc[0] == comm.w[0] &&
			    kc[1] == comm.w[1]) {
				/* A store only when it changes: the keys are
				 * shared, and a write per item would bounce
				 * their cache line between CPUs. */
				if (k->tgid != tgid)
					k->tgid = tgid;
				return s;
			}
			continue;
		}
		if (k->state == WQMON_SK_FREE &&
		    __sync_val_compare_and_swap(&k->state, WQMON_SK_FREE,
						WQMON_SK_CLAIMING) ==
			    WQMON_SK_FREE) {
			k->series = series;
			k->ctx = ctx;
			k->cgroup = cg;
			kc[0] = comm.w[0];
			kc[1] = comm.w[1];
			k->tgid = tgid;
			__sync_lock_test_and_set(&k->state, WQMON_SK_PUBLISHED);
			return s;
		}
	}
	return WQMON_QUEUER_NONE;
}

static __always_inline __u32 queuer_slot(__u32 series)
{
	__u32 ctx = queue_context(), zero = 0, slot;
	struct queuer_last *l;
	__u64 task, now;

	if (ctx != WQMON_QCTX_TASK)
		return queuer_find(series, ctx);
	l = bpf_map_lookup_elem(&queuer_last, &zero);
	if (!l)
		return queuer_find(series, ctx);
	task = bpf_get_current_task();
	now = bpf_jiffies64();
	if (l->task == task && l->jiffies == now && l->series == series) {
		struct wqmon_queuer_key *k =
			&queuer_keys[l->slot & (WQMON_MAX_QUEUERS - 1)];

		/* Still its slot (user space frees idle ones). */
		if (k->state == WQMON_SK_PUBLISHED && k->series == series)
			return l->slot;
	}
	slot = queuer_find(series, ctx);
	l->task = task;
	l->jiffies = now;
	l->series = series;
	l->slot = slot;
	return slot;
}

/* Charge a start (@lat_ns: its wait, when measured) to queuer @q. */
static __always_inline void queuer_started(__u32 q, bool measured,
					   __u64 lat_ns)
{
	struct wqmon_queuer_stats *qs;

	if (!track_queuers)
		return;
	qs = queuer_stats_of(q);
	if (!qs)
		return;
	qs->started++;
	if (measured)
		qs->lat_ns += lat_ns;
}

/* Charge an end (@run_ns and @cpu_ns, when measured) to queuer @q. */
static __always_inline void queuer_ended(__u32 q, __u64 run_ns, __u64 cpu_ns)
{
	struct wqmon_queuer_stats *qs;

	if (!track_queuers)
		return;
	qs = queuer_stats_of(q);
	if (!qs)
		return;
	qs->completed++;
	qs->run_ns += run_ns;
	qs->cpu_ns += cpu_ns;
}

/* ---- slow items: one record each, rate-bounded ---- */

/* Sized by user space (a page when slow records are off). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} slow_records SEC(".maps");

/* A token bucket per CPU, in token-nanoseconds: a record costs 10^9,
 * each ns refills slow_per_sec, up to one second's worth (a burst of
 * slow_per_sec records). */
struct slow_bucket {
	__u64 t_last;
	__u64 credit;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct slow_bucket);
} slow_buckets SEC(".maps");

#define SLOW_COST	1000000000ULL

static __always_inline bool slow_take_token(__u64 now)
{
	__u32 zero = 0;
	struct slow_bucket *b = bpf_map_lookup_elem(&slow_buckets, &zero);
	__u64 full = (__u64)slow_per_sec * SLOW_COST, dt;

	if (!b)
		return false;
	dt = now > b->t_last ? now - b->t_last : 0;
	if (!b->t_last || dt >= SLOW_COST)
		b->credit = full;
	else if (b->credit + dt * slow_per_sec < full)
		b->credit += dt * slow_per_sec;
	else
		b->credit = full;
	b->t_last = now;
	if (b->credit < SLOW_COST)
		return false;
	b->credit -= SLOW_COST;
	return true;
}

/*
 * Send the record of an item that ended at @t_end, if it was slow.  The
 * test is two compares on values at hand; only a slow item pays for the
 * bucket, the series key and the ring buffer.  @t_queue 0: latency not
 * known (queued before we attached), run time only.  Inlined: a BPF
 * subprogram takes at most five arguments.
 */
static __always_inline void slow_emit(__u32 series, __s32 pool_id, __u64 t_queue,
				 __u64 t_start, __u64 t_end, __u64 cpu_ns,
				 __u32 tid, __u32 queuer, __u32 flags)
{
	struct wqmon_series_key *k;
	struct wqmon_slow_record *r;

	if (!slow_min_ns || t_end < t_start)
		return;
	if (t_end - t_start < slow_min_ns &&
	    (!t_queue || t_start < t_queue || t_start - t_queue < slow_min_ns))
		return;
	if (!slow_take_token(t_end)) {
		count(WQMON_C_SLOW_DROPPED);
		return;
	}
	r = bpf_ringbuf_reserve(&slow_records, sizeof(*r), 0);
	if (!r) {
		count(WQMON_C_SLOW_DROPPED);
		return;
	}
	k = bpf_map_lookup_elem(&series_keys, &series);
	if (k && series != WQMON_SERIES_OVERFLOW) {
		r->func = k->func;
		__builtin_memcpy(r->wq_name, k->wq_name, sizeof(r->wq_name));
	} else {
		r->func = 0;
		r->wq_name[0] = 0;
	}
	r->t_queue = t_queue;
	r->t_start = t_start;
	r->t_end = t_end;
	r->cpu_ns = cpu_ns;
	r->pool_id = pool_id;
	r->cpu = bpf_get_smp_processor_id();
	r->tid = tid;
	r->queuer = queuer;
	r->flags = flags;
	r->pad = 0;
	bpf_ringbuf_submit(r, 0);
}

/* ---- the workqueue events, as plain-value handlers ---- */

static __always_inline void on_queue(__u64 work, __u64 func, __s32 pool_id,
				     __u64 wq, __u64 pool_addr,
				     struct worker_pool *pool,
				     struct workqueue_struct *wqp)
{
	__u32 s = series_slot(pool_id, wq, func, pool, wqp);
	struct wqmon_series_stats *st = stats_of(s);
	struct wqmon_pending *p;
	__u32 q = WQMON_QUEUER_NONE;
	bool twin, sampled;
	__u64 now;

	if (!st)
		return;
	st->queued++;
	if (track_queuers) {
		struct wqmon_queuer_stats *qs;

		q = queuer_slot(s);
		qs = queuer_stats_of(q);
		if (qs)
			qs->queued++;
	}

	p = pending_claim(work, pool_addr, &twin);
	if (!p) {
		count(WQMON_C_PENDING_DROPPED);
		return;
	}
	/* The choice hashes the work pointer with its queue time and this
	 * CPU's count of the series' queueings, so that an item queued many
	 * times within one tick is not chosen all or never. */
	if (!sample_below) {
		sampled = true;
		now = bpf_ktime_get_ns();
	} else {
		now = coarse_now();
		sampled = sampled_at(work, now + st->queued);
		if (sampled)
			now = bpf_ktime_get_ns();
	}
	p->t_activate = 0;
	p->pool_id = pool_id;
	p->series = s;
	p->queuer = q;
	p->flags = (twin ? WQMON_PF_TWIN : 0) | (sampled ? WQMON_PF_SAMPLED : 0);
	p->t_queue = now;	/* ready */
	if (twin)
		count(WQMON_C_REQUEUE_RACE);
}

/*
 * @data is work->data at the tracepoint.  Most items are activated inside
 * the __queue_work() call that queued them, under the pool lock with IRQs
 * off, before insert_work() sets data to the pwq: WORK_STRUCT_INACTIVE is
 * clear, and the item spent no time inactive (0 ns, no clock read).  An
 * item held back by max_active is activated later from the pwq's inactive
 * list with WORK_STRUCT_INACTIVE still set: that wait is measured.
 */
static __always_inline void on_activate(__u64 work, __u64 data)
{
	struct wqmon_pending *p = pending_newest(work, true);
	struct wqmon_series_stats *st;
	__u64 tq, now;

	if (!p) {
		st = stats_of(WQMON_SERIES_OVERFLOW);
		if (st)
			st->activated++;
		return;
	}
	st = stats_of(p->series);
	if (!st)
		return;
	st->activated++;
	tq = p->t_queue;
	if (!(data & WORK_STRUCT_INACTIVE) || !(p->flags & WQMON_PF_SAMPLED)) {
		p->t_activate = tq;
		if (p->flags & WQMON_PF_SAMPLED)
			hist_add(st, WQMON_H_Q2A, 0);
		return;
	}
	now = bpf_ktime_get_ns();
	p->t_activate = now;
	hist_span(st, WQMON_H_Q2A, tq, now);
}

/* Take the pending entry execute_start pairs with: its fields are copied
 * before the slot is released, and the release is a CAS, so a cancel or
 * the sweep taking it at the same moment leaves it to one of us only. */
struct taken {
	__u64 t_queue, t_activate;
	__s32 pool_id;
	__u32 series;
	__u32 flags;
	__u32 queuer;
};

static __always_inline bool pending_take(__u64 work, struct taken *t)
{
	struct wqmon_pending *p = pending_oldest(work);

	if (!p)
		return false;
	t->t_queue = p->t_queue;
	t->t_activate = p->t_activate;
	t->pool_id = p->pool_id;
	t->series = p->series;
	t->flags = p->flags;
	t->queuer = p->queuer;
	return pending_release(p, t->t_queue);
}

/* started++ of a start paired with its queueing, and its latency
 * histograms if it is sampled. */
static __always_inline void count_start(struct wqmon_series_stats *st,
					const struct taken *t, __u64 now)
{
	__u64 lat;

	st->started++;
	if (!(t->flags & WQMON_PF_SAMPLED)) {
		queuer_started(t->queuer, false, 0);
		return;
	}
	if (t->t_activate)
		hist_span(st, WQMON_H_A2S, t->t_activate, now);
	if (span(st, t->t_queue, now, &lat)) {
		hist_add(st, WQMON_H_Q2S, lat);
		queuer_started(t->queuer, true, lat);
	} else {
		queuer_started(t->queuer, false, 0);
	}
}

static __always_inline void worker_begin(__u32 tid, __s32 pool_id,
					 __u64 work, __u32 series, __u64 now,
					 bool sampled, __u32 queuer,
					 __u64 t_queue)
{
	struct wqmon_worker *w = worker_claim(tid);

	if (!w) {
		count(WQMON_C_WORKER_DROPPED);
		return;
	}
	if (w->work)
		count(WQMON_C_END_LOST);
	w->pool_id = pool_id;
	w->work = work;
	w->series = series;
	w->sampled = sampled;
	w->queuer = queuer;
	w->t_start = now;
	w->t_in = now;
	w->cpu_acc = 0;
	w->bh_ns = 0;
	w->t_last = now;
	w->t_queue = t_queue;
}

/* The common case: the item was queued while we watched.  Its pending
 * entry names the series and pool; the worker need not be read. */
static __always_inline bool on_start_known(__u64 work, __u32 tid)
{
	struct wqmon_series_stats *st;
	struct taken t;
	__u64 now;

	if (!pending_take(work, &t))
		return false;
	now = t.flags & WQMON_PF_SAMPLED ? bpf_ktime_get_ns() : coarse_now();
	st = stats_of(t.series);
	if (st)
		count_start(st, &t, now);
	worker_begin(tid, t.pool_id, work, t.series, now,
		     t.flags & WQMON_PF_SAMPLED, t.queuer, t.t_queue);
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
		     bpf_ktime_get_ns(), sampled_unseen(), WQMON_QUEUER_UNSEEN,
		     0);
}

/* ---- BH items (6.9+): softirq context, one per CPU at a time ---- */

static __always_inline void on_start_bh(__u64 work, __u64 func, __u64 data)
{
	struct wqmon_bh_running *b = bh_slot();
	struct wqmon_series_stats *st;
	struct taken t;
	__u64 now;

	if (!b)
		return;
	if (!pending_take(work, &t)) {
		/* Queued before we attached: the pool is in data (off
		 * queue, its id), the workqueue is not known. */
		t.pool_id = data & (1ULL << bpf_core_enum_value(
					    enum work_bits, WORK_STRUCT_PWQ_BIT)) ?
				    -1 :
				    (__s32)(data >> bpf_core_enum_value(
						    enum work_bits,
						    WORK_OFFQ_POOL_SHIFT));
		t.series = series_slot(t.pool_id, 0, func, NULL, NULL);
		t.t_queue = 0;
		t.queuer = WQMON_QUEUER_UNSEEN;
		t.flags = sampled_unseen() ? WQMON_PF_SAMPLED : 0;
		st = stats_of(t.series);
		if (st) {
			st->started++;
			st->started_unseen++;
		}
	} else {
		now = bpf_ktime_get_ns();
		st = stats_of(t.series);
		if (st)
			count_start(st, &t, now);
	}
	if (b->work)
		count(WQMON_C_END_LOST);
	b->work = work;
	b->series = t.series;
	b->pool_id = t.pool_id;
	b->sampled = t.flags & WQMON_PF_SAMPLED;
	b->queuer = t.queuer;
	b->t_queue = t.t_queue;
	b->t_start = bpf_ktime_get_ns();
}

/* The end of the BH item this CPU runs, if @work is it.  Inside a
 * kworker's item (@w), its time is not the item's CPU: softirq time is
 * charged to whatever task it interrupts. */
static __always_inline bool on_end_bh(__u64 work, struct wqmon_worker *w)
{
	struct wqmon_bh_running *b = bh_slot();
	struct wqmon_series_stats *st;
	__u64 now, run, charged = 0;

	if (!b || b->work != work || !b->t_start)
		return false;
	st = stats_of(b->series);
	if (st)
		st->completed++;
	/* Its run time is wanted if it is sampled, or if it ran inside a
	 * sampled kworker item, whose on-CPU time it is not. */
	if (st && (b->sampled || (w && w->work && w->sampled))) {
		now = bpf_ktime_get_ns();
		if (span(st, b->t_start, now, &run)) {
			if (b->sampled) {
				hist_add(st, WQMON_H_RUN, run);
				/* Softirq does not sleep: on CPU all along. */
				hist_add(st, WQMON_H_CPU, run);
				charged = run;
				slow_emit(b->series, b->pool_id, b->t_queue,
					  b->t_start, now, run, 0, b->queuer,
					  WQMON_SR_BH);
			}
			if (w && w->work)
				w->bh_ns += run;
		}
	}
	queuer_ended(b->queuer, charged, charged);
	b->work = 0;
	b->t_start = 0;
	return true;
}

static __always_inline void on_end(__u64 work, __u32 tid)
{
	struct wqmon_worker *w = worker_find(tid);
	struct wqmon_series_stats *st;
	__u64 now, run, cpu;

	if (!w || w->work != work) {
		/* A BH item ending, in whatever task it interrupted. */
		if (have_bh && on_end_bh(work, w))
			return;
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
	st->completed++;
	if (!w->sampled) {
		queuer_ended(w->queuer, 0, 0);
		return;
	}
	now = bpf_ktime_get_ns();
	w->t_last = now;
	if (!span(st, w->t_start, now, &run)) {
		queuer_ended(w->queuer, 0, 0);
		return;
	}
	hist_add(st, WQMON_H_RUN, run);
	/* On-CPU: the switched-in stretches, less BH items run inside them. */
	if (!span(st, w->t_in, now, &cpu)) {
		queuer_ended(w->queuer, run, 0);
		return;
	}
	cpu += w->cpu_acc;
	cpu = cpu > w->bh_ns ? cpu - w->bh_ns : 0;
	cpu = cpu < run ? cpu : run;
	hist_add(st, WQMON_H_CPU, cpu);
	queuer_ended(w->queuer, run, cpu);
	slow_emit(w->series, w->pool_id, w->t_queue, w->t_start, now, cpu,
		  tid, w->queuer, 0);
}

/* The worker @tid if it runs an item whose on-CPU time we measure. */
static __always_inline struct wqmon_worker *worker_timed(bool is_worker,
							 __u32 tid)
{
	struct wqmon_worker *w = is_worker ? worker_find(tid) : NULL;

	return w && w->work && w->sampled ? w : NULL;
}

/* Exact on-CPU accounting: charge the running item from switch-in to
 * switch-out.  Non-workers cost two flag tests; idle kworkers and
 * unsampled items a table probe, no clock read. */
static __always_inline void on_switch(bool prev_is_worker, __u32 prev_tid,
				      bool next_is_worker, __u32 next_tid)
{
	struct wqmon_worker *prev, *next;
	__u64 now;

	if (!prev_is_worker && !next_is_worker)
		return;
	prev = worker_timed(prev_is_worker, prev_tid);
	next = worker_timed(next_is_worker, next_tid);
	if (!prev && !next)
		return;
	now = bpf_ktime_get_ns();
	if (prev && now >= prev->t_in)
		prev->cpu_acc += now - prev->t_in;
	if (next)
		next->t_in = now;
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
		 launder(r, 2, wq), launder(r, 3, pool), pool, wq);
	return 0;
}

SEC("tp_btf/workqueue_activate_work")
int BPF_PROG(activate_work_btf, struct work_struct *work)
{
	struct launder_row *r = launder_row(L_ACTIVATE);

	if (r)
		on_activate(launder(r, 0, work), work->data.counter);
	return 0;
}

/*
 * BH items (6.9+) run in softirq context inside whatever task is current,
 * kworker items and our own programs included.  The kernel skips a program
 * already running on the CPU and counts a recursion miss, so a BH item's
 * start or end that lands inside one of these programs is lost: rare (the
 * programs run for ~100 ns), exported per program (probe_missed), and
 * absorbed: a lost start leaves an entry that the next queueing counts as
 * cancelled, a lost end a BH slot that the next start counts as end_lost.
 */
SEC("tp_btf/workqueue_execute_start")
int BPF_PROG(execute_start_btf, struct work_struct *work)
{
	struct launder_row *r = launder_row(L_START);
	__u64 w, data;

	if (!r)
		return 0;
	w = launder(r, 0, work);
	data = work->data.counter;
	if (have_bh && start_is_bh(data))
		on_start_bh(w, launder(r, 1, work->func), data);
	else if (!on_start_known(w, (__u32)bpf_get_current_pid_tgid()))
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

/*
 * Interrupt bookkeeping for queue_context(), attached with queuers only.
 * The exits are defined, and so attached, before the entries: an
 * interrupt running while we attach then shows an exit without an entry
 * (harmless), never an entry without its exit.
 */
static __always_inline void irq_step(bool hard, bool enter)
{
	__u32 zero = 0;
	struct irq_depth *d = bpf_map_lookup_elem(&irq_depth, &zero);

	if (!d)
		return;
	if (hard)
		d->hard = enter;
	else
		d->soft = enter;
}

SEC("tp_btf/softirq_exit")
int BPF_PROG(softirq_exit_btf, unsigned int vec_nr)
{
	irq_step(false, false);
	return 0;
}

SEC("tp_btf/irq_handler_exit")
int BPF_PROG(irq_exit_btf, int irq, void *action, int ret)
{
	irq_step(true, false);
	return 0;
}

SEC("tp_btf/softirq_entry")
int BPF_PROG(softirq_entry_btf, unsigned int vec_nr)
{
	irq_step(false, true);
	return 0;
}

SEC("tp_btf/irq_handler_entry")
int BPF_PROG(irq_entry_btf, int irq, void *action)
{
	irq_step(true, true);
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
		 BPF_CORE_READ(pool, id), (__u64)wq, (__u64)pool, pool, wq);
	return 0;
}

SEC("raw_tp/workqueue_activate_work")
int BPF_PROG(activate_work_raw, struct work_struct *work)
{
	on_activate((__u64)work, BPF_CORE_READ(work, data.counter));
	return 0;
}

SEC("raw_tp/workqueue_execute_start")
int BPF_PROG(execute_start_raw, struct work_struct *work)
{
	__u64 data = BPF_CORE_READ(work, data.counter);

	if (have_bh && start_is_bh(data))
		on_start_bh((__u64)work, (__u64)BPF_CORE_READ(work, func), data);
	else if (!on_start_known((__u64)work, (__u32)bpf_get_current_pid_tgid()))
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

/* ---- a stalled worker's kernel stack, on demand ---- */

/*
 * User space attaches this iterator with one worker's tid when a stall of
 * that worker starts (never per item) and reads the return addresses; it
 * symbolizes them with kallsyms.  Unlike /proc/TID/stack, this needs no
 * CAP_SYS_ADMIN: the daemon keeps only CAP_BPF once the probes are loaded.
 */
SEC("raw_tp/softirq_exit")
int BPF_PROG(softirq_exit_raw, unsigned int vec_nr)
{
	irq_step(false, false);
	return 0;
}

SEC("raw_tp/irq_handler_exit")
int BPF_PROG(irq_exit_raw, int irq, void *action, int ret)
{
	irq_step(true, false);
	return 0;
}

SEC("raw_tp/softirq_entry")
int BPF_PROG(softirq_entry_raw, unsigned int vec_nr)
{
	irq_step(false, true);
	return 0;
}

SEC("raw_tp/irq_handler_entry")
int BPF_PROG(irq_entry_raw, int irq, void *action)
{
	irq_step(true, true);
	return 0;
}

SEC("iter/task")
int worker_stack(struct bpf_iter__task *ctx)
{
	/* Loaded once: a second load of ctx->task would be a pointer the
	 * verifier has not seen tested for NULL. */
	struct task_struct *task = ctx->task;
	__u64 ips[WQMON_STACK_DEPTH];
	__u32 len;
	long n;

	if (!task)
		return 0;
	n = bpf_get_task_stack(task, ips, sizeof(ips), 0);
	if (n <= 0)
		return 0;
	/* Bounded on the register passed: 6.1's verifier does not carry a
	 * bound from a copy that was compared. */
	len = (__u32)n;
	barrier_var(len);
	if (len > sizeof(ips))
		return 0;
	bpf_seq_write(ctx->meta->seq, ips, len);
	return 0;
}

/* ---- sweep: run by user space every interval (BPF_PROG_TEST_RUN) ---- */

static long sweep_pending_one(__u32 i, void *unused)
{
	struct wqmon_pending *p = &pending[i & (WQMON_MAX_PENDING - 1)];
	struct wqmon_pool_pending *pp;
	struct work_struct *work;
	__u64 w = p->work, tq = p->t_queue;
	__u32 pool;
	long data = 0;

	if (!w || !tq)
		return 0;
	work = (struct work_struct *)w;
	/* Memory that can't be read is no queued item (a queued item's
	 * memory stays valid): a stale entry, never a stall. */
	if (bpf_probe_read_kernel(&data, sizeof(data), &work->data.counter)) {
		if (pending_release(p, tq))
			count(WQMON_C_PENDING_STALE);
		return 0;
	}
	/* PENDING clear twice in a row (once could be the window between
	 * process_one_work() clearing it and execute_start) means the item
	 * left without running: cancelled, and not queued again (that is
	 * caught at queue time, see pending_claim()). */
	if (!(data & WORK_STRUCT_PENDING)) {
		if (!(p->flags & WQMON_PF_SUSPECT)) {
			p->flags |= WQMON_PF_SUSPECT;
			goto live;
		}
		pending_cancel(p);
		return 0;
	}
	p->flags &= ~WQMON_PF_SUSPECT;
live:
	pool = (__u32)p->pool_id;
	if (pool > pool_mask)
		return 0;
	pp = bpf_map_lookup_elem(&pool_pending, &pool);
	if (!pp)
		return 0;
	pp->pending++;
	if (tq && (!pp->oldest_t_queue || tq < pp->oldest_t_queue))
		pp->oldest_t_queue = tq;
	return 0;
}

struct sweep_ctx {
	__u64 now;
};

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
	struct wqmon_pool_pending *pp = bpf_map_lookup_elem(&pool_pending, &i);

	if (pp) {
		pp->pending = 0;
		pp->oldest_t_queue = 0;
	}
	return 0;
}

/*
 * The tick in ns: from the first sweep to one at least a second later
 * (jiffies are exact to one tick, so that is within 1 % at HZ=100), then
 * the nearest HZ Linux offers when it is within 3 % of one (it is: they
 * are 20 % apart or more), so the coarse clock keeps no error from the
 * measurement.  Then every sweep resets coarse_base against the clock.
 */
static const __u32 tick_hz[] = { 100, 250, 300, 1000 };

static __always_inline void calibrate_coarse(__u64 now)
{
	__u64 j = bpf_jiffies64(), tick = coarse_tick_ns, base;

	if (!tick) {
		if (!calib_t) {
			calib_t = now;
			calib_j = j;
			return;
		}
		if (now - calib_t < 1000000000ULL || j <= calib_j)
			return;
		tick = (now - calib_t) / (j - calib_j);
		for (int i = 0; i < 4; i++) {
			__u64 t = 1000000000ULL / tick_hz[i];

			if (tick * 100 > t * 97 && tick * 100 < t * 103)
				tick = t;
		}
		coarse_tick_ns = tick;
	}
	base = now - j * tick;
	coarse_base = base ? base : 1;
}

SEC("syscall")
int sweep(void *ctx)
{
	struct sweep_ctx c = { .now = bpf_ktime_get_ns() };

	calibrate_coarse(c.now);

	bpf_loop(pool_mask + 1, clear_pool_pending, NULL, 0);
	bpf_loop(WQMON_MAX_PENDING, sweep_pending_one, NULL, 0);
	bpf_loop(WQMON_MAX_WORKERS, sweep_worker_one, &c, 0);
	count(WQMON_C_SWEEPS);
	return 0;
}
