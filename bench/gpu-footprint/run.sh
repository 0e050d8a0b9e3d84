#!/usr/bin/env bash
# On the GPU machine (device tool; see prepare.sh), from the repository root:
#   bash .device/footprint/run.sh [all | memory cycle scaling scrape ...]   results under $OUT (or /tmp/footprint-out)
# "all" takes about 8 minutes (the device allows 10 per command); two calls are safer:
#   run.sh memory  (~4 min), then  run.sh cycle scaling scrape  (~4 min)
# memory  (item 1)  NVML's own footprint from C (nvml-probe footprint); the daemon on real NVML started
#                   four ways (plain java -jar with the JVM's ergonomics, java -jar with cli.JvmDefaults,
#                   the launcher, NMT), RSS after 45 s, largest mappings, then a 15 s scrape flood
# cycle   (item 2)  the driver's floor: nvml-probe calls (every call aiwatch makes, median/p99 wall and
#                   thread CPU) and nvml-probe cycle over each collector's per-GPU call list; aiwatch's
#                   cycles (GpuCycleBenchmark, fast/costly/slow beside nvidia-smi); ratios in cycle-ratio.txt
# scaling (item 3)  GpuScalingBench on the fake NVML with the H100 latencies, 1/2/4/8 GPUs (a quiet
#                   16-core machine, unlike the 2-core VM), default and every field
# scrape  (item 5)  scrape latency at 1/10/50 scrapers of the daemon on real NVML (launcher's flags)
# Only reads: no clocks, power limits, modes, persistence, MIG or resets.
set -uo pipefail
D=.device/footprint
OUT=${OUT:-/tmp/footprint-out}
what=${1:-all}
mkdir -p "$OUT"
if [ -f .device/jre.tgz ] && [ ! -x /tmp/jre/bin/java ]; then tar xzf .device/jre.tgz -C /tmp; fi
[ -x /tmp/jre/bin/java ] && export PATH=/tmp/jre/bin:$PATH
export AIWATCH_JAR=$PWD/$D/aiwatch.jar
cp_bench="$D/bench.jar:$D/aiwatch.jar"
{
  date -u +%FT%TZ; uname -a; nproc; free -m; cat /proc/loadavg
  nvidia-smi --query-gpu=name,driver_version,pstate,temperature.gpu,power.draw --format=csv
  java -version 2>&1
} > "$OUT/machine.txt" 2>&1

# The probe and the fake: built here when there is a compiler, else the ones built by prepare.sh.
bin=$D/bin
if command -v gcc > /dev/null || command -v cc > /dev/null; then
  CC=$(command -v gcc || command -v cc) bash $D/c/build-fake-nvml.sh /tmp/footprint-bin > "$OUT/build.txt" 2>&1 && bin=/tmp/footprint-bin
fi
echo "probe and fake from $bin" >> "$OUT/machine.txt"
probe="$bin/nvml-probe ${NVML_LIB:+-l $NVML_LIB}" # NVML_LIB: another library (dry run on the fake)
nvml_prop=${NVML_LIB:+-Dbench.nvml=$NVML_LIB}

memory() {
  $probe footprint > "$OUT/nvml-footprint.txt" 2>&1
  DAEMON_ARGS="" JAR=$D/aiwatch.jar BENCH_CP=$cp_bench bash $D/bench-footprint.sh 40 12 "$OUT/footprint" \
    > "$OUT/footprint.console" 2>&1
}

cycle() {
  $probe calls 300 > "$OUT/floor-calls.txt" 2>&1
  for f in fast-default costly-default fast-all costly-all; do
    echo "== $f" >> "$OUT/floor-cycles.txt"
    $probe cycle $D/calls/$f.calls 100 50 >> "$OUT/floor-cycles.txt" 2>&1
  done
  java $nvml_prop -cp "$cp_bench" io.aiwatch.bench.GpuCycleBenchmark 60 > "$OUT/cycle.txt" 2>&1
  echo "benchmark exit $?" >> "$OUT/cycle.txt"
  # aiwatch's CPU per cycle over the driver's floor for the same calls (mean thread CPU both)
  awk '
    /^== /{set=$2}
    /^cpu_us_per_cycle/{split($2,a,"="); floor[set]=a[2]/1000}
    /^\| aiwatch fast cycle, default/{cpu["fast-default"]=$(NF-1)}
    /^\| aiwatch costly cycle.*default/{cpu["costly-default"]=$(NF-1)}
    /^\| aiwatch fast cycle, every/{cpu["fast-all"]=$(NF-1)}
    /^\| aiwatch costly cycle.*every/{cpu["costly-all"]=$(NF-1)}
    END{
      printf "%-16s %14s %14s %8s\n", "cycle", "aiwatch CPU ms", "floor CPU ms", "ratio"
      n=split("fast-default costly-default fast-all costly-all", k, " ")
      for(i=1;i<=n;i++) if (floor[k[i]]>0) printf "%-16s %14.3f %14.3f %8.2f\n", k[i], cpu[k[i]], floor[k[i]], cpu[k[i]]/floor[k[i]]
      for(s=0;s<2;s++){ set=(s==0?"default":"all"); x=cpu["fast-" set]+cpu["costly-" set]; y=floor["fast-" set]+floor["costly-" set]
        if (y>0) printf "%-16s %14.3f %14.3f %8.2f\n", "both-" set, x, y, x/y }
    }' "$OUT/floor-cycles.txt" "$OUT/cycle.txt" > "$OUT/cycle-ratio.txt"
}

scaling() {
  # the daemon's JIT (C1 only, the launcher's default since issue #20) beside C2, default fields; then every field
  for run in "c1 default -XX:TieredStopAtLevel=1" "c2 default -XX:+TieredCompilation" "c1 all -XX:TieredStopAtLevel=1"; do
    set -- $run
    java -Xmx96m -XX:+UseSerialGC $3 -cp "$cp_bench" io.aiwatch.bench.GpuScalingBench 8 1,2,4,8 $2 \
      "$bin/libnvidia-ml.so.1" > "$OUT/scaling-$2-$1.txt" 2>&1
  done
}

scrape() {
  packaging/bin/aiwatch daemon --listen 127.0.0.1:19481 > "$OUT/scrape-daemon.log" 2>&1 &
  local pid=$!
  sleep 10
  java -cp "$cp_bench" io.aiwatch.bench.ScrapeBenchmark 10 1,10,50 aiwatch=http://127.0.0.1:19481/metrics \
    > "$OUT/scrape.txt" 2>&1
  grep -E '^(VmRSS|VmHWM|Threads)' /proc/$pid/status >> "$OUT/scrape.txt"
  kill $pid; wait $pid 2>/dev/null
}

[ "$what" = all ] && set -- memory cycle scaling scrape
for part in "$@"; do
  case $part in
    memory|cycle|scaling|scrape) echo "$(date -u +%T) $part" >> "$OUT/machine.txt"; $part ;;
    *) echo "usage: run.sh [all | memory cycle scaling scrape ...]" >&2; exit 2 ;;
  esac
done
cat /proc/loadavg >> "$OUT/machine.txt"
ls -la "$OUT"
