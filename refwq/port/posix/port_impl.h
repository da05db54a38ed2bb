/* SPDX-License-Identifier: GPL-2.0 */
/* POSIX threads port: the object types behind refwq/port/port.h. */
#ifndef REFWQ_PORT_IMPL_H
#define REFWQ_PORT_IMPL_H

#include <pthread.h>

struct refwq_port_lock {
	pthread_mutex_t mutex;
	pthread_t owner; /* valid while held: for refwq_port_lock_held() */
	int held;
};

struct refwq_port_cond {
	pthread_cond_t cond; /* CLOCK_MONOTONIC */
};

struct refwq_port_thread {
	pthread_t thread;
	void (*fn)(void *);
	void *arg;
	char name[16];
};

#endif /* REFWQ_PORT_IMPL_H */
