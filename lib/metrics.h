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

/* One source as the daemon sees it. */
struct wq_metrics_source {
	const char *name;		/* "kernel", "refwq:demo", "kmod" */
	bool up;			/* its last scrape succeeded */
	uint64_t scrape_ns;		/* duration of its last scrape */
	const struct wq_snapshot *snap;	/* cumulative; NULL when down */
};

struct wq_metrics_opts {
	bool openmetrics;	/* OpenMetrics 1.0 text instead of 0.0.4 */
	size_t top_functions;	/* per source; the rest is "other"; 0: 50 */
	const char *version;	/* for wqmon_build_info */
};

/*
 * Write every metric of @n sources to @f.
 * Return: 0, or -EIO when @f reports an error.
 */
int wq_metrics__render(FILE *f, const struct wq_metrics_source *src, size_t n,
		       const struct wq_metrics_opts *o);

#endif /* WQMON_METRICS_H */
