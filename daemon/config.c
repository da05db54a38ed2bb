// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collector.h"
#include "config.h"
#include "cpulist.h"
#include "http_client.h"
#include "log.h"

/* daemon/wqmond.conf, the file `make install` puts in /etc/wqmon/, as a C
 * string (the Makefile generates it): one text for both. */
const char wqd_config_default_text[] =
#include "wqmond.conf.inc"
#include "wqtime.h"
	;

void wqd_config__defaults(struct wqd_config *c)
{
	char err[128];

	memset(c, 0, sizeof(*c));
	wq_stall_rules__defaults(&c->stalls);
	wq_slow_rules__defaults(&c->slow);
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
	/* Port 0: the kernel picks a free one, and the log says which. */
	p = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || colon[1] == '-' || colon[1] == '+' ||
	    p < 0 || p > 65535 || hl >= hostlen)
		return -EINVAL;
	memcpy(host, h, hl);
	host[hl] = '\0';
	snprintf(port, portlen, "%ld", p);
	return 0;
}

/* http://host[:port][/path], host a name, an IPv4 address or [v6]. */
int wqd_config__check_url(const char *url)
{
	struct wq_http_url u;

	/* The parser the alert sink sends with (lib/util/http_client.h). */
	return wq_http_url__parse(url, &u) || u.local ? -EINVAL : 0;
}

bool wqd_config__listen_is_loopback(const char *listen)
{
	char h[128], p[8];
	struct in6_addr a6;
	struct in_addr a4;

	if (!strcmp(listen, "none"))
		return true;
	if (wqd_config__split_listen(listen, h, sizeof(h), p, sizeof(p)))
		return false;
	if (!strcmp(h, "localhost"))
		return true;
	if (inet_pton(AF_INET, h, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (inet_pton(AF_INET6, h, &a6) == 1)
		return IN6_IS_ADDR_LOOPBACK(&a6);
	return false;	/* "" (all addresses) or another name */
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

	if (!strcmp(k, "interval")) {
		if (wq_seconds__parse(v, 0.1, 3600, &n))
			BAD("interval = '%s': give seconds from 0.1 to 3600", v);
		c->interval_ns = n;
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
	} else if (!strcmp(k, "web_config")) {
		if (copy_value(c->web_config, sizeof(c->web_config), v))
			BAD("web_config: path too long");
	} else if (!strcmp(k, "socket_web_config")) {
		if (copy_value(c->socket_web_config,
			       sizeof(c->socket_web_config), v))
			BAD("socket_web_config: path too long");
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
		    "web_root, web_config, socket_web_config, log_level, "
		    "user", k);
	}
	return 0;
}

static int set_kernel(struct wqd_config *c, const char *k, const char *v,
		      char *err, size_t errlen)
{
	bool *dst;
	uint64_t n;

	if (!strcmp(k, "isolated_cpus")) {
		struct wq_cpuset set = { 0 };
		char why[200];

		if (strcmp(v, "auto") && strcmp(v, "none") &&
		    wq_cpuset__parse(&set, v, why, sizeof(why)))
			BAD("isolated_cpus = '%s' in [kernel]: give auto, none or "
			    "a CPU list such as 1,3-5", v);
		if (copy_value(c->kernel_isolated, sizeof(c->kernel_isolated),
			       v))
			BAD("isolated_cpus: too long");
		return 0;
	}
	if (!strcmp(k, "config_interval")) {
		if (!strcmp(v, "0") || !strcmp(v, "no")) {
			c->kernel_config_ns = 0;
			return 0;
		}
		if (wq_seconds__parse(v, 1, 86400, &n))
			BAD("config_interval = '%s' in [kernel]: give seconds "
			    "from 1 to 86400, or 0 (not read)", v);
		c->kernel_config_ns = n;
		return 0;
	}
	if (!strcmp(k, "sample_every")) {
		if (parse_size(v, 1, WQ_SAMPLE_EVERY_MAX, &n))
			BAD("sample_every = '%s' in [kernel]: give N from 1 to "
			    "%d (1 in N items' durations measured)", v,
			    WQ_SAMPLE_EVERY_MAX);
		c->kernel_sample_every = (uint32_t)n;
		return 0;
	}
	dst = !strcmp(k, "enabled")  ? &c->kernel :
		    !strcmp(k, "queuers")  ? &c->kernel_queuers :
		    !strcmp(k, "raw_tp")   ? &c->kernel_raw_tp :
		    !strcmp(k, "cpu_time") ? &c->kernel_cpu_time : NULL;

	if (!dst)
		BAD("unknown key '%s' in [kernel]; keys: enabled, queuers, "
		    "raw_tp, cpu_time, sample_every, isolated_cpus, "
		    "config_interval", k);
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

static int set_slow(struct wqd_config *c, const char *k, const char *v,
		    char *err, size_t errlen)
{
	char why[256];
	uint64_t n;
	int ret;

	if (!strcmp(k, "latency") || !strcmp(k, "run"))
		ret = wq_slow_rules__set_default(&c->slow, !strcmp(k, "run") ?
						 WQ_SLOW_K_RUN :
						 WQ_SLOW_K_LATENCY,
						 v, why, sizeof(why));
	else if (!strcmp(k, "rule"))
		ret = wq_slow_rules__add(&c->slow, v, why, sizeof(why));
	else if (!strcmp(k, "max_per_second"))
		ret = wq_slow_rules__set_rate(&c->slow, v, why, sizeof(why));
	else if (!strcmp(k, "keep")) {
		if (parse_size(v, 1, WQ_SLOW_KEEP_MAX, &n))
			BAD("keep = '%s' in [slow]: give 1 to %d records", v,
			    WQ_SLOW_KEEP_MAX);
		c->slow_keep = n;
		return 0;
	} else
		BAD("unknown key '%s' in [slow]; keys: latency, run, rule, "
		    "max_per_second, keep", k);
	if (ret)
		BAD("%s in [slow]", why);
	return 0;
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
		if (v[0] && wqd_config__check_url(v))
			BAD("webhook = '%s': give an http:// URL, host[:port]/path"
			    " with a port from 1 to 65535, [v6] in brackets, e.g. "
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

static int set_metrics(struct wqd_config *c, const char *k, const char *v,
			char *err, size_t errlen)
{
	uint64_t n;

	if (!strcmp(k, "queuer_series")) {
		if (parse_size(v, 0, 100000, &n))
			BAD("queuer_series = '%s' in [metrics]: give a number "
			    "from 0 (none) to 100000", v);
		c->queuer_series = n;
		return 0;
	}
	BAD("unknown key '%s' in [metrics]; keys: queuer_series", k);
}

int wqd_config__set(struct wqd_config *c, const char *section,
		    const char *key, const char *value, char *err,
		    size_t errlen)
{
	if (!section[0])
		BAD("'%s' is outside a [section]: put it under [daemon], "
		    "[kernel], [refwq], [stalls], [slow], [alerts] or [metrics]", key);
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
	if (!strcmp(section, "slow"))
		return set_slow(c, key, value, err, errlen);
	if (!strcmp(section, "alerts"))
		return set_alerts(c, key, value, err, errlen);
	if (!strcmp(section, "metrics"))
		return set_metrics(c, key, value, err, errlen);
	BAD("unknown section [%s]; sections: [daemon], [kernel], [refwq], "
	    "[kmod], [stalls], [slow], [alerts], [metrics]", section);
}

#define MAX_SEEN 128

struct ini_ctx {
	struct wqd_config *c;
	char *err;
	size_t errlen;
	int failed;
	int nr_seen;
	char seen[MAX_SEEN][64];	/* "section.key" given so far */
};

/* Keys that are meant to repeat: each line adds one. */
static bool key_repeats(const char *section, const char *key)
{
	return (!strcmp(section, "stalls") || !strcmp(section, "slow")) &&
	       !strcmp(key, "rule");
}

static int check_duplicate(struct ini_ctx *x, const char *section,
			   const char *key)
{
	char sk[64];

	if (key_repeats(section, key))
		return 0;
	snprintf(sk, sizeof(sk), "%s.%s", section, key);
	for (int i = 0; i < x->nr_seen; i++) {
		if (!strcmp(x->seen[i], sk)) {
			snprintf(x->err, x->errlen,
				 "'%s' is given twice in [%s]: keep one of the "
				 "lines", key, section);
			return -EINVAL;
		}
	}
	if (x->nr_seen < MAX_SEEN)
		strcpy(x->seen[x->nr_seen++], sk);
	return 0;
}

static int on_ini(void *user, const char *section, const char *name,
		  const char *value)
{
	struct ini_ctx *x = user;

	if (x->failed)
		return 0;
	x->failed = check_duplicate(x, section, name);
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
	struct ini_ctx *x = calloc(1, sizeof(*x));
	int rc;

	if (!x) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	*x = (struct ini_ctx){ .c = c, .err = err, .errlen = errlen };
	rc = finish(ini_parse_string(text, on_ini, x), x, name);
	free(x);
	return rc;
}

/* Up to len bytes, waiting at most 2 s for each chunk (a pipe that is
 * never written to ends here, not in a hang): bytes read or -errno. */
static ssize_t read_capped(int fd, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		n = poll(&p, 1, 2000);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ETIMEDOUT;
		n = read(fd, buf + got, len - got);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += n;
	}
	return (ssize_t)got;
}

int wqd_config__load_file(struct wqd_config *c, const char *path, char *err,
			  size_t errlen)
{
	struct stat st;
	char *buf;
	ssize_t n;
	int fd, rc;

	/* O_NONBLOCK: a FIFO with no writer must not hang --check-config. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s: cannot open: %s", path,
			 strerror(errno));
		return rc;
	}
	/* A pipe (--print-config | wqmond --check-config -c /dev/stdin) is
	 * read too, with a deadline; devices and directories are not. */
	if (fstat(fd, &st) || !(S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode))) {
		close(fd);
		snprintf(err, errlen, "%s: cannot open: not a regular file; "
			 "give the path of the configuration file, e.g. "
			 "/etc/wqmon/wqmond.conf", path);
		return -EINVAL;
	}
	if (st.st_size > WQD_CONFIG_MAX_BYTES) {
		close(fd);
		snprintf(err, errlen, "%s: %lld bytes: a configuration file "
			 "is at most %d bytes; is this the right file?", path,
			 (long long)st.st_size, WQD_CONFIG_MAX_BYTES);
		return -EFBIG;
	}
	buf = malloc(WQD_CONFIG_MAX_BYTES + 1);
	if (!buf) {
		close(fd);
		snprintf(err, errlen, "%s: out of memory", path);
		return -ENOMEM;
	}
	n = read_capped(fd, buf, WQD_CONFIG_MAX_BYTES + 1);
	close(fd);
	if (n < 0 || n > WQD_CONFIG_MAX_BYTES ||
	    (n == 0 && S_ISFIFO(st.st_mode))) {
		snprintf(err, errlen, "%s: cannot read: %s", path,
			 n == -ETIMEDOUT ? "nothing written to the pipe in "
					   "time" :
			 n < 0 ? strerror((int)-n) :
			 n ? "larger than the limit of 1 MiB" :
			     "nothing written to the pipe");
		free(buf);
		return n < 0 ? (int)n : n ? -EFBIG : -EINVAL;
	}
	buf[n] = '\0';
	if (memchr(buf, '\0', n)) {
		int line = 1;

		for (const char *p = buf; *p; p++)
			line += *p == '\n';
		snprintf(err, errlen, "%s:%d: a NUL byte; the file must be "
			 "text: remove it", path, line);
		free(buf);
		return -EINVAL;
	}
	rc = wqd_config__load_string(c, buf, path, err, errlen);
	free(buf);
	return rc;
}
