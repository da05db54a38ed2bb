// SPDX-License-Identifier: GPL-2.0
/* Shared-memory live export of a refwq instance (see refwq_shm.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <refwq/refwq.h>

#include "model.h"
#include "refwq_export.h"
#include "refwq_shm.h"


static struct {
	pthread_mutex_t lock; /* publications and start/stop */
	pthread_cond_t cond; /* stop */
	pthread_t thread;
	bool running;
	bool stop;
	char name[NAME_MAX];
	struct refwq_shm_header *h; /* the mapping */
	size_t size;
	struct wq_snapshot *snap; /* scratch, under lock */
	unsigned int period_ms;
} pub = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

struct pool_extra {
	struct refwq_shm_pool *rows;
	uint32_t n, max;
};

static int pool_extra_cb(const struct refwq_pool_info *pi, void *ctx)
{
	struct pool_extra *e = ctx;
	struct refwq_shm_pool *p;

	if (e->n >= e->max)
		return 1;
	p = &e->rows[e->n++];
	p->nr_running = pi->nr_running;
	p->cm_wakeups = pi->cm_wakeups;
	p->cpu_intensive = pi->cpu_intensive;
	p->workers_created = pi->workers_created;
	p->create_failed = pi->create_failed;
	p->maydays = pi->maydays;
	p->rescued = pi->rescued;
	p->stalls = pi->stalls;
	p->stalled = pi->stalled;
	p->id = pi->id;
	return 0;
}

/* Copy @s (and the refwq-only pool counters) into the segment under the
 * seqlock.  Called with pub.lock held. */
static void publish_locked(const struct wq_snapshot *s,
			   struct refwq_shm_pool *extra, uint32_t nr_extra)
{
	struct refwq_shm_header *h = pub.h;
	struct refwq_shm_pool *pools = refwq_shm_pools_of(h);
	struct refwq_shm_series *series = refwq_shm_series_of(h);
	uint64_t seq = h->seq;
	uint32_t i, np, ns;
	int k;

	np = s->nr_pools < h->max_pools ? (uint32_t)s->nr_pools : h->max_pools;
	ns = s->nr_series < h->max_series ? (uint32_t)s->nr_series
					  : h->max_series;
	__atomic_store_n(&h->seq, seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);

	h->mono_ns = s->mono_ns;
	h->real_ns = s->real_ns;
	h->publications++;
	h->nr_pools = np;
	h->nr_series = ns;
	h->series_dropped = s->nr_series - ns;
	for (i = 0; i < np; i++) {
		const struct wq_pool *wp = &s->pools[i];
		struct refwq_shm_pool *p = &pools[i];
		uint32_t j;

		memset(p, 0, sizeof(*p));
		for (j = 0; j < nr_extra; j++)
			if (extra[j].id == wp->id)
				*p = extra[j];
		p->id = wp->id;
		p->cpu = wp->cpu;
		p->nice = wp->nice;
		p->flags = wp->flags;
		p->workers = wp->workers;
		p->idle = wp->idle;
		p->running = wp->running;
		p->pending = wp->pending;
		p->oldest_pending_ns = wp->oldest_pending_ns;
		p->cpu_ns = wp->cpu_ns;
	}
	for (i = 0; i < ns; i++) {
		const struct wq_series *ws = &s->series[i];
		struct refwq_shm_series *r = &series[i];

		r->pool_id = ws->pool_id;
		r->pad = 0;
		memcpy(r->workqueue, ws->workqueue, sizeof(r->workqueue));
		memcpy(r->function, ws->function, sizeof(r->function));
		r->func_addr = ws->func_addr;
		r->queued = ws->queued;
		r->activated = ws->activated;
		r->started = ws->started;
		r->completed = ws->completed;
		r->cancelled = ws->cancelled;
		for (k = 0; k < WQ_H_NR; k++) {
			r->sum_ns[k] = ws->sum_ns[k];
			r->max_ns[k] = ws->max_ns[k];
			memcpy(r->hist[k], ws->hist[k].slot,
			       sizeof(r->hist[k]));
		}
	}

	__atomic_store_n(&h->seq, seq + 2, __ATOMIC_RELEASE);
}

int refwq_shm_publish(void)
{
	struct refwq_shm_pool extra[256];
	struct pool_extra e = {.rows = extra, .max = 256};
	int ret;

	pthread_mutex_lock(&pub.lock);
	if (!pub.h) {
		pthread_mutex_unlock(&pub.lock);
		return -ENODEV;
	}
	memset(extra, 0, sizeof(extra));
	ret = refwq_export_snapshot(pub.snap);
	if (!ret) {
		refwq_for_each_pool(pool_extra_cb, &e);
		publish_locked(pub.snap, extra, e.n);
	}
	pthread_mutex_unlock(&pub.lock);
	return ret;
}

static void *publisher(void *unused)
{
	struct timespec ts;

	(void)unused;
	pthread_setname_np(pthread_self(), "rwq/shm");
	for (;;) {
		refwq_shm_publish();
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += pub.period_ms / 1000;
		ts.tv_nsec += (long)(pub.period_ms % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&pub.lock);
		while (!pub.stop && pthread_cond_timedwait(&pub.cond, &pub.lock,
							   &ts) != ETIMEDOUT)
			;
		if (pub.stop) {
			pthread_mutex_unlock(&pub.lock);
			return NULL;
		}
		pthread_mutex_unlock(&pub.lock);
	}
}

int refwq_shm_start(unsigned int period_ms, unsigned int max_series)
{
	struct refwq_shm_header *h;
	pthread_condattr_t ca;
	uint32_t max_pools = 256;
	char path[NAME_MAX + 2];
	size_t size;
	int fd, ret;

	if (!refwq_nr_cpus())
		return -ENODEV;
	pthread_mutex_lock(&pub.lock);
	if (pub.running) {
		pthread_mutex_unlock(&pub.lock);
		return -EALREADY;
	}
	pub.period_ms = period_ms ? period_ms : 1000;
	if (!max_series)
		max_series = 1024;
	/* More would be refused by every reader. */
	if (max_series > REFWQ_SHM_MAX_SERIES)
		max_series = REFWQ_SHM_MAX_SERIES;
	snprintf(pub.name, sizeof(pub.name), REFWQ_SHM_PREFIX "%d.%s",
		 (int)getpid(), refwq_instance_name());
	snprintf(path, sizeof(path), "/%s", pub.name);
	size = refwq_shm_size(max_pools, max_series);
	shm_unlink(path);
	fd = shm_open(path, O_CREAT | O_EXCL | O_RDWR, 0644);
	if (fd < 0) {
		ret = -errno;
		goto err_unlock;
	}
	if (ftruncate(fd, (off_t)size)) {
		ret = -errno;
		goto err_close;
	}
	h = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (h == MAP_FAILED) {
		ret = -errno;
		goto err_close;
	}
	close(fd);
	memcpy(h->magic, REFWQ_SHM_MAGIC, sizeof(h->magic));
	h->version = REFWQ_SHM_VERSION;
	h->header_size = sizeof(*h);
	h->pool_size = sizeof(struct refwq_shm_pool);
	h->series_size = sizeof(struct refwq_shm_series);
	h->max_pools = max_pools;
	h->max_series = max_series;
	h->pid = (int32_t)getpid();
	h->period_ms = pub.period_ms;
	snprintf(h->name, sizeof(h->name), "%s", refwq_instance_name());
	pub.h = h;
	pub.size = size;
	pub.snap = wq_snapshot__new("refwq");
	if (!pub.snap) {
		ret = -ENOMEM;
		goto err_unmap;
	}
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_destroy(&pub.cond);
	pthread_cond_init(&pub.cond, &ca);
	pthread_condattr_destroy(&ca);
	pub.stop = false;
	ret = -pthread_create(&pub.thread, NULL, publisher, NULL);
	if (ret)
		goto err_snap;
	pub.running = true;
	pthread_mutex_unlock(&pub.lock);
	return 0;

err_snap:
	wq_snapshot__free(pub.snap);
	pub.snap = NULL;
err_unmap:
	munmap(h, size);
	pub.h = NULL;
	shm_unlink(path);
	goto err_unlock;
err_close:
	close(fd);
	shm_unlink(path);
err_unlock:
	pub.name[0] = '\0';
	pthread_mutex_unlock(&pub.lock);
	return ret;
}

void refwq_shm_stop(void)
{
	char path[NAME_MAX + 2];

	pthread_mutex_lock(&pub.lock);
	if (!pub.running) {
		pthread_mutex_unlock(&pub.lock);
		return;
	}
	pub.stop = true;
	pthread_cond_broadcast(&pub.cond);
	pthread_mutex_unlock(&pub.lock);
	pthread_join(pub.thread, NULL);

	pthread_mutex_lock(&pub.lock);
	snprintf(path, sizeof(path), "/%s", pub.name);
	shm_unlink(path);
	munmap(pub.h, pub.size);
	pub.h = NULL;
	wq_snapshot__free(pub.snap);
	pub.snap = NULL;
	pub.name[0] = '\0';
	pub.running = false;
	pthread_mutex_unlock(&pub.lock);
}

const char *refwq_shm_name(void)
{
	return pub.name;
}
