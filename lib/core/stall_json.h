/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stall list of wqmond's /api/v1/stalls (docs/API.md): written by the
 * daemon, read by wqtop when attached, so that every face shows the one
 * detector's stalls (lib/core/stall.h) and the thresholds in force.
 */
#ifndef WQMON_STALL_JSON_H
#define WQMON_STALL_JSON_H

#include <stddef.h>
#include "stall.h"

struct json_object;

/* One stall as a JSON object; NULL when out of memory. */
struct json_object *wq_stall_json__stall(const struct wq_stall *s);
/* The rules: thresholds per kind {"pending": ns, ...} (returned), and the
 * per-workqueue or per-function rules in *@list.  NULL when out of memory. */
struct json_object *wq_stall_json__rules(const struct wq_stall_rules *r,
					 struct json_object **list);

/* What a reader gets: the active stalls and the rules in force. */
struct wq_stall_list {
	struct wq_stall *active;
	size_t nr_active;
	struct wq_stall_rules rules;
};

/* At most this many active stalls are read; more is a malformed answer. */
#define WQ_STALL_JSON_MAX 4096

/*
 * Parse a "wqmon-stalls" document into @out (freed and replaced).
 * Return: 0, -ENOMEM, or -EINVAL with a one-line reason in @err.
 */
int wq_stall_json__parse(struct wq_stall_list *out, const char *json,
			 char *err, size_t errlen);
void wq_stall_list__free(struct wq_stall_list *l);

#endif /* WQMON_STALL_JSON_H */
