/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cgroup v2 ids to paths.  The probes record bpf_get_current_cgroup_id():
 * the kernfs node id of the task's cgroup, which the cgroup2 file system
 * shows as the directory's inode number.  Paths are found by walking the
 * mount, at most once per WQ_CGROUPS_RESCAN_NS when an id is unknown.
 */
#ifndef WQMON_CGROUPS_H
#define WQMON_CGROUPS_H

#include <stddef.h>
#include <stdint.h>

#define WQ_CGROUPS_RESCAN_NS	(2ULL * 1000000000ULL)
#define WQ_CGROUPS_MAX		65536	/* directories remembered */

struct wq_cgroups;

/* @root: the cgroup2 mount (NULL: found in /proc/self/mountinfo).  NULL
 * when out of memory. */
struct wq_cgroups *wq_cgroups__new(const char *root);
void wq_cgroups__free(struct wq_cgroups *g);

/*
 * The path of cgroup @id below the mount ("/" for the root,
 * "/system.slice/ssh.service"), walking the mount again if @id is not
 * known and the last walk is older than WQ_CGROUPS_RESCAN_NS at @now_ns.
 * Return: 0 with @buf set, or -ENOENT (@buf ""): not found (a cgroup
 * removed before we saw it, or not a cgroup2 mount).
 */
int wq_cgroups__path(struct wq_cgroups *g, uint64_t id, uint64_t now_ns,
		     char *buf, size_t len);

#endif /* WQMON_CGROUPS_H */
