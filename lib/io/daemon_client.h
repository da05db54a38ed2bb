/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A running wqmond as a source of snapshots, for wqtop and wqctl alike:
 * its /api/v1/snapshot (docs/API.md) over the local socket or TCP, each of
 * its sources' cumulative snapshot handed over as the in-process collector
 * would give it.  So an unprivileged user sees the same numbers as root.
 */
#ifndef WQMON_DAEMON_CLIENT_H
#define WQMON_DAEMON_CLIENT_H

#include <stddef.h>
#include "model.h"

/* Where wqmond's local socket is, by default (daemon.socket). */
#define WQ_DAEMON_SOCKET "/run/wqmon/wqmond.sock"

struct wq_daemon;

/*
 * @url: "daemon" (the default socket), "unix:/path" or
 * "http://host:port[/prefix]".  Return: 0, -EINVAL, -ENOMEM.
 */
int wq_daemon__open(struct wq_daemon **out, const char *url,
		    unsigned int timeout_ms);
void wq_daemon__close(struct wq_daemon *d);
/* "unix:/run/wqmon/wqmond.sock": what the user gave, for messages. */
const char *wq_daemon__name(const struct wq_daemon *d);
/* Why the last call failed: one line naming the daemon. */
const char *wq_daemon__error(const struct wq_daemon *d);

/* Takes @snap (frees it when it fails). */
typedef int (*wq_daemon_snap_fn)(void *ctx, struct wq_snapshot *snap);

/*
 * GET /api/v1/snapshot and hand each source's snapshot to @fn, in the
 * daemon's order.  Return: 0; -EACCES when the daemon asks for a password
 * or a client certificate (its web config); -EPROTO for an answer that is
 * not one; -ECONNREFUSED, -ENOENT, -ETIMEDOUT, or what @fn returned.
 */
int wq_daemon__snapshots(struct wq_daemon *d, wq_daemon_snap_fn fn,
			 void *ctx);

/* GET another path of the API (e.g. "/api/v1/stalls"); the body is the
 * caller's to free, whatever the status.  Return: 0 or -errno. */
int wq_daemon__get(struct wq_daemon *d, const char *api, int *status,
		   char **body);

#endif /* WQMON_DAEMON_CLIENT_H */
