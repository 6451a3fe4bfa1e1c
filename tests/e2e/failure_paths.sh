#!/usr/bin/env bash
# Every documented failure path of a live migration, one run each, with its documented
# consequence and counters (docs/sequence.md "Failure paths", D-LMS steps 1-5): the refuse
# fixture refuses one step with STATUS_DATA_NOT_ACCEPTED; the trace shows what each host's
# callouts got, the report how the migration ended and where the VM is.
source "$(dirname "$0")/lib.bash"
cp "$SCEN/refuse.json" "$SCEN/one-migration.csv" "$WORK/"

run() { # name exit refuse-point args...
  local name=$1 want=$2 point=$3; shift 3
  expect_exit "$want" "$VSWITCHSIM_BIN" run "$WORK/refuse.json" \
    --plugin-path "$VSWITCHSIM_TEST_PLUGIN_DIR" --set "plugins.1.params={\"refuse\": \"$point\"}" \
    --trace "$WORK/$name.jsonl" --json "$WORK/$name.json" --quiet "$@"
}

# events NAME HOST: the callbacks `rec` got on HOST for VM 0, "EVENT[ v]" each.
events() {
  jq -r --argjson h "$2" 'select(.kind == "callback" and .plugin == "rec" and .vm == 0 and
      .host == $h) | "\(.event)\(if .validation_port then " v" else "" end)"' "$WORK/$1.jsonl" | paste -sd' ' -
}

expect_events() { # name host want
  local got; got=$(events "$1" "$2")
  [ "$got" = "$3" ] || fail "$1: host $2 saw '$got', want '$3'"
}

# The VM runs on at the source, and the source saw nothing of it beyond its save.
stays_at_source() {
  jq_true "$WORK/$1.json" '.migrations.failed == 1 and .migrations.completed == 0'
  jq_true "$WORK/$1.json" '.hosts.per_host[0].vms_end == 2 or .hosts.per_host[0].vms_end == 1'
  jq_true "$WORK/$1.json" '.hosts.per_host[1].vms_end == 1'
}

# 1. The validation port refused: nothing on the source changes; the migration does not
#    continue for that destination.
run vport 3 validation_port
stays_at_source vport
expect_events vport 0 ""
expect_events vport 1 "PORT_CREATE v"
jq_true "$WORK/vport.json" '.migrations.refused == 1 and .migrations.failed_at.validation == 1'
jq_true "$WORK/vport.jsonl" -s '[.[] | select(.plugin == "r" and .event == "PORT_CREATE")][0]
  | .status == "0xC000021B" and .validation_port'

# 2. A policy refused on the validation port: the validation port is deleted, the same.
run vpolicy 3 validation_policy
stays_at_source vpolicy
expect_events vpolicy 0 ""
expect_events vpolicy 1 "PORT_CREATE v POLICY_ADD v PORT_DELETE v"
jq_true "$WORK/vpolicy.json" '.migrations.refused == 1 and .migrations.failed_at.validation == 1'

# ... or with migration.on_refused "next_host", up to migration.max_destinations (3), for
#    a migration whose destination is left to migration.placement (a trace row that names
#    its target is bound to it): every destination refuses here, so three are tried.
printf 'time_s,vm,target\n0.5,0,\n' > "$WORK/any.csv"
run next 3 validation_port --set migration.on_refused=next_host --set workload.file=any.csv
jq_true "$WORK/next.json" '.migrations.refused == 3 and .migrations.retried_elsewhere == 2'
jq_true "$WORK/next.json" '.migrations.started == 1 and .migrations.failed == 1'
jq_true "$WORK/next.jsonl" -s '[.[] | select(.plugin == "rec" and .event == "PORT_CREATE") | .host]
  | unique == [1, 2, 3]'
# Those refusals never reached the source.
expect_events next 0 ""

# 3. The operational port refused: the VM runs on at the source; nothing to delete.
run port 3 operational_port
stays_at_source port
expect_events port 0 ""
expect_events port 1 "PORT_CREATE v POLICY_ADD v PORT_DELETE v PORT_CREATE"
jq_true "$WORK/port.json" '.migrations.failed_at.operational_port == 1 and .migrations.refused == 0'

# ... and an operational policy refused: the port it was on is deleted.
run policy 3 operational_policy
stays_at_source policy
expect_events policy 1 "PORT_CREATE v POLICY_ADD v PORT_DELETE v PORT_CREATE POLICY_ADD PORT_DELETE"

# 4. The save failed: the VM resumes at the source (no teardown there); the destination's
#    operational port is deleted.
run save 3 save
stays_at_source save
expect_events save 0 "RUNTIME_STATE_SAVE"
expect_events save 1 "PORT_CREATE v POLICY_ADD v PORT_DELETE v PORT_CREATE POLICY_ADD PORT_DELETE"
jq_true "$WORK/save.json" '.migrations.failed_at.save == 1 and .saves.failed == 1'
jq_true "$WORK/save.json" '.latency_us.blackout.count == 0 and .restores.issued == 0'

# 5. The restore failed, after the source's teardown: by default the VM does not come up;
#    the destination's NIC and port are torn down.
run restore 3 restore
expect_events restore 0 "RUNTIME_STATE_SAVE INTERFACE_DISCONNECT INTERFACE_DELETE PORT_DELETE"
expect_events restore 1 "PORT_CREATE v POLICY_ADD v PORT_DELETE v PORT_CREATE POLICY_ADD INTERFACE_CREATE INTERFACE_CONNECT RUNTIME_STATE_RESTORE INTERFACE_DISCONNECT INTERFACE_DELETE PORT_DELETE"
jq_true "$WORK/restore.json" '.migrations.failed == 1 and .migrations.vm_off == 1'
jq_true "$WORK/restore.json" '.migrations.failed_at.restore == 1 and .restores.failed == 1'
jq_true "$WORK/restore.json" '.hosts.per_host[0].vms_end == 0'

#    With migration.on_restore_failure "online" it comes up without the state.
run online 0 restore --set migration.on_restore_failure=online
expect_events online 1 "PORT_CREATE v POLICY_ADD v PORT_DELETE v PORT_CREATE POLICY_ADD INTERFACE_CREATE INTERFACE_CONNECT RUNTIME_STATE_RESTORE"
jq_true "$WORK/online.json" '.migrations.completed == 1 and .migrations.online_without_state == 1'
jq_true "$WORK/online.json" '.migrations.failed_at.restore == 1 and .hosts.per_host[1].vms_end == 2'

# 6. The destination's NIC create refused: a failed restore's consequence; the port goes.
run nic 3 interface_create
expect_events nic 1 "PORT_CREATE v POLICY_ADD v PORT_DELETE v PORT_CREATE POLICY_ADD INTERFACE_CREATE PORT_DELETE"
jq_true "$WORK/nic.json" '.migrations.vm_off == 1 and .migrations.failed_at.nic_connect == 1'
echo "ok"
