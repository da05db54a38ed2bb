// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* The floor of the probe-cost benchmark: the same four workqueue
 * tracepoints (tp_btf), each doing nothing but one per-CPU increment.
 * Anything wqmon costs above this is the cost of its design.  With
 * read_clock set, each also reads bpf_ktime_get_ns() once: the least a
 * tool that times work items pays (countonly --clock). */
#include "wqmon_core.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

const volatile bool read_clock = false;
__u64 clock_sink;	/* the read is kept: a store the compiler can't drop */

static __always_inline void hit(__u32 k)
{
	__u64 *v = bpf_map_lookup_elem(&hits, &k);

	if (v)
		*v += 1;
	if (read_clock)
		clock_sink = bpf_ktime_get_ns();
}

SEC("tp_btf/workqueue_queue_work")
int BPF_PROG(count_queue)
{
	hit(0);
	return 0;
}

SEC("tp_btf/workqueue_activate_work")
int BPF_PROG(count_activate)
{
	hit(1);
	return 0;
}

SEC("tp_btf/workqueue_execute_start")
int BPF_PROG(count_start)
{
	hit(2);
	return 0;
}

SEC("tp_btf/workqueue_execute_end")
int BPF_PROG(count_end)
{
	hit(3);
	return 0;
}
