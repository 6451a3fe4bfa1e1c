#!/usr/bin/env bash
# CTest "build.prefetch": the engine's software prefetches are in the built program.
# GCC 12 at -O2 deletes a call to a function that only prefetches (its mod-ref analysis
# finds no effect), so a helper that is not always_inline compiles to nothing and the
# queue runs without a word of warning (sim/engine/engine.c, issue 19). engine.c holds
# seven prefetch sites: a build that keeps them all has at least that many instructions.
set -euo pipefail
bin=${VSWITCHSIM_BIN:?}
case "$(uname -m)" in
x86_64) pattern='\sprefetch(t0|t1|t2|nta|w)\s' ;;
aarch64) pattern='\sprfm\s' ;;
*) echo "build.prefetch: no check for $(uname -m)"; exit 0 ;;
esac
command -v objdump > /dev/null || { echo "build.prefetch: objdump not found (binutils)" >&2; exit 1; }
n=$(objdump -d --no-show-raw-insn "$bin" | grep -cE "$pattern" || true)
if [ "$n" -lt 7 ]; then
  echo "FAIL: $bin holds $n prefetch instructions, want at least 7 (engine.c's sites):" \
       "the compiler dropped the engine's prefetches" >&2
  exit 1
fi
echo "build.prefetch: $n prefetch instructions in $(basename "$bin")"
