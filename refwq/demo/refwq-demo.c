// SPDX-License-Identifier: GPL-2.0
/*
 * refwq-demo: a configurable work mix on refwq, so that wqmon has something
 * to show on any machine, without root: bursts of fast items, slow items,
 * a CPU hog, periodic delayed work (Linux and NuttX style) and an item that
 * now and then blocks its ordered queue long enough to trip the watchdog.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <refwq/workqueue.h>
#include <refwq/wqueue.h>

#ifndef WQMON_VERSION
#define WQMON_VERSION "0"
#endif

#define NR_FAST 256
#define NR_SLOW 16

static struct opts {
	double seconds; /* 0: until a signal */
	unsigned int fast_rate; /* fast items per second */
	unsigned int burst; /* fast items queued together */
	unsigned int slow_rate; /* slow items per second */
	unsigned int slow_ms;
	unsigned int hog_every_ms; /* 0: no hog */
	unsigned int hog_ms;
	unsigned int period_ms; /* periodic delayed work; 0: none */
	unsigned int block_every_ms; /* 0: no blocking item */
	unsigned int block_ms;
	unsigned int watchdog_ms;
	int cpus;
	unsigned int stats_every_ms; /* print a summary; 0: only at exit */
	const char *name;
	int quiet;
} o = {
	.seconds = 10,
	.fast_rate = 2000,
	.burst = 20,
	.slow_rate = 20,
	.slow_ms = 30,
	.hog_every_ms = 3000,
	.hog_ms = 50,
	.period_ms = 100,
	.block_every_ms = 5000,
	.block_ms = 1500,
	.watchdog_ms = 1000,
	.stats_every_ms = 0,
	.name = "demo",
};

static volatile sig_atomic_t stop;

static struct workqueue_struct *fast_wq, *slow_wq, *ordered_wq;
static struct work_struct fast[NR_FAST], slow[NR_SLOW], hog, blocker, tail;
static struct work_struct ordered_item;
static struct delayed_work periodic;
static struct work_s nx_periodic;
static struct completion never;
static unsigned long coalesced;
static unsigned long nx_runs;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Handlers are not static so wqmon can name them (dladdr). */
void demo_fast(struct work_struct *work);
void demo_slow(struct work_struct *work);
void demo_hog(struct work_struct *work);
void demo_periodic(struct work_struct *work);
void demo_blocker(struct work_struct *work);
void demo_tail(struct work_struct *work);
void demo_ordered(struct work_struct *work);
void demo_nx_periodic(void *arg);

void demo_fast(struct work_struct *work)
{
	volatile unsigned int x = 0, i;

	(void)work;
	for (i = 0; i < 2000; i++)
		x += i;
}

void demo_slow(struct work_struct *work)
{
	(void)work;
	msleep(o.slow_ms / 2 + (unsigned int)rand() % (o.slow_ms + 1));
}

void demo_hog(struct work_struct *work)
{
	uint64_t end = now_ns() + o.hog_ms * 1000000ull;

	(void)work;
	while (now_ns() < end)
		;
}

void demo_periodic(struct work_struct *work)
{
	(void)work;
	if (!stop)
		queue_delayed_work(system_long_wq, &periodic,
				   msecs_to_jiffies(o.period_ms));
}

void demo_nx_periodic(void *arg)
{
	(void)arg;
	nx_runs++;
	if (!stop)
		work_queue_next(LPWORK, &nx_periodic, demo_nx_periodic, NULL,
				MSEC2TICK(o.period_ms));
}

void demo_blocker(struct work_struct *work)
{
	struct timespec ts = {(time_t)(o.block_ms / 1000),
			      (long)(o.block_ms % 1000) * 1000000L};

	(void)work;
	/* A blocking call refwq is not told about (no msleep(), no
	 * refwq_block_begin()): the pool cannot start its next item, and
	 * the watchdog reports the stall. */
	nanosleep(&ts, NULL);
}

void demo_tail(struct work_struct *work)
{
	(void)work;
}

void demo_ordered(struct work_struct *work)
{
	(void)work;
	/* Waits for something that never comes, then gives up: refwq knows
	 * this one blocks. */
	wait_for_completion_timeout(&never, msecs_to_jiffies(o.slow_ms));
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: refwq-demo [options]\n"
		"Run a work mix on refwq (the reference workqueue) for wqmon "
		"to watch.\n\n"
		"  -t, --seconds=S       run S seconds; 0: until "
		"SIGINT/SIGTERM (default 10)\n"
		"  -f, --fast-rate=N     fast items per second (default 2000)\n"
		"  -b, --burst=N         fast items queued back to back "
		"(default 20)\n"
		"  -s, --slow-rate=N     slow items per second (default 20)\n"
		"      --slow-ms=MS      slow item duration, about (default "
		"30)\n"
		"      --hog-every=MS    a CPU-hogging item every MS; 0: none "
		"(default 3000)\n"
		"      --hog-ms=MS       how long it spins (default 50)\n"
		"  -p, --period=MS       periodic delayed work period; 0: none "
		"(default 100)\n"
		"      --block-every=MS  an item blocking CPU 0 unseen; "
		"0: none (default 5000)\n"
		"      --block-ms=MS     how long it blocks (default 1500)\n"
		"  -w, --watchdog=MS     stall threshold (default 1000)\n"
		"  -c, --cpus=N          virtual CPUs (default: the "
		"machine's)\n"
		"  -n, --name=NAME       instance name: wqmon shows refwq:NAME "
		"(default demo)\n"
		"  -i, --stats=MS        print a summary every MS (default: at "
		"exit)\n"
		"  -q, --quiet           no summary\n"
		"  -h, --help            this help\n"
		"  -V, --version         version\n\n"
		"Examples:\n"
		"  refwq-demo                      10 s of the default mix\n"
		"  refwq-demo -t 0 -n screenshot   run until Ctrl-C\n"
		"  refwq-demo -f 20000 -b 200 --hog-every=0 -t 5   a "
		"throughput burst\n\n"
		"Exit status: 0 on success, 1 on a usage error, 2 if refwq "
		"fails to start.\n");
}

static unsigned int uarg(const char *s, const char *what)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v > 100000000ul) {
		fprintf(stderr, "refwq-demo: bad %s: %s\n", what, s);
		exit(1);
	}
	return (unsigned int)v;
}

static void parse(int argc, char **argv)
{
	enum {
		O_SLOW_MS = 256,
		O_HOG_EVERY,
		O_HOG_MS,
		O_BLOCK_EVERY,
		O_BLOCK_MS
	};
	static const struct option lo[] = {
		{"seconds", required_argument, NULL, 't'},
		{"fast-rate", required_argument, NULL, 'f'},
		{"burst", required_argument, NULL, 'b'},
		{"slow-rate", required_argument, NULL, 's'},
		{"slow-ms", required_argument, NULL, O_SLOW_MS},
		{"hog-every", required_argument, NULL, O_HOG_EVERY},
		{"hog-ms", required_argument, NULL, O_HOG_MS},
		{"period", required_argument, NULL, 'p'},
		{"block-every", required_argument, NULL, O_BLOCK_EVERY},
		{"block-ms", required_argument, NULL, O_BLOCK_MS},
		{"watchdog", required_argument, NULL, 'w'},
		{"cpus", required_argument, NULL, 'c'},
		{"name", required_argument, NULL, 'n'},
		{"stats", required_argument, NULL, 'i'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "t:f:b:s:p:w:c:n:i:qhV", lo,
				NULL)) != -1) {
		switch (c) {
		case 't':
			o.seconds = uarg(optarg, "seconds");
			break;
		case 'f':
			o.fast_rate = uarg(optarg, "fast rate");
			break;
		case 'b':
			o.burst = uarg(optarg, "burst");
			break;
		case 's':
			o.slow_rate = uarg(optarg, "slow rate");
			break;
		case O_SLOW_MS:
			o.slow_ms = uarg(optarg, "slow-ms");
			break;
		case O_HOG_EVERY:
			o.hog_every_ms = uarg(optarg, "hog-every");
			break;
		case O_HOG_MS:
			o.hog_ms = uarg(optarg, "hog-ms");
			break;
		case 'p':
			o.period_ms = uarg(optarg, "period");
			break;
		case O_BLOCK_EVERY:
			o.block_every_ms = uarg(optarg, "block-every");
			break;
		case O_BLOCK_MS:
			o.block_ms = uarg(optarg, "block-ms");
			break;
		case 'w':
			o.watchdog_ms = uarg(optarg, "watchdog");
			break;
		case 'c':
			o.cpus = (int)uarg(optarg, "cpus");
			break;
		case 'n':
			o.name = optarg;
			break;
		case 'i':
			o.stats_every_ms = uarg(optarg, "stats");
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("refwq-demo %s\n", WQMON_VERSION);
			exit(0);
		default:
			usage(stderr);
			exit(1);
		}
	}
	if (optind < argc) {
		usage(stderr);
		exit(1);
	}
	if (!o.burst)
		o.burst = 1;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct totals {
	uint64_t queued, completed, cancelled;
};

static int add_series(const struct refwq_series_info *si, void *ctx)
{
	struct totals *t = ctx;

	t->queued += si->queued;
	t->completed += si->completed;
	t->cancelled += si->cancelled;
	return 0;
}

static int add_pool(const struct refwq_pool_info *pi, void *ctx)
{
	uint64_t *v = ctx;

	v[0] += (uint64_t)pi->workers;
	v[1] += pi->stalls;
	v[2] += pi->cpu_intensive;
	v[3] += pi->cm_wakeups;
	return 0;
}

static void summary(double elapsed)
{
	struct totals t = {0};
	uint64_t p[4] = {0};

	refwq_for_each_series(add_series, &t);
	refwq_for_each_pool(add_pool, p);
	printf("refwq:%s %.1fs: queued %llu completed %llu cancelled %llu "
	       "(coalesced %lu) workers %llu stalls %llu hogs %llu "
	       "cm-wakeups %llu nuttx-periodic %lu\n",
	       o.name, elapsed, (unsigned long long)t.queued,
	       (unsigned long long)t.completed, (unsigned long long)t.cancelled,
	       coalesced, (unsigned long long)p[0], (unsigned long long)p[1],
	       (unsigned long long)p[2], (unsigned long long)p[3], nx_runs);
	fflush(stdout);
}

/* Queue what is due since the last tick; @acc carries fractions. */
static void due(double *acc, double per_tick, void (*fn)(void))
{
	*acc += per_tick;
	while (*acc >= 1.0) {
		fn();
		*acc -= 1.0;
	}
}

static unsigned int fast_next, slow_next;

static void queue_fast_burst(void)
{
	unsigned int i;

	for (i = 0; i < o.burst; i++) {
		if (!queue_work(fast_wq, &fast[fast_next]))
			coalesced++;
		fast_next = (fast_next + 1) % NR_FAST;
	}
}

static void queue_slow(void)
{
	if (!queue_work(slow_wq, &slow[slow_next]))
		coalesced++;
	slow_next = (slow_next + 1) % NR_SLOW;
}

int main(int argc, char **argv)
{
	struct refwq_config cfg = {0};
	const uint64_t tick = 10000000ull;
	double fast_acc = 0, slow_acc = 0;
	uint64_t start, next, last_hog, last_block, last_stats;
	unsigned int i;

	parse(argc, argv);
	cfg.name = o.name;
	cfg.nr_cpus = o.cpus;
	cfg.watchdog_thresh_ms = o.watchdog_ms;
	if (refwq_init(&cfg)) {
		fprintf(stderr, "refwq-demo: refwq_init failed\n");
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fast_wq = alloc_workqueue("demo_fast", 0, 0);
	slow_wq = alloc_workqueue("demo_slow", 0, 4);
	ordered_wq = alloc_ordered_workqueue("demo_ordered", WQ_MEM_RECLAIM);
	if (!fast_wq || !slow_wq || !ordered_wq) {
		fprintf(stderr, "refwq-demo: cannot create workqueues\n");
		refwq_exit();
		return 2;
	}
	for (i = 0; i < NR_FAST; i++)
		INIT_WORK(&fast[i], demo_fast);
	for (i = 0; i < NR_SLOW; i++)
		INIT_WORK(&slow[i], demo_slow);
	INIT_WORK(&hog, demo_hog);
	INIT_WORK(&blocker, demo_blocker);
	INIT_WORK(&tail, demo_tail);
	INIT_WORK(&ordered_item, demo_ordered);
	INIT_DELAYED_WORK(&periodic, demo_periodic);
	init_completion(&never);
	if (o.period_ms) {
		queue_delayed_work(system_long_wq, &periodic, 0);
		work_queue(LPWORK, &nx_periodic, demo_nx_periodic, NULL, 0);
	}

	start = now_ns();
	next = start;
	last_hog = last_block = last_stats = start;
	while (!stop &&
	       (!o.seconds || now_ns() - start < (uint64_t)(o.seconds * 1e9))) {
		uint64_t now;
		struct timespec ts;

		due(&fast_acc, (double)o.fast_rate * tick / 1e9 / o.burst,
		    queue_fast_burst);
		due(&slow_acc, (double)o.slow_rate * tick / 1e9, queue_slow);
		now = now_ns();
		if (o.hog_every_ms &&
		    now - last_hog >= o.hog_every_ms * 1000000ull) {
			queue_work_on(0, system_wq, &hog);
			last_hog = now;
		}
		if (o.block_every_ms &&
		    now - last_block >= o.block_every_ms * 1000000ull) {
			queue_work_on(0, fast_wq, &blocker);
			queue_work_on(0, fast_wq, &tail);
			queue_work(ordered_wq, &ordered_item);
			last_block = now;
		}
		if (!o.quiet && o.stats_every_ms &&
		    now - last_stats >= o.stats_every_ms * 1000000ull) {
			summary((double)(now - start) / 1e9);
			last_stats = now;
		}
		next += tick;
		if (next > now) {
			ts.tv_sec = (time_t)((next - now) / 1000000000ull);
			ts.tv_nsec = (long)((next - now) % 1000000000ull);
			nanosleep(&ts, NULL);
		}
	}
	stop = 1;
	cancel_delayed_work_sync(&periodic);
	work_cancel_sync(LPWORK, &nx_periodic);
	complete_all(&never);
	flush_workqueue(fast_wq);
	flush_workqueue(slow_wq);
	flush_workqueue(ordered_wq);
	flush_workqueue(system_wq);
	if (!o.quiet)
		summary((double)(now_ns() - start) / 1e9);
	refwq_exit();
	return 0;
}
