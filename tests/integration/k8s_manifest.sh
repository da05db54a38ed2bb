#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# packaging/kubernetes/wqmond-daemonset.yaml: no Kubernetes here to apply
# it to (kubectl needs a server even for a dry run), so it is parsed and
# checked against what the systemd unit grants wqmond: the same three
# capabilities and nothing more, no privilege escalation, /dev/kmsg read
# only; the host's PID namespace and /dev/shm (kworkers, refwq); probes
# and port on the address wqmond listens on; arguments wqmond accepts.
set -u
. "$(dirname "$0")/tap.bash"
top=$(cd "$(dirname "$0")/../.." && pwd)
M="$top/packaging/kubernetes/wqmond-daemonset.yaml"
UNIT="$top/packaging/systemd/wqmond.service.in"
python3 -c 'import yaml' 2>/dev/null || bail "python3-yaml missing (scripts/deps.sh)"
[ -x "$B/wqmond" ] || bail "$B/wqmond not built"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT")
[ -n "$caps" ] || bail "no CapabilityBoundingSet= in $UNIT"
# check MANIFEST: the checks, as "STATUS DESCRIPTION" lines (0: passed)
# for ok(); the arguments wqmond gets, in $tmp/args.
check() {
	python3 - "$1" "$caps" "$tmp/args" 2>&1 <<'PY'
import sys, yaml
docs = list(yaml.safe_load_all(open(sys.argv[1])))
def ok(cond, what):
    print(0 if cond else 1, what)
ok(len(docs) == 1 and docs[0]["apiVersion"] == "apps/v1" and docs[0]["kind"] == "DaemonSet",
   "one apps/v1 DaemonSet")
d = docs[0]
spec = d["spec"]
pod = spec["template"]["spec"]
ok(spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items(),
   "its selector matches its pods")
cs = pod["containers"]
ok(len(cs) == 1, "one container")
c = cs[0]
sc = c["securityContext"]
unit = sorted(x[len("CAP_"):] for x in sys.argv[2].split())
ok(sorted(sc["capabilities"]["add"]) == unit,
   "capabilities: exactly the unit's %s (%s)" % (unit, sc["capabilities"]["add"]))
ok(sc["capabilities"]["drop"] == ["ALL"], "every other capability dropped")
ok(sc.get("privileged") is False and sc.get("allowPrivilegeEscalation") is False,
   "not privileged, no privilege escalation (the unit's NoNewPrivileges=yes)")
ok(sc.get("readOnlyRootFilesystem") is True, "read-only root file system (the unit's ProtectSystem=strict)")
ok(pod.get("hostPID") is True, "the host's PID namespace: kworkers and refwq processes")
mounts = {m["name"]: m for m in c["volumeMounts"]}
vols = {v["name"]: v for v in pod["volumes"]}
def host(path):
    return [m for n_, m in mounts.items() if vols[n_].get("hostPath", {}).get("path") == path
            and m["mountPath"] == path]
ok(len(host("/dev/shm")) == 1, "the host's /dev/shm: the node's refwq instances")
k = host("/dev/kmsg")
ok(len(k) == 1 and k[0].get("readOnly") is True and
   vols[k[0]["name"]]["hostPath"].get("type") == "CharDevice",
   "/dev/kmsg, read only, a character device (the unit's DeviceAllow=/dev/kmsg r)")
ok(set(vols) == set(mounts), "no other volume")
args = c["args"]
listen = args[args.index("-l") + 1]
port = int(listen.rsplit(":", 1)[1])
ports = {p["name"]: p["containerPort"] for p in c["ports"]}
ok(ports.get("metrics") == port, "containerPort metrics is wqmond's -l port (%d)" % port)
probes = [c.get("readinessProbe", {}), c.get("livenessProbe", {})]
ok(all(p.get("httpGet", {}).get("path") == "/healthz" and p["httpGet"]["port"] in ("metrics", port)
       for p in probes), "readiness and liveness: GET /healthz on that port")
env = {e["name"]: e for e in c["env"]}
used = {a[a.index("$(") + 2:a.index(")")] for a in args if "$(" in a}
ok(used <= set(env), "every $(VAR) of the arguments is in env (%s)" % sorted(used))
# The arguments, $(VAR) made concrete, for wqmond --check-config.
with open(sys.argv[3], "w") as f:
    for a in args:
        f.write(a.replace("$(POD_IP)", "10.0.0.7").replace("$(NODE_NAME)", "node-7") + "\n")
PY
}
check "$M" >"$tmp/checks"
grep -qE '^[01] ' "$tmp/checks" || bail "cannot check $M: $(tail -3 "$tmp/checks")"
while read -r rc what; do
	case $rc in
	0 | 1) ok "$rc" "$what" ;;
	*) ok 1 "$rc $what" ;;
	esac
done <"$tmp/checks"
mapfile -t args <"$tmp/args"
"$B/wqmond" --check-config "${args[@]}" >"$tmp/out" 2>&1
ok $? "wqmond --check-config ${args[*]}: $(grep -v 'not loopback' "$tmp/out" | tr '\n' ' ')"
# They test something: one more capability, or no hostPID, fails them.
sed 's/add: \[BPF, PERFMON, SYSLOG\]/add: [BPF, PERFMON, SYSLOG, SYS_ADMIN]/' "$M" >"$tmp/m1.yaml"
! cmp -s "$M" "$tmp/m1.yaml" && check "$tmp/m1.yaml" | grep -q '^1 capabilities'
ok $? "a manifest adding CAP_SYS_ADMIN fails the capability check"
sed 's/hostPID: true/hostPID: false/' "$M" >"$tmp/m2.yaml"
! cmp -s "$M" "$tmp/m2.yaml" && check "$tmp/m2.yaml" | grep -q "^1 the host's PID"
ok $? "a manifest without hostPID fails its check"
finish
