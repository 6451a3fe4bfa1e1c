#!/usr/bin/env bash
# A buggy callout is caught and reported by name, never a crash: each broken fixture
# plugin makes the run exit 3 with its rule in the report and on stderr; the good one
# runs clean.
source "$(dirname "$0")/lib.bash"
fix=${VSWITCHSIM_TEST_PLUGIN_DIR:?}

run_fixture() { # name expected-exit
  set +e
  "$VSWITCHSIM_BIN" run "$SCEN/fixture.json" --plugin-path "$fix" --set plugins.0.path="$1" \
    --json "$WORK/$1.json" --quiet 2> "$WORK/$1.err"
  local code=$?
  set -e
  [ "$code" -eq "$2" ] || fail "$1: exit $code, want $2 ($(head -2 "$WORK/$1.err"))"
}

run_fixture good 0
jq_true "$WORK/good.json" '.verifier.violations == [] and .saves.completed > 10'

for case in double_complete:double_completion never_complete:pending_never_completed \
            oversized:state_exceeds_segment complete_pending:complete_with_pending \
            null_buffer:null_state_buffer; do
  plugin=${case%%:*} rule=${case##*:}
  run_fixture "$plugin" 3
  jq_true "$WORK/$plugin.json" "[.verifier.violations[].rule] | unique == [\"$rule\"]"
  jq_true "$WORK/$plugin.json" '.verifier.violations[0].plugin == "under-test"'
  grep -q "verifier: $rule: under-test" "$WORK/$plugin.err" || fail "$plugin: no stderr line for $rule"
  echo "$plugin: caught as $rule"
done
echo "ok"
