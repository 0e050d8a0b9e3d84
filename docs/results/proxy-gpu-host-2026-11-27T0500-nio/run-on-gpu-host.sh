set -u
tar xzf .device/jre.tgz -C /tmp && export PATH=/tmp/jre/bin:$PATH
export AIWATCH_JAR=$PWD/.device/aiwatch.jar BENCH_CP=$PWD/.device/tests.jar:$PWD/.device/aiwatch.jar
date -u; cat /proc/loadavg
export SIM_CPUS=0-3 PROXY_CPUS=4-5 CLIENT_CPUS=6-9
OLD=PROXY_CLASSES_FIRST=$PWD/.device/old-proxy-classes.jar
run() { local name=$1 streams=$2; shift 2; echo "### $name" >> $OUT/all.txt; env "$@" timeout 200 bash packaging/scripts/bench-proxy.sh 30 $OUT/$name "$streams" > $OUT/$name.log 2>&1; cat $OUT/$name/summary.txt >> $OUT/all.txt; }
run final "1 100 500" X=1
run final-old-100 100 $OLD
run final-new-100 100 X=1
for d in final final-old-100 final-new-100; do grep -il "terminat\|exception" $OUT/$d/proxy.log && tail -3 $OUT/$d/proxy.log; done
find $OUT -name "sim.log" -delete; find $OUT -name "proxy.log" -delete; rm -f $OUT/final-old-100/setup.txt $OUT/final-new-100/setup.txt $OUT/*.log; date -u; cat $OUT/all.txt
