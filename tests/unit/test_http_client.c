// SPDX-License-Identifier: GPL-2.0
/* The one HTTP client (lib/util/http_client.h): URLs (what the alert webhook,
 * wqtop and wqctl accept), answers (lengths, chunks, cut short), and a
 * request's deadline and cancel against a socket that never answers. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "http_client.h"
#include "wqtime.h"

static void test_url_good(void **state)
{
	static const struct {
		const char *url, *host, *port, *path, *hdr;
	} t[] = {
		{ "http://127.0.0.1:9093/api/v2/alerts", "127.0.0.1", "9093",
		  "/api/v2/alerts", "127.0.0.1:9093" },
		{ "http://[::1]:9093/api/v2/alerts", "::1", "9093",
		  "/api/v2/alerts", "[::1]:9093" },
		{ "http://am.example", "am.example", "80", "/", "am.example:80" },
		{ "HTTP://am:8080", "am", "8080", "/", "am:8080" },
		{ "http://[2001:db8::1]/x?a=1", "2001:db8::1", "80", "/x?a=1",
		  "[2001:db8::1]:80" },
		{ "http://h:65535", "h", "65535", "/", "h:65535" },
		{ "unix:/run/wqmon/wqmond.sock", "/run/wqmon/wqmond.sock", "",
		  "/", "localhost" },
	};
	struct wq_http_url u;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(wq_http_url__parse(t[i].url, &u), 0);
		assert_string_equal(u.host, t[i].host);
		assert_string_equal(u.port, t[i].port);
		assert_string_equal(u.path, t[i].path);
		assert_string_equal(u.host_hdr, t[i].hdr);
		assert_string_equal(u.name, t[i].url);
		assert_int_equal(u.local, !strncmp(t[i].url, "unix:", 5));
	}
}

static void test_url_bad(void **state)
{
	static const char *const bad[] = {
		"https://am/", "ftp://am/", "http://", "http:///x",
		"http://:80/", "http://am:0/", "http://am:65536/",
		"http://127.0.0.1:99999/x", "http://am:abc/", "http://am:/",
		"http://h:-1/", "http://user@am/", "http://am/a b",
		"http://am/a\r\nX-Evil: 1", "http://[::1/", "http://[::1]x/",
		"http://[zz]:80/", "http://am/#frag", "http://am?x", "am:80/",
		"", "unix:", "unix:relative.sock", "unix:/a\nb",
	};
	struct wq_http_url u;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (wq_http_url__parse(bad[i], &u) != -EINVAL)
			fail_msg("accepted '%s'", bad[i]);
	}
	assert_int_equal(wq_http_url__parse(NULL, &u), -EINVAL);
}

static int parse(const char *text, int *status, char *out, size_t outlen)
{
	char buf[512], *body;
	size_t len;
	int err;

	snprintf(buf, sizeof(buf), "%s", text);
	err = wq_http__parse_response(buf, strlen(buf), status, &body, &len);
	if (!err)
		snprintf(out, outlen, "%.*s", (int)len, body);
	return err;
}

static void test_answers(void **state)
{
	char body[128];
	int status = 0;

	(void)state;
	assert_int_equal(parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
			       "hello and more", &status, body, sizeof(body)), 0);
	assert_int_equal(status, 200);
	assert_string_equal(body, "hello");
	assert_int_equal(parse("HTTP/1.1 503 Busy\r\nTransfer-Encoding: "
			       "chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
			       &status, body, sizeof(body)), 0);
	assert_int_equal(status, 503);
	assert_string_equal(body, "abcde");
	/* Neither: the body runs to the end of the stream. */
	assert_int_equal(parse("HTTP/1.0 404 No\r\n\r\nnot here", &status,
			       body, sizeof(body)), 0);
	assert_string_equal(body, "not here");
	assert_int_equal(parse("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n"
			       "short", &status, body, sizeof(body)), -EPROTO);
	assert_int_equal(parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
			       "\r\n\r\nffff\r\nab", &status, body,
			       sizeof(body)), -EPROTO);
	assert_int_equal(parse("SSH-2.0-OpenSSH\r\n\r\n", &status, body,
			       sizeof(body)), -EPROTO);
	assert_int_equal(parse("HTTP/1.1 200 OK\r\nno end of headers",
			       &status, body, sizeof(body)), -EPROTO);
}

/* A socket that takes connections (the backlog) and never answers. */
static int mute_server(char *path, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(path, len, "/tmp/wqmon-test-http-%d.sock", (int)getpid());
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 4), 0);
	return fd;
}

static bool always(void *ctx)
{
	(void)ctx;
	return true;
}

static void test_deadline_and_cancel(void **state)
{
	char path[108], url[128], *body = NULL;
	struct wq_http_url u;
	struct wq_http_req req = { .method = "GET", .timeout_ms = 300 };
	int fd, status;
	size_t len;
	uint64_t t0, dt;

	(void)state;
	fd = mute_server(path, sizeof(path));
	snprintf(url, sizeof(url), "unix:%s", path);
	assert_int_equal(wq_http_url__parse(url, &u), 0);
	t0 = wq_clock_ns(CLOCK_MONOTONIC);
	assert_int_equal(wq_http__request(&u, &req, &status, &body, &len),
			 -ETIMEDOUT);
	dt = wq_clock_ns(CLOCK_MONOTONIC) - t0;
	assert_true(dt >= 290000000ULL);	/* it waited its deadline */
	assert_null(body);
	req.timeout_ms = 60000;
	req.cancel = always;
	assert_int_equal(wq_http__request(&u, &req, &status, NULL, NULL),
			 -ECANCELED);
	close(fd);
	unlink(path);
	/* Nothing listens any more. */
	assert_int_equal(wq_http__request(&u, &req, &status, NULL, NULL),
			 -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_good),
		cmocka_unit_test(test_url_bad),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_deadline_and_cancel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
