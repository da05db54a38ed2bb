// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include <bpf/btf.h>
#include "kbtf.h"

bool wq_btf__enumerator(const struct btf *btf, const char *name,
			long long *val)
{
	int n = (int)btf__type_cnt(btf);

	for (int id = 1; id < n; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (!btf_is_enum(t))
			continue;
		for (int i = 0; i < btf_vlen(t); i++) {
			const struct btf_enum *e = &btf_enum(t)[i];

			if (!strcmp(btf__name_by_offset(btf, e->name_off), name)) {
				*val = e->val;
				return true;
			}
		}
	}
	return false;
}
