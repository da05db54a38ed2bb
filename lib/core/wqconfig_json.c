// SPDX-License-Identifier: GPL-2.0
/*
 * The wqmon-config JSON document of a workqueue configuration (docs/
 * FORMAT.md, "Configuration"): written for /api/v1/config and wqctl config
 * --json, read back by wqtop from a daemon.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "jsonout.h"
#include "wqconfig.h"

/* An int, or null for a field this kernel does not have. */
static struct json_object *int_or_null(int v)
{
	return v == WQ_CFG_NONE ? NULL : json_object_new_int(v);
}

static void add_opt(struct wq_jout *o, struct json_object *obj, const char *key,
		    int v)
{
	if (v == WQ_CFG_NONE)
		json_object_object_add_ex(obj, key, NULL,
					  JSON_C_OBJECT_KEY_IS_CONSTANT);
	else
		wq_jout__put(o, obj, key, int_or_null(v));
}

static void add_str_or_null(struct wq_jout *o, struct json_object *obj,
			    const char *key, const char *s)
{
	if (*s)
		wq_jout__put(o, obj, key, json_object_new_string(s));
	else
		json_object_object_add_ex(obj, key, NULL,
					  JSON_C_OBJECT_KEY_IS_CONSTANT);
}

static struct json_object *wq_json(struct wq_jout *o, const struct wq_config *c,
				   const struct wq_cfg_wq *w)
{
	struct json_object *j = json_object_new_object();
	struct json_object *flags = json_object_new_array();
	struct json_object *pools = json_object_new_array();
	struct json_object *cpu_pool = json_object_new_array();

	wq_jout__put(o, j, "name", json_object_new_string(w->name));
	for (int b = 0; b < WQ_CFG_NR_FLAGS; b++)
		if (w->flags & 1u << b)
			wq_jout__append(o, flags, json_object_new_string(wq_cfg_flag_name(b)));
	wq_jout__put(o, j, "flags", flags);
	add_opt(o, j, "max_active", w->max_active);
	add_opt(o, j, "saved_max_active", w->saved_max_active);
	add_opt(o, j, "min_active", w->min_active);
	add_opt(o, j, "active", w->active);
	wq_jout__put(o, j, "rescuer", json_object_new_boolean(w->rescuer));
	add_opt(o, j, "nice", w->nice);
	add_str_or_null(o, j, "cpus", w->cpus);
	add_str_or_null(o, j, "affinity_scope", w->affinity_scope);
	if (w->affinity_strict == WQ_CFG_NONE)
		json_object_object_add_ex(j, "affinity_strict", NULL,
					  JSON_C_OBJECT_KEY_IS_CONSTANT);
	else
		wq_jout__put(o, j, "affinity_strict",
		    json_object_new_boolean(w->affinity_strict));
	add_opt(o, j, "default_pool", w->default_pool);
	for (size_t i = 0; i < w->nr_pools; i++)
		wq_jout__append(o, pools, json_object_new_int(w->pools[i]));
	wq_jout__put(o, j, "pools", pools);
	for (int cpu = 0; w->cpu_pool && cpu < c->nr_cpus; cpu++)
		wq_jout__append(o, cpu_pool, w->cpu_pool[cpu] == WQ_CFG_NONE ?
				  NULL : json_object_new_int(w->cpu_pool[cpu]));
	wq_jout__put(o, j, "cpu_pools", cpu_pool);
	wq_jout__put(o, j, "pwqs_dropped", json_object_new_int64(w->pwqs_dropped));
	return j;
}

/* Every int the parser takes as null (int_member: WQ_CFG_NONE) renders as
 * null, so that a document read back renders the same. */
static struct json_object *pool_json(struct wq_jout *o,
				     const struct wq_cfg_pool *p)
{
	struct json_object *j = json_object_new_object();

	add_opt(o, j, "id", p->id);
	add_opt(o, j, "cpu", p->cpu < 0 ? WQ_CFG_NONE : p->cpu);
	wq_jout__put(o, j, "cpus", json_object_new_string(p->cpus));
	add_opt(o, j, "node", p->node);
	add_opt(o, j, "nice", p->nice);
	wq_jout__put(o, j, "bh", json_object_new_boolean(p->bh));
	add_opt(o, j, "workers", p->workers);
	add_opt(o, j, "idle", p->idle);
	add_opt(o, j, "running", p->running);
	return j;
}

struct json_object *wq_config__to_json(const struct wq_config *c)
{
	struct wq_jout o = {0};
	struct json_object *doc = json_object_new_object();
	struct json_object *masks = json_object_new_object();
	struct json_object *dropped = json_object_new_object();
	struct json_object *wqs = json_object_new_array();
	struct json_object *pools = json_object_new_array();

	wq_jout__put(&o, doc, "format", json_object_new_string("wqmon-config"));
	wq_jout__put(&o, doc, "version", json_object_new_int(1));
	wq_jout__put(&o, doc, "time_ns", json_object_new_int64((int64_t)c->time_ns));
	wq_jout__put(&o, doc, "nr_cpus", json_object_new_int(c->nr_cpus));
	wq_jout__put(&o, doc, "complete", json_object_new_boolean(c->complete));
	add_str_or_null(&o, masks, "requested", c->cpumask_requested);
	add_str_or_null(&o, masks, "effective", c->cpumask_effective);
	add_str_or_null(&o, masks, "isolated", c->cpumask_isolated);
	wq_jout__put(&o, doc, "cpumasks", masks);
	add_str_or_null(&o, doc, "default_affinity_scope",
			c->default_affinity_scope);
	wq_jout__put(&o, dropped, "workqueues", json_object_new_int64(c->wqs_dropped));
	wq_jout__put(&o, dropped, "pwqs", json_object_new_int64(c->pwqs_dropped));
	wq_jout__put(&o, dropped, "pools", json_object_new_int64(c->pools_dropped));
	wq_jout__put(&o, doc, "dropped", dropped);
	for (size_t i = 0; i < c->nr_wqs; i++)
		wq_jout__append(&o, wqs, wq_json(&o, c, &c->wqs[i]));
	wq_jout__put(&o, doc, "workqueues", wqs);
	for (size_t i = 0; i < c->nr_pools; i++)
		wq_jout__append(&o, pools, pool_json(&o, &c->pools[i]));
	wq_jout__put(&o, doc, "pools", pools);
	if (o.oom) {
		json_object_put(doc);
		return NULL;
	}
	return doc;
}

/* ---- reading it back (a daemon's /api/v1/config, for wqtop) ---- */

/* Bounds on what a document may hold: a reader takes input from the
 * network, and a wrong document must cost a one-line error, not memory. */
#define FROM_JSON_MAX_WQS	8192
#define FROM_JSON_MAX_POOLS	16384
#define FROM_JSON_MAX_CPUS	8192

static struct json_object *member(struct json_object *o, const char *key,
				  enum json_type type)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

/* An int member, WQ_CFG_NONE when null; false when absent or not a number
 * in [lo, hi]. */
static bool int_member(struct json_object *o, const char *key, int lo, int hi,
		       int *out)
{
	struct json_object *v;
	int64_t n;

	if (!json_object_object_get_ex(o, key, &v))
		return false;
	if (!v) {
		*out = WQ_CFG_NONE;
		return true;
	}
	if (!json_object_is_type(v, json_type_int))
		return false;
	n = json_object_get_int64(v);
	if (n < lo || n > hi)
		return false;
	*out = (int)n;
	return true;
}

/* A string member into @out, "" when null; false when absent, not a string
 * or too long for @len. */
static bool str_member(struct json_object *o, const char *key, char *out,
		       size_t len)
{
	struct json_object *v;
	const char *s;

	if (!json_object_object_get_ex(o, key, &v))
		return false;
	out[0] = '\0';
	if (!v)
		return true;
	if (!json_object_is_type(v, json_type_string))
		return false;
	s = json_object_get_string(v);
	if (strlen(s) >= len)
		return false;
	strcpy(out, s);
	return true;
}

static int *int_array(struct json_object *a, size_t max, size_t *n)
{
	size_t len = json_object_array_length(a);
	int *out;

	if (len > max)
		return NULL;
	out = calloc(len ? len : 1, sizeof(*out));
	for (size_t i = 0; out && i < len; i++) {
		struct json_object *v = json_object_array_get_idx(a, i);

		if (!v) {
			out[i] = WQ_CFG_NONE;
		} else if (json_object_is_type(v, json_type_int)) {
			out[i] = json_object_get_int(v);
		} else {
			free(out);
			return NULL;
		}
	}
	*n = len;
	return out;
}

static bool wq_from_json(struct json_object *j, int nr_cpus,
			 struct wq_cfg_wq *w)
{
	struct json_object *flags = member(j, "flags", json_type_array);
	struct json_object *pools = member(j, "pools", json_type_array);
	struct json_object *cpu = member(j, "cpu_pools", json_type_array);
	struct json_object *strict, *resc;
	size_t n = 0;

	if (!flags || !pools || !cpu ||
	    !str_member(j, "name", w->name, sizeof(w->name)) || !w->name[0] ||
	    !int_member(j, "max_active", 0, INT32_MAX, &w->max_active) ||
	    !int_member(j, "saved_max_active", 0, INT32_MAX,
			&w->saved_max_active) ||
	    !int_member(j, "min_active", 0, INT32_MAX, &w->min_active) ||
	    !int_member(j, "active", 0, INT32_MAX, &w->active) ||
	    !int_member(j, "nice", -20, 19, &w->nice) ||
	    !int_member(j, "default_pool", 0, INT32_MAX, &w->default_pool) ||
	    !str_member(j, "cpus", w->cpus, sizeof(w->cpus)) ||
	    !str_member(j, "affinity_scope", w->affinity_scope,
			sizeof(w->affinity_scope)) ||
	    !(resc = member(j, "rescuer", json_type_boolean)))
		return false;
	w->rescuer = json_object_get_boolean(resc);
	if (!json_object_object_get_ex(j, "affinity_strict", &strict))
		return false;
	w->affinity_strict = !strict ? WQ_CFG_NONE :
			     json_object_get_boolean(strict);
	for (size_t i = 0; i < json_object_array_length(flags); i++) {
		const char *f = json_object_get_string(
			json_object_array_get_idx(flags, i));

		for (int b = 0; f && b < WQ_CFG_NR_FLAGS; b++)
			if (!strcmp(f, wq_cfg_flag_name(b)))
				w->flags |= 1u << b;
	}
	w->pools = int_array(pools, FROM_JSON_MAX_POOLS, &w->nr_pools);
	w->cpu_pool = int_array(cpu, FROM_JSON_MAX_CPUS, &n);
	return w->pools && w->cpu_pool && n == (size_t)nr_cpus;
}

static bool pool_from_json(struct json_object *j, struct wq_cfg_pool *p)
{
	struct json_object *bh = member(j, "bh", json_type_boolean);

	if (!bh || !int_member(j, "id", 0, INT32_MAX, &p->id) ||
	    !int_member(j, "cpu", 0, FROM_JSON_MAX_CPUS, &p->cpu) ||
	    !int_member(j, "node", -1, INT32_MAX, &p->node) ||
	    !int_member(j, "nice", -20, 19, &p->nice) ||
	    !int_member(j, "workers", 0, INT32_MAX, &p->workers) ||
	    !int_member(j, "idle", 0, INT32_MAX, &p->idle) ||
	    !int_member(j, "running", 0, INT32_MAX, &p->running) ||
	    !str_member(j, "cpus", p->cpus, sizeof(p->cpus)))
		return false;
	p->bh = json_object_get_boolean(bh);
	return true;
}

int wq_config__from_json(const char *text, struct wq_config *c, char *err,
			 size_t errlen)
{
	struct json_object *doc = json_tokener_parse(text);
	struct json_object *wqs, *pools, *masks, *v;
	const char *what = "not a wqmon-config document";
	size_t nw, np;

	memset(c, 0, sizeof(*c));
	if (!doc || !(v = member(doc, "format", json_type_string)) ||
	    strcmp(json_object_get_string(v), "wqmon-config") ||
	    !(v = member(doc, "version", json_type_int)) ||
	    json_object_get_int(v) != 1)
		goto bad;
	what = "a malformed wqmon-config document";
	wqs = member(doc, "workqueues", json_type_array);
	pools = member(doc, "pools", json_type_array);
	masks = member(doc, "cpumasks", json_type_object);
	if (!wqs || !pools || !masks ||
	    !int_member(doc, "nr_cpus", 1, FROM_JSON_MAX_CPUS, &c->nr_cpus) ||
	    !(v = member(doc, "complete", json_type_boolean)) ||
	    !str_member(masks, "requested", c->cpumask_requested,
			sizeof(c->cpumask_requested)) ||
	    !str_member(masks, "effective", c->cpumask_effective,
			sizeof(c->cpumask_effective)) ||
	    !str_member(masks, "isolated", c->cpumask_isolated,
			sizeof(c->cpumask_isolated)) ||
	    !str_member(doc, "default_affinity_scope",
			c->default_affinity_scope,
			sizeof(c->default_affinity_scope)))
		goto bad;
	c->complete = json_object_get_boolean(v);
	if (json_object_is_type(v = json_object_object_get(doc, "time_ns"),
				json_type_int))
		c->time_ns = (uint64_t)json_object_get_int64(v);
	nw = json_object_array_length(wqs);
	np = json_object_array_length(pools);
	if (nw > FROM_JSON_MAX_WQS || np > FROM_JSON_MAX_POOLS)
		goto bad;
	c->wqs = calloc(nw ? nw : 1, sizeof(*c->wqs));
	c->pools = calloc(np ? np : 1, sizeof(*c->pools));
	if (!c->wqs || !c->pools) {
		what = "out of memory";
		goto bad;
	}
	for (size_t i = 0; i < np; i++, c->nr_pools++)
		if (!pool_from_json(json_object_array_get_idx(pools, i),
				    &c->pools[i]))
			goto bad;
	for (size_t i = 0; i < nw; i++) {
		c->nr_wqs++;	/* freed with the rest from here on */
		if (!wq_from_json(json_object_array_get_idx(wqs, i),
				  c->nr_cpus, &c->wqs[i]))
			goto bad;
	}
	json_object_put(doc);
	return 0;
bad:
	snprintf(err, errlen, "%s", what);
	json_object_put(doc);
	wq_config__free(c);
	return -EINVAL;
}
