// SPDX-License-Identifier: GPL-2.0
/* A kernel stack as one line (lib/io/kstack.h): /proc/TID/stack's format
 * and what the probes' iterator gives, offsets and addresses dropped,
 * module names kept, cut at a frame with " < ..." when it does not fit. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kstack.h"

static const char stack[] =
	"[<0>] request_wait_answer+0x16a/0x280 [fuse]\n"
	"[<0>] __fuse_simple_request+0x120/0x330 [fuse]\n"
	"[<0>] aio_fsync_work+0x33/0x110\n"
	"[<0>] process_one_work+0x18c/0x350\n";

static void test_format(void **state)
{
	char out[256];

	(void)state;
	assert_int_equal(wq_kstack__format(stack, out, sizeof(out)), 4);
	assert_string_equal(out, "request_wait_answer [fuse] < "
				 "__fuse_simple_request [fuse] < "
				 "aio_fsync_work < process_one_work");
}

static void test_cut(void **state)
{
	char out[40];
	int n;

	(void)state;
	n = wq_kstack__format(stack, out, sizeof(out));
	assert_int_equal(n, 1);
	assert_string_equal(out, "request_wait_answer [fuse] < ...");
	/* Not even one frame fits: empty, never half a name. */
	assert_int_equal(wq_kstack__format(stack, out, 10), 0);
	assert_string_equal(out, "");
}

static void test_odd_lines(void **state)
{
	char out[128];

	(void)state;
	/* No address column, an unknown address, blank and junk lines. */
	assert_int_equal(wq_kstack__format("worker_thread+0x1/0x2\n\n"
					   "[<0>] 0xffffffffc0001234\n"
					   "[<0>] \n[<0>]", out, sizeof(out)),
			 2);
	assert_string_equal(out, "worker_thread < 0xffffffffc0001234");
	assert_int_equal(wq_kstack__format("", out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

static void test_read_missing(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(wq_kstack__read("/nonexistent", 1, out, sizeof(out)),
			 -ENOENT);
	assert_string_equal(out, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_odd_lines),
		cmocka_unit_test(test_read_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
