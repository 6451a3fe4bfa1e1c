#!/usr/bin/env bash
# The restore path: flowtable's state round-trips through save and restore on another
# host; and when the state is corrupted in transfer, every corrupted restore is caught
# by the callout (STATUS_DATA_ERROR), the move fails, and the SLO breach exits 3.
source "$(dirname "$0")/lib.bash"

"$VSWITCHSIM_BIN" run "$SCEN/flowtable.json" --json "$WORK/ok.json" --quiet
jq_true "$WORK/ok.json" '.restores.completed > 500 and .restores.completed == .saves.completed'
jq_true "$WORK/ok.json" '.restores.failed == 0 and .migrations.completed * 2 == .restores.completed'
# 200 flows of state per port, each blob saved and carried.
jq_true "$WORK/ok.json" '.plugins[0].state_bytes / .plugins[0].saves > 200 * 16'
# Charged CPU: 200 flows x 40 ns = 8 us per save and per restore callback.
jq_true "$WORK/ok.json" '.latency_us.callback.max >= 7.9 and .latency_us.callback.max <= 8.1'

expect_exit 3 "$VSWITCHSIM_BIN" run "$SCEN/flowtable.json" --set faults.corrupt_restore_probability=0.5 \
  --json "$WORK/bad.json" --quiet
jq_true "$WORK/bad.json" '.corrupted_in_transfer > 100'
jq_true "$WORK/bad.json" '.restores.failed == .corrupted_in_transfer'
# An injected flip is the fault, not a callout bug: no restore_state_mismatch for it.
jq_true "$WORK/bad.json" '.verifier.violations == []'
# A failed restore fails the migration, as on Hyper-V: the VM stays on its source.
jq_true "$WORK/bad.json" '.migrations.failed > 50 and .migrations.failed <= .corrupted_in_transfer'
jq_true "$WORK/bad.json" '.slo[] | select(.metric == "restores.failed") | .pass == false'
echo "ok"
