// SPDX-License-Identifier: GPL-2.0
/*
 * refwq sources: each running refwq instance publishes a shared-memory
 * segment (lib/io/refwq_reader.h); we read it without its cooperation.  One
 * source per segment, named "refwq:<instance name>".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refwq_reader.h"
#include "source.h"
#include "state.h"

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
			 refwq_shm_strerror(err));
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

const char *wqd_refusal__name(enum wqd_refusal r)
{
	static const char *const names[WQD_REF_NR] = {
		[WQD_REF_SYMLINK] = "symlink",
		[WQD_REF_NOT_REGULAR] = "not_regular",
		[WQD_REF_NOT_OWNER] = "not_owner",
		[WQD_REF_BAD_NAME] = "bad_name",
		[WQD_REF_TOO_LARGE] = "too_large",
		[WQD_REF_MALFORMED] = "malformed",
		[WQD_REF_DUPLICATE] = "duplicate_name",
		[WQD_REF_USER_LIMIT] = "user_limit",
		[WQD_REF_NO_SLOT] = "no_slot",
		[WQD_REF_OTHER] = "other",
	};

	return r < WQD_REF_NR ? names[r] : "other";
}

/* An error of refwq_shm_open() as a refusal. */
enum wqd_refusal wqd_refusal__of(int err)
{
	switch (err) {
	case -ELOOP:
		return WQD_REF_SYMLINK;
	case -EINVAL:
		return WQD_REF_NOT_REGULAR;
	case -EPERM:
		return WQD_REF_NOT_OWNER;
	case -EBADMSG:
		return WQD_REF_BAD_NAME;
	case -EFBIG:
		return WQD_REF_TOO_LARGE;
	case -EPROTO:
		return WQD_REF_MALFORMED;
	default:
		return WQD_REF_OTHER;
	}
}
