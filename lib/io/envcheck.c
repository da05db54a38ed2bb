// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <linux/capability.h>
#include <bpf/btf.h>

#include "envcheck.h"
#include "log.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif
#define TRACEFS_MAGIC_NR 0x74726163

/* bpf_loop() (5.17) is the newest kernel feature the probes rely on. */
#define MIN_MAJOR 5
#define MIN_MINOR 17

static bool has_cap(const struct __user_cap_data_struct d[2], int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

static void gather_caps(struct wq_env_facts *f)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	f->root = geteuid() == 0;
	if (syscall(SYS_capget, &h, d))
		return;
	f->cap_bpf = has_cap(d, CAP_BPF);
	f->cap_perfmon = has_cap(d, CAP_PERFMON);
	f->cap_sys_admin = has_cap(d, CAP_SYS_ADMIN);
}

bool wq_env__btf_oom(void)
{
	struct btf *btf;

	errno = 0;
	btf = btf__parse("/sys/kernel/btf/vmlinux", NULL);
	if (btf) {
		btf__free(btf);
		return false;
	}
	return errno == ENOMEM;
}

static void gather_btf(struct wq_env_facts *f)
{
	struct btf *btf;

	f->btf = access("/sys/kernel/btf/vmlinux", R_OK) == 0;
	if (!f->btf)
		return;
	btf = btf__load_vmlinux_btf();
	if (!btf) {
		/* libbpf reports any failure as "no valid kernel BTF"
		 * (ESRCH); parse the file itself to tell ENOMEM apart. */
		f->oom = wq_env__btf_oom();
		return;
	}
	f->tp_btf = btf__find_by_name_kind(btf, "btf_trace_workqueue_queue_work",
					   BTF_KIND_TYPEDEF) > 0 &&
		    btf__find_by_name_kind(btf,
					   "btf_trace_workqueue_execute_end",
					   BTF_KIND_TYPEDEF) > 0 &&
		    btf__find_by_name_kind(btf, "btf_trace_sched_switch",
					   BTF_KIND_TYPEDEF) > 0;
	btf__free(btf);
}

static void gather_kallsyms(struct wq_env_facts *f)
{
	FILE *fp = fopen("/proc/kallsyms", "r");
	unsigned long long addr;
	char type, name[128];
	int lines = 0;

	if (!fp)
		return;
	while (lines++ < 64 &&
	       fscanf(fp, "%llx %c %127s%*[^\n]", &addr, &type, name) == 3) {
		if (addr) {
			f->kallsyms_visible = true;
			break;
		}
	}
	fclose(fp);
}

static void gather_lockdown(struct wq_env_facts *f)
{
	FILE *fp = fopen("/sys/kernel/security/lockdown", "r");
	char buf[128] = "", *l, *r;

	snprintf(f->lockdown, sizeof(f->lockdown), "none");
	if (!fp)
		return;
	if (fgets(buf, sizeof(buf), fp)) {
		/* "none [integrity] confidentiality": the bracketed one. */
		l = strchr(buf, '[');
		r = l ? strchr(l, ']') : NULL;
		if (l && r) {
			*r = '\0';
			snprintf(f->lockdown, sizeof(f->lockdown), "%s", l + 1);
		}
	}
	fclose(fp);
}

void wq_env__gather(struct wq_env_facts *f)
{
	struct statfs sfs;
	struct utsname u;

	memset(f, 0, sizeof(*f));
	if (uname(&u) == 0) {
		snprintf(f->release, sizeof(f->release), "%.63s", u.release);
		sscanf(u.release, "%d.%d", &f->major, &f->minor);
	}
	gather_caps(f);
	gather_btf(f);
	f->tracefs_mounted = statfs("/sys/kernel/tracing", &sfs) == 0 &&
			     sfs.f_type == TRACEFS_MAGIC_NR;
	f->tp_tracefs =
		access("/sys/kernel/tracing/events/workqueue/workqueue_queue_work",
		       F_OK) == 0 ||
		access("/sys/kernel/debug/tracing/events/workqueue", F_OK) == 0;
	gather_kallsyms(f);
	gather_lockdown(f);
}

static struct wq_env_result *add(struct wq_env_result *r, int *n,
				 const char *what, enum wq_env_status st)
{
	struct wq_env_result *x = &r[(*n)++];

	x->what = what;
	x->status = st;
	x->detail[0] = '\0';
	return x;
}

#define SAY(x, ...) snprintf((x)->detail, sizeof((x)->detail), __VA_ARGS__)

int wq_env__judge(const struct wq_env_facts *f, struct wq_env_result *r)
{
	struct wq_env_result *x;
	bool caps = f->cap_sys_admin || (f->cap_bpf && f->cap_perfmon);
	bool new_enough = f->major > MIN_MAJOR ||
			  (f->major == MIN_MAJOR && f->minor >= MIN_MINOR);
	int n = 0;

	if (f->oom) {
		x = add(r, &n, "memory", WQ_ENV_FAIL);
		SAY(x, "%s", WQ_ENV_OOM_HINT);
	}
	x = add(r, &n, "privileges", caps ? WQ_ENV_OK : WQ_ENV_FAIL);
	if (caps)
		SAY(x, "%s", f->root ? "root" : "CAP_BPF and CAP_PERFMON");
	else
		SAY(x, "not root and no CAP_BPF+CAP_PERFMON: run as root "
		       "(sudo), or attach to a running wqmond");

	x = add(r, &n, "kernel", new_enough ? WQ_ENV_OK : WQ_ENV_FAIL);
	if (new_enough)
		SAY(x, "%s (>= %d.%d)", f->release, MIN_MAJOR, MIN_MINOR);
	else
		SAY(x, "%s is older than %d.%d: the probes need bpf_loop(); "
		       "upgrade the kernel, or read /proc/workqueues from the "
		       "refwq module", f->release, MIN_MAJOR, MIN_MINOR);

	x = add(r, &n, "BTF", f->btf ? WQ_ENV_OK : WQ_ENV_FAIL);
	if (f->btf)
		SAY(x, "/sys/kernel/btf/vmlinux");
	else
		SAY(x, "no /sys/kernel/btf/vmlinux: CO-RE probes need a kernel "
		       "built with CONFIG_DEBUG_INFO_BTF=y");

	if (f->tp_btf) {
		x = add(r, &n, "tracepoints", WQ_ENV_OK);
		SAY(x, "workqueue_{queue,activate,execute_start,execute_end} "
		       "and sched_switch, tp_btf");
	} else if (f->tp_tracefs) {
		x = add(r, &n, "tracepoints", WQ_ENV_WARN);
		SAY(x, "no BTF for the workqueue tracepoints: falling back to "
		       "raw_tp (slower)");
	} else {
		x = add(r, &n, "tracepoints", f->btf ? WQ_ENV_FAIL : WQ_ENV_WARN);
		SAY(x, "workqueue tracepoints not found: kernel needs "
		       "CONFIG_TRACEPOINTS (and tracefs to list them)");
	}

	x = add(r, &n, "tracefs", f->tracefs_mounted ? WQ_ENV_OK : WQ_ENV_WARN);
	if (f->tracefs_mounted)
		SAY(x, "/sys/kernel/tracing");
	else
		SAY(x, "not mounted (wqmon does not need it; perf and the tests "
		       "do): mount -t tracefs nodev /sys/kernel/tracing");

	x = add(r, &n, "kallsyms",
		f->kallsyms_visible ? WQ_ENV_OK : WQ_ENV_WARN);
	if (f->kallsyms_visible)
		SAY(x, "work functions will be shown by name");
	else
		SAY(x, "addresses hidden: functions shown as addresses; run as "
		       "root or set kernel.kptr_restrict=0");

	x = add(r, &n, "lockdown",
		strcmp(f->lockdown, "confidentiality") ? WQ_ENV_OK :
							 WQ_ENV_FAIL);
	if (x->status == WQ_ENV_OK)
		SAY(x, "%s", f->lockdown);
	else
		SAY(x, "kernel lockdown=confidentiality forbids reading kernel "
		       "memory from BPF: boot with lockdown=integrity or none");
	return n;
}

int wq_env__report(FILE *out, bool color)
{
	static const char *const label[] = { "ok", "warn", "FAIL" };
	static const char *const col[] = { "\033[32m", "\033[33m", "\033[31m" };
	struct wq_env_result r[WQ_ENV_MAX_RESULTS];
	struct wq_env_facts f;
	int n, bad = 0;

	wq_env__gather(&f);
	n = wq_env__judge(&f, r);
	fprintf(out, "wqmon environment check, kernel %s\n", f.release);
	for (int i = 0; i < n; i++) {
		fprintf(out, "  %s%-4s%s  %-12s %s\n", color ? col[r[i].status] : "",
			label[r[i].status], color ? "\033[0m" : "", r[i].what,
			r[i].detail);
		bad |= r[i].status == WQ_ENV_FAIL;
	}
	fprintf(out, bad ? "the probes cannot run here: fix the FAIL lines\n" :
			   "the probes can run here\n");
	return bad;
}

int wq_env__require_probes(void)
{
	struct wq_env_result r[WQ_ENV_MAX_RESULTS];
	struct wq_env_facts f;
	int n;

	wq_env__gather(&f);
	n = wq_env__judge(&f, r);
	for (int i = 0; i < n; i++) {
		if (r[i].status != WQ_ENV_FAIL)
			continue;
		pr_err("%s: %s\n", r[i].what, r[i].detail);
		if (!strcmp(r[i].what, "privileges"))
			return -EPERM;
		if (!strcmp(r[i].what, "memory"))
			return -ENOMEM;
		if (!strcmp(r[i].what, "BTF"))
			return -ENOENT;
		return -ENOTSUP;
	}
	return 0;
}
