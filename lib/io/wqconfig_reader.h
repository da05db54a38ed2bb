/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reads the workqueue configuration (lib/core/wqconfig.h) from the running
 * kernel without debug info: a BPF task iterator walks the kernel's
 * workqueue list (bpf/wqconfig.bpf.c), BTF names the flag bits, sysfs gives
 * the system's workqueue cpumasks.
 */
#ifndef WQMON_WQCONFIG_READER_H
#define WQMON_WQCONFIG_READER_H

#include <stddef.h>
#include "wqconfig.h"

struct wq_config_reader;

/*
 * Load the walk (needs CAP_BPF and CAP_PERFMON, and kernel BTF).
 * Return: 0, or -errno with one line saying what to do in @err.
 */
int wq_config_reader__open(struct wq_config_reader **out, char *err,
			   size_t errlen);
void wq_config_reader__close(struct wq_config_reader *r);

/*
 * Walk the kernel's workqueues now into @c (freed first with
 * wq_config__free).  Needs only the loaded program: the daemon calls it
 * after dropping privileges.  Return: 0, or -errno with one line in @err.
 */
int wq_config_reader__read(struct wq_config_reader *r, struct wq_config *c,
			   char *err, size_t errlen);

#endif /* WQMON_WQCONFIG_READER_H */
