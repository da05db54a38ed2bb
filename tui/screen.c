// SPDX-License-Identifier: GPL-2.0
/*
 * wqtop's screens: header meters, view tabs, the table, the F-key footer,
 * and the help, detail and sort-chooser panels.  All drawing is here; the
 * numbers come from the table layer (table.h), the terminal from crt.c.
 */
#include <math.h>
#include <ncurses.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "crt.h"
#include "hist.h"
#include "keys.h"
#include "ui.h"

static void put(int y, int x, int attr, const char *s)
{
	if (y < 0 || y >= LINES || x >= COLS)
		return;
	attrset(attr);
	mvaddnstr(y, x, s, COLS - x);
	attrset(A_NORMAL);
}

static void fill_line(int y, int attr)
{
	attrset(attr);
	mvhline(y, 0, ' ', COLS);
	attrset(A_NORMAL);
}

/* An htop-style meter: "Label[|||||     value]". */
static void meter(int y, int x, int w, const char *label, double frac,
		  const char *value, int vattr)
{
	int inner = w - (int)strlen(label) - 2, bars, i, vlen;

	if (inner < (int)strlen(value) + 1)
		inner = (int)strlen(value) + 1;
	put(y, x, crt__attr(CRT_METER_LABEL), label);
	x += strlen(label);
	put(y, x++, A_BOLD, "[");
	if (isnan(frac) || frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	vlen = (int)strlen(value);
	bars = (int)lround(frac * (inner - vlen - 1));
	attrset(crt__attr(CRT_BAR));
	for (i = 0; i < bars && x + i < COLS; i++)
		mvaddch(y, x + i, '|');
	attrset(A_NORMAL);
	put(y, x + inner - vlen, vattr, value);
	put(y, x + inner, A_BOLD, "]");
}

static int sev_attr(enum wqtop_sev s)
{
	return s == SEV_CRIT ? crt__attr(CRT_CRIT) :
	       s == SEV_WARN ? crt__attr(CRT_WARN) : crt__attr(CRT_DEFAULT);
}

/*
 * Sampled durations, on the title line between @x and @end: the long label
 * when it fits, else the brief one, over the tail of the title if need be
 * (a long source name matters less than not taking a sample for the whole).
 */
static void draw_sampling(const struct wqtop_data *d, int x, int end)
{
	char label[160];
	int len;

	wqtop_sampling__line(d, false, label, sizeof(label));
	if (!label[0])
		return;
	if (x + (int)strlen(label) > end)
		wqtop_sampling__line(d, true, label, sizeof(label));
	len = (int)strlen(label);
	if (x + len > end)
		x = end - len;
	put(0, x < 0 ? 0 : x, crt__attr(CRT_WARN) | A_BOLD, label);
}

static void draw_header(struct ui *ui, const struct wqtop_data *d)
{
	struct wqtop_meters m;
	char buf[256], v[32], ts[16];
	time_t now = time(NULL);
	struct tm tm;
	int half = COLS / 2, stalls_attr;
	double lat_frac;

	wqtop_data__meters(d, &m);
	localtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	snprintf(buf, sizeof(buf), "wqtop %s  source: %s  delay: %.1fs%s",
		 WQMON_VERSION, ui->source, ui->delay_s,
		 ui->paused ? "  [PAUSED]" : "");
	fill_line(0, A_NORMAL);
	put(0, 0, crt__attr(CRT_TITLE), buf);
	draw_sampling(d, (int)strlen(buf) + 2, COLS - (int)strlen(ts) - 2);
	put(0, COLS - (int)strlen(ts) - 1, A_NORMAL, ts);

	if (m.queued_per_s > ui->rate_max)
		ui->rate_max = m.queued_per_s;
	if (m.valid)
		snprintf(v, sizeof(v), "%.1f/s", m.queued_per_s);
	else
		snprintf(v, sizeof(v), "-/s");
	move(1, 0);
	clrtoeol();
	meter(1, 0, half - 1, "Queued ", ui->rate_max > 0 ?
	      m.queued_per_s / ui->rate_max : 0, v, A_BOLD);
	wqtop_fmt__ns(m.lat_p99_ns, v, sizeof(v));
	/* Latency on a log scale from 1 us to ten times the crit line. */
	lat_frac = m.lat_p99_ns > 1e3 ?
		log10(m.lat_p99_ns / 1e3) / log10(d->thr.lat_ns[1] * 10 / 1e3) :
		0;
	meter(1, half, COLS - half - 1, "Lat p99 ", lat_frac, v,
	      sev_attr(m.lat_p99_ns >= d->thr.lat_ns[1] ? SEV_CRIT :
		       m.lat_p99_ns >= d->thr.lat_ns[0] ? SEV_WARN : SEV_OK) |
		      A_BOLD);
	if (m.valid)
		snprintf(v, sizeof(v), "%.1f%%", m.cpu_pct);
	else
		snprintf(v, sizeof(v), "-");
	move(2, 0);
	clrtoeol();
	meter(2, 0, half - 1, "CPU%   ", m.cpu_pct / (100.0 * d->ncpus), v,
	      sev_attr(m.cpu_pct >= d->thr.cpu_pct[1] ? SEV_CRIT :
		       m.cpu_pct >= d->thr.cpu_pct[0] ? SEV_WARN : SEV_OK) |
		      A_BOLD);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)m.pending);
	put(2, half, crt__attr(CRT_METER_LABEL), "Pending ");
	put(2, half + 8, A_BOLD, buf);
	stalls_attr = m.stalls ? crt__attr(CRT_CRIT) | A_REVERSE : A_BOLD;
	snprintf(buf, sizeof(buf), "%d", m.stalls);
	put(2, half + 18, crt__attr(CRT_METER_LABEL), "Stalls ");
	put(2, half + 25, stalls_attr, buf);
}

static void draw_tabs(struct ui *ui, const struct wqtop_data *d)
{
	const struct wqtop_table_opts *o = &ui->topt[ui->view];
	char buf[128];
	struct wqtop_meters m;
	int x = 0, v;

	char status[128];
	bool brief;

	wqtop_data__meters(d, &m);
	fill_line(3, A_NORMAL);
	snprintf(status, sizeof(status), "%s%s%s%s", o->tree &&
		 wqtop_views[ui->view].tree ? "tree " : "",
		 ui->filter[0] ? "filter:" : "", ui->filter,
		 ui->error[0] ? "  !" : "");
	/* Short tab names when the whole names leave no room for the
	 * sort/filter status (80 columns with a filter on). */
	for (v = 0; v < VIEW_NR; v++)
		x += (int)strlen(wqtop_view__title(d, v, false)) + 4 +
		     (v == VIEW_STALLS && m.stalls ? 6 : 0);
	brief = x + (int)strlen(status) + 1 >= COLS;
	x = 0;
	for (v = 0; v < VIEW_NR; v++) {
		const char *name = wqtop_view__title(d, v, brief);

		if (v == VIEW_STALLS && m.stalls)
			snprintf(buf, sizeof(buf), " %s %s(%d) ",
				 wqtop_views[v].key_help, name, m.stalls);
		else
			snprintf(buf, sizeof(buf), " %s %s ",
				 wqtop_views[v].key_help, name);
		put(3, x, (int)ui->view == v ? crt__attr(CRT_TAB_ON) :
			  v == VIEW_STALLS && m.stalls ? crt__attr(CRT_CRIT) :
						   crt__attr(CRT_TAB), buf);
		x += strlen(buf) + 1;
	}
	if (x + (int)strlen(status) < COLS)
		put(3, COLS - (int)strlen(status) - 1, crt__attr(CRT_WARN),
		    status);
}

static void draw_colhdr(struct ui *ui)
{
	const struct wqtop_table_opts *o = &ui->topt[ui->view];
	int i, x = 0, w;
	char buf[64];

	ui->ncol = wqtop_table__layout(ui->view, COLS, &ui->rows, ui->col,
				       ui->colx + 1, COL_NR);
	fill_line(ui->hdr_y, crt__attr(CRT_COLHDR));
	/* colx[i]: where column i starts; widths come in colx[i + 1]. */
	for (i = 0; i < ui->ncol; i++) {
		w = ui->colx[i + 1];
		ui->colx[i] = x;
		const char *title = wqtop_columns[ui->col[i]].title;
		const char *mark = ui->col[i] != o->sort ? "" :
			(wqtop_col__ascending(o->sort) != o->reverse) ?
				(crt__utf8() ? "\u25b3" : "^") :
				(crt__utf8() ? "\u25bd" : "v");
		/* Pad by cells, not bytes: the sort mark is one cell. */
		int pad = w - (int)strlen(title) - (mark[0] ? 1 : 0);

		if (pad < 0)
			pad = 0;
		if (wqtop_columns[ui->col[i]].fmt == FMT_TEXT)
			snprintf(buf, sizeof(buf), "%s%s%*s", title, mark, pad,
				 "");
		else
			snprintf(buf, sizeof(buf), "%*s%s%s", pad, "", title,
				 mark);
		attrset(ui->col[i] == o->sort ? crt__attr(CRT_COLHDR_SORT) :
						crt__attr(CRT_COLHDR));
		mvaddstr(ui->hdr_y, x, buf);
		x += w + 1;
	}
	ui->colx[ui->ncol] = x;
	attrset(A_NORMAL);
}

static void draw_rows(struct ui *ui, const struct wqtop_data *d)
{
	enum wqtop_col col[COL_NR];
	int width[COL_NR], n, i, y, x, attr;
	char cell[200];
	size_t r;

	n = wqtop_table__layout(ui->view, COLS, &ui->rows, col, width,
				 COL_NR);
	if (ui->sel >= ui->rows.nr)
		ui->sel = ui->rows.nr ? ui->rows.nr - 1 : 0;
	if (ui->sel < ui->top)
		ui->top = ui->sel;
	if (ui->table_h > 0 && ui->sel >= ui->top + (size_t)ui->table_h)
		ui->top = ui->sel - ui->table_h + 1;
	for (y = 0; y < ui->table_h; y++) {
		r = ui->top + y;
		move(ui->table_y + y, 0);
		clrtoeol();
		if (r >= ui->rows.nr)
			continue;
		const struct wqtop_row *row = &ui->rows.row[r];
		bool sel = r == ui->sel;
		bool stall = row->sev[COL_OLDEST] == SEV_CRIT ||
			     (ui->view == VIEW_STALLS &&
			      row->row_sev == SEV_CRIT);

		if (sel)
			fill_line(ui->table_y + y, crt__attr(CRT_SELECTED));
		for (i = 0, x = 0; i < n && x < COLS; i++) {
			wqtop_cell__format(row, col[i], cell, sizeof(cell));
			if (i < n - 1)
				wqtop_cell__fit(cell, sizeof(cell), width[i]);
			attr = sel ? crt__attr(CRT_SELECTED) :
			       stall ? crt__attr(CRT_CRIT) :
			       row->group ? crt__attr(CRT_GROUP) :
					    sev_attr(row->sev[col[i]]);
			if (!sel && isnan(row->v[col[i]]) &&
			    wqtop_columns[col[i]].fmt != FMT_TEXT &&
			    col[i] != COL_POOL)
				attr = crt__attr(CRT_DIM);
			attrset(attr);
			if (wqtop_columns[col[i]].fmt == FMT_TEXT)
				mvprintw(ui->table_y + y, x, "%-*.*s", width[i],
					 COLS - x, cell);
			else
				mvprintw(ui->table_y + y, x, "%*s", width[i],
					 cell);
			x += width[i] + 1;
		}
		attrset(A_NORMAL);
	}
	if (!ui->rows.nr && ui->table_h > 1) {
		const char *msg = ui->filter[0] ? "no rows match the filter" :
				  "waiting for the first interval...";
		char rules[160], buf[200];

		if (ui->view == VIEW_STALLS && !ui->filter[0]) {
			wqtop_data__stall_rules(d, rules, sizeof(rules));
			snprintf(buf, sizeof(buf), "no stalls (%s)", rules);
			msg = buf;
		}
		if (ui->view == VIEW_QUEUERS && !ui->filter[0])
			msg = "no queuers in the last interval (none queued, "
			      "or the source records none)";
		if (ui->view == VIEW_CONFIG && !ui->filter[0]) {
			snprintf(buf, sizeof(buf), "no workqueue configuration: %s",
				 d->config_error[0] ? d->config_error :
				 "not read yet");
			msg = buf;
		}
		put(ui->table_y + 1, 2, crt__attr(CRT_DIM), msg);
	}
}

/* Cells of F-key @n with its label and a space; wider on wide screens. */
static int fkey_w(int n, const struct wqtop_binding *b)
{
	char key[16];

	snprintf(key, sizeof(key), "F%d", n);
	return (int)(strlen(key) + strlen(b->flabel)) + 1 +
	       (COLS >= 100 ? 2 : 0);
}

static void draw_footer(struct ui *ui)
{
	const struct wqtop_binding *b;
	int y = LINES - 1, x = 0, n;
	char buf[128], key[16];

	fill_line(y, A_NORMAL);
	if (ui->mode == MODE_FILTER || ui->mode == MODE_DELAY) {
		snprintf(buf, sizeof(buf), "%s%s_",
			 ui->mode == MODE_FILTER ? "Filter: " :
						   "Delay (seconds): ",
			 ui->input);
		put(y, 0, crt__attr(CRT_FLABEL), buf);
		put(y, strlen(buf) + 1, A_NORMAL,
		    "  Enter: done  Esc: cancel");
		return;
	}
	if (ui->error && ui->error[0] && COLS > 20) {
		snprintf(buf, sizeof(buf), "%s", ui->error);
		put(y, 0, crt__attr(CRT_CRIT), buf);
		return;
	}
	for (n = 1; n <= WQTOP_NFKEYS && x < COLS; n++) {
		b = wqtop_keys__fkey(n);
		if (!b)
			continue;
		snprintf(key, sizeof(key), "F%d", n);
		put(y, x, crt__attr(CRT_FKEY) | A_BOLD, key);
		x += strlen(key);
		snprintf(buf, sizeof(buf), "%-*s", fkey_w(n, b) - 1 -
			 (int)strlen(key), wqtop_binding__flabel(b, ui));
		put(y, x, crt__attr(CRT_FLABEL), buf);
		x += strlen(buf) + 1;
	}
}

int screen__fkey_at(int x)
{
	const struct wqtop_binding *b;
	int n, pos = 0, w;

	for (n = 1; n <= WQTOP_NFKEYS; n++) {
		b = wqtop_keys__fkey(n);
		if (!b)
			continue;
		w = fkey_w(n, b);
		if (x >= pos && x < pos + w)
			return n;
		pos += w;
	}
	return 0;
}

static void draw_help(struct ui *ui, const struct wqtop_data *d)
{
	const struct wqtop_view *v = &wqtop_views[ui->view];
	char buf[256];
	int y = 4, i;

	for (i = 3; i < LINES - 1; i++) {
		move(i, 0);
		clrtoeol();
	}
	put(3, 0, crt__attr(CRT_TITLE),
	    "wqtop: htop for workqueues.  Keys (any key returns):");
	for (i = 0; i < (int)wqtop_nr_bindings && y < LINES - 1; i++) {
		char keys[64];

		wqtop_binding__keys(&wqtop_bindings[i], keys, sizeof(keys));
		/* Keys in a column of 16; a longer list still gets a gap. */
		snprintf(buf, sizeof(buf), "%-*s %s",
			 strlen(keys) < 16 ? 16 : (int)strlen(keys) + 1, keys,
			 wqtop_bindings[i].help);
		put(y++, 1, A_NORMAL, buf);
	}
	y++;
	snprintf(buf, sizeof(buf), "Columns of the %s view:", v->name);
	put(y++, 0, crt__attr(CRT_TITLE), buf);
	for (i = 0; i < v->nr_cols && y < LINES - 3; i++) {
		const struct wqtop_column *c = &wqtop_columns[v->cols[i].col];

		snprintf(buf, sizeof(buf), "%-9s %s", c->title, c->help);
		put(y++, 1, A_NORMAL, buf);
	}
	if (y < LINES - 2) {
		char w[16], c[16];

		wqtop_fmt__ns(d->thr.lat_ns[0], w, sizeof(w));
		wqtop_fmt__ns(d->thr.lat_ns[1], c, sizeof(c));
		snprintf(buf, sizeof(buf),
			 "Colours: yellow = over warn, red = over crit (lat %s/%s); "
			 "set with --threshold", w, c);
		put(LINES - 2, 0, crt__attr(CRT_DIM), buf);
	}
}

static void draw_sort(struct ui *ui)
{
	const struct wqtop_view *v = &wqtop_views[ui->view];
	int y, i;
	char buf[80];

	for (y = ui->table_y; y < LINES - 1; y++) {
		move(y, 0);
		clrtoeol();
	}
	put(ui->table_y, 0, crt__attr(CRT_COLHDR), "Sort by       ");
	for (i = 0; i < v->nr_cols && ui->table_y + 1 + i < LINES - 1; i++) {
		const struct wqtop_column *c = &wqtop_columns[v->cols[i].col];

		snprintf(buf, sizeof(buf), "%-13s ", c->title);
		put(ui->table_y + 1 + i, 0,
		    i == ui->sort_sel ? crt__attr(CRT_SELECTED) : (int)A_NORMAL,
		    buf);
		put(ui->table_y + 1 + i, 15, crt__attr(CRT_DIM), c->help);
	}
}

/* Bars of @h from its lowest to its highest non-empty slot. */
static void draw_hist(int y, int x, int w, int h, const char *title,
		      const struct wq_hist *hist)
{
	uint64_t total = wq_hist__count(hist), most = 0;
	int lo = -1, hi = -1, s, bars, i;
	char a[16], b[16], buf[64];

	put(y, x, crt__attr(CRT_TITLE), title);
	for (s = 0; s < WQ_HIST_SLOTS; s++)
		if (hist->slot[s]) {
			if (lo < 0)
				lo = s;
			hi = s;
			if (hist->slot[s] > most)
				most = hist->slot[s];
		}
	if (lo < 0) {
		put(y + 1, x + 1, crt__attr(CRT_DIM), "(no items)");
		return;
	}
	/* Too many slots for the room: show the window holding the most
	 * items (the max is on the line above anyway). */
	if (hi - lo + 1 > h - 1) {
		uint64_t best = 0, sum;
		int start, bs = lo;

		for (start = lo; start + (h - 2) <= hi; start++) {
			for (sum = 0, s = start; s <= start + (h - 2); s++)
				sum += hist->slot[s];
			if (sum > best) {
				best = sum;
				bs = start;
			}
		}
		lo = bs;
		hi = bs + (h - 2);
	}
	for (s = lo; s <= hi; s++) {
		int yy = y + 1 + (s - lo);

		wqtop_fmt__ns((double)wq_hist__lower(s), a, sizeof(a));
		if (s == WQ_HIST_SLOTS - 1)
			snprintf(b, sizeof(b), "+");
		else
			wqtop_fmt__ns((double)wq_hist__upper(s), b, sizeof(b));
		snprintf(buf, sizeof(buf), "%7s-%-7s %3.0f%% ", a, b,
			 hist->slot[s] * 100.0 / total);
		put(yy, x, A_NORMAL, buf);
		bars = (int)((double)hist->slot[s] / most * (w - 22));
		if (hist->slot[s] && bars < 1)
			bars = 1;
		attrset(crt__attr(CRT_BAR));
		for (i = 0; i < bars; i++)
			mvaddstr(yy, x + 22 + i, crt__bar());
		attrset(A_NORMAL);
	}
}

static void lowest(const struct wq_hist *h, char *buf, size_t len)
{
	int s;

	for (s = 0; s < WQ_HIST_SLOTS; s++)
		if (h->slot[s]) {
			wqtop_fmt__ns((double)wq_hist__lower(s), buf, len);
			return;
		}
	snprintf(buf, len, "-");
}

/* @sampled: the maximum is of the samples only, not of every item. */
static void stats_line(int y, const char *label, const struct wq_series *s,
		       enum wq_hkind k, bool sampled)
{
	char mn[16], p50[16], p99[16], mx[16], buf[128];
	bool any = wq_hist__count(&s->hist[k]) > 0;

	lowest(&s->hist[k], mn, sizeof(mn));
	wqtop_fmt__ns(any ? (double)wq_hist__quantile(&s->hist[k], 50, 100,
						       s->max_ns[k]) : NAN,
		      p50, sizeof(p50));
	wqtop_fmt__ns(any ? (double)wq_hist__quantile(&s->hist[k], 99, 100,
						       s->max_ns[k]) : NAN,
		      p99, sizeof(p99));
	wqtop_fmt__ns(any ? (double)s->max_ns[k] : NAN, mx, sizeof(mx));
	snprintf(buf, sizeof(buf), "%-9s min %-8s p50 %-8s p99 %-8s max %s%-8s",
		 label, mn, p50, p99, sampled ? "(of samples) " : "", mx);
	put(y, 1, A_NORMAL, buf);
}

static void draw_detail(struct ui *ui, const struct wqtop_data *d)
{
	struct wqtop_detail det;
	const struct wqtop_row *r = &ui->detail;
	char buf[512], cell[64];
	double most = 0;
	int y = 3, i, x, w, h, off, nq, ns;
	uint32_t every;

	wqtop_detail__build(d, r, &det);
	for (i = 3; i < LINES - 1; i++) {
		move(i, 0);
		clrtoeol();
	}
	off = snprintf(buf, sizeof(buf), "Detail:");
	if (r->func[0] && !r->group)
		off += snprintf(buf + off, sizeof(buf) - off, " function %s",
				r->func);
	if (r->wq[0])
		off += snprintf(buf + off, sizeof(buf) - off, " workqueue %s",
				r->wq);
	if (r->pool_id >= 0)
		off += snprintf(buf + off, sizeof(buf) - off, " pool %d",
				r->pool_id);
	if (r->src >= 0 && (size_t)r->src < d->nr_src)
		off += snprintf(buf + off, sizeof(buf) - off, " source %s",
				d->src[r->src].name);
	fill_line(y, crt__attr(CRT_COLHDR));
	put(y, 0, crt__attr(CRT_COLHDR), buf);
	if (off + 12 < COLS)
		put(y, COLS - 10, crt__attr(CRT_COLHDR), "Esc: back");
	y++;

	/* Rate sparkline over the kept intervals, newest on the right. */
	for (i = 0; i < det.nr_rate; i++)
		if (det.rate[i] > most)
			most = det.rate[i];
	snprintf(buf, sizeof(buf), "Rate %9.1f/s ",
		 det.nr_rate ? det.rate[det.nr_rate - 1] : 0.0);
	put(y, 1, crt__attr(CRT_METER_LABEL), buf);
	x = 1 + strlen(buf);
	attrset(crt__attr(CRT_BAR));
	for (i = 0; i < det.nr_rate && x < COLS - 14; i++, x++)
		mvaddstr(y, x, crt__spark(most > 0 ? (int)(det.rate[i] / most *
							   7.99) : 0));
	attrset(A_NORMAL);
	snprintf(buf, sizeof(buf), " peak %.1f/s", most);
	put(y++, x, crt__attr(CRT_DIM), buf);
	snprintf(buf, sizeof(buf),
		 "Since start: queued %llu  completed %llu  cancelled %llu  "
		 "on-CPU ",
		 (unsigned long long)det.total.queued,
		 (unsigned long long)det.total.completed,
		 (unsigned long long)det.total.cancelled);
	wqtop_fmt__ns((double)det.total.sum_ns[WQ_H_CPU], cell, sizeof(cell));
	strncat(buf, cell, sizeof(buf) - strlen(buf) - 1);
	put(y++, 1, A_NORMAL, buf);
	every = wqtop_data__sample_every(d, r->src);
	if (every > 1) {
		snprintf(buf, sizeof(buf), "Durations sampled: 1 item in %u, "
			 "scaled by %u (estimates); counts exact", every,
			 every);
		put(y++, 1, crt__attr(CRT_WARN), buf);
	}
	stats_line(y++, "Latency", &det.total, WQ_H_LAT, every > 1);
	stats_line(y++, "Run time", &det.total, WQ_H_RUN, every > 1);

	/* Pools and queuers: the last lines; histograms fill the middle. */
	nq = det.nr_queuers ? 1 + det.nr_queuers : 1;
	ns = 1 + d->nr_slow;
	h = LINES - 1 - y - 1 - nq - ns;
	if (h > 2) {
		w = COLS >= 80 ? COLS / 2 - 1 : COLS;
		draw_hist(y, 0, w, h, "Latency histogram (since start)",
			  &det.total.hist[WQ_H_LAT]);
		if (COLS >= 80)
			draw_hist(y, COLS / 2, w, h,
				  "Run-time histogram (since start)",
				  &det.total.hist[WQ_H_RUN]);
	}
	y = LINES - 2 - nq - ns;
	/* The recent slow items of the series: wqmond's, or the probes'
	 * here (--slow). */
	wqtop_slow__title(d, buf, sizeof(buf));
	put(y++, 1, d->nr_slow ? crt__attr(CRT_METER_LABEL) : (int)A_NORMAL,
	    buf);
	for (i = 0; i < d->nr_slow; i++) {
		char line[160];

		wqtop_slow__line(&d->slow[i], line, sizeof(line));
		snprintf(buf, sizeof(buf), "  %s", line);
		put(y++, 1, A_NORMAL, buf);
	}
	off = snprintf(buf, sizeof(buf), "Pools:");
	for (i = 0; i < det.nr_pools && off < (int)sizeof(buf) - 32; i++)
		off += snprintf(buf + off, sizeof(buf) - off, " %d (%llu)",
				det.pools[i].pool_id,
				(unsigned long long)det.pools[i].completed);
	put(y++, 1, A_NORMAL, buf);
	if (!det.nr_queuers) {
		snprintf(buf, sizeof(buf), "Queuers: %s",
			 det.has_queuers ? "none seen" :
			 "none recorded by this source");
		put(y, 1, A_NORMAL, buf);
		return;
	}
	put(y++, 1, crt__attr(CRT_METER_LABEL),
	    "Queuers since start, by kworker CPU charged (view 7: all):");
	for (i = 0; i < det.nr_queuers; i++) {
		const struct wq_queuer *q = &det.queuers[i];
		char wait[16], tgid[16] = "-";

		if (q->tgid > 0)
			snprintf(tgid, sizeof(tgid), "%d", q->tgid);
		wqtop_fmt__ns((double)q->cpu_ns, cell, sizeof(cell));
		wqtop_fmt__ns(q->started ? (double)q->lat_ns / q->started :
					   NAN, wait, sizeof(wait));
		snprintf(buf, sizeof(buf),
			 "  %-7s %-15s %7s %-24s %10llu queued  wait avg "
			 "%7s  kworker CPU %7s",
			 wq_qctx__name(q->ctx) ? wq_qctx__name(q->ctx) : "other",
			 q->comm, tgid,
			 q->cgroup[0] ? q->cgroup : "-",
			 (unsigned long long)q->queued, wait, cell);
		put(y++, 1, A_NORMAL, buf);
	}
}

/*
 * Under the stalls table, what the selected stall's workers were doing
 * (wqmond's stack of it), in at most half the table's room, which it
 * takes from the table.  Return: the lines it took.
 */
static int draw_stack(struct ui *ui, const struct wqtop_data *d)
{
	static char line[32][WQTOP_STACK_COLS];
	const struct wq_stall *x;
	int n, h, y, i;
	size_t sel;

	if (ui->view != VIEW_STALLS || !ui->rows.nr || ui->table_h < 6)
		return 0;
	sel = ui->sel < ui->rows.nr ? ui->sel : ui->rows.nr - 1;
	x = wqtop_data__stall(d, ui->rows.row[sel].stall_id);
	if (!x || !x->stack[0])
		return 0;
	h = ui->table_h / 2;
	n = wqtop_stack__wrap(x->stack, COLS - 2, line, h - 1);
	y = ui->table_y + ui->table_h - (n + 1);
	fill_line(y, crt__attr(CRT_COLHDR));
	put(y, 0, crt__attr(CRT_COLHDR),
	    "Stack of the selected stall (innermost frame first):");
	for (i = 0; i < n; i++) {
		move(y + 1 + i, 0);
		clrtoeol();
		put(y + 1 + i, 1, A_NORMAL, line[i]);
	}
	return n + 1;
}

void screen__draw(struct ui *ui, const struct wqtop_data *d)
{
	ui->hdr_y = 4;
	ui->table_y = 5;
	ui->table_h = LINES - 1 - ui->table_y;
	draw_header(ui, d);
	if (ui->mode == MODE_HELP) {
		draw_help(ui, d);
	} else if (ui->mode == MODE_DETAIL) {
		draw_detail(ui, d);
	} else {
		draw_tabs(ui, d);
		draw_colhdr(ui);
		if (ui->mode == MODE_SORT)
			draw_sort(ui);
		else {
			ui->table_h -= draw_stack(ui, d);
			draw_rows(ui, d);
		}
	}
	draw_footer(ui);
	refresh();
}
