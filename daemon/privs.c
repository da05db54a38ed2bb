// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "privs.h"

/* Kernels before 5.8 have no CAP_BPF: map access needs CAP_SYS_ADMIN. */
static cap_value_t bpf_cap(void)
{
	return CAP_IS_SUPPORTED(CAP_BPF) ? CAP_BPF : CAP_SYS_ADMIN;
}

static int switch_user(const char *user, char *err, size_t errlen)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(user);
	if (!pw) {
		snprintf(err, errlen, "no user '%s': create it or set "
			 "daemon.user to empty", user);
		return errno ? -errno : -ENOENT;
	}
	/* Keep the permitted set across setuid; the caller trims it. */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) ||
	    setgroups(0, NULL) ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid)) {
		int e = errno;

		snprintf(err, errlen, "cannot switch to user '%s': %s", user,
			 strerror(e));
		return -e;
	}
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	return 0;
}

/* The bounding set needs CAP_SETPCAP to shrink; under systemd it is
 * already cut down by CapabilityBoundingSet=, so not having it is fine. */
static void drop_bounding(cap_value_t keep)
{
	cap_t cur = cap_get_proc();
	cap_flag_value_t can = CAP_CLEAR;

	if (cur)
		cap_get_flag(cur, CAP_SETPCAP, CAP_EFFECTIVE, &can);
	cap_free(cur);
	if (can != CAP_SET)
		return;
	for (cap_value_t c = 0; c <= cap_max_bits() - 1; c++)
		if (c != keep && CAP_IS_SUPPORTED(c))
			cap_drop_bound(c);
}

int wqd_privs__drop(const char *user, bool keep_bpf, char *err, size_t errlen)
{
	cap_value_t keep = keep_bpf ? bpf_cap() : (cap_value_t)-1;
	cap_t caps;
	int ret = 0, user_ret = 0;

	drop_bounding(keep);
	/* A failed switch still leaves the capabilities to drop. */
	if (user && user[0] && geteuid() == 0)
		user_ret = switch_user(user, err, errlen);
	caps = cap_init();	/* everything clear */
	if (!caps) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (keep_bpf) {
		cap_set_flag(caps, CAP_PERMITTED, 1, &keep, CAP_SET);
		cap_set_flag(caps, CAP_EFFECTIVE, 1, &keep, CAP_SET);
	}
	if (cap_set_proc(caps)) {
		ret = -errno;
		snprintf(err, errlen, "cannot set capabilities: %s",
			 strerror(errno));
	}
	cap_free(caps);
	if (ret)
		return ret;
	/* Ambient capabilities would survive exec of the alert hook. */
	if (CAP_AMBIENT_SUPPORTED())
		cap_reset_ambient();
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		ret = -errno;
		snprintf(err, errlen, "cannot set no_new_privs: %s",
			 strerror(errno));
	}
	return user_ret ? user_ret : ret;
}

const char *wqd_privs__describe(char *buf, size_t len)
{
	cap_t caps = cap_get_proc();
	char *text = caps ? cap_to_text(caps, NULL) : NULL;

	/* cap_to_text writes "=" for the empty set, "cap_bpf=ep" otherwise. */
	if (!text || !strcmp(text, "="))
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "%s", text[0] == '=' ? text + 1 : text);
	cap_free(text);
	cap_free(caps);
	return buf;
}

bool wqd_privs__user_exists(const char *user)
{
	return getpwnam(user) != NULL;
}
