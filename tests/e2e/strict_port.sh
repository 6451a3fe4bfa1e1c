#!/usr/bin/env bash
# A callout that keeps per-port state in its port callback and checks in its restore
# callback that the port exists and the NIC is connected (tests/plugins/strict_port.c):
# under the documented order (D-LMS step 5: NIC create, connect, then restore) it runs
# clean; under any other, here migration.sequence "legacy" (restore before connect), every
# restore fails with its "NIC not connected" error, and the SLO breach exits 3.
source "$(dirname "$0")/lib.bash"
S=$SCEN/strict-port.json

"$VSWITCHSIM_BIN" run "$S" --plugin-path "$VSWITCHSIM_TEST_PLUGIN_DIR" --json "$WORK/doc.json" \
  --quiet 2> "$WORK/doc.err" || { cat "$WORK/doc.err"; fail "documented order: the run failed"; }
! grep -q 'error:' "$WORK/doc.err" || { cat "$WORK/doc.err"; fail "strict_port logged an error"; }
jq_true "$WORK/doc.json" '.migrations.completed > 20 and .restores.failed == 0'
jq_true "$WORK/doc.json" '.restores.completed == .saves.completed and .verifier.violations == []'
# Its per-port entries were freed as ports went: nothing left at unload.
jq_true "$WORK/doc.json" '.plugins[0].failed == 0'

expect_exit 3 "$VSWITCHSIM_BIN" run "$S" --plugin-path "$VSWITCHSIM_TEST_PLUGIN_DIR" \
  --set migration.sequence=legacy --json "$WORK/legacy.json" --quiet 2> "$WORK/legacy.err"
grep -q 'NIC not connected' "$WORK/legacy.err" || { cat "$WORK/legacy.err"; fail "no 'NIC not connected'"; }
jq_true "$WORK/legacy.json" '.restores.issued > 20 and .restores.failed == .restores.issued'
jq_true "$WORK/legacy.json" '.slo[] | select(.metric == "restores.failed") | .pass == false'
echo "ok"
