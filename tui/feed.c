// SPDX-License-Identifier: GPL-2.0
/*
 * wqtop's feed (feed.h): lib/'s sources into wqtop's data, and the extras
 * of a terminal dashboard (kworkers, the daemon's stalls).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "feed.h"
#include "source.h"
#include "wqconfig_reader.h"
#include "wqtime.h"

/* local reads two sources: the probes and the refwq instances. */
#define FEED_MAX 2
/* The workqueue configuration changes rarely: read it this often. */
#define CONFIG_EVERY_NS (30 * 1000000000ULL)

struct wqtop_feed {
	struct wqtop_feed_opts opts;
	struct wq_source *src[FEED_MAX];
	int nr;
	char name[300];
	char error[512];
	uint64_t kw_mono_ns;		/* last kworker scan */
	struct wq_config_reader *config;	/* in-process, as root */
	bool config_failed;		/* the reader cannot load: not again */
	uint64_t config_mono_ns;	/* last reading; 0: none */
	/* The probes' slow records, judged by opts.slow, recent ones kept
	 * (NULL: off, or not the kernel source). */
	struct wq_slow_ring *slow;
};

/* The probes here keep this many recent slow items: memory stays
 * bounded, the drill-down shows at most WQTOP_SLOW_MAX of a series. */
#define FEED_SLOW_KEEP 256


static int ingest(void *ctx, struct wq_snapshot *snap)
{
	return wqtop_data__ingest(ctx, snap);
}

/* The daemon's stalls and rules: wqtop shows those, not a detector of its
 * own.  A daemon without the endpoint leaves the in-process detector on. */
static void daemon_stalls(struct wqtop_feed *f, struct wqtop_data *d)
{
	struct wq_daemon *dm = wq_source__daemon(f->src[0]);
	char *body = NULL, err[128];
	int status;

	if (wq_daemon__get(dm, "/api/v1/stalls", &status, &body))
		return;
	if (status == 200 && wqtop_data__set_stalls(d, body, err, sizeof(err)))
		snprintf(f->error, sizeof(f->error), "%s/api/v1/stalls: %s",
			 wq_daemon__name(dm), err);
	free(body);
}

/*
 * @v as a query value that the daemon's fnmatch() takes literally: glob
 * characters behind a backslash, then percent-encoded (all but A-Z a-z
 * 0-9 - . _ ~).  Return: 0, or -ENOSPC.
 */
static int query_literal(const char *v, char *out, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *v; v++) {
		unsigned char c = (unsigned char)*v;
		char lit[2] = { '\\', (char)c };
		int k = strchr("*?[\\", c) ? 0 : 1;

		for (; k < 2; k++) {
			c = (unsigned char)lit[k];
			if (o + 4 > len)
				return -ENOSPC;
			if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			    (c >= '0' && c <= '9') || strchr("-._~", c)) {
				out[o++] = (char)c;
			} else {
				out[o++] = '%';
				out[o++] = hex[c >> 4];
				out[o++] = hex[c & 15];
			}
		}
	}
	out[o] = '\0';
	return 0;
}

/* The drill-down's recent slow items: wqmond's, once a poll, only while a
 * drill-down names a series (wqtop_data.slow_wq/slow_fn). */
static void daemon_slow(struct wqtop_feed *f, struct wqtop_data *d)
{
	struct wq_daemon *dm = wq_source__daemon(f->src[0]);
	char wq[3 * 2 * WQ_NAME_LEN + 1], fn[3 * 2 * WQ_FUNC_LEN + 1];
	char path[sizeof(wq) + sizeof(fn) + 64], err[160];
	char *body = NULL;
	int status, off;

	if (!d->slow_wq[0] && !d->slow_fn[0]) {
		d->slow_state = WQTOP_SLOW_PENDING;
		return;
	}
	if (query_literal(d->slow_wq, wq, sizeof(wq)) ||
	    query_literal(d->slow_fn, fn, sizeof(fn)))
		return;
	off = snprintf(path, sizeof(path), "/api/v1/slow?limit=%d",
		       WQTOP_SLOW_MAX);
	if (wq[0])
		off += snprintf(path + off, sizeof(path) - off,
				"&workqueue=%s", wq);
	if (fn[0])
		snprintf(path + off, sizeof(path) - off, "&function=%s", fn);
	if (wq_daemon__get(dm, path, &status, &body)) {
		d->slow_state = WQTOP_SLOW_ERROR;
		d->nr_slow = 0;
		return;
	}
	if (wqtop_data__set_slow(d, status, body, err, sizeof(err))) {
		d->slow_state = WQTOP_SLOW_ERROR;
		d->nr_slow = 0;
		snprintf(f->error, sizeof(f->error), "%s/api/v1/slow: %s",
			 wq_daemon__name(dm), err);
	}
	free(body);
}

static int keep_slow(struct wq_slow *r, void *ctx)
{
	struct wqtop_feed *f = ctx;

	if (wq_slow_rules__judge(&f->opts.slow, r))
		wq_slow_ring__push(f->slow, r);
	return 0;
}

/* In-process: drain the probes' slow records without waiting, and show
 * the drilled series' newest (same filter as wqmond's /api/v1/slow). */
static void local_slow(struct wqtop_feed *f, struct wqtop_data *d)
{
	struct wq_collector *c = wq_source__collector(f->src[0]);
	struct wq_slow_filter flt = { 0 };
	char err[160];

	if (!f->slow || !c) {
		d->slow_state = WQTOP_SLOW_LOCAL_OFF;
		d->nr_slow = 0;
		return;
	}
	d->slow_min_ns = wq_slow_rules__kernel_min(&f->opts.slow);
	if (wq_collector__slow_poll(c, 0, keep_slow, f) < 0)
		snprintf(f->error, sizeof(f->error),
			 "slow items: cannot read the probes' records");
	d->slow_dropped = wq_collector__slow_dropped(c);
	d->nr_slow = 0;
	if (!d->slow_wq[0] && !d->slow_fn[0]) {
		d->slow_state = WQTOP_SLOW_PENDING;
		return;
	}
	if (d->slow_wq[0] && wq_slow_filter__set_name(&flt, "workqueue",
						      d->slow_wq, err,
						      sizeof(err)))
		return;
	if (d->slow_fn[0] && wq_slow_filter__set_name(&flt, "function",
						      d->slow_fn, err,
						      sizeof(err)))
		return;
	d->nr_slow = (int)wq_slow_ring__recent(f->slow, &flt, WQTOP_SLOW_MAX,
					       d->slow);
	d->slow_state = WQTOP_SLOW_ON;
}

/* The workqueue configuration (the config view), every CONFIG_EVERY_NS:
 * the daemon's /api/v1/config when attached, the walk itself as root. */
static void read_config(struct wqtop_feed *f, struct wqtop_data *d,
			enum wq_source_kind kind)
{
	uint64_t now = wq_clock_ns(CLOCK_MONOTONIC);
	struct wq_config c = { 0 };
	char err[256] = "";

	if (f->config_mono_ns && now - f->config_mono_ns < CONFIG_EVERY_NS)
		return;
	f->config_mono_ns = now;
	if (kind == WQ_SOURCE_DAEMON) {
		struct wq_daemon *dm = wq_source__daemon(f->src[0]);
		char *body = NULL;
		int status;

		if (wq_daemon__get(dm, "/api/v1/config", &status, &body)) {
			snprintf(err, sizeof(err), "%s", wq_daemon__error(dm));
		} else if (status != 200) {
			/* {"error": "...", "hint": ...}: its error says why. */
			struct json_object *j = body ? json_tokener_parse(body) : NULL;
			struct json_object *e = NULL;

			json_object_object_get_ex(j, "error", &e);
			snprintf(err, sizeof(err), "the daemon has none (%d%s%s)",
				 status, e ? ": " : "",
				 e ? json_object_get_string(e) : "");
			json_object_put(j);
		} else if (!wq_config__from_json(body, &c, err, sizeof(err))) {
			wqtop_data__set_config(d, &c);
		}
		free(body);
	} else if (kind == WQ_SOURCE_KERNEL && !f->config_failed) {
		if (!f->config &&
		    wq_config_reader__open(&f->config, err, sizeof(err)))
			f->config_failed = true;
		else if (!wq_config_reader__read(f->config, &c, err, sizeof(err)))
			wqtop_data__set_config(d, &c);
	} else if (kind != WQ_SOURCE_KERNEL) {
		snprintf(err, sizeof(err), "this source has no kernel (the "
			 "probes as root, or a wqmond, have one)");
	}
	if (err[0])
		snprintf(d->config_error, sizeof(d->config_error), "%.159s", err);
}

/* The kernel's kworkers (CPU % between two scans).  Queuers come in the
 * snapshots themselves. */
static void kernel_extras(struct wqtop_feed *f, struct wqtop_data *d)
{
	uint64_t now = wq_clock_ns(CLOCK_MONOTONIC);
	struct wq_kworker *kw;
	size_t nr;

	if (!wq_kworkers__scan(NULL, &kw, &nr)) {
		wqtop_data__set_kworkers(d, kw, nr, f->kw_mono_ns ?
					 now - f->kw_mono_ns : 0);
		f->kw_mono_ns = now;
	}
}

int wqtop_feed__poll(struct wqtop_feed *f, struct wqtop_data *d)
{
	enum wq_source_kind kind = wq_source__kind(f->src[0]);
	int err = 0, i;

	f->error[0] = '\0';
	for (i = 0; i < f->nr && !err; i++) {
		err = wq_source__poll(f->src[i], ingest, d);
		/* A refwq instance that is being rewritten is said, not
		 * fatal: wq_source__error() is set with err 0 too. */
		if (wq_source__error(f->src[i])[0])
			snprintf(f->error, sizeof(f->error), "%s",
				 wq_source__error(f->src[i]));
	}
	/* On error the sources stay, with their last state, until the
	 * source answers again. */
	if (err)
		return err;
	if (kind == WQ_SOURCE_DAEMON)
		daemon_stalls(f, d);
	if (kind == WQ_SOURCE_DAEMON)
		daemon_slow(f, d);
	else if (kind == WQ_SOURCE_KERNEL)
		local_slow(f, d);
	else
		d->slow_state = WQTOP_SLOW_LOCAL;
	read_config(f, d, kind);
	wqtop_data__end_poll(d);
	if (kind == WQ_SOURCE_KERNEL)
		kernel_extras(f, d);
	/* A saved view never makes an interval: each poll shows it again,
	 * so that -n counts and batch mode prints frames. */
	if (kind == WQ_SOURCE_FILE)
		d->refreshes++;
	return 0;
}

static int add(struct wqtop_feed *f, const char *spec)
{
	struct wq_source_opts so = {
		.coll = { .track_queuers = f->opts.track_queuers,
			  .sample_every = f->opts.sample_every },
		.timeout_ms = f->opts.timeout_ms,
	};
	char why[512] = "";
	int err;

	/* The probes send only what reaches the smallest threshold. */
	if (!strcmp(spec, "kernel")) {
		so.coll.slow_min_ns = wq_slow_rules__kernel_min(&f->opts.slow);
		so.coll.slow_per_sec = f->opts.slow.max_per_second;
	}
	err = wq_source__open(&f->src[f->nr], spec, &so, why, sizeof(why));

	if (err == -EINVAL && strcmp(spec, "kernel") && strcmp(spec, "refwq"))
		fprintf(stderr, "wqtop: bad --source '%s': give auto, local, "
			"kernel, refwq[:NAME], kmod[:PATH], file:PATH, daemon, "
			"unix:/path or http://host:port\n", spec);
	else if (err && why[0])
		fprintf(stderr, "wqtop: %s\n", why);
	if (err)
		return err;
	f->nr++;
	if (so.coll.slow_min_ns && !f->slow) {
		f->slow = wq_slow_ring__new(FEED_SLOW_KEEP);
		if (!f->slow)
			return -ENOMEM;
	}
	return 0;
}

/* Check that a daemon answers now, not on the first screen. */
static int daemon_answers(struct wqtop_feed *f, bool quiet)
{
	struct wqtop_data probe = { 0 };
	int err = wq_source__poll(f->src[0], ingest, &probe);

	wqtop_data__free(&probe);
	if (err == -EACCES && !quiet)
		fprintf(stderr, "wqtop: %s; read another wqmond or, as root, "
			"--source local\n", wq_source__error(f->src[0]));
	else if (err && !quiet)
		fprintf(stderr, "wqtop: cannot read wqmond at %s; is wqmond "
			"running? (%s)\n", wq_source__name(f->src[0]),
			wq_source__error(f->src[0]));
	return err;
}

static int open_local(struct wqtop_feed *f)
{
	if (geteuid() != 0) {
		fprintf(stderr, "wqtop: the in-process collector needs root: "
			"run as root (sudo wqtop), or start wqmond and run "
			"wqtop --source daemon\n");
		return -EPERM;
	}
	return add(f, "kernel") ?: add(f, "refwq");
}

/* auto: the daemon if it answers; else local, as root. */
static int open_auto(struct wqtop_feed *f)
{
	int err = add(f, "daemon");

	err = err ?: daemon_answers(f, true);
	if (!err)
		return 0;
	wq_source__close(f->src[0]);
	f->nr = 0;
	if (geteuid() == 0)
		return open_local(f);
	if (err == -EACCES)
		fprintf(stderr, "wqtop: wqmond at %s asks for a password, "
			"which wqtop does not send; run as root (sudo wqtop) "
			"to read the kernel itself\n", WQ_DAEMON_SOCKET);
	else
		fprintf(stderr, "wqtop: no wqmond answers at %s and the "
			"in-process collector needs root: run as root (sudo "
			"wqtop) or start wqmond\n", WQ_DAEMON_SOCKET);
	return -EPERM;
}

int wqtop_feed__open(struct wqtop_feed **out, const char *spec,
		     const struct wqtop_feed_opts *o)
{
	struct wqtop_feed *f = calloc(1, sizeof(*f));
	int err;

	if (!f)
		return -ENOMEM;
	f->opts = *o;
	if (!f->opts.timeout_ms)
		f->opts.timeout_ms = 3000;
	snprintf(f->name, sizeof(f->name), "%s", spec);
	if (!strcmp(spec, "auto")) {
		err = open_auto(f);
		if (!err)
			snprintf(f->name, sizeof(f->name), "%s",
				 wq_source__kind(f->src[0]) ==
				 WQ_SOURCE_DAEMON ? "daemon" : "local");
	} else if (!strcmp(spec, "local")) {
		err = open_local(f);
	} else {
		err = add(f, spec);
		if (!err && wq_source__kind(f->src[0]) == WQ_SOURCE_DAEMON)
			err = daemon_answers(f, false);
	}
	if (err) {
		wqtop_feed__close(f);
		return err;
	}
	*out = f;
	return 0;
}

const char *wqtop_feed__name(const struct wqtop_feed *f)
{
	return f->name;
}

const char *wqtop_feed__error(const struct wqtop_feed *f)
{
	return f->error;
}

void wqtop_feed__close(struct wqtop_feed *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->nr; i++)
		wq_source__close(f->src[i]);
	wq_config_reader__close(f->config);
	wq_slow_ring__free(f->slow);
	free(f);
}
