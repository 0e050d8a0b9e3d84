#!/usr/bin/env bash
# Last step of `./mvnw -Prelease package`: gathers the release artifacts into target/release with
# their versioned names and writes SHA256SUMS (check with `sha256sum -c SHA256SUMS` there).
# Usage: release-finish.sh TARGET_DIR VERSION
set -euo pipefail
target=${1:?usage: release-finish.sh TARGET_DIR VERSION}
version=${2:?usage: release-finish.sh TARGET_DIR VERSION}
out="$target/release"
mkdir -p "$out"
cp "$target/aiwatch-node.jar" "$out/aiwatch-$version.jar"
cp "$target/aiwatch.jar" "$out/aiwatch-tools-$version.jar"
cp "$target/release-staging/THIRD-PARTY.txt" "$out/aiwatch-$version-dependencies.txt"
cd "$out"
rm -f SHA256SUMS
find . -maxdepth 1 -type f ! -name SHA256SUMS -printf '%f\n' | LC_ALL=C sort | xargs sha256sum > SHA256SUMS
cat SHA256SUMS
