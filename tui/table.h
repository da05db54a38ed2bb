/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wqtop's tables, with no terminal code: what each view shows, built
 * from the data store (data.h) into rows of typed cells, sorted,
 * filtered and formatted.  The curses screen (screen.c) and batch mode
 * (wqtop -b) both draw from here, so both show the same numbers.
 *
 * The table layer, one job a file, none of them linking curses:
 *   data.c        the data store (data.h): ingest, polls, kworkers,
 *                 stalls, header meters
 *   thresholds.c  colour thresholds (-T) and their defaults
 *   views.c       each view's columns, its row builder, the drill-down
 *   table.c       sort, filter, tree grouping, layout to a width
 *   cells.c       the columns and the text of a cell
 *   batch.c       wqtop -b text frames
 *   internal.h    helpers these files share with each other only
 */
#ifndef WQTOP_TABLE_H
#define WQTOP_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "data.h"

/* Every column any view can show. */
enum wqtop_col {
	COL_POOL, COL_CPU, COL_NICE, COL_FLAGS, COL_WORKERS, COL_IDLE,
	COL_RUNNING, COL_PENDING, COL_OLDEST, COL_WORKQUEUE, COL_FUNCTION,
	COL_RATE, COL_QUEUED, COL_COMPLETED, COL_CANCELLED, COL_LAT_P50,
	COL_LAT_P99, COL_LAT_MAX, COL_RUN_P50, COL_RUN_P99, COL_RUN_MAX,
	COL_CPU_PCT, COL_TID, COL_STATE, COL_CPU_TIME, COL_COMM, COL_KIND,
	COL_AGE, COL_LIMIT, COL_WHAT, COL_WQFLAGS, COL_MAX_ACTIVE, COL_ACTIVE,
	COL_CPUS, COL_SCOPE, COL_POOLS, COL_CONTEXT, COL_QCOMM, COL_TGID,
	COL_CGROUP, COL_WAIT_AVG, COL_KCPU_PCT, COL_NR,
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
	VIEW_STALLS, VIEW_CONFIG, VIEW_QUEUERS, VIEW_NR,
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
	char extra[24];		/* flags, state, kind or affinity scope */
	char cpus[WQ_CFG_CPUS_LEN];	/* config: an unbound workqueue's cpumask */
	char pools[48];		/* config: the pools it queues to */
	char cgroup[WQ_CGROUP_LEN];	/* queuers: the queuer's cgroup */
	char label[WQ_SOURCE_LEN];	/* "demo:" for refwq:demo; "" kernel */
	uint64_t stall_id;	/* a stalls row's wq_stall.id; 0: none */
	double v[COL_NR];
	enum wqtop_sev sev[COL_NR];
	enum wqtop_sev row_sev;
};

struct wqtop_rows {
	struct wqtop_row *row;
	size_t nr, cap;
	int label_w;		/* longest source label: widens POOL */
};

/* How the table is shown: sort, order, filter, grouping. */
struct wqtop_table_opts {
	enum wqtop_col sort;
	bool reverse;
	bool tree;
	const char *filter;	/* case-insensitive substring; NULL: none */
};

struct wqtop_view {
	const char *name;	/* "pools": --view and the tab line */
	const char *brief;	/* "wqs": the tab line when narrow */
	const char *key_help;	/* "1" */
	const struct wqtop_vcol *cols;
	int nr_cols;
	enum wqtop_col sort;	/* default */
	bool tree;		/* can group by workqueue */
	bool drill;		/* Enter opens a detail */
	/* @o: the sort ranks the queuers view; tree only when the view
	 * has one. */
	int (*build)(const struct wqtop_data *d, struct wqtop_rows *out,
		     const struct wqtop_table_opts *o);
};

extern const struct wqtop_view wqtop_views[VIEW_NR];

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

/* Cut @cell (a buffer of @len bytes) to @w columns when longer, its last
 * one marking the cut ("~", or "\u2026" on a UTF-8 terminal), so a cut
 * name is never taken for a whole one. */
void wqtop_cell__fit(char *cell, size_t len, int w);
/* Cell text of @c in @r, at most @w wide (right-aligned numbers). */
void wqtop_cell__format(const struct wqtop_row *r, enum wqtop_col c,
			char *buf, size_t len);
/* A duration with a unit that fits in 7 characters: "12.6us", "4.19ms". */
void wqtop_fmt__ns(double ns, char *buf, size_t len);
void wqtop_fmt__count(double v, char *buf, size_t len);
/* A slow item of the drill-down: "12:34:56.789 lat 15.0us run 302ms
 * on-CPU 60.0us by fio/1234" (wall time of its end, local; queuer
 * comm/tgid, its context when not a task, - when not known). */
void wqtop_slow__line(const struct wq_slow *r, char *buf, size_t len);
/* The line above them: the records, or why there are none. */
void wqtop_slow__title(const struct wqtop_data *d, char *buf, size_t len);

/* --sort name of a column, and back (-EINVAL when unknown). */
int wqtop_col__from_name(const char *name);
/* The view's name in the tab line and batch header (@brief: the short
 * one): attached to a daemon, the kworkers view is one row per pool and
 * says so ("kworkers by pool"). */
const char *wqtop_view__title(const struct wqtop_data *d,
			      enum wqtop_view_id view, bool brief);
/* "pools" -> VIEW_POOLS, or -EINVAL. */
int wqtop_view__from_name(const char *name);
/* Is @c shown in @view (at any width)? */
bool wqtop_view__has_col(enum wqtop_view_id view, enum wqtop_col c);

/* Bytes of a line of wqtop_stack__wrap(), the NUL included. */
#define WQTOP_STACK_COLS 256
/*
 * A stall's one-line stack (wq_stall.stack: "tid N: f [mod] < g < ...;
 * tid M: ...") as lines at most @w columns wide: a worker starts a line,
 * its frames innermost first, wrapped between frames onto lines that start
 * "  < ", so no frame is split; a frame wider than a line is cut
 * (wqtop_cell__fit).  When @max lines are not enough the last ends "...".
 * Return: how many lines are in @line (0 for "").
 */
int wqtop_stack__wrap(const char *stack, int w,
		      char line[][WQTOP_STACK_COLS], int max);

/* The queuers view: each source's top queuers over the newest interval,
 * the rest folded into one row "other" (wq_snapshot__top_queuers). */
#define WQTOP_QUEUERS_TOP 50
/* The drill-down's queuers: the top ones since start. */
#define WQTOP_DETAIL_QUEUERS 3

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
	/* Who queued the row's items since start, by kworker CPU charged
	 * (the row's series merged); the last one may be "other". */
	struct wq_queuer queuers[WQTOP_DETAIL_QUEUERS + 1];
	int nr_queuers;
	bool has_queuers;	/* the source records queuers at all */
};
void wqtop_detail__build(const struct wqtop_data *d,
			 const struct wqtop_row *r, struct wqtop_detail *out);

/* One text line of @r's cells (@r NULL: the column titles). */
void wqtop_table__line(const struct wqtop_row *r, const enum wqtop_col *col,
		       const int *width, int n, char *buf, size_t len);
/* The header meters as one line of text. */
void wqtop_meters__line(const struct wqtop_data *d, char *buf, size_t len);
/* "sampled: durations of 1 in 16 items (scaled)" (@brief: "sampled 1 in
 * 16") when a source measures 1 item in N, "" when all measure every
 * item: so a sample scaled up is never taken for the whole. */
void wqtop_sampling__line(const struct wqtop_data *d, bool brief, char *buf,
			  size_t len);
/* Sorted ascending unless reversed? (names and ids are.) */
bool wqtop_col__ascending(enum wqtop_col c);

/* Batch mode: one text frame of @view (header, then every row). */
int wqtop_batch__frame(FILE *f, const struct wqtop_data *d,
		       enum wqtop_view_id view,
		       const struct wqtop_table_opts *o, const char *source,
		       double delay_s, int cols);

#endif /* WQTOP_TABLE_H */
