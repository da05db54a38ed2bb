#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check a dashboard of packaging/grafana/ against a live wqmond and Prometheus.

grafana_dashboard.py DASHBOARD METRICS_FILE PROMETHEUS_URL [RULES_FILE VARS]
prints TAP lines: the dashboard's structure, that every metric and label
its queries name is in the daemon's real /metrics (or, for a recorded
series level:metric:operations, is a recording rule of RULES_FILE), and
that every query runs in a real Prometheus (and returns data, but for the
stall panels on a quiet machine).  VARS: its template variables, comma
separated (default: those of wqmon.json).
"""
import json
import re
import sys
import urllib.parse
import urllib.request

import yaml

n = 0
failed = 0


def ok(cond, what):
    global n, failed
    n += 1
    failed += not cond
    print(("ok" if cond else "not ok"), n, "-", what)


def query(prom, expr):
    url = prom + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        return json.load(e)


def main():
    dash = json.load(open(sys.argv[1]))
    metrics_text = open(sys.argv[2]).read()
    prom = sys.argv[3]
    rules = sys.argv[4] if len(sys.argv) > 4 else None
    want_vars = (sys.argv[5] if len(sys.argv) > 5 else
                 "datasource,instance,source,workqueue").split(",")
    # Recording rules: the labels each keeps are those its expression
    # aggregates by (and those of the rules it reads, defined before it).
    records = {}
    for g in (yaml.safe_load(open(rules))["groups"] if rules else []):
        for r in g["rules"]:
            if "record" not in r:
                continue
            kept = set()
            for group in re.findall(r"by \(([^)]*)\)", r["expr"]):
                kept |= {x.strip() for x in group.split(",") if x.strip()}
            for other in re.findall(r"\b\w+:\w+:\w+\b", r["expr"]):
                kept |= records.get(other, set())
            records[r["record"]] = kept

    # /metrics: families and the labels each series carries.
    families = set(re.findall(r"^# TYPE (\w+) ", metrics_text, re.M))

    def family(name):
        for suffix in ("_bucket", "_sum", "_count"):
            if name.endswith(suffix) and name[: -len(suffix)] in families:
                return name[: -len(suffix)]
        return name

    labels = {}
    for m, body in re.findall(r"^(\w+)\{([^}]*)\}", metrics_text, re.M):
        labels.setdefault(family(m), set()).update(re.findall(r'(\w+)="', body))

    panels = [p for p in dash["panels"] if p["type"] != "row"]
    ok(dash.get("uid") and dash.get("title") and dash.get("schemaVersion", 0) >= 36,
       "dashboard has a uid, a title and a current schemaVersion")
    ids = [p["id"] for p in dash["panels"]]
    ok(len(ids) == len(set(ids)), f"{len(ids)} panel ids, all distinct")
    ok(all(0 <= p["gridPos"]["x"] and p["gridPos"]["x"] + p["gridPos"]["w"] <= 24
           for p in dash["panels"]), "every panel fits the 24-column grid")
    cells = set()
    overlap = False
    for p in dash["panels"]:
        g = p["gridPos"]
        for x in range(g["x"], g["x"] + g["w"]):
            for y in range(g["y"], g["y"] + g["h"]):
                overlap |= (x, y) in cells
                cells.add((x, y))
    ok(not overlap, "no two panels overlap")
    ok(all(p.get("targets") and p.get("description") for p in panels),
       f"{len(panels)} panels, each with queries and a description")
    ok(all(p["datasource"]["uid"] == "${datasource}" and
           all(t["datasource"]["uid"] == "${datasource}" for t in p["targets"])
           for p in panels), "every query uses the $datasource variable")
    names = [v["name"] for v in dash["templating"]["list"]]
    ok(names == want_vars, f"template variables: {names}")

    def expand(expr):
        expr = expr.replace("$__rate_interval", "30s")
        return re.sub(r"\$(instance|source|workqueue)\b", ".*", expr)

    # Template variables: label_values(METRIC{...}, LABEL) must name a real
    # metric and label, and Prometheus must have values for it.
    for v in dash["templating"]["list"][1:]:
        m = re.match(r"label_values\((\w+)(\{.*\})?,\s*(\w+)\)$", v["query"]["query"])
        ok(m is not None, f"${v['name']}: {v['query']['query']}")
        if not m:
            continue
        metric, sel, label = m.group(1), m.group(2) or "", m.group(3)
        ok(metric in families and label in labels.get(metric, set()) | {"instance"},
           f"${v['name']}: {metric} and its label {label} exist in /metrics")
        r = query(prom, expand(f"count by ({label}) ({metric}{sel})"))
        ok(r.get("status") == "success" and r["data"]["result"],
           f"${v['name']}: Prometheus has values ({len(r.get('data', {}).get('result', []))})")

    for p in panels:
        for t in p["targets"]:
            expr = t["expr"]
            title = f"{p['title']} [{t['refId']}]"
            recorded = set(re.findall(r"\b\w+:\w+:\w+\b", expr))
            unknown = sorted(recorded - set(records))
            raw = re.sub(r"\b\w+:\w+:\w+\b", "", expr)
            used = {family(x) for x in re.findall(r"\bwqmon_\w+", raw)}
            missing = sorted(used - families) + unknown
            # Prometheus' own up of the wqmon job: whether a host answers.
            scrape = set(re.findall(r"\bup(?=\{job=)", raw))
            ok((used or recorded or scrape) and not missing,
               f"{title}: metrics {sorted(used | recorded | scrape)} in /metrics, the rules or the scrape"
               + (f" (missing {missing})" if missing else ""))
            have = set().union(*(labels.get(u, set()) for u in used),
                               *(records.get(r, set()) for r in recorded)) | {"le", "instance", "job"}
            wanted = set()
            for group in re.findall(r"by \(([^)]*)\)", expr):
                wanted |= {x.strip() for x in group.split(",") if x.strip()}
            wanted |= set(re.findall(r"\{\{(\w+)\}\}", t.get("legendFormat", "")))
            ok(wanted <= have, f"{title}: labels {sorted(wanted)} exist"
               + (f" (missing {sorted(wanted - have)})" if not wanted <= have else ""))
            # Pool ids, workqueue and function names repeat across sources
            # (kernel pool 0, refwq pool 0; "events" in both) and hosts: an
            # aggregation that keeps one of them keeps source and instance,
            # or it adds different things together.
            merged = [g for g in re.findall(r"by \(([^)]*)\)", expr)
                      if {"pool", "workqueue", "function"} & {x.strip() for x in g.split(",")}
                      and not {"source", "instance"} <= {x.strip() for x in g.split(",")}]
            ok(not merged, f"{title}: per pool or workqueue, by source and instance too"
               + (f" (by ({merged[0]}))" if merged else ""))
            r = query(prom, expand(expr))
            ok(r.get("status") == "success",
               f"{title}: Prometheus runs it ({r.get('error', 'ok')})")
            # Whether a stall is active at the instant of the query is
            # chance; the stalls counted over time are not.
            quiet_ok = "wqmon_stall_active" in expr and "> 0" in expr
            result = r.get("data", {}).get("result", [])
            ok(result or quiet_ok, f"{title}: returns data ({len(result)} series)"
               + (" (no stall active at this instant)" if quiet_ok and not result else ""))
    print(f"1..{n}")
    return 1 if failed else 0


sys.exit(main())
