#!/usr/bin/env bash
# The supervisor (sim/supervisor): whatever ends the process that runs the work (a
# plugin's exit(), SIGKILL, a heap a callout corrupted, a plugin file the loader cannot
# map), the parent says so in one line naming the plugin and callback, writes the report
# of what ran up to the last snapshot marked crashed, leaves no half-written file, and
# exits 3 (2 for a plugin that cannot be loaded). Runs that do not die are unchanged.
source "$(dirname "$0")/lib.bash"
fix=${VSWITCHSIM_TEST_PLUGIN_DIR:?}
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" # a dying child leaks on purpose
export VSWITCHSIM_SNAPSHOT_INTERVAL=0 # a snapshot at every slice: the report is recent

dies() { # how [options...]: runs dies_in_save, which ends the process on its tenth save
  local how=$1; shift
  set +e
  "$VSWITCHSIM_BIN" run "$SCEN/fixture.json" --plugin-path "$fix" --quiet \
    --set plugins.0.path=dies_in_save --set "plugins.0.params={\"how\":\"$how\"}" \
    --set metrics.interval=50ms --json "$WORK/$how.json" --html "$WORK/$how.html" "$@" \
    2> "$WORK/$how.err"
  code=$?
  set -e
}

for how in exit kill; do
  dies $how --trace "$WORK/$how.trace"
  [ "$code" -eq 3 ] || fail "$how: exit $code, want 3 ($(cat "$WORK/$how.err"))"
  want='callout crashed: plugin "under-test" in its save callback: '
  [ "$how" = exit ] && want+='exit(7)' || want+='SIGKILL'
  [ "$(grep -c 'vswitchsim:' "$WORK/$how.err")" -eq 1 ] || fail "$how: not one line: $(cat "$WORK/$how.err")"
  grep -qF "$want" "$WORK/$how.err" || fail "$how: no \"$want\" in $(cat "$WORK/$how.err")"
  jq_true "$WORK/$how.json" '.snapshot == true and .crashed.plugin == "under-test"'
  jq_true "$WORK/$how.json" '.crashed.callback == "save" and .crashed.outside_callout == false'
  jq_true "$WORK/$how.json" '.crashed.signal == $s' --arg s "$([ $how = exit ] && echo 'exit(7)' || echo SIGKILL)"
  # What ran before the snapshot is in the report: saves, a migration under way.
  jq_true "$WORK/$how.json" '.plugins[0].saves > 0 and .migrations.started > 0'
  jq_true "$WORK/$how.json" '.crashed.sim_time_ns >= (.sim_time_s * 1e9 | floor)'
  [ -s "$WORK/$how.html" ] || fail "$how: no HTML report"
  [ ! -e "$WORK/$how.trace" ] || fail "$how: a trace of a run that died"
done
# Dead before its first snapshot (one a wall second after the run began): the parent
# makes the report of the run as it began, from the scenario, nothing counted.
VSWITCHSIM_SNAPSHOT_INTERVAL=60 dies kill
[ "$code" -eq 3 ] || fail "early: exit $code, want 3 ($(cat "$WORK/kill.err"))"
grep -q 'before its first snapshot' "$WORK/kill.err" || fail "early: $(cat "$WORK/kill.err")"
jq_true "$WORK/kill.json" '.snapshot == true and .crashed.plugin == "under-test" and .crashed.signal == "SIGKILL"'
jq_true "$WORK/kill.json" '.sim_time_s == 0 and .events == 0 and .migrations.started == 0'
jq_true "$WORK/kill.json" '.plugins[0].name == "under-test" and .plugins[0].saves == 0'
[ -s "$WORK/kill.html" ] || fail "early: no HTML report"

leftover=$(find "$WORK" -name '*.tmp.*')
[ -z "$leftover" ] || fail "temporary files left: $leftover"

# A heap a callout corrupted kills the process later, maybe outside any callout: the
# line names the last callout to run. (Under ASan the overrun is ASan's to report.)
if [ -z "${VSWITCHSIM_SANITIZED:-}" ]; then
  dies smash
  [ "$code" -eq 3 ] || fail "smash: exit $code, want 3 ($(cat "$WORK/smash.err"))"
  [ "$(grep -c '^vswitchsim:' "$WORK/smash.err")" -eq 1 ] || fail "smash: $(cat "$WORK/smash.err")"
  grep -q 'plugin "under-test"' "$WORK/smash.err" || fail "smash: unnamed: $(cat "$WORK/smash.err")"
  jq_true "$WORK/smash.json" '.crashed.plugin == "under-test" and .snapshot == true'
fi

# Unsupervised (for a debugger), the same plugin takes the process with it.
set +e
VSWITCHSIM_NO_SUPERVISOR=1 "$VSWITCHSIM_BIN" run "$SCEN/fixture.json" --plugin-path "$fix" \
  --quiet --set plugins.0.path=dies_in_save 2>/dev/null
code=$?
set -e
[ "$code" -eq 7 ] || fail "unsupervised: exit $code, want the plugin's 7"

# A plugin file the dynamic loader cannot map: one line and exit 2, for every command.
head -c 3000 "$fix/good.so" > "$WORK/truncated.so"
for cmd in "plugin-info $WORK/truncated.so" \
           "validate $SCEN/fixture.json --set plugins.0.path=$WORK/truncated.so" \
           "run $SCEN/fixture.json --quiet --set plugins.0.path=$WORK/truncated.so"; do
  set +e
  # shellcheck disable=SC2086
  "$VSWITCHSIM_BIN" $cmd > /dev/null 2> "$WORK/load.err"
  code=$?
  set -e
  [ "$code" -eq 2 ] || fail "$cmd: exit $code, want 2 ($(cat "$WORK/load.err"))"
  [ "$(wc -l < "$WORK/load.err")" -eq 1 ] || fail "$cmd: not one line: $(cat "$WORK/load.err")"
  grep -q 'truncated.so\|under-test' "$WORK/load.err" || fail "$cmd: unnamed: $(cat "$WORK/load.err")"
done

# Supervised or not, a run that does not die gives the same report, byte for byte.
strip() { jq -S 'del(.wall_time_s, .events_per_wall_s)' "$1"; }
"$VSWITCHSIM_BIN" run "$SCEN/fixture.json" --plugin-path "$fix" --quiet --json "$WORK/sup.json"
VSWITCHSIM_NO_SUPERVISOR=1 "$VSWITCHSIM_BIN" run "$SCEN/fixture.json" --plugin-path "$fix" \
  --quiet --json "$WORK/unsup.json"
cmp <(strip "$WORK/sup.json") <(strip "$WORK/unsup.json") || fail "supervision changed the report"
jq_true "$WORK/sup.json" 'has("snapshot") | not'
echo "supervisor: ok"
