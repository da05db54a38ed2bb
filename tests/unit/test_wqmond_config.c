// SPDX-License-Identifier: GPL-2.0
/* wqmond's configuration: defaults, every key's validation and message,
 * files with errors (line numbers), listen addresses. */
#include <errno.h>
#include <setjmp.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "config.h"
#include "log.h"

static void test_defaults(void **state)
{
	struct wqd_config c;

	(void)state;
	wqd_config__defaults(&c);
	assert_int_equal(c.interval_ns, 1000000000ULL);
	assert_string_equal(c.listen, "127.0.0.1:9464");
	assert_string_equal(c.socket_path, "/run/wqmon/wqmond.sock");
	assert_int_equal(c.history_bytes, 16 << 20);
	assert_int_equal(c.top_functions, 50);
	assert_int_equal(c.max_connections, 64);
	assert_string_equal(c.web_root, "");
	assert_int_equal(c.log_level, WQ_LOG_INFO);
	assert_true(c.kernel);
	assert_true(c.kernel_queuers);
	assert_false(c.kernel_raw_tp);
	assert_true(c.kernel_cpu_time);
	assert_int_equal(c.kernel_sample_every, 1);
	assert_int_equal(c.queuer_series, 200);
}

static void test_set(void **state)
{
	static const struct {
		const char *section, *key, *value, *msg; /* msg NULL: valid */
	} cases[] = {
		{ "daemon", "interval", "0.5", NULL },
		{ "daemon", "interval", "0.01", "give seconds from 0.1 to 3600" },
		{ "daemon", "interval", "abc", "give seconds" },
		{ "daemon", "interval", "1e9", "give seconds" },
		{ "daemon", "listen", "[::1]:9000", NULL },
		{ "daemon", "listen", "0.0.0.0:80", NULL },
		{ "daemon", "listen", ":9464", NULL },
		{ "daemon", "listen", "none", NULL },
		{ "daemon", "listen", "::1:9000", "[v6addr]:port" },
		{ "daemon", "listen", "host:65536", "host:port" },
		{ "daemon", "listen", "127.0.0.1:0", NULL },
		{ "daemon", "listen", "host:70000", "host:port" },
		{ "daemon", "listen", "host", "host:port" },
		{ "daemon", "socket", "none", NULL },
		{ "daemon", "history_bytes", "64M", NULL },
		{ "daemon", "history_bytes", "1K", "from 64K to 16G" },
		{ "daemon", "history_bytes", "-5M", "from 64K to 16G" },
		{ "daemon", "history_bytes", "10X", "from 64K to 16G" },
		{ "daemon", "top_functions", "0", "from 1 to 100000" },
		{ "daemon", "max_connections", "20000", "from 1 to 10000" },
		{ "daemon", "log_level", "debug", NULL },
		{ "daemon", "log_level", "loud", "error, warning, info or debug" },
		{ "daemon", "colour", "blue", "unknown key 'colour' in [daemon]" },
		{ "kernel", "queuers", "yes", NULL },
		{ "kernel", "raw_tp", "On", NULL },
		{ "kernel", "cpu_time", "maybe", "give yes or no" },
		{ "kernel", "sample_every", "16", NULL },
		{ "kernel", "sample_every", "0", "give N from 1 to 65536" },
		{ "kernel", "sample_every", "65537", "give N from 1 to 65536" },
		{ "kernel", "sample_every", "1/16", "give N from 1 to 65536" },
		{ "kernel", "bogus", "1", "unknown key 'bogus' in [kernel]" },
		{ "network", "x", "1", "unknown section [network]" },
		{ "metrics", "queuer_series", "0", NULL },
		{ "metrics", "queuer_series", "5000", NULL },
		{ "metrics", "queuer_series", "-1", "from 0 (none) to 100000" },
		{ "metrics", "queuer_series", "100001", "from 0 (none) to 100000" },
		{ "metrics", "queuer_series", "many", "from 0 (none) to 100000" },
		{ "metrics", "tgid", "yes", "unknown key 'tgid' in [metrics]" },
		{ "stalls", "pending", "2s", NULL },
		{ "stalls", "cpu_hog", "250ms", NULL },
		{ "stalls", "running", "soon", "give a duration" },
		{ "stalls", "rule", "running events_unbound/* 30s", NULL },
		{ "stalls", "rule", "sleepy events/* 3s", "kind 'sleepy'" },
		{ "stalls", "rule", "running events 3s", "WORKQUEUE/FUNCTION" },
		{ "stalls", "rule", "running a/b", "give KIND" },
		{ "stalls", "kmsg", "no", NULL },
		{ "slow", "run", "50ms", NULL },
		{ "slow", "latency", "off", NULL },
		{ "slow", "latency", "10", "give a duration" },
		{ "slow", "rule", "run events/* 20ms", NULL },
		{ "slow", "rule", "stuck events/* 20ms", "kind 'stuck'" },
		{ "slow", "rule", "run events 20ms", "WORKQUEUE/FUNCTION" },
		{ "slow", "max_per_second", "0", "from 1 to 100000" },
		{ "slow", "max_per_second", "500", NULL },
		{ "slow", "keep", "0", "give 1 to 100000" },
		{ "slow", "keep", "10", NULL },
		{ "slow", "rate", "10", "unknown key 'rate' in [slow]" },
		{ "alerts", "exec", "/usr/local/bin/page-me --loud", NULL },
		{ "alerts", "exec", "page-me", "absolute path" },
		{ "alerts", "webhook", "http://127.0.0.1:9093/api/v2/alerts", NULL },
		{ "alerts", "webhook", "ftp://x", "http:// URL" },
		{ "alerts", "exec_timeout", "0s", "from 1ms to 24h" },
		{ "alerts", "queue_len", "0", "1 to 100000" },
		{ "alerts", "pager", "x", "unknown key 'pager' in [alerts]" },
	};
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wqd_config c;
		int rc;

		wqd_config__defaults(&c);
		err[0] = '\0';
		rc = wqd_config__set(&c, cases[i].section, cases[i].key,
				     cases[i].value, err, sizeof(err));
		if (!cases[i].msg) {
			if (rc)
				fail_msg("%s.%s=%s rejected: %s", cases[i].section,
					 cases[i].key, cases[i].value, err);
			continue;
		}
		assert_int_equal(rc, -EINVAL);
		if (!strstr(err, cases[i].msg))
			fail_msg("%s.%s=%s: '%s' lacks '%s'", cases[i].section,
				 cases[i].key, cases[i].value, err,
				 cases[i].msg);
	}
}

static void test_values_applied(void **state)
{
	struct wqd_config c;
	char err[256];

	(void)state;
	wqd_config__defaults(&c);
	assert_int_equal(wqd_config__set(&c, "daemon", "interval", "0.25", err,
					 sizeof(err)), 0);
	assert_int_equal(c.interval_ns, 250000000ULL);
	assert_int_equal(wqd_config__set(&c, "daemon", "history_bytes", "2G",
					 err, sizeof(err)), 0);
	assert_int_equal(c.history_bytes, 2ULL << 30);
	assert_int_equal(wqd_config__set(&c, "daemon", "socket", "none", err,
					 sizeof(err)), 0);
	assert_string_equal(c.socket_path, "");
	assert_int_equal(wqd_config__set(&c, "kernel", "enabled", "off", err,
					 sizeof(err)), 0);
	assert_false(c.kernel);
}

static void test_file(void **state)
{
	char path[] = "/tmp/wqmond-test-XXXXXX", err[512];
	struct wqd_config c;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("# comment\n[daemon]\ninterval = 2\n\n[kernel]\nqueuers = yes\n"
	      "cpu_time = nope\n", f);
	fclose(f);
	wqd_config__defaults(&c);
	assert_int_equal(wqd_config__load_file(&c, path, err, sizeof(err)),
			 -EINVAL);
	/* The path and line of the bad value, and what is wrong with it. */
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, ":7: "));
	assert_non_null(strstr(err, "give yes or no"));

	f = fopen(path, "w");
	fputs("[daemon]\ninterval = 2\nlisten = [::1]:9999\n", f);
	fclose(f);
	wqd_config__defaults(&c);
	assert_int_equal(wqd_config__load_file(&c, path, err, sizeof(err)), 0);
	assert_int_equal(c.interval_ns, 2000000000ULL);
	assert_string_equal(c.listen, "[::1]:9999");
	unlink(path);

	assert_true(wqd_config__load_file(&c, "/nonexistent/wqmond.conf", err,
					  sizeof(err)) < 0);
	assert_non_null(strstr(err, "cannot open"));
	assert_int_equal(wqd_config__load_string(&c, "[daemon]\nnoequals\n",
						 "t", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "t:2: syntax error"));
	assert_int_equal(wqd_config__load_string(&c, "interval = 2\n", "t", err,
						 sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "t:1: 'interval' is outside a [section]"));
}

static void test_split_listen(void **state)
{
	char h[64], p[8];

	(void)state;
	assert_int_equal(wqd_config__split_listen("[::1]:80", h, sizeof(h), p,
						  sizeof(p)), 0);
	assert_string_equal(h, "::1");
	assert_string_equal(p, "80");
	assert_int_equal(wqd_config__split_listen(":9464", h, sizeof(h), p,
						  sizeof(p)), 0);
	assert_string_equal(h, "");
	assert_int_equal(wqd_config__split_listen("[::1]80", h, sizeof(h), p,
						  sizeof(p)), -EINVAL);
	assert_int_equal(wqd_config__split_listen("a:b", h, sizeof(h), p,
						  sizeof(p)), -EINVAL);
}

static int load_text(struct wqd_config *c, const char *text, size_t len,
		     char *err, size_t errlen)
{
	char path[] = "/tmp/wqmond-test-XXXXXX";
	int fd = mkstemp(path), rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	wqd_config__defaults(c);
	rc = wqd_config__load_file(c, path, err, errlen);
	unlink(path);
	return rc;
}

/* Issue 14: directories, devices, FIFOs, NUL bytes, duplicate keys. */
static void test_file_refused(void **state)
{
	char dir[] = "/tmp/wqmond-dir-XXXXXX", fifo[600], err[512];
	struct wqd_config c;
	static const char nul[] = "[daemon]\ninterval = 2\0junk\n";

	(void)state;
	wqd_config__defaults(&c);
	assert_int_equal(wqd_config__load_file(&c, "/etc", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "/etc: cannot open: not a regular file"));
	assert_null(strchr(err, '\n'));
	/* Would never end, or hang, if read like a file. */
	assert_int_equal(wqd_config__load_file(&c, "/dev/zero", err,
					       sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a regular file"));
	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	/* A FIFO nobody writes to: refused within the deadline. */
	assert_true(wqd_config__load_file(&c, fifo, err, sizeof(err)) < 0);
	assert_non_null(strstr(err, "cannot read: nothing written"));
	unlink(fifo);
	rmdir(dir);

	assert_int_equal(load_text(&c, nul, sizeof(nul) - 1, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, ":2: a NUL byte"));

	assert_int_equal(load_text(&c, "[daemon]\ninterval = 2\n[kernel]\n"
				   "queuers = no\n[daemon]\ninterval = 3\n",
				   66, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, ":6: 'interval' is given twice in "
				    "[daemon]"));
	/* rule is meant to repeat. */
	assert_int_equal(wqd_config__load_string(&c, "[stalls]\n"
		"rule = running events_unbound/* 30s\n"
		"rule = pending events/* 10s\n", "t", err, sizeof(err)), 0);
	/* The same key in different sections is not a duplicate. */
	assert_int_equal(wqd_config__load_string(&c, "[kernel]\nenabled = yes\n"
		"[refwq]\nenabled = yes\n", "t", err, sizeof(err)), 0);
}

static void test_webhook_url(void **state)
{
	static const char *const good[] = {
		"http://127.0.0.1:9093/api/v2/alerts", "http://[::1]:80/x",
		"http://alerts.example.com/", "http://h", "http://h:65535",
	};
	static const char *const bad[] = {
		"http://[::1/x", "http://127.0.0.1:99999/x", "http://h:0/",
		"http://h:/x", "http://:80/", "http://[zz]:80/", "https://h/",
		"http://h x/", "http://h:-1/", "ftp://h/",
	};
	char err[512];
	struct wqd_config c;

	(void)state;
	wqd_config__defaults(&c);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(wqd_config__set(&c, "alerts", "webhook",
						 good[i], err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(wqd_config__set(&c, "alerts", "webhook",
						 bad[i], err, sizeof(err)),
				 -EINVAL);
		assert_non_null(strstr(err, "port from 1 to 65535"));
	}
}

static void test_listen_loopback(void **state)
{
	(void)state;
	assert_true(wqd_config__listen_is_loopback("127.0.0.1:9464"));
	assert_true(wqd_config__listen_is_loopback("[::1]:9464"));
	assert_true(wqd_config__listen_is_loopback("localhost:9464"));
	assert_true(wqd_config__listen_is_loopback("none"));
	assert_false(wqd_config__listen_is_loopback(":9464"));
	assert_false(wqd_config__listen_is_loopback("0.0.0.0:9464"));
	assert_false(wqd_config__listen_is_loopback("[::]:9464"));
	assert_false(wqd_config__listen_is_loopback("10.1.2.3:9464"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_values_applied),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_split_listen),
		cmocka_unit_test(test_file_refused),
		cmocka_unit_test(test_webhook_url),
		cmocka_unit_test(test_listen_loopback),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
