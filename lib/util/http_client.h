/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One small HTTP/1.1 client, for every program that talks HTTP: wqtop and
 * wqctl reading a wqmond's API (GET, over TCP or its local socket), the
 * alert webhook (POST).  Plain sockets and a deadline for the whole
 * exchange; one request per connection; bodies by Content-Length, chunks
 * or the end of the stream.  No TLS: a wqmond with TLS is read through its
 * socket, or by curl.
 */
#ifndef WQMON_HTTP_CLIENT_H
#define WQMON_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

/* Where requests go: http://HOST[:PORT][/PATH] or unix:/SOCKET. */
struct wq_http_url {
	bool local;		/* unix:/SOCKET */
	char host[256];		/* without an IPv6 address's brackets; the
				 * socket's path when local */
	char port[6];		/* "80" when not given */
	char path[1024];	/* "/" when not given */
	char name[300];		/* as given, for messages */
	char host_hdr[270];	/* the Host: header */
};

/*
 * Parse @url.  Nothing that could split a request line or a header gets
 * through: no blank or control character, user info or fragment; the host
 * is a name or an address ([v6] in brackets), the port 1 to 65535.
 * Return: 0, or -EINVAL.
 */
int wq_http_url__parse(const char *url, struct wq_http_url *u);

/* Whether to give up now (a stopping program): checked while waiting. */
typedef bool (*wq_http_cancel_fn)(void *ctx);

struct wq_http_req {
	const char *method;		/* "GET", "POST" */
	const char *path;		/* NULL: the URL's */
	const char *content_type;	/* with a body */
	const char *body;		/* NULL: none */
	size_t body_len;
	unsigned int timeout_ms;	/* the whole exchange */
	wq_http_cancel_fn cancel;	/* NULL: never */
	void *cancel_ctx;
};

/*
 * Send @req to @u and read the answer.  *@status is set whatever the
 * status; with @body, the body too (NUL-terminated; free() it), else only
 * the status line is read.  Return: 0, -ECONNREFUSED/-ENOENT when nothing
 * listens, -ETIMEDOUT, -ECANCELED, -EPROTO for an answer that is not
 * HTTP, -EFBIG past 256 MiB, or -errno.
 */
int wq_http__request(const struct wq_http_url *u, const struct wq_http_req *req,
		     int *status, char **body, size_t *len);

/* Pure: split a whole answer in @buf[0..@n) in place.  Return: 0 with
 * *@status and the body set, or -EPROTO. */
int wq_http__parse_response(char *buf, size_t n, int *status, char **body,
			    size_t *len);

#endif /* WQMON_HTTP_CLIENT_H */
