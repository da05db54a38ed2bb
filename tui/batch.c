// SPDX-License-Identifier: GPL-2.0
/*
 * wqtop -b: a view as text frames, like top -b: a header, the meters
 * line, then every row.  (The table layer's files are listed in table.h.)
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "table.h"

static void source_names(const struct wqtop_data *d, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < d->nr_src && off + 1 < len; i++) {
		off += snprintf(buf + off, len - off, "%s%s", i ? "," : "",
				d->src[i].name);
		if (off >= len)
			off = len - 1;
	}
}

void wqtop_meters__line(const struct wqtop_data *d, char *buf, size_t len)
{
	struct wqtop_meters m;
	char lat[16];

	wqtop_data__meters(d, &m);
	wqtop_fmt__ns(m.lat_p99_ns, lat, sizeof(lat));
	if (!m.valid)
		snprintf(buf, len, "Queued: - /s  Lat p99: -  kworker CPU: -  "
			 "Pending: %llu  Stalls: %d",
			 (unsigned long long)m.pending, m.stalls);
	else
		snprintf(buf, len, "Queued: %.1f/s  Lat p99: %s  kworker CPU: "
			 "%.1f%%  Pending: %llu  Stalls: %d", m.queued_per_s,
			 lat, m.cpu_pct, (unsigned long long)m.pending,
			 m.stalls);
}

/* The sources that measure 1 item in 2 or more: how many, and the
 * smallest and largest N. */
static size_t sampled(const struct wqtop_data *d, uint32_t *lo, uint32_t *hi)
{
	size_t i, nr = 0;
	uint32_t n;

	*lo = *hi = 0;
	for (i = 0; i < d->nr_src; i++) {
		n = wqtop_data__sample_every(d, (int)i);
		if (n == 1)
			continue;
		if (!*lo || n < *lo)
			*lo = n;
		if (n > *hi)
			*hi = n;
		nr++;
	}
	return nr;
}

void wqtop_sampling__line(const struct wqtop_data *d, bool brief, char *buf,
			  size_t len)
{
	uint32_t lo, hi;
	size_t nr = sampled(d, &lo, &hi), i;
	bool first = true;
	char n[32];
	int off;

	buf[0] = '\0';
	if (!nr)
		return;
	if (lo == hi)
		snprintf(n, sizeof(n), "%u", hi);
	else
		snprintf(n, sizeof(n), "%u-%u", lo, hi);
	off = snprintf(buf, len, brief ? "sampled 1 in %s" :
		       "sampled: durations of 1 in %s items (scaled)", n);
	if (brief || nr == d->nr_src)
		return;
	/* Some sources measure every item: name those that do not. */
	for (i = 0; i < d->nr_src && off >= 0 && (size_t)off < len; i++) {
		if (wqtop_data__sample_every(d, (int)i) == 1)
			continue;
		off += snprintf(buf + off, len - off, "%s%s",
				first ? " in " : ",", d->src[i].name);
		first = false;
	}
}

/* Under a stall's row, what its workers were doing, indented. */
static void stack_lines(FILE *f, const struct wqtop_data *d,
			const struct wqtop_row *r, int cols)
{
	const struct wq_stall *x = wqtop_data__stall(d, r->stall_id);
	char line[32][WQTOP_STACK_COLS];
	int i, n;

	if (!x || !x->stack[0])
		return;
	n = wqtop_stack__wrap(x->stack, cols - 4, line, 32);
	for (i = 0; i < n; i++)
		fprintf(f, "    %s\n", line[i]);
}

int wqtop_batch__frame(FILE *f, const struct wqtop_data *d,
		       enum wqtop_view_id view,
		       const struct wqtop_table_opts *o, const char *source,
		       double delay_s, int cols)
{
	struct wqtop_rows rows = { 0 };
	enum wqtop_col col[COL_NR];
	int width[COL_NR], n, err;
	char line[1024], names[256], ts[16];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;

	err = wqtop_table__build(d, view, o, &rows);
	if (err)
		goto out;
	localtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	source_names(d, names, sizeof(names));
	/* The sampling label ends the first line, like the field it comes
	 * from ends a text view's header: parsers of the rest are unmoved. */
	wqtop_sampling__line(d, false, line, sizeof(line));
	fprintf(f, "wqtop %s - %s  source: %s (%s)  delay: %.1fs  "
		"refresh: %lu%s%s\n", WQMON_VERSION, ts, source, names, delay_s,
		d->refreshes, line[0] ? "  " : "", line);
	wqtop_meters__line(d, line, sizeof(line));
	fprintf(f, "%s\n", line);
	fprintf(f, "View: %s  sort: %s %s%s%s  rows: %zu\n\n",
		wqtop_view__title(d, view, false), wqtop_columns[o->sort].name,
		(wqtop_col__ascending(o->sort) != o->reverse) ? "asc" : "desc",
		o->filter && o->filter[0] ? "  filter: " : "",
		o->filter && o->filter[0] ? o->filter : "", rows.nr);
	if (view == VIEW_CONFIG) {
		if (d->have_config)
			fprintf(f, "Workqueue cpumask: requested %s, effective "
				"%s, isolated %s\n\n",
				d->config.cpumask_requested[0] ?
				d->config.cpumask_requested : "-",
				d->config.cpumask_effective[0] ?
				d->config.cpumask_effective : "-",
				d->config.cpumask_isolated[0] ?
				d->config.cpumask_isolated : "-");
		else
			fprintf(f, "No workqueue configuration: %s\n\n",
				d->config_error[0] ? d->config_error :
				"not read yet");
	}
	if (view == VIEW_KWORKERS && !d->kw)
		fprintf(f, "By pool: attached, there are no threads to list (the "
			"daemon serves none); a row per pool, TIME its workers' "
			"on-CPU time since the probes attached\n\n");
	if (view == VIEW_QUEUERS)
		fprintf(f, "Queuers: who queued the work of the last interval, "
			"every workqueue merged; the top %d by %s, the rest "
			"one row \"other\"\n\n", WQTOP_QUEUERS_TOP,
			o->sort == COL_RATE ? "items queued" :
					      "kworker CPU charged");
	if (view == VIEW_STALLS) {
		wqtop_data__stall_rules(d, names, sizeof(names));
		fprintf(f, "Stalls from %s: %s\n\n", d->stalls_from_daemon ?
			"wqmond (/api/v1/stalls)" : "the detector in wqtop",
			names);
	}
	n = wqtop_table__layout(view, cols, &rows, col, width, COL_NR);
	wqtop_table__line(NULL, col, width, n, line, sizeof(line));
	fprintf(f, "%s\n", line);
	for (i = 0; i < rows.nr; i++) {
		wqtop_table__line(&rows.row[i], col, width, n, line,
				  sizeof(line));
		fprintf(f, "%s\n", line);
		stack_lines(f, d, &rows.row[i], cols);
	}
	fputc('\n', f);
	err = fflush(f) ? -errno : 0;
out:
	wqtop_rows__free(&rows);
	return err;
}
