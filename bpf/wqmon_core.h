/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The few kernel types the probes touch, for CO-RE.
 *
 * Instead of a 100k-line vmlinux.h dumped from the build machine's BTF, we
 * declare only the fields we read, marked preserve_access_index: libbpf
 * relocates every access against the running kernel's BTF at load time, so
 * the build needs no BTF and the object runs on any kernel that has the
 * fields (verified on 6.1 and 6.18).  Field order and the absence of other
 * fields do not matter; names and types do.
 */
#ifndef __WQMON_CORE_H
#define __WQMON_CORE_H

#include <linux/types.h>
#include <linux/bpf.h>

typedef __u8 u8;
typedef __u32 u32;
typedef __s32 s32;
typedef __u64 u64;
typedef __s64 s64;
#ifndef __cplusplus
typedef _Bool bool;
#define true 1
#define false 0
#endif

#pragma clang attribute push(__attribute__((preserve_access_index)), \
			     apply_to = record)

struct work_struct;
typedef void (*work_func_t)(struct work_struct *work);

typedef struct {
	long counter;
} atomic_long_t;

struct work_struct {
	atomic_long_t data;
	work_func_t func;
};

struct workqueue_attrs {
	int nice;
};

struct hlist_node {
	struct hlist_node *next;
};

struct hlist_head {
	struct hlist_node *first;
};

struct worker_pool {
	struct hlist_head busy_hash[64];	/* BUSY_WORKER_HASH_ORDER 6 */
	int cpu;
	int node;
	int id;
	unsigned int flags;
	int nr_workers;
	int nr_idle;
	struct workqueue_attrs *attrs;
};

struct workqueue_struct {
	char name[24];	/* 24 before 6.8, 32 after: we copy 24, see below */
	unsigned int flags;
};

struct pool_workqueue {
	struct worker_pool *pool;
	struct workqueue_struct *wq;
};

struct worker {
	struct hlist_node hentry;	/* in an anonymous union in the kernel */
	struct work_struct *current_work;
	work_func_t current_func;
	struct pool_workqueue *current_pwq;
	struct worker_pool *pool;
};

/* Since 5.17 a kthread's private data hangs off task->worker_private. */
struct kthread {
	void *data;
};

struct task_struct {
	void *stack;
	unsigned int flags;
	int pid;
	char comm[16];
	void *worker_private;
};

/* Task iterators (iter/task; a tid filter since 6.1). */
struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
};

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
};

#pragma clang attribute pop

/*
 * Enums read with CO-RE (bpf_core_enum_value_exists/bpf_core_enum_value):
 * the values here are placeholders, the running kernel's are used.  Both
 * enums are named only since BH workqueues exist (6.9+); on 6.1 the same
 * bits are anonymous enums and bit 0 of pool->flags is POOL_MANAGER_ACTIVE,
 * so "exists" is false there and nothing is read as BH.
 */
enum worker_pool_flags {
	POOL_BH = 1,
};

enum work_bits {
	WORK_STRUCT_PWQ_BIT = 2,
	WORK_STRUCT_PWQ_SHIFT = 8,
	WORK_OFFQ_BH_BIT = 4,
	WORK_OFFQ_POOL_SHIFT = 21,
};

/* include/linux/sched.h: "I'm a workqueue worker"; unchanged since 2.6.36. */
#define PF_WQ_WORKER	0x00000020

/* include/linux/workqueue.h: WORK_STRUCT_PENDING_BIT is bit 0 since 2.6.36,
 * WORK_STRUCT_INACTIVE_BIT bit 1 (named DELAYED before 5.13; 6.1 and 6.18
 * checked in BTF). */
#define WORK_STRUCT_PENDING	1UL
#define WORK_STRUCT_INACTIVE	2UL

#endif /* __WQMON_CORE_H */
