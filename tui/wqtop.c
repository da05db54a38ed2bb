// SPDX-License-Identifier: GPL-2.0
/*
 * wqtop: htop for workqueues.  Options, the one event loop and the mouse;
 * the keys are in keys.c, the screens in screen.c, the numbers in the
 * table layer (table.h), the terminal in crt.c, what it polls in feed.c
 * (one of lib/io/source.h's sources).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <ncurses.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "collector.h"
#include "crt.h"
#include "keys.h"
#include "log.h"
#include "daemon_client.h"
#include "feed.h"
#include "fleet.h"
#include "prog.h"
#include "source.h"
#include "ui.h"
#include "wqtime.h"

/* Exit codes, as wqctl's: 0 ok, 1 runtime failure, 2 usage error. */

struct opts {
	double delay_s;
	long iterations;	/* 0: until quit */
	bool batch;
	const char *source;
	enum wqtop_view_id view;
	int sort;		/* -1: the view's default */
	bool reverse;
	bool tree;
	const char *filter;
	bool color;
	bool mouse;
	bool ascii;
	bool queuers;
	uint32_t sample_every;
	struct wq_slow_rules slow;	/* local: --slow */
	int width;		/* batch: line width; 0: the terminal's */
	const char *prometheus;	/* the fleet view of this Prometheus */
};


static void usage(FILE *f)
{
	fprintf(f,
"Usage: wqtop [OPTIONS]\n"
"\n"
"htop for workqueues: which work function is eating the kworkers, which\n"
"pool is backed up, how long work waits, and whether anything is stalled.\n"
"\n"
"Options:\n"
"  -d, --delay SECONDS     between refreshes (default 1; 0.5 or 500ms,\n"
"                          0.1 to 3600)\n"
"  -n, --iterations N      exit after N refreshes (default: until q)\n"
"  -b, --batch             print text frames, like top -b (no curses)\n"
"      --source SOURCE     where the numbers come from (default auto):\n"
"                            auto     wqmond's socket if it answers, else\n"
"                                     local (needs root)\n"
"                            local    in-process: kernel probes (root) and\n"
"                                     running refwq instances\n"
"                            refwq[:NAME]  refwq instances only, no root\n"
"                            kmod[:PATH]   the refwq module's\n"
"                                     /proc/workqueues (a board)\n"
"                            file:PATH     a saved text or JSON view\n"
"                            kernel   the kernel probes only (root)\n"
"                            daemon   wqmond at " WQ_DAEMON_SOCKET "\n"
"                            unix:/path, http://host:port   a wqmond\n"
"      --view VIEW         start in pools, workqueues, functions,\n"
"                          kworkers, stalls, config or queuers (default\n"
"                          functions)\n"
"  -s, --sort COLUMN       sort by COLUMN (rate, lat_p99, cpu_pct, pending,\n"
"                          oldest, ... see the help screen, key h)\n"
"  -r, --reverse           reverse the order\n"
"  -t, --tree              group functions under their workqueue\n"
"  -f, --filter TEXT       show rows whose names contain TEXT\n"
"  -T, --threshold NAME=WARN[:CRIT]  colour thresholds (repeatable):\n"
"                          lat=1ms:10ms  run=10ms:100ms  cpu=50:90\n"
"                          pending=100ms:1s (crit: a stall)  stall=1s\n"
"  -w, --width COLS        batch line width (default: the terminal's, or\n"
"                          160)\n"
"      --no-color          no colours (also NO_COLOR=1 or a mono terminal)\n"
"      --no-mouse          leave the mouse to the terminal\n"
"      --ascii             ASCII bars and lines even on UTF-8\n"
"      --no-queuers        local: do not track which tasks queue work\n"
"                          (the queuers view, key 7)\n"
"      --replay FILE       play a recording (wqctl record) back: one\n"
"                          recorded interval per delay (+ - to change the\n"
"                          speed, space to pause, n to step); as --source\n"
"                          replay:FILE\n"
"      --sample N          local: measure the durations of 1 item in N\n"
"                          (sampled mode: less probe cost; counts exact)\n"
"      --slow DURATION|off local: the drill-down's slow items, those whose\n"
"                          latency or run time reached DURATION (100ms)\n"
"      --prometheus URL    the fleet view: every wqmond host a Prometheus\n"
"                          (or VictoriaMetrics) at URL scrapes, with its\n"
"                          p99 latency, stalls and costliest functions\n"
"  -v, --verbose           debug messages, including libbpf's\n"
"  -h, --help              this help\n"
"  -V, --version           version\n"
"\n"
"Keys: h help, 1-5 views, Enter drill down, < > F6 sort, r reverse,\n"
"/ filter, t tree, space pause, + - delay, q quit.\n"
"\n"
"Examples:\n"
"  sudo wqtop                          live, in-process (or via wqmond)\n"
"  wqtop --source daemon               attach to the local wqmond\n"
"  wqtop --source http://db1:9464      a wqmond on another machine\n"
"  wqtop --source refwq:demo           a refwq-demo, without root\n"
"  sudo wqtop -b -n 2 -d 2 --view pools   two text frames, 2 s apart\n"
"  sudo wqtop -T lat=500us:5ms -s lat_p99\n"
"  wqtop -b -n 1 --prometheus http://prom:9090   the fleet, once\n"
"\n"
"Exit status: 0 ok, 1 runtime failure (no source, lost terminal), 2 usage\n"
"error.  See wqtop(8) and docs/WQTOP.md.\n");
}

static int parse_args(int argc, char **argv, struct opts *o,
		      struct wqtop_thresholds *thr)
{
	enum { OPT_SOURCE = 256, OPT_VIEW, OPT_NO_COLOR, OPT_NO_MOUSE,
	       OPT_ASCII, OPT_NO_QUEUERS, OPT_SAMPLE, OPT_REPLAY,
	       OPT_PROMETHEUS, OPT_SLOW };
	static char replay[300];
	static const struct option longopts[] = {
		{ "delay", required_argument, NULL, 'd' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "batch", no_argument, NULL, 'b' },
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "view", required_argument, NULL, OPT_VIEW },
		{ "sort", required_argument, NULL, 's' },
		{ "reverse", no_argument, NULL, 'r' },
		{ "tree", no_argument, NULL, 't' },
		{ "filter", required_argument, NULL, 'f' },
		{ "threshold", required_argument, NULL, 'T' },
		{ "width", required_argument, NULL, 'w' },
		{ "no-color", no_argument, NULL, OPT_NO_COLOR },
		{ "no-colour", no_argument, NULL, OPT_NO_COLOR },
		{ "no-mouse", no_argument, NULL, OPT_NO_MOUSE },
		{ "ascii", no_argument, NULL, OPT_ASCII },
		{ "no-queuers", no_argument, NULL, OPT_NO_QUEUERS },
		{ "sample", required_argument, NULL, OPT_SAMPLE },
		{ "slow", required_argument, NULL, OPT_SLOW },
		{ "replay", required_argument, NULL, OPT_REPLAY },
		{ "prometheus", required_argument, NULL, OPT_PROMETHEUS },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	uint64_t ns;
	char *end;
	long l;
	int ch, v;

	while ((ch = getopt_long(argc, argv, "d:n:bs:rtf:T:w:vhV", longopts,
				 NULL)) != -1) {
		switch (ch) {
		case 'd':
			if (wq_seconds__parse(optarg, 0.1, 3600, &ns)) {
				pr_err("bad --delay '%s': give seconds between "
				       "0.1 and 3600, e.g. -d 2 or -d 0.5\n",
				       optarg);
				return -EINVAL;
			}
			o->delay_s = ns / 1e9;
			break;
		case 'n':
			errno = 0;
			l = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || l < 0) {
				pr_err("bad --iterations '%s': give a whole "
				       "number >= 0 (0 = until q)\n", optarg);
				return -EINVAL;
			}
			o->iterations = l;
			break;
		case 'b':
			o->batch = true;
			break;
		case OPT_SOURCE:
			o->source = optarg;
			break;
		case OPT_VIEW:
			v = wqtop_view__from_name(optarg);
			if (v < 0) {
				pr_err("unknown view '%s': give pools, "
				       "workqueues, functions, kworkers, "
				       "stalls, config or queuers\n", optarg);
				return -EINVAL;
			}
			o->view = v;
			break;
		case 's':
			v = wqtop_col__from_name(optarg);
			if (v < 0) {
				pr_err("unknown sort column '%s': see wqtop "
				       "--help or the help screen (h)\n",
				       optarg);
				return -EINVAL;
			}
			o->sort = v;
			break;
		case 'r':
			o->reverse = true;
			break;
		case 't':
			o->tree = true;
			break;
		case 'f':
			o->filter = optarg;
			break;
		case 'T':
			if (wqtop_thresholds__parse(thr, optarg)) {
				pr_err("bad --threshold '%s': give NAME=WARN"
				       "[:CRIT], NAME one of lat, run, pending,"
				       " stall, cpu, times with a unit (ns, us,"
				       " ms, s), e.g. -T lat=1ms:10ms\n",
				       optarg);
				return -EINVAL;
			}
			break;
		case 'w':
			errno = 0;
			l = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || l < 40 ||
			    l > 1000) {
				pr_err("bad --width '%s': give columns between "
				       "40 and 1000\n", optarg);
				return -EINVAL;
			}
			o->width = (int)l;
			break;
		case OPT_NO_COLOR:
			o->color = false;
			break;
		case OPT_NO_MOUSE:
			o->mouse = false;
			break;
		case OPT_ASCII:
			o->ascii = true;
			break;
		case OPT_NO_QUEUERS:
			o->queuers = false;
			break;
		case OPT_PROMETHEUS:
			o->prometheus = optarg;
			break;
		case OPT_REPLAY: {
			char why[400];

			if (wq_source__replay_spec(optarg, replay,
						   sizeof(replay), why,
						   sizeof(why))) {
				pr_err("%s\n", why);
				return -EINVAL;
			}
			o->source = replay;
			break;
		}
		case OPT_SAMPLE: {
			char why[200];

			if (wq_collector__parse_sample(optarg, &o->sample_every,
						       why, sizeof(why))) {
				pr_err("%s\n", why);
				return -EINVAL;
			}
			break;
		}
		case OPT_SLOW: {
			char why[200];

			/* One threshold for both, as wqmond's [slow]. */
			if (wq_slow_rules__set_default(&o->slow,
						       WQ_SLOW_K_LATENCY,
						       optarg, why,
						       sizeof(why)) ||
			    wq_slow_rules__set_default(&o->slow, WQ_SLOW_K_RUN,
						       optarg, why,
						       sizeof(why))) {
				pr_err("bad --slow '%s': give a duration (e.g. "
				       "100ms) or off\n", optarg);
				return -EINVAL;
			}
			break;
		}
		case 'v':
			wq_log__set_level(WQ_LOG_DEBUG);
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("wqtop %s\n", WQMON_VERSION);
			exit(0);
		default:
			fprintf(stderr, "Try 'wqtop --help'.\n");
			return -EINVAL;
		}
	}
	if (optind < argc) {
		pr_err("unexpected argument '%s'; try 'wqtop --help'\n",
		       argv[optind]);
		return -EINVAL;
	}
	/* "cpu" is the pool's CPU where a view has it, and wqctl's on-CPU
	 * share (-s cpu) elsewhere. */
	if (o->sort == COL_CPU && !wqtop_view__has_col(o->view, COL_CPU))
		o->sort = COL_CPU_PCT;
	if (o->sort >= 0 && !wqtop_view__has_col(o->view, o->sort)) {
		pr_err("the %s view has no column '%s'; see the help screen "
		       "(h) for its columns\n", wqtop_views[o->view].name,
		       wqtop_columns[o->sort].name);
		return -EINVAL;
	}
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	nanosleep(&ts, NULL);
}

/* ---- batch mode ---- */

static int run_batch(const struct opts *o, struct ui *ui,
		     struct wqtop_feed *src, struct wqtop_data *d)
{
	struct winsize ws;
	int cols = o->width, err = 0;
	unsigned long shown = 0, last = d->refreshes;

	if (!cols)
		cols = !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col ?
			       ws.ws_col : 160;
	while (!wq_prog_stop &&
	       (!o->iterations || shown < (unsigned long)o->iterations)) {
		sleep_s(o->delay_s);
		if (wq_prog_stop)
			break;
		err = wqtop_feed__poll(src, d);
		if (err == -ENODATA)
			return 0;	/* the end of a recording */
		if (err) {
			pr_err("%s\n", wqtop_feed__error(src));
			if (strstr(wqtop_feed__name(src), ":"))
				continue;	/* a daemon may come back */
			return 1;
		}
		if (d->refreshes == last)
			continue;	/* nothing new (a slower daemon) */
		last = d->refreshes;
		err = wqtop_batch__frame(stdout, d, ui->view,
					 &ui->topt[ui->view], ui->source,
					 o->delay_s, cols);
		if (err == -EPIPE)
			return 0;	/* `wqtop -b | head` */
		if (err)
			return 1;
		shown++;
	}
	return 0;
}

/* ---- interactive ---- */

static void row_key(const struct wqtop_row *r, char *buf, size_t len)
{
	snprintf(buf, len, "%d/%d/%d/%s/%s/%.0f/%s", r->src, r->group,
		 r->pool_id, r->wq, r->func, r->v[COL_TID],
		 isnan(r->v[COL_TID]) ? r->extra : "");
}

/* Rebuild the rows, keeping the selection on the same row. */
static void rebuild(struct ui *ui, const struct wqtop_data *d)
{
	char key[sizeof(ui->sel_key)];
	size_t i;

	if (ui->sel < ui->rows.nr)
		row_key(&ui->rows.row[ui->sel], ui->sel_key,
			sizeof(ui->sel_key));
	ui->topt[ui->view].filter = ui->filter;
	if (wqtop_table__build(d, ui->view, &ui->topt[ui->view], &ui->rows))
		ui->rows.nr = 0;
	for (i = 0; i < ui->rows.nr; i++) {
		row_key(&ui->rows.row[i], key, sizeof(key));
		if (!strcmp(key, ui->sel_key)) {
			ui->sel = i;
			return;
		}
	}
}

static void on_mouse(struct ui *ui)
{
	MEVENT ev;
	int i;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		ui__move_sel(ui, -3);
		return;
	}
	if (ev.bstate & BUTTON5_PRESSED) {
		ui__move_sel(ui, 3);
		return;
	}
	if (ev.y == LINES - 1 && ui->mode == MODE_TABLE) {
		ungetch(KEY_F(screen__fkey_at(ev.x)));
		return;
	}
	if (ui->mode != MODE_TABLE)
		return;
	if (ev.y == 3) {
		int x = 0, v;
		char buf[64];

		for (v = 0; v < VIEW_NR; v++) {
			snprintf(buf, sizeof(buf), " %s %s ",
				 wqtop_views[v].key_help, wqtop_views[v].name);
			if (ev.x >= x && ev.x < x + (int)strlen(buf) + 1) {
				ui__set_view(ui, v);
				return;
			}
			x += strlen(buf) + 1;
		}
		return;
	}
	if (ev.y == ui->hdr_y) {
		for (i = 0; i < ui->ncol; i++)
			if (ev.x >= ui->colx[i] && ev.x < ui->colx[i + 1])
				ui__sort_by(ui, ui->col[i]);
		return;
	}
	if (ev.y >= ui->table_y && ev.y < ui->table_y + ui->table_h &&
	    ui->top + (ev.y - ui->table_y) < ui->rows.nr) {
		ui->sel = ui->top + (ev.y - ui->table_y);
		ui->sel_key[0] = '\0';
		if (ev.bstate & BUTTON1_DOUBLE_CLICKED)
			ui__open_detail(ui);
	}
}

/* Return: false to quit. */
static bool on_key(struct ui *ui, int ch)
{
	if (ch == KEY_RESIZE) {
		clear();
		return true;
	}
	if (ch == KEY_MOUSE) {
		on_mouse(ui);
		return true;
	}
	switch (wqtop_keys__handle(ui, ch)) {
	case REACT_QUIT:
		return false;
	case REACT_CLEAR:
		clear();
		break;
	case REACT_DRAW:
		break;
	}
	return true;
}

static int run_tui(const struct opts *o, struct ui *ui,
		   struct wqtop_feed *src, struct wqtop_data *d)
{
	double next = now_s() + ui->delay_s, left;
	int ch;

	for (;;) {
		rebuild(ui, d);
		ui->error = wqtop_feed__error(src);
		screen__draw(ui, d);
		if (wq_prog_stop)
			return 0;
		if (o->iterations && d->refreshes >= (unsigned long)o->iterations)
			return 0;
		left = next - now_s();
		timeout(left > 0 ? (int)(left * 1000) + 1 : 0);
		ch = getch();
		if (ch != ERR) {
			if (!on_key(ui, ch))
				return 0;
			if (now_s() < next && !ui->step)
				continue;
		}
		if (now_s() < next && !ui->step)
			continue;
		next = now_s() + ui->delay_s;
		if (ui->paused && !ui->step)
			continue;
		ui->step = false;
		/* The drill-down's slow items come with the poll. */
		if (ui->mode == MODE_DETAIL)
			wqtop_data__slow_target(d, ui->detail.wq,
						ui->detail.group ? "" :
						ui->detail.func);
		else
			wqtop_data__slow_target(d, NULL, NULL);
		/* A failed poll keeps the last numbers; the footer says why. */
		wqtop_feed__poll(src, d);
	}
}

int main(int argc, char **argv)
{
	struct opts o = {
		.delay_s = 1.0,
		.source = "auto",
		.view = VIEW_FUNCTIONS,
		.sort = -1,
		.color = true,
		.mouse = true,
		.queuers = true,
	};
	struct wqtop_feed_opts so = { 0 };
	struct wqtop_data d = { 0 };
	struct wqtop_feed *src = NULL;
	int err;
	struct crt_opts co;
	struct ui ui;
	const char *nc = getenv("NO_COLOR");
	int v, rc = 1;

	wq_log__set_prog("wqtop");
	wqtop_thresholds__default(&d.thr);
	wq_slow_rules__defaults(&o.slow);
	if (parse_args(argc, argv, &o, &d.thr))
		return WQ_EXIT_USAGE;
	if (nc && *nc)
		o.color = false;
	if (o.prometheus)
		return wqtop_fleet__main(o.prometheus, o.batch, o.iterations,
					 o.delay_s, o.width, o.color, o.filter);
	d.ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (d.ncpus < 1)
		d.ncpus = 1;

	memset(&ui, 0, sizeof(ui));
	for (v = 0; v < VIEW_NR; v++) {
		ui.topt[v].sort = wqtop_views[v].sort;
		ui.topt[v].tree = o.tree;
	}
	if (o.sort >= 0)
		ui.topt[o.view].sort = o.sort;
	ui.topt[o.view].reverse = o.reverse;
	if (o.filter)
		snprintf(ui.filter, sizeof(ui.filter), "%s", o.filter);
	ui.view = o.view;
	ui.delay_s = o.delay_s;
	ui.error = "";
	ui.topt[ui.view].filter = ui.filter;
	for (v = 0; v < VIEW_NR; v++)
		ui.topt[v].filter = ui.filter;

	so.track_queuers = o.queuers;
	so.sample_every = o.sample_every;
	so.slow = o.slow;
	err = wqtop_feed__open(&src, o.source, &so);
	if (err)
		return err == -EINVAL ? WQ_EXIT_USAGE : 1;
	ui.source = wqtop_feed__name(src);
	wq_prog__signals(false);
	/* The baseline: rates need two snapshots. */
	if (wqtop_feed__poll(src, &d)) {
		pr_err("%s\n", wqtop_feed__error(src));
		goto out;
	}

	co.color = o.color;
	co.mouse = o.mouse;
	co.ascii = o.ascii;
	if (!o.batch && !isatty(STDOUT_FILENO)) {
		pr_err("standard output is not a terminal: use -b for text "
		       "frames\n");
		goto out;
	}
	if (!o.batch && crt__init(&co)) {
		pr_err("terminal '%s' cannot be driven: printing text frames "
		       "as with -b\n", getenv("TERM") ? getenv("TERM") : "");
		o.batch = true;
	}
	if (o.batch) {
		extern bool wqtop_utf8;

		wqtop_utf8 = false;
		rc = run_batch(&o, &ui, src, &d);
	} else {
		atexit(crt__done);
		rc = run_tui(&o, &ui, src, &d);
		crt__done();
	}
out:
	wqtop_rows__free(&ui.rows);
	wqtop_data__free(&d);
	wqtop_feed__close(src);
	return rc;
}
