/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel source: loads the probes, and turns their tables into
 * snapshots (lib/core/model.h) on demand.
 */
#ifndef WQMON_COLLECTOR_H
#define WQMON_COLLECTOR_H

#include <stdbool.h>
#include <stdint.h>
#include "cpulist.h"
#include "model.h"
#include "slow.h"

enum wq_attach_mode {
	WQ_ATTACH_AUTO,		/* tp_btf where the kernel has it, else raw_tp */
	WQ_ATTACH_TP_BTF,
	WQ_ATTACH_RAW_TP,
};

struct wq_collector_opts {
	enum wq_attach_mode mode;
	/* Who queued each item (snapshot queuer rows, docs/QUEUERS.md). */
	bool track_queuers;
	bool no_cpu_time;	/* skip the sched_switch hook */
	/* Sampled mode: measure the durations of 1 item in sample_every
	 * (0 or 1: every item); at most WQ_SAMPLE_EVERY_MAX. */
	uint32_t sample_every;
	/* Slow items (docs/SLOW.md): the probes send a record of every
	 * sampled item whose latency or run time reaches slow_min_ns (0:
	 * none), at most slow_per_sec a second per CPU (0: 100). */
	uint64_t slow_min_ns;
	uint32_t slow_per_sec;
	const char *proc_root;	/* default "/proc" */
	const char *kallsyms;	/* default "/proc/kallsyms" */
	const char *cgroup_root;	/* default: the cgroup2 mount */
};

#define WQ_SAMPLE_EVERY_MAX	65536

/* --sample N of wqctl and wqtop.  Return: 0, or -EINVAL with one line in
 * @err. */
int wq_collector__parse_sample(const char *text, uint32_t *every, char *err,
			       size_t errlen);

struct wq_collector;

/*
 * Load and attach the probes.  On failure prints one actionable error line
 * (not root, no BTF, ...) and returns -errno.
 */
int wq_collector__open(struct wq_collector **out,
		       const struct wq_collector_opts *opts);
void wq_collector__close(struct wq_collector *c);

/* Fill @s with the cumulative state since the probes were attached. */
int wq_collector__snapshot(struct wq_collector *c, struct wq_snapshot *s);

/* Attach mode in use: "tp_btf" or "raw_tp". */
const char *wq_collector__mode(const struct wq_collector *c);

/*
 * What kernel thread @tid is doing: its kernel stack, through the probes'
 * task iterator (CAP_BPF suffices), symbolized and formatted as
 * wq_kstack__format() does.  For a stall's worker, once, never per item.
 * Return: frames written, or -errno (-ENOENT: no such task).
 */
int wq_collector__stack(struct wq_collector *c, int32_t tid, char *out,
			size_t len);

/*
 * Work that ran on the CPUs of @cpus, per series: the probes count each
 * item on the CPU that ran it (per-CPU statistics), so these are the
 * completions and run times of those CPUs only.  Cumulative since the
 * probes attached, in slot order: take two and subtract rows whose slot
 * and key are equal (wq_cpu_work__delta).  Reads the tables only; no
 * sweep, no reclaim.  Return: 0 with *@out (free() it) and *@nr, or -errno.
 */
struct wq_cpu_work {
	uint32_t slot;
	uint64_t func, wq;		/* the key: a reused slot differs */
	int32_t pool_id;
	int32_t pool_cpu;		/* -1: unbound (or pool not known) */
	bool unbound;
	char workqueue[WQ_NAME_LEN];
	char function[WQ_FUNC_LEN];
	uint64_t completed;
	uint64_t run_ns;		/* scaled, in sampled mode */
	uint64_t cpu_ns;
};

int wq_collector__cpu_work(struct wq_collector *c, const struct wq_cpuset *cpus,
			   struct wq_cpu_work **out, size_t *nr);

/* @cur minus the row of @prev with the same slot and key, in place (a row
 * absent from @prev, or whose counts went down as its slot was reclaimed
 * and reused by the same key, counts from zero).  Both in slot order, as
 * wq_collector__cpu_work() gives them. */
void wq_cpu_work__delta(struct wq_cpu_work *cur, size_t nr_cur,
			const struct wq_cpu_work *prev, size_t nr_prev);

/*
 * Slow records (opts.slow_min_ns): wait up to @timeout_ms (as poll(2))
 * and call @fn for each record the probes sent, with its names and wall
 * time filled in (why 0: the caller judges it, wq_slow_rules__judge).
 * A non-zero return of @fn stops the call and is returned.
 * Return: records handled, or -errno (-EINTR: a signal).
 */
typedef int (*wq_slow_fn)(struct wq_slow *r, void *ctx);

int wq_collector__slow_poll(struct wq_collector *c, int timeout_ms,
			    wq_slow_fn fn, void *ctx);
/* A descriptor that polls readable when records wait; -1 when off. */
int wq_collector__slow_fd(struct wq_collector *c);
/* Records the probes dropped: over the rate bound, or the ring full. */
uint64_t wq_collector__slow_dropped(struct wq_collector *c);

#endif /* WQMON_COLLECTOR_H */
