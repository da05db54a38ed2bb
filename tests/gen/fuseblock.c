// SPDX-License-Identifier: GPL-2.0
/*
 * fuseblock: a FUSE file system with one file whose fsync() does not
 * answer until the test says so: an aio fsync of that file (aiogen -f
 * MNT/f) holds a kworker in aio_fsync_work -> the kernel's FUSE client,
 * waiting for the answer.  A real running stall, made and released by
 * the test (tests/integration/stuck_worker.sh).
 *
 *   fuseblock MOUNTPOINT RELEASE_FILE [MAX_SECONDS [DELAY_MS]]
 *
 * fsync answers once RELEASE_FILE exists, or after MAX_SECONDS (30): the
 * stall is bounded even if the test dies.  With DELAY_MS, every fsync
 * answers after DELAY_MS ms instead: work items of a known run time
 * (tests/integration/slow_items.sh).  Runs in the foreground,
 * single-threaded; the test waits for the mount (mountpoint -q).
 */
#define FUSE_USE_VERSION 31
#include <errno.h>
#include <fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *release_file;
static int max_seconds = 30;
static long delay_ms = -1;	/* -1: hold until released */

static int fb_getattr(const char *path, struct stat *st,
		      struct fuse_file_info *fi)
{
	(void)fi;
	memset(st, 0, sizeof(*st));
	if (!strcmp(path, "/")) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		return 0;
	}
	if (!strcmp(path, "/f")) {
		st->st_mode = S_IFREG | 0600;
		st->st_nlink = 1;
		return 0;
	}
	return -ENOENT;
}

static int fb_open(const char *path, struct fuse_file_info *fi)
{
	(void)fi;
	return strcmp(path, "/f") ? -ENOENT : 0;
}

static int fb_create(const char *path, mode_t mode, struct fuse_file_info *fi)
{
	(void)mode;
	return fb_open(path, fi);
}

static int fb_truncate(const char *path, off_t size, struct fuse_file_info *fi)
{
	(void)size;
	(void)fi;
	return strcmp(path, "/f") ? -ENOENT : 0;
}

static int fb_write(const char *path, const char *buf, size_t size,
		    off_t off, struct fuse_file_info *fi)
{
	(void)path;
	(void)buf;
	(void)off;
	(void)fi;
	return (int)size;
}

/* Hold the caller (a kworker, for aio) until released or out of time. */
static int fb_fsync(const char *path, int datasync, struct fuse_file_info *fi)
{
	struct timespec tick = { 0, 20 * 1000 * 1000 };
	time_t end = time(NULL) + max_seconds;

	(void)path;
	(void)datasync;
	(void)fi;
	if (delay_ms >= 0) {
		struct timespec d = { delay_ms / 1000,
				      delay_ms % 1000 * 1000000L };

		while (nanosleep(&d, &d))
			;
		return 0;
	}
	while (access(release_file, F_OK) && time(NULL) < end)
		nanosleep(&tick, NULL);
	return 0;
}

static const struct fuse_operations ops = {
	.getattr = fb_getattr,
	.open = fb_open,
	.create = fb_create,
	.truncate = fb_truncate,
	.write = fb_write,
	.fsync = fb_fsync,
};

int main(int argc, char **argv)
{
	char *fargv[] = { argv[0], "-f", "-s", argc > 1 ? argv[1] : "", NULL };

	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: fuseblock MOUNTPOINT RELEASE_FILE "
				"[MAX_SECONDS [DELAY_MS]]\n");
		return 2;
	}
	release_file = argv[2];
	if (argc >= 4)
		max_seconds = atoi(argv[3]);
	if (argc == 5)
		delay_ms = atol(argv[4]);
	if (delay_ms > 10000) {
		fprintf(stderr, "fuseblock: DELAY_MS at most 10000\n");
		return 2;
	}
	return fuse_main(4, fargv, &ops, NULL);
}
