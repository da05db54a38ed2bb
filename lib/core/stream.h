/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One source's snapshots over time: the newest cumulative snapshot, the
 * one before it, and a ring of the interval views between them.  wqctl,
 * wqtop and wqmond all turn cumulative snapshots into interval views here,
 * so an interval means the same thing in every face:
 *   - the first snapshot of a source gives no view (its first interval is
 *     the next one);
 *   - the same snapshot again (a daemon polled faster than it samples: same
 *     mono_ns) gives no view either;
 *   - impossible durations are clamped (wq_snapshot__sanitize) before they
 *     reach a view, whatever the source.
 */
#ifndef WQMON_STREAM_H
#define WQMON_STREAM_H

#include <stdbool.h>
#include "model.h"

/* Interval views a stream keeps at most: wqtop's drill-down sparkline. */
#define WQ_STREAM_RING_MAX 64

struct wq_stream {
	char name[WQ_SOURCE_LEN];
	struct wq_snapshot *cur;	/* cumulative, newest; NULL: none yet */
	struct wq_snapshot *prev;	/* cumulative, the one before */
	struct wq_snapshot *ring[WQ_STREAM_RING_MAX];	/* interval views */
	unsigned int ring_len;		/* views kept, 1..WQ_STREAM_RING_MAX */
	unsigned int nr;		/* views filled, newest at head */
	unsigned int head;
	struct wq_snapshot *spare;	/* a dropped snapshot, to refill */
	uint64_t views;			/* interval views made since init */
};

/* @ring_len: interval views to keep (clamped to 1..WQ_STREAM_RING_MAX). */
void wq_stream__init(struct wq_stream *s, const char *name,
		     unsigned int ring_len);
void wq_stream__fini(struct wq_stream *s);

/*
 * An empty snapshot to fill for the next push: the one the stream dropped
 * last, or a new one.  NULL: out of memory.
 */
struct wq_snapshot *wq_stream__blank(struct wq_stream *s);

/*
 * Take @snap (cumulative; ownership passes, also on error) as the source's
 * newest state.
 * Return: 1 when a new interval view was made (wq_stream__view(s, 0)),
 * 0 when not (the first snapshot, or the same one again), -ENOMEM.
 */
int wq_stream__push(struct wq_stream *s, struct wq_snapshot *snap);

/*
 * The interval view @ago intervals back (0: the newest), NULL when the
 * stream has fewer.
 */
const struct wq_snapshot *wq_stream__view(const struct wq_stream *s,
					  unsigned int ago);

/*
 * Forget the cumulative state but keep the views: the next push starts
 * over (a source that failed or restarted: no interval across the gap).
 */
void wq_stream__restart(struct wq_stream *s);

#endif /* WQMON_STREAM_H */
