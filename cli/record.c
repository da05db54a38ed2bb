// SPDX-License-Identifier: GPL-2.0
/*
 * wqctl record: take a source's cumulative snapshots every interval and
 * keep them in a recording (lib/io/recording.h), for `wqctl show --replay`
 * and `wqtop --replay` later, or a bug report.  Stops after -d, or on ^C,
 * always leaving a complete file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "log.h"
#include "prog.h"
#include "record.h"
#include "recording.h"
#include "source.h"
#include "wqtime.h"

struct rec_opts {
	const char *out;
	const char *source;
	double interval;	/* seconds */
	double duration;	/* seconds; 0: until ^C */
};

static int parse(int argc, char **argv, struct rec_opts *o)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "duration", required_argument, NULL, 'd' },
		{ "interval", required_argument, NULL, 'i' },
		{ "source", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	char why[512];
	uint64_t ns;
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":o:d:i:s:", longopts, NULL)) !=
	       -1) {
		switch (ch) {
		case 'o':
			o->out = optarg;
			break;
		case 'd':
			if (wq_seconds__parse(optarg, 0.01, 30 * 86400, &ns)) {
				pr_err("record: bad --duration '%s': give "
				       "seconds, e.g. -d 60 or -d 500ms\n",
				       optarg);
				return -EINVAL;
			}
			o->duration = ns / 1e9;
			break;
		case 'i':
			if (wq_seconds__parse(optarg, 0.01, 86400, &ns)) {
				pr_err("record: bad --interval '%s': give "
				       "seconds between 0.01 and 86400, e.g. "
				       "-i 2 or -i 500ms\n", optarg);
				return -EINVAL;
			}
			o->interval = ns / 1e9;
			break;
		case 's':
			if (wq_source__check(optarg, why, sizeof(why))) {
				pr_err("record: %s\n", why);
				return -EINVAL;
			}
			o->source = optarg;
			break;
		case ':':
			pr_err("record: %s needs a value\n", argv[optind - 1]);
			return -EINVAL;
		default:
			pr_err("record: unknown option '%s'; usage: wqctl record "
			       "[-o FILE] [-d SECONDS] [-i SECONDS] [--source "
			       "SOURCE]\n", argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		pr_err("record: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

struct rec_ctx {
	struct wq_recording *rec;
	char err[512];
	size_t views;
};

static int keep(void *ctx, struct wq_snapshot *snap)
{
	struct rec_ctx *c = ctx;
	int err = wq_recording__append(c->rec, snap, c->err, sizeof(c->err));

	wq_snapshot__free(snap);
	c->views += !err;
	return err;
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	nanosleep(&ts, NULL);	/* ^C ends it early: the loop checks */
}

int wqctl_record(int argc, char **argv)
{
	struct rec_opts o = { .source = "kernel", .interval = 1 };
	char name[64], why[512] = "";
	struct rec_ctx c = { 0 };
	struct wq_source *src = NULL;
	uint64_t end = 0;
	struct stat sb;
	int err;

	if (parse(argc, argv, &o))
		return WQ_EXIT_USAGE;
	if (!o.out) {
		time_t t = time(NULL);
		struct tm tm;

		localtime_r(&t, &tm);
		strftime(name, sizeof(name), "wqmon-%Y%m%d-%H%M%S.rec.gz", &tm);
		o.out = name;
	}
	err = wq_source__open(&src, o.source, NULL, why, sizeof(why));
	if (err) {
		if (why[0])
			pr_err("record: %s\n", why);
		return 1;
	}
	err = wq_recording__create(&c.rec, o.out, c.err, sizeof(c.err));
	if (err) {
		pr_err("record: %s\n", c.err);
		wq_source__close(src);
		return 1;
	}
	wq_prog__signals(false);
	fprintf(stderr, "recording %s every %.2f s into %s%s\n", o.source,
		o.interval, o.out, o.duration ? "" : " until ^C");
	if (o.duration)
		end = wq_clock_ns(CLOCK_MONOTONIC) + (uint64_t)(o.duration * 1e9);
	for (;;) {
		err = wq_source__poll(src, keep, &c);
		if (err || wq_prog_stop ||
		    wq_source__kind(src) == WQ_SOURCE_FILE ||
		    (end && wq_clock_ns(CLOCK_MONOTONIC) >= end))
			break;
		/* A recording recorded again goes as fast as it reads. */
		if (wq_source__kind(src) != WQ_SOURCE_REPLAY)
			sleep_s(o.interval);
		if (wq_prog_stop)
			break;
	}
	if (err == -ENODATA)
		err = 0;	/* a recording recorded again: to its end */
	if (err)
		pr_err("record: %s\n", c.err[0] ? c.err : wq_source__error(src));
	wq_source__close(src);
	if (wq_recording__close(c.rec, c.err, sizeof(c.err))) {
		pr_err("record: %s\n", c.err);
		return 1;
	}
	if (!stat(o.out, &sb))
		fprintf(stderr, "recorded %zu views into %s (%lld KiB)\n",
			c.views, o.out, (long long)(sb.st_size + 1023) / 1024);
	return err ? 1 : 0;
}
