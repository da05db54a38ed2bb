// SPDX-License-Identifier: GPL-2.0
/*
 * wqtop's views: which columns each shows, and the builders that turn the
 * data store into rows of typed cells (pools, workqueues, functions,
 * kworkers, stalls, the workqueue configuration), plus the drill-down of
 * one row.  (The table layer's
 * files are listed in table.h.)
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "internal.h"
#include "table.h"

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
static const struct wqtop_vcol cfg_cols[] = {
	VC(COL_WORKQUEUE, 0), VC(COL_WQFLAGS, 0), VC(COL_MAX_ACTIVE, 0),
	VC(COL_ACTIVE, 0), VC(COL_NICE, 90), VC(COL_CPUS, 100),
	VC(COL_SCOPE, 110), VC(COL_POOLS, 0),
};
static const struct wqtop_vcol queuer_cols[] = {
	VC(COL_CONTEXT, 0), VC(COL_QCOMM, 0), VC(COL_TGID, 0),
	VC(COL_CGROUP, 0), VC(COL_RATE, 0), VC(COL_WAIT_AVG, 0),
	VC(COL_KCPU_PCT, 0),
};
static const struct wqtop_vcol stall_cols[] = {
	VC(COL_KIND, 0), VC(COL_POOL, 0), VC(COL_CPU, 0), VC(COL_TID, 100),
	VC(COL_AGE, 0), VC(COL_LIMIT, 0), VC(COL_WHAT, 0),
};

static int build_pools(const struct wqtop_data *d, struct wqtop_rows *o,
		       const struct wqtop_table_opts *to);
static int build_wqs(const struct wqtop_data *d, struct wqtop_rows *o,
		     const struct wqtop_table_opts *to);
static int build_fns(const struct wqtop_data *d, struct wqtop_rows *o,
		     const struct wqtop_table_opts *to);
static int build_kworkers(const struct wqtop_data *d, struct wqtop_rows *o,
			  const struct wqtop_table_opts *to);
static int build_stalls(const struct wqtop_data *d, struct wqtop_rows *o,
			const struct wqtop_table_opts *to);
static int build_config(const struct wqtop_data *d, struct wqtop_rows *o,
			const struct wqtop_table_opts *to);
static int build_queuers(const struct wqtop_data *d, struct wqtop_rows *o,
			 const struct wqtop_table_opts *to);

#define NCOLS(a) ((int)(sizeof(a) / sizeof((a)[0])))
const struct wqtop_view wqtop_views[VIEW_NR] = {
	[VIEW_POOLS] = { "pools", "pools", "1", pools_cols, NCOLS(pools_cols),
			 COL_POOL, false, true, build_pools },
	[VIEW_WORKQUEUES] = { "workqueues", "wqs", "2", wq_cols, NCOLS(wq_cols),
			      COL_RATE, false, true, build_wqs },
	[VIEW_FUNCTIONS] = { "functions", "funcs", "3", fn_cols, NCOLS(fn_cols),
			     COL_RATE, true, true, build_fns },
	[VIEW_KWORKERS] = { "kworkers", "kw", "4", kw_cols, NCOLS(kw_cols),
			    COL_CPU_PCT, false, true, build_kworkers },
	[VIEW_STALLS] = { "stalls", "stalls", "5", stall_cols, NCOLS(stall_cols),
			  COL_AGE, false, true, build_stalls },
	[VIEW_CONFIG] = { "config", "cfg", "6", cfg_cols, NCOLS(cfg_cols),
			  COL_WORKQUEUE, false, false, build_config },
	[VIEW_QUEUERS] = { "queuers", "qrs", "7", queuer_cols,
			   NCOLS(queuer_cols), COL_KCPU_PCT, false, false,
			   build_queuers },
};

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

static void row_from_series(const struct wqtop_data *d, struct wqtop_row *r,
			    const struct wq_series *s, uint64_t interval_ns)
{
	r->v[COL_RATE] = interval_ns ? wq_series__rate(s, interval_ns) : NAN;
	r->v[COL_QUEUED] = s->queued;
	r->v[COL_COMPLETED] = s->completed;
	r->v[COL_CANCELLED] = s->cancelled;
	r->v[COL_LAT_P50] = wqtop_hist__pct(&s->hist[WQ_H_LAT], 50,
					     s->max_ns[WQ_H_LAT]);
	r->v[COL_LAT_P99] = wqtop_hist__pct(&s->hist[WQ_H_LAT], 99,
					     s->max_ns[WQ_H_LAT]);
	/* A maximum of no sample is unknown, not 0 (items in flight when
	 * the probes attached start with no latency sample). */
	r->v[COL_LAT_MAX] = wq_hist__count(&s->hist[WQ_H_LAT]) ?
			    (double)s->max_ns[WQ_H_LAT] : NAN;
	r->v[COL_RUN_P50] = wqtop_hist__pct(&s->hist[WQ_H_RUN], 50,
					     s->max_ns[WQ_H_RUN]);
	r->v[COL_RUN_P99] = wqtop_hist__pct(&s->hist[WQ_H_RUN], 99,
					     s->max_ns[WQ_H_RUN]);
	r->v[COL_RUN_MAX] = wq_hist__count(&s->hist[WQ_H_RUN]) ?
			    (double)s->max_ns[WQ_H_RUN] : NAN;
	r->v[COL_CPU_PCT] = wq_cpu_pct(s->sum_ns[WQ_H_CPU], interval_ns);
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
	return v ? v : d->src[i].stream.cur;
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
	r->v[COL_CPU_PCT] = wq_cpu_pct(p->cpu_ns, interval);
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
		       const struct wqtop_table_opts *to)
{
	const struct wq_snapshot *v, *cur;
	struct wqtop_row *r;
	uint64_t interval;
	size_t i, j;

	(void)to;
	for (i = 0; i < d->nr_src; i++) {
		/* An interval view's pools carry the interval's cpu_ns. */
		v = src_view(d, i, &interval);
		cur = interval ? v : d->src[i].stream.cur;
		for (j = 0; cur && j < cur->nr_pools; j++) {
			r = row_add(o, (int)i);
			if (!r)
				return -ENOMEM;
			pool_row(d, r, &cur->pools[j], v, interval);
			if (wqtop_src__pool_is_new(&d->src[i],
						   cur->pools[j].id))
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
		     const struct wqtop_table_opts *to)
{
	(void)to;
	return add_wq_rows(d, o);
}

static int build_fns(const struct wqtop_data *d, struct wqtop_rows *o,
		     const struct wqtop_table_opts *to)
{
	bool tree = to->tree;
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
			  const struct wqtop_table_opts *to)
{
	const struct wqtop_src *k = wqtop_data__kernel_src(d);
	const struct wq_snapshot *v, *cur;
	struct wqtop_row *r;
	uint64_t interval;
	size_t i, j;

	(void)to;
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
		cur = d->src[i].stream.cur;
		for (j = 0; cur && j < cur->nr_pools; j++) {
			const struct wq_pool *p = &cur->pools[j];
			const struct wq_pool *ip = interval ?
				wq_snapshot__find_pool(v, p->id) : NULL;

			r = row_add(o, (int)i);
			if (!r)
				return -ENOMEM;
			pool_row(d, r, ip ? ip : p, v, interval);
			if (wqtop_src__pool_is_new(&d->src[i], p->id))
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
			const struct wqtop_table_opts *to)
{
	const struct wq_stall_list *l = &d->stalls;
	struct wqtop_row *r;
	size_t i, k;
	int n;

	(void)to;
	for (i = 0; i < l->nr_active; i++) {
		const struct wq_stall *x = &l->active[i];

		for (k = 0; k < d->nr_src; k++)
			if (!strcmp(d->src[k].name, x->source))
				break;
		r = row_add(o, k < d->nr_src ? (int)k : -1);
		if (!r)
			return -ENOMEM;
		r->pool_id = x->pool_id;
		r->stall_id = x->id;
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

/* Append @pre and the @n bytes of @tok to @dst, cut to @w columns. */
static void stack_put(char *dst, const char *pre, const char *tok, size_t n,
		      int w)
{
	size_t len = strlen(dst);

	snprintf(dst + len, WQTOP_STACK_COLS - len, "%s%.*s", pre, (int)n, tok);
	wqtop_cell__fit(dst, WQTOP_STACK_COLS, w);
}

int wqtop_stack__wrap(const char *stack, int w,
		      char line[][WQTOP_STACK_COLS], int max)
{
	/* A stack wraps between frames; "not readable: ..." between words. */
	bool frames = strstr(stack, " < ") || !strncmp(stack, "tid ", 4);
	const char *sep = frames ? " < " : " ", *cont = frames ? "  < " : "  ";
	const char *p = stack, *end, *next, *wend;
	size_t n, sl = strlen(sep);
	int nr = 0;

	if (max < 1)
		return 0;
	if (w > WQTOP_STACK_COLS - 1)
		w = WQTOP_STACK_COLS - 1;
	if (w < 8)
		w = 8;
	while (*p && nr < max) {
		wend = frames ? strstr(p, "; ") : NULL;
		if (!wend)
			wend = p + strlen(p);
		line[nr][0] = '\0';
		/* A worker's first frame, "tid N: f", starts its line. */
		next = strstr(p, sep);
		end = next && next < wend ? next : wend;
		stack_put(line[nr++], "", p, end - p, w);
		for (p = end; p < wend; p = end) {
			p += sl;
			next = strstr(p, sep);
			end = next && next < wend ? next : wend;
			n = end - p;
			if (strlen(line[nr - 1]) + sl + n <= (size_t)w) {
				stack_put(line[nr - 1], sep, p, n, w);
				continue;
			}
			if (nr == max)
				goto cut;
			line[nr][0] = '\0';
			stack_put(line[nr++], cont, p, n, w);
		}
		p = *wend ? wend + 2 : wend;
	}
	if (!*p)
		return nr;
cut:
	n = strlen(line[nr - 1]);
	if (n + 4 > (size_t)w)
		n = (size_t)w - 4;
	strcpy(line[nr - 1] + n, " ...");
	return nr;
}

bool wqtop_view__has_col(enum wqtop_view_id view, enum wqtop_col c)
{
	int i;

	for (i = 0; i < wqtop_views[view].nr_cols; i++)
		if (wqtop_views[view].cols[i].col == c)
			return true;
	return false;
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

static bool queuer_match(const struct wqtop_row *r, const struct wq_queuer *q)
{
	struct wq_series s = { .pool_id = q->pool_id };

	memcpy(s.workqueue, q->workqueue, sizeof(s.workqueue));
	memcpy(s.function, q->function, sizeof(s.function));
	return series_match(r, &s);
}

/* The row's top queuers since start: its series' rows, merged per queuer
 * and ranked as everywhere (wq_snapshot__top_queuers). */
static void detail_queuers(const struct wq_snapshot *cur,
			   const struct wqtop_row *r, struct wqtop_detail *out)
{
	struct wq_snapshot *mine = wq_snapshot__new(cur->source);
	struct wq_queuer *top = NULL;
	size_t n = 0;

	out->has_queuers = cur->nr_queuers > 0;
	if (!mine)
		return;
	for (size_t j = 0; j < cur->nr_queuers; j++) {
		struct wq_queuer *q;

		if (!queuer_match(r, &cur->queuers[j]))
			continue;
		q = wq_snapshot__add_queuer(mine);
		if (!q)
			goto out;
		*q = cur->queuers[j];
	}
	if (wq_snapshot__top_queuers(mine, NULL, WQ_QORDER_CPU,
				     WQTOP_DETAIL_QUEUERS, &top, &n))
		goto out;
	for (size_t j = 0; j < n && j < WQTOP_DETAIL_QUEUERS + 1; j++)
		out->queuers[out->nr_queuers++] = top[j];
out:
	free(top);
	wq_snapshot__free(mine);
}

void wqtop_detail__build(const struct wqtop_data *d,
			 const struct wqtop_row *r, struct wqtop_detail *out)
{
	const struct wqtop_src *src;
	const struct wq_snapshot *v;
	unsigned int k;
	size_t j;
	int p;

	memset(out, 0, sizeof(*out));
	if (r->src < 0 || (size_t)r->src >= d->nr_src)
		return;
	src = &d->src[r->src];
	for (j = 0; src->stream.cur && j < src->stream.cur->nr_series; j++) {
		const struct wq_series *s = &src->stream.cur->series[j];

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
	if (src->stream.cur)
		detail_queuers(src->stream.cur, r, out);
	for (k = 0; k < src->stream.nr; k++) {
		uint64_t done = 0;

		/* Oldest first. */
		v = wq_stream__view(&src->stream, src->stream.nr - 1 - k);
		for (j = 0; j < v->nr_series; j++)
			if (series_match(r, &v->series[j])) {
				done += v->series[j].completed;
				if (k == src->stream.nr - 1)
					wq_series__add(&out->last,
						       &v->series[j]);
			}
		out->rate[out->nr_rate++] = wq_per_second(done, v->interval_ns);
	}
}

/* The kernel's workqueue configuration: a row per workqueue. */
static int build_config(const struct wqtop_data *d, struct wqtop_rows *o,
			const struct wqtop_table_opts *to)
{
	const struct wqtop_src *k = wqtop_data__kernel_src(d);
	const struct wq_config *c = &d->config;

	(void)to;
	for (size_t i = 0; d->have_config && i < c->nr_wqs; i++) {
		const struct wq_cfg_wq *w = &c->wqs[i];
		struct wqtop_row *r = row_add(o, k ? (int)(k - d->src) : -1);
		size_t used = 0;

		if (!r)
			return -ENOMEM;
		snprintf(r->wq, sizeof(r->wq), "%s", w->name);
		wq_cfg_flags_format(w->flags, r->text, sizeof(r->text));
		if (!r->text[0])
			snprintf(r->text, sizeof(r->text), "-");
		if (!wq_cfg_wq__unlimited(w))
			r->v[COL_MAX_ACTIVE] = w->max_active;
		r->v[COL_ACTIVE] = w->active;
		if (w->nice != WQ_CFG_NONE)
			r->v[COL_NICE] = w->nice;
		snprintf(r->cpus, sizeof(r->cpus), "%s", w->cpus[0] ? w->cpus : "-");
		snprintf(r->extra, sizeof(r->extra), "%s%s",
			 w->affinity_scope[0] ? w->affinity_scope : "-",
			 w->affinity_strict == 1 ? "+strict" : "");
		for (size_t p = 0; p < w->nr_pools && used < sizeof(r->pools); p++)
			used += (size_t)snprintf(r->pools + used,
						 sizeof(r->pools) - used,
						 "%s%d", p ? "," : "",
						 w->pools[p]);
		row_sev(r);
	}
	return 0;
}

/* What the queuers view ranks by, from its sort column: items queued for
 * the queued columns, else kworker CPU charged. */
static enum wq_qorder queuer_order(enum wqtop_col sort)
{
	return sort == COL_RATE ? WQ_QORDER_QUEUED : WQ_QORDER_CPU;
}

static void queuer_row(struct wqtop_row *r, const struct wq_queuer *q,
		       uint64_t interval, const struct wqtop_thresholds *thr)
{
	snprintf(r->extra, sizeof(r->extra), "%s",
		 wq_qctx__name(q->ctx) ? wq_qctx__name(q->ctx) : "other");
	snprintf(r->text, sizeof(r->text), "%s", q->comm);
	snprintf(r->cgroup, sizeof(r->cgroup), "%s", q->cgroup);
	r->v[COL_TGID] = q->tgid > 0 ? q->tgid : NAN;
	r->v[COL_RATE] = interval ? wq_per_second(q->queued, interval) : NAN;
	r->v[COL_QUEUED] = q->queued;
	r->v[COL_WAIT_AVG] = q->started ? (double)q->lat_ns / q->started : NAN;
	r->v[COL_KCPU_PCT] = wq_cpu_pct(q->cpu_ns, interval);
	r->sev[COL_KCPU_PCT] = sev_of(r->v[COL_KCPU_PCT], thr->cpu_pct);
	r->sev[COL_WAIT_AVG] = sev_of(r->v[COL_WAIT_AVG], thr->lat_ns);
	row_sev(r);
}

/* Each source's top queuers over its newest interval, every series
 * merged. */
static int build_queuers_by(const struct wqtop_data *d, struct wqtop_rows *o,
			    enum wq_qorder order)
{
	for (size_t i = 0; i < d->nr_src; i++) {
		struct wq_queuer *q;
		uint64_t interval;
		const struct wq_snapshot *v = src_view(d, i, &interval);
		size_t n;

		if (!v || wq_snapshot__top_queuers(v, NULL, order,
						   WQTOP_QUEUERS_TOP, &q, &n))
			continue;
		for (size_t j = 0; j < n; j++) {
			struct wqtop_row *r = row_add(o, (int)i);

			if (!r) {
				free(q);
				return -ENOMEM;
			}
			queuer_row(r, &q[j], interval, &d->thr);
		}
		free(q);
	}
	return 0;
}

static int build_queuers(const struct wqtop_data *d, struct wqtop_rows *o,
			 const struct wqtop_table_opts *to)
{
	return build_queuers_by(d, o, queuer_order(to->sort));
}

const char *wqtop_view__title(const struct wqtop_data *d,
			      enum wqtop_view_id view, bool brief)
{
	if (view == VIEW_KWORKERS && !d->kw)
		return brief ? "kw/pool" : "kworkers by pool";
	return brief ? wqtop_views[view].brief : wqtop_views[view].name;
}
