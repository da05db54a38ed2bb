/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal HTTP/1.1 GET client for wqmond's API (docs/API.md): over TCP
 * ("http://host:port") or a local socket ("unix:/path").  One request per
 * connection (Connection: close), bodies by Content-Length, chunks or EOF.
 */
#ifndef WQTOP_HTTP_H
#define WQTOP_HTTP_H

#include <stddef.h>

struct wqtop_http_target;

/* Parse "http://host[:port]" or "unix:/path".  Return: 0, or -EINVAL. */
int wqtop_http__target(struct wqtop_http_target **out, const char *url);
void wqtop_http__free(struct wqtop_http_target *t);
/* "unix:/run/wqmon/wqmond.sock" or "http://127.0.0.1:9464". */
const char *wqtop_http__name(const struct wqtop_http_target *t);

/*
 * GET @path.  On success *@body (NUL-terminated, free() it) and *@status
 * are set, whatever the status.  Gives up after @timeout_ms in total.
 * Return: 0, -ECONNREFUSED/-ENOENT when nothing listens, -ETIMEDOUT,
 * -EPROTO for a reply that is not HTTP, or -errno.
 */
int wqtop_http__get(const struct wqtop_http_target *t, const char *path,
		    int timeout_ms, int *status, char **body, size_t *len);

/* Pure: split a complete response in @buf[0..@n) in place.  Return: 0 with
 * *@status and the body set, or -EPROTO. */
int wqtop_http__parse(char *buf, size_t n, int *status, char **body,
		      size_t *len);

#endif /* WQTOP_HTTP_H */
