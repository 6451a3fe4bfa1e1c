#!/usr/bin/env bash
# The documented options of the migration model, one migration each (one-migration.json
# with --set): the blackout timeout rolls back, a local save/restore keeps the VM where
# it is, and NIC state near and over one 64 KiB save segment is split or refused.
source "$(dirname "$0")/lib.bash"
cp "$SCEN/one-migration.json" "$SCEN/one-migration.csv" "$WORK/"
run() { # name expected-exit args...
  local name=$1 want=$2; shift 2
  expect_exit "$want" "$VSWITCHSIM_BIN" run "$WORK/one-migration.json" \
    --plugin-path "$VSWITCHSIM_TEST_PLUGIN_DIR" --json "$WORK/$name.json" --quiet "$@"
}

# A callout that takes 100 ms to complete its save, against a 50 ms blackout budget.
run timeout 0 --set plugins.0.path=pending --set 'plugins.0.params={"service": "100ms"}' \
  --set migration.timeout=50ms
jq_true "$WORK/timeout.json" '.migrations.failed == 1 and .migrations.timed_out == 1'
jq_true "$WORK/timeout.json" '.hosts.per_host[0].vms_end == 1 and .hosts.per_host[1].vms_end == 1'
jq_true "$WORK/timeout.json" '.restores.issued == 0 and .latency_us.blackout.count == 0'

# Local save/restore: saved to disk (1 s) and restored on the same host, on a new port.
printf 'time_s,vm,target\n0.5,0,\n' > "$WORK/local.csv"
run local 0 --set workload.operation=local_save_restore --set workload.file=local.csv
jq_true "$WORK/local.json" '.local_save_restores.completed == 1 and .migrations.started == 0'
jq_true "$WORK/local.json" '.hosts.per_host[0].vms_end == 1 and .restores.completed == 1'
# Its 1 s on disk is in the operation's time; a blackout is a live migration's only.
jq_true "$WORK/local.json" '.latency_us.migration.min >= 1000000 and .latency_us.blackout.count == 0'

# 1623 flows: 64944 bytes, just under one segment (64967 bytes of data: 65535 less the
# 568-byte NDIS_SWITCH_NIC_SAVE_STATE): OID #1, then an empty one and COMPLETE.
run near 0 --set plugins.0.path=flowtable --set 'plugins.0.params={"flows_per_port": 1623}'
jq_true "$WORK/near.json" '.state_bytes == 64944 and .ndis.segments == 1'
jq_true "$WORK/near.json" '.ndis.save_oids_per_save == 3 and .migrations.completed == 1'

# Two such callouts in one combined segment: 129928 bytes need 2 segments.
two='[{"name": "a", "path": "flowtable", "params": {"flows_per_port": 1623}},
      {"name": "b", "path": "flowtable", "params": {"flows_per_port": 1623}}]'
run split 0 --set "plugins=$two" --set "policies=[]" --set wfp.segments=combined --set ndis.oversize=split
jq_true "$WORK/split.json" '.ndis.segments == 2 and .ndis.save_oids_per_save == 4'
jq_true "$WORK/split.json" '.migrations.completed == 1 and .restores.completed == 1'
run refused 0 --set "plugins=$two" --set "policies=[]" --set wfp.segments=combined --set ndis.oversize=fail
jq_true "$WORK/refused.json" '.ndis.oversized_states == 1 and .migrations.failed == 1'
jq_true "$WORK/refused.json" '.hosts.per_host[0].vms_end == 1'
echo "ok"
