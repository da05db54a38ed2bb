// SPDX-License-Identifier: GPL-2.0
/*
 * wqtop's table mechanics: a view's rows sorted, filtered, grouped into a
 * tree, and laid out in the columns that fit the screen.  No curses here,
 * so batch mode and the unit tests see exactly what the screen shows.
 * (The table layer's files are listed in table.h.)
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "table.h"

static bool col_text(enum wqtop_col c)
{
	return wqtop_columns[c].fmt == FMT_TEXT;
}

/* Ascending by default: names, ids. */
bool wqtop_col__ascending(enum wqtop_col c)
{
	return col_text(c) || c == COL_POOL || c == COL_TID || c == COL_CPU ||
	       c == COL_NICE;
}

static struct {
	enum wqtop_col col;
	bool reverse;
} sort_by;

static int cmp_rows(const void *a, const void *b)
{
	const struct wqtop_row *x = a, *y = b;
	enum wqtop_col c = sort_by.col;
	int r;

	if (col_text(c)) {
		r = strcasecmp(wqtop_row__text(x, c), wqtop_row__text(y, c));
	} else if (c == COL_POOL && x->src != y->src) {
		r = x->src - y->src;	/* each source's pools together */
	} else {
		double u = x->v[c], v = y->v[c];
		bool nu = isnan(u), nv = isnan(v);

		/* Unknown values go last either way; two of them are a tie,
		 * ordered below like any other. */
		if (nu != nv)
			return nu ? 1 : -1;
		r = nu ? 0 : u < v ? -1 : u > v;
	}
	if (!wqtop_col__ascending(c))
		r = -r;
	if (sort_by.reverse)
		r = -r;
	if (r)
		return r;
	/* Stable ties: by source, then names and pool. */
	if (x->src != y->src)
		return x->src - y->src;
	r = strcmp(x->wq, y->wq);
	if (!r)
		r = strcmp(x->func, y->func);
	if (!r)
		r = strcmp(x->text, y->text);
	return r ? r : x->pool_id - y->pool_id;
}

/* Prefix of a source's rows: "" for the kernel, "demo:" for refwq:demo. */
static void src_label(const struct wqtop_data *d, int src, char *buf,
		      size_t len)
{
	const char *n;

	buf[0] = '\0';
	if (src < 0 || (size_t)src >= d->nr_src)
		return;
	n = d->src[src].name;
	if (!strcmp(n, "kernel"))
		return;
	if (!strncmp(n, "refwq:", 6))
		n += 6;
	snprintf(buf, len, "%s:", n);
}

static bool row_matches(const struct wqtop_data *d, const struct wqtop_row *r,
			const char *f)
{
	char label[WQ_SOURCE_LEN + 16];

	if (strcasestr(r->wq, f) || strcasestr(r->func, f) ||
	    strcasestr(r->text, f) || strcasestr(r->extra, f) ||
	    strcasestr(r->cgroup, f))
		return true;
	src_label(d, r->src, label, sizeof(label));
	return label[0] && strcasestr(label, f);
}

/* Tree: each workqueue heading, then its functions, both sorted. */
static int tree_order(struct wqtop_rows *o)
{
	struct wqtop_row *n = malloc((o->nr ? o->nr : 1) * sizeof(*n));
	size_t i, j, k = 0;

	if (!n)
		return -ENOMEM;
	for (i = 0; i < o->nr; i++) {
		const struct wqtop_row *g = &o->row[i];

		if (!g->group)
			continue;
		n[k++] = *g;
		for (j = 0; j < o->nr; j++)
			if (!o->row[j].group && o->row[j].src == g->src &&
			    !strcmp(o->row[j].wq, g->wq))
				n[k++] = o->row[j];
		/* The last child gets the closing branch. */
		if (!n[k - 1].group)
			n[k - 1].level = 2;
	}
	free(o->row);
	o->row = n;
	o->cap = o->nr;
	o->nr = k;
	return 0;
}

int wqtop_table__build(const struct wqtop_data *d, enum wqtop_view_id view,
		       const struct wqtop_table_opts *o,
		       struct wqtop_rows *out)
{
	struct wqtop_table_opts bo = *o;
	size_t i, k;
	int err;

	bo.tree = o->tree && wqtop_views[view].tree;
	out->nr = 0;
	err = wqtop_views[view].build(d, out, &bo);
	if (err)
		return err;
	out->label_w = 0;
	for (i = 0; i < out->nr; i++) {
		src_label(d, out->row[i].src, out->row[i].label,
			  sizeof(out->row[i].label));
		if ((int)strlen(out->row[i].label) > out->label_w)
			out->label_w = (int)strlen(out->row[i].label);
	}
	if (o->filter && o->filter[0]) {
		for (i = k = 0; i < out->nr; i++)
			if (row_matches(d, &out->row[i], o->filter) ||
			    out->row[i].group)
				out->row[k++] = out->row[i];
		out->nr = k;
	}
	sort_by.col = o->sort;
	sort_by.reverse = o->reverse;
	if (out->nr)
		qsort(out->row, out->nr, sizeof(out->row[0]), cmp_rows);
	if (bo.tree) {
		err = tree_order(out);
		if (err)
			return err;
		/* A heading whose functions were all filtered out goes. */
		for (i = k = 0; i < out->nr; i++)
			if (!out->row[i].group || !o->filter ||
			    !o->filter[0] ||
			    (i + 1 < out->nr && !out->row[i + 1].group) ||
			    row_matches(d, &out->row[i], o->filter))
				out->row[k++] = out->row[i];
		out->nr = k;
	}
	return 0;
}

/* The widest cell of text column @c over @rows, its title included. */
static int content_width(const struct wqtop_rows *rows, enum wqtop_col c)
{
	int w = (int)strlen(wqtop_columns[c].title);
	char cell[256];

	for (size_t i = 0; i < rows->nr; i++) {
		int n;

		wqtop_cell__format(&rows->row[i], c, cell, sizeof(cell));
		n = 0;
		for (const char *p = cell; *p; p++)	/* UTF-8: columns */
			n += ((unsigned char)*p & 0xc0) != 0x80;
		if (n > w)
			w = n;
	}
	return w;
}

/*
 * The room left (@extra columns) goes to the text columns whose cells are
 * cut, as htop and ps size theirs by content: each gets what its longest
 * cell needs when all fit, else a share in proportion to what it lacks.
 * The last column runs on past its width, so it asks for nothing.
 */
static void share_by_content(const struct wqtop_rows *rows,
			     const enum wqtop_col *col, int *width, int n,
			     int extra)
{
	int want[COL_NR] = { 0 }, total = 0, i;

	for (i = 0; i < n - 1; i++) {
		if (!col_text(col[i]))
			continue;
		want[i] = content_width(rows, col[i]) - width[i];
		if (want[i] < 0)
			want[i] = 0;
		total += want[i];
	}
	for (i = 0; i < n - 1 && total; i++) {
		int give = total <= extra ? want[i] :
			   (int)((long)want[i] * extra / total);

		width[i] += give;
	}
}

int wqtop_table__layout(enum wqtop_view_id view, int cols,
			const struct wqtop_rows *rows, enum wqtop_col *col,
			int *width, int max)
{
	const struct wqtop_view *v = &wqtop_views[view];
	int i, n = 0, used = 0, flex = -1;

	for (i = 0; i < v->nr_cols && n < max; i++) {
		if (cols < v->cols[i].min_cols)
			continue;
		col[n] = v->cols[i].col;
		width[n] = wqtop_columns[col[n]].width;
		/* "demo:12": a pool id behind its source's label. */
		if (col[n] == COL_POOL && rows && rows->label_w + 3 > width[n])
			width[n] = rows->label_w + 3;
		if (flex < 0 && col_text(col[n]) && width[n] >= 14)
			flex = n;
		used += width[n] + (n ? 1 : 0);
		n++;
	}
	if (used >= cols)
		return n;
	if (rows && rows->nr) {
		share_by_content(rows, col, width, n, cols - used);
		return n;
	}
	/* No rows to measure: the name column takes the room left. */
	if (flex >= 0) {
		int extra = cols - used;

		if (extra > 40)
			extra = 40;
		width[flex] += extra;
	}
	return n;
}

void wqtop_table__line(const struct wqtop_row *r, const enum wqtop_col *col,
		       const int *width, int n, char *buf, size_t len)
{
	char cell[128];
	size_t off = 0;
	int i, w;

	buf[0] = '\0';
	for (i = 0; i < n && off + 1 < len; i++) {
		if (r)
			wqtop_cell__format(r, col[i], cell, sizeof(cell));
		else
			snprintf(cell, sizeof(cell), "%s",
				 wqtop_columns[col[i]].title);
		w = width[i];
		/* Names are cut to their column; the last column runs on. */
		if (i < n - 1)
			wqtop_cell__fit(cell, sizeof(cell), w);
		off += snprintf(buf + off, len - off,
				col_text(col[i]) ? "%s%-*s" : "%s%*s",
				i ? " " : "", i == n - 1 && col_text(col[i]) ?
				0 : w, cell);
		if (off >= len)
			off = len - 1;
	}
}
