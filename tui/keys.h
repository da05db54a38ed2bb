/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wqtop's keys as one table (htop's Action.c): each binding names its key
 * codes, the small action they run, its F-key bar label and its help line.
 * The key handler dispatches through the table, and the footer and the
 * help screen are drawn from it, so the three cannot drift.  No curses
 * calls here (only its key codes): the unit tests link it.
 */
#ifndef WQTOP_KEYS_H
#define WQTOP_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "ui.h"

#define KEY_ESC 27
/* The F-key bar: F1 to F10, as htop. */
#define WQTOP_NFKEYS 10
/* Key codes of one binding, at most; the list ends at a 0. */
#define WQTOP_BINDING_KEYS 8

/* What the event loop does after a key (it redraws every time anyway). */
enum wqtop_reaction {
	REACT_DRAW,
	REACT_CLEAR,	/* clear the terminal first: Ctrl-L */
	REACT_QUIT,
};

struct wqtop_binding {
	int keys[WQTOP_BINDING_KEYS + 1];	/* 0-terminated, help order */
	enum wqtop_reaction (*action)(struct ui *ui, int ch);
	const char *flabel;	/* on the F-key bar; NULL: not there */
	const char *flabel_on;	/* instead, while on() (Pause -> Go) */
	bool (*on)(const struct ui *ui);
	const char *help;	/* the help screen's line */
};

extern const struct wqtop_binding wqtop_bindings[];
extern const size_t wqtop_nr_bindings;

/* A key in the table view, or in a mode (help, detail, sort chooser, a
 * line being typed).  Mouse and resize are the event loop's. */
enum wqtop_reaction wqtop_keys__handle(struct ui *ui, int ch);
/* The binding of @ch in the table view, or NULL. */
const struct wqtop_binding *wqtop_keys__find(int ch);
/* The binding on the bar for F-key @n (1..WQTOP_NFKEYS), or NULL. */
const struct wqtop_binding *wqtop_keys__fkey(int n);
/* Its bar label as @ui stands. */
const char *wqtop_binding__flabel(const struct wqtop_binding *b,
				  const struct ui *ui);
/* "h ? F1", "1-5", "Enter F3": the names of @b's keys, for the help. */
void wqtop_binding__keys(const struct wqtop_binding *b, char *buf,
			 size_t len);
/* "F6", "Tab", "Ctrl-L", "q". */
void wqtop_key__name(int ch, char *buf, size_t len);

/* State changes the mouse shares with the keys. */
void ui__set_view(struct ui *ui, enum wqtop_view_id v);
void ui__move_sel(struct ui *ui, long delta);
void ui__open_detail(struct ui *ui);
/* Sort by @c; by the same column again: reverse. */
void ui__sort_by(struct ui *ui, enum wqtop_col c);

#endif /* WQTOP_KEYS_H */
