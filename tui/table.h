/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wqtop's data and tables, with no terminal code: what each view shows,
 * built from the sources' snapshots into rows of typed cells, sorted,
 * filtered and formatted.  The curses screen (screen.c) and batch mode
 * (wqtop -b) both draw from here, so both show the same numbers.
 */
#ifndef WQTOP_TABLE_H
#define WQTOP_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "collector.h"
#include "kworkers.h"
#include "model.h"
#include "stall_json.h"

/* Interval views kept per source: the drill-down's sparkline. */
#define WQTOP_RING 40

/* One source of snapshots: "kernel", "refwq:<name>", or a daemon's. */
struct wqtop_src {
	char name[WQ_SOURCE_LEN];
	struct wq_snapshot *cur;	/* cumulative, newest */
	struct wq_snapshot *prev;	/* cumulative, the one before */
	struct wq_snapshot *ring[WQTOP_RING];	/* interval views */
	unsigned int nr_ring;	/* filled, newest at head */
	unsigned int head;
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

struct wqtop_data {
	struct wqtop_src *src;
	size_t nr_src;
	struct wqtop_kworker *kw;	/* NULL: no /proc view (daemon) */
	size_t nr_kw;
	struct wq_queuer *queuers;
	int nr_queuers;
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
};

/* Every column any view can show. */
enum wqtop_col {
	COL_POOL, COL_CPU, COL_NICE, COL_FLAGS, COL_WORKERS, COL_IDLE,
	COL_RUNNING, COL_PENDING, COL_OLDEST, COL_WORKQUEUE, COL_FUNCTION,
	COL_RATE, COL_QUEUED, COL_COMPLETED, COL_CANCELLED, COL_LAT_P50,
	COL_LAT_P99, COL_LAT_MAX, COL_RUN_P50, COL_RUN_P99, COL_RUN_MAX,
	COL_CPU_PCT, COL_TID, COL_STATE, COL_CPU_TIME, COL_COMM, COL_KIND,
	COL_AGE, COL_LIMIT, COL_WHAT, COL_NR,
};

enum wqtop_fmt { FMT_TEXT, FMT_INT, FMT_COUNT, FMT_RATE, FMT_NS, FMT_PCT };

struct wqtop_column {
	const char *title;	/* header, with the unit where it has one */
	const char *name;	/* for --sort: "lat_p99" as in wqctl */
	int width;		/* text columns: the minimum */
	enum wqtop_fmt fmt;
	const char *help;	/* one line for the help screen */
};

extern const struct wqtop_column wqtop_columns[COL_NR];

enum wqtop_view_id {
	VIEW_POOLS, VIEW_WORKQUEUES, VIEW_FUNCTIONS, VIEW_KWORKERS,
	VIEW_STALLS, VIEW_NR,
};

/* A column of a view, shown when the screen is at least min_cols wide. */
struct wqtop_vcol {
	enum wqtop_col col;
	int min_cols;
};

struct wqtop_row {
	int src;		/* index into wqtop_data.src; -1: none */
	int level;		/* tree: 1 under its workqueue, 2 the last */
	bool group;		/* a workqueue heading its functions (tree) */
	int32_t pool_id;	/* -1: all pools */
	char wq[WQ_NAME_LEN];	/* "" when the row is not about one */
	char func[WQ_FUNC_LEN];
	char text[160];		/* label of the main column */
	char extra[24];		/* flags, state or kind */
	char label[WQ_SOURCE_LEN];	/* "demo:" for refwq:demo; "" kernel */
	double v[COL_NR];
	enum wqtop_sev sev[COL_NR];
	enum wqtop_sev row_sev;
};

struct wqtop_rows {
	struct wqtop_row *row;
	size_t nr, cap;
	int label_w;		/* longest source label: widens POOL */
};

struct wqtop_view {
	const char *name;	/* "pools": --view and the tab line */
	const char *key_help;	/* "1" */
	const struct wqtop_vcol *cols;
	int nr_cols;
	enum wqtop_col sort;	/* default */
	bool tree;		/* can group by workqueue */
	bool drill;		/* Enter opens a detail */
	int (*build)(const struct wqtop_data *d, struct wqtop_rows *out,
		     bool tree);
};

extern const struct wqtop_view wqtop_views[VIEW_NR];

/* How the table is shown: sort, order, filter, grouping. */
struct wqtop_table_opts {
	enum wqtop_col sort;
	bool reverse;
	bool tree;
	const char *filter;	/* case-insensitive substring; NULL: none */
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
/* The daemon's /api/v1/stalls answer: from now on its stalls are shown,
 * not the in-process detector's.  Return: 0, or -errno with @err set. */
int wqtop_data__set_stalls(struct wqtop_data *d, const char *json, char *err,
			   size_t errlen);
/* "pending >= 5s, running >= 10s, ...": the rules the stalls come from. */
void wqtop_data__stall_rules(const struct wqtop_data *d, char *buf,
			     size_t len);

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

/* Rows of @view, sorted and filtered.  Return: 0, or -ENOMEM. */
int wqtop_table__build(const struct wqtop_data *d, enum wqtop_view_id view,
		       const struct wqtop_table_opts *o,
		       struct wqtop_rows *out);
void wqtop_rows__free(struct wqtop_rows *r);

/* The columns of @view that fit in @cols, with the width of each
 * (the text column takes what is left), for @rows (NULL: any).
 * Return: how many. */
int wqtop_table__layout(enum wqtop_view_id view, int cols,
			const struct wqtop_rows *rows, enum wqtop_col *col,
			int *width, int max);

/* Cell text of @c in @r, at most @w wide (right-aligned numbers). */
void wqtop_cell__format(const struct wqtop_row *r, enum wqtop_col c,
			char *buf, size_t len);
/* A duration with a unit that fits in 7 characters: "12.6us", "4.19ms". */
void wqtop_fmt__ns(double ns, char *buf, size_t len);
void wqtop_fmt__count(double v, char *buf, size_t len);

/* --sort name of a column, and back (-EINVAL when unknown). */
int wqtop_col__from_name(const char *name);
/* "pools" -> VIEW_POOLS, or -EINVAL. */
int wqtop_view__from_name(const char *name);
/* Is @c shown in @view (at any width)? */
bool wqtop_view__has_col(enum wqtop_view_id view, enum wqtop_col c);

/* "lat=1ms:10ms" into @t.  Return: 0, or -EINVAL. */
int wqtop_thresholds__parse(struct wqtop_thresholds *t, const char *spec);
void wqtop_thresholds__default(struct wqtop_thresholds *t);

/* Drill-down: everything about one row, over the newest views. */
struct wqtop_detail {
	struct wq_series total;		/* cumulative since the source began */
	struct wq_series last;		/* the newest interval */
	double rate[WQTOP_RING];	/* items/s, oldest first */
	int nr_rate;
	struct {
		int32_t pool_id;
		uint64_t completed;
	} pools[16];
	int nr_pools;
};
void wqtop_detail__build(const struct wqtop_data *d,
			 const struct wqtop_row *r, struct wqtop_detail *out);

/* One text line of @r's cells (@r NULL: the column titles). */
void wqtop_table__line(const struct wqtop_row *r, const enum wqtop_col *col,
		       const int *width, int n, char *buf, size_t len);
/* The header meters as one line of text. */
void wqtop_meters__line(const struct wqtop_data *d, char *buf, size_t len);
/* Sorted ascending unless reversed? (names and ids are.) */
bool wqtop_col__ascending(enum wqtop_col c);

/* Batch mode: one text frame of @view (header, then every row). */
int wqtop_batch__frame(FILE *f, const struct wqtop_data *d,
		       enum wqtop_view_id view,
		       const struct wqtop_table_opts *o, const char *source,
		       double delay_s, int cols);

#endif /* WQTOP_TABLE_H */
