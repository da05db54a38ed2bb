// SPDX-License-Identifier: GPL-2.0
/*
 * The workqueue configuration, read on a slow interval and on change: see
 * kconfig.h.
 */
#include <stdio.h>
#include <string.h>
#include "kconfig.h"
#include "log.h"

/* A new workqueue seen by the probes reads the configuration again, but
 * not more often than this: a workqueue made and destroyed in a loop must
 * not turn the slow walk into a fast one. */
#define KCONFIG_MIN_GAP_NS (5 * 1000000000ULL)

void wqd_kconfig__open(struct wqd_kconfig *k, uint64_t interval_ns)
{
	int err;

	memset(k, 0, sizeof(*k));
	k->interval_ns = interval_ns;
	if (!interval_ns) {
		snprintf(k->error, sizeof(k->error),
			 "not read: [kernel] config_interval = 0");
		return;
	}
	err = wq_config_reader__open(&k->reader, k->error, sizeof(k->error));
	if (err) {
		pr_warn("workqueue configuration: %s; /api/v1/config will "
			"say so\n", k->error);
		k->reader = NULL;
		return;
	}
	snprintf(k->error, sizeof(k->error), "not read yet");
}

void wqd_kconfig__free(struct wqd_kconfig *k)
{
	wq_config_reader__close(k->reader);
	wq_config__free(&k->cur);
	k->reader = NULL;
}

void wqd_kconfig__tick(struct wqd_kconfig *k, pthread_mutex_t *lock,
		       uint64_t now_ns)
{
	struct wq_config fresh = { 0 };
	char err[256];
	bool stale;
	int ret;

	if (!k->reader)
		return;
	pthread_mutex_lock(lock);
	stale = k->stale && now_ns >= k->last_ns + KCONFIG_MIN_GAP_NS;
	pthread_mutex_unlock(lock);
	if (now_ns < k->next_ns && !stale)
		return;
	k->last_ns = now_ns;
	k->next_ns = now_ns + k->interval_ns;
	/* The walk runs without the lock: readers keep the last one. */
	ret = wq_config_reader__read(k->reader, &fresh, err, sizeof(err));
	pthread_mutex_lock(lock);
	k->reads++;
	k->stale = false;
	if (ret) {
		if (!k->failures++)
			pr_warn("workqueue configuration: %s\n", err);
		snprintf(k->error, sizeof(k->error), "%s", err);
	} else {
		wq_config__free(&k->cur);
		k->cur = fresh;
		k->have = true;
		k->error[0] = '\0';
	}
	pthread_mutex_unlock(lock);
}

void wqd_kconfig__saw(struct wqd_kconfig *k, const struct wq_snapshot *view)
{
	if (!k->reader || !k->have || k->stale || !view)
		return;
	for (size_t i = 0; i < view->nr_series; i++) {
		const char *name = view->series[i].workqueue;

		/* "?": items in flight at attach, no workqueue known. */
		if (name[0] && strcmp(name, "?") &&
		    !wq_config__wq(&k->cur, name)) {
			pr_debug("workqueue %s is new: reading the "
				 "configuration again\n", name);
			k->stale = true;
			return;
		}
	}
}
