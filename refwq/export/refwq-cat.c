// SPDX-License-Identifier: GPL-2.0
/*
 * refwq-cat: print the /proc/workqueues-style text view of running refwq
 * instances, read from their shared memory export (refwq_shm.h): what
 * wqmond will show for each refwq:<name> source, without the daemon.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "refwq_shm.h"
#include "text.h"

#ifndef WQMON_VERSION
#define WQMON_VERSION "0"
#endif

struct cat {
	const char *want; /* instance name, NULL: all */
	int shown;
	int failed;
	int list;
};

static int show(const char *seg, void *ctx)
{
	struct cat *c = ctx;
	struct wq_snapshot *s;
	const char *name = strchr(seg + strlen(REFWQ_SHM_PREFIX), '.');
	int ret;

	name = name ? name + 1 : seg;
	if (c->want && strcmp(c->want, name))
		return 0;
	if (c->list) {
		printf("%s\t%s/%s\n", name, REFWQ_SHM_DIR, seg);
		c->shown++;
		return 0;
	}
	s = wq_snapshot__new("refwq");
	if (!s) {
		c->failed++;
		return 1;
	}
	ret = refwq_shm_read(seg, s);
	if (ret == -ESRCH) {
		/* Left behind by a process that is gone. */
		wq_snapshot__free(s);
		return 0;
	}
	if (ret) {
		fprintf(stderr, "refwq-cat: %s: %s\n", seg,
			refwq_shm_strerror(ret));
		c->failed++;
	} else {
		if (c->shown++)
			putchar('\n');
		if (wq_text__render(s, stdout, NULL))
			c->failed++;
	}
	wq_snapshot__free(s);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: refwq-cat [-l] [NAME]\n"
		"Print the /proc/workqueues-style view of running refwq "
		"instances\n"
		"(all, or the one named NAME), read from %s/%s<pid>.<name>.\n\n"
		"  -l, --list     list the instances instead\n"
		"  -h, --help     this help\n"
		"  -V, --version  version\n\n"
		"Examples:\n"
		"  refwq-demo -t 0 &   refwq-cat demo\n"
		"  refwq-cat -l\n\n"
		"Exit status: 0 when something was shown, 1 on a usage error,\n"
		"2 when no instance was found, 3 when one could not be read.\n",
		REFWQ_SHM_DIR, REFWQ_SHM_PREFIX);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{"list", no_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	struct cat c = {0};
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "lhV", lo, NULL)) != -1) {
		switch (opt) {
		case 'l':
			c.list = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("refwq-cat %s\n", WQMON_VERSION);
			return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (argc - optind > 1) {
		usage(stderr);
		return 1;
	}
	c.want = optind < argc ? argv[optind] : NULL;
	ret = refwq_shm_discover(show, &c);
	if (ret < 0) {
		fprintf(stderr, "refwq-cat: %s: %s\n", REFWQ_SHM_DIR,
			strerror(-ret));
		return 3;
	}
	if (c.failed)
		return 3;
	if (!c.shown) {
		/* Said, not only an exit status: a silent 2 reads as a hang
		 * or a crash to whoever typed it. */
		fprintf(stderr, c.want ?
			"refwq-cat: no refwq instance named %s is running "
			"(refwq-cat -l lists them)\n" :
			"refwq-cat: no refwq instance is running%.0s (start one: "
			"refwq-demo -t 0 &)\n", c.want ? c.want : "");
		return 2;
	}
	return 0;
}
