/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The work kworkers run on the isolated CPUs ([kernel] isolated_cpus), kept
 * by the daemon as cumulative counters for /metrics: what `wqctl
 * audit-isolation` reports for one run, for a fleet to alert on.
 */
#ifndef WQD_ISOLATION_H
#define WQD_ISOLATION_H

#include <stdbool.h>
#include <stddef.h>
#include "collector.h"
#include "cpulist.h"
#include "metrics.h"

/* Rows kept at most: one per (pool, workqueue, function) seen there. */
#define WQD_ISOLATION_MAX_ROWS 1024

struct wqd_isolation {
	bool on;
	struct wq_cpuset cpus;
	char list[256];			/* "1,3-5" */
	struct wq_cpu_work *prev;	/* the last reading, per slot */
	size_t nr_prev;
	struct wq_metrics_isolated *rows;	/* the totals */
	size_t nr_rows, cap_rows;
	uint64_t rows_dropped;		/* keys beyond the bound */
};

/*
 * @setting: "auto" (the kernel's isolated and nohz_full CPUs; off when
 * there are none), "none", or a CPU list.  Return: 0, or -EINVAL with one
 * line in @err.
 */
int wqd_isolation__init(struct wqd_isolation *iso, const char *setting,
			char *err, size_t errlen);
void wqd_isolation__free(struct wqd_isolation *iso);

/* Add what ran there since the last call (after a kernel snapshot). */
void wqd_isolation__update(struct wqd_isolation *iso, struct wq_collector *c);

#endif
