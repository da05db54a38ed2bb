/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Alert sinks: deliver stall records (stall.h) to an exec hook and to an
 * Alertmanager-compatible webhook (docs/ALERTS.md).
 *
 * The detector calls wq_alerter__post() on every start, update and
 * resolve; it never blocks: each sink has a bounded queue and its own
 * delivery thread, so a slow or dead sink delays only itself.  The daemon
 * keeps the record of every stall; this module owns only the delivery.
 *
 * What an alert says (payload, environment, queue, backoff) is pure and
 * in the core: lib/core/alert_payload.h.
 */
#ifndef WQMON_ALERT_H
#define WQMON_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "alert_payload.h"
#include "stall.h"

enum wq_alert_sink { WQ_ALERT_EXEC, WQ_ALERT_WEBHOOK, WQ_ALERT_NR };

struct wq_alert_sink_stats {
	bool enabled;
	uint64_t sent; /* delivered: exit 0 / 2xx */
	uint64_t failed; /* given up, or the hook failed or timed out */
	uint64_t retried; /* attempts after the first */
	uint64_t dropped; /* pushed out of a full queue, or at shutdown */
	uint64_t coalesced; /* a queued update replaced by a newer one */
	uint32_t queued; /* waiting now, the one in delivery included */
};

struct wq_alert_stats {
	struct wq_alert_sink_stats sink[WQ_ALERT_NR];
};

struct wq_alerter;

/* Return: the alerter with its threads running, or NULL with errno set
 * (EINVAL: bad options, the reason logged). */
struct wq_alerter *wq_alerter__new(const struct wq_alert_opts *o);
/* Context: any thread; never blocks on a sink.  Return: 0 queued, -ENOSPC
 * this record was dropped (queue full of starts and resolves),
 * -ESHUTDOWN after wq_alerter__stop(). */
int wq_alerter__post(struct wq_alerter *a, const struct wq_stall *s);
/* Wait until every queue is empty.  Return: 0, or -ETIMEDOUT. */
int wq_alerter__flush(struct wq_alerter *a, unsigned int timeout_ms);
void wq_alerter__stats(struct wq_alerter *a, struct wq_alert_stats *out);
/* Refuse new records, deliver the queued ones for at most timeout_ms,
 * drop (and count) the rest, kill a hook still running, join the threads.
 * Return: 0, or -ETIMEDOUT when records were dropped. */
int wq_alerter__stop(struct wq_alerter *a, unsigned int timeout_ms);
/* Stops (1 s) if not stopped yet. */
void wq_alerter__free(struct wq_alerter *a);

#endif /* WQMON_ALERT_H */
