#!/usr/bin/env bash
# Start-up time to /ready, RSS at ready and 10 s later, and jar size, for each jar given, through the
# launcher (packaging/bin/aiwatch, the daemon's JVM flags), alternating the jars round by round so a
# busy machine hurts them alike. Usage:
#   packaging/scripts/bench-startup.sh ROUNDS JAR...     e.g. 5 target/aiwatch.jar target/aiwatch-node.jar
# Prints one line per start and a median per jar. Results: docs/BENCHMARKS.md ("Node agent jar").
set -euo pipefail
rounds=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
launcher=$here/../bin/aiwatch
now_ms() { date +%s%3N; }
echo "# $(date -u +%FT%TZ) $(nproc) cores; uptime:$(uptime)"
for jar in "$@"; do echo "# $jar: $(stat -c %s "$jar") bytes"; done
declare -A ready_ms rss_ready rss_10s
for ((r = 1; r <= rounds; r++)); do
  for jar in "$@"; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    start=$(now_ms)
    AIWATCH_JAR=$jar "$launcher" daemon --simulate-gpus 1 --listen "127.0.0.1:$port" --log.level warn &
    pid=$!
    until curl -fs -o /dev/null "http://127.0.0.1:$port/ready"; do
      kill -0 $pid 2>/dev/null || { echo "daemon exited" >&2; exit 1; }
      sleep 0.02
    done
    t=$(( $(now_ms) - start ))
    r0=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
    sleep 10
    r10=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
    kill $pid; wait $pid 2>/dev/null || true
    echo "round=$r jar=$(basename "$jar") ready_ms=$t rss_ready_kib=$r0 rss_10s_kib=$r10"
    ready_ms[$jar]+="$t "; rss_ready[$jar]+="$r0 "; rss_10s[$jar]+="$r10 "
  done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for jar in "$@"; do
  echo "median jar=$(basename "$jar") ready_ms=$(echo "${ready_ms[$jar]}" | median)" \
    "rss_ready_kib=$(echo "${rss_ready[$jar]}" | median) rss_10s_kib=$(echo "${rss_10s[$jar]}" | median)"
done
echo "# uptime after:$(uptime)"
