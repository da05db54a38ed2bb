// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for wq_json__parse (make fuzz; tests/fuzz/fuzz.mk):
 * no crash, and whatever parses renders to JSON that parses back to the
 * same rendering; its queuers rank and render (wqmon-queuers) too.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wq_snapshot *s = wq_snapshot__new("fuzz");
	char *doc = malloc(size + 1), *a = NULL, *b = NULL, *q;
	struct wq_queuer_sel sel = {
		.order = size & 1 ? WQ_QORDER_QUEUED : WQ_QORDER_CPU,
		.top = size % 5,
	};

	if (!s || !doc)
		goto out;
	memcpy(doc, data, size);
	doc[size] = '\0';
	if (wq_json__parse(s, doc))
		goto out;
	a = wq_json__render(s, 0);
	if (!a || wq_json__parse(s, a))
		abort();
	b = wq_json__render(s, 0);
	if (!b || strcmp(a, b)) {
		fprintf(stderr, "render is not stable:\n%s\n---\n%s\n", a, b);
		abort();
	}
	if (s->nr_queuers) {
		sel.workqueue = size & 2 ? s->queuers[0].workqueue : NULL;
		sel.has_pool = size & 4;
		sel.pool_id = s->queuers[0].pool_id;
	}
	q = wq_json__render_queuers(s, &sel, true, 0);
	if (!q)
		abort();
	free(q);
out:
	free(a);
	free(b);
	free(doc);
	wq_snapshot__free(s);
	return 0;
}
