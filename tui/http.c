// SPDX-License-Identifier: GPL-2.0
/*
 * HTTP/1.1 GET over plain sockets: enough for wqmond's JSON API, and no
 * library to install on a box that only needs to look.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "http.h"

struct wqtop_http_target {
	char name[256];
	char host[128];		/* "" for a unix socket */
	char port[16];
	char path[108];		/* sun_path */
};

int wqtop_http__target(struct wqtop_http_target **out, const char *url)
{
	struct wqtop_http_target *t = calloc(1, sizeof(*t));
	const char *h, *colon, *end;

	if (!t)
		return -ENOMEM;
	if (!strncmp(url, "unix:", 5)) {
		if (!url[5] || strlen(url + 5) >= sizeof(t->path))
			goto bad;
		strcpy(t->path, url + 5);
	} else if (!strncmp(url, "http://", 7)) {
		h = url + 7;
		end = h + strcspn(h, "/");
		if (*end && strcmp(end, "/"))
			goto bad;	/* the API paths are fixed */
		colon = h[0] == '[' ? strstr(h, "]:") : memchr(h, ':', end - h);
		if (colon && colon[0] == ']')
			colon++;
		if (h[0] == '[') {
			h++;
			if (!colon)
				goto bad;
		}
		if ((colon ? colon : end) - h >= (long)sizeof(t->host) ||
		    (colon ? colon : end) == h)
			goto bad;
		memcpy(t->host, h, (colon ? colon : end) - h);
		if (t->host[strlen(t->host) - 1] == ']')
			t->host[strlen(t->host) - 1] = '\0';
		if (colon) {
			if (end - colon - 1 <= 0 ||
			    end - colon - 1 >= (long)sizeof(t->port))
				goto bad;
			memcpy(t->port, colon + 1, end - colon - 1);
		} else {
			strcpy(t->port, "80");
		}
	} else {
		goto bad;
	}
	snprintf(t->name, sizeof(t->name), "%s", url);
	*out = t;
	return 0;
bad:
	free(t);
	return -EINVAL;
}

void wqtop_http__free(struct wqtop_http_target *t)
{
	free(t);
}

const char *wqtop_http__name(const struct wqtop_http_target *t)
{
	return t->name;
}

static long ms_left(const struct timespec *deadline)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (deadline->tv_sec - now.tv_sec) * 1000 +
	       (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

/* Wait for @fd to be ready for @events before the deadline. */
static int wait_fd(int fd, short events, const struct timespec *deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	long left = ms_left(deadline);
	int r;

	if (left <= 0)
		return -ETIMEDOUT;
	do
		r = poll(&p, 1, (int)left);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r == 0 ? -ETIMEDOUT : 0;
}

static int connect_to(const struct sockaddr *sa, socklen_t len, int family,
		      const struct timespec *deadline)
{
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int err = 0;
	socklen_t el = sizeof(err);

	if (fd < 0)
		return -errno;
	if (connect(fd, sa, len) < 0) {
		if (errno != EINPROGRESS) {
			err = -errno;
			goto fail;
		}
		err = wait_fd(fd, POLLOUT, deadline);
		if (err)
			goto fail;
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err) {
			err = err ? -err : -errno;
			goto fail;
		}
	}
	return fd;
fail:
	close(fd);
	return err;
}

static int open_conn(const struct wqtop_http_target *t,
		     const struct timespec *deadline)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	int fd = -ECONNREFUSED, r;

	if (t->path[0]) {
		memcpy(un.sun_path, t->path, sizeof(t->path));
		return connect_to((struct sockaddr *)&un, sizeof(un), AF_UNIX,
				  deadline);
	}
	r = getaddrinfo(t->host, t->port, &hints, &res);
	if (r)
		return r == EAI_SYSTEM ? -errno : -EHOSTUNREACH;
	for (ai = res; ai; ai = ai->ai_next) {
		fd = connect_to(ai->ai_addr, ai->ai_addrlen, ai->ai_family,
				deadline);
		if (fd >= 0)
			break;
	}
	freeaddrinfo(res);
	return fd;
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
		if (in + sz > n)
			return -1;
		memmove(b + out, b + in, sz);
		out += sz;
		in += sz + 2;
		if (in > n)
			return -1;
	}
}

int wqtop_http__parse(char *buf, size_t n, int *status, char **body,
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

int wqtop_http__get(const struct wqtop_http_target *t, const char *path,
		    int timeout_ms, int *status, char **body, size_t *len)
{
	struct timespec deadline;
	size_t n = 0, cap = 65536, off = 0;
	char req[512], *buf = NULL, *nb, *b;
	int fd, err, rl;
	ssize_t r;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	fd = open_conn(t, &deadline);
	if (fd < 0)
		return fd;
	rl = snprintf(req, sizeof(req),
		      "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: wqtop/%s\r\n"
		      "Accept: application/json\r\nConnection: close\r\n\r\n",
		      path, t->host[0] ? t->host : "localhost", WQMON_VERSION);
	while (off < (size_t)rl) {
		err = wait_fd(fd, POLLOUT, &deadline);
		if (err)
			goto out;
		r = send(fd, req + off, rl - off, MSG_NOSIGNAL);
		if (r < 0 && errno != EINTR && errno != EAGAIN) {
			err = -errno;
			goto out;
		}
		off += r > 0 ? (size_t)r : 0;
	}
	buf = malloc(cap);
	if (!buf) {
		err = -ENOMEM;
		goto out;
	}
	for (;;) {
		if (n + 1 >= cap) {
			nb = realloc(buf, cap * 2);
			if (!nb) {
				err = -ENOMEM;
				goto out;
			}
			buf = nb;
			cap *= 2;
		}
		err = wait_fd(fd, POLLIN, &deadline);
		if (err)
			goto out;
		r = recv(fd, buf + n, cap - n - 1, 0);
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			err = -errno;
			goto out;
		}
		if (r == 0)
			break;
		n += r;
	}
	buf[n] = '\0';
	err = wqtop_http__parse(buf, n, status, &b, len);
	if (err)
		goto out;
	/* Hand back a buffer that starts at the body. */
	memmove(buf, b, *len + 1);
	*body = buf;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return err;
}
