#!/usr/bin/env bash
# Fills .device/footprint/ (git-ignored, under the checkout the device tool sends) with what run.sh
# needs on the GPU machine, which has no Java, Maven or network (issue #20 items 1, 2, 3, 5):
# the daemon jar without the tokenizer's native libraries (the daemon never loads them; the device
# carry is 64 MiB with the 33 MB JRE), the bench classes, the C sources of the NVML probe and the
# fake NVML (plus binaries built here, used when the device has no compiler), the per-GPU call
# lists of each collector's cycle (CycleFloor, counted on the fake), and the scripts.
# Run from the repository root after ./mvnw package; then on the device tool:
#   run(command="bash .device/footprint/run.sh memory", carry=[".device/jre.tgz", ".device/footprint"])
#   run(command="bash .device/footprint/run.sh cycle scaling scrape", carry=[".device/jre.tgz", ".device/footprint"])
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
d=.device/footprint
rm -rf "$d" && mkdir -p "$d/c" "$d/bin" "$d/calls"
[ -f .device/jre.tgz ] || echo "note: .device/jre.tgz missing (the lead's /work/main has one; else /work/shared/tools/device-java.sh)" >&2
cp target/aiwatch.jar "$d/aiwatch.jar"
# The daemon's own classes stay; other platforms' natives and the tokenizer (~28 MB) go.
unzip -Z1 "$d/aiwatch.jar" | grep -E '^native/.+[^/]$|^com/sun/jna/[^/]+/[^/]*(jnidispatch|\.dll|\.jnilib|\.a$)|^lib/libJCuda.*-(windows|apple|linux-(ppc|aarch64|arm))' \
  | grep -v '^com/sun/jna/linux-x86-64/' > /tmp/footprint-strip.txt || true
[ -s /tmp/footprint-strip.txt ] && zip -q -d "$d/aiwatch.jar" -@ < /tmp/footprint-strip.txt
(cd target/test-classes && jar cf "$root/$d/bench.jar" io/aiwatch/bench io/aiwatch/testing)
cp src/test/c/fake_nvml.c src/test/c/nvml_probe.c src/test/c/nvml_types.h src/test/c/build-fake-nvml.sh "$d/c/"
bash src/test/c/build-fake-nvml.sh "$d/bin"
java -cp "target/test-classes:target/aiwatch.jar" io.aiwatch.bench.CycleFloor "$d/calls" "$d/bin/libnvidia-ml.so.1"
cp bench/gpu-footprint/run.sh packaging/scripts/bench-footprint.sh packaging/bin/aiwatch "$d/"
du -sh "$d" .device/jre.tgz
