#!/usr/bin/env bash
# Prepares what EXP-002's GPU part needs on the GPU machine, which has no Java, no fio and no
# network: a JRE (.device/jre.tgz, from /work/shared/tools/device-java.sh or an existing one) and a
# bundle in .device/loadbench/ (about 15 MB):
#   lib/  this project's classes, only the libraries `bench load` needs (JNA, JCuda with its
#         driver-API native only, Jackson, picocli, HdrHistogram) and, for the gpu-tagged test,
#         the JUnit console and AssertJ
#   bin/fio  fio 3.33 built statically from Debian bookworm's source package (the same version
#         and patches as the fio the tests use here), so nothing on that machine needs installing
#   device-run.sh
#
#   experiments/exp-002-storage-tiers/prepare-device.sh [TARGET_CHECKOUT]
# TARGET_CHECKOUT is the checkout the device tool sends (default: this one). Then, with the device
# tool: run(command="bash .device/loadbench/device-run.sh", carry=[".device/jre.tgz", ".device/loadbench"]).
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
target=${1:-$src}
out=$target/.device/loadbench
cd "$src"
./mvnw -B -q -o -DskipTests -Dspotless.check.skip=true test-compile dependency:copy-dependencies \
  -DincludeScope=test -DoutputDirectory=target/device-deps >/dev/null

# fio: static, from Debian's source package (apt-get source through a private list; nothing
# system-wide is changed). Needs dpkg-dev, gcc, make, libaio-dev, zlib1g-dev here.
fio_bin=target/fio-static/fio
if [ ! -x "$fio_bin" ]; then
  work=$src/target/fio-static/build; rm -rf "$work"; mkdir -p "$work/lists"
  echo 'deb-src http://deb.debian.org/debian bookworm main' > "$work/src.list"
  apt_opts=(-o Dir::Etc::SourceList="$work/src.list" -o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$work/lists")
  apt-get "${apt_opts[@]}" update >/dev/null
  (cd "$work" && apt-get "${apt_opts[@]}" source --download-only fio=3.33-3 >/dev/null 2>&1 \
    && dpkg-source -x fio_3.33-3.dsc fio >/dev/null)
  (cd "$work/fio" && ./configure --build-static --disable-native --disable-numa --disable-rdma --disable-rados \
      --disable-rbd --disable-http --disable-gfapi --disable-libnfs --disable-pmem --disable-tcmalloc \
      --disable-dfs --disable-xnvme --disable-libzbc >/dev/null && make -j"$(nproc)" fio >/dev/null)
  cp "$work/fio/fio" "$fio_bin"
  rm -rf "$work"
fi
"$fio_bin" --version | grep -qx 'fio-3.33'

rm -rf "$out" && mkdir -p "$out/lib" "$out/bin"
(cd target/classes && zip -qr "$out/lib/aiwatch-classes.jar" .)
(cd target/test-classes && zip -qr "$out/lib/aiwatch-test-classes.jar" io/aiwatch/tool/loadbench)
for a in jna-5 jcuda-12.6.0 jackson-databind jackson-core jackson-annotations picocli HdrHistogram assertj-core; do
  cp target/device-deps/$a*.jar "$out/lib/"
done
# JCuda's natives without the runtime/NVRTC/PTX-compiler libraries the driver API never loads
tmp=$(mktemp -d)
(cd "$tmp" && unzip -q "$src"/target/device-deps/jcuda-natives-12.6.0-linux-x86_64.jar 'lib/libJCudaDriver-*' \
  && zip -qr "$out/lib/jcuda-natives-driver-only.jar" lib)
rm -rf "$tmp"
console=$(find ~/.m2/repository/org/junit/platform/junit-platform-console-standalone -name '*.jar' 2>/dev/null | sort | tail -1)
[ -n "$console" ] || ./mvnw -B -q dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:1.13.4
cp "$(find ~/.m2/repository/org/junit/platform/junit-platform-console-standalone -name '*.jar' | sort | tail -1)" "$out/lib/junit-console.jar"
cp "$fio_bin" "$out/bin/fio"
cp experiments/exp-002-storage-tiers/device-run.sh "$out/"
if [ ! -f "$target/.device/jre.tgz" ]; then
  (cd "$target" && bash /work/shared/tools/device-java.sh)
fi
grep -qx '/.device/' "$target/.git/info/exclude" 2>/dev/null || echo '/.device/' >> "$target/.git/info/exclude"
du -sh "$out" "$target/.device/jre.tgz"
