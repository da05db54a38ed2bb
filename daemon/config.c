// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "log.h"

/* daemon/wqmond.conf, the file `make install` puts in /etc/wqmon/, as a C
 * string (the Makefile generates it): one text for both. */
const char wqd_config_default_text[] =
#include "wqmond.conf.inc"
	;

void wqd_config__defaults(struct wqd_config *c)
{
	char err[128];

	memset(c, 0, sizeof(*c));
	wq_stall_rules__defaults(&c->stalls);
	/* The embedded text is the single source of the defaults. */
	if (wqd_config__load_string(c, wqd_config_default_text, "default", err,
				    sizeof(err)))
		pr_err("built-in configuration: %s\n", err);
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (!strcasecmp(v, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(v, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_size(const char *v, uint64_t min, uint64_t max,
		      uint64_t *out)
{
	unsigned long long n;
	char *end;
	uint64_t mult = 1;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno || end == v || v[0] == '-')
		return -EINVAL;
	switch (*end) {
	case 'K': case 'k': mult = 1ULL << 10; end++; break;
	case 'M': case 'm': mult = 1ULL << 20; end++; break;
	case 'G': case 'g': mult = 1ULL << 30; end++; break;
	}
	if (*end || n > max / mult || n * mult < min)
		return -EINVAL;
	*out = n * mult;
	return 0;
}

int wqd_config__split_listen(const char *listen, char *host, size_t hostlen,
			     char *port, size_t portlen)
{
	const char *colon, *h = listen;
	size_t hl;
	char *end;
	long p;

	if (listen[0] == '[') {
		const char *rb = strchr(listen, ']');

		if (!rb || rb[1] != ':')
			return -EINVAL;
		h = listen + 1;
		hl = rb - h;
		colon = rb + 1;
	} else {
		colon = strrchr(listen, ':');
		if (!colon || memchr(listen, ':', colon - listen))
			return -EINVAL;	/* bare IPv6 needs brackets */
		hl = colon - listen;
	}
	p = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || p < 1 || p > 65535 || hl >= hostlen)
		return -EINVAL;
	memcpy(host, h, hl);
	host[hl] = '\0';
	snprintf(port, portlen, "%ld", p);
	return 0;
}

static int copy_value(char *dst, size_t len, const char *v)
{
	if (strlen(v) >= len)
		return -EINVAL;
	strcpy(dst, v);
	return 0;
}

#define BAD(...)                                         \
	do {                                             \
		snprintf(err, errlen, __VA_ARGS__);      \
		return -EINVAL;                          \
	} while (0)

static int set_daemon(struct wqd_config *c, const char *k, const char *v,
		      char *err, size_t errlen)
{
	static const char *const levels[] = { "error", "warning", "info",
					      "debug" };
	uint64_t n;
	char h[128], p[8];
	char *end;
	double d;

	if (!strcmp(k, "interval")) {
		errno = 0;
		d = strtod(v, &end);
		if (errno || end == v || *end || !(d >= 0.1 && d <= 3600))
			BAD("interval = '%s': give seconds from 0.1 to 3600", v);
		c->interval_ns = (uint64_t)(d * 1e9 + 0.5);
	} else if (!strcmp(k, "listen")) {
		if (strcmp(v, "none") &&
		    (wqd_config__split_listen(v, h, sizeof(h), p, sizeof(p)) ||
		     copy_value(c->listen, sizeof(c->listen), v)))
			BAD("listen = '%s': give host:port, [v6addr]:port or "
			    "none, e.g. 127.0.0.1:9464", v);
		if (!strcmp(v, "none"))
			strcpy(c->listen, "none");
	} else if (!strcmp(k, "socket")) {
		if (copy_value(c->socket_path, sizeof(c->socket_path),
			       strcmp(v, "none") ? v : ""))
			BAD("socket = '%s': a path of at most %zu bytes, or none",
			    v, sizeof(c->socket_path) - 1);
	} else if (!strcmp(k, "history_bytes")) {
		if (parse_size(v, 64 << 10, 16ULL << 30, &n))
			BAD("history_bytes = '%s': give a size from 64K to 16G, "
			    "e.g. 16M", v);
		c->history_bytes = n;
	} else if (!strcmp(k, "top_functions")) {
		if (parse_size(v, 1, 100000, &n))
			BAD("top_functions = '%s': give a number from 1 to 100000",
			    v);
		c->top_functions = n;
	} else if (!strcmp(k, "max_connections")) {
		if (parse_size(v, 1, 10000, &n))
			BAD("max_connections = '%s': give a number from 1 to "
			    "10000", v);
		c->max_connections = n;
	} else if (!strcmp(k, "web_root")) {
		if (copy_value(c->web_root, sizeof(c->web_root), v))
			BAD("web_root: path too long");
	} else if (!strcmp(k, "user")) {
		if (copy_value(c->user, sizeof(c->user), v))
			BAD("user: name too long");
	} else if (!strcmp(k, "log_level")) {
		for (size_t i = 0; i < 4; i++) {
			if (!strcasecmp(v, levels[i])) {
				c->log_level = (int)i;
				return 0;
			}
		}
		BAD("log_level = '%s': give error, warning, info or debug", v);
	} else {
		BAD("unknown key '%s' in [daemon]; keys: interval, listen, "
		    "socket, history_bytes, top_functions, max_connections, "
		    "web_root, log_level, user", k);
	}
	return 0;
}

static int set_kernel(struct wqd_config *c, const char *k, const char *v,
		      char *err, size_t errlen)
{
	bool *dst = !strcmp(k, "enabled")  ? &c->kernel :
		    !strcmp(k, "queuers")  ? &c->kernel_queuers :
		    !strcmp(k, "raw_tp")   ? &c->kernel_raw_tp :
		    !strcmp(k, "cpu_time") ? &c->kernel_cpu_time : NULL;

	if (!dst)
		BAD("unknown key '%s' in [kernel]; keys: enabled, queuers, "
		    "raw_tp, cpu_time", k);
	if (parse_bool(v, dst))
		BAD("%s = '%s' in [kernel]: give yes or no", k, v);
	return 0;
}

static int set_kmod(struct wqd_config *c, const char *k, const char *v,
		    char *err, size_t errlen)
{
	bool b;

	if (!strcmp(k, "path")) {
		if (v[0] != '/' || copy_value(c->kmod_path, sizeof(c->kmod_path), v))
			BAD("path = '%s' in [kmod]: give an absolute path, e.g. "
			    "/proc/workqueues", v);
	} else if (!strcmp(k, "enabled")) {
		if (!strcasecmp(v, "auto"))
			c->kmod = 2;
		else if (!parse_bool(v, &b))
			c->kmod = b;
		else
			BAD("enabled = '%s' in [kmod]: give yes, no or auto", v);
	} else {
		BAD("unknown key '%s' in [kmod]; keys: enabled, path", k);
	}
	return 0;
}

static int set_refwq(struct wqd_config *c, const char *k, const char *v,
		     char *err, size_t errlen)
{
	if (strcmp(k, "enabled"))
		BAD("unknown key '%s' in [refwq]; keys: enabled", k);
	if (parse_bool(v, &c->refwq))
		BAD("enabled = '%s' in [refwq]: give yes or no", v);
	return 0;
}

static int set_stalls(struct wqd_config *c, const char *k, const char *v,
		      char *err, size_t errlen)
{
	static const struct {
		const char *key;
		enum wq_stall_kind kind;
	} kinds[] = { { "pending", WQ_STALL_PENDING },
		      { "starved", WQ_STALL_STARVED },
		      { "running", WQ_STALL_RUNNING },
		      { "cpu_hog", WQ_STALL_CPU_HOG } };
	uint64_t n;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(k, kinds[i].key))
			continue;
		if (wq_duration__parse(v, &n) || !n)
			BAD("%s = '%s' in [stalls]: give a duration, e.g. 5s or "
			    "250ms", k, v);
		c->stalls.threshold_ns[kinds[i].kind] = n;
		return 0;
	}
	if (!strcmp(k, "rule"))
		return wq_stall_rules__add(&c->stalls, v, err, errlen) ? -EINVAL :
									 0;
	if (!strcmp(k, "hog_clear_intervals")) {
		if (parse_size(v, 1, 1000, &n))
			BAD("hog_clear_intervals = '%s': give 1 to 1000", v);
		c->stalls.hog_clear_intervals = n;
		return 0;
	}
	if (!strcmp(k, "kmsg")) {
		if (parse_bool(v, &c->kmsg))
			BAD("kmsg = '%s' in [stalls]: give yes or no", v);
		return 0;
	}
	BAD("unknown key '%s' in [stalls]; keys: pending, starved, running, "
	    "cpu_hog, hog_clear_intervals, rule, kmsg", k);
}

static int set_ms(const char *k, const char *v, unsigned int *out, char *err,
		  size_t errlen)
{
	uint64_t ns;

	if (wq_duration__parse(v, &ns) || ns < 1000000ULL ||
	    ns > 86400000000000ULL)
		BAD("%s = '%s' in [alerts]: give a duration from 1ms to 24h, "
		    "e.g. 10s", k, v);
	*out = (unsigned int)(ns / 1000000ULL);
	return 0;
}

static int set_alerts(struct wqd_config *c, const char *k, const char *v,
		      char *err, size_t errlen)
{
	uint64_t n;

	if (!strcmp(k, "exec")) {
		if (v[0] && v[0] != '/')
			BAD("exec = '%s': give the program's absolute path "
			    "(no shell runs it)", v);
		if (copy_value(c->alert_exec, sizeof(c->alert_exec), v))
			BAD("exec: too long");
	} else if (!strcmp(k, "webhook")) {
		if (v[0] && strncmp(v, "http://", 7))
			BAD("webhook = '%s': give an http:// URL, e.g. "
			    "http://127.0.0.1:9093/api/v2/alerts", v);
		if (copy_value(c->alert_webhook, sizeof(c->alert_webhook), v))
			BAD("webhook: URL too long");
	} else if (!strcmp(k, "exec_timeout")) {
		return set_ms(k, v, &c->alert_exec_timeout_ms, err, errlen);
	} else if (!strcmp(k, "webhook_timeout")) {
		return set_ms(k, v, &c->alert_webhook_timeout_ms, err, errlen);
	} else if (!strcmp(k, "retry_max_age")) {
		return set_ms(k, v, &c->alert_retry_max_age_ms, err, errlen);
	} else if (!strcmp(k, "queue_len")) {
		if (parse_size(v, 1, 100000, &n))
			BAD("queue_len = '%s': give 1 to 100000", v);
		c->alert_queue_len = n;
	} else if (!strcmp(k, "name")) {
		if (copy_value(c->alert_name, sizeof(c->alert_name), v))
			BAD("name: too long");
	} else {
		BAD("unknown key '%s' in [alerts]; keys: exec, exec_timeout, "
		    "webhook, webhook_timeout, retry_max_age, queue_len, name", k);
	}
	return 0;
}

int wqd_config__set(struct wqd_config *c, const char *section,
		    const char *key, const char *value, char *err,
		    size_t errlen)
{
	if (!section[0])
		BAD("'%s' is outside a [section]: put it under [daemon], "
		    "[kernel], [refwq], [stalls] or [alerts]", key);
	if (!strcmp(section, "daemon"))
		return set_daemon(c, key, value, err, errlen);
	if (!strcmp(section, "kernel"))
		return set_kernel(c, key, value, err, errlen);
	if (!strcmp(section, "refwq"))
		return set_refwq(c, key, value, err, errlen);
	if (!strcmp(section, "stalls"))
		return set_stalls(c, key, value, err, errlen);
	if (!strcmp(section, "kmod"))
		return set_kmod(c, key, value, err, errlen);
	if (!strcmp(section, "alerts"))
		return set_alerts(c, key, value, err, errlen);
	BAD("unknown section [%s]; sections: [daemon], [kernel], [refwq], "
	    "[kmod], [stalls], [alerts]", section);
}

struct ini_ctx {
	struct wqd_config *c;
	char *err;
	size_t errlen;
	int failed;
};

static int on_ini(void *user, const char *section, const char *name,
		  const char *value)
{
	struct ini_ctx *x = user;

	if (x->failed)
		return 0;
	x->failed = wqd_config__set(x->c, section, name, value, x->err,
				    x->errlen);
	return !x->failed;
}

static int finish(int rc, struct ini_ctx *x, const char *name)
{
	char why[256];

	if (rc == 0)
		return 0;
	if (rc == -1) {
		snprintf(x->err, x->errlen, "%s: cannot open: %s", name,
			 strerror(errno));
		return -errno;
	}
	snprintf(why, sizeof(why), "%s", x->failed ? x->err : "syntax error");
	snprintf(x->err, x->errlen, "%s:%d: %s", name, rc, why);
	return -EINVAL;
}

int wqd_config__load_string(struct wqd_config *c, const char *text,
			    const char *name, char *err, size_t errlen)
{
	struct ini_ctx x = { c, err, errlen, 0 };

	return finish(ini_parse_string(text, on_ini, &x), &x, name);
}

int wqd_config__load_file(struct wqd_config *c, const char *path, char *err,
			  size_t errlen)
{
	struct ini_ctx x = { c, err, errlen, 0 };

	return finish(ini_parse(path, on_ini, &x), &x, path);
}
