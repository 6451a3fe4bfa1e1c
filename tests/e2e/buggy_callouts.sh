#!/usr/bin/env bash
# A buggy callout is caught and reported by name, never a crash: each broken fixture
# plugin makes the run exit 3 with its rule, and no other, in the report and on stderr;
# turning that rule off (verifier.disable) silences it. The good fixture and the example
# plugins run clean in every shipped scenario.
source "$(dirname "$0")/lib.bash"
fix=${VSWITCHSIM_TEST_PLUGIN_DIR:?}

run_fixture() { # name expected-exit [--set ...]
  local name=$1 want=$2; shift 2
  set +e
  "$VSWITCHSIM_BIN" run "$SCEN/fixture.json" --plugin-path "$fix" --set plugins.0.path="$name" \
    "$@" --json "$WORK/$name.json" --quiet 2> "$WORK/$name.err"
  local code=$?
  set -e
  [ "$code" -eq "$want" ] || fail "$name $*: exit $code, want $want ($(head -2 "$WORK/$name.err"))"
}

run_fixture good 0
jq_true "$WORK/good.json" '.verifier.violations == [] and .saves.completed > 10'

# plugin:rule, one per rule a plugin can break (restore_state_mismatch, which takes two
# callouts with one provider GUID, follows the loop).
cases="double_complete:double_completion never_complete:pending_never_completed
  oversized:state_exceeds_segment complete_pending:complete_with_pending
  null_buffer:null_state_buffer complete_no_pend:complete_without_pending
  leaky:leaked_memory wrong_tag_free:free_tag_mismatch bad_free:bad_free slow_callback:callback_too_long
  half_written:buffer_length_mismatch pends_lifetime:pend_not_allowed
  after_unsubscribe:called_after_unsubscribe bad_unsubscribe:unknown_subscription
  unknown_context:unknown_completion_context"
for case in $cases; do
  plugin=${case%%:*} rule=${case##*:}
  run_fixture "$plugin" 3
  jq_true "$WORK/$plugin.json" "[.verifier.violations[].rule] | unique == [\"$rule\"]"
  jq_true "$WORK/$plugin.json" '.verifier.violations[0].plugin == "under-test"'
  grep -q "verifier: $rule: under-test" "$WORK/$plugin.err" || fail "$plugin: no stderr line for $rule"
  # Off, the rule records and prints nothing, and the run passes.
  run_fixture "$plugin" 0 --set "verifier.disable=[\"$rule\"]"
  jq_true "$WORK/$plugin.json" '.verifier.violations == []'
  ! grep -q "verifier:" "$WORK/$plugin.err" || fail "$plugin: $rule disabled, still printed"
  echo "$plugin: caught as $rule, silenced when disabled"
done

# Two instances of one callout that subscribe with one provider GUID: the first is handed
# the second's state at restore.
twins='[{"name": "under-test", "path": "shared_guid"}, {"name": "twin", "path": "shared_guid"}]'
set +e
"$VSWITCHSIM_BIN" run "$SCEN/fixture.json" --plugin-path "$fix" --set "plugins=$twins" \
  --json "$WORK/twins.json" --quiet 2> "$WORK/twins.err"
code=$?
set -e
[ "$code" -eq 3 ] || fail "shared_guid: exit $code, want 3"
jq_true "$WORK/twins.json" '[.verifier.violations[].rule] | unique == ["restore_state_mismatch"]'
jq_true "$WORK/twins.json" '[.verifier.violations[].plugin] | unique == ["under-test"]'
echo "shared_guid: caught as restore_state_mismatch"

# The bound is the scenario's: 50 ms callbacks pass under a 100 ms bound.
run_fixture slow_callback 0 --set verifier.max_callback_time=100ms

# The example plugins (each shipped scenario's own) and `good` in their place: no
# violation anywhere. Exit 3 may still come from a scenario's SLOs.
for f in "$SRC"/scenarios/*.json; do
  base=$(basename "$f" .json)
  [ "$base" = schema ] && continue
  for variant in own good; do
    extra=()
    if [ "$variant" = good ]; then
      jq -e '.plugins | length > 0' "$f" >/dev/null || continue
      extra=(--plugin-path "$fix" --set plugins.0.path=good)
    fi
    set +e
    "$VSWITCHSIM_BIN" run "$f" "${extra[@]}" --json "$WORK/$base-$variant.json" --quiet \
      2> "$WORK/$base-$variant.err"
    code=$?
    set -e
    [ "$code" -eq 0 ] || [ "$code" -eq 3 ] || fail "$base ($variant): exit $code"
    jq_true "$WORK/$base-$variant.json" '.verifier.violations == []'
    echo "$base ($variant plugins): no violation"
  done
done
echo "ok"
