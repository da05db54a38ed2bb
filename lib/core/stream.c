// SPDX-License-Identifier: GPL-2.0
/*
 * Cumulative snapshots in, interval views out (stream.h): the one place
 * where wqmon makes an interval.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "stream.h"

void wq_stream__init(struct wq_stream *s, const char *name,
		     unsigned int ring_len)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->ring_len = ring_len < 1 ? 1 :
		      ring_len > WQ_STREAM_RING_MAX ? WQ_STREAM_RING_MAX :
						      ring_len;
}

void wq_stream__fini(struct wq_stream *s)
{
	wq_snapshot__free(s->cur);
	wq_snapshot__free(s->prev);
	wq_snapshot__free(s->spare);
	for (unsigned int i = 0; i < WQ_STREAM_RING_MAX; i++)
		wq_snapshot__free(s->ring[i]);
	memset(s, 0, sizeof(*s));
}

/* Keep @snap to refill, or free it when one is kept already. */
static void drop(struct wq_stream *s, struct wq_snapshot *snap)
{
	if (!snap)
		return;
	if (s->spare) {
		wq_snapshot__free(snap);
		return;
	}
	wq_snapshot__reset(snap);
	s->spare = snap;
}

struct wq_snapshot *wq_stream__blank(struct wq_stream *s)
{
	struct wq_snapshot *snap = s->spare;

	if (!snap)
		return wq_snapshot__new(s->name);
	s->spare = NULL;
	return snap;
}

int wq_stream__push(struct wq_stream *s, struct wq_snapshot *snap)
{
	unsigned int slot;

	/* The same snapshot again: no interval, keep the last view. */
	if (s->cur && snap->mono_ns == s->cur->mono_ns) {
		drop(s, snap);
		return 0;
	}
	/* Whatever the source (probes, a segment any user writes, a
	 * file), impossible durations never reach a view. */
	wq_snapshot__sanitize(snap);
	drop(s, s->prev);
	s->prev = s->cur;
	s->cur = snap;
	if (!s->prev)
		return 0;
	slot = s->nr ? (s->head + 1) % s->ring_len : 0;
	if (!s->ring[slot]) {
		s->ring[slot] = wq_snapshot__new(s->name);
		if (!s->ring[slot])
			return -ENOMEM;
	}
	if (wq_snapshot__delta(s->ring[slot], s->cur, s->prev))
		return -ENOMEM;
	s->head = slot;
	if (s->nr < s->ring_len)
		s->nr++;
	s->views++;
	return 1;
}

const struct wq_snapshot *wq_stream__view(const struct wq_stream *s,
					  unsigned int ago)
{
	if (ago >= s->nr)
		return NULL;
	return s->ring[(s->head + s->ring_len - ago) % s->ring_len];
}

void wq_stream__restart(struct wq_stream *s)
{
	drop(s, s->prev);
	drop(s, s->cur);
	s->prev = s->cur = NULL;
}
