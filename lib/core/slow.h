/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Slow work items (docs/SLOW.md): one record per kernel work item whose
 * latency (queued -> started) or run time (started -> ended) reached its
 * threshold, like bcc's runqslower for work items.
 *
 * The probes send every sampled item past one global minimum (the
 * smallest threshold here: wq_slow_rules__kernel_min); the rules per
 * workqueue/function are applied here, in user space, to what arrives.
 * Pure: no I/O, no clock.
 */
#ifndef WQMON_SLOW_H
#define WQMON_SLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "model.h"
#include "rules.h"

/* Which threshold a record passed (both bits when both). */
#define WQ_SLOW_LATENCY	1u
#define WQ_SLOW_RUN	2u

struct wq_slow {
	uint64_t seq;		/* 1, 2, ... in the order kept (the ring's) */
	int32_t pool_id;
	int32_t cpu;		/* the CPU it ended on */
	int32_t worker_tid;	/* the kworker; 0 for a BH item */
	bool bh;		/* run in softirq context (BH workqueue) */
	char workqueue[WQ_NAME_LEN];	/* "?" when not known */
	char function[WQ_FUNC_LEN];
	/* Who queued it: slot 0 is "not known" (then the rest is empty). */
	uint32_t queuer;
	enum wq_qctx ctx;
	char comm[WQ_COMM_LEN];
	int32_t tgid;
	uint64_t cgroup_id;
	char cgroup[WQ_CGROUP_LEN];
	/* CLOCK_MONOTONIC ns; queued_ns 0: queued before the probes were
	 * attached, latency not known. */
	uint64_t queued_ns, started_ns, ended_ns;
	uint64_t real_offset_ns;	/* CLOCK_REALTIME - CLOCK_MONOTONIC */
	uint64_t cpu_ns;		/* on-CPU time while it ran */
	unsigned int why;		/* WQ_SLOW_* */
};

static inline bool wq_slow__latency_known(const struct wq_slow *r)
{
	return r->queued_ns && r->queued_ns <= r->started_ns;
}

/* 0 when not known. */
static inline uint64_t wq_slow__latency_ns(const struct wq_slow *r)
{
	return wq_slow__latency_known(r) ? r->started_ns - r->queued_ns : 0;
}

static inline uint64_t wq_slow__run_ns(const struct wq_slow *r)
{
	return r->ended_ns >= r->started_ns ? r->ended_ns - r->started_ns : 0;
}

/* CLOCK_REALTIME of a CLOCK_MONOTONIC time of @r; 0 stays 0. */
static inline uint64_t wq_slow__real(const struct wq_slow *r, uint64_t mono)
{
	return mono ? mono + r->real_offset_ns : 0;
}

/* ---- rules ---- */

enum wq_slow_kind { WQ_SLOW_K_LATENCY, WQ_SLOW_K_RUN, WQ_SLOW_K_NR };

const char *wq_slow_kind__name(enum wq_slow_kind k);	/* "latency", "run" */

#define WQ_SLOW_MAX_RULES	64
#define WQ_SLOW_RATE_MAX	100000	/* records a second per CPU */
#define WQ_SLOW_KEEP_MAX	100000

struct wq_slow_rules {
	uint64_t threshold_ns[WQ_SLOW_K_NR];	/* defaults; 0: off */
	struct wq_rule rule[WQ_SLOW_MAX_RULES];
	size_t nr_rules;
	uint32_t max_per_second;	/* per CPU, in the probes */
};

/* Defaults: latency and run time 100 ms, 100 records a second per CPU. */
void wq_slow_rules__defaults(struct wq_slow_rules *r);

/*
 * A rule "KIND WORKQUEUE/FUNCTION DURATION", KIND latency or run, e.g.
 * "run events_unbound/[*] 50ms" ([*] is a star); DURATION "off" (or 0s)
 * keeps those items out.  The last matching rule wins.
 * Return: 0, or -EINVAL / -E2BIG with one line in @err.
 */
int wq_slow_rules__add(struct wq_slow_rules *r, const char *spec, char *err,
		       size_t errlen);

/* A default threshold: a duration, or "off".  Return: 0 or -EINVAL. */
int wq_slow_rules__set_default(struct wq_slow_rules *r, enum wq_slow_kind k,
			       const char *text, char *err, size_t errlen);

/* max_per_second: 1 to WQ_SLOW_RATE_MAX.  Return: 0 or -EINVAL. */
int wq_slow_rules__set_rate(struct wq_slow_rules *r, const char *text,
			    char *err, size_t errlen);

uint64_t wq_slow_rules__threshold(const struct wq_slow_rules *r,
				  enum wq_slow_kind kind, const char *wq,
				  const char *fn);

/* The probes' minimum: the smallest threshold in force anywhere (0: all
 * off, no record is sent). */
uint64_t wq_slow_rules__kernel_min(const struct wq_slow_rules *r);

/* Is @rec slow by @r?  Sets rec->why.  A latency not known is never
 * slow. */
bool wq_slow_rules__judge(const struct wq_slow_rules *r, struct wq_slow *rec);

/* ---- filters (wqctl slow -w/-f, /api/v1/slow?workqueue=&function=) ---- */

struct wq_slow_filter {
	char workqueue[128];	/* fnmatch glob; "" matches all */
	char function[128];
};

/* Set one glob (@what "workqueue" or "function").  Return: 0 or -EINVAL
 * (too long, empty) with one line in @err. */
int wq_slow_filter__set(struct wq_slow_filter *f, const char *what,
			const char *glob, char *err, size_t errlen);
/* The same for one name, matched exactly: its glob characters escaped
 * (a drill-down's series, whatever its function is called). */
int wq_slow_filter__set_name(struct wq_slow_filter *f, const char *what,
			     const char *name, char *err, size_t errlen);
bool wq_slow_filter__match(const struct wq_slow_filter *f,
			   const struct wq_slow *r);

/* ---- the recent records: a bounded ring ---- */

struct wq_slow_ring;

struct wq_slow_ring *wq_slow_ring__new(size_t cap);	/* 1..KEEP_MAX */
void wq_slow_ring__free(struct wq_slow_ring *g);
/* Keep a copy of @r (the oldest goes when full); sets its seq. */
void wq_slow_ring__push(struct wq_slow_ring *g, struct wq_slow *r);
/* The last seq given (0: none yet). */
uint64_t wq_slow_ring__last_seq(const struct wq_slow_ring *g);
/* Up to @max records matching @f, newest first.  Return: how many. */
size_t wq_slow_ring__recent(const struct wq_slow_ring *g,
			    const struct wq_slow_filter *f, size_t max,
			    struct wq_slow *out);
/*
 * Up to @max records after seq @after matching @f, oldest first (a
 * stream's next records).  *@lost: how many after @after were already
 * gone from the ring.  *@next: the seq to ask after next time.
 * Return: how many.
 */
size_t wq_slow_ring__since(const struct wq_slow_ring *g, uint64_t after,
			   const struct wq_slow_filter *f, size_t max,
			   struct wq_slow *out, uint64_t *lost,
			   uint64_t *next);

/* ---- text and JSON ---- */

/* One line for wqctl slow, with a header line to match. */
const char *wq_slow__header(void);
int wq_slow__line(const struct wq_slow *r, char *buf, size_t len);

struct json_object;

/* One record as a JSON object (docs/SLOW.md); NULL when out of memory. */
struct json_object *wq_slow_json__record(const struct wq_slow *r);
/* One line of JSON, no newline.  Return: length, or -ENOMEM/-ENOSPC. */
int wq_slow_json__line(const struct wq_slow *r, char *buf, size_t len);
/* Parse one record (as written above).  Return: 0, or -EINVAL with one
 * line in @err. */
int wq_slow_json__parse(const char *json, struct wq_slow *r, char *err,
			size_t errlen);
/* The rules in force as JSON (thresholds, rules, max_per_second). */
struct json_object *wq_slow_json__rules(const struct wq_slow_rules *r);

#endif /* WQMON_SLOW_H */
