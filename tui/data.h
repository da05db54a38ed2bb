/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wqtop's data store, with no terminal code: the sources' snapshots and
 * interval views, the kworkers, the stalls, the colour thresholds and the
 * header meters.  data.c and thresholds.c; table.h builds rows from it.
 */
#ifndef WQTOP_DATA_H
#define WQTOP_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collector.h"
#include "kworkers.h"
#include "model.h"
#include "slow.h"
#include "stall_json.h"
#include "stream.h"
#include "wqconfig.h"

/* Interval views kept per source: the drill-down's sparkline. */
#define WQTOP_RING 40

/* One source of snapshots: "kernel", "refwq:<name>", or a daemon's; its
 * stream (lib/core/stream.h) keeps the cumulative snapshots and the ring
 * of interval views. */
struct wqtop_src {
	char name[WQ_SOURCE_LEN];
	struct wq_stream stream;
	bool seen;		/* present in the last poll */
	bool fresh;		/* a new interval view in the last poll */
};

/* A kworker thread and its on-CPU share over the last interval. */
struct wqtop_kworker {
	struct wq_kworker kw;
	int32_t pool_id;	/* of the kernel source; -1 when none */
	double cpu_pct;		/* of one CPU, like top */
};

enum wqtop_sev { SEV_NONE, SEV_OK, SEV_WARN, SEV_CRIT };

/* Severity thresholds, [0] warn and [1] crit (docs/WQTOP.md). */
struct wqtop_thresholds {
	double lat_ns[2];	/* latency p99 */
	double run_ns[2];	/* run time p99 (and max, for stalls) */
	double pending_ns[2];	/* oldest pending; crit = a stall */
	double cpu_pct[2];	/* on-CPU share of one CPU */
};

/* The drill-down's slow items: where they come from. */
#define WQTOP_SLOW_MAX 5
enum wqtop_slow_state {
	WQTOP_SLOW_LOCAL,	/* not attached, not the probes: none */
	WQTOP_SLOW_LOCAL_OFF,	/* the probes in-process, --slow off */
	WQTOP_SLOW_PENDING,	/* attached, not asked yet for this series */
	WQTOP_SLOW_OFF,		/* wqmond answers 404: [slow] is off */
	WQTOP_SLOW_ON,		/* wqmond's records, maybe none */
	WQTOP_SLOW_ERROR,	/* the request failed; slow_error says why */
};

struct wqtop_data {
	struct wqtop_src *src;
	size_t nr_src;
	struct wqtop_kworker *kw;	/* NULL: no /proc view (daemon) */
	size_t nr_kw;
	struct wqtop_thresholds thr;	/* colours only */
	unsigned long refreshes;	/* polls that brought a new interval */
	int ncpus;
	/*
	 * The stalls shown: wqmond's (/api/v1/stalls) when attached, else
	 * those of the core's detector (lib/core/stall.h) run here on every new
	 * interval with wqmond's default rules.  One definition of a stall
	 * for every face; the colour thresholds above are not it.
	 */
	struct wq_stall_list stalls;
	struct wq_stall_detector *detector;
	bool stalls_from_daemon;
	/* The kernel's workqueue configuration (the config view): read
	 * in-process as root, or the daemon's /api/v1/config; why not, else. */
	struct wq_config config;
	bool have_config;
	char config_error[160];
	/*
	 * The drill-down's recent slow items (docs/SLOW.md), wqmond's or, in
	 * process, the probes' (the feed's ring, --slow):
	 * wqtop.c names the series in slow_wq/slow_fn while a drill-down is
	 * open ("" otherwise), the feed fetches at most WQTOP_SLOW_MAX of
	 * them once a poll, newest first.
	 */
	char slow_wq[WQ_NAME_LEN];
	char slow_fn[WQ_FUNC_LEN];
	enum wqtop_slow_state slow_state;
	struct wq_slow slow[WQTOP_SLOW_MAX];
	int nr_slow;
	/* In-process (the probes here): the threshold in force (0: the
	 * daemon's records) and the probes' rate-bound drops so far. */
	uint64_t slow_min_ns;
	uint64_t slow_dropped;
};

/* Take @snap (cumulative; ownership passes to @d) as the newest state of
 * its source, and compute the interval view against the one before.
 * Return: 0, or -ENOMEM. */
int wqtop_data__ingest(struct wqtop_data *d, struct wq_snapshot *snap);
/* Drop the sources that were not ingested since the last call. */
void wqtop_data__end_poll(struct wqtop_data *d);
/* The newest interval view of source @i, NULL before the second poll. */
const struct wq_snapshot *wqtop_data__view(const struct wqtop_data *d,
					   size_t i);
/* Replace the kworker list (@kw, ownership passes) and compute CPU %
 * from the previous scan over @interval_ns. */
void wqtop_data__set_kworkers(struct wqtop_data *d, struct wq_kworker *kw,
			      size_t nr, uint64_t interval_ns);
void wqtop_data__free(struct wqtop_data *d);
/* Take @c (ownership passes) as the configuration shown. */
void wqtop_data__set_config(struct wqtop_data *d, struct wq_config *c);
/* The daemon's /api/v1/stalls answer: from now on its stalls are shown,
 * not the in-process detector's.  Return: 0, or -errno with @err set. */
int wqtop_data__set_stalls(struct wqtop_data *d, const char *json, char *err,
			   size_t errlen);
/* The active stall @id (wq_stall.id), or NULL: it ended. */
const struct wq_stall *wqtop_data__stall(const struct wqtop_data *d,
					 uint64_t id);
/* 1 in how many work items source @i measured the durations of: 1 when
 * every item (lib/core/model.h, sampled mode); 1 for no such source. */
uint32_t wqtop_data__sample_every(const struct wqtop_data *d, int i);
/* "pending >= 5s, running >= 10s, ...": the rules the stalls come from. */
void wqtop_data__stall_rules(const struct wqtop_data *d, char *buf,
			     size_t len);

/* Name the series whose slow items to fetch (NULLs: none); a new one
 * drops the records of the last. */
void wqtop_data__slow_target(struct wqtop_data *d, const char *wq,
			     const char *fn);
/* The drill-down's /api/v1/slow answer (@status, @json): records of the
 * series or off.  Return: 0, or -EINVAL with @err set. */
int wqtop_data__set_slow(struct wqtop_data *d, int status, const char *json,
			 char *err, size_t errlen);

/* Header meters, over every source's newest interval. */
struct wqtop_meters {
	double queued_per_s;	/* wq_series__rate() summed */
	double lat_p99_ns;
	double cpu_pct;		/* of one CPU */
	uint64_t pending;
	int stalls;
	double interval_s;	/* measured */
	bool valid;		/* an interval view exists */
};
void wqtop_data__meters(const struct wqtop_data *d, struct wqtop_meters *m);

/* "lat=1ms:10ms" into @t.  Return: 0, or -EINVAL. */
int wqtop_thresholds__parse(struct wqtop_thresholds *t, const char *spec);
void wqtop_thresholds__default(struct wqtop_thresholds *t);

#endif /* WQTOP_DATA_H */
