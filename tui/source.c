// SPDX-License-Identifier: GPL-2.0
/*
 * wqtop's sources: each kind a small const table of callbacks, so the
 * event loop does not care where snapshots come from.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "collector.h"
#include "http.h"
#include "json.h"
#include "kworkers.h"
#include "refwq_shm.h"
#include "source.h"

struct wqtop_source;

struct wqtop_source_ops {
	const char *name;
	int (*poll)(struct wqtop_source *s, struct wqtop_data *d);
	void (*close)(struct wqtop_source *s);
};

struct wqtop_source {
	const struct wqtop_source_ops *ops;
	struct wqtop_source_opts opts;
	char name[280];
	char error[256];
	struct wq_collector *coll;	/* local */
	char refwq_want[32];		/* refwq:NAME; "" for all */
	uint64_t kw_mono_ns;		/* last kworker scan */
	struct wqtop_http_target *http;	/* daemon */
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* ---- refwq instances, from their shared-memory export ---- */

struct refwq_walk {
	struct wqtop_source *s;
	struct wqtop_data *d;
	int err;
};

static int refwq_one(const char *seg, void *ctx)
{
	struct refwq_walk *w = ctx;
	const char *name = strchr(seg + strlen(REFWQ_SHM_PREFIX), '.');
	struct wq_snapshot *snap;
	int err;

	name = name ? name + 1 : seg;
	if (w->s->refwq_want[0] && strcmp(w->s->refwq_want, name))
		return 0;
	snap = wq_snapshot__new("refwq");
	if (!snap) {
		w->err = -ENOMEM;
		return 1;
	}
	err = refwq_shm_read(seg, snap);
	if (err) {
		/* Stale (its process is gone) or being rewritten: next time. */
		wq_snapshot__free(snap);
		if (err != -ESRCH && err != -EAGAIN)
			snprintf(w->s->error, sizeof(w->s->error),
				 "refwq %s: %s", name,
				 refwq_shm_strerror(err));
		return 0;
	}
	w->err = wqtop_data__ingest(w->d, snap);
	return w->err != 0;
}

static int refwq_poll(struct wqtop_source *s, struct wqtop_data *d)
{
	struct refwq_walk w = { s, d, 0 };
	int n = refwq_shm_discover(refwq_one, &w);

	/* No /dev/shm is no instance, not an error. */
	return n < 0 && n != -ENOENT ? n : w.err;
}

static int refwq_only_poll(struct wqtop_source *s, struct wqtop_data *d)
{
	int err;

	s->error[0] = '\0';
	err = refwq_poll(s, d);
	wqtop_data__end_poll(d);
	return err;
}

/* ---- local: the kernel probes in this process ---- */

static int local_poll(struct wqtop_source *s, struct wqtop_data *d)
{
	struct wq_snapshot *snap = wq_snapshot__new("kernel");
	struct wq_kworker *kw;
	uint64_t now;
	size_t nr;
	int err;

	s->error[0] = '\0';
	if (!snap)
		return -ENOMEM;
	err = wq_collector__snapshot(s->coll, snap);
	if (err) {
		wq_snapshot__free(snap);
		snprintf(s->error, sizeof(s->error), "kernel probes: %s",
			 strerror(-err));
		return err;
	}
	err = wqtop_data__ingest(d, snap) ?: refwq_poll(s, d);
	wqtop_data__end_poll(d);
	if (err)
		return err;
	now = mono_ns();
	if (!wq_kworkers__scan(NULL, &kw, &nr)) {
		wqtop_data__set_kworkers(d, kw, nr,
					 s->kw_mono_ns ? now - s->kw_mono_ns :
							 0);
		s->kw_mono_ns = now;
	}
	if (s->opts.track_queuers) {
		enum { MAX_QUEUERS = 4096 };

		if (!d->queuers)
			d->queuers = calloc(MAX_QUEUERS, sizeof(*d->queuers));
		d->nr_queuers = d->queuers ? wq_collector__queuers(
			s->coll, d->queuers, MAX_QUEUERS) : 0;
		if (d->nr_queuers < 0)
			d->nr_queuers = 0;
	}
	return 0;
}

static void local_close(struct wqtop_source *s)
{
	wq_collector__close(s->coll);
}

/* ---- daemon: wqmond's /api/v1/snapshot ---- */

static int daemon_parse(struct wqtop_source *s, struct wqtop_data *d,
			const char *body)
{
	struct json_object *root = json_tokener_parse(body), *arr;
	struct wq_snapshot *snap;
	char msg[160];
	size_t i, n;
	int err = 0;

	if (!root || !json_object_object_get_ex(root, "snapshots", &arr) ||
	    !json_object_is_type(arr, json_type_array)) {
		snprintf(s->error, sizeof(s->error),
			 "%s: not a wqmon-snapshot document",
			 wqtop_http__name(s->http));
		json_object_put(root);
		return -EPROTO;
	}
	n = json_object_array_length(arr);
	for (i = 0; i < n && !err; i++) {
		const char *doc = json_object_to_json_string_ext(
			json_object_array_get_idx(arr, i),
			JSON_C_TO_STRING_PLAIN);

		snap = wq_snapshot__new("");
		if (!snap) {
			err = -ENOMEM;
			break;
		}
		err = wq_json__parse_msg(snap, doc, msg, sizeof(msg));
		if (err) {
			snprintf(s->error, sizeof(s->error),
				 "%s: snapshot %zu: %s",
				 wqtop_http__name(s->http), i, msg);
			wq_snapshot__free(snap);
			break;
		}
		err = wqtop_data__ingest(d, snap);
	}
	json_object_put(root);
	return err;
}

static int daemon_fetch(struct wqtop_source *s, struct wqtop_data *d)
{
	char *body = NULL;
	size_t len;
	int status, err;

	s->error[0] = '\0';
	err = wqtop_http__get(s->http, "/api/v1/snapshot", s->opts.timeout_ms,
			      &status, &body, &len);
	if (err) {
		snprintf(s->error, sizeof(s->error), "%s: %s",
			 wqtop_http__name(s->http), strerror(-err));
		return err;
	}
	/* A web config asks for a password or a client certificate, which
	 * wqtop does not send (wqmond(8), TLS AND AUTHENTICATION). */
	if (status == 401 || status == 403) {
		snprintf(s->error, sizeof(s->error), "%s: HTTP %d: wqmond asks "
			 "for credentials (its web config), which wqtop does "
			 "not send", wqtop_http__name(s->http), status);
		free(body);
		return -EACCES;
	}
	if (status != 200) {
		snprintf(s->error, sizeof(s->error), "%s: HTTP %d: %.120s",
			 wqtop_http__name(s->http), status, body);
		free(body);
		return -EPROTO;
	}
	err = daemon_parse(s, d, body);
	free(body);
	return err;
}

/* The daemon's stalls and rules: wqtop shows those, not a detector of its
 * own.  A daemon without the endpoint leaves the in-process detector on. */
static void daemon_stalls(struct wqtop_source *s, struct wqtop_data *d)
{
	char *body = NULL, err[128];
	size_t len;
	int status;

	if (wqtop_http__get(s->http, "/api/v1/stalls", s->opts.timeout_ms,
			    &status, &body, &len))
		return;
	if (status == 200 && wqtop_data__set_stalls(d, body, err, sizeof(err)))
		snprintf(s->error, sizeof(s->error), "%s/api/v1/stalls: %s",
			 wqtop_http__name(s->http), err);
	free(body);
}

static int daemon_poll(struct wqtop_source *s, struct wqtop_data *d)
{
	int err = daemon_fetch(s, d);

	/* On error the sources stay, with their last state, until the
	 * daemon answers again. */
	if (!err) {
		daemon_stalls(s, d);
		wqtop_data__end_poll(d);
	}
	return err;
}

static void daemon_close(struct wqtop_source *s)
{
	wqtop_http__free(s->http);
}

static const struct wqtop_source_ops local_ops = {
	.name = "local",
	.poll = local_poll,
	.close = local_close,
};
static const struct wqtop_source_ops refwq_ops = {
	.name = "refwq",
	.poll = refwq_only_poll,
};
static const struct wqtop_source_ops daemon_ops = {
	.name = "daemon",
	.poll = daemon_poll,
	.close = daemon_close,
};

static int open_daemon(struct wqtop_source *s, const char *url, bool quiet)
{
	struct wqtop_data probe = { 0 };
	int err;

	err = wqtop_http__target(&s->http, url);
	if (err) {
		fprintf(stderr, "wqtop: bad --source '%s': give auto, local, "
			"refwq[:NAME], daemon, unix:/path or "
			"http://host:port\n", url);
		return err;
	}
	s->ops = &daemon_ops;
	snprintf(s->name, sizeof(s->name), "%s", url);
	/* Check that it answers now, not on the first screen. */
	err = daemon_fetch(s, &probe);
	wqtop_data__free(&probe);
	if (err == -EACCES && !quiet)
		fprintf(stderr, "wqtop: %s; read another wqmond or, as root, "
			"--source local\n", s->error);
	else if (err && !quiet)
		fprintf(stderr, "wqtop: cannot read wqmond at %s; is wqmond "
			"running? (%s)\n", url, s->error);
	return err;
}

static int open_local(struct wqtop_source *s)
{
	int err;
	struct wq_collector_opts co = {
		.track_queuers = s->opts.track_queuers,
	};

	if (geteuid() != 0) {
		fprintf(stderr, "wqtop: the in-process collector needs root: "
			"run as root (sudo wqtop), or start wqmond and run "
			"wqtop --source daemon\n");
		return -EPERM;
	}
	/* The collector prints one actionable line when it fails. */
	err = wq_collector__open(&s->coll, &co);
	if (err)
		return err;
	s->ops = &local_ops;
	snprintf(s->name, sizeof(s->name), "local");
	return 0;
}

int wqtop_source__open(struct wqtop_source **out, const char *spec,
		       const struct wqtop_source_opts *o)
{
	struct wqtop_source *s = calloc(1, sizeof(*s));
	int err;

	if (!s)
		return -ENOMEM;
	s->opts = *o;
	if (!s->opts.timeout_ms)
		s->opts.timeout_ms = 3000;
	if (!strcmp(spec, "auto")) {
		err = open_daemon(s, "unix:" WQTOP_DAEMON_SOCKET, true);
		if (err) {
			wqtop_http__free(s->http);
			s->http = NULL;
			if (geteuid() != 0 && err == -EACCES) {
				fprintf(stderr, "wqtop: wqmond at %s asks for "
					"a password, which wqtop does not "
					"send; run as root (sudo wqtop) to "
					"read the kernel itself\n",
					WQTOP_DAEMON_SOCKET);
				err = -EPERM;
			} else if (geteuid() != 0) {
				fprintf(stderr, "wqtop: no wqmond answers at "
					"%s and the in-process collector "
					"needs root: run as root (sudo wqtop)"
					" or start wqmond\n",
					WQTOP_DAEMON_SOCKET);
				err = -EPERM;
			} else {
				err = open_local(s);
			}
		}
	} else if (!strcmp(spec, "local")) {
		err = open_local(s);
	} else if (!strcmp(spec, "refwq") || !strncmp(spec, "refwq:", 6)) {
		snprintf(s->refwq_want, sizeof(s->refwq_want), "%s",
			 spec[5] ? spec + 6 : "");
		s->ops = &refwq_ops;
		snprintf(s->name, sizeof(s->name), "%s", spec);
		err = 0;
	} else if (!strcmp(spec, "daemon")) {
		err = open_daemon(s, "unix:" WQTOP_DAEMON_SOCKET, false);
	} else {
		err = open_daemon(s, spec, false);
	}
	if (err) {
		wqtop_source__close(s);
		return err;
	}
	*out = s;
	return 0;
}

int wqtop_source__poll(struct wqtop_source *s, struct wqtop_data *d)
{
	return s->ops->poll(s, d);
}

const char *wqtop_source__name(const struct wqtop_source *s)
{
	return s->name;
}

const char *wqtop_source__error(const struct wqtop_source *s)
{
	return s->error;
}

void wqtop_source__close(struct wqtop_source *s)
{
	if (!s)
		return;
	if (s->ops && s->ops->close)
		s->ops->close(s);
	else
		wqtop_http__free(s->http);
	free(s);
}
