// SPDX-License-Identifier: GPL-2.0
/* The environment rules: each problem gives a FAIL/WARN line that says
 * what to do.  Pure: facts are made up here, no root needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "envcheck.h"

static struct wq_env_facts good(void)
{
	struct wq_env_facts f = {
		.release = "6.18.44", .major = 6, .minor = 18, .root = true,
		.cap_bpf = true, .cap_perfmon = true, .cap_sys_admin = true,
		.btf = true, .tp_btf = true, .tp_tracefs = true,
		.tracefs_mounted = true, .kallsyms_visible = true,
		.lockdown = "none",
	};
	return f;
}

static const struct wq_env_result *find(const struct wq_env_result *r, int n,
					const char *what)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(r[i].what, what))
			return &r[i];
	fail_msg("no result named %s", what);
	return NULL;
}

static void test_all_good(void **state)
{
	struct wq_env_result r[WQ_ENV_MAX_RESULTS];
	struct wq_env_facts f = good();
	int n = wq_env__judge(&f, r);

	(void)state;
	assert_true(n > 0 && n <= WQ_ENV_MAX_RESULTS);
	for (int i = 0; i < n; i++)
		assert_int_equal(r[i].status, WQ_ENV_OK);
}

static void test_not_root(void **state)
{
	struct wq_env_result r[WQ_ENV_MAX_RESULTS];
	struct wq_env_facts f = good();
	const struct wq_env_result *x;
	int n;

	(void)state;
	f.root = f.cap_sys_admin = f.cap_bpf = f.cap_perfmon = false;
	n = wq_env__judge(&f, r);
	x = find(r, n, "privileges");
	assert_int_equal(x->status, WQ_ENV_FAIL);
	assert_non_null(strstr(x->detail, "root"));
	assert_non_null(strstr(x->detail, "wqmond"));
}

static void test_caps_without_root(void **state)
{
	struct wq_env_result r[WQ_ENV_MAX_RESULTS];
	struct wq_env_facts f = good();
	int n;

	(void)state;
	f.root = f.cap_sys_admin = false;	/* CAP_BPF+CAP_PERFMON suffice */
	n = wq_env__judge(&f, r);
	assert_int_equal(find(r, n, "privileges")->status, WQ_ENV_OK);
	f.cap_perfmon = false;
	n = wq_env__judge(&f, r);
	assert_int_equal(find(r, n, "privileges")->status, WQ_ENV_FAIL);
}

static void test_no_btf(void **state)
{
	struct wq_env_result r[WQ_ENV_MAX_RESULTS];
	struct wq_env_facts f = good();
	const struct wq_env_result *x;
	int n;

	(void)state;
	f.btf = f.tp_btf = false;
	n = wq_env__judge(&f, r);
	x = find(r, n, "BTF");
	assert_int_equal(x->status, WQ_ENV_FAIL);
	assert_non_null(strstr(x->detail, "CONFIG_DEBUG_INFO_BTF"));
}

/* Issue 14: ENOMEM while reading BTF is said as such, not "no BTF". */
static void test_out_of_memory(void **state)
{
	struct wq_env_result r[WQ_ENV_MAX_RESULTS];
	struct wq_env_facts f = good();
	int n;

	(void)state;
	f.oom = true;
	f.tp_btf = false;
	n = wq_env__judge(&f, r);
	assert_true(n <= WQ_ENV_MAX_RESULTS);
	assert_string_equal(r[0].what, "memory");
	assert_int_equal(r[0].status, WQ_ENV_FAIL);
	assert_non_null(strstr(r[0].detail, "out of memory ("));
	assert_non_null(strstr(r[0].detail, "ulimit -v"));
	assert_int_equal(find(r, n, "BTF")->status, WQ_ENV_OK);
}

static void test_old_kernel(void **state)
{
	struct wq_env_result r[WQ_ENV_MAX_RESULTS];
	struct wq_env_facts f = good();
	int n;

	(void)state;
	f.major = 5;
	f.minor = 16;
	n = wq_env__judge(&f, r);
	assert_int_equal(find(r, n, "kernel")->status, WQ_ENV_FAIL);
	f.minor = 17;
	n = wq_env__judge(&f, r);
	assert_int_equal(find(r, n, "kernel")->status, WQ_ENV_OK);
	f.major = 4;
	f.minor = 99;
	n = wq_env__judge(&f, r);
	assert_int_equal(find(r, n, "kernel")->status, WQ_ENV_FAIL);
}

static void test_tracepoints(void **state)
{
	struct wq_env_result r[WQ_ENV_MAX_RESULTS];
	struct wq_env_facts f = good();
	const struct wq_env_result *x;
	int n;

	(void)state;
	f.tp_btf = false;	/* raw_tp fallback still works */
	n = wq_env__judge(&f, r);
	x = find(r, n, "tracepoints");
	assert_int_equal(x->status, WQ_ENV_WARN);
	assert_non_null(strstr(x->detail, "raw_tp"));
	f.tp_tracefs = false;
	n = wq_env__judge(&f, r);
	assert_int_equal(find(r, n, "tracepoints")->status, WQ_ENV_FAIL);
}

static void test_tracefs_kallsyms_lockdown(void **state)
{
	struct wq_env_result r[WQ_ENV_MAX_RESULTS];
	struct wq_env_facts f = good();
	int n;

	(void)state;
	f.tracefs_mounted = false;
	f.kallsyms_visible = false;
	strcpy(f.lockdown, "confidentiality");
	n = wq_env__judge(&f, r);
	assert_int_equal(find(r, n, "tracefs")->status, WQ_ENV_WARN);
	assert_non_null(strstr(find(r, n, "tracefs")->detail, "mount -t tracefs"));
	assert_int_equal(find(r, n, "kallsyms")->status, WQ_ENV_WARN);
	assert_non_null(strstr(find(r, n, "kallsyms")->detail, "kptr_restrict"));
	assert_int_equal(find(r, n, "lockdown")->status, WQ_ENV_FAIL);
	strcpy(f.lockdown, "integrity");
	n = wq_env__judge(&f, r);
	assert_int_equal(find(r, n, "lockdown")->status, WQ_ENV_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_good),
		cmocka_unit_test(test_not_root),
		cmocka_unit_test(test_caps_without_root),
		cmocka_unit_test(test_no_btf),
		cmocka_unit_test(test_out_of_memory),
		cmocka_unit_test(test_old_kernel),
		cmocka_unit_test(test_tracepoints),
		cmocka_unit_test(test_tracefs_kallsyms_lockdown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
