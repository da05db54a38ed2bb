// SPDX-License-Identifier: GPL-2.0
/* Invariants of the snapshot model (invariants.h). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hist.h"
#include "invariants.h"

/* Slack for a pool's CPU time in an interval: the clocks of the CPU time
 * and of the interval are read at slightly different moments. */
#define CPU_SLACK_NS 2000000ull

struct report {
	char *out;
	size_t len, used;
	int n;
};

static void violation(struct report *r, const char *fmt, ...)
{
	va_list ap;
	int w;

	r->n++;
	if (!r->out || r->used + 1 >= r->len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(r->out + r->used, r->len - r->used, fmt, ap);
	va_end(ap);
	if (w < 0)
		return;
	r->used += (size_t)w < r->len - r->used ? (size_t)w : r->len - r->used - 1;
	if (r->used + 1 < r->len) {
		r->out[r->used++] = '\n';
		r->out[r->used] = '\0';
	}
}

#define ROW "%s: pool %d %s %s: "
#define ROW_ARGS(s, x) (s)->source, (x)->pool_id, (x)->workqueue, (x)->function

static void backwards(struct report *r, const struct wq_snapshot *s,
		      const struct wq_series *now, const char *what,
		      uint64_t before, uint64_t after)
{
	if (after < before)
		violation(r, ROW "%s went backwards: %" PRIu64 " -> %" PRIu64,
			  ROW_ARGS(s, now), what, before, after);
}

static void check_monotonic(struct report *r, const struct wq_snapshot *prev,
			    const struct wq_snapshot *cur)
{
	for (int c = 0; c < WQ_C_NR; c++)
		if (cur->counters[c] < prev->counters[c])
			violation(r, "%s: counter %s went backwards: %" PRIu64
				  " -> %" PRIu64, cur->source,
				  wq_counter__name(c), prev->counters[c],
				  cur->counters[c]);
	for (size_t i = 0; i < prev->nr_series; i++) {
		const struct wq_series *a = &prev->series[i], *b;

		b = wq_snapshot__find_series(cur, a->pool_id, a->workqueue,
					     a->function);
		if (!b)
			continue;	/* a source may forget an idle series */
		backwards(r, cur, b, "queued", a->queued, b->queued);
		backwards(r, cur, b, "activated", a->activated, b->activated);
		backwards(r, cur, b, "started", a->started, b->started);
		backwards(r, cur, b, "completed", a->completed, b->completed);
		backwards(r, cur, b, "cancelled", a->cancelled, b->cancelled);
		backwards(r, cur, b, "unseen", a->unseen, b->unseen);
		backwards(r, cur, b, "unpaired", a->unpaired, b->unpaired);
		for (int k = 0; k < WQ_H_NR; k++) {
			backwards(r, cur, b, wq_hkind__name(k),
				  wq_hist__count(&a->hist[k]),
				  wq_hist__count(&b->hist[k]));
			backwards(r, cur, b, "a duration sum", a->sum_ns[k],
				  b->sum_ns[k]);
		}
	}
}

/*
 * Every start of an item seen queued gives one latency sample; the others
 * are counted: started unseen (queued before we watched, or the pending
 * table full), unpaired (ends that did not pair; per series, of any kind),
 * refused by the model (per source).  A snapshot reads a series' counts
 * while the probes go on: an item between its start's count and its
 * sample, at most one per CPU, may show on either side.  Exact only when
 * every item is measured (sample_every 1): sampled mode keeps only the
 * bound above.
 */
/* What the source counted as unseen or unpaired beyond its series' own
 * counts: a format with per-series counts lacking (the text view keeps
 * only the source's) leaves them unattributed, so any series may hold them. */
static uint64_t unattributed(const struct wq_snapshot *s)
{
	uint64_t unseen = 0, unpaired = 0, n = 0;

	for (size_t i = 0; i < s->nr_series; i++) {
		unseen += s->series[i].unseen;
		unpaired += s->series[i].unpaired;
	}
	if (s->counters[WQ_C_STARTED_UNSEEN] > unseen)
		n += s->counters[WQ_C_STARTED_UNSEEN] - unseen;
	if (s->counters[WQ_C_UNPAIRED] > unpaired)
		n += s->counters[WQ_C_UNPAIRED] - unpaired;
	return n;
}

static void check_latency_samples(struct report *r,
				  const struct wq_snapshot *s,
				  const struct wq_series *x, uint64_t lat,
				  uint64_t elsewhere)
{
	uint64_t slack = s->ncpus ? s->ncpus : 1;
	uint64_t seen = x->started > x->unseen ? x->started - x->unseen : 0;
	uint64_t lost = x->unpaired + s->counters[WQ_C_REJECTED] + slack +
			elsewhere;

	if (lat + lost < seen || lat > seen + slack)
		violation(r, ROW "%" PRIu64 " latency samples for %" PRIu64
			  " starts of items seen queued (%" PRIu64
			  " started, %" PRIu64 " unseen, %" PRIu64
			  " unpaired, %" PRIu64 " refused, %" PRIu64
			  " in the read)", ROW_ARGS(s, x), lat, seen,
			  x->started, x->unseen, x->unpaired,
			  s->counters[WQ_C_REJECTED], slack);
}

static void check_series(struct report *r, const struct wq_snapshot *s,
			 const struct wq_series *x, uint64_t elsewhere)
{
	/* In sampled mode the histograms are samples scaled by N: up to N
	 * per item. */
	uint64_t every = wq_snapshot__sample_every(s);
	uint64_t lat = wq_hist__count(&x->hist[WQ_H_LAT]) / every;
	uint64_t run = wq_hist__count(&x->hist[WQ_H_RUN]) / every;
	uint64_t read_slack = s->ncpus ? s->ncpus : 1;

	for (int k = 0; k < WQ_H_NR; k++) {
		uint64_t n = wq_hist__count(&x->hist[k]);

		/* Nothing measured on this machine lasted longer than it has
		 * been up: a wrapped duration (2^64 - x) lands here. */
		if (s->mono_ns && x->max_ns[k] > s->mono_ns)
			violation(r, ROW "%s max %" PRIu64 " ns is longer than "
				  "the uptime (%" PRIu64 " ns)", ROW_ARGS(s, x),
				  wq_hkind__name(k), x->max_ns[k], s->mono_ns);
		if (!n)
			continue;
		if (x->sum_ns[k] < x->max_ns[k] ||
		    (x->max_ns[k] && x->sum_ns[k] / n > x->max_ns[k]))
			violation(r, ROW "%s sum %" PRIu64 " ns of %" PRIu64
				  " samples does not fit max %" PRIu64 " ns",
				  ROW_ARGS(s, x), wq_hkind__name(k),
				  x->sum_ns[k], n, x->max_ns[k]);
	}
	/* The series is read while the probes go on: an item between its
	 * count and its sample, one per CPU, may show as a sample only (seen
	 * on tcp_tsq_workfn, BH: 23914 samples for 23913 starts). */
	if (lat > x->started + read_slack)
		violation(r, ROW "%" PRIu64 " latency samples for %" PRIu64
			  " starts", ROW_ARGS(s, x), lat, x->started);
	else if (every == 1)
		check_latency_samples(r, s, x, lat, elsewhere);
	if (run > x->completed + read_slack)
		violation(r, ROW "%" PRIu64 " run-time samples for %" PRIu64
			  " completions", ROW_ARGS(s, x), run, x->completed);
}

static void check_pool_cpu(struct report *r, const struct wq_snapshot *v)
{
	for (size_t i = 0; i < v->nr_pools; i++) {
		const struct wq_pool *p = &v->pools[i];
		uint64_t cpus = p->cpu >= 0 ? 1 : (v->ncpus ? v->ncpus : 1);
		uint64_t cap = v->interval_ns * cpus;

		if (p->cpu_ns > cap + cap / 50 + CPU_SLACK_NS)
			violation(r, "%s: pool %d: %" PRIu64 " ns on CPU in %"
				  PRIu64 " ns on %" PRIu64 " CPU(s): over 100%%",
				  v->source, p->id, p->cpu_ns, v->interval_ns,
				  cpus);
	}
}

/*
 * Every item a queuer row counts, the series counted first (the probes
 * count the series, then the queuer; the collector reads queuers, then
 * series), so the rows add up to at most the series' totals: a row
 * counted twice, or charged for another's items, shows here.
 */
static void check_queuers(struct report *r, const struct wq_snapshot *s)
{
	uint64_t q[4] = { 0 }, t[4] = { 0 };
	static const char *const what[4] = { "queued", "started", "wait ns",
					     "on-CPU ns" };

	if (!s->nr_queuers)
		return;
	for (size_t i = 0; i < s->nr_queuers; i++) {
		q[0] += s->queuers[i].queued;
		q[1] += s->queuers[i].started;
		q[2] += s->queuers[i].lat_ns;
		q[3] += s->queuers[i].cpu_ns;
	}
	for (size_t i = 0; i < s->nr_series; i++) {
		t[0] += s->series[i].queued;
		t[1] += s->series[i].started - s->series[i].unseen;
		t[2] += s->series[i].sum_ns[WQ_H_LAT];
		t[3] += s->series[i].sum_ns[WQ_H_CPU];
	}
	for (int k = 0; k < 4; k++)
		if (q[k] > t[k])
			violation(r, "%s: queuers' %s add up to %" PRIu64
				  ", more than the series' %" PRIu64,
				  s->source, what[k], q[k], t[k]);
}

static void check_queuers_monotonic(struct report *r,
				    const struct wq_snapshot *prev,
				    const struct wq_snapshot *cur)
{
	for (size_t i = 0; i < cur->nr_queuers; i++) {
		const struct wq_queuer *c = &cur->queuers[i];

		for (size_t j = 0; j < prev->nr_queuers; j++) {
			const struct wq_queuer *p = &prev->queuers[j];

			if (!wq_queuer__same(c, p))
				continue;
			if (c->queued < p->queued || c->started < p->started ||
			    c->completed < p->completed ||
			    c->cpu_ns < p->cpu_ns)
				violation(r, ROW "queuer %s %s %s went "
					  "backwards", ROW_ARGS(cur, c),
					  wq_qctx__name(c->ctx), c->comm,
					  c->cgroup);
			break;
		}
	}
}

int wq_invariants__check(const struct wq_snapshot *prev,
			 const struct wq_snapshot *cur,
			 const struct wq_snapshot *view, char *out, size_t len)
{
	struct report r = { out, len, 0, 0 };
	uint64_t elsewhere = unattributed(cur);

	if (out && len)
		out[0] = '\0';
	if (prev && prev->mono_ns) {
		if (cur->mono_ns < prev->mono_ns)
			violation(&r, "%s: time went backwards: %" PRIu64
				  " -> %" PRIu64 " ns", cur->source,
				  prev->mono_ns, cur->mono_ns);
		check_monotonic(&r, prev, cur);
		check_queuers_monotonic(&r, prev, cur);
	}
	check_queuers(&r, cur);
	for (size_t i = 0; i < cur->nr_series; i++)
		check_series(&r, cur, &cur->series[i], elsewhere);
	if (view && view->interval_ns)
		check_pool_cpu(&r, view);
	return r.n;
}
