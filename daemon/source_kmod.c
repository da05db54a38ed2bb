// SPDX-License-Identifier: GPL-2.0
/*
 * The kmod source: the refwq kernel module's /proc/workqueues, on boards
 * whose kernel has no BPF.  The file is the text view of docs/FORMAT.md,
 * read with the same parser wqctl uses; the source is "kmod".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "text.h"

static int kmod_start(struct wqd_source *s, const struct wqd_config *c)
{
	FILE *f = fopen(c->kmod_path, "r");

	if (!f) {
		snprintf(s->error, sizeof(s->error),
			 "%.160s: %s (load refwq.ko: docs/KMOD.md)", c->kmod_path,
			 strerror(errno));
		return -errno;
	}
	fclose(f);
	s->priv = strdup(c->kmod_path);
	return s->priv ? 0 : -ENOMEM;
}

static int kmod_snapshot(struct wqd_source *s, struct wq_snapshot *out)
{
	FILE *f = fopen(s->priv, "r");
	char err[256] = "", *buf;
	size_t len = 0;
	int rc;

	buf = f ? wq_text__read(f, &len) : NULL;
	rc = buf ? 0 : -errno;
	if (f)
		fclose(f);
	if (!buf) {
		snprintf(s->error, sizeof(s->error), "%.160s: %.80s",
			 (const char *)s->priv, strerror(-rc));
		return rc;
	}
	rc = wq_text__parse(out, buf, len, err, sizeof(err));
	free(buf);
	if (rc) {
		/* Bounded: path and reason fit s->error at any -O level. */
		snprintf(s->error, sizeof(s->error), "%.80s: %.170s",
			 (const char *)s->priv, err);
		return rc;
	}
	/* Its own name, whatever the module calls itself. */
	snprintf(out->source, sizeof(out->source), "%s", s->name);
	return 0;
}

static void kmod_stop(struct wqd_source *s)
{
	free(s->priv);
	s->priv = NULL;
}

const struct wqd_source_ops wqd_kmod_source = {
	.kind = "kmod",
	.start = kmod_start,
	.snapshot = kmod_snapshot,
	.stop = kmod_stop,
};
