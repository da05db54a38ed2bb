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
#include "daemon_client.h"
#include "json.h"
#include "kworkers.h"
#include "refwq_shm.h"
#include "source.h"
#include "wqtime.h"

struct wqtop_source;

struct wqtop_source_ops {
	const char *name;
	int (*poll)(struct wqtop_source *s, struct wqtop_data *d);
	void (*close)(struct wqtop_source *s);
};

struct wqtop_source {
	const struct wqtop_source_ops *ops;
	struct wqtop_source_opts opts;
	char name[300];
	char error[512];
	struct wq_collector *coll;	/* local */
	char refwq_want[32];		/* refwq:NAME; "" for all */
	uint64_t kw_mono_ns;		/* last kworker scan */
	struct wq_daemon *http;		/* daemon */
};

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
	now = wq_clock_ns(CLOCK_MONOTONIC);
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

static int ingest(void *ctx, struct wq_snapshot *snap)
{
	return wqtop_data__ingest(ctx, snap);
}

/* Every source of the daemon (lib/io/daemon_client.h), into @d. */
static int daemon_fetch(struct wqtop_source *s, struct wqtop_data *d)
{
	int err = wq_daemon__snapshots(s->http, ingest, d);

	snprintf(s->error, sizeof(s->error), "%s", wq_daemon__error(s->http));
	return err;
}

/* The daemon's stalls and rules: wqtop shows those, not a detector of its
 * own.  A daemon without the endpoint leaves the in-process detector on. */
static void daemon_stalls(struct wqtop_source *s, struct wqtop_data *d)
{
	char *body = NULL, err[128];
	int status;

	if (wq_daemon__get(s->http, "/api/v1/stalls", &status, &body))
		return;
	if (status == 200 && wqtop_data__set_stalls(d, body, err, sizeof(err)))
		snprintf(s->error, sizeof(s->error), "%s/api/v1/stalls: %s",
			 wq_daemon__name(s->http), err);
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
	wq_daemon__close(s->http);
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

	err = wq_daemon__open(&s->http, url, s->opts.timeout_ms);
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
		err = open_daemon(s, "daemon", true);
		if (err) {
			wq_daemon__close(s->http);
			s->http = NULL;
			if (geteuid() != 0 && err == -EACCES) {
				fprintf(stderr, "wqtop: wqmond at %s asks for "
					"a password, which wqtop does not "
					"send; run as root (sudo wqtop) to "
					"read the kernel itself\n",
					WQ_DAEMON_SOCKET);
				err = -EPERM;
			} else if (geteuid() != 0) {
				fprintf(stderr, "wqtop: no wqmond answers at "
					"%s and the in-process collector "
					"needs root: run as root (sudo wqtop)"
					" or start wqmond\n",
					WQ_DAEMON_SOCKET);
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
		err = open_daemon(s, "daemon", false);
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
		wq_daemon__close(s->http);
	free(s);
}
