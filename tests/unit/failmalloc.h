/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allocation failure on demand, for the unit tests: this header replaces
 * malloc, calloc, realloc and free (glibc's own are reached through their
 * __libc_ names).  Set `countdown` to N and `armed` to true: the Nth
 * allocation from then on fails with ENOMEM.  `live` counts the blocks
 * allocated and not freed, so a test can check that a failed call leaked
 * nothing.  Include it in one test file only: it defines the functions.
 */
#ifndef WQMON_FAILMALLOC_H
#define WQMON_FAILMALLOC_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);
void __libc_free(void *p);

static bool armed;
static long countdown; /* allocations left before the one that fails */
static long live; /* blocks allocated and not freed */

static bool fail_now(void)
{
	return armed && countdown-- == 0;
}

void *malloc(size_t size)
{
	void *p = fail_now() ? NULL : __libc_malloc(size);

	live += p != NULL;
	if (!p)
		errno = ENOMEM;
	return p;
}

void *calloc(size_t n, size_t size)
{
	void *p = fail_now() ? NULL : __libc_calloc(n, size);

	live += p != NULL;
	if (!p)
		errno = ENOMEM;
	return p;
}

void *realloc(void *old, size_t size)
{
	void *p = fail_now() ? NULL : __libc_realloc(old, size);

	if (!p)
		errno = ENOMEM;
	else if (!old)
		live++;
	return p;
}

void free(void *p)
{
	live -= p != NULL;
	__libc_free(p);
}

#endif
