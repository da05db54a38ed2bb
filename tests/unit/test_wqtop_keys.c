// SPDX-License-Identifier: GPL-2.0
/*
 * wqtop's key table (tui/keys.c): every binding has keys, an action and a
 * help line; no key is bound twice; F1..F10 are each on the bar once; the
 * help names the keys from their codes; and keys do what the help says,
 * through the same table the handler uses.
 */
#include <ncurses.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ttydefaults.h>
#include <cmocka.h>

#include "keys.h"

static int nr_keys(const struct wqtop_binding *b)
{
	int k = 0;

	while (k < WQTOP_BINDING_KEYS && b->keys[k])
		k++;
	return k;
}

static void test_every_binding_complete(void **state)
{
	(void)state;
	assert_true(wqtop_nr_bindings > 0);
	for (size_t i = 0; i < wqtop_nr_bindings; i++) {
		const struct wqtop_binding *b = &wqtop_bindings[i];

		assert_true(nr_keys(b) > 0);
		/* The list ends in a 0 even when full. */
		assert_int_equal(b->keys[WQTOP_BINDING_KEYS], 0);
		assert_non_null(b->action);
		assert_non_null(b->help);
		assert_true(strlen(b->help) > 3);
		/* A toggled label needs its state, and the reverse. */
		assert_int_equal(!b->on, !b->flabel_on);
		if (b->flabel_on)
			assert_non_null(b->flabel);
	}
}

/* One key, one action: a key in two bindings would run the first only,
 * and the help would promise the second. */
static void test_no_key_twice(void **state)
{
	(void)state;
	for (size_t i = 0; i < wqtop_nr_bindings; i++) {
		const struct wqtop_binding *a = &wqtop_bindings[i];

		for (int k = 0; k < nr_keys(a); k++) {
			int n = 0;

			for (size_t j = 0; j < wqtop_nr_bindings; j++) {
				const struct wqtop_binding *b =
					&wqtop_bindings[j];

				for (int l = 0; l < nr_keys(b); l++)
					n += b->keys[l] == a->keys[k];
			}
			assert_int_equal(n, 1);
			assert_ptr_equal(wqtop_keys__find(a->keys[k]), a);
		}
	}
}

/* The bar shows F1..F10 with the labels users know, each F-key the only
 * one of its binding (a label names one key). */
static void test_fkey_bar(void **state)
{
	static const char *const want[WQTOP_NFKEYS + 1] = {
		NULL, "Help", "View", "Drill", "Filter", "Tree", "Sort",
		"Delay-", "Delay+", "Pause", "Quit",
	};
	struct ui ui;

	(void)state;
	memset(&ui, 0, sizeof(ui));
	for (int n = 1; n <= WQTOP_NFKEYS; n++) {
		const struct wqtop_binding *b = wqtop_keys__fkey(n);
		int f = 0;

		assert_non_null(b);
		assert_string_equal(wqtop_binding__flabel(b, &ui), want[n]);
		for (int k = 0; k < nr_keys(b); k++)
			f += b->keys[k] >= KEY_F(1) && b->keys[k] <= KEY_F(63);
		assert_int_equal(f, 1);
	}
	/* A label with no F-key would never be drawn. */
	for (size_t i = 0; i < wqtop_nr_bindings; i++) {
		const struct wqtop_binding *b = &wqtop_bindings[i];
		int n = 0;

		for (int k = 0; k < nr_keys(b); k++)
			if (b->keys[k] >= KEY_F(1) &&
			    b->keys[k] <= KEY_F(WQTOP_NFKEYS))
				n = b->keys[k] - KEY_F0;
		if (b->flabel)
			assert_ptr_equal(wqtop_keys__fkey(n), b);
	}
	assert_null(wqtop_keys__fkey(11));
	/* Paused, F9 says what it will do. */
	ui.paused = true;
	assert_string_equal(wqtop_binding__flabel(wqtop_keys__fkey(9), &ui),
			    "Go");
}

static const char *keys_of(int ch)
{
	static char buf[64];

	wqtop_binding__keys(wqtop_keys__find(ch), buf, sizeof(buf));
	return buf;
}

/* The help's key column, named from the codes the handler matches. */
static void test_key_names(void **state)
{
	(void)state;
	assert_string_equal(keys_of('h'), "h ? F1");
	assert_string_equal(keys_of('3'), "1-7");
	/* Enter is three codes, named once. */
	assert_string_equal(keys_of('\n'), "Enter F3");
	assert_string_equal(keys_of('\t'), "Tab F2 Shift-Tab");
	assert_string_equal(keys_of(' '), "space z F9");
	assert_string_equal(keys_of(CTRL('l')), "Ctrl-L");
	assert_string_equal(keys_of(KEY_ESC), "Esc");
	assert_string_equal(keys_of('<'), "< > , .");
}

static void ui_init(struct ui *ui, struct wqtop_row *rows, size_t nr)
{
	memset(ui, 0, sizeof(*ui));
	for (int v = 0; v < VIEW_NR; v++)
		ui->topt[v].sort = wqtop_views[v].sort;
	ui->view = VIEW_FUNCTIONS;
	ui->delay_s = 1;
	ui->rows.row = rows;
	ui->rows.nr = ui->rows.cap = nr;
	ui->table_h = 4;
}

static enum wqtop_reaction press(struct ui *ui, const char *keys)
{
	enum wqtop_reaction r = REACT_DRAW;

	for (; *keys; keys++)
		r = wqtop_keys__handle(ui, *keys);
	return r;
}

static void test_views_and_tree(void **state)
{
	struct ui ui;

	(void)state;
	ui_init(&ui, NULL, 0);
	press(&ui, "5");
	assert_int_equal(ui.view, VIEW_STALLS);
	press(&ui, "6");
	assert_int_equal(ui.view, VIEW_CONFIG);
	press(&ui, "7");
	assert_int_equal(ui.view, VIEW_QUEUERS);
	/* Tab wraps around; Shift-Tab goes back. */
	wqtop_keys__handle(&ui, '\t');
	assert_int_equal(ui.view, VIEW_POOLS);
	wqtop_keys__handle(&ui, KEY_BTAB);
	assert_int_equal(ui.view, VIEW_QUEUERS);
	wqtop_keys__handle(&ui, KEY_F(2));
	assert_int_equal(ui.view, VIEW_POOLS);
	/* t where there is no tree: the functions view, as a tree. */
	press(&ui, "t");
	assert_int_equal(ui.view, VIEW_FUNCTIONS);
	assert_true(ui.topt[VIEW_FUNCTIONS].tree);
	wqtop_keys__handle(&ui, KEY_F(5));
	assert_false(ui.topt[VIEW_FUNCTIONS].tree);
}

static void test_sort_keys(void **state)
{
	struct ui ui;
	const struct wqtop_view *v = &wqtop_views[VIEW_FUNCTIONS];
	struct wqtop_table_opts *t;

	(void)state;
	ui_init(&ui, NULL, 0);
	t = &ui.topt[VIEW_FUNCTIONS];
	press(&ui, "r");
	assert_true(t->reverse);
	press(&ui, "I");
	assert_false(t->reverse);
	/* '>' moves to the column right of the sort column, in its
	 * natural order; '<' back. */
	press(&ui, "r>");
	assert_int_equal(t->sort, v->cols[4].col);	/* after QUEUED/s */
	assert_false(t->reverse);
	press(&ui, "<");
	assert_int_equal(t->sort, COL_RATE);
	/* The chooser opens on the sort column; Enter on another picks
	 * it. */
	press(&ui, "s");
	assert_int_equal(ui.mode, MODE_SORT);
	assert_int_equal(v->cols[ui.sort_sel].col, COL_RATE);
	wqtop_keys__handle(&ui, KEY_DOWN);
	press(&ui, "\n");
	assert_int_equal(ui.mode, MODE_TABLE);
	assert_int_equal(t->sort, v->cols[4].col);
	/* Sorting by a column twice reverses it. */
	ui__sort_by(&ui, COL_LAT_P99);
	assert_false(t->reverse);
	ui__sort_by(&ui, COL_LAT_P99);
	assert_true(t->reverse);
}

static void test_filter_keys(void **state)
{
	struct ui ui;

	(void)state;
	ui_init(&ui, NULL, 0);
	/* Filter as you type; Enter keeps it. */
	press(&ui, "/ab");
	assert_int_equal(ui.mode, MODE_FILTER);
	assert_string_equal(ui.filter, "ab");
	press(&ui, "\n");
	assert_int_equal(ui.mode, MODE_TABLE);
	assert_string_equal(ui.filter, "ab");
	/* Esc while typing cancels to no filter; in the table, clears. */
	press(&ui, "\\c");
	assert_string_equal(ui.filter, "abc");
	wqtop_keys__handle(&ui, KEY_ESC);
	assert_int_equal(ui.mode, MODE_TABLE);
	assert_string_equal(ui.filter, "");
	press(&ui, "/x\n");
	wqtop_keys__handle(&ui, KEY_ESC);
	assert_string_equal(ui.filter, "");
}

static void test_delay_pause_quit(void **state)
{
	struct ui ui;

	(void)state;
	ui_init(&ui, NULL, 0);
	press(&ui, "+");
	assert_true(ui.delay_s == 2.0);
	press(&ui, "--");
	assert_true(ui.delay_s == 0.5);
	wqtop_keys__handle(&ui, KEY_F(8));
	assert_true(ui.delay_s == 1.0);
	/* Typed: a value out of range is ignored. */
	press(&ui, "d2.5\n");
	assert_true(ui.delay_s == 2.5);
	press(&ui, "d9999\n");
	assert_true(ui.delay_s == 2.5);
	press(&ui, " ");
	assert_true(ui.paused);
	press(&ui, "z");
	assert_false(ui.paused);
	assert_int_equal(wqtop_keys__handle(&ui, CTRL('l')), REACT_CLEAR);
	/* An unbound key does nothing. */
	assert_int_equal(press(&ui, "x"), REACT_DRAW);
	assert_int_equal(ui.mode, MODE_TABLE);
	/* Help: any key returns, q and F10 too (as htop); only the table
	 * quits. */
	press(&ui, "h");
	assert_int_equal(ui.mode, MODE_HELP);
	press(&ui, "x");
	assert_int_equal(ui.mode, MODE_TABLE);
	assert_int_equal(press(&ui, "?q"), REACT_DRAW);
	assert_int_equal(ui.mode, MODE_TABLE);
	press(&ui, "?");
	assert_int_equal(wqtop_keys__handle(&ui, KEY_F(10)), REACT_DRAW);
	assert_int_equal(ui.mode, MODE_TABLE);
	assert_int_equal(press(&ui, "q"), REACT_QUIT);
	assert_int_equal(wqtop_keys__handle(&ui, KEY_F(10)), REACT_QUIT);
}

static void test_selection_and_drill(void **state)
{
	struct wqtop_row rows[10];
	struct ui ui;

	(void)state;
	memset(rows, 0, sizeof(rows));
	for (int i = 0; i < 10; i++)
		snprintf(rows[i].func, sizeof(rows[i].func), "f%d", i);
	ui_init(&ui, rows, 10);
	press(&ui, "jj");
	assert_int_equal(ui.sel, 2);
	press(&ui, "k");
	assert_int_equal(ui.sel, 1);
	/* A page is the table's height less one. */
	wqtop_keys__handle(&ui, KEY_NPAGE);
	assert_int_equal(ui.sel, 4);
	wqtop_keys__handle(&ui, KEY_END);
	assert_int_equal(ui.sel, 9);
	press(&ui, "j");
	assert_int_equal(ui.sel, 9);
	wqtop_keys__handle(&ui, KEY_HOME);
	assert_int_equal(ui.sel, 0);
	wqtop_keys__handle(&ui, KEY_UP);
	assert_int_equal(ui.sel, 0);
	/* Enter drills into the selected row; Down there moves on. */
	wqtop_keys__handle(&ui, KEY_ENTER);
	assert_int_equal(ui.mode, MODE_DETAIL);
	assert_string_equal(ui.detail.func, "f0");
	wqtop_keys__handle(&ui, KEY_DOWN);
	assert_int_equal(ui.mode, MODE_DETAIL);
	assert_string_equal(ui.detail.func, "f1");
	press(&ui, "x");
	assert_int_equal(ui.mode, MODE_TABLE);
	/* q closes the drill-down, it does not quit. */
	wqtop_keys__handle(&ui, KEY_ENTER);
	assert_int_equal(press(&ui, "q"), REACT_DRAW);
	assert_int_equal(ui.mode, MODE_TABLE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_binding_complete),
		cmocka_unit_test(test_no_key_twice),
		cmocka_unit_test(test_fkey_bar),
		cmocka_unit_test(test_key_names),
		cmocka_unit_test(test_views_and_tree),
		cmocka_unit_test(test_sort_keys),
		cmocka_unit_test(test_filter_keys),
		cmocka_unit_test(test_delay_pause_quit),
		cmocka_unit_test(test_selection_and_drill),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
