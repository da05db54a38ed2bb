/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Types shared by the kernel-side programs (wqmon.bpf.c) and user space.
 * Only __u32/__u64-style types: this header is included by both sides.
 *
 * Design, driven by cost per work item (see docs/DESIGN.md):
 *  - Every table is a BPF array, never a BPF hash map.  Array lookups are
 *    inlined by the verifier; hash map updates/deletes take a bucket lock and
 *    cost ~100 ns each.  Each table is open-addressed by our own hash with a
 *    short bounded probe, slots claimed with compare-and-swap.
 *  - Counters and histograms live in a per-CPU array indexed by series slot:
 *    no atomics and no shared cache lines on the hot path.
 *  - A kworker keeps its slot in the worker table for its whole life, so
 *    execute_start/end and sched_switch find it with one probe and no CAS.
 */
#ifndef __WQMON_H
#define __WQMON_H

/* log2 histogram of nanoseconds: slot i counts values in [2^i, 2^(i+1)),
 * slot 0 also counts 0; the last slot counts everything >= 2^(SLOTS-1). */
#define WQMON_HIST_SLOTS	36

/* Table sizes: powers of two.  The series and pool tables are maps sized by
 * user space before load (wq_collector: pools from the number of possible
 * CPUs, series within a memory budget); these are their compile-time caps
 * and the sizes of the fixed tables. */
#define WQMON_MAX_SERIES	16384	/* cap; the loaded size is smaller */
#define WQMON_MAX_PENDING	16384
#define WQMON_MAX_WORKERS	4096
#define WQMON_MAX_POOLS		65536	/* cap; the loaded size is smaller */
#define WQMON_PROBES		8	/* probe length of every table */

/* Series slot 0 is reserved: events whose series could not get a slot are
 * counted there, so totals stay exact when attribution is lost. */
#define WQMON_SERIES_OVERFLOW	0

enum wqmon_hist_kind {
	WQMON_H_Q2A,	/* queue_work -> activate_work */
	WQMON_H_A2S,	/* activate_work -> execute_start */
	WQMON_H_Q2S,	/* queue_work -> execute_start: the latency */
	WQMON_H_RUN,	/* execute_start -> execute_end, wall clock */
	WQMON_H_CPU,	/* on-CPU time of the worker during one execution */
	WQMON_H_NR,
};

/* Series key table entry (shared, not per-CPU).  state: WQMON_SK_*.  A
 * reader that finds state != PUBLISHED probes on, so two CPUs racing on a
 * new key may create two slots for it; user space merges slots with equal
 * keys.  User space retires idle slots (PUBLISHED -> RETIRED, through the
 * sweep) and frees them once nothing refers to them: see collector.c. */
enum wqmon_series_state {
	WQMON_SK_FREE,
	WQMON_SK_CLAIMING,
	WQMON_SK_PUBLISHED,
	WQMON_SK_RETIRED,	/* no new events; stats still read */
};

struct wqmon_series_key {
	__u64 func;	/* work function address */
	__u64 wq;	/* struct workqueue_struct address: identity only */
	__s32 pool_id;
	__u32 state;
	char wq_name[32];	/* copied once, when the slot is claimed */
};

/* Per-CPU counters of one series.  Histogram buckets are __u32 to keep the
 * per-CPU footprint small; user space accumulates their deltas modulo 2^32
 * into 64-bit totals every interval (a bucket wraps after 2^32 events on one
 * CPU, hours at the fastest rates seen). */
struct wqmon_series_stats {
	__u64 queued;
	__u64 activated;
	__u64 started;
	__u64 completed;
	__u64 cancelled;	/* pending items taken off the queue unrun */
	__u64 started_unseen;	/* started with no queue record: latency unknown */
	__u64 unpaired;		/* durations left out: end before start */
	__u64 sum_ns[WQMON_H_NR];
	__u64 max_ns[WQMON_H_NR];
	__u32 hist[WQMON_H_NR][WQMON_HIST_SLOTS];
};

/* One queueing of a work item, keyed by the struct work_struct address.
 * An item can have two entries: the kernel clears PENDING before
 * execute_start, so the same work can be queued again (and recorded) while
 * its previous queueing is about to start.  execute_start takes the older. */
struct wqmon_pending {
	__u64 work;	/* 0 = free slot */
	__u64 t_queue;	/* 0 while being filled: see pending_release() */
	__u64 t_activate;	/* 0 until activated */
	__s32 pool_id;
	__u32 series;	/* series slot chosen at queue time */
	__u32 flags;	/* WQMON_PF_* */
	__u32 queuer;	/* queuer slot; WQMON_QUEUER_NONE when not tracked */
};

#define WQMON_PF_SUSPECT	1u	/* sweep saw PENDING clear once */
#define WQMON_PF_TWIN		2u	/* queued while an older entry existed */
#define WQMON_PF_SAMPLED	4u	/* durations measured (sampled mode) */

/* One kworker, keyed by its tid.  The slot stays the worker's for its life;
 * the sweep frees slots of workers idle for WQMON_WORKER_REAP_NS. */
struct wqmon_worker {
	__u32 tid;	/* 0 = free slot */
	__s32 pool_id;
	__u64 work;	/* item being run, 0 when idle */
	__u64 func;
	__u32 series;
	__u32 sampled;	/* the current item's durations are measured */
	__u32 queuer;	/* who queued the current item */
	__u32 pad;
	__u64 t_start;
	__u64 t_in;	/* last switch-in while running an item */
	__u64 cpu_acc;	/* on-CPU ns of the current item before t_in */
	__u64 t_last;	/* last event: for reaping dead workers */
	__u64 bh_ns;	/* BH items run inside the current item: not its CPU */
	__u64 t_queue;	/* the current item's queueing; 0: not seen */
};

/* The BH item a CPU is running (6.9+ BH workqueues run work in softirq
 * context on whatever task is current, so they cannot be keyed by tid).
 * Softirqs do not nest on a CPU: one slot per CPU. */
struct wqmon_bh_running {
	__u64 work;	/* 0 when none */
	__u64 t_start;
	__u32 series;
	__s32 pool_id;
	__u32 sampled;	/* its durations are measured */
	__u32 queuer;
	__u64 t_queue;	/* its queueing; 0: not seen */
};

#define WQMON_WORKER_REAP_NS	(600ULL * 1000000000ULL)

/* Frames of a stalled worker's kernel stack that worker_stack returns. */
#define WQMON_STACK_DEPTH	32

/* Attributes of a pool as seen through the kernel's struct worker_pool. */
struct wqmon_pool {
	__s32 id;	/* -1: slot unused */
	__s32 cpu;	/* -1: unbound */
	__s32 nice;
	__u32 flags;	/* WQMON_POOL_* */
	__s32 node;
	__s32 nr_workers;	/* kernel's view, refreshed on each new series */
	__s32 nr_idle;
	__u32 seen;	/* 1 once written */
};

#define WQMON_POOL_UNBOUND	1u
#define WQMON_POOL_BH		2u

/* Per-pool pending summary computed by the sweep program. */
struct wqmon_pool_pending {
	__u64 pending;
	__u64 oldest_t_queue;	/* 0 when nothing is pending */
};

/* Global counters, one per CPU: never silent about what was not tracked. */
enum wqmon_counter {
	WQMON_C_PENDING_DROPPED,	/* pending table full: latency not measured */
	WQMON_C_WORKER_DROPPED,		/* worker table full: run time not measured */
	WQMON_C_SERIES_DROPPED,		/* series table full: counted in slot 0 */
	WQMON_C_PENDING_CANCELLED,	/* cancelled (hook, or swept w/o hook) */
	WQMON_C_PENDING_STALE,		/* swept: entry of an item not queued */
	WQMON_C_WORKER_REAPED,		/* swept: worker gone */
	WQMON_C_UNPAIRED,		/* a duration whose ends did not pair */
	WQMON_C_END_LOST,		/* a start found its worker still busy */
	WQMON_C_REQUEUE_RACE,		/* queued again before the start: paired */
	WQMON_C_SERIES_RECLAIMED,	/* idle series slots freed */
	WQMON_C_SWEEPS,
	WQMON_C_SLOW_DROPPED,		/* slow records over the rate bound */
	WQMON_C_NR,
};

/*
 * Who queued (docs/QUEUERS.md): one slot per (series, context, cgroup,
 * comm), open-addressed and CAS-claimed like the series table, with
 * per-CPU stats indexed by slot.  An item carries its queuer's slot from
 * queue_work to its end, so its wait, run time and on-CPU time are charged
 * back to whoever queued it.  Slot 0 counts what found no slot.  User
 * space retires idle slots and frees them with their series' (see
 * collector.c), by the same PUBLISHED -> RETIRED -> FREE steps.
 */
#define WQMON_MAX_QUEUERS	4096
#define WQMON_QUEUER_NONE	0
#define WQMON_QUEUER_UNSEEN	0xffffffffu	/* queued before we watched */

enum wqmon_qctx {
	WQMON_QCTX_TASK,
	WQMON_QCTX_SOFTIRQ,
	WQMON_QCTX_HARDIRQ,
	WQMON_QCTX_NMI,
};

struct wqmon_queuer_key {
	__u64 cgroup;	/* v2 id; 0 outside task context */
	__u32 series;
	__u32 state;	/* WQMON_SK_* */
	__u32 ctx;	/* WQMON_QCTX_* */
	__u32 tgid;	/* the last queuing process: not part of the key */
	char comm[16];	/* task context only */
};

struct wqmon_queuer_stats {
	__u64 queued;
	__u64 started;
	__u64 completed;
	__u64 lat_ns;	/* sums over sampled items */
	__u64 run_ns;
	__u64 cpu_ns;
};

/*
 * One slow work item (docs/SLOW.md): sent through the slow_records ring
 * buffer when a sampled item's latency or run time reaches slow_min_ns.
 * Times are CLOCK_MONOTONIC ns (bpf_ktime_get_ns()).
 */
struct wqmon_slow_record {
	__u64 func;	/* work function address */
	__u64 t_queue;	/* 0: queued before we attached: latency unknown */
	__u64 t_start;
	__u64 t_end;
	__u64 cpu_ns;	/* on-CPU time while it ran */
	__s32 pool_id;
	__u32 cpu;	/* the CPU it ended on */
	__u32 tid;	/* the kworker; 0 for a BH item */
	__u32 queuer;	/* queuer slot: WQMON_QUEUER_NONE/_UNSEEN: not known */
	__u32 flags;	/* WQMON_SR_* */
	__u32 pad;
	char wq_name[32];
};

#define WQMON_SR_BH		1u	/* a BH item, run in softirq context */

#endif /* __WQMON_H */
