/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON view of a snapshot (schema in docs/FORMAT.md), for the web page,
 * scripts, and the daemon's socket API.  Integers are exact 64-bit values;
 * the *_seconds and *_per_second numbers are derived, for convenience, and
 * ignored by the parser.
 */
#ifndef WQMON_JSON_H
#define WQMON_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include "model.h"

#define WQ_JSON_FORMAT "wqmon-json"
#define WQ_JSON_VERSION 1

/* Flags of wq_json__render. */
#define WQ_JSON_PRETTY (1 << 0) /* indented, for people */
#define WQ_JSON_NO_SLOTS (1 << 1) /* leave out histogram slots */
/* Slots of the latency histogram only (history views: heatmaps need them,
 * the other four would triple the daemon's history ring). */
#define WQ_JSON_LAT_SLOTS (1 << 2)

/* Return: a NUL-terminated string to free(), or NULL (errno ENOMEM). */
char *wq_json__render(const struct wq_snapshot *s, int flags);

/*
 * Replace the contents of @s with the snapshot in @json: every field of
 * every pool, series and queuer (histograms only if rendered with their
 * slots).
 * Unknown members are ignored, so newer writers stay readable.
 * Return: 0, -EINVAL for malformed input (@s then empty), or -ENOMEM.
 */
int wq_json__parse(struct wq_snapshot *s, const char *json);
/* The same, saying what is wrong in @err (as "series[3].queued: ..."). */
int wq_json__parse_msg(struct wq_snapshot *s, const char *json, char *err,
		       size_t errlen);

/*
 * Which queuers a face asks for (GET /api/v1/queuers): the top @top by
 * @order of the series named by @workqueue, @function and @pool_id (exact
 * names; NULL or !@has_pool: any).  A whole series (all three given) keeps
 * its rows apart by context, cgroup and comm; otherwise each queuer's rows
 * over the series selected are merged (wq_snapshot__top_queuers with no
 * series) and carry what was selected.
 */
struct wq_queuer_sel {
	enum wq_qorder order;
	size_t top;
	const char *workqueue;
	const char *function;
	bool has_pool;
	int32_t pool_id;
};

/* The rows @sel selects of @s, ranked, the rest folded.
 * Return: 0 with *@out (free() it) and *@nr set, or -ENOMEM. */
int wq_json__select_queuers(const struct wq_snapshot *s,
			    const struct wq_queuer_sel *sel,
			    struct wq_queuer **out, size_t *nr);

#define WQ_JSON_QUEUERS_FORMAT "wqmon-queuers"
#define WQ_JSON_QUEUERS_VERSION 1

/*
 * The wqmon-queuers document of @s (an interval view: rates and CPU
 * shares are over its interval), with the rows @sel selects; when the
 * source does not track queuers (!@tracked) the list is empty.
 * Return: a NUL-terminated string to free(), or NULL (errno ENOMEM).
 */
char *wq_json__render_queuers(const struct wq_snapshot *s,
			      const struct wq_queuer_sel *sel, bool tracked,
			      int flags);

#endif /* WQMON_JSON_H */
