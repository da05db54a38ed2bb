#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# packaging/prometheus/wqmon.rules.yml and wqmon-fleet.rules.yml: valid,
# and their unit tests (*.rules.test.yml) pass; a changed threshold makes
# them fail, so they test something.  packaging/alertmanager/wqmon.yml:
# valid, and it groups by function, never by instance.
set -u
. "$(dirname "$0")/tap.bash"
P="$(cd "$(dirname "$0")/../.." && pwd)/packaging/prometheus"
A="$(cd "$(dirname "$0")/../.." && pwd)/packaging/alertmanager"
command -v promtool >/dev/null || bail "promtool not installed (Debian package prometheus, scripts/deps.sh)"
command -v amtool >/dev/null || bail "amtool not installed (Debian package prometheus-alertmanager, scripts/deps.sh)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

promtool check rules "$P/wqmon.rules.yml" >"$tmp/out" 2>&1
ok $? "promtool check rules: $(tr '\n' ' ' <"$tmp/out")"
(cd "$P" && promtool test rules wqmon.rules.test.yml) >"$tmp/out" 2>&1
ok $? "promtool test rules: $(tr '\n' ' ' <"$tmp/out" | head -c 2000)"
for r in WorkqueueStall WorkqueuePoolStalled WorkqueueLatencyHigh WqmonSourceDown WqmonEventsDropped; do
	grep -q "alertname: $r\$" "$P/wqmon.rules.test.yml"
	ok $? "rule $r has a test"
done

cp "$P/wqmon.rules.test.yml" "$tmp/"
sed 's/wqmon_pool_oldest_pending_seconds) > 5/wqmon_pool_oldest_pending_seconds) > 50/' \
	"$P/wqmon.rules.yml" >"$tmp/wqmon.rules.yml"
! cmp -s "$P/wqmon.rules.yml" "$tmp/wqmon.rules.yml" &&
	! (cd "$tmp" && promtool test rules wqmon.rules.test.yml) >/dev/null 2>&1
ok $? "a pool threshold of 50 s instead of 5 s fails the tests"
for r in WorkqueueStall WorkqueuePoolStalled; do
	awk -v r="$r" '$0 ~ "alert: " r "$" { f = 1 } f && /^ *for: 1m$/ { ok = 1 }
		f && /^ *- alert:/ && $0 !~ r { f = 0 } END { exit !ok }' "$P/wqmon.rules.yml"
	ok $? "critical rule $r waits for: 1m (one bad sample does not page)"
done
grep -v '^ *for: 1m$' "$P/wqmon.rules.yml" >"$tmp/wqmon.rules.yml"
! (cd "$tmp" && promtool test rules wqmon.rules.test.yml) >/dev/null 2>&1
ok $? "without for: 1m the tests fail (a single bad sample would page)"

# --- the fleet rules ---
F=wqmon-fleet.rules.yml
promtool check rules "$P/$F" >"$tmp/out" 2>&1
ok $? "promtool check rules $F: $(tr '\n' ' ' <"$tmp/out")"
(cd "$P" && promtool test rules wqmon-fleet.rules.test.yml) >"$tmp/out" 2>&1
ok $? "promtool test rules wqmon-fleet.rules.test.yml: $(tr '\n' ' ' <"$tmp/out" | head -c 2000)"
# Every recording rule and alert of the file is tested by name.
untested=
for r in $(sed -n 's/^ *- \(record\|alert\): *//p' "$P/$F"); do
	grep -qE "(expr: .*|alertname: )$r( |\$)" "$P/wqmon-fleet.rules.test.yml" ||
		untested="$untested $r"
done
is "${untested:-none}" none "every fleet rule has a test"
fleet_mutant() {	# fleet_mutant SED-EXPRESSION: the tests fail on the changed rules
	rm -f "$tmp"/*.yml
	cp "$P/wqmon-fleet.rules.test.yml" "$tmp/"
	sed "$1" "$P/$F" >"$tmp/$F"
	! cmp -s "$P/$F" "$tmp/$F" &&
		! (cd "$tmp" && promtool test rules wqmon-fleet.rules.test.yml) >/dev/null 2>&1
}
fleet_mutant 's/wqmon_stall_active)) >= 3/wqmon_stall_active)) >= 2/'
ok $? "a widespread stall on 2 hosts instead of 3 fails the tests"
fleet_mutant 's/function!="other"/function!="none"/'
ok $? "counting function=\"other\" as a function fails the tests"
fleet_mutant 's/^\( *\)for: 5m$/\1for: 1m/'
ok $? "fleet alerts without their for: 5m fail the tests"
fleet_mutant 's/ or vector(0)$//'
ok $? "a count that is absent instead of 0 fails the tests"

# --- Alertmanager: one notification per problem, not per host ---
amtool check-config "$A/wqmon.yml" >"$tmp/out" 2>&1
ok $? "amtool check-config wqmon.yml: $(tr '\n' ' ' <"$tmp/out" | head -c 300)"
python3 - "$A/wqmon.yml" <<'PY'
import sys, yaml
r = yaml.safe_load(open(sys.argv[1]))["route"]
def walk(n):
    yield n
    for c in n.get("routes", []):
        yield from walk(c)
for n in walk(r):
    assert "instance" not in n.get("group_by", []), n
assert r["group_by"] == ["alertname", "source", "function"], r["group_by"]
PY
ok $? "no route groups by instance; the default groups by alertname, source, function"
for a in "alertname=WorkqueueStall severity=critical instance=h1:9464 function=f" \
	"alertname=WorkqueueStallWidespread severity=critical function=f" \
	"alertname=WqmonHostDown severity=warning instance=h1:9464"; do
	# shellcheck disable=SC2086
	r=$(amtool config routes test --config.file="$A/wqmon.yml" $a 2>/dev/null)
	is "$r" wqmon-oncall "$a goes to the on-call receiver"
done
# shellcheck disable=SC2086
r=$(amtool config routes test --config.file="$A/wqmon.yml" alertname=WqmonEventsDropped severity=info 2>/dev/null)
is "$r" wqmon-tickets "info alerts go to tickets, not the pager"
finish
