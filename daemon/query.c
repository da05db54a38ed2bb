// SPDX-License-Identifier: GPL-2.0
/* Query string values of the HTTP API (query.h). */
#include <errno.h>
#include <limits.h>
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
