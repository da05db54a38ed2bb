// SPDX-License-Identifier: GPL-2.0
/*
 * wqctl check: the environment's checks (lib/io/envcheck.h), then the
 * probes attached for two seconds and what they lost, as a report for a
 * person or, with --json, one document for a fleet's configuration
 * management ("wqmon-check" version 1, docs/FORMAT.md).
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "collector.h"
#include "envcheck.h"
#include "log.h"
#include "model.h"
#include "prog.h"

/* What the probes lose, in the order the report names them
 * (docs/METRICS.md says what each loss affects). */
static const enum wq_counter losses[] = {
	WQ_C_PROBE_MISSED, WQ_C_PENDING_DROPPED, WQ_C_WORKER_DROPPED,
	WQ_C_SERIES_DROPPED, WQ_C_UNPAIRED, WQ_C_END_LOST, WQ_C_REJECTED,
};
#define NR_LOSSES (sizeof(losses) / sizeof(losses[0]))

struct probe_check {
	int err;			/* 0: attached and read */
	char mode[16];			/* "tp_btf", "raw_tp" */
	uint64_t started;		/* items in the 2 s */
	uint64_t lost[NR_LOSSES];
	uint64_t lost_total;
};

/* Attach the probes for a moment and count what they saw and lost. */
static void probe(struct probe_check *pc)
{
	struct wq_snapshot *a = wq_snapshot__new("kernel");
	struct wq_snapshot *b = wq_snapshot__new("kernel");
	struct wq_snapshot *d = wq_snapshot__new("kernel");
	struct wq_collector_opts opts = { 0 };
	struct wq_collector *c = NULL;
	int err;

	memset(pc, 0, sizeof(*pc));
	err = !a || !b || !d ? -ENOMEM : wq_collector__open(&c, &opts);
	if (!err)
		err = wq_collector__snapshot(c, a);
	if (!err) {
		sleep(2);
		err = wq_collector__snapshot(c, b);
	}
	if (!err)
		err = wq_snapshot__delta(d, b, a);
	pc->err = err;
	if (!err) {
		snprintf(pc->mode, sizeof(pc->mode), "%s",
			 wq_collector__mode(c));
		for (size_t i = 0; i < d->nr_series; i++)
			pc->started += d->series[i].started;
		for (size_t i = 0; i < NR_LOSSES; i++) {
			pc->lost[i] = d->counters[losses[i]];
			pc->lost_total += pc->lost[i];
		}
	}
	wq_collector__close(c);
	wq_snapshot__free(a);
	wq_snapshot__free(b);
	wq_snapshot__free(d);
}

/* The last line of the report: what the probes saw and lost. */
static void print_probes(const struct probe_check *pc, bool color)
{
	char what[256] = "";
	int len = 0;

	if (pc->err) {
		printf("  %s%-4s%s  %-12s cannot attach and read them: %s\n",
		       color ? "\033[31m" : "", "FAIL", color ? "\033[0m" : "",
		       "probes", strerror(-pc->err));
		return;
	}
	for (size_t i = 0; i < NR_LOSSES; i++)
		if (pc->lost[i] && len < (int)sizeof(what))
			len += snprintf(what + len, sizeof(what) - len,
					"%s%s %llu", len ? ", " : "",
					wq_counter__name(losses[i]),
					(unsigned long long)pc->lost[i]);
	printf("  %s%-4s%s  %-12s %s: %llu items in 2 s, %s%s%s\n",
	       color ? (pc->lost_total ? "\033[33m" : "\033[32m") : "",
	       pc->lost_total ? "warn" : "ok", color ? "\033[0m" : "",
	       "probes", pc->mode, (unsigned long long)pc->started,
	       pc->lost_total ? "lost: " : "nothing lost", what,
	       pc->lost_total ? " (see docs/METRICS.md)" : "");
}

static const char *status_name(enum wq_env_status st)
{
	return st == WQ_ENV_OK ? "ok" : st == WQ_ENV_WARN ? "warn" : "fail";
}

/* One wqmon-check document on stdout.  Return: the exit status. */
static int report_json(void)
{
	struct wq_env_result r[WQ_ENV_MAX_RESULTS];
	struct json_object *root, *checks, *pj, *lost;
	struct probe_check pc = { .err = -EPERM };
	struct wq_env_facts f;
	bool can_run = true;
	int n, ret;

	wq_env__gather(&f);
	n = wq_env__judge(&f, r);
	root = json_object_new_object();
	checks = json_object_new_array();
	if (!root || !checks) {
		pr_err("check: out of memory\n");
		return 1;
	}
	json_object_object_add(root, "format",
			       json_object_new_string("wqmon-check"));
	json_object_object_add(root, "version", json_object_new_int(1));
	json_object_object_add(root, "kernel",
			       json_object_new_string(f.release));
	for (int i = 0; i < n; i++) {
		struct json_object *c = json_object_new_object();

		json_object_object_add(c, "name",
				       json_object_new_string(r[i].what));
		json_object_object_add(c, "status", json_object_new_string(
						   status_name(r[i].status)));
		json_object_object_add(c, "detail",
				       json_object_new_string(r[i].detail));
		json_object_array_add(checks, c);
		can_run &= r[i].status != WQ_ENV_FAIL;
	}
	json_object_object_add(root, "checks", checks);
	/* The probes are tried only where the checks say they can run: the
	 * collector would print its own reason on stderr otherwise. */
	if (can_run)
		probe(&pc);
	pj = json_object_new_object();
	json_object_object_add(pj, "status", json_object_new_string(
			!can_run ? "skipped" : pc.err ? "fail" :
			pc.lost_total ? "warn" : "ok"));
	if (can_run && pc.err)
		json_object_object_add(pj, "error", json_object_new_string(
					       strerror(-pc.err)));
	if (can_run && !pc.err) {
		json_object_object_add(pj, "mode",
				       json_object_new_string(pc.mode));
		json_object_object_add(pj, "seconds", json_object_new_int(2));
		json_object_object_add(pj, "items_started",
				       json_object_new_uint64(pc.started));
		lost = json_object_new_object();
		for (size_t i = 0; i < NR_LOSSES; i++)
			json_object_object_add(lost, wq_counter__name(losses[i]),
					       json_object_new_uint64(pc.lost[i]));
		json_object_object_add(pj, "lost", lost);
	}
	json_object_object_add(root, "probes", pj);
	ret = can_run && !pc.err ? 0 : 1;
	json_object_object_add(root, "ok", json_object_new_boolean(!ret));
	puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
						 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return ret;
}

int wqctl_check(int argc, char **argv)
{
	bool json = false, color = isatty(STDOUT_FILENO);
	struct probe_check pc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			json = true;
			continue;
		}
		pr_err("check: unexpected argument '%s'; usage: wqctl check "
		       "[--json]\n", argv[i]);
		return WQ_EXIT_USAGE;
	}
	if (json)
		return report_json();
	if (wq_env__report(stdout, color))
		return 1;
	probe(&pc);
	print_probes(&pc, color);
	return pc.err ? 1 : 0;
}
