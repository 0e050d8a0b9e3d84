#!/usr/bin/env bash
# EXP-003: p50/p95/p99 latency under increasing load, with the GPU state recorded beside it.
#
# Hypothesis: TTFT grows slowly until the engine's batch or KV cache saturates, then sharply;
# ITL grows with batch size throughout. Method: an open-loop Poisson rate sweep with aiwatch loadgen
# (warm-up excluded), one result file per rate, while the daemon records GPU temperature, power and
# clocks; the environment (daemon /metrics before and after, versions) is saved with the results.
#
# Usage: run.sh [BASE_URL] [MODEL] [RATES] [SECONDS_PER_RATE]
#   Without BASE_URL it starts the daemon with simulated GPUs and the vLLM simulator (a demo of the
#   method; simulated numbers are not hardware results). Results go to results/<timestamp>/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
jar=${AIWATCH_JAR:-$root/target/aiwatch.jar}
base_url=${1:-}
model=${2:-sim-llama-3.1-8b}
rates=${3:-2,4,8,16}
seconds=${4:-30}
out="$here/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
daemon_port=${DAEMON_PORT:-19900}
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
if [ -z "$base_url" ]; then
  java -jar "$jar" daemon --simulate-gpus 1 --simulate-vllm 19901 --listen 127.0.0.1:$daemon_port > "$out/daemon.log" 2>&1 &
  pids+=($!)
  base_url=http://127.0.0.1:19901
  for i in $(seq 1 60); do curl -sf "http://127.0.0.1:$daemon_port/ready" >/dev/null && break; sleep 0.5; done
fi
{
  echo "date: $(date -u +%FT%TZ)"; echo "host: $(hostname)"; echo "cores: $(nproc)"
  echo "java: $(java -version 2>&1 | head -1)"; echo "aiwatch: $(java -jar "$jar" --version)"
  echo "base_url: $base_url"; echo "model: $model"; echo "rates: $rates"; echo "seconds_per_rate: $seconds"
  command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,vbios_version,temperature.gpu,power.draw --format=csv
} > "$out/environment.txt" 2>&1
curl -s "http://127.0.0.1:$daemon_port/metrics" > "$out/metrics-before.prom" || true
java -jar "$jar" loadgen --base-url "$base_url" --model "$model" --dataset-name random \
  --random-input-len 512 --random-output-len 128 --request-rate "$rates" --duration "$seconds" \
  --warmup-seconds 5 --seed 3 --save-result --result-dir "$out" --label exp003 \
  --html-report "$out/report.html" --no-progress | tee "$out/summary.txt"
curl -s "http://127.0.0.1:$daemon_port/metrics" > "$out/metrics-after.prom" || true
echo "results in $out"
