// SPDX-License-Identifier: GPL-2.0
/* CPU lists (cpulist.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cpulist.h"

int wq_cpuset__count(const struct wq_cpuset *s)
{
	int n = 0;

	for (size_t i = 0; i < sizeof(s->bits) / sizeof(s->bits[0]); i++)
		n += __builtin_popcountll(s->bits[i]);
	return n;
}

static void set_cpu(struct wq_cpuset *s, int cpu)
{
	s->bits[cpu / 64] |= 1ULL << (cpu % 64);
}

/* A CPU number at *@p, below WQ_CPULIST_MAX; *@p moves past it. */
static bool get_cpu(const char **p, int *cpu)
{
	long v = 0;

	if (**p < '0' || **p > '9')
		return false;
	while (**p >= '0' && **p <= '9') {
		v = v * 10 + (*(*p)++ - '0');
		if (v >= WQ_CPULIST_MAX)
			return false;
	}
	*cpu = (int)v;
	return true;
}

int wq_cpuset__parse(struct wq_cpuset *s, const char *list, char *err,
		     size_t errlen)
{
	const char *p = list;
	size_t n = strcspn(list, "\n");

	if (!n || (n == 6 && !strncmp(list, "(null)", 6)))
		return 0;
	while (p < list + n) {
		const char *tok = p;
		int a, b;

		if (!get_cpu(&p, &a))
			goto bad;
		b = a;
		if (*p == '-') {
			p++;
			if (!get_cpu(&p, &b) || b < a)
				goto bad;
		}
		if (p < list + n && (*p++ != ',' || p == list + n))
			goto bad;	/* not a comma, or one that ends the list */
		for (int c = a; c <= b; c++)
			set_cpu(s, c);
		continue;
bad:
		snprintf(err, errlen, "bad CPU list '%.*s' at '%.*s': give CPU "
			 "numbers below %d and ranges, e.g. 1,3-5", (int)n, list,
			 (int)(list + n - tok), tok, WQ_CPULIST_MAX);
		return -EINVAL;
	}
	return 0;
}

void wq_cpuset__format(const struct wq_cpuset *s, char *out, size_t len)
{
	size_t used = 0;

	if (!len)
		return;
	out[0] = '\0';
	for (int c = 0; c < WQ_CPULIST_MAX && used < len; c++) {
		int e = c;

		if (!wq_cpuset__has(s, c))
			continue;
		while (e + 1 < WQ_CPULIST_MAX && wq_cpuset__has(s, e + 1))
			e++;
		used += (size_t)snprintf(out + used, len - used,
					 e > c ? "%s%d-%d" : "%s%d",
					 used ? "," : "", c, e);
		c = e;
	}
}

int wq_cpuset__read(struct wq_cpuset *s, const char *path, char *err,
		    size_t errlen)
{
	char line[4096];
	FILE *f = fopen(path, "re");
	int ret;

	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "cannot read %s: %s", path,
			 strerror(-ret));
		return ret;
	}
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	fclose(f);
	return wq_cpuset__parse(s, line, err, errlen);
}
