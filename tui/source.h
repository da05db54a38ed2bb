/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where wqtop's numbers come from, behind one interface (as htop keeps
 * platform code behind linux/Platform.h):
 *   local    in-process: the kernel probes (root) and every running refwq
 *            instance's shared-memory export, plus kworkers from /proc
 *   refwq    refwq instances only (no root needed); "refwq:NAME" for one
 *   daemon   wqmond's HTTP API on its local socket, a given unix:/path,
 *            or http://host:port
 *   auto     the daemon's socket if it answers, else local when root
 */
#ifndef WQTOP_SOURCE_H
#define WQTOP_SOURCE_H

#include <stdbool.h>

#include "daemon_client.h"
#include "table.h"


struct wqtop_source_opts {
	bool track_queuers;	/* local: who queued the work (drill-down) */
	int timeout_ms;		/* daemon: per request */
};

struct wqtop_source;

/*
 * Open @spec.  On failure one actionable line is printed on stderr.
 * Return: 0, -EINVAL for a @spec of no known form, or -errno.
 */
int wqtop_source__open(struct wqtop_source **out, const char *spec,
		       const struct wqtop_source_opts *o);
/* Ingest every source's newest snapshot (and kworkers) into @d.
 * Return: 0, or -errno (the reason in wqtop_source__error()). */
int wqtop_source__poll(struct wqtop_source *s, struct wqtop_data *d);
/* "local", "refwq", or the daemon's address. */
const char *wqtop_source__name(const struct wqtop_source *s);
/* What went wrong in the last poll, "" if nothing. */
const char *wqtop_source__error(const struct wqtop_source *s);
void wqtop_source__close(struct wqtop_source *s);

#endif /* WQTOP_SOURCE_H */
