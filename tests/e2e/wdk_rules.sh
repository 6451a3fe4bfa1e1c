#!/usr/bin/env bash
# The kernel-service rules of WDK drivers (README "Checks", config/verifier.h): each
# broken fixture driver (tests/plugins/drivers/wdk_<rule>.c), loaded through its
# DriverEntry on every host of a small scenario, breaks its rule an exact number of times
# (once or twice per host, as its file says), names it with the plugin's instance name,
# and makes the run exit 3; with the rule turned off the run exits 0 and prints nothing.
#
# The scenario is calling_rules.sh's (scenarios/calling-rules.json: 3 hosts, 3 live
# migrations): the drivers subscribe to nothing, so the migrations complete without them.
# Needs the loader to load DriverEntry plugins (helper L's part of issue 17).
source "$(dirname "$0")/lib.bash"
S=$SCEN/calling-rules.json
HOSTS=3

run_driver() { # driver want-exit [args...]
  local driver=$1 want=$2; shift 2
  set +e
  "$VSWITCHSIM_BIN" run "$S" --plugin-path "$VSWITCHSIM_TEST_PLUGIN_DIR" \
    --set plugins.0.path="$driver" --json "$WORK/$driver.json" --quiet "$@" \
    2> "$WORK/$driver.err"
  local code=$?
  set -e
  [ "$code" -eq "$want" ] || { cat "$WORK/$driver.err"; fail "$driver $*: exit $code, want $want"; }
}

# expect_rule RULE PER_HOST: wdk_RULE breaks RULE PER_HOST times on each host, and no other.
expect_rule() {
  local rule=$1 per_host=$2 driver=wdk_$1
  local count=$((per_host * HOSTS))
  run_driver "$driver" 3
  jq_true "$WORK/$driver.json" '[.verifier.violations[].rule] | unique == [$r]' --arg r "$rule"
  jq_true "$WORK/$driver.json" '[.verifier.violations[].plugin] | unique == ["under-test"]'
  jq_true "$WORK/$driver.json" '.verifier.total == $n and .verifier.counts[$r] == $n' \
    --argjson n "$count" --arg r "$rule"
  local lines
  lines=$(grep -c "verifier: $rule: under-test" "$WORK/$driver.err" || true)
  [ "$lines" -eq "$count" ] || fail "$driver: $lines stderr lines for $rule, want $count"
  run_driver "$driver" 0 --set "verifier.disable=[\"$rule\"]"
  jq_true "$WORK/$driver.json" '.verifier.violations == []'
  ! grep -q "verifier:" "$WORK/$driver.err" || fail "$driver: $rule disabled, still printed"
  echo "$driver: $count x $rule, silenced when disabled"
}

expect_rule lock_held_at_return 1
expect_rule lock_irql_mismatch 2
expect_rule lock_recursion 1
expect_rule lock_not_held 1
expect_rule irql_not_restored 1
expect_rule irql_too_high 1
expect_rule bad_irql_change 1
expect_rule paged_pool_at_dispatch 2
expect_rule queued_at_unload 1
expect_rule work_item_freed_while_queued 1
expect_rule wait_never_satisfied 1
expect_rule leaked_handle 1
echo "ok"
