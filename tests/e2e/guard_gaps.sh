#!/usr/bin/env bash
# Where the crash guard used to leave gaps: a save's buffer the simulator copies after
# the callback returned (bad_state_pointer: 0x10 for 100 bytes; state_past_page: 100
# bytes from the end of a page before a PROT_NONE one) is a probed read: the verifier's
# bad_state_buffer, the save fails, the run goes on, exit 3 (not 139). A crash in an
# entry, an unload or a deferred routine is one stderr line naming the plugin and the
# callback, exit 3, in `run` and in `plugin-info`.
source "$(dirname "$0")/lib.bash"
fix=${VSWITCHSIM_TEST_PLUGIN_DIR:?}

# As crash.sh: the program's handler must see the faults, and a crash abandons memory.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}allow_user_segv_handler=1:handle_abort=0:detect_leaks=0"

run_fixture() { # plugin: runs it as "under-test"; sets $code, stderr in $WORK/plugin.err
  set +e
  "$VSWITCHSIM_BIN" run "$SCEN/fixture.json" --plugin-path "$fix" --set plugins.0.path="$1" \
    --json "$WORK/$1.json" --quiet 2> "$WORK/$1.err"
  code=$?
  set -e
}

for plugin in bad_state_pointer state_past_page; do
  run_fixture $plugin
  [ "$code" -eq 3 ] || fail "$plugin: exit $code, want 3 ($(head -3 "$WORK/$plugin.err"))"
  grep -q "verifier: bad_state_buffer: under-test" "$WORK/$plugin.err" ||
    fail "$plugin: no bad_state_buffer line ($(head -3 "$WORK/$plugin.err"))"
  jq_true "$WORK/$plugin.json" '.crashed == null and .sim_time_s >= 2'
  jq_true "$WORK/$plugin.json" \
    '[.verifier.violations[] | select(.rule == "bad_state_buffer" and .plugin == "under-test")] | length > 0'
  jq_true "$WORK/$plugin.json" '.plugins[0].failed > 0 and .plugins[0].failed == .plugins[0].saves'
  echo "$plugin: exit 3, bad_state_buffer, the run went on"
done

one_line() { # file plugin callback
  local lines
  lines=$(grep -c "callout crashed: plugin \"$2\" in its $3 callback: SIGSEGV" "$1" || true)
  [ "$lines" -eq 1 ] || fail "$2 $3: $lines lines naming it, want 1 ($(cat "$1"))"
  [ "$(wc -l < "$1")" -eq 1 ] || fail "$2 $3: more than one stderr line ($(cat "$1"))"
}

for case in routine_crash:routine unload_crash:unload entry_crash:entry; do
  plugin=${case%%:*} callback=${case##*:}
  run_fixture $plugin
  [ "$code" -eq 3 ] || fail "run $plugin: exit $code, want 3 ($(head -3 "$WORK/$plugin.err"))"
  one_line "$WORK/$plugin.err" under-test $callback
  echo "run $plugin: exit 3, one line naming its $callback"
done
jq_true "$WORK/routine_crash.json" '.crashed.callback == "routine" and .crashed.signal == "SIGSEGV"'
jq_true "$WORK/unload_crash.json" '.crashed.callback == "unload"'

for case in entry_crash:entry unload_crash:unload; do
  plugin=${case%%:*} callback=${case##*:}
  set +e
  "$VSWITCHSIM_BIN" plugin-info "$fix/$plugin.so" > "$WORK/info.out" 2> "$WORK/info.err"
  code=$?
  set -e
  [ "$code" -eq 3 ] || fail "plugin-info $plugin: exit $code, want 3 ($(cat "$WORK/info.err"))"
  one_line "$WORK/info.err" $plugin $callback
  echo "plugin-info $plugin: exit 3, one line naming its $callback"
done
grep -q "^entry: " "$WORK/info.out" || fail "plugin-info unload_crash: what it printed first is lost"
echo "ok"
