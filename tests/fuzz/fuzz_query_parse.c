// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the HTTP API's query values (make fuzz,
 * tests/fuzz/fuzz.mk): daemon/query.c on any bytes, as libmicrohttpd hands
 * a decoded value over (up to the first NUL).  Beyond "no crash": a value
 * accepted is all digits, and prints back as the number it was read as.
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
	free(s);
	return 0;
}
