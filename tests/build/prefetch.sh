#!/usr/bin/env bash
# CTest "build.prefetch": the software prefetches are in the built program. GCC 12 at
# -O2 deletes a call to a function that only prefetches (its mod-ref analysis finds no
# effect), so a helper that is not always_inline compiles to nothing and the queue runs
# without a word of warning (sim/engine/engine.c, issue 19). Counted per function, the
# engine's apart from the model's prefetchers (nic_ops.c, migration.c), so that neither
# can stand in for the other: engine.c has seven prefetch statements (a build that drops
# them holds 1 outside the model), and each prefetcher must hold some.
set -euo pipefail
bin=${VSWITCHSIM_BIN:?}
case "$(uname -m)" in
x86_64) insn='prefetch(t0|t1|t2|nta|w)' ;;
aarch64) insn='prfm' ;;
*) echo "build.prefetch: no check for $(uname -m)"; exit 0 ;;
esac
command -v objdump > /dev/null || { echo "build.prefetch: objdump not found (binutils)" >&2; exit 1; }
# "COUNT FUNCTION" per function holding any (LTO suffixes such as .lto_priv.0 dropped).
counts=$(objdump -d --no-show-raw-insn "$bin" | awk -v insn="^$insn\$" '
  /^[0-9a-f]+ <[^>]*>:$/ { f = $2; gsub(/[<>:]/, "", f); sub(/\..*/, "", f) }
  NF >= 2 && $2 ~ insn { n[f]++ }
  END { for (k in n) print n[k], k }')
model=(prefetch_oid_done prefetch_timer)
fail=0
for f in "${model[@]}"; do
  got=$(awk -v f="$f" '$2 == f { print $1 }' <<< "$counts")
  if [ -z "$got" ]; then
    echo "FAIL: the model's prefetcher $f holds no prefetch instruction" >&2
    fail=1
  fi
done
engine=$(awk '$2 != "prefetch_oid_done" && $2 != "prefetch_timer" { s += $1 } END { print s + 0 }' <<< "$counts")
if [ "$engine" -lt 7 ]; then
  echo "FAIL: $bin holds $engine prefetch instructions outside the model's prefetchers," \
       "want at least 7 (the engine's sites): the compiler dropped them" >&2
  fail=1
fi
[ "$fail" -eq 0 ] || exit 1
echo "build.prefetch: $engine in the engine, and in the model's prefetchers:" \
     "$(awk '$2 ~ /^prefetch_(oid_done|timer)$/ { printf "%s %s  ", $2, $1 }' <<< "$counts")"
