// SPDX-License-Identifier: GPL-2.0
/* Reader of refwq's shared-memory export (see refwq_reader.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "model.h"
#include "refwq_reader.h"

#define READ_TRIES 1000


static int read_consistent(const struct refwq_shm_header *h, size_t size,
			   struct refwq_shm_header *copy)
{
	uint64_t s1, s2;
	size_t used;
	int tries;

	for (tries = 0; tries < READ_TRIES; tries++) {
		s1 = __atomic_load_n(&h->seq, __ATOMIC_ACQUIRE);
		if (s1 & 1) {
			sched_yield();
			continue;
		}
		/* The header, then only the rows in use. */
		memcpy(copy, h, sizeof(*h));
		used = (size_t)h->header_size +
		       (size_t)h->max_pools * h->pool_size +
		       (size_t)copy->nr_series * h->series_size;
		if (copy->nr_series <= h->max_series && used <= size)
			memcpy((char *)copy + sizeof(*h),
			       (const char *)h + sizeof(*h), used - sizeof(*h));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&h->seq, __ATOMIC_RELAXED);
		if (s1 == s2)
			return 0;
	}
	return -EAGAIN;
}

static int to_snapshot(struct refwq_shm_header *h, struct wq_snapshot *s)
{
	struct utsname u;
	uint32_t i;
	int k;

	wq_snapshot__reset(s);
	snprintf(s->source, sizeof(s->source), "refwq:%.32s", h->name);
	/* Same machine, same kernel. */
	if (!uname(&u)) {
		strncpy(s->kernel, u.release, sizeof(s->kernel) - 1);
		s->kernel[sizeof(s->kernel) - 1] = '\0';
	}
	s->mono_ns = h->mono_ns;
	s->real_ns = h->real_ns;
	s->counters[WQ_C_SERIES_DROPPED] = h->series_dropped;
	for (i = 0; i < h->nr_pools; i++) {
		const struct refwq_shm_pool *p =
			(void *)((char *)refwq_shm_pools_of(h) +
				 (size_t)i * h->pool_size);
		struct wq_pool *wp = wq_snapshot__add_pool(s);

		if (!wp)
			return -ENOMEM;
		wp->id = p->id;
		wp->cpu = p->cpu;
		wp->nice = p->nice;
		wp->flags = p->flags;
		wp->workers = p->workers;
		wp->idle = p->idle;
		wp->running = p->running;
		wp->pending = p->pending;
		wp->oldest_pending_ns = p->oldest_pending_ns;
		wp->cpu_ns = p->cpu_ns;
	}
	for (i = 0; i < h->nr_series; i++) {
		const struct refwq_shm_series *r =
			(void *)((char *)refwq_shm_series_of(h) +
				 (size_t)i * h->series_size);
		struct wq_series *ws = wq_snapshot__add_series(s);

		if (!ws)
			return -ENOMEM;
		ws->pool_id = r->pool_id;
		memcpy(ws->workqueue, r->workqueue, sizeof(ws->workqueue));
		ws->workqueue[sizeof(ws->workqueue) - 1] = '\0';
		memcpy(ws->function, r->function, sizeof(ws->function));
		ws->function[sizeof(ws->function) - 1] = '\0';
		ws->func_addr = r->func_addr;
		ws->queued = r->queued;
		ws->activated = r->activated;
		ws->started = r->started;
		ws->completed = r->completed;
		ws->cancelled = r->cancelled;
		for (k = 0; k < WQ_H_NR; k++) {
			ws->sum_ns[k] = r->sum_ns[k];
			ws->max_ns[k] = r->max_ns[k];
			memcpy(ws->hist[k].slot, r->hist[k],
			       sizeof(ws->hist[k].slot));
		}
	}
	return 0;
}

int refwq_shm_read(const char *name, struct wq_snapshot *s)
{
	struct refwq_shm_header *h, *copy;
	char path[PATH_MAX];
	struct stat st;
	size_t size;
	int fd, ret;

	if (name[0] == '/')
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), REFWQ_SHM_DIR "/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	size = (size_t)st.st_size;
	if (size < sizeof(*h)) {
		close(fd);
		return -EPROTO;
	}
	h = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	ret = h == MAP_FAILED ? -errno : 0;
	close(fd);
	if (ret)
		return ret;
	if (memcmp(h->magic, REFWQ_SHM_MAGIC, sizeof(h->magic)) ||
	    h->version != REFWQ_SHM_VERSION || h->header_size < sizeof(*h) ||
	    h->pool_size < sizeof(struct refwq_shm_pool) ||
	    h->series_size < sizeof(struct refwq_shm_series) ||
	    (uint64_t)h->header_size + (uint64_t)h->max_pools * h->pool_size +
			    (uint64_t)h->max_series * h->series_size >
		    size) {
		munmap(h, size);
		return -EPROTO;
	}
	if (kill(h->pid, 0) && errno == ESRCH) {
		munmap(h, size);
		return -ESRCH;
	}
	copy = malloc(size);
	if (!copy) {
		munmap(h, size);
		return -ENOMEM;
	}
	ret = read_consistent(h, size, copy);
	munmap(h, size);
	if (!ret && (copy->nr_pools > copy->max_pools ||
		     copy->nr_series > copy->max_series))
		ret = -EPROTO;
	if (!ret)
		ret = to_snapshot(copy, s);
	free(copy);
	return ret;
}

int refwq_shm_discover(int (*fn)(const char *name, void *ctx), void *ctx)
{
	struct dirent *de;
	DIR *d = opendir(REFWQ_SHM_DIR);
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, REFWQ_SHM_PREFIX,
			    strlen(REFWQ_SHM_PREFIX)))
			continue;
		n++;
		if (fn && fn(de->d_name, ctx))
			break;
	}
	closedir(d);
	return n;
}
