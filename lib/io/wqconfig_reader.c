// SPDX-License-Identifier: GPL-2.0
/*
 * The workqueue configuration from the running kernel: see
 * wqconfig_reader.h and bpf/wqconfig.bpf.c.
 *
 * What BPF cannot know is read here from the kernel's BTF once: the values
 * of the flag bits (WQ_UNBOUND, POOL_BH...: enums that changed meaning
 * between 6.1 and 6.18), the names of the affinity scopes, and the layout
 * of a cpumask_var_t (a pointer with CPUMASK_OFFSTACK, an array without;
 * CO-RE cannot relocate across that difference).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "cpulist.h"
#include "kbtf.h"
#include "log.h"
#include "wqconfig_reader.h"
#include "wqcfg.h"	/* bpf/: the walk's records */
#include "wqconfig.skel.h"

#define SYSFS_WQ "/sys/devices/virtual/workqueue/"
#define DEFAULT_SCOPE "/sys/module/workqueue/parameters/default_affinity_scope"

/* Our flag bit <- the kernel's enumerator, with the value it has had in
 * every kernel since 3.x as the fallback when BTF lacks the enum (WQ_BH,
 * 6.9+, has none: a kernel without it has no BH workqueues). */
static const struct {
	const char *name;
	unsigned ours;
	unsigned fallback;
} wq_flag_map[] = {
	{ "WQ_BH", WQ_CFG_BH, 0 },
	{ "WQ_UNBOUND", WQ_CFG_UNBOUND, 1u << 1 },
	{ "WQ_FREEZABLE", WQ_CFG_FREEZABLE, 1u << 2 },
	{ "WQ_MEM_RECLAIM", WQ_CFG_MEM_RECLAIM, 1u << 3 },
	{ "WQ_HIGHPRI", WQ_CFG_HIGHPRI, 1u << 4 },
	{ "WQ_CPU_INTENSIVE", WQ_CFG_CPU_INTENSIVE, 1u << 5 },
	{ "WQ_SYSFS", WQ_CFG_SYSFS, 1u << 6 },
	{ "WQ_POWER_EFFICIENT", WQ_CFG_POWER_EFFICIENT, 1u << 7 },
	{ "WQ_PERCPU", WQ_CFG_PERCPU, 0 },
	{ "__WQ_ORDERED", WQ_CFG_ORDERED, 1u << 17 },
};
#define NR_WQ_FLAGS (sizeof(wq_flag_map) / sizeof(wq_flag_map[0]))

#define NR_SCOPES 8

struct wq_config_reader {
	struct wqconfig_bpf *skel;
	struct bpf_link *link;
	int nr_cpus;
	unsigned kflag[NR_WQ_FLAGS];	/* the kernel's value of each */
	unsigned pool_bh;		/* POOL_BH, 0 before 6.9 */
	char scope[NR_SCOPES][16];	/* enum wq_affn_scope names */
};

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	return wq_log__libbpf(level, fmt, ap);
}

/* enum wq_affn_scope (6.5+): WQ_AFFN_CACHE -> "cache", DFL -> "default". */
static void read_scopes(struct wq_config_reader *r, const struct btf *btf)
{
	int id = btf__find_by_name_kind(btf, "wq_affn_scope", BTF_KIND_ENUM);
	const struct btf_type *t;

	if (id <= 0)
		return;
	t = btf__type_by_id(btf, id);
	for (int i = 0; i < btf_vlen(t); i++) {
		const struct btf_enum *e = &btf_enum(t)[i];
		const char *s = btf__name_by_offset(btf, e->name_off);
		char *d;

		if (e->val < 0 || e->val >= NR_SCOPES ||
		    strncmp(s, "WQ_AFFN_", 8) || !strcmp(s, "WQ_AFFN_NR_TYPES"))
			continue;
		s += 8;
		if (!strcmp(s, "DFL"))
			s = "DEFAULT";
		d = r->scope[e->val];
		snprintf(d, sizeof(r->scope[0]), "%s", s);
		for (; *d; d++)
			*d = (char)tolower((unsigned char)*d);
	}
}

/* The byte offset of member @field of struct workqueue_attrs, or -1. */
static int attrs_offset(const struct btf *btf, const char *field)
{
	int id = btf__find_by_name_kind(btf, "workqueue_attrs", BTF_KIND_STRUCT);
	const struct btf_type *t;

	if (id <= 0)
		return -1;
	t = btf__type_by_id(btf, id);
	for (int i = 0; i < btf_vlen(t); i++)
		if (!strcmp(btf__name_by_offset(btf, btf_members(t)[i].name_off),
			    field))
			return (int)(btf_member_bit_offset(t, (__u32)i) / 8);
	return -1;
}

/* cpumask_var_t's layout, and how many bytes of a cpumask to copy. */
static int cpumask_layout(const struct btf *btf, bool *offstack,
			  __u32 *bytes)
{
	int id = btf__find_by_name_kind(btf, "cpumask_var_t", BTF_KIND_TYPEDEF);
	int mask = btf__find_by_name_kind(btf, "cpumask", BTF_KIND_STRUCT);
	const struct btf_type *t;
	__s64 size;

	if (id <= 0 || mask <= 0)
		return -ENOENT;
	t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
	*offstack = btf_is_ptr(t);
	if (!*offstack && !btf_is_array(t))
		return -ENOENT;
	size = btf__resolve_size(btf, mask);
	if (size <= 0)
		return -ENOENT;
	*bytes = size > WQCFG_MASK_WORDS * 8 ? WQCFG_MASK_WORDS * 8 : (__u32)size;
	return 0;
}

int wq_config_reader__open(struct wq_config_reader **out, char *err,
			   size_t errlen)
{
	struct wq_config_reader *r = calloc(1, sizeof(*r));
	struct btf *btf;
	long long v;
	bool offstack = false;
	__u32 bytes = 0;
	int e, mask_off, scope_off;

	if (!r)
		return -ENOMEM;
	libbpf_set_print(libbpf_print);
	btf = btf__load_vmlinux_btf();
	if (!btf) {
		e = -errno;
		snprintf(err, errlen, "no kernel BTF (/sys/kernel/btf/vmlinux): "
			 "the configuration view needs a kernel built with "
			 "CONFIG_DEBUG_INFO_BTF");
		free(r);
		return e ? e : -ENOENT;
	}
	for (size_t i = 0; i < NR_WQ_FLAGS; i++)
		r->kflag[i] = wq_btf__enumerator(btf, wq_flag_map[i].name, &v) ?
			      (unsigned)v : wq_flag_map[i].fallback;
	if (wq_btf__enumerator(btf, "POOL_BH", &v))
		r->pool_bh = (unsigned)v;
	read_scopes(r, btf);
	e = cpumask_layout(btf, &offstack, &bytes);
	mask_off = attrs_offset(btf, "cpumask");
	scope_off = attrs_offset(btf, "affn_scope");
	btf__free(btf);
	if (!e && mask_off < 0)
		e = -ENOENT;
	if (e) {
		snprintf(err, errlen, "this kernel's BTF has no workqueue_attrs "
			 "cpumask as wqmon knows it: the configuration view "
			 "cannot run here");
		free(r);
		return e;
	}
	r->nr_cpus = libbpf_num_possible_cpus();
	r->skel = wqconfig_bpf__open();
	if (!r->skel || r->nr_cpus <= 0) {
		e = r->skel ? r->nr_cpus : -errno;
		snprintf(err, errlen, "cannot open the configuration walk: %s",
			 strerror(-e));
		wqconfig_bpf__destroy(r->skel);
		free(r);
		return e ? e : -EINVAL;
	}
	r->skel->rodata->cpumask_offstack = offstack;
	r->skel->rodata->attrs_cpumask_off = (__u32)mask_off;
	r->skel->rodata->attrs_scope_off = scope_off < 0 ? 0 : (__u32)scope_off;
	r->skel->rodata->cpumask_bytes = bytes;
	e = wqconfig_bpf__load(r->skel);
	if (!e) {
		r->link = bpf_program__attach_iter(r->skel->progs.walk_config,
						   NULL);
		if (!r->link)
			e = -errno;
	}
	if (e) {
		snprintf(err, errlen, "cannot load the configuration walk: %s%s",
			 strerror(-e), e == -EPERM ?
			 " (run as root: it needs CAP_BPF and CAP_PERFMON)" : "");
		wq_config_reader__close(r);
		return e;
	}
	*out = r;
	return 0;
}

void wq_config_reader__close(struct wq_config_reader *r)
{
	if (!r)
		return;
	bpf_link__destroy(r->link);
	wqconfig_bpf__destroy(r->skel);
	free(r);
}

static unsigned our_flags(const struct wq_config_reader *r, __u32 kflags)
{
	unsigned f = 0;

	for (size_t i = 0; i < NR_WQ_FLAGS; i++)
		if (r->kflag[i] && (kflags & r->kflag[i]))
			f |= wq_flag_map[i].ours;
	return f;
}

static void mask_to_set(const __u64 *mask, int nr_cpus, struct wq_cpuset *s)
{
	memset(s, 0, sizeof(*s));
	for (int cpu = 0; cpu < nr_cpus && cpu < WQCFG_MASK_WORDS * 64; cpu++)
		if (mask[cpu / 64] >> (cpu % 64) & 1)
			s->bits[cpu / 64] |= 1ULL << (cpu % 64);
}

/* The first line of @path without its newline; "" when absent. */
static void read_line(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "re");

	out[0] = '\0';
	if (!f)
		return;
	if (!fgets(out, (int)len, f))
		out[0] = '\0';
	fclose(f);
	out[strcspn(out, "\n")] = '\0';
}

/* A sysfs hex bitmap ("ff,ffffffff": 32-bit groups, most significant
 * first) in list format; "" when the file is absent. */
static void read_sysfs_mask(const char *name, char *out, size_t len)
{
	char path[128], line[1024], *p, *end;
	struct wq_cpuset s = {0};
	size_t ngroups = 1;

	out[0] = '\0';
	snprintf(path, sizeof(path), SYSFS_WQ "%s", name);
	read_line(path, line, sizeof(line));
	if (!*line)
		return;
	for (p = line; *p; p++)
		ngroups += *p == ',';
	p = line;
	for (size_t g = ngroups; g-- > 0;) {
		unsigned long v = strtoul(p, &end, 16);

		for (int b = 0; b < 32; b++)
			if (v >> b & 1 && g * 32 + (size_t)b < WQ_CPULIST_MAX) {
				size_t cpu = g * 32 + (size_t)b;

				s.bits[cpu / 64] |= 1ULL << (cpu % 64);
			}
		p = *end == ',' ? end + 1 : end;
	}
	wq_cpuset__format(&s, out, len);
}

static int cmp_wq(const void *a, const void *b)
{
	return strcmp(((const struct wq_cfg_wq *)a)->name,
		      ((const struct wq_cfg_wq *)b)->name);
}

static int cmp_pool(const void *a, const void *b)
{
	const struct wq_cfg_pool *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Which pool CPU @cpu queues to: a per-CPU workqueue's pool of that CPU;
 * an unbound one's pool whose cpumask holds @cpu (the pod's), else its
 * default pool. */
static int cpu_pool(const struct wqconfig_bpf__bss *k,
		    const struct wqcfg_wq *kw, int cpu)
{
	for (__u32 i = 0; i < kw->nr_pwqs; i++) {
		int id = k->pwqs[kw->first_pwq + i].pool;
		const struct wqcfg_pool *p;
		__u16 idx;

		if (id < 0 || id >= WQCFG_POOL_IDS)
			continue;
		idx = k->pool_index[id];
		if (!idx || idx > WQCFG_MAX_POOLS)
			continue;
		p = &k->pools[idx - 1];
		if (!kw->has_mask) {
			if (p->cpu == cpu)
				return id;
			continue;
		}
		if (id == kw->dfl_pool || cpu >= WQCFG_MASK_WORDS * 64)
			continue;
		if (p->mask[cpu / 64] >> (cpu % 64) & 1)
			return id;
	}
	return kw->has_mask ? kw->dfl_pool : WQ_CFG_NONE;
}

static int decode(struct wq_config_reader *r, struct wq_config *c)
{
	struct wqconfig_bpf__bss *k = r->skel->bss;
	__u32 nw = k->summary.nr_wqs, np = k->summary.nr_pools;
	struct wq_cpuset s;

	if (nw > WQCFG_MAX_WQS || np > WQCFG_MAX_POOLS ||
	    k->summary.nr_pwqs > WQCFG_MAX_PWQS)
		return -EIO;
	c->nr_cpus = r->nr_cpus;
	c->complete = k->summary.done;
	c->wqs_dropped = k->summary.wqs_dropped;
	c->pwqs_dropped = k->summary.pwqs_dropped;
	c->pools_dropped = k->summary.pools_dropped;
	c->pools = calloc(np ? np : 1, sizeof(*c->pools));
	c->wqs = calloc(nw ? nw : 1, sizeof(*c->wqs));
	if (!c->pools || !c->wqs)
		return -ENOMEM;
	for (__u32 i = 0; i < np; i++) {
		const struct wqcfg_pool *kp = &k->pools[i];
		struct wq_cfg_pool *p = &c->pools[i];

		p->id = kp->id;
		p->cpu = kp->cpu;
		p->node = kp->node;
		p->nice = kp->nice;
		p->bh = r->pool_bh && (kp->flags & r->pool_bh);
		p->workers = kp->nr_workers;
		p->idle = kp->nr_idle;
		p->running = kp->nr_running;
		mask_to_set(kp->mask, r->nr_cpus, &s);
		wq_cpuset__format(&s, p->cpus, sizeof(p->cpus));
	}
	c->nr_pools = np;
	qsort(c->pools, np, sizeof(*c->pools), cmp_pool);
	for (__u32 i = 0; i < nw; i++) {
		const struct wqcfg_wq *kw = &k->wqs[i];
		struct wq_cfg_wq *w = &c->wqs[i];

		if (kw->first_pwq + kw->nr_pwqs > k->summary.nr_pwqs)
			return -EIO;
		memcpy(w->name, kw->name, sizeof(w->name));
		w->name[sizeof(w->name) - 1] = '\0';
		w->flags = our_flags(r, kw->flags);
		w->max_active = kw->max_active;
		w->saved_max_active = kw->saved_max_active;
		w->min_active = kw->min_active;
		w->rescuer = kw->rescuer;
		w->nice = kw->nice;
		w->affinity_strict = kw->affn_strict;
		if (kw->affn_scope >= 0 && kw->affn_scope < NR_SCOPES)
			snprintf(w->affinity_scope, sizeof(w->affinity_scope),
				 "%s", r->scope[kw->affn_scope]);
		w->default_pool = kw->dfl_pool;
		w->pwqs_dropped = kw->pwqs_dropped;
		if (kw->has_mask) {
			mask_to_set(kw->mask, r->nr_cpus, &s);
			wq_cpuset__format(&s, w->cpus, sizeof(w->cpus));
		}
		w->pools = calloc(kw->nr_pwqs ? kw->nr_pwqs : 1,
				  sizeof(*w->pools));
		w->cpu_pool = calloc((size_t)r->nr_cpus, sizeof(*w->cpu_pool));
		c->nr_wqs = i + 1;	/* freed with the rest from here on */
		if (!w->pools || !w->cpu_pool)
			return -ENOMEM;
		for (__u32 j = 0; j < kw->nr_pwqs; j++) {
			const struct wqcfg_pwq *pw = &k->pwqs[kw->first_pwq + j];
			size_t n;

			w->active += pw->nr_active;
			for (n = 0; n < w->nr_pools; n++)
				if (w->pools[n] == pw->pool)
					break;
			if (n == w->nr_pools)
				w->pools[w->nr_pools++] = pw->pool;
		}
		for (int cpu = 0; cpu < r->nr_cpus; cpu++)
			w->cpu_pool[cpu] = cpu_pool(k, kw, cpu);
	}
	/* Sorted last: cpu_pool() read the kernel's records by index. */
	qsort(c->wqs, nw, sizeof(*c->wqs), cmp_wq);
	read_sysfs_mask("cpumask_requested", c->cpumask_requested,
			sizeof(c->cpumask_requested));
	read_sysfs_mask("cpumask", c->cpumask_effective,
			sizeof(c->cpumask_effective));
	read_sysfs_mask("cpumask_isolated", c->cpumask_isolated,
			sizeof(c->cpumask_isolated));
	read_line(DEFAULT_SCOPE, c->default_affinity_scope,
		  sizeof(c->default_affinity_scope));
	return 0;
}

int wq_config_reader__read(struct wq_config_reader *r, struct wq_config *c,
			   char *err, size_t errlen)
{
	struct timespec ts;
	char buf[64];
	ssize_t n;
	int fd, e = 0;

	wq_config__free(c);
	memset(r->skel->bss, 0, sizeof(*r->skel->bss));
	fd = bpf_iter_create(bpf_link__fd(r->link));
	if (fd < 0) {
		e = -errno;
		snprintf(err, errlen, "cannot run the configuration walk: %s",
			 strerror(-e));
		return e;
	}
	/* The program writes nothing to the file: reading runs it. */
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	if (n < 0)
		e = -errno;
	close(fd);
	if (e) {
		snprintf(err, errlen, "the configuration walk failed: %s",
			 strerror(-e));
		return e;
	}
	if (!r->skel->bss->summary.nr_wqs) {
		snprintf(err, errlen, "the configuration walk found no "
			 "workqueue (no rescuer thread to start from)");
		return -ENOENT;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	c->time_ns = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	e = decode(r, c);
	if (e) {
		wq_config__free(c);
		snprintf(err, errlen, "cannot decode the configuration walk: %s",
			 strerror(-e));
	}
	return e;
}
