/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the collection loop produces and the HTTP threads read, under one
 * mutex.  The loop holds it only to swap in new snapshots and push views;
 * requests hold it while they render (milliseconds).
 */
#ifndef WQMOND_STATE_H
#define WQMOND_STATE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "history.h"
#include "isolation.h"
#include "kconfig.h"
#include "metrics.h"
#include "source.h"
#include "alert.h"
#include "slow.h"
#include "stall.h"

#define WQD_MAX_SOURCES 16
#define WQD_RECENT_STALLS 64
#define WQD_MAX_STALL_TOTALS 64
/* refwq sources one user other than root may have (docs/SECURITY.md). */
#define WQD_REFWQ_PER_USER 4
#define WQD_REFUSED_SEEN 64

/* Why a refwq.* segment is not a source: the label of
 * wqmon_refwq_segments_refused_total. */
enum wqd_refusal {
	WQD_REF_SYMLINK,
	WQD_REF_NOT_REGULAR,
	WQD_REF_NOT_OWNER,
	WQD_REF_BAD_NAME,
	WQD_REF_TOO_LARGE,
	WQD_REF_MALFORMED,
	WQD_REF_DUPLICATE,
	WQD_REF_USER_LIMIT,
	WQD_REF_NO_SLOT,
	WQD_REF_OTHER,
	WQD_REF_NR
};

/* The label of a refusal; its one-line reason for the log. */
const char *wqd_refusal__name(enum wqd_refusal r);
enum wqd_refusal wqd_refusal__of(int err);

/* A segment refused lately: refused (and logged) once, looked at again
 * only after until_ns unless the reason was a lack of room. */
struct wqd_refused_seg {
	char file[256];
	enum wqd_refusal reason;
	uint64_t until_ns;
};

struct wqd_stall_total {
	char source[WQ_SOURCE_LEN];
	enum wq_stall_kind kind;
	uint64_t count;
};

struct wqd_state {
	pthread_mutex_t lock;
	struct wqd_config cfg;		/* lock: reloaded on SIGHUP */
	struct wqd_source src[WQD_MAX_SOURCES];	/* lock */
	size_t nr_src;
	struct wqd_history *history;	/* lock */
	/* Which functions have series of their own in /metrics, so that
	 * counters stay monotonic when the top N changes: own lock. */
	struct wq_metrics_state *metrics;
	/* Queuer label sets with series in /metrics ([metrics]
	 * queuer_series, fixed at start); NULL: none.  Own lock. */
	struct wq_metrics_queuers *qmetrics;
	/* Stalls: the detector is the collection loop's; what it found is
	 * shared. */
	struct wq_stall_detector *detector;
	/* Work on the isolated CPUs, for /metrics: lock. */
	struct wqd_isolation isolation;
	/* The kernel's workqueue configuration (/api/v1/config). */
	struct wqd_kconfig kconfig;
	/* The snapshot being checked, for the stacks of a starting stall's
	 * workers; NULL outside wqd_stalls__check(). */
	const struct wq_snapshot *stall_cur;
	struct wq_stall *active;	/* lock */
	size_t nr_active, cap_active;
	struct wq_stall recent[WQD_RECENT_STALLS];	/* lock: ring */
	size_t nr_recent, recent_next;
	struct wqd_stall_total totals[WQD_MAX_STALL_TOTALS];	/* lock */
	size_t nr_totals;
	int kmsg_fd;			/* -1: not reading the kernel's reports */
	/* Slow records (docs/SLOW.md): the recent ones, lock; NULL: off. */
	struct wq_slow_ring *slow;
	uint64_t slow_dropped;		/* lock: by the probes' rate bound */
	uint64_t slow_under;		/* lock: sent, but under the rules */
	struct wq_alerter *alerter;	/* NULL: no alert sink configured */
	uint64_t started_real_ns;
	uint64_t started_mono_ns;
	uint64_t http_requests;		/* lock */
	uint64_t http_errors;		/* lock: 4xx and 5xx answers */
	uint64_t http_unauthorized;	/* lock: 401, 403 and 429 of web_config */
	/* lock: set by the HTTP side at start and reload (web_config.h). */
	bool http_auth;			/* a listener asks for credentials */
	int64_t tls_not_after[2];	/* listen, socket; 0: no TLS */
	uint64_t refused[WQD_REF_NR];	/* lock: refwq segments refused */
	/* The collection loop's own: */
	struct wqd_refused_seg refused_seen[WQD_REFUSED_SEEN];
	size_t refused_next;
	/* CLOCK_MONOTONIC at the start of the collection loop's last round
	 * (atomic): /healthz tells when the loop stopped going round. */
	uint64_t loop_ns;
};

/*
 * The collection loop goes round once an interval (@interval_ns); well past
 * that, at @now_ns, since it last started a round at @last_ns (0: not yet),
 * it is stuck: nothing is collected, checked or alerted on.  /healthz then
 * answers 503 and wqmon_source_up says 0 for every source, so the two never
 * disagree.
 */
static inline bool wqd_loop__stale(uint64_t last_ns, uint64_t now_ns,
				   uint64_t interval_ns)
{
	return last_ns && now_ns > last_ns + 3 * interval_ns + 5000000000ull;
}

#endif
