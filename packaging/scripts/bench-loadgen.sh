#!/usr/bin/env bash
# Load generator benchmark (issue #5, docs/BENCHMARKS.md section 5): on one machine, against the
# simulator, with client and server sharing the CPUs.
#   A. 2,000 req/s Poisson, non-streaming, simulator in fast mode (--speed 1000)
#   B. ~1,000 concurrent streams: 500 req/s of 20-token streams, one engine step per ~100 ms
#   C. hey beside loadgen on the fast simulator, closed loop, 64 concurrent, alternating
# Each server is warmed up (JIT) with an unmeasured run first; every measured run is printed.
# Usage: packaging/scripts/bench-loadgen.sh [ITERATIONS=3] [OUT_DIR=target/bench-loadgen]
# Needs: a built target/aiwatch.jar, hey (Debian package) for part C. Pin with taskset if wanted:
#   taskset -c 0,1 packaging/scripts/bench-loadgen.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
iterations=${1:-3}
out=${2:-target/bench-loadgen}
mkdir -p "$out"
aiwatch=packaging/bin/aiwatch
port=18790
sim_pid=
cleanup() { [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true; }
trap cleanup EXIT

start_sim() {
  cleanup
  "$aiwatch" simulate vllm --host 127.0.0.1 --port $port --model sim --max-num-seqs 4096 \
    --kv-capacity-tokens 10000000 --max-num-batched-tokens 1000000 --http-threads 3000 "$@" >"$out/sim.log" 2>&1 &
  sim_pid=$!
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && return; sleep 0.2; done
  echo "simulator did not start, see $out/sim.log" >&2; exit 1
}

summary() { # file -> one line of the fields that matter here
  grep -E "Achieved send rate|Scheduled request rate|Peak concurrent|Schedule lag p99|Schedule lag max|Failed requests|Median ITL|WARNING" "$1" \
    | sed -E 's/ {2,}/ /g' | tr '\n' ';'
  echo
}

{
  echo "date=$(date -u +%FT%TZ) host=$(hostname) cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java: $(java -version 2>&1 | head -1); kernel $(uname -r); affinity $(taskset -pc $$ 2>/dev/null | sed 's/.*: //')"
} | tee "$out/setup.txt"

lg_nonstream=(loadgen --base-url "http://127.0.0.1:$port" --model sim --no-stream --request-rate 2000 --burstiness 1
  --random-input-len 16 --random-output-len 4 --percentile-metrics e2el,schedule_lag --no-progress)
start_sim --speed 1000
"$aiwatch" "${lg_nonstream[@]}" --duration 20 --warmup-seconds 0 >"$out/A-warmup.txt" 2>&1
for i in $(seq "$iterations"); do
  "$aiwatch" "${lg_nonstream[@]}" --duration 20 --warmup-seconds 5 >"$out/A-$i.txt" 2>&1
  echo "A run $i: $(summary "$out/A-$i.txt")" | tee -a "$out/summary.txt"
done

lg_stream=(loadgen --base-url "http://127.0.0.1:$port" --model sim --request-rate 500 --burstiness inf
  --random-input-len 16 --random-output-len 20 --percentile-metrics ttft,itl,e2el,schedule_lag --no-progress)
start_sim --speed 1 --decode-step-base-ms 90 --decode-step-per-seq-ms 0.01 --prefill-tokens-per-second 10000000
"$aiwatch" "${lg_stream[@]}" --duration 15 --warmup-seconds 0 >"$out/B-warmup.txt" 2>&1
for i in $(seq "$iterations"); do
  "$aiwatch" "${lg_stream[@]}" --duration 25 --warmup-seconds 5 >"$out/B-$i.txt" 2>&1
  echo "B run $i: $(summary "$out/B-$i.txt")" | tee -a "$out/summary.txt"
done

if command -v hey >/dev/null; then
  start_sim --speed 1000
  echo '{"model":"sim","prompt":"hello world how are you doing today friend","max_tokens":4}' >"$out/body.json"
  hey -n 20000 -c 64 -m POST -T application/json -D "$out/body.json" "http://127.0.0.1:$port/v1/completions" >/dev/null
  for i in $(seq "$iterations"); do
    h=$(hey -n 30000 -c 64 -m POST -T application/json -D "$out/body.json" "http://127.0.0.1:$port/v1/completions" \
      | awk '/Requests\/sec/ {print $2}')
    l=$("$aiwatch" loadgen --base-url "http://127.0.0.1:$port" --model sim --no-stream --request-rate inf --max-concurrency 64 \
      --num-prompts 30000 --random-input-len 9 --random-output-len 4 --no-progress 2>&1 | awk '/Request throughput/ {print $4}')
    echo "C run $i: hey $h req/s, loadgen $l req/s, ratio loadgen/hey $(awk -v a="$l" -v b="$h" 'BEGIN {printf "%.2f", a/b}')" \
      | tee -a "$out/summary.txt"
  done
else
  echo "C skipped: hey is not installed (apt-get install hey)" | tee -a "$out/summary.txt"
fi
