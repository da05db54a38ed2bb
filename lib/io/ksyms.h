/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel symbolizer: text symbols of /proc/kallsyms (or a file in its
 * format), to name work functions.  Work function pointers are exact symbol
 * addresses; other addresses inside a function resolve to name+offset.
 */
#ifndef WQMON_KSYMS_H
#define WQMON_KSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wq_ksyms;

struct wq_ksym {
	uint64_t addr;
	const char *name;
	const char *module; /* NULL: the kernel image */
};

/*
 * Load the text symbols (t, T, w, W) of @path (NULL: /proc/kallsyms).
 * Lines that do not parse are skipped.  When kptr_restrict hides the
 * addresses (all read as 0) the load succeeds with no symbols and
 * wq_ksyms__restricted() says so.
 * Return: 0 with *@ksp set, or -errno (-ENOMEM, or from fopen).
 */
int wq_ksyms__load(const char *path, struct wq_ksyms **ksp);
void wq_ksyms__free(struct wq_ksyms *ks);

/* Text symbols kept (one per address). */
size_t wq_ksyms__count(const struct wq_ksyms *ks);
/* Lines that were not symbols and were skipped. */
size_t wq_ksyms__skipped(const struct wq_ksyms *ks);
/* True when the file listed symbols but every address was 0: run as root,
 * or lower /proc/sys/kernel/kptr_restrict. */
bool wq_ksyms__restricted(const struct wq_ksyms *ks);

/*
 * The function containing @addr, and the offset of @addr in it (@offset may
 * be NULL).  Where several names share an address, a global one (T) wins
 * over a local (t), then weak (W, w), then the first in the file.
 * Return: the symbol, or NULL when @addr is below the first symbol or in a
 * region that a non-text symbol starts (data, not code).
 */
const struct wq_ksym *wq_ksyms__lookup(const struct wq_ksyms *ks, uint64_t addr,
				       uint64_t *offset);
/* Its name only; NULL as above. */
const char *wq_ksyms__name(const struct wq_ksyms *ks, uint64_t addr,
			   uint64_t *offset);

/*
 * Print @addr as "name", "name+0x1c", "name [mod]", "name+0x1c [mod]", or
 * "0x<hex>" when unknown, truncated to @size.
 * Return: what snprintf returns.
 */
int wq_ksyms__snprint(const struct wq_ksyms *ks, uint64_t addr, char *buf,
		      size_t size);

#endif /* WQMON_KSYMS_H */
