// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for wqmond's web config (TLS and basic auth; make fuzz,
 * tests/fuzz/fuzz.mk): libyaml and every check of daemon/web_config.c, on
 * any bytes.  Beyond "no crash": what loads has users with names and bcrypt
 * hashes, TLS only with a certificate and a key, and an error is one line.
 * Files it names are read relative to the working directory (the corpus
 * names none that exist, so the certificate paths fail cleanly).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "web_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wqd_web_config *w;
	char err[512];

	if (wqd_web_config__parse(&w, (const char *)data, size, "fuzz",
				  "/nonexistent", err, sizeof(err))) {
		if (w || !memchr(err, '\0', sizeof(err)) || strchr(err, '\n'))
			abort();
		return 0;
	}
	if (w->tls && (!w->cert_pem || !w->key_pem))
		abort();
	for (size_t i = 0; i < w->nr_users; i++)
		if (!w->users[i].name[0] ||
		    strncmp(w->users[i].hash, "$2", 2) ||
		    strlen(w->users[i].hash) != 60)
			abort();
	wqd_web_config__free(w);
	return 0;
}
