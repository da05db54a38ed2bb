#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# TLS and basic auth (web_config, wqmond.conf(5)): certificates made here by
# GnuTLS's certtool, passwords hashed by wqmond --hash-password, the daemon
# scraped by curl and by a real Prometheus over https with basic_auth.
# Wrong passwords get 401 and nothing more, a flood of them cannot starve a
# scraper, client certificates are checked, a reload swaps certificates and
# passwords (and a bad one changes nothing), and bad files are refused with
# one line naming what to fix.
set -u
. "$(dirname "$0")/tap.bash"
need_root
command -v certtool >/dev/null ||
	bail "certtool missing: apt-get install gnutls-bin (scripts/deps.sh does)"
tmp=$(mktemp -d)
pids=()
trap scratch_cleanup EXIT
cd "$tmp" || bail "no temporary directory"

# ---- certificates: a CA, the server's, a client's, a rogue client's ----
cert() {	# cert NAME CA TEMPLATE-LINES...
	local name=$1 ca=$2
	shift 2
	certtool --generate-privkey --key-type=ecdsa --outfile "$name.key" 2>/dev/null
	printf '%s\n' "$@" >"$name.tmpl"
	if [ "$ca" = self ]; then
		certtool --generate-self-signed --load-privkey "$name.key" \
			--template "$name.tmpl" --outfile "$name.crt" 2>/dev/null
	else
		certtool --generate-certificate --load-privkey "$name.key" \
			--load-ca-certificate "$ca.crt" --load-ca-privkey "$ca.key" \
			--template "$name.tmpl" --outfile "$name.crt" 2>/dev/null
	fi || bail "certtool could not make $name.crt"
}
cert ca self 'cn = "wqmon test CA"' ca cert_signing_key 'expiration_days = 30'
cert rogue self 'cn = "rogue CA"' ca cert_signing_key 'expiration_days = 30'
cert server ca 'cn = "localhost"' 'dns_name = "localhost"' \
	'ip_address = "127.0.0.1"' tls_www_server 'expiration_days = 30'
cert client ca 'cn = "prometheus"' tls_www_client 'expiration_days = 30'
cert stranger rogue 'cn = "prometheus"' tls_www_client 'expiration_days = 30'
cert expired ca 'cn = "localhost"' tls_www_server \
	'activation_date = "2020-01-01 00:00:00"' \
	'expiration_date = "2020-02-01 00:00:00"'

# ---- passwords ----
h1=$(echo 'correct horse' | "$B/wqmond" --hash-password)
h2=$(echo 'correct horse' | "$B/wqmond" --hash-password)
ok $([[ $h1 == '$2y$10$'* && ${#h1} -eq 60 ]]; echo $?) \
	"--hash-password prints a bcrypt hash of cost 10 ($h1)"
ok $([ "$h1" != "$h2" ]; echo $?) "each hash has its own salt"
echo '' | "$B/wqmond" --hash-password >/dev/null 2>hash.err
ok $([ $? -eq 2 ] && grep -q 'give a password' hash.err; echo $?) \
	"--hash-password refuses an empty password ($(cat hash.err))"

cat >web.yml <<EOF
# TLS with the test CA's certificate; a scraper's password.
tls_server_config:
  cert_file: server.crt
  key_file: server.key
basic_auth_users:
  prometheus: $h1
EOF

# ---- bad files: refused, one line naming the key, nothing hangs ----
mkfifo fifo.crt
bad() {	# bad DESCRIPTION EXPECTED-TEXT YAML
	printf '%s\n' "$3" >bad.yml
	timeout 10 "$B/wqmond" --check-config --web-config "$tmp/bad.yml" \
		-s none >/dev/null 2>bad.err
	local rc=$? lines
	lines=$(wc -l <bad.err)
	ok $([ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -q -- "$2" bad.err
	     echo $?) "--check-config refuses $1: $(cat bad.err)"
}
bad "an expired certificate" "expired on 2020-02-01.*renew it" \
	"$(printf 'tls_server_config:\n  cert_file: expired.crt\n  key_file: expired.key')"
bad "a key that is not the certificate's" "cert_file and key_file" \
	"$(printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: client.key')"
bad "a certificate without its key" "give both cert_file and key_file" \
	"$(printf 'tls_server_config:\n  cert_file: server.crt')"
bad "a FIFO for a certificate (no hang)" "not a regular file" \
	"$(printf 'tls_server_config:\n  cert_file: fifo.crt\n  key_file: server.key')"
bad "a missing file" "client.pem: cannot open" \
	"$(printf 'tls_server_config:\n  cert_file: client.pem\n  key_file: server.key')"
bad "a clear-text password" "not a bcrypt hash.*--hash-password" \
	"$(printf 'basic_auth_users:\n  prometheus: secret')"
bad "a user given twice" "given twice" \
	"$(printf 'basic_auth_users:\n  a: %s\n  a: %s' "$h1" "$h2")"
bad "an unknown key" "tls_server_config.certfile: not a setting" \
	"$(printf 'tls_server_config:\n  certfile: server.crt')"
bad "an unsupported section" "http_server_config: not supported" \
	"$(printf 'http_server_config:\n  http2: false')"
bad "TLS 1.0" "min_version 'TLS10'" \
	"$(printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS10')"
bad "client certificates without a CA" "needs client_ca_file" \
	"$(printf 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert')"
bad "YAML that does not parse" "not valid YAML" "tls_server_config: [a"
timeout 10 "$B/wqmond" --check-config --web-config "$tmp" -s none >/dev/null 2>bad.err
ok $([ $? -eq 2 ] && grep -q "not a regular file" bad.err; echo $?) \
	"--check-config refuses a directory as the web config: $(cat bad.err)"
"$B/wqmond" --check-config --web-config "$tmp/web.yml" -s none >/dev/null 2>&1
ok $? "--check-config accepts the good web config"

# An expired certificate stops the daemon at start, before it binds.
printf 'tls_server_config:\n  cert_file: expired.crt\n  key_file: expired.key\n' >start.yml
timeout 20 "$B/wqmond" -l 127.0.0.1:0 -s none -o kernel.enabled=no \
	--web-config "$tmp/start.yml" >start.err 2>&1
rc=$?
ok $([ $rc -eq 1 ] && grep -q "expired on" start.err &&
     ! grep -q "listening on" start.err; echo $?) \
	"an expired certificate stops wqmond at start (rc $rc): $(grep expired start.err)"

# ---- the daemon: the kernel source over https; the socket with a password ----
sock="$tmp/wqmond.sock"
printf 'basic_auth_users:\n  prometheus: %s\n' "$h1" >socket-web.yml
"$B/wqmond" -l 127.0.0.1:0 -s "$sock" --web-config "$tmp/web.yml" \
	-o daemon.socket_web_config="$tmp/socket-web.yml" >d.log 2>&1 &
DPID=$!
pids+=($DPID)
PORT=$(bound_port d.log $DPID) || bail "wqmond did not start: $(tail -3 d.log)"
ok $(grep -q "listening on https://127.0.0.1:$PORT/" d.log; echo $?) \
	"the log gives the https address"
U="https://localhost:$PORT"
TLS=(--cacert ca.crt)
AUTH=(-u 'prometheus:correct horse')
for i in $(seq 150); do
	curl -sf -o /dev/null "${TLS[@]}" "${AUTH[@]}" "$U/healthz" && break
	sleep 0.1
done
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
is "$(code "${TLS[@]}" "${AUTH[@]}" "$U/healthz")" 200 "https with the password: /healthz 200 (kernel source up)"
curl -s "${TLS[@]}" "${AUTH[@]}" "$U/metrics" >m.txt
ok $(grep -q '^wqmon_source_up{source="kernel"} 1' m.txt; echo $?) \
	"https with the password: /metrics from the kernel source"
curl -s -D h.txt -o b1.txt "${TLS[@]}" "$U/metrics"
ok $(grep -q '^HTTP/1.1 401' h.txt && grep -qi '^WWW-Authenticate: Basic realm="wqmond"' h.txt
     echo $?) "no password: 401 asking for basic auth"
curl -s -o b2.txt -w '%{http_code}' "${TLS[@]}" -u 'prometheus:wrong' "$U/metrics" >c2.txt
curl -s -o b3.txt -w '%{http_code}' "${TLS[@]}" -u 'nobody:wrong' "$U/metrics" >c3.txt
ok $([ "$(cat c2.txt)$(cat c3.txt)" = 401401 ] && cmp -s b1.txt b2.txt && cmp -s b2.txt b3.txt
     echo $?) "a wrong password and an unknown user: the same 401, no detail ($(cat b2.txt))"
is "$(code "${TLS[@]}" "${AUTH[@]}" "$U/api/v1/sources")" 200 "the JSON API behind the same password"

curl -s -m 5 -o /dev/null "http://127.0.0.1:$PORT/metrics"
rc=$?
ok $([ $rc -ne 0 ]; echo $?) "plain http to the TLS port gets no answer (curl exit $rc)"
is "$(code "${TLS[@]}" "${AUTH[@]}" "$U/healthz")" 200 "and the daemon serves https after it"

# The socket: its own web config, basic auth without TLS.
is "$(code --unix-socket "$sock" http://l/healthz)" 401 "the socket without a password: 401"
is "$(code --unix-socket "$sock" "${AUTH[@]}" http://l/healthz)" 200 "the socket with it: 200"
# wqtop sends no password: it says so, and does not pretend to show data.
timeout 20 "$B/wqtop" -b -n 1 --source "unix:$sock" >wqtop.out 2>wqtop.err
rc=$?
ok $([ $rc -ne 0 ] && grep -q "asks for credentials" wqtop.err; echo $?) \
	"wqtop against the socket with a password: exit $rc, $(head -c 200 wqtop.err)"

# A flood of wrong passwords (each a bcrypt run) cannot starve a scraper:
# its password, checked once, is remembered; uncached checks are limited.
seq 120 | xargs -P 8 -I{} curl -s -o /dev/null -w '%{http_code}\n' \
	"${TLS[@]}" -u "prometheus:guess{}" "$U/healthz" >flood.txt &
flood=$!
good=0
t0=$(date +%s%N)
for i in $(seq 20); do
	[ "$(code -m 5 "${TLS[@]}" "${AUTH[@]}" "$U/healthz")" = 200 ] && good=$((good + 1))
done
t1=$(date +%s%N)
wait $flood
n429=$(grep -c 429 flood.txt)
n401=$(grep -c 401 flood.txt)
is "$good" 20 "20 scrapes during a flood of 120 wrong passwords: all 200 ($(((t1 - t0) / 1000000)) ms)"
ok $([ "$n429" -gt 0 ] && [ $((n429 + n401)) -eq 120 ]; echo $?) \
	"the flood: $n401 checked (401), $n429 refused unchecked (429)"
curl -s "${TLS[@]}" "${AUTH[@]}" "$U/metrics" >m.txt
n=$(awk '/^wqmon_http_auth_refused_total/ { print $2 }' m.txt)
ok $([ -n "$n" ] && [ "$n" -ge 122 ]; echo $?) \
	"wqmon_http_auth_refused_total counts them ($n)"
exp=$(awk '/^wqmon_tls_certificate_expiry_timestamp_seconds\{listener="listen"\}/ { print $2 }' m.txt)
want=$(date -d "$(certtool -i --infile server.crt 2>/dev/null | sed -n 's/.*Not After: //p')" +%s)
is "$exp" "$want" "wqmon_tls_certificate_expiry_timestamp_seconds is server.crt's Not After"

# ---- reload: client certificates, TLS 1.3, new passwords; no restart ----
fds0=$(ls /proc/$DPID/fd | wc -l)
cat >web.yml <<EOF
tls_server_config:
  cert_file: server.crt
  key_file: server.key
  client_auth_type: RequireAndVerifyClientCert
  client_ca_file: ca.crt
  min_version: TLS13
basic_auth_users:
  prometheus: $h1
EOF
reloads=$(grep -c "configuration reloaded" d.log)
kill -HUP $DPID
for i in $(seq 100); do
	[ "$(grep -c "configuration reloaded" d.log)" -gt "$reloads" ] && break
	sleep 0.1
done
MTLS=(--cert client.crt --key client.key)
is "$(code "${TLS[@]}" "${AUTH[@]}" "$U/healthz")" 403 "after SIGHUP, no client certificate: 403"
is "$(code "${TLS[@]}" --cert stranger.crt --key stranger.key "${AUTH[@]}" "$U/healthz")" 403 \
	"a client certificate from another CA: 403"
is "$(code "${TLS[@]}" "${MTLS[@]}" "$U/healthz")" 401 "the CA's client certificate without the password: 401"
is "$(code "${TLS[@]}" "${MTLS[@]}" "${AUTH[@]}" "$U/healthz")" 200 "the CA's client certificate and the password: 200"
curl -s -o /dev/null --tls-max 1.2 "${TLS[@]}" "${MTLS[@]}" "${AUTH[@]}" "$U/healthz"
rc=$?
ok $([ $rc -ne 0 ]; echo $?) "min_version TLS13: a TLS 1.2 client cannot connect (curl exit $rc)"

# A bad reload (an expired certificate) changes nothing.
sed 's/server\./expired./' web.yml >web2.yml && mv web2.yml web.yml
fails=$(grep -c "keeping the running configuration" d.log)
kill -HUP $DPID
for i in $(seq 100); do
	[ "$(grep -c "keeping the running configuration" d.log)" -gt "$fails" ] && break
	sleep 0.1
done
ok $(grep -q "expired on" d.log; echo $?) "a reload to an expired certificate is refused: $(grep 'expired on' d.log | tail -1)"
is "$(code "${TLS[@]}" "${MTLS[@]}" "${AUTH[@]}" "$U/healthz")" 200 "and the running settings still serve"

# Every reload starts a daemon on the socket and retires the old one once
# its clients are gone: ten reloads leave no descriptor behind.
sed -i 's/expired\./server./' web.yml
for i in $(seq 10); do
	kill -HUP $DPID
	sleep 0.2
	code "${TLS[@]}" "${MTLS[@]}" "${AUTH[@]}" "$U/healthz" >/dev/null
done
sleep 3
fds1=$(ls /proc/$DPID/fd | wc -l)
ok $([ "$fds1" -le $((fds0 + 2)) ]; echo $?) "ten reloads: descriptors $fds0 before, $fds1 after"
is "$(code "${TLS[@]}" "${MTLS[@]}" "${AUTH[@]}" "$U/healthz")" 200 "and it serves after them"

# ---- a real Prometheus scraping over TLS with basic_auth and a client cert ----
printf 'correct horse' >pw.txt
printf 'guess' >bad-pw.txt
job() {	# job PASSWORD-FILE
	cat <<EOF
    scheme: https
    tls_config:
      ca_file: $tmp/ca.crt
      cert_file: $tmp/client.crt
      key_file: $tmp/client.key
      server_name: localhost
    basic_auth:
      username: prometheus
      password_file: $tmp/$1
EOF
}
mkdir prom prom-bad
start_prometheus "$tmp/prom" "127.0.0.1:$PORT" "$(job pw.txt)"
pids+=($PROM_PID)
GOOD=$P
start_prometheus "$tmp/prom-bad" "127.0.0.1:$PORT" "$(job bad-pw.txt)"
pids+=($PROM_PID)
BAD=$P
up() {	# up PROMETHEUS-URL: the wqmon target's health and last error
	curl -s "$1/api/v1/targets" | python3 -c '
import json, sys
t = json.load(sys.stdin)["data"]["activeTargets"]
print(t[0]["health"] if t else "none", t[0]["lastError"] if t else "")'
}
for i in $(seq 150); do
	g=$(up "$GOOD")
	b=$(up "$BAD")
	[[ $g == up* && $b == down* ]] && break
	sleep 0.2
done
ok $([[ $g == up* ]]; echo $?) "Prometheus scrapes wqmond over TLS with basic_auth and a client certificate ($g)"
ok $([[ $b == down*401* ]]; echo $?) "with a wrong password its target is down with a 401 ($b)"
for i in $(seq 100); do
	n=$(curl -s "$GOOD/api/v1/query" --data-urlencode 'query=wqmon_source_up{source="kernel"}' |
		python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")')
	[ "$n" = 1 ] && break
	sleep 0.2
done
is "$n" 1 "Prometheus holds wqmon_source_up{source=\"kernel\"} 1 from the TLS scrape"
kill -0 $DPID
ok $? "wqmond is still running"
finish
