/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU lists as the kernel writes them ("0-3,8,10-11": cpuset(7)'s list
 * format, /sys/devices/system/cpu/isolated, nohz_full, the isolcpus=
 * parameter), to and from a bitmap of WQ_CPULIST_MAX CPUs.
 */
#ifndef WQMON_CPULIST_H
#define WQMON_CPULIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WQ_CPULIST_MAX	4096

struct wq_cpuset {
	uint64_t bits[WQ_CPULIST_MAX / 64];
};

static inline bool wq_cpuset__has(const struct wq_cpuset *s, int cpu)
{
	return cpu >= 0 && cpu < WQ_CPULIST_MAX &&
	       (s->bits[cpu / 64] >> (cpu % 64) & 1);
}

/* How many CPUs are in @s. */
int wq_cpuset__count(const struct wq_cpuset *s);

/*
 * Add the CPUs of @list to @s.  "" and "(null)" (what sysfs shows for an
 * empty mask) add nothing.  Return: 0, or -EINVAL with the reason in @err
 * (a bad token, a range backwards, a CPU of WQ_CPULIST_MAX or more).
 */
int wq_cpuset__parse(struct wq_cpuset *s, const char *list, char *err,
		     size_t errlen);

/* @s in list format ("0-3,8"; "" when empty), cut to @len. */
void wq_cpuset__format(const struct wq_cpuset *s, char *out, size_t len);

/* Add the CPUs listed in the file @path (one line, as sysfs has it).
 * Return: 0, -errno when it cannot be read, or -EINVAL as above. */
int wq_cpuset__read(struct wq_cpuset *s, const char *path, char *err,
		    size_t errlen);

#endif /* WQMON_CPULIST_H */
