// SPDX-License-Identifier: GPL-2.0
/* One small HTTP/1.1 client (http_client.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "http_client.h"
#include "wqtime.h"

#define MAX_ANSWER (256u << 20)
#define SLICE_MS 100	/* how soon a wait notices a cancel */

static int parse_host(const char *h, const char **rest, struct wq_http_url *u)
{
	const char *end;
	size_t n;

	if (*h == '[') {
		end = strchr(h, ']');
		n = end ? (size_t)(end - h - 1) : 0;
		if (!n || n >= sizeof(u->host))
			return -EINVAL;
		memcpy(u->host, h + 1, n);
		u->host[n] = '\0';
		if (inet_pton(AF_INET6, u->host, &(struct in6_addr){ 0 }) != 1)
			return -EINVAL;
		*rest = end + 1;
		return 0;
	}
	n = strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789.-_");
	if (!n || n >= sizeof(u->host))
		return -EINVAL;
	memcpy(u->host, h, n);
	u->host[n] = '\0';
	*rest = h + n;
	return 0;
}

int wq_http_url__parse(const char *url, struct wq_http_url *u)
{
	const char *p;
	size_t n;

	memset(u, 0, sizeof(*u));
	if (!url || strlen(url) >= sizeof(u->name))
		return -EINVAL;
	/* Whatever ends up in the request line and the Host header must not
	 * be able to split them. */
	for (p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return -EINVAL;
	strcpy(u->name, url);
	if (!strncmp(url, "unix:", 5)) {
		if (url[5] != '/' || strlen(url + 5) >= sizeof(
			((struct sockaddr_un *)0)->sun_path))
			return -EINVAL;
		u->local = true;
		strcpy(u->host, url + 5);
		strcpy(u->path, "/");
		strcpy(u->host_hdr, "localhost");
		return 0;
	}
	if (strncasecmp(url, "http://", 7) || parse_host(url + 7, &p, u))
		return -EINVAL;
	if (*p == ':') {
		n = strspn(++p, "0123456789");
		if (!n || n > 5 || atoi(p) < 1 || atoi(p) > 65535)
			return -EINVAL;
		snprintf(u->port, sizeof(u->port), "%d", atoi(p));
		p += n;
	} else {
		strcpy(u->port, "80");
	}
	if ((*p && *p != '/') || strchr(p, '#') || strlen(p) >= sizeof(u->path))
		return -EINVAL;
	strcpy(u->path, *p ? p : "/");
	snprintf(u->host_hdr, sizeof(u->host_hdr),
		 strchr(u->host, ':') ? "[%s]:%s" : "%s:%s", u->host, u->port);
	return 0;
}

struct conn {
	int fd;
	uint64_t deadline;
	const struct wq_http_req *req;
};

/* Wait for @events on the connection before its deadline, noticing a
 * cancel.  Return: 0, -ETIMEDOUT, -ECANCELED or -errno. */
static int wait_fd(const struct conn *c, short events)
{
	for (;;) {
		struct pollfd p = { .fd = c->fd, .events = events };
		uint64_t now = wq_clock_ns(CLOCK_MONOTONIC);
		uint64_t ms;
		int r;

		if (now >= c->deadline)
			return -ETIMEDOUT;
		if (c->req->cancel && c->req->cancel(c->req->cancel_ctx))
			return -ECANCELED;
		ms = (c->deadline - now) / 1000000 + 1;
		r = poll(&p, 1, ms < SLICE_MS ? (int)ms : SLICE_MS);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -errno;
	}
}

static int connect_to(struct conn *c, const struct sockaddr *sa,
		      socklen_t len)
{
	int err = 0;
	socklen_t el = sizeof(err);

	c->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC |
		       SOCK_NONBLOCK, 0);
	if (c->fd < 0)
		return -errno;
	if (connect(c->fd, sa, len) < 0) {
		err = errno == EINPROGRESS ? wait_fd(c, POLLOUT) : -errno;
		if (!err && getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el))
			err = errno;
		if (err > 0)
			err = -err;
	}
	if (err) {
		close(c->fd);
		c->fd = -1;
	}
	return err;
}

static int open_conn(struct conn *c, const struct wq_http_url *u)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV }, *res, *ai;
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	int err = -EHOSTUNREACH, r;

	if (u->local) {
		strcpy(un.sun_path, u->host);
		return connect_to(c, (struct sockaddr *)&un, sizeof(un));
	}
	r = getaddrinfo(u->host, u->port, &hints, &res);
	if (r)
		return r == EAI_SYSTEM ? -errno : -EHOSTUNREACH;
	for (ai = res; ai; ai = ai->ai_next) {
		err = connect_to(c, ai->ai_addr, ai->ai_addrlen);
		if (!err || err == -ETIMEDOUT || err == -ECANCELED)
			break;
	}
	freeaddrinfo(res);
	return err;
}

static int send_all(struct conn *c, const char *buf, size_t len)
{
	size_t off = 0;
	ssize_t w;
	int err;

	while (off < len) {
		w = send(c->fd, buf + off, len - off, MSG_NOSIGNAL);
		if (w >= 0) {
			off += w;
			continue;
		}
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		err = wait_fd(c, POLLOUT);
		if (err)
			return err;
	}
	return 0;
}

/* Read until the peer closes, or (@line_only) the status line is in. */
static int recv_all(struct conn *c, bool line_only, char **out, size_t *n)
{
	size_t cap = line_only ? 256 : 65536;
	char *buf = malloc(cap), *nb;
	ssize_t r;
	int err = 0;

	*n = 0;
	while (buf) {
		if (line_only && memchr(buf, '\n', *n))
			break;
		if (*n + 1 >= cap) {
			if (line_only || cap >= MAX_ANSWER) {
				err = line_only ? 0 : -EFBIG;
				break;
			}
			nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		r = recv(c->fd, buf + *n, cap - *n - 1, 0);
		if (r > 0) {
			*n += r;
			continue;
		}
		if (!r)
			break;
		if (errno != EAGAIN && errno != EINTR) {
			err = -errno;
			break;
		}
		err = wait_fd(c, POLLIN);
		if (err)
			break;
	}
	if (!buf)
		return -ENOMEM;
	if (err) {
		free(buf);
		return err;
	}
	buf[*n] = '\0';
	*out = buf;
	return 0;
}

int wq_http__request(const struct wq_http_url *u, const struct wq_http_req *req,
		     int *status, char **body, size_t *len)
{
	struct conn c = { .fd = -1, .req = req,
			  .deadline = wq_clock_ns(CLOCK_MONOTONIC) +
				      req->timeout_ms * 1000000ULL };
	char *head = NULL, *buf = NULL, *b;
	int err, n, major, minor;
	size_t got;

	err = open_conn(&c, u);
	if (err)
		return err;
	n = asprintf(&head, "%s %s HTTP/1.1\r\nHost: %s\r\n"
		     "User-Agent: wqmon/" WQMON_VERSION "\r\n"
		     "Accept: application/json\r\n%s%s%s"
		     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		     req->method, req->path ? req->path : u->path, u->host_hdr,
		     req->content_type ? "Content-Type: " : "",
		     req->content_type ? req->content_type : "",
		     req->content_type ? "\r\n" : "",
		     req->body ? req->body_len : 0);
	if (n < 0) {
		err = -ENOMEM;
		goto out;
	}
	err = send_all(&c, head, n);
	if (!err && req->body)
		err = send_all(&c, req->body, req->body_len);
	if (!err)
		err = recv_all(&c, !body, &buf, &got);
	if (err)
		goto out;
	if (!body) {
		if (sscanf(buf, "HTTP/%d.%d %d", &major, &minor, status) != 3)
			err = -EPROTO;
		goto out;
	}
	err = wq_http__parse_response(buf, got, status, &b, len);
	if (err)
		goto out;
	/* Hand back a buffer that starts at the body. */
	memmove(buf, b, *len + 1);
	*body = buf;
	buf = NULL;
out:
	free(head);
	free(buf);
	close(c.fd);
	return err;
}

/* Undo chunked transfer coding in place.  Return: the length, or -1. */
static long dechunk(char *b, size_t n)
{
	size_t in = 0, out = 0;
	unsigned long sz;
	char *end;

	for (;;) {
		sz = strtoul(b + in, &end, 16);
		if (end == b + in)
			return -1;
		end = strstr(end, "\r\n");
		if (!end)
			return -1;
		in = end - b + 2;
		if (!sz)
			return (long)out;
		if (sz > n || in + sz > n)
			return -1;
		memmove(b + out, b + in, sz);
		out += sz;
		in += sz + 2;
		if (in > n)
			return -1;
	}
}

int wq_http__parse_response(char *buf, size_t n, int *status, char **body,
			    size_t *len)
{
	char *hdr_end, *line, *next;
	long clen = -1, got;
	int chunked = 0, code;

	if (n < 12 || strncmp(buf, "HTTP/1.", 7) ||
	    sscanf(buf + 9, "%3d", &code) != 1)
		return -EPROTO;
	hdr_end = strstr(buf, "\r\n\r\n");
	if (!hdr_end)
		return -EPROTO;
	*hdr_end = '\0';
	for (line = strstr(buf, "\r\n"); line; line = next) {
		line += 2;
		next = strstr(line, "\r\n");
		if (next)
			*next = '\0';
		if (!strncasecmp(line, "Content-Length:", 15))
			clen = strtol(line + 15, NULL, 10);
		else if (!strncasecmp(line, "Transfer-Encoding:", 18) &&
			 strcasestr(line + 18, "chunked"))
			chunked = 1;
	}
	*body = hdr_end + 4;
	got = (long)(buf + n - *body);
	if (chunked) {
		got = dechunk(*body, got);
		if (got < 0)
			return -EPROTO;
	} else if (clen >= 0) {
		if (clen > got)
			return -EPROTO;	/* cut short */
		got = clen;
	}
	(*body)[got] = '\0';
	*len = (size_t)got;
	*status = code;
	return 0;
}
