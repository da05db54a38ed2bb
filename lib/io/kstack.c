// SPDX-License-Identifier: GPL-2.0
/* A kernel thread's stack as one line (kstack.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kstack.h"

#define SEP " < "
#define CUT " < ..."

/* One line of /proc/TID/stack as "fn [module]" in @f; false if it holds no
 * symbol. */
static bool frame(const char *line, size_t n, char *f, size_t flen)
{
	const char *end = line + n, *sym, *plus, *mod;
	size_t sl, ml = 0;

	/* "[<0>] ": the address column (zeroed for non-root readers). */
	sym = memchr(line, ']', n);
	sym = sym ? sym + 1 : line;
	while (sym < end && *sym == ' ')
		sym++;
	plus = sym;
	while (plus < end && *plus != '+' && *plus != ' ')
		plus++;
	sl = (size_t)(plus - sym);
	if (!sl)
		return false;
	mod = memchr(plus, '[', (size_t)(end - plus));
	if (mod) {
		const char *close = memchr(mod, ']', (size_t)(end - mod));

		ml = close ? (size_t)(close - mod) + 1 : 0;
	}
	snprintf(f, flen, "%.*s%s%.*s", (int)sl, sym, ml ? " " : "", (int)ml,
		 mod ? mod : "");
	return true;
}

int wq_kstack__format(const char *text, char *out, size_t len)
{
	const char *p = text;
	size_t used = 0;
	int n = 0;

	if (!len)
		return 0;
	out[0] = '\0';
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t ll = nl ? (size_t)(nl - p) : strlen(p);
		size_t need, sep;
		char f[256];

		if (frame(p, ll, f, sizeof(f))) {
			sep = n ? strlen(SEP) : 0;
			need = sep + strlen(f);
			/* Room for this frame, and for the cut mark after it. */
			if (used + need + strlen(CUT) >= len) {
				if (n && used + strlen(CUT) < len)
					strcpy(out + used, CUT);
				break;
			}
			snprintf(out + used, len - used, "%s%s", sep ? SEP : "", f);
			used += need;
			n++;
		}
		p = nl ? nl + 1 : NULL;
	}
	return n;
}

int wq_kstack__read(const char *proc_root, pid_t tid, char *out, size_t len)
{
	char path[128], buf[4096];
	ssize_t got;
	size_t used = 0;
	int fd, err = 0;

	if (len)
		out[0] = '\0';
	snprintf(path, sizeof(path), "%s/%d/stack", proc_root ? proc_root : "/proc",
		 (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	/* A few dozen frames at most: what does not fit is left out. */
	while (used < sizeof(buf) - 1) {
		got = read(fd, buf + used, sizeof(buf) - 1 - used);
		if (got < 0) {
			err = -errno;
			break;
		}
		if (!got)
			break;
		used += (size_t)got;
	}
	close(fd);
	if (err)
		return err;
	buf[used] = '\0';
	return wq_kstack__format(buf, out, len);
}
