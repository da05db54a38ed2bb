/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bytes of the text view (docs/FORMAT.md) that every renderer must
 * agree on: lib/core/text.c in user space and refwq/kmod/refwq_proc.c in a
 * kernel.  One definition, so the format the module prints is the format
 * the daemon parses.  Freestanding: no includes; the includer provides
 * size_t and uint64_t (<stddef.h>/<stdint.h>, or <linux/types.h>).
 */
#ifndef WQMON_TEXTFMT_H
#define WQMON_TEXTFMT_H

/* The text view's version: v2 added counters (docs/FORMAT.md).  v3 is v2
 * with optional sections (queuers, config) that only lib/core/text.c
 * writes, and only when it has them: a producer without them, as this
 * module, writes v2. */
#define WQ_TEXTFMT_VERSION 2

/* Durations: microseconds with exactly three decimals, from ns, exact:
 * printf(WQ_TEXTFMT_US, (unsigned long long)(ns / 1000),
 *        (unsigned long long)(ns % 1000)) */
#define WQ_TEXTFMT_US "%llu.%03llu"

/* The counters section, in the order of enum wq_counter. */
#define WQ_TEXTFMT_NR_COUNTERS 12

static inline const char *wq_textfmt__counter(unsigned int i)
{
	static const char *const names[WQ_TEXTFMT_NR_COUNTERS] = {
		"pending_dropped",   "worker_dropped",	"series_dropped",
		"pending_cancelled", "pending_stale",	"worker_reaped",
		"started_unseen",    "unpaired",	"end_lost",
		"probe_missed",	     "series_reclaimed", "rejected",
	};

	return i < WQ_TEXTFMT_NR_COUNTERS ? names[i] : 0;
}

/* Histogram kinds, in the order of enum wq_hkind. */
#define WQ_TEXTFMT_NR_HKINDS 5

static inline const char *wq_textfmt__hkind(unsigned int k)
{
	static const char *const names[WQ_TEXTFMT_NR_HKINDS] = {
		"q2a", "a2s", "lat", "run", "cpu",
	};

	return k < WQ_TEXTFMT_NR_HKINDS ? names[k] : 0;
}

/*
 * Escape a name into one blank-free field, as /proc/mounts does (\ooo):
 * blanks, control bytes, DEL, backslash, and '#' (a line starting with it
 * is a comment).  The empty name is "-", so the name "-" itself is
 * escaped.  @dst holds 4 * @srcsize + 1 bytes.
 */
static inline const char *wq_textfmt__esc(char *dst, const char *src,
					  size_t srcsize)
{
	size_t n = 0, i;
	char *d = dst;

	while (n < srcsize && src[n])
		n++;
	if (!n)
		return "-";
	if (n == 1 && src[0] == '-')
		return "\\055";
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c <= ' ' || c == 0x7f || c == '\\' || c == '#') {
			*d++ = '\\';
			*d++ = (char)('0' + (c >> 6));
			*d++ = (char)('0' + ((c >> 3) & 7));
			*d++ = (char)('0' + (c & 7));
		} else {
			*d++ = (char)c;
		}
	}
	*d = '\0';
	return dst;
}

#endif /* WQMON_TEXTFMT_H */
