// SPDX-License-Identifier: GPL-2.0
/*
 * wqtop's columns and the text of their cells: durations, counts, rates,
 * percentages, pool labels and tree branches.  (The table layer's files
 * are listed in table.h.)
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "internal.h"
#include "table.h"

bool wqtop_utf8;

const struct wqtop_column wqtop_columns[COL_NR] = {
	[COL_POOL] = { "POOL", "pool", 6, FMT_INT, "worker pool id (source: prefix when not the kernel)" },
	[COL_CPU] = { "CPU", "cpu", 3, FMT_INT, "CPU of a per-CPU pool, u for unbound" },
	[COL_NICE] = { "NI", "nice", 3, FMT_INT, "nice of the pool's workers" },
	[COL_FLAGS] = { "FL", "flags", 3, FMT_TEXT, "U unbound, H high priority, B softirq (BH)" },
	[COL_WORKERS] = { "WRK", "workers", 4, FMT_INT, "kworker threads in the pool" },
	[COL_IDLE] = { "IDLE", "idle", 4, FMT_INT, "of which idle" },
	[COL_RUNNING] = { "RUN", "running", 4, FMT_INT, "of which running a work item" },
	[COL_PENDING] = { "PEND", "pending", 6, FMT_COUNT, "items queued, not started yet" },
	[COL_OLDEST] = { "OLDEST", "oldest", 7, FMT_NS, "age of the oldest pending item" },
	[COL_WORKQUEUE] = { "WORKQUEUE", "workqueue", 14, FMT_TEXT, "workqueue name" },
	[COL_FUNCTION] = { "FUNCTION", "function", 18, FMT_TEXT, "work function" },
	[COL_RATE] = { "QUEUED/s", "rate", 8, FMT_RATE, "items queued per second in the interval (rate/s in wqctl and the dashboard)" },
	[COL_QUEUED] = { "QUEUED", "queued", 7, FMT_COUNT, "items queued in the interval (not since start)" },
	[COL_COMPLETED] = { "DONE", "completed", 7, FMT_COUNT, "items completed in the interval" },
	[COL_CANCELLED] = { "CANCEL", "cancelled", 6, FMT_COUNT, "items cancelled in the interval" },
	[COL_LAT_P50] = { "LAT50", "lat_p50", 7, FMT_NS, "latency (queued to started), median" },
	[COL_LAT_P99] = { "LAT99", "lat_p99", 7, FMT_NS, "latency, 99th percentile" },
	[COL_LAT_MAX] = { "LATMAX", "lat_max", 7, FMT_NS, "latency, maximum" },
	[COL_RUN_P50] = { "RUN50", "run_p50", 7, FMT_NS, "run time (wall), median" },
	[COL_RUN_P99] = { "RUN99", "run_p99", 7, FMT_NS, "run time, 99th percentile" },
	[COL_RUN_MAX] = { "RUNMAX", "run_max", 7, FMT_NS, "run time, maximum" },
	[COL_CPU_PCT] = { "CPU%", "cpu_pct", 6, FMT_PCT, "on-CPU time, % of one CPU" },
	[COL_TID] = { "TID", "tid", 7, FMT_INT, "kworker thread id" },
	[COL_STATE] = { "S", "state", 1, FMT_TEXT, "thread state: I idle, R running, D blocked" },
	[COL_CPU_TIME] = { "TIME", "time", 7, FMT_NS, "on-CPU time since the thread started" },
	[COL_COMM] = { "COMMAND", "comm", 16, FMT_TEXT, "kworker name (+wq: running, -wq: last ran)" },
	[COL_KIND] = { "KIND", "kind", 8, FMT_TEXT, "stall kind (wqmond's detector): pending, running, cpu_hog, starved, kernel" },
	[COL_AGE] = { "AGE", "age", 7, FMT_NS, "how long the stall has lasted" },
	[COL_LIMIT] = { "OVER", "threshold", 7, FMT_NS, "the threshold it passed (wqmond's [stalls] rules)" },
	[COL_WHAT] = { "WHAT", "what", 16, FMT_TEXT, "the work involved" },
	[COL_WQFLAGS] = { "FLAGS", "wq_flags", 12, FMT_TEXT, "workqueue flags: unbound, highpri, mem_reclaim, ordered, bh..." },
	[COL_MAX_ACTIVE] = { "MAX", "max_active", 5, FMT_INT, "max_active in force (- for none: BH)" },
	[COL_ACTIVE] = { "ACTIVE", "active", 6, FMT_INT, "items counted against max_active now" },
	[COL_CPUS] = { "CPUS", "cpus", 5, FMT_TEXT, "an unbound workqueue's cpumask" },
	[COL_SCOPE] = { "SCOPE", "scope", 7, FMT_TEXT, "an unbound workqueue's affinity scope (+ strict)" },
	[COL_POOLS] = { "POOLS", "pools", 5, FMT_TEXT, "the pools it queues to" },
	[COL_CONTEXT] = { "CONTEXT", "context", 7, FMT_TEXT, "where the work was queued from: task, softirq, hardirq, nmi (other: the rest, folded)" },
	[COL_QCOMM] = { "COMM", "queuer", 15, FMT_TEXT, "the task that queued the work (empty for interrupts)" },
	[COL_TGID] = { "TGID", "tgid", 7, FMT_INT, "its process: the last one seen under that name" },
	[COL_CGROUP] = { "CGROUP", "cgroup", 12, FMT_TEXT, "its cgroup v2 path (a container, a systemd service)" },
	[COL_WAIT_AVG] = { "WAITAVG", "wait_avg", 7, FMT_NS, "average wait of its items, queued to started, in the interval" },
	[COL_KCPU_PCT] = { "KWCPU%", "kworker_cpu", 6, FMT_PCT, "kworker on-CPU time running its items, % of one CPU: charged back to the queuer" },
};

const char *wqtop_row__text(const struct wqtop_row *r, enum wqtop_col c)
{
	switch (c) {
	case COL_WORKQUEUE:
		return r->wq;
	case COL_FUNCTION:
		return r->group ? r->wq : r->func;
	case COL_FLAGS:
	case COL_STATE:
	case COL_KIND:
	case COL_SCOPE:
		return r->extra;
	case COL_CPUS:
		return r->cpus;
	case COL_POOLS:
		return r->pools;
	case COL_CONTEXT:
		return r->extra;
	case COL_CGROUP:
		return r->cgroup;
	default:
		return r->text;
	}
}

int wqtop_col__from_name(const char *name)
{
	int c;

	for (c = 0; c < COL_NR; c++)
		if (!strcasecmp(name, wqtop_columns[c].name) ||
		    !strcasecmp(name, wqtop_columns[c].title))
			return c;
	/* wqctl's names for the same columns. */
	if (!strcmp(name, "cpu"))
		return COL_CPU_PCT;
	if (!strcmp(name, "name"))
		return COL_WORKQUEUE;
	return -EINVAL;
}

void wqtop_fmt__ns(double ns, char *buf, size_t len)
{
	if (isnan(ns))
		snprintf(buf, len, "-");
	else if (ns < 1e3)
		snprintf(buf, len, "%.0fns", ns);
	else if (ns < 1e4)
		snprintf(buf, len, "%.2fus", ns / 1e3);
	else if (ns < 1e5)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else if (ns < 1e6)
		snprintf(buf, len, "%.0fus", ns / 1e3);
	else if (ns < 1e7)
		snprintf(buf, len, "%.2fms", ns / 1e6);
	else if (ns < 1e8)
		snprintf(buf, len, "%.1fms", ns / 1e6);
	else if (ns < 1e9)
		snprintf(buf, len, "%.0fms", ns / 1e6);
	else if (ns < 1e11)
		snprintf(buf, len, "%.2fs", ns / 1e9);
	else if (ns < 1e5 * 1e9)
		snprintf(buf, len, "%.0fs", ns / 1e9);
	else
		snprintf(buf, len, "%.0fh", ns / 3600e9);
}

void wqtop_slow__line(const struct wq_slow *r, char *buf, size_t len)
{
	uint64_t real = wq_slow__real(r, r->ended_ns);
	char at[16] = "-", lat[16], run[16], cpu[16], who[48] = "-";
	time_t t = (time_t)(real / 1000000000ULL);
	struct tm tm;

	if (real && localtime_r(&t, &tm))
		snprintf(at, sizeof(at), "%02d:%02d:%02d.%03u", tm.tm_hour,
			 tm.tm_min, tm.tm_sec,
			 (unsigned int)(real % 1000000000ULL / 1000000));
	wqtop_fmt__ns(wq_slow__latency_known(r) ?
		      (double)wq_slow__latency_ns(r) : NAN, lat, sizeof(lat));
	wqtop_fmt__ns((double)wq_slow__run_ns(r), run, sizeof(run));
	wqtop_fmt__ns((double)r->cpu_ns, cpu, sizeof(cpu));
	/* Slot 0: who queued it is not known. */
	if (r->queuer && r->ctx == WQ_QCTX_TASK)
		snprintf(who, sizeof(who), "%s/%d", r->comm, r->tgid);
	else if (r->queuer)
		snprintf(who, sizeof(who), "%s",
			 wq_qctx__name(r->ctx) ?: "other");
	snprintf(buf, len, "%-12s lat %-8s run %-8s on-CPU %-8s by %s", at,
		 lat, run, cpu, who);
}

void wqtop_slow__title(const struct wqtop_data *d, char *buf, size_t len)
{
	char min[32], drop[48] = "";

	switch (d->slow_state) {
	case WQTOP_SLOW_LOCAL:
		snprintf(buf, len, "slow items: attach to wqmond (-s daemon)");
		break;
	case WQTOP_SLOW_PENDING:
		/* A pool's row: records are by workqueue and function. */
		snprintf(buf, len, "%s", d->slow_wq[0] || d->slow_fn[0] ?
			 (d->slow_min_ns ? "slow items: reading the probes" :
			  "slow items: asking wqmond") :
			 "slow items: of a workqueue or a function only");
		break;
	case WQTOP_SLOW_OFF:
		snprintf(buf, len,
			 "slow items: off in wqmond ([slow] in wqmond.conf)");
		break;
	case WQTOP_SLOW_ERROR:
		snprintf(buf, len, "slow items: no answer from wqmond");
		break;
	case WQTOP_SLOW_LOCAL_OFF:
		snprintf(buf, len, "slow items: off (wqtop --slow 100ms)");
		break;
	default:
		if (!d->slow_min_ns) {
			snprintf(buf, len, d->nr_slow ?
				 "slow items, newest first:" :
				 "slow items: none kept by wqmond");
			break;
		}
		/* In-process: say the threshold, and what the probes'
		 * rate bound dropped (those were never seen here). */
		wqtop_fmt__ns((double)d->slow_min_ns, min, sizeof(min));
		if (d->slow_dropped)
			snprintf(drop, sizeof(drop), ", %llu dropped",
				 (unsigned long long)d->slow_dropped);
		snprintf(buf, len, d->nr_slow ?
			 "slow items (over %s%s), newest first:" :
			 "slow items: none yet (over %s%s)", min, drop);
	}
}

void wqtop_fmt__count(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (v < 1e6)
		snprintf(buf, len, "%.0f", v);
	else if (v < 1e9)
		snprintf(buf, len, "%.1fM", v / 1e6);
	else
		snprintf(buf, len, "%.1fG", v / 1e9);
}

static void fmt_rate(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (v < 100)
		snprintf(buf, len, "%.1f", v);
	else if (v < 1e7)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.1fM", v / 1e6);
}

void wqtop_cell__format(const struct wqtop_row *r, enum wqtop_col c,
			char *buf, size_t len)
{
	double v = r->v[c];

	switch (c) {
	case COL_POOL:
		if (isnan(v) || v < 0)
			snprintf(buf, len, "-");
		else
			snprintf(buf, len, "%s%.0f", r->label, v);
		return;
	case COL_CPU:
		if (isnan(v))
			snprintf(buf, len, "-");
		else if (v < 0)
			snprintf(buf, len, "u");
		else
			snprintf(buf, len, "%.0f", v);
		return;
	case COL_FUNCTION:
		/* A heading names its source as its rows do ("demo:events"):
		 * the kernel's "events" and a refwq instance's are two. */
		if (r->group)
			snprintf(buf, len, "%s%s", r->label, r->wq);
		else if (r->level)
			snprintf(buf, len, "%s%s",
				 !wqtop_utf8 ? (r->level == 2 ? " `- " : " |- ") :
				 r->level == 2 ? " \u2514\u2500 " :
						 " \u251c\u2500 ",
				 r->func);
		else
			snprintf(buf, len, "%s", r->func);
		return;
	case COL_WORKQUEUE:
		snprintf(buf, len, "%s%s", r->wq[0] ? r->label : "", r->wq);
		return;
	case COL_CONTEXT:
		/* "demo:task": a refwq instance's queuers, not the kernel's. */
		snprintf(buf, len, "%s%s", r->label, r->extra);
		return;
	default:
		break;
	}
	switch (wqtop_columns[c].fmt) {
	case FMT_TEXT:
		snprintf(buf, len, "%s", wqtop_row__text(r, c));
		return;
	case FMT_INT:
		if (isnan(v) || (c == COL_TID && v < 0))
			snprintf(buf, len, "-");
		else
			snprintf(buf, len, "%.0f", v);
		return;
	case FMT_COUNT:
		wqtop_fmt__count(v, buf, len);
		return;
	case FMT_RATE:
		fmt_rate(v, buf, len);
		return;
	case FMT_NS:
		wqtop_fmt__ns(v, buf, len);
		return;
	case FMT_PCT:
		if (isnan(v))
			snprintf(buf, len, "-");
		else
			snprintf(buf, len, "%.1f", v);
		return;
	}
}

void wqtop_cell__fit(char *cell, size_t len, int w)
{
	if (w < 1 || (size_t)w >= len || (int)strlen(cell) <= w)
		return;
	if (wqtop_utf8 && (size_t)w + 3 <= len) {	/* 3 bytes, 1 column */
		cell[w - 1] = '\0';
		strcat(cell, "\u2026");
	} else {
		cell[w - 1] = '~';
		cell[w] = '\0';
	}
}
