// SPDX-License-Identifier: GPL-2.0
/*
 * stallgen: a real, bounded stall of one per-CPU worker pool.
 *
 * A SCHED_FIFO task spins on CPU C for T ms.  The kworkers of C's pools
 * are SCHED_OTHER, so they cannot run there meanwhile (the kernel's RT
 * throttling / fair server lets them in only after ~950 ms of starvation).
 * A second, higher-priority SCHED_FIFO task on C queues an aio fsync item
 * (schedule_work on C's "events" pool) every 100 ms and waits for each: an
 * item stays pending until the hog ends or the kernel lets CFS tasks in
 * (RT throttling, and since 6.12 the deadline fair server, give them 50 ms
 * a second at a phase we cannot choose: so several items, one of which
 * lands in a starved stretch).
 *
 *   stallgen [-c CPU] [-t MS]     (defaults: CPU 1, 2500 ms)
 *
 * Prints "items=N pending_ms=M": M is the longest submit-to-completion.
 * The machine is restored by itself: the hog stops after T ms and is killed
 * if we exit early.  Needs root (SCHED_FIFO).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int pin_fifo(int cpu, int prio)
{
	struct sched_param sp = { .sched_priority = prio };
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -errno;
	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		return -errno;
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = "/dev/shm/wqmon-stallgen";
	int cpu = 1, ms = 2500, ch, fd, err, status, items = 0;
	aio_context_t ctx = 0;
	struct iocb cb, *cbp = &cb;
	struct io_event ev;
	double t0, t1, t_end, worst = 0;
	pid_t hog;

	while ((ch = getopt(argc, argv, "c:t:")) != -1) {
		switch (ch) {
		case 'c': cpu = atoi(optarg); break;
		case 't': ms = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: stallgen [-c CPU] [-t MS]\n");
			return 2;
		}
	}
	if (ms < 1 || ms > 5000) {
		fprintf(stderr, "stallgen: -t must be 1..5000 ms\n");
		return 2;
	}
	fd = open(path, O_RDWR | O_CREAT, 0600);
	if (fd < 0 || syscall(SYS_io_setup, 1, &ctx)) {
		fprintf(stderr, "stallgen: aio setup: %s\n", strerror(errno));
		return 1;
	}

	hog = fork();
	if (hog == 0) {
		double end;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if ((err = pin_fifo(cpu, 10))) {
			fprintf(stderr, "stallgen: hog: %s\n", strerror(-err));
			_exit(1);
		}
		end = now_ms() + ms;
		while (now_ms() < end)
			;
		_exit(0);
	}
	if ((err = pin_fifo(cpu, 20))) {
		fprintf(stderr, "stallgen: %s (needs root)\n", strerror(-err));
		kill(hog, SIGKILL);
		return 1;
	}
	/* Our sleeps are the hog's chance to take the CPU. */
	t_end = now_ms() + ms - 150;
	memset(&cb, 0, sizeof(cb));
	cb.aio_fildes = fd;
	cb.aio_lio_opcode = IOCB_CMD_FSYNC;
	while (now_ms() < t_end) {
		usleep(100 * 1000);
		t0 = now_ms();
		if (syscall(SYS_io_submit, ctx, 1, &cbp) != 1) {
			fprintf(stderr, "stallgen: io_submit: %s\n",
				strerror(errno));
			kill(hog, SIGKILL);
			return 1;
		}
		while (syscall(SYS_io_getevents, ctx, 1, 1, &ev, NULL) != 1) {
			if (errno != EINTR) {
				fprintf(stderr, "stallgen: io_getevents: %s\n",
					strerror(errno));
				kill(hog, SIGKILL);
				return 1;
			}
		}
		t1 = now_ms();
		if (t1 - t0 > worst)
			worst = t1 - t0;
		items++;
	}
	waitpid(hog, &status, 0);
	syscall(SYS_io_destroy, ctx);
	close(fd);
	unlink(path);
	printf("items=%d pending_ms=%.0f\n", items, worst);
	return 0;
}
