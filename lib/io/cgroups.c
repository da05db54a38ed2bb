// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cgroups.h"

struct cg_entry {
	uint64_t id;
	char *path;
};

struct wq_cgroups {
	char *root;
	struct cg_entry *e;	/* sorted by id after each walk */
	size_t nr, cap;
	uint64_t walked_at;	/* 0: never */
	size_t sorted;		/* entries [0, sorted) are in order */
};

/* The cgroup2 mount: /sys/fs/cgroup on a v2 system, often
 * /sys/fs/cgroup/unified on a hybrid one, where /sys/fs/cgroup holds the
 * v1 hierarchies whose inode numbers mean something else.  "" if none. */
static char *cgroup2_mount(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096], *found = NULL;

	if (!f)
		return strdup("");
	while (!found && fgets(line, sizeof(line), f)) {
		char mnt[4096], *sep = strstr(line, " - ");

		/* id parent major:minor root mount-point ... - fstype ... */
		if (!sep || strncmp(sep, " - cgroup2 ", 11) ||
		    sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		found = strdup(mnt);
	}
	fclose(f);
	return found ? found : strdup("");
}

struct wq_cgroups *wq_cgroups__new(const char *root)
{
	struct wq_cgroups *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	g->root = root ? strdup(root) : cgroup2_mount();
	if (!g->root) {
		free(g);
		return NULL;
	}
	return g;
}

static void forget(struct wq_cgroups *g)
{
	for (size_t i = 0; i < g->nr; i++)
		free(g->e[i].path);
	g->nr = g->sorted = 0;
}

void wq_cgroups__free(struct wq_cgroups *g)
{
	if (!g)
		return;
	forget(g);
	free(g->e);
	free(g->root);
	free(g);
}

static const struct cg_entry *lookup(const struct wq_cgroups *g, uint64_t id)
{
	size_t lo = 0, hi = g->sorted;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g->e[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < g->sorted && g->e[lo].id == id ? &g->e[lo] : NULL;
}

static int remember(struct wq_cgroups *g, uint64_t id, const char *path)
{
	struct cg_entry *e;

	if (lookup(g, id))
		return 0;
	if (g->nr == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 256;

		e = realloc(g->e, cap * sizeof(*e));
		if (!e)
			return -ENOMEM;
		g->e = e;
		g->cap = cap;
	}
	e = &g->e[g->nr];
	e->path = strdup(path);
	if (!e->path)
		return -ENOMEM;
	e->id = id;
	g->nr++;
	return 0;
}

/* Depth-first below @dirfd (whose path is @path, "" for the root); the
 * file descriptor is closed.  Bounded by WQ_CGROUPS_MAX entries. */
static void walk(struct wq_cgroups *g, int fd_dir, char *path, size_t len)
{
	DIR *d = fdopendir(fd_dir);
	struct dirent *de;

	if (!d) {
		close(fd_dir);
		return;
	}
	while ((de = readdir(d)) && g->nr < WQ_CGROUPS_MAX) {
		size_t n = strlen(path);
		struct stat st;
		int fd;

		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if (n + 1 + strlen(de->d_name) >= len)
			continue;	/* deeper than a path we can show */
		fd = openat(dirfd(d), de->d_name,
			    O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;	/* removed meanwhile */
		if (fstat(fd, &st)) {
			close(fd);
			continue;
		}
		snprintf(path + n, len - n, "/%s", de->d_name);
		if (remember(g, (uint64_t)st.st_ino, path)) {
			close(fd);
			path[n] = '\0';
			break;
		}
		walk(g, fd, path, len);
		path[n] = '\0';
	}
	closedir(d);
}

static int cmp_entry(const void *a, const void *b)
{
	const struct cg_entry *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Entries of removed cgroups stay (queuer rows keep naming them) until the
 * bound is reached; then the walk starts afresh. */
static void rewalk(struct wq_cgroups *g)
{
	char path[4096] = "";
	struct stat st;
	int fd;

	if (g->nr >= WQ_CGROUPS_MAX)
		forget(g);
	if (!g->root[0])
		return;	/* no cgroup2 mount: no paths */
	fd = open(g->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (!fstat(fd, &st) && remember(g, (uint64_t)st.st_ino, "/")) {
		close(fd);
		return;
	}
	walk(g, fd, path, sizeof(path));
	/* A directory renamed during the walk may be in twice: harmless,
	 * lookups find either. */
	qsort(g->e, g->nr, sizeof(*g->e), cmp_entry);
	g->sorted = g->nr;
}

int wq_cgroups__path(struct wq_cgroups *g, uint64_t id, uint64_t now_ns,
		     char *buf, size_t len)
{
	const struct cg_entry *e = lookup(g, id);

	if (!e && (!g->walked_at || now_ns - g->walked_at >=
						   WQ_CGROUPS_RESCAN_NS)) {
		g->walked_at = now_ns ? now_ns : 1;
		rewalk(g);
		e = lookup(g, id);
	}
	if (len)
		snprintf(buf, len, "%s", e ? e->path : "");
	return e ? 0 : -ENOENT;
}
