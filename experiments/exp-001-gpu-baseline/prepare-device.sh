#!/usr/bin/env bash
# Prepares what EXP-001 needs on the GPU machine, which has no Java: a JRE (.device/jre.tgz, from
# /work/shared/tools/device-java.sh or an existing one) and a small bundle in .device/cuda/ — this
# project's classes, only the libraries the GPU commands need (JCuda with its driver-API native only,
# Jackson, picocli, JUnit console and AssertJ for the gpu-tagged tests), the CUDA source and PTX (to
# re-check the PTX with the nvcc there), and device-run.sh.
#
#   experiments/exp-001-gpu-baseline/prepare-device.sh [--full] [TARGET_CHECKOUT]
# --full adds every runtime library except the tokenizer's (for `aiwatch experiment run`, which
# starts the daemon) and leaves out the test libraries. TARGET_CHECKOUT is the checkout the device
# tool sends (default: this one); name ".device" in carry (JRE + bundle stay under ~55 MB).
set -euo pipefail
full=false
if [ "${1:-}" = --full ]; then full=true; shift; fi
src=$(cd "$(dirname "$0")/../.." && pwd)
target=${1:-$src}
out=$target/.device/cuda
cd "$src"
./mvnw -B -q -o -DskipTests -Dspotless.check.skip=true test-compile dependency:copy-dependencies \
  -DincludeScope=test -DoutputDirectory=target/device-deps >/dev/null
rm -rf "$out" && mkdir -p "$out/lib" "$out/src"
(cd target/classes && zip -qr "$out/lib/aiwatch-classes.jar" .)
(cd target/test-classes && zip -qr "$out/lib/aiwatch-test-classes.jar" io/aiwatch/tool/cuda)
if $full; then
  ./mvnw -B -q -o dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/device-rt >/dev/null
  for j in target/device-rt/*.jar; do
    case $(basename "$j") in tokenizers-*|api-0.*|jcuda-natives-*) ;; *) cp "$j" "$out/lib/" ;; esac
  done
else
  for a in jcuda-12.6.0 jackson-databind jackson-core jackson-annotations picocli assertj-core byte-buddy-1; do
    cp target/device-deps/$a*.jar "$out/lib/"
  done
fi
# the natives jar without the runtime/NVRTC/PTX-compiler libraries (24 MB unpacked) that the driver API never loads
tmp=$(mktemp -d)
(cd "$tmp" && unzip -q "$src"/target/device-deps/jcuda-natives-12.6.0-linux-x86_64.jar 'lib/libJCudaDriver-*' \
  && zip -qr "$out/lib/jcuda-natives-driver-only.jar" lib)
rm -rf "$tmp"
if ! $full; then
console=$(find ~/.m2/repository/org/junit/platform/junit-platform-console-standalone -name '*.jar' | sort | tail -1)
[ -n "$console" ] || ./mvnw -B -q dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:1.13.4
cp "$(find ~/.m2/repository/org/junit/platform/junit-platform-console-standalone -name '*.jar' | sort | tail -1)" "$out/lib/junit-console.jar"
fi
cp -r src/main/cuda "$out/src/"
cp src/main/resources/io/aiwatch/tool/cuda/*.ptx "$out/src/"
cp experiments/exp-001-gpu-baseline/device-run.sh experiments/exp-001-gpu-baseline/exp-001.yaml "$out/"
if [ ! -f "$target/.device/jre.tgz" ]; then
  (cd "$target" && bash /work/shared/tools/device-java.sh)
fi
grep -qx '/.device/' "$target/.git/info/exclude" 2>/dev/null || echo '/.device/' >> "$target/.git/info/exclude"
du -sh "$out" "$target/.device/jre.tgz"
