// SPDX-License-Identifier: GPL-2.0
/*
 * wqctl audit-isolation: for CPUs isolated from the kernel's housekeeping
 * (isolcpus=, nohz_full=, or a set given with --cpus), which work functions
 * kworkers ran there during the audit, how often and how long, and whether
 * each could be moved: an unbound workqueue's items follow the workqueue
 * cpumask, a per-CPU workqueue's run on the CPU that queued them.
 * A report for a person, or with --json one "wqmon-isolation-audit"
 * document (docs/FORMAT.md).
 */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "collector.h"
#include "cpulist.h"
#include "log.h"
#include "prog.h"
#include "wqtime.h"

#define SYS_CPU "/sys/devices/system/cpu"
#define WQ_CPUMASK "/sys/devices/virtual/workqueue/cpumask"

struct audit {
	struct wq_cpuset cpus;
	char cpulist[256];
	double seconds;		/* asked for */
	double ran_for;		/* measured */
	bool json;
	struct wq_cpu_work *work;
	size_t nr;
};

/* isolated and nohz_full: the CPUs the kernel keeps its own work off. */
static int system_isolated(struct wq_cpuset *s)
{
	static const char *const files[] = { SYS_CPU "/isolated",
					     SYS_CPU "/nohz_full" };
	char err[256];

	for (size_t i = 0; i < 2; i++) {
		int ret = wq_cpuset__read(s, files[i], err, sizeof(err));

		/* nohz_full is absent without CONFIG_NO_HZ_FULL. */
		if (ret && ret != -ENOENT) {
			pr_err("audit-isolation: %s\n", err);
			return ret;
		}
	}
	return 0;
}

/* The first CPU of @s the machine cannot have, or -1. */
static int absent_cpu(const struct wq_cpuset *s)
{
	struct wq_cpuset possible = { 0 };
	char err[256];

	if (wq_cpuset__read(&possible, SYS_CPU "/possible", err, sizeof(err)))
		return -1;	/* cannot tell: the probes will see */
	for (int c = 0; c < WQ_CPULIST_MAX; c++)
		if (wq_cpuset__has(s, c) && !wq_cpuset__has(&possible, c))
			return c;
	return -1;
}

static int parse(int argc, char **argv, struct audit *a)
{
	static const struct option longopts[] = {
		{ "cpus", required_argument, NULL, 'C' },
		{ "duration", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	bool given = false;
	char err[256], *end;
	int ch;

	a->seconds = 10;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":C:d:j", longopts, NULL)) != -1) {
		switch (ch) {
		case 'C':
			if (wq_cpuset__parse(&a->cpus, optarg, err,
					     sizeof(err))) {
				pr_err("audit-isolation: --cpus: %s\n", err);
				return -EINVAL;
			}
			given = true;
			break;
		case 'd':
			a->seconds = strtod(optarg, &end);
			if (end == optarg || *end || !(a->seconds > 0) ||
			    a->seconds > 86400) {
				pr_err("audit-isolation: bad --duration '%s': "
				       "give seconds, e.g. -d 30\n", optarg);
				return -EINVAL;
			}
			break;
		case 'j':
			a->json = true;
			break;
		case ':':
			pr_err("audit-isolation: %s needs a value\n",
			       argv[optind - 1]);
			return -EINVAL;
		default:
			pr_err("audit-isolation: unknown option '%s'; usage: "
			       "wqctl audit-isolation [--cpus LIST] "
			       "[-d SECONDS] [--json]\n", argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		pr_err("audit-isolation: unexpected argument '%s'\n",
		       argv[optind]);
		return -EINVAL;
	}
	if (!given && system_isolated(&a->cpus))
		return -EINVAL;
	if (wq_cpuset__count(&a->cpus) && absent_cpu(&a->cpus) >= 0) {
		pr_err("audit-isolation: CPU %d is not on this machine (%s/"
		       "possible): give CPUs it has\n", absent_cpu(&a->cpus),
		       SYS_CPU);
		return -EINVAL;
	}
	if (!wq_cpuset__count(&a->cpus)) {
		pr_err("audit-isolation: no isolated CPUs here (%s/isolated "
		       "and nohz_full are empty): give the set to audit, e.g. "
		       "--cpus 1\n", SYS_CPU);
		return -EINVAL;
	}
	wq_cpuset__format(&a->cpus, a->cpulist, sizeof(a->cpulist));
	return 0;
}

/* Watch for a->seconds (or until ^C), and keep what ran on a->cpus. */
static int watch(struct audit *a)
{
	struct wq_collector_opts opts = { 0 };
	struct wq_cpu_work *before = NULL;
	struct wq_collector *c = NULL;
	size_t nr_before = 0;
	struct timespec ts;
	uint64_t t0, t1;
	int err;

	err = wq_collector__open(&c, &opts);
	if (err)
		return err;
	err = wq_collector__cpu_work(c, &a->cpus, &before, &nr_before);
	t0 = wq_clock_ns(CLOCK_MONOTONIC);
	/* Attached: what a script waits for before it makes its load. */
	if (!err)
		fprintf(stderr, "audit-isolation: watching CPU%s %s for %.1f s\n",
			wq_cpuset__count(&a->cpus) == 1 ? "" : "s", a->cpulist,
			a->seconds);
	ts.tv_sec = (time_t)a->seconds;
	ts.tv_nsec = (long)((a->seconds - (double)ts.tv_sec) * 1e9);
	wq_prog__signals(false);
	/* Interrupted (^C): report the part that was watched. */
	while (!err && !wq_prog_stop && nanosleep(&ts, &ts) && errno == EINTR)
		;
	t1 = wq_clock_ns(CLOCK_MONOTONIC);
	if (!err)
		err = wq_collector__cpu_work(c, &a->cpus, &a->work, &a->nr);
	if (!err)
		wq_cpu_work__delta(a->work, a->nr, before, nr_before);
	a->ran_for = (double)(t1 - t0) / 1e9;
	free(before);
	wq_collector__close(c);
	return err;
}

static bool ran(const struct wq_cpu_work *w)
{
	return w->completed > 0;
}

static const char *kind(const struct wq_cpu_work *w)
{
	return w->unbound ? "unbound" : "per-cpu";
}

static int cmp_run(const void *x, const void *y)
{
	const struct wq_cpu_work *a = x, *b = y;

	if (a->run_ns != b->run_ns)
		return a->run_ns < b->run_ns ? 1 : -1;
	return a->completed < b->completed ? 1 : a->completed > b->completed;
}

static void report_text(const struct audit *a, size_t n)
{
	bool per_cpu = false, unbound = false;

	printf("isolation audit of CPU%s %s, %.1f s: %s",
	       wq_cpuset__count(&a->cpus) == 1 ? "" : "s", a->cpulist,
	       a->ran_for, n ? "FAIL: " : "PASS: no work item ran there\n");
	if (!n)
		return;
	printf("%zu work function%s ran there\n", n, n == 1 ? "" : "s");
	printf("%-32s %-20s %-12s %10s %12s  %s\n", "FUNCTION", "WORKQUEUE",
	       "POOL", "ITEMS", "RUN_MS", "KIND");
	for (size_t i = 0; i < a->nr; i++) {
		const struct wq_cpu_work *w = &a->work[i];
		char pool[32];

		if (!ran(w))
			continue;
		if (w->pool_cpu >= 0)
			snprintf(pool, sizeof(pool), "%d (cpu %d)", w->pool_id,
				 w->pool_cpu);
		else
			snprintf(pool, sizeof(pool), "%d (unbound)",
				 w->pool_id);
		printf("%-32s %-20s %-12s %10llu %12.3f  %s\n", w->function,
		       w->workqueue, pool, (unsigned long long)w->completed,
		       w->run_ns / 1e6, kind(w));
		per_cpu |= !w->unbound;
		unbound |= w->unbound;
	}
	if (per_cpu)
		printf("per-cpu: queued on that CPU by its caller (queue_work() "
		       "on a per-CPU workqueue runs where it is called): move "
		       "the caller, or the work to an unbound workqueue.\n");
	if (unbound)
		printf("unbound: keep it off these CPUs with %s.\n",
		       WQ_CPUMASK);
}

static int report_json(const struct audit *a, size_t n)
{
	struct json_object *root = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	const char *text;

	if (!root || !arr)
		return -ENOMEM;
	json_object_object_add(root, "format",
			       json_object_new_string("wqmon-isolation-audit"));
	json_object_object_add(root, "version", json_object_new_int(1));
	json_object_object_add(root, "cpus", json_object_new_string(a->cpulist));
	json_object_object_add(root, "seconds", json_object_new_double(a->ran_for));
	json_object_object_add(root, "pass", json_object_new_boolean(!n));
	for (size_t i = 0; i < a->nr; i++) {
		const struct wq_cpu_work *w = &a->work[i];
		struct json_object *o;

		if (!ran(w) || !(o = json_object_new_object()))
			continue;
		json_object_object_add(o, "function",
				       json_object_new_string(w->function));
		json_object_object_add(o, "workqueue",
				       json_object_new_string(w->workqueue));
		json_object_object_add(o, "pool_id", json_object_new_int(w->pool_id));
		json_object_object_add(o, "pool_cpu",
				       json_object_new_int(w->pool_cpu));
		json_object_object_add(o, "kind", json_object_new_string(kind(w)));
		json_object_object_add(o, "items",
				       json_object_new_uint64(w->completed));
		json_object_object_add(o, "run_ns", json_object_new_uint64(w->run_ns));
		json_object_object_add(o, "cpu_ns", json_object_new_uint64(w->cpu_ns));
		json_object_array_add(arr, o);
	}
	json_object_object_add(root, "work", arr);
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
	printf("%s\n", text ? text : "{}");
	json_object_put(root);
	return 0;
}

int wqctl_audit(int argc, char **argv)
{
	struct audit a = { 0 };
	size_t n = 0;
	int err;

	if (parse(argc, argv, &a))
		return WQ_EXIT_USAGE;
	err = watch(&a);
	if (err) {
		pr_err("audit-isolation: %s (run `wqctl check`)\n",
		       strerror(-err));
		free(a.work);
		return 1;
	}
	qsort(a.work, a.nr, sizeof(*a.work), cmp_run);
	for (size_t i = 0; i < a.nr; i++)
		n += ran(&a.work[i]);
	if (a.json)
		err = report_json(&a, n);
	else
		report_text(&a, n);
	free(a.work);
	return err ? 1 : n ? 1 : 0;
}
