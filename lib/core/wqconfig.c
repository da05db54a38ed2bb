// SPDX-License-Identifier: GPL-2.0
/*
 * The workqueue configuration as a value: lookups and the wqmon-config JSON
 * document (docs/FORMAT.md, "Configuration").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "wqconfig.h"

static const char *const flag_names[WQ_CFG_NR_FLAGS] = {
	"bh", "unbound", "freezable", "mem_reclaim", "highpri",
	"cpu_intensive", "sysfs", "power_efficient", "percpu", "ordered",
};

const char *wq_cfg_flag_name(int bit)
{
	return bit >= 0 && bit < WQ_CFG_NR_FLAGS ? flag_names[bit] : NULL;
}

void wq_cfg_flags_format(unsigned flags, char *out, size_t len)
{
	size_t o = 0;

	if (!len)
		return;
	out[0] = '\0';
	for (int b = 0; b < WQ_CFG_NR_FLAGS; b++) {
		int n;

		if (!(flags & 1u << b))
			continue;
		n = snprintf(out + o, len - o, "%s%s", o ? "," : "",
			     flag_names[b]);
		if (n < 0 || (size_t)n >= len - o) {
			out[o] = '\0';	/* whole names only */
			return;
		}
		o += (size_t)n;
	}
}

void wq_config__free(struct wq_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nr_wqs; i++) {
		free(c->wqs[i].pools);
		free(c->wqs[i].cpu_pool);
	}
	free(c->wqs);
	free(c->pools);
	memset(c, 0, sizeof(*c));
}

const struct wq_cfg_pool *wq_config__pool(const struct wq_config *c, int id)
{
	for (size_t i = 0; i < c->nr_pools; i++)
		if (c->pools[i].id == id)
			return &c->pools[i];
	return NULL;
}

const struct wq_cfg_wq *wq_config__wq(const struct wq_config *c,
				      const char *name)
{
	for (size_t i = 0; i < c->nr_wqs; i++)
		if (!strcmp(c->wqs[i].name, name))
			return &c->wqs[i];
	return NULL;
}

/* ---- JSON ---- */

/* json-c returns NULL when out of memory: every value goes through add(),
 * and the document is dropped once at the end. */
struct out {
	bool oom;
};

static void add(struct out *o, struct json_object *obj, const char *key,
		struct json_object *val)
{
	if (!obj || !val ||
	    json_object_object_add_ex(obj, key, val,
				      JSON_C_OBJECT_ADD_KEY_IS_NEW |
					      JSON_C_OBJECT_KEY_IS_CONSTANT)) {
		json_object_put(val);
		o->oom = true;
	}
}

static void push(struct out *o, struct json_object *arr,
		 struct json_object *val)
{
	if (!arr || !val || json_object_array_add(arr, val)) {
		json_object_put(val);
		o->oom = true;
	}
}

/* An int, or null for a field this kernel does not have. */
static struct json_object *int_or_null(int v)
{
	return v == WQ_CFG_NONE ? NULL : json_object_new_int(v);
}

static void add_opt(struct out *o, struct json_object *obj, const char *key,
		    int v)
{
	if (v == WQ_CFG_NONE)
		json_object_object_add_ex(obj, key, NULL,
					  JSON_C_OBJECT_KEY_IS_CONSTANT);
	else
		add(o, obj, key, int_or_null(v));
}

static void add_str_or_null(struct out *o, struct json_object *obj,
			    const char *key, const char *s)
{
	if (*s)
		add(o, obj, key, json_object_new_string(s));
	else
		json_object_object_add_ex(obj, key, NULL,
					  JSON_C_OBJECT_KEY_IS_CONSTANT);
}

static struct json_object *wq_json(struct out *o, const struct wq_config *c,
				   const struct wq_cfg_wq *w)
{
	struct json_object *j = json_object_new_object();
	struct json_object *flags = json_object_new_array();
	struct json_object *pools = json_object_new_array();
	struct json_object *cpu_pool = json_object_new_array();

	add(o, j, "name", json_object_new_string(w->name));
	for (int b = 0; b < WQ_CFG_NR_FLAGS; b++)
		if (w->flags & 1u << b)
			push(o, flags, json_object_new_string(flag_names[b]));
	add(o, j, "flags", flags);
	add(o, j, "max_active", json_object_new_int(w->max_active));
	add(o, j, "saved_max_active", json_object_new_int(w->saved_max_active));
	add_opt(o, j, "min_active", w->min_active);
	add(o, j, "active", json_object_new_int(w->active));
	add(o, j, "rescuer", json_object_new_boolean(w->rescuer));
	add_opt(o, j, "nice", w->nice);
	add_str_or_null(o, j, "cpus", w->cpus);
	add_str_or_null(o, j, "affinity_scope", w->affinity_scope);
	if (w->affinity_strict == WQ_CFG_NONE)
		json_object_object_add_ex(j, "affinity_strict", NULL,
					  JSON_C_OBJECT_KEY_IS_CONSTANT);
	else
		add(o, j, "affinity_strict",
		    json_object_new_boolean(w->affinity_strict));
	add_opt(o, j, "default_pool", w->default_pool);
	for (size_t i = 0; i < w->nr_pools; i++)
		push(o, pools, json_object_new_int(w->pools[i]));
	add(o, j, "pools", pools);
	for (int cpu = 0; w->cpu_pool && cpu < c->nr_cpus; cpu++)
		push(o, cpu_pool, w->cpu_pool[cpu] == WQ_CFG_NONE ?
				  NULL : json_object_new_int(w->cpu_pool[cpu]));
	add(o, j, "cpu_pools", cpu_pool);
	add(o, j, "pwqs_dropped", json_object_new_int64(w->pwqs_dropped));
	return j;
}

static struct json_object *pool_json(struct out *o,
				     const struct wq_cfg_pool *p)
{
	struct json_object *j = json_object_new_object();

	add(o, j, "id", json_object_new_int(p->id));
	add_opt(o, j, "cpu", p->cpu < 0 ? WQ_CFG_NONE : p->cpu);
	add(o, j, "cpus", json_object_new_string(p->cpus));
	add(o, j, "node", json_object_new_int(p->node));
	add_opt(o, j, "nice", p->nice);
	add(o, j, "bh", json_object_new_boolean(p->bh));
	add(o, j, "workers", json_object_new_int(p->workers));
	add(o, j, "idle", json_object_new_int(p->idle));
	add(o, j, "running", json_object_new_int(p->running));
	return j;
}

struct json_object *wq_config__to_json(const struct wq_config *c)
{
	struct out o = {0};
	struct json_object *doc = json_object_new_object();
	struct json_object *masks = json_object_new_object();
	struct json_object *dropped = json_object_new_object();
	struct json_object *wqs = json_object_new_array();
	struct json_object *pools = json_object_new_array();

	add(&o, doc, "format", json_object_new_string("wqmon-config"));
	add(&o, doc, "version", json_object_new_int(1));
	add(&o, doc, "time_ns", json_object_new_int64((int64_t)c->time_ns));
	add(&o, doc, "nr_cpus", json_object_new_int(c->nr_cpus));
	add(&o, doc, "complete", json_object_new_boolean(c->complete));
	add_str_or_null(&o, masks, "requested", c->cpumask_requested);
	add_str_or_null(&o, masks, "effective", c->cpumask_effective);
	add_str_or_null(&o, masks, "isolated", c->cpumask_isolated);
	add(&o, doc, "cpumasks", masks);
	add_str_or_null(&o, doc, "default_affinity_scope",
			c->default_affinity_scope);
	add(&o, dropped, "workqueues", json_object_new_int64(c->wqs_dropped));
	add(&o, dropped, "pwqs", json_object_new_int64(c->pwqs_dropped));
	add(&o, dropped, "pools", json_object_new_int64(c->pools_dropped));
	add(&o, doc, "dropped", dropped);
	for (size_t i = 0; i < c->nr_wqs; i++)
		push(&o, wqs, wq_json(&o, c, &c->wqs[i]));
	add(&o, doc, "workqueues", wqs);
	for (size_t i = 0; i < c->nr_pools; i++)
		push(&o, pools, pool_json(&o, &c->pools[i]));
	add(&o, doc, "pools", pools);
	if (o.oom) {
		json_object_put(doc);
		return NULL;
	}
	return doc;
}
