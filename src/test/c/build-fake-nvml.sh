#!/usr/bin/env bash
# Builds the fake libnvidia-ml.so.1 (fake_nvml.c) that the NVML binding tests load.
# Usage: build-fake-nvml.sh OUTPUT_DIR  -> OUTPUT_DIR/libnvidia-ml.so.1
set -euo pipefail
out="${1:?usage: build-fake-nvml.sh OUTPUT_DIR}"
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$dir/fake_nvml.c"
topology="$dir/fake_nvml_topology.c"
mkdir -p "$out"
if [[ "$out/libnvidia-ml.so.1" -nt "$src" && "$out/libnvidia-ml.so.1" -nt "$topology" && "$out/libnot-nvml.so" -nt "$src" ]]; then
  exit 0
fi
${CC:-gcc} -std=c11 -O1 -g -Wall -Wextra -Werror -shared -fPIC -pthread \
  -Wl,-soname,libnvidia-ml.so.1 -o "$out/libnvidia-ml.so.1" "$src" "$topology"
# A library that is not NVML, for the "symbol missing" test.
echo 'int not_nvml(void) { return 0; }' | ${CC:-gcc} -shared -fPIC -x c -o "$out/libnot-nvml.so" -
