// SPDX-License-Identifier: GPL-2.0
/* The smallest refwq consumer: what a program built against an installed
 * refwq (refwq_build.sh, deb_package.sh) compiles and runs. */
#include <stdio.h>
#include <refwq/workqueue.h>

static int ran;

static void fn(struct work_struct *w)
{
	(void)w;
	ran++;
}

int main(void)
{
	struct work_struct w;

	if (refwq_init(NULL))
		return 1;
	INIT_WORK(&w, fn);
	schedule_work(&w);
	flush_work(&w);
	refwq_exit();
	printf("ran %d\n", ran);
	return ran == 1 ? 0 : 1;
}
