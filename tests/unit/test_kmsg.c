// SPDX-License-Identifier: GPL-2.0
/* The kernel's workqueue reports in /dev/kmsg: every format printed from
 * 5.10 to 6.18 (kernel/workqueue.c), each with its fields; lines cut short,
 * garbled or oversized refused; /dev/kmsg records and the pieces of a
 * report that another CPU's message split. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kmsg.h"

struct want {
	const char *line;
	bool ok;
	enum wq_kmsg_kind kind;
	const char *cpus;
	int32_t cpu;
	uint32_t nr_cpus;
	int32_t node;
	uint32_t flags;
	bool bh, highpri, has_nice;
	int32_t nice;
	uint64_t stuck_s;
	const char *function, *module;
	uint64_t thresh_us, times;
};

#define LOCKUP(l, c, cpu_, nr, node_, fl, bh_, hi, nice_, s)                  \
	{ .line = l, .ok = true, .kind = WQ_KMSG_LOCKUP, .cpus = c,           \
	  .cpu = cpu_, .nr_cpus = nr, .node = node_, .flags = fl, .bh = bh_,  \
	  .highpri = hi, .has_nice = !(bh_), .nice = nice_, .stuck_s = s,     \
	  .function = "", .module = "" }
#define HOG(l, fn, mod, us, n)                                                \
	{ .line = l, .ok = true, .kind = WQ_KMSG_CPU_HOG, .cpus = "",         \
	  .cpu = -1, .node = -1, .function = fn, .module = mod,               \
	  .thresh_us = us, .times = n }
#define PANIC(l)                                                              \
	{ .line = l, .ok = true, .kind = WQ_KMSG_PANIC, .cpus = "", .cpu = -1, \
	  .node = -1, .function = "", .module = "" }
#define BAD(l) { .line = l, .ok = false }

#define BUG "BUG: workqueue lockup - pool "
#define UNB ", consider switching to WQ_UNBOUND"

static const struct want table[] = {
	/* 5.10-6.8: pr_cont_pool_info() " cpus=%*pbl[ node=%d] flags=0x%x
	 * nice=%d", per-CPU pools (node printed) ... */
	LOCKUP("0,1234,5678,-;" BUG "cpus=1 node=0 flags=0x0 nice=0 stuck for "
	       "31s!", "1", 1, 1, 0, 0x0, false, false, 0, 31),
	LOCKUP(BUG "cpus=10 node=1 flags=0x0 nice=-20 stuck for 35s!", "10", 10,
	       1, 1, 0x0, false, true, -20, 35),
	/* a CPU gone offline (POOL_DISASSOCIATED) */
	LOCKUP("0,88,1,-;" BUG "cpus=76 node=0 flags=0x4 nice=0 stuck for "
	       "1842s!", "76", 76, 1, 0, 0x4, false, false, 0, 1842),
	/* 6.1: bit 0 is POOL_MANAGER_ACTIVE */
	LOCKUP(BUG "cpus=0 node=0 flags=0x1 nice=-20 stuck for 59s!", "0", 0, 1,
	       0, 0x1, false, true, -20, 59),
	/* ... and unbound pools: a CPU range, with a NUMA node ... */
	LOCKUP(BUG "cpus=0-3 node=0 flags=0x4 nice=0 stuck for 47s!", "0-3", -1,
	       4, 0, 0x4, false, false, 0, 47),
	/* ... or without (NUMA_NO_NODE; the default pods of 6.6+) */
	LOCKUP(BUG "cpus=0-1 flags=0x4 nice=0 stuck for 2530s!", "0-1", -1, 2,
	       -1, 0x4, false, false, 0, 2530),
	LOCKUP(BUG "cpus=0,2-5 flags=0x4 nice=0 stuck for 61s!", "0,2-5", -1, 5,
	       -1, 0x4, false, false, 0, 61),
	LOCKUP(BUG "cpus=0-63 flags=0x4 nice=-20 stuck for 40s!", "0-63", -1,
	       64, -1, 0x4, false, true, -20, 40),
	LOCKUP(BUG "cpus=0-27,56-83 node=0 flags=0x4 nice=0 stuck for 33s!",
	       "0-27,56-83", -1, 56, 0, 0x4, false, false, 0, 33),
	/* 6.9+: BH pools print " bh" or " bh-hi" instead of nice */
	LOCKUP("0,4410,93157000,-;" BUG "cpus=0 node=0 flags=0x5 bh stuck for "
	       "32s!", "0", 0, 1, 0, 0x5, true, false, 0, 32),
	LOCKUP(BUG "cpus=3 node=0 flags=0x1 bh-hi stuck for 45s!", "3", 3, 1, 0,
	       0x1, true, true, 0, 45),
	/* 6.9+: other pools as before */
	LOCKUP(BUG "cpus=2 node=0 flags=0x0 nice=0 stuck for 30s!", "2", 2, 1,
	       0, 0x0, false, false, 0, 30),
	/* records: CONFIG_PRINTK_CALLER, a field of a later kernel,
	 * dictionary lines after the text */
	LOCKUP("0,2001,157401342,-,caller=C0;" BUG "cpus=0 node=0 flags=0x0 "
	       "nice=0 stuck for 59s!", "0", 0, 1, 0, 0x0, false, false, 0, 59),
	LOCKUP("0,2002,1,-,caller=C1,next=x;" BUG "cpus=1 node=0 flags=0x0 "
	       "nice=0 stuck for 89s!", "1", 1, 1, 0, 0x0, false, false, 0, 89),
	LOCKUP("0,55,1,-;" BUG "cpus=1 node=0 flags=0x0 nice=0 stuck for 33s!\n"
	       " SUBSYSTEM=cpu\n DEVICE=+cpu:cpu1\n", "1", 1, 1, 0, 0x0, false,
	       false, 0, 33),
	/* dmesg lines, as people paste them */
	LOCKUP("[  157.401342][    C0] " BUG "cpus=0 node=0 flags=0x0 nice=0 "
	       "stuck for 59s!", "0", 0, 1, 0, 0x0, false, false, 0, 59),
	LOCKUP("[250336.887598] " BUG "cpus=2 node=0 flags=0x0 nice=0 stuck for "
	       "72s!\n", "2", 2, 1, 0, 0x0, false, false, 0, 72),

	/* 6.5+ wq_cpu_intensive_report(): "%ps hogged CPU for >%luus %llu
	 * times, consider switching to WQ_UNBOUND", %ps with " [module]" */
	HOG("4,99,1,-;workqueue: drm_fb_helper_damage_work [drm_kms_helper] "
	    "hogged CPU for >10000us 4 times" UNB, "drm_fb_helper_damage_work",
	    "drm_kms_helper", 10000, 4),
	HOG("4,812,1,-,caller=C1;workqueue: nvme_tcp_io_work [nvme_tcp] hogged "
	    "CPU for >10000us 32 times" UNB, "nvme_tcp_io_work", "nvme_tcp",
	    10000, 32),
	HOG("workqueue: vmstat_update hogged CPU for >10000us 8 times" UNB,
	    "vmstat_update", "", 10000, 8),
	HOG("[Sun Sep 10 07:19:00 2023] workqueue: delayed_work [ceph] hogged "
	    "CPU for >10000us 4 times" UNB, "delayed_work", "ceph", 10000, 4),
	HOG("workqueue: ceph_con_workfn [libceph] hogged CPU for >10000us "
	    "4194304 times" UNB, "ceph_con_workfn", "libceph", 10000, 4194304),
	/* slow boards: the threshold scales up to 1 s */
	HOG("workqueue: mmc_rescan hogged CPU for >1000000us 4 times" UNB,
	    "mmc_rescan", "", 1000000, 4),
	/* %ps without a symbol */
	HOG("workqueue: 0xffffffffc0a81230 hogged CPU for >10000us 4 times" UNB,
	    "0xffffffffc0a81230", "", 10000, 4),
	/* tolerated: no count, no advice */
	HOG("workqueue: gc_worker [nf_conntrack] hogged CPU for >10000us" UNB,
	    "gc_worker", "nf_conntrack", 10000, 0),
	HOG("workqueue: gc_worker hogged CPU for >10000us 4 times", "gc_worker",
	    "", 10000, 4),

	/* 6.12+ workqueue.panic_on_stall: BUG_ON() in panic_on_wq_watchdog() */
	PANIC("0,300,1,-;kernel BUG at kernel/workqueue.c:7551!"),
	/* a panic() whose reason the workqueue code wrote */
	PANIC("0,301,1,-;Kernel panic - not syncing: workqueue: stall"),

	/* refused: not a report */
	BAD(""),
	BAD("6,1,1,-;usb 1-1: new high-speed USB device number 2 using xhci"),
	BAD("6,2,1,-;workqueue: NUMA affinity support disabled"),
	BAD("pool 21: cpus=10 node=1 flags=0x0 nice=-20 hung=35s workers=3 "
	    "idle: 1020 5"),
	BAD("  pwq 4: cpus=2 node=0 flags=0x0 nice=0 active=15/256 refcnt=16"),
	BAD("workqueue events: flags=0x0"),
	BAD("0,302,1,-;kernel BUG at kernel/sched/core.c:123!"),
	BAD("0,303,1,-;kernel BUG at kernel/workqueue.c:!"),
	BAD("0,304,1,-;Kernel panic - not syncing: Fatal exception"),
	/* refused: cut short */
	BAD("0,10,1,-;BUG: workqueue lockup - pool"),
	BAD(BUG "cpus=1 node=0 flags=0x0 nice=0"),
	BAD(BUG "cpus=1 node=0 flags=0x0 nice=0 stuck for 31"),
	BAD(BUG "cpus=1 node=0 flags=0x0 nice=0 stuck for 31s"),
	BAD(BUG "cpus=1 node=0 flags=0x"),
	BAD("workqueue: nvme_tcp_io_work [nvme_tcp] hogged CPU for >10000"),
	BAD("workqueue: nvme_tcp_io_work [nvme_tcp] hogged CPU for >10000us 4"),
	BAD("workqueue: nvme_tcp_io_work [nvme_tc"),
	/* refused: garbled */
	BAD(BUG "cpus= node=0 flags=0x0 nice=0 stuck for 31s!"),
	BAD(BUG "cpus=3-1 flags=0x4 nice=0 stuck for 31s!"),
	BAD(BUG "cpus=0,-2 flags=0x4 nice=0 stuck for 31s!"),
	BAD(BUG "cpus=0-3, flags=0x4 nice=0 stuck for 31s!"),
	BAD(BUG "cpus=99999 node=0 flags=0x0 nice=0 stuck for 31s!"),
	BAD(BUG "cpus=1 node=0 flags=0xZZ nice=0 stuck for 31s!"),
	BAD(BUG "cpus=1 node=0 flags=0x123456789 nice=0 stuck for 31s!"),
	BAD(BUG "cpus=1 node=0 flags=0x0 nice=-21 stuck for 31s!"),
	BAD(BUG "cpus=1 node=0 flags=0x0 nice=20 stuck for 31s!"),
	BAD(BUG "cpus=1 node=0 flags=0x0 nice=abc stuck for 31s!"),
	BAD(BUG "cpus=1 node=0 flags=0x1 bh-lo stuck for 31s!"),
	BAD(BUG "cpus=1 node=0 flags=0x0 stuck for 31s!"),
	BAD(BUG "cpus=1 node=0 flags=0x0 nice=0 stuck for -5s!"),
	BAD(BUG "cpus=1 node=0 flags=0x0 nice=0 stuck for "
	    "99999999999999999999s!"),
	BAD(BUG "cpus=1 node=0 flags=0x0 nice=0 stuck for 4294967296s!"),
	BAD(BUG "cpus=1 node=0 flags=0x0 nice=0 stuck for 31s! and more"),
	BAD("workqueue:  hogged CPU for >10000us 4 times" UNB),
	BAD("workqueue: fn [mod hogged CPU for >10000us 4 times" UNB),
	BAD("workqueue: fn [] hogged CPU for >10000us 4 times" UNB),
	BAD("workqueue: fn hogged CPU for >us 4 times" UNB),
	BAD("workqueue: fn hogged CPU for >10000us 0 times" UNB),
	BAD("workqueue: fn hogged CPU for >10000us 4 times, consider WQ_PERCPU"),
	BAD("workqueue: fn hogged CPU for >18446744073709552us 4 times" UNB),
	/* refused: a broken record prefix leaves a line that is no report */
	BAD("0,1,1,z;" BUG "cpus=1 node=0 flags=0x0 nice=0 stuck for 31s!"),
	BAD("x,1,1,-;" BUG "cpus=1 node=0 flags=0x0 nice=0 stuck for 31s!"),
	BAD("0,1,1,-,caller=T12345678901234567890;" BUG "cpus=1 node=0 "
	    "flags=0x0 nice=0 stuck for 31s!"),
	/* a symbol longer than the model keeps: cut as the collector cuts */
	HOG("workqueue: _RNvMs_NtCs8rust_drv6workerNtB4_6Worker3runNvB4_4work_"
	    "function_long [rust_drv] hogged CPU for >10000us 4 times" UNB,
	    "_RNvMs_NtCs8rust_drv6workerNtB4_6Worker3runNvB4_4work_function_",
	    "rust_drv", 10000, 4),
	/* refused: a module name longer than MODULE_NAME_LEN */
	BAD("workqueue: fn [a_module_name_longer_than_module_name_len_allows_"
	    "for_sure] hogged CPU for >10000us 4 times" UNB),
};

static void check(const struct want *w)
{
	struct wq_kmsg_report r;
	bool ok = wq_kmsg__parse(w->line, &r);

	if (ok != w->ok)
		fail_msg("%s: %s", w->ok ? "refused" : "accepted", w->line);
	if (!ok)
		return;
	assert_int_equal(r.kind, w->kind);
	assert_string_equal(r.cpus, w->cpus);
	assert_int_equal(r.cpu, w->cpu);
	assert_int_equal(r.nr_cpus, w->nr_cpus);
	assert_int_equal(r.node, w->node);
	assert_int_equal(r.pool_flags, w->flags);
	assert_int_equal(r.bh, w->bh);
	assert_int_equal(r.highpri, w->highpri);
	assert_int_equal(r.has_nice, w->kind == WQ_KMSG_LOCKUP && w->has_nice);
	assert_int_equal(r.nice, w->nice);
	assert_int_equal(r.stuck_s, w->stuck_s);
	assert_string_equal(r.function, w->function);
	assert_string_equal(r.module, w->module);
	assert_int_equal(r.thresh_us, w->thresh_us);
	assert_int_equal(r.times, w->times);
	/* The message itself, without prefix, stamps or dictionary. */
	assert_non_null(strstr(w->line, r.text));
	assert_null(strchr(r.text, '\n'));
	assert_true(!strncmp(r.text, "BUG", 3) || !strncmp(r.text, "work", 4) ||
		    !strncmp(r.text, "kernel", 6) || !strncmp(r.text, "Kernel", 6));
}

static void test_table(void **state)
{
	size_t good = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		check(&table[i]);
		good += table[i].ok;
	}
	assert_true(good >= 25);
}

/* Longer than any report, or than any record: refused, nothing overrun. */
static void test_oversized(void **state)
{
	static char line[3 * WQ_KMSG_RECORD_MAX];
	struct wq_kmsg_report r;
	size_t n;

	(void)state;
	memset(line, 'A', sizeof(line) - 1);
	assert_false(wq_kmsg__parse(line, &r));
	/* A report's start, then far too much of it. */
	n = (size_t)snprintf(line, sizeof(line), "0,1,1,-;%scpus=", BUG);
	for (unsigned int c = 0; n < 2 * WQ_KMSG_TEXT_MAX; c += 2)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%u,", c);
	snprintf(line + n, sizeof(line) - n, "1 flags=0x4 nice=0 stuck for 9s!");
	assert_false(wq_kmsg__parse(line, &r));
	/* The CPU list alone too long, the line short enough. */
	n = (size_t)snprintf(line, sizeof(line), "%scpus=", BUG);
	for (unsigned int c = 0; n < 200; c += 2)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "%u,", c);
	snprintf(line + n, sizeof(line) - n, "1 flags=0x4 nice=0 stuck for 9s!");
	assert_true(strlen(line) < WQ_KMSG_TEXT_MAX);
	assert_false(wq_kmsg__parse(line, &r));
	/* A record past the longest /dev/kmsg returns. */
	memset(line, ' ', sizeof(line) - 1);
	memcpy(line, "0,1,1,-;", 8);
	assert_false(wq_kmsg__parse(line, &r));
}

static void test_record(void **state)
{
	static const char rec[] = "12,77,1500000,c,caller=T42;fragment\n "
				  "SUBSYSTEM=x\n";
	struct wq_kmsg_record r;

	(void)state;
	assert_int_equal(wq_kmsg_record__parse(rec, sizeof(rec) - 1, &r), 0);
	assert_int_equal(r.level, 4);
	assert_int_equal(r.facility, 1);
	assert_int_equal(r.seq, 77);
	assert_int_equal(r.ts_us, 1500000);
	assert_true(r.cont);
	assert_string_equal(r.caller, "T42");
	assert_int_equal(r.text_len, 8);
	assert_memory_equal(r.text, "fragment", 8);
	assert_int_not_equal(wq_kmsg_record__parse("no record", 9, &r), 0);
	assert_int_not_equal(wq_kmsg_record__parse("1,2;x", 5, &r), 0);
	assert_int_not_equal(wq_kmsg_record__parse("1,2,3,-", 7, &r), 0);
	assert_int_not_equal(wq_kmsg_record__parse("1,2,3,q;x", 9, &r), 0);
	assert_int_not_equal(
		wq_kmsg_record__parse("99999999999,2,3,-;x", 19, &r), 0);
}

static const char *feed(struct wq_kmsg_joiner *j, const char *rec)
{
	struct wq_kmsg_record r;

	assert_int_equal(wq_kmsg_record__parse(rec, strlen(rec), &r), 0);
	return wq_kmsg_joiner__feed(j, &r);
}

/* Another CPU printed between pr_emerg() and its pr_cont()s: the report
 * comes in pieces, flagged 'c', with other messages between them. */
static void test_joiner(void **state)
{
	struct wq_kmsg_joiner j = { 0 };
	struct wq_kmsg_report r;
	const char *m;

	(void)state;
	assert_null(feed(&j, "0,10,5,-,caller=C1;BUG: workqueue lockup - pool"));
	m = feed(&j, "6,11,5,-,caller=C0;e1000e: eth0 NIC Link is Up");
	assert_string_equal(m, "e1000e: eth0 NIC Link is Up");
	assert_null(feed(&j, "0,12,5,c,caller=C1; cpus=1 node=0 flags=0x0"));
	m = feed(&j, "0,13,5,c,caller=C1; nice=0 stuck for 31s!");
	assert_non_null(m);
	assert_true(wq_kmsg__parse(m, &r));
	assert_int_equal(r.cpu, 1);
	assert_int_equal(r.stuck_s, 31);
	assert_int_equal(j.dropped, 0);

	/* Without CONFIG_PRINTK_CALLER. */
	assert_null(feed(&j, "0,20,5,-;BUG: workqueue lockup - pool"));
	assert_null(feed(&j, "0,21,5,c; cpus=0-3 flags=0x4 nice=0"));
	m = feed(&j, "0,22,5,c; stuck for 47s!");
	assert_true(wq_kmsg__parse(m, &r));
	assert_string_equal(r.cpus, "0-3");
	assert_int_equal(r.stuck_s, 47);

	/* A whole report passes as it is. */
	m = feed(&j, "0,30,5,-;BUG: workqueue lockup - pool cpus=2 node=0 "
		     "flags=0x0 nice=0 stuck for 30s!");
	assert_true(wq_kmsg__parse(m, &r));
	assert_int_equal(r.cpu, 2);

	/* A head its own printer never finished is dropped, counted. */
	assert_null(feed(&j, "0,40,5,-,caller=C1;BUG: workqueue lockup - pool"));
	m = feed(&j, "6,41,5,-,caller=C1;Showing busy workqueues and worker "
		     "pools:");
	assert_string_equal(m, "Showing busy workqueues and worker pools:");
	assert_int_equal(j.dropped, 1);
	/* So is one that waits too long, and pieces without a head are
	 * passed on (and refused). */
	assert_null(feed(&j, "0,50,5,-;BUG: workqueue lockup - pool"));
	for (int i = 0; i < 20; i++)
		assert_non_null(feed(&j, "6,51,5,-;other"));
	assert_int_equal(j.dropped, 2);
	m = feed(&j, "0,60,5,c; stuck for 31s!");
	assert_false(wq_kmsg__parse(m, &r));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_joiner),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
