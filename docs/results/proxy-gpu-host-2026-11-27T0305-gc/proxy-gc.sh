set -u
tar xzf .device/jre.tgz -C /tmp && export PATH=/tmp/jre/bin:$PATH
J=$PWD/.device/aiwatch.jar; CP=$PWD/.device/tests.jar:$J
echo "date=$(date -u +%FT%TZ) cores=$(nproc) load=$(cat /proc/loadavg)" > $OUT/setup.txt
taskset -c 0-3 java -Xmx1g -jar $J simulate vllm --host 127.0.0.1 --port 18770 --model sim --max-num-seqs 1024 --kv-capacity-tokens 1048576 > /tmp/sim.log 2>&1 &
port=18771
for gc in ZGC G1GC SerialGC; do
  taskset -c 4,5 java -Xmx1g -XX:+Use$gc -Xlog:gc:file=$OUT/gc-$gc.log -jar $J proxy --listen 127.0.0.1:$port --upstream http://127.0.0.1:18770 > /tmp/p$gc.log 2>&1 &
  port=$((port+1))
done
sleep 6
run() { echo "== $1 proxy, 100 streams"; taskset -c 6-9 java -cp $CP io.aiwatch.inference.proxy.ProxyOverheadBench overhead 18770 $2 100 40 8 | grep -E "TTFT|PATH|in-proxy"; }
{ for i in 1 2; do run ZGC 18771; run G1 18772; run Serial 18773; done; } > $OUT/gc.txt 2>&1
cat $OUT/gc.txt; for f in $OUT/gc-*.log; do echo "$f pauses=$(grep -c Pause $f)"; done
