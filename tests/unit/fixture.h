/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one hand-made snapshot the format tests share: what the golden text
 * view tests/unit/fixtures/text_basic.txt shows.  A test that needs more
 * (a counter, a second pool of a per-CPU workqueue, a name to escape) adds
 * it to its copy, next to the assertions that need it.
 *
 *   pools   0 (cpu 0; 3 workers, 1 running, 1.234567 ms on CPU),
 *           1 (cpu 0, nice -20, highpri; 2 idle),
 *           16 (unbound; 3 pending, the oldest 1.5 ms)
 *   series  events/vmstat_update on pool 0: 40 items, latency 30 in
 *           [4096, 8192) and 10 in [16384, 32768) ns, max 25 us; run and
 *           on-CPU time 40 in [2048, 4096) ns;
 *           events_unbound/"flush to ldisc" on pool 16: 7 queued, 6
 *           started, 5 completed, 1 cancelled
 *   an interval view of 2 s, taken 2025-11-23T18:36:10.123456789Z
 */
#ifndef WQMON_TEST_FIXTURE_H
#define WQMON_TEST_FIXTURE_H

#include <string.h>
#include "model.h"

static inline struct wq_snapshot *fixture_basic(void)
{
	struct wq_snapshot *s = wq_snapshot__new("kernel");
	struct wq_series *r;
	struct wq_pool *p;

	if (!s)
		return NULL;
	strcpy(s->kernel, "6.18.0-1-amd64");
	s->real_ns = 1763922970123456789ULL;
	s->mono_ns = 12345678901234ULL;
	s->interval_ns = 2000000000ULL;
	p = wq_snapshot__add_pool(s);
	p->cpu = 0;
	p->workers = 3;
	p->idle = 2;
	p->running = 1;
	p->cpu_ns = 1234567;
	p = wq_snapshot__add_pool(s);
	p->id = 1;
	p->nice = -20;
	p->flags = WQ_POOL_HIGHPRI;
	p->workers = 2;
	p->idle = 2;
	p = wq_snapshot__add_pool(s);
	p->id = 16;
	p->cpu = -1;
	p->flags = WQ_POOL_UNBOUND;
	p->workers = 5;
	p->idle = 4;
	p->running = 1;
	p->pending = 3;
	p->oldest_pending_ns = 1500000;

	r = wq_snapshot__add_series(s);
	strcpy(r->workqueue, "events");
	strcpy(r->function, "vmstat_update");
	r->queued = 40;
	r->activated = 40;
	r->started = 40;
	r->completed = 40;
	r->hist[WQ_H_LAT].slot[12] = 30;
	r->hist[WQ_H_LAT].slot[14] = 10;
	r->max_ns[WQ_H_LAT] = 25000;
	r->sum_ns[WQ_H_LAT] = 300000;
	r->hist[WQ_H_RUN].slot[11] = 40;
	r->max_ns[WQ_H_RUN] = 3900;
	r->sum_ns[WQ_H_RUN] = 120000;
	r->sum_ns[WQ_H_CPU] = 110000;
	r->hist[WQ_H_CPU].slot[11] = 40;
	r->max_ns[WQ_H_CPU] = 3800;
	r = wq_snapshot__add_series(s);
	r->pool_id = 16;
	strcpy(r->workqueue, "events_unbound");
	strcpy(r->function, "flush to ldisc");
	r->queued = 7;
	r->started = 6;
	r->completed = 5;
	r->cancelled = 1;
	return s;
}

#endif /* WQMON_TEST_FIXTURE_H */
