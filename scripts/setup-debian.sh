#!/usr/bin/env bash
# Installs what vswitchsim needs on Debian 12 that is not there yet (run as root).
#   bash scripts/setup-debian.sh          to build and run: a compiler, CMake, libevent,
#                                         jansson
#   bash scripts/setup-debian.sh --test   that, and what the test suite, the fuzzers and
#                                         `mpirun` sweeps need (Criterion, jq, Python's
#                                         jsonschema, strace, Chromium, clang and
#                                         libFuzzer, Open MPI, clang-format-14)
# Idempotent: installs nothing when everything is present.
set -euo pipefail
usage="usage: bash scripts/setup-debian.sh [--test]"

# The build (CMakeLists.txt: pkg-config's jansson, libevent, libevent_pthreads).
packages=(cmake make gcc pkg-config libevent-dev libjansson-dev)
# What each part of the suite uses:
test_packages=(
  libcriterion-dev            # unit tests (tests/unit, Criterion)
  jq python3                  # e2e tests check reports with jq; listen.sh, sweep.sh, layers
  python3-jsonschema          # e2e.schema: the scenarios against scenarios/schema.json
  strace                      # e2e.report_outputs: a run killed in mid-write
  chromium                    # e2e.html: the pages rendered headless
  clang libclang-rt-14-dev    # tests/fuzz: libFuzzer (.ci/run)
  libopenmpi-dev openmpi-bin  # e2e.sweep_mpi and `mpirun -np N vswitchsim sweep`
  clang-format-14             # the format test (scripts/check-format)
)
case "${1:-}" in
  "") ;;
  --test) packages+=("${test_packages[@]}") ;;
  -h | --help) echo "$usage"; exit 0 ;;
  *) echo "setup-debian.sh: unknown argument \"$1\" ($usage)" >&2; exit 2 ;;
esac
[ $# -le 1 ] || { echo "setup-debian.sh: too many arguments ($usage)" >&2; exit 2; }

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
