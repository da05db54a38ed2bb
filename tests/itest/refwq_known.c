// SPDX-License-Identifier: GPL-2.0
/*
 * refwq_known: a refwq instance that does a known amount of work, then
 * keeps publishing its statistics until SIGTERM, so that a test can compare
 * what wqmond shows for it with what it did.
 *
 *   refwq_known NAME ITEMS CANCELLED
 *
 * Queues ITEMS runs of known_fn on the workqueue "known" (one at a time:
 * each is flushed before the next, so every queue_work is accepted), then
 * queues and cancels CANCELLED items of cancelled_fn on a queue whose only
 * worker is blocked, so they are cancelled while pending.  Prints "ready"
 * once its last publication holds all of it.  The work functions are
 * global so that refwq names them (dladdr, with -rdynamic).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <refwq/refwq.h>
#include <refwq/workqueue.h>

#include "refwq_shm.h"

static volatile sig_atomic_t stop;
static struct completion release, blocked;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

void known_fn(struct work_struct *w);

void known_fn(struct work_struct *w)
{
	(void)w;
}

void cancelled_fn(struct work_struct *w);

void cancelled_fn(struct work_struct *w)
{
	(void)w;
}

void blocker_fn(struct work_struct *w);

void blocker_fn(struct work_struct *w)
{
	(void)w;
	complete(&blocked);
	wait_for_completion(&release);
}

int main(int argc, char **argv)
{
	struct refwq_config cfg = { .nr_cpus = 1 };
	struct workqueue_struct *wq, *ord;
	struct work_struct work, blocker, *victims;
	long items, cancelled;

	if (argc != 4) {
		fprintf(stderr, "usage: refwq_known NAME ITEMS CANCELLED\n");
		return 2;
	}
	cfg.name = argv[1];
	items = atol(argv[2]);
	cancelled = atol(argv[3]);
	victims = calloc(cancelled ? cancelled : 1, sizeof(*victims));
	if (!victims || refwq_init(&cfg) || refwq_shm_start(100, 0)) {
		fprintf(stderr, "refwq_known: cannot start refwq\n");
		return 1;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	wq = alloc_workqueue("known", 0, 0);
	ord = alloc_ordered_workqueue("known_ordered", 0);
	if (!wq || !ord)
		return 1;

	INIT_WORK(&work, known_fn);
	for (long i = 0; i < items; i++) {
		if (!queue_work(wq, &work))
			return 1;
		flush_work(&work);
	}

	/* An ordered queue runs one item at a time: behind the blocker,
	 * the victims stay pending until we cancel them. */
	init_completion(&release);
	init_completion(&blocked);
	INIT_WORK(&blocker, blocker_fn);
	queue_work(ord, &blocker);
	wait_for_completion(&blocked);
	for (long i = 0; i < cancelled; i++) {
		INIT_WORK(&victims[i], cancelled_fn);
		queue_work(ord, &victims[i]);
	}
	for (long i = 0; i < cancelled; i++)
		if (!cancel_work(&victims[i]))
			return 1;
	complete(&release);
	flush_workqueue(ord);

	refwq_shm_publish();
	printf("ready\n");
	fflush(stdout);
	while (!stop)
		pause();
	refwq_shm_stop();
	destroy_workqueue(wq);
	destroy_workqueue(ord);
	refwq_exit();
	free(victims);
	return 0;
}
