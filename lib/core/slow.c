// SPDX-License-Identifier: GPL-2.0
/* Slow work items: rules, filters, the recent ring, text and JSON
 * (slow.h). */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>

#include "jsonout.h"
#include "slow.h"
#include "wqtime.h"

const char *wq_slow_kind__name(enum wq_slow_kind k)
{
	static const char *const names[WQ_SLOW_K_NR] = {
		[WQ_SLOW_K_LATENCY] = "latency",
		[WQ_SLOW_K_RUN] = "run",
	};

	return (unsigned int)k < WQ_SLOW_K_NR ? names[k] : "?";
}

void wq_slow_rules__defaults(struct wq_slow_rules *r)
{
	memset(r, 0, sizeof(*r));
	/* Ten times the kernel's CPU-intensive mark: rare on a healthy
	 * machine, so the records are worth reading. */
	r->threshold_ns[WQ_SLOW_K_LATENCY] = 100000000ULL;
	r->threshold_ns[WQ_SLOW_K_RUN] = 100000000ULL;
	r->max_per_second = 100;
}

/* A threshold: a duration with its unit, or "off" (0). */
static int threshold_parse(const char *text, uint64_t *ns)
{
	if (!strcmp(text, "off")) {
		*ns = 0;
		return 0;
	}
	return wq_duration__parse(text, ns);
}

int wq_slow_rules__set_default(struct wq_slow_rules *r, enum wq_slow_kind k,
			       const char *text, char *err, size_t errlen)
{
	uint64_t ns;

	if ((unsigned int)k >= WQ_SLOW_K_NR || threshold_parse(text, &ns)) {
		snprintf(err, errlen, "%s threshold '%s': give a duration "
			 "(e.g. 10ms, 1s) or off", wq_slow_kind__name(k), text);
		return -EINVAL;
	}
	r->threshold_ns[k] = ns;
	return 0;
}

int wq_slow_rules__set_rate(struct wq_slow_rules *r, const char *text,
			    char *err, size_t errlen)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (text[0] < '0' || text[0] > '9' || *end || errno || !v ||
	    v > WQ_SLOW_RATE_MAX) {
		snprintf(err, errlen, "max_per_second '%s': give a whole number "
			 "from 1 to %d (records a second per CPU)", text,
			 WQ_SLOW_RATE_MAX);
		return -EINVAL;
	}
	r->max_per_second = (uint32_t)v;
	return 0;
}

int wq_slow_rules__add(struct wq_slow_rules *r, const char *spec, char *err,
		       size_t errlen)
{
	char kind[16], pattern[WQ_RULE_PATTERN_LEN], dur[32];
	uint64_t ns;
	int k;

	if (wq_rule__split(spec, kind, pattern, dur, "run events_unbound/* 50ms",
			   err, errlen))
		return -EINVAL;
	for (k = 0; k < WQ_SLOW_K_NR; k++)
		if (!strcmp(kind, wq_slow_kind__name(k)))
			break;
	if (k == WQ_SLOW_K_NR) {
		snprintf(err, errlen, "rule '%s': kind '%s' is not latency "
			 "or run", spec, kind);
		return -EINVAL;
	}
	if (threshold_parse(dur, &ns)) {
		snprintf(err, errlen, "rule '%s': bad duration '%s' (e.g. "
			 "500us, 10ms, 1s, or off)", spec, dur);
		return -EINVAL;
	}
	return wq_rules__append(r->rule, &r->nr_rules, WQ_SLOW_MAX_RULES,
				"slow", k, pattern, ns, err, errlen);
}

uint64_t wq_slow_rules__threshold(const struct wq_slow_rules *r,
				  enum wq_slow_kind kind, const char *wq,
				  const char *fn)
{
	return wq_rules__threshold(r->rule, r->nr_rules, kind, wq, fn,
				   r->threshold_ns[kind]);
}

uint64_t wq_slow_rules__kernel_min(const struct wq_slow_rules *r)
{
	uint64_t m = 0;

	for (int k = 0; k < WQ_SLOW_K_NR; k++)
		if (r->threshold_ns[k] && (!m || r->threshold_ns[k] < m))
			m = r->threshold_ns[k];
	for (size_t i = 0; i < r->nr_rules; i++)
		if (r->rule[i].threshold_ns &&
		    (!m || r->rule[i].threshold_ns < m))
			m = r->rule[i].threshold_ns;
	return m;
}

bool wq_slow_rules__judge(const struct wq_slow_rules *r, struct wq_slow *rec)
{
	uint64_t t;

	rec->why = 0;
	t = wq_slow_rules__threshold(r, WQ_SLOW_K_LATENCY, rec->workqueue,
				     rec->function);
	if (t && wq_slow__latency_known(rec) && wq_slow__latency_ns(rec) >= t)
		rec->why |= WQ_SLOW_LATENCY;
	t = wq_slow_rules__threshold(r, WQ_SLOW_K_RUN, rec->workqueue,
				     rec->function);
	if (t && rec->ended_ns >= rec->started_ns && wq_slow__run_ns(rec) >= t)
		rec->why |= WQ_SLOW_RUN;
	return rec->why;
}

/* ---- filters ---- */

int wq_slow_filter__set(struct wq_slow_filter *f, const char *what,
			const char *glob, char *err, size_t errlen)
{
	char *dst;

	if (!strcmp(what, "workqueue"))
		dst = f->workqueue;
	else if (!strcmp(what, "function"))
		dst = f->function;
	else {
		snprintf(err, errlen, "unknown filter '%s': workqueue or "
			 "function", what);
		return -EINVAL;
	}
	if (!glob[0] || strlen(glob) >= sizeof(f->workqueue)) {
		snprintf(err, errlen, "%s filter: give a glob of 1 to %zu "
			 "characters, e.g. events* or *fsync*", what,
			 sizeof(f->workqueue) - 1);
		return -EINVAL;
	}
	strcpy(dst, glob);
	return 0;
}

int wq_slow_filter__set_name(struct wq_slow_filter *f, const char *what,
			     const char *name, char *err, size_t errlen)
{
	char glob[sizeof(f->workqueue)];
	size_t o = 0;

	for (; *name; name++) {
		if (o + 3 > sizeof(glob)) {
			snprintf(err, errlen, "%s filter: a name of at most "
				 "%zu characters", what, sizeof(glob) / 2 - 1);
			return -EINVAL;
		}
		if (strchr("*?[\\", *name))
			glob[o++] = '\\';
		glob[o++] = *name;
	}
	glob[o] = '\0';
	return wq_slow_filter__set(f, what, glob, err, errlen);
}

bool wq_slow_filter__match(const struct wq_slow_filter *f,
			   const struct wq_slow *r)
{
	if (!f)
		return true;
	if (f->workqueue[0] && fnmatch(f->workqueue, r->workqueue, 0))
		return false;
	return !f->function[0] || !fnmatch(f->function, r->function, 0);
}

/* ---- the ring ---- */

struct wq_slow_ring {
	size_t cap, nr, head;	/* head: where the next goes */
	uint64_t seq;
	struct wq_slow rec[];
};

struct wq_slow_ring *wq_slow_ring__new(size_t cap)
{
	struct wq_slow_ring *g;

	if (!cap || cap > WQ_SLOW_KEEP_MAX)
		return NULL;
	g = calloc(1, sizeof(*g) + cap * sizeof(g->rec[0]));
	if (g)
		g->cap = cap;
	return g;
}

void wq_slow_ring__free(struct wq_slow_ring *g)
{
	free(g);
}

void wq_slow_ring__push(struct wq_slow_ring *g, struct wq_slow *r)
{
	r->seq = ++g->seq;
	g->rec[g->head] = *r;
	g->head = (g->head + 1) % g->cap;
	if (g->nr < g->cap)
		g->nr++;
}

uint64_t wq_slow_ring__last_seq(const struct wq_slow_ring *g)
{
	return g->seq;
}

/* The i-th newest record (0: the newest); i < nr. */
static const struct wq_slow *nth_newest(const struct wq_slow_ring *g,
					size_t i)
{
	return &g->rec[(g->head + g->cap - 1 - i) % g->cap];
}

size_t wq_slow_ring__recent(const struct wq_slow_ring *g,
			    const struct wq_slow_filter *f, size_t max,
			    struct wq_slow *out)
{
	size_t n = 0;

	for (size_t i = 0; i < g->nr && n < max; i++) {
		const struct wq_slow *r = nth_newest(g, i);

		if (wq_slow_filter__match(f, r))
			out[n++] = *r;
	}
	return n;
}

size_t wq_slow_ring__since(const struct wq_slow_ring *g, uint64_t after,
			   const struct wq_slow_filter *f, size_t max,
			   struct wq_slow *out, uint64_t *lost,
			   uint64_t *next)
{
	uint64_t oldest = g->seq - g->nr + 1;	/* seq of the oldest kept */
	size_t n = 0;

	*lost = 0;
	*next = after;
	if (after >= g->seq)
		return 0;
	if (after + 1 < oldest) {
		*lost = oldest - after - 1;
		after = oldest - 1;
		*next = after;
	}
	/* The record of seq s is the (seq - s)-th newest. */
	for (uint64_t s = after + 1; s <= g->seq && n < max; s++) {
		const struct wq_slow *r = nth_newest(g, g->seq - s);

		*next = s;
		if (wq_slow_filter__match(f, r))
			out[n++] = *r;
	}
	return n;
}

/* ---- text ---- */

const char *wq_slow__header(void)
{
	return "TIME             CPU POOL WORKQUEUE            FUNCTION"
	       "                      LAT_MS     RUN_MS     CPU_MS WORKER  "
	       "QUEUER";
}

static void fmt_ms(char *buf, size_t len, uint64_t ns, bool known)
{
	if (known)
		snprintf(buf, len, "%.3f", ns / 1e6);
	else
		snprintf(buf, len, "-");
}

int wq_slow__line(const struct wq_slow *r, char *buf, size_t len)
{
	uint64_t real = wq_slow__real(r, r->ended_ns);
	char when[32], lat[24], run[24], cpu[24], worker[16];
	char queuer[WQ_COMM_LEN + WQ_CGROUP_LEN + 16];
	time_t sec = (time_t)(real / 1000000000ULL);
	struct tm tm;
	int n;

	n = localtime_r(&sec, &tm) ? (int)strftime(when, sizeof(when),
						  "%H:%M:%S", &tm) : 0;
	if (n)
		snprintf(when + n, sizeof(when) - n, ".%06u",
			 (unsigned int)(real % 1000000000ULL / 1000));
	else
		snprintf(when, sizeof(when), "?");
	fmt_ms(lat, sizeof(lat), wq_slow__latency_ns(r),
	       wq_slow__latency_known(r));
	fmt_ms(run, sizeof(run), wq_slow__run_ns(r), true);
	fmt_ms(cpu, sizeof(cpu), r->cpu_ns, true);
	if (r->bh)
		snprintf(worker, sizeof(worker), "bh");
	else
		snprintf(worker, sizeof(worker), "%d", r->worker_tid);
	if (!r->queuer)
		snprintf(queuer, sizeof(queuer), "-");
	else if (r->ctx == WQ_QCTX_TASK)
		snprintf(queuer, sizeof(queuer), "%s/%d %s", r->comm, r->tgid,
			 r->cgroup);
	else
		snprintf(queuer, sizeof(queuer), "%s", wq_qctx__name(r->ctx));
	n = snprintf(buf, len, "%-16s %3d %4d %-20s %-28s %8s %10s %10s %-7s %s",
		     when, r->cpu, r->pool_id, r->workqueue, r->function, lat,
		     run, cpu, worker, queuer);
	return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}

/* ---- JSON ---- */

static struct json_object *queuer_json(struct wq_jout *o,
				       const struct wq_slow *r)
{
	struct json_object *q;

	if (!r->queuer)
		return NULL;
	q = wq_jout__chk(o, json_object_new_object());
	wq_jout__put(o, q, "slot", json_object_new_uint64(r->queuer));
	wq_jout__put(o, q, "context", json_object_new_string(
		wq_qctx__name(r->ctx)));
	wq_jout__put(o, q, "comm", json_object_new_string(r->comm));
	wq_jout__put(o, q, "tgid", json_object_new_int(r->tgid));
	wq_jout__put(o, q, "cgroup_id", json_object_new_uint64(r->cgroup_id));
	wq_jout__put(o, q, "cgroup", json_object_new_string(r->cgroup));
	return q;
}

struct json_object *wq_slow_json__record(const struct wq_slow *r)
{
	struct wq_jout o = { 0 };
	struct json_object *e = wq_jout__chk(&o, json_object_new_object());
	struct json_object *why = wq_jout__chk(&o, json_object_new_array());
	bool lk = wq_slow__latency_known(r);

	wq_jout__put(&o, e, "seq", json_object_new_uint64(r->seq));
	wq_jout__put(&o, e, "workqueue", json_object_new_string(r->workqueue));
	wq_jout__put(&o, e, "function", json_object_new_string(r->function));
	wq_jout__put(&o, e, "pool_id", json_object_new_int(r->pool_id));
	wq_jout__put(&o, e, "cpu", json_object_new_int(r->cpu));
	wq_jout__put(&o, e, "worker_tid", json_object_new_int(r->worker_tid));
	wq_jout__put(&o, e, "bh", json_object_new_boolean(r->bh));
	if (r->queuer)
		wq_jout__put(&o, e, "queuer", queuer_json(&o, r));
	else if (e)
		json_object_object_add(e, "queuer", NULL);
	wq_jout__put(&o, e, "queued_ns", json_object_new_uint64(
		lk ? r->queued_ns : 0));
	wq_jout__put(&o, e, "started_ns", json_object_new_uint64(r->started_ns));
	wq_jout__put(&o, e, "ended_ns", json_object_new_uint64(r->ended_ns));
	wq_jout__put(&o, e, "queued_real_ns", json_object_new_uint64(
		lk ? wq_slow__real(r, r->queued_ns) : 0));
	wq_jout__put(&o, e, "started_real_ns", json_object_new_uint64(
		wq_slow__real(r, r->started_ns)));
	wq_jout__put(&o, e, "ended_real_ns", json_object_new_uint64(
		wq_slow__real(r, r->ended_ns)));
	if (lk)
		wq_jout__put(&o, e, "latency_ns", json_object_new_uint64(
			wq_slow__latency_ns(r)));
	else if (e)
		json_object_object_add(e, "latency_ns", NULL);
	wq_jout__put(&o, e, "run_ns", json_object_new_uint64(wq_slow__run_ns(r)));
	wq_jout__put(&o, e, "cpu_ns", json_object_new_uint64(r->cpu_ns));
	if (r->why & WQ_SLOW_LATENCY)
		wq_jout__append(&o, why, json_object_new_string("latency"));
	if (r->why & WQ_SLOW_RUN)
		wq_jout__append(&o, why, json_object_new_string("run"));
	wq_jout__put(&o, e, "slow", why);
	if (o.oom) {
		json_object_put(e);
		return NULL;
	}
	return e;
}

int wq_slow_json__line(const struct wq_slow *r, char *buf, size_t len)
{
	struct json_object *e = wq_slow_json__record(r);
	const char *s;
	size_t n;

	if (!e)
		return -ENOMEM;
	s = json_object_to_json_string_ext(e, JSON_C_TO_STRING_PLAIN);
	n = s ? strlen(s) : 0;
	if (!s || n >= len) {
		json_object_put(e);
		return s ? -ENOSPC : -ENOMEM;
	}
	memcpy(buf, s, n + 1);
	json_object_put(e);
	return (int)n;
}

/* A member of @o of @type, or NULL. */
static struct json_object *member(struct json_object *o, const char *key,
				  json_type type)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, type))
		return NULL;
	return v;
}

static int get_u64(struct json_object *o, const char *key, uint64_t *v,
		   const char **bad)
{
	struct json_object *m = member(o, key, json_type_int);

	if (!m || json_object_get_int64(m) < 0) {
		*bad = key;
		return -EINVAL;
	}
	*v = json_object_get_uint64(m);
	return 0;
}

static int get_i32(struct json_object *o, const char *key, int32_t *v,
		   const char **bad)
{
	struct json_object *m = member(o, key, json_type_int);
	int64_t x = m ? json_object_get_int64(m) : 0;

	if (!m || x < INT32_MIN || x > INT32_MAX) {
		*bad = key;
		return -EINVAL;
	}
	*v = (int32_t)x;
	return 0;
}

static int get_str(struct json_object *o, const char *key, char *dst,
		   size_t len, const char **bad)
{
	struct json_object *m = member(o, key, json_type_string);

	if (!m || (size_t)json_object_get_string_len(m) >= len) {
		*bad = key;
		return -EINVAL;
	}
	memcpy(dst, json_object_get_string(m),
	       json_object_get_string_len(m) + 1);
	return 0;
}

static int parse_queuer(struct json_object *q, struct wq_slow *r,
			const char **bad)
{
	char ctx[16];
	uint64_t slot;
	int c, err;

	err = get_u64(q, "slot", &slot, bad);
	err = err ?: get_str(q, "context", ctx, sizeof(ctx), bad);
	err = err ?: get_str(q, "comm", r->comm, sizeof(r->comm), bad);
	err = err ?: get_i32(q, "tgid", &r->tgid, bad);
	err = err ?: get_u64(q, "cgroup_id", &r->cgroup_id, bad);
	err = err ?: get_str(q, "cgroup", r->cgroup, sizeof(r->cgroup), bad);
	if (err)
		return err;
	c = wq_qctx__parse(ctx);
	if (c < 0 || !slot || slot > UINT32_MAX) {
		*bad = c < 0 ? "queuer.context" : "queuer.slot";
		return -EINVAL;
	}
	r->ctx = c;
	r->queuer = (uint32_t)slot;
	return 0;
}

int wq_slow_json__parse(const char *json, struct wq_slow *r, char *err,
			size_t errlen)
{
	struct json_object *root = json_tokener_parse(json), *q, *why;
	const char *bad = NULL;
	uint64_t ended_real = 0;
	int ret;

	memset(r, 0, sizeof(*r));
	if (!root || !json_object_is_type(root, json_type_object)) {
		snprintf(err, errlen, "a slow record is a JSON object");
		json_object_put(root);
		return -EINVAL;
	}
	ret = get_u64(root, "seq", &r->seq, &bad);
	ret = ret ?: get_str(root, "workqueue", r->workqueue,
			     sizeof(r->workqueue), &bad);
	ret = ret ?: get_str(root, "function", r->function,
			     sizeof(r->function), &bad);
	ret = ret ?: get_i32(root, "pool_id", &r->pool_id, &bad);
	ret = ret ?: get_i32(root, "cpu", &r->cpu, &bad);
	ret = ret ?: get_i32(root, "worker_tid", &r->worker_tid, &bad);
	ret = ret ?: get_u64(root, "queued_ns", &r->queued_ns, &bad);
	ret = ret ?: get_u64(root, "started_ns", &r->started_ns, &bad);
	ret = ret ?: get_u64(root, "ended_ns", &r->ended_ns, &bad);
	ret = ret ?: get_u64(root, "ended_real_ns", &ended_real, &bad);
	ret = ret ?: get_u64(root, "cpu_ns", &r->cpu_ns, &bad);
	if (!ret && !member(root, "bh", json_type_boolean)) {
		bad = "bh";
		ret = -EINVAL;
	}
	if (!ret && r->started_ns > r->ended_ns) {
		bad = "started_ns";
		ret = -EINVAL;
	}
	if (!ret && ended_real && ended_real < r->ended_ns) {
		bad = "ended_real_ns";
		ret = -EINVAL;
	}
	if (!ret) {
		r->bh = json_object_get_boolean(member(root, "bh",
						       json_type_boolean));
		r->real_offset_ns = ended_real ? ended_real - r->ended_ns : 0;
		q = member(root, "queuer", json_type_object);
		if (q)
			ret = parse_queuer(q, r, &bad);
	}
	why = ret ? NULL : member(root, "slow", json_type_array);
	for (size_t i = 0; why && i < json_object_array_length(why); i++) {
		const char *w = json_object_get_string(
			json_object_array_get_idx(why, i));

		if (w && !strcmp(w, "latency"))
			r->why |= WQ_SLOW_LATENCY;
		else if (w && !strcmp(w, "run"))
			r->why |= WQ_SLOW_RUN;
	}
	if (ret)
		snprintf(err, errlen, "slow record: '%s' missing or out of range",
			 bad ? bad : "?");
	json_object_put(root);
	return ret;
}

struct json_object *wq_slow_json__rules(const struct wq_slow_rules *r)
{
	struct wq_jout o = { 0 };
	struct json_object *e = wq_jout__chk(&o, json_object_new_object());
	struct json_object *t = wq_jout__chk(&o, json_object_new_object());
	struct json_object *list = wq_jout__chk(&o, json_object_new_array());

	wq_jout__put(&o, t, "latency", json_object_new_uint64(
		r->threshold_ns[WQ_SLOW_K_LATENCY]));
	wq_jout__put(&o, t, "run", json_object_new_uint64(
		r->threshold_ns[WQ_SLOW_K_RUN]));
	wq_jout__put(&o, e, "thresholds_ns", t);
	for (size_t i = 0; i < r->nr_rules; i++) {
		struct json_object *x = wq_jout__chk(&o,
						     json_object_new_object());

		wq_jout__put(&o, x, "kind", json_object_new_string(
			wq_slow_kind__name(r->rule[i].kind)));
		wq_jout__put(&o, x, "pattern",
			     json_object_new_string(r->rule[i].pattern));
		wq_jout__put(&o, x, "threshold_ns",
			     json_object_new_uint64(r->rule[i].threshold_ns));
		wq_jout__append(&o, list, x);
	}
	wq_jout__put(&o, e, "rules", list);
	wq_jout__put(&o, e, "kernel_min_ns", json_object_new_uint64(
		wq_slow_rules__kernel_min(r)));
	wq_jout__put(&o, e, "max_per_second",
		     json_object_new_uint64(r->max_per_second));
	if (o.oom) {
		json_object_put(e);
		return NULL;
	}
	return e;
}
