// SPDX-License-Identifier: GPL-2.0
/*
 * wqtop's key bindings and their actions (keys.h): one table, from which
 * the key handler dispatches and the F-key bar and the help are drawn.
 */
#include <math.h>
#include <ncurses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ttydefaults.h>

#include "keys.h"

/* ---- state changes, shared with the mouse ---- */

void ui__set_view(struct ui *ui, enum wqtop_view_id v)
{
	ui->view = v;
	ui->sel = ui->top = 0;
	ui->sel_key[0] = '\0';
}

void ui__move_sel(struct ui *ui, long delta)
{
	long s = (long)ui->sel + delta;

	if (s >= (long)ui->rows.nr)
		s = (long)ui->rows.nr - 1;
	if (s < 0)
		s = 0;
	ui->sel = (size_t)s;
	ui->sel_key[0] = '\0';
}

void ui__open_detail(struct ui *ui)
{
	if (ui->sel >= ui->rows.nr || !wqtop_views[ui->view].drill)
		return;
	ui->detail = ui->rows.row[ui->sel];
	ui->mode = MODE_DETAIL;
}

void ui__sort_by(struct ui *ui, enum wqtop_col c)
{
	struct wqtop_table_opts *t = &ui->topt[ui->view];

	if (t->sort == c)
		t->reverse = !t->reverse;
	else {
		t->sort = c;
		t->reverse = false;
	}
}

/* ---- actions: one per binding ---- */

static enum wqtop_reaction act_help(struct ui *ui, int ch)
{
	(void)ch;
	ui->mode = MODE_HELP;
	return REACT_DRAW;
}

static enum wqtop_reaction act_view(struct ui *ui, int ch)
{
	ui__set_view(ui, ch - '1');
	return REACT_DRAW;
}

static enum wqtop_reaction act_view_step(struct ui *ui, int ch)
{
	int dir = ch == KEY_BTAB ? VIEW_NR - 1 : 1;

	ui__set_view(ui, (ui->view + dir) % VIEW_NR);
	return REACT_DRAW;
}

static enum wqtop_reaction act_move(struct ui *ui, int ch)
{
	long page = ui->table_h > 1 ? ui->table_h - 1 : 1;
	long all = (long)ui->rows.nr;

	switch (ch) {
	case KEY_UP:
	case 'k':
		ui__move_sel(ui, -1);
		break;
	case KEY_DOWN:
	case 'j':
		ui__move_sel(ui, 1);
		break;
	case KEY_PPAGE:
		ui__move_sel(ui, -page);
		break;
	case KEY_NPAGE:
		ui__move_sel(ui, page);
		break;
	case KEY_HOME:
		ui__move_sel(ui, -all);
		break;
	case KEY_END:
		ui__move_sel(ui, all);
		break;
	}
	return REACT_DRAW;
}

static enum wqtop_reaction act_drill(struct ui *ui, int ch)
{
	(void)ch;
	ui__open_detail(ui);
	return REACT_DRAW;
}

static enum wqtop_reaction act_sort_choose(struct ui *ui, int ch)
{
	const struct wqtop_view *v = &wqtop_views[ui->view];
	const struct wqtop_table_opts *t = &ui->topt[ui->view];

	(void)ch;
	ui->mode = MODE_SORT;
	for (ui->sort_sel = 0; ui->sort_sel < v->nr_cols - 1 &&
	     v->cols[ui->sort_sel].col != t->sort; ui->sort_sel++)
		;
	return REACT_DRAW;
}

/* Sort by the view's column left ('<') or right ('>') of the current one. */
static enum wqtop_reaction act_sort_step(struct ui *ui, int ch)
{
	const struct wqtop_view *v = &wqtop_views[ui->view];
	struct wqtop_table_opts *t = &ui->topt[ui->view];
	int dir = ch == '<' || ch == ',' ? -1 : 1;
	int i;

	for (i = 0; i < v->nr_cols; i++)
		if (v->cols[i].col == t->sort)
			break;
	i = (i + dir + v->nr_cols) % v->nr_cols;
	t->sort = v->cols[i].col;
	t->reverse = false;	/* a new column starts in its natural order */
	return REACT_DRAW;
}

static enum wqtop_reaction act_reverse(struct ui *ui, int ch)
{
	(void)ch;
	ui->topt[ui->view].reverse = !ui->topt[ui->view].reverse;
	return REACT_DRAW;
}

static enum wqtop_reaction act_filter(struct ui *ui, int ch)
{
	(void)ch;
	ui->mode = MODE_FILTER;
	snprintf(ui->input, sizeof(ui->input), "%s", ui->filter);
	return REACT_DRAW;
}

static enum wqtop_reaction act_filter_clear(struct ui *ui, int ch)
{
	(void)ch;
	ui->filter[0] = '\0';
	return REACT_DRAW;
}

/* From a view with no tree, the tree is the functions view's. */
static enum wqtop_reaction act_tree(struct ui *ui, int ch)
{
	(void)ch;
	if (!wqtop_views[ui->view].tree) {
		ui__set_view(ui, VIEW_FUNCTIONS);
		ui->topt[ui->view].tree = true;
	} else {
		ui->topt[ui->view].tree = !ui->topt[ui->view].tree;
	}
	return REACT_DRAW;
}

static enum wqtop_reaction act_pause(struct ui *ui, int ch)
{
	(void)ch;
	ui->paused = !ui->paused;
	return REACT_DRAW;
}

/* One refresh now: while paused, a recording steps one interval. */
static enum wqtop_reaction act_step(struct ui *ui, int ch)
{
	(void)ch;
	ui->step = true;
	return REACT_DRAW;
}

static bool is_paused(const struct ui *ui)
{
	return ui->paused;
}

static void change_delay(struct ui *ui, double factor)
{
	ui->delay_s *= factor;
	/* Round to tenths so + then - comes back to the same value. */
	ui->delay_s = round(ui->delay_s * 10) / 10;
	if (ui->delay_s < 0.1)
		ui->delay_s = 0.1;
	if (ui->delay_s > 3600)
		ui->delay_s = 3600;
}

static enum wqtop_reaction act_delay_longer(struct ui *ui, int ch)
{
	(void)ch;
	change_delay(ui, 2);
	return REACT_DRAW;
}

static enum wqtop_reaction act_delay_shorter(struct ui *ui, int ch)
{
	(void)ch;
	change_delay(ui, 0.5);
	return REACT_DRAW;
}

static enum wqtop_reaction act_delay_type(struct ui *ui, int ch)
{
	(void)ch;
	ui->mode = MODE_DELAY;
	ui->input[0] = '\0';
	return REACT_DRAW;
}

static enum wqtop_reaction act_redraw(struct ui *ui, int ch)
{
	(void)ui;
	(void)ch;
	return REACT_CLEAR;
}

static enum wqtop_reaction act_quit(struct ui *ui, int ch)
{
	(void)ui;
	(void)ch;
	return REACT_QUIT;
}

/* ---- the table: help order; the bar goes F1..F10 whatever the order ---- */

const struct wqtop_binding wqtop_bindings[] = {
	{ { 'h', '?', KEY_F(1) }, act_help, "Help", NULL, NULL,
	  "this help" },
	{ { '1', '2', '3', '4', '5', '6', '7' }, act_view, NULL, NULL, NULL,
	  "views: pools, workqueues, functions, kworkers, stalls, config, "
	  "queuers" },
	{ { '\t', KEY_F(2), KEY_BTAB }, act_view_step, "View", NULL, NULL,
	  "next view (Shift-Tab: the previous one)" },
	{ { KEY_UP, KEY_DOWN, 'k', 'j', KEY_PPAGE, KEY_NPAGE, KEY_HOME,
	    KEY_END }, act_move, NULL, NULL, NULL,
	  "select a row (also the mouse wheel)" },
	{ { '\n', '\r', KEY_ENTER, KEY_F(3) }, act_drill, "Drill", NULL, NULL,
	  "drill down: histograms, rate sparkline, pools, queuers" },
	{ { 's', KEY_F(6) }, act_sort_choose, "Sort", NULL, NULL,
	  "choose the sort column; click a column title to sort" },
	{ { '<', '>', ',', '.' }, act_sort_step, NULL, NULL, NULL,
	  "sort by the column left/right of the current one" },
	{ { 'r', 'I' }, act_reverse, NULL, NULL, NULL, "reverse the order" },
	{ { '/', '\\', KEY_F(4) }, act_filter, "Filter", NULL, NULL,
	  "filter rows (substring, any name)" },
	{ { KEY_ESC }, act_filter_clear, NULL, NULL, NULL, "clear the filter" },
	{ { 't', KEY_F(5) }, act_tree, "Tree", NULL, NULL,
	  "tree: group functions under their workqueue" },
	{ { ' ', 'z', KEY_F(9) }, act_pause, "Pause", "Go", is_paused,
	  "pause / resume refreshing" },
	{ { 'n' }, act_step, NULL, NULL, NULL,
	  "refresh once now (paused: step a recording one interval)" },
	{ { '+', '=', KEY_F(8) }, act_delay_longer, "Delay+", NULL, NULL,
	  "longer delay (twice)" },
	{ { '-', KEY_F(7) }, act_delay_shorter, "Delay-", NULL, NULL,
	  "shorter delay (half)" },
	{ { 'd' }, act_delay_type, NULL, NULL, NULL,
	  "type a delay in seconds" },
	{ { CTRL('l') }, act_redraw, NULL, NULL, NULL, "redraw the screen" },
	{ { 'q', KEY_F(10) }, act_quit, "Quit", NULL, NULL, "quit" },
};

const size_t wqtop_nr_bindings =
	sizeof(wqtop_bindings) / sizeof(wqtop_bindings[0]);

static bool binding_has(const struct wqtop_binding *b, int ch)
{
	for (int k = 0; k < WQTOP_BINDING_KEYS && b->keys[k]; k++)
		if (b->keys[k] == ch)
			return true;
	return false;
}

const struct wqtop_binding *wqtop_keys__find(int ch)
{
	for (size_t i = 0; i < wqtop_nr_bindings; i++)
		if (binding_has(&wqtop_bindings[i], ch))
			return &wqtop_bindings[i];
	return NULL;
}

const struct wqtop_binding *wqtop_keys__fkey(int n)
{
	const struct wqtop_binding *b = wqtop_keys__find(KEY_F(n));

	return b && b->flabel ? b : NULL;
}

const char *wqtop_binding__flabel(const struct wqtop_binding *b,
				  const struct ui *ui)
{
	return b->on && b->on(ui) ? b->flabel_on : b->flabel;
}

void wqtop_key__name(int ch, char *buf, size_t len)
{
	static const struct {
		int ch;
		const char *name;
	} names[] = {
		{ '\t', "Tab" }, { KEY_BTAB, "Shift-Tab" }, { '\n', "Enter" },
		{ '\r', "Enter" }, { KEY_ENTER, "Enter" }, { KEY_ESC, "Esc" },
		{ ' ', "space" }, { KEY_UP, "Up" }, { KEY_DOWN, "Down" },
		{ KEY_PPAGE, "PgUp" }, { KEY_NPAGE, "PgDn" },
		{ KEY_HOME, "Home" }, { KEY_END, "End" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].ch == ch) {
			snprintf(buf, len, "%s", names[i].name);
			return;
		}
	if (ch >= KEY_F(1) && ch <= KEY_F(63))
		snprintf(buf, len, "F%d", ch - KEY_F0);
	else if (ch > 0 && ch < ' ')
		snprintf(buf, len, "Ctrl-%c", ch + 'A' - 1);
	else if (ch > ' ' && ch < 127)
		snprintf(buf, len, "%c", ch);
	else
		snprintf(buf, len, "#%d", ch);
}

void wqtop_binding__keys(const struct wqtop_binding *b, char *buf,
			 size_t len)
{
	char name[16], prev[16] = "";
	size_t off = 0;
	int k, run;

	buf[0] = '\0';
	for (k = 0; k < WQTOP_BINDING_KEYS && b->keys[k] && off < len; k++) {
		/* Three or more consecutive characters: "1-5". */
		for (run = 1; k + run < WQTOP_BINDING_KEYS &&
		     b->keys[k + run] == b->keys[k] + run &&
		     b->keys[k + run] > ' ' && b->keys[k + run] < 127; run++)
			;
		wqtop_key__name(b->keys[k], name, sizeof(name));
		/* Enter is three codes ('\n', '\r', KEY_ENTER): one name. */
		if (!strcmp(name, prev))
			continue;
		snprintf(prev, sizeof(prev), "%s", name);
		if (run >= 3 && b->keys[k] > ' ' && b->keys[k] < 127) {
			off += snprintf(buf + off, len - off, "%s%c-%c",
					off ? " " : "", b->keys[k],
					b->keys[k + run - 1]);
			k += run - 1;
			continue;
		}
		off += snprintf(buf + off, len - off, "%s%s", off ? " " : "",
				name);
	}
}

/* ---- modes ---- */

/* Edit the input line; Return: 1 when done (Enter), -1 cancelled. */
static int edit_line(struct ui *ui, int ch)
{
	size_t n = strlen(ui->input);

	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER)
		return 1;
	if (ch == KEY_ESC)
		return -1;
	if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (n)
			ui->input[n - 1] = '\0';
	} else if (ch >= 32 && ch < 127 && n + 1 < sizeof(ui->input)) {
		ui->input[n] = (char)ch;
		ui->input[n + 1] = '\0';
	}
	return 0;
}

/* The sort chooser: a list of the view's columns. */
static void sort_key(struct ui *ui, int ch)
{
	const struct wqtop_view *v = &wqtop_views[ui->view];
	struct wqtop_table_opts *t = &ui->topt[ui->view];

	if (ch == KEY_UP && ui->sort_sel > 0)
		ui->sort_sel--;
	else if (ch == KEY_DOWN && ui->sort_sel < v->nr_cols - 1)
		ui->sort_sel++;
	else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		if (t->sort != v->cols[ui->sort_sel].col)
			t->reverse = false;
		t->sort = v->cols[ui->sort_sel].col;
		ui->mode = MODE_TABLE;
	} else if (ch == KEY_ESC || ch == 'q' || ch == KEY_F(6))
		ui->mode = MODE_TABLE;
}

enum wqtop_reaction wqtop_keys__handle(struct ui *ui, int ch)
{
	const struct wqtop_binding *b;
	int r;

	switch (ui->mode) {
	/* As htop's panels: any key closes the help or the drill-down (q,
	 * Esc and F10 too: the help says "any key returns"); only the table
	 * quits. */
	case MODE_HELP:
		ui->mode = MODE_TABLE;
		return REACT_DRAW;
	case MODE_DETAIL:
		if (ch == KEY_DOWN || ch == KEY_UP) {
			ui__move_sel(ui, ch == KEY_DOWN ? 1 : -1);
			ui__open_detail(ui);
			return REACT_DRAW;
		}
		ui->mode = MODE_TABLE;
		return REACT_DRAW;
	case MODE_SORT:
		sort_key(ui, ch);
		return REACT_DRAW;
	case MODE_FILTER:
		r = edit_line(ui, ch);
		/* Filter as you type, like htop. */
		snprintf(ui->filter, sizeof(ui->filter), "%s",
			 r < 0 ? "" : ui->input);
		if (r)
			ui->mode = MODE_TABLE;
		ui->sel = ui->top = 0;
		return REACT_DRAW;
	case MODE_DELAY:
		r = edit_line(ui, ch);
		if (r > 0) {
			double v = atof(ui->input);

			if (v >= 0.1 && v <= 3600)
				ui->delay_s = v;
		}
		if (r)
			ui->mode = MODE_TABLE;
		return REACT_DRAW;
	case MODE_TABLE:
		break;
	}
	b = wqtop_keys__find(ch);
	return b ? b->action(ui, ch) : REACT_DRAW;
}
