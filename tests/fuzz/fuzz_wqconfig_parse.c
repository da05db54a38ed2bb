// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for wq_config__from_json (make fuzz; tests/fuzz/
 * fuzz.mk): a daemon's /api/v1/config as wqtop reads it.  No crash, and
 * whatever parses renders to a document that parses back to the same one.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "wqconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wq_config c = { 0 }, back = { 0 };
	struct json_object *j1 = NULL, *j2 = NULL;
	char *doc = malloc(size + 1), *a = NULL, err[128];

	if (!doc)
		return 0;
	memcpy(doc, data, size);
	doc[size] = '\0';
	if (wq_config__from_json(doc, &c, err, sizeof(err)))
		goto out;
	j1 = wq_config__to_json(&c);
	if (!j1)
		abort();
	a = strdup(json_object_to_json_string(j1));
	if (!a || wq_config__from_json(a, &back, err, sizeof(err))) {
		fprintf(stderr, "its own rendering does not parse: %s\n", err);
		abort();
	}
	j2 = wq_config__to_json(&back);
	if (!j2 || strcmp(a, json_object_to_json_string(j2))) {
		fprintf(stderr, "render is not stable:\n%s\n", a);
		abort();
	}
out:
	json_object_put(j1);
	json_object_put(j2);
	free(a);
	free(doc);
	wq_config__free(&c);
	wq_config__free(&back);
	return 0;
}
