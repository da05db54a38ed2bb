// SPDX-License-Identifier: GPL-2.0
/*
 * The web config file (web_config.h): YAML read by libyaml, certificates
 * checked by GnuTLS, passwords by libxcrypt's bcrypt.
 */
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <yaml.h>

#include "web_config.h"

/*
 * Passwords verified recently, as SHA-256 of user and password: a scraper
 * pays for bcrypt once, not every 15 s.  Checks that miss the cache are
 * limited to AUTH_CHECKS_PER_S (a burst of as many), so wrong passwords
 * cost the listener at most that many bcrypt runs a second.
 */
#define AUTH_CACHE_SLOTS 16
#define AUTH_CHECKS_PER_S 8

struct wqd_auth_cache {
	pthread_mutex_t lock;
	unsigned char key[AUTH_CACHE_SLOTS][32];
	bool used[AUTH_CACHE_SLOTS];
	unsigned int next;
	uint64_t window_s;	/* the second the budget is for */
	unsigned int checks;	/* uncached checks in that second */
};

struct parse {
	yaml_document_t *doc;
	const char *name, *dir;
	char *err;
	size_t errlen;
	struct wqd_web_config *w;
};

static int fail(struct parse *p, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct parse *p, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	int off;

	off = snprintf(p->err, p->errlen, "%s:%zu: ", p->name,
		       n ? (size_t)n->start_mark.line + 1 : (size_t)1);
	if (off < 0 || (size_t)off >= p->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(p->err + off, p->errlen - off, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A scalar's text, or NULL (with the error set) for anything else; a NUL
 * inside a value would cut it silently, so it is refused.  So are line
 * breaks and other control characters (YAML folds a plain value over
 * several lines): no key takes one, and a value goes into one-line error
 * messages. */
static const char *scalar(struct parse *p, const yaml_node_t *n,
			  const char *key)
{
	const unsigned char *v;
	size_t i;

	if (!n || n->type != YAML_SCALAR_NODE) {
		fail(p, n, "%s: expected a single value", key);
		return NULL;
	}
	v = n->data.scalar.value;
	if (strlen((const char *)v) != n->data.scalar.length) {
		fail(p, n, "%s: a NUL byte in the value; remove it", key);
		return NULL;
	}
	for (i = 0; i < n->data.scalar.length; i++) {
		if (v[i] < 0x20 || v[i] == 0x7f) {
			fail(p, n, "%s: a line break or control character in "
				   "the value; give it on one line", key);
			return NULL;
		}
	}
	return (const char *)v;
}

/* Read a regular file of at most @max bytes: never a FIFO or a device,
 * which would block or feed us forever. */
static int read_regular(const char *path, size_t max, char **out, char *err,
			size_t errlen, const char *key)
{
	struct stat sb;
	size_t len = 0;
	char *buf;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		int e = errno;

		snprintf(err, errlen, "%s %s: cannot open: %s", key, path,
			 strerror(e));
		return -e;
	}
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) ||
	    (size_t)sb.st_size > max) {
		bool big = !fstat(fd, &sb) && S_ISREG(sb.st_mode);

		close(fd);
		snprintf(err, errlen, "%s %s: %s", key, path,
			 big ? "larger than the limit; is this the right "
			       "file?" : "not a regular file");
		return -EINVAL;
	}
	buf = malloc(max + 1);
	if (!buf) {
		close(fd);
		snprintf(err, errlen, "%s %s: out of memory", key, path);
		return -ENOMEM;
	}
	while (len <= max && (n = read(fd, buf + len, max + 1 - len)) > 0)
		len += n;
	close(fd);
	if (len > max || memchr(buf, '\0', len)) {
		free(buf);
		snprintf(err, errlen, "%s %s: %s", key, path,
			 len > max ? "grew past the limit while read" :
				     "a NUL byte: not a PEM or YAML text file");
		return -EINVAL;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

/* A file named in the config: relative to the config's own folder, as
 * exporter-toolkit does, so a config and its certificates move together. */
static int read_named(struct parse *p, const yaml_node_t *n, const char *key,
		      const char *file, char **out)
{
	char path[PATH_MAX], why[PATH_MAX + 128];

	if (!file[0])
		return fail(p, n, "%s: empty; give a file", key);
	if (file[0] == '/' || !p->dir)
		snprintf(path, sizeof(path), "%s", file);
	else if ((size_t)snprintf(path, sizeof(path), "%s/%s", p->dir, file) >=
		 sizeof(path))
		return fail(p, n, "%s: path too long", key);
	if (read_regular(path, WQD_WEB_PEM_MAX_BYTES, out, why, sizeof(why),
			 key))
		return fail(p, n, "%s", why);
	return 0;
}

static void utc(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%F %T UTC", &tm))
		snprintf(buf, len, "%lld", (long long)t);
}

/* The key must open, match the certificate, and the certificate must be
 * valid now: an expired one is refused at start, not found by a scraper. */
static int check_certificate(struct parse *p, const yaml_node_t *n)
{
	struct wqd_web_config *w = p->w;
	gnutls_datum_t cert = { (unsigned char *)w->cert_pem,
				(unsigned int)strlen(w->cert_pem) };
	gnutls_datum_t key = { (unsigned char *)w->key_pem,
			       (unsigned int)strlen(w->key_pem) };
	gnutls_certificate_credentials_t cred;
	gnutls_x509_crt_t crt;
	time_t now = time(NULL), from, until;
	char when[64];
	int ret;

	if (gnutls_certificate_allocate_credentials(&cred))
		return fail(p, n, "out of memory");
	ret = gnutls_certificate_set_x509_key_mem2(cred, &cert, &key,
						   GNUTLS_X509_FMT_PEM, NULL,
						   0);
	gnutls_certificate_free_credentials(cred);
	if (ret < 0)
		return fail(p, n, "cert_file and key_file: %s; give a PEM "
			    "certificate and its unencrypted PEM key",
			    gnutls_strerror(ret));
	if (gnutls_x509_crt_init(&crt))
		return fail(p, n, "out of memory");
	ret = gnutls_x509_crt_import(crt, &cert, GNUTLS_X509_FMT_PEM);
	from = gnutls_x509_crt_get_activation_time(crt);
	until = gnutls_x509_crt_get_expiration_time(crt);
	gnutls_x509_crt_deinit(crt);
	if (ret < 0)
		return fail(p, n, "cert_file: %s", gnutls_strerror(ret));
	w->cert_not_after = until;
	if (until != (time_t)-1 && until < now) {
		utc(until, when, sizeof(when));
		return fail(p, n, "cert_file: the certificate expired on %s; "
			    "renew it", when);
	}
	if (from != (time_t)-1 && from > now) {
		utc(from, when, sizeof(when));
		return fail(p, n, "cert_file: the certificate is valid only "
			    "from %s; check the clock or the certificate",
			    when);
	}
	return 0;
}

static int check_ca(struct parse *p, const yaml_node_t *n)
{
	gnutls_datum_t ca = { (unsigned char *)p->w->ca_pem,
			      (unsigned int)strlen(p->w->ca_pem) };
	gnutls_x509_crt_t *list;
	unsigned int nr = 0;
	int ret;

	ret = gnutls_x509_crt_list_import2(&list, &nr, &ca,
					   GNUTLS_X509_FMT_PEM, 0);
	if (ret < 0 || !nr)
		return fail(p, n, "client_ca_file: %s; give PEM certificates",
			    ret < 0 ? gnutls_strerror(ret) : "no certificate");
	for (unsigned int i = 0; i < nr; i++)
		gnutls_x509_crt_deinit(list[i]);
	gnutls_free(list);
	return 0;
}

static int parse_client_auth(struct parse *p, const yaml_node_t *n,
			     const char *v)
{
	if (!strcmp(v, "") || !strcmp(v, "NoClientCert"))
		p->w->client_auth = WQD_CLIENT_CERT_NONE;
	else if (!strcmp(v, "VerifyClientCertIfGiven"))
		p->w->client_auth = WQD_CLIENT_CERT_VERIFY_IF_GIVEN;
	else if (!strcmp(v, "RequireAndVerifyClientCert"))
		p->w->client_auth = WQD_CLIENT_CERT_REQUIRE;
	else
		return fail(p, n, "client_auth_type '%s': use NoClientCert, "
			    "VerifyClientCertIfGiven or "
			    "RequireAndVerifyClientCert", v);
	return 0;
}

static int parse_tls(struct parse *p, const yaml_node_t *map)
{
	struct wqd_web_config *w = p->w;
	const yaml_node_t *cert_at = map, *ca_at = map;
	unsigned int seen = 0;
	static const char *const keys[] = { "cert_file", "key_file",
		"client_auth_type", "client_ca_file", "min_version" };

	if (map->type != YAML_MAPPING_NODE)
		return fail(p, map, "tls_server_config: expected cert_file, "
			    "key_file and the other settings under it");
	for (yaml_node_pair_t *kv = map->data.mapping.pairs.start;
	     kv < map->data.mapping.pairs.top; kv++) {
		yaml_node_t *k = yaml_document_get_node(p->doc, kv->key);
		yaml_node_t *v = yaml_document_get_node(p->doc, kv->value);
		const char *key = scalar(p, k, "tls_server_config"), *val;
		unsigned int i;
		int err = 0;

		if (!key)
			return -EINVAL;
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strcmp(key, keys[i]))
				break;
		if (i == sizeof(keys) / sizeof(keys[0]))
			return fail(p, k, "tls_server_config.%s: not a setting "
				    "wqmond knows (it takes cert_file, "
				    "key_file, client_auth_type, "
				    "client_ca_file, min_version)", key);
		if (seen & (1u << i))
			return fail(p, k, "tls_server_config.%s: given twice; "
				    "keep one", key);
		seen |= 1u << i;
		val = scalar(p, v, key);
		if (!val)
			return -EINVAL;
		if (i == 0) {
			cert_at = v;
			err = read_named(p, v, key, val, &w->cert_pem);
		} else if (i == 1) {
			err = read_named(p, v, key, val, &w->key_pem);
		} else if (i == 2) {
			err = parse_client_auth(p, v, val);
		} else if (i == 3) {
			ca_at = v;
			err = read_named(p, v, key, val, &w->ca_pem);
			err = err ?: check_ca(p, v);
		} else if (!strcmp(val, "TLS12") || !strcmp(val, "")) {
			w->priorities = "NORMAL:-VERS-ALL:+VERS-TLS1.3:"
					"+VERS-TLS1.2";
		} else if (!strcmp(val, "TLS13")) {
			w->priorities = "NORMAL:-VERS-ALL:+VERS-TLS1.3";
		} else {
			err = fail(p, v, "min_version '%s': use TLS12 or "
				   "TLS13 (older versions are unsafe)", val);
		}
		if (err)
			return err;
	}
	if (!w->cert_pem || !w->key_pem)
		return fail(p, map, "tls_server_config: give both cert_file "
			    "and key_file");
	if (w->client_auth != WQD_CLIENT_CERT_NONE && !w->ca_pem)
		return fail(p, map, "client_auth_type: verifying client "
			    "certificates needs client_ca_file");
	if (w->ca_pem && w->client_auth == WQD_CLIENT_CERT_NONE)
		return fail(p, ca_at, "client_ca_file: set client_auth_type "
			    "too (RequireAndVerifyClientCert), or remove it");
	w->tls = true;
	return check_certificate(p, cert_at);
}

/*
 * bcrypt only, as exporter-toolkit: "$2y$" (or 2a, 2b), a two-digit cost,
 * then 53 characters of salt and hash.  Checked by its shape, not by
 * running it: a thousand users would take a minute of bcrypt to load.
 * The cost is capped: every uncached check runs it, and cost 31 would take
 * hours (each step doubles it; htpasswd -B uses 5, wqmond 10).
 */
#define BCRYPT_MAX_COST 16

static bool is_bcrypt(const char *hash, int *cost)
{
	static const char b64[] = "./ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789";

	*cost = -1;
	if (strlen(hash) != 60 || strncmp(hash, "$2", 2) ||
	    !strchr("aby", hash[2]) || hash[3] != '$' || hash[6] != '$' ||
	    hash[4] < '0' || hash[4] > '9' || hash[5] < '0' || hash[5] > '9')
		return false;
	*cost = (hash[4] - '0') * 10 + (hash[5] - '0');
	return strspn(hash + 7, b64) == 53 && *cost >= 4 &&
	       *cost <= BCRYPT_MAX_COST;
}

static int parse_users(struct parse *p, const yaml_node_t *map)
{
	struct wqd_web_config *w = p->w;
	size_t n = map->type == YAML_MAPPING_NODE ?
		   (size_t)(map->data.mapping.pairs.top -
			    map->data.mapping.pairs.start) : 0;

	if (map->type != YAML_MAPPING_NODE)
		return fail(p, map, "basic_auth_users: expected lines "
			    "'name: bcrypt hash' under it");
	if (n > WQD_WEB_MAX_USERS)
		return fail(p, map, "basic_auth_users: %zu users; at most %d",
			    n, WQD_WEB_MAX_USERS);
	w->users = calloc(n ? n : 1, sizeof(*w->users));
	if (!w->users)
		return fail(p, map, "out of memory");
	for (yaml_node_pair_t *kv = map->data.mapping.pairs.start;
	     kv < map->data.mapping.pairs.top; kv++) {
		yaml_node_t *k = yaml_document_get_node(p->doc, kv->key);
		yaml_node_t *v = yaml_document_get_node(p->doc, kv->value);
		const char *name = scalar(p, k, "basic_auth_users"), *hash;
		int cost;

		if (!name)
			return -EINVAL;
		hash = scalar(p, v, name);
		if (!hash)
			return -EINVAL;
		if (!name[0] || strchr(name, ':'))
			return fail(p, k, "basic_auth_users: '%s' is not a "
				    "user name (not empty, no ':')", name);
		for (size_t i = 0; i < w->nr_users; i++)
			if (!strcmp(w->users[i].name, name))
				return fail(p, k, "basic_auth_users.%s: given "
					    "twice; keep one", name);
		if (!is_bcrypt(hash, &cost))
			return fail(p, v, "basic_auth_users.%s: %s; make one "
				    "with `wqmond --hash-password`", name,
				    cost > BCRYPT_MAX_COST ?
				    "bcrypt cost over 16 (each check would "
				    "take seconds)" : "not a bcrypt hash");
		w->users[w->nr_users].name = strdup(name);
		w->users[w->nr_users].hash = strdup(hash);
		if (!w->users[w->nr_users].name ||
		    !w->users[w->nr_users++].hash)
			return fail(p, k, "out of memory");
	}
	return 0;
}

static int parse_root(struct parse *p)
{
	yaml_node_t *root = yaml_document_get_root_node(p->doc);
	bool seen_tls = false, seen_users = false;

	/* An empty file: neither TLS nor passwords, as exporter-toolkit. */
	if (!root || (root->type == YAML_SCALAR_NODE &&
		      !root->data.scalar.length))
		return 0;
	if (root->type != YAML_MAPPING_NODE)
		return fail(p, root, "expected tls_server_config: and/or "
			    "basic_auth_users: at the top");
	for (yaml_node_pair_t *kv = root->data.mapping.pairs.start;
	     kv < root->data.mapping.pairs.top; kv++) {
		yaml_node_t *k = yaml_document_get_node(p->doc, kv->key);
		yaml_node_t *v = yaml_document_get_node(p->doc, kv->value);
		const char *key = scalar(p, k, "top level");
		bool *seen;
		int err;

		if (!key)
			return -EINVAL;
		if (!strcmp(key, "tls_server_config"))
			seen = &seen_tls;
		else if (!strcmp(key, "basic_auth_users"))
			seen = &seen_users;
		else if (!strcmp(key, "http_server_config"))
			return fail(p, k, "http_server_config: not supported "
				    "by wqmond (it serves HTTP/1.1 with its "
				    "own headers); remove it");
		else
			return fail(p, k, "%s: not a setting wqmond knows (it "
				    "takes tls_server_config and "
				    "basic_auth_users)", key);
		if (*seen)
			return fail(p, k, "%s: given twice; keep one", key);
		*seen = true;
		/* "basic_auth_users:" with nothing under it: none. */
		if (v->type == YAML_SCALAR_NODE && !v->data.scalar.length)
			continue;
		err = seen == &seen_tls ? parse_tls(p, v) : parse_users(p, v);
		if (err)
			return err;
	}
	return 0;
}

static struct wqd_auth_cache *cache_new(void)
{
	struct wqd_auth_cache *c = calloc(1, sizeof(*c));

	if (c)
		pthread_mutex_init(&c->lock, NULL);
	return c;
}

int wqd_web_config__parse(struct wqd_web_config **out, const char *text,
			  size_t len, const char *name, const char *dir,
			  char *err, size_t errlen)
{
	struct wqd_web_config *w = calloc(1, sizeof(*w));
	struct parse p = { .name = name, .dir = dir, .err = err,
			   .errlen = errlen, .w = w };
	yaml_parser_t parser;
	yaml_document_t doc;
	int ret;

	*out = NULL;
	if (!w || !(w->cache = cache_new())) {
		free(w);
		snprintf(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	w->priorities = "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2";
	if (!yaml_parser_initialize(&parser)) {
		wqd_web_config__free(w);
		snprintf(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text,
				     len);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errlen, "%s:%zu: not valid YAML: %s", name,
			 (size_t)parser.problem_mark.line + 1,
			 parser.problem ? parser.problem : "unknown error");
		yaml_parser_delete(&parser);
		wqd_web_config__free(w);
		return -EINVAL;
	}
	p.doc = &doc;
	ret = parse_root(&p);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (ret) {
		wqd_web_config__free(w);
		return ret;
	}
	*out = w;
	return 0;
}

int wqd_web_config__load(struct wqd_web_config **out, const char *path,
			 char *err, size_t errlen)
{
	char dir[PATH_MAX], *slash, *text;
	int ret;

	*out = NULL;
	ret = read_regular(path, WQD_WEB_CONFIG_MAX_BYTES, &text, err, errlen,
			   "web config");
	if (ret)
		return ret;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	ret = wqd_web_config__parse(out, text, strlen(text), path,
				    slash ? dir : NULL, err, errlen);
	free(text);
	return ret;
}

void wqd_web_config__free(struct wqd_web_config *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->nr_users; i++) {
		free(w->users[i].name);
		free(w->users[i].hash);
	}
	free(w->users);
	free(w->cert_pem);
	free(w->key_pem);
	free(w->ca_pem);
	if (w->cache) {
		pthread_mutex_destroy(&w->cache->lock);
		free(w->cache);
	}
	free(w);
}

static int cache_key(const char *user, const char *password,
		     unsigned char key[32])
{
	size_t ul = strlen(user), pl = strlen(password);
	char *buf = malloc(ul + pl + 2);
	int ret;

	if (!buf)
		return -ENOMEM;
	/* The NUL keeps "ab"+"c" apart from "a"+"bc". */
	memcpy(buf, user, ul + 1);
	memcpy(buf + ul + 1, password, pl + 1);
	ret = gnutls_hash_fast(GNUTLS_DIG_SHA256, buf, ul + pl + 2, key);
	explicit_bzero(buf, ul + pl + 2);
	free(buf);
	return ret ? -EIO : 0;
}

/* Constant-time: a comparison must not tell how much of a guess was
 * right. */
static bool same_bytes(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	unsigned char d = 0;

	for (size_t i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

enum wqd_auth_result wqd_web_config__check(struct wqd_web_config *w,
					   const char *user,
					   const char *password)
{
	/* A valid bcrypt hash of nothing anyone knows: unknown users cost
	 * what known ones do. */
	static const char decoy[] =
		"$2b$10$bSkwX4IlR3.fBE.9M9TQt.DXCLHWzpjmGP9lV3Efou5MGBIo0G7FS";
	struct wqd_auth_cache *c = w->cache;
	unsigned char key[32];
	struct crypt_data *cd;
	const char *hash = decoy, *h;
	struct timespec now;
	bool ok = false, known = false;

	for (size_t i = 0; i < w->nr_users; i++)
		if (!strcmp(w->users[i].name, user)) {
			hash = w->users[i].hash;
			known = true;
		}
	if (cache_key(user, password, key))
		return WQD_AUTH_DENIED;
	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&c->lock);
	for (int i = 0; i < AUTH_CACHE_SLOTS; i++)
		if (c->used[i] && same_bytes(c->key[i], key, sizeof(key)))
			ok = true;
	if (!ok) {
		if (c->window_s != (uint64_t)now.tv_sec) {
			c->window_s = now.tv_sec;
			c->checks = 0;
		}
		if (c->checks >= AUTH_CHECKS_PER_S) {
			pthread_mutex_unlock(&c->lock);
			return WQD_AUTH_BUSY;
		}
		c->checks++;
	}
	pthread_mutex_unlock(&c->lock);
	if (ok)		/* only known users' passwords are cached */
		return WQD_AUTH_OK;

	cd = calloc(1, sizeof(*cd));
	if (!cd)
		return WQD_AUTH_DENIED;
	h = crypt_rn(password, hash, cd, sizeof(*cd));
	ok = h && strlen(h) == strlen(hash) &&
	     same_bytes(h, hash, strlen(hash)) && known;
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	if (!ok)
		return WQD_AUTH_DENIED;
	pthread_mutex_lock(&c->lock);
	memcpy(c->key[c->next], key, sizeof(key));
	c->used[c->next] = true;
	c->next = (c->next + 1) % AUTH_CACHE_SLOTS;
	pthread_mutex_unlock(&c->lock);
	return WQD_AUTH_OK;
}

int wqd_web_config__hash_password(const char *password, char *out,
				  size_t outlen)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	const char *h;
	int ret = 0;

	/* Cost 10, as htpasswd -B and exporter-toolkit's docs. */
	if (!crypt_gensalt_rn("$2y$", 10, NULL, 0, setting, sizeof(setting)))
		return -errno ?: -EINVAL;
	cd = calloc(1, sizeof(*cd));
	if (!cd)
		return -ENOMEM;
	h = crypt_rn(password, setting, cd, sizeof(*cd));
	if (!h || (size_t)snprintf(out, outlen, "%s", h) >= outlen)
		ret = -EINVAL;
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ret;
}
