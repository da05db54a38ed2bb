// SPDX-License-Identifier: GPL-2.0
/*
 * wqtop's data store: each source's snapshots and interval views, the
 * kworker list, the stalls (the core's detector or wqmond's), and the
 * header meters over them.  (The table layer's files are listed in
 * table.h.)
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "hist.h"
#include "internal.h"
#include "table.h"

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
	wq_stream__init(&n->stream, name, WQTOP_RING);
	return n;
}

static void src_free(struct wqtop_src *s)
{
	wq_stream__fini(&s->stream);
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

void wqtop_data__slow_target(struct wqtop_data *d, const char *wq,
			     const char *fn)
{
	wq = wq ?: "";
	fn = fn ?: "";
	if (!strcmp(d->slow_wq, wq) && !strcmp(d->slow_fn, fn))
		return;
	snprintf(d->slow_wq, sizeof(d->slow_wq), "%s", wq);
	snprintf(d->slow_fn, sizeof(d->slow_fn), "%s", fn);
	d->nr_slow = 0;
	if (d->slow_state != WQTOP_SLOW_LOCAL &&
	    d->slow_state != WQTOP_SLOW_LOCAL_OFF)
		d->slow_state = WQTOP_SLOW_PENDING;
}

int wqtop_data__set_slow(struct wqtop_data *d, int status, const char *json,
			 char *err, size_t errlen)
{
	struct json_object *root, *recs = NULL;
	struct wq_slow rec[WQTOP_SLOW_MAX];
	int n = 0, ret = 0;
	size_t i;

	if (status == 404) {
		d->slow_state = WQTOP_SLOW_OFF;
		d->nr_slow = 0;
		return 0;
	}
	root = json ? json_tokener_parse(json) : NULL;
	if (status != 200 || !json_object_object_get_ex(root, "records", &recs) ||
	    !json_object_is_type(recs, json_type_array)) {
		snprintf(err, errlen, "answer %d without a records array",
			 status);
		ret = -EINVAL;
		goto out;
	}
	/* Newest first already; keep the first WQTOP_SLOW_MAX only. */
	for (i = 0; i < json_object_array_length(recs) && n < WQTOP_SLOW_MAX;
	     i++) {
		const char *one = json_object_to_json_string_ext(
			json_object_array_get_idx(recs, i), JSON_C_TO_STRING_PLAIN);

		ret = wq_slow_json__parse(one, &rec[n], err, errlen);
		if (ret)
			goto out;
		n++;
	}
	memcpy(d->slow, rec, n * sizeof(rec[0]));
	d->nr_slow = n;
	d->slow_state = WQTOP_SLOW_ON;
out:
	json_object_put(root);
	return ret;
}

const struct wq_stall *wqtop_data__stall(const struct wqtop_data *d,
					 uint64_t id)
{
	size_t i;

	for (i = 0; id && i < d->stalls.nr_active; i++)
		if (d->stalls.active[i].id == id)
			return &d->stalls.active[i];
	return NULL;
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
	int err;

	if (!s) {
		wq_snapshot__free(snap);
		return -ENOMEM;
	}
	s->seen = true;
	err = wq_stream__push(&s->stream, snap);
	if (err <= 0)
		return err;
	s->fresh = true;
	return detect(d, s->stream.cur, wq_stream__view(&s->stream, 0));
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
						  d->src[i].stream.cur ?
						  d->src[i].stream.cur->real_ns : 0,
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
	const struct wq_stream *st = &d->src[i].stream;
	const struct wq_snapshot *v = wq_stream__view(st, 0);

	/* A saved interval view (file:) is its own interval. */
	if (!v && st->cur && st->cur->interval_ns)
		return st->cur;
	return v;
}

uint32_t wqtop_data__sample_every(const struct wqtop_data *d, int i)
{
	if (i < 0 || (size_t)i >= d->nr_src || !d->src[i].stream.cur)
		return 1;
	return wq_snapshot__sample_every(d->src[i].stream.cur);
}

const struct wqtop_src *wqtop_data__kernel_src(const struct wqtop_data *d)
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
	const struct wqtop_src *k = wqtop_data__kernel_src(d);
	struct wqtop_kworker *n = calloc(nr ? nr : 1, sizeof(*n));
	size_t i, j;

	if (!n) {
		free(kw);
		return;
	}
	for (i = 0; i < nr; i++) {
		n[i].kw = kw[i];
		n[i].pool_id = -1;
		for (j = 0; k && k->stream.cur && j < k->stream.cur->nr_pools; j++)
			if (wq_kworker__in_pool(&kw[i], &k->stream.cur->pools[j])) {
				n[i].pool_id = k->stream.cur->pools[j].id;
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
	wq_stall_list__free(&d->stalls);
	wq_config__free(&d->config);
	d->have_config = false;
	wq_stall_detector__free(d->detector);
	d->detector = NULL;
	d->src = NULL;
	d->kw = NULL;
	d->nr_src = d->nr_kw = 0;
}

void wqtop_data__set_config(struct wqtop_data *d, struct wq_config *c)
{
	wq_config__free(&d->config);
	d->config = *c;
	memset(c, 0, sizeof(*c));
	d->have_config = true;
	d->config_error[0] = '\0';
}

double wqtop_hist__pct(const struct wq_hist *h, unsigned int p,
		       uint64_t max)
{
	return wq_hist__count(h) ? (double)wq_hist__quantile(h, p, 100, max) :
				   NAN;
}

/* A pool new since the previous snapshot has no interval CPU time: its
 * delta would be its whole life. */
bool wqtop_src__pool_is_new(const struct wqtop_src *s, int32_t id)
{
	return s->stream.prev && !wq_snapshot__find_pool(s->stream.prev, id);
}

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
		const struct wq_snapshot *cur = d->src[i].stream.cur;

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
			if (!wqtop_src__pool_is_new(&d->src[i],
						    v->pools[j].id))
				cpu += v->pools[j].cpu_ns;
		m->cpu_pct += wq_cpu_pct(cpu, v->interval_ns);
		cpu = 0;
	}
	m->interval_s = interval / 1e9;
	m->lat_p99_ns = wqtop_hist__pct(&lat, 99, lat_max);
}
