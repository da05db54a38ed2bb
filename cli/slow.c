// SPDX-License-Identifier: GPL-2.0
/*
 * wqctl slow: the slow work items themselves, one line each as they end,
 * like bcc's runqslower (docs/SLOW.md).  Loads the probes in-process with
 * the thresholds of its flags; the records pass the probes' global
 * minimum, then the rules here (lib/core/slow.c), then the -w/-f globs.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "log.h"
#include "prog.h"
#include "slow.h"
#include "slow_cmd.h"
#include "wqtime.h"

struct slow_opts {
	struct wq_slow_rules rules;
	struct wq_slow_filter filter;
	bool json;
	uint64_t duration_ns;	/* 0: until ^C */
	struct wq_collector_opts coll;
};

struct slow_ctx {
	const struct slow_opts *o;
	uint64_t shown, under, filtered;
	int err;
};

static const char usage_line[] =
	"usage: wqctl slow [-w GLOB] [-f GLOB] [--latency DUR] [--run DUR] "
	"[--rule 'KIND WQ/FUNC DUR'] [--max-per-second N] [-d SECONDS] "
	"[--json]";

static int parse(int argc, char **argv, struct slow_opts *o)
{
	enum { OPT_LATENCY = 256, OPT_RUN, OPT_RULE, OPT_RATE, OPT_RAW_TP };
	static const struct option longopts[] = {
		{ "workqueue", required_argument, NULL, 'w' },
		{ "function", required_argument, NULL, 'f' },
		{ "latency", required_argument, NULL, OPT_LATENCY },
		{ "run", required_argument, NULL, OPT_RUN },
		{ "rule", required_argument, NULL, OPT_RULE },
		{ "max-per-second", required_argument, NULL, OPT_RATE },
		{ "duration", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "raw-tp", no_argument, NULL, OPT_RAW_TP },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char why[512];
	uint64_t ns;
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":w:f:d:jh", longopts, NULL)) !=
	       -1) {
		why[0] = '\0';
		switch (ch) {
		case 'w':
		case 'f':
			if (wq_slow_filter__set(&o->filter, ch == 'w' ?
						"workqueue" : "function",
						optarg, why, sizeof(why)))
				goto bad;
			break;
		case OPT_LATENCY:
		case OPT_RUN:
			if (wq_slow_rules__set_default(&o->rules,
						       ch == OPT_LATENCY ?
						       WQ_SLOW_K_LATENCY :
						       WQ_SLOW_K_RUN,
						       optarg, why, sizeof(why)))
				goto bad;
			break;
		case OPT_RULE:
			if (wq_slow_rules__add(&o->rules, optarg, why,
					       sizeof(why)))
				goto bad;
			break;
		case OPT_RATE:
			if (wq_slow_rules__set_rate(&o->rules, optarg, why,
						    sizeof(why)))
				goto bad;
			break;
		case 'd':
			if (wq_seconds__parse(optarg, 0.01, 30 * 86400, &ns)) {
				pr_err("slow: bad --duration '%s': give "
				       "seconds, e.g. -d 60 or -d 500ms\n",
				       optarg);
				return -EINVAL;
			}
			o->duration_ns = ns;
			break;
		case 'j':
			o->json = true;
			break;
		case OPT_RAW_TP:
			o->coll.mode = WQ_ATTACH_RAW_TP;
			break;
		case 'h':
			printf("%s\n(wqctl --help, wqctl(8), docs/SLOW.md)\n",
			       usage_line);
			exit(0);
		case ':':
			pr_err("slow: %s needs a value\n", argv[optind - 1]);
			return -EINVAL;
		default:
			pr_err("slow: unknown option '%s'; %s\n",
			       argv[optind - 1], usage_line);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		pr_err("slow: unexpected argument '%s'; %s\n", argv[optind],
		       usage_line);
		return -EINVAL;
	}
	if (!wq_slow_rules__kernel_min(&o->rules)) {
		pr_err("slow: every threshold is off: give --latency or --run "
		       "a duration\n");
		return -EINVAL;
	}
	return 0;
bad:
	pr_err("slow: %s\n", why);
	return -EINVAL;
}

static int show(struct wq_slow *r, void *ctx)
{
	struct slow_ctx *c = ctx;
	char line[1024];
	int n;

	if (!wq_slow_rules__judge(&c->o->rules, r)) {
		c->under++;
		return 0;
	}
	if (!wq_slow_filter__match(&c->o->filter, r)) {
		c->filtered++;
		return 0;
	}
	r->seq = ++c->shown;
	n = c->o->json ? wq_slow_json__line(r, line, sizeof(line)) :
			 wq_slow__line(r, line, sizeof(line));
	if (n < 0)
		return 0;	/* cannot happen at this size: not fatal */
	if (puts(line) == EOF || fflush(stdout)) {
		c->err = -errno;
		return -EPIPE;	/* the reader went away (| head) */
	}
	return 0;
}

int wqctl_slow(int argc, char **argv)
{
	struct slow_opts o = { 0 };
	struct slow_ctx c = { .o = &o };
	struct wq_collector *coll;
	uint64_t end = 0;
	int err;

	wq_slow_rules__defaults(&o.rules);
	/* runqslower's default: what a person watching wants to see. */
	o.rules.threshold_ns[WQ_SLOW_K_LATENCY] = 10000000ULL;
	o.rules.threshold_ns[WQ_SLOW_K_RUN] = 10000000ULL;
	o.rules.max_per_second = 1000;
	if (parse(argc, argv, &o))
		return WQ_EXIT_USAGE;
	o.coll.slow_min_ns = wq_slow_rules__kernel_min(&o.rules);
	o.coll.slow_per_sec = o.rules.max_per_second;
	o.coll.track_queuers = true;	/* each record names who queued it */
	err = wq_collector__open(&coll, &o.coll);
	if (err)
		return 1;
	wq_prog__signals(false);
	fprintf(stderr, "tracing work items with latency or run time >= "
		"%.3f ms (rules applied after); ^C to end\n",
		o.coll.slow_min_ns / 1e6);
	if (!o.json)
		printf("%s\n", wq_slow__header());
	if (o.duration_ns)
		end = wq_clock_ns(CLOCK_MONOTONIC) + o.duration_ns;
	while (!wq_prog_stop) {
		int timeout = 200;

		if (end) {
			uint64_t now = wq_clock_ns(CLOCK_MONOTONIC);

			if (now >= end)
				break;
			if (end - now < 200000000ULL)
				timeout = (int)((end - now) / 1000000) + 1;
		}
		err = wq_collector__slow_poll(coll, timeout, show, &c);
		if (err == -EINTR)
			continue;
		if (err < 0)
			break;
	}
	/* What is left in the ring once the time is up. */
	if (err >= 0 || err == -EINTR)
		err = wq_collector__slow_poll(coll, 0, show, &c);
	fprintf(stderr, "%llu records shown, %llu under the rules, %llu "
		"filtered out, %llu dropped by the probes (over %u a second "
		"per CPU)\n", (unsigned long long)c.shown,
		(unsigned long long)c.under, (unsigned long long)c.filtered,
		(unsigned long long)wq_collector__slow_dropped(coll),
		o.rules.max_per_second);
	wq_collector__close(coll);
	if (err == -EPIPE)
		return 0;
	if (err < 0 && err != -EINTR) {
		pr_err("slow: reading the records: %s\n", strerror(-err));
		return 1;
	}
	return 0;
}
