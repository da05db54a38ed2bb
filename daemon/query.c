// SPDX-License-Identifier: GPL-2.0
/* Query string values of the HTTP API (query.h). */
#include <errno.h>
#include <stdlib.h>

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
