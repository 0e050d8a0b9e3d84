set -u
tar xzf .device/jre.tgz -C /tmp && export PATH=/tmp/jre/bin:$PATH
J=$PWD/.device/aiwatch.jar; CP=$PWD/.device/tests.jar:$J
OPTS="-Xmx1g -XX:+UseZGC -XX:+ExitOnOutOfMemoryError"
echo "date=$(date -u +%FT%TZ) cores=$(nproc) load=$(cat /proc/loadavg)" > $OUT/setup.txt
taskset -c 0-3 java -Xmx1g -jar $J simulate vllm --host 127.0.0.1 --port 18770 --model sim --max-num-seqs 1024 --kv-capacity-tokens 1048576 > /tmp/sim.log 2>&1 &
taskset -c 4,5 java $OPTS -jar $J proxy --listen 127.0.0.1:18771 --upstream http://127.0.0.1:18770 > /tmp/pnew.log 2>&1 &
taskset -c 4,5 java $OPTS -cp $PWD/.device/old-proxy.jar:$J io.aiwatch.cli.Main proxy --listen 127.0.0.1:18781 --upstream http://127.0.0.1:18770 > /tmp/pold.log 2>&1 &
sleep 6
run() { echo "== $1 proxy, $2 streams"; taskset -c 6-9 java -cp $CP io.aiwatch.inference.proxy.ProxyOverheadBench overhead 18770 $3 $2 40 8 | grep -E "requests|TTFT|PATH|ITL|in-proxy"; }
{ run plain-jetty 100 18771; run javalin 100 18781; run plain-jetty 100 18771; run javalin 100 18781; run plain-jetty 1 18771; run plain-jetty 500 18771; } > $OUT/ab.txt 2>&1
cat $OUT/ab.txt
