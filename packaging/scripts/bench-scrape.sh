#!/usr/bin/env bash
# Scrape latency of the daemon (8 simulated GPUs, launcher's default JVM flags) at 1, 10 and 50
# concurrent scrapers, beside node_exporter (default collectors) in the same run.
# Usage: bench-scrape.sh [SECONDS_PER_LEVEL]   (run after ./mvnw package)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-10}
"$root/packaging/bin/aiwatch" daemon --simulate-gpus 8 --listen 127.0.0.1:19481 > /tmp/bench-scrape-aiwatch.log 2>&1 &
pid_a=$!
/usr/bin/prometheus-node-exporter --web.listen-address=127.0.0.1:19482 > /tmp/bench-scrape-node.log 2>&1 &
pid_n=$!
trap 'kill $pid_a $pid_n 2>/dev/null || true' EXIT
for i in $(seq 1 60); do curl -sf http://127.0.0.1:19481/ready >/dev/null && break; sleep 0.5; done
echo "date=$(date -u +%FT%TZ) host=$(hostname) cores=$(nproc) load=$(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$root/target/aiwatch.jar:$root/target/test-classes" io.aiwatch.bench.ScrapeBenchmark "$secs" 1,10,50 \
  aiwatch=http://127.0.0.1:19481/metrics node_exporter=http://127.0.0.1:19482/metrics
echo "load after=$(cut -d' ' -f1-3 /proc/loadavg)"
