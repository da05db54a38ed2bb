/* SPDX-License-Identifier: GPL-2.0 */
/* refwq.ko: what its files share. */
#ifndef REFWQ_KMOD_H
#define REFWQ_KMOD_H

/* The source name in /proc/workqueues' header. */
#define REFWQ_KMOD_SOURCE "kmod"

int refwq_proc_init(void);
void refwq_proc_exit(void);

/* Run the self-test; prints one line per case and a summary line
 * "refwq: selftest: N passed, M failed".  Return: the number failed. */
int refwq_selftest(void);

/* The known load left in place for readers of /proc/workqueues: @n items
 * on the unbound "kmod_load" queue and @n on refwq's system queue.
 * Return: 0 or -errno. */
int refwq_kmod_load_start(unsigned int n);
void refwq_kmod_load_stop(void);

#endif /* REFWQ_KMOD_H */
