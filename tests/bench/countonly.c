// SPDX-License-Identifier: GPL-2.0
/* Load the count-only programs, stay attached until SIGINT/SIGTERM, then
 * print the four counts.  --clock: each program also reads the clock once.
 * Used by probe_cost.sh and kernel_cost.sh. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "countonly.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	struct countonly_bpf *skel = countonly_bpf__open();
	bool clock = argc > 1 && !strcmp(argv[1], "--clock");
	int ncpu = libbpf_num_possible_cpus();
	__u64 vals[ncpu > 0 ? ncpu : 1];

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (skel)
		skel->rodata->read_clock = clock;
	if (!skel || countonly_bpf__load(skel) || countonly_bpf__attach(skel)) {
		fprintf(stderr, "countonly: cannot load/attach (root?)\n");
		return 1;
	}
	printf("attached\n");
	fflush(stdout);
	while (!stop)
		pause();
	for (__u32 k = 0; k < 4; k++) {
		__u64 sum = 0;

		if (!bpf_map_lookup_elem(bpf_map__fd(skel->maps.hits), &k, vals))
			for (int c = 0; c < ncpu; c++)
				sum += vals[c];
		printf("%s%llu", k ? " " : "", (unsigned long long)sum);
	}
	printf("\n");
	countonly_bpf__destroy(skel);
	return 0;
}
