// SPDX-License-Identifier: GPL-2.0
/*
 * refwq-bench: empty-item throughput (queue -> complete) and queue -> start
 * latency at low load, for refwq (unbound and per-CPU queues), GLib's
 * GThreadPool and a minimal mutex+condvar pool with the same thread count.
 * Built twice: with the instrumentation and with it compiled out
 * (refwq-bench-nostats), to measure its cost.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef HAVE_GLIB
#include <glib.h>
#endif

#include <refwq/workqueue.h>

#ifndef WQMON_VERSION
#define WQMON_VERSION "0"
#endif

static struct {
	unsigned int items;
	unsigned int threads;
	unsigned int runs;
	unsigned int samples;
	bool no_cpu_time;
	unsigned int spin_us;
	const char *only;
} o = {.items = 200000, .threads = 2, .runs = 3, .samples = 2000};

static uint64_t process_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* "All done" signalling shared by every implementation. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned long done;
	unsigned long target;
	int finished;
} fin = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0};

static void fin_reset(unsigned long target)
{
	__atomic_store_n(&fin.done, 0, __ATOMIC_RELAXED);
	fin.target = target;
	fin.finished = 0;
}

static void item_done(void)
{
	if (__atomic_add_fetch(&fin.done, 1, __ATOMIC_ACQ_REL) == fin.target) {
		pthread_mutex_lock(&fin.lock);
		fin.finished = 1;
		pthread_cond_signal(&fin.cond);
		pthread_mutex_unlock(&fin.lock);
	}
}

static void fin_wait(void)
{
	pthread_mutex_lock(&fin.lock);
	while (!fin.finished)
		pthread_cond_wait(&fin.cond, &fin.lock);
	pthread_mutex_unlock(&fin.lock);
}

/* Latency samples: queue time set by the producer, start time by the item. */
static uint64_t lat_t0;
static uint64_t *lat;
static unsigned int lat_n;

static void lat_item(void)
{
	lat[lat_n] = now_ns() - lat_t0;
	item_done();
}

struct impl {
	const char *name;
	int (*start)(void);
	void (*queue)(unsigned int i, bool latency);
	void (*stop)(void);
};

/* ---- refwq ---- */
static struct work_struct *rw_items;
static struct work_struct rw_lat;
static struct workqueue_struct *rw_wq;
static bool rw_percpu;

static void rw_fn(struct work_struct *w)
{
	(void)w;
	item_done();
}

static void rw_lat_fn(struct work_struct *w)
{
	(void)w;
	lat_item();
}

static int rw_start_common(bool percpu)
{
	struct refwq_config cfg = {.name = "bench",
				   .nr_cpus = (int)o.threads,
				   .max_workers = o.threads,
				   .no_cpu_time = o.no_cpu_time};
	unsigned int i;

	rw_percpu = percpu;
	if (refwq_init(&cfg))
		return -1;
	rw_wq = percpu ? system_wq
		       : alloc_workqueue("bench", WQ_UNBOUND, (int)o.threads);
	rw_items = calloc(o.items, sizeof(*rw_items));
	if (!rw_wq || !rw_items)
		return -1;
	for (i = 0; i < o.items; i++)
		INIT_WORK(&rw_items[i], rw_fn);
	INIT_WORK(&rw_lat, rw_lat_fn);
	return 0;
}

static int rw_start_unbound(void)
{
	return rw_start_common(false);
}

static int rw_start_percpu(void)
{
	return rw_start_common(true);
}

static void rw_queue(unsigned int i, bool latency)
{
	if (latency)
		queue_work_on(0, rw_wq, &rw_lat);
	else if (rw_percpu)
		queue_work_on((int)(i % o.threads), rw_wq, &rw_items[i]);
	else
		queue_work(rw_wq, &rw_items[i]);
}

static void rw_stop(void)
{
	refwq_exit();
	free(rw_items);
}

/* ---- a minimal mutex + condvar pool ---- */
struct mp_item {
	struct mp_item *next;
	void (*fn)(void);
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct mp_item *head, **tail;
	int stop;
	pthread_t *th;
	struct mp_item *items;
	struct mp_item lat_item;
} mp;

static void *mp_worker(void *unused)
{
	struct mp_item *it;

	(void)unused;
	pthread_mutex_lock(&mp.lock);
	for (;;) {
		while (!mp.head && !mp.stop)
			pthread_cond_wait(&mp.cond, &mp.lock);
		if (!mp.head)
			break;
		it = mp.head;
		mp.head = it->next;
		if (!mp.head)
			mp.tail = &mp.head;
		pthread_mutex_unlock(&mp.lock);
		it->fn();
		pthread_mutex_lock(&mp.lock);
	}
	pthread_mutex_unlock(&mp.lock);
	return NULL;
}

static int mp_start(void)
{
	unsigned int i;

	pthread_mutex_init(&mp.lock, NULL);
	pthread_cond_init(&mp.cond, NULL);
	mp.head = NULL;
	mp.tail = &mp.head;
	mp.stop = 0;
	mp.th = calloc(o.threads, sizeof(*mp.th));
	mp.items = calloc(o.items, sizeof(*mp.items));
	if (!mp.th || !mp.items)
		return -1;
	for (i = 0; i < o.items; i++)
		mp.items[i].fn = item_done;
	mp.lat_item.fn = lat_item;
	for (i = 0; i < o.threads; i++)
		pthread_create(&mp.th[i], NULL, mp_worker, NULL);
	return 0;
}

static void mp_queue(unsigned int i, bool latency)
{
	struct mp_item *it = latency ? &mp.lat_item : &mp.items[i];

	it->next = NULL;
	pthread_mutex_lock(&mp.lock);
	*mp.tail = it;
	mp.tail = &it->next;
	pthread_cond_signal(&mp.cond);
	pthread_mutex_unlock(&mp.lock);
}

static void mp_stop(void)
{
	unsigned int i;

	pthread_mutex_lock(&mp.lock);
	mp.stop = 1;
	pthread_cond_broadcast(&mp.cond);
	pthread_mutex_unlock(&mp.lock);
	for (i = 0; i < o.threads; i++)
		pthread_join(mp.th[i], NULL);
	free(mp.th);
	free(mp.items);
}

#ifdef HAVE_GLIB
/* ---- GLib GThreadPool ---- */
static GThreadPool *gp;

static void gp_fn(gpointer data, gpointer user)
{
	(void)user;
	if (data == (gpointer)&gp)
		lat_item();
	else
		item_done();
}

static int gp_start(void)
{
	gp = g_thread_pool_new(gp_fn, NULL, (gint)o.threads, FALSE, NULL);
	return gp ? 0 : -1;
}

static void gp_queue(unsigned int i, bool latency)
{
	(void)i;
	g_thread_pool_push(gp, latency ? (gpointer)&gp : (gpointer)&o, NULL);
}

static void gp_stop(void)
{
	g_thread_pool_free(gp, FALSE, TRUE);
}
#endif

static const struct impl impls[] = {
	{"refwq-unbound", rw_start_unbound, rw_queue, rw_stop},
	{"refwq-percpu", rw_start_percpu, rw_queue, rw_stop},
#ifdef HAVE_GLIB
	{"gthreadpool", gp_start, gp_queue, gp_stop},
#endif
	{"mutex-pool", mp_start, mp_queue, mp_stop},
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void run(const struct impl *im)
{
	double rates[16], rate, cpu_per_item;
	uint64_t cpu0;
	unsigned int r, i;
	struct timespec gap = {0, 100000};
	uint64_t t0;

	if (im->start()) {
		fprintf(stderr, "refwq-bench: %s: start failed\n", im->name);
		exit(2);
	}
	cpu0 = process_cpu_ns();
	for (r = 0; r < o.runs && r < 16; r++) {
		fin_reset(o.items);
		t0 = now_ns();
		for (i = 0; i < o.items; i++)
			im->queue(i, false);
		fin_wait();
		rates[r] = o.items / ((now_ns() - t0) / 1e9);
	}
	cpu_per_item = (double)(process_cpu_ns() - cpu0) /
		       ((double)o.items * (o.runs < 16 ? o.runs : 16));
	for (r = 1; r < o.runs && r < 16; r++)
		for (i = r; i > 0 && rates[i] < rates[i - 1]; i--) {
			rate = rates[i];
			rates[i] = rates[i - 1];
			rates[i - 1] = rate;
		}
	rate = rates[(o.runs < 16 ? o.runs : 16) / 2];

	lat = calloc(o.samples, sizeof(*lat));
	for (lat_n = 0; lat_n < o.samples; lat_n++) {
		fin_reset(1);
		nanosleep(&gap, NULL);
		lat_t0 = now_ns();
		im->queue(0, true);
		fin_wait();
	}
	qsort(lat, o.samples, sizeof(*lat), cmp_u64);
	printf("%-14s %7u %13.0f %13.0f %12.1f %12.1f\n", im->name, o.threads,
	       rate, cpu_per_item, lat[o.samples / 2] / 1e3,
	       lat[o.samples * 99 / 100] / 1e3);
	fflush(stdout);
	free(lat);
	im->stop();
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: refwq-bench [options]\n"
		"Empty-item throughput and queue->start latency of refwq,\n"
		"GLib's GThreadPool and a mutex+condvar pool.\n\n"
		"  -n, --items=N        items per throughput run (default "
		"200000)\n"
		"  -t, --threads=N      worker threads / virtual CPUs (default "
		"2)\n"
		"  -r, --runs=N         throughput runs, the median is shown "
		"(3)\n"
		"  -s, --samples=N      latency samples (default 2000)\n"
		"  -C, --no-cpu-time    refwq without per-item thread CPU "
		"clocks\n"
		"  -o, --only=NAME      one implementation: refwq-unbound,\n"
		"                       refwq-percpu, gthreadpool, mutex-pool\n"
		"  -h, --help           this help\n"
		"  -V, --version        version\n\n"
		"Example:\n"
		"  refwq-bench -t 2 -n 100000\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"items", required_argument, NULL, 'n'},
		{"threads", required_argument, NULL, 't'},
		{"runs", required_argument, NULL, 'r'},
		{"samples", required_argument, NULL, 's'},
		{"no-cpu-time", no_argument, NULL, 'C'},
		{"only", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "n:t:r:s:CS:o:hV", lo, NULL)) !=
	       -1) {
		switch (c) {
		case 'n':
			o.items = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 't':
			o.threads = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'r':
			o.runs = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 's':
			o.samples = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'C':
			o.no_cpu_time = true;
			break;
		case 'S':
			o.spin_us = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'o':
			o.only = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("refwq-bench %s\n", WQMON_VERSION);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (!o.items || !o.threads || !o.runs || !o.samples) {
		usage(stderr);
		return 1;
	}
	printf("%-14s %7s %13s %13s %12s %12s\n", "impl", "threads", "items/s",
	       "cpu_ns/item", "lat_p50_us", "lat_p99_us");
	for (i = 0; i < sizeof(impls) / sizeof(impls[0]); i++)
		if (!o.only || !strcmp(o.only, impls[i].name))
			run(&impls[i]);
	return 0;
}
