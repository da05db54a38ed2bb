// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "kworkers.h"

#define PREFIX "kworker/"

/* Unsigned decimal that fits an int32_t; *@end after it. */
static bool get_num(const char *p, int32_t *v, const char **end)
{
	int64_t x = 0;

	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9') {
		x = x * 10 + (*p++ - '0');
		if (x > INT32_MAX)
			return false;
	}
	*v = (int32_t)x;
	*end = p;
	return true;
}

/* "", or "+<desc>" / "-<desc>" with a non-empty desc. */
static bool get_suffix(const char *p, struct wq_kworker_name *out)
{
	size_t n;

	if (!*p)
		return true;
	if ((*p != '+' && *p != '-') || !p[1])
		return false;
	out->running = *p == '+';
	n = strnlen(p + 1, sizeof(out->wq) - 1);
	memcpy(out->wq, p + 1, n);
	out->wq[n] = '\0';
	return true;
}

int wq_kworker__parse_name(const char *comm, struct wq_kworker_name *out)
{
	const char *p = comm + strlen(PREFIX);
	int32_t a, b;

	memset(out, 0, sizeof(*out));
	out->kind = WQ_KW_OTHER;
	out->cpu = out->pool_id = out->id = -1;
	if (strncmp(comm, PREFIX, strlen(PREFIX)))
		return -EINVAL;

	if (!strcmp(p, "dying")) {
		out->kind = WQ_KW_DYING;
		return 0;
	}
	if (!strncmp(p, "R-", 2)) {
		if (!p[2])
			return -EINVAL;
		snprintf(out->wq, sizeof(out->wq), "%s", p + 2);
		out->kind = WQ_KW_RESCUER;
		return 0;
	}
	if (*p == 'u') {
		if (!get_num(p + 1, &a, &p) || *p++ != ':' ||
		    !get_num(p, &b, &p) || !get_suffix(p, out))
			goto bad;
		out->kind = WQ_KW_UNBOUND;
		out->pool_id = a;
		out->id = b;
		return 0;
	}
	if (!get_num(p, &a, &p) || *p++ != ':' || !get_num(p, &b, &p))
		goto bad;
	out->kind = WQ_KW_PERCPU;
	if (*p == 'H') {
		out->kind = WQ_KW_HIGHPRI;
		p++;
	}
	if (!get_suffix(p, out))
		goto bad;
	out->cpu = a;
	out->id = b;
	return 0;

bad:
	memset(out, 0, sizeof(*out));
	out->kind = WQ_KW_OTHER;
	out->cpu = out->pool_id = out->id = -1;
	return -EINVAL;
}

/* Read a small file at @dirfd/@name into @buf, NUL-terminated, without the
 * trailing newline.  Return: bytes read, or -errno. */
static ssize_t read_small(int dirfd, const char *name, char *buf, size_t size)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return n;
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return n;
}

struct task {
	int32_t pid, ppid;
	char comm[64];
	char state;
};

/* "pid (comm) S ppid ...": comm may hold spaces and parentheses, so it
 * ends at the last ')'. */
static bool parse_stat(const char *buf, struct task *t)
{
	const char *open = strchr(buf, '('), *close = strrchr(buf, ')');
	int ppid;
	size_t n;

	if (!open || !close || close < open ||
	    sscanf(close + 1, " %c %d", &t->state, &ppid) != 2)
		return false;
	n = close - open - 1;
	if (n >= sizeof(t->comm))
		n = sizeof(t->comm) - 1;
	memcpy(t->comm, open + 1, n);
	t->comm[n] = '\0';
	t->ppid = ppid;
	return true;
}

static int add_task(struct task **arr, size_t *nr, size_t *cap,
		    const struct task *t)
{
	if (*nr == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct task *p = realloc(*arr, ncap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		*arr = p;
		*cap = ncap;
	}
	(*arr)[(*nr)++] = *t;
	return 0;
}

/* Fill @w from the task's own files; false when it is gone. */
static bool read_worker(int procfd, const struct task *t, struct wq_kworker *w)
{
	char path[32], buf[256];
	bool ok = false;
	int dfd;

	snprintf(path, sizeof(path), "%d", t->pid);
	dfd = openat(procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return false;
	memset(w, 0, sizeof(*w));
	w->tid = t->pid;
	w->state = t->state;
	if (read_small(dfd, "comm", w->comm, sizeof(w->comm)) <= 0)
		goto out;
	/* Without schedstats (CONFIG_SCHED_INFO off) the time is unknown. */
	if (read_small(dfd, "schedstat", buf, sizeof(buf)) > 0)
		w->cpu_ns = strtoull(buf, NULL, 10);
	wq_kworker__parse_name(w->comm, &w->name);
	w->idle = w->state == 'I' && !w->name.running;
	ok = true;
out:
	close(dfd);
	return ok;
}

int wq_kworkers__scan(const char *proc_root, struct wq_kworker **out,
		      size_t *nr)
{
	struct task *tasks = NULL;
	size_t nr_tasks = 0, cap = 0, i, n = 0;
	struct wq_kworker *w = NULL;
	int32_t kthreadd = -1;
	struct dirent *de;
	int procfd, err = 0;
	DIR *dir;

	*out = NULL;
	*nr = 0;
	procfd = open(proc_root ? proc_root : "/proc",
		      O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return -errno;
	dir = fdopendir(procfd);
	if (!dir) {
		err = -errno;
		close(procfd);
		return err;
	}

	/* Kernel threads are processes of their own: one stat each. */
	while ((de = readdir(dir))) {
		char path[300], buf[512];
		struct task t = {0};
		int32_t pid;
		const char *end;

		if (!get_num(de->d_name, &pid, &end) || *end)
			continue;
		snprintf(path, sizeof(path), "%s/stat", de->d_name);
		if (read_small(procfd, path, buf, sizeof(buf)) <= 0 ||
		    !parse_stat(buf, &t))
			continue;
		t.pid = pid;
		if (t.ppid == 0 && !strcmp(t.comm, "kthreadd"))
			kthreadd = pid;
		/* stat's comm may be cut to 15 bytes: the prefix survives. */
		if (strncmp(t.comm, PREFIX, strlen(PREFIX)))
			continue;
		err = add_task(&tasks, &nr_tasks, &cap, &t);
		if (err)
			goto out;
	}

	w = calloc(nr_tasks + 1, sizeof(*w));
	if (!w) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < nr_tasks; i++)
		if (tasks[i].ppid == kthreadd &&
		    read_worker(procfd, &tasks[i], &w[n]))
			n++;
	*out = w;
	*nr = n;
out:
	free(tasks);
	closedir(dir);
	return err;
}

bool wq_kworker__in_pool(const struct wq_kworker *w, const struct wq_pool *p)
{
	switch (w->name.kind) {
	case WQ_KW_UNBOUND:
		return p->id == w->name.pool_id;
	case WQ_KW_PERCPU:
	case WQ_KW_HIGHPRI:
		/* BH pools run in softirq context and have no kworkers. */
		if (p->cpu != w->name.cpu || (p->flags & WQ_POOL_BH))
			return false;
		return (w->name.kind == WQ_KW_HIGHPRI) ==
		       (p->nice < 0 || (p->flags & WQ_POOL_HIGHPRI));
	default:
		return false;
	}
}
