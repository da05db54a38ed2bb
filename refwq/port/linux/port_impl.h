/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux kernel port: the object types behind refwq/port/port.h, as opaque
 * storage.  The core must not see <linux/mutex.h> and friends (they define
 * list_add, WARN_ON_ONCE, container_of... which the core defines for
 * itself), so only port.c knows what lives inside; it checks with static
 * assertions that these sizes and alignments hold the real objects.
 */
#ifndef REFWQ_PORT_IMPL_H
#define REFWQ_PORT_IMPL_H

/* struct mutex plus its owner (for refwq_port_lock_held()). */
struct refwq_port_lock {
	unsigned long opaque[10];
};

/* A wait queue head and a wake-up sequence number. */
struct refwq_port_cond {
	unsigned long opaque[6];
};

/* The kthread, its function, and the thread's "current worker" pointer. */
struct refwq_port_thread {
	unsigned long opaque[10];
};

#endif /* REFWQ_PORT_IMPL_H */
