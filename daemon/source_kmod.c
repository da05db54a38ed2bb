// SPDX-License-Identifier: GPL-2.0
/*
 * The kmod source: the refwq kernel module's /proc/workqueues, on boards
 * whose kernel has no BPF.  The file is the text view of docs/FORMAT.md,
 * read as `wqctl cat` reads a saved view (lib/io/view_file.h); the
 * source is "kmod".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "view_file.h"

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
	int rc = wq_view_file__read(s->priv, out, s->error, sizeof(s->error));

	/* Its own name, whatever the module calls itself. */
	if (!rc)
		snprintf(out->source, sizeof(out->source), "%s", s->name);
	return rc;
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
