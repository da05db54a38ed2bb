/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The shared-memory segment a refwq instance publishes (refwq/export/), and
 * its reader, which wqmond and refwq-cat use.  Only the model is needed to
 * read it: the refwq core is not linked into the daemon.
 *
 * Live export of a refwq instance to wqmond through shared memory.
 *
 * The instance publishes into a POSIX shared memory segment named
 * "/refwq.<pid>.<name>" (a file under /dev/shm), which the daemon finds by
 * name (refwq_shm_discover()) and reads without any cooperation from the
 * process: a seqlock guards each publication, so readers retry rather than
 * block the writer, and the instrumented process pays only for one walk of
 * its statistics per period, off its work paths.
 *
 * Segment layout (version 1, native byte order and alignment):
 *   struct refwq_shm_header      at 0
 *   struct refwq_shm_pool[]      at header_size, max_pools records of pool_size
 *   struct refwq_shm_series[]    next, max_series records of series_size
 * Record sizes are in the header so readers can skip fields added later.
 */
#ifndef WQMON_REFWQ_READER_H
#define WQMON_REFWQ_READER_H

#include <stdint.h>

#include "model.h"

#define REFWQ_SHM_MAGIC "REFWQSHM"
#define REFWQ_SHM_VERSION 1
#define REFWQ_SHM_PREFIX "refwq."
#define REFWQ_SHM_DIR "/dev/shm"

struct refwq_shm_header {
	char magic[8];
	uint32_t version;
	uint32_t header_size;
	uint32_t pool_size;
	uint32_t series_size;
	uint32_t max_pools;
	uint32_t max_series;
	uint64_t seq; /* seqlock: odd while the writer is inside */
	/* Everything below, and the records, are read under seq. */
	int32_t pid;
	uint32_t period_ms;
	char name[32];
	uint64_t mono_ns; /* CLOCK_MONOTONIC of this publication */
	uint64_t real_ns;
	uint64_t publications;
	uint32_t nr_pools;
	uint32_t nr_series;
	uint64_t series_dropped; /* series that did not fit */
	uint64_t reserved[4];
};

struct refwq_shm_pool {
	int32_t id;
	int32_t cpu;
	int32_t nice;
	uint32_t flags; /* WQ_POOL_* of lib/core/model.h */
	int32_t workers;
	int32_t idle;
	int32_t running;
	int32_t nr_running;
	uint64_t pending;
	uint64_t oldest_pending_ns;
	uint64_t cpu_ns;
	uint64_t cm_wakeups;
	uint64_t cpu_intensive;
	uint64_t workers_created;
	uint64_t create_failed;
	uint64_t maydays;
	uint64_t rescued;
	uint64_t stalls;
	uint32_t stalled;
	uint32_t pad;
};

struct refwq_shm_series {
	int32_t pool_id;
	uint32_t pad;
	char workqueue[32];
	char function[64];
	uint64_t func_addr;
	uint64_t queued;
	uint64_t activated;
	uint64_t started;
	uint64_t completed;
	uint64_t cancelled;
	uint64_t sum_ns[WQ_H_NR];
	uint64_t max_ns[WQ_H_NR];
	uint64_t hist[WQ_H_NR][WQ_HIST_SLOTS];
};

/* Where the records start: the sizes in the header, not ours, so a reader
 * skips fields that a newer writer added. */
static inline void *refwq_shm_pools_of(struct refwq_shm_header *h)
{
	return (char *)h + h->header_size;
}

static inline void *refwq_shm_series_of(struct refwq_shm_header *h)
{
	return (char *)refwq_shm_pools_of(h) +
	       (size_t)h->max_pools * h->pool_size;
}

static inline size_t refwq_shm_size(uint32_t max_pools, uint32_t max_series)
{
	return sizeof(struct refwq_shm_header) +
	       (size_t)max_pools * sizeof(struct refwq_shm_pool) +
	       (size_t)max_series * sizeof(struct refwq_shm_series);
}

/*
 * What a reader accepts, whoever wrote the file: a segment larger is refused
 * (-EFBIG), so a hostile one cannot make a reader allocate without bound.
 */
#define REFWQ_SHM_MAX_POOLS	1024
#define REFWQ_SHM_MAX_SERIES	4096
#define REFWQ_SHM_MAX_BYTES	(8u << 20)	/* read per publication */
#define REFWQ_SHM_LIMITS_STR	"1024 pools, 4096 series, 8 MiB"

/* Who published a segment (refwq_shm_open()). */
struct refwq_shm_info {
	int pid;
	unsigned int uid;	/* the file's owner */
	char name[32];		/* instance name */
};

/*
 * Reader side (the daemon).  Open segment @name (a file name under
 * REFWQ_SHM_DIR, or a path whose last component is such a name) and check
 * it without reading its records: a regular file (no symlink, no FIFO),
 * within the limits above, named "refwq.<pid>.<instance>" after the pid and
 * instance its header gives, by a live process its owner owns (or owned by
 * root).  Return: an fd (close it), filling @info if not NULL, or -errno
 * (refwq_shm_strerror() says why).
 */
int refwq_shm_open(const char *name, struct refwq_shm_info *info);
/*
 * Read segment @name into @s (source "refwq:<instance>"), from a private
 * copy taken with pread() between two equal seqlock values and checked
 * whole before it is walked.  Return: 0, -ESRCH when its process is gone
 * (the segment is stale), -EAGAIN when no consistent copy could be taken,
 * or another -errno of refwq_shm_open().
 */
int refwq_shm_read(const char *name, struct wq_snapshot *s);
/* One line: why refwq_shm_open() or refwq_shm_read() refused @err. */
const char *refwq_shm_strerror(int err);
/* Call @fn for each segment name found under REFWQ_SHM_DIR; a non-zero
 * return stops the walk.  Return: the number found, or -errno. */
int refwq_shm_discover(int (*fn)(const char *name, void *ctx), void *ctx);

 /* REFWQ_SHM_H */

#endif
