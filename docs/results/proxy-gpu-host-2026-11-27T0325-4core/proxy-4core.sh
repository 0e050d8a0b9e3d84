set -u
tar xzf .device/jre.tgz -C /tmp && export PATH=/tmp/jre/bin:$PATH
export AIWATCH_JAR=$PWD/.device/aiwatch.jar BENCH_CP=$PWD/.device/tests.jar:$PWD/.device/aiwatch.jar
SIM_CPUS=0-3 PROXY_CPUS=4-7 CLIENT_CPUS=8-11 bash packaging/scripts/bench-proxy.sh 40 $OUT/p4 "100" > $OUT/p4.log 2>&1
cat $OUT/p4/setup.txt $OUT/p4/summary.txt; grep in-proxy $OUT/p4/streams-100.txt
