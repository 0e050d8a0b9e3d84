#!/usr/bin/env bash
# Measuring-proxy overhead benchmark (issue #4, docs/BENCHMARKS.md section 4): time to first token
# and inter-token latency through `aiwatch proxy` beside direct requests to the same simulator, in
# the same run (ProxyOverheadBench interleaves them per client thread, after a warm-up of both).
# Usage: packaging/scripts/bench-proxy.sh [SECONDS=30] [OUT_DIR=target/bench-proxy] [STREAMS="1 100 500"]
# Env: SIM_CPUS, PROXY_CPUS, CLIENT_CPUS  taskset CPU lists (unset: no pinning)
#      MAX_TOKENS  output tokens per request (default 8)
#      PROXY_ARGS  extra `aiwatch proxy` options, e.g. "--forward-threads 1"
#      PROXY_CLASSES_FIRST  a jar put before aiwatch.jar on the proxy's classpath (A/B against other proxy code)
#      BENCH_CP  classpath holding the test classes (default target/test-classes:target/aiwatch.jar)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-30}
out=${2:-target/bench-proxy}
streams=${3:-"1 100 500"}
max_tokens=${MAX_TOKENS:-8}
mkdir -p "$out"
aiwatch=packaging/bin/aiwatch
cp=${BENCH_CP:-target/test-classes:target/aiwatch.jar}
# exec: a background `pin ... &` is then the java process itself, so the EXIT trap's kill reaches it
pin() { local cpus=$1; shift; if [ -n "$cpus" ]; then exec taskset -c "$cpus" "$@"; else exec "$@"; fi; }
sim_port=18770
proxy_port=18771
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

{
  echo "date=$(date -u +%FT%TZ) host=$(hostname) cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java: $(java -version 2>&1 | head -1); kernel $(uname -r)"
  echo "cpus: simulator=${SIM_CPUS:-all} proxy=${PROXY_CPUS:-all} client=${CLIENT_CPUS:-all}; proxy args: ${PROXY_ARGS:-none}; jar: ${AIWATCH_JAR:-target/aiwatch.jar}; proxy classes first: ${PROXY_CLASSES_FIRST:-none}"
} | tee "$out/setup.txt"

for p in $sim_port $proxy_port; do
  if (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "port $p is already in use" >&2; exit 1; fi
done
(pin "${SIM_CPUS:-}" "$aiwatch" simulate vllm --host 127.0.0.1 --port $sim_port --model sim --max-num-seqs 1024 \
  --kv-capacity-tokens 1048576) >"$out/sim.log" 2>&1 &
pids+=($!)
proxy_cmd=("$aiwatch" proxy)
if [ -n "${PROXY_CLASSES_FIRST:-}" ]; then # the launcher's proxy flags, with the overlay first on the classpath
  proxy_cmd=(java -Xmx1g -XX:+UseZGC -XX:+ExitOnOutOfMemoryError -cp "$PROXY_CLASSES_FIRST:${AIWATCH_JAR:-target/aiwatch.jar}" io.aiwatch.cli.Main proxy)
fi
(pin "${PROXY_CPUS:-}" "${proxy_cmd[@]}" --listen 127.0.0.1:$proxy_port --upstream http://127.0.0.1:$sim_port ${PROXY_ARGS:-}) >"$out/proxy.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  (exec 3<>/dev/tcp/127.0.0.1/$sim_port) 2>/dev/null && (exec 3<>/dev/tcp/127.0.0.1/$proxy_port) 2>/dev/null && break
  sleep 0.2
done

for n in $streams; do
  echo "== $n streams, $seconds s, max_tokens $max_tokens" | tee -a "$out/summary.txt"
  (pin "${CLIENT_CPUS:-}" java -cp "$cp" io.aiwatch.tool.proxy.ProxyOverheadBench overhead $sim_port $proxy_port "$n" "$seconds" "$max_tokens") \
    | tee "$out/streams-$n.txt" | grep -E "requests|TTFT|PATH|IN  |OUT |ITL" | tee -a "$out/summary.txt"
done
