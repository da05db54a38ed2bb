/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lookups in the running kernel's BTF that CO-RE cannot do for us: the
 * value of an enumerator whatever enum holds it (named or anonymous, as
 * the workqueue flags are on 6.1).
 */
#ifndef WQMON_KBTF_H
#define WQMON_KBTF_H

#include <stdbool.h>

struct btf;

/* The value of enumerator @name in any enum of @btf, in @val; false when
 * no enum has it. */
bool wq_btf__enumerator(const struct btf *btf, const char *name,
			long long *val);

#endif /* WQMON_KBTF_H */
