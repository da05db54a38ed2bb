/* SPDX-License-Identifier: GPL-2.0 */
/* What wqmond does with stalls: keep them, log them, read the kernel's. */
#ifndef WQMOND_STALLS_H
#define WQMOND_STALLS_H

#include "state.h"

int wqd_stalls__init(struct wqd_state *st);
void wqd_stalls__exit(struct wqd_state *st);
/* After a snapshot of @s (lock held): start, update, resolve. */
void wqd_stalls__check(struct wqd_state *st, const struct wqd_source *s,
		       const struct wq_snapshot *view);
/* @source went away (lock held). */
void wqd_stalls__forget(struct wqd_state *st, const char *source);
/* Read what the kernel reported since the last call (takes the lock). */
void wqd_stalls__read_kmsg(struct wqd_state *st);

#endif
