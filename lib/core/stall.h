/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stalls: what the detector finds, and what alert sinks receive.
 *
 * A stall starts once, is updated while it lasts, and resolves once
 * (hysteresis).  Every record carries its evidence.
 */
#ifndef WQMON_STALL_H
#define WQMON_STALL_H

#include <stdbool.h>
#include <stdint.h>
#include "kmsg.h"
#include "model.h"
#include "rules.h"
#include "wqtime.h"

enum wq_stall_kind {
	WQ_STALL_PENDING,	/* oldest pending item of a pool not started */
	WQ_STALL_RUNNING,	/* one item running longer than its threshold */
	WQ_STALL_CPU_HOG,	/* on-CPU time per execution above threshold */
	WQ_STALL_STARVED,	/* pool starved by a higher-priority task */
	WQ_STALL_KERNEL,	/* the kernel's own report (/dev/kmsg) */
	WQ_STALL_NR,
};

enum wq_stall_state { WQ_STALL_FIRING, WQ_STALL_RESOLVED };

struct wq_stall {
	uint64_t id;			/* unique within the daemon's life */
	enum wq_stall_kind kind;
	enum wq_stall_state state;
	char source[WQ_SOURCE_LEN];
	int32_t pool_id;		/* -1: not a pool's */
	int32_t cpu;			/* -1: unbound or unknown */
	char workqueue[WQ_NAME_LEN];	/* "" when not known */
	char function[WQ_FUNC_LEN];	/* "" when not known */
	int32_t worker_tid;		/* 0 when not known */
	uint64_t threshold_ns;
	uint64_t age_ns;		/* how long, at the last update */
	uint64_t start_real_ns;		/* CLOCK_REALTIME when it started */
	uint64_t end_real_ns;		/* 0 while firing */
	char evidence[512];		/* one line: what else is pending, ... */
	/* What the workers were doing when it started: their kernel stacks,
	 * "tid N: fn [module] < caller < ...; tid M: ...", innermost frame
	 * first; "" when not captured (not a kernel source, no privilege). */
	char stack[1024];
};

const char *wq_stall_kind__name(enum wq_stall_kind k);	/* "pending" ... */

/*
 * Thresholds: a default per kind, and rules "KIND WORKQUEUE/FUNCTION DURATION"
 * (fnmatch globs, e.g. "running events_unbound/[*] 30s" where [*] is a
 * star); the last matching
 * rule wins.  A stall starts once its value passes the threshold and
 * resolves once it is back under it (pending, running) or after
 * @hog_clear_intervals intervals without a hogging execution (cpu_hog).
 */
#define WQ_STALL_MAX_RULES 64

struct wq_stall_rules {
	uint64_t threshold_ns[WQ_STALL_NR];
	unsigned int hog_clear_intervals;
	struct wq_rule rule[WQ_STALL_MAX_RULES];
	size_t nr_rules;
};

void wq_stall_rules__defaults(struct wq_stall_rules *r);
/* Return: 0, or -EINVAL / -E2BIG with the reason in @err. */
int wq_stall_rules__add(struct wq_stall_rules *r, const char *spec, char *err,
			size_t errlen);
uint64_t wq_stall_rules__threshold(const struct wq_stall_rules *r,
				   enum wq_stall_kind kind, const char *wq,
				   const char *fn);

enum wq_stall_event { WQ_STALL_START, WQ_STALL_UPDATE, WQ_STALL_RESOLVE };

typedef void (*wq_stall_emit_fn)(const struct wq_stall *s,
				 enum wq_stall_event ev, void *ctx);

struct wq_stall_detector;

struct wq_stall_detector *wq_stall_detector__new(void);
void wq_stall_detector__free(struct wq_stall_detector *d);

/*
 * Look at one source's latest state: @cur (cumulative, with in-flight rows)
 * and @view (the last interval, or NULL).  Calls @emit for every stall that
 * starts, lasts (once per call) or resolves.  @real_ns stamps starts.
 * Return: 0, or -ENOMEM (state kept; the next call catches up).
 */
int wq_stall_detector__update(struct wq_stall_detector *d,
			      const struct wq_stall_rules *rules,
			      const struct wq_snapshot *cur,
			      const struct wq_snapshot *view, uint64_t real_ns,
			      wq_stall_emit_fn emit, void *ctx);

/*
 * A duration no clock can have produced is refused, never raised: 2^63 ns
 * or more (a wrapped subtraction), or longer than the snapshot's own
 * mono_ns, the time since boot that every source's clock counts (nothing
 * in it can have lasted longer).  Return: how many were refused, and in
 * @first (when not NULL) the first, with the reason as evidence, so that
 * the caller can log it once; *@first is NULL while none was.
 */
uint64_t wq_stall_detector__refused(const struct wq_stall_detector *d,
				    const struct wq_stall **first);

/* The same rule for any age: @observed_ns is how long the source has been
 * there to see (0: unknown, then only the 2^63 bound applies). */
bool wq_stall__possible(uint64_t age_ns, uint64_t observed_ns);

/* Resolve every stall of @source (it went away). */
void wq_stall_detector__forget(struct wq_stall_detector *d, const char *source,
			       uint64_t real_ns, wq_stall_emit_fn emit,
			       void *ctx);

/*
 * One of the kernel's own reports (lib/core/kmsg.h) as a one-shot stall of kind
 * WQ_STALL_KERNEL: a lockup's CPU (-1 for a pool of several) and age; a
 * hog's function, named as wq_ksyms__snprint() names it ("fn [module]"),
 * and the kernel's threshold as age and threshold; the line as evidence.
 */
void wq_stall__from_kmsg(struct wq_stall *s, const struct wq_kmsg_report *r);

#endif /* WQMON_STALL_H */
