// SPDX-License-Identifier: GPL-2.0
/*
 * The sources of source.h: each kind a poll function over the readers that
 * wqmond uses too (collector, refwq_reader, view_file, daemon_client).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "recording.h"
#include "refwq_reader.h"
#include "source.h"
#include "view_file.h"
#include "wqconfig.h"

struct wq_source {
	enum wq_source_kind kind;
	char name[300];
	char error[512];
	char arg[256];		/* refwq: the instance ("" all); kmod, file:
				 * the path */
	struct wq_collector *coll;
	struct wq_daemon *daemon;
	struct wq_recording *rec;	/* replay */
	struct wq_snapshot *held;	/* replay: read, for the next poll */
	struct wq_config config;	/* file: its config section, if any */
};

/* ---- refwq: every instance's segment, or one ---- */

struct refwq_walk {
	struct wq_source *s;
	wq_source_fn fn;
	void *ctx;
	int err;
};

static int refwq_one(const char *seg, void *arg)
{
	struct refwq_walk *w = arg;
	const char *name = strchr(seg + strlen(REFWQ_SHM_PREFIX), '.');
	struct wq_snapshot *snap;
	int err;

	name = name ? name + 1 : seg;
	if (w->s->arg[0] && strcmp(w->s->arg, name))
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
				 "refwq %s: %s", name, refwq_shm_strerror(err));
		return 0;
	}
	w->err = w->fn(w->ctx, snap);
	return w->err != 0;
}

static int refwq_poll(struct wq_source *s, wq_source_fn fn, void *ctx)
{
	struct refwq_walk w = { s, fn, ctx, 0 };
	int n = refwq_shm_discover(refwq_one, &w);

	/* No /dev/shm is no instance, not an error. */
	return n < 0 && n != -ENOENT ? n : w.err;
}

/* ---- kernel: the probes in this process ---- */

static int kernel_poll(struct wq_source *s, wq_source_fn fn, void *ctx)
{
	struct wq_snapshot *snap = wq_snapshot__new("kernel");
	int err;

	if (!snap)
		return -ENOMEM;
	err = wq_collector__snapshot(s->coll, snap);
	if (err) {
		wq_snapshot__free(snap);
		snprintf(s->error, sizeof(s->error), "kernel probes: %s",
			 strerror(-err));
		return err;
	}
	return fn(ctx, snap);
}

/* ---- kmod and file: a view read from a file ---- */

static int file_poll(struct wq_source *s, wq_source_fn fn, void *ctx)
{
	struct wq_snapshot *snap = wq_snapshot__new("");
	int err;

	if (!snap)
		return -ENOMEM;
	/* Read once with its config section, which a v3 view prints back
	 * with (wq_source__config()). */
	wq_config__free(&s->config);
	err = wq_view_file__read_config(s->arg, snap, &s->config, s->error,
					sizeof(s->error));
	if (err) {
		wq_snapshot__free(snap);
		return err;
	}
	/* The module's file is the host's "kmod" source, as in wqmond; a
	 * saved view keeps the source it was saved from. */
	if (s->kind == WQ_SOURCE_KMOD || !snap->source[0])
		snprintf(snap->source, sizeof(snap->source), "%s",
			 s->kind == WQ_SOURCE_KMOD ? "kmod" : "file");
	return fn(ctx, snap);
}

/* ---- replay: a recording, a round of its sources per poll ---- */

static bool seen(char (*names)[WQ_SOURCE_LEN], size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

/* The views of a recording come source after source at each time: hand
 * over views until a source comes round again, and keep that one. */
static int replay_poll(struct wq_source *s, wq_source_fn fn, void *ctx)
{
	char names[16][WQ_SOURCE_LEN];
	size_t n = 0;
	int err;

	for (;;) {
		struct wq_snapshot *snap = s->held;

		s->held = NULL;
		if (!snap) {
			snap = wq_snapshot__new("");
			if (!snap)
				return -ENOMEM;
			err = wq_recording__next(s->rec, snap, s->error,
						 sizeof(s->error));
			if (err <= 0) {
				wq_snapshot__free(snap);
				if (err == 0 && !n) {
					snprintf(s->error, sizeof(s->error),
						 "%s: the end of the recording "
						 "(%zu views)", s->arg,
						 wq_recording__views(s->rec));
					return -ENODATA;
				}
				return err;
			}
		}
		if (n == 16 || seen(names, n, snap->source)) {
			s->held = snap;
			return 0;
		}
		snprintf(names[n++], WQ_SOURCE_LEN, "%s", snap->source);
		err = fn(ctx, snap);
		if (err)
			return err;
	}
}

/* ---- daemon: wqmond's /api/v1/snapshot ---- */

static int daemon_poll(struct wq_source *s, wq_source_fn fn, void *ctx)
{
	int err = wq_daemon__snapshots(s->daemon, fn, ctx);

	snprintf(s->error, sizeof(s->error), "%s", wq_daemon__error(s->daemon));
	return err;
}

/* ---- open ---- */

static int open_kernel(struct wq_source *s, const struct wq_source_opts *o,
		       char *err, size_t errlen)
{
	int rc;

	if (geteuid() != 0) {
		snprintf(err, errlen, "the kernel source loads BPF probes and "
			 "needs root: run as root, or start wqmond and read "
			 "it with --source daemon");
		return -EPERM;
	}
	rc = wq_collector__open(&s->coll, &o->coll);
	/* The environment check has said what is missing (envcheck.h). */
	if (rc == -EPERM || rc == -ENOENT || rc == -ENOTSUP)
		err[0] = '\0';
	else if (rc)
		snprintf(err, errlen, "cannot load the probes: %s (run `wqctl "
			 "check`)", strerror(-rc));
	return rc;
}

static int open_file(struct wq_source *s, const char *path, char *err,
		     size_t errlen)
{
	if (!*path || strlen(path) >= sizeof(s->arg)) {
		snprintf(err, errlen, "%s: give a file, as %s:PATH", s->name,
			 s->kind == WQ_SOURCE_KMOD ? "kmod" : "file");
		return -EINVAL;
	}
	snprintf(s->arg, sizeof(s->arg), "%s", path);
	if (access(path, R_OK)) {
		int rc = -errno;

		snprintf(err, errlen, "cannot read %s: %s%s", path,
			 strerror(-rc), s->kind == WQ_SOURCE_KMOD ?
			 " (load refwq.ko: docs/KMOD.md)" : "");
		return rc;
	}
	return 0;
}

static int open_daemon(struct wq_source *s, const char *url,
		       const struct wq_source_opts *o, char *err,
		       size_t errlen)
{
	int rc = wq_source__check(url, err, errlen);

	return rc ?: wq_daemon__open(&s->daemon, url, o->timeout_ms);
}

int wq_source__open(struct wq_source **out, const char *spec,
		    const struct wq_source_opts *o, char *err, size_t errlen)
{
	static const struct wq_source_opts none;
	struct wq_source *s = calloc(1, sizeof(*s));
	int rc;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (!o)
		o = &none;
	snprintf(s->name, sizeof(s->name), "%s", spec);
	if (!strcmp(spec, "kernel")) {
		s->kind = WQ_SOURCE_KERNEL;
		rc = open_kernel(s, o, err, errlen);
	} else if (!strcmp(spec, "refwq") || !strncmp(spec, "refwq:", 6)) {
		s->kind = WQ_SOURCE_REFWQ;
		snprintf(s->arg, sizeof(s->arg), "%s", spec[5] ? spec + 6 : "");
		rc = 0;
	} else if (!strcmp(spec, "kmod") || !strncmp(spec, "kmod:", 5)) {
		s->kind = WQ_SOURCE_KMOD;
		rc = open_file(s, spec[4] ? spec + 5 : WQ_KMOD_PATH, err,
			       errlen);
	} else if (!strncmp(spec, "file:", 5)) {
		s->kind = WQ_SOURCE_FILE;
		rc = open_file(s, spec + 5, err, errlen);
	} else if (!strncmp(spec, "replay:", 7)) {
		s->kind = WQ_SOURCE_REPLAY;
		snprintf(s->arg, sizeof(s->arg), "%s", spec + 7);
		rc = wq_recording__open(&s->rec, spec + 7, err, errlen);
	} else {
		s->kind = WQ_SOURCE_DAEMON;
		rc = open_daemon(s, spec, o, err, errlen);
	}
	if (rc) {
		wq_source__close(s);
		return rc;
	}
	*out = s;
	return 0;
}

int wq_source__replay_spec(const char *file, char *spec, size_t len,
			   char *err, size_t errlen)
{
	if (!file[0] || strlen(file) + sizeof("replay:") > len) {
		snprintf(err, errlen, "bad --replay '%s': give a recording made "
			 "by wqctl record", file);
		return -EINVAL;
	}
	snprintf(spec, len, "replay:%s", file);
	return 0;
}

int wq_source__check(const char *spec, char *err, size_t errlen)
{
	struct wq_daemon *d;

	if (!strcmp(spec, "kernel") || !strcmp(spec, "refwq") ||
	    !strncmp(spec, "refwq:", 6) || !strcmp(spec, "kmod") ||
	    (!strncmp(spec, "kmod:", 5) && spec[5]) ||
	    (!strncmp(spec, "file:", 5) && spec[5]) ||
	    (!strncmp(spec, "replay:", 7) && spec[7]))
		return 0;
	if (strncmp(spec, "kmod:", 5) && strncmp(spec, "file:", 5) &&
	    strncmp(spec, "replay:", 7) &&
	    !wq_daemon__open(&d, spec, 0)) {
		wq_daemon__close(d);
		return 0;
	}
	snprintf(err, errlen, "bad source '%s': give kernel, refwq[:NAME], "
		 "kmod[:PATH], file:PATH, replay:PATH, daemon, unix:PATH or "
		 "http://HOST:PORT", spec);
	return -EINVAL;
}

void wq_source__close(struct wq_source *s)
{
	if (!s)
		return;
	wq_collector__close(s->coll);
	wq_daemon__close(s->daemon);
	wq_recording__close(s->rec, NULL, 0);
	wq_snapshot__free(s->held);
	wq_config__free(&s->config);
	free(s);
}

const struct wq_config *wq_source__config(const struct wq_source *s)
{
	return s->config.nr_cpus ? &s->config : NULL;
}

int wq_source__poll(struct wq_source *s, wq_source_fn fn, void *ctx)
{
	int err;

	s->error[0] = '\0';
	switch (s->kind) {
	case WQ_SOURCE_KERNEL:
		err = kernel_poll(s, fn, ctx);
		break;
	case WQ_SOURCE_REFWQ:
		err = refwq_poll(s, fn, ctx);
		break;
	case WQ_SOURCE_KMOD:
	case WQ_SOURCE_FILE:
		err = file_poll(s, fn, ctx);
		break;
	case WQ_SOURCE_REPLAY:
		err = replay_poll(s, fn, ctx);
		break;
	default:
		err = daemon_poll(s, fn, ctx);
		break;
	}
	if (err && !s->error[0])
		snprintf(s->error, sizeof(s->error), "%s: %s", s->name,
			 strerror(err < 0 ? -err : EIO));
	return err;
}

enum wq_source_kind wq_source__kind(const struct wq_source *s)
{
	return s->kind;
}

const char *wq_source__name(const struct wq_source *s)
{
	return s->name;
}

const char *wq_source__error(const struct wq_source *s)
{
	return s->error;
}

struct wq_collector *wq_source__collector(struct wq_source *s)
{
	return s->coll;
}

struct wq_daemon *wq_source__daemon(struct wq_source *s)
{
	return s->daemon;
}
