#!/usr/bin/env bash
# Compiles the CUDA C kernels to the PTX that the jar carries (one file per target).
#   src/main/cuda/build-ptx.sh [OUT_DIR]   (default: src/main/resources/io/aiwatch/tool/cuda)
# PackagedPtxTest runs this into a temporary folder and fails when the packaged PTX differs, so
# run it (and commit the result) after every change to aiwatch_kernels.cu.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../resources/io/aiwatch/tool/cuda}
nvcc=${NVCC:-nvcc}
mkdir -p "$out"
# sm_80: Ampere/Ada; sm_90: Hopper and newer; sm_90a: H100/H200 only, adds the wgmma product
for arch in 80 90 90a; do
  "$nvcc" -ptx -O3 -std=c++17 -arch=compute_$arch \
    -o "$out/aiwatch_kernels.sm_$arch.ptx" "$here/aiwatch_kernels.cu"
done
