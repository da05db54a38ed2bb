/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Dropping privileges once the probes are loaded.  Loading and attaching
 * BPF programs needs CAP_BPF, CAP_PERFMON and (on old kernels) a raised
 * memlock limit; reading /proc/kallsyms and /dev/kmsg needs CAP_SYSLOG.
 * All of that happens at start.  Afterwards the daemon only reads maps it
 * holds open and runs its sweep program, which before Linux 6.5 still
 * needs CAP_BPF when unprivileged BPF is disabled - so CAP_BPF is the one
 * capability kept, and only while a kernel source is up.
 */
#ifndef WQMOND_PRIVS_H
#define WQMOND_PRIVS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Switch to @user (when non-empty and running as root), then keep only
 * CAP_BPF (when @keep_bpf) in the permitted and effective sets, clear the
 * inheritable and ambient sets and, where allowed, the bounding set, and
 * set no_new_privs so nothing run later (the alert hook) regains any.
 * A failed user switch does not stop the rest.
 * Return: 0, or -errno with a one-line reason in @err.
 */
int wqd_privs__drop(const char *user, bool keep_bpf, char *err, size_t errlen);

/* "cap_bpf" or "none": the capabilities left, for the log line. */
const char *wqd_privs__describe(char *buf, size_t len);

/* Does @user name an account?  (--check-config) */
bool wqd_privs__user_exists(const char *user);

#endif
