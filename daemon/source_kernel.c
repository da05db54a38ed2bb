// SPDX-License-Identifier: GPL-2.0
/* The kernel source: wqmon's eBPF probes through lib/collector. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "collector.h"
#include "source.h"

static int kernel_start(struct wqd_source *s, const struct wqd_config *c)
{
	struct wq_collector_opts o = {
		.mode = c->kernel_raw_tp ? WQ_ATTACH_RAW_TP : WQ_ATTACH_AUTO,
		.track_queuers = c->kernel_queuers,
		.no_cpu_time = !c->kernel_cpu_time,
		.sample_every = c->kernel_sample_every,
		.slow_min_ns = wq_slow_rules__kernel_min(&c->slow),
		.slow_per_sec = c->slow.max_per_second,
	};
	struct wq_collector *col;
	int err = wq_collector__open(&col, &o);

	if (err) {
		snprintf(s->error, sizeof(s->error),
			 "cannot load the probes: %s (run `wqctl check`)",
			 strerror(-err));
		return err;
	}
	s->priv = col;
	return 0;
}

static int kernel_snapshot(struct wqd_source *s, struct wq_snapshot *out)
{
	int err = wq_collector__snapshot(s->priv, out);

	if (err)
		snprintf(s->error, sizeof(s->error), "snapshot failed: %s",
			 strerror(-err));
	return err;
}

static void kernel_stop(struct wqd_source *s)
{
	wq_collector__close(s->priv);
	s->priv = NULL;
}

const struct wqd_source_ops wqd_kernel_source = {
	.kind = "kernel",
	.start = kernel_start,
	.snapshot = kernel_snapshot,
	.stop = kernel_stop,
};

const char *wqd_source__state_name(enum wqd_source_state st)
{
	static const char *const names[] = { "down", "up", "failed" };

	return (unsigned int)st < 3 ? names[st] : "?";
}
