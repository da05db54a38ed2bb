/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building a json-c document without testing every call: json-c returns
 * NULL when out of memory, so every value goes through these, which note
 * it, and the caller drops the document once at the end.  Shared by the
 * snapshot JSON (json.c) and the configuration document (wqconfig.c).
 */
#ifndef WQMON_JSONOUT_H
#define WQMON_JSONOUT_H

#include <stdbool.h>
#include <json-c/json.h>

struct wq_jout {
	bool oom;
};

static inline struct json_object *wq_jout__chk(struct wq_jout *o,
					       struct json_object *j)
{
	if (!j)
		o->oom = true;
	return j;
}

/* @key must be a string constant: json-c then keeps the pointer instead of
 * a copy, which it leaks when adding fails.  @val is put on failure. */
static inline void wq_jout__put(struct wq_jout *o, struct json_object *obj,
				const char *key, struct json_object *val)
{
	if (!obj || !val ||
	    json_object_object_add_ex(obj, key, val,
				      JSON_C_OBJECT_ADD_KEY_IS_NEW |
					      JSON_C_OBJECT_KEY_IS_CONSTANT)) {
		json_object_put(val);
		o->oom = true;
	}
}

static inline void wq_jout__append(struct wq_jout *o, struct json_object *arr,
				   struct json_object *val)
{
	if (!arr || !val || json_object_array_add(arr, val)) {
		json_object_put(val);
		o->oom = true;
	}
}

#endif /* WQMON_JSONOUT_H */
