// SPDX-License-Identifier: GPL-2.0
/*
 * What an alert says, with no I/O (alert_payload.h): the Alertmanager
 * payload, the exec hook's environment, the sinks' queue and backoff.
 * The delivery (threads, HTTP, processes) is lib/service/alert.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>

#include "alert_payload.h"

int wq_alert__rfc3339(uint64_t real_ns, char *buf, size_t len)
{
	time_t t = real_ns / 1000000000ULL;
	struct tm tm;
	int n;

	if (!gmtime_r(&t, &tm))
		return -EINVAL;
	n = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ",
		     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		     tm.tm_min, tm.tm_sec,
		     (unsigned int)(real_ns % 1000000000ULL / 1000000));
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

/* Exact decimal seconds, as in /metrics: 1500000 ns is "0.0015". */
static void fmt_seconds(uint64_t ns, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%llu.%09llu",
			 (unsigned long long)(ns / 1000000000ULL),
			 (unsigned long long)(ns % 1000000000ULL));

	if (n < 0 || (size_t)n >= len)
		return;
	while (n > 0 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (n > 0 && buf[n - 1] == '.')
		buf[--n] = '\0';
}

static const char *severity(enum wq_stall_kind k)
{
	/* Nothing else runs on a stalled or starved pool, and the kernel
	 * only reports lockups; one slow item or a hog hurts less. */
	return k == WQ_STALL_RUNNING || k == WQ_STALL_CPU_HOG ? "warning"
							      : "critical";
}

static const char *what(enum wq_stall_kind k)
{
	switch (k) {
	case WQ_STALL_PENDING:
		return "the oldest pending work item has not started";
	case WQ_STALL_RUNNING:
		return "a work item has been running";
	case WQ_STALL_CPU_HOG:
		return "a work item has been on the CPU";
	case WQ_STALL_STARVED:
		return "the pool has been starved by a higher-priority task";
	case WQ_STALL_KERNEL:
		return "the kernel reported a workqueue lockup";
	default:
		return "stall";
	}
}

struct jb {
	bool failed;
};

static void jadd(struct jb *b, struct json_object *o, const char *k,
		 const char *v)
{
	struct json_object *s;

	if (b->failed)
		return;
	s = json_object_new_string(v);
	if (!s || json_object_object_add(o, k, s)) {
		json_object_put(s);
		b->failed = true;
	}
}

static void jadd_int(struct jb *b, struct json_object *o, const char *k,
		     long long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%lld", v);
	jadd(b, o, k, buf);
}

static struct json_object *jobj(struct jb *b, struct json_object *parent,
				const char *k)
{
	struct json_object *o;

	if (b->failed)
		return NULL;
	o = json_object_new_object();
	if (!o || json_object_object_add(parent, k, o)) {
		json_object_put(o);
		b->failed = true;
		return NULL;
	}
	return o;
}

char *wq_alert__payload(const struct wq_stall *s, const struct wq_alert_opts *o,
			uint64_t now_real_ns)
{
	struct json_object *arr, *al, *lab, *ann;
	char age[32], thr[32], t[40], where[160], text[1024];
	struct jb b = {0};
	uint64_t end = 0;
	char *out = NULL;

	arr = json_object_new_array();
	al = json_object_new_object();
	if (!arr || !al || json_object_array_add(arr, al)) {
		json_object_put(al);
		goto out;
	}
	/* Labels identify the alert in Alertmanager: only what stays the same
	 * for the whole life of one stall (no age, no tid). */
	lab = jobj(&b, al, "labels");
	jadd(&b, lab, "alertname", "WorkqueueStall");
	jadd(&b, lab, "kind", wq_stall_kind__name(s->kind));
	jadd(&b, lab, "severity", severity(s->kind));
	jadd(&b, lab, "source", s->source);
	/* Two stalls alike in every other label (two running items of one
	 * function) are still two alerts. */
	jadd_int(&b, lab, "stall_id", (long long)s->id);
	if (s->pool_id >= 0)
		jadd_int(&b, lab, "pool", s->pool_id);
	if (s->cpu >= 0)
		jadd_int(&b, lab, "cpu", s->cpu);
	if (s->workqueue[0])
		jadd(&b, lab, "workqueue", s->workqueue);
	if (s->function[0])
		jadd(&b, lab, "function", s->function);
	if (o->name && o->name[0])
		jadd(&b, lab, "instance", o->name);

	fmt_seconds(s->age_ns, age, sizeof(age));
	fmt_seconds(s->threshold_ns, thr, sizeof(thr));
	snprintf(where, sizeof(where), "%s%s%s", s->workqueue,
		 s->workqueue[0] && s->function[0] ? "/" : "", s->function);
	ann = jobj(&b, al, "annotations");
	snprintf(text, sizeof(text), "Workqueue stall (%s)%s%s: %ss > %ss",
		 wq_stall_kind__name(s->kind), where[0] ? " in " : "", where,
		 age, thr);
	if (s->cpu >= 0)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 " on CPU %d", s->cpu);
	jadd(&b, ann, "summary", text);
	snprintf(text, sizeof(text),
		 "%s for %ss (threshold %ss)%s%s; source %s, pool %d, CPU %d, "
		 "worker tid %d%s.",
		 what(s->kind), age, thr, where[0] ? " in " : "", where,
		 s->source, s->pool_id, s->cpu, s->worker_tid,
		 s->state == WQ_STALL_RESOLVED ? "; resolved" : "");
	text[0] = text[0] >= 'a' && text[0] <= 'z' ? text[0] - 32 : text[0];
	jadd(&b, ann, "description", text);
	jadd(&b, ann, "evidence", s->evidence);
	if (s->stack[0])
		jadd(&b, ann, "stack", s->stack);
	jadd(&b, ann, "age_seconds", age);

	if (!wq_alert__rfc3339(s->start_real_ns, t, sizeof(t)))
		jadd(&b, al, "startsAt", t);
	if (s->state == WQ_STALL_RESOLVED)
		end = s->end_real_ns ? s->end_real_ns : now_real_ns;
	else if (o->firing_ttl_s)
		end = now_real_ns + o->firing_ttl_s * 1000000000ULL;
	if (end && !wq_alert__rfc3339(end, t, sizeof(t)))
		jadd(&b, al, "endsAt", t);
	if (o->generator_url && o->generator_url[0])
		jadd(&b, al, "generatorURL", o->generator_url);
	if (!b.failed) {
		const char *j = json_object_to_json_string_ext(
			arr, JSON_C_TO_STRING_PLAIN |
				     JSON_C_TO_STRING_NOSLASHESCAPE);

		out = j ? strdup(j) : NULL;
	}
out:
	json_object_put(arr);
	if (!out)
		errno = ENOMEM;
	return out;
}

char **wq_alert__env(const struct wq_stall *s, char *const *base)
{
	char age[32], thr[32], start[40] = "", end[40] = "";
	size_t nb = 0, i, n = 0;
	char **env;
	struct {
		const char *k;
		char v[sizeof(s->stack)];
	} * kv;
	enum { NKV = 16 };

	while (base && base[nb])
		nb++;
	kv = calloc(NKV, sizeof(*kv));
	env = calloc(nb + NKV + 1, sizeof(*env));
	if (!kv || !env)
		goto fail;
	for (i = 0; i < nb; i++) {
		if (!strncmp(base[i], "WQMON_", 6))
			continue;
		env[n] = strdup(base[i]);
		if (!env[n++])
			goto fail;
	}
	fmt_seconds(s->age_ns, age, sizeof(age));
	fmt_seconds(s->threshold_ns, thr, sizeof(thr));
	wq_alert__rfc3339(s->start_real_ns, start, sizeof(start));
	if (s->end_real_ns)
		wq_alert__rfc3339(s->end_real_ns, end, sizeof(end));
#define KV(i, name, ...)                                                       \
	(kv[i].k = name, snprintf(kv[i].v, sizeof(kv[i].v), __VA_ARGS__))
	KV(0, "WQMON_STALL_ID", "%llu", (unsigned long long)s->id);
	KV(1, "WQMON_STALL_KIND", "%s", wq_stall_kind__name(s->kind));
	KV(2, "WQMON_STALL_STATE", "%s",
	   s->state == WQ_STALL_RESOLVED ? "resolved" : "firing");
	KV(3, "WQMON_SOURCE", "%s", s->source);
	/* Unknown values are empty, not -1 or 0, so a hook can test -n. */
	if (s->pool_id >= 0)
		KV(4, "WQMON_POOL", "%d", s->pool_id);
	else
		KV(4, "WQMON_POOL", "%s", "");
	if (s->cpu >= 0)
		KV(5, "WQMON_CPU", "%d", s->cpu);
	else
		KV(5, "WQMON_CPU", "%s", "");
	KV(6, "WQMON_WORKQUEUE", "%s", s->workqueue);
	KV(7, "WQMON_FUNCTION", "%s", s->function);
	if (s->worker_tid > 0)
		KV(8, "WQMON_WORKER_TID", "%d", s->worker_tid);
	else
		KV(8, "WQMON_WORKER_TID", "%s", "");
	KV(9, "WQMON_AGE_SECONDS", "%s", age);
	KV(10, "WQMON_THRESHOLD_SECONDS", "%s", thr);
	KV(11, "WQMON_STARTED_AT", "%s", start);
	KV(12, "WQMON_ENDED_AT", "%s", end);
	KV(13, "WQMON_EVIDENCE", "%s", s->evidence);
	KV(14, "WQMON_SEVERITY", "%s", severity(s->kind));
	KV(15, "WQMON_STACK", "%s", s->stack);
#undef KV
	for (i = 0; i < NKV; i++) {
		if (asprintf(&env[n], "%s=%s", kv[i].k, kv[i].v) < 0) {
			env[n] = NULL;
			goto fail;
		}
		n++;
	}
	free(kv);
	return env;
fail:
	free(kv);
	wq_alert__env_free(env);
	errno = ENOMEM;
	return NULL;
}

void wq_alert__env_free(char **env)
{
	char **p;

	for (p = env; p && *p; p++)
		free(*p);
	free(env);
}

unsigned int wq_alert__backoff_ms(const struct wq_alert_retry *r,
				  unsigned int attempt)
{
	uint64_t w = r->initial_ms;

	if (attempt < 2)
		return 0;
	for (attempt -= 2; attempt && w < r->max_ms; attempt--)
		w *= 2;
	return w < r->max_ms ? w : r->max_ms;
}

bool wq_alert__give_up(const struct wq_alert_retry *r, unsigned int attempts,
		       uint64_t age_ms)
{
	return (r->max_attempts && attempts >= r->max_attempts) ||
	       (r->max_age_ms && age_ms >= r->max_age_ms);
}

/* ---- the queue ---- */

int wq_alert_queue__init(struct wq_alert_queue *q, unsigned int cap)
{
	memset(q, 0, sizeof(*q));
	q->q = calloc(cap, sizeof(*q->q));
	if (!q->q)
		return -ENOMEM;
	q->cap = cap;
	return 0;
}

void wq_alert_queue__fini(struct wq_alert_queue *q)
{
	free(q->q);
	q->q = NULL;
}

static struct wq_alert_item *qat(const struct wq_alert_queue *q, unsigned int i)
{
	return &q->q[(q->head + i) % q->cap];
}

static void qremove(struct wq_alert_queue *q, unsigned int i)
{
	for (; i + 1 < q->n; i++)
		*qat(q, i) = *qat(q, i + 1);
	q->n--;
}

int wq_alert_queue__push(struct wq_alert_queue *q, const struct wq_stall *s,
			 bool update, uint64_t now_ns)
{
	unsigned int i;

	if (s->state == WQ_STALL_FIRING) {
		for (i = 0; i < q->n; i++) {
			struct wq_alert_item *it = qat(q, i);

			if (it->s.id == s->id &&
			    it->s.state == WQ_STALL_FIRING) {
				it->s = *s;
				q->coalesced++;
				return 0;
			}
		}
	}
	if (q->n == q->cap) {
		for (i = 0; i < q->n && !qat(q, i)->update; i++)
			;
		q->dropped++;
		if (i == q->n && update)
			return -ENOSPC;
		qremove(q, i == q->n ? 0 : i);
	}
	*qat(q, q->n++) = (struct wq_alert_item){
		.s = *s, .update = update, .enq_ns = now_ns};
	return 0;
}

bool wq_alert_queue__pop(struct wq_alert_queue *q, struct wq_alert_item *out)
{
	if (!q->n)
		return false;
	*out = q->q[q->head];
	q->head = (q->head + 1) % q->cap;
	q->n--;
	return true;
}

bool wq_alert_queue__has(const struct wq_alert_queue *q, uint64_t id)
{
	unsigned int i;

	for (i = 0; i < q->n; i++)
		if (qat(q, i)->s.id == id)
			return true;
	return false;
}

