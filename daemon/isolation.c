// SPDX-License-Identifier: GPL-2.0
/* Work on the isolated CPUs, as counters (isolation.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isolation.h"
#include "log.h"

#define SYS_CPU "/sys/devices/system/cpu"

int wqd_isolation__init(struct wqd_isolation *iso, const char *setting,
			char *err, size_t errlen)
{
	memset(iso, 0, sizeof(*iso));
	if (!strcmp(setting, "none") || !setting[0])
		return 0;
	if (!strcmp(setting, "auto")) {
		/* Absent files (no nohz_full support) mean no such CPUs. */
		wq_cpuset__read(&iso->cpus, SYS_CPU "/isolated", err, errlen);
		wq_cpuset__read(&iso->cpus, SYS_CPU "/nohz_full", err, errlen);
		err[0] = '\0';
	} else if (wq_cpuset__parse(&iso->cpus, setting, err, errlen)) {
		return -EINVAL;
	}
	iso->on = wq_cpuset__count(&iso->cpus) > 0;
	wq_cpuset__format(&iso->cpus, iso->list, sizeof(iso->list));
	return 0;
}

void wqd_isolation__free(struct wqd_isolation *iso)
{
	free(iso->prev);
	free(iso->rows);
	memset(iso, 0, sizeof(*iso));
}

static struct wq_metrics_isolated *row_of(struct wqd_isolation *iso,
					  const struct wq_cpu_work *w)
{
	struct wq_metrics_isolated *r;

	for (size_t i = 0; i < iso->nr_rows; i++) {
		r = &iso->rows[i];
		if (r->pool_id == w->pool_id &&
		    !strncmp(r->workqueue, w->workqueue, sizeof(r->workqueue)) &&
		    !strncmp(r->function, w->function, sizeof(r->function)))
			return r;
	}
	if (iso->nr_rows == WQD_ISOLATION_MAX_ROWS) {
		iso->rows_dropped++;
		return NULL;
	}
	if (iso->nr_rows == iso->cap_rows) {
		size_t cap = iso->cap_rows ? 2 * iso->cap_rows : 16;

		r = realloc(iso->rows, cap * sizeof(*r));
		if (!r)
			return NULL;
		iso->rows = r;
		iso->cap_rows = cap;
	}
	r = &iso->rows[iso->nr_rows++];
	memset(r, 0, sizeof(*r));
	r->pool_id = w->pool_id;
	r->unbound = w->unbound;
	memcpy(r->workqueue, w->workqueue, sizeof(r->workqueue));
	memcpy(r->function, w->function, sizeof(r->function));
	return r;
}

void wqd_isolation__update(struct wqd_isolation *iso, struct wq_collector *c)
{
	struct wq_cpu_work *cur, *now;
	size_t nr;

	if (!iso->on || !c)
		return;
	if (wq_collector__cpu_work(c, &iso->cpus, &cur, &nr))
		return;		/* the next interval catches up */
	now = malloc((nr ? nr : 1) * sizeof(*now));
	if (!now) {
		free(cur);
		return;
	}
	memcpy(now, cur, nr * sizeof(*now));
	wq_cpu_work__delta(cur, nr, iso->prev, iso->nr_prev);
	for (size_t i = 0; i < nr; i++) {
		struct wq_metrics_isolated *r;

		if (!cur[i].completed || !(r = row_of(iso, &cur[i])))
			continue;
		r->items += cur[i].completed;
		r->run_ns += cur[i].run_ns;
	}
	free(cur);
	free(iso->prev);
	iso->prev = now;
	iso->nr_prev = nr;
}
