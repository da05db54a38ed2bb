/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A listener's TLS and basic-auth settings: the YAML file of Prometheus
 * exporters' --web.config.file (exporter-toolkit), the subset wqmond serves:
 *
 *   tls_server_config:
 *     cert_file: server.crt        # PEM; relative to this file's folder
 *     key_file: server.key
 *     client_auth_type: RequireAndVerifyClientCert   # optional
 *     client_ca_file: clients-ca.crt
 *     min_version: TLS12           # TLS12 (default) or TLS13
 *   basic_auth_users:
 *     prometheus: $2y$10$...       # bcrypt, from `wqmond --hash-password`
 *
 * Everything is checked when the file loads: the key matches the
 * certificate, the certificate is valid now, every hash is bcrypt.  An
 * unknown or unsupported key is an error, never ignored.
 */
#ifndef WQMOND_WEB_CONFIG_H
#define WQMOND_WEB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* exporter-toolkit's client_auth_type values wqmond implements. */
enum wqd_client_auth {
	WQD_CLIENT_CERT_NONE,		 /* NoClientCert */
	WQD_CLIENT_CERT_VERIFY_IF_GIVEN, /* VerifyClientCertIfGiven */
	WQD_CLIENT_CERT_REQUIRE,	 /* RequireAndVerifyClientCert */
};

struct wqd_web_user {
	char *name;
	char *hash;
};

struct wqd_web_config {
	bool tls;
	char *cert_pem, *key_pem, *ca_pem;	/* NUL-terminated */
	enum wqd_client_auth client_auth;
	const char *priorities;			/* GnuTLS, from min_version */
	time_t cert_not_after;
	struct wqd_web_user *users;
	size_t nr_users;
	struct wqd_auth_cache *cache;		/* verified passwords */
};

/* Bounds on what a web config may make us hold. */
#define WQD_WEB_CONFIG_MAX_BYTES (64 * 1024)
#define WQD_WEB_PEM_MAX_BYTES (1024 * 1024)
#define WQD_WEB_MAX_USERS 1024

/*
 * Load and check @path.  Return: 0 with *@out set, or -errno with one line
 * "PATH:LINE: what is wrong; what to do" in @err.
 */
int wqd_web_config__load(struct wqd_web_config **out, const char *path,
			 char *err, size_t errlen);
/* Same, from @text (named @name in messages; relative files from @dir). */
int wqd_web_config__parse(struct wqd_web_config **out, const char *text,
			  size_t len, const char *name, const char *dir,
			  char *err, size_t errlen);
void wqd_web_config__free(struct wqd_web_config *w);

enum wqd_auth_result {
	WQD_AUTH_OK,
	WQD_AUTH_DENIED,	/* no such user, or a wrong password */
	WQD_AUTH_BUSY,		/* too many password checks this second */
};

/*
 * Check a basic-auth password.  bcrypt is slow on purpose (tens of ms), so
 * a password already verified is remembered (as its SHA-256), and uncached
 * checks are rate-limited: a flood of wrong passwords cannot take the
 * listener's thread from the scrapers, whose passwords are cached.  Unknown
 * users cost a bcrypt too, so timing does not tell which names exist.
 * Thread-safe.
 */
enum wqd_auth_result wqd_web_config__check(struct wqd_web_config *w,
					   const char *user,
					   const char *password);

/* A bcrypt hash of @password, for basic_auth_users.  Return: 0 or -errno. */
int wqd_web_config__hash_password(const char *password, char *out,
				  size_t outlen);

#endif /* WQMOND_WEB_CONFIG_H */
