/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where snapshots come from, behind one interface for wqctl and wqtop (as
 * node_exporter keeps every collector behind one Collector contract): a
 * source is opened from a spec and polled; each poll hands over the newest
 * cumulative snapshot of each of its sources (a daemon serves several, as
 * do the refwq instances of a host), and a stream per name
 * (lib/core/stream.h) makes the intervals.  Specs:
 *
 *   kernel            the probes, in-process (root)
 *   refwq[:NAME]      running refwq instances' shared memory (any user)
 *   kmod[:PATH]       the refwq module's /proc/workqueues (a board)
 *   file:PATH         a saved text or JSON view (docs/FORMAT.md)
 *   replay:PATH       a recording (wqctl record): its views one poll at a
 *                     time, then -ENODATA
 *   daemon            a running wqmond on its local socket
 *   unix:PATH         a wqmond on another socket
 *   http://HOST:PORT  a wqmond over TCP
 *
 * wqmond reads the same kinds with its own policy (discovery, refusals,
 * retries: daemon/source.h) through the same readers.
 */
#ifndef WQMON_SOURCE_H
#define WQMON_SOURCE_H

#include <stdint.h>

#include "collector.h"
#include "daemon_client.h"
#include "model.h"

#define WQ_KMOD_PATH "/proc/workqueues"

enum wq_source_kind {
	WQ_SOURCE_KERNEL,
	WQ_SOURCE_REFWQ,
	WQ_SOURCE_KMOD,
	WQ_SOURCE_FILE,
	WQ_SOURCE_DAEMON,
	WQ_SOURCE_REPLAY,
};

struct wq_source_opts {
	struct wq_collector_opts coll;	/* kernel */
	unsigned int timeout_ms;	/* daemon, per request; 0: default */
};

/* Takes @snap (frees it when it fails). */
typedef int (*wq_source_fn)(void *ctx, struct wq_snapshot *snap);

struct wq_source;

/*
 * Open @spec.  Return: 0; -EINVAL for a spec of no known form; or -errno,
 * with one line in @err saying what to do ("" when it is on stderr
 * already: the kernel source's environment check prints what is missing).
 */
int wq_source__open(struct wq_source **out, const char *spec,
		    const struct wq_source_opts *o, char *err, size_t errlen);
void wq_source__close(struct wq_source *s);
/* --replay FILE of wqctl and wqtop: "replay:FILE" into @spec.
 * Return: 0, or -EINVAL with one line in @err. */
int wq_source__replay_spec(const char *file, char *spec, size_t len,
			   char *err, size_t errlen);
/* Whether @spec has a known form, without opening it (option parsing).
 * Return: 0, or -EINVAL with one line in @err. */
int wq_source__check(const char *spec, char *err, size_t errlen);

/*
 * Hand each of the source's snapshots to @fn.  A refwq instance that is
 * gone or being rewritten is left out, not an error.  A recording hands
 * over its next snapshot of each source it holds.
 * Return: 0, what @fn returned, -ENODATA at the end of a recording, or
 * -errno (wq_source__error() says why).
 */
int wq_source__poll(struct wq_source *s, wq_source_fn fn, void *ctx);

enum wq_source_kind wq_source__kind(const struct wq_source *s);
/* The spec as given ("kernel", "refwq:demo", "unix:/run/..."). */
const char *wq_source__name(const struct wq_source *s);
/* Why the last poll failed, or what it left out; "" if nothing. */
const char *wq_source__error(const struct wq_source *s);

/* The kernel source's collector (queuers), a daemon source's client
 * (/api/v1/stalls): NULL for other kinds. */
struct wq_collector *wq_source__collector(struct wq_source *s);
struct wq_daemon *wq_source__daemon(struct wq_source *s);

struct wq_config;
/* A saved view's config section (file:, a v3 text view), as its last
 * poll read it: NULL when it has none, and for other kinds. */
const struct wq_config *wq_source__config(const struct wq_source *s);

#endif /* WQMON_SOURCE_H */
