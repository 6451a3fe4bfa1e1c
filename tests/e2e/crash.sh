#!/usr/bin/env bash
# A callout that crashes (SIGSEGV, abort) or hangs (with --callback-timeout) does not take
# the run down: one stderr line names the plugin, the callback and the signal, the report
# of what ran is written with "crashed" set, and the exit code is 3, never 134 or 139.
source "$(dirname "$0")/lib.bash"
fix=${VSWITCHSIM_TEST_PLUGIN_DIR:?}

# Under ASan the program's own handler must see the faults (it chains to ASan's for a
# fault outside a callout). A crash abandons what the unwound frames and the crashed
# plugin held, on purpose, so leaks are not checked for these runs.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}allow_user_segv_handler=1:handle_abort=0:detect_leaks=0"

run_crash() { # plugin callback signal [options...]
  local plugin=$1 callback=$2 signal=$3; shift 3
  set +e
  "$VSWITCHSIM_BIN" run "$SCEN/fixture.json" --plugin-path "$fix" --set plugins.0.path="$plugin" \
    --json "$WORK/$plugin.json" --quiet "$@" 2> "$WORK/$plugin.err"
  local code=$?
  set -e
  [ "$code" -eq 3 ] || fail "$plugin: exit $code, want 3 ($(head -3 "$WORK/$plugin.err"))"
  local lines
  lines=$(grep -c "callout crashed: plugin \"under-test\" in its $callback callback: $signal" \
          "$WORK/$plugin.err" || true)
  [ "$lines" -eq 1 ] || fail "$plugin: $lines stderr lines naming it, want 1 ($(cat "$WORK/$plugin.err"))"
  jq -e . "$WORK/$plugin.json" >/dev/null || fail "$plugin: the JSON report is not whole"
  jq_true "$WORK/$plugin.json" '.crashed.plugin == "under-test" and .interrupted == false'
  jq_true "$WORK/$plugin.json" '.crashed.callback == $c and .crashed.signal == $s' \
    --arg c "$callback" --arg s "$signal"
  jq_true "$WORK/$plugin.json" '.crashed.sim_time_ns > 0 and .sim_time_s > 0'
  jq_true "$WORK/$plugin.json" '.migrations.started > 0 and .plugins[0].saves > 0'
  echo "$plugin: exit 3, $callback $signal at $(jq .sim_time_s "$WORK/$plugin.json") s"
}

run_crash crash_segv save SIGSEGV
jq_true "$WORK/crash_segv.json" '.plugins[0].saves == 2' # the third crashed
run_crash crash_abort restore SIGABRT
start=$(date +%s%3N)
run_crash hang save timeout --callback-timeout 0.5
took=$(( $(date +%s%3N) - start ))
[ "$took" -lt 5000 ] || fail "hang: took $took ms with --callback-timeout 0.5"

# A good callout under a timeout runs as usual.
"$VSWITCHSIM_BIN" run "$SCEN/fixture.json" --plugin-path "$fix" --callback-timeout 5 \
  --json "$WORK/good.json" --quiet
jq_true "$WORK/good.json" '.crashed == null and .saves.completed > 10'
echo "ok"
