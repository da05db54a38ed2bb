#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Serve the wqmon web dashboard with a fake wqmond API, for development
and for tests/web/dashboard.test.mjs.

The API answers are built from real wqmon-json documents recorded with
`wqctl show -j` while tests/gen/aiogen ran (tests/web/fixtures/; their
cpu_percent fields added later, as wq_cpu_pct() computes them): the
recorded interval views are replayed in a loop, one per second, with their
clocks moved to now, so the dashboard sees a live daemon.  The cumulative
snapshot is the recorded one plus every view replayed so far.

Scenario, so that every panel has something to show: pool 3 (cpu 0,
highpri) has a pending item that does not start for 40 s out of every 60 s,
and the view at start-up lies 5 s into such a stall.  With --refwq a second
source, refwq:demo, serves two pools and two functions made from the
kernel's (see REFWQ below).

Paths follow docs/API.md: `/` (web/index.html), `/static/FILE` (web/FILE),
`/api/v1/snapshot`, `/api/v1/history?since=MONO_NS`, `/api/v1/sources`,
`/api/v1/queuers?top=K&order=cpu|queued[&workqueue=W&function=F&pool=P]
[&source=S]` (QUEUERS below; --no-queuers: "tracked": false),
`/api/v1/slow?limit=N[&workqueue=W&function=F]` and its live
`/api/v1/slow/stream` (Server-Sent Events, Last-Event-ID or ?after=SEQ;
SLOW below; --no-slow: 404 "slow records are off", as a daemon whose
[slow] thresholds are all off).
`/api/v1/stalls` answers as the daemon's detector would with a pending
threshold of 2 s: pool 3's stall is active from 2 s into each episode, and
the episodes that ended are in `recent`.  Test hooks (not part of the
daemon's API):
`/_fixture/fail?seconds=N` makes the API answer 503 for N seconds;
`/_fixture/restart` simulates a daemon restart (empty history ring);
`/_fixture/slow?workqueue=W&function=F&pool=P` adds one slow record (as
the probes would) and answers it.

Python standard library only.  Prints `listening on URL` once ready.
"""

import argparse
import copy
import fnmatch
import json
import os
import posixpath
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
NSEC = 1_000_000_000
STALL_POOL = 3
STALL_PERIOD = 60
STALL_LEN = 40
STALL_OFFSET = 55  # tick 0 lies 5 ticks into a stall
STALL_THRESHOLD = 2  # seconds: the fixture's [stalls] pending
COUNTS = ("queued", "activated", "started", "completed", "cancelled")
MIME = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "application/javascript; charset=utf-8",
    ".mjs": "application/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json",
}


def iso(real_ns):
    s, ns = divmod(real_ns, NSEC)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(s)) + ".%09dZ" % ns


def series_key(s):
    return (s["pool_id"], s["workqueue"], s["function"])


def quantile(slots, count, q, max_ns):
    """wq_hist__quantile: the rank ceil(count*q), interpolated in its slot."""
    if count == 0:
        return 0
    rank = -(-count * int(q * 1000) // 1000)
    seen = 0
    for i, c in enumerate(slots):
        if c and seen + c >= rank:
            lo = 0 if i == 0 else 1 << i
            hi = 2 if i == 0 else (max_ns if i == 35 else 1 << (i + 1))
            hi = min(hi, max_ns) if max_ns else hi
            hi = max(hi, lo)
            return min(lo + (hi - lo) * (rank - seen) // c, max_ns or hi)
        seen += c
    return max_ns


def set_percentiles(h):
    for name, q in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99),
                    ("p999", 0.999)):
        v = quantile(h["slots"], sum(h["slots"]), q, h["max_ns"])
        h[name + "_ns"] = v
        h[name + "_seconds"] = v / NSEC
    h["sum_seconds"] = h["sum_ns"] / NSEC
    h["max_seconds"] = h["max_ns"] / NSEC


# The second source of --refwq: a user-space refwq ("refwq:demo") made from
# the kernel's recordings.  Two of its pools reuse kernel pool ids (a page
# must key pools by source), and demo_slow's latency is the kernel
# aio_fsync_work's times 2^15 (~1 s), so the worst latency is a source's
# other than the busiest.
REFWQ = "refwq:demo"
REFWQ_POOLS = {2: 0, 6: 2}
REFWQ_SERIES = {(2, "events", "aio_fsync_work"): ("demo_fast", 0),
                (6, "events", "aio_fsync_work"): ("demo_slow", 15)}


def slow_down(h, shift):
    """A histogram of durations 2^shift times as long."""
    f = 1 << shift
    if "slots" in h:
        slots = [0] * 36
        for i, c in enumerate(h["slots"]):
            slots[min(35, i + shift)] += c
        h["slots"] = slots
    for k in list(h):
        if k.endswith("_ns") and k != "count":
            h[k] *= f
            h[k[:-3] + "_seconds"] = h[k] / NSEC


def refwq_doc(doc):
    """A kernel wqmon-json document as the refwq:demo source's."""
    d = copy.deepcopy(doc)
    d["source"] = REFWQ
    d.pop("kernel", None)
    d["counters"] = {k: 0 for k in d["counters"]}
    pools = []
    for p in d["pools"]:
        if p["id"] in REFWQ_POOLS:
            p.update(id=REFWQ_POOLS[p["id"]], cpu=-1, nice=0, flags=0,
                     flag_names=[], cpu_ns=p["cpu_ns"] // 4,
                     cpu_seconds=p["cpu_ns"] // 4 / NSEC)
            if "cpu_percent" in p:
                p["cpu_percent"] = round(p["cpu_percent"] / 4, 2)
            pools.append(p)
    d["pools"] = pools
    series = []
    for s in d["series"]:
        name = REFWQ_SERIES.get(series_key(s))
        if not name:
            continue
        s.update(pool_id=REFWQ_POOLS[s["pool_id"]], workqueue="demo",
                 function=name[0])
        s.pop("func_addr", None)
        if name[1]:
            slow_down(s["hist"]["lat"], name[1])
        series.append(s)
    d["series"] = series
    d["workqueues"] = [view_workqueue("demo", series)] if series else []
    return d


def view_workqueue(name, series):
    """A workqueue of an interval view: its series added up (percentiles
    of the slowest series: a view's run histograms carry no slots)."""
    w = {"name": name}
    for f in COUNTS + ("queued_per_second", "completed_per_second",
                       "cpu_percent"):
        w[f] = sum(s.get(f, 0) for s in series)
    w["hist"] = {}
    for kind in series[0]["hist"]:
        hs = [s["hist"][kind] for s in series]
        h = copy.deepcopy(max(hs, key=lambda x: x["p99_ns"]))
        h.pop("slots", None)
        h["count"] = sum(x["count"] for x in hs)
        h["sum_ns"] = sum(x["sum_ns"] for x in hs)
        h["max_ns"] = max(x["max_ns"] for x in hs)
        w["hist"][kind] = h
    return w


class Feed:
    """One source's recordings and what has been replayed of them."""

    def __init__(self, cum, views, stalls):
        self.base_cum = cum
        self.base_views = views
        self.stalls = stalls  # pool 3's stall scenario plays here
        self.cum = None
        self.cum_tick = 0
        self.cache = {}


class Sim:
    """The fake daemon's state: the clock, the replayed ring, the totals."""

    def __init__(self, fixtures, backfill, refwq=False, no_config=False,
                 no_queuers=False, no_slow=False):
        with open(os.path.join(fixtures, "kernel-snapshot.json")) as f:
            cum = json.load(f)
        with open(os.path.join(fixtures, "kernel-history.jsonl")) as f:
            views = [json.loads(line) for line in f if line.strip()]
        self.feeds = [Feed(cum, views, True)]
        if refwq:
            self.feeds.append(Feed(refwq_doc(cum),
                                   [refwq_doc(v) for v in views], False))
        # /api/v1/config: a real wqctl config --json of 6.18, or a 503 as
        # from a daemon with [kernel] config_interval = 0.
        with open(os.path.join(fixtures, "kernel-config.json")) as f:
            self.config = json.load(f)
        self.no_config = no_config
        self.no_queuers = no_queuers
        self.no_slow = no_slow
        self.slow = Slow()
        self.backfill = backfill
        self.lock = threading.Lock()
        self.fail_until = 0.0
        self.restart()

    def restart(self):
        with self.lock:
            self.mono0 = time.monotonic_ns()
            self.real0 = time.time_ns()
            self.first_tick = -self.backfill
            self.started_real_ns = self.real0 - self.backfill * NSEC
            for feed in self.feeds:
                feed.cum = copy.deepcopy(feed.base_cum)
                feed.cum_tick = self.first_tick - 1
                feed.cache = {}

    def restart_empty(self):
        """A daemon restart: new start time, history only from now on."""
        self.restart()
        with self.lock:
            now = self.tick_now()
            self.first_tick = now
            self.started_real_ns = self.real0 + now * NSEC

    def tick_now(self):
        return (time.monotonic_ns() - self.mono0) // NSEC

    @staticmethod
    def stall_age(k):
        phase = (k - STALL_OFFSET) % STALL_PERIOD
        return phase if phase < STALL_LEN else None

    def view(self, feed, k):
        v = feed.cache.get(k)
        if v is not None:
            return v
        v = copy.deepcopy(feed.base_views[k % len(feed.base_views)])
        v["mono_ns"] = self.mono0 + k * NSEC
        v["real_ns"] = self.real0 + k * NSEC
        v["time"] = iso(v["real_ns"])
        age = self.stall_age(k) if feed.stalls else None
        for p in v["pools"]:
            if p["id"] != STALL_POOL or age is None:
                continue
            ns = age * NSEC + 350_000_000
            p.update(pending=2, running=1, idle=p["workers"] - 1,
                     oldest_pending_ns=ns, oldest_pending_seconds=ns / NSEC)
        feed.cache[k] = v
        if len(feed.cache) > 4000:
            for old in sorted(feed.cache)[:1000]:
                del feed.cache[old]
        return v

    def advance_cum(self, feed, upto):
        """Add the views after cum_tick up to tick upto to the totals."""
        cum = feed.cum
        index = {series_key(s): s for s in cum["series"]}
        pools = {p["id"]: p for p in cum["pools"]}
        for k in range(feed.cum_tick + 1, upto + 1):
            v = self.view(feed, k)
            for s in v["series"]:
                c = index.get(series_key(s))
                if c is None:
                    c = copy.deepcopy(s)
                    for h in c["hist"].values():
                        h.setdefault("slots", [0] * 36)
                    cum["series"].append(c)
                    index[series_key(s)] = c
                    continue
                for f in COUNTS:
                    c[f] += s[f]
                for kind, h in s["hist"].items():
                    ch = c["hist"][kind]
                    ch["count"] += h["count"]
                    ch["sum_ns"] += h["sum_ns"]
                    ch["max_ns"] = max(ch["max_ns"], h["max_ns"])
                    if "slots" in h:
                        ch["slots"] = [a + b for a, b in
                                       zip(ch["slots"], h["slots"])]
            for p in v["pools"]:
                c = pools.get(p["id"])
                if c is None:
                    c = copy.deepcopy(p)
                    cum["pools"].append(c)
                    pools[p["id"]] = c
                else:
                    cpu = c["cpu_ns"] + p["cpu_ns"]
                    c.update(p)
                    c["cpu_ns"] = cpu
                c["cpu_seconds"] = c["cpu_ns"] / NSEC
            if feed.stalls and self.stall_age(k) == 0:
                cum["counters"]["pending_dropped"] += 3
        feed.cum_tick = max(feed.cum_tick, upto)

    def snapshot(self):
        with self.lock:
            k = self.tick_now()
            docs = []
            for feed in self.feeds:
                self.advance_cum(feed, k)
                docs.append(self.cum_doc(copy.deepcopy(feed.cum)))
        return {
            "format": "wqmon-snapshot", "version": 1,
            "daemon": {"version": "0.1.0-fixture",
                       "started_real_ns": self.started_real_ns,
                       "interval_ns": NSEC},
            "snapshots": docs,
        }

    @staticmethod
    def cum_doc(doc):
        for s in doc["series"]:
            set_percentiles(s["hist"]["lat"])
        doc["series"].sort(key=lambda s: (s["workqueue"], s["function"],
                                          s["pool_id"]))
        doc["pools"].sort(key=lambda p: p["id"])
        doc["workqueues"] = derive_workqueues(doc["series"])
        doc["mono_ns"] = time.monotonic_ns()
        doc["real_ns"] = time.time_ns()
        doc["time"] = iso(doc["real_ns"])
        return doc

    def history(self, since):
        with self.lock:
            k = self.tick_now()
            views = [self.view(feed, i)
                     for i in range(self.first_tick, k + 1)
                     for feed in self.feeds]
        return {
            "format": "wqmon-history", "version": 1, "interval_ns": NSEC,
            "views": [v for v in views if since is None or v["mono_ns"] > since],
        }

    def sources(self):
        return {
            "format": "wqmon-sources", "version": 1,
            "sources": [{"name": f.base_cum["source"], "state": "up",
                         "last_error": "", "last_scrape_ns": 184_223,
                         "last_scrape_seconds": 0.000184223}
                        for f in self.feeds],
        }

    def stall(self, start, now):
        """The episode of pool 3 that began at tick start, seen at now."""
        age = min(now - start, STALL_LEN)
        oldest = age * NSEC + 350_000_000
        ended = now - start >= STALL_LEN
        return {"id": 1000 + (start - STALL_OFFSET) // STALL_PERIOD,
                "kind": "pending", "state": "resolved" if ended else "firing",
                "source": "kernel", "pool_id": STALL_POOL, "cpu": 0,
                "workqueue": "events_highpri", "function": "aio_fsync_work",
                "worker_tid": 0, "threshold_ns": STALL_THRESHOLD * NSEC,
                "age_ns": oldest,
                "since_real_ns": self.real0 + start * NSEC - 350_000_000,
                "end_real_ns": self.real0 + (start + STALL_LEN) * NSEC
                if ended else 0,
                "evidence": "pool %d cpu 0: 2 pending, 1 running; oldest "
                            "not started" % STALL_POOL}

    def queuers(self, query, tracked):
        """/api/v1/queuers over the newest interval view of a source."""
        name = query.get("source", [None])[0]
        feeds = [f for f in self.feeds
                 if name is None or f.base_cum["source"] == name]
        if not feeds:
            return 404, "no such source: " + name, "see /api/v1/sources"
        with self.lock:
            view = self.view(feeds[0], self.tick_now())
        return queuers_doc(view, query, tracked)

    def stalls(self):
        """Like wqmond's: active, recent (newest first) and the rules."""
        with self.lock:
            k = self.tick_now()
            first = self.first_tick
        active, recent = [], []
        start = k - ((k - STALL_OFFSET) % STALL_PERIOD)
        while start + STALL_LEN > first and len(recent) < 64:
            if k - start >= STALL_LEN:
                recent.append(self.stall(start, k))
            elif k - start >= STALL_THRESHOLD:
                active.append(self.stall(start, k))
            start -= STALL_PERIOD
        return {"format": "wqmon-stalls", "version": 1, "active": active,
                "recent": recent, "sinks": {},
                "thresholds_ns": {"pending": STALL_THRESHOLD * NSEC,
                                  "running": 10 * NSEC,
                                  "cpu_hog": 100_000_000,
                                  "starved": 5 * NSEC},
                "rules": []}


# /api/v1/queuers: who queued each series' items, with the wait and the
# kworker time charged back to them.  Every series is shared among these
# queuers by weight (a real host's mix: a benchmark in a user session,
# services, a pod, softirq and hard-IRQ context); the rows are ranked and
# folded as wq_snapshot__top_queuers does.
QUEUERS = [  # context, comm, tgid, cgroup, cgroup_id, weight, wait weight
    ("task", "fio", 4242, "/user.slice/user-1000.slice/session-3.scope",
     5121, 40, 3),
    ("task", "nginx", 1312, "/system.slice/nginx.service", 3310, 20, 1),
    ("task", "postgres", 2207, "/system.slice/postgresql.service", 3402, 12,
     2),
    ("softirq", "", 0, "", 0, 9, 1),
    ("hardirq", "", 0, "", 0, 6, 1),
    ("task", "containerd", 901, "/system.slice/containerd.service", 2901, 4,
     5),
    ("task", "systemd-journal", 388,
     "/system.slice/systemd-journald.service", 2100, 3, 1),
    ("task", "sshd", 1001, "/system.slice/ssh.service", 2205, 2, 1),
    ("task", "chronyd", 640, "/system.slice/chrony.service", 2230, 1, 1),
    ("task", "rsyslogd", 702, "/system.slice/rsyslog.service", 2240, 1, 1),
    ("task", "cron", 733, "/system.slice/cron.service", 2250, 1, 1),
    ("task", "kubelet", 1500, "/kubepods.slice/kubepods-burstable.slice/"
     "kubepods-burstable-pod3f1c.slice/cri-containerd-9ab1.scope", 7001, 1,
     8),
]
QSUMS = ("queued", "started", "completed", "lat_ns", "run_ns", "cpu_ns")


def ratio(num, den, decimals=3):
    """json.c put_ratio: rounded half up in integers."""
    scale = 10 ** decimals
    v = (num * scale + den // 2) // den
    return float("%d.%0*d" % (v // scale, decimals, v % scale))


def split(total, weights):
    """@total shared by @weights, in integers; the rest to the first."""
    w = sum(weights)
    parts = [total * x // w for x in weights]
    parts[0] += total - sum(parts)
    return parts


def series_queuers(s):
    """The queuer rows of one series of an interval view."""
    ws = [q[5] for q in QUEUERS]
    sums = {"queued": s["queued"], "started": s["started"],
            "completed": s["completed"],
            "lat_ns": s["hist"]["lat"]["sum_ns"],
            "run_ns": s["hist"]["run"]["sum_ns"],
            "cpu_ns": s["hist"]["cpu"]["sum_ns"]}
    shares = {k: split(v, ws) for k, v in sums.items()}
    # Some wait longer than others (their items queue behind more).
    shares["lat_ns"] = split(sums["lat_ns"], [q[5] * q[6] for q in QUEUERS])
    rows = []
    for i, (ctx, comm, tgid, cg, cgid, _, _) in enumerate(QUEUERS):
        r = {"pool_id": s["pool_id"], "workqueue": s["workqueue"],
             "function": s["function"], "context": ctx, "comm": comm,
             "tgid": tgid, "cgroup_id": cgid, "cgroup": cg}
        r.update({k: shares[k][i] for k in QSUMS})
        if r["queued"] or r["started"] or r["completed"]:
            rows.append(r)
    return rows


def top_queuers(rows, order, k):
    """wq_snapshot__top_queuers: ranked, k named rows and the rest folded
    into one "other" row when more than one is left."""
    def rank(r):
        w = r["cpu_ns"] if order == "cpu" else r["queued"]
        return (-w, -r["queued"], r["context"] == "other",
                r["context"], r["cgroup_id"], r["comm"])
    rows = sorted(rows, key=rank)
    if len(rows) > k + 1:
        other = dict(rows[k], context="other", comm="other", tgid=0,
                     cgroup_id=0, cgroup="")
        for f in QSUMS:
            other[f] = sum(r[f] for r in rows[k:])
        rows = rows[:k] + [other]
    return rows


def queuers_doc(view, query, tracked):
    """The answer of /api/v1/queuers for one interval view, or an error
    (code, what, hint)."""
    try:
        top = int(query.get("top", ["10"])[0])
        if not 1 <= top <= 1000:
            raise ValueError
    except ValueError:
        return 400, "bad top", "top is a number of rows, 1 to 1000"
    order = query.get("order", ["cpu"])[0]
    if order not in ("cpu", "queued"):
        return 400, "bad order '%s'" % order, "order is cpu or queued"
    wq = query.get("workqueue", [None])[0]
    fn = query.get("function", [None])[0]
    pool = None
    if "pool" in query:
        try:
            pool = int(query["pool"][0])
        except ValueError:
            return 400, "bad pool", "pool is a pool id"
    iv = view["interval_ns"]
    doc = {"format": "wqmon-queuers", "version": 1,
           "source": view["source"], "mono_ns": view["mono_ns"],
           "interval_ns": iv, "sample_every": view.get("sample_every", 1),
           "tracked": tracked, "order": order, "top": top}
    if wq is not None:
        doc["workqueue"] = wq
    if fn is not None:
        doc["function"] = fn
    if pool is not None:
        doc["pool_id"] = pool
    rows = []
    if tracked:
        for s in view["series"]:
            if ((wq is None or s["workqueue"] == wq) and
                    (fn is None or s["function"] == fn) and
                    (pool is None or s["pool_id"] == pool)):
                rows += series_queuers(s)
        if wq is None or fn is None or pool is None:
            # Some series, or all: each queuer's rows merged.
            merged = {}
            for r in rows:
                key = (r["context"], r["cgroup_id"], r["comm"])
                m = merged.setdefault(key, dict(
                    r, workqueue=wq or "", function=fn or "",
                    pool_id=-1 if pool is None else pool,
                    **{f: 0 for f in QSUMS}))
                for f in QSUMS:
                    m[f] += r[f]
            rows = list(merged.values())
        rows = top_queuers(rows, order, top)
    for r in rows:
        for f in ("lat", "run", "cpu"):
            r[f + "_seconds"] = r[f + "_ns"] / NSEC
        if r["started"]:
            r["lat_avg_seconds"] = r["lat_ns"] // r["started"] / NSEC
        r["cpu_percent"] = ratio(r["cpu_ns"] * 100, iv)
        r["queued_per_second"] = ratio(r["queued"] * NSEC, iv)
    doc["queuers"] = rows
    return doc


def derive_workqueues(series):
    """The workqueues member of a cumulative document: series added up."""
    by = {}
    for s in series:
        w = by.setdefault(s["workqueue"], {"name": s["workqueue"],
                                           **{f: 0 for f in COUNTS},
                                           "hist": {}})
        for f in COUNTS:
            w[f] += s[f]
        for kind, h in s["hist"].items():
            wh = w["hist"].setdefault(kind, {"count": 0, "sum_ns": 0,
                                             "max_ns": 0, "slots": [0] * 36})
            wh["count"] += h["count"]
            wh["sum_ns"] += h["sum_ns"]
            wh["max_ns"] = max(wh["max_ns"], h["max_ns"])
            if "slots" in h:
                wh["slots"] = [a + b for a, b in zip(wh["slots"], h["slots"])]
            else:
                wh["_p"] = max(wh.get("_p", 0), h.get("p99_ns", 0))
    out = []
    for name in sorted(by):
        w = by[name]
        for h in w["hist"].values():
            set_percentiles(h)
            del h["slots"]
            h.pop("_p", None)
        out.append(w)
    return out


# /api/v1/slow: the records of wq_slow_json__record (docs/SLOW.md), kept
# in a ring as the daemon's.  At start-up the ring holds SLOW_SEED: a FUSE
# fsync that ran long for fio (the slow_items.sh load), a writeback that
# waited behind it, a BH item with no latency known; thresholds as the
# daemon's defaults (100 ms each) and one rule.
SLOW_KEEP = 200
SLOW_RULES = {"thresholds_ns": {"latency": 100_000_000, "run": 100_000_000},
              "rules": [{"kind": "run", "pattern": "events/aio_fsync_work",
                         "threshold_ns": 50_000_000}],
              "kernel_min_ns": 50_000_000, "max_per_second": 100}
FIO = ("task", "fio", 4242, 5121,
       "/user.slice/user-1000.slice/session-3.scope")
SLOW_SEED = [  # age s, wq, fn, pool, cpu, tid, queuer, lat ms, run ms, cpu ms
    (40, "events", "aio_fsync_work", 2, 0, 13159, FIO, 0.08, 812.5, 0.31),
    (31, "writeback", "wb_workfn", 8, 1, 211,
     ("task", "postgres", 2207, 3402, "/system.slice/postgresql.service"),
     143.2, 12.9, 11.7),
    (22, "events", "aio_fsync_work", 6, 1, 13160, FIO, 0.05, 1204.0, 0.44),
    (15, "kblockd", "blk_mq_run_work_fn", 3, 0, 0,
     ("softirq", "", 0, 0, ""), None, 131.0, 130.8),
    (6, "events_unbound", "flush_memcg_stats_dwork", 8, 1, 98, None, 101.4,
     3.2, 3.1),
    (2, "events", "aio_fsync_work", 2, 0, 13159, FIO, 0.11, 377.9, 0.2),
]


def slow_record(seq, mono_ns, real_off, wq, fn, pool, cpu, tid, queuer,
                lat_ms, run_ms, cpu_ms):
    run = int(run_ms * 1e6)
    ended = mono_ns
    started = ended - run
    lat = None if lat_ms is None else int(lat_ms * 1e6)
    queued = 0 if lat is None else started - lat
    why = []
    if lat is not None and lat >= 100_000_000:
        why.append("latency")
    limit = 50_000_000 if (wq, fn) == ("events", "aio_fsync_work") \
        else 100_000_000
    if run >= limit:
        why.append("run")
    q = None
    if queuer:
        q = {"slot": 3, "context": queuer[0], "comm": queuer[1],
             "tgid": queuer[2], "cgroup_id": queuer[3], "cgroup": queuer[4]}
    real = (lambda t: t + real_off if t else 0)
    return {"seq": seq, "workqueue": wq, "function": fn, "pool_id": pool,
            "cpu": cpu, "worker_tid": tid, "bh": tid == 0, "queuer": q,
            "queued_ns": queued, "started_ns": started, "ended_ns": ended,
            "queued_real_ns": real(queued), "started_real_ns": real(started),
            "ended_real_ns": real(ended), "latency_ns": lat, "run_ns": run,
            "cpu_ns": int(cpu_ms * 1e6), "slow": why}


class Slow:
    """The daemon's ring of slow records, and its streams' wake-up."""

    def __init__(self):
        self.cond = threading.Condition()
        self.ring = []
        self.seq = 0
        now = time.monotonic_ns()
        self.real_off = time.time_ns() - now
        for age, *rest in SLOW_SEED:
            self.push(now - age * NSEC, *rest)

    def push(self, mono_ns, *rest):
        with self.cond:
            self.seq += 1
            rec = slow_record(self.seq, mono_ns, self.real_off, *rest)
            self.ring.append(rec)
            del self.ring[:-SLOW_KEEP]
            self.cond.notify_all()
            return rec

    @staticmethod
    def filt(query):
        """The daemon's filters: fnmatch globs, or an error tuple."""
        f = {}
        for k in ("workqueue", "function"):
            if k in query:
                v = query[k][0]
                if not v or len(v) > 127:
                    return (400, "%s filter: give a glob of 1 to 127 "
                            "characters, e.g. events* or *fsync*" % k,
                            "e.g. /api/v1/slow?limit=20&workqueue=events")
                f[k] = v
        return f

    @staticmethod
    def match(f, r):
        return all(fnmatch.fnmatchcase(r[k], g) for k, g in f.items())

    def recent(self, query):
        for k in query:
            if k not in ("limit", "workqueue", "function"):
                return (400, "unknown parameter '%s': give limit, "
                        "workqueue or function" % k,
                        "e.g. /api/v1/slow?limit=20&workqueue=events")
        f = self.filt(query)
        if isinstance(f, tuple):
            return f
        limit = 100
        if "limit" in query:
            v = query["limit"][0]
            if not v.isdigit() or not 1 <= int(v) <= 100000:
                return (400, "bad limit '%s': give 1 to 100000" % v,
                        "e.g. /api/v1/slow?limit=20&workqueue=events")
            limit = int(v)
        with self.cond:
            recs = [r for r in reversed(self.ring) if self.match(f, r)]
            return {"format": "wqmon-slow", "version": 1, "keep": SLOW_KEEP,
                    "last_seq": self.seq, "dropped": 0, "under_rules": 0,
                    "streams": 0, "rules": SLOW_RULES,
                    "records": recs[:min(limit, SLOW_KEEP)]}

    def since(self, after, f):
        """Records after seq @after matching @f, oldest first; how many
        of them the ring lost."""
        with self.cond:
            first = self.ring[0]["seq"] if self.ring else self.seq + 1
            lost = max(0, first - after - 1)
            return ([r for r in self.ring if r["seq"] > after and
                     self.match(f, r)], lost, self.seq)


SLOW_STREAM_LIFE = 20  # s: shorter than the daemon's 50, to reconnect


class Handler(BaseHTTPRequestHandler):
    server_version = "wqmond-fixture/0.1"
    sim = None
    web = None

    def log_message(self, fmt, *args):
        if os.environ.get("FIXTURE_VERBOSE"):
            sys.stderr.write("fixture: " + fmt % args + "\n")

    def send(self, code, body, ctype, extra=None):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def json(self, code, obj):
        self.send(code, json.dumps(obj, separators=(",", ":")),
                  "application/json")

    def error(self, code, what, hint):
        self.json(code, {"error": what, "hint": hint})

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        self.send(405, '{"error": "method not allowed", "hint": "GET or HEAD"}',
                  "application/json", {"Allow": "GET, HEAD"})

    do_PUT = do_DELETE = do_PATCH = do_POST

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        path = url.path
        sim = self.sim
        if path.startswith("/_fixture/"):
            return self.control(path, query)
        if path.startswith("/api/") and time.monotonic() < sim.fail_until:
            return self.error(503, "fixture: failing on purpose",
                              "wait for /_fixture/fail to expire")
        if path == "/api/v1/snapshot":
            return self.json(200, sim.snapshot())
        if path == "/api/v1/history":
            since = None
            if "since" in query:
                try:
                    since = int(query["since"][0])
                    if since < 0:
                        raise ValueError
                except ValueError:
                    return self.error(400, "bad since",
                                      "since is a CLOCK_MONOTONIC time in ns")
            return self.json(200, sim.history(since))
        if path == "/api/v1/sources":
            return self.json(200, sim.sources())
        if path == "/api/v1/stalls":
            return self.json(200, sim.stalls())
        if path == "/api/v1/queuers":
            doc = sim.queuers(query, not sim.no_queuers)
            if isinstance(doc, tuple):
                return self.error(*doc)
            return self.json(200, doc)
        if path in ("/api/v1/slow", "/api/v1/slow/stream"):
            if sim.no_slow:
                return self.error(404, "slow records are off",
                                  "the kernel source is off, or every "
                                  "[slow] threshold is off (wqmond.conf(5), "
                                  "docs/SLOW.md)")
            if path == "/api/v1/slow":
                doc = sim.slow.recent(query)
                if isinstance(doc, tuple):
                    return self.error(*doc)
                return self.json(200, doc)
            return self.slow_stream(query)
        if path == "/api/v1/config":
            if sim.no_config:
                return self.error(503, "not read: [kernel] config_interval = 0",
                                  "the configuration is read by the kernel source as root")
            return self.json(200, sim.config)
        if path == "/":
            return self.static("index.html")
        if path.startswith("/static/"):
            return self.static(path[len("/static/"):])
        return self.error(404, "no such path: " + path,
                          "see docs/API.md for the paths wqmond serves")

    def slow_stream(self, query):
        slow = self.sim.slow
        for k in query:
            if k not in ("after", "workqueue", "function"):
                return self.error(400, "unknown parameter '%s': give "
                                  "workqueue, function or after" % k,
                                  "e.g. /api/v1/slow/stream?function=*fsync*")
        f = slow.filt(query)
        if isinstance(f, tuple):
            return self.error(*f)
        last = self.headers.get("Last-Event-ID")
        after = query.get("after", [last])[0]
        if after is not None and not after.isdigit():
            return self.error(400, "bad after '%s': give the seq of the last "
                              "record you have, e.g. ?after=0" % after,
                              "e.g. /api/v1/slow/stream?after=0")
        nxt = int(after) if after is not None else slow.seq
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.close_connection = True
        if self.command == "HEAD":
            return
        end = time.monotonic() + SLOW_STREAM_LIFE
        try:
            self.wfile.write(b"retry: 1000\n: wqmon slow records after seq "
                             b"%d\n\n" % nxt)
            self.wfile.flush()
            while time.monotonic() < end:
                recs, lost, last_seq = slow.since(nxt, f)
                out = []
                if lost:
                    out.append('event: lost\ndata: {"lost":%d}\n\n' % lost)
                for r in recs:
                    out.append("id: %d\ndata: %s\n\n" % (
                        r["seq"], json.dumps(r, separators=(",", ":"))))
                nxt = last_seq
                if out:
                    self.wfile.write("".join(out).encode())
                    self.wfile.flush()
                with slow.cond:
                    if slow.seq == nxt:
                        slow.cond.wait(1.0)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def static(self, rel):
        rel = posixpath.normpath(urllib.parse.unquote(rel))
        if rel.startswith("..") or rel.startswith("/"):
            return self.error(404, "no such file", "")
        full = os.path.join(self.web, rel)
        ext = os.path.splitext(rel)[1]
        if not os.path.isfile(full) or ext not in MIME:
            return self.error(404, "no such file: " + rel, "")
        with open(full, "rb") as f:
            self.send(200, f.read(), MIME[ext])

    def control(self, path, query):
        if path == "/_fixture/fail":
            secs = float(query.get("seconds", ["3"])[0])
            self.sim.fail_until = time.monotonic() + secs
            return self.json(200, {"failing_for_seconds": secs})
        if path == "/_fixture/slow":
            one = lambda k, d: query.get(k, [d])[0]
            rec = self.sim.slow.push(
                time.monotonic_ns(), one("workqueue", "events"),
                one("function", "aio_fsync_work"), int(one("pool", "2")), 0,
                13159, FIO, 0.09, float(one("run_ms", "655.5")), 0.37)
            return self.json(200, rec)
        if path == "/_fixture/restart":
            self.sim.restart_empty()
            return self.json(200, {"restarted": True})
        return self.error(404, "no such fixture hook", "")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8464,
                    help="TCP port; 0 picks a free one (default 8464)")
    ap.add_argument("--web", default=os.path.join(HERE, "..", "..", "web"))
    ap.add_argument("--fixtures", default=os.path.join(HERE, "fixtures"))
    ap.add_argument("--backfill", type=int, default=180,
                    help="seconds of history already in the ring at start")
    ap.add_argument("--refwq", action="store_true",
                    help="a second source, %s, made from the kernel's "
                         "recordings (its demo_slow ~1 s late)" % REFWQ)
    ap.add_argument("--no-config", action="store_true",
                    help="/api/v1/config answers 503, as a daemon that "
                         "does not read the configuration")
    ap.add_argument("--no-queuers", action="store_true",
                    help="/api/v1/queuers says the source does not track "
                         "queuers, as wqmond without [kernel] queuers")
    ap.add_argument("--no-slow", action="store_true",
                    help="/api/v1/slow answers 404 'slow records are off', "
                         "as wqmond with every [slow] threshold off")
    args = ap.parse_args()

    Handler.sim = Sim(args.fixtures, args.backfill, args.refwq, args.no_config,
                      args.no_queuers, args.no_slow)
    Handler.web = os.path.abspath(args.web)
    httpd = ThreadingHTTPServer((args.host, args.port), Handler)
    httpd.daemon_threads = True
    host, port = httpd.server_address[:2]
    print("listening on http://%s:%d/" % (host, port), flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
