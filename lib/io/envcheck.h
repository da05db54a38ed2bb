/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the probes need from the machine, and what to do when it is missing.
 * Facts are gathered by wq_env__gather() (I/O); the rules in wq_env__judge()
 * are pure, so every message is unit-tested without root.
 */
#ifndef WQMON_ENVCHECK_H
#define WQMON_ENVCHECK_H

#include <stdbool.h>
#include <stdio.h>

struct wq_env_facts {
	char release[64];	/* uname -r */
	int major, minor;
	bool root;
	bool cap_bpf, cap_perfmon, cap_sys_admin;
	bool btf;		/* /sys/kernel/btf/vmlinux readable */
	bool tp_btf;		/* BTF has btf_trace_workqueue_* and sched_switch */
	bool tp_tracefs;	/* events/workqueue/ in tracefs */
	bool tracefs_mounted;
	bool kallsyms_visible;	/* addresses not all zero */
	char lockdown[32];	/* "none", "integrity", "confidentiality" */
	bool oom;		/* reading the kernel BTF ran out of memory */
};

/* What to say when loading BTF or the probes fails with ENOMEM. */
#define WQ_ENV_OOM_HINT                                                  \
	"out of memory (reading the kernel BTF and loading the probes "  \
	"needs tens of MB): raise the memory limit (ulimit -v, systemd " \
	"MemoryMax=) or free memory"

enum wq_env_status { WQ_ENV_OK, WQ_ENV_WARN, WQ_ENV_FAIL };

struct wq_env_result {
	const char *what;
	enum wq_env_status status;
	char detail[256];	/* what was found, and what to do about it */
};

#define WQ_ENV_MAX_RESULTS 9

void wq_env__gather(struct wq_env_facts *f);
/* Return: the number of results filled in @r. */
int wq_env__judge(const struct wq_env_facts *f, struct wq_env_result *r);
/* Print the report; Return: 0 when the probes can run, else 1. */
int wq_env__report(FILE *out, bool color);
/* Before loading: print the first blocking problem as one line.
 * Return: 0, or -EPERM / -ENOENT / -ENOTSUP. */
int wq_env__require_probes(void);
/* true if parsing /sys/kernel/btf/vmlinux fails for want of memory (libbpf
 * says "failed to find valid kernel BTF", ESRCH, for that too). */
bool wq_env__btf_oom(void);

#endif
