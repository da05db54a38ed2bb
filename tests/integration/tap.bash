# SPDX-License-Identifier: GPL-2.0
# Helpers for the integration scripts: TAP output and the real environment.
# A component that is missing is a failure, never a skip.
B=${WQMON_BUILD:?run through tests/run.sh or set WQMON_BUILD}
TAP_N=0
TAP_FAILED=0

ok() {	# ok CONDITION-EXIT-STATUS DESCRIPTION
	TAP_N=$((TAP_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TAP_N - $2"
	else
		echo "not ok $TAP_N - $2"
		TAP_FAILED=1
	fi
}

# is ACTUAL EXPECTED DESCRIPTION
is() {
	[ "$1" = "$2" ]
	ok $? "$3 (got '$1', want '$2')"
}

# near A B TOLERANCE_PERCENT SLACK DESCRIPTION: |A-B| <= B*TOL/100 + SLACK
near() {
	awk -v a="$1" -v b="$2" -v t="$3" -v s="$4" 'BEGIN {
		d = a - b; if (d < 0) d = -d; exit !(d <= b * t / 100 + s) }'
	ok $? "$5 (wqmon $1, reference $2, tolerance $3% + $4)"
}

bail() {
	echo "not ok $((TAP_N + 1)) - $*"
	exit 1
}

need_root() {
	[ "$(id -u)" -eq 0 ] || bail "needs root for the real kernel probes (run make test as root)"
}

# private_dev_shm "$0" "$@": run this script again in a mount namespace of
# its own with an empty /dev/shm, so that refwq instances of other programs
# on this machine are not its daemon's sources, nor its own theirs.
private_dev_shm() {
	if [ -z "${WQMON_PRIVATE_SHM:-}" ]; then
		exec unshare -m --propagation private env WQMON_PRIVATE_SHM=1 bash "$@"
	fi
	mount -t tmpfs -o mode=1777 tmpfs /dev/shm || bail "cannot mount a private /dev/shm"
}

ensure_tracefs() {
	if [ ! -e /sys/kernel/tracing/events/workqueue ]; then
		mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null ||
			bail "cannot mount tracefs at /sys/kernel/tracing"
	fi
}

ksym() {	# address of a kernel text symbol, 0x-prefixed
	awk -v n="$1" '$3 == n && ($2 == "t" || $2 == "T") { print "0x" $1; exit }' /proc/kallsyms
}

finish() {
	echo "1..$TAP_N"
	exit $TAP_FAILED
}

# bound_port LOG PID: the port that a server started on port 0 (the kernel
# picks a free one at bind time, so nobody can take it in between, unlike
# probing for a free port and binding later) says it bound, in LOG: wqmond's
# "listening on http(s)://127.0.0.1:N/", Prometheus's and Alertmanager's
# msg="Listening on" address=127.0.0.1:N, our Python servers' "listening on
# 127.0.0.1:N".  Waits up to 20 s; fails if PID exits first.
bound_port() {
	local log=$1 pid=$2 i p
	for i in $(seq 200); do
		p=$(grep -oiE '(listening on (https?://)?|Listening on" address=)(127\.0\.0\.1|\[::1\]):[0-9]+' "$log" |
			head -1 | grep -oE '[0-9]+$')
		[ -n "$p" ] && { echo "$p"; return 0; }
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# start_wqmond LOG ARGS...: wqmond ARGS on a loopback port of its own, in the
# background.  Sets DPID, PORT and U (its URL) once it answers; bails with
# its log if it does not.
start_wqmond() {
	local log=$1
	shift
	"$B/wqmond" "$@" -l 127.0.0.1:0 >"$log" 2>&1 &
	DPID=$!
	PORT=$(bound_port "$log" $DPID) || bail "wqmond did not start: $(tail -3 "$log")"
	U="http://127.0.0.1:$PORT"
	wait_http "$U/healthz" 15 || curl -s -o /dev/null "$U/healthz" ||
		bail "wqmond does not answer: $(tail -3 "$log")"
}

# wait_for SECONDS COMMAND...: until COMMAND succeeds, polled every 0.1 s
# (scripts that wait on a screen define their own wait_for).
wait_for() {
	local i
	for i in $(seq $(($1 * 10))); do
		"${@:2}" && return 0
		sleep 0.1
	done
	return 1
}

# wait_http URL [SECONDS]: until it answers 200
wait_http() {
	local i
	for i in $(seq $((${2:-10} * 10))); do
		curl -sf -o /dev/null "$1" && return 0
		sleep 0.1
	done
	return 1
}

# as_nobody CMD...: CMD as the hostile local user (uid and gid 65534, no
# groups), with the system's python3, not a root-only one earlier in
# root's PATH.
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		env PATH=/usr/bin:/bin "$@"
}
# bg_nobody CMD... &: the same in the background (always with &): exec, so
# that $! is the process itself, which the cleanup (and a SIGINT) stops.
bg_nobody() {
	exec setpriv --reuid=65534 --regid=65534 --clear-groups \
		env PATH=/usr/bin:/bin "$@"
}

# scratch_cleanup: `trap scratch_cleanup EXIT` in a test that keeps its
# files in $tmp and the PIDs of what it started in the array pids: stops
# those processes (only them, by PID), waits, and removes $tmp.
scratch_cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

# start_prometheus DIR TARGET [JOB-YAML]: a real Prometheus on a loopback port
# of its own, scraping TARGET (host:port) every second, its data and log in
# DIR; JOB-YAML: more settings of the scrape job (scheme, tls_config,
# basic_auth), indented by four spaces.  Sets P (its URL) and PROM_PID; bails
# if it does not become ready.  $PROM_FLAGS: more flags of prometheus
# (--enable-feature=exemplar-storage).
start_prometheus() {
	local dir=$1 target=$2 job=${3:-} port
	command -v prometheus >/dev/null ||
		bail "prometheus missing: apt-get install prometheus (scripts/deps.sh does)"
	cat >"$dir/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: wqmon
    static_configs:
      - targets: ['$target']
$job
YML
	# shellcheck disable=SC2086 # PROM_FLAGS: extra flags, split on blanks
	prometheus --config.file="$dir/prometheus.yml" --storage.tsdb.path="$dir/data" \
		--web.listen-address=127.0.0.1:0 --log.level=info ${PROM_FLAGS:-} >"$dir/prom.log" 2>&1 &
	PROM_PID=$!
	port=$(bound_port "$dir/prom.log" $PROM_PID) ||
		bail "prometheus did not start: $(tail -3 "$dir/prom.log")"
	P="http://127.0.0.1:$port"
	wait_http "$P/-/ready" 30 || bail "prometheus did not start: $(tail -3 "$dir/prom.log")"
}
