// SPDX-License-Identifier: GPL-2.0
/*
 * The workqueue configuration as a value: flag names and lookups.  The
 * wqmon-config JSON document is in wqconfig_json.c, apart, so that what
 * links only this (the text view, refwq-cat) needs no json-c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wqconfig.h"

static const char *const flag_names[WQ_CFG_NR_FLAGS] = {
	"bh", "unbound", "freezable", "mem_reclaim", "highpri",
	"cpu_intensive", "sysfs", "power_efficient", "percpu", "ordered",
};

const char *wq_cfg_flag_name(int bit)
{
	return bit >= 0 && bit < WQ_CFG_NR_FLAGS ? flag_names[bit] : NULL;
}

void wq_cfg_flags_format(unsigned flags, char *out, size_t len)
{
	size_t o = 0;

	if (!len)
		return;
	out[0] = '\0';
	for (int b = 0; b < WQ_CFG_NR_FLAGS; b++) {
		int n;

		if (!(flags & 1u << b))
			continue;
		n = snprintf(out + o, len - o, "%s%s", o ? "," : "",
			     flag_names[b]);
		if (n < 0 || (size_t)n >= len - o) {
			out[o] = '\0';	/* whole names only */
			return;
		}
		o += (size_t)n;
	}
}

void wq_config__free(struct wq_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nr_wqs; i++) {
		free(c->wqs[i].pools);
		free(c->wqs[i].cpu_pool);
	}
	free(c->wqs);
	free(c->pools);
	memset(c, 0, sizeof(*c));
}

const struct wq_cfg_pool *wq_config__pool(const struct wq_config *c, int id)
{
	for (size_t i = 0; i < c->nr_pools; i++)
		if (c->pools[i].id == id)
			return &c->pools[i];
	return NULL;
}

const struct wq_cfg_wq *wq_config__wq(const struct wq_config *c,
				      const char *name)
{
	for (size_t i = 0; i < c->nr_wqs; i++)
		if (!strcmp(c->wqs[i].name, name))
			return &c->wqs[i];
	return NULL;
}
