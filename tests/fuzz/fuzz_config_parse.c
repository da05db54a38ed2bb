// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for wqmond's configuration parser (make fuzz;
 * tests/fuzz/fuzz.mk): libinih and every key's validation, on any bytes.
 * Beyond "no crash": what loads leaves NUL-terminated strings and a listen
 * address that is "none" or splits into host and port.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "config.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wqd_config base;
	static int ready;
	struct wqd_config c;
	char err[512], h[128], p[8];
	char *text;

	if (!ready) {
		wq_log__set_level(WQ_LOG_ERR);
		wqd_config__defaults(&base);
		ready = 1;
	}
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	c = base;
	if (!wqd_config__load_string(&c, text, "fuzz", err, sizeof(err))) {
		if (!memchr(c.listen, '\0', sizeof(c.listen)) ||
		    !memchr(c.kmod_path, '\0', sizeof(c.kmod_path)) ||
		    !memchr(c.alert_webhook, '\0', sizeof(c.alert_webhook)))
			abort();
		if (strcmp(c.listen, "none") &&
		    wqd_config__split_listen(c.listen, h, sizeof(h), p,
					     sizeof(p)))
			abort();
		if (c.alert_webhook[0] && wqd_config__check_url(c.alert_webhook))
			abort();
	} else if (!memchr(err, '\0', sizeof(err)) || strchr(err, '\n')) {
		abort();	/* one line */
	}
	free(text);
	return 0;
}
