// SPDX-License-Identifier: GPL-2.0
/*
 * wqctl config: the workqueue configuration as the kernel holds it now,
 * without debug info (lib/io/wqconfig_reader.c): every workqueue's flags,
 * max_active, active items, nice, cpumask and affinity scope, the pools
 * each uses, and the pools with their workers.  A table for a person, or
 * with --json one "wqmon-config" document (docs/FORMAT.md).
 */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "prog.h"
#include "wqconfig_reader.h"

static int parse(int argc, char **argv, bool *json, const char **glob)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "workqueue", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":jw:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			*json = true;
			break;
		case 'w':
			*glob = optarg;
			break;
		case ':':
			pr_err("config: %s needs a value\n", argv[optind - 1]);
			return -EINVAL;
		default:
			pr_err("config: unknown option '%s'; usage: wqctl config "
			       "[-w GLOB] [--json]\n", argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		pr_err("config: unexpected argument '%s'; usage: wqctl config "
		       "[-w GLOB] [--json]\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

static const char *or_dash(const char *s)
{
	return *s ? s : "-";
}

/* The distinct pools of @w as "0,2,4", cut to @len with a '~'. */
static void pool_list(const struct wq_cfg_wq *w, char *out, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < w->nr_pools; i++) {
		int n = snprintf(out + o, len - o, "%s%d", i ? "," : "",
				 w->pools[i]);

		if (n < 0 || (size_t)n >= len - o) {
			if (len >= 2) {
				out[len - 2] = '~';
				out[len - 1] = '\0';
			}
			return;
		}
		o += (size_t)n;
	}
}

/* max_active, "-" when there is none (as wqtop shows it). */
static const char *limit(const struct wq_cfg_wq *w, char *buf, size_t len)
{
	if (wq_cfg_wq__unlimited(w))
		return "-";
	snprintf(buf, len, "%d", w->max_active);
	return buf;
}

/* "cache", "default (cache)" as sysfs says it, ",strict" when strict. */
static void scope_text(const struct wq_config *c, const struct wq_cfg_wq *w,
		       char *out, size_t len)
{
	bool dfl = !strcmp(w->affinity_scope, "default") &&
		   *c->default_affinity_scope;

	snprintf(out, len, "%s%s%s%s%s", w->affinity_scope, dfl ? " (" : "",
		 dfl ? c->default_affinity_scope : "", dfl ? ")" : "",
		 w->affinity_strict == 1 ? ",strict" : "");
}

static bool shown(const struct wq_cfg_wq *w, const char *glob)
{
	return !glob || !fnmatch(glob, w->name, 0);
}

static void print_wqs(const struct wq_config *c, const char *glob)
{
	int name_w = (int)strlen("WORKQUEUE"), flags_w = (int)strlen("FLAGS");
	char flags[160], pools[40], nice[16], max[16], scope[64];

	/* Columns as wide as their longest cell, as ps(1) does. */
	for (size_t i = 0; i < c->nr_wqs; i++) {
		const struct wq_cfg_wq *w = &c->wqs[i];
		int n;

		if (!shown(w, glob))
			continue;
		wq_cfg_flags_format(w->flags, flags, sizeof(flags));
		n = (int)strlen(w->name);
		name_w = n > name_w ? n : name_w;
		n = (int)strlen(flags);
		flags_w = n > flags_w ? n : flags_w;
	}
	printf("%-*s %-*s %5s %6s %4s %-9s %-15s %s\n", name_w, "WORKQUEUE",
	       flags_w, "FLAGS", "MAX", "ACTIVE", "NICE", "CPUS", "SCOPE",
	       "POOLS");
	for (size_t i = 0; i < c->nr_wqs; i++) {
		const struct wq_cfg_wq *w = &c->wqs[i];

		if (!shown(w, glob))
			continue;
		wq_cfg_flags_format(w->flags, flags, sizeof(flags));
		pool_list(w, pools, sizeof(pools));
		snprintf(nice, sizeof(nice), "%d", w->nice);
		scope_text(c, w, scope, sizeof(scope));
		printf("%-*s %-*s %5s %6d %4s %-9s %-15s %s\n", name_w, w->name,
		       flags_w, or_dash(flags),
		       limit(w, max, sizeof(max)), w->active,
		       w->nice == WQ_CFG_NONE ? "-" : nice, or_dash(w->cpus),
		       or_dash(scope), pools);
	}
}

static void print_pools(const struct wq_config *c)
{
	char cpu[16], nice[16];

	printf("%5s %4s %-9s %4s %4s %-3s %7s %5s %7s\n", "POOL", "CPU",
	       "CPUS", "NODE", "NICE", "BH", "WORKERS", "IDLE", "RUNNING");
	for (size_t i = 0; i < c->nr_pools; i++) {
		const struct wq_cfg_pool *p = &c->pools[i];

		snprintf(cpu, sizeof(cpu), "%d", p->cpu);
		snprintf(nice, sizeof(nice), "%d", p->nice);
		printf("%5d %4s %-9s %4d %4s %-3s %7d %5d %7d\n", p->id,
		       p->cpu < 0 ? "-" : cpu, or_dash(p->cpus), p->node,
		       p->nice == WQ_CFG_NONE ? "-" : nice, p->bh ? "yes" : "no",
		       p->workers, p->idle, p->running);
	}
}

static void print_text(const struct wq_config *c, const char *glob)
{
	printf("workqueue cpumask: requested %s, effective %s, isolated %s\n",
	       or_dash(c->cpumask_requested), or_dash(c->cpumask_effective),
	       or_dash(c->cpumask_isolated));
	if (!c->complete || c->wqs_dropped || c->pwqs_dropped ||
	    c->pools_dropped)
		printf("incomplete: %s%u workqueues, %u pool_workqueues and "
		       "%u pools not shown (no room)\n",
		       c->complete ? "" : "the list changed under the walk; ",
		       c->wqs_dropped, c->pwqs_dropped, c->pools_dropped);
	putchar('\n');
	print_wqs(c, glob);
	if (glob)
		return;
	putchar('\n');
	print_pools(c);
}

int wqctl_config(int argc, char **argv)
{
	struct wq_config_reader *r;
	struct wq_config c = { 0 };
	const char *glob = NULL;
	bool json = false;
	char err[256];
	int ret;

	if (parse(argc, argv, &json, &glob))
		return WQ_EXIT_USAGE;
	ret = wq_config_reader__open(&r, err, sizeof(err));
	if (ret) {
		pr_err("config: %s\n", err);
		return 1;
	}
	ret = wq_config_reader__read(r, &c, err, sizeof(err));
	wq_config_reader__close(r);
	if (ret) {
		pr_err("config: %s\n", err);
		return 1;
	}
	if (json) {
		struct json_object *doc = wq_config__to_json(&c);

		if (!doc) {
			pr_err("config: out of memory\n");
			wq_config__free(&c);
			return 1;
		}
		puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
						    JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(doc);
	} else {
		print_text(&c, glob);
	}
	wq_config__free(&c);
	return 0;
}
