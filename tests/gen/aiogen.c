// SPDX-License-Identifier: GPL-2.0
/*
 * aiogen: a known number of real kernel work items.
 *
 * Each io_submit() of an IOCB_CMD_FSYNC on a tmpfs file makes the kernel
 * queue exactly one aio_fsync_work item with schedule_work() on the per-CPU
 * "events" workqueue (fs/aio.c): one queue_work, one activate_work, one
 * execute_start and one execute_end.  The completions we reap are an
 * independent count of the items that ran.
 *
 *   aiogen [-n ITEMS | -d SECONDS] [-b BATCH] [-r RATE] [-c CPU] [-f FILE]
 *
 * -r paces submissions to RATE items/s (default: as fast as it can).
 * Prints one line: "items=N seconds=S rate=R" (R items/s).  Raw syscalls:
 * no libaio dependency.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/aio_abi.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 256

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: aiogen [-n ITEMS | -d SECONDS] [-b BATCH 1-%d] [-r RATE] "
		"[-c CPU] [-f FILE]\n", MAX_BATCH);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *path = "/dev/shm/wqmon-aiogen";
	long long items = 0, done = 0;
	double seconds = 0, rate = 0, t0, t1;
	int batch = 32, cpu = -1, fd, ch;
	aio_context_t ctx = 0;
	struct iocb cbs[MAX_BATCH], *ptrs[MAX_BATCH];
	struct io_event ev[MAX_BATCH];

	while ((ch = getopt(argc, argv, "n:d:b:r:c:f:")) != -1) {
		switch (ch) {
		case 'n': items = atoll(optarg); break;
		case 'd': seconds = atof(optarg); break;
		case 'b': batch = atoi(optarg); break;
		case 'r': rate = atof(optarg); break;
		case 'c': cpu = atoi(optarg); break;
		case 'f': path = optarg; break;
		default: usage();
		}
	}
	if ((items <= 0) == (seconds <= 0) || batch < 1 || batch > MAX_BATCH ||
	    rate < 0)
		usage();
	if (cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			fprintf(stderr, "aiogen: cannot pin to CPU %d: %s\n",
				cpu, strerror(errno));
			return 1;
		}
	}
	fd = open(path, O_RDWR | O_CREAT, 0600);
	if (fd < 0) {
		fprintf(stderr, "aiogen: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (syscall(SYS_io_setup, MAX_BATCH, &ctx)) {
		fprintf(stderr, "aiogen: io_setup: %s\n", strerror(errno));
		return 1;
	}
	memset(cbs, 0, sizeof(cbs));
	for (int i = 0; i < MAX_BATCH; i++) {
		cbs[i].aio_fildes = fd;
		cbs[i].aio_lio_opcode = IOCB_CMD_FSYNC;
		ptrs[i] = &cbs[i];
	}

	t0 = now_s();
	for (;;) {
		int n = batch, got, sub;

		if (items) {
			if (done >= items)
				break;
			if (items - done < n)
				n = (int)(items - done);
		} else if (now_s() - t0 >= seconds) {
			break;
		}
		sub = syscall(SYS_io_submit, ctx, n, ptrs);
		if (sub <= 0) {
			fprintf(stderr, "aiogen: io_submit: %s\n",
				sub < 0 ? strerror(errno) : "none submitted");
			return 1;
		}
		/* Reap all of this batch: each completion is one item run. */
		for (got = 0; got < sub;) {
			int r = syscall(SYS_io_getevents, ctx, sub - got,
					sub - got, ev, NULL);

			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				fprintf(stderr, "aiogen: io_getevents: %s\n",
					strerror(errno));
				return 1;
			}
			got += r;
		}
		done += sub;
		if (rate > 0) {
			/* Ahead of the pace: sleep until the schedule. */
			double ahead = done / rate - (now_s() - t0);

			if (ahead > 0)
				usleep((useconds_t)(ahead * 1e6));
		}
	}
	t1 = now_s();
	syscall(SYS_io_destroy, ctx);
	close(fd);
	unlink(path);
	printf("items=%lld seconds=%.3f rate=%.0f\n", done, t1 - t0,
	       done / (t1 - t0));
	return 0;
}
