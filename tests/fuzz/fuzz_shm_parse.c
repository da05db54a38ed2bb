// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the refwq shared-memory reader (make fuzz;
 * tests/fuzz/fuzz.mk): any bytes as a segment file, read the way wqmond
 * reads /dev/shm.  The header's pid and instance name are made this
 * process's, so inputs reach the layout checks and the walk, not only the
 * identity check.  Beyond "no crash": what is accepted is within limits.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "model.h"
#include "refwq_reader.h"

static char dir[64], path[128];

static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wq_snapshot *s;
	uint8_t *b;
	int32_t pid = (int32_t)getpid();
	int fd;

	if (!s) {
		snprintf(dir, sizeof(dir), "/tmp/wqmon-fuzz-shm.%d", (int)pid);
		mkdir(dir, 0700);
		atexit(cleanup);
		snprintf(path, sizeof(path), "%s/refwq.%d.fuzz", dir,
			 (int)pid);
		s = wq_snapshot__new("fuzz");
		if (!s)
			return 0;
	}
	b = malloc(size ? size : 1);
	if (!b)
		return 0;
	memcpy(b, data, size);
	if (size >= offsetof(struct refwq_shm_header, name) + 5) {
		memcpy(b + offsetof(struct refwq_shm_header, pid), &pid,
		       sizeof(pid));
		memcpy(b + offsetof(struct refwq_shm_header, name), "fuzz", 5);
	}
	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, b, size) != (ssize_t)size)
		abort();
	close(fd);
	free(b);
	if (!refwq_shm_read(path, s) &&
	    (s->nr_series > REFWQ_SHM_MAX_SERIES ||
	     s->nr_pools > REFWQ_SHM_MAX_POOLS ||
	     strcmp(s->source, "refwq:fuzz")))
		abort();
	return 0;
}
