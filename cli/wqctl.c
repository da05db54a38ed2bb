// SPDX-License-Identifier: GPL-2.0
/*
 * wqctl: one-shot workqueue commands.
 *
 *   wqctl show   what the kernel's workqueues did, every interval
 *   wqctl check  can the probes run here, and what to do if not
 *   wqctl slow   the slow work items themselves, as they end
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"
#include "check.h"
#include "record.h"
#include "slow_cmd.h"
#include "collector.h"
#include "invariants.h"
#include "json.h"
#include "log.h"
#include "model.h"
#include "prog.h"
#include "source.h"
#include "stream.h"
#include "text.h"
#include "view_file.h"
#include "wqconfig_reader.h"
#include "wqtime.h"

/* Exit codes: 0 ok, 1 runtime failure, 2 usage error (as grep/diff). */


static void usage(FILE *f)
{
	fprintf(f,
"Usage: wqctl [-v] COMMAND [OPTIONS]\n"
"\n"
"Observe the kernel's workqueues: per pool, workqueue and work function,\n"
"how many items were queued, started and completed, how long they waited\n"
"and ran, and how much CPU the kworkers spent on them.\n"
"\n"
"Commands:\n"
"  show     print the workqueue view every interval (the probes as root;\n"
"           any user: a wqmond, refwq instances, a saved view)\n"
"  check    report whether the probes can run here, and what to fix\n"
"           (--json: one wqmon-check document, docs/FORMAT.md)\n"
"  cat      read a saved text or JSON view (FILE, or - for stdin) and\n"
"           print it again, canonically or as JSON (-j)\n"
"  record [-o FILE] [-d SECONDS] [-i SECONDS] [--source SOURCE]\n"
"           keep a source's snapshots in a recording (gzip; docs/FORMAT.md)\n"
"           for show --replay FILE and wqtop --replay FILE\n"
"  config [-w GLOB] [--json]\n"
"           the workqueue configuration now: flags, max_active, active\n"
"           items, cpumask and affinity of every workqueue, the pools\n"
"           each CPU queues to, the pools' workers (root; --json:\n"
"           wqmon-config, docs/FORMAT.md)\n"
"  slow [-w GLOB] [-f GLOB] [--latency DUR] [--run DUR] [--rule RULE]\n"
"       [--max-per-second N] [-d SECONDS] [--json]\n"
"           one line per work item whose latency or run time passed its\n"
"           threshold (default 10ms each), as it ends (root; RULE is\n"
"           'KIND WQ/FUNC DUR', KIND latency or run; docs/SLOW.md)\n"
"  audit-isolation [--cpus LIST] [-d SECONDS] [--json]\n"
"           which work functions kworkers ran on the isolated CPUs\n"
"           (isolcpus=, nohz_full=, or LIST) while it watched; exit 1 if\n"
"           any did (--json: wqmon-isolation-audit, docs/FORMAT.md)\n"
"\n"
"Options of show:\n"
"      --source SOURCE     kernel: the probes, in-process (root; default);\n"
"                          daemon: a running wqmond's sources through its\n"
"                          socket (no root); unix:/path, http://host:port\n"
"                          another wqmond; refwq[:NAME]: refwq instances;\n"
"                          kmod[:PATH]: the refwq module's /proc/workqueues;\n"
"                          file:PATH: a saved text or JSON view, once;\n"
"                          replay:PATH: a recording (wqctl record)\n"
"      --replay FILE       the same as --source replay:FILE: the recorded\n"
"                          intervals, as fast as they read (-c: the views\n"
"                          as recorded)\n"
"  -i, --interval SECONDS  seconds between views (default 1; 0.5 or 500ms)\n"
"  -n, --count COUNT       stop after COUNT views (default: until Ctrl-C)\n"
"  -s, --sort COLUMN       sort functions by COLUMN (queued, started,\n"
"                          completed, rate, lat_p50, lat_p99, lat_max,\n"
"                          run_p99, cpu; default completed)\n"
"  -r, --reverse           ascending instead of descending\n"
"  -t, --top N             show at most N function rows (default all)\n"
"  -w, --workqueue GLOB    only workqueues that match GLOB (fnmatch: 'events*')\n"
"  -f, --function GLOB     only work functions that match GLOB\n"
"  -c, --cumulative        totals since start instead of per interval\n"
"  -j, --json              JSON instead of the text view, one per line\n"
"  -q, --queuers           also show who queued the work: the top queuers\n"
"                          of the host and of each function (in-process:\n"
"                          track them; wqmond tracks them by default)\n"
"      --raw-tp            use raw tracepoints even where tp_btf works\n"
"      --no-cpu            do not hook sched_switch (no on-CPU time)\n"
"      --sample N          measure the durations of 1 item in N (sampled\n"
"                          mode: less probe cost; counts stay exact)\n"
"      --check-invariants  check every snapshot (docs/DESIGN.md); each\n"
"                          violation on stderr, and exit status 3\n"
"\n"
"Global options:\n"
"  -v, --verbose           debug messages, including libbpf's\n"
"  -h, --help              this help\n"
"  -V, --version           version\n"
"\n"
"Examples:\n"
"  sudo wqctl check\n"
"  sudo wqctl show                      # every second, until Ctrl-C\n"
"  sudo wqctl show -i 5 -n 3 -s lat_p99 -t 10\n"
"  sudo wqctl show -n 1 -i 10 --json | jq '.series[0]'\n"
"  sudo wqctl show -n 1 > view.txt; wqctl cat -j view.txt\n"
"  wqctl show --source daemon -n 3      # no root: a running wqmond\n"
"  wqctl show --source refwq -n 1 -i 2  # refwq instances, no root\n"
"  sudo wqctl show -f 'aio_*' -w events -n 3\n"
"  sudo wqctl show -q -n 1 -i 2         # who queued the work, its kworker CPU\n"
"  sudo wqctl slow --run 50ms -f '*fsync*' -d 10\n"
"\n"
"The text view is documented in docs/FORMAT.md; see wqctl(8).\n");
}

static int parse_count(const char *s, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0)
		return -EINVAL;
	*out = v;
	return 0;
}

struct show_opts {
	const char *source;	/* a spec of lib/io/source.h */
	const char *wq_glob;	/* -w: only these workqueues; NULL: all */
	const char *fn_glob;	/* -f: only these functions; NULL: all */
	double interval;
	long count;
	bool json;
	bool cumulative;
	bool check_invariants;
	bool queuers;		/* -q: print the top queuers */
	struct wq_text_opts text;
	struct wq_collector_opts coll;
};

static int sleep_interval(double seconds)
{
	struct timespec ts = {
		.tv_sec = (time_t)seconds,
		.tv_nsec = (long)((seconds - (time_t)seconds) * 1e9),
	};

	/* Interrupted by SIGINT: the loop checks wq_prog_stop. */
	return nanosleep(&ts, NULL) ? -errno : 0;
}

/*
 * "Which process makes my kworkers busy": the view's top queuers on the
 * host (every series merged) and per series, ranked and folded as every
 * face does (wq_snapshot__top_queuers: kworker CPU charged, then items
 * queued; the rest one row "other").  Cumulative views have no CPU %.
 */
#define QUEUERS_HOST	15
#define QUEUERS_SERIES	5

static void queuer_line(const struct wq_queuer *q, uint64_t interval_ns)
{
	char tgid[16] = "-", pct[16] = "-", wait[24] = "-";

	if (q->tgid > 0)
		snprintf(tgid, sizeof(tgid), "%d", q->tgid);
	if (interval_ns)
		snprintf(pct, sizeof(pct), "%.1f",
			 wq_cpu_pct(q->cpu_ns, interval_ns));
	if (q->started)
		snprintf(wait, sizeof(wait), "%.1f",
			 (double)q->lat_ns / q->started / 1e3);
	printf("  %-8s %-16s %8s %12llu %10s %12.3f %6s  %s\n",
	       wq_qctx__name(q->ctx) ? wq_qctx__name(q->ctx) : "other",
	       q->comm[0] ? q->comm : "-", tgid,
	       (unsigned long long)q->queued, wait, q->cpu_ns / 1e6, pct,
	       q->cgroup[0] ? q->cgroup : "-");
}

static void queuer_header(void)
{
	printf("  %-8s %-16s %8s %12s %10s %12s %6s  %s\n", "CONTEXT", "COMM",
	       "TGID", "QUEUED", "WAIT_US", "KW_CPU_MS", "CPU%", "CGROUP");
}

static int print_queuers(const struct wq_snapshot *s)
{
	struct wq_queuer *q;
	size_t n;

	if (wq_snapshot__top_queuers(s, NULL, WQ_QORDER_CPU, QUEUERS_HOST, &q,
				     &n))
		return -ENOMEM;
	printf("queuers of %s (%s), by kworker CPU charged:\n", s->source,
	       s->interval_ns ? "the interval" : "since start");
	if (!n)
		printf("  none%s\n", s->nr_queuers ? "" :
		       " recorded by this source");
	else
		queuer_header();
	for (size_t i = 0; i < n; i++)
		queuer_line(&q[i], s->interval_ns);
	free(q);
	for (size_t j = 0; j < s->nr_series; j++) {
		const struct wq_series *r = &s->series[j];

		if (wq_snapshot__top_queuers(s, r, WQ_QORDER_CPU,
					     QUEUERS_SERIES, &q, &n))
			return -ENOMEM;
		if (n) {
			printf("queuers of %s/%s pool %d:\n", r->workqueue,
			       r->function, r->pool_id);
			queuer_header();
		}
		for (size_t i = 0; i < n; i++)
			queuer_line(&q[i], s->interval_ns);
		free(q);
	}
	putchar('\n');
	return 0;
}

static int emit(const struct show_opts *o, const struct wq_snapshot *s)
{
	if (o->json) {
		char *j = wq_json__render(s, 0);

		if (!j)
			return -ENOMEM;
		puts(j);
		free(j);
	} else {
		int err = wq_text__render(s, stdout, &o->text);

		if (err)
			return err;
		putchar('\n');
		if (o->queuers) {
			err = print_queuers(s);
			if (err)
				return err;
		}
	}
	return fflush(stdout) ? -errno : 0;
}

/* lib/core/invariants.h on one snapshot: each violation on stderr. */
static int check_invariants(const struct wq_snapshot *prev,
			    const struct wq_snapshot *cur,
			    const struct wq_snapshot *view)
{
	char out[8192], *line, *save = NULL;
	int n = wq_invariants__check(prev, cur, view, out, sizeof(out));

	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		pr_err("invariant: %s\n", line);
	return n;
}

/* ---- show: the probes in-process, or a running wqmond ---- */

#define MAX_SHOWN 64	/* wqmond serves 16 sources at most */

/*
 * Both kinds of source hand over each of their sources' newest cumulative
 * snapshot; a stream per source (lib/core/stream.h) makes the interval
 * view, which is checked and printed here.
 */
struct shown {
	const struct show_opts *o;
	const struct wq_source *from;	/* file: its config section */
	struct wq_snapshot *only;	/* -w/-f: the filtered copy shown */
	struct wq_stream src[MAX_SHOWN];
	size_t nr;
	long fresh, violations;
};

static struct wq_stream *shown_stream(struct shown *sh, const char *source)
{
	for (size_t i = 0; i < sh->nr; i++)
		if (!strcmp(sh->src[i].name, source))
			return &sh->src[i];
	if (sh->nr == MAX_SHOWN)
		return NULL;
	wq_stream__init(&sh->src[sh->nr], source, 1);
	return &sh->src[sh->nr++];
}

/* Print @s, or with -w/-f a copy of it with the chosen series only (the
 * stream's snapshots keep every series, for the next interval). */
static int show_one(struct shown *sh, const struct wq_snapshot *s)
{
	if (!sh->o->wq_glob && !sh->o->fn_glob)
		return emit(sh->o, s);
	if (!sh->only)
		sh->only = wq_snapshot__new("");
	if (!sh->only || wq_snapshot__copy(sh->only, s))
		return -ENOMEM;
	wq_snapshot__filter(sh->only, sh->o->wq_glob, sh->o->fn_glob);
	return emit(sh->o, sh->only);
}

static int show_snap(void *ctx, struct wq_snapshot *snap)
{
	struct shown *sh = ctx;
	struct wq_stream *sm = shown_stream(sh, snap->source);
	int err;

	if (!sm) {
		wq_snapshot__free(snap);
		return 0;
	}
	err = wq_stream__push(sm, snap);
	if (err <= 0)
		return err;
	if (sh->o->check_invariants)
		sh->violations += check_invariants(sm->prev, sm->cur,
						   wq_stream__view(sm, 0));
	sh->fresh++;
	return show_one(sh, sh->o->cumulative ? sm->cur :
						wq_stream__view(sm, 0));
}

/* A saved view is printed as it was saved: no interval to make, and a v3
 * view with its config section, as cat prints it. */
static int show_saved(void *ctx, struct wq_snapshot *snap)
{
	struct shown *sh = ctx;
	const struct wq_config *cfg = sh->from ? wq_source__config(sh->from) :
						 NULL;
	const struct show_opts *o = sh->o;
	struct show_opts with = *o;
	int err;

	if (cfg && !o->json) {
		with.text.config = cfg;
		sh->o = &with;
	}
	err = show_one(sh, snap);
	sh->o = o;

	wq_snapshot__free(snap);
	sh->fresh++;
	return err;
}

static int cmd_show(const struct show_opts *o)
{
	struct wq_source_opts so = { .coll = o->coll };
	struct shown sh = { .o = o };
	struct wq_source *src = NULL;
	char why[512] = "";
	long shown = 0;
	int err;

	err = wq_source__open(&src, o->source, &so, why, sizeof(why));
	if (err) {
		if (why[0])
			pr_err("show: %s\n", why);
		return 1;
	}
	if (wq_source__kind(src) == WQ_SOURCE_FILE) {
		sh.from = src;
		err = wq_source__poll(src, show_saved, &sh);
		goto out;
	}
	if (wq_source__kind(src) == WQ_SOURCE_REPLAY) {
		/* As fast as it reads: the recorded times make the
		 * intervals; -c shows each view as recorded. */
		do {
			sh.fresh = 0;
			err = wq_source__poll(src, o->cumulative ? show_saved :
								   show_snap,
					      &sh);
			shown += sh.fresh ? 1 : 0;
		} while (!err && !wq_prog_stop &&
			 (o->count == 0 || shown < o->count));
		if (err == -ENODATA)
			err = 0;
		goto out;
	}
	err = wq_source__poll(src, show_snap, &sh);
	while (!err && !wq_prog_stop && (o->count == 0 || shown < o->count)) {
		sleep_interval(o->interval);
		if (wq_prog_stop)
			break;
		sh.fresh = 0;
		err = wq_source__poll(src, show_snap, &sh);
		shown += sh.fresh ? 1 : 0;
	}
out:
	if (err == -EPIPE)
		err = 0;	/* `wqctl show | head` is not a failure */
	else if (err)
		pr_err("show: %s%s\n", wq_source__error(src),
		       wq_source__kind(src) == WQ_SOURCE_DAEMON &&
		       (err == -ENOENT || err == -ECONNREFUSED) ?
		       " (is wqmond running? sudo systemctl start wqmond)" :
		       "");
	for (size_t i = 0; i < sh.nr; i++)
		wq_stream__fini(&sh.src[i]);
	wq_snapshot__free(sh.only);
	wq_source__close(src);
	if (!err && sh.violations)
		pr_err("show: %ld invariant violations (docs/DESIGN.md, "
		       "Invariants)\n", sh.violations);
	return err ? 1 : sh.violations ? 3 : 0;
}

static int cmd_cat(int argc, char **argv)
{
	/* Same order as show: the busiest first. */
	struct show_opts o = { .text = { .sort = WQ_SORT_COMPLETED } };
	struct wq_snapshot *s = NULL;
	struct wq_config cfg = { 0 };
	const char *path = NULL;
	char err[300] = "";
	int rc = 1, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			o.json = true;
		else if (!path && (argv[i][0] != '-' || !strcmp(argv[i], "-")))
			path = argv[i];
		else {
			pr_err("cat: unexpected argument '%s'; usage: wqctl cat "
			       "[-j] FILE\n", argv[i]);
			return WQ_EXIT_USAGE;
		}
	}
	if (!path) {
		pr_err("cat: which file? usage: wqctl cat [-j] FILE (- for "
		       "stdin)\n");
		return WQ_EXIT_USAGE;
	}
	s = wq_snapshot__new("");
	if (!s) {
		pr_err("cat: out of memory\n");
		return 1;
	}
	/* A v3 view's config section prints back with it. */
	if (wq_view_file__read_config(path, s, &cfg, err, sizeof(err))) {
		pr_err("cat: %s\n", err);
		goto out;
	}
	if (cfg.nr_cpus)
		o.text.config = &cfg;
	rc = emit(&o, s) ? 1 : 0;
out:
	wq_config__free(&cfg);
	wq_snapshot__free(s);
	return rc;
}

/* An unknown option of show: one line, with the nearest one. */
static void bad_option(const char *arg, int opt, const struct option *longopts)
{
	const char *names[32], *near = NULL;
	char given[64];
	size_t n = 0;

	if (strncmp(arg, "--", 2)) {
		pr_err("show: unknown option '-%c' (wqctl --help)\n", opt);
		return;
	}
	for (; longopts[n].name && n < 31; n++)
		names[n] = longopts[n].name;
	names[n] = NULL;
	snprintf(given, sizeof(given), "%s", arg + 2);
	given[strcspn(given, "=")] = '\0';
	for (size_t i = 0; i < n; i++)
		if (!strcmp(given, names[i])) {	/* "--json=3" */
			pr_err("show: --%s takes no value (wqctl --help)\n",
			       given);
			return;
		}
	near = wq_prog__suggest(given, names);
	pr_err("show: unknown option '%s'%s%s%s (wqctl --help)\n", arg,
	       near ? " (did you mean --" : "", near ? near : "",
	       near ? "?)" : "");
}

static int parse_show(int argc, char **argv, struct show_opts *o)
{
	enum { OPT_RAW_TP = 256, OPT_NO_CPU, OPT_CHECK_INV, OPT_SOURCE,
	       OPT_SAMPLE, OPT_REPLAY };
	static char replay[300];
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'n' },
		{ "sort", required_argument, NULL, 's' },
		{ "reverse", no_argument, NULL, 'r' },
		{ "top", required_argument, NULL, 't' },
		{ "cumulative", no_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "queuers", no_argument, NULL, 'q' },
		{ "raw-tp", no_argument, NULL, OPT_RAW_TP },
		{ "no-cpu", no_argument, NULL, OPT_NO_CPU },
		{ "sample", required_argument, NULL, OPT_SAMPLE },
		{ "check-invariants", no_argument, NULL, OPT_CHECK_INV },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "replay", required_argument, NULL, OPT_REPLAY },
		{ "workqueue", required_argument, NULL, 'w' },
		{ "function", required_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	uint64_t ns;
	long top;
	int ch, key;

	opterr = 0;	/* one line of ours, not getopt's two */
	while ((ch = getopt_long(argc, argv, ":i:n:s:rt:cjqvhw:f:", longopts,
				 NULL)) != -1) {
		switch (ch) {
		case 'i':
			if (wq_seconds__parse(optarg, 0.01, 86400, &ns)) {
				pr_err("bad --interval '%s': give seconds "
				       "between 0.01 and 86400, e.g. -i 2 or "
				       "-i 500ms\n", optarg);
				return -EINVAL;
			}
			o->interval = ns / 1e9;
			break;
		case 'n':
			if (parse_count(optarg, &o->count)) {
				pr_err("bad --count '%s': give a whole number "
				       ">= 0 (0 = until Ctrl-C)\n", optarg);
				return -EINVAL;
			}
			break;
		case 's':
			key = wq_text__sort_key_from_name(optarg);
			if (key < 0) {
				const char *names[WQ_SORT_NR + 1], *near;
				char list[256] = "";
				size_t off = 0;

				for (int k = 0; k < WQ_SORT_NR; k++) {
					names[k] = wq_text__sort_key_name(k);
					off += snprintf(list + off,
							sizeof(list) - off,
							"%s%s", k ? ", " : "",
							names[k]);
				}
				names[WQ_SORT_NR] = NULL;
				near = wq_prog__suggest(optarg, names);
				pr_err("unknown sort column '%s'%s%s%s: give one "
				       "of %s\n", optarg,
				       near ? " (did you mean " : "",
				       near ? near : "", near ? "?)" : "", list);
				return -EINVAL;
			}
			o->text.sort = key;
			break;
		case 'r':
			o->text.reverse = true;
			break;
		case 't':
			if (parse_count(optarg, &top) || top > 1000000) {
				pr_err("bad --top '%s': give a whole number, "
				       "e.g. -t 20\n", optarg);
				return -EINVAL;
			}
			o->text.top = (size_t)top;
			break;
		case 'c':
			o->cumulative = true;
			break;
		case 'w':
			o->wq_glob = optarg;
			break;
		case 'f':
			o->fn_glob = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'q':
			o->queuers = true;
			break;
		case OPT_RAW_TP:
			o->coll.mode = WQ_ATTACH_RAW_TP;
			break;
		case OPT_CHECK_INV:
			o->check_invariants = true;
			break;
		case OPT_SOURCE: {
			char why[256];

			if (wq_source__check(optarg, why, sizeof(why))) {
				pr_err("%s\n", why);
				return -EINVAL;
			}
			o->source = optarg;
			break;
		}
		case OPT_NO_CPU:
			o->coll.no_cpu_time = true;
			break;
		case OPT_REPLAY: {
			char why[400];

			if (wq_source__replay_spec(optarg, replay,
						   sizeof(replay), why,
						   sizeof(why))) {
				pr_err("%s\n", why);
				return -EINVAL;
			}
			o->source = replay;
			break;
		}
		case OPT_SAMPLE: {
			char why[200];

			if (wq_collector__parse_sample(optarg,
						       &o->coll.sample_every,
						       why, sizeof(why))) {
				pr_err("%s\n", why);
				return -EINVAL;
			}
			break;
		}
		case 'v':
			wq_log__set_level(WQ_LOG_DEBUG);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case ':':
			pr_err("show: %s needs a value (wqctl --help)\n",
			       argv[optind - 1]);
			return -EINVAL;
		default:
			bad_option(argv[optind - 1], optopt, longopts);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		pr_err("unexpected argument '%s'; try 'wqctl --help'\n",
		       argv[optind]);
		return -EINVAL;
	}
	/* In-process, -q also turns the tracking on; other sources send
	 * their rows (wqmond: [kernel] queuers). */
	if (!strcmp(o->source, "kernel"))
		o->coll.track_queuers = o->queuers;
	if (strcmp(o->source, "kernel") &&
	    (o->coll.mode || o->coll.no_cpu_time || o->coll.sample_every)) {
		pr_err("--raw-tp, --no-cpu and --sample set the "
		       "probes: with "
		       "--source %s, set them in wqmond.conf ([kernel])\n",
		       o->source);
		return -EINVAL;
	}
	return 0;
}

/*
 * The text view's config section (docs/FORMAT.md): the kernel's workqueue
 * configuration, read once as show starts, in-process (root).  Without it
 * the view has no such section; -v says why (a saved view's section comes
 * with the source: show_saved()).  Return: it was read.
 */
static bool show_config(const struct show_opts *o, struct wq_config *c)
{
	struct wq_config_reader *r;
	char why[256];
	int err;

	if (o->json || strcmp(o->source, "kernel"))
		return false;
	err = wq_config_reader__open(&r, why, sizeof(why));
	if (!err) {
		err = wq_config_reader__read(r, c, why, sizeof(why));
		wq_config_reader__close(r);
	}
	if (err)
		pr_debug("show: no config section: %s\n", why);
	return !err;
}

int main(int argc, char **argv)
{
	struct show_opts o = {
		.source = "kernel",
		.interval = 1.0,
		.text = { .sort = WQ_SORT_COMPLETED },
	};
	const char *cmd;
	int i;

	wq_log__set_prog("wqctl");
	/* Global options come before the command. */
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "-V") ||
			   !strcmp(argv[i], "--version")) {
			printf("wqctl %s\n", WQMON_VERSION);
			return 0;
		} else if (!strcmp(argv[i], "-v") ||
			   !strcmp(argv[i], "--verbose")) {
			wq_log__set_level(WQ_LOG_DEBUG);
		} else {
			pr_err("unknown option '%s'; try 'wqctl --help'\n",
			       argv[i]);
			return WQ_EXIT_USAGE;
		}
	}
	if (i >= argc) {
		/* A short usage, not the whole help (git and ip do the same). */
		fprintf(stderr,
			"usage: wqctl [-v] {show|check|cat|record|config|slow|"
			"audit-isolation} [OPTIONS]\n"
			"  sudo wqctl check                what is missing here\n"
			"  sudo wqctl show -n 1 -i 2 -t 10 one view of 2 s\n"
			"  wqctl show --source daemon      a running wqmond, no root\n"
			"  wqctl cat view.txt              a saved view again\n"
			"wqctl --help for every option; wqctl(8)\n");
		return WQ_EXIT_USAGE;
	}
	cmd = argv[i];
	argc -= i;
	argv += i;

	if (!strcmp(cmd, "check"))
		return wqctl_check(argc, argv);
	if (!strcmp(cmd, "audit-isolation"))
		return wqctl_audit(argc, argv);
	if (!strcmp(cmd, "config"))
		return wqctl_config(argc, argv);
	if (!strcmp(cmd, "record"))
		return wqctl_record(argc, argv);
	if (!strcmp(cmd, "cat"))
		return cmd_cat(argc, argv);
	if (!strcmp(cmd, "slow"))
		return wqctl_slow(argc, argv);
	if (!strcmp(cmd, "show")) {
		struct wq_config cfg = { 0 };
		int ret;

		if (parse_show(argc, argv, &o))
			return WQ_EXIT_USAGE;
		if (show_config(&o, &cfg))
			o.text.config = &cfg;
		wq_prog__signals(false);
		ret = cmd_show(&o);
		wq_config__free(&cfg);
		return ret;
	}
	{
		static const char *const cmds[] = { "show", "check", "cat",
						    "audit-isolation", "record",
						    "config", "slow", NULL };
		const char *near = wq_prog__suggest(cmd, cmds);

		pr_err("unknown command '%s'%s%s%s; commands are show, check, "
		       "cat, record, config, slow and audit-isolation (wqctl --help)\n", cmd, near ? " (did you mean " : "",
		       near ? near : "", near ? "?)" : "");
	}
	return WQ_EXIT_USAGE;
}
