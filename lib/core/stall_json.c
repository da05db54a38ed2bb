// SPDX-License-Identifier: GPL-2.0
/* wqmond's /api/v1/stalls document, both ways (stall_json.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "stall_json.h"

static void add(struct json_object *o, const char *key, struct json_object *v)
{
	if (json_object_object_add(o, key, v))
		json_object_put(v);
}

struct json_object *wq_stall_json__stall(const struct wq_stall *x)
{
	struct json_object *e = json_object_new_object();

	if (!e)
		return NULL;
	add(e, "id", json_object_new_uint64(x->id));
	add(e, "kind", json_object_new_string(wq_stall_kind__name(x->kind)));
	add(e, "state", json_object_new_string(
		x->state == WQ_STALL_FIRING ? "firing" : "resolved"));
	add(e, "source", json_object_new_string(x->source));
	add(e, "pool_id", json_object_new_int(x->pool_id));
	add(e, "cpu", json_object_new_int(x->cpu));
	add(e, "workqueue", json_object_new_string(x->workqueue));
	add(e, "function", json_object_new_string(x->function));
	add(e, "worker_tid", json_object_new_int(x->worker_tid));
	add(e, "threshold_ns", json_object_new_uint64(x->threshold_ns));
	add(e, "age_ns", json_object_new_uint64(x->age_ns));
	add(e, "since_real_ns", json_object_new_uint64(x->start_real_ns));
	add(e, "end_real_ns", json_object_new_uint64(x->end_real_ns));
	add(e, "evidence", json_object_new_string(x->evidence));
	add(e, "stack", json_object_new_string(x->stack));
	return e;
}

struct json_object *wq_stall_json__rules(const struct wq_stall_rules *r,
					 struct json_object **list)
{
	struct json_object *t = json_object_new_object();

	*list = json_object_new_array();
	/* The kernel's own reports have no threshold of ours. */
	for (int k = 0; t && k < WQ_STALL_NR; k++)
		if (k != WQ_STALL_KERNEL)
			add(t, wq_stall_kind__name(k),
			    json_object_new_uint64(r->threshold_ns[k]));
	for (size_t i = 0; *list && i < r->nr_rules; i++) {
		struct json_object *e = json_object_new_object();

		if (!e)
			break;
		add(e, "kind", json_object_new_string(
			wq_stall_kind__name(r->rule[i].kind)));
		add(e, "pattern", json_object_new_string(r->rule[i].pattern));
		add(e, "threshold_ns",
		    json_object_new_uint64(r->rule[i].threshold_ns));
		json_object_array_add(*list, e);
	}
	return t;
}

/* ---- reading ---- */

static int kind_of(const char *name)
{
	for (int k = 0; k < WQ_STALL_NR; k++)
		if (!strcmp(name, wq_stall_kind__name(k)))
			return k;
	return -1;
}

static uint64_t u64(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
		       (uint64_t)json_object_get_uint64(v) : 0;
}

static int32_t i32(struct json_object *o, const char *key, int32_t dflt)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
		       json_object_get_int(v) : dflt;
}

static void str(struct json_object *o, const char *key, char *dst,
		size_t len)
{
	struct json_object *v;

	snprintf(dst, len, "%s", json_object_object_get_ex(o, key, &v) ?
		 json_object_get_string(v) ?: "" : "");
}

static int parse_stall(struct json_object *o, struct wq_stall *s)
{
	struct json_object *v;
	char state[16];
	int k;

	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "kind", &v) ||
	    (k = kind_of(json_object_get_string(v) ?: "")) < 0)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->kind = k;
	s->id = u64(o, "id");
	str(o, "state", state, sizeof(state));
	s->state = strcmp(state, "resolved") ? WQ_STALL_FIRING :
					       WQ_STALL_RESOLVED;
	str(o, "source", s->source, sizeof(s->source));
	s->pool_id = i32(o, "pool_id", -1);
	s->cpu = i32(o, "cpu", -1);
	str(o, "workqueue", s->workqueue, sizeof(s->workqueue));
	str(o, "function", s->function, sizeof(s->function));
	s->worker_tid = i32(o, "worker_tid", 0);
	s->threshold_ns = u64(o, "threshold_ns");
	s->age_ns = u64(o, "age_ns");
	s->start_real_ns = u64(o, "since_real_ns");
	s->end_real_ns = u64(o, "end_real_ns");
	str(o, "evidence", s->evidence, sizeof(s->evidence));
	str(o, "stack", s->stack, sizeof(s->stack));
	return 0;
}

static void parse_rules(struct json_object *root, struct wq_stall_rules *r)
{
	struct json_object *t, *list;
	int k;

	memset(r, 0, sizeof(*r));
	if (json_object_object_get_ex(root, "thresholds_ns", &t) &&
	    json_object_is_type(t, json_type_object)) {
		json_object_object_foreach(t, key, val) {
			k = kind_of(key);
			if (k >= 0)
				r->threshold_ns[k] = json_object_get_uint64(val);
		}
	}
	if (!json_object_object_get_ex(root, "rules", &list) ||
	    !json_object_is_type(list, json_type_array))
		return;
	for (size_t i = 0; i < json_object_array_length(list) &&
			   r->nr_rules < WQ_STALL_MAX_RULES; i++) {
		struct json_object *e = json_object_array_get_idx(list, i), *v;
		struct wq_rule *x = &r->rule[r->nr_rules];

		if (!json_object_object_get_ex(e, "kind", &v) ||
		    (k = kind_of(json_object_get_string(v) ?: "")) < 0)
			continue;
		x->kind = k;
		str(e, "pattern", x->pattern, sizeof(x->pattern));
		x->threshold_ns = u64(e, "threshold_ns");
		r->nr_rules++;
	}
}

int wq_stall_json__parse(struct wq_stall_list *out, const char *json,
			 char *err, size_t errlen)
{
	struct json_object *root = json_tokener_parse(json), *v, *act;
	struct wq_stall *a = NULL;
	size_t n = 0;
	int ret = -EINVAL;

	if (!root || !json_object_object_get_ex(root, "format", &v) ||
	    strcmp(json_object_get_string(v) ?: "", "wqmon-stalls")) {
		snprintf(err, errlen, "not a wqmon-stalls document");
		goto out;
	}
	if (!json_object_object_get_ex(root, "active", &act) ||
	    !json_object_is_type(act, json_type_array) ||
	    json_object_array_length(act) > WQ_STALL_JSON_MAX) {
		snprintf(err, errlen, "no list of active stalls");
		goto out;
	}
	n = json_object_array_length(act);
	a = calloc(n ? n : 1, sizeof(*a));
	if (!a) {
		ret = -ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (parse_stall(json_object_array_get_idx(act, i), &a[i])) {
			snprintf(err, errlen, "active[%zu]: not a stall", i);
			goto out;
		}
	}
	wq_stall_list__free(out);
	parse_rules(root, &out->rules);
	out->active = a;
	out->nr_active = n;
	a = NULL;
	ret = 0;
out:
	free(a);
	json_object_put(root);
	return ret;
}

void wq_stall_list__free(struct wq_stall_list *l)
{
	free(l->active);
	l->active = NULL;
	l->nr_active = 0;
}
