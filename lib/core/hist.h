/* SPDX-License-Identifier: GPL-2.0 */
/*
 * log2 histograms of nanoseconds (struct wq_hist, lib/core/model.h), bucketed as
 * the BPF side does (bpf/wqmon.h): slot i counts values in [2^i, 2^(i+1)),
 * slot 0 also counts 0, the last slot counts everything >= 2^(SLOTS-1).
 *
 * Error bound: a histogram only knows which slot a value fell into, so any
 * value derived from it (a percentile) is exact only up to its slot: for
 * slot i >= 1 the estimate and the true value both lie in [2^i, 2^(i+1)),
 * i.e. they are within a factor of 2 of each other; in slot 0 they are
 * within 2 ns.  The last slot is open-ended: estimates there are bounded by
 * the recorded maximum (max_ns) when one is given.
 */
#ifndef WQMON_HIST_H
#define WQMON_HIST_H

#include <stdint.h>
#include "model.h"

unsigned int wq_hist__slot(uint64_t ns);

/* Smallest value counted in @slot. */
uint64_t wq_hist__lower(unsigned int slot);
/* First value above @slot (exclusive bound); UINT64_MAX for the last slot,
 * which has none. */
uint64_t wq_hist__upper(unsigned int slot);

uint64_t wq_hist__count(const struct wq_hist *h);
void wq_hist__add(struct wq_hist *dst, const struct wq_hist *src);
/* @out = @a - @b slot by slot, 0 where @b is larger (a counter reset). */
void wq_hist__sub(struct wq_hist *out, const struct wq_hist *a,
		  const struct wq_hist *b);

/*
 * Estimate the @num/@den quantile in ns with integer math only (what a
 * kernel-side emitter of the text format would use): find the slot holding
 * the ceil(count * num / den)-th value and interpolate linearly inside it,
 * as if its values were spread evenly.  The last slot is taken to end at
 * @max_ns (or 2^SLOTS when @max_ns is 0), and the result never exceeds a
 * non-zero @max_ns.
 * Return: the estimate, 0 for an empty histogram or a zero @den.
 */
uint64_t wq_hist__quantile(const struct wq_hist *h, uint64_t num, uint64_t den,
			   uint64_t max_ns);

/*
 * The same for @q (0 <= q <= 1, clamped), rounded to millionths.
 */
uint64_t wq_hist__percentile(const struct wq_hist *h, double q,
			     uint64_t max_ns);

#endif /* WQMON_HIST_H */
