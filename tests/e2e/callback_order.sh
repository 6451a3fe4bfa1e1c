#!/usr/bin/env bash
# The callbacks a callout gets during one live migration, in order, as it logs them,
# against the documented sequence (docs/sequence.md, D-LMS steps 1-5): the destination
# creates a validation port and checks its policy, deletes it, and creates the operational
# port with the policy; the source saves, disconnects and deletes the NIC and its port;
# the destination creates and connects the NIC, then restores.
source "$(dirname "$0")/lib.bash"

cp "$SCEN/one-migration.json" "$SCEN/one-migration.csv" "$WORK/"
"$VSWITCHSIM_BIN" run "$WORK/one-migration.json" --plugin-path "$VSWITCHSIM_TEST_PLUGIN_DIR" \
  --verbose --json "$WORK/r.json" 2> "$WORK/log" > /dev/null
# "vswitchsim: [t s] rec@hostN: debug: EVENT switch=... port=P ... [validation=1]" ->
# "hostN EVENT port=P[ validation=1]"
sed -n 's/^vswitchsim: \[[0-9.]* s\] rec@\(host[0-9]*\): debug: \([A-Z_]*\) switch=[^ ]*\( port=[0-9]*\)\{0,1\}\( validation=1\)\{0,1\}.*/\1 \2\3\4/p' \
  "$WORK/log" > "$WORK/got"
cat > "$WORK/want" <<'SEQ'
host0 VSWITCH_CREATE
host1 VSWITCH_CREATE
host1 PORT_CREATE port=2 validation=1
host1 POLICY_ADD port=2 validation=1
host1 PORT_DELETE port=2 validation=1
host1 PORT_CREATE port=2
host1 POLICY_ADD port=2
host0 RUNTIME_STATE_SAVE port=1
host0 INTERFACE_DISCONNECT port=1
host0 INTERFACE_DELETE port=1
host0 PORT_DELETE port=1
host1 INTERFACE_CREATE port=2
host1 INTERFACE_CONNECT port=2
host1 RUNTIME_STATE_RESTORE port=2
host0 VSWITCH_DELETE
host1 VSWITCH_DELETE
SEQ
diff -u "$WORK/want" "$WORK/got" || fail "callback sequence differs from the documented order"
jq_true "$WORK/r.json" '.migrations.completed == 1 and .verifier.violations == []'
# The VM moved: host 1 holds both VMs at the end.
jq_true "$WORK/r.json" '.hosts.per_host[1].vms_end == 2 and .hosts.per_host[0].vms_end == 0'
echo "ok"
