/* SPDX-License-Identifier: GPL-2.0 */
/* Query string values of the HTTP API (docs/API.md), parsed purely. */
#ifndef WQMOND_QUERY_H
#define WQMOND_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "model.h"
#include "slow.h"

/* Most rows ?top= asks of /api/v1/queuers. */
#define WQD_QUERY_TOP_MAX 1000

/* ?since=MONO_NS: decimal digits only (no blank, sign or base prefix),
 * within 64 bits.  Return: 0 with *@ns set, or -EINVAL. */
int wqd_query__since(const char *s, uint64_t *ns);

/* ?top=K: decimal digits, 1..WQD_QUERY_TOP_MAX.
 * Return: 0 with *@k set, or -EINVAL. */
int wqd_query__top(const char *s, size_t *k);

/* ?order=cpu|queued.  Return: 0 with *@o set, or -EINVAL. */
int wqd_query__order(const char *s, enum wq_qorder *o);

/* ?pool=P: a decimal 32-bit integer, "-" allowed (unbound pools of some
 * sources).  Return: 0 with *@id set, or -EINVAL. */
int wqd_query__pool(const char *s, int32_t *id);
/* The query of /api/v1/slow and /api/v1/slow/stream. */
struct wqd_slow_query {
	struct wq_slow_filter filter;
	size_t limit;		/* /api/v1/slow: at most this many (100) */
	uint64_t after;		/* stream: resume after this seq */
	bool have_after;
};

#define WQD_SLOW_LIMIT_DEFAULT 100

/* One parameter @key=@value (@value NULL: given bare): limit, workqueue,
 * function, and for the stream after.  Return: 0, or -EINVAL with one
 * line in @err. */
int wqd_query__slow(struct wqd_slow_query *q, bool stream, const char *key,
		    const char *value, char *err, size_t errlen);

#endif
