/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's workqueue configuration as the daemon serves it
 * (/api/v1/config, wqmon_workqueue_* info metrics): read every
 * [kernel] config_interval, and at once (at most every few seconds) when
 * the probes see a workqueue the last reading does not hold.
 */
#ifndef WQD_KCONFIG_H
#define WQD_KCONFIG_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include "model.h"
#include "wqconfig.h"
#include "wqconfig_reader.h"

struct wqd_kconfig {
	struct wq_config_reader *reader;	/* NULL: not read */
	uint64_t interval_ns;
	uint64_t next_ns;		/* the collection loop's */
	uint64_t last_ns;
	bool stale;			/* lock: a workqueue it lacks was seen */
	struct wq_config cur;		/* lock */
	bool have;			/* lock: cur holds a reading */
	char error[256];		/* lock: why it has none, or "" */
	uint64_t reads, failures;	/* lock */
};

/*
 * Load the walk while the daemon still has its privileges.  A failure is
 * logged once and kept for /api/v1/config; the daemon runs on without it.
 */
void wqd_kconfig__open(struct wqd_kconfig *k, uint64_t interval_ns);
void wqd_kconfig__free(struct wqd_kconfig *k);

/* Read it when due: takes @lock only to publish the reading. */
void wqd_kconfig__tick(struct wqd_kconfig *k, pthread_mutex_t *lock,
		       uint64_t now_ns);

/* After a kernel view (lock held): a workqueue the reading lacks makes
 * the next tick read again. */
void wqd_kconfig__saw(struct wqd_kconfig *k, const struct wq_snapshot *view);

#endif
