#!/usr/bin/env bash
# Resident memory and CPU of the daemon (8 simulated GPUs, launcher's default JVM flags) after
# DURATION seconds of being scraped every second by a real Prometheus, beside node_exporter
# (its default collectors) measured in the same run. Usage: bench-memory.sh [DURATION] [OUTDIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
duration=${1:-600}
out=${2:-$(mktemp -d)}
mkdir -p "$out"
port_a=19471; port_n=19472; port_p=19473
"$root/packaging/bin/aiwatch" daemon --simulate-gpus 8 --listen 127.0.0.1:$port_a > "$out/aiwatch.log" 2>&1 &
pid_a=$!
/usr/bin/prometheus-node-exporter --web.listen-address=127.0.0.1:$port_n > "$out/node_exporter.log" 2>&1 &
pid_n=$!
cat > "$out/prometheus.yml" <<YML
global: {scrape_interval: 1s, scrape_timeout: 1s}
scrape_configs:
  - {job_name: aiwatch, static_configs: [{targets: ['127.0.0.1:$port_a']}]}
  - {job_name: node, static_configs: [{targets: ['127.0.0.1:$port_n']}]}
YML
/usr/bin/prometheus --config.file="$out/prometheus.yml" --storage.tsdb.path="$out/tsdb" \
  --web.listen-address=127.0.0.1:$port_p > "$out/prometheus.log" 2>&1 &
pid_p=$!
trap 'kill $pid_a $pid_n $pid_p 2>/dev/null || true' EXIT
sleep "$duration"
ticks=$(getconf CLK_TCK)
report() { # name pid
  local rss hwm cpu
  rss=$(awk '/VmRSS/{print $2}' /proc/$2/status)
  hwm=$(awk '/VmHWM/{print $2}' /proc/$2/status)
  cpu=$(awk -v t="$ticks" '{printf "%.2f", ($14+$15)/t}' /proc/$2/stat)
  echo "$1 rss_kib=$rss hwm_kib=$hwm cpu_seconds=$cpu"
}
{
  echo "date=$(date -u +%FT%TZ) duration_s=$duration host=$(hostname) cores=$(nproc) java=$(java -version 2>&1 | head -1)"
  report aiwatch $pid_a
  report node_exporter $pid_n
  curl -s "http://127.0.0.1:$port_p/api/v1/query?query=up" | head -c 400; echo
  curl -s "http://127.0.0.1:$port_a/metrics" | grep -E '^aiwatch_collector_(runs_total|duration_seconds|cpu_seconds_total)' || true
} | tee "$out/result.txt"
