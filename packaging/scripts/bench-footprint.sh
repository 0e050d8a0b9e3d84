#!/usr/bin/env bash
# Resident memory of the daemon however it is started (issue #20 item 1), and under a scrape flood.
# Variants, each a fresh daemon, the same DAEMON_ARGS:
#   plain     `java -jar aiwatch.jar daemon` with AIWATCH_JVM_DEFAULTS=off and MALLOC_ARENA_MAX unset:
#             the JVM's own ergonomics, as a container/systemd user got before this change
#   jar       `java -jar aiwatch.jar daemon`, MALLOC_ARENA_MAX unset: the daemon re-executes itself
#             with its defaults (cli.JvmDefaults)
#   launcher  packaging/bin/aiwatch daemon (the launcher's flags and MALLOC_ARENA_MAX=2)
#   nmt       as jar, plus -XX:NativeMemoryTracking=summary (NMT's report at exit, by JVM area)
# Per variant after SETTLE seconds: VmRSS, RssAnon/RssFile, threads, the largest mappings by RSS;
# then FLOOD seconds of io.aiwatch.bench.ScrapeBenchmark at 50 concurrent keep-alive scrapers:
# peak RSS (VmHWM), RSS after, scrapes answered and refused (503), and the ratio peak / steady.
# Usage: packaging/scripts/bench-footprint.sh [SETTLE=60] [FLOOD=30] [OUT=target/bench-footprint] [VARIANTS="plain jar launcher nmt"]
# Env:   DAEMON_ARGS ("--simulate-gpus 8"; "" reads the real NVML), CORES (-XX:ActiveProcessorCount=N
#        for every variant, to see a many-core host's JVM sizing on a small machine), EXTRA_OPTS (JVM flags
#        added to every variant), JAR, BENCH_CP, JAVA
set -euo pipefail
cd "$(dirname "$0")/../.."
settle=${1:-60}
flood=${2:-30}
out=${3:-target/bench-footprint}
variants=${4:-"plain jar launcher nmt"}
daemon_args=${DAEMON_ARGS---simulate-gpus 8}
jar=${JAR:-target/aiwatch.jar}
cp=${BENCH_CP:-target/test-classes:$jar}
java=${JAVA:-java}
cores_opt="${CORES:+-XX:ActiveProcessorCount=$CORES} ${EXTRA_OPTS:-}"
mkdir -p "$out"
out=$(cd "$out" && pwd)
port=19491
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true' EXIT
kib() { awk -v k="$2:" '$1==k{print $2}' "/proc/$1/status"; }
get() { # URL path on 127.0.0.1:$port -> body; curl where there is one, else HTTP/1.0 over bash's /dev/tcp
  if command -v curl > /dev/null; then curl -sf "http://127.0.0.1:$port$1"; return; fi
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: x\r\n\r\n' "$1" >&3
  local status; read -r _ status _ <&3
  sed '1,/^\r$/d' <&3; exec 3>&-
  [ "$status" = 200 ]
}
{
  echo "date=$(date -u +%FT%TZ) host=$(hostname) cores=$(nproc) mem=$(awk '/MemTotal/{print $2}' /proc/meminfo)KiB load=$(cut -d' ' -f1-3 /proc/loadavg)"
  echo "java: $("$java" -version 2>&1 | head -1); daemon args: '$daemon_args'; CORES=${CORES:-unset}; EXTRA_OPTS='${EXTRA_OPTS:-}'; settle=${settle}s flood=${flood}s"
} | tee "$out/summary.txt"
printf '%-9s %10s %10s %10s %8s %12s %10s %8s %10s %8s\n' variant rss_kib anon_kib file_kib threads flood_hwm_kib after_kib peak/rss scrapes_per_s refused | tee -a "$out/summary.txt"
for v in $variants; do
  log="$out/$v.log"
  port=$((port + 1))
  case $v in
    plain)    env -u MALLOC_ARENA_MAX AIWATCH_JVM_DEFAULTS=off "$java" $cores_opt -jar "$jar" daemon $daemon_args --listen 127.0.0.1:$port > "$log" 2>&1 & ;;
    jar)      env -u MALLOC_ARENA_MAX "$java" $cores_opt -jar "$jar" daemon $daemon_args --listen 127.0.0.1:$port > "$log" 2>&1 & ;;
    launcher) AIWATCH_JAR="$jar" AIWATCH_JAVA_OPTS="-Xms16m -Xmx96m -XX:+UseSerialGC -XX:MaxMetaspaceSize=64m -XX:ReservedCodeCacheSize=32m -XX:MaxDirectMemorySize=32m -Xss512k -XX:+ExitOnOutOfMemoryError $cores_opt" \
                packaging/bin/aiwatch daemon $daemon_args --listen 127.0.0.1:$port > "$log" 2>&1 & ;;
    nmt)      env -u MALLOC_ARENA_MAX "$java" $cores_opt -XX:NativeMemoryTracking=summary -XX:+UnlockDiagnosticVMOptions \
                -XX:+PrintNMTStatistics -jar "$jar" daemon $daemon_args --listen 127.0.0.1:$port > "$log" 2>&1 & ;;
    *) echo "unknown variant $v" >&2; exit 2 ;;
  esac
  pid=$!
  for _ in $(seq 1 120); do get /ready > /dev/null 2>&1 && break; sleep 0.5; done
  sleep "$settle"
  rss=$(kib $pid VmRSS); anon=$(kib $pid RssAnon); file=$(kib $pid RssFile); threads=$(kib $pid Threads)
  tr '\0' ' ' < /proc/$pid/cmdline > "$out/$v.cmdline"; echo >> "$out/$v.cmdline"
  tr '\0' '\n' < /proc/$pid/environ | grep -E '^MALLOC_ARENA_MAX=' >> "$out/$v.cmdline" || echo "MALLOC_ARENA_MAX unset" >> "$out/$v.cmdline"
  # RSS by mapping (path, or [heap]/[anon]/[stack]), largest first
  awk '/^[0-9a-f]+-[0-9a-f]+ /{name=($6==""?"[anon]":$6)} /^Rss:/{r[name]+=$2} END{for(n in r) printf "%10d KiB  %s\n", r[n], n}' \
    /proc/$pid/smaps | sort -rn | head -15 > "$out/$v.smaps-top.txt"
  if [ "$flood" -gt 0 ]; then
    "$java" -cp "$cp" io.aiwatch.bench.ScrapeBenchmark "$flood" 50 "aiwatch=http://127.0.0.1:$port/metrics" > "$out/$v.flood.txt" 2>&1 || true
    sleep 2
  fi
  hwm=$(kib $pid VmHWM); after=$(kib $pid VmRSS)
  refused=$(get /metrics | awk '/^aiwatch_http_scrapes_rejected_total/{print $2}' || true)
  answered=$(awk '/^\| aiwatch/{print $6}' "$out/$v.flood.txt" 2>/dev/null | head -1)
  printf '%-9s %10s %10s %10s %8s %12s %10s %8.2f %10s %8s\n' "$v" "$rss" "$anon" "$file" "$threads" "$hwm" "$after" \
    "$(awk -v a="$hwm" -v b="$rss" 'BEGIN{print a / b}')" "${answered:-?}" "${refused:-?}" | tee -a "$out/summary.txt"
  kill -TERM $pid; wait $pid 2>/dev/null || true; pid=
done
if [ -f "$out/nmt.log" ]; then
  sed -n '/Native Memory Tracking/,$p' "$out/nmt.log" | grep -E '^(Total|-|Native Memory)|\(reserved=' | head -40 > "$out/nmt-summary.txt" || true
fi
echo "load after=$(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/summary.txt"
