/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The queuer rows of a snapshot (model.h declares what faces use): the
 * parts model.c calls when it takes an interval, copies or sorts.
 */
#ifndef WQMON_QUEUERS_H
#define WQMON_QUEUERS_H

#include "model.h"

/* Append @cur's queuer rows less @prev's to @out, idle rows left out.
 * Return: 0, or -ENOMEM. */
int wq_queuers__delta(struct wq_snapshot *out, const struct wq_snapshot *cur,
		      const struct wq_snapshot *prev);

/* Canonical order: by series, then context, cgroup path, comm. */
void wq_queuers__sort(struct wq_snapshot *s);

/* Sort, and fold rows of equal keys into one (wq_queuer__add). */
void wq_queuers__coalesce(struct wq_snapshot *s);

#endif /* WQMON_QUEUERS_H */
