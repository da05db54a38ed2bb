/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prometheus / OpenMetrics exposition of wqmon snapshots (docs/METRICS.md).
 * Pure: renders into a FILE (an open_memstream in the daemon), no I/O of
 * its own, so every line is unit-tested and checked by `promtool check
 * metrics`.
 */
#ifndef WQMON_METRICS_H
#define WQMON_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "model.h"
#include "slow.h"
#include "stall.h"
#include "wqconfig.h"

/* One source as the daemon sees it. */
struct wq_metrics_source {
	const char *name;		/* "kernel", "refwq:demo", "kmod" */
	bool up;			/* its last scrape succeeded */
	uint64_t scrape_ns;		/* duration of its last scrape */
	const struct wq_snapshot *snap;	/* cumulative; NULL when down */
};

/*
 * Which (workqueue, function) pairs of each source have series of their
 * own, and the counts each had when it got them.  Kept from render to
 * render so that every counter stays monotonic when the top-N ranking
 * changes (docs/METRICS.md, "Top-N functions").  One per daemon, shared by
 * every scraper; renders that share it are serialized by its own lock.
 */
struct wq_metrics_state;

/* Return: a new, empty state, or NULL when out of memory. */
struct wq_metrics_state *wq_metrics_state__new(void);
void wq_metrics_state__free(struct wq_metrics_state *st);

/*
 * Which queuer label sets have series of their own in /metrics
 * (wqmon_queuer_*; docs/METRICS.md, "Queuers"): at most @cap over every
 * source, first come, first kept for the object's life, so that every
 * counter stays monotonic; the rest of each (source, workqueue, function)
 * is one context="other" series.  One per daemon, made with the limit it
 * keeps; renders that share it are serialized by its own lock.
 */
struct wq_metrics_queuers;

/* Return: a new, empty admission list for @cap label sets (at least 1),
 * or NULL when out of memory or @cap is 0. */
struct wq_metrics_queuers *wq_metrics_queuers__new(size_t cap);
void wq_metrics_queuers__free(struct wq_metrics_queuers *q);

/* Stalls started so far, per source and kind (wqmon_stalls_total). */
struct wq_metrics_stall_total {
	const char *source;
	enum wq_stall_kind kind;
	uint64_t count;
};

/* Segments a reader refused, by reason (wqmond's refwq discovery). */
struct wq_metrics_refusal {
	const char *reason;
	uint64_t count;
};

/* A listener's TLS certificate (wqmond's web_config). */
struct wq_metrics_tls {
	const char *listener;	/* "listen" or "socket" */
	int64_t not_after;	/* seconds since the epoch */
};

/* Work run on the isolated CPUs, kept by wqmond ([kernel] isolated_cpus):
 * cumulative per (pool, workqueue, function). */
struct wq_metrics_isolated {
	int32_t pool_id;
	bool unbound;
	char workqueue[WQ_NAME_LEN];
	char function[WQ_FUNC_LEN];
	uint64_t items;
	uint64_t run_ns;
};

struct wq_metrics_opts {
	bool openmetrics;	/* OpenMetrics 1.0 text instead of 0.0.4 */
	size_t top_functions;	/* per source; the rest is "other"; 0: 50 */
	const char *version;	/* for wqmon_build_info */
	/* NULL: stateless, top N by cumulative activity at each render;
	 * "other" can then go down when the ranking changes. */
	struct wq_metrics_state *state;
	/* Queuer label sets admitted so far; NULL: no wqmon_queuer_*
	 * families ([metrics] queuer_series = 0). */
	struct wq_metrics_queuers *queuers;
	/* Active stalls (wqmon_stall_active) and totals; may be empty. */
	const struct wq_stall *stalls;
	size_t nr_stalls;
	const struct wq_metrics_stall_total *stall_totals;
	size_t nr_stall_totals;
	const struct wq_metrics_refusal *refused;
	size_t nr_refused;
	/* wqmond's HTTP: requests refused by a web_config (basic auth, client
	 * certificate, rate limit), and its certificates. */
	bool http_auth;
	uint64_t http_auth_refused;
	const struct wq_metrics_tls *tls;
	size_t nr_tls;
	/* The kernel source's isolated CPUs ("1,3-5"; NULL: not watched) and
	 * the work that ran there. */
	const char *isolated_cpus;
	const struct wq_metrics_isolated *isolated;
	size_t nr_isolated;
	/* The kernel's workqueue configuration (wqmon_workqueue_info...);
	 * NULL: not read. */
	const struct wq_config *config;
	/* OpenMetrics exemplars on the latency and run-time buckets of the
	 * source @slow_source: recent slow records (docs/SLOW.md), in any
	 * order; none when @nr_slow is 0 or in the 0.0.4 format. */
	const char *slow_source;
	const struct wq_slow *slow;
	size_t nr_slow;
	/* Slow records of the kernel source (wqmon_slow_records_total): kept
	 * (in the recent ring), sent by the probes but under the rules, and
	 * dropped by the probes' rate bound.  No family when !@slow_on. */
	bool slow_on;
	uint64_t slow_kept, slow_under, slow_dropped;
};

/*
 * Write every metric of @n sources to @f.  Nothing is written when the
 * arguments are wrong or memory runs out.
 * Return: 0, -EINVAL (NULL @f or @o, or two sources with one name),
 * -ENOMEM, or -EIO when @f reports an error.
 */
int wq_metrics__render(FILE *f, const struct wq_metrics_source *src, size_t n,
		       const struct wq_metrics_opts *o);

#endif /* WQMON_METRICS_H */
