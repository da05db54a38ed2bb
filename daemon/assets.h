/* SPDX-License-Identifier: GPL-2.0 */
/* The web dashboard, embedded at build time (scripts/embed-assets.sh). */
#ifndef WQMOND_ASSETS_H
#define WQMOND_ASSETS_H

#include <stddef.h>

struct wqd_asset {
	const char *path;	/* "/index.html", "/app.js", ... */
	const unsigned char *data;
	size_t len;
};

/* Terminated by an entry with a NULL path. */
extern const struct wqd_asset wqd_assets[];

#endif
