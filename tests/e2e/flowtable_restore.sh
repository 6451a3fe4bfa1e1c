#!/usr/bin/env bash
# The restore path: flowtable's state round-trips through save and restore on another
# host; and when the state is corrupted in transfer, every corrupted restore is caught
# by the callout (STATUS_DATA_ERROR), the restore fails after the source was torn down
# (D-LMS step 5), and the SLO breach exits 3. What becomes of the VM then is
# migration.on_restore_failure (docs/sequence.md): off by default, or online without state.
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
jq_true "$WORK/bad.json" '.corrupted_in_transfer > 20'
jq_true "$WORK/bad.json" '.restores.failed == .corrupted_in_transfer'
# An injected flip is the fault, not a callout bug: no restore_state_mismatch for it.
jq_true "$WORK/bad.json" '.verifier.violations == []'
# The source is gone by then: each VM whose restore failed stays off, and what the
# workload asks of it later is skipped and counted.
jq_true "$WORK/bad.json" '.migrations.vm_off > 20 and .migrations.vm_off <= .corrupted_in_transfer'
jq_true "$WORK/bad.json" '.migrations.failed_at.restore == .migrations.vm_off and .skipped_vm_off > 0'
jq_true "$WORK/bad.json" '.slo[] | select(.metric == "restores.failed") | .pass == false'

# online: the VM comes up on the destination anyway, without the callout's state.
expect_exit 3 "$VSWITCHSIM_BIN" run "$SCEN/flowtable.json" --set faults.corrupt_restore_probability=0.5 \
  --set migration.on_restore_failure=online --json "$WORK/online.json" --quiet
jq_true "$WORK/online.json" '.migrations.failed == 0 and .migrations.online_without_state > 100'
jq_true "$WORK/online.json" '.migrations.online_without_state == .migrations.failed_at.restore'
echo "ok"
