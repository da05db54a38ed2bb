/* SPDX-License-Identifier: GPL-2.0 */
/* Work items the queueing and flush tests share: one that blocks until
 * released, one that counts its runs. */
#ifndef REFWQ_TEST_WORKS_H
#define REFWQ_TEST_WORKS_H

#include <refwq/workqueue.h>

#include "tap.h"

struct blocker {
	struct work_struct work;
	struct completion started;
	struct completion release;
	int runs;
};

static inline void blocker_fn(struct work_struct *work)
{
	struct blocker *b = container_of(work, struct blocker, work);

	inc(&b->runs);
	complete(&b->started);
	wait_for_completion(&b->release);
}

static inline void blocker_init(struct blocker *b)
{
	INIT_WORK(&b->work, blocker_fn);
	init_completion(&b->started);
	init_completion(&b->release);
	b->runs = 0;
}

struct counted {
	struct work_struct work;
	int runs;
};

static inline void counted_fn(struct work_struct *work)
{
	inc(&container_of(work, struct counted, work)->runs);
}

#endif
