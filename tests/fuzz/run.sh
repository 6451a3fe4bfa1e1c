#!/usr/bin/env bash
# run.sh BUILD_DIR [SECONDS] [TARGET...]: runs each fuzz target (default: all) for
# SECONDS (default 30) on its corpus in BUILD_DIR/tests/fuzz/corpus, one after the
# other. Builds nothing. Prints each target's executions; on a crash, leak, timeout or
# UB report prints libFuzzer's output and the reproducer, and exits 1 once all have run.
set -uo pipefail
build=${1:?usage: run.sh BUILD_DIR [SECONDS] [TARGET...]}
secs=${2:-30}
shift $(( $# > 2 ? 2 : $# ))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_scenario fuzz_set fuzz_param)
here=$(cd "$(dirname "$0")" && pwd)
dir=$build/tests/fuzz
status=0

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
unset VSWITCHSIM_PLUGIN_PATH

for t in "${targets[@]}"; do
  bin=$dir/$t
  corpus=$dir/corpus/${t#fuzz_}
  [ -x "$bin" ] || { echo "run.sh: no $bin (build it first)" >&2; exit 2; }
  [ -d "$corpus" ] || { echo "run.sh: no corpus $corpus (cmake --build ... --target fuzz_corpus)" >&2; exit 2; }
  art=$dir/artifacts/$t
  mkdir -p "$art"
  log=$dir/$t.log
  "$bin" -max_total_time="$secs" -timeout=5 -rss_limit_mb=2048 -max_len=16384 \
         -dict="$here/dict" -artifact_prefix="$art/" -print_final_stats=1 \
         "$corpus" >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  echo "$t: ${secs}s, ${execs:-?} execs (${speed:-?}/s), corpus $(ls "$corpus" | wc -l) files, exit $rc"
  if [ $rc -ne 0 ]; then
    status=1
    echo "--- $t FAILED; log $log:" >&2
    grep -v -E '^#[0-9]+' "$log" | tail -60 >&2
    ls -1 "$art" | sed "s|^|    reproducer: $art/|" >&2
  fi
done
exit $status
