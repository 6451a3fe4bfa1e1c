#!/usr/bin/env bash
# The host table's typed params getters, through the shipped plugins: a bad value or an
# unknown key refuses the plugin before the run with one line naming the plugin and the
# JSON path, exit 2, and nothing written; `validate --plugins` finds the same errors
# without running the scenario, and plain `validate` (no entries run) does not.
source "$(dirname "$0")/lib.bash"
Q=$SRC/scenarios/quickstart.json

# check SET EXPECTED: run and validate --plugins both refuse with the line.
check() {
  expect_exit 2 "$VSWITCHSIM_BIN" run "$Q" --quiet --set "$1" --json "$WORK/r.json" 2> "$WORK/err"
  [ "$(cat "$WORK/err")" = "vswitchsim: $2" ] || fail "run --set $1: $(cat "$WORK/err")"
  [ ! -e "$WORK/r.json" ] || fail "run --set $1 wrote a report"
  expect_exit 2 "$VSWITCHSIM_BIN" validate --plugins "$Q" --set "$1" 2> "$WORK/err"
  [ "$(cat "$WORK/err")" = "vswitchsim: $Q: $2" ] || fail "validate --set $1: $(cat "$WORK/err")"
  "$VSWITCHSIM_BIN" validate "$Q" --set "$1" > /dev/null || fail "validate without --plugins ran entries"
}

check 'plugins.0.params.flows_per_port="x"' \
  'plugin "flows": params.flows_per_port: expected an integer in 0..1623, got "x"'
check 'plugins.0.params.flows=64' \
  'plugin "flows": params.flows: unknown key (expected one of: flows_per_port, ns_per_flow)'
check 'plugins.1.params.service={"dist": "uniform", "min": "5us"}' \
  'plugin "slow": params.service.max: missing required key'
check 'plugins.1.params.service=20 us' \
  'plugin "slow": params.service: expected a duration: a number with a unit ns, us, ms, s, m or h, like "1.5ms", got "20 us"'
check 'plugins.1.params.pend_restore=1' \
  'plugin "slow": params.pend_restore: expected true or false, got 1'
check 'plugins.2.params={"x": 1}' \
  'plugin "null": params.x: unknown key (the plugin takes no params)'

# Good params pass, an empirical distribution of durations among them.
"$VSWITCHSIM_BIN" validate --plugins "$Q" \
  --set 'plugins.1.params.service={"dist": "empirical", "values": ["100us", "300us"]}' > "$WORK/out"
grep -q '3 plugins (entries ran, params accepted)' "$WORK/out" || fail "$(cat "$WORK/out")"
"$VSWITCHSIM_BIN" run "$Q" --quiet --set run.duration=5s --json "$WORK/r.json" \
  --set 'plugins.1.params.service={"dist": "empirical", "values": ["100us", "300us"]}'
jq_true "$WORK/r.json" '.plugins[1].latency_us.pending_completion.min >= 100'
echo "ok"
