/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The terminal, owned by one module (htop's CRT.c): curses set-up and
 * teardown, colours by role, UTF-8 or ASCII glyphs.  Nothing else calls
 * initscr/endwin or chooses a colour pair.
 */
#ifndef WQTOP_CRT_H
#define WQTOP_CRT_H

#include <stdbool.h>

enum crt_color {
	CRT_DEFAULT, CRT_TITLE, CRT_COLHDR, CRT_COLHDR_SORT, CRT_SELECTED,
	CRT_OK, CRT_WARN, CRT_CRIT, CRT_DIM, CRT_FKEY, CRT_FLABEL,
	CRT_METER_LABEL, CRT_BAR, CRT_GROUP, CRT_TAB, CRT_TAB_ON, CRT_NR,
};

struct crt_opts {
	bool color;	/* false: --no-color, NO_COLOR, or a mono terminal */
	bool mouse;
	bool ascii;	/* force ASCII glyphs */
};

/* Return: 0, or -ENOTTY when the terminal cannot be driven (TERM=dumb). */
int crt__init(const struct crt_opts *o);
/* Restore the terminal; safe to call twice, and from a fatal signal. */
void crt__done(void);
int crt__attr(enum crt_color c);
bool crt__utf8(void);

/* Glyphs: a full bar cell, sparkline levels 0..7, a tree branch. */
const char *crt__bar(void);
const char *crt__spark(int level);

/* Is the terminal usable for curses?  (Not TERM=dumb, not unset.) */
bool crt__capable(void);

#endif /* WQTOP_CRT_H */
