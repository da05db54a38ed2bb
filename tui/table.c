// SPDX-License-Identifier: GPL-2.0
/*
 * wqtop's tables: snapshots in, sorted rows of typed cells out.  No curses
 * here, so batch mode and the unit test see exactly what the screen shows.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "hist.h"
#include "table.h"
#include "wqtime.h"

bool wqtop_utf8;

const struct wqtop_column wqtop_columns[COL_NR] = {
	[COL_POOL] = { "POOL", "pool", 6, FMT_INT, "worker pool id (source: prefix when not the kernel)" },
	[COL_CPU] = { "CPU", "cpu", 3, FMT_INT, "CPU of a per-CPU pool, u for unbound" },
	[COL_NICE] = { "NI", "nice", 3, FMT_INT, "nice of the pool's workers" },
	[COL_FLAGS] = { "FL", "flags", 3, FMT_TEXT, "U unbound, H high priority, B softirq (BH)" },
	[COL_WORKERS] = { "WRK", "workers", 4, FMT_INT, "kworker threads in the pool" },
	[COL_IDLE] = { "IDLE", "idle", 4, FMT_INT, "of which idle" },
	[COL_RUNNING] = { "RUN", "running", 4, FMT_INT, "of which running a work item" },
	[COL_PENDING] = { "PEND", "pending", 6, FMT_COUNT, "items queued, not started yet" },
	[COL_OLDEST] = { "OLDEST", "oldest", 7, FMT_NS, "age of the oldest pending item" },
	[COL_WORKQUEUE] = { "WORKQUEUE", "workqueue", 14, FMT_TEXT, "workqueue name" },
	[COL_FUNCTION] = { "FUNCTION", "function", 18, FMT_TEXT, "work function" },
	[COL_RATE] = { "QUEUED/s", "rate", 8, FMT_RATE, "items queued per second in the interval (rate/s in wqctl and the dashboard)" },
	[COL_QUEUED] = { "QUEUED", "queued", 7, FMT_COUNT, "items queued in the interval (not since start)" },
	[COL_COMPLETED] = { "DONE", "completed", 7, FMT_COUNT, "items completed in the interval" },
	[COL_CANCELLED] = { "CANCEL", "cancelled", 6, FMT_COUNT, "items cancelled in the interval" },
	[COL_LAT_P50] = { "LAT50", "lat_p50", 7, FMT_NS, "latency (queued to started), median" },
	[COL_LAT_P99] = { "LAT99", "lat_p99", 7, FMT_NS, "latency, 99th percentile" },
	[COL_LAT_MAX] = { "LATMAX", "lat_max", 7, FMT_NS, "latency, maximum" },
	[COL_RUN_P50] = { "RUN50", "run_p50", 7, FMT_NS, "run time (wall), median" },
	[COL_RUN_P99] = { "RUN99", "run_p99", 7, FMT_NS, "run time, 99th percentile" },
	[COL_RUN_MAX] = { "RUNMAX", "run_max", 7, FMT_NS, "run time, maximum" },
	[COL_CPU_PCT] = { "CPU%", "cpu_pct", 6, FMT_PCT, "on-CPU time, % of one CPU" },
	[COL_TID] = { "TID", "tid", 7, FMT_INT, "kworker thread id" },
	[COL_STATE] = { "S", "state", 1, FMT_TEXT, "thread state: I idle, R running, D blocked" },
	[COL_CPU_TIME] = { "TIME", "time", 7, FMT_NS, "on-CPU time since the thread started" },
	[COL_COMM] = { "COMMAND", "comm", 16, FMT_TEXT, "kworker name (+wq: running, -wq: last ran)" },
	[COL_KIND] = { "KIND", "kind", 8, FMT_TEXT, "stall kind (wqmond's detector): pending, running, cpu_hog, starved, kernel" },
	[COL_AGE] = { "AGE", "age", 7, FMT_NS, "how long the stall has lasted" },
	[COL_LIMIT] = { "OVER", "threshold", 7, FMT_NS, "the threshold it passed (wqmond's [stalls] rules)" },
	[COL_WHAT] = { "WHAT", "what", 16, FMT_TEXT, "the work involved" },
};

#define VC(c, w) { c, w }
static const struct wqtop_vcol pools_cols[] = {
	VC(COL_POOL, 0), VC(COL_CPU, 0), VC(COL_NICE, 100), VC(COL_FLAGS, 0),
	VC(COL_WORKERS, 0), VC(COL_IDLE, 0), VC(COL_RUNNING, 0),
	VC(COL_PENDING, 0), VC(COL_OLDEST, 0), VC(COL_RATE, 0),
	VC(COL_LAT_P50, 110), VC(COL_LAT_P99, 0), VC(COL_RUN_P99, 90),
	VC(COL_CPU_PCT, 0),
};
static const struct wqtop_vcol wq_cols[] = {
	VC(COL_WORKQUEUE, 0), VC(COL_RATE, 0), VC(COL_QUEUED, 100),
	VC(COL_COMPLETED, 0), VC(COL_CANCELLED, 120), VC(COL_LAT_P50, 0),
	VC(COL_LAT_P99, 0), VC(COL_LAT_MAX, 0), VC(COL_RUN_P50, 110),
	VC(COL_RUN_P99, 0), VC(COL_RUN_MAX, 90), VC(COL_CPU_PCT, 0),
};
static const struct wqtop_vcol fn_cols[] = {
	VC(COL_FUNCTION, 0), VC(COL_WORKQUEUE, 0), VC(COL_POOL, 0),
	VC(COL_RATE, 0), VC(COL_QUEUED, 140), VC(COL_COMPLETED, 120),
	VC(COL_CANCELLED, 160), VC(COL_LAT_P50, 100), VC(COL_LAT_P99, 0),
	VC(COL_LAT_MAX, 90), VC(COL_RUN_P50, 150), VC(COL_RUN_P99, 0),
	VC(COL_RUN_MAX, 110), VC(COL_CPU_PCT, 0),
};
static const struct wqtop_vcol kw_cols[] = {
	VC(COL_TID, 0), VC(COL_POOL, 0), VC(COL_STATE, 0), VC(COL_CPU_PCT, 0),
	VC(COL_CPU_TIME, 0), VC(COL_COMM, 0),
};
static const struct wqtop_vcol stall_cols[] = {
	VC(COL_KIND, 0), VC(COL_POOL, 0), VC(COL_CPU, 0), VC(COL_TID, 100),
	VC(COL_AGE, 0), VC(COL_LIMIT, 0), VC(COL_WHAT, 0),
};

static int build_pools(const struct wqtop_data *d, struct wqtop_rows *o,
		       bool tree);
static int build_wqs(const struct wqtop_data *d, struct wqtop_rows *o,
		     bool tree);
static int build_fns(const struct wqtop_data *d, struct wqtop_rows *o,
		     bool tree);
static int build_kworkers(const struct wqtop_data *d, struct wqtop_rows *o,
			  bool tree);
static int build_stalls(const struct wqtop_data *d, struct wqtop_rows *o,
			bool tree);

#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))
const struct wqtop_view wqtop_views[VIEW_NR] = {
	[VIEW_POOLS] = { "pools", "1", pools_cols, NCOLS(pools_cols),
			 COL_POOL, false, true, build_pools },
	[VIEW_WORKQUEUES] = { "workqueues", "2", wq_cols, NCOLS(wq_cols),
			      COL_RATE, false, true, build_wqs },
	[VIEW_FUNCTIONS] = { "functions", "3", fn_cols, NCOLS(fn_cols),
			     COL_RATE, true, true, build_fns },
	[VIEW_KWORKERS] = { "kworkers", "4", kw_cols, NCOLS(kw_cols),
			    COL_CPU_PCT, false, true, build_kworkers },
	[VIEW_STALLS] = { "stalls", "5", stall_cols, NCOLS(stall_cols),
			  COL_AGE, false, true, build_stalls },
};

/* ---- sources ---- */

static struct wqtop_src *src_get(struct wqtop_data *d, const char *name)
{
	struct wqtop_src *n;
	size_t i;

	for (i = 0; i < d->nr_src; i++)
		if (!strcmp(d->src[i].name, name))
			return &d->src[i];
	n = realloc(d->src, (d->nr_src + 1) * sizeof(*n));
	if (!n)
		return NULL;
	d->src = n;
	n = &d->src[d->nr_src++];
	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	return n;
}

static void src_free(struct wqtop_src *s)
{
	unsigned int i;

	wq_snapshot__free(s->cur);
	wq_snapshot__free(s->prev);
	for (i = 0; i < WQTOP_RING; i++)
		wq_snapshot__free(s->ring[i]);
}

/* ---- stalls ---- */

/* The detector's events kept as the list of active stalls. */
static void on_stall(const struct wq_stall *x, enum wq_stall_event ev,
		     void *ctx)
{
	struct wq_stall_list *l = ctx;
	struct wq_stall *n;
	size_t i;

	for (i = 0; i < l->nr_active; i++)
		if (l->active[i].id == x->id)
			break;
	if (ev == WQ_STALL_RESOLVE) {
		if (i < l->nr_active)
			memmove(&l->active[i], &l->active[i + 1],
				(--l->nr_active - i) * sizeof(l->active[0]));
		return;
	}
	if (i == l->nr_active) {
		n = realloc(l->active, (l->nr_active + 1) * sizeof(*n));
		if (!n)
			return;	/* shown at the next update */
		l->active = n;
		l->nr_active++;
	}
	l->active[i] = *x;
}

/* A new interval of a source: the core's detector, unless the daemon's
 * stalls are shown. */
static int detect(struct wqtop_data *d, const struct wq_snapshot *cur,
		  const struct wq_snapshot *view)
{
	if (d->stalls_from_daemon)
		return 0;
	if (!d->detector) {
		d->detector = wq_stall_detector__new();
		if (!d->detector)
			return -ENOMEM;
		wq_stall_rules__defaults(&d->stalls.rules);
	}
	return wq_stall_detector__update(d->detector, &d->stalls.rules, cur,
					 view, cur->real_ns, on_stall,
					 &d->stalls);
}

int wqtop_data__set_stalls(struct wqtop_data *d, const char *json, char *err,
			   size_t errlen)
{
	int ret = wq_stall_json__parse(&d->stalls, json, err, errlen);

	if (ret)
		return ret;
	d->stalls_from_daemon = true;
	wq_stall_detector__free(d->detector);
	d->detector = NULL;
	return 0;
}

void wqtop_data__stall_rules(const struct wqtop_data *d, char *buf,
			     size_t len)
{
	const struct wq_stall_rules *r = &d->stalls.rules;
	size_t off = 0;
	char v[16];

	buf[0] = '\0';
	for (int k = 0; k < WQ_STALL_NR && off < len; k++) {
		if (k == WQ_STALL_KERNEL || !r->threshold_ns[k])
			continue;
		wqtop_fmt__ns(r->threshold_ns[k], v, sizeof(v));
		off += snprintf(buf + off, len - off, "%s%s >= %s",
				off ? ", " : "", wq_stall_kind__name(k), v);
	}
	if (r->nr_rules && off < len)
		snprintf(buf + off, len - off, " (+%zu rules)", r->nr_rules);
}

int wqtop_data__ingest(struct wqtop_data *d, struct wq_snapshot *snap)
{
	struct wqtop_src *s = src_get(d, snap->source);
	unsigned int slot;

	if (!s) {
		wq_snapshot__free(snap);
		return -ENOMEM;
	}
	s->seen = true;
	/* A daemon polled faster than it samples serves the same snapshot
	 * twice: no interval to show, keep the last one. */
	if (s->cur && snap->mono_ns == s->cur->mono_ns) {
		wq_snapshot__free(snap);
		return 0;
	}
	wq_snapshot__free(s->prev);
	s->prev = s->cur;
	s->cur = snap;
	if (!s->prev)
		return 0;
	slot = s->nr_ring ? (s->head + 1) % WQTOP_RING : 0;
	if (!s->ring[slot]) {
		s->ring[slot] = wq_snapshot__new(s->name);
		if (!s->ring[slot])
			return -ENOMEM;
	}
	if (wq_snapshot__delta(s->ring[slot], s->cur, s->prev))
		return -ENOMEM;
	s->head = slot;
	s->fresh = true;
	if (s->nr_ring < WQTOP_RING)
		s->nr_ring++;
	return detect(d, s->cur, s->ring[slot]);
}

void wqtop_data__end_poll(struct wqtop_data *d)
{
	size_t i = 0;
	bool any = false;

	while (i < d->nr_src) {
		if (d->src[i].seen) {
			d->src[i].seen = false;
			any |= d->src[i].fresh;
			d->src[i].fresh = false;
			i++;
			continue;
		}
		/* A refwq instance that exited, or a daemon source gone:
		 * its stalls end with it. */
		if (d->detector)
			wq_stall_detector__forget(d->detector, d->src[i].name,
						  d->src[i].cur ?
						  d->src[i].cur->real_ns : 0,
						  on_stall, &d->stalls);
		src_free(&d->src[i]);
		memmove(&d->src[i], &d->src[i + 1],
			(d->nr_src - i - 1) * sizeof(d->src[0]));
		d->nr_src--;
	}
	if (any)
		d->refreshes++;
}

const struct wq_snapshot *wqtop_data__view(const struct wqtop_data *d,
					   size_t i)
{
	const struct wqtop_src *s = &d->src[i];

	return s->nr_ring ? s->ring[s->head] : NULL;
}

static const struct wqtop_src *kernel_src(const struct wqtop_data *d)
{
	size_t i;

	for (i = 0; i < d->nr_src; i++)
		if (!strcmp(d->src[i].name, "kernel"))
			return &d->src[i];
	return NULL;
}

void wqtop_data__set_kworkers(struct wqtop_data *d, struct wq_kworker *kw,
			      size_t nr, uint64_t interval_ns)
{
	const struct wqtop_src *k = kernel_src(d);
	struct wqtop_kworker *n = calloc(nr ? nr : 1, sizeof(*n));
	size_t i, j;

	if (!n) {
		free(kw);
		return;
	}
	for (i = 0; i < nr; i++) {
		n[i].kw = kw[i];
		n[i].pool_id = -1;
		for (j = 0; k && k->cur && j < k->cur->nr_pools; j++)
			if (wq_kworker__in_pool(&kw[i], &k->cur->pools[j])) {
				n[i].pool_id = k->cur->pools[j].id;
				break;
			}
		n[i].cpu_pct = NAN;
		for (j = 0; interval_ns && j < d->nr_kw; j++)
			if (d->kw[j].kw.tid == kw[i].tid) {
				if (kw[i].cpu_ns >= d->kw[j].kw.cpu_ns)
					n[i].cpu_pct = (kw[i].cpu_ns -
							d->kw[j].kw.cpu_ns) *
						       100.0 / interval_ns;
				break;
			}
	}
	free(kw);
	free(d->kw);
	d->kw = n;
	d->nr_kw = nr;
}

void wqtop_data__free(struct wqtop_data *d)
{
	size_t i;

	for (i = 0; i < d->nr_src; i++)
		src_free(&d->src[i]);
	free(d->src);
	free(d->kw);
	free(d->queuers);
	wq_stall_list__free(&d->stalls);
	wq_stall_detector__free(d->detector);
	d->detector = NULL;
	d->src = NULL;
	d->kw = NULL;
	d->queuers = NULL;
	d->nr_src = d->nr_kw = 0;
	d->nr_queuers = 0;
}

/* ---- severity ---- */

void wqtop_thresholds__default(struct wqtop_thresholds *t)
{
	t->lat_ns[0] = 1e6;	/* 1 ms: an interactive item waits visibly */
	t->lat_ns[1] = 10e6;
	t->run_ns[0] = 10e6;	/* the kernel's CPU-intensive threshold */
	t->run_ns[1] = 100e6;
	/* refwq's watchdog default is 1 s; the kernel's 30 s is far too late
	 * for a live view. */
	t->pending_ns[0] = 100e6;
	t->pending_ns[1] = 1e9;
	t->cpu_pct[0] = 50;
	t->cpu_pct[1] = 90;
}

/* A time in the one grammar of lib/core/wqtime.h (a bare number is refused:
 * ambiguous), or a percentage ("90" or "90%"). */
static int parse_value(const char *s, bool time, double *out)
{
	uint64_t ns;
	char *end;
	double v;

	if (time) {
		if (wq_duration__parse(s, &ns))
			return -EINVAL;
		*out = (double)ns;
		return 0;
	}
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0 || isnan(v) || isinf(v))
		return -EINVAL;
	if (*end == '%')
		end++;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

int wqtop_thresholds__parse(struct wqtop_thresholds *t, const char *spec)
{
	char buf[96], *eq, *colon;
	double *dst, w, c;
	bool time = true;

	if (strlen(spec) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, spec);
	eq = strchr(buf, '=');
	if (!eq)
		return -EINVAL;
	*eq++ = '\0';
	if (!strcmp(buf, "lat"))
		dst = t->lat_ns;
	else if (!strcmp(buf, "run"))
		dst = t->run_ns;
	else if (!strcmp(buf, "pending") || !strcmp(buf, "stall"))
		dst = t->pending_ns;
	else if (!strcmp(buf, "cpu")) {
		dst = t->cpu_pct;
		time = false;
	} else
		return -EINVAL;
	colon = strchr(eq, ':');
	if (colon)
		*colon++ = '\0';
	if (parse_value(eq, time, &w))
		return -EINVAL;
	c = w;
	if (colon && parse_value(colon, time, &c))
		return -EINVAL;
	if (c < w)
		return -EINVAL;
	/* "stall=2s" alone sets the stall (crit) line, keeping warn below. */
	if (!colon && !strcmp(buf, "stall")) {
		dst[1] = w;
		if (dst[0] > w)
			dst[0] = w;
		return 0;
	}
	dst[0] = w;
	dst[1] = c;
	return 0;
}

static enum wqtop_sev sev_of(double v, const double thr[2])
{
	if (isnan(v))
		return SEV_NONE;
	return v >= thr[1] ? SEV_CRIT : v >= thr[0] ? SEV_WARN : SEV_OK;
}

static void row_sev(struct wqtop_row *r)
{
	int c;

	r->row_sev = SEV_NONE;
	for (c = 0; c < COL_NR; c++)
		if (r->sev[c] > r->row_sev)
			r->row_sev = r->sev[c];
}

/* ---- rows ---- */

static struct wqtop_row *row_add(struct wqtop_rows *o, int src)
{
	struct wqtop_row *r;
	int c;

	if (o->nr == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 64;

		r = realloc(o->row, cap * sizeof(*r));
		if (!r)
			return NULL;
		o->row = r;
		o->cap = cap;
	}
	r = &o->row[o->nr++];
	memset(r, 0, sizeof(*r));
	r->src = src;
	r->pool_id = -1;
	for (c = 0; c < COL_NR; c++)
		r->v[c] = NAN;
	return r;
}

void wqtop_rows__free(struct wqtop_rows *r)
{
	free(r->row);
	r->row = NULL;
	r->nr = r->cap = 0;
}

/* Prefix of a source's rows: "" for the kernel, "demo:" for refwq:demo. */
static void src_label(const struct wqtop_data *d, int src, char *buf,
		      size_t len)
{
	const char *n;

	buf[0] = '\0';
	if (src < 0 || (size_t)src >= d->nr_src)
		return;
	n = d->src[src].name;
	if (!strcmp(n, "kernel"))
		return;
	if (!strncmp(n, "refwq:", 6))
		n += 6;
	snprintf(buf, len, "%s:", n);
}

static double pct(const struct wq_hist *h, unsigned int p, uint64_t max)
{
	return wq_hist__count(h) ? (double)wq_hist__quantile(h, p, 100, max) :
				   NAN;
}

static void row_from_series(const struct wqtop_data *d, struct wqtop_row *r,
			    const struct wq_series *s, uint64_t interval_ns)
{
	double iv = interval_ns ? interval_ns / 1e9 : NAN;

	r->v[COL_RATE] = interval_ns ? wq_series__rate(s, interval_ns) : NAN;
	r->v[COL_QUEUED] = s->queued;
	r->v[COL_COMPLETED] = s->completed;
	r->v[COL_CANCELLED] = s->cancelled;
	r->v[COL_LAT_P50] = pct(&s->hist[WQ_H_LAT], 50, s->max_ns[WQ_H_LAT]);
	r->v[COL_LAT_P99] = pct(&s->hist[WQ_H_LAT], 99, s->max_ns[WQ_H_LAT]);
	r->v[COL_LAT_MAX] = s->started ? (double)s->max_ns[WQ_H_LAT] : NAN;
	r->v[COL_RUN_P50] = pct(&s->hist[WQ_H_RUN], 50, s->max_ns[WQ_H_RUN]);
	r->v[COL_RUN_P99] = pct(&s->hist[WQ_H_RUN], 99, s->max_ns[WQ_H_RUN]);
	r->v[COL_RUN_MAX] = s->completed ? (double)s->max_ns[WQ_H_RUN] : NAN;
	r->v[COL_CPU_PCT] = s->sum_ns[WQ_H_CPU] * 100.0 / (iv * 1e9);
	r->sev[COL_LAT_P99] = sev_of(r->v[COL_LAT_P99], d->thr.lat_ns);
	r->sev[COL_LAT_MAX] = sev_of(r->v[COL_LAT_MAX], d->thr.lat_ns);
	r->sev[COL_RUN_P99] = sev_of(r->v[COL_RUN_P99], d->thr.run_ns);
	r->sev[COL_CPU_PCT] = sev_of(r->v[COL_CPU_PCT], d->thr.cpu_pct);
	/* A maximum alone is one item: it colours its cell, not the row. */
	r->sev[COL_LAT_MAX] = r->sev[COL_LAT_MAX] > SEV_OK ? SEV_WARN : SEV_OK;
	row_sev(r);
}

/* The newest interval view of a source, or its cumulative state (rates
 * unknown) before the second poll. */
static const struct wq_snapshot *src_view(const struct wqtop_data *d,
					  size_t i, uint64_t *interval)
{
	const struct wq_snapshot *v = wqtop_data__view(d, i);

	*interval = v ? v->interval_ns : 0;
	return v ? v : d->src[i].cur;
}

/* A pool new since the previous snapshot has no interval CPU time: its
 * delta would be its whole life. */
static bool pool_is_new(const struct wqtop_src *s, int32_t id)
{
	return s->prev && !wq_snapshot__find_pool(s->prev, id);
}

static void pool_row(const struct wqtop_data *d, struct wqtop_row *r,
		     const struct wq_pool *p, const struct wq_snapshot *v,
		     uint64_t interval)
{
	struct wq_series agg;
	size_t k;

	memset(&agg, 0, sizeof(agg));
	for (k = 0; k < v->nr_series; k++)
		if (v->series[k].pool_id == p->id)
			wq_series__add(&agg, &v->series[k]);
	row_from_series(d, r, &agg, interval);
	r->pool_id = p->id;
	r->v[COL_POOL] = p->id;
	r->v[COL_CPU] = p->cpu;
	r->v[COL_NICE] = p->nice;
	r->v[COL_WORKERS] = p->workers;
	r->v[COL_IDLE] = p->idle;
	r->v[COL_RUNNING] = p->running;
	r->v[COL_PENDING] = p->pending;
	r->v[COL_OLDEST] = p->pending ? (double)p->oldest_pending_ns : NAN;
	r->v[COL_CPU_PCT] =
		interval ? p->cpu_ns * 100.0 / interval : NAN;
	snprintf(r->extra, sizeof(r->extra), "%s%s%s",
		 p->flags & WQ_POOL_UNBOUND ? "U" : "",
		 p->flags & WQ_POOL_HIGHPRI ? "H" : "",
		 p->flags & WQ_POOL_BH ? "B" : "");
	if (!r->extra[0])
		strcpy(r->extra, "-");
	r->sev[COL_OLDEST] = sev_of(r->v[COL_OLDEST], d->thr.pending_ns);
	r->sev[COL_PENDING] = r->sev[COL_OLDEST];
	r->sev[COL_CPU_PCT] = sev_of(r->v[COL_CPU_PCT], d->thr.cpu_pct);
	row_sev(r);
}

static int build_pools(const struct wqtop_data *d, struct wqtop_rows *o,
		       bool tree)
{
	const struct wq_snapshot *v, *cur;
	struct wqtop_row *r;
	uint64_t interval;
	size_t i, j;

	(void)tree;
	for (i = 0; i < d->nr_src; i++) {
		/* An interval view's pools carry the interval's cpu_ns. */
		v = src_view(d, i, &interval);
		cur = interval ? v : d->src[i].cur;
		for (j = 0; cur && j < cur->nr_pools; j++) {
			r = row_add(o, (int)i);
			if (!r)
				return -ENOMEM;
			pool_row(d, r, &cur->pools[j], v, interval);
			if (pool_is_new(&d->src[i], cur->pools[j].id))
				r->v[COL_CPU_PCT] = NAN;
		}
	}
	return 0;
}

static int add_wq_rows(const struct wqtop_data *d, struct wqtop_rows *o)
{
	const struct wq_snapshot *v;
	struct wq_series *agg;
	struct wqtop_row *r;
	uint64_t interval;
	size_t i, j, n;

	for (i = 0; i < d->nr_src; i++) {
		v = src_view(d, i, &interval);
		if (!v || wq_snapshot__workqueues(v, &agg, &n))
			continue;
		for (j = 0; j < n; j++) {
			r = row_add(o, (int)i);
			if (!r) {
				free(agg);
				return -ENOMEM;
			}
			row_from_series(d, r, &agg[j], interval);
			snprintf(r->wq, sizeof(r->wq), "%s", agg[j].workqueue);
		}
		free(agg);
	}
	return 0;
}

static int build_wqs(const struct wqtop_data *d, struct wqtop_rows *o,
		     bool tree)
{
	(void)tree;
	return add_wq_rows(d, o);
}

static int build_fns(const struct wqtop_data *d, struct wqtop_rows *o,
		     bool tree)
{
	const struct wq_snapshot *v;
	struct wqtop_row *r;
	uint64_t interval;
	size_t i, j;

	for (i = 0; i < d->nr_src; i++) {
		v = src_view(d, i, &interval);
		for (j = 0; v && j < v->nr_series; j++) {
			const struct wq_series *s = &v->series[j];

			r = row_add(o, (int)i);
			if (!r)
				return -ENOMEM;
			row_from_series(d, r, s, interval);
			r->pool_id = s->pool_id;
			r->v[COL_POOL] = s->pool_id;
			r->level = tree;
			snprintf(r->wq, sizeof(r->wq), "%s", s->workqueue);
			snprintf(r->func, sizeof(r->func), "%s", s->function);
		}
	}
	if (!tree)
		return 0;
	/* Group headings: one per workqueue, placed by wqtop_table__build. */
	i = o->nr;
	if (add_wq_rows(d, o))
		return -ENOMEM;
	for (; i < o->nr; i++)
		o->row[i].group = true;
	return 0;
}

static int build_kworkers(const struct wqtop_data *d, struct wqtop_rows *o,
			  bool tree)
{
	const struct wqtop_src *k = kernel_src(d);
	const struct wq_snapshot *v, *cur;
	struct wqtop_row *r;
	uint64_t interval;
	size_t i, j;

	(void)tree;
	if (d->kw) {
		for (i = 0; i < d->nr_kw; i++) {
			const struct wqtop_kworker *w = &d->kw[i];

			r = row_add(o, k ? (int)(k - d->src) : -1);
			if (!r)
				return -ENOMEM;
			r->pool_id = w->pool_id;
			r->v[COL_TID] = w->kw.tid;
			r->v[COL_POOL] = w->pool_id;
			r->v[COL_CPU_PCT] = w->cpu_pct;
			r->v[COL_CPU_TIME] = w->kw.cpu_ns;
			snprintf(r->extra, sizeof(r->extra), "%c",
				 w->kw.state ? w->kw.state : '?');
			snprintf(r->text, sizeof(r->text), "%s", w->kw.comm);
			r->sev[COL_CPU_PCT] =
				sev_of(r->v[COL_CPU_PCT], d->thr.cpu_pct);
			row_sev(r);
		}
		return 0;
	}
	/* No /proc to read (attached to a daemon): one row per pool. */
	for (i = 0; i < d->nr_src; i++) {
		v = src_view(d, i, &interval);
		cur = d->src[i].cur;
		for (j = 0; cur && j < cur->nr_pools; j++) {
			const struct wq_pool *p = &cur->pools[j];
			const struct wq_pool *ip = interval ?
				wq_snapshot__find_pool(v, p->id) : NULL;

			r = row_add(o, (int)i);
			if (!r)
				return -ENOMEM;
			pool_row(d, r, ip ? ip : p, v, interval);
			if (pool_is_new(&d->src[i], p->id))
				r->v[COL_CPU_PCT] = NAN;
			r->v[COL_CPU_TIME] = p->cpu_ns;
			strcpy(r->extra, p->running ? "R" : "I");
			snprintf(r->text, sizeof(r->text),
				 "%d workers: %d idle, %d running", p->workers,
				 p->idle, p->running);
		}
	}
	return 0;
}

/* The stalls of the one detector (wqtop_data.stalls), as rows. */
static int build_stalls(const struct wqtop_data *d, struct wqtop_rows *o,
			bool tree)
{
	const struct wq_stall_list *l = &d->stalls;
	struct wqtop_row *r;
	size_t i, k;
	int n;

	(void)tree;
	for (i = 0; i < l->nr_active; i++) {
		const struct wq_stall *x = &l->active[i];

		for (k = 0; k < d->nr_src; k++)
			if (!strcmp(d->src[k].name, x->source))
				break;
		r = row_add(o, k < d->nr_src ? (int)k : -1);
		if (!r)
			return -ENOMEM;
		r->pool_id = x->pool_id;
		r->v[COL_POOL] = x->pool_id >= 0 ? x->pool_id : NAN;
		r->v[COL_CPU] = x->cpu >= 0 ? x->cpu : NAN;
		r->v[COL_TID] = x->worker_tid ? x->worker_tid : NAN;
		r->v[COL_AGE] = x->age_ns;
		r->v[COL_LIMIT] = x->threshold_ns;
		snprintf(r->wq, sizeof(r->wq), "%s", x->workqueue);
		snprintf(r->func, sizeof(r->func), "%s", x->function);
		snprintf(r->extra, sizeof(r->extra), "%s",
			 wq_stall_kind__name(x->kind));
		/* The evidence is long; the screen shows what fits. */
		if (x->function[0])
			n = snprintf(r->text, sizeof(r->text), "%s (%s): %s",
				     x->function, x->workqueue, x->evidence);
		else
			n = snprintf(r->text, sizeof(r->text), "%s",
				     x->evidence);
		if (n >= (int)sizeof(r->text))
			strcpy(r->text + sizeof(r->text) - 4, "...");
		r->sev[COL_AGE] = r->sev[COL_KIND] = SEV_CRIT;
		row_sev(r);
	}
	return 0;
}

/* ---- sort, filter, layout ---- */

static bool col_text(enum wqtop_col c)
{
	return wqtop_columns[c].fmt == FMT_TEXT;
}

/* Ascending by default: names, ids. */
bool wqtop_col__ascending(enum wqtop_col c)
{
	return col_text(c) || c == COL_POOL || c == COL_TID || c == COL_CPU ||
	       c == COL_NICE;
}

static const char *row_text(const struct wqtop_row *r, enum wqtop_col c)
{
	switch (c) {
	case COL_WORKQUEUE:
		return r->wq;
	case COL_FUNCTION:
		return r->group ? r->wq : r->func;
	case COL_FLAGS:
	case COL_STATE:
	case COL_KIND:
		return r->extra;
	default:
		return r->text;
	}
}

static struct {
	enum wqtop_col col;
	bool reverse;
} sort_by;

static int cmp_rows(const void *a, const void *b)
{
	const struct wqtop_row *x = a, *y = b;
	enum wqtop_col c = sort_by.col;
	int r;

	if (col_text(c)) {
		r = strcasecmp(row_text(x, c), row_text(y, c));
	} else if (c == COL_POOL && x->src != y->src) {
		r = x->src - y->src;	/* each source's pools together */
	} else {
		double u = x->v[c], v = y->v[c];

		/* Unknown values go last either way. */
		if (isnan(u) || isnan(v))
			return isnan(u) - isnan(v);
		r = u < v ? -1 : u > v;
	}
	if (!wqtop_col__ascending(c))
		r = -r;
	if (sort_by.reverse)
		r = -r;
	if (r)
		return r;
	/* Stable ties: by source, then names and pool. */
	if (x->src != y->src)
		return x->src - y->src;
	r = strcmp(x->wq, y->wq);
	if (!r)
		r = strcmp(x->func, y->func);
	if (!r)
		r = strcmp(x->text, y->text);
	return r ? r : x->pool_id - y->pool_id;
}

static bool row_matches(const struct wqtop_data *d, const struct wqtop_row *r,
			const char *f)
{
	char label[WQ_SOURCE_LEN + 16];

	if (strcasestr(r->wq, f) || strcasestr(r->func, f) ||
	    strcasestr(r->text, f) || strcasestr(r->extra, f))
		return true;
	src_label(d, r->src, label, sizeof(label));
	return label[0] && strcasestr(label, f);
}

/* Tree: each workqueue heading, then its functions, both sorted. */
static int tree_order(struct wqtop_rows *o)
{
	struct wqtop_row *n = malloc((o->nr ? o->nr : 1) * sizeof(*n));
	size_t i, j, k = 0;

	if (!n)
		return -ENOMEM;
	for (i = 0; i < o->nr; i++) {
		const struct wqtop_row *g = &o->row[i];

		if (!g->group)
			continue;
		n[k++] = *g;
		for (j = 0; j < o->nr; j++)
			if (!o->row[j].group && o->row[j].src == g->src &&
			    !strcmp(o->row[j].wq, g->wq))
				n[k++] = o->row[j];
		/* The last child gets the closing branch. */
		if (!n[k - 1].group)
			n[k - 1].level = 2;
	}
	free(o->row);
	o->row = n;
	o->cap = o->nr;
	o->nr = k;
	return 0;
}

int wqtop_table__build(const struct wqtop_data *d, enum wqtop_view_id view,
		       const struct wqtop_table_opts *o,
		       struct wqtop_rows *out)
{
	bool tree = o->tree && wqtop_views[view].tree;
	size_t i, k;
	int err;

	out->nr = 0;
	err = wqtop_views[view].build(d, out, tree);
	if (err)
		return err;
	out->label_w = 0;
	for (i = 0; i < out->nr; i++) {
		src_label(d, out->row[i].src, out->row[i].label,
			  sizeof(out->row[i].label));
		if ((int)strlen(out->row[i].label) > out->label_w)
			out->label_w = (int)strlen(out->row[i].label);
	}
	if (o->filter && o->filter[0]) {
		for (i = k = 0; i < out->nr; i++)
			if (row_matches(d, &out->row[i], o->filter) ||
			    out->row[i].group)
				out->row[k++] = out->row[i];
		out->nr = k;
	}
	sort_by.col = o->sort;
	sort_by.reverse = o->reverse;
	if (out->nr)
		qsort(out->row, out->nr, sizeof(out->row[0]), cmp_rows);
	if (tree) {
		err = tree_order(out);
		if (err)
			return err;
		/* A heading whose functions were all filtered out goes. */
		for (i = k = 0; i < out->nr; i++)
			if (!out->row[i].group || !o->filter ||
			    !o->filter[0] ||
			    (i + 1 < out->nr && !out->row[i + 1].group) ||
			    row_matches(d, &out->row[i], o->filter))
				out->row[k++] = out->row[i];
		out->nr = k;
	}
	return 0;
}

int wqtop_table__layout(enum wqtop_view_id view, int cols,
			const struct wqtop_rows *rows, enum wqtop_col *col,
			int *width, int max)
{
	const struct wqtop_view *v = &wqtop_views[view];
	int i, n = 0, used = 0, flex = -1;

	for (i = 0; i < v->nr_cols && n < max; i++) {
		if (cols < v->cols[i].min_cols)
			continue;
		col[n] = v->cols[i].col;
		width[n] = wqtop_columns[col[n]].width;
		/* "demo:12": a pool id behind its source's label. */
		if (col[n] == COL_POOL && rows && rows->label_w + 3 > width[n])
			width[n] = rows->label_w + 3;
		if (flex < 0 && col_text(col[n]) && width[n] >= 14)
			flex = n;
		used += width[n] + (n ? 1 : 0);
		n++;
	}
	/* The name column takes the room left, up to what names need. */
	if (flex >= 0 && used < cols) {
		int extra = cols - used;

		if (extra > 40)
			extra = 40;
		width[flex] += extra;
	}
	return n;
}

bool wqtop_view__has_col(enum wqtop_view_id view, enum wqtop_col c)
{
	int i;

	for (i = 0; i < wqtop_views[view].nr_cols; i++)
		if (wqtop_views[view].cols[i].col == c)
			return true;
	return false;
}

int wqtop_col__from_name(const char *name)
{
	int c;

	for (c = 0; c < COL_NR; c++)
		if (!strcasecmp(name, wqtop_columns[c].name) ||
		    !strcasecmp(name, wqtop_columns[c].title))
			return c;
	/* wqctl's names for the same columns. */
	if (!strcmp(name, "cpu"))
		return COL_CPU_PCT;
	if (!strcmp(name, "name"))
		return COL_WORKQUEUE;
	return -EINVAL;
}

int wqtop_view__from_name(const char *name)
{
	size_t len = strlen(name);
	int v;

	/* Any unique prefix: "-V wq" is not, "-V work" is. */
	for (v = 0; v < VIEW_NR; v++)
		if (len && !strncmp(name, wqtop_views[v].name, len))
			return v;
	return -EINVAL;
}

/* ---- formatting ---- */

void wqtop_fmt__ns(double ns, char *buf, size_t len)
{
	if (isnan(ns))
		snprintf(buf, len, "-");
	else if (ns < 1e3)
		snprintf(buf, len, "%.0fns", ns);
	else if (ns < 1e4)
		snprintf(buf, len, "%.2fus", ns / 1e3);
	else if (ns < 1e5)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else if (ns < 1e6)
		snprintf(buf, len, "%.0fus", ns / 1e3);
	else if (ns < 1e7)
		snprintf(buf, len, "%.2fms", ns / 1e6);
	else if (ns < 1e8)
		snprintf(buf, len, "%.1fms", ns / 1e6);
	else if (ns < 1e9)
		snprintf(buf, len, "%.0fms", ns / 1e6);
	else if (ns < 1e11)
		snprintf(buf, len, "%.2fs", ns / 1e9);
	else if (ns < 1e5 * 1e9)
		snprintf(buf, len, "%.0fs", ns / 1e9);
	else
		snprintf(buf, len, "%.0fh", ns / 3600e9);
}

void wqtop_fmt__count(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (v < 1e6)
		snprintf(buf, len, "%.0f", v);
	else if (v < 1e9)
		snprintf(buf, len, "%.1fM", v / 1e6);
	else
		snprintf(buf, len, "%.1fG", v / 1e9);
}

static void fmt_rate(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (v < 100)
		snprintf(buf, len, "%.1f", v);
	else if (v < 1e7)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.1fM", v / 1e6);
}

void wqtop_cell__format(const struct wqtop_row *r, enum wqtop_col c,
			char *buf, size_t len)
{
	double v = r->v[c];

	switch (c) {
	case COL_POOL:
		if (isnan(v) || v < 0)
			snprintf(buf, len, "-");
		else
			snprintf(buf, len, "%s%.0f", r->label, v);
		return;
	case COL_CPU:
		if (isnan(v))
			snprintf(buf, len, "-");
		else if (v < 0)
			snprintf(buf, len, "u");
		else
			snprintf(buf, len, "%.0f", v);
		return;
	case COL_FUNCTION:
		if (r->group)
			snprintf(buf, len, "%s", r->wq);
		else if (r->level)
			snprintf(buf, len, "%s%s",
				 !wqtop_utf8 ? (r->level == 2 ? " `- " : " |- ") :
				 r->level == 2 ? " \u2514\u2500 " :
						 " \u251c\u2500 ",
				 r->func);
		else
			snprintf(buf, len, "%s", r->func);
		return;
	case COL_WORKQUEUE:
		snprintf(buf, len, "%s%s", r->wq[0] ? r->label : "", r->wq);
		return;
	default:
		break;
	}
	switch (wqtop_columns[c].fmt) {
	case FMT_TEXT:
		snprintf(buf, len, "%s", row_text(r, c));
		return;
	case FMT_INT:
		if (isnan(v) || (c == COL_TID && v < 0))
			snprintf(buf, len, "-");
		else
			snprintf(buf, len, "%.0f", v);
		return;
	case FMT_COUNT:
		wqtop_fmt__count(v, buf, len);
		return;
	case FMT_RATE:
		fmt_rate(v, buf, len);
		return;
	case FMT_NS:
		wqtop_fmt__ns(v, buf, len);
		return;
	case FMT_PCT:
		if (isnan(v))
			snprintf(buf, len, "-");
		else
			snprintf(buf, len, "%.1f", v);
		return;
	}
}

/* ---- header meters, drill-down, batch frames ---- */

void wqtop_data__meters(const struct wqtop_data *d, struct wqtop_meters *m)
{
	struct wq_hist lat;
	uint64_t lat_max = 0, cpu = 0, interval = 0;
	size_t i, j;

	memset(m, 0, sizeof(*m));
	memset(&lat, 0, sizeof(lat));
	m->stalls = (int)d->stalls.nr_active;
	for (i = 0; i < d->nr_src; i++) {
		const struct wq_snapshot *v = wqtop_data__view(d, i);
		const struct wq_snapshot *cur = d->src[i].cur;

		for (j = 0; cur && j < cur->nr_pools; j++)
			m->pending += cur->pools[j].pending;
		if (!v || !v->interval_ns)
			continue;
		m->valid = true;
		if (v->interval_ns > interval)
			interval = v->interval_ns;
		for (j = 0; j < v->nr_series; j++) {
			const struct wq_series *s = &v->series[j];

			/* Per source: sources are sampled at slightly
			 * different times, so each rate uses its own
			 * interval. */
			m->queued_per_s += wq_series__rate(s, v->interval_ns);
			wq_hist__add(&lat, &s->hist[WQ_H_LAT]);
			if (s->max_ns[WQ_H_LAT] > lat_max)
				lat_max = s->max_ns[WQ_H_LAT];
		}
		for (j = 0; j < v->nr_pools; j++)
			if (!pool_is_new(&d->src[i], v->pools[j].id))
				cpu += v->pools[j].cpu_ns;
		m->cpu_pct += cpu * 100.0 / v->interval_ns;
		cpu = 0;
	}
	m->interval_s = interval / 1e9;
	m->lat_p99_ns = pct(&lat, 99, lat_max);
}

static bool series_match(const struct wqtop_row *r, const struct wq_series *s)
{
	if (r->pool_id >= 0 && s->pool_id != r->pool_id)
		return false;
	if (r->wq[0] && strcmp(r->wq, s->workqueue))
		return false;
	if (r->func[0] && !r->group && strcmp(r->func, s->function))
		return false;
	return true;
}

void wqtop_detail__build(const struct wqtop_data *d,
			 const struct wqtop_row *r, struct wqtop_detail *out)
{
	const struct wqtop_src *src;
	const struct wq_snapshot *v;
	unsigned int k, slot;
	size_t j;
	int p;

	memset(out, 0, sizeof(*out));
	if (r->src < 0 || (size_t)r->src >= d->nr_src)
		return;
	src = &d->src[r->src];
	for (j = 0; src->cur && j < src->cur->nr_series; j++) {
		const struct wq_series *s = &src->cur->series[j];

		if (!series_match(r, s))
			continue;
		wq_series__add(&out->total, s);
		for (p = 0; p < out->nr_pools; p++)
			if (out->pools[p].pool_id == s->pool_id)
				break;
		if (p == out->nr_pools) {
			if (p == (int)(sizeof(out->pools) /
				       sizeof(out->pools[0])))
				continue;
			out->nr_pools++;
			out->pools[p].pool_id = s->pool_id;
		}
		out->pools[p].completed += s->completed;
	}
	for (k = 0; k < src->nr_ring; k++) {
		uint64_t done = 0;

		/* Oldest first: head - (nr_ring - 1) ... head. */
		slot = (src->head + WQTOP_RING - (src->nr_ring - 1 - k)) %
		       WQTOP_RING;
		v = src->ring[slot];
		for (j = 0; j < v->nr_series; j++)
			if (series_match(r, &v->series[j])) {
				done += v->series[j].completed;
				if (k == src->nr_ring - 1)
					wq_series__add(&out->last,
						       &v->series[j]);
			}
		out->rate[out->nr_rate++] =
			v->interval_ns ? done * 1e9 / v->interval_ns : 0;
	}
}

void wqtop_table__line(const struct wqtop_row *r, const enum wqtop_col *col,
		       const int *width, int n, char *buf, size_t len)
{
	char cell[128];
	size_t off = 0;
	int i, w;

	buf[0] = '\0';
	for (i = 0; i < n && off + 1 < len; i++) {
		if (r)
			wqtop_cell__format(r, col[i], cell, sizeof(cell));
		else
			snprintf(cell, sizeof(cell), "%s",
				 wqtop_columns[col[i]].title);
		w = width[i];
		/* Names are cut to their column; the last column runs on. */
		if (i < n - 1 && (int)strlen(cell) > w)
			cell[w] = '\0';
		off += snprintf(buf + off, len - off,
				col_text(col[i]) ? "%s%-*s" : "%s%*s",
				i ? " " : "", i == n - 1 && col_text(col[i]) ?
				0 : w, cell);
		if (off >= len)
			off = len - 1;
	}
}

static void source_names(const struct wqtop_data *d, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < d->nr_src && off + 1 < len; i++) {
		off += snprintf(buf + off, len - off, "%s%s", i ? "," : "",
				d->src[i].name);
		if (off >= len)
			off = len - 1;
	}
}

void wqtop_meters__line(const struct wqtop_data *d, char *buf, size_t len)
{
	struct wqtop_meters m;
	char lat[16];

	wqtop_data__meters(d, &m);
	wqtop_fmt__ns(m.lat_p99_ns, lat, sizeof(lat));
	if (!m.valid)
		snprintf(buf, len, "Queued: - /s  Lat p99: -  kworker CPU: -  "
			 "Pending: %llu  Stalls: %d",
			 (unsigned long long)m.pending, m.stalls);
	else
		snprintf(buf, len, "Queued: %.1f/s  Lat p99: %s  kworker CPU: "
			 "%.1f%%  Pending: %llu  Stalls: %d", m.queued_per_s,
			 lat, m.cpu_pct, (unsigned long long)m.pending,
			 m.stalls);
}

int wqtop_batch__frame(FILE *f, const struct wqtop_data *d,
		       enum wqtop_view_id view,
		       const struct wqtop_table_opts *o, const char *source,
		       double delay_s, int cols)
{
	struct wqtop_rows rows = { 0 };
	enum wqtop_col col[COL_NR];
	int width[COL_NR], n, err;
	char line[1024], names[256], ts[16];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;

	err = wqtop_table__build(d, view, o, &rows);
	if (err)
		goto out;
	localtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	source_names(d, names, sizeof(names));
	fprintf(f, "wqtop %s - %s  source: %s (%s)  delay: %.1fs  "
		"refresh: %lu\n", WQMON_VERSION, ts, source, names, delay_s,
		d->refreshes);
	wqtop_meters__line(d, line, sizeof(line));
	fprintf(f, "%s\n", line);
	fprintf(f, "View: %s  sort: %s %s%s%s  rows: %zu\n\n",
		wqtop_views[view].name, wqtop_columns[o->sort].name,
		(wqtop_col__ascending(o->sort) != o->reverse) ? "asc" : "desc",
		o->filter && o->filter[0] ? "  filter: " : "",
		o->filter && o->filter[0] ? o->filter : "", rows.nr);
	if (view == VIEW_STALLS) {
		wqtop_data__stall_rules(d, names, sizeof(names));
		fprintf(f, "Stalls from %s: %s\n\n", d->stalls_from_daemon ?
			"wqmond (/api/v1/stalls)" : "the detector in wqtop",
			names);
	}
	n = wqtop_table__layout(view, cols, &rows, col, width, COL_NR);
	wqtop_table__line(NULL, col, width, n, line, sizeof(line));
	fprintf(f, "%s\n", line);
	for (i = 0; i < rows.nr; i++) {
		wqtop_table__line(&rows.row[i], col, width, n, line,
				  sizeof(line));
		fprintf(f, "%s\n", line);
	}
	fputc('\n', f);
	err = fflush(f) ? -errno : 0;
out:
	wqtop_rows__free(&rows);
	return err;
}
