// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "ksyms.h"

#define FIXTURES "tests/unit/fixtures"

static struct wq_ksyms *load(const char *path)
{
	struct wq_ksyms *ks;

	assert_int_equal(wq_ksyms__load(path, &ks), 0);
	assert_non_null(ks);
	return ks;
}

static void test_lookup_table(void **state)
{
	static const struct {
		uint64_t addr;
		const char *name; /* NULL: no symbol */
		uint64_t off;
		const char *module;
	} cases[] = {
		{0, NULL, 0, NULL},
		{0xffffffff80ffffffULL, NULL, 0, NULL},
		/* duplicates: the first global in the file */
		{0xffffffff81000000ULL, "srso_alias_untrain_ret", 0, NULL},
		{0xffffffff81000fffULL, "srso_alias_untrain_ret", 0xfff, NULL},
		/* T over t over W, whatever the file order */
		{0xffffffff81001000ULL, "helper_global", 0, NULL},
		{0xffffffff81002000ULL, "vmstat_update", 0, NULL},
		{0xffffffff81002010ULL, "vmstat_update", 0x10, NULL},
		{0xffffffff810020ffULL, "vmstat_update", 0xff, NULL},
		/* a data symbol ends the function before it */
		{0xffffffff81002100ULL, NULL, 0, NULL},
		{0xffffffff81002150ULL, NULL, 0, NULL},
		{0xffffffff81002250ULL, "flush_to_ldisc", 0x50, NULL},
		{0xffffffff81002300ULL, "weak_only", 0, NULL},
		{0xffffffff81002404ULL, "weak_local", 4, NULL},
		/* garbage lines were skipped, not taken as symbols */
		{0xffffffff81002500ULL, "weak_local", 0x100, NULL},
		{0xffffffffc0a01000ULL, "nvme_reset_work", 0, "nvme"},
		{0xffffffffc0a01110ULL, "nvme_probe", 0x10, "nvme"},
		{0xffffffffc0a02000ULL, "ext4_fn", 0, "ext4"},
		{0xffffffffc0a02180ULL, "ext4_fn", 0x180, "ext4"},
		{0xffffffffc0a02200ULL, NULL, 0, NULL},
		{0xffffffffc0a03000ULL, "last_fn", 0, "bpf"},
		{0xffffffffffffffffULL, "last_fn", 0x3f5fcfffULL, "bpf"},
	};
	struct wq_ksyms *ks = load(FIXTURES "/kallsyms");
	size_t i;

	(void)state;
	assert_false(wq_ksyms__restricted(ks));
	/* 14 text lines, 4 of them sharing an address with another */
	assert_int_equal(wq_ksyms__count(ks), 10);
	assert_int_equal(wq_ksyms__skipped(ks), 10);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t off = 12345;
		const struct wq_ksym *s =
			wq_ksyms__lookup(ks, cases[i].addr, &off);
		const char *name = wq_ksyms__name(ks, cases[i].addr, NULL);

		if (!cases[i].name) {
			if (s || name)
				fail_msg("case %zu: want no symbol, got %s", i,
					 s ? s->name : name);
			continue;
		}
		if (!s || strcmp(s->name, cases[i].name) || !name ||
		    strcmp(name, cases[i].name))
			fail_msg("case %zu: want %s, got %s", i, cases[i].name,
				 s ? s->name : "(none)");
		assert_int_equal(off, cases[i].off);
		assert_int_equal(s->addr, cases[i].addr - cases[i].off);
		if (cases[i].module)
			assert_string_equal(s->module, cases[i].module);
		else
			assert_null(s->module);
	}
	wq_ksyms__free(ks);
}

static void test_snprint(void **state)
{
	static const struct {
		uint64_t addr;
		const char *want;
	} cases[] = {
		{0xffffffff81002000ULL, "vmstat_update"},
		{0xffffffff81002010ULL, "vmstat_update+0x10"},
		{0xffffffffc0a01000ULL, "nvme_reset_work [nvme]"},
		{0xffffffffc0a0111cULL, "nvme_probe+0x1c [nvme]"},
		{0xffffffff81002150ULL, "0xffffffff81002150"},
		{0x10ULL, "0x10"},
	};
	struct wq_ksyms *ks = load(FIXTURES "/kallsyms");
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(
			wq_ksyms__snprint(ks, cases[i].addr, buf, sizeof(buf)),
			strlen(cases[i].want));
		assert_string_equal(buf, cases[i].want);
	}
	/* Truncated like snprintf, and NULL tables print addresses. */
	assert_int_equal(wq_ksyms__snprint(ks, 0xffffffff81002010ULL, buf, 8),
			 18);
	assert_string_equal(buf, "vmstat_");
	wq_ksyms__snprint(NULL, 0xffffffff81002010ULL, buf, sizeof(buf));
	assert_string_equal(buf, "0xffffffff81002010");
	wq_ksyms__free(ks);
}

static void test_restricted(void **state)
{
	struct wq_ksyms *ks = load(FIXTURES "/kallsyms_restricted");

	(void)state;
	assert_true(wq_ksyms__restricted(ks));
	assert_int_equal(wq_ksyms__count(ks), 0);
	assert_null(wq_ksyms__name(ks, 0, NULL));
	assert_null(wq_ksyms__name(ks, 0xffffffff81002000ULL, NULL));
	wq_ksyms__free(ks);

	/* A normal table is not restricted. */
	ks = load(FIXTURES "/kallsyms");
	assert_false(wq_ksyms__restricted(ks));
	wq_ksyms__free(ks);
}

static void test_garbage_and_empty(void **state)
{
	struct wq_ksyms *ks = load(FIXTURES "/kallsyms_garbage");
	char name[301];

	(void)state;
	assert_int_equal(wq_ksyms__count(ks), 3);
	assert_int_equal(wq_ksyms__skipped(ks), 1);
	assert_string_equal(wq_ksyms__name(ks, 0xffffffff81000004ULL, NULL),
			    "a");
	assert_string_equal(wq_ksyms__name(ks, 0xffffffff81000010ULL, NULL),
			    "b");
	memset(name, '0', 300);
	name[300] = '\0';
	assert_string_equal(wq_ksyms__name(ks, 0xffffffff81000020ULL, NULL),
			    name);
	wq_ksyms__free(ks);

	ks = load("/dev/null");
	assert_int_equal(wq_ksyms__count(ks), 0);
	assert_false(wq_ksyms__restricted(ks));
	assert_null(wq_ksyms__name(ks, 0xffffffff81000000ULL, NULL));
	wq_ksyms__free(ks);
}

static void test_missing_file(void **state)
{
	struct wq_ksyms *ks = (struct wq_ksyms *)1;

	(void)state;
	assert_int_equal(wq_ksyms__load(FIXTURES "/no_such_file", &ks),
			 -ENOENT);
	assert_null(ks);
	wq_ksyms__free(NULL);
}

/* The real thing: the workqueue core's own functions resolve exactly. */
static void test_proc_kallsyms(void **state)
{
	struct wq_ksyms *ks;
	FILE *f;
	char line[512], name[256];
	unsigned long long addr;
	char type;
	int found = 0;

	(void)state;
	if (access("/proc/kallsyms", R_OK))
		skip();
	ks = load(NULL);
	if (wq_ksyms__restricted(ks)) {
		wq_ksyms__free(ks);
		skip();
	}
	assert_true(wq_ksyms__count(ks) > 1000);
	f = fopen("/proc/kallsyms", "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) == 3 &&
		    (type == 'T' || type == 't') &&
		    (!strcmp(name, "process_one_work") ||
		     !strcmp(name, "queue_work_on"))) {
			uint64_t off = 1;

			assert_string_equal(wq_ksyms__name(ks, addr, &off),
					    name);
			assert_int_equal(off, 0);
			assert_string_equal(wq_ksyms__name(ks, addr + 1, &off),
					    name);
			assert_int_equal(off, 1);
			found++;
		}
	}
	fclose(f);
	assert_int_equal(found, 2);
	wq_ksyms__free(ks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_table),
		cmocka_unit_test(test_snprint),
		cmocka_unit_test(test_restricted),
		cmocka_unit_test(test_garbage_and_empty),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_proc_kallsyms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
