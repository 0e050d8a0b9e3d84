#!/usr/bin/env bash
# Prepares the bundle a multi-GPU machine runs device-run-multigpu.sh from: EXP-001's bundle with
# --full (classes, runtime jars without the tokenizer, JCuda driver-only natives, the JRE), plus this
# experiment's files and the scrape/cycle benchmarks from the test classes (io.aiwatch.bench).
#   experiments/exp-004-p2p/prepare-device.sh [TARGET_CHECKOUT]
# TARGET_CHECKOUT is the checkout the device tool sends (default: this one); name ".device" in carry.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
target=${1:-$src}
bash "$src/experiments/exp-001-gpu-baseline/prepare-device.sh" --full "$target"
out=$target/.device/cuda
(cd "$src/target/test-classes" && zip -qr "$out/lib/aiwatch-bench-classes.jar" io/aiwatch/bench)
cp "$src"/experiments/exp-004-p2p/{spec.yaml,device-run-multigpu.sh,check_nvlink.py} "$out/"
du -sh "$out" "$target/.device/jre.tgz"
