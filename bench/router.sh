#!/usr/bin/env bash
# Compares the Cutover router with HAProxy and nginx as reverse proxies in front of one nginx backend, all on
# 127.0.0.1, in the same run: several rounds, proxies alternating within each round, unpinned and pinned.
# Then holds 10,000 idle keep-alive client connections open on the Cutover router and measures it under load.
#
# Usage: bench/router.sh            (as root, or with sudo available for apt-get; see docs/router.md)
# Knobs (environment): ROUNDS=3 DURATION=10 CONNECTIONS=64 THREADS=2 WARMUP=30 WARMUP_PASSES=3 WARMUP_CHURN=6
#                      PACED_ROUNDS=2 PACE_MS=1 NEWCONN_ROUNDS=2 IDLE=10000 SKIP_INSTALL=1
#                      PROXY_THREADS=1 PROXIES="haproxy nginx cutover"  SKIP_IDLE=1 BACKEND_NICE=0
#                      CUTOVER_TRANSPORT=  (the router's --transport: auto, the default, is epoll; or io_uring)
#
# PROXY_THREADS is the number of threads (HAProxy nbthread, nginx worker_processes, Cutover --workers) each proxy
# runs, the same for all three. The default, 1, is the best setting for all three on a 2-CPU machine that also runs
# wrk and the backend (measured: HAProxy 82.8k req/s with 1 thread, 78.7k with 2), and the only sensible one when
# pinned, where each proxy gets one CPU. The warm-up lets the JVM's compilers finish with the hot path: the same
# 30 s of keep-alive load for every proxy, in three passes, and after each of them a third of WARMUP_CHURN seconds
# of load that asks for Connection: close, so that the code that opens and closes client connections is compiled
# too. Without it, the 64 connections wrk opens at the start of each run went through that code still
# interpreted, and it showed at p99 (docs/router.md).
#
# For each proxy and mode it prints req/s, p50/p99 latency (wrk --latency) and the proxy's CPU time per request:
# the growth of utime+stime in /proc/PID/stat (all threads; all worker processes for nginx) during the wrk run,
# divided by the requests wrk completed. "pinned" puts the proxy on CPU 0 and the backend and wrk on CPU 1
# (taskset); "unpinned" lets the scheduler place everything on all CPUs; "unpinned-1t" is the same with wrk on one
# thread instead of THREADS (on 2 CPUs shared with the proxy and the backend, wrk's second thread is where the
# unpinned p99 of nginx and the router comes from: docs/router.md, "One wrk thread"). "paced" is pinned too, but
# each wrk connection waits PACE_MS after each response before its next request (wrk's delay()), so every proxy
# gets about the same load, below what it can take: its p99 is then compared at equal throughput. "newconn" is
# pinned too, with every request on a new connection (wrk sends Connection: close and the proxy closes after its
# response): what accepting, setting up and closing a connection costs each proxy.
#
# Each row also gives how busy CPUs 0 and 1 were during the run (/proc/stat), and how many times a second the proxy's
# threads were switched out involuntarily (/proc/PID/task/*/status). Pinned, CPU 0 is the proxy's alone and
# CPU 1 carries wrk and the backend: a proxy whose CPU was not fully busy while CPU 1 was ran into what wrk and the
# backend can carry, and its latency then includes their queue, not only its own (docs/router.md). BACKEND_NICE
# (root only) runs the backend at that nice value in every mode, to see how much the way wrk and the backend share a
# CPU weighs on the figures; the default, 0, leaves it to the scheduler.
set -euo pipefail

ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
WARMUP="${WARMUP:-30}"
WARMUP_PASSES="${WARMUP_PASSES:-3}"
WARMUP_CHURN="${WARMUP_CHURN:-6}"
PACED_ROUNDS="${PACED_ROUNDS:-2}"
PACE_MS="${PACE_MS:-1}"
NEWCONN_ROUNDS="${NEWCONN_ROUNDS:-2}"
PROXY_THREADS="${PROXY_THREADS:-1}"
IDLE="${IDLE:-10000}"
PROXIES="${PROXIES:-haproxy nginx cutover}"
BACKEND_NICE="${BACKEND_NICE:-0}"

BACKEND_PORT=18080
HAPROXY_PORT=18081
NGINX_PORT=18082
CUTOVER_PORT=18083

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/cutover-bench.XXXXXX)"
pids=()

cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*" >&2; }

install_tools() {
  local missing=()
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
  command -v wrk >/dev/null || missing+=(wrk)
  command -v taskset >/dev/null || missing+=(util-linux)
  command -v python3 >/dev/null || missing+=(python3)
  if [ "${#missing[@]}" -gt 0 ] && [ -z "${SKIP_INSTALL:-}" ]; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    say "installing ${missing[*]} from Debian's packages..."
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  export PATH="$PATH:/usr/sbin"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() {
  local port="$1" name="$2" i
  for i in $(seq 1 300); do
    if ! port_free "$port"; then return 0; fi
    sleep 0.1
  done
  say "$name did not start listening on 127.0.0.1:$port"; exit 1
}

# One nginx config skeleton: everything under $work, no daemon, no access log.
nginx_conf() {
  local dir="$1" workers="$2" body="$3"
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<EOF
worker_processes $workers;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
user root;
worker_rlimit_nofile 19000;
events { worker_connections 16000; multi_accept on; }
http {
  access_log off;
  client_body_temp_path $dir/body; proxy_temp_path $dir/proxy; fastcgi_temp_path $dir/fcgi;
  uwsgi_temp_path $dir/uwsgi; scgi_temp_path $dir/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 300s;
$body
}
EOF
}

start_backend() {
  # 100 bytes of body, fixed: "ok" padded.
  local payload
  payload="$(printf 'ok%.0s' $(seq 1 49))"
  nginx_conf "$work/backend" 1 "
  server {
    listen 127.0.0.1:$BACKEND_PORT backlog=4096;
    default_type text/plain;
    location / { return 200 '$payload'; }
  }"
  nginx -c "$work/backend/nginx.conf" -p "$work/backend" &
  backend_pid=$!; pids+=("$backend_pid")
  wait_for_port "$BACKEND_PORT" "backend nginx"
  if [ "$BACKEND_NICE" != 0 ]; then
    local p i
    for i in $(seq 1 50); do pgrep -P "$backend_pid" >/dev/null && break; sleep 0.1; done # its worker
    for p in $(all_threads "$backend_pid"); do
      renice -n "$BACKEND_NICE" -p "$p" >/dev/null 2>&1 ||
        { say "could not renice the backend to $BACKEND_NICE (needs root); it runs at nice 0"; break; }
    done
  fi
}

start_haproxy() {
  cat >"$work/haproxy.cfg" <<EOF
global
  maxconn 9000
  nbthread $PROXY_THREADS
defaults
  mode http
  timeout connect 2s
  timeout client 300s
  timeout server 60s
  timeout http-keep-alive 300s
  option http-keep-alive
  http-reuse always
frontend fe
  bind 127.0.0.1:$HAPROXY_PORT
  default_backend be
backend be
  server b1 127.0.0.1:$BACKEND_PORT
EOF
  haproxy -db -f "$work/haproxy.cfg" &
  haproxy_pid=$!; pids+=("$haproxy_pid")
  wait_for_port "$HAPROXY_PORT" "haproxy"
}

start_nginx_proxy() {
  nginx_conf "$work/proxy" "$PROXY_THREADS" "
  upstream backend { server 127.0.0.1:$BACKEND_PORT; keepalive 256; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
      proxy_buffering on;
    }
  }"
  nginx -c "$work/proxy/nginx.conf" -p "$work/proxy" &
  nginx_pid=$!; pids+=("$nginx_pid")
  wait_for_port "$NGINX_PORT" "nginx proxy"
}

start_cutover() {
  cat >"$work/routes.yml" <<EOF
routes:
  - environment: bench/production
    hosts: [127.0.0.1, localhost]
    groups:
      - name: v1
        targets: [127.0.0.1:$BACKEND_PORT]
EOF
  # The idle timeout is raised so that the idle-connection scenario's clients are not closed under it.
  "${CUTOVER:-$root/bin/cutover}" router --routes "$work/routes.yml" --bind 127.0.0.1 --port "$CUTOVER_PORT" \
    --idle-timeout 300s --workers "$PROXY_THREADS" ${CUTOVER_TRANSPORT:+--transport "$CUTOVER_TRANSPORT"} \
    >"$work/cutover.log" 2>&1 &
  cutover_pid=$!; pids+=("$cutover_pid")
  wait_for_port "$CUTOVER_PORT" "cutover router"
}

# CPU ticks (utime+stime) of a process and its children (nginx's workers).
cpu_ticks() {
  local pid="$1" total=0 p
  for p in "$pid" $(pgrep -P "$pid" || true); do
    if [ -r "/proc/$p/stat" ]; then
      # Fields after the ")" of comm: utime is the 12th, stime the 13th.
      total=$((total + $(sed 's/.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')))
    fi
  done
  echo "$total"
}

# Busy and idle ticks of CPUs 0 and 1 (/proc/stat), one line each: "busy idle". Pinned, CPU 0 is the proxy's and
# CPU 1 carries wrk and the backend; a proxy whose CPU is less than fully busy was held back by the other side.
cpu_busy_ticks() {
  awk '$1 == "cpu0" || $1 == "cpu1" { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat
}

# Involuntary context switches of a process's threads and its children's (nginx's workers): how often the scheduler
# took the proxy's CPU from it while it still had work. Unpinned, this is where the proxies differ most: a thread woken
# by the proxy's write (wrk's, or the backend's) lands on the proxy's CPU and either runs at once or waits behind it
# (docs/router.md, "Unpinned, wrk waits behind the proxy").
preemptions() {
  local pid="$1" p
  for p in "$pid" $(pgrep -P "$pid" || true); do
    cat /proc/"$p"/task/*/status 2>/dev/null
  done | awk '/^nonvoluntary_ctxt_switches/ { n += $2 } END { print n + 0 }'
}

all_threads() { local pid="$1" p; for p in "$pid" $(pgrep -P "$pid" || true); do echo "$p"; done; }

pin() { # pin PID(+children, all threads) to CPU list
  local cpus="$1" pid="$2" p
  for p in $(all_threads "$pid"); do taskset -a -p -c "$cpus" "$p" >/dev/null; done
}

to_us() { # wrk latency text (e.g. 612.00us, 1.64ms, 1.02s) to microseconds
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); print v + 0 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); print v * 1000 }
    else if (v ~ /s$/) { sub(/s$/, "", v); print v * 1000000 }
    else print v }'
}

pid_of() {
  case "$1" in
    haproxy) echo "$haproxy_pid" ;;
    nginx) echo "$nginx_pid" ;;
    cutover) echo "$cutover_pid" ;;
  esac
}

port_of() {
  case "$1" in
    haproxy) echo "$HAPROXY_PORT" ;;
    nginx) echo "$NGINX_PORT" ;;
    cutover) echo "$CUTOVER_PORT" ;;
  esac
}

# run_wrk PROXY MODE SECONDS [RECORD] -> appends "proxy mode rps p50us p99us cpu_us_per_req cpu0_busy% cpu1_busy%
# preempted_per_s" to $work/results, and prints the row with wrk's error counts, if any.
# MODE: unpinned, unpinned-1t (unpinned, one wrk thread), pinned, paced (pinned, with the pace script), newconn
# (pinned, Connection: close) or churn (unpinned, Connection: close); RECORD=no runs the load without recording it
# (the warm-up).
run_wrk() {
  local proxy="$1" mode="$2" seconds="$3" record="${4:-yes}"
  local pid port wrk_prefix="" before after cpus_before cpus_after preempted_before preempted_after out load=()
  pid="$(pid_of "$proxy")"; port="$(port_of "$proxy")"
  case "$mode" in
    paced) load=(-s "$work/pace.lua") ;;
    churn | newconn) load=(-H "Connection: close") ;; # new connections: the proxy closes each after its response
  esac
  if [ "$mode" = pinned ] || [ "$mode" = paced ] || [ "$mode" = newconn ]; then
    pin 0 "$pid"; pin 1 "$backend_pid"; wrk_prefix="taskset -c 1"
  else
    pin "0-$(($(nproc) - 1))" "$pid"; pin "0-$(($(nproc) - 1))" "$backend_pid"
  fi
  before="$(cpu_ticks "$pid")"; cpus_before="$(cpu_busy_ticks)"; preempted_before="$(preemptions "$pid")"
  local threads="$THREADS"
  [ "$mode" = unpinned-1t ] && threads=1
  out="$($wrk_prefix wrk -t"$threads" -c"$CONNECTIONS" -d"${seconds}s" --latency "${load[@]}" \
    "http://127.0.0.1:$port/" 2>&1)"
  after="$(cpu_ticks "$pid")"; cpus_after="$(cpu_busy_ticks)"; preempted_after="$(preemptions "$pid")"
  [ "$record" = yes ] || return 0
  local requests rps p50 p99 errors hz
  requests="$(awk '/requests in/ {print $1}' <<<"$out")"
  rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(to_us "$(awk '$1 == "50%" {print $2}' <<<"$out")")"
  p99="$(to_us "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
  errors="$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')"
  hz="$(getconf CLK_TCK)"
  local cpu_us
  cpu_us="$(awk -v d="$((after - before))" -v hz="$hz" -v n="$requests" 'BEGIN { printf "%.1f", d / hz * 1e6 / n }')"
  local busy0 busy1
  read -r busy0 busy1 < <(paste <(echo "$cpus_before") <(echo "$cpus_after") |
    awk '{ printf "%.0f ", 100 * ($3 - $1) / (($3 - $1) + ($4 - $2)) } END { print "" }')
  local preempted=$(((preempted_after - preempted_before) / seconds))
  echo "$proxy $mode $rps $p50 $p99 $cpu_us $busy0 $busy1 $preempted" >>"$work/results"
  printf '  %-8s %-11s %10.0f req/s  p50 %7.0f us  p99 %7.0f us  cpu %6s us/req  busy cpu0 %3s%% cpu1 %3s%%  preempted %6s/s  %s\n' \
    "$proxy" "$mode" "$rps" "$p50" "$p99" "$cpu_us" "$busy0" "$busy1" "$preempted" "$errors" >&2
}

# The proxies in the order of round N: alternating, so that no proxy always runs first or last.
round_order() {
  if [ $(($1 % 2)) -eq 0 ]; then tr ' ' '\n' <<<"$PROXIES" | tac | tr '\n' ' '; else echo "$PROXIES"; fi
}

summary() {
  local mode="$1"
  awk -v mode="$mode" '
    $2 == mode { n[$1]++; rps[$1] += $3; p50[$1] += $4; p99[$1] += $5; cpu[$1] += $6; b0[$1] += $7; b1[$1] += $8
                 pre[$1] += $9 }
    END {
      printf "\n%s (mean of %d rounds)\n", mode, (n["cutover"] > 0 ? n["cutover"] : n["haproxy"])
      printf "  %-8s %12s %10s %10s %14s %8s %8s %12s\n", "proxy", "req/s", "p50 us", "p99 us", "cpu us/req", "cpu0 %", \
        "cpu1 %", "preempted/s"
      for (p in n) printf "  %-8s %12.0f %10.0f %10.0f %14.1f %8.0f %8.0f %12.0f\n", p, rps[p]/n[p], p50[p]/n[p], \
        p99[p]/n[p], cpu[p]/n[p], b0[p]/n[p], b1[p]/n[p], pre[p]/n[p]
      if (n["cutover"] && n["haproxy"]) printf "  cutover/haproxy: req/s %.2f  p99 %.2f  cpu/req %.2f\n", \
        (rps["cutover"]/n["cutover"]) / (rps["haproxy"]/n["haproxy"]), (p99["cutover"]/n["cutover"]) / (p99["haproxy"]/n["haproxy"]), \
        (cpu["cutover"]/n["cutover"]) / (cpu["haproxy"]/n["haproxy"])
      if (n["cutover"] && n["nginx"]) printf "  cutover/nginx:   req/s %.2f  p99 %.2f  cpu/req %.2f\n", \
        (rps["cutover"]/n["cutover"]) / (rps["nginx"]/n["nginx"]), (p99["cutover"]/n["cutover"]) / (p99["nginx"]/n["nginx"]), \
        (cpu["cutover"]/n["cutover"]) / (cpu["nginx"]/n["nginx"])
    }' "$work/results"
}

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }

idle_scenario() {
  say ""
  say "idle connections: $IDLE keep-alive clients held open on the cutover router, then wrk"
  local before_rss during_rss holder
  before_rss="$(rss_kb "$cutover_pid")"
  python3 "$root/bench/idle_clients.py" 127.0.0.1 "$CUTOVER_PORT" "$IDLE" 600 >"$work/idle.out" 2>&1 &
  holder=$!; pids+=("$holder")
  local i
  for i in $(seq 1 1200); do
    grep -q '^ready' "$work/idle.out" 2>/dev/null && break
    sleep 0.1
  done
  say "  $(cat "$work/idle.out")"
  during_rss="$(rss_kb "$cutover_pid")"
  : >"$work/results"
  run_wrk cutover unpinned "$DURATION"
  local after_rss
  after_rss="$(rss_kb "$cutover_pid")"
  printf '\nidle scenario: RSS before %d MiB, with %s idle connections %d MiB, after wrk %d MiB; %s req/s under them\n' \
    "$((before_rss / 1024))" "$IDLE" "$((during_rss / 1024))" "$((after_rss / 1024))" "$(awk '{print $3}' "$work/results")"
  kill "$holder" 2>/dev/null || true
}

main() {
  install_tools
  ulimit -n "$(ulimit -Hn)"
  for port in $BACKEND_PORT $HAPROXY_PORT $NGINX_PORT $CUTOVER_PORT; do
    port_free "$port" || { say "port $port is in use; stop what listens there first"; exit 1; }
  done
  say "machine: $(nproc) CPUs, $(uname -r); $(nginx -v 2>&1); $(haproxy -v | head -1 | cut -d' ' -f1-3); $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
  say "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, $ROUNDS rounds, warm-up ${WARMUP}s each in $WARMUP_PASSES passes" \
    "(and ${WARMUP_CHURN}s on new connections), $PROXY_THREADS thread(s) per proxy, backend at nice $BACKEND_NICE"
  start_backend
  local proxy
  for proxy in $PROXIES; do
    case "$proxy" in
      haproxy) start_haproxy ;;
      nginx) start_nginx_proxy ;;
      cutover) start_cutover ;;
    esac
  done
  # Warm-up, not recorded: fills pools and lets the JVM compile its hot path. It is cut into passes over the
  # proxies, like the rounds, so that each proxy has also seen its connections close and a busy spell follow an
  # idle one before anything is measured. With one unbroken warm-up, the JIT met those paths for the first time
  # in the first measured round, threw away the compiled hot path and rebuilt it under load (docs/router.md).
  # Each pass ends with connection churn, for the code that opens and closes client connections: wrk opens 64
  # at the start of every run and closes them at its end, and that code, met 64 times in a run, stayed
  # interpreted through the first rounds.
  local pass
  for pass in $(seq 1 "$WARMUP_PASSES"); do
    for proxy in $PROXIES; do
      run_wrk "$proxy" unpinned "$(((WARMUP + WARMUP_PASSES - 1) / WARMUP_PASSES))" no
      if [ "$WARMUP_CHURN" -gt 0 ]; then
        run_wrk "$proxy" churn "$(((WARMUP_CHURN + WARMUP_PASSES - 1) / WARMUP_PASSES))" no
      fi
    done
  done
  : >"$work/results"
  local round mode order
  for round in $(seq 1 "$ROUNDS"); do
    order="$(round_order "$round")"
    for mode in unpinned unpinned-1t pinned; do
      say "round $round, $mode"
      for proxy in $order; do run_wrk "$proxy" "$mode" "$DURATION"; done
    done
  done
  # The same offered load for every proxy: each connection waits PACE_MS after each response before it sends the
  # next request, so the tail is compared at about the same req/s rather than at each proxy's own maximum.
  if [ "$PACED_ROUNDS" -gt 0 ]; then
    printf 'function delay() return %d end\n' "$PACE_MS" >"$work/pace.lua"
    for round in $(seq 1 "$PACED_ROUNDS"); do
      order="$(round_order "$round")"
      say "round $round, paced (${PACE_MS} ms between a response and the next request on each connection), pinned"
      for proxy in $order; do run_wrk "$proxy" paced "$DURATION"; done
    done
  fi
  # A new connection for every request, pinned: accept, set-up and close on the proxy's CPU.
  for round in $(seq 1 "$NEWCONN_ROUNDS"); do
    order="$(round_order "$round")"
    say "round $round, newconn (Connection: close, a new connection per request), pinned"
    for proxy in $order; do run_wrk "$proxy" newconn "$DURATION"; done
  done
  cp "$work/results" "$work/main-results"
  summary unpinned
  summary unpinned-1t
  summary pinned
  if [ "$PACED_ROUNDS" -gt 0 ]; then summary paced; fi
  if [ "$NEWCONN_ROUNDS" -gt 0 ]; then summary newconn; fi
  if [ -z "${SKIP_IDLE:-}" ] && [[ " $PROXIES " == *" cutover "* ]]; then
    idle_scenario
  fi
}

main "$@"
