// SPDX-License-Identifier: GPL-2.0
/*
 * Blocking primitives that keep concurrency management informed: a worker
 * that blocks in one of them tells its pool (refwq_worker_sleeping()), so the
 * pool can start the next item on another worker, as the kernel's scheduler
 * hook does for kworkers.
 *
 * A completion is only a counter; waiters sleep on one of a few hashed
 * lock/condition pairs (like the kernel's hashed bit wait queues), so the
 * caller's structures hold no platform type.
 */
#include "internal.h"

#define COMP_HASH_BITS 5
#define COMP_HASH_SIZE (1u << COMP_HASH_BITS)

static struct comp_bucket {
	struct refwq_port_lock lock;
	struct refwq_port_cond cond; /* waiters of every completion here */
} comp_hash[COMP_HASH_SIZE];

#define COMPLETE_ALL (~0u >> 1)

static struct comp_bucket *comp_bucket(const struct refwq_completion *c)
{
	uintptr_t h = (uintptr_t)c;

	h ^= h >> 7;
	h ^= h >> 13;
	return &comp_hash[(h >> 3) & (COMP_HASH_SIZE - 1)];
}

int refwq_sync_init(void)
{
	unsigned int i;

	for (i = 0; i < COMP_HASH_SIZE; i++) {
		refwq_port_lock_init(&comp_hash[i].lock);
		refwq_port_cond_init(&comp_hash[i].cond);
	}
	return 0;
}

void refwq_sync_exit(void)
{
	unsigned int i;

	for (i = 0; i < COMP_HASH_SIZE; i++) {
		refwq_port_cond_destroy(&comp_hash[i].cond);
		refwq_port_lock_destroy(&comp_hash[i].lock);
	}
}

/**
 * refwq_init_completion() - set @c to "not completed"
 * @c: the completion; nobody may wait on it
 *
 * Context: any thread.
 */
void refwq_init_completion(struct refwq_completion *c)
{
	c->done = 0;
}

void refwq_reinit_completion(struct refwq_completion *c)
{
	WRITE_ONCE(c->done, 0);
}

/**
 * refwq_complete() - signal one waiter (or the next wait) of @c
 * @c: the completion
 *
 * Context: any thread, including work items and timer callbacks.
 */
void refwq_complete(struct refwq_completion *c)
{
	struct comp_bucket *b = comp_bucket(c);

	refwq_port_lock(&b->lock);
	if (c->done != COMPLETE_ALL)
		WRITE_ONCE(c->done, c->done + 1);
	refwq_port_cond_broadcast(&b->cond);
	refwq_port_unlock(&b->lock);
}

/**
 * refwq_complete_all() - release every present and future waiter of @c
 * @c: the completion
 *
 * Context: any thread.
 */
void refwq_complete_all(struct refwq_completion *c)
{
	struct comp_bucket *b = comp_bucket(c);

	refwq_port_lock(&b->lock);
	WRITE_ONCE(c->done, COMPLETE_ALL);
	refwq_port_cond_broadcast(&b->cond);
	refwq_port_unlock(&b->lock);
}

/**
 * refwq_completion_done() - would a wait on @c return at once?
 * @c: the completion
 *
 * Return: true when it has been completed and not yet consumed.
 * Context: any thread.
 */
bool refwq_completion_done(struct refwq_completion *c)
{
	return READ_ONCE(c->done) != 0;
}

static bool comp_wait(struct refwq_completion *c, uint64_t deadline_ns)
{
	struct comp_bucket *b = comp_bucket(c);
	bool slept = false, ret = true;

	refwq_port_lock(&b->lock);
	while (!c->done) {
		if (!slept) {
			/* Tell the pool before blocking, never under b->lock
			 * held with a pool lock: drop it, then re-check. */
			refwq_port_unlock(&b->lock);
			refwq_worker_sleeping();
			slept = true;
			refwq_port_lock(&b->lock);
			continue;
		}
		if (!deadline_ns) {
			refwq_port_cond_wait(&b->cond, &b->lock);
		} else if (refwq_port_cond_wait_until(&b->cond, &b->lock,
						      deadline_ns) &&
			   !c->done) {
			ret = false;
			break;
		}
	}
	if (ret && c->done != COMPLETE_ALL)
		WRITE_ONCE(c->done, c->done - 1);
	refwq_port_unlock(&b->lock);
	if (slept)
		refwq_worker_running();
	return ret;
}

/**
 * refwq_wait_for_completion() - wait until @c is completed
 * @c: the completion
 *
 * Context: may sleep; from a work item the pool may start another worker.
 */
void refwq_wait_for_completion(struct refwq_completion *c)
{
	comp_wait(c, 0);
}

/**
 * refwq_wait_for_completion_timeout() - wait for @c at most @timeout_ns
 * @c: the completion
 * @timeout_ns: the longest wait
 *
 * Return: true when @c was completed, false on timeout.
 * Context: may sleep.
 */
bool refwq_wait_for_completion_timeout(struct refwq_completion *c,
				       uint64_t timeout_ns)
{
	return comp_wait(c,
			 refwq_port_now_ns() + (timeout_ns ? timeout_ns : 1));
}

/**
 * refwq_sleep_ns() - sleep, letting the pool run other items meanwhile
 * @ns: how long
 *
 * Context: may sleep.
 */
void refwq_sleep_ns(uint64_t ns)
{
	refwq_worker_sleeping();
	refwq_port_sleep_ns(ns);
	refwq_worker_running();
}

/**
 * refwq_block_begin() - announce a blocking call made outside refwq
 *
 * Pair with refwq_block_end(); pairs nest.  Outside a work item both are
 * no-ops.
 * Context: a thread about to block.
 */
void refwq_block_begin(void)
{
	refwq_worker_sleeping();
}

/**
 * refwq_block_end() - the blocking call announced by refwq_block_begin()
 * returned
 *
 * Context: the thread that called refwq_block_begin().
 */
void refwq_block_end(void)
{
	refwq_worker_running();
}

uint64_t refwq_now_ns(void)
{
	return refwq_port_now_ns();
}
