/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a kernel thread is doing: its kernel stack, from /proc/TID/stack,
 * as one line ("fn [module] < caller < ..., innermost first") that goes
 * into a stall's evidence.  Read once when a stall starts, never per item.
 */
#ifndef WQMON_KSTACK_H
#define WQMON_KSTACK_H

#include <stddef.h>
#include <sys/types.h>

/*
 * /proc/TID/stack's text (lines "[<0>] fn+0x1a/0x50 [module]") as one line
 * "fn [module] < fn < ...": offsets and the address column dropped, at most
 * @len - 1 bytes, cut at a frame boundary with " < ..." when it does not
 * fit.  Return: the number of frames written.
 */
int wq_kstack__format(const char *text, char *out, size_t len);

/*
 * Read and format @tid's kernel stack under @proc_root ("/proc" if NULL).
 * Return: frames written (0: an empty stack, e.g. a task on another CPU
 * right now), or -errno: -EACCES without CAP_SYS_ADMIN, -ENOENT when the
 * task is gone.
 */
int wq_kstack__read(const char *proc_root, pid_t tid, char *out, size_t len);

#endif /* WQMON_KSTACK_H */
