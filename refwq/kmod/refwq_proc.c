// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/workqueues: refwq's instrumentation in wqmon's text view
 * (docs/FORMAT.md, "wqmon-workqueues v2"), byte for byte what lib/core/text.c
 * renders for the same snapshot with default options (by name, every
 * section, every row), so `wqctl cat /proc/workqueues` gives the file back
 * unchanged.  Integer math only, as the format was designed for.
 */
#include <linux/kernel.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>

#include <refwq/refwq.h>

#include "refwq_kmod.h"
#include "textfmt.h"

#define FUNC_LEN 64 /* lib/core/model.h WQ_FUNC_LEN */
#define NUM 32

struct row {
	struct refwq_series_info si;
	char func[FUNC_LEN];
};

struct view {
	struct refwq_pool_info *pools;
	int nr_pools, cap_pools;
	struct row *rows;
	int nr_rows, cap_rows;
	struct row **canon; /* (workqueue, function, pool) */
	struct row **byfn; /* (function, workqueue, pool) */
};

/* ---- numbers, as lib/core/text.c and lib/core/hist.c compute them ---- */

/* @a * @b / @c with a 128-bit product: the kernel has no 128-bit division,
 * so long division when the product does not fit 64 bits. */
static u64 mul_div(u64 a, u64 b, u64 c)
{
	unsigned __int128 p = (unsigned __int128)a * b, r = 0;
	u64 q = 0;
	int i;

	if (!(p >> 64))
		return div64_u64((u64)p, c);
	for (i = 127; i >= 0; i--) {
		r = (r << 1) | ((p >> i) & 1);
		if (r >= c) {
			r -= c;
			if (i < 64)
				q |= 1ULL << i;
		}
	}
	return q;
}

static u64 hist_count(const u64 *slot)
{
	u64 n = 0;
	int i;

	for (i = 0; i < REFWQ_HIST_SLOTS; i++)
		if (check_add_overflow(n, slot[i], &n))
			return U64_MAX;
	return n;
}

/* wq_hist__quantile(): the rank ceil(count * num / den), interpolated
 * linearly inside its slot, capped by the recorded maximum. */
static u64 quantile(const u64 *slot, u64 num, u64 den, u64 max_ns)
{
	u64 count = hist_count(slot), target, before = 0, lo, hi, v;
	unsigned int i;

	if (!count)
		return 0;
	target = count / den * num + DIV_ROUND_UP_ULL(count % den * num, den);
	if (target < 1)
		target = 1;
	for (i = 0; i < REFWQ_HIST_SLOTS - 1; i++) {
		if (slot[i] >= target - before)
			break;
		before += slot[i];
	}
	lo = i ? 1ULL << i : 0;
	hi = i < REFWQ_HIST_SLOTS - 1 ? 1ULL << (i + 1) : U64_MAX;
	if (i == REFWQ_HIST_SLOTS - 1)
		hi = max_ns > lo ? max_ns : 1ULL << REFWQ_HIST_SLOTS;
	v = lo + mul_div(hi - lo, target - before, slot[i]);
	if (max_ns && v > max_ns)
		v = max_ns;
	return v;
}

static const char *fmt_us(char *buf, u64 ns)
{
	snprintf(buf, NUM, WQ_TEXTFMT_US, ns / 1000, ns % 1000);
	return buf;
}

static const char *fmt_pct(char *buf, const struct refwq_series_info *s, int k,
			   u64 num)
{
	if (!hist_count(s->hist[k]))
		return "-";
	return fmt_us(buf, quantile(s->hist[k], num, 100, s->max_ns[k]));
}


/* ---- the snapshot ---- */

static int add_pool(const struct refwq_pool_info *pi, void *ctx)
{
	struct view *v = ctx;

	if (v->nr_pools == v->cap_pools)
		return -ENOSPC;
	v->pools[v->nr_pools++] = *pi;
	return 0;
}

static int count_series(const struct refwq_series_info *si, void *ctx)
{
	(*(int *)ctx)++;
	return 0;
}

/* The symbol of a work function, without the " [module]" %ps appends. */
static void func_name(const void *func, char *buf)
{
	char *sp;

	if (!func) {
		strscpy(buf, "(other)", FUNC_LEN);
		return;
	}
	snprintf(buf, FUNC_LEN, "%ps", func);
	sp = strchr(buf, ' ');
	if (sp)
		*sp = '\0';
}

static int add_series(const struct refwq_series_info *si, void *ctx)
{
	struct view *v = ctx;
	struct row *r;

	if (v->nr_rows == v->cap_rows)
		return -ENOSPC;
	r = &v->rows[v->nr_rows++];
	r->si = *si;
	func_name(si->func, r->func);
	return 0;
}

static int cmp_canon(const struct row *a, const struct row *b)
{
	int c = strncmp(a->si.wq_name, b->si.wq_name, REFWQ_NAME_LEN);

	if (!c)
		c = strncmp(a->func, b->func, FUNC_LEN);
	if (!c && a->si.pool_id != b->si.pool_id)
		c = a->si.pool_id < b->si.pool_id ? -1 : 1;
	if (!c)
		c = (a > b) - (a < b);
	return c;
}

static int cmp_canon_ptr(const void *a, const void *b)
{
	return cmp_canon(*(struct row *const *)a, *(struct row *const *)b);
}

static int cmp_fn_ptr(const void *a, const void *b)
{
	const struct row *x = *(struct row *const *)a;
	const struct row *y = *(struct row *const *)b;
	int c = strncmp(x->func, y->func, FUNC_LEN);

	return c ? c : cmp_canon(x, y);
}

static int cmp_pool(const void *a, const void *b)
{
	const struct refwq_pool_info *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static void view_free(struct view *v)
{
	kvfree(v->pools);
	kvfree(v->rows);
	kvfree(v->canon);
	kvfree(v->byfn);
	memset(v, 0, sizeof(*v));
}

static int view_take(struct view *v)
{
	int i, n = 0, err;

	v->cap_pools = 2 * refwq_nr_cpus() + 2;
	v->pools = kvcalloc(v->cap_pools, sizeof(*v->pools), GFP_KERNEL);
	if (!v->pools)
		return -ENOMEM;
	err = refwq_for_each_pool(add_pool, v);
	if (err)
		return err;
	sort(v->pools, v->nr_pools, sizeof(*v->pools), cmp_pool, NULL);

	/* Series only appear: a margin covers those born between walks. */
	refwq_for_each_series(count_series, &n);
	v->cap_rows = n + 16;
	v->rows = kvcalloc(v->cap_rows, sizeof(*v->rows), GFP_KERNEL);
	v->canon = kvcalloc(v->cap_rows, sizeof(*v->canon), GFP_KERNEL);
	v->byfn = kvcalloc(v->cap_rows, sizeof(*v->byfn), GFP_KERNEL);
	if (!v->rows || !v->canon || !v->byfn)
		return -ENOMEM;
	err = refwq_for_each_series(add_series, v);
	if (err)
		return err;
	for (i = 0; i < v->nr_rows; i++)
		v->canon[i] = v->byfn[i] = &v->rows[i];
	sort(v->canon, v->nr_rows, sizeof(*v->canon), cmp_canon_ptr, NULL);
	sort(v->byfn, v->nr_rows, sizeof(*v->byfn), cmp_fn_ptr, NULL);
	return 0;
}

/* ---- rendering ---- */

static void show_header(struct seq_file *m)
{
	u64 real = ktime_get_real_ns(), mono = ktime_get_ns();
	char kern[4 * __NEW_UTS_LEN + 1];
	struct tm tm;

	time64_to_tm(div_u64(real, NSEC_PER_SEC), 0, &tm);
	seq_printf(m,
		   "wqmon-workqueues v%d source=%s kernel=%s "
		   "time=%04ld-%02d-%02dT%02d:%02d:%02d.%09uZ mono_ns=%llu "
		   "interval_us=0.000\n",
		   WQ_TEXTFMT_VERSION, REFWQ_KMOD_SOURCE,
		   wq_textfmt__esc(kern, utsname()->release, sizeof(utsname()->release)),
		   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		   tm.tm_min, tm.tm_sec, (unsigned int)(real % NSEC_PER_SEC),
		   mono);
}

static void show_counters(struct seq_file *m)
{
	int i;

	/* refwq tracks every item itself: nothing is ever dropped. */
	seq_printf(m, "\ncounters %d\n", WQ_TEXTFMT_NR_COUNTERS);
	for (i = 0; i < WQ_TEXTFMT_NR_COUNTERS; i++)
		seq_printf(m, "%-18s %llu\n", wq_textfmt__counter(i), 0ULL);
}

static void show_pools(struct seq_file *m, const struct view *v)
{
	char cpu[NUM], fl[NUM], old[NUM], us[NUM];
	int i;

	seq_printf(m, "\npools %d\n", v->nr_pools);
	seq_printf(m, "#%7s %4s %5s %-8s %7s %6s %7s %10s %14s %14s\n", "id",
		   "cpu", "nice", "flags", "workers", "idle", "running",
		   "pending", "oldest_us", "cpu_us");
	for (i = 0; i < v->nr_pools; i++) {
		const struct refwq_pool_info *p = &v->pools[i];
		char *f = fl;

		if (p->cpu == -1)
			strscpy(cpu, "u", sizeof(cpu));
		else
			snprintf(cpu, sizeof(cpu), "%d", p->cpu);
		if (p->flags & REFWQ_POOL_UNBOUND)
			*f++ = 'U';
		if (p->flags & REFWQ_POOL_HIGHPRI)
			*f++ = 'H';
		if (f == fl)
			*f++ = '-';
		*f = '\0';
		seq_printf(m, "%8d %4s %5d %-8s %7d %6d %7d %10llu %14s %14s\n",
			   p->id, cpu, p->nice, fl, p->workers, p->idle,
			   p->running, p->pending,
			   fmt_us(old, p->oldest_pending_ns),
			   fmt_us(us, p->cpu_ns));
	}
}

#define STATS_HEADER_FMT " %9s %11s %11s %11s %11s %11s %11s %14s\n"
#define STATS_HEADER_ARGS                                                      \
	"rate/s", "lat_p50_us", "lat_p99_us", "lat_max_us", "run_p50_us",      \
		"run_p99_us", "run_max_us", "cpu_us"

/* A cumulative view: rate is "-". */
static void show_stats(struct seq_file *m, const struct refwq_series_info *s)
{
	char b[7][NUM];

	seq_printf(m, STATS_HEADER_FMT, "-", fmt_pct(b[0], s, REFWQ_H_LAT, 50),
		   fmt_pct(b[1], s, REFWQ_H_LAT, 99),
		   fmt_us(b[2], s->max_ns[REFWQ_H_LAT]),
		   fmt_pct(b[3], s, REFWQ_H_RUN, 50),
		   fmt_pct(b[4], s, REFWQ_H_RUN, 99),
		   fmt_us(b[5], s->max_ns[REFWQ_H_RUN]),
		   fmt_us(b[6], s->sum_ns[REFWQ_H_CPU]));
}

static void series_add(struct refwq_series_info *d,
		       const struct refwq_series_info *s)
{
	int k, i;

	d->queued += s->queued;
	d->activated += s->activated;
	d->started += s->started;
	d->completed += s->completed;
	d->cancelled += s->cancelled;
	for (k = 0; k < REFWQ_H_NR; k++) {
		d->sum_ns[k] += s->sum_ns[k];
		d->max_ns[k] = max(d->max_ns[k], s->max_ns[k]);
		for (i = 0; i < REFWQ_HIST_SLOTS; i++)
			d->hist[k][i] += s->hist[k][i];
	}
}

static int show_workqueues(struct seq_file *m, const struct view *v)
{
	char name[4 * REFWQ_NAME_LEN + 1];
	struct refwq_series_info *agg;
	int i, n = 0;

	for (i = 0; i < v->nr_rows; i++)
		n += !i || strncmp(v->canon[i - 1]->si.wq_name,
				   v->canon[i]->si.wq_name, REFWQ_NAME_LEN);
	seq_printf(m, "\nworkqueues %d\n# by name, ascending\n", n);
	seq_printf(m, "%-24s %10s %10s %10s" STATS_HEADER_FMT, "# workqueue",
		   "queued", "started", "completed", STATS_HEADER_ARGS);
	agg = kzalloc(sizeof(*agg), GFP_KERNEL);
	if (!agg)
		return -ENOMEM;
	for (i = 0; i < v->nr_rows; i++) {
		series_add(agg, &v->canon[i]->si);
		if (i + 1 < v->nr_rows &&
		    !strncmp(v->canon[i + 1]->si.wq_name,
			     v->canon[i]->si.wq_name, REFWQ_NAME_LEN))
			continue;
		seq_printf(m, "%-24s %10llu %10llu %10llu",
			   wq_textfmt__esc(name, v->canon[i]->si.wq_name, REFWQ_NAME_LEN),
			   agg->queued, agg->started, agg->completed);
		show_stats(m, agg);
		memset(agg, 0, sizeof(*agg));
	}
	kfree(agg);
	return 0;
}

static void show_functions(struct seq_file *m, const struct view *v)
{
	char fn[4 * FUNC_LEN + 1], wq[4 * REFWQ_NAME_LEN + 1];
	int i;

	seq_printf(m, "\nfunctions %d\n# by name, ascending\n", v->nr_rows);
	seq_printf(m, "%-32s %-24s %6s %10s %10s %10s %9s" STATS_HEADER_FMT,
		   "# function", "workqueue", "pool", "queued", "started",
		   "completed", "cancelled", STATS_HEADER_ARGS);
	for (i = 0; i < v->nr_rows; i++) {
		const struct row *r = v->byfn[i];

		seq_printf(m, "%-32s %-24s %6d %10llu %10llu %10llu %9llu",
			   wq_textfmt__esc(fn, r->func, FUNC_LEN),
			   wq_textfmt__esc(wq, r->si.wq_name, REFWQ_NAME_LEN),
			   r->si.pool_id, r->si.queued, r->si.started,
			   r->si.completed, r->si.cancelled);
		show_stats(m, &r->si);
	}
}

static void show_histograms(struct seq_file *m, const struct view *v)
{
	char fn[4 * FUNC_LEN + 1], wq[4 * REFWQ_NAME_LEN + 1];
	char sum[NUM], max[NUM];
	int i, k, j;

	seq_printf(m, "\nhistograms %d\n", v->nr_rows);
	seq_puts(m, "# series POOL WORKQUEUE FUNCTION queued= activated= "
		    "started= completed= cancelled=\n"
		    "#   KIND sum_us= max_us= SLOT:COUNT... (slot i counts "
		    "[2^i, 2^(i+1)) ns)\n");
	for (i = 0; i < v->nr_rows; i++) {
		const struct row *r = v->canon[i];
		const struct refwq_series_info *s = &r->si;

		seq_printf(m,
			   "series %d %s %s queued=%llu activated=%llu "
			   "started=%llu completed=%llu cancelled=%llu\n",
			   s->pool_id, wq_textfmt__esc(wq, s->wq_name, REFWQ_NAME_LEN),
			   wq_textfmt__esc(fn, r->func, FUNC_LEN), s->queued, s->activated,
			   s->started, s->completed, s->cancelled);
		for (k = 0; k < REFWQ_H_NR; k++) {
			seq_printf(m, "  %s sum_us=%s max_us=%s",
				   wq_textfmt__hkind(k), fmt_us(sum, s->sum_ns[k]),
				   fmt_us(max, s->max_ns[k]));
			for (j = 0; j < REFWQ_HIST_SLOTS; j++)
				if (s->hist[k][j])
					seq_printf(m, " %d:%llu", j,
						   s->hist[k][j]);
			seq_putc(m, '\n');
		}
	}
}

static int workqueues_show(struct seq_file *m, void *unused)
{
	struct view v = {};
	int err = view_take(&v);

	if (!err) {
		show_header(m);
		show_counters(m);
		show_pools(m, &v);
		err = show_workqueues(m, &v);
	}
	if (!err) {
		show_functions(m, &v);
		show_histograms(m, &v);
		seq_puts(m, "\nend\n");
	}
	view_free(&v);
	return err;
}

static struct proc_dir_entry *proc_entry;

int refwq_proc_init(void)
{
	proc_entry =
		proc_create_single("workqueues", 0444, NULL, workqueues_show);
	return proc_entry ? 0 : -ENOMEM;
}

void refwq_proc_exit(void)
{
	proc_remove(proc_entry);
}
