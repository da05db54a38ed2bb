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
 * The pure parts (URL parsing, payload, environment, backoff) are exported
 * for the unit tests.
 */
#ifndef WQMON_ALERT_H
#define WQMON_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "stall.h"

struct wq_alert_retry {
	unsigned int initial_ms; /* first wait after a failure */
	unsigned int max_ms; /* the wait doubles up to this */
	unsigned int max_attempts; /* 0: no limit but max_age_ms */
	unsigned int max_age_ms; /* give up on a record this old; 0: none */
};

struct wq_alert_opts {
	/* Exec hook: argv[0] an absolute path, NULL-terminated; NULL: off. */
	char *const *exec_argv;
	unsigned int exec_timeout_ms; /* then SIGTERM, 1 s later SIGKILL */
	/* Webhook: http://host[:port]/path, host a name, IPv4 or [IPv6]. */
	const char *webhook_url; /* NULL or "": off */
	unsigned int webhook_timeout_ms; /* connect, send, status line */
	struct wq_alert_retry retry; /* webhook only: hooks run once */
	unsigned int queue_len; /* records per sink; 0: 256 */
	/* Who sends: the "instance" label, e.g. the host name. */
	const char *name;
	/* generatorURL, e.g. http://host:9464/api/v1/stalls; NULL: none. */
	const char *generator_url;
	/* endsAt of firing alerts: now + this, so that Alertmanager resolves
	 * them by itself if the daemon dies; 0: left out (its
	 * resolve_timeout applies).  Updates must come more often. */
	unsigned int firing_ttl_s;
};

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

/* ---- pure parts, visible for testing ---- */

/* UTC, milliseconds: 2025-11-23T18:36:10.123Z.  Return: 0 or -ENOSPC. */
int wq_alert__rfc3339(uint64_t real_ns, char *buf, size_t len);

/* The body of POST /api/v2/alerts: a one-element JSON array.  now_real_ns
 * sets endsAt of firing alerts (firing_ttl_s).  Return: malloc'd string,
 * or NULL (ENOMEM). */
char *wq_alert__payload(const struct wq_stall *s, const struct wq_alert_opts *o,
			uint64_t now_real_ns);

/* base (e.g. environ) without its WQMON_* variables, then the stall's
 * WQMON_* variables.  Return: malloc'd NULL-terminated array for execve,
 * freed with wq_alert__env_free(), or NULL (ENOMEM). */
char **wq_alert__env(const struct wq_stall *s, char *const *base);
void wq_alert__env_free(char **env);

/* An exec hook's stdout and stderr: the first lines are logged, the rest
 * read and dropped (the number of bytes is logged). */
#define WQ_HOOK_OUT_LINES 10
#define WQ_HOOK_OUT_BYTES 4096

/* A sink's queue: a ring of records, oldest first.  When full, the oldest
 * update goes first; a start or resolve only when nothing else can.  A
 * firing record replaces a queued firing record of the same stall (the
 * newer age and evidence win; a start stays a start). */
struct wq_alert_item {
	struct wq_stall s;
	bool update; /* firing, and not the stall's first record */
	uint64_t enq_ns; /* CLOCK_MONOTONIC when first queued */
};

struct wq_alert_queue {
	struct wq_alert_item *q;
	unsigned int cap, head, n;
	uint64_t dropped, coalesced;
};

int wq_alert_queue__init(struct wq_alert_queue *q, unsigned int cap);
void wq_alert_queue__fini(struct wq_alert_queue *q);
/* Return: 0 queued (maybe pushing an older record out: dropped counts
 * it), or -ENOSPC: this record was dropped. */
int wq_alert_queue__push(struct wq_alert_queue *q, const struct wq_stall *s,
			 bool update, uint64_t now_ns);
bool wq_alert_queue__pop(struct wq_alert_queue *q, struct wq_alert_item *out);
/* Whether a record of stall `id` is queued (a newer one than in delivery). */
bool wq_alert_queue__has(const struct wq_alert_queue *q, uint64_t id);

/* Wait before attempt number `attempt` (2, 3, ...; the first has none):
 * initial_ms * 2^(attempt - 2), at most max_ms. */
unsigned int wq_alert__backoff_ms(const struct wq_alert_retry *r,
				  unsigned int attempt);
/* Whether a record that failed `attempts` times, queued age_ms ago, is
 * given up. */
bool wq_alert__give_up(const struct wq_alert_retry *r, unsigned int attempts,
		       uint64_t age_ms);

#endif /* WQMON_ALERT_H */
