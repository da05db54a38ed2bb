// SPDX-License-Identifier: GPL-2.0
/*
 * Reader of refwq's shared-memory export (see refwq_reader.h).
 *
 * Any local user can create a file named refwq.* under /dev/shm, and the
 * reader runs in a root daemon.  So nothing here trusts the file:
 *  - it is opened without following symlinks and without blocking, and
 *    only a regular file is read (a FIFO or a device never is);
 *  - it is read with pread() into private memory: a shared mapping can be
 *    changed, or truncated (SIGBUS), under the reader while it walks it;
 *  - the copy is validated completely before it is walked: every size and
 *    count against the limits below, every record inside the copy;
 *  - it must be published by a live process that its owner owns, named
 *    after that pid and instance, so nobody publishes for someone else.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "model.h"
#include "refwq_reader.h"

/* Attempts at a copy taken between two even, equal seqlock values. */
#define READ_TRIES 100
/* Record sizes a newer writer may grow to (the reader skips the rest). */
#define MAX_RECORD_GROWTH 4

static int open_segment(const char *name, char *path, size_t len)
{
	int fd;

	if (name[0] == '/')
		snprintf(path, len, "%s", name);
	else
		snprintf(path, len, REFWQ_SHM_DIR "/%s", name);
	/* No symlink, no FIFO open that waits for a writer. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return fd;
}

/* Exactly @len bytes at @off, or -EPROTO (truncated under us). */
static int pread_all(int fd, void *buf, size_t len, off_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pread(fd, (char *)buf + done, len - done,
			  off + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPROTO;
		done += (size_t)n;
	}
	return 0;
}

/* The header's sizes and counts are within limits; the bytes to read. */
static int check_layout(const struct refwq_shm_header *h, size_t *used)
{
	uint64_t n;

	if (memcmp(h->magic, REFWQ_SHM_MAGIC, sizeof(h->magic)) ||
	    h->version != REFWQ_SHM_VERSION)
		return -EPROTO;
	if (h->header_size < sizeof(*h) ||
	    h->header_size > MAX_RECORD_GROWTH * sizeof(*h) ||
	    h->pool_size < sizeof(struct refwq_shm_pool) ||
	    h->pool_size > MAX_RECORD_GROWTH * sizeof(struct refwq_shm_pool) ||
	    h->series_size < sizeof(struct refwq_shm_series) ||
	    h->series_size >
		    MAX_RECORD_GROWTH * sizeof(struct refwq_shm_series) ||
	    h->nr_pools > h->max_pools || h->nr_series > h->max_series)
		return -EPROTO;
	/* Records are walked in place: each must start 8-byte aligned. */
	if ((h->header_size | h->pool_size | h->series_size) & 7)
		return -EPROTO;
	if (h->max_pools > REFWQ_SHM_MAX_POOLS ||
	    h->max_series > REFWQ_SHM_MAX_SERIES)
		return -EFBIG;
	/* The pool table whole (series start after it), then the series in
	 * use.  The products cannot overflow: every factor is bounded. */
	n = (uint64_t)h->header_size + (uint64_t)h->max_pools * h->pool_size +
	    (uint64_t)h->nr_series * h->series_size;
	if (n > REFWQ_SHM_MAX_BYTES)
		return -EFBIG;
	*used = (size_t)n;
	return 0;
}

/*
 * A consistent private copy: header, then the rows in use, between two
 * equal even seqlock values.  The layout is checked again on each copy,
 * since the writer (or an impostor) may change it between reads.
 * Return: the copy (free()), or NULL with *err set.
 */
static struct refwq_shm_header *read_copy(int fd, off_t size, int *err)
{
	struct refwq_shm_header h, *copy = NULL;
	size_t used, got, cap = 0;
	uint64_t seq2;
	int tries;

	for (tries = 0; tries < READ_TRIES; tries++) {
		*err = pread_all(fd, &h, sizeof(h), 0);
		if (*err)
			break;
		*err = check_layout(&h, &used);
		if (*err)
			break;
		if ((off_t)used > size) {
			*err = -EPROTO;
			break;
		}
		if (h.seq & 1) {
			sched_yield();
			continue;
		}
		if (used > cap) {
			free(copy);
			copy = malloc(used);
			cap = copy ? used : 0;
			if (!copy) {
				*err = -ENOMEM;
				return NULL;
			}
		}
		*err = pread_all(fd, copy, used, 0);
		if (*err)
			break;
		*err = pread_all(fd, &seq2, sizeof(seq2),
				 offsetof(struct refwq_shm_header, seq));
		if (*err)
			break;
		/* The copy's own header is what gets walked: it must be the
		 * layout we sized the read for. */
		if (copy->seq == h.seq && seq2 == h.seq &&
		    !check_layout(copy, &got) && got == used)
			return copy;
		sched_yield();
	}
	if (tries == READ_TRIES)
		*err = -EAGAIN;
	free(copy);
	return NULL;
}

/* Real and effective uid of @pid from /proc: -ESRCH once it is gone. */
static int pid_uids(int pid, uid_t *ruid, uid_t *euid)
{
	char path[64], line[256];
	unsigned long r, e;
	FILE *f;
	int ret = -EPROTO;

	if (pid <= 0)
		return -ESRCH;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Uid: %lu %lu", &r, &e) == 2) {
			*ruid = (uid_t)r;
			*euid = (uid_t)e;
			ret = 0;
			break;
		}
	fclose(f);
	return ret;
}

/* "refwq.<pid>.<name>" (a path's last component): 0, or -EBADMSG. */
static int parse_file_name(const char *name, int *pid, const char **inst)
{
	const char *base = strrchr(name, '/');
	char *end;
	long v;

	base = base ? base + 1 : name;
	if (strncmp(base, REFWQ_SHM_PREFIX, strlen(REFWQ_SHM_PREFIX)))
		return -EBADMSG;
	base += strlen(REFWQ_SHM_PREFIX);
	errno = 0;
	v = strtol(base, &end, 10);
	if (errno || end == base || *end != '.' || v <= 0 || v > INT_MAX)
		return -EBADMSG;
	*pid = (int)v;
	*inst = end + 1;
	return 0;
}

/* Who may publish this segment: its file name, header and owner agree
 * with a live process. */
static int check_identity(const struct refwq_shm_header *h,
			  const char *name, const struct stat *st)
{
	char hname[sizeof(h->name) + 1];
	const char *inst;
	uid_t ruid = 0, euid = 0;
	int pid, err;

	err = parse_file_name(name, &pid, &inst);
	if (err)
		return err;
	memcpy(hname, h->name, sizeof(h->name));
	hname[sizeof(h->name)] = '\0';
	/* The header keeps 31 bytes of a longer instance name. */
	if (h->pid != pid || !hname[0] ||
	    strncmp(inst, hname, sizeof(h->name) - 1) ||
	    (strlen(hname) < sizeof(h->name) - 1 && strcmp(inst, hname)))
		return -EBADMSG;
	err = pid_uids(pid, &ruid, &euid);
	if (err)
		return err;
	/* Root's files are root's word; anyone else publishes only for a
	 * process of their own. */
	if (st->st_uid != 0 && st->st_uid != ruid && st->st_uid != euid)
		return -EPERM;
	return 0;
}

static int to_snapshot(struct refwq_shm_header *h, struct wq_snapshot *s)
{
	struct utsname u;
	uint32_t i;
	int k;

	wq_snapshot__reset(s);
	snprintf(s->source, sizeof(s->source), "refwq:%.31s", h->name);
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

int refwq_shm_open(const char *name, struct refwq_shm_info *info)
{
	char path[PATH_MAX];
	struct stat st;
	struct refwq_shm_header h;
	size_t used;
	int fd, err;

	fd = open_segment(name, path, sizeof(path));
	if (fd < 0)
		return fd;
	if (fstat(fd, &st)) {
		err = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = -EINVAL;
		goto out;
	}
	err = pread_all(fd, &h, sizeof(h), 0);
	if (!err)
		err = check_layout(&h, &used);
	if (!err && (off_t)used > st.st_size)
		err = -EPROTO;
	if (!err)
		err = check_identity(&h, name, &st);
	if (err)
		goto out;
	if (info) {
		info->pid = h.pid;
		info->uid = st.st_uid;
		memcpy(info->name, h.name, sizeof(h.name));
		info->name[sizeof(info->name) - 1] = '\0';
	}
	return fd;
out:
	close(fd);
	return err;
}

int refwq_shm_read(const char *name, struct wq_snapshot *s)
{
	struct refwq_shm_header *copy;
	struct stat st;
	int fd, err;

	fd = refwq_shm_open(name, NULL);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st)) {
		err = -errno;
		close(fd);
		return err;
	}
	copy = read_copy(fd, st.st_size, &err);
	close(fd);
	if (!copy)
		return err;
	/* The identity again, on what was actually read. */
	err = check_identity(copy, name, &st);
	if (!err)
		err = to_snapshot(copy, s);
	free(copy);
	return err;
}

const char *refwq_shm_strerror(int err)
{
	switch (err) {
	case -ELOOP:
		return "a symbolic link: refused (a segment is a file)";
	case -EINVAL:
		return "not a regular file: refused";
	case -EPERM:
		return "its owner does not own the process it names: refused";
	case -EBADMSG:
		return "its file name, pid and instance name disagree: refused";
	case -EFBIG:
		return "larger than a segment may be (" REFWQ_SHM_LIMITS_STR
		       "): refused";
	case -EPROTO:
		return "not a refwq segment of this version, or truncated";
	case -ESRCH:
		return "its process is gone";
	case -EAGAIN:
		return "no consistent copy (being rewritten): next time";
	default:
		return strerror(-err);
	}
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
