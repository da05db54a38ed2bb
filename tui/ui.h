/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interactive state of wqtop and its screens.  One event loop
 * (wqtop.c) changes the state on keys, mouse and ticks; screen.c draws it.
 */
#ifndef WQTOP_UI_H
#define WQTOP_UI_H

#include <stdbool.h>

#include "table.h"

enum ui_mode { MODE_TABLE, MODE_HELP, MODE_DETAIL, MODE_SORT, MODE_FILTER,
	       MODE_DELAY };

struct ui {
	enum ui_mode mode;
	enum wqtop_view_id view;
	struct wqtop_table_opts topt[VIEW_NR];	/* each view keeps its own */
	char filter[64];
	char input[64];		/* the line being edited (filter, delay) */
	bool paused;
	bool step;		/* refresh once now, paused or not */
	double delay_s;
	const char *source;	/* its name, for the header */
	const char *error;	/* the source's last error, "" if none */
	struct wqtop_rows rows;
	size_t sel, top;	/* selected row, first row shown */
	char sel_key[200];	/* identity of the selected row */
	struct wqtop_row detail;	/* the row being drilled into */
	int sort_sel;		/* highlighted line of the sort chooser */
	double rate_max;	/* the items/s meter's scale */
	/* Screen geometry of the last draw, for the mouse. */
	int table_y, table_h, hdr_y;
	enum wqtop_col col[COL_NR];
	int colx[COL_NR + 1], ncol;
};

/* Draw everything for @ui and @d, then refresh the terminal. */
void screen__draw(struct ui *ui, const struct wqtop_data *d);
/* Which F-key label is at column @x of the footer (1..10), or 0. */
int screen__fkey_at(int x);

#endif /* WQTOP_UI_H */
