/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What must hold on every snapshot of any source (kernel probes, refwq,
 * kmod), whatever the load: a violation is a wrong number, and names the
 * offending row.  Pure: no I/O, so every program and test can run it.
 *
 * Checked (docs/DESIGN.md, "Invariants"):
 *  - cumulative counters never go backwards between two snapshots of a
 *    source: the source's loss counters, each series' counts, histogram
 *    counts and sums;
 *  - no duration is longer than the time the machine has been up (a
 *    wrapped 2^64 ns value is caught here), and per series and kind the
 *    sum is within count x max and at least max;
 *  - latency samples never outnumber starts, run-time samples never
 *    outnumber completions;
 *  - in an interval view, no pool has more CPU time than its CPUs had:
 *    one for a per-CPU pool, the host's for an unbound one;
 *  - queuer rows never go backwards, and add up to no more than the
 *    series' items queued, seen started, wait and on-CPU time.
 */
#ifndef WQMON_INVARIANTS_H
#define WQMON_INVARIANTS_H

#include <stddef.h>

#include "model.h"

/*
 * Check @cur (cumulative), against @prev (the same source's previous
 * cumulative snapshot, or NULL) and @view (@cur - @prev, or NULL).  Each
 * violation is one line in @out (truncated to @len; may be NULL).
 * Return: the number of violations.
 */
int wq_invariants__check(const struct wq_snapshot *prev,
			 const struct wq_snapshot *cur,
			 const struct wq_snapshot *view, char *out, size_t len);

#endif
