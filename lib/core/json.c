// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "hist.h"
#include "json.h"
#include "jsonout.h"


/* ---- rendering ---- */

static void put_u64(struct wq_jout *o, struct json_object *obj, const char *key,
		    uint64_t v)
{
	wq_jout__put(o, obj, key, json_object_new_uint64(v));
}

static void put_int(struct wq_jout *o, struct json_object *obj, const char *key,
		    int32_t v)
{
	wq_jout__put(o, obj, key, json_object_new_int(v));
}

static void put_str(struct wq_jout *o, struct json_object *obj, const char *key,
		    const char *s, size_t size)
{
	wq_jout__put(o, obj, key, json_object_new_string_len(s, strnlen(s, size)));
}

/*
 * @num / @den as a JSON number with up to @decimals digits, computed with
 * integers so the text is exact and the same everywhere ("2.5", not
 * "2.5000000000000004").
 */
static void put_ratio(struct wq_jout *o, struct json_object *obj, const char *key,
		      unsigned __int128 num, uint64_t den, int decimals)
{
	unsigned __int128 scale = 1, v;
	unsigned long long ip, fp;
	char buf[64];
	int d, n;

	for (d = 0; d < decimals; d++)
		scale *= 10;
	v = (num * scale + den / 2) / den;
	ip = (unsigned long long)(v / scale);
	fp = (unsigned long long)(v % scale);
	n = snprintf(buf, sizeof(buf), "%llu.%0*llu", ip, decimals, fp);
	/* Trim trailing zeros, keep one decimal: a JSON number either way. */
	while (n > 2 && buf[n - 1] == '0' && buf[n - 2] != '.')
		buf[--n] = '\0';
	wq_jout__put(o, obj, key,
	    json_object_new_double_s((double)num / (double)den, buf));
}

static void put_seconds(struct wq_jout *o, struct json_object *obj, const char *key,
			uint64_t ns)
{
	put_ratio(o, obj, key, ns, 1000000000ULL, 9);
}

static const struct {
	const char *ns, *seconds;
	uint64_t num, den;
} quantiles[] = {
	{"p50_ns", "p50_seconds", 50, 100},
	{"p90_ns", "p90_seconds", 90, 100},
	{"p99_ns", "p99_seconds", 99, 100},
	{"p999_ns", "p999_seconds", 999, 1000},
};

#define NR_QUANTILES (sizeof(quantiles) / sizeof(quantiles[0]))

static struct json_object *hist_obj(struct wq_jout *o, const struct wq_series *r,
				    int k, int flags)
{
	struct json_object *h = wq_jout__chk(o, json_object_new_object());
	size_t q;
	int i;

	put_u64(o, h, "count", wq_hist__count(&r->hist[k]));
	put_u64(o, h, "sum_ns", r->sum_ns[k]);
	put_u64(o, h, "max_ns", r->max_ns[k]);
	for (q = 0; q < NR_QUANTILES; q++)
		put_u64(o, h, quantiles[q].ns,
			wq_hist__quantile(&r->hist[k], quantiles[q].num,
					  quantiles[q].den, r->max_ns[k]));
	put_seconds(o, h, "sum_seconds", r->sum_ns[k]);
	put_seconds(o, h, "max_seconds", r->max_ns[k]);
	for (q = 0; q < NR_QUANTILES; q++)
		put_seconds(o, h, quantiles[q].seconds,
			    wq_hist__quantile(&r->hist[k], quantiles[q].num,
					      quantiles[q].den, r->max_ns[k]));
	if (!(flags & WQ_JSON_NO_SLOTS) &&
	    (!(flags & WQ_JSON_LAT_SLOTS) || k == WQ_H_LAT)) {
		struct json_object *a =
			wq_jout__chk(o, json_object_new_array_ext(WQ_HIST_SLOTS));

		for (i = 0; i < WQ_HIST_SLOTS; i++)
			wq_jout__append(o, a,
			       json_object_new_uint64(r->hist[k].slot[i]));
		wq_jout__put(o, h, "slots", a);
	}
	return h;
}

/* What series and workqueue rows share: counts, rates, histograms. */
static void put_stats(struct wq_jout *o, struct json_object *obj,
		      const struct wq_series *r, uint64_t interval_ns,
		      int flags)
{
	struct json_object *hs;
	int k;

	put_u64(o, obj, "queued", r->queued);
	put_u64(o, obj, "activated", r->activated);
	put_u64(o, obj, "started", r->started);
	put_u64(o, obj, "completed", r->completed);
	put_u64(o, obj, "cancelled", r->cancelled);
	put_u64(o, obj, "unseen", r->unseen);
	put_u64(o, obj, "unpaired", r->unpaired);
	if (interval_ns) {
		put_ratio(o, obj, "queued_per_second",
			  (unsigned __int128)r->queued * 1000000000ULL,
			  interval_ns, 3);
		put_ratio(o, obj, "completed_per_second",
			  (unsigned __int128)r->completed * 1000000000ULL,
			  interval_ns, 3);
		/* wq_cpu_pct(), in fixed point: % of one CPU. */
		put_ratio(o, obj, "cpu_percent",
			  (unsigned __int128)r->sum_ns[WQ_H_CPU] * 100,
			  interval_ns, 3);
	}
	hs = wq_jout__chk(o, json_object_new_object());
	for (k = 0; k < WQ_H_NR; k++)
		wq_jout__put(o, hs, wq_hkind__name(k), hist_obj(o, r, k, flags));
	wq_jout__put(o, obj, "hist", hs);
}

static struct json_object *pool_obj(struct wq_jout *o, const struct wq_pool *p,
				    uint64_t interval_ns)
{
	static const struct {
		uint32_t flag;
		const char *name;
	} names[] = {
		{WQ_POOL_UNBOUND, "unbound"},
		{WQ_POOL_BH, "bh"},
		{WQ_POOL_HIGHPRI, "highpri"},
	};
	struct json_object *j = wq_jout__chk(o, json_object_new_object());
	struct json_object *fl = wq_jout__chk(o, json_object_new_array());
	size_t i;

	put_int(o, j, "id", p->id);
	put_int(o, j, "cpu", p->cpu);
	put_int(o, j, "nice", p->nice);
	put_u64(o, j, "flags", p->flags);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (p->flags & names[i].flag)
			wq_jout__append(o, fl, json_object_new_string(names[i].name));
	wq_jout__put(o, j, "flag_names", fl);
	put_int(o, j, "workers", p->workers);
	put_int(o, j, "idle", p->idle);
	put_int(o, j, "running", p->running);
	put_u64(o, j, "pending", p->pending);
	put_u64(o, j, "oldest_pending_ns", p->oldest_pending_ns);
	put_seconds(o, j, "oldest_pending_seconds", p->oldest_pending_ns);
	put_u64(o, j, "cpu_ns", p->cpu_ns);
	put_seconds(o, j, "cpu_seconds", p->cpu_ns);
	if (interval_ns)	/* wq_cpu_pct(), in fixed point */
		put_ratio(o, j, "cpu_percent",
			  (unsigned __int128)p->cpu_ns * 100, interval_ns, 3);
	return j;
}

static struct json_object *series_obj(struct wq_jout *o, const struct wq_series *r,
				      uint64_t interval_ns, int flags)
{
	struct json_object *j = wq_jout__chk(o, json_object_new_object());
	char addr[24];

	put_int(o, j, "pool_id", r->pool_id);
	put_str(o, j, "workqueue", r->workqueue, sizeof(r->workqueue));
	put_str(o, j, "function", r->function, sizeof(r->function));
	/* A string: JavaScript numbers lose kernel addresses' low bits. */
	snprintf(addr, sizeof(addr), "0x%llx",
		 (unsigned long long)r->func_addr);
	wq_jout__put(o, j, "func_addr", json_object_new_string(addr));
	put_stats(o, j, r, interval_ns, flags);
	return j;
}

static struct json_object *
queuer_obj(struct wq_jout *o, const struct wq_queuer *q, uint64_t interval_ns)
{
	struct json_object *j = wq_jout__chk(o, json_object_new_object());
	const char *ctx = wq_qctx__name(q->ctx);

	put_int(o, j, "pool_id", q->pool_id);
	put_str(o, j, "workqueue", q->workqueue, sizeof(q->workqueue));
	put_str(o, j, "function", q->function, sizeof(q->function));
	wq_jout__put(o, j, "context",
		     json_object_new_string(ctx ? ctx : "other"));
	put_str(o, j, "comm", q->comm, sizeof(q->comm));
	put_int(o, j, "tgid", q->tgid);
	put_u64(o, j, "cgroup_id", q->cgroup_id);
	put_str(o, j, "cgroup", q->cgroup, sizeof(q->cgroup));
	put_u64(o, j, "queued", q->queued);
	put_u64(o, j, "started", q->started);
	put_u64(o, j, "completed", q->completed);
	put_u64(o, j, "lat_ns", q->lat_ns);
	put_u64(o, j, "run_ns", q->run_ns);
	put_u64(o, j, "cpu_ns", q->cpu_ns);
	put_seconds(o, j, "lat_seconds", q->lat_ns);
	put_seconds(o, j, "run_seconds", q->run_ns);
	put_seconds(o, j, "cpu_seconds", q->cpu_ns);
	/* The average wait of its items, as wqtop and wqctl show it. */
	if (q->started)
		put_seconds(o, j, "lat_avg_seconds", q->lat_ns / q->started);
	if (interval_ns) { /* as the series' */
		put_ratio(o, j, "cpu_percent",
			  (unsigned __int128)q->cpu_ns * 100, interval_ns, 3);
		put_ratio(o, j, "queued_per_second",
			  (unsigned __int128)q->queued * 1000000000ULL,
			  interval_ns, 3);
	}
	return j;
}

static struct json_object *queuers_arr(struct wq_jout *o,
				       const struct wq_queuer *rows, size_t n,
				       uint64_t interval_ns)
{
	struct json_object *arr =
		wq_jout__chk(o, json_object_new_array_ext((int)n));

	for (size_t i = 0; i < n; i++)
		wq_jout__append(o, arr, queuer_obj(o, &rows[i], interval_ns));
	return arr;
}

static char *finish(struct wq_jout *o, struct json_object *root, int flags)
{
	char *ret = NULL;

	if (!o->oom) {
		const char *str = json_object_to_json_string_ext(
			root, JSON_C_TO_STRING_NOSLASHESCAPE |
				      (flags & WQ_JSON_PRETTY
					       ? JSON_C_TO_STRING_PRETTY |
							 JSON_C_TO_STRING_SPACED
					       : JSON_C_TO_STRING_PLAIN));

		ret = str ? strdup(str) : NULL;
	}
	json_object_put(root);
	if (!ret)
		errno = ENOMEM;
	return ret;
}

static void put_time(struct wq_jout *o, struct json_object *root, uint64_t real_ns)
{
	time_t sec = (time_t)(real_ns / 1000000000ULL);
	char buf[64];
	struct tm tm;

	gmtime_r(&sec, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%09uZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, (unsigned int)(real_ns % 1000000000ULL));
	wq_jout__put(o, root, "time", json_object_new_string(buf));
}

char *wq_json__render(const struct wq_snapshot *s, int flags)
{
	struct wq_jout o = {0};
	struct json_object *root, *c, *arr;
	struct wq_series *agg = NULL;
	size_t i, nr_agg = 0;
	int k;

	root = wq_jout__chk(&o, json_object_new_object());
	wq_jout__put(&o, root, "format", json_object_new_string(WQ_JSON_FORMAT));
	put_int(&o, root, "version", WQ_JSON_VERSION);
	put_str(&o, root, "source", s->source, sizeof(s->source));
	put_str(&o, root, "kernel", s->kernel, sizeof(s->kernel));
	put_u64(&o, root, "mono_ns", s->mono_ns);
	put_u64(&o, root, "real_ns", s->real_ns);
	put_time(&o, root, s->real_ns);
	put_u64(&o, root, "interval_ns", s->interval_ns);
	put_seconds(&o, root, "interval_seconds", s->interval_ns);

	c = wq_jout__chk(&o, json_object_new_object());
	for (k = 0; k < WQ_C_NR; k++)
		put_u64(&o, c, wq_counter__name(k), s->counters[k]);
	wq_jout__put(&o, root, "counters", c);
	put_u64(&o, root, "ncpus", s->ncpus);
	put_u64(&o, root, "sample_every", wq_snapshot__sample_every(s));

	arr = wq_jout__chk(&o, json_object_new_array_ext((int)s->nr_probes));
	for (i = 0; i < s->nr_probes; i++) {
		struct json_object *p = wq_jout__chk(&o, json_object_new_object());

		put_str(&o, p, "program", s->probes[i].name,
			sizeof(s->probes[i].name));
		put_u64(&o, p, "missed", s->probes[i].missed);
		wq_jout__append(&o, arr, p);
	}
	wq_jout__put(&o, root, "probes", arr);

	arr = wq_jout__chk(&o, json_object_new_array_ext((int)s->nr_pools));
	for (i = 0; i < s->nr_pools; i++)
		wq_jout__append(&o, arr, pool_obj(&o, &s->pools[i], s->interval_ns));
	wq_jout__put(&o, root, "pools", arr);

	if (wq_snapshot__workqueues(s, &agg, &nr_agg))
		o.oom = true;
	arr = wq_jout__chk(&o, json_object_new_array_ext((int)nr_agg));
	for (i = 0; i < nr_agg; i++) {
		struct json_object *w = wq_jout__chk(&o, json_object_new_object());

		put_str(&o, w, "name", agg[i].workqueue, WQ_NAME_LEN);
		put_stats(&o, w, &agg[i], s->interval_ns,
			  flags | WQ_JSON_NO_SLOTS);
		wq_jout__append(&o, arr, w);
	}
	free(agg);
	wq_jout__put(&o, root, "workqueues", arr);

	arr = wq_jout__chk(&o, json_object_new_array_ext((int)s->nr_series));
	for (i = 0; i < s->nr_series; i++)
		wq_jout__append(&o, arr,
		       series_obj(&o, &s->series[i], s->interval_ns, flags));
	wq_jout__put(&o, root, "series", arr);
	wq_jout__put(
		&o, root, "queuers",
		queuers_arr(&o, s->queuers, s->nr_queuers, s->interval_ns));
	return finish(&o, root, flags);
}

/* Does @q belong to the series @sel names (fields unset: any)? */
static bool queuer_selected(const struct wq_queuer *q,
			    const struct wq_queuer_sel *sel)
{
	return (!sel->workqueue ||
		!strncmp(q->workqueue, sel->workqueue, sizeof(q->workqueue))) &&
	       (!sel->function ||
		!strncmp(q->function, sel->function, sizeof(q->function))) &&
	       (!sel->has_pool || q->pool_id == sel->pool_id);
}

int wq_json__select_queuers(const struct wq_snapshot *s,
			    const struct wq_queuer_sel *sel,
			    struct wq_queuer **out, size_t *nr)
{
	struct wq_snapshot part = {.nr_queuers = 0};
	int err;

	*out = NULL;
	*nr = 0;
	if (sel->workqueue && sel->function && sel->has_pool) {
		struct wq_series of = {.pool_id = sel->pool_id};

		snprintf(of.workqueue, sizeof(of.workqueue), "%s",
			 sel->workqueue);
		snprintf(of.function, sizeof(of.function), "%s", sel->function);
		return wq_snapshot__top_queuers(s, &of, sel->order, sel->top,
						out, nr);
	}
	/* Some series, or all: each queuer's rows over them merged, then
	 * named by what they have in common. */
	if (s->nr_queuers) {
		part.queuers = malloc(s->nr_queuers * sizeof(*part.queuers));
		if (!part.queuers)
			return -ENOMEM;
	}
	for (size_t i = 0; i < s->nr_queuers; i++)
		if (queuer_selected(&s->queuers[i], sel))
			part.queuers[part.nr_queuers++] = s->queuers[i];
	err = wq_snapshot__top_queuers(&part, NULL, sel->order, sel->top, out,
				       nr);
	free(part.queuers);
	for (size_t i = 0; !err && i < *nr; i++) {
		struct wq_queuer *q = &(*out)[i];

		if (sel->workqueue)
			snprintf(q->workqueue, sizeof(q->workqueue), "%s",
				 sel->workqueue);
		if (sel->function)
			snprintf(q->function, sizeof(q->function), "%s",
				 sel->function);
		if (sel->has_pool)
			q->pool_id = sel->pool_id;
	}
	return err;
}

char *wq_json__render_queuers(const struct wq_snapshot *s,
			      const struct wq_queuer_sel *sel, bool tracked,
			      int flags)
{
	struct wq_jout o = {0};
	struct json_object *root;
	struct wq_queuer *rows = NULL;
	size_t n = 0;

	if (tracked && wq_json__select_queuers(s, sel, &rows, &n)) {
		errno = ENOMEM;
		return NULL;
	}
	root = wq_jout__chk(&o, json_object_new_object());
	wq_jout__put(&o, root, "format",
		     json_object_new_string(WQ_JSON_QUEUERS_FORMAT));
	put_int(&o, root, "version", WQ_JSON_QUEUERS_VERSION);
	put_str(&o, root, "source", s->source, sizeof(s->source));
	put_u64(&o, root, "mono_ns", s->mono_ns);
	put_u64(&o, root, "interval_ns", s->interval_ns);
	put_u64(&o, root, "sample_every", wq_snapshot__sample_every(s));
	wq_jout__put(&o, root, "tracked", json_object_new_boolean(tracked));
	wq_jout__put(&o, root, "order",
		     json_object_new_string(sel->order == WQ_QORDER_QUEUED
						    ? "queued"
						    : "cpu"));
	put_u64(&o, root, "top", sel->top);
	if (sel->workqueue)
		wq_jout__put(&o, root, "workqueue",
			     json_object_new_string(sel->workqueue));
	if (sel->function)
		wq_jout__put(&o, root, "function",
			     json_object_new_string(sel->function));
	if (sel->has_pool)
		put_int(&o, root, "pool_id", sel->pool_id);
	wq_jout__put(&o, root, "queuers",
		     queuers_arr(&o, rows, n, s->interval_ns));
	free(rows);
	return finish(&o, root, flags);
}

/* ---- parsing ---- */

struct in {
	char *err;
	size_t errlen;
	char path[128]; /* where we are, for messages: "series[3]" */
};

static int bad(struct in *in, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(struct in *in, const char *key, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!in->err || !in->errlen)
		return -EINVAL;
	n = snprintf(in->err, in->errlen, "%s%s%s%s", in->path,
		     *in->path && key ? "." : "", key ? key : "",
		     *in->path || key ? ": " : "");
	if (n >= 0 && (size_t)n < in->errlen) {
		va_start(ap, fmt);
		vsnprintf(in->err + n, in->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Member @key of @obj if present; NULL when absent (then the field stays
 * zero).  JSON null counts as absent. */
static struct json_object *member(struct json_object *obj, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(obj, key, &v))
		return NULL;
	return v;
}

static int get_u64(struct in *in, struct json_object *obj, const char *key,
		   uint64_t *v)
{
	struct json_object *j = member(obj, key);

	if (!j)
		return 0;
	if (!json_object_is_type(j, json_type_int) ||
	    json_object_get_int64(j) < 0)
		return bad(in, key, "expected an unsigned integer");
	*v = json_object_get_uint64(j);
	return 0;
}

static int get_s32(struct in *in, struct json_object *obj, const char *key,
		   int32_t *v)
{
	struct json_object *j = member(obj, key);
	int64_t x;

	if (!j)
		return 0;
	x = json_object_get_int64(j);
	if (!json_object_is_type(j, json_type_int) || x < INT32_MIN ||
	    x > INT32_MAX)
		return bad(in, key, "expected a 32-bit integer");
	*v = (int32_t)x;
	return 0;
}

static int get_str(struct in *in, struct json_object *obj, const char *key,
		   char *dst, size_t size, bool required)
{
	struct json_object *j = member(obj, key);
	const char *s;
	int n;

	if (!j) {
		if (required)
			return bad(in, key, "missing");
		return 0;
	}
	if (!json_object_is_type(j, json_type_string))
		return bad(in, key, "expected a string");
	s = json_object_get_string(j);
	n = json_object_get_string_len(j);
	if ((size_t)n >= size || strlen(s) != (size_t)n)
		return bad(in, key,
			   "string too long (at most %zu bytes) or holds NUL",
			   size - 1);
	memcpy(dst, s, n);
	memset(dst + n, 0, size - n);
	return 0;
}

static int get_array(struct in *in, struct json_object *obj, const char *key,
		     struct json_object **arr)
{
	*arr = member(obj, key);
	if (*arr && !json_object_is_type(*arr, json_type_array))
		return bad(in, key, "expected an array");
	return 0;
}

static int get_object(struct in *in, struct json_object *obj, const char *key,
		      struct json_object **o)
{
	*o = member(obj, key);
	if (*o && !json_object_is_type(*o, json_type_object))
		return bad(in, key, "expected an object");
	return 0;
}

static int parse_pool(struct in *in, struct json_object *j, struct wq_pool *p)
{
	uint64_t flags = 0;
	int err;

	if (!json_object_is_type(j, json_type_object))
		return bad(in, NULL, "expected an object");
	err = get_s32(in, j, "id", &p->id);
	err = err ?: get_s32(in, j, "cpu", &p->cpu);
	err = err ?: get_s32(in, j, "nice", &p->nice);
	err = err ?: get_u64(in, j, "flags", &flags);
	if (!err && flags > UINT32_MAX)
		err = bad(in, "flags", "expected a 32-bit value");
	p->flags = (uint32_t)flags;
	err = err ?: get_s32(in, j, "workers", &p->workers);
	err = err ?: get_s32(in, j, "idle", &p->idle);
	err = err ?: get_s32(in, j, "running", &p->running);
	err = err ?: get_u64(in, j, "pending", &p->pending);
	err = err ?: get_u64(in, j, "oldest_pending_ns", &p->oldest_pending_ns);
	err = err ?: get_u64(in, j, "cpu_ns", &p->cpu_ns);
	return err;
}

static int parse_hist(struct in *in, struct json_object *h, struct wq_series *r,
		      int k)
{
	struct json_object *slots;
	size_t plen = strlen(in->path);
	int err, i;

	if (!json_object_is_type(h, json_type_object))
		return bad(in, wq_hkind__name(k), "expected an object");
	snprintf(in->path + plen, sizeof(in->path) - plen, ".%s",
		 wq_hkind__name(k));
	err = get_u64(in, h, "sum_ns", &r->sum_ns[k]);
	err = err ?: get_u64(in, h, "max_ns", &r->max_ns[k]);
	err = err ?: get_array(in, h, "slots", &slots);
	if (!err && slots) {
		if (json_object_array_length(slots) != WQ_HIST_SLOTS)
			return bad(in, "slots", "expected %d counts",
				   WQ_HIST_SLOTS);
		for (i = 0; i < WQ_HIST_SLOTS; i++) {
			struct json_object *v =
				json_object_array_get_idx(slots, i);

			if (!json_object_is_type(v, json_type_int) ||
			    json_object_get_int64(v) < 0)
				return bad(
					in, "slots",
					"item %d: expected an unsigned integer",
					i);
			r->hist[k].slot[i] = json_object_get_uint64(v);
		}
	}
	in->path[plen] = '\0';
	return err;
}

static int parse_series(struct in *in, struct json_object *j,
			struct wq_series *r)
{
	struct json_object *hs, *addr;
	int err, k;

	if (!json_object_is_type(j, json_type_object))
		return bad(in, NULL, "expected an object");
	err = get_s32(in, j, "pool_id", &r->pool_id);
	err = err
		      ?: get_str(in, j, "workqueue", r->workqueue,
				 sizeof(r->workqueue), false);
	err = err
		      ?: get_str(in, j, "function", r->function,
				 sizeof(r->function), false);
	if (err)
		return err;
	addr = member(j, "func_addr");
	if (addr) {
		const char *a = json_object_get_string(addr);
		char *end;

		if (!json_object_is_type(addr, json_type_string) ||
		    strncmp(a, "0x", 2) || !a[2] || strlen(a) > 18)
			return bad(in, "func_addr", "expected \"0x<hex>\"");
		errno = 0;
		r->func_addr = strtoull(a + 2, &end, 16);
		if (*end || errno || a[2] == '-' || a[2] == '+' || a[2] == ' ')
			return bad(in, "func_addr", "expected \"0x<hex>\"");
	}
	err = get_u64(in, j, "queued", &r->queued);
	err = err ?: get_u64(in, j, "activated", &r->activated);
	err = err ?: get_u64(in, j, "started", &r->started);
	err = err ?: get_u64(in, j, "completed", &r->completed);
	err = err ?: get_u64(in, j, "cancelled", &r->cancelled);
	err = err ?: get_u64(in, j, "unseen", &r->unseen);
	err = err ?: get_u64(in, j, "unpaired", &r->unpaired);
	err = err ?: get_object(in, j, "hist", &hs);
	for (k = 0; !err && hs && k < WQ_H_NR; k++) {
		struct json_object *h = member(hs, wq_hkind__name(k));

		if (h)
			err = parse_hist(in, h, r, k);
	}
	return err;
}

static int parse_queuer(struct in *in, struct json_object *j,
			struct wq_queuer *q)
{
	struct json_object *ctx;
	int err, c;

	if (!json_object_is_type(j, json_type_object))
		return bad(in, NULL, "expected an object");
	err = get_s32(in, j, "pool_id", &q->pool_id);
	err = err
		      ?: get_str(in, j, "workqueue", q->workqueue,
				 sizeof(q->workqueue), false);
	err = err
		      ?: get_str(in, j, "function", q->function,
				 sizeof(q->function), false);
	if (err)
		return err;
	ctx = member(j, "context");
	if (ctx) {
		c = json_object_is_type(ctx, json_type_string)
			    ? wq_qctx__parse(json_object_get_string(ctx))
			    : -1;
		if (c < 0)
			return bad(in, "context",
				   "expected one of task, "
				   "softirq, hardirq, nmi, other");
		q->ctx = c;
	}
	err = get_str(in, j, "comm", q->comm, sizeof(q->comm), false);
	err = err ?: get_s32(in, j, "tgid", &q->tgid);
	err = err ?: get_u64(in, j, "cgroup_id", &q->cgroup_id);
	err = err
		      ?: get_str(in, j, "cgroup", q->cgroup, sizeof(q->cgroup),
				 false);
	err = err ?: get_u64(in, j, "queued", &q->queued);
	err = err ?: get_u64(in, j, "started", &q->started);
	err = err ?: get_u64(in, j, "completed", &q->completed);
	err = err ?: get_u64(in, j, "lat_ns", &q->lat_ns);
	err = err ?: get_u64(in, j, "run_ns", &q->run_ns);
	err = err ?: get_u64(in, j, "cpu_ns", &q->cpu_ns);
	return err;
}

static int parse_root(struct in *in, struct json_object *root,
		      struct wq_snapshot *s)
{
	struct json_object *v, *arr, *c;
	size_t i, n;
	int err, k;

	if (!json_object_is_type(root, json_type_object))
		return bad(in, NULL, "expected a JSON object");
	v = member(root, "format");
	if (!v || !json_object_is_type(v, json_type_string) ||
	    strcmp(json_object_get_string(v), WQ_JSON_FORMAT))
		return bad(in, "format", "expected \"%s\"", WQ_JSON_FORMAT);
	v = member(root, "version");
	if (!v || !json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) != WQ_JSON_VERSION)
		return bad(in, "version", "unsupported (this parser reads %d)",
			   WQ_JSON_VERSION);
	err = get_str(in, root, "source", s->source, sizeof(s->source), true);
	err = err
		      ?: get_str(in, root, "kernel", s->kernel,
				 sizeof(s->kernel), false);
	err = err ?: get_u64(in, root, "mono_ns", &s->mono_ns);
	err = err ?: get_u64(in, root, "real_ns", &s->real_ns);
	err = err ?: get_u64(in, root, "interval_ns", &s->interval_ns);
	err = err ?: get_object(in, root, "counters", &c);
	for (k = 0; !err && c && k < WQ_C_NR; k++)
		err = get_u64(in, c, wq_counter__name(k), &s->counters[k]);
	if (!err) {
		uint64_t ncpus = 0;

		err = get_u64(in, root, "ncpus", &ncpus);
		if (!err && ncpus > UINT32_MAX)
			err = bad(in, "ncpus", "out of range");
		s->ncpus = (uint32_t)ncpus;
	}
	if (!err) {
		uint64_t every = 1;

		err = get_u64(in, root, "sample_every", &every);
		if (!err && (!every || every > UINT32_MAX))
			err = bad(in, "sample_every", "must be 1 or more");
		s->sample_every = (uint32_t)every;
	}
	err = err ?: get_array(in, root, "probes", &arr);
	n = !err && arr ? json_object_array_length(arr) : 0;
	if (n > WQ_MAX_PROBES)
		return bad(in, "probes", "more than %d", WQ_MAX_PROBES);
	for (i = 0; i < n; i++) {
		struct json_object *p = json_object_array_get_idx(arr, i);
		struct wq_probe *pr = &s->probes[i];

		if (!json_object_is_type(p, json_type_object))
			return bad(in, "probes", "expected objects");
		err = get_str(in, p, "program", pr->name, sizeof(pr->name),
			      true);
		err = err ?: get_u64(in, p, "missed", &pr->missed);
		if (err)
			return err;
		s->nr_probes = i + 1;
	}
	err = err ?: get_array(in, root, "pools", &arr);
	if (err)
		return err;
	n = arr ? json_object_array_length(arr) : 0;
	for (i = 0; i < n; i++) {
		struct wq_pool *p = wq_snapshot__add_pool(s);

		if (!p)
			return -ENOMEM;
		snprintf(in->path, sizeof(in->path), "pools[%zu]", i);
		err = parse_pool(in, json_object_array_get_idx(arr, i), p);
		if (err)
			return err;
	}
	in->path[0] = '\0';
	err = get_array(in, root, "series", &arr);
	if (err)
		return err;
	n = arr ? json_object_array_length(arr) : 0;
	for (i = 0; i < n; i++) {
		struct wq_series *r = wq_snapshot__add_series(s);

		if (!r)
			return -ENOMEM;
		snprintf(in->path, sizeof(in->path), "series[%zu]", i);
		err = parse_series(in, json_object_array_get_idx(arr, i), r);
		if (err)
			return err;
	}
	in->path[0] = '\0';
	err = get_array(in, root, "queuers", &arr);
	if (err)
		return err;
	n = arr ? json_object_array_length(arr) : 0;
	for (i = 0; i < n; i++) {
		struct wq_queuer *q = wq_snapshot__add_queuer(s);

		if (!q)
			return -ENOMEM;
		snprintf(in->path, sizeof(in->path), "queuers[%zu]", i);
		err = parse_queuer(in, json_object_array_get_idx(arr, i), q);
		if (err)
			return err;
	}
	return 0;
}

int wq_json__parse_msg(struct wq_snapshot *s, const char *json, char *err,
		       size_t errlen)
{
	struct in in = {.err = err, .errlen = errlen};
	struct json_object *root = NULL;
	struct json_tokener *tok;
	size_t len = strlen(json), end;
	int ret;

	if (err && errlen)
		err[0] = '\0';
	wq_snapshot__reset(s);
	s->source[0] = '\0';
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	root = json_tokener_parse_ex(tok, json, (int)len);
	if (!root) {
		enum json_tokener_error jerr = json_tokener_get_error(tok);

		/* A document cut short is "continue", not an error, to a
		 * streaming tokener. */
		ret = bad(&in, NULL, "offset %zu: %s",
			  json_tokener_get_parse_end(tok),
			  jerr == json_tokener_continue
				  ? "unexpected end of input"
				  : json_tokener_error_desc(jerr));
		goto out;
	}
	/* One document, nothing after it but blanks. */
	for (end = json_tokener_get_parse_end(tok); end < len; end++) {
		if (!strchr(" \t\r\n", json[end])) {
			ret = bad(&in, NULL,
				  "offset %zu: data after the document", end);
			goto out;
		}
	}
	ret = parse_root(&in, root, s);
	if (ret == -ENOMEM && err && errlen)
		snprintf(err, errlen, "out of memory");
out:
	json_object_put(root);
	json_tokener_free(tok);
	if (ret) {
		wq_snapshot__reset(s);
		s->source[0] = '\0';
	}
	return ret;
}

int wq_json__parse(struct wq_snapshot *s, const char *json)
{
	return wq_json__parse_msg(s, json, NULL, 0);
}
