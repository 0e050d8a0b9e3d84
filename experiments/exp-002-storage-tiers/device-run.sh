#!/usr/bin/env bash
# EXP-002 on the GPU machine, one command (bundle: see prepare-device.sh), from the checkout root:
#   bash .device/loadbench/device-run.sh
# 1. environment: kernel, GPU, filesystems of the work directory and of tmpfs, fio version
# 2. the gpu-tagged test: every read method delivers a synthetic model to GPU memory, checked
# 3. aiwatch bench load on the machine's local disk and on tmpfs, the GPU as destination: pinned
#    host-to-device copy rate measured in the same process, fio's twin beside every run, cold and
#    warm, buffered / O_DIRECT / mmap with 1 and 4 readers, random 4k/64k reads at QD1/QD32
# Results under $OUT (the device tool's folder) or ./device-out: env.txt, gpu-tests.txt, bench.log,
# bench/report.md, bench/report.json. Overrides: LB_SIZE (2g), LB_ITERATIONS (3), LB_DEST (gpu),
# LB_DIR (./.lb-work: on the machine's local disk), LB_TIERS (disk,tmpfs).
set -uo pipefail
out=${OUT:-$PWD/device-out}; mkdir -p "$out"
b=.device/loadbench
if [ -f .device/jre.tgz ] && [ ! -x /tmp/jre/bin/java ]; then tar xzf .device/jre.tgz -C /tmp; fi
[ -x /tmp/jre/bin/java ] && export PATH=/tmp/jre/bin:$PATH
export PATH=$PWD/$b/bin:$PATH
cp=$(ls $b/lib/*.jar | grep -v junit-console | tr '\n' ':')
dir=${LB_DIR:-$PWD/.lb-work}; mkdir -p "$dir"
{
  date -u; uname -a; nproc; free -g
  nvidia-smi --query-gpu=name,driver_version,memory.total,pcie.link.gen.max,pcie.link.width.max --format=csv
  echo "--- work directory $dir"; df -hT "$dir"; stat -f "$dir"
  echo "--- tmpfs"; grep -E ' tmpfs ' /proc/mounts | head -5
  echo "--- /proc/filesystems"; tr '\n' ' ' < /proc/filesystems; echo
  echo "--- block devices"; ls /sys/block 2>&1; head -5 /proc/diskstats 2>&1
  fio --version; java -version 2>&1 | head -1
} > "$out/env.txt" 2>&1
cat "$out/env.txt"
java -jar $b/lib/junit-console.jar execute -cp "$cp" --select-class io.aiwatch.tool.loadbench.GpuDestinationGpuTest \
  --include-tag gpu --details=tree --disable-banner 2>&1 | tee "$out/gpu-tests.txt" | tail -30
java -cp "$cp" io.aiwatch.cli.BenchLoadCommand --dir "$dir" --size "${LB_SIZE:-2g}" --tiers "${LB_TIERS:-disk,tmpfs}" \
  --destination "${LB_DEST:-gpu}" --method buffered,direct,mmap --readers 1,4 --block-size 4m --cache cold,warm \
  --iterations "${LB_ITERATIONS:-3}" --random 4k:1,4k:32,64k:1,64k:32 --random-seconds 2 --warm-seconds 1 \
  --out "$out/bench" > "$out/bench.log" 2>&1
echo "bench load exit $? (0: every configuration met its target)" | tee -a "$out/bench.log"
tail -60 "$out/bench.log"
rm -rf "$dir"
