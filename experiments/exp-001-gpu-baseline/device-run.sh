#!/usr/bin/env bash
# Runs on the GPU machine from the checkout root (the bundle is .device/cuda, see prepare-device.sh):
#   bash .device/cuda/device-run.sh MODE [bench args...]
# MODE: check  - PTX re-check with the nvcc there, gpu-tagged tests, a short bench with the PyTorch peer
#       bench  - aiwatch bench gpu with the given arguments
#       exp    - EXP-001 on the experiment runner (bundle from prepare-device.sh --full), e.g. exp --quick
# Results go to $OUT (the device tool's folder) or ./device-out.
set -uo pipefail
mode=${1:-check}; shift || true
out=${OUT:-$PWD/device-out}; mkdir -p "$out"
b=.device/cuda
if [ ! -x /tmp/jre/bin/java ]; then tar xzf .device/jre.tgz -C /tmp; fi
export PATH=/tmp/jre/bin:$PATH
cp=$(ls $b/lib/*.jar | grep -v junit-console | tr '\n' ':')
export AIWATCH_CUDA_CP=$cp
{ date -u; uname -r; nvidia-smi --query-gpu=name,driver_version,memory.total,power.limit,clocks.max.sm,temperature.gpu --format=csv; nvcc --version | tail -2; python3 -c 'import torch; print("torch", torch.__version__)'; java -version 2>&1 | head -1; } > "$out/env.txt" 2>&1
cat "$out/env.txt"
# power, temperature and clocks every 500 ms beside the whole run (read-only queries)
nvidia-smi --query-gpu=timestamp,power.draw,temperature.gpu,clocks.sm,clocks.mem,utilization.gpu,clocks_event_reasons.active \
  --format=csv,nounits -lms 500 > "$out/power.csv" 2>&1 &
smi=$!
trap 'kill $smi 2>/dev/null' EXIT
if [ "$mode" = check ]; then
  mkdir -p /tmp/ptx && bash $b/src/cuda/build-ptx.sh /tmp/ptx >/dev/null 2>&1
  for f in $b/src/*.ptx; do cmp -s "$f" /tmp/ptx/$(basename "$f") && echo "PTX $(basename "$f") identical to nvcc there" || echo "PTX $(basename "$f") DIFFERS from nvcc there"; done
  java -jar $b/lib/junit-console.jar execute -cp "$cp" --select-class io.aiwatch.tool.cuda.CudaGpuTest \
    --include-tag gpu --details=tree --disable-banner 2>&1 | tee "$out/gpu-tests.txt" | tail -40
  java -cp "$cp" io.aiwatch.cli.BenchGpuCommand --out "$out/bench" "$@" 2>&1 | tee "$out/bench.txt"
elif [ "$mode" = exp ]; then
  java -cp "$cp" io.aiwatch.cli.Main experiment run $b/exp-001.yaml --out "$out/exp" "$@" 2>&1 | tee "$out/exp.txt"
  (cd "$out" && tar czf exp.tgz exp && rm -rf exp)
else
  java -cp "$cp" io.aiwatch.cli.BenchGpuCommand --out "$out/bench" "$@" 2>&1 | tee "$out/bench.txt"
fi
