// SPDX-License-Identifier: GPL-2.0
/* wqmond's web config (daemon/web_config.h): the YAML's shape, every
 * refusal's message, and basic auth: right and wrong passwords, the cache
 * of verified ones, the limit on uncached checks.  Certificates are tested
 * against real files in tests/integration/tls_auth.sh. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <crypt.h>

#include "web_config.h"

/* Cost 4, the least bcrypt takes (about 1 ms): the rate limit test must
 * spend its checks well inside a second however slow the machine is.
 * wqmond --hash-password's cost 10 is checked once, in its own test. */
static char hash[128];

static int setup(void **state)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data cd = { 0 };
	const char *h;

	(void)state;
	if (!crypt_gensalt_rn("$2y$", 4, NULL, 0, setting, sizeof(setting)))
		return -1;
	h = crypt_rn("s3cret", setting, &cd, sizeof(cd));
	if (!h)
		return -1;
	snprintf(hash, sizeof(hash), "%s", h);
	return 0;
}

static void test_hash_password(void **state)
{
	char h[128], text[256];
	struct wqd_web_config *w;
	char err[256];

	(void)state;
	assert_int_equal(wqd_web_config__hash_password("pw", h, sizeof(h)), 0);
	assert_memory_equal(h, "$2y$10$", 7);
	assert_int_equal(strlen(h), 60);
	snprintf(text, sizeof(text), "basic_auth_users:\n  u: %s\n", h);
	assert_int_equal(wqd_web_config__parse(&w, text, strlen(text), "t",
					       NULL, err, sizeof(err)), 0);
	assert_int_equal(wqd_web_config__check(w, "u", "pw"), WQD_AUTH_OK);
	wqd_web_config__free(w);
}

static struct wqd_web_config *parse_ok(const char *text)
{
	struct wqd_web_config *w;
	char err[512] = "";

	if (wqd_web_config__parse(&w, text, strlen(text), "t.yml", NULL, err,
				  sizeof(err)))
		fail_msg("refused: %s", err);
	return w;
}

/* Refused, in one line that names the file, the line and @want. */
static void refused(const char *text, size_t len, const char *want)
{
	struct wqd_web_config *w = (void *)1;
	char err[512] = "";

	assert_int_equal(wqd_web_config__parse(&w, text, len, "t.yml", NULL,
					       err, sizeof(err)), -EINVAL);
	assert_null(w);
	if (!strstr(err, want) || strncmp(err, "t.yml:", 6) ||
	    strchr(err, '\n'))
		fail_msg("'%s' does not say '%s'", err, want);
}

#define REFUSED(text, want) refused(text, strlen(text), want)

static void test_empty(void **state)
{
	struct wqd_web_config *w;

	(void)state;
	w = parse_ok("");
	assert_false(w->tls);
	assert_int_equal(w->nr_users, 0);
	wqd_web_config__free(w);
	w = parse_ok("# nothing\nbasic_auth_users:\n");
	assert_int_equal(w->nr_users, 0);
	wqd_web_config__free(w);
}

static void test_users(void **state)
{
	char text[512];
	struct wqd_web_config *w;

	(void)state;
	snprintf(text, sizeof(text),
		 "basic_auth_users:\n  alice: %s\n  'bob': \"%s\"\n", hash,
		 hash);
	w = parse_ok(text);
	assert_false(w->tls);
	assert_int_equal(w->nr_users, 2);
	assert_string_equal(w->users[0].name, "alice");
	assert_string_equal(w->users[1].name, "bob");
	assert_string_equal(w->users[1].hash, hash);
	wqd_web_config__free(w);
}

static void test_refused(void **state)
{
	char text[512];

	(void)state;
	REFUSED("- a\n- b\n", "t.yml:1: expected tls_server_config");
	REFUSED("tls_server_config: [a\n", "not valid YAML");
	REFUSED("tls:\n  x: 1\n", "tls: not a setting wqmond knows");
	REFUSED("http_server_config:\n  headers: {}\n", "not supported");
	REFUSED("basic_auth_users:\n  a: secret\n",
		"t.yml:2: basic_auth_users.a: not a bcrypt hash");
	REFUSED("basic_auth_users: [a, b]\n", "'name: bcrypt hash'");
	REFUSED("basic_auth_users:\n  a: [x]\n", "a: expected a single value");
	REFUSED("tls_server_config:\n  key_file: k\n  bogus: 1\n",
		"cannot open");
	REFUSED("tls_server_config:\n  bogus: 1\n",
		"tls_server_config.bogus: not a setting");
	REFUSED("tls_server_config:\n  min_version: TLS11\n",
		"min_version 'TLS11'");
	REFUSED("tls_server_config:\n  client_auth_type: RequestClientCert\n",
		"client_auth_type 'RequestClientCert'");
	REFUSED("tls_server_config:\n  min_version: TLS13\n",
		"give both cert_file and key_file");
	REFUSED("tls_server_config:\n  min_version: TLS13\n"
		"  min_version: TLS12\n", "t.yml:3: tls_server_config."
		"min_version: given twice");
	snprintf(text, sizeof(text),
		 "basic_auth_users:\n  a: %s\nbasic_auth_users:\n  b: %s\n",
		 hash, hash);
	REFUSED(text, "t.yml:3: basic_auth_users: given twice");
	snprintf(text, sizeof(text), "basic_auth_users:\n  a:b: %s\n", hash);
	REFUSED(text, "not a user name");
	/* Cost 31: 2^31 rounds per check, hours of CPU. */
	snprintf(text, sizeof(text), "basic_auth_users:\n  a: $2y$31$%s\n",
		 hash + 7);
	REFUSED(text, "bcrypt cost over 16");
	snprintf(text, sizeof(text), "basic_auth_users:\n  a: %.59s\n", hash);
	REFUSED(text, "not a bcrypt hash");
	/* A NUL inside a value would cut it: refused, not truncated. */
	REFUSED("basic_auth_users:\n  \"a\\0b\": x\n", "a NUL byte");
	/* A plain value folded over lines (found by the fuzzer): the error
	 * message that names it must stay one line. */
	REFUSED("tls_server_config:\n cert_file: a\n\n  b\n",
		"a line break or control character");
	REFUSED("tls_server_config:\n cert_file: \"a\\tb\"\n",
		"a line break or control character");
}

static void test_too_many_users(void **state)
{
	size_t n = WQD_WEB_MAX_USERS + 1, len = 0;
	char *text = malloc(n * 80 + 32);

	(void)state;
	assert_non_null(text);
	len += sprintf(text, "basic_auth_users:\n");
	for (size_t i = 0; i < n; i++)
		len += sprintf(text + len, "  u%zu: x\n", i);
	refused(text, len, "at most");
	free(text);
}

static void test_check(void **state)
{
	char text[512];
	struct wqd_web_config *w;

	(void)state;
	snprintf(text, sizeof(text), "basic_auth_users:\n  alice: %s\n",
		 hash);
	w = parse_ok(text);
	assert_int_equal(wqd_web_config__check(w, "alice", "s3cret"),
			 WQD_AUTH_OK);
	assert_int_equal(wqd_web_config__check(w, "alice", "s3cret!"),
			 WQD_AUTH_DENIED);
	assert_int_equal(wqd_web_config__check(w, "alice", "s3cre"),
			 WQD_AUTH_DENIED);
	assert_int_equal(wqd_web_config__check(w, "alice", ""),
			 WQD_AUTH_DENIED);
	/* Another user with alice's password, and the split moved. */
	assert_int_equal(wqd_web_config__check(w, "bob", "s3cret"),
			 WQD_AUTH_DENIED);
	assert_int_equal(wqd_web_config__check(w, "alices", "3cret"),
			 WQD_AUTH_DENIED);
	wqd_web_config__free(w);
}

/* Wrong passwords past the per-second budget are not checked (BUSY),
 * while the one already verified still is answered from the cache. */
static void test_rate_limit(void **state)
{
	char text[512], guess[32];
	struct wqd_web_config *w;
	int busy = 0, denied = 0;

	(void)state;
	snprintf(text, sizeof(text), "basic_auth_users:\n  alice: %s\n",
		 hash);
	w = parse_ok(text);
	assert_int_equal(wqd_web_config__check(w, "alice", "s3cret"),
			 WQD_AUTH_OK);
	/* 40 guesses take a few ms: at most two seconds' worth of budget
	 * is spent (if a second turns over), the rest is refused unchecked. */
	for (int i = 0; i < 40; i++) {
		snprintf(guess, sizeof(guess), "guess%d", i);
		switch (wqd_web_config__check(w, "alice", guess)) {
		case WQD_AUTH_BUSY: busy++; break;
		case WQD_AUTH_DENIED: denied++; break;
		default: fail_msg("guess%d let in", i);
		}
	}
	assert_true(busy >= 40 - 2 * 8);
	assert_true(denied >= 1);
	assert_int_equal(wqd_web_config__check(w, "alice", "s3cret"),
			 WQD_AUTH_OK);
	wqd_web_config__free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_password),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_users),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_too_many_users),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_rate_limit),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
