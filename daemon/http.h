/* SPDX-License-Identifier: GPL-2.0 */
/* wqmond's HTTP API (docs/API.md) on TCP and on the local socket. */
#ifndef WQMOND_HTTP_H
#define WQMOND_HTTP_H

#include "state.h"

struct wqd_http;

/* Listen on cfg.listen and cfg.socket_path.  Return: 0 or -errno, with a
 * one-line reason logged. */
int wqd_http__start(struct wqd_http **out, struct wqd_state *st);
void wqd_http__stop(struct wqd_http *h);

/* Load and check both web config files (web_config.h), as --check-config
 * does.  Return: 0, or -errno with the reason logged. */
int wqd_http__check_web_configs(const char *web_config,
				const char *socket_web_config);
/*
 * A reload: the listeners take the web config files' new certificates,
 * client CAs and passwords; clients already connected finish with the old
 * ones.  On an error nothing changes.  Return: 0, or -errno (logged).
 */
int wqd_http__reload(struct wqd_http *h, struct wqd_state *st,
		     const char *web_config, const char *socket_web_config);
/* The slow-record streams look for new records, and send their
 * keep-alive or end; from the main loop, at least once a second. */
void wqd_http__slow_wake(struct wqd_http *h);
/* Stop the retired daemons whose clients have gone; from the main loop. */
void wqd_http__tick(struct wqd_http *h);

/* Pure helpers, visible for testing. */
const char *wqd_http__mime(const char *path);
/* Does an Accept header ask for OpenMetrics? */
int wqd_http__wants_openmetrics(const char *accept);

#endif
