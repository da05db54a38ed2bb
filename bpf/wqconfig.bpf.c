// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The workqueue configuration, read without debug info: workqueues, the
 * pool_workqueues that tie each to its pools, and the pools.
 *
 * The kernel keeps every workqueue on one list (kernel/workqueue.c's static
 * `workqueues`), which no BPF program can name: it is neither in BTF nor,
 * without CONFIG_KALLSYMS_ALL, in kallsyms.  But the list is circular and
 * each workqueue is on it, so any one workqueue leads to all of them.  We
 * find one through a rescuer thread (every kernel has WQ_MEM_RECLAIM
 * workqueues, mm_percpu_wq first among them): a task iterator reaches the
 * rescuer's struct worker through task->worker_private, and its rescue_wq
 * is the anchor.  No probe, no waiting for an event.
 *
 * Run on demand by user space (lib/io/wqconfig.c), never on an event.  It
 * walks lists another CPU may change, with probe reads: a node freed under
 * the walk reads as stale, never faults.  Each workqueue is checked (its
 * first pool_workqueue points back at it) before it is recorded, which also
 * tells the list head, not embedded in a workqueue, from the rest.
 *
 * CO-RE: fields that exist only on some kernels are read only when
 * bpf_core_field_exists() says the running kernel has them (6.1 and 6.18
 * checked in BTF: max_active/min_active 6.8+, affn_* 6.5+).  The cpumask's
 * layout (a pointer with CPUMASK_OFFSTACK, an array without), its offset
 * and affn_scope's are read by user space from BTF and set before load.
 */
#include "wqmon_core.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "wqcfg.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by user space from BTF before load. */
const volatile bool cpumask_offstack = false;
const volatile __u32 attrs_cpumask_off = 0;
const volatile __u32 cpumask_bytes = 8;	/* to copy: <= WQCFG_MASK_WORDS*8 */
/* workqueue_attrs.affn_scope (6.5+), an enum: libbpf 1.1 matches no enum
 * field across BTFs, so its offset comes from user space too. */
const volatile __u32 attrs_scope_off = 0;

struct wqcfg_summary summary;
struct wqcfg_wq wqs[WQCFG_MAX_WQS];
struct wqcfg_pwq pwqs[WQCFG_MAX_PWQS];
struct wqcfg_pool pools[WQCFG_MAX_POOLS];
/* pool id -> index in pools + 1 (0: not seen); cleared by user space. */
__u16 pool_index[WQCFG_POOL_IDS];

#pragma clang attribute push(__attribute__((preserve_access_index)), \
			     apply_to = record)
struct list_head___cfg {
	struct list_head___cfg *next;
};

struct workqueue_attrs___cfg {
	int nice;
	bool affn_strict;	/* 6.5+, with affn_scope */
};

struct workqueue_struct___cfg {
	struct list_head___cfg pwqs;
	struct list_head___cfg list;
	void *rescuer;
	int max_active;
	int min_active;
	int saved_max_active;
	struct workqueue_attrs___cfg *unbound_attrs;
	struct pool_workqueue___cfg *dfl_pwq;
	char name[24];
	unsigned int flags;
};

struct worker_pool___cfg {
	int cpu;
	int node;
	int id;
	unsigned int flags;
	int nr_running;
	int nr_workers;
	int nr_idle;
	struct workqueue_attrs___cfg *attrs;
};

struct pool_workqueue___cfg {
	struct worker_pool___cfg *pool;
	struct workqueue_struct___cfg *wq;
	int nr_active;
	int max_active;
	struct list_head___cfg pwqs_node;
};

struct worker___cfg {
	struct task_struct *task;
	struct workqueue_struct___cfg *rescue_wq;
};
#pragma clang attribute pop

#define container_of_cfg(ptr, type, member) \
	((type *)((__u64)(ptr) - bpf_core_field_offset(type, member)))

/* The walk's state: globals, so that bpf_loop callbacks share it, and
 * zeroed with the rest of .bss by user space before each run. */
__u64 anchor;		/* &wq->list of the anchor workqueue */
__u64 node;		/* the list node being looked at */
__u64 cur_wq;		/* the workqueue whose pwqs are walked */
__u64 pwq_node;
__u32 cur_index;

static __always_inline void read_mask(__u64 *dst, __u64 attrs)
{
	__u64 p = attrs + attrs_cpumask_off;
	__u32 n = cpumask_bytes;

	if (cpumask_offstack && bpf_probe_read_kernel(&p, sizeof(p), (void *)p))
		return;
	if (n > WQCFG_MASK_WORDS * 8)
		n = WQCFG_MASK_WORDS * 8;
	bpf_probe_read_kernel(dst, n, (void *)p);
}

/* The pool's index in pools, recording it on first sight; -1: no room. */
static __always_inline int record_pool(struct worker_pool___cfg *pool)
{
	struct wqcfg_pool *r;
	__u32 idx, id;
	__u64 attrs;

	id = BPF_CORE_READ(pool, id);
	if (id >= WQCFG_POOL_IDS) {
		summary.pools_dropped++;
		return -1;
	}
	if (pool_index[id])
		return pool_index[id] - 1;
	idx = summary.nr_pools;
	if (idx >= WQCFG_MAX_POOLS) {
		summary.pools_dropped++;
		return -1;
	}
	r = &pools[idx];
	r->id = id;
	r->cpu = BPF_CORE_READ(pool, cpu);
	r->node = BPF_CORE_READ(pool, node);
	r->flags = BPF_CORE_READ(pool, flags);
	r->nr_workers = BPF_CORE_READ(pool, nr_workers);
	r->nr_idle = BPF_CORE_READ(pool, nr_idle);
	r->nr_running = BPF_CORE_READ(pool, nr_running);
	attrs = (__u64)BPF_CORE_READ(pool, attrs);
	r->nice = WQCFG_NONE;
	if (attrs) {
		r->nice = BPF_CORE_READ((struct workqueue_attrs___cfg *)attrs, nice);
		read_mask(r->mask, attrs);
	}
	pool_index[id] = idx + 1;
	summary.nr_pools = idx + 1;
	return idx;
}

static long walk_pwq(__u32 i, void *unused)
{
	struct workqueue_struct___cfg *wq = (void *)cur_wq;
	struct pool_workqueue___cfg *pwq;
	struct wqcfg_wq *w;
	struct wqcfg_pwq *r;
	__u32 ci = cur_index, idx;
	int pool;

	/* Back at the workqueue's own list head: all its pwqs seen. */
	if (pwq_node == (__u64)&wq->pwqs)
		return 1;
	if (ci >= WQCFG_MAX_WQS)
		return 1;
	w = &wqs[ci];
	pwq = container_of_cfg(pwq_node, struct pool_workqueue___cfg, pwqs_node);
	pwq_node = (__u64)BPF_CORE_READ(pwq, pwqs_node.next);
	if (!pwq_node)
		return 1;
	idx = summary.nr_pwqs;
	if (idx >= WQCFG_MAX_PWQS) {
		w->pwqs_dropped++;
		summary.pwqs_dropped++;
		return 0;
	}
	pool = record_pool(BPF_CORE_READ(pwq, pool));
	if (pool < 0)
		return 0;
	r = &pwqs[idx];
	r->pool = pools[pool & (WQCFG_MAX_POOLS - 1)].id;
	r->nr_active = BPF_CORE_READ(pwq, nr_active);
	r->max_active = bpf_core_field_exists(pwq->max_active) ?
			BPF_CORE_READ(pwq, max_active) : WQCFG_NONE;
	summary.nr_pwqs = idx + 1;
	w->nr_pwqs++;
	return 0;
}

/* A live workqueue: its first pool_workqueue points back at it. */
static __always_inline bool is_workqueue(struct workqueue_struct___cfg *wq)
{
	struct pool_workqueue___cfg *pwq;
	__u64 first = (__u64)BPF_CORE_READ(wq, pwqs.next);

	if (!first || first == (__u64)&wq->pwqs)
		return false;
	pwq = container_of_cfg(first, struct pool_workqueue___cfg, pwqs_node);
	return (__u64)BPF_CORE_READ(pwq, wq) == (__u64)wq;
}

static __always_inline void record_wq(struct workqueue_struct___cfg *wq)
{
	struct workqueue_attrs___cfg *attrs;
	struct pool_workqueue___cfg *dfl;
	struct wqcfg_wq *w;
	__u32 idx = summary.nr_wqs;

	if (idx >= WQCFG_MAX_WQS) {
		summary.wqs_dropped++;
		return;
	}
	w = &wqs[idx];
	bpf_probe_read_kernel_str(w->name, sizeof(w->name), wq->name);
	w->flags = BPF_CORE_READ(wq, flags);
	w->saved_max_active = BPF_CORE_READ(wq, saved_max_active);
	w->max_active = bpf_core_field_exists(wq->max_active) ?
			BPF_CORE_READ(wq, max_active) : w->saved_max_active;
	w->min_active = bpf_core_field_exists(wq->min_active) ?
			BPF_CORE_READ(wq, min_active) : WQCFG_NONE;
	w->rescuer = BPF_CORE_READ(wq, rescuer) != NULL;
	w->nice = w->affn_scope = w->affn_strict = WQCFG_NONE;
	attrs = BPF_CORE_READ(wq, unbound_attrs);
	if (attrs) {
		w->nice = BPF_CORE_READ(attrs, nice);
		if (bpf_core_field_exists(attrs->affn_strict)) {
			w->affn_strict = BPF_CORE_READ(attrs, affn_strict);
			bpf_probe_read_kernel(&w->affn_scope,
					      sizeof(w->affn_scope),
					      (void *)attrs + attrs_scope_off);
		}
		read_mask(w->mask, (__u64)attrs);
		w->has_mask = 1;
	}
	w->dfl_pool = WQCFG_NONE;
	dfl = BPF_CORE_READ(wq, dfl_pwq);
	if (dfl)
		w->dfl_pool = BPF_CORE_READ(dfl, pool, id);
	w->first_pwq = summary.nr_pwqs;
	summary.nr_wqs = idx + 1;

	cur_wq = (__u64)wq;
	cur_index = idx;
	pwq_node = (__u64)BPF_CORE_READ(wq, pwqs.next);
	bpf_loop(WQCFG_MAX_PWQS, walk_pwq, NULL, 0);
}

static long walk_wq(__u32 i, void *unused)
{
	struct workqueue_struct___cfg *wq;

	wq = container_of_cfg(node, struct workqueue_struct___cfg, list);
	if (is_workqueue(wq))
		record_wq(wq);
	else
		summary.skipped++;
	node = (__u64)BPF_CORE_READ(wq, list.next);
	if (!node || node == anchor) {
		summary.done = node == anchor;
		return 1;
	}
	return 0;
}

SEC("iter/task")
int walk_config(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;
	struct workqueue_struct___cfg *wq;
	struct worker___cfg *worker;
	struct kthread *kthread;

	if (!task || anchor)
		return 0;
	if (!(BPF_CORE_READ(task, flags) & PF_WQ_WORKER))
		return 0;
	kthread = BPF_CORE_READ(task, worker_private);
	if (!kthread)
		return 0;
	worker = BPF_CORE_READ(kthread, data);
	if (!worker || (__u64)BPF_CORE_READ(worker, task) != (__u64)task)
		return 0;
	wq = BPF_CORE_READ(worker, rescue_wq);
	if (!wq || !is_workqueue(wq))
		return 0;
	anchor = (__u64)&wq->list;
	node = anchor;
	summary.anchor_tid = BPF_CORE_READ(task, pid);
	bpf_loop(WQCFG_MAX_WQS * 2, walk_wq, NULL, 0);
	return 0;
}
