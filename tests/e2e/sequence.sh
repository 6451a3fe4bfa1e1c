#!/usr/bin/env bash
# The documented order, event by event, from the trace (docs/sequence.md): a live
# migration of a VM with 2 NICs through 2 callouts (D-LMS steps 1-5), a local save/restore
# and a VM power-on (D-VALPORT). Per callout and NIC the callbacks must be exactly the
# documented list; across NICs, each step must be over on every NIC before the next
# begins (the migration waits for all its NICs at each step).
source "$(dirname "$0")/lib.bash"
cp "$SCEN/sequence.json" "$SCEN/one-migration.csv" "$WORK/"

run() { # name args...: runs sequence.json with a trace
  local name=$1; shift
  "$VSWITCHSIM_BIN" run "$WORK/sequence.json" --plugin-path "$VSWITCHSIM_TEST_PLUGIN_DIR" \
    --trace "$WORK/$name.jsonl" --json "$WORK/$name.json" --quiet "$@" 2> "$WORK/$name.err" \
    || { cat "$WORK/$name.err"; fail "$name: the run failed"; }
  ! grep -q 'error:' "$WORK/$name.err" || { cat "$WORK/$name.err"; fail "$name: a callout logged an error"; }
}

# callbacks PLUGIN NIC FILE: "hH EVENT[ v]" per callback the plugin got for VM 0's NIC.
callbacks() {
  jq -r --arg p "$1" --argjson n "$2" 'select(.kind == "callback" and .plugin == $p and
      .vm == 0 and .nic == $n) | "h\(.host) \(.event)\(if .validation_port then " v" else "" end)"' "$3"
}

expect_callbacks() { # name want-file
  local name=$1 want=$2
  for p in rec strict; do
    for n in 0 1; do
      callbacks "$p" "$n" "$WORK/$name.jsonl" > "$WORK/got"
      diff -u "$want" "$WORK/got" || fail "$name: $p, NIC $n: callbacks differ from the documented order"
    done
  done
}

# ---- Live migration ----
run migrate
cat > "$WORK/want" <<'SEQ'
h1 PORT_CREATE v
h1 POLICY_ADD v
h1 PORT_DELETE v
h1 PORT_CREATE
h1 POLICY_ADD
h0 RUNTIME_STATE_SAVE
h0 INTERFACE_DISCONNECT
h0 INTERFACE_DELETE
h0 PORT_DELETE
h1 INTERFACE_CREATE
h1 INTERFACE_CONNECT
h1 RUNTIME_STATE_RESTORE
SEQ
expect_callbacks migrate "$WORK/want"
# Each NIC's OIDs, in order: the port's and its policy's, the save loop (2 blobs: one OID
# each and an empty one, then SAVE_COMPLETE), the source's teardown, the destination's
# NIC, the restore loop (a segment per callout, then RESTORE_COMPLETE).
jq -r 'select(.kind == "oid" and .nic == 0) | "h\(.host) \(.event)"' "$WORK/migrate.jsonl" > "$WORK/got"
cat > "$WORK/want" <<'SEQ'
h1 OID_SWITCH_PORT_CREATE
h1 OID_SWITCH_PORT_PROPERTY_ADD
h1 OID_SWITCH_PORT_PROPERTY_ADD
h1 OID_SWITCH_PORT_DELETE
h1 OID_SWITCH_PORT_CREATE
h1 OID_SWITCH_PORT_PROPERTY_ADD
h1 OID_SWITCH_PORT_PROPERTY_ADD
h0 OID_SWITCH_NIC_SAVE
h0 OID_SWITCH_NIC_SAVE
h0 OID_SWITCH_NIC_SAVE
h0 OID_SWITCH_NIC_SAVE_COMPLETE
h0 OID_SWITCH_NIC_DISCONNECT
h0 OID_SWITCH_NIC_DELETE
h0 OID_SWITCH_PORT_TEARDOWN
h0 OID_SWITCH_PORT_DELETE
h1 OID_SWITCH_NIC_CREATE
h1 OID_SWITCH_NIC_CONNECT
h1 OID_SWITCH_NIC_RESTORE
h1 OID_SWITCH_NIC_RESTORE
h1 OID_SWITCH_NIC_RESTORE_COMPLETE
SEQ
diff -u "$WORK/want" "$WORK/got" || fail "migrate: NIC 0's OIDs differ from the documented order"
# Steps are barriers across NICs: the last event of each step (either NIC) comes before the
# first of the next. Step of an event: 1 validation, 2 operational port, 3 save,
# 4 source teardown, 5 NIC and restore.
jq -s -e '[.[] | select(.kind == "callback" and .vm == 0)
  | if .validation_port then 1
    elif .host == 1 and (.event == "PORT_CREATE" or .event == "POLICY_ADD") then 2
    elif .event == "RUNTIME_STATE_SAVE" then 3
    elif .host == 0 then 4 else 5 end] as $steps
  | $steps == ($steps | sort)' "$WORK/migrate.jsonl" > /dev/null \
  || fail "migrate: a step began before the previous one ended on every NIC"
# The operational port has the validation port's id; the source's differs.
jq_true "$WORK/migrate.jsonl" -s '[.[] | select(.kind == "callback" and .host == 1 and .nic == 0
  and .event == "PORT_CREATE") | .port] | (length == 4 and (unique | length) == 1)'
jq_true "$WORK/migrate.json" '.migrations.completed == 1 and .restores.completed == 2'
jq_true "$WORK/migrate.json" '.verifier.violations == [] and .hosts.per_host[1].vms_end == 2'
# The blackout's parts add up to it.
jq_true "$WORK/migrate.json" '([.blackout_us[].mean] | add) as $s
  | (.latency_us.blackout.mean - $s | fabs) < 0.01'

# ---- Local save/restore: the source's save and teardown, then restore from saved state ----
printf 'time_s,vm,target\n0.5,0,\n' > "$WORK/local.csv"
run local --set workload.operation=local_save_restore --set workload.file=local.csv
cat > "$WORK/want" <<'SEQ'
h0 RUNTIME_STATE_SAVE
h0 INTERFACE_DISCONNECT
h0 INTERFACE_DELETE
h0 PORT_DELETE
h0 PORT_CREATE v
h0 POLICY_ADD v
h0 PORT_DELETE v
h0 PORT_CREATE
h0 POLICY_ADD
h0 INTERFACE_CREATE
h0 INTERFACE_CONNECT
h0 RUNTIME_STATE_RESTORE
SEQ
expect_callbacks local "$WORK/want"
jq_true "$WORK/local.json" '.local_save_restores.completed == 1 and .verifier.violations == []'

# ---- VM start: the switch starts with its external port only; each VM powers on ----
run start --set topology.vm_start=power_on
callbacks rec 0 "$WORK/start.jsonl" | head -7 > "$WORK/got"
cat > "$WORK/want" <<'SEQ'
h0 PORT_CREATE v
h0 POLICY_ADD v
h0 PORT_DELETE v
h0 PORT_CREATE
h0 POLICY_ADD
h0 INTERFACE_CREATE
h0 INTERFACE_CONNECT
SEQ
diff -u "$WORK/want" "$WORK/got" || fail "start: VM 0's power-on differs from the documented order"
jq_true "$WORK/start.json" '.vm_starts.completed == 2 and .migrations.completed == 1'
# After its power-on the VM migrates in the documented order, as above.
jq_true "$WORK/start.jsonl" -s '[.[] | select(.kind == "callback" and .plugin == "rec" and .vm == 0
  and .nic == 0)] | length == 19'
echo "ok"
