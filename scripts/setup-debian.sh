#!/usr/bin/env bash
# Installs what vswitchsim needs on Debian 12 that is not there yet (run as root).
# Idempotent: installs nothing when everything is present.
set -euo pipefail
packages=(cmake make gcc pkg-config libevent-dev libjansson-dev libcriterion-dev jq python3 strace
          python3-jsonschema chromium clang libclang-rt-14-dev libopenmpi-dev openmpi-bin
          clang-format-14)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
