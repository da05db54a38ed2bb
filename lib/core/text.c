// SPDX-License-Identifier: GPL-2.0
/*
 * The text view (docs/FORMAT.md).  Rendering uses integer math only and
 * prints every duration as microseconds with three decimals, so a kernel
 * module can emit the same bytes with seq_printf and the parser restores
 * every nanosecond.  Parsing splits lines on blanks, never on columns, and
 * checks everything it reads: the input may come from a file or a socket.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "hist.h"
#include "queuers.h"
#include "text.h"
#include "textfmt.h"


static const char *const sort_names[WQ_SORT_NR] = {
	[WQ_SORT_NAME] = "name",
	[WQ_SORT_QUEUED] = "queued",
	[WQ_SORT_STARTED] = "started",
	[WQ_SORT_COMPLETED] = "completed",
	[WQ_SORT_CANCELLED] = "cancelled",
	[WQ_SORT_RATE] = "rate",
	[WQ_SORT_LAT_P50] = "lat_p50",
	[WQ_SORT_LAT_P99] = "lat_p99",
	[WQ_SORT_LAT_MAX] = "lat_max",
	[WQ_SORT_RUN_P50] = "run_p50",
	[WQ_SORT_RUN_P99] = "run_p99",
	[WQ_SORT_RUN_MAX] = "run_max",
	[WQ_SORT_CPU] = "cpu",
};

/* Indexed by bit number of WQ_TEXT_*. */
static const char *const section_names[] = {
	"counters",   "pools",	 "workqueues", "functions",
	"histograms", "queuers", "config",
};

/* The sections of v3 (WQ_TEXT_VERSION_V3). */
#define V3_SECTIONS (WQ_TEXT_QUEUERS | WQ_TEXT_CONFIG)

#define NR_SECTIONS (sizeof(section_names) / sizeof(section_names[0]))

/* Pool flag letters, in the order they are printed. */
static const struct {
	char letter;
	uint32_t flag;
} pool_flags[] = {
	{'U', WQ_POOL_UNBOUND},
	{'B', WQ_POOL_BH},
	{'H', WQ_POOL_HIGHPRI},
};

#define NR_POOL_FLAGS (sizeof(pool_flags) / sizeof(pool_flags[0]))

int wq_text__sort_key_from_name(const char *name)
{
	int i;

	for (i = 0; name && i < WQ_SORT_NR; i++)
		if (!strcmp(name, sort_names[i]))
			return i;
	return -EINVAL;
}

const char *wq_text__sort_key_name(enum wq_sort_key key)
{
	return (unsigned int)key < WQ_SORT_NR ? sort_names[key] : NULL;
}

int wq_text__sections_from_names(const char *names)
{
	const char *p = names;
	int mask = 0;

	if (!names || !*names)
		return -EINVAL;
	while (*p) {
		size_t n = strcspn(p, ","), i;

		if (n == 3 && !strncmp(p, "all", 3)) {
			mask |= WQ_TEXT_ALL;
		} else {
			for (i = 0; i < NR_SECTIONS; i++)
				if (strlen(section_names[i]) == n &&
				    !strncmp(p, section_names[i], n))
					break;
			if (i == NR_SECTIONS)
				return -EINVAL;
			mask |= 1 << i;
		}
		p += n;
		if (*p == ',' && !*++p)
			return -EINVAL;
	}
	return mask;
}

/* ---- rendering ---- */

/* Worst case: every byte escaped, plus the NUL. */
#define ESC_SIZE(n) (4 * (n) + 1)


#define NUM_SIZE 32

/* ns as microseconds with exactly three decimals: exact, no floats. */
static const char *fmt_us(char *buf, uint64_t ns)
{
	snprintf(buf, NUM_SIZE, WQ_TEXTFMT_US, (unsigned long long)(ns / 1000),
		 (unsigned long long)(ns % 1000));
	return buf;
}

/* Per-second rate in tenths, rounded; saturates. */
static uint64_t rate_tenths(uint64_t count, uint64_t interval_ns)
{
	unsigned __int128 t;

	if (!interval_ns)
		return 0;
	t = ((unsigned __int128)count * 10000000000ULL + interval_ns / 2) /
	    interval_ns;
	return t > UINT64_MAX ? UINT64_MAX : (uint64_t)t;
}

static const char *fmt_rate(char *buf, uint64_t count, uint64_t interval_ns)
{
	uint64_t t = rate_tenths(count, interval_ns);

	if (!interval_ns)
		return "-";
	snprintf(buf, NUM_SIZE, "%llu.%llu", (unsigned long long)(t / 10),
		 (unsigned long long)(t % 10));
	return buf;
}

static uint64_t pct(const struct wq_series *r, int k, uint64_t num)
{
	return wq_hist__quantile(&r->hist[k], num, 100, r->max_ns[k]);
}

/* A percentile, or "-" when there is nothing to take it of. */
static const char *fmt_pct(char *buf, const struct wq_series *r, int k,
			   uint64_t num)
{
	if (!wq_hist__count(&r->hist[k]))
		return "-";
	return fmt_us(buf, pct(r, k, num));
}

static void render_header(const struct wq_snapshot *s, FILE *f, int version)
{
	char src[ESC_SIZE(WQ_SOURCE_LEN)], kern[ESC_SIZE(sizeof(s->kernel))];
	char iv[NUM_SIZE];
	time_t sec = (time_t)(s->real_ns / 1000000000ULL);
	struct tm tm;

	gmtime_r(&sec, &tm);
	fprintf(f,
		"%s v%d source=%s kernel=%s "
		"time=%04d-%02d-%02dT%02d:%02d:%02d.%09uZ mono_ns=%llu "
		"interval_us=%s",
		WQ_TEXT_FORMAT, version,
		wq_textfmt__esc(src, s->source, sizeof(s->source)),
		wq_textfmt__esc(kern, s->kernel, sizeof(s->kernel)),
		tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		tm.tm_min, tm.tm_sec,
		(unsigned int)(s->real_ns % 1000000000ULL),
		(unsigned long long)s->mono_ns, fmt_us(iv, s->interval_ns));
	/* Only in sampled mode, so that files of every-item views keep the
	 * header they always had. */
	if (wq_snapshot__sample_every(s) > 1)
		fprintf(f, " sample_every=%u", wq_snapshot__sample_every(s));
	fputc('\n', f);
}

static void render_counters(const struct wq_snapshot *s, FILE *f)
{
	int c;

	fprintf(f, "\ncounters %d\n", WQ_C_NR);
	for (c = 0; c < WQ_C_NR; c++)
		fprintf(f, "%-18s %llu\n", wq_counter__name(c),
			(unsigned long long)s->counters[c]);
}

static const char *fmt_flags(char *buf, uint32_t flags)
{
	char *p = buf;
	size_t i;

	if (!flags)
		return "-";
	for (i = 0; i < NR_POOL_FLAGS; i++) {
		if (flags & pool_flags[i].flag) {
			*p++ = pool_flags[i].letter;
			flags &= ~pool_flags[i].flag;
		}
	}
	if (flags)
		sprintf(p, "+0x%x", flags);
	else
		*p = '\0';
	return buf;
}

static int cmp_pool_ptr(const void *a, const void *b)
{
	const struct wq_pool *const *x = a, *const *y = b;

	if ((*x)->id != (*y)->id)
		return (*x)->id < (*y)->id ? -1 : 1;
	return (*x > *y) - (*x < *y);
}

static int render_pools(const struct wq_snapshot *s, FILE *f)
{
	const struct wq_pool **idx;
	size_t i;

	idx = malloc((s->nr_pools + 1) * sizeof(*idx));
	if (!idx)
		return -ENOMEM;
	for (i = 0; i < s->nr_pools; i++)
		idx[i] = &s->pools[i];
	qsort(idx, s->nr_pools, sizeof(*idx), cmp_pool_ptr);

	fprintf(f, "\npools %zu\n", s->nr_pools);
	fprintf(f, "#%7s %4s %5s %-8s %7s %6s %7s %10s %14s %14s\n", "id",
		"cpu", "nice", "flags", "workers", "idle", "running", "pending",
		"oldest_us", "cpu_us");
	for (i = 0; i < s->nr_pools; i++) {
		const struct wq_pool *p = idx[i];
		char cpu[NUM_SIZE], fl[NUM_SIZE], old[NUM_SIZE], us[NUM_SIZE];

		if (p->cpu == -1)
			strcpy(cpu, "u");
		else
			snprintf(cpu, sizeof(cpu), "%d", p->cpu);
		fprintf(f, "%8d %4s %5d %-8s %7d %6d %7d %10llu %14s %14s\n",
			p->id, cpu, p->nice, fmt_flags(fl, p->flags),
			p->workers, p->idle, p->running,
			(unsigned long long)p->pending,
			fmt_us(old, p->oldest_pending_ns),
			fmt_us(us, p->cpu_ns));
	}
	free(idx);
	return 0;
}

/* Canonical series order: (workqueue, function, pool), then position. */
static int cmp_canon(const struct wq_series *a, const struct wq_series *b)
{
	int c = strncmp(a->workqueue, b->workqueue, WQ_NAME_LEN);

	if (!c)
		c = strncmp(a->function, b->function, WQ_FUNC_LEN);
	if (!c && a->pool_id != b->pool_id)
		c = a->pool_id < b->pool_id ? -1 : 1;
	if (!c)
		c = (a > b) - (a < b);
	return c;
}

static int cmp_canon_ptr(const void *a, const void *b)
{
	return cmp_canon(*(const struct wq_series *const *)a,
			 *(const struct wq_series *const *)b);
}

struct row {
	const struct wq_series *r;
	uint64_t key;
};

struct sort_ctx {
	bool reverse;
	bool by_function; /* name order: function first (functions rows) */
};

static uint64_t sort_value(const struct wq_series *r, enum wq_sort_key key,
			   uint64_t interval_ns)
{
	switch (key) {
	case WQ_SORT_QUEUED:
		return r->queued;
	case WQ_SORT_STARTED:
		return r->started;
	case WQ_SORT_COMPLETED:
		return r->completed;
	case WQ_SORT_CANCELLED:
		return r->cancelled;
	case WQ_SORT_RATE:
		return rate_tenths(r->queued, interval_ns);
	case WQ_SORT_LAT_P50:
		return pct(r, WQ_H_LAT, 50);
	case WQ_SORT_LAT_P99:
		return pct(r, WQ_H_LAT, 99);
	case WQ_SORT_LAT_MAX:
		return r->max_ns[WQ_H_LAT];
	case WQ_SORT_RUN_P50:
		return pct(r, WQ_H_RUN, 50);
	case WQ_SORT_RUN_P99:
		return pct(r, WQ_H_RUN, 99);
	case WQ_SORT_RUN_MAX:
		return r->max_ns[WQ_H_RUN];
	case WQ_SORT_CPU:
		return r->sum_ns[WQ_H_CPU];
	default:
		return 0;
	}
}

static int cmp_name(const struct wq_series *a, const struct wq_series *b,
		    bool by_function)
{
	int c;

	if (!by_function)
		return cmp_canon(a, b);
	c = strncmp(a->function, b->function, WQ_FUNC_LEN);
	return c ? c : cmp_canon(a, b);
}

/* Numbers descending (biggest first), names ascending, ties by name;
 * reverse flips the whole order. */
static int cmp_row(const void *a, const void *b, void *arg)
{
	const struct row *x = a, *y = b;
	const struct sort_ctx *ctx = arg;
	int c = (x->key < y->key) - (x->key > y->key);

	if (!c)
		c = cmp_name(x->r, y->r, ctx->by_function);
	return ctx->reverse ? -c : c;
}

static void sort_rows(struct row *rows, size_t n, const struct wq_text_opts *o,
		      uint64_t interval_ns, bool by_function)
{
	struct sort_ctx ctx = {.reverse = o->reverse,
			       .by_function = by_function};
	size_t i;

	for (i = 0; i < n; i++)
		rows[i].key = sort_value(rows[i].r, o->sort, interval_ns);
	qsort_r(rows, n, sizeof(*rows), cmp_row, &ctx);
}

static void sort_comment(FILE *f, const struct wq_text_opts *o, size_t shown,
			 size_t total)
{
	fprintf(f, "# by %s%s", sort_names[o->sort],
		o->reverse == (o->sort == WQ_SORT_NAME) ? ", descending"
							: ", ascending");
	if (shown < total)
		fprintf(f, ", top %zu of %zu", shown, total);
	fputc('\n', f);
}

/* The columns the workqueues and functions rows share. */
static void render_stats(FILE *f, const struct wq_series *r,
			 uint64_t interval_ns)
{
	char b[8][NUM_SIZE];

	fprintf(f, " %9s %11s %11s %11s %11s %11s %11s %14s\n",
		fmt_rate(b[0], r->queued, interval_ns),
		fmt_pct(b[1], r, WQ_H_LAT, 50), fmt_pct(b[2], r, WQ_H_LAT, 99),
		fmt_us(b[3], r->max_ns[WQ_H_LAT]),
		fmt_pct(b[4], r, WQ_H_RUN, 50), fmt_pct(b[5], r, WQ_H_RUN, 99),
		fmt_us(b[6], r->max_ns[WQ_H_RUN]),
		fmt_us(b[7], r->sum_ns[WQ_H_CPU]));
}

#define STATS_HEADER_FMT " %9s %11s %11s %11s %11s %11s %11s %14s\n"
#define STATS_HEADER_ARGS                                                      \
	"rate/s", "lat_p50_us", "lat_p99_us", "lat_max_us", "run_p50_us",      \
		"run_p99_us", "run_max_us", "cpu_us"

static int render_workqueues(const struct wq_snapshot *s, FILE *f,
			     const struct wq_text_opts *o)
{
	struct wq_series *agg;
	struct row *rows;
	size_t i, n;
	char name[ESC_SIZE(WQ_NAME_LEN)];
	int err = wq_snapshot__workqueues(s, &agg, &n);

	if (err)
		return err;
	rows = calloc(n + 1, sizeof(*rows));
	if (!rows) {
		free(agg);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		rows[i].r = &agg[i];
	sort_rows(rows, n, o, s->interval_ns, false);

	fprintf(f, "\nworkqueues %zu\n", n);
	sort_comment(f, o, n, n);
	fprintf(f, "%-24s %10s %10s %10s" STATS_HEADER_FMT, "# workqueue",
		"queued", "started", "completed", STATS_HEADER_ARGS);
	for (i = 0; i < n; i++) {
		const struct wq_series *r = rows[i].r;

		fprintf(f, "%-24s %10llu %10llu %10llu",
			wq_textfmt__esc(name, r->workqueue, WQ_NAME_LEN),
			(unsigned long long)r->queued,
			(unsigned long long)r->started,
			(unsigned long long)r->completed);
		render_stats(f, r, s->interval_ns);
	}
	free(agg);
	free(rows);
	return 0;
}

static int render_functions(const struct wq_snapshot *s, FILE *f,
			    const struct wq_text_opts *o)
{
	char fn[ESC_SIZE(WQ_FUNC_LEN)], wq[ESC_SIZE(WQ_NAME_LEN)];
	struct row *rows;
	size_t i, n = s->nr_series;

	rows = calloc(s->nr_series + 1, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	for (i = 0; i < s->nr_series; i++)
		rows[i].r = &s->series[i];
	sort_rows(rows, s->nr_series, o, s->interval_ns, true);
	if (o->top && o->top < n)
		n = o->top;

	fprintf(f, "\nfunctions %zu\n", n);
	sort_comment(f, o, n, s->nr_series);
	fprintf(f, "%-32s %-24s %6s %10s %10s %10s %9s" STATS_HEADER_FMT,
		"# function", "workqueue", "pool", "queued", "started",
		"completed", "cancelled", STATS_HEADER_ARGS);
	for (i = 0; i < n; i++) {
		const struct wq_series *r = rows[i].r;

		fprintf(f, "%-32s %-24s %6d %10llu %10llu %10llu %9llu",
			wq_textfmt__esc(fn, r->function, WQ_FUNC_LEN),
			wq_textfmt__esc(wq, r->workqueue, WQ_NAME_LEN), r->pool_id,
			(unsigned long long)r->queued,
			(unsigned long long)r->started,
			(unsigned long long)r->completed,
			(unsigned long long)r->cancelled);
		render_stats(f, r, s->interval_ns);
	}
	free(rows);
	return 0;
}

static void render_histograms(const struct wq_snapshot *s, FILE *f,
			      const struct wq_series **idx)
{
	char fn[ESC_SIZE(WQ_FUNC_LEN)], wq[ESC_SIZE(WQ_NAME_LEN)];
	char sum[NUM_SIZE], max[NUM_SIZE];
	size_t i;
	int k, j;

	fprintf(f, "\nhistograms %zu\n", s->nr_series);
	fprintf(f, "# series POOL WORKQUEUE FUNCTION queued= activated= "
		   "started= completed= cancelled=\n"
		   "#   KIND sum_us= max_us= SLOT:COUNT... (slot i counts "
		   "[2^i, 2^(i+1)) ns)\n");
	for (i = 0; i < s->nr_series; i++) {
		const struct wq_series *r = idx[i];

		fprintf(f,
			"series %d %s %s queued=%llu activated=%llu "
			"started=%llu completed=%llu cancelled=%llu\n",
			r->pool_id, wq_textfmt__esc(wq, r->workqueue, WQ_NAME_LEN),
			wq_textfmt__esc(fn, r->function, WQ_FUNC_LEN),
			(unsigned long long)r->queued,
			(unsigned long long)r->activated,
			(unsigned long long)r->started,
			(unsigned long long)r->completed,
			(unsigned long long)r->cancelled);
		for (k = 0; k < WQ_H_NR; k++) {
			fprintf(f, "  %s sum_us=%s max_us=%s", wq_hkind__name(k),
				fmt_us(sum, r->sum_ns[k]),
				fmt_us(max, r->max_ns[k]));
			for (j = 0; j < WQ_HIST_SLOTS; j++)
				if (r->hist[k].slot[j])
					fprintf(f, " %d:%llu", j,
						(unsigned long long)r->hist[k]
							.slot[j]);
			fputc('\n', f);
		}
	}
}

/* The queuers section: every row, in the canonical order of
 * wq_snapshot__sort. */
static int render_queuers(const struct wq_snapshot *s, FILE *f)
{
	char wq[ESC_SIZE(WQ_NAME_LEN)], fn[ESC_SIZE(WQ_FUNC_LEN)];
	char comm[ESC_SIZE(WQ_COMM_LEN)], cg[ESC_SIZE(WQ_CGROUP_LEN)];
	char us[3][NUM_SIZE];
	struct wq_snapshot sorted = {.nr_queuers = s->nr_queuers};
	size_t i;

	sorted.queuers = malloc((s->nr_queuers + 1) * sizeof(*s->queuers));
	if (!sorted.queuers)
		return -ENOMEM;
	memcpy(sorted.queuers, s->queuers, s->nr_queuers * sizeof(*s->queuers));
	wq_queuers__sort(&sorted);

	fprintf(f, "\nqueuers %zu\n", s->nr_queuers);
	fprintf(f,
		"# by workqueue, function, pool, context, cgroup_id, comm\n");
	fprintf(f,
		"%-24s %-32s %6s %-7s %-16s %8s %12s %-24s %10s %10s %10s "
		"%14s %14s %14s\n",
		"# workqueue", "function", "pool", "context", "comm", "tgid",
		"cgroup_id", "cgroup", "queued", "started", "completed",
		"lat_us", "run_us", "cpu_us");
	for (i = 0; i < sorted.nr_queuers; i++) {
		const struct wq_queuer *q = &sorted.queuers[i];
		const char *ctx = wq_qctx__name(q->ctx);

		fprintf(f,
			"%-24s %-32s %6d %-7s %-16s %8d %12llu %-24s %10llu "
			"%10llu %10llu %14s %14s %14s\n",
			wq_textfmt__esc(wq, q->workqueue, WQ_NAME_LEN),
			wq_textfmt__esc(fn, q->function, WQ_FUNC_LEN),
			q->pool_id, ctx ? ctx : "other",
			wq_textfmt__esc(comm, q->comm, WQ_COMM_LEN), q->tgid,
			(unsigned long long)q->cgroup_id,
			wq_textfmt__esc(cg, q->cgroup, WQ_CGROUP_LEN),
			(unsigned long long)q->queued,
			(unsigned long long)q->started,
			(unsigned long long)q->completed,
			fmt_us(us[0], q->lat_ns), fmt_us(us[1], q->run_ns),
			fmt_us(us[2], q->cpu_ns));
	}
	free(sorted.queuers);
	return 0;
}

/* A configuration number, "-" for a field the kernel does not have. */
static const char *fmt_opt(char *buf, int v)
{
	if (v == WQ_CFG_NONE)
		return "-";
	snprintf(buf, NUM_SIZE, "%d", v);
	return buf;
}

/* max_active: "-" for no limit, as every face shows it. */
static const char *fmt_max(char *buf, int v)
{
	if (v == INT32_MAX)
		return "-";
	snprintf(buf, NUM_SIZE, "%d", v);
	return buf;
}

/* Pool ids, "a,b,c" (entries of WQ_CFG_NONE as "-"); "-" for none. */
static void put_ids(FILE *f, const int *ids, size_t n)
{
	if (!n) {
		fputs(" -", f);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		fputc(i ? ',' : ' ', f);
		if (ids && ids[i] != WQ_CFG_NONE)
			fprintf(f, "%d", ids[i]);
		else
			fputc('-', f);
	}
}

static const char *yes_no(int v)
{
	return v == WQ_CFG_NONE ? "-" : v ? "yes" : "no";
}

/* The config section (struct wq_config): one system line, a row per
 * workqueue, a row per pool. */
static void render_config(const struct wq_config *c, FILE *f)
{
	char e[4][ESC_SIZE(WQ_CFG_CPUS_LEN)], fl[160];
	char n[6][NUM_SIZE];
	size_t i;

	fprintf(f, "\nconfig %zu %zu\n", c->nr_wqs, c->nr_pools);
	fprintf(f,
		"system nr_cpus=%d complete=%s time_ns=%llu requested=%s "
		"effective=%s isolated=%s default_affinity_scope=%s "
		"dropped_workqueues=%u dropped_pwqs=%u dropped_pools=%u\n",
		c->nr_cpus, yes_no(c->complete), (unsigned long long)c->time_ns,
		wq_textfmt__esc(e[0], c->cpumask_requested, WQ_CFG_CPUS_LEN),
		wq_textfmt__esc(e[1], c->cpumask_effective, WQ_CFG_CPUS_LEN),
		wq_textfmt__esc(e[2], c->cpumask_isolated, WQ_CFG_CPUS_LEN),
		wq_textfmt__esc(e[3], c->default_affinity_scope,
				sizeof(c->default_affinity_scope)),
		c->wqs_dropped, c->pwqs_dropped, c->pools_dropped);
	fprintf(f,
		"%-2s %-24s %-28s %10s %10s %6s %6s %-7s %4s %-8s %-6s "
		"%8s %7s %-8s %s %s\n",
		"#", "workqueue", "flags", "max_active", "saved_max", "min",
		"active", "rescuer", "nice", "scope", "strict", "dfl_pool",
		"dropped", "cpus", "pools", "cpu_pools");
	for (i = 0; i < c->nr_wqs; i++) {
		const struct wq_cfg_wq *w = &c->wqs[i];

		wq_cfg_flags_format(w->flags, fl, sizeof(fl));
		fprintf(f,
			"wq %-24s %-28s %10s %10s %6s %6d %-7s %4s %-8s "
			"%-6s %8s %7u %-8s",
			wq_textfmt__esc(e[0], w->name, sizeof(w->name)),
			fl[0] ? fl : "-", fmt_max(n[0], w->max_active),
			fmt_max(n[1], w->saved_max_active),
			fmt_opt(n[2], w->min_active), w->active,
			w->rescuer ? "yes" : "no", fmt_opt(n[3], w->nice),
			wq_textfmt__esc(e[1], w->affinity_scope,
					sizeof(w->affinity_scope)),
			yes_no(w->affinity_strict),
			fmt_opt(n[4], w->default_pool), w->pwqs_dropped,
			wq_textfmt__esc(e[2], w->cpus, sizeof(w->cpus)));
		put_ids(f, w->pools, w->nr_pools);
		put_ids(f, w->cpu_pool,
			(size_t)(c->nr_cpus > 0 ? c->nr_cpus : 0));
		fputc('\n', f);
	}
	fprintf(f, "%-4s %6s %4s %5s %5s %-3s %7s %6s %7s %s\n", "#", "id",
		"cpu", "node", "nice", "bh", "workers", "idle", "running",
		"cpus");
	for (i = 0; i < c->nr_pools; i++) {
		const struct wq_cfg_pool *p = &c->pools[i];

		if (p->cpu < 0)
			strcpy(n[0], "u");
		else
			snprintf(n[0], NUM_SIZE, "%d", p->cpu);
		fprintf(f, "pool %6d %4s %5d %5s %-3s %7d %6d %7d %s\n", p->id,
			n[0], p->node, fmt_opt(n[1], p->nice),
			p->bh ? "yes" : "no", p->workers, p->idle, p->running,
			wq_textfmt__esc(e[0], p->cpus, sizeof(p->cpus)));
	}
}

int wq_text__render(const struct wq_snapshot *s, FILE *f,
		    const struct wq_text_opts *o)
{
	static const struct wq_text_opts defaults;
	const struct wq_series **idx = NULL;
	unsigned int sections;
	size_t i;
	int err = 0;

	if (!o)
		o = &defaults;
	if ((unsigned int)o->sort >= WQ_SORT_NR)
		return -EINVAL;
	sections = o->sections ? o->sections : WQ_TEXT_ALL;
	/* Sections there is nothing for are left out, not written empty: a
	 * view without them is the v2 it always was. */
	if (!s->nr_queuers)
		sections &= ~WQ_TEXT_QUEUERS;
	if (!o->config)
		sections &= ~WQ_TEXT_CONFIG;

	render_header(s, f,
		      sections & V3_SECTIONS ? WQ_TEXT_VERSION_V3
					     : WQ_TEXT_VERSION);
	if (sections & WQ_TEXT_COUNTERS)
		render_counters(s, f);
	if (sections & WQ_TEXT_POOLS) {
		err = render_pools(s, f);
		if (err)
			return err;
	}
	if (sections & WQ_TEXT_HISTOGRAMS) {
		idx = malloc((s->nr_series + 1) * sizeof(*idx));
		if (!idx)
			return -ENOMEM;
		for (i = 0; i < s->nr_series; i++)
			idx[i] = &s->series[i];
		qsort(idx, s->nr_series, sizeof(*idx), cmp_canon_ptr);
	}
	if (sections & WQ_TEXT_WORKQUEUES)
		err = render_workqueues(s, f, o);
	if (!err && (sections & WQ_TEXT_FUNCTIONS))
		err = render_functions(s, f, o);
	if (!err && (sections & WQ_TEXT_HISTOGRAMS))
		render_histograms(s, f, idx);
	free(idx);
	if (!err && (sections & WQ_TEXT_QUEUERS))
		err = render_queuers(s, f);
	if (!err && (sections & WQ_TEXT_CONFIG))
		render_config(o->config, f);
	if (err)
		return err;
	fputs("\nend\n", f);
	return ferror(f) ? -EIO : 0;
}

/* ---- parsing ---- */

#define MAX_FIELDS (3 + WQ_HIST_SLOTS + 4)

struct tok {
	const char *p;
	size_t n;
};

struct parser {
	const char *buf;
	size_t len, pos, lineno;
	struct tok t[MAX_FIELDS];
	int nt;
	char *err;
	size_t errlen;
	const char *what; /* the section being read, for messages */
	int version; /* of the header: 2 or 3 */
	struct wq_config *cfg; /* the config section's, or NULL */
};

static int perr(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!p->err || !p->errlen)
		return -EINVAL;
	n = snprintf(p->err, p->errlen, "line %zu: ", p->lineno);
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A field quoted in a message: bounded, and only printable bytes. */
static const char *quote(char *buf, size_t size, const struct tok *t)
{
	size_t i, n = t->n < size - 4 ? t->n : size - 4;

	for (i = 0; i < n; i++)
		buf[i] = t->p[i] > ' ' && t->p[i] < 0x7f ? t->p[i] : '?';
	strcpy(buf + n, t->n > n ? "..." : "");
	return buf;
}

/*
 * Read the next line into fields.  @skip: pass over blank and comment lines.
 * Return: 1 with p->t[0..nt) set, 0 at the end of the input, -EINVAL.
 */
static int next_line(struct parser *p, bool skip)
{
	for (;;) {
		const char *line = p->buf + p->pos, *nl, *c, *end;

		if (p->pos >= p->len) {
			/* Messages about missing input name the line that
			 * is missing. */
			p->lineno++;
			return 0;
		}
		nl = memchr(line, '\n', p->len - p->pos);
		end = nl ? nl : p->buf + p->len;
		p->pos = end - p->buf + 1;
		p->lineno++;
		if (memchr(line, '\0', end - line))
			return perr(p, "NUL byte in line");
		p->nt = 0;
		for (c = line; c < end;) {
			const char *start;

			while (c < end && (*c == ' ' || *c == '\t'))
				c++;
			if (c == end)
				break;
			if (p->nt == MAX_FIELDS)
				return perr(p, "too many fields (more than %d)",
					    MAX_FIELDS);
			start = c;
			while (c < end && *c != ' ' && *c != '\t')
				c++;
			p->t[p->nt].p = start;
			p->t[p->nt].n = c - start;
			p->nt++;
		}
		if (skip && (!p->nt || p->t[0].p[0] == '#'))
			continue;
		return 1;
	}
}

static bool tok_is(const struct tok *t, const char *s)
{
	return strlen(s) == t->n && !memcmp(t->p, s, t->n);
}

static bool get_u64(const struct tok *t, uint64_t *v)
{
	size_t i;

	if (!t->n)
		return false;
	*v = 0;
	for (i = 0; i < t->n; i++) {
		if (t->p[i] < '0' || t->p[i] > '9')
			return false;
		if (__builtin_mul_overflow(*v, 10, v) ||
		    __builtin_add_overflow(*v, (uint64_t)(t->p[i] - '0'), v))
			return false;
	}
	return true;
}

static bool get_s32(const struct tok *t, int32_t *v)
{
	struct tok u = *t;
	bool neg = u.n && u.p[0] == '-';
	uint64_t x;

	if (neg) {
		u.p++;
		u.n--;
	}
	if (!get_u64(&u, &x) || x > (neg ? 2147483648ULL : 2147483647ULL))
		return false;
	*v = neg ? (int32_t)(0 - x) : (int32_t)x;
	return true;
}

/* "<int>.<d>" with exactly @decimals digits after the point, as an integer
 * scaled by 10^decimals. */
static bool get_fixed(const struct tok *t, int decimals, uint64_t *v)
{
	const char *dot = memchr(t->p, '.', t->n);
	struct tok ip, fp;
	uint64_t i, frac, scale = 1;
	int d;

	if (!dot)
		return false;
	ip.p = t->p;
	ip.n = dot - t->p;
	fp.p = dot + 1;
	fp.n = t->n - ip.n - 1;
	if (fp.n != (size_t)decimals || !get_u64(&ip, &i) ||
	    !get_u64(&fp, &frac))
		return false;
	for (d = 0; d < decimals; d++)
		scale *= 10;
	return !__builtin_mul_overflow(i, scale, v) &&
	       !__builtin_add_overflow(*v, frac, v);
}

static bool get_us(const struct tok *t, uint64_t *ns)
{
	return get_fixed(t, 3, ns);
}

static bool is_dash(const struct tok *t)
{
	return tok_is(t, "-");
}

static bool get_name(const struct tok *t, char *dst, size_t size)
{
	size_t i, n = 0;

	if (is_dash(t)) {
		dst[0] = '\0';
		return true;
	}
	for (i = 0; i < t->n; i++) {
		unsigned char c = t->p[i];

		if (c == '\\') {
			const char *o = t->p + i + 1;

			if (i + 3 >= t->n || o[0] < '0' || o[0] > '3' ||
			    o[1] < '0' || o[1] > '7' || o[2] < '0' ||
			    o[2] > '7')
				return false;
			c = (o[0] - '0') << 6 | (o[1] - '0') << 3 |
			    (o[2] - '0');
			if (!c)
				return false;
			i += 3;
		}
		if (n + 1 >= size)
			return false;
		dst[n++] = c;
	}
	memset(dst + n, 0, size - n);
	return true;
}

/* Field @i must be "@key=<value>": point @v at the value. */
static bool get_kv(struct parser *p, int i, const char *key, struct tok *v)
{
	size_t n = strlen(key);
	const struct tok *t = &p->t[i];

	if (t->n <= n || memcmp(t->p, key, n) || t->p[n] != '=')
		return false;
	v->p = t->p + n + 1;
	v->n = t->n - n - 1;
	return true;
}

static int bad_field(struct parser *p, int i, const char *what)
{
	char q[48];

	return perr(p, "%s: field %d: bad %s '%s'", p->what, i + 1, what,
		    quote(q, sizeof(q), &p->t[i]));
}

static int want_fields(struct parser *p, int n)
{
	if (p->nt != n)
		return perr(p, "%s: expected %d fields, found %d%s", p->what, n,
			    p->nt, p->nt < n ? " (truncated line?)" : "");
	return 0;
}

/* Next row of a section that announced @n rows, @i read so far. */
static int next_row(struct parser *p, size_t i, size_t n)
{
	int ret = next_line(p, true);

	if (ret == 0)
		return perr(p, "%s: input ends after %zu of %zu rows", p->what,
			    i, n);
	return ret < 0 ? ret : 0;
}

static bool get_time(const struct tok *t, uint64_t *ns)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd.dddddddddZ";
	int f[7] = {0}, k = 0;
	struct tm tm = {0}, chk;
	uint64_t frac = 0;
	time_t sec;
	size_t i;

	if (t->n != sizeof(pat) - 1)
		return false;
	for (i = 0; i < t->n; i++) {
		char c = t->p[i];

		if (pat[i] != 'd') {
			if (c != pat[i])
				return false;
			k++;
			continue;
		}
		if (c < '0' || c > '9')
			return false;
		if (k < 6)
			f[k] = f[k] * 10 + (c - '0');
		else
			frac = frac * 10 + (uint64_t)(c - '0');
	}
	tm.tm_year = f[0] - 1900;
	tm.tm_mon = f[1] - 1;
	tm.tm_mday = f[2];
	tm.tm_hour = f[3];
	tm.tm_min = f[4];
	tm.tm_sec = f[5];
	sec = timegm(&tm);
	/* timegm normalizes: a date that changes on the way back is invalid. */
	if (sec < 0 || !gmtime_r(&sec, &chk) || chk.tm_year != f[0] - 1900 ||
	    chk.tm_mon != f[1] - 1 || chk.tm_mday != f[2] ||
	    chk.tm_hour != f[3] || chk.tm_min != f[4] || chk.tm_sec != f[5])
		return false;
	return !__builtin_mul_overflow((uint64_t)sec, 1000000000ULL, ns) &&
	       !__builtin_add_overflow(*ns, frac, ns);
}

static int parse_header(struct parser *p, struct wq_snapshot *s)
{
	static const char *const keys[] = {"source", "kernel", "time",
					   "mono_ns", "interval_us"};
	char ver[16];
	struct tok v;
	bool ok;
	int i, ret;

	p->what = "header";
	ret = next_line(p, false);
	if (ret <= 0)
		return ret ? ret : perr(p, "empty input");
	if (!p->nt || !tok_is(&p->t[0], WQ_TEXT_FORMAT))
		return perr(p, "not a %s file (first field must be '%s')",
			    WQ_TEXT_FORMAT, WQ_TEXT_FORMAT);
	snprintf(ver, sizeof(ver), "v%d", WQ_TEXT_VERSION_V3);
	if (p->nt >= 2 && tok_is(&p->t[1], ver))
		p->version = WQ_TEXT_VERSION_V3;
	snprintf(ver, sizeof(ver), "v%d", WQ_TEXT_VERSION);
	if (p->nt >= 2 && tok_is(&p->t[1], ver))
		p->version = WQ_TEXT_VERSION;
	if (!p->version) {
		char q[48];

		return perr(p,
			    "unsupported version '%s' (this parser reads v%d "
			    "and v%d)",
			    p->nt < 2 ? "" : quote(q, sizeof(q), &p->t[1]),
			    WQ_TEXT_VERSION, WQ_TEXT_VERSION_V3);
	}
	if (p->nt != 8) {
		ret = want_fields(p, 7);
		if (ret)
			return ret;
	}
	for (i = 0; i < 5; i++) {
		if (!get_kv(p, i + 2, keys[i], &v))
			return perr(p, "header: field %d must be %s=...", i + 3,
				    keys[i]);
		switch (i) {
		case 0:
			ok = get_name(&v, s->source, sizeof(s->source));
			break;
		case 1:
			ok = get_name(&v, s->kernel, sizeof(s->kernel));
			break;
		case 2:
			ok = get_time(&v, &s->real_ns);
			break;
		case 3:
			ok = get_u64(&v, &s->mono_ns);
			break;
		default:
			ok = get_us(&v, &s->interval_ns);
			break;
		}
		if (!ok)
			return bad_field(p, i + 2, keys[i]);
	}
	if (p->nt == 8) {
		uint64_t every;

		if (!get_kv(p, 7, "sample_every", &v))
			return perr(p, "header: field 8 must be sample_every=...");
		if (!get_u64(&v, &every) || every < 2 || every > UINT32_MAX)
			return bad_field(p, 7, "sample_every (2 or more)");
		s->sample_every = (uint32_t)every;
	}
	return 0;
}

static int parse_counters(struct parser *p, struct wq_snapshot *s, size_t n)
{
	size_t i;
	int c, ret;

	for (i = 0; i < n; i++) {
		ret = next_row(p, i, n);
		if (!ret)
			ret = want_fields(p, 2);
		if (ret)
			return ret;
		for (c = 0; c < WQ_C_NR; c++)
			if (tok_is(&p->t[0], wq_counter__name(c)))
				break;
		if (c == WQ_C_NR)
			return bad_field(p, 0, "counter name");
		if (!get_u64(&p->t[1], &s->counters[c]))
			return bad_field(p, 1, "number");
	}
	return 0;
}

static bool get_flags(const struct tok *t, uint32_t *flags)
{
	size_t i = 0, f = 0;
	uint64_t rest = 0;

	*flags = 0;
	if (is_dash(t))
		return true;
	/* Letters in print order, each at most once, then "+0x<hex>". */
	for (; i < t->n && t->p[i] != '+'; i++) {
		while (f < NR_POOL_FLAGS && pool_flags[f].letter != t->p[i])
			f++;
		if (f == NR_POOL_FLAGS)
			return false;
		*flags |= pool_flags[f++].flag;
	}
	if (i == t->n)
		return i > 0;
	if (t->n - i < 4 || t->p[i + 1] != '0' || t->p[i + 2] != 'x' ||
	    t->n - i > 3 + 8)
		return false;
	for (i += 3; i < t->n; i++) {
		char c = t->p[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
					       : -1;

		if (d < 0)
			return false;
		rest = rest << 4 | (uint64_t)d;
	}
	for (f = 0; f < NR_POOL_FLAGS; f++)
		if (rest & pool_flags[f].flag)
			return false;
	*flags |= (uint32_t)rest;
	return rest != 0;
}

static int parse_pools(struct parser *p, struct wq_snapshot *s, size_t n)
{
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		struct wq_pool *pool;

		ret = next_row(p, i, n);
		if (!ret)
			ret = want_fields(p, 10);
		if (ret)
			return ret;
		pool = wq_snapshot__add_pool(s);
		if (!pool)
			return -ENOMEM;
		if (!get_s32(&p->t[0], &pool->id))
			return bad_field(p, 0, "pool id");
		if (tok_is(&p->t[1], "u"))
			pool->cpu = -1;
		else if (!get_s32(&p->t[1], &pool->cpu))
			return bad_field(p, 1, "cpu");
		if (!get_s32(&p->t[2], &pool->nice))
			return bad_field(p, 2, "nice");
		if (!get_flags(&p->t[3], &pool->flags))
			return bad_field(p, 3, "flags");
		if (!get_s32(&p->t[4], &pool->workers))
			return bad_field(p, 4, "workers");
		if (!get_s32(&p->t[5], &pool->idle))
			return bad_field(p, 5, "idle");
		if (!get_s32(&p->t[6], &pool->running))
			return bad_field(p, 6, "running");
		if (!get_u64(&p->t[7], &pool->pending))
			return bad_field(p, 7, "pending");
		if (!get_us(&p->t[8], &pool->oldest_pending_ns))
			return bad_field(p, 8, "oldest_us");
		if (!get_us(&p->t[9], &pool->cpu_ns))
			return bad_field(p, 9, "cpu_us");
	}
	return 0;
}

/* The derived columns shared by workqueues and functions rows, from field
 * @i on: rate, lat p50 p99 max, run p50 p99 max, cpu. */
static int check_stats(struct parser *p, int i)
{
	static const char *const names[] = {
		"rate/s",     "lat_p50_us", "lat_p99_us", "lat_max_us",
		"run_p50_us", "run_p99_us", "run_max_us", "cpu_us",
	};
	uint64_t v;
	int j;

	for (j = 0; j < 8; j++) {
		const struct tok *t = &p->t[i + j];
		bool pctl = j == 1 || j == 2 || j == 4 || j == 5;
		bool ok;

		if (j == 0)
			ok = is_dash(t) || get_fixed(t, 1, &v);
		else
			ok = (pctl && is_dash(t)) || get_us(t, &v);
		if (!ok)
			return bad_field(p, i + j, names[j]);
	}
	return 0;
}

static int check_counts(struct parser *p, int from, int to)
{
	uint64_t v;
	int i;

	for (i = from; i < to; i++)
		if (!get_u64(&p->t[i], &v))
			return bad_field(p, i, "count");
	return 0;
}

static int check_workqueues(struct parser *p, size_t n)
{
	char name[WQ_NAME_LEN];
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = next_row(p, i, n);
		if (!ret)
			ret = want_fields(p, 12);
		if (ret)
			return ret;
		if (!get_name(&p->t[0], name, sizeof(name)))
			return bad_field(p, 0, "workqueue name");
		ret = check_counts(p, 1, 4);
		if (!ret)
			ret = check_stats(p, 4);
		if (ret)
			return ret;
	}
	return 0;
}

static int check_functions(struct parser *p, size_t n)
{
	char fn[WQ_FUNC_LEN], wq[WQ_NAME_LEN];
	int32_t pool;
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = next_row(p, i, n);
		if (!ret)
			ret = want_fields(p, 15);
		if (ret)
			return ret;
		if (!get_name(&p->t[0], fn, sizeof(fn)))
			return bad_field(p, 0, "function name");
		if (!get_name(&p->t[1], wq, sizeof(wq)))
			return bad_field(p, 1, "workqueue name");
		if (!get_s32(&p->t[2], &pool))
			return bad_field(p, 2, "pool id");
		ret = check_counts(p, 3, 7);
		if (!ret)
			ret = check_stats(p, 7);
		if (ret)
			return ret;
	}
	return 0;
}

static int parse_hist(struct parser *p, struct wq_series *r, int k)
{
	int i, last = -1;
	struct tok v;

	if (p->nt < 3 || !tok_is(&p->t[0], wq_hkind__name(k)))
		return perr(p, "histograms: expected a '%s' line",
			    wq_hkind__name(k));
	if (!get_kv(p, 1, "sum_us", &v) || !get_us(&v, &r->sum_ns[k]))
		return bad_field(p, 1, "sum_us=");
	if (!get_kv(p, 2, "max_us", &v) || !get_us(&v, &r->max_ns[k]))
		return bad_field(p, 2, "max_us=");
	for (i = 3; i < p->nt; i++) {
		const struct tok *t = &p->t[i];
		const char *colon = memchr(t->p, ':', t->n);
		struct tok a, b;
		uint64_t slot, count;

		if (!colon)
			return bad_field(p, i, "SLOT:COUNT");
		a.p = t->p;
		a.n = colon - t->p;
		b.p = colon + 1;
		b.n = t->n - a.n - 1;
		if (!get_u64(&a, &slot) || slot >= WQ_HIST_SLOTS ||
		    (int)slot <= last)
			return bad_field(p, i, "slot (0..35, increasing)");
		if (!get_u64(&b, &count) || !count)
			return bad_field(p, i, "slot count");
		r->hist[k].slot[slot] = count;
		last = (int)slot;
	}
	return 0;
}

static int parse_histograms(struct parser *p, struct wq_snapshot *s, size_t n)
{
	static const char *const keys[] = {"queued", "activated", "started",
					   "completed", "cancelled"};
	size_t i;
	int ret, k;

	for (i = 0; i < n; i++) {
		uint64_t *vals[5];
		struct wq_series *r;
		struct tok v;

		ret = next_row(p, i, n);
		if (!ret && !tok_is(&p->t[0], "series"))
			ret = perr(p, "histograms: expected a 'series' line");
		if (!ret)
			ret = want_fields(p, 9);
		if (ret)
			return ret;
		r = wq_snapshot__add_series(s);
		if (!r)
			return -ENOMEM;
		if (!get_s32(&p->t[1], &r->pool_id))
			return bad_field(p, 1, "pool id");
		if (!get_name(&p->t[2], r->workqueue, sizeof(r->workqueue)))
			return bad_field(p, 2, "workqueue name");
		if (!get_name(&p->t[3], r->function, sizeof(r->function)))
			return bad_field(p, 3, "function name");
		vals[0] = &r->queued;
		vals[1] = &r->activated;
		vals[2] = &r->started;
		vals[3] = &r->completed;
		vals[4] = &r->cancelled;
		for (k = 0; k < 5; k++)
			if (!get_kv(p, 4 + k, keys[k], &v) ||
			    !get_u64(&v, vals[k]))
				return bad_field(p, 4 + k, keys[k]);
		for (k = 0; k < WQ_H_NR; k++) {
			ret = next_line(p, true);
			if (ret == 0)
				return perr(p, "histograms: input ends inside "
					       "a series");
			if (ret < 0)
				return ret;
			ret = parse_hist(p, r, k);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int parse_queuers(struct parser *p, struct wq_snapshot *s, size_t n)
{
	size_t i;
	int ret, k;

	for (i = 0; i < n; i++) {
		struct wq_queuer *q;
		char ctx[8];

		ret = next_row(p, i, n);
		if (!ret)
			ret = want_fields(p, 14);
		if (ret)
			return ret;
		q = wq_snapshot__add_queuer(s);
		if (!q)
			return -ENOMEM;
		if (!get_name(&p->t[0], q->workqueue, sizeof(q->workqueue)))
			return bad_field(p, 0, "workqueue name");
		if (!get_name(&p->t[1], q->function, sizeof(q->function)))
			return bad_field(p, 1, "function name");
		if (!get_s32(&p->t[2], &q->pool_id))
			return bad_field(p, 2, "pool id");
		k = -1;
		if (p->t[3].n < sizeof(ctx)) {
			memcpy(ctx, p->t[3].p, p->t[3].n);
			ctx[p->t[3].n] = '\0';
			k = wq_qctx__parse(ctx);
		}
		if (k < 0)
			return bad_field(p, 3,
					 "context (task, softirq, "
					 "hardirq, nmi or other)");
		q->ctx = k;
		if (!get_name(&p->t[4], q->comm, sizeof(q->comm)))
			return bad_field(p, 4, "comm");
		if (!get_s32(&p->t[5], &q->tgid))
			return bad_field(p, 5, "tgid");
		if (!get_u64(&p->t[6], &q->cgroup_id))
			return bad_field(p, 6, "cgroup_id");
		if (!get_name(&p->t[7], q->cgroup, sizeof(q->cgroup)))
			return bad_field(p, 7, "cgroup");
		if (!get_u64(&p->t[8], &q->queued))
			return bad_field(p, 8, "queued");
		if (!get_u64(&p->t[9], &q->started))
			return bad_field(p, 9, "started");
		if (!get_u64(&p->t[10], &q->completed))
			return bad_field(p, 10, "completed");
		if (!get_us(&p->t[11], &q->lat_ns))
			return bad_field(p, 11, "lat_us");
		if (!get_us(&p->t[12], &q->run_ns))
			return bad_field(p, 12, "run_us");
		if (!get_us(&p->t[13], &q->cpu_ns))
			return bad_field(p, 13, "cpu_us");
	}
	/* One row per queuer: the rendering's order would not be one. */
	wq_queuers__sort(s);
	for (i = 1; i < s->nr_queuers; i++)
		if (wq_queuer__same(&s->queuers[i - 1], &s->queuers[i]))
			return perr(p, "queuers: two rows of one queuer (same "
				       "series, context, cgroup_id and comm)");
	return 0;
}

/* Bounds of a config section (as wq_config__from_json's): input may come
 * from anywhere, and a wrong view must cost an error, not memory. */
#define CFG_MAX_WQS 8192
#define CFG_MAX_POOLS 16384
#define CFG_MAX_CPUS 8192

/* An int in [@lo, @hi]; "-" is @dash when @dash_ok. */
static bool get_int(const struct tok *t, int lo, int hi, bool dash_ok, int dash,
		    int *v)
{
	int32_t x;

	if (dash_ok && is_dash(t)) {
		*v = dash;
		return true;
	}
	if (!get_s32(t, &x) || x < lo || x > hi)
		return false;
	*v = x;
	return true;
}

static bool get_yes_no(const struct tok *t, bool dash_ok, int *v)
{
	if (tok_is(t, "yes"))
		*v = 1;
	else if (tok_is(t, "no"))
		*v = 0;
	else if (dash_ok && is_dash(t))
		*v = WQ_CFG_NONE;
	else
		return false;
	return true;
}

/*
 * Pool ids "a,b,c" into a new array: @want entries (entries "-" are
 * WQ_CFG_NONE), or when @want is 0 any number of ids ("-": none).
 * Return: 0, -EINVAL, or -ENOMEM.
 */
static int get_ids(const struct tok *t, size_t want, int **out, size_t *nr)
{
	size_t n = 1, i, at = 0;
	int *ids;

	*out = NULL;
	*nr = 0;
	if (!want && is_dash(t))
		return 0;
	for (i = 0; i < t->n; i++)
		n += t->p[i] == ',';
	if (want && n != want)
		return -EINVAL;
	ids = malloc(n * sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const char *c = memchr(t->p + at, ',', t->n - at);
		struct tok e = {t->p + at,
				(c ? (size_t)(c - t->p) : t->n) - at};

		if (!get_int(&e, 0, INT32_MAX, want != 0, WQ_CFG_NONE,
			     &ids[i])) {
			free(ids);
			return -EINVAL;
		}
		at += e.n + 1;
	}
	*out = ids;
	*nr = n;
	return 0;
}

static bool get_wq_flags(const struct tok *t, unsigned *flags)
{
	size_t at = 0;

	*flags = 0;
	if (is_dash(t))
		return true;
	while (at <= t->n) {
		const char *c = memchr(t->p + at, ',', t->n - at);
		struct tok e = {t->p + at,
				(c ? (size_t)(c - t->p) : t->n) - at};
		int b;

		for (b = 0; b < WQ_CFG_NR_FLAGS; b++)
			if (tok_is(&e, wq_cfg_flag_name(b)))
				break;
		if (b == WQ_CFG_NR_FLAGS)
			return false;
		*flags |= 1u << b;
		at += e.n + 1;
	}
	return true;
}

static int parse_config_system(struct parser *p, struct wq_config *c)
{
	static const char *const keys[] = {
		"nr_cpus",
		"complete",
		"time_ns",
		"requested",
		"effective",
		"isolated",
		"default_affinity_scope",
		"dropped_workqueues",
		"dropped_pwqs",
		"dropped_pools",
	};
	unsigned *dropped[] = {&c->wqs_dropped, &c->pwqs_dropped,
			       &c->pools_dropped};
	char *masks[] = {c->cpumask_requested, c->cpumask_effective,
			 c->cpumask_isolated};
	struct tok v;
	uint64_t x;
	int i, yes = 0;
	bool ok;

	if (!tok_is(&p->t[0], "system"))
		return perr(p, "config: expected the 'system' line");
	if (want_fields(p, 11))
		return -EINVAL;
	for (i = 0; i < 10; i++) {
		if (!get_kv(p, i + 1, keys[i], &v))
			return perr(p, "config: field %d must be %s=...", i + 2,
				    keys[i]);
		if (i == 0) {
			ok = get_int(&v, 1, CFG_MAX_CPUS, false, 0,
				     &c->nr_cpus);
		} else if (i == 1) {
			ok = get_yes_no(&v, false, &yes);
			c->complete = yes == 1;
		} else if (i == 2) {
			ok = get_u64(&v, &c->time_ns);
		} else if (i < 6) {
			ok = get_name(&v, masks[i - 3], WQ_CFG_CPUS_LEN);
		} else if (i == 6) {
			ok = get_name(&v, c->default_affinity_scope,
				      sizeof(c->default_affinity_scope));
		} else {
			ok = get_u64(&v, &x) && x <= UINT32_MAX;
			*dropped[i - 7] = (unsigned)x;
		}
		if (!ok)
			return bad_field(p, i + 1, keys[i]);
	}
	return 0;
}

static int parse_config_wq(struct parser *p, const struct wq_config *c,
			   struct wq_cfg_wq *w)
{
	size_t ncpu;
	uint64_t x;
	int yes, ret;

	if (!tok_is(&p->t[0], "wq"))
		return perr(p, "config: expected a 'wq' line");
	if (want_fields(p, 16))
		return -EINVAL;
	if (!get_name(&p->t[1], w->name, sizeof(w->name)) || !w->name[0])
		return bad_field(p, 1, "workqueue name");
	if (!get_wq_flags(&p->t[2], &w->flags))
		return bad_field(p, 2, "flags");
	if (!get_int(&p->t[3], 0, INT32_MAX, true, INT32_MAX, &w->max_active))
		return bad_field(p, 3, "max_active");
	if (!get_int(&p->t[4], 0, INT32_MAX, true, INT32_MAX,
		     &w->saved_max_active))
		return bad_field(p, 4, "saved_max");
	if (!get_int(&p->t[5], 0, INT32_MAX, true, WQ_CFG_NONE, &w->min_active))
		return bad_field(p, 5, "min");
	if (!get_int(&p->t[6], 0, INT32_MAX, false, 0, &w->active))
		return bad_field(p, 6, "active");
	if (!get_yes_no(&p->t[7], false, &yes))
		return bad_field(p, 7, "rescuer");
	w->rescuer = yes;
	if (!get_int(&p->t[8], -20, 19, true, WQ_CFG_NONE, &w->nice))
		return bad_field(p, 8, "nice");
	if (!get_name(&p->t[9], w->affinity_scope, sizeof(w->affinity_scope)))
		return bad_field(p, 9, "scope");
	if (!get_yes_no(&p->t[10], true, &w->affinity_strict))
		return bad_field(p, 10, "strict");
	if (!get_int(&p->t[11], 0, INT32_MAX, true, WQ_CFG_NONE,
		     &w->default_pool))
		return bad_field(p, 11, "dfl_pool");
	if (!get_u64(&p->t[12], &x) || x > UINT32_MAX)
		return bad_field(p, 12, "dropped");
	w->pwqs_dropped = (unsigned)x;
	if (!get_name(&p->t[13], w->cpus, sizeof(w->cpus)))
		return bad_field(p, 13, "cpus");
	ret = get_ids(&p->t[14], 0, &w->pools, &w->nr_pools);
	if (ret == -EINVAL)
		return bad_field(p, 14, "pools (ids, comma-separated)");
	if (!ret)
		ret = get_ids(&p->t[15], (size_t)c->nr_cpus, &w->cpu_pool,
			      &ncpu);
	if (ret == -EINVAL)
		return bad_field(p, 15, "cpu_pools (one pool id or - per CPU)");
	return ret;
}

static int parse_config_pool(struct parser *p, struct wq_cfg_pool *pool)
{
	int yes;

	if (!tok_is(&p->t[0], "pool"))
		return perr(p, "config: expected a 'pool' line");
	if (want_fields(p, 10))
		return -EINVAL;
	if (!get_int(&p->t[1], 0, INT32_MAX, false, 0, &pool->id))
		return bad_field(p, 1, "id");
	if (tok_is(&p->t[2], "u"))
		pool->cpu = -1;
	else if (!get_int(&p->t[2], 0, CFG_MAX_CPUS, false, 0, &pool->cpu))
		return bad_field(p, 2, "cpu");
	if (!get_int(&p->t[3], -1, INT32_MAX, false, 0, &pool->node))
		return bad_field(p, 3, "node");
	if (!get_int(&p->t[4], -20, 19, true, WQ_CFG_NONE, &pool->nice))
		return bad_field(p, 4, "nice");
	if (!get_yes_no(&p->t[5], false, &yes))
		return bad_field(p, 5, "bh");
	pool->bh = yes;
	if (!get_int(&p->t[6], 0, INT32_MAX, false, 0, &pool->workers))
		return bad_field(p, 6, "workers");
	if (!get_int(&p->t[7], 0, INT32_MAX, false, 0, &pool->idle))
		return bad_field(p, 7, "idle");
	if (!get_int(&p->t[8], 0, INT32_MAX, false, 0, &pool->running))
		return bad_field(p, 8, "running");
	if (!get_name(&p->t[9], pool->cpus, sizeof(pool->cpus)))
		return bad_field(p, 9, "cpus");
	return 0;
}

/* "config WORKQUEUES POOLS", then the system line and the rows. */
static int parse_config(struct parser *p, struct wq_config *c)
{
	uint64_t nw, np;
	size_t i;
	int ret;

	if (p->nt != 3 || !get_u64(&p->t[1], &nw) || !get_u64(&p->t[2], &np))
		return perr(p, "config: section line must be 'config "
			       "WORKQUEUES POOLS'");
	if (nw > CFG_MAX_WQS || np > CFG_MAX_POOLS)
		return perr(p, "config: more than %d workqueues or %d pools",
			    CFG_MAX_WQS, CFG_MAX_POOLS);
	ret = next_row(p, 0, 1);
	if (!ret)
		ret = parse_config_system(p, c);
	if (ret)
		return ret;
	c->wqs = calloc(nw ? nw : 1, sizeof(*c->wqs));
	c->pools = calloc(np ? np : 1, sizeof(*c->pools));
	if (!c->wqs || !c->pools)
		return -ENOMEM;
	for (i = 0; i < nw; i++) {
		ret = next_row(p, i, nw);
		c->nr_wqs++; /* freed with the rest from here on */
		if (!ret)
			ret = parse_config_wq(p, c, &c->wqs[i]);
		if (ret)
			return ret;
	}
	for (i = 0; i < np; i++) {
		ret = next_row(p, i, np);
		if (!ret)
			ret = parse_config_pool(p, &c->pools[i]);
		if (ret)
			return ret;
		c->nr_pools++;
	}
	return 0;
}

static int parse_body(struct parser *p, struct wq_snapshot *s)
{
	unsigned int seen = 0;
	int ret;

	for (;;) {
		uint64_t n;
		size_t i;
		char q[48];

		p->what = "section";
		ret = next_line(p, true);
		if (ret == 0)
			return perr(p, "truncated input: no 'end' line");
		if (ret < 0)
			return ret;
		if (p->nt == 1 && tok_is(&p->t[0], "end"))
			break;
		for (i = 0; i < NR_SECTIONS; i++)
			if (tok_is(&p->t[0], section_names[i]))
				break;
		if (i == NR_SECTIONS && (seen & WQ_TEXT_HISTOGRAMS) &&
		    tok_is(&p->t[0], "series"))
			return perr(p, "histograms: more series than the "
				       "section line says");
		if (i == NR_SECTIONS)
			return perr(p, "unknown section '%s'",
				    quote(q, sizeof(q), &p->t[0]));
		p->what = section_names[i];
		if ((1u << i & V3_SECTIONS) && p->version < WQ_TEXT_VERSION_V3)
			return perr(p,
				    "section '%s' is v%d's (the header says "
				    "v%d)",
				    p->what, WQ_TEXT_VERSION_V3, p->version);
		if (seen & (1u << i))
			return perr(p, "section '%s' appears twice", p->what);
		seen |= 1u << i;
		if (1u << i == WQ_TEXT_CONFIG) {
			struct wq_config mine = {0};

			ret = parse_config(p, p->cfg ? p->cfg : &mine);
			wq_config__free(&mine);
			if (ret)
				return ret;
			continue;
		}
		if (p->nt != 2 || !get_u64(&p->t[1], &n))
			return perr(p, "%s: section line must be '%s COUNT'",
				    p->what, p->what);
		switch (1u << i) {
		case WQ_TEXT_COUNTERS:
			ret = parse_counters(p, s, n);
			break;
		case WQ_TEXT_POOLS:
			ret = parse_pools(p, s, n);
			break;
		case WQ_TEXT_WORKQUEUES:
			ret = check_workqueues(p, n);
			break;
		case WQ_TEXT_FUNCTIONS:
			ret = check_functions(p, n);
			break;
		case WQ_TEXT_QUEUERS:
			ret = parse_queuers(p, s, n);
			break;
		default:
			ret = parse_histograms(p, s, n);
			break;
		}
		if (ret)
			return ret;
	}
	ret = next_line(p, true);
	if (ret > 0)
		return perr(p, "data after 'end'");
	return ret;
}

int wq_text__parse(struct wq_snapshot *s, const char *buf, size_t len,
		   char *err, size_t errlen)
{
	return wq_text__parse_config(s, NULL, buf, len, err, errlen);
}

int wq_text__parse_config(struct wq_snapshot *s, struct wq_config *cfg,
			  const char *buf, size_t len, char *err, size_t errlen)
{
	struct parser p = {.buf = buf,
			   .len = len,
			   .err = err,
			   .errlen = errlen,
			   .cfg = cfg};
	int ret;

	if (err && errlen)
		err[0] = '\0';
	wq_config__free(cfg);
	wq_snapshot__reset(s);
	ret = parse_header(&p, s);
	if (!ret)
		ret = parse_body(&p, s);
	if (ret == -ENOMEM && err && errlen)
		snprintf(err, errlen, "line %zu: out of memory", p.lineno);
	/* Never hand back half a snapshot. */
	if (ret) {
		wq_snapshot__reset(s);
		s->source[0] = '\0';
		wq_config__free(cfg);
	}
	return ret;
}

char *wq_text__read(FILE *f, size_t *len)
{
	size_t cap = 1 << 16, n = 0, got;
	char *buf = malloc(cap), *nb;

	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n < cap)
			continue;
		nb = realloc(buf, cap * 2);
		if (!nb) {
			free(buf);
			return NULL;
		}
		buf = nb;
		cap *= 2;
	}
	if (buf && ferror(f)) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	*len = n;
	return buf;
}
