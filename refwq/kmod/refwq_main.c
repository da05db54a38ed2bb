// SPDX-License-Identifier: GPL-2.0
/*
 * refwq.ko: the reference workqueue inside the kernel it models.  The core
 * (refwq/core/, unchanged) runs over port/linux/; this file starts and
 * stops it, and exposes /proc/workqueues (refwq_proc.c).
 *
 *   insmod refwq.ko [nr_cpus=N] [max_workers=N] [watchdog_ms=N]
 *                   [idle_timeout_ms=N] [selftest=1] [load=N]
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/slab.h>

#include <refwq/refwq.h>

#include "refwq_kmod.h"

static unsigned int nr_cpus;
module_param(nr_cpus, uint, 0444);
MODULE_PARM_DESC(nr_cpus, "virtual CPUs, each with a normal and a "
			  "high-priority pool (0: online CPUs)");
static unsigned int max_workers;
module_param(max_workers, uint, 0444);
MODULE_PARM_DESC(max_workers, "workers per pool (0: 256)");
static unsigned int watchdog_ms;
module_param(watchdog_ms, uint, 0444);
MODULE_PARM_DESC(watchdog_ms, "pool stall threshold in ms (0: 10000)");
static unsigned int idle_timeout_ms;
module_param(idle_timeout_ms, uint, 0444);
MODULE_PARM_DESC(idle_timeout_ms,
		 "reap extra idle workers after this many ms (0: 5000)");
static bool selftest;
module_param(selftest, bool, 0444);
MODULE_PARM_DESC(selftest, "run the self-test at load and print its summary");
static unsigned int load;
module_param(load, uint, 0444);
MODULE_PARM_DESC(load, "run a known load at load time: N items on kmod_load "
		       "and N on refwq's system queue");

static int __init refwq_kmod_init(void)
{
	struct refwq_config cfg = {
		.name = REFWQ_KMOD_SOURCE,
		.nr_cpus = nr_cpus,
		.max_workers = max_workers,
		.watchdog_thresh_ms = watchdog_ms,
		.idle_timeout_ms = idle_timeout_ms,
	};
	int err, failed = 0;

	err = refwq_init(&cfg);
	if (err) {
		pr_err("refwq: init failed: %d\n", err);
		return err;
	}
	if (selftest)
		failed = refwq_selftest();
	if (load) {
		err = refwq_kmod_load_start(load);
		if (err)
			goto err_exit;
	}
	err = refwq_proc_init();
	if (err)
		goto err_load;
	pr_info("refwq: loaded: %d virtual CPUs, /proc/workqueues%s\n",
		refwq_nr_cpus(),
		selftest ? (failed ? ", selftest FAILED" : ", selftest passed")
			 : "");
	return 0;

err_load:
	refwq_kmod_load_stop();
err_exit:
	refwq_exit();
	return err;
}

static void __exit refwq_kmod_exit(void)
{
	/* Readers of the file are gone once it is removed. */
	refwq_proc_exit();
	refwq_exit();
	refwq_kmod_load_stop();
	pr_info("refwq: unloaded\n");
}

module_init(refwq_kmod_init);
module_exit(refwq_kmod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("refwq: the reference workqueue, with /proc/workqueues");
MODULE_AUTHOR("wqmon");
