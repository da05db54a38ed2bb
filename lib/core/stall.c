// SPDX-License-Identifier: GPL-2.0
/*
 * Stall detection: pure rules over snapshots (no I/O), so every rule is
 * unit-tested and the same code judges the kernel, refwq and kmod sources.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stall.h"

const char *wq_stall_kind__name(enum wq_stall_kind k)
{
	static const char *const names[WQ_STALL_NR] = {
		[WQ_STALL_PENDING] = "pending",
		[WQ_STALL_RUNNING] = "running",
		[WQ_STALL_CPU_HOG] = "cpu_hog",
		[WQ_STALL_STARVED] = "starved",
		[WQ_STALL_KERNEL] = "kernel",
	};

	return (unsigned int)k < WQ_STALL_NR ? names[k] : "?";
}

void wq_stall_rules__defaults(struct wq_stall_rules *r)
{
	memset(r, 0, sizeof(*r));
	/* Seconds, not the kernel watchdog's 30: that is the point. */
	r->threshold_ns[WQ_STALL_PENDING] = 5000000000ULL;
	r->threshold_ns[WQ_STALL_STARVED] = 5000000000ULL;
	r->threshold_ns[WQ_STALL_RUNNING] = 10000000000ULL;
	/* The kernel calls an item CPU-intensive at 10 ms on CPU. */
	r->threshold_ns[WQ_STALL_CPU_HOG] = 100000000ULL;
	r->hog_clear_intervals = 3;
}

static int kind_from_name(const char *name)
{
	for (int k = 0; k < WQ_STALL_NR; k++)
		if (k != WQ_STALL_KERNEL && !strcmp(name, wq_stall_kind__name(k)))
			return k;
	return -1;
}

int wq_stall_rules__add(struct wq_stall_rules *r, const char *spec, char *err,
			size_t errlen)
{
	char kind[16], pattern[WQ_RULE_PATTERN_LEN], dur[32];
	uint64_t ns;
	int k;

	if (wq_rule__split(spec, kind, pattern, dur,
			   "running events_unbound/* 30s", err, errlen))
		return -EINVAL;
	k = kind_from_name(kind);
	if (k < 0) {
		snprintf(err, errlen, "rule '%s': kind '%s' is not pending, "
			 "starved, running or cpu_hog", spec, kind);
		return -EINVAL;
	}
	if (wq_duration__parse(dur, &ns) || !ns) {
		snprintf(err, errlen, "rule '%s': bad duration '%s' (e.g. 500ms, "
			 "5s, 2m)", spec, dur);
		return -EINVAL;
	}
	return wq_rules__append(r->rule, &r->nr_rules, WQ_STALL_MAX_RULES,
				"stall", k, pattern, ns, err, errlen);
}

uint64_t wq_stall_rules__threshold(const struct wq_stall_rules *r,
				   enum wq_stall_kind kind, const char *wq,
				   const char *fn)
{
	return wq_rules__threshold(r->rule, r->nr_rules, kind, wq, fn,
				   r->threshold_ns[kind]);
}

/* ---- detector ---- */

struct active {
	struct wq_stall s;
	bool seen;		/* condition held in this update */
	unsigned int clean;	/* cpu_hog: intervals without a hog */
};

struct wq_stall_detector {
	struct active *a;
	size_t nr, cap;
	uint64_t next_id;
	uint64_t refused;		/* impossible values, never raised */
	struct wq_stall first_refused;
};

/* 2^63 ns is 292 years: only a wrapped subtraction or garbage gets there. */
#define IMPOSSIBLE_NS (1ULL << 63)

bool wq_stall__possible(uint64_t age_ns, uint64_t observed_ns)
{
	return age_ns < IMPOSSIBLE_NS && (!observed_ns || age_ns <= observed_ns);
}

struct wq_stall_detector *wq_stall_detector__new(void)
{
	struct wq_stall_detector *d = calloc(1, sizeof(*d));

	if (d)
		d->next_id = 1;
	return d;
}

void wq_stall_detector__free(struct wq_stall_detector *d)
{
	if (d)
		free(d->a);
	free(d);
}

static bool same(const struct wq_stall *x, const struct wq_stall *y)
{
	return x->kind == y->kind && x->pool_id == y->pool_id &&
	       x->worker_tid == y->worker_tid && !strcmp(x->source, y->source) &&
	       !strcmp(x->workqueue, y->workqueue) &&
	       !strcmp(x->function, y->function);
}

/* The condition of @s holds now: start it, or update it. */
static int observe(struct wq_stall_detector *d, struct wq_stall *s,
		   uint64_t real_ns, wq_stall_emit_fn emit, void *ctx)
{
	struct active *a;

	for (size_t i = 0; i < d->nr; i++) {
		a = &d->a[i];
		if (!same(&a->s, s))
			continue;
		a->seen = true;
		a->clean = 0;
		a->s.age_ns = s->age_ns;
		a->s.threshold_ns = s->threshold_ns;
		memcpy(a->s.evidence, s->evidence, sizeof(s->evidence));
		emit(&a->s, WQ_STALL_UPDATE, ctx);
		return 0;
	}
	if (d->nr == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 16;
		struct active *n = realloc(d->a, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		d->a = n;
		d->cap = cap;
	}
	a = &d->a[d->nr++];
	memset(a, 0, sizeof(*a));
	a->s = *s;
	a->s.id = d->next_id++;
	a->s.state = WQ_STALL_FIRING;
	/* It began when the item did, not when we noticed. */
	a->s.start_real_ns = real_ns > s->age_ns ? real_ns - s->age_ns : real_ns;
	a->seen = true;
	emit(&a->s, WQ_STALL_START, ctx);
	return 0;
}

/* @s if its age is one @seen could show (its mono_ns is the time since
 * boot, the longest anything in it can have lasted); else counted. */
static int raise_stall(struct wq_stall_detector *d,
		       const struct wq_snapshot *seen, struct wq_stall *s,
		       uint64_t real_ns, wq_stall_emit_fn emit, void *ctx)
{
	if (wq_stall__possible(s->age_ns, seen->mono_ns))
		return observe(d, s, real_ns, emit, ctx);
	if (!d->refused++) {
		d->first_refused = *s;
		snprintf(d->first_refused.evidence,
			 sizeof(d->first_refused.evidence),
			 "age %llu ns is impossible: %s, the source's clock "
			 "reads %llu ns", (unsigned long long)s->age_ns,
			 s->age_ns >= IMPOSSIBLE_NS ? "2^63 ns or more" :
						      "longer than it has run",
			 (unsigned long long)seen->mono_ns);
	}
	return 0;
}

uint64_t wq_stall_detector__refused(const struct wq_stall_detector *d,
				    const struct wq_stall **first)
{
	if (first)
		*first = d->refused ? &d->first_refused : NULL;
	return d->refused;
}

static void resolve(struct wq_stall_detector *d, size_t i, uint64_t real_ns,
		    wq_stall_emit_fn emit, void *ctx)
{
	d->a[i].s.state = WQ_STALL_RESOLVED;
	d->a[i].s.end_real_ns = real_ns;
	emit(&d->a[i].s, WQ_STALL_RESOLVE, ctx);
	d->a[i] = d->a[--d->nr];
}

static const struct wq_inflight *
oldest_pending(const struct wq_snapshot *s, int32_t pool)
{
	const struct wq_inflight *best = NULL;

	for (size_t i = 0; i < s->nr_inflight; i++) {
		const struct wq_inflight *r = &s->inflight[i];

		if (r->kind == WQ_INFLIGHT_PENDING && r->pool_id == pool &&
		    (!best || r->age_ns > best->age_ns))
			best = r;
	}
	return best;
}

/* "pending: 3 aio_fsync_work (events, oldest 1.200s), 1 vmstat_update
 * (mm_percpu_wq, 0.400s); running: vmstat_shepherd on tid 41 for 2.1s" */
static void pool_evidence(const struct wq_snapshot *s, const struct wq_pool *p,
			  char *buf, size_t len)
{
	size_t n = 0;
	int shown = 0;

	n += snprintf(buf + n, len - n, "pool %d cpu %d: %d workers, %d idle, "
		      "%d running; pending:", p->id, p->cpu, p->workers, p->idle,
		      p->running);
	for (size_t i = 0; i < s->nr_inflight && n < len && shown < 4; i++) {
		const struct wq_inflight *r = &s->inflight[i];

		if (r->kind != WQ_INFLIGHT_PENDING || r->pool_id != p->id)
			continue;
		n += snprintf(buf + n, len - n, "%s %u %s (%s, oldest %.3fs)",
			      shown++ ? "," : "", r->count, r->function,
			      r->workqueue, r->age_ns / 1e9);
	}
	for (size_t i = 0; i < s->nr_inflight && n < len; i++) {
		const struct wq_inflight *r = &s->inflight[i];

		if (r->kind != WQ_INFLIGHT_RUNNING || r->pool_id != p->id)
			continue;
		n += snprintf(buf + n, len - n, "; running %s (%s) on tid %d "
			      "for %.3fs", r->function, r->workqueue, r->tid,
			      r->age_ns / 1e9);
	}
}

static int check_pools(struct wq_stall_detector *d,
		       const struct wq_stall_rules *rules,
		       const struct wq_snapshot *cur, uint64_t real_ns,
		       wq_stall_emit_fn emit, void *ctx)
{
	for (size_t i = 0; i < cur->nr_pools; i++) {
		const struct wq_pool *p = &cur->pools[i];
		const struct wq_inflight *o = oldest_pending(cur, p->id);
		struct wq_stall s = { 0 };
		int err;

		if (!p->pending || !p->oldest_pending_ns)
			continue;
		/* Work waits and no worker of the pool runs any: something
		 * else has the CPU.  Work waits behind running work: a
		 * pending stall. */
		s.kind = p->running ? WQ_STALL_PENDING : WQ_STALL_STARVED;
		s.threshold_ns = wq_stall_rules__threshold(
			rules, s.kind, o ? o->workqueue : "",
			o ? o->function : "");
		if (p->oldest_pending_ns <= s.threshold_ns)
			continue;
		snprintf(s.source, sizeof(s.source), "%s", cur->source);
		s.pool_id = p->id;
		s.cpu = p->cpu;
		if (o) {
			snprintf(s.workqueue, sizeof(s.workqueue), "%s",
				 o->workqueue);
			snprintf(s.function, sizeof(s.function), "%s",
				 o->function);
		}
		s.age_ns = p->oldest_pending_ns;
		pool_evidence(cur, p, s.evidence, sizeof(s.evidence));
		err = raise_stall(d, cur, &s, real_ns, emit, ctx);
		if (err)
			return err;
	}
	return 0;
}

static int check_running(struct wq_stall_detector *d,
			 const struct wq_stall_rules *rules,
			 const struct wq_snapshot *cur, uint64_t real_ns,
			 wq_stall_emit_fn emit, void *ctx)
{
	for (size_t i = 0; i < cur->nr_inflight; i++) {
		const struct wq_inflight *r = &cur->inflight[i];
		const struct wq_pool *p;
		struct wq_stall s = { .kind = WQ_STALL_RUNNING };
		int err;

		if (r->kind != WQ_INFLIGHT_RUNNING)
			continue;
		s.threshold_ns = wq_stall_rules__threshold(
			rules, s.kind, r->workqueue, r->function);
		if (r->age_ns <= s.threshold_ns)
			continue;
		p = wq_snapshot__find_pool(cur, r->pool_id);
		snprintf(s.source, sizeof(s.source), "%s", cur->source);
		s.pool_id = r->pool_id;
		s.cpu = p ? p->cpu : -1;
		snprintf(s.workqueue, sizeof(s.workqueue), "%s", r->workqueue);
		snprintf(s.function, sizeof(s.function), "%s", r->function);
		s.worker_tid = r->tid;
		s.age_ns = r->age_ns;
		if (p)
			pool_evidence(cur, p, s.evidence, sizeof(s.evidence));
		err = raise_stall(d, cur, &s, real_ns, emit, ctx);
		if (err)
			return err;
	}
	return 0;
}

static int check_hogs(struct wq_stall_detector *d,
		      const struct wq_stall_rules *rules,
		      const struct wq_snapshot *view, uint64_t real_ns,
		      wq_stall_emit_fn emit, void *ctx)
{
	for (size_t i = 0; view && i < view->nr_series; i++) {
		const struct wq_series *r = &view->series[i];
		const struct wq_pool *p;
		struct wq_stall s = { .kind = WQ_STALL_CPU_HOG };
		int err;

		if (!r->completed)
			continue;
		s.threshold_ns = wq_stall_rules__threshold(
			rules, s.kind, r->workqueue, r->function);
		if (r->max_ns[WQ_H_CPU] <= s.threshold_ns)
			continue;
		p = wq_snapshot__find_pool(view, r->pool_id);
		snprintf(s.source, sizeof(s.source), "%s", view->source);
		s.pool_id = r->pool_id;
		s.cpu = p ? p->cpu : -1;
		snprintf(s.workqueue, sizeof(s.workqueue), "%s", r->workqueue);
		snprintf(s.function, sizeof(s.function), "%s", r->function);
		s.age_ns = r->max_ns[WQ_H_CPU];
		snprintf(s.evidence, sizeof(s.evidence),
			 "%s ran %llu times in %.3fs, up to %.3fs on CPU each "
			 "(%.3fs on CPU in all)", r->function,
			 (unsigned long long)r->completed, view->interval_ns / 1e9,
			 r->max_ns[WQ_H_CPU] / 1e9, r->sum_ns[WQ_H_CPU] / 1e9);
		err = raise_stall(d, view, &s, real_ns, emit, ctx);
		if (err)
			return err;
	}
	return 0;
}

int wq_stall_detector__update(struct wq_stall_detector *d,
			      const struct wq_stall_rules *rules,
			      const struct wq_snapshot *cur,
			      const struct wq_snapshot *view, uint64_t real_ns,
			      wq_stall_emit_fn emit, void *ctx)
{
	int err;

	for (size_t i = 0; i < d->nr; i++)
		if (!strcmp(d->a[i].s.source, cur->source))
			d->a[i].seen = false;
	err = check_pools(d, rules, cur, real_ns, emit, ctx) ?:
	      check_running(d, rules, cur, real_ns, emit, ctx) ?:
	      check_hogs(d, rules, view, real_ns, emit, ctx);
	if (err)
		return err;
	for (size_t i = 0; i < d->nr;) {
		struct active *a = &d->a[i];

		if (strcmp(a->s.source, cur->source) || a->seen) {
			i++;
			continue;
		}
		/* A hog is a rate, not a level: it resolves after a few
		 * clean intervals.  A view with no new data (a source that
		 * publishes less often than we look) is not a clean one. */
		if (a->s.kind == WQ_STALL_CPU_HOG &&
		    (!view || !view->interval_ns ||
		     ++a->clean < rules->hog_clear_intervals)) {
			i++;
			continue;
		}
		resolve(d, i, real_ns, emit, ctx);
	}
	return 0;
}

void wq_stall_detector__forget(struct wq_stall_detector *d, const char *source,
			       uint64_t real_ns, wq_stall_emit_fn emit,
			       void *ctx)
{
	for (size_t i = 0; i < d->nr;) {
		if (strcmp(d->a[i].s.source, source))
			i++;
		else
			resolve(d, i, real_ns, emit, ctx);
	}
}

/* ---- the kernel's own reports ---- */

void wq_stall__from_kmsg(struct wq_stall *s, const struct wq_kmsg_report *r)
{
	memset(s, 0, sizeof(*s));
	s->kind = WQ_STALL_KERNEL;
	s->pool_id = -1;
	s->cpu = -1;
	snprintf(s->source, sizeof(s->source), "kernel");
	switch (r->kind) {
	case WQ_KMSG_LOCKUP:
		s->cpu = r->cpu;
		s->age_ns = r->stuck_s * 1000000000ULL;
		break;
	case WQ_KMSG_CPU_HOG:
		/* Cut short as wq_ksyms__snprint() cuts, when it must. */
		if (snprintf(s->function, sizeof(s->function), "%s%s%s%s",
			     r->function, r->module[0] ? " [" : "", r->module,
			     r->module[0] ? "]" : "") < 0)
			s->function[0] = '\0';
		s->age_ns = r->thresh_us * 1000ULL;
		s->threshold_ns = s->age_ns;
		break;
	case WQ_KMSG_PANIC:
		break;
	}
	snprintf(s->evidence, sizeof(s->evidence), "%s", r->text);
}
