#!/usr/bin/env bash
# Installs the real programs the integration tests run against (Debian packages listed in
# .ci/test-deps.txt). Does nothing when they are all present; fails loudly when it cannot
# install them, so that no integration test can pass by skipping.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mapfile -t pkgs < <(grep -v '^\s*#' "$root/.ci/test-deps.txt" | sed 's/\s//g' | grep -v '^$' | sort -u)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "test dependencies present: ${pkgs[*]}"
  exit 0
fi
echo "installing test dependencies: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# policy-rc.d keeps the packages' own services from starting: tests start what they need, on loopback.
tmp_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  tmp_policy=1
fi
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
[ $tmp_policy -eq 1 ] && $SUDO rm -f /usr/sbin/policy-rc.d
echo "installed: ${missing[*]}"
