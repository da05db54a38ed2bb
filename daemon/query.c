// SPDX-License-Identifier: GPL-2.0
/* Query string values of the HTTP API (query.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

int wqd_query__since(const char *s, uint64_t *ns)
{
	unsigned long long v;
	char *end;

	/* strtoull alone would also take blanks, a sign and wrap "-1". */
	if (!s || s[0] < '0' || s[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*ns = v;
	return 0;
}

int wqd_query__top(const char *s, size_t *k)
{
	uint64_t v;

	if (wqd_query__since(s, &v) || !v || v > WQD_QUERY_TOP_MAX)
		return -EINVAL;
	*k = (size_t)v;
	return 0;
}

int wqd_query__order(const char *s, enum wq_qorder *o)
{
	if (s && !strcmp(s, "cpu"))
		*o = WQ_QORDER_CPU;
	else if (s && !strcmp(s, "queued"))
		*o = WQ_QORDER_QUEUED;
	else
		return -EINVAL;
	return 0;
}

int wqd_query__pool(const char *s, int32_t *id)
{
	uint64_t v;
	bool neg = s && s[0] == '-';

	if (!s || wqd_query__since(s + neg, &v) ||
	    v > (neg ? (uint64_t)INT32_MAX + 1 : (uint64_t)INT32_MAX))
		return -EINVAL;
	*id = neg ? (int32_t)(-(int64_t)v) : (int32_t)v;
	return 0;
}

int wqd_query__slow(struct wqd_slow_query *q, bool stream, const char *key,
		    const char *value, char *err, size_t errlen)
{
	uint64_t v;

	if (!value) {
		snprintf(err, errlen, "'%s' needs a value, e.g. ?%s=...", key,
			 key);
		return -EINVAL;
	}
	if (!strcmp(key, "workqueue") || !strcmp(key, "function"))
		return wq_slow_filter__set(&q->filter, key, value, err, errlen);
	if (!stream && !strcmp(key, "limit")) {
		if (wqd_query__since(value, &v) || !v || v > WQ_SLOW_KEEP_MAX) {
			snprintf(err, errlen, "bad limit '%s': give 1 to %d",
				 value, WQ_SLOW_KEEP_MAX);
			return -EINVAL;
		}
		q->limit = (size_t)v;
		return 0;
	}
	if (stream && !strcmp(key, "after")) {
		if (wqd_query__since(value, &q->after)) {
			snprintf(err, errlen, "bad after '%s': give the seq of "
				 "the last record you have, e.g. ?after=0",
				 value);
			return -EINVAL;
		}
		q->have_after = true;
		return 0;
	}
	snprintf(err, errlen, "unknown parameter '%s': give %s", key,
		 stream ? "workqueue, function or after" :
			  "limit, workqueue or function");
	return -EINVAL;
}
