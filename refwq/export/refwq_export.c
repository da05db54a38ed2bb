// SPDX-License-Identifier: GPL-2.0
/* refwq -> wqmon snapshot bridge (see refwq_export.h). */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include <refwq/refwq.h>

#include "model.h"
#include "refwq_export.h"
#include "text.h"

struct fill {
	struct wq_snapshot *s;
	int err;
};

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void func_name(const void *func, char *buf, size_t size)
{
	Dl_info info;

	if (!func) {
		snprintf(buf, size, "(other)");
		return;
	}
	if (dladdr(func, &info) && info.dli_sname && info.dli_saddr == func) {
		snprintf(buf, size, "%s", info.dli_sname);
		return;
	}
	snprintf(buf, size, "0x%lx", (unsigned long)(uintptr_t)func);
}

static int add_pool(const struct refwq_pool_info *pi, void *ctx)
{
	struct fill *f = ctx;
	struct wq_pool *p = wq_snapshot__add_pool(f->s);

	if (!p) {
		f->err = -ENOMEM;
		return 1;
	}
	p->id = pi->id;
	p->cpu = pi->cpu;
	p->nice = pi->nice;
	p->flags = ((pi->flags & REFWQ_POOL_UNBOUND) ? WQ_POOL_UNBOUND : 0) |
		   ((pi->flags & REFWQ_POOL_HIGHPRI) ? WQ_POOL_HIGHPRI : 0);
	p->workers = pi->workers;
	p->idle = pi->idle;
	p->running = pi->running;
	p->pending = pi->pending;
	p->oldest_pending_ns = pi->oldest_pending_ns;
	p->cpu_ns = pi->cpu_ns;
	return 0;
}

/* The model's histogram kinds are refwq's, one for one. */
_Static_assert((int)WQ_H_NR == (int)REFWQ_H_NR, "histogram kinds");
_Static_assert((int)WQ_H_LAT == (int)REFWQ_H_LAT, "histogram kinds");
_Static_assert((int)WQ_H_CPU == (int)REFWQ_H_CPU, "histogram kinds");
_Static_assert(WQ_HIST_SLOTS == REFWQ_HIST_SLOTS, "histogram slots");
_Static_assert(WQ_NAME_LEN == REFWQ_NAME_LEN, "name length");

static int add_series(const struct refwq_series_info *si, void *ctx)
{
	struct fill *f = ctx;
	struct wq_series *s = wq_snapshot__add_series(f->s);
	int k;

	if (!s) {
		f->err = -ENOMEM;
		return 1;
	}
	s->pool_id = si->pool_id;
	memcpy(s->workqueue, si->wq_name, sizeof(s->workqueue));
	s->workqueue[sizeof(s->workqueue) - 1] = '\0';
	func_name(si->func, s->function, sizeof(s->function));
	s->func_addr = (uint64_t)(uintptr_t)si->func;
	s->queued = si->queued;
	s->activated = si->activated;
	s->started = si->started;
	s->completed = si->completed;
	s->cancelled = si->cancelled;
	for (k = 0; k < WQ_H_NR; k++) {
		s->sum_ns[k] = si->sum_ns[k];
		s->max_ns[k] = si->max_ns[k];
		memcpy(s->hist[k].slot, si->hist[k], sizeof(s->hist[k].slot));
	}
	return 0;
}

int refwq_export_snapshot(struct wq_snapshot *s)
{
	struct fill f = {.s = s};
	struct utsname u;

	if (!refwq_nr_cpus())
		return -ENODEV;
	wq_snapshot__reset(s);
	snprintf(s->source, sizeof(s->source), "refwq:%s",
		 refwq_instance_name());
	if (!uname(&u)) {
		strncpy(s->kernel, u.release, sizeof(s->kernel) - 1);
		s->kernel[sizeof(s->kernel) - 1] = '\0';
	}
	s->mono_ns = clock_ns(CLOCK_MONOTONIC);
	s->real_ns = clock_ns(CLOCK_REALTIME);
	refwq_for_each_pool(add_pool, &f);
	if (!f.err)
		refwq_for_each_series(add_series, &f);
	if (f.err)
		return f.err;
	wq_snapshot__sort(s);
	return 0;
}

int refwq_export_text(FILE *f)
{
	struct wq_snapshot *s = wq_snapshot__new("refwq");
	int ret;

	if (!s)
		return -ENOMEM;
	ret = refwq_export_snapshot(s);
	if (!ret)
		ret = wq_text__render(s, f, NULL);
	wq_snapshot__free(s);
	return ret;
}
