#!/usr/bin/env bash
# Builds the fake libnvidia-ml.so.1 (fake_nvml.c) that the NVML binding tests load, and the
# driver-cost probe nvml-probe (nvml_probe.c), which dlopens whichever NVML it is given.
# Usage: build-fake-nvml.sh OUTPUT_DIR  -> OUTPUT_DIR/libnvidia-ml.so.1, libnot-nvml.so, nvml-probe
set -euo pipefail
out="${1:?usage: build-fake-nvml.sh OUTPUT_DIR}"
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$out"
fresh() { # target sources...: true when target exists and is newer than every source
  local t=$1; shift
  [[ -e "$t" ]] || return 1
  for s in "$@"; do [[ "$t" -nt "$s" ]] || return 1; done
}
if ! fresh "$out/libnvidia-ml.so.1" "$dir/fake_nvml.c" "$dir/fake_nvml_topology.c" "$dir/nvml_types.h"; then
  ${CC:-gcc} -std=c11 -O1 -g -Wall -Wextra -Werror -shared -fPIC -pthread \
    -Wl,-soname,libnvidia-ml.so.1 -o "$out/libnvidia-ml.so.1" "$dir/fake_nvml.c" "$dir/fake_nvml_topology.c"
fi
if ! fresh "$out/libnot-nvml.so" "$dir/build-fake-nvml.sh"; then
  # A library that is not NVML, for the "symbol missing" test.
  echo 'int not_nvml(void) { return 0; }' | ${CC:-gcc} -shared -fPIC -x c -o "$out/libnot-nvml.so" -
fi
if ! fresh "$out/nvml-probe" "$dir/nvml_probe.c" "$dir/nvml_types.h"; then
  ${CC:-gcc} -std=c11 -O2 -Wall -Wextra -Werror -o "$out/nvml-probe" "$dir/nvml_probe.c" -ldl
fi
