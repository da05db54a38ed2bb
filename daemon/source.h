/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A source of workqueue snapshots: the kernel probes now; refwq instances
 * and the refwq module's /proc/workqueues next.  One interface, so a source
 * that fails is reported and the others go on.
 */
#ifndef WQMOND_SOURCE_H
#define WQMOND_SOURCE_H

#include <stdint.h>
#include "config.h"
#include "model.h"
#include "stream.h"

enum wqd_source_state { WQD_SRC_DOWN, WQD_SRC_UP, WQD_SRC_FAILED };

struct wqd_source;

struct wqd_source_ops {
	const char *kind;
	/* 0, or -errno with a one-line reason in s->error. */
	int (*start)(struct wqd_source *s, const struct wqd_config *c);
	/* Cumulative snapshot into @out: 0 or -errno (s->error set). */
	int (*snapshot)(struct wqd_source *s, struct wq_snapshot *out);
	void (*stop)(struct wqd_source *s);
};

struct wqd_source {
	char name[WQ_SOURCE_LEN];
	const struct wqd_source_ops *ops;
	void *priv;
	unsigned int owner_uid;		/* a refwq segment's owner; else 0 */
	enum wqd_source_state state;
	char error[256];
	uint64_t scrape_ns;		/* duration of the last snapshot */
	uint64_t scrapes, failures;
	uint64_t next_start_ns;		/* retry time of a failed start */
	/* Its snapshots: stream.cur is the latest cumulative one (NULL: none
	 * to serve), the view the last interval (lib/core/stream.h). */
	struct wq_stream stream;
};

extern const struct wqd_source_ops wqd_kernel_source;
/* priv: strdup'd segment file name under REFWQ_SHM_DIR. */
extern const struct wqd_source_ops wqd_refwq_source;
/* The refwq module's /proc/workqueues (config kmod_path). */
extern const struct wqd_source_ops wqd_kmod_source;

const char *wqd_source__state_name(enum wqd_source_state st);

#endif
