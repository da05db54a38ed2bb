// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the HTTP API's query values (make fuzz,
 * tests/fuzz/fuzz.mk): daemon/query.c on any bytes, as libmicrohttpd hands
 * a decoded value over (up to the first NUL).  Beyond "no crash": a value
 * accepted is all digits, and prints back as the number it was read as;
 * a ?top= accepted is 1..WQD_QUERY_TOP_MAX, a ?pool= an optional "-" and
 * digits that print back as the id, a ?order= one of the two names.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), back[32];
	uint64_t ns = 0;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (!wqd_query__since(s, &ns)) {
		if (!s[0] || strspn(s, "0123456789") != strlen(s))
			abort();
		const char *digits = s + strspn(s, "0");

		/* The same number, but for leading zeros. */
		snprintf(back, sizeof(back), "%" PRIu64, ns);
		if (ns ? strcmp(back, digits) : *digits != '\0')
			abort();
	}
	{
		enum wq_qorder o;
		int32_t id;
		size_t k;

		if (!wqd_query__top(s, &k) &&
		    (!k || k > WQD_QUERY_TOP_MAX || wqd_query__since(s, &ns)))
			abort();
		if (!wqd_query__pool(s, &id)) {
			const char *d = s + (s[0] == '-');

			if (!*d || strspn(d, "0123456789") != strlen(d))
				abort();
			snprintf(back, sizeof(back), "%" PRId32, id);
			d += strspn(d, "0");
			if (*d && strcmp(back + (back[0] == '-'), d))
				abort();
		}
		if (!wqd_query__order(s, &o) && strcmp(s, "cpu") &&
		    strcmp(s, "queued"))
			abort();
	}
	free(s);
	return 0;
}
