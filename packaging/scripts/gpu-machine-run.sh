#!/usr/bin/env bash
# Runs on a GPU machine without Java or Maven (the device tool's H100): unpacks the travelling
# JRE, then (1) the NVML field probe with plausibility checks, (2) the gpu-tagged JUnit tests,
# (3) the collection-cost benchmark beside nvidia-smi, (4) the daemon on real NVML, scraped.
# Results go to $OUT. Prepare .device/ with packaging/scripts/gpu-machine-prepare.sh.
# It never changes GPU settings (no clocks, power limits, modes or resets).
set -uo pipefail
D=${D:-.device}
OUT=${OUT:-/tmp/aiwatch-gpu-out}
mkdir -p "$OUT"
tar xzf "$D/jre.tgz" -C /tmp && export PATH=/tmp/jre/bin:$PATH
{ date -u +%FT%TZ; uname -a; nvidia-smi; nvidia-smi --query-gpu=name,driver_version,vbios_version,pstate,temperature.gpu,power.draw,power.limit --format=csv; java -version 2>&1; } > "$OUT/machine.txt" 2>&1

java -cp "$D/aiwatch.jar" io.aiwatch.source.gpu.nvml.NvmlProbe --check --out "$OUT/fields.tsv" > /dev/null 2> "$OUT/probe.txt"
echo "probe exit $?" >> "$OUT/probe.txt"

java -jar "$D/junit.jar" execute --class-path "$D/aiwatch.jar:$D/tests.jar:$D/assertj.jar" \
  --include-tag gpu --select-package io.aiwatch --details=tree --disable-banner > "$OUT/gpu-tests.txt" 2>&1
echo "junit exit $?" >> "$OUT/gpu-tests.txt"

java -cp "$D/aiwatch.jar:$D/tests.jar" io.aiwatch.bench.GpuCycleBenchmark 40 > "$OUT/cycle.txt" 2>&1
echo "benchmark exit $?" >> "$OUT/cycle.txt"

fetch() { # path -> stdout, HTTP/1.0 over bash's /dev/tcp (no curl needed)
  exec 3<>/dev/tcp/127.0.0.1/19400 && printf 'GET %s HTTP/1.0\r\nHost: x\r\n\r\n' "$1" >&3 && cat <&3; exec 3>&-
}
java -jar "$D/aiwatch.jar" daemon --listen 127.0.0.1:19400 > "$OUT/daemon.log" 2>&1 &
pid=$!
sleep 8
fetch /metrics > "$OUT/metrics-h100.prom"
{ echo "--- /ready"; fetch /ready; echo; echo "--- / (status page)"; fetch /; } > "$OUT/http.txt"
kill $pid; wait $pid 2>/dev/null
ls -la "$OUT"
