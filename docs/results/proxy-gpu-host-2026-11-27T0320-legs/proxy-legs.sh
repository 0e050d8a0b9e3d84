set -u
tar xzf .device/jre.tgz -C /tmp && export PATH=/tmp/jre/bin:$PATH
export AIWATCH_JAR=$PWD/.device/aiwatch.jar BENCH_CP=$PWD/.device/tests.jar:$PWD/.device/aiwatch.jar
SIM_CPUS=0-3 PROXY_CPUS=4-5 CLIENT_CPUS=6-9 bash packaging/scripts/bench-proxy.sh 40 $OUT/legs "100 100" > $OUT/legs.log 2>&1
grep -hE "==|TTFT|PATH|IN  |OUT |in-proxy" $OUT/legs/streams-100.txt; cat $OUT/legs/summary.txt
