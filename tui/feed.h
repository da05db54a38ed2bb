/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What wqtop polls: one of lib/'s sources (lib/io/source.h), which every
 * face opens alike, plus what only a terminal dashboard wants of it:
 *   local    the kernel probes in-process (root) and every running refwq
 *            instance, plus kworkers from /proc
 *   auto     the daemon's socket if it answers, else local when root
 *   any other spec of lib/io/source.h: refwq[:NAME], kmod[:PATH],
 *            file:PATH, kernel, daemon, unix:PATH, http://HOST:PORT;
 *            attached to a daemon, its stalls (/api/v1/stalls) too
 */
#ifndef WQTOP_FEED_H
#define WQTOP_FEED_H

#include <stdbool.h>
#include <stdint.h>

#include "table.h"
#include "slow.h"

struct wqtop_feed_opts {
	bool track_queuers;	/* kernel: who queued the work (view 7) */
	uint32_t sample_every;	/* kernel: sampled mode, 1 in N (0: all) */
	int timeout_ms;		/* daemon: per request */
	/* kernel: the drill-down's slow items (docs/SLOW.md); thresholds
	 * 0 in both kinds: off.  Set with wq_slow_rules__defaults(). */
	struct wq_slow_rules slow;
};

struct wqtop_feed;

/*
 * Open @spec.  On failure one actionable line is printed on stderr.
 * Return: 0, -EINVAL for a @spec of no known form, or -errno.
 */
int wqtop_feed__open(struct wqtop_feed **out, const char *spec,
		     const struct wqtop_feed_opts *o);
/* Ingest every source's newest snapshot (and kworkers) into @d.  A failed
 * poll changes nothing in @d.
 * Return: 0, or -errno (the reason in wqtop_feed__error()). */
int wqtop_feed__poll(struct wqtop_feed *f, struct wqtop_data *d);
/* "local", "refwq", or the daemon's address: the spec as given. */
const char *wqtop_feed__name(const struct wqtop_feed *f);
/* What went wrong in the last poll, "" if nothing. */
const char *wqtop_feed__error(const struct wqtop_feed *f);
void wqtop_feed__close(struct wqtop_feed *f);

#endif /* WQTOP_FEED_H */
