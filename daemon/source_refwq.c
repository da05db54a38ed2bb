// SPDX-License-Identifier: GPL-2.0
/*
 * refwq sources: each running refwq instance publishes a shared-memory
 * segment (lib/refwq_reader.h); we read it without its cooperation.  One
 * source per segment, named "refwq:<instance name>".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refwq_reader.h"
#include "source.h"

static int refwq_start(struct wqd_source *s, const struct wqd_config *c)
{
	(void)c;
	/* priv: the segment's file name, given at creation. */
	return s->priv ? 0 : -EINVAL;
}

static int refwq_snapshot(struct wqd_source *s, struct wq_snapshot *out)
{
	int err = refwq_shm_read(s->priv, out);

	if (err)
		snprintf(s->error, sizeof(s->error), "%s/%s: %s",
			 REFWQ_SHM_DIR, (const char *)s->priv,
			 err == -ESRCH ? "its process is gone" :
					 strerror(-err));
	return err;
}

static void refwq_stop(struct wqd_source *s)
{
	free(s->priv);
	s->priv = NULL;
}

const struct wqd_source_ops wqd_refwq_source = {
	.kind = "refwq",
	.start = refwq_start,
	.snapshot = refwq_snapshot,
	.stop = refwq_stop,
};
