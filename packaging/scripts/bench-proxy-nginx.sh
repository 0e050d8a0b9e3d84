#!/usr/bin/env bash
# aiwatch's measuring proxy beside nginx, the proxy people put in front of vLLM (issue #20 item 4,
# docs/BENCHMARKS.md section 4). The same SSE completion streams from the vLLM simulator go through
# nginx (Debian's, 2 workers, keep-alive upstream, proxy_buffering off) and through `aiwatch proxy`
# (started by the launcher, so with the JVM flags a user gets), the two taking turns run by run on
# the same cores. Each run is ProxyOverheadBench: N client workers, each alternating a direct request
# to the simulator and one through the proxy, so "added" latency is measured against direct
# requests of the same run. Per proxy and run: added TTFT and per-request path (X-Sim-Timing probe)
# at p50/p99, CPU seconds of the proxy's processes per proxied request, peak resident memory. A
# last phase holds HOLD concurrent streams open through each proxy and records peak RSS.
#
# Usage: packaging/scripts/bench-proxy-nginx.sh [SECONDS=30] [OUT_DIR=target/bench-proxy-nginx]
#            [LEVELS="100 500 1000"] [ROUNDS=3]
# Env:   PROXY_CPUS, SIM_CPUS, CLIENT_CPUS  taskset CPU lists (unset: no pinning); both proxies get PROXY_CPUS
#        MAX_TOKENS (8)  HOLD (1000) concurrent streams of HOLD_TOKENS (200) tokens in the hold phase
#        AIWATCH_JAVA_OPTS  JVM flags for the proxy instead of the launcher's defaults
#        BENCH_CP  classpath with the test classes (default target/test-classes:target/aiwatch.jar)
# Needs: nginx (apt-get install nginx-light), ./mvnw package (target/aiwatch.jar, target/test-classes).
# Output: OUT_DIR/raw/*.txt (every run's output, kept), OUT_DIR/runs.tsv, OUT_DIR/summary.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-30}
out=${2:-target/bench-proxy-nginx}
levels=${3:-"100 500 1000"}
rounds=${4:-3}
max_tokens=${MAX_TOKENS:-8}
hold=${HOLD:-1000}
hold_tokens=${HOLD_TOKENS:-200}
cp=${BENCH_CP:-target/test-classes:target/aiwatch.jar}
nginx_bin=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
[ -x "$nginx_bin" ] || { echo "nginx not found: apt-get install nginx-light (or set NGINX)" >&2; exit 1; }
mkdir -p "$out/raw" "$out/nginx"
out=$(cd "$out" && pwd)
sim_port=18780; nginx_port=18781; aiwatch_port=18782
pin() { local cpus=$1; shift; if [ -n "$cpus" ]; then exec taskset -c "$cpus" "$@"; else exec "$@"; fi; }
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$out/nginx/nginx.pid" ] && kill "$(cat "$out/nginx/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT
for p in $sim_port $nginx_port $aiwatch_port; do
  if (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "port $p is already in use" >&2; exit 1; fi
done

# nginx as the issue describes it: 2 workers, HTTP/1.1 keep-alive to the upstream, no response buffering.
cat > "$out/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $out/nginx/nginx.pid;
error_log $out/nginx/error.log warn;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path $out/nginx/body;
  proxy_temp_path $out/nginx/proxy;
  upstream sim { server 127.0.0.1:$sim_port; keepalive 1024; }
  server {
    listen 127.0.0.1:$nginx_port backlog=4096;
    location / {
      proxy_pass http://sim;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_read_timeout 600s;
    }
  }
}
CONF

{
  echo "date=$(date -u +%FT%TZ) host=$(hostname) cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java: $(java -version 2>&1 | head -1); nginx: $("$nginx_bin" -v 2>&1); kernel $(uname -r)"
  echo "cpus: proxies=${PROXY_CPUS:-all} simulator=${SIM_CPUS:-all} client=${CLIENT_CPUS:-all}"
  echo "seconds=$seconds levels=$levels rounds=$rounds max_tokens=$max_tokens hold=$hold x $hold_tokens tokens"
  echo "aiwatch proxy JVM flags: ${AIWATCH_JAVA_OPTS:-launcher defaults}"
} | tee "$out/setup.txt"

(pin "${SIM_CPUS:-}" packaging/bin/aiwatch simulate vllm --host 127.0.0.1 --port $sim_port --model sim \
  --max-num-seqs 4096 --kv-capacity-tokens 8388608) > "$out/sim.log" 2>&1 &
pids+=($!)
(pin "${PROXY_CPUS:-}" "$nginx_bin" -p "$out/nginx" -c "$out/nginx/nginx.conf" -g 'daemon off;') > "$out/nginx/stdout.log" 2>&1 &
pids+=($!)
nginx_master=$!
(pin "${PROXY_CPUS:-}" packaging/bin/aiwatch proxy --listen 127.0.0.1:$aiwatch_port \
  --upstream http://127.0.0.1:$sim_port) > "$out/aiwatch-proxy.log" 2>&1 &
pids+=($!)
aiwatch_pid=$!
for _ in $(seq 150); do
  ok=1
  for p in $sim_port $nginx_port $aiwatch_port; do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null || ok=0; done
  [ $ok = 1 ] && break
  sleep 0.2
done
[ $ok = 1 ] || { echo "simulator, nginx or proxy did not start; see $out/*.log" >&2; exit 1; }

# The processes of a proxy: aiwatch's JVM, or nginx's master and workers.
procs() { if [ "$1" = aiwatch ]; then echo "$aiwatch_pid"; else echo "$nginx_master $(pgrep -P "$nginx_master" | tr '\n' ' ')"; fi; }
ticks() { local t=0; for p in $(procs "$1"); do t=$((t + $(awk '{print $14+$15}' "/proc/$p/stat"))); done; echo $t; }
rss_kib() { local r=0; for p in $(procs "$1"); do r=$((r + $(awk '/^VmRSS/{print $2}' "/proc/$p/status"))); done; echo $r; }
hz=$(getconf CLK_TCK)
port_of() { if [ "$1" = aiwatch ]; then echo $aiwatch_port; else echo $nginx_port; fi; }

# run NAME PROXY FILE CMD...: runs CMD (a client) while sampling the proxy's RSS; prints "cpu_s peak_rss_kib"
measure() {
  local proxy=$1 file=$2; shift 2
  local t0 peak=0 r
  t0=$(ticks "$proxy")
  ( pin "${CLIENT_CPUS:-}" "$@" ) > "$file" 2>&1 &
  local c=$!
  while kill -0 $c 2>/dev/null; do
    r=$(rss_kib "$proxy"); [ "$r" -gt "$peak" ] && peak=$r
    sleep 0.5
  done
  wait $c || echo "client exit $?" >> "$file"
  echo "$(awk -v a="$t0" -v b="$(ticks "$proxy")" -v hz="$hz" 'BEGIN{printf "%.2f", (b-a)/hz}') $peak"
}

# Warm both proxies' code paths once (the JIT for aiwatch; nginx has none, it gets the same traffic).
for proxy in nginx aiwatch; do
  java -cp "$cp" io.aiwatch.tool.proxy.ProxyOverheadBench overhead $sim_port "$(port_of $proxy)" 16 5 "$max_tokens" \
    > "$out/raw/warmup-$proxy.txt" 2>&1
done

printf 'level\tround\tproxy\trequests\terrors\tttft_add_p50_ms\tttft_add_p99_ms\tpath_add_p50_ms\tpath_add_p99_ms\tcpu_s\tcpu_ms_per_req\tpeak_rss_kib\tload1\n' > "$out/runs.tsv"
for n in $levels; do
  for r in $(seq "$rounds"); do
    order="nginx aiwatch"; [ $((r % 2)) = 0 ] && order="aiwatch nginx"
    for proxy in $order; do
      f="$out/raw/$n-$r-$proxy.txt"
      read -r cpu peak < <(measure "$proxy" "$f" java -Dbench.warmup=0 -cp "$cp" io.aiwatch.tool.proxy.ProxyOverheadBench \
        overhead $sim_port "$(port_of $proxy)" "$n" "$seconds" "$max_tokens")
      awk -v n="$n" -v r="$r" -v p="$proxy" -v cpu="$cpu" -v peak="$peak" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
        /requests direct=/ { split($3, a, "="); req = a[2]; split($6, e, "="); err = e[2] }
        /^  TTFT ms/ { t50 = $(NF-2); t99 = $NF }
        /^  PATH ms/ { p50 = $(NF-2); p99 = $NF }
        END { printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.4f\t%s\t%s\n", n, r, p, req, err, t50, t99, p50, p99, cpu,
              (req > 0 ? 1000 * cpu / req : 0), peak, load }' "$f" | tee -a "$out/runs.tsv"
    done
  done
done

# Hold phase: HOLD streams open at once through each proxy.
for proxy in nginx aiwatch; do
  read -r cpu peak < <(measure "$proxy" "$out/raw/hold-$proxy.txt" java -cp "$cp" io.aiwatch.tool.proxy.ProxyOverheadBench \
    streams "$(port_of $proxy)" "$hold" "$hold_tokens")
  echo "hold $proxy streams=$hold cpu_s=$cpu peak_rss_kib=$peak $(grep -h 'concurrent streams' "$out/raw/hold-$proxy.txt")" \
    | tee -a "$out/hold.txt"
done
echo "aiwatch proxy threads at the end: $(awk '/^Threads/{print $2}' /proc/$aiwatch_pid/status)" | tee -a "$out/hold.txt"

# Medians over rounds per level and proxy, and aiwatch / nginx ratios (added latency, CPU per request).
awk -F'\t' 'NR > 1 {
    k = $1 SUBSEP $3; n[k]++; v[k, n[k], 1] = $6; v[k, n[k], 2] = $7; v[k, n[k], 3] = $8; v[k, n[k], 4] = $9;
    v[k, n[k], 5] = $11; v[k, n[k], 6] = $12; lv[$1] = 1 }
  function med(k, c,    i, j, m, a, t) { m = n[k]; for (i = 1; i <= m; i++) a[i] = v[k, i, c] + 0;
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
  END {
    printf "%-6s %-8s %12s %12s %12s %12s %14s %12s\n", "level", "proxy", "TTFT+p50 ms", "TTFT+p99 ms", "PATH+p50 ms", "PATH+p99 ms", "CPU ms/req", "peak RSS MiB"
    for (l in lv) for (pi = 1; pi <= 2; pi++) { p = pi == 1 ? "nginx" : "aiwatch"; k = l SUBSEP p; if (!(k in n)) continue
      printf "%-6s %-8s %12.3f %12.3f %12.3f %12.3f %14.4f %12.1f\n", l, p, med(k,1), med(k,2), med(k,3), med(k,4), med(k,5), med(k,6) / 1024 }
    print "ratios aiwatch / nginx (medians; added latency ratios are noisy when nginx adds < 0.1 ms):"
    for (l in lv) { a = l SUBSEP "aiwatch"; g = l SUBSEP "nginx"; if (!(a in n) || !(g in n)) continue
      printf "  level %s: TTFT+ p50 %s p99 %s, PATH+ p50 %s p99 %s, CPU/req %s\n", l,
        r(med(a,1), med(g,1)), r(med(a,2), med(g,2)), r(med(a,3), med(g,3)), r(med(a,4), med(g,4)), r(med(a,5), med(g,5)) }
  }
  function r(x, y) { return y > 0 ? sprintf("%.2fx", x / y) : sprintf("(%+.3f vs %+.3f)", x, y) }' "$out/runs.tsv" \
  | tee "$out/summary.txt"
cat "$out/hold.txt" >> "$out/summary.txt"
echo "load after=$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/summary.txt"
