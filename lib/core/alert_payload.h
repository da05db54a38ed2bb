/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What an alert says, with no I/O: the options of the sinks, the body of an
 * Alertmanager webhook, the environment of an exec hook, and the bounded
 * queue and backoff each sink delivers from (docs/ALERTS.md).  The
 * delivery itself is the alert service, lib/service/alert.h.
 */
#ifndef WQMON_ALERT_PAYLOAD_H
#define WQMON_ALERT_PAYLOAD_H

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

#endif /* WQMON_ALERT_PAYLOAD_H */
