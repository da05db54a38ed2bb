// SPDX-License-Identifier: GPL-2.0
/*
 * wqmond: the wqmon daemon.  Snapshots every source each interval, keeps a
 * bounded history of interval views, and serves everything over HTTP
 * (docs/API.md): Prometheus /metrics, JSON, the text view, the dashboard.
 *
 * One collection loop (this thread) and libmicrohttpd's thread.  The loop
 * snapshots and renders outside the state lock and takes it only to swap
 * pointers and push the view, so a slow client never delays collection.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/stat.h>
#include <systemd/sd-daemon.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "collector.h"
#include "config.h"
#include "http.h"
#include "invariants.h"
#include "json.h"
#include "log.h"
#include "model.h"
#include "privs.h"
#include "prog.h"
#include "refwq_reader.h"
#include "state.h"
#include "stalls.h"
#include "web_config.h"
#include "wqtime.h"

#define RETRY_START_NS (30ULL * 1000000000ULL)


static void usage(FILE *f)
{
	fprintf(f,
"Usage: wqmond [OPTIONS]\n"
"\n"
"The wqmon daemon: watches the kernel's workqueues (eBPF probes) and serves\n"
"Prometheus metrics, a JSON API, the /proc/workqueues-style text view and a\n"
"web dashboard over HTTP.  Runs in the foreground; logs to stderr.\n"
"\n"
"Options (they override the configuration file):\n"
"  -c, --config FILE      configuration file (default: the built-in one;\n"
"                         see --print-config and wqmond.conf(5))\n"
"  -l, --listen ADDR      HTTP address: host:port, [v6]:port, or none\n"
"                         (default 127.0.0.1:9464)\n"
"  -s, --socket PATH      local API socket, or none (default\n"
"                         /run/wqmon/wqmond.sock)\n"
"  -i, --interval SECS    seconds between snapshots (default 1)\n"
"  -o, --set SECTION.KEY=VALUE\n"
"                         any configuration key, e.g. -o kernel.queuers=yes\n"
"      --web-config FILE  TLS and basic auth for the HTTP address: the YAML\n"
"                         of Prometheus exporters' --web.config.file\n"
"      --hash-password    read a password on stdin, print its bcrypt hash\n"
"                         for basic_auth_users, and exit\n"
"      --check-config     check the configuration and exit (0: valid)\n"
"      --print-config     print the built-in configuration and exit\n"
"  -v, --verbose          debug messages\n"
"  -h, --help             this help\n"
"  -V, --version          version\n"
"\n"
"Signals: SIGHUP reloads the configuration file, SIGTERM and SIGINT stop.\n"
"\n"
"Examples:\n"
"  sudo wqmond                                  # dashboard on 127.0.0.1:9464\n"
"  sudo wqmond -l '[::]:9464' -o daemon.history_bytes=64M\n"
"  wqmond --check-config -c /etc/wqmon/wqmond.conf\n"
"  curl -s localhost:9464/metrics | grep wqmon_work_latency\n");
}

struct cli {
	const char *config_file;
	/* Flags, replayed over the file at start and on every reload. */
	char *sets[64][3];
	int nr_sets;
	bool check_only;
	bool verbose;
};

static int add_set(struct cli *cli, const char *section, const char *key,
		   const char *value)
{
	if (cli->nr_sets == 64) {
		pr_err("too many options\n");
		return -E2BIG;
	}
	cli->sets[cli->nr_sets][0] = strdup(section);
	cli->sets[cli->nr_sets][1] = strdup(key);
	cli->sets[cli->nr_sets][2] = strdup(value);
	cli->nr_sets++;
	return 0;
}

static int parse_set(struct cli *cli, const char *arg)
{
	char buf[512], *dot, *eq;

	snprintf(buf, sizeof(buf), "%s", arg);
	dot = strchr(buf, '.');
	eq = strchr(buf, '=');
	if (!dot || !eq || dot > eq) {
		pr_err("bad --set '%s': give SECTION.KEY=VALUE, e.g. "
		       "-o daemon.interval=2\n", arg);
		return -EINVAL;
	}
	*dot = *eq = '\0';
	return add_set(cli, buf, dot + 1, eq + 1);
}

/* Defaults, then the file, then the flags. */
static int load_config(const struct cli *cli, struct wqd_config *c)
{
	char err[512];

	wqd_config__defaults(c);
	if (cli->config_file &&
	    wqd_config__load_file(c, cli->config_file, err, sizeof(err))) {
		pr_err("%s\n", err);
		return -EINVAL;
	}
	for (int i = 0; i < cli->nr_sets; i++) {
		if (wqd_config__set(c, cli->sets[i][0], cli->sets[i][1],
				    cli->sets[i][2], err, sizeof(err))) {
			pr_err("option %s.%s: %s\n", cli->sets[i][0],
			       cli->sets[i][1], err);
			return -EINVAL;
		}
	}
	if (cli->verbose)
		c->log_level = WQ_LOG_DEBUG;
	return 0;
}

/* --hash-password: one line from stdin (not echoed on a terminal). */
static int hash_password(void)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) && !tcgetattr(STDIN_FILENO, &old);
	char pw[1024], hash[128];
	size_t n;

	if (tty) {
		fprintf(stderr, "Password: ");
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	if (!fgets(pw, sizeof(pw), stdin))
		pw[0] = '\0';
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	n = strcspn(pw, "\r\n");
	if (!n || n == sizeof(pw) - 1) {
		explicit_bzero(pw, sizeof(pw));
		pr_err("--hash-password: give a password of 1 to 1022 bytes "
		       "on one line of stdin\n");
		return WQ_EXIT_USAGE;
	}
	pw[n] = '\0';
	n = wqd_web_config__hash_password(pw, hash, sizeof(hash));
	explicit_bzero(pw, sizeof(pw));
	if (n) {
		pr_err("--hash-password: cannot hash (libxcrypt has no "
		       "bcrypt?)\n");
		return 1;
	}
	printf("%s\n", hash);
	return 0;
}

static int parse_args(int argc, char **argv, struct cli *cli)
{
	enum { OPT_CHECK = 256, OPT_PRINT, OPT_WEB, OPT_HASH };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "socket", required_argument, NULL, 's' },
		{ "interval", required_argument, NULL, 'i' },
		{ "set", required_argument, NULL, 'o' },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "print-config", no_argument, NULL, OPT_PRINT },
		{ "web-config", required_argument, NULL, OPT_WEB },
		{ "hash-password", no_argument, NULL, OPT_HASH },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	int ch, err = 0;

	while (!err && (ch = getopt_long(argc, argv, "c:l:s:i:o:vhV", opts,
					 NULL)) != -1) {
		switch (ch) {
		case 'c': cli->config_file = optarg; break;
		case 'l': err = add_set(cli, "daemon", "listen", optarg); break;
		case 's': err = add_set(cli, "daemon", "socket", optarg); break;
		case 'i': err = add_set(cli, "daemon", "interval", optarg); break;
		case 'o': err = parse_set(cli, optarg); break;
		case OPT_CHECK: cli->check_only = true; break;
		case OPT_WEB:
			err = add_set(cli, "daemon", "web_config", optarg);
			break;
		case OPT_HASH: exit(hash_password());
		case OPT_PRINT:
			fputs(wqd_config_default_text, stdout);
			exit(0);
		case 'v': cli->verbose = true; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("wqmond %s\n", WQMON_VERSION); exit(0);
		default:
			fprintf(stderr, "Try 'wqmond --help'.\n");
			return -EINVAL;
		}
	}
	if (!err && optind < argc) {
		pr_err("unexpected argument '%s'; try 'wqmond --help'\n",
		       argv[optind]);
		return -EINVAL;
	}
	return err;
}

static int source_init(struct wqd_source *s, const char *name,
		       const struct wqd_source_ops *ops)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->ops = ops;
	/* The daemon keeps no views: its history keeps their JSON. */
	wq_stream__init(&s->stream, name, 1);
	return 0;
}

static void source_try_start(struct wqd_state *st, struct wqd_source *s,
			     uint64_t now)
{
	int err;

	if (s->state == WQD_SRC_UP || now < s->next_start_ns)
		return;
	err = s->ops->start(s, &st->cfg);
	pthread_mutex_lock(&st->lock);
	if (err) {
		if (s->state != WQD_SRC_FAILED)
			pr_err("source %s: %s; retrying every %llu s\n", s->name,
			       s->error,
			       (unsigned long long)(RETRY_START_NS / 1000000000));
		s->state = WQD_SRC_FAILED;
		s->failures++;
		s->next_start_ns = now + RETRY_START_NS;
	} else {
		pr_info("source %s: up\n", s->name);
		s->state = WQD_SRC_UP;
		s->error[0] = '\0';
	}
	pthread_mutex_unlock(&st->lock);
}

/* Debug mode (-v): lib/core/invariants.h on every snapshot of every source. */
static void log_violations(const struct wq_stream *sm)
{
	char out[4096], *line, *save = NULL;

	if (!wq_invariants__check(sm->prev, sm->cur, wq_stream__view(sm, 0),
				  out, sizeof(out)))
		return;
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		pr_warn("invariant: %s\n", line);
}

/* A source that failed this round: count it, say why, set its state. */
static void source_failed(struct wqd_source *s, int err)
{
	bool is_kmod = s->ops == &wqd_kmod_source;

	s->failures++;
	if (!is_kmod || s->state == WQD_SRC_UP)
		pr_warn("source %s: %s\n", s->name,
			s->error[0] ? s->error : strerror(-err));
	/* An instance that is gone: discovery removes it. */
	if (s->ops == &wqd_refwq_source)
		s->state = WQD_SRC_DOWN;
	/* A file that does not parse: failed, with the reason, and nothing
	 * of the last good read served; read again each interval (no
	 * restart: it is open by path). */
	if (is_kmod) {
		s->state = WQD_SRC_FAILED;
		s->next_start_ns = UINT64_MAX;
		wq_stream__restart(&s->stream);
	}
}

/*
 * One snapshot of one source.  Only this thread changes a source's stream;
 * the HTTP threads read its cur under the lock.  So: collect outside the
 * lock, push under it, render the new view's JSON outside it (the view is
 * this thread's), and hand the result over under it again.
 */
static void source_collect(struct wqd_state *st, struct wqd_source *s)
{
	uint64_t t0 = wq_clock_ns(CLOCK_MONOTONIC);
	struct wq_snapshot *fresh = wq_stream__blank(&s->stream);
	const struct wq_snapshot *view = NULL;
	char *json = NULL;
	int err = fresh ? s->ops->snapshot(s, fresh) : -ENOMEM;

	pthread_mutex_lock(&st->lock);
	if (!err) {
		err = wq_stream__push(&s->stream, fresh);
		view = err > 0 ? wq_stream__view(&s->stream, 0) : NULL;
		err = err < 0 ? err : 0;
	} else {
		wq_snapshot__free(fresh);
	}
	pthread_mutex_unlock(&st->lock);
	if (view) {
		if (wq_log__level() >= WQ_LOG_DEBUG)
			log_violations(&s->stream);
		json = wq_json__render(view, WQ_JSON_LAT_SLOTS);
		if (!json)
			err = -ENOMEM;
	}
	pthread_mutex_lock(&st->lock);
	s->scrapes++;
	s->scrape_ns = wq_clock_ns(CLOCK_MONOTONIC) - t0;
	if (err) {
		source_failed(s, err);
	} else {
		if (s->state == WQD_SRC_FAILED) {
			pr_info("source %s: up\n", s->name);
			s->state = WQD_SRC_UP;
		}
		s->error[0] = '\0';
		wqd_stalls__check(st, s, view);
		if (s->ops == &wqd_kernel_source) {
			wqd_isolation__update(&st->isolation, s->priv);
			wqd_kconfig__saw(&st->kconfig, view);
		}
		if (json) {
			/* The history takes the JSON, also on error. */
			err = wqd_history__push(st->history, view->mono_ns,
						json, strlen(json));
			json = NULL;
			if (err == -E2BIG)
				pr_warn("history_bytes is smaller than one "
					"view: raise it\n");
		}
	}
	pthread_mutex_unlock(&st->lock);
	free(json);
}

static void source_free(struct wqd_source *s)
{
	if (s->state == WQD_SRC_UP || s->priv)
		s->ops->stop(s);
	wq_stream__fini(&s->stream);
}

struct discovery {
	struct wqd_state *st;
	uint64_t now;
};

static bool have_segment(const struct wqd_state *st, const char *file)
{
	for (size_t i = 0; i < st->nr_src; i++)
		if (st->src[i].ops == &wqd_refwq_source && st->src[i].priv &&
		    !strcmp(st->src[i].priv, file))
			return true;
	return false;
}

#define NSEC_PER_SEC 1000000000ull

/* A refusal for lack of room is looked at again every round: the room
 * may come back.  Any other is final for the file as it is. */
#define REFUSAL_RECHECK_NS (60 * NSEC_PER_SEC)
/* A writer creates its segment, sizes it, then fills the header: until
 * then it reads as malformed.  Not a refusal yet. */
#define SEGMENT_FILL_NS (2 * NSEC_PER_SEC)

static bool lack_of_room(enum wqd_refusal r)
{
	return r == WQD_REF_DUPLICATE || r == WQD_REF_USER_LIMIT ||
	       r == WQD_REF_NO_SLOT;
}

static struct wqd_refused_seg *refused_seg(struct wqd_state *st,
					   const char *file)
{
	for (size_t i = 0; i < WQD_REFUSED_SEEN; i++)
		if (!strcmp(st->refused_seen[i].file, file))
			return &st->refused_seen[i];
	return NULL;
}

/* Counted and logged once per file and reason, however many rounds. */
static void refuse(struct wqd_state *st, const char *file,
		   enum wqd_refusal why, const char *detail, uint64_t now)
{
	struct wqd_refused_seg *e = refused_seg(st, file);

	if (e && e->reason == why) {
		e->until_ns = now + REFUSAL_RECHECK_NS;
		return;
	}
	if (!e) {
		e = &st->refused_seen[st->refused_next++ % WQD_REFUSED_SEEN];
		snprintf(e->file, sizeof(e->file), "%s", file);
	}
	e->reason = why;
	e->until_ns = now + REFUSAL_RECHECK_NS;
	pthread_mutex_lock(&st->lock);
	st->refused[why]++;
	pthread_mutex_unlock(&st->lock);
	pr_warn("refwq segment " REFWQ_SHM_DIR "/%s refused: %s\n", file,
		detail);
}

/* Made less than SEGMENT_FILL_NS ago (or cannot tell). */
static bool segment_is_new(const char *file)
{
	char path[PATH_MAX];
	struct timespec now;
	struct stat sb;

	snprintf(path, sizeof(path), REFWQ_SHM_DIR "/%s", file);
	if (fstatat(AT_FDCWD, path, &sb, AT_SYMLINK_NOFOLLOW) ||
	    clock_gettime(CLOCK_REALTIME, &now))
		return true;
	return (uint64_t)(now.tv_sec - sb.st_ctim.tv_sec) * NSEC_PER_SEC +
		       (uint64_t)now.tv_nsec - (uint64_t)sb.st_ctim.tv_nsec <
	       SEGMENT_FILL_NS;
}

static size_t sources_of_user(const struct wqd_state *st, unsigned int uid)
{
	size_t n = 0;

	for (size_t i = 0; i < st->nr_src; i++)
		n += st->src[i].ops == &wqd_refwq_source &&
		     st->src[i].owner_uid == uid;
	return n;
}

static bool have_source(const struct wqd_state *st, const char *name)
{
	for (size_t i = 0; i < st->nr_src; i++)
		if (!strcmp(st->src[i].name, name))
			return true;
	return false;
}

/*
 * "refwq.<pid>.<name>" -> source "refwq:<name>", if refwq_shm_open()
 * accepts the file (a regular file, published by a live process of its
 * owner, within limits) and there is room: a name is served once, a user
 * other than root has WQD_REFWQ_PER_USER sources at most, so nobody can
 * take the others' slots, and nobody can pass for another instance.
 */
static int on_segment(const char *file, void *ctx)
{
	struct discovery *d = ctx;
	struct wqd_state *st = d->st;
	struct wqd_refused_seg *seen = refused_seg(st, file);
	struct refwq_shm_info info;
	char src_name[WQ_SOURCE_LEN], why[160];
	struct wqd_source s;
	int fd;

	if (have_segment(st, file) ||
	    (seen && seen->until_ns > d->now && !lack_of_room(seen->reason)))
		return 0;
	fd = refwq_shm_open(file, &info);
	if (fd < 0) {
		/* Gone, or left by a process that is gone: not refused. */
		if (fd == -ENOENT || fd == -ESRCH)
			return 0;
		if ((fd == -EPROTO || fd == -EBADMSG) && segment_is_new(file))
			return 0;
		refuse(st, file, wqd_refusal__of(fd), refwq_shm_strerror(fd),
		       d->now);
		return 0;
	}
	close(fd);
	snprintf(src_name, sizeof(src_name), "refwq:%s", info.name);
	if (have_source(st, src_name)) {
		snprintf(why, sizeof(why), "%s is served already (pid %d)",
			 src_name, info.pid);
		refuse(st, file, WQD_REF_DUPLICATE, why, d->now);
		return 0;
	}
	if (info.uid && sources_of_user(st, info.uid) >= WQD_REFWQ_PER_USER) {
		snprintf(why, sizeof(why), "uid %u has %d refwq sources already",
			 info.uid, WQD_REFWQ_PER_USER);
		refuse(st, file, WQD_REF_USER_LIMIT, why, d->now);
		return 0;
	}
	if (st->nr_src == WQD_MAX_SOURCES) {
		snprintf(why, sizeof(why), "%d sources at most", WQD_MAX_SOURCES);
		refuse(st, file, WQD_REF_NO_SLOT, why, d->now);
		return 0;
	}
	if (source_init(&s, src_name, &wqd_refwq_source))
		return 1;
	s.priv = strdup(file);
	s.owner_uid = info.uid;
	if (seen)
		seen->file[0] = '\0';
	pr_info("found refwq instance %s (uid %u)\n", file, info.uid);
	pthread_mutex_lock(&st->lock);
	st->src[st->nr_src++] = s;
	pthread_mutex_unlock(&st->lock);
	source_try_start(st, &st->src[st->nr_src - 1], d->now);
	return 0;
}

/* refwq instances come and go with their processes. */
static void discover_refwq(struct wqd_state *st, uint64_t now)
{
	struct discovery d = { st, now };
	size_t i = 0;

	refwq_shm_discover(on_segment, &d);
	pthread_mutex_lock(&st->lock);
	while (i < st->nr_src) {
		struct wqd_source *s = &st->src[i];

		if (s->ops != &wqd_refwq_source || s->state == WQD_SRC_UP) {
			i++;
			continue;
		}
		pr_info("refwq instance %s gone: %s\n", s->name, s->error);
		wqd_stalls__forget(st, s->name);
		source_free(s);
		memmove(s, s + 1, (st->nr_src - i - 1) * sizeof(*s));
		st->nr_src--;
	}
	pthread_mutex_unlock(&st->lock);
}

static void reload(const struct cli *cli, struct wqd_state *st,
		   struct wqd_http *http)
{
	struct wqd_config c;

	/* The web configs first: certificates and passwords change with the
	 * rest, or nothing does. */
	if (load_config(cli, &c) ||
	    wqd_http__reload(http, st, c.web_config, c.socket_web_config)) {
		pr_err("reload failed: keeping the running configuration\n");
		return;
	}
	pthread_mutex_lock(&st->lock);
	if (strcmp(c.listen, st->cfg.listen) ||
	    strcmp(c.socket_path, st->cfg.socket_path))
		pr_warn("listen and socket changes take effect on restart\n");
	if (c.kernel != st->cfg.kernel ||
	    c.kernel_queuers != st->cfg.kernel_queuers ||
	    c.kernel_raw_tp != st->cfg.kernel_raw_tp ||
	    c.kernel_cpu_time != st->cfg.kernel_cpu_time ||
	    c.kernel_sample_every != st->cfg.kernel_sample_every ||
	    c.kernel_config_ns != st->cfg.kernel_config_ns ||
	    strcmp(c.kernel_isolated, st->cfg.kernel_isolated))
		pr_warn("[kernel] changes take effect on restart\n");
	/* A larger list would give series to queuers folded so far, and
	 * their "other" would go down. */
	if (c.queuer_series != st->cfg.queuer_series)
		pr_warn("[metrics] queuer_series takes effect on restart\n");
	/* The probes' minimum and rate are set at load: the rules apply at
	 * once above the minimum, the rest on restart. */
	if (wq_slow_rules__kernel_min(&c.slow) !=
		    wq_slow_rules__kernel_min(&st->cfg.slow) ||
	    c.slow.max_per_second != st->cfg.slow.max_per_second ||
	    c.slow_keep != st->cfg.slow_keep)
		pr_warn("[slow] changes of the smallest threshold, "
			"max_per_second and keep take effect on restart\n");
	c.slow_keep = st->cfg.slow_keep;
	snprintf(c.listen, sizeof(c.listen), "%s", st->cfg.listen);
	snprintf(c.socket_path, sizeof(c.socket_path), "%s",
		 st->cfg.socket_path);
	st->cfg = c;
	wqd_history__set_budget(st->history, c.history_bytes);
	wq_log__set_level(c.log_level);
	pthread_mutex_unlock(&st->lock);
	pr_info("configuration reloaded\n");
}

/*
 * Once the kernel probes are attached (or there are none to attach), give
 * up everything but CAP_BPF.  A kernel source that failed to start keeps
 * the privileges its retries need; it is dropped after they succeed.
 */
static void maybe_drop_privileges(struct wqd_state *st, bool *dropped)
{
	const struct wqd_source *kernel = NULL;
	char err[256], caps[128];
	int ret;

	if (*dropped)
		return;
	for (size_t i = 0; i < st->nr_src; i++)
		if (st->src[i].ops == &wqd_kernel_source)
			kernel = &st->src[i];
	if (kernel && kernel->state != WQD_SRC_UP)
		return;
	*dropped = true;
	ret = wqd_privs__drop(st->cfg.user, kernel != NULL, err, sizeof(err));
	if (ret)
		pr_warn("%s\n", err);
	pr_info("%s: uid %u, capabilities %s\n",
		ret ? "privileges partly dropped" : "privileges dropped",
		(unsigned int)geteuid(), wqd_privs__describe(caps, sizeof(caps)));
}

static void sleep_until(uint64_t deadline)
{
	struct timespec ts = { .tv_sec = deadline / 1000000000ULL,
			       .tv_nsec = deadline % 1000000000ULL };

	/* EINTR on a signal: the loop looks at the flags. */
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

/* The kernel source's collector while it is up: slow records come from
 * it.  The collection loop's own. */
static struct wq_collector *slow_collector(struct wqd_state *st)
{
	for (size_t i = 0; i < st->nr_src; i++)
		if (st->src[i].ops == &wqd_kernel_source &&
		    st->src[i].state == WQD_SRC_UP)
			return st->src[i].priv;
	return NULL;
}

/* A record the probes sent: judged by the rules in force (only this
 * thread changes them), kept if slow. */
static int keep_slow(struct wq_slow *r, void *ctx)
{
	struct wqd_state *st = ctx;
	bool slow = wq_slow_rules__judge(&st->cfg.slow, r);

	pthread_mutex_lock(&st->lock);
	if (slow)
		wq_slow_ring__push(st->slow, r);
	else
		st->slow_under++;
	pthread_mutex_unlock(&st->lock);
	return 0;
}

/*
 * Sleep until @deadline, taking the slow records as they come, so that a
 * stream sees each within milliseconds, not an interval later.  The
 * streams are woken at least every second (their keep-alive and end).
 */
static void wait_until(struct wqd_state *st, struct wqd_http *http,
		       uint64_t deadline)
{
	while (!wq_prog_stop && !wq_prog_reload) {
		struct wq_collector *c = st->slow ? slow_collector(st) : NULL;
		int fd = c ? wq_collector__slow_fd(c) : -1;
		uint64_t now = wq_clock_ns(CLOCK_MONOTONIC), left;
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (now >= deadline)
			return;
		if (fd < 0) {
			sleep_until(deadline);
			return;
		}
		left = deadline - now;
		if (left > 1000000000ULL)
			left = 1000000000ULL;
		if (poll(&p, 1, (int)((left + 999999) / 1000000)) > 0)
			wq_collector__slow_poll(c, 0, keep_slow, st);
		wqd_http__slow_wake(http);
	}
}

static int run(const struct cli *cli, struct wqd_state *st)
{
	struct wqd_http *http = NULL;
	bool dropped = false;
	uint64_t next;
	int err;

	if (st->cfg.kernel) {
		err = source_init(&st->src[st->nr_src++], "kernel",
				  &wqd_kernel_source);
		if (err)
			return err;
	}
	if (st->cfg.kmod == 1 ||
	    (st->cfg.kmod == 2 && access(st->cfg.kmod_path, R_OK) == 0)) {
		err = source_init(&st->src[st->nr_src++], "kmod",
				  &wqd_kmod_source);
		if (err)
			return err;
	}
	if (!st->nr_src && !st->cfg.refwq)
		pr_warn("no source is enabled: serving an empty view\n");
	if (st->cfg.kernel) {
		char why[256] = "";

		/* The setting was checked with the configuration. */
		wqd_isolation__init(&st->isolation, st->cfg.kernel_isolated, why,
				    sizeof(why));
		if (st->isolation.on)
			pr_info("watching isolated CPUs %s for kworker work\n",
				st->isolation.list);
		/* Loaded now: the walk needs CAP_PERFMON, dropped later. */
		wqd_kconfig__open(&st->kconfig, st->cfg.kernel_config_ns);
	} else {
		snprintf(st->kconfig.error, sizeof(st->kconfig.error),
			 "not read: the kernel source is off");
	}
	st->history = wqd_history__new(st->cfg.history_bytes);
	st->metrics = wq_metrics_state__new();
	st->qmetrics = wq_metrics_queuers__new(st->cfg.queuer_series);
	if (!st->history || !st->metrics || wqd_stalls__init(st) ||
	    (st->cfg.queuer_series && !st->qmetrics))
		return -ENOMEM;
	if (st->cfg.kernel && wq_slow_rules__kernel_min(&st->cfg.slow)) {
		st->slow = wq_slow_ring__new(st->cfg.slow_keep);
		if (!st->slow)
			return -ENOMEM;
	}
	for (size_t i = 0; i < st->nr_src; i++)
		source_try_start(st, &st->src[i], wq_clock_ns(CLOCK_MONOTONIC));
	err = wqd_http__start(&http, st);
	if (err)
		return err;
	if (st->cfg.socket_path[0])
		pr_info("local API on %s\n", st->cfg.socket_path);
	sd_notify(0, "READY=1\nSTATUS=collecting");

	next = wq_clock_ns(CLOCK_MONOTONIC);
	while (!wq_prog_stop) {
		uint64_t now = wq_clock_ns(CLOCK_MONOTONIC);

		__atomic_store_n(&st->loop_ns, now, __ATOMIC_RELAXED);
		if (wq_prog_reload) {
			wq_prog_reload = 0;
			sd_notify(0, "RELOADING=1");
			reload(cli, st, http);
			sd_notify(0, "READY=1");
		}
		if (st->cfg.refwq)
			discover_refwq(st, now);
		wqd_stalls__read_kmsg(st);
		for (size_t i = 0; i < st->nr_src; i++) {
			struct wqd_source *s = &st->src[i];

			source_try_start(st, s, now);
			if (s->state == WQD_SRC_UP ||
			    (s->state == WQD_SRC_FAILED && s->priv &&
			     s->ops == &wqd_kmod_source))
				source_collect(st, s);
		}
		wqd_kconfig__tick(&st->kconfig, &st->lock, now);
		maybe_drop_privileges(st, &dropped);
		if (st->slow && slow_collector(st)) {
			uint64_t d = wq_collector__slow_dropped(
				slow_collector(st));

			pthread_mutex_lock(&st->lock);
			st->slow_dropped = d;
			pthread_mutex_unlock(&st->lock);
		}
		wqd_http__tick(http);
		next += st->cfg.interval_ns;
		if (next < now)	/* fell behind (suspend, overload): resync */
			next = now + st->cfg.interval_ns;
		wait_until(st, http, next);
	}
	sd_notify(0, "STOPPING=1");
	pr_info("stopping\n");
	wqd_http__stop(http);
	return 0;
}

static void teardown(struct wqd_state *st, struct cli *cli)
{
	for (size_t i = 0; i < st->nr_src; i++)
		source_free(&st->src[i]);
	wqd_history__free(st->history);
	wq_metrics_state__free(st->metrics);
	wq_metrics_queuers__free(st->qmetrics);
	wqd_isolation__free(&st->isolation);
	wqd_kconfig__free(&st->kconfig);
	wq_slow_ring__free(st->slow);
	if (st->detector)
		wqd_stalls__exit(st);
	for (int i = 0; i < cli->nr_sets; i++)
		for (int j = 0; j < 3; j++)
			free(cli->sets[i][j]);
}

int main(int argc, char **argv)
{
	static struct wqd_state st = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct cli cli = { 0 };
	int err;

	wq_log__set_prog("wqmond");
	if (parse_args(argc, argv, &cli) || load_config(&cli, &st.cfg)) {
		teardown(&st, &cli);
		return WQ_EXIT_USAGE;
	}
	/* Once, from the file or -l alike (a reload keeps the address). */
	if (!wqd_config__listen_is_loopback(st.cfg.listen))
		pr_warn("listen = '%s' is not loopback: the dashboard and "
			"metrics are open to the network; use 127.0.0.1:PORT "
			"or put a firewall or TLS proxy in front\n",
			st.cfg.listen);
	/* Found out now, not after the probes load: a daemon that could not
	 * switch would run on as root. */
	if (st.cfg.user[0] && !wqd_privs__user_exists(st.cfg.user)) {
		pr_err("daemon.user = '%s': no such user; create it or leave "
		       "it empty\n", st.cfg.user);
		teardown(&st, &cli);
		return WQ_EXIT_USAGE;
	}
	if (cli.check_only) {
		if (wqd_http__check_web_configs(st.cfg.web_config,
						st.cfg.socket_web_config)) {
			teardown(&st, &cli);
			return WQ_EXIT_USAGE;
		}
		printf("configuration ok\n");
		teardown(&st, &cli);
		return 0;
	}
	wq_log__set_level(st.cfg.log_level);
	wq_prog__signals(true);
	st.started_real_ns = wq_clock_ns(CLOCK_REALTIME);
	st.started_mono_ns = wq_clock_ns(CLOCK_MONOTONIC);

	err = run(&cli, &st);
	teardown(&st, &cli);
	return err ? 1 : 0;
}
