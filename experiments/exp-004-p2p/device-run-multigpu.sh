#!/usr/bin/env bash
# Issue #21 in ONE call on a machine with 2-8 GPUs (nvidia-h100-x2/x4/x8), from the checkout root with
# .device/ prepared by experiments/exp-004-p2p/prepare-device.sh:
#   bash .device/cuda/device-run-multigpu.sh [SECONDS_OF_TRAFFIC]
# 1. NVLink metrics: the daemon on real NVML beside `nvidia-smi nvlink` / `topo -m`, scraped every second
#    while the p2p benchmark makes traffic; check_nvlink.py compares topology and counters.
# 2. Peer-to-peer: `aiwatch bench p2p` with the PyTorch peer in the same call (ratios), then EXP-004 --quick.
# 3. Collection on all GPUs: cycle wall/CPU (GpuCycleBenchmark), scrape p50/p99 at 1 and 10 scrapers,
#    daemon RSS, every GPU's sample age.
# Everything lands in $OUT/multigpu.tgz. Read-only towards the GPUs: no clocks, power limits, modes or
# resets; NVLink multicast stays off (NCCL_NVLS_ENABLE=0; the Java side never creates multicast objects).
set -uo pipefail
export NCCL_NVLS_ENABLE=0
secs=${1:-60}
out=${OUT:-$PWD/device-out}
work=$(mktemp -d)/multigpu; mkdir -p "$work"
b=.device/cuda
if [ ! -x /tmp/jre/bin/java ]; then tar xzf .device/jre.tgz -C /tmp; fi
export PATH=/tmp/jre/bin:$PATH
cp=$(ls $b/lib/*.jar | grep -v junit-console | tr '\n' ':')
export AIWATCH_CUDA_CP=$cp
port=19400
fetch() { # path -> stdout (HTTP/1.0 over /dev/tcp; no curl needed)
  exec 3<>/dev/tcp/127.0.0.1/$port && printf 'GET %s HTTP/1.0\r\nHost: x\r\n\r\n' "$1" >&3 && cat <&3; exec 3>&-
}
{ date -u +%FT%TZ; uname -r; nproc; env | grep -E '^(NCCL_|CUDA_)' | sort
  nvidia-smi -L; nvidia-smi --query-gpu=index,name,driver_version,pci.bus_id,power.limit --format=csv
  python3 -c 'import torch; print("torch", torch.__version__, "gpus", torch.cuda.device_count())'; java -version 2>&1 | head -1
} > "$work/env.txt" 2>&1
ngpu=$(nvidia-smi -L | grep -c '^GPU')
echo "GPUs: $ngpu" | tee -a "$work/env.txt"
nvidia-smi topo -m > "$work/topo-m.txt" 2>&1
nvidia-smi nvlink -s > "$work/nvlink-status.txt" 2>&1
nvidia-smi nvlink -R > "$work/nvlink-remote.txt" 2>&1

# --- 1. daemon on real NVML, scraped every second while traffic flows ---------------------------------
java -cp "$cp" io.aiwatch.cli.Main daemon --listen 127.0.0.1:$port > "$work/daemon.log" 2>&1 &
dpid=$!
for i in $(seq 1 60); do fetch /ready 2>/dev/null | grep -q '"ready":true' && break; sleep 0.5; done
fetch / > "$work/status-page.html"
fetch /metrics > "$work/metrics-before.prom"
nvidia-smi nvlink -gt d > "$work/nvlink-counters-before.txt" 2>&1
( while kill -0 $dpid 2>/dev/null; do
    echo "# $(date +%s.%N)"; fetch /metrics | grep -E '^(DCGM_FI_DEV_NVLINK|DCGM_FI_PROF_NVLINK|aiwatch_gpu_nvlink|aiwatch_collector_)'
    sleep 1; done ) > "$work/metrics-during.prom" 2>&1 &
spid=$!
nvidia-smi --query-gpu=timestamp,index,power.draw,temperature.gpu,clocks.sm,utilization.gpu --format=csv,nounits -lms 1000 \
  > "$work/smi-during.csv" 2>&1 &
smi=$!
t0=$(date +%s)
# traffic: the p2p benchmark (256 MiB, 20 repeats) in a loop for $secs
while [ $(( $(date +%s) - t0 )) -lt "$secs" ]; do
  java -cp "$cp" io.aiwatch.cli.BenchP2pCommand --size-mib 256 --repeats 20 --out "$work/traffic" >> "$work/traffic.log" 2>&1 || break
done
nvidia-smi nvlink -gt d > "$work/nvlink-counters-after.txt" 2>&1
fetch /metrics > "$work/metrics-after.prom"
fetch / > "$work/status-page-after.html"
kill $spid $smi 2>/dev/null
python3 $b/check_nvlink.py "$work" > "$work/check-nvlink.txt" 2>&1; echo "check_nvlink exit $?" >> "$work/check-nvlink.txt"
cat "$work/check-nvlink.txt"

# --- 3. collection on all GPUs (daemon still running, idle GPUs) --------------------------------------
java -cp "$cp" io.aiwatch.bench.ScrapeBenchmark 10 1,10 aiwatch=http://127.0.0.1:$port/metrics > "$work/scrape.txt" 2>&1
grep -E '^(VmRSS|VmHWM)' /proc/$dpid/status > "$work/rss.txt"
fetch /metrics | grep -E '^aiwatch_collector_(duration_seconds|cpu_seconds_total|runs_total|snapshot_age_seconds)' > "$work/collector-cost.prom"
kill $dpid; wait $dpid 2>/dev/null
java -cp "$cp" io.aiwatch.bench.GpuCycleBenchmark 40 > "$work/cycle.txt" 2>&1; echo "exit $?" >> "$work/cycle.txt"

# --- 2. p2p benchmark beside PyTorch, then EXP-004 quick on the runner ---------------------------------
java -cp "$cp" io.aiwatch.cli.BenchP2pCommand --size-mib 256 --repeats 20 --python python3 --out "$work/p2p" \
  > "$work/p2p.txt" 2>&1; echo "exit $?" >> "$work/p2p.txt"
cat "$work/p2p.txt"
java -cp "$cp" io.aiwatch.cli.Main experiment run $b/spec.yaml --quick --out "$work/exp-004" > "$work/exp-004.txt" 2>&1
echo "exit $?" >> "$work/exp-004.txt"
nvidia-smi -q -d ECC,PAGE_RETIREMENT,ROW_REMAPPER | grep -iE 'volatile|pending|uncorr' | sort | uniq -c > "$work/health-after.txt"
mkdir -p "$out" && tar czf "$out/multigpu.tgz" -C "$(dirname "$work")" multigpu
ls -la "$out"
