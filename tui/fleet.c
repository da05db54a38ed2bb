// SPDX-License-Identifier: GPL-2.0
/*
 * wqtop --prometheus URL: the fleet view's queries, model and text (fleet.h):
 * pure, no I/O (fleet_main.c fetches and draws).
 */
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"

/* As in wqmon-fleet.rules.yml: 5 minute rates, function="other" (a fold
 * of many functions) left out, the scrape job named "wqmon". */
#define CPU_RATE "rate(wqmon_work_cpu_seconds_total{function!=\"other\"}[5m])"

const char *const wqtop_fleet_queries[FLEET_Q_NR] = {
	[FLEET_Q_UP] = "up{job=\"wqmon\"}",
	[FLEET_Q_SOURCES] = "sum by (instance) (wqmon_source_up)",
	[FLEET_Q_P99] = "histogram_quantile(0.99, sum by (instance, le) "
			"(rate(wqmon_work_latency_seconds_bucket[5m]))) >= 0",
	[FLEET_Q_STALLS] = "sum by (instance) (wqmon_stall_active)",
	[FLEET_Q_HOST_TOP] = "topk by (instance) (1, sum by (instance, source, "
			     "workqueue, function) (" CPU_RATE "))",
	[FLEET_Q_FN_CPU] =
		"topk(10, sum by (source, workqueue, function) (" CPU_RATE "))",
	[FLEET_Q_FN_HOSTS] =
		"count by (source, workqueue, function) (" CPU_RATE " > 0)",
};

static const char *label(struct json_object *metric, const char *name)
{
	struct json_object *v;

	if (!json_object_object_get_ex(metric, name, &v) ||
	    !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

static struct wqtop_fleet_host *host(struct wqtop_fleet *m, const char *inst,
				     bool add)
{
	struct wqtop_fleet_host *h;
	size_t i;

	for (i = 0; i < m->nr_hosts; i++)
		if (!strcmp(m->hosts[i].instance, inst))
			return &m->hosts[i];
	if (!add)
		return NULL;
	h = realloc(m->hosts, (m->nr_hosts + 1) * sizeof(*h));
	if (!h)
		return NULL;
	m->hosts = h;
	h = &m->hosts[m->nr_hosts++];
	memset(h, 0, sizeof(*h));
	snprintf(h->instance, sizeof(h->instance), "%s", inst);
	h->sources = h->p99_s = h->stalls = -1;
	return h;
}

static struct wqtop_fleet_fn *fn(struct wqtop_fleet *m, const char *name)
{
	struct wqtop_fleet_fn *f;
	size_t i;

	for (i = 0; i < m->nr_fns; i++)
		if (!strcmp(m->fns[i].name, name))
			return &m->fns[i];
	f = realloc(m->fns, (m->nr_fns + 1) * sizeof(*f));
	if (!f)
		return NULL;
	m->fns = f;
	f = &m->fns[m->nr_fns++];
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->hosts = -1;
	return f;
}

static void fn_name(char *buf, size_t len, struct json_object *metric)
{
	snprintf(buf, len, "%s %s/%s", label(metric, "source"),
		 label(metric, "workqueue"), label(metric, "function"));
}

/* One sample of query @q. */
static int add_sample(struct wqtop_fleet *m, enum wqtop_fleet_query q,
		      struct json_object *metric, double v)
{
	const char *inst = label(metric, "instance");
	char name[2 * WQTOP_FLEET_NAME];
	struct wqtop_fleet_host *h;
	struct wqtop_fleet_fn *f;

	switch (q) {
	case FLEET_Q_UP:
		h = host(m, inst, true);
		if (!h)
			return -ENOMEM;
		h->up = v == 1;
		return 0;
	case FLEET_Q_FN_CPU:
	case FLEET_Q_FN_HOSTS:
		fn_name(name, sizeof(name), metric);
		/* Host counts only of the functions the top list holds. */
		if (q == FLEET_Q_FN_HOSTS) {
			size_t i;

			for (i = 0; i < m->nr_fns; i++)
				if (!strcmp(m->fns[i].name, name))
					m->fns[i].hosts = v;
			return 0;
		}
		f = fn(m, name);
		if (!f)
			return -ENOMEM;
		f->cpu = v;
		return 0;
	default:
		break;
	}
	/* Per host: only the hosts the job has (a down host stays, with
	 * nothing known but that it is down). */
	h = host(m, inst, false);
	if (!h)
		return 0;
	switch (q) {
	case FLEET_Q_SOURCES:
		h->sources = v;
		break;
	case FLEET_Q_P99:
		h->p99_s = v;
		break;
	case FLEET_Q_STALLS:
		h->stalls = v;
		break;
	case FLEET_Q_HOST_TOP:
		fn_name(h->top_fn, sizeof(h->top_fn), metric);
		h->top_cpu = v;
		break;
	default:
		break;
	}
	return 0;
}

typedef int (*sample_fn)(void *ctx, struct json_object *metric, double v);

/* Call @fn for every sample of the instant vector in the answer @json. */
static int each_sample(const char *json, sample_fn fn, void *ctx, char *why,
		       size_t why_len)
{
	struct json_object *root = json_tokener_parse(json), *data, *res, *st;
	size_t i, n;
	int err = 0;

	if (!root || !json_object_object_get_ex(root, "status", &st) ||
	    strcmp(json_object_get_string(st), "success") ||
	    !json_object_object_get_ex(root, "data", &data) ||
	    !json_object_object_get_ex(data, "result", &res) ||
	    !json_object_is_type(res, json_type_array)) {
		snprintf(why, why_len, "not a successful PromQL answer");
		json_object_put(root);
		return -EPROTO;
	}
	n = json_object_array_length(res);
	for (i = 0; i < n && !err; i++) {
		struct json_object *r = json_object_array_get_idx(res, i);
		struct json_object *metric, *value, *vs;
		const char *s;
		char *end;
		double v;

		if (!json_object_object_get_ex(r, "metric", &metric) ||
		    !json_object_object_get_ex(r, "value", &value) ||
		    !json_object_is_type(value, json_type_array) ||
		    json_object_array_length(value) != 2) {
			snprintf(why, why_len,
				 "an answer that is not an instant vector");
			err = -EPROTO;
			break;
		}
		vs = json_object_array_get_idx(value, 1);
		s = json_object_get_string(vs);
		v = s ? strtod(s, &end) : NAN;
		if (!s || end == s || *end) {
			snprintf(why, why_len, "a sample that is not a number");
			err = -EPROTO;
			break;
		}
		err = fn(ctx, metric, v);
	}
	json_object_put(root);
	return err;
}

struct add_ctx {
	struct wqtop_fleet *m;
	enum wqtop_fleet_query q;
};

static int add_one(void *ctx, struct json_object *metric, double v)
{
	struct add_ctx *c = ctx;

	return add_sample(c->m, c->q, metric, v);
}

int wqtop_fleet__add(struct wqtop_fleet *m, enum wqtop_fleet_query q,
		     const char *json, char *why, size_t why_len)
{
	struct add_ctx c = {m, q};

	return each_sample(json, add_one, &c, why, why_len);
}

static int host_cmp(const void *a, const void *b)
{
	const struct wqtop_fleet_host *x = a, *y = b;
	int sx = x->stalls > 0, sy = y->stalls > 0;

	if (sx != sy)
		return sy - sx;
	if (x->up != y->up)
		return x->up - y->up;
	if (x->p99_s != y->p99_s)
		return x->p99_s < y->p99_s ? 1 : -1;
	return strcmp(x->instance, y->instance);
}

static int fn_cmp(const void *a, const void *b)
{
	const struct wqtop_fleet_fn *x = a, *y = b;

	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? 1 : -1;
	return strcmp(x->name, y->name);
}

void wqtop_fleet__sort(struct wqtop_fleet *m)
{
	if (m->nr_hosts)
		qsort(m->hosts, m->nr_hosts, sizeof(*m->hosts), host_cmp);
	if (m->nr_fns)
		qsort(m->fns, m->nr_fns, sizeof(*m->fns), fn_cmp);
}

/* A duration as wqtop shows one: 850ns, 12.5us, 3.2ms, 1.50s. */
static void dur(char *buf, size_t len, double s)
{
	if (s < 0)
		snprintf(buf, len, "-");
	else if (s < 1e-6)
		snprintf(buf, len, "%.0fns", s * 1e9);
	else if (s < 1e-3)
		snprintf(buf, len, "%.1fus", s * 1e6);
	else if (s < 1)
		snprintf(buf, len, "%.1fms", s * 1e3);
	else
		snprintf(buf, len, "%.2fs", s);
}

static void num(char *buf, size_t len, double v)
{
	if (v < 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.0f", v);
}

/* One line, cut at @width columns. */
static void __attribute__((format(printf, 3, 4)))
out(FILE *f, int width, const char *fmt, ...)
{
	char line[1100];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(f, "%.*s\n", width, line);
}

void wqtop_fleet__render(FILE *f, const struct wqtop_fleet *m, const char *url,
			 int width)
{
	size_t i, up = 0, stalled = 0;
	char a[32], b[32], c[32];

	for (i = 0; i < m->nr_hosts; i++) {
		up += m->hosts[i].up;
		stalled += m->hosts[i].stalls > 0;
	}
	out(f, width, "wqtop fleet: %s  %zu hosts, %zu up, %zu stalled", url,
	    m->nr_hosts, up, stalled);
	out(f, width, "%s", "");
	out(f, width, "%-28s %5s %7s %9s %6s  %s", "HOST", "STATE", "SOURCES",
	    "LAT_P99", "STALLS", "TOP FUNCTION BY KWORKER CPU");
	for (i = 0; i < m->nr_hosts; i++) {
		const struct wqtop_fleet_host *h = &m->hosts[i];
		char top[2 * WQTOP_FLEET_NAME + 32] = "-";

		num(a, sizeof(a), h->sources);
		dur(b, sizeof(b), h->p99_s);
		num(c, sizeof(c), h->stalls);
		if (h->top_fn[0])
			snprintf(top, sizeof(top), "%s %.1f%%", h->top_fn,
				 h->top_cpu * 100);
		out(f, width, "%-28s %5s %7s %9s %6s  %s", h->instance,
		    h->up ? "up" : "down", a, b, c, top);
	}
	out(f, width, "%s", "");
	out(f, width, "%-60s %8s %6s",
	    "FLEET: TOP WORK FUNCTIONS BY KWORKER CPU", "CPU%", "HOSTS");
	for (i = 0; i < m->nr_fns; i++) {
		num(a, sizeof(a), m->fns[i].hosts);
		out(f, width, "%-60s %8.2f %6s", m->fns[i].name,
		    m->fns[i].cpu * 100, a);
	}
}

/* ---- one host ---- */

int wqtop_fleet__detail_query(char *buf, size_t len,
			      enum wqtop_fleet_detail_query q,
			      const char *instance)
{
	char sel[2 * WQTOP_FLEET_NAME + 16];
	size_t o = 0;
	int n;

	/* The instance as a PromQL string: \ and " escaped. */
	for (; *instance && o + 3 < sizeof(sel); instance++) {
		if (*instance == '\\' || *instance == '"')
			sel[o++] = '\\';
		sel[o++] = *instance;
	}
	if (*instance)
		return -ENAMETOOLONG;
	sel[o] = '\0';
	switch (q) {
	case FLEET_D_CPU:
		n = snprintf(
			buf, len,
			"topk(10, sum by (source, workqueue, function) "
			"(rate(wqmon_work_cpu_seconds_total{instance=\"%s\","
			"function!=\"other\"}[5m])))",
			sel);
		break;
	case FLEET_D_P99:
		n = snprintf(
			buf, len,
			"histogram_quantile(0.99, sum by (source, "
			"workqueue, function, le) (rate("
			"wqmon_work_latency_seconds_bucket{instance=\"%s\"}"
			"[5m]))) >= 0",
			sel);
		break;
	case FLEET_D_STALLS:
		n = snprintf(buf, len, "wqmon_stall_active{instance=\"%s\"}",
			     sel);
		break;
	default:
		return -EINVAL;
	}
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

struct detail_ctx {
	struct wqtop_fleet_detail *d;
	enum wqtop_fleet_detail_query q;
};

static int detail_one(void *ctx, struct json_object *metric, double v)
{
	struct detail_ctx *c = ctx;
	struct wqtop_fleet_detail *d = c->d;
	char name[2 * WQTOP_FLEET_NAME];
	size_t i;
	void *p;

	if (c->q == FLEET_D_STALLS) {
		p = realloc(d->stalls, (d->nr_stalls + 1) * sizeof(*d->stalls));
		if (!p)
			return -ENOMEM;
		d->stalls = p;
		/* A pool's stall names no function: no "/" then. */
		snprintf(d->stalls[d->nr_stalls++], sizeof(*d->stalls),
			 "%s %s pool %s%s%s%s%s", label(metric, "kind"),
			 label(metric, "source"), label(metric, "pool"),
			 *label(metric, "function") ? " " : "",
			 label(metric, "workqueue"),
			 *label(metric, "function") ? "/" : "",
			 label(metric, "function"));
		return 0;
	}
	fn_name(name, sizeof(name), metric);
	for (i = 0; i < d->nr_fns; i++)
		if (!strcmp(d->fns[i].name, name))
			break;
	if (i == d->nr_fns) {
		/* p99 only of the functions the CPU list holds */
		if (c->q == FLEET_D_P99)
			return 0;
		p = realloc(d->fns, (d->nr_fns + 1) * sizeof(*d->fns));
		if (!p)
			return -ENOMEM;
		d->fns = p;
		memset(&d->fns[i], 0, sizeof(d->fns[i]));
		snprintf(d->fns[i].name, sizeof(d->fns[i].name), "%s", name);
		d->fns[i].p99_s = -1;
		d->nr_fns++;
	}
	if (c->q == FLEET_D_CPU)
		d->fns[i].cpu = v;
	else
		d->fns[i].p99_s = v;
	return 0;
}

int wqtop_fleet__detail_add(struct wqtop_fleet_detail *d,
			    enum wqtop_fleet_detail_query q, const char *json,
			    char *why, size_t why_len)
{
	struct detail_ctx c = {d, q};

	return each_sample(json, detail_one, &c, why, why_len);
}

static int hostfn_cmp(const void *a, const void *b)
{
	const struct wqtop_fleet_hostfn *x = a, *y = b;

	if (x->cpu != y->cpu)
		return x->cpu < y->cpu ? 1 : -1;
	return strcmp(x->name, y->name);
}

static int stall_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

void wqtop_fleet__detail_sort(struct wqtop_fleet_detail *d)
{
	if (d->nr_fns)
		qsort(d->fns, d->nr_fns, sizeof(*d->fns), hostfn_cmp);
	if (d->nr_stalls)
		qsort(d->stalls, d->nr_stalls, sizeof(*d->stalls), stall_cmp);
}

void wqtop_fleet__detail_render(FILE *f, const struct wqtop_fleet_detail *d,
				const struct wqtop_fleet_host *h, int width)
{
	char a[32], b[32], c[32];
	size_t i;

	num(a, sizeof(a), h->sources);
	dur(b, sizeof(b), h->p99_s);
	num(c, sizeof(c), h->stalls);
	out(f, width, "HOST %s: %s, sources %s, p99 %s, stalls %s", h->instance,
	    h->up ? "up" : "down", a, b, c);
	for (i = 0; i < d->nr_stalls; i++)
		out(f, width, "  stall: %s", d->stalls[i]);
	out(f, width, "%-60s %8s %9s", "FUNCTION", "CPU%", "LAT_P99");
	for (i = 0; i < d->nr_fns; i++) {
		dur(b, sizeof(b), d->fns[i].p99_s);
		out(f, width, "%-60s %8.2f %9s", d->fns[i].name,
		    d->fns[i].cpu * 100, b);
	}
}

void wqtop_fleet__detail_free(struct wqtop_fleet_detail *d)
{
	free(d->fns);
	free(d->stalls);
	memset(d, 0, sizeof(*d));
}

void wqtop_fleet__free(struct wqtop_fleet *m)
{
	free(m->hosts);
	free(m->fns);
	memset(m, 0, sizeof(*m));
}
