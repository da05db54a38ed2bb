/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The snapshot model every wqmon component shares (docs/FORMAT.md).
 *
 * A snapshot is one consistent view at one time: cumulative counters and
 * histograms per series (source, pool, workqueue, function) and the state of
 * each pool.  An interval view is the difference of two snapshots
 * (wq_snapshot__delta): the same type, with interval_ns set, so every
 * renderer and parser handles both.
 */
#ifndef WQMON_MODEL_H
#define WQMON_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WQ_HIST_SLOTS	36	/* slot i: [2^i, 2^(i+1)) ns; see bpf/wqmon.h */
#define WQ_SOURCE_LEN	48
#define WQ_NAME_LEN	32	/* kernel workqueue names are at most 31 */
#define WQ_FUNC_LEN	64

enum wq_hkind {
	WQ_H_Q2A,	/* queued -> activated */
	WQ_H_A2S,	/* activated -> started */
	WQ_H_LAT,	/* queued -> started: "latency" */
	WQ_H_RUN,	/* started -> completed, wall clock: "run time" */
	WQ_H_CPU,	/* on-CPU time of the worker per execution */
	WQ_H_NR,
};

struct wq_hist {
	uint64_t slot[WQ_HIST_SLOTS];
};

/* Pool flags. */
#define WQ_POOL_UNBOUND	(1u << 0)
#define WQ_POOL_BH	(1u << 1)	/* softirq (BH) pool, 6.9+ */
#define WQ_POOL_HIGHPRI	(1u << 2)	/* nice < 0 */

struct wq_pool {
	int32_t id;
	int32_t cpu;		/* -1: unbound */
	int32_t nice;
	uint32_t flags;		/* WQ_POOL_* */
	int32_t workers;	/* kworker threads of this pool */
	int32_t idle;		/* of which idle (waiting for work) */
	int32_t running;	/* of which running a work item now */
	uint64_t pending;	/* items queued and not yet started */
	uint64_t oldest_pending_ns;	/* age of the oldest pending item */
	uint64_t cpu_ns;	/* cumulative on-CPU time of its workers */
};

struct wq_series {
	int32_t pool_id;
	char workqueue[WQ_NAME_LEN];
	char function[WQ_FUNC_LEN];	/* symbol, or 0x... when unknown */
	uint64_t func_addr;		/* 0 when not known (parsed text) */
	uint64_t queued;
	uint64_t activated;
	uint64_t started;
	uint64_t completed;
	uint64_t cancelled;
	uint64_t unseen;	/* started with no queue record: no latency */
	uint64_t unpaired;	/* durations whose two ends did not pair */
	uint64_t sum_ns[WQ_H_NR];
	uint64_t max_ns[WQ_H_NR];	/* over the snapshot's span */
	struct wq_hist hist[WQ_H_NR];
};

/* Work in flight at the snapshot's time: what stall evidence is made of.
 * Pending items are aggregated per (pool, workqueue, function); running
 * items are one row per worker.  Not part of the text view (a point in
 * time, not a counter); sources that cannot see them leave the list empty. */
enum wq_inflight_kind { WQ_INFLIGHT_PENDING, WQ_INFLIGHT_RUNNING };

struct wq_inflight {
	enum wq_inflight_kind kind;
	int32_t pool_id;
	char workqueue[WQ_NAME_LEN];
	char function[WQ_FUNC_LEN];
	int32_t tid;		/* running: the worker; pending: 0 */
	uint32_t count;		/* pending: items; running: 1 */
	uint64_t age_ns;	/* pending: the oldest; running: since start */
};

/*
 * Who queued a series' items (docs/QUEUERS.md): one row per (series,
 * context, cgroup, comm).  Items queued from hard-IRQ, softirq or NMI
 * context have their own row with no task (never the interrupted task's
 * name); WQ_QCTX_OTHER is what could not be attributed or was folded.
 * The durations are sums over the row's measured items (scaled like the
 * series' sums in sampled mode), charged back to the queuer: the wait
 * (queued -> started), the kworker's wall run time and its on-CPU time.
 */
#define WQ_COMM_LEN	16
#define WQ_CGROUP_LEN	128

enum wq_qctx {
	WQ_QCTX_TASK,
	WQ_QCTX_SOFTIRQ,
	WQ_QCTX_HARDIRQ,
	WQ_QCTX_NMI,
	WQ_QCTX_OTHER,	/* unattributed (table full) or folded rows */
	WQ_QCTX_NR,
};

struct wq_queuer {
	int32_t pool_id;			/* the series: as wq_series */
	char workqueue[WQ_NAME_LEN];
	char function[WQ_FUNC_LEN];
	enum wq_qctx ctx;
	char comm[WQ_COMM_LEN];		/* task context only, else "" */
	int32_t tgid;		/* the last process seen; not part of the key */
	uint64_t cgroup_id;	/* cgroup v2 id; 0: none (not a task) */
	char cgroup[WQ_CGROUP_LEN];	/* path below the cgroup2 mount */
	uint64_t queued;
	uint64_t started;
	uint64_t completed;
	uint64_t lat_ns;	/* sum: queued -> started */
	uint64_t run_ns;	/* sum: started -> completed, wall clock */
	uint64_t cpu_ns;	/* sum: the kworker's on-CPU time */
};

/* Source-wide counters: what could not be tracked, never silently
 * (docs/METRICS.md says which numbers each one affects). */
enum wq_counter {
	WQ_C_PENDING_DROPPED,	/* pending table full: no latency sample */
	WQ_C_WORKER_DROPPED,	/* worker table full: no run time sample */
	WQ_C_SERIES_DROPPED,	/* series table full: counted under "?" */
	WQ_C_PENDING_CANCELLED,	/* items taken off a queue unrun */
	WQ_C_PENDING_STALE,	/* entries of items no longer queued */
	WQ_C_WORKER_REAPED,	/* worker entries of exited kworkers */
	WQ_C_STARTED_UNSEEN,	/* started, queued before we watched */
	WQ_C_UNPAIRED,		/* durations left out: ends did not pair */
	WQ_C_END_LOST,		/* a start found the previous item unended */
	WQ_C_PROBE_MISSED,	/* probe runs the kernel skipped (recursion) */
	WQ_C_SERIES_RECLAIMED,	/* idle series slots freed */
	WQ_C_REJECTED,		/* impossible values the model refused */
	WQ_C_NR,
};

/* A kernel probe program and the runs the kernel skipped because it was
 * already running on that CPU (bpf_prog_info.recursion_misses). */
#define WQ_MAX_PROBES	16
struct wq_probe {
	char name[32];
	uint64_t missed;
};

struct wq_snapshot {
	char source[WQ_SOURCE_LEN];	/* "kernel", "refwq:<name>", "kmod" */
	char kernel[64];		/* uname -r of the source's kernel */
	uint64_t mono_ns;		/* CLOCK_MONOTONIC when taken */
	uint64_t real_ns;		/* CLOCK_REALTIME when taken */
	uint64_t interval_ns;		/* 0: cumulative; else a delta */
	uint32_t ncpus;			/* CPUs of the host; 0: unknown */
	/* Sampled mode: the durations of 1 work item in sample_every are
	 * measured, and the histograms and sums hold those samples scaled
	 * by sample_every (estimates of the whole; maxima are of the
	 * samples).  Counts are exact.  0 or 1: every item is measured. */
	uint32_t sample_every;
	uint64_t counters[WQ_C_NR];
	struct wq_probe probes[WQ_MAX_PROBES];
	size_t nr_probes;
	struct wq_pool *pools;
	size_t nr_pools, cap_pools;
	struct wq_series *series;
	size_t nr_series, cap_series;
	struct wq_inflight *inflight;
	size_t nr_inflight, cap_inflight;
	struct wq_queuer *queuers;	/* empty when not tracked */
	size_t nr_queuers, cap_queuers;
};

/* "pending_dropped", "lat", ...: the names in every format; NULL if out of
 * range. */
const char *wq_counter__name(enum wq_counter c);
const char *wq_hkind__name(enum wq_hkind k);

struct wq_snapshot *wq_snapshot__new(const char *source);
void wq_snapshot__free(struct wq_snapshot *s);
void wq_snapshot__reset(struct wq_snapshot *s);

/* Append a zeroed row; NULL when out of memory. */
struct wq_pool *wq_snapshot__add_pool(struct wq_snapshot *s);
struct wq_series *wq_snapshot__add_series(struct wq_snapshot *s);
struct wq_inflight *wq_snapshot__add_inflight(struct wq_snapshot *s);
struct wq_queuer *wq_snapshot__add_queuer(struct wq_snapshot *s);

struct wq_pool *wq_snapshot__find_pool(const struct wq_snapshot *s,
				       int32_t id);
struct wq_series *wq_snapshot__find_series(const struct wq_snapshot *s,
					   int32_t pool_id, const char *wq,
					   const char *function);

/* Fold @src into @dst (counts and histograms added, maxima max'ed). */
void wq_series__add(struct wq_series *dst, const struct wq_series *src);

/*
 * Derived numbers, defined once (docs/COLUMNS.md lists every column and
 * which of these it shows).  The text view and JSON compute the same in
 * fixed point, so that their output is exact and reproducible.
 */

/* @count events of an interval of @interval_ns, per second; 0 for a
 * cumulative snapshot (no interval). */
static inline double wq_per_second(uint64_t count, uint64_t interval_ns)
{
	return interval_ns ? count * 1e9 / interval_ns : 0;
}

/* On-CPU time as a share of one CPU over the interval, in % (as top:
 * 200 % is two CPUs busy); NAN for a cumulative snapshot. */
static inline double wq_cpu_pct(uint64_t cpu_ns, uint64_t interval_ns)
{
	return interval_ns ? cpu_ns * 100.0 / interval_ns : __builtin_nan("");
}

/* 1 in how many items' durations a snapshot measured: 1 when all. */
static inline uint32_t wq_snapshot__sample_every(const struct wq_snapshot *s)
{
	return s->sample_every > 1 ? s->sample_every : 1;
}

/*
 * The rate every face shows (the text view's rate/s, JSON's
 * queued_per_second, wqtop's QUEUED/s, the dashboard's rate/s): items
 * queued per second of an interval view.  0 for a cumulative snapshot.
 */
static inline double wq_series__rate(const struct wq_series *s,
				     uint64_t interval_ns)
{
	return wq_per_second(s->queued, interval_ns);
}

/*
 * @out = @cur - @prev: counters and histograms of the interval, pools as in
 * @cur (their cpu_ns becomes the interval's).  Maxima: exact when they grew
 * in the interval, else bounded by the interval's histogram (see model.c).
 * Series absent from @prev count from zero; series with no activity in the
 * interval are left out.
 * Return: 0, or -ENOMEM.
 */
int wq_snapshot__delta(struct wq_snapshot *out, const struct wq_snapshot *cur,
		       const struct wq_snapshot *prev);

/*
 * One row per workqueue name, sorted by name: the sum of its series
 * (wq_series__add), with pool_id -1 and an empty function.
 * Return: 0 with *@out (free() it) and *@nr set, or -ENOMEM.
 */
int wq_snapshot__workqueues(const struct wq_snapshot *s,
			    struct wq_series **out, size_t *nr);

/* @dst = @src, rows and all.  Return: 0, or -ENOMEM. */
int wq_snapshot__copy(struct wq_snapshot *dst, const struct wq_snapshot *src);

/*
 * Keep only the series whose workqueue matches @wq_glob and whose function
 * matches @fn_glob (fnmatch(3) patterns; NULL: any), and in-flight rows
 * alike; pools and counters stay.  For a view, never for a stream's
 * cumulative snapshot (its next delta needs every series).
 * Return: the series left out.
 */
size_t wq_snapshot__filter(struct wq_snapshot *s, const char *wq_glob,
			   const char *fn_glob);

/*
 * Refuse impossible durations, whatever the source: a maximum beyond the
 * time since boot (@s->mono_ns; every source uses CLOCK_MONOTONIC), or a
 * sum beyond count x maximum, is a wrapped or corrupted value.  That
 * histogram kind of that series is cleared and the samples are counted in
 * WQ_C_REJECTED.  Sources call it on every cumulative snapshot.
 * Return: the number of samples refused.
 */
uint64_t wq_snapshot__sanitize(struct wq_snapshot *s);

/* Sort rows into a stable canonical order: pools by id, series by
 * (workqueue, function, pool). */
void wq_snapshot__sort(struct wq_snapshot *s);

/* "task", "softirq", "hardirq", "nmi", "other"; NULL if out of range. */
const char *wq_qctx__name(enum wq_qctx c);
/* The context named @name, or -1. */
int wq_qctx__parse(const char *name);

/* Do @a and @b name the same queuer of the same series? */
bool wq_queuer__same(const struct wq_queuer *a, const struct wq_queuer *b);
/* Fold @src's counts into @dst (tgid and cgroup path: @src's if set). */
void wq_queuer__add(struct wq_queuer *dst, const struct wq_queuer *src);

/* How faces rank queuers: kworker CPU charged, or items queued. */
enum wq_qorder { WQ_QORDER_CPU, WQ_QORDER_QUEUED };

/*
 * The top @k queuers of one series (@of; NULL: of all series, each
 * queuer's rows merged, with workqueue and function left empty), ranked by
 * @order, then one WQ_QCTX_OTHER row (comm "other") folding the rest when
 * there are more.  Every face shows queuers through this, so that their
 * ranking and folding agree.
 * Return: 0 with *@out (free() it) and *@nr set, or -ENOMEM.
 */
int wq_snapshot__top_queuers(const struct wq_snapshot *s,
			     const struct wq_series *of, enum wq_qorder order,
			     size_t k, struct wq_queuer **out, size_t *nr);

#endif /* WQMON_MODEL_H */
