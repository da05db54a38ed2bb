// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for wq_text__parse (make fuzz; tests/fuzz/fuzz.mk).
 * Beyond "no crash": whatever parses must render to text that parses back
 * and renders to the same bytes, the property the unit tests check on
 * generated snapshots: v2 and v3, the queuers and config sections included
 * (wq_text__parse_config).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "text.h"

static char *render(const struct wq_snapshot *s, const struct wq_config *c,
		    size_t *len)
{
	struct wq_text_opts o = {.config = c->nr_cpus ? c : NULL};
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f || wq_text__render(s, f, &o) || fclose(f))
		abort();
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wq_snapshot *s = wq_snapshot__new("fuzz");
	struct wq_config c = {0};
	char err[256];
	char *a, *b;
	size_t alen, blen;

	if (!s)
		return 0;
	if (wq_text__parse_config(s, &c, (const char *)data, size, err,
				  sizeof(err))) {
		/* Every error says where. */
		if (strncmp(err, "line ", 5))
			abort();
		wq_snapshot__free(s);
		return 0;
	}
	a = render(s, &c, &alen);
	if (wq_text__parse_config(s, &c, a, alen, err, sizeof(err))) {
		fprintf(stderr, "re-parse failed: %s\n%s", err, a);
		abort();
	}
	b = render(s, &c, &blen);
	if (alen != blen || memcmp(a, b, alen)) {
		fprintf(stderr, "render is not stable:\n%s---\n%s", a, b);
		abort();
	}
	free(a);
	free(b);
	wq_config__free(&c);
	wq_snapshot__free(s);
	return 0;
}
