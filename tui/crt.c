// SPDX-License-Identifier: GPL-2.0
/*
 * Terminal ownership: wqtop draws with ncursesw so that UTF-8 bars and
 * sparklines take one cell each; on a terminal or locale without UTF-8 the
 * same screens are drawn in ASCII.
 */
#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <ncurses.h>
#include <stdlib.h>
#include <string.h>

#include "crt.h"

extern bool wqtop_utf8;

static bool active;
static int attrs[CRT_NR];

static const char *const spark_utf8[8] = {
	"\u2581", "\u2582", "\u2583", "\u2584",
	"\u2585", "\u2586", "\u2587", "\u2588",
};
static const char *const spark_ascii[8] = {
	"_", ".", ",", ":", "-", "=", "+", "#",
};

bool crt__capable(void)
{
	const char *t = getenv("TERM");

	return t && *t && strcmp(t, "dumb") && strcmp(t, "unknown");
}

static void set_colors(bool color)
{
	static const struct {
		short fg, bg;
		int extra;
		int mono;
	} def[CRT_NR] = {
		[CRT_DEFAULT] = { -1, -1, 0, A_NORMAL },
		[CRT_TITLE] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
		[CRT_COLHDR] = { COLOR_BLACK, COLOR_GREEN, 0, A_REVERSE },
		[CRT_COLHDR_SORT] = { COLOR_BLACK, COLOR_CYAN, A_BOLD,
				      A_REVERSE | A_BOLD },
		[CRT_SELECTED] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
		[CRT_OK] = { COLOR_GREEN, -1, 0, A_NORMAL },
		[CRT_WARN] = { COLOR_YELLOW, -1, A_BOLD, A_UNDERLINE },
		[CRT_CRIT] = { COLOR_RED, -1, A_BOLD, A_BOLD },
		[CRT_DIM] = { COLOR_BLUE, -1, A_BOLD, A_DIM },
		[CRT_FKEY] = { -1, -1, 0, A_NORMAL },
		[CRT_FLABEL] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
		[CRT_METER_LABEL] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
		[CRT_BAR] = { COLOR_GREEN, -1, 0, A_NORMAL },
		[CRT_GROUP] = { COLOR_CYAN, -1, A_BOLD, A_BOLD },
		[CRT_TAB] = { -1, -1, 0, A_NORMAL },
		[CRT_TAB_ON] = { COLOR_BLACK, COLOR_GREEN, A_BOLD, A_REVERSE },
	};
	int i;

	for (i = 0; i < CRT_NR; i++) {
		if (!color) {
			attrs[i] = def[i].mono;
			continue;
		}
		if (def[i].fg == -1 && def[i].bg == -1) {
			attrs[i] = def[i].extra;
			continue;
		}
		init_pair(i, def[i].fg, def[i].bg);
		attrs[i] = COLOR_PAIR(i) | def[i].extra;
	}
}

int crt__init(const struct crt_opts *o)
{
	const char *cs;

	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	wqtop_utf8 = !o->ascii && cs && !strcmp(cs, "UTF-8");
	if (!crt__capable())
		return -ENOTTY;
	if (!newterm(NULL, stdout, stdin))
		return -ENOTTY;
	active = true;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	/* Esc alone must not wait a second for a sequence that never comes. */
	set_escdelay(25);
	if (o->color && has_colors()) {
		start_color();
		use_default_colors();
		set_colors(true);
	} else {
		set_colors(false);
	}
	if (o->mouse)
		mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED |
				  BUTTON5_PRESSED | BUTTON1_DOUBLE_CLICKED,
			  NULL);
	return 0;
}

void crt__done(void)
{
	if (!active)
		return;
	active = false;
	curs_set(1);
	endwin();
}

int crt__attr(enum crt_color c)
{
	return attrs[c];
}

bool crt__utf8(void)
{
	return wqtop_utf8;
}

const char *crt__bar(void)
{
	return wqtop_utf8 ? "\u2588" : "#";
}

const char *crt__spark(int level)
{
	if (level < 0)
		level = 0;
	if (level > 7)
		level = 7;
	return wqtop_utf8 ? spark_utf8[level] : spark_ascii[level];
}
