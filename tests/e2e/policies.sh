#!/usr/bin/env bash
# Policies as data (docs/sequence.md, "Policies as data"; docs/scenario.md, `policies` and
# `policy_changes`): WFP hands a custom port policy only to the callout whose provider GUID
# is its PropertyId (D-POLICY). From the trace of scenarios/policies.json:
# - a migration's POLICY_ADDs (validation and operational port) go to the callout the
#   policy names, one per port and policy, never to the other; the policy given by a GUID
#   that no callout has reaches no one, though the switch issues its OID;
# - an update at its time reaches each running VM's ports, where the VM runs then, as
#   POLICY_UPDATE for the named callout only; a VM in the middle of a migration gets none;
#   an update of the GUID-only policy reaches no callout;
# - a delete, likewise, as POLICY_DELETE; and a migration after the delete carries no
#   POLICY_ADD of that policy (the other callout's still come).
# - what the callout reads from the property (good's debug log, --verbose: PropertyVersion,
#   the custom property's length and first bytes, through the SDK's GET_PROPERTY and
#   CUSTOM_GET_BUFFER): the scenario's version and bytes on POLICY_ADD, one version more
#   and the new bytes on the update.
#
# The scenario: 3 hosts, 2 VMs of 2 NICs each (VM v starts on host v/2; on each host VM 2k
# has ports 1-2, VM 2k+1 ports 3-4, port 0 is the external one). Callouts "a" (good) and
# "b" (strict_port). Policies: 0 for a, 1 for b, 2 by a GUID nobody has. Changes: policy 0
# updated at 2 s, policy 2 updated at 2.5 s, policy 1 deleted at 4 s. Migrations (100 ms
# pre-copy, a new port id on the destination, its next): VM 0 -> host 1 at 1 s (ports
# 5-6), VM 5 -> host 0 at 1.95 s (ports 5-6; in flight at 2 s), VM 2 -> host 0 at 3 s
# (ports 7-8), VM 4 -> host 1 at 5 s (ports 7-8; after the delete).
source "$(dirname "$0")/lib.bash"
T=$WORK/policies.jsonl

"$VSWITCHSIM_BIN" run "$SCEN/policies.json" --plugin-path "$VSWITCHSIM_TEST_PLUGIN_DIR" \
  --trace "$T" --json "$WORK/policies.json" --quiet --verbose 2> "$WORK/policies.err" \
  || { cat "$WORK/policies.err"; fail "the run failed"; }
! grep -q 'error:' "$WORK/policies.err" || { cat "$WORK/policies.err"; fail "a callout logged an error"; }
jq_true "$WORK/policies.json" '.migrations.completed == 4 and .verifier.violations == []'
# Every policy event succeeded.
jq_true "$T" '[.[] | select(.event | test("POLICY"))] | all(.status_name == "STATUS_SUCCESS")' -s

# ---- POLICY_ADD on migrations: only to the named callout ----
# Per plugin: a's policy on every port of the 4 migrations, validation and operational
# (4 x 2 NICs x 2 = 16); b's on the 3 before its delete (3 x 2 x 2 = 12).
jq_true "$T" '[.[] | select(.kind == "callback" and .event == "POLICY_ADD")]
  | (map(select(.plugin == "a")) | length) == 16 and (map(select(.plugin == "b")) | length) == 12
  and (map(.plugin) | unique) == ["a", "b"]' -s
# Per port created (validation or operational): before the delete the switch issues one
# OID_SWITCH_PORT_PROPERTY_ADD per policy (3), and a and b get one POLICY_ADD each: the
# GUID policy's OID reaches no callout. After it, 2 OIDs and a's POLICY_ADD only.
jq -s -c '[.[] | select(.event == "OID_SWITCH_PORT_PROPERTY_ADD" or (.kind == "callback"
    and .event == "POLICY_ADD"))] | group_by([.t_ns, .host, .port, (.validation_port // false)])
  | map({t: .[0].t_ns, oids: map(select(.kind == "oid")) | length,
         got: map(select(.kind == "callback") | .plugin) | sort})' "$T" > "$WORK/adds"
jq_true "$WORK/adds" 'length == 16 and all(if .t < 4000000000
  then .oids == 3 and .got == ["a", "b"] else .oids == 2 and .got == ["a"] end)'
jq_true "$WORK/adds" '[.[] | select(.t > 4000000000)] | length == 4'
# The migration after the delete (VM 4 at 5 s) did reach b: its ports, not its policy.
jq_true "$T" '[.[] | select(.kind == "callback" and .plugin == "b" and .vm == 4
  and .t_ns == 5000000000) | .event] | (index("PORT_CREATE") != null)
  and (index("POLICY_ADD") == null)' -s

# ---- POLICY_UPDATE at 2 s: a only, every VM port where the VM runs then ----
# VM 0 runs on host 1 since 1 s (ports 5-6), VM 1 on host 0, VMs 2-3 on host 1, VM 4 on
# host 2, at their first ports; VM 5 is migrating (1.95 s + 100 ms pre-copy + blackout):
# no event. 5 VMs x 2 NICs = 10.
events() { # EVENT: "tT hH vmV nicN portP plugin" per callback of that event, sorted
  jq -r --arg e "$1" 'select(.kind == "callback" and .event == $e)
    | "t\(.t_ns) h\(.host) vm\(.vm) nic\(.nic) port\(.port) \(.plugin)"' "$T" | sort
}
events POLICY_UPDATE > "$WORK/got"
sort > "$WORK/want" <<'EV'
t2000000000 h1 vm0 nic0 port5 a
t2000000000 h1 vm0 nic1 port6 a
t2000000000 h0 vm1 nic0 port3 a
t2000000000 h0 vm1 nic1 port4 a
t2000000000 h1 vm2 nic0 port1 a
t2000000000 h1 vm2 nic1 port2 a
t2000000000 h1 vm3 nic0 port3 a
t2000000000 h1 vm3 nic1 port4 a
t2000000000 h2 vm4 nic0 port1 a
t2000000000 h2 vm4 nic1 port2 a
EV
diff -u "$WORK/want" "$WORK/got" || fail "POLICY_UPDATE: not a's policy on each running VM's ports"
# good's own log says the same: 10 POLICY_UPDATE lines, none on a validation port, at 2 s.
grep -E '\] a@host[0-9]+: debug: POLICY_UPDATE ' "$WORK/policies.err" \
  | sed -E 's/^vswitchsim: \[([0-9.]+) s\] a@host([0-9]+): debug: POLICY_UPDATE switch=host[0-9]+-vswitch0 port=([0-9]+)( version=.*)?$/\1 h\2 port\3/' \
  | sort > "$WORK/got"
sed -E 's/^t2000000000 (h[0-9]) vm[0-9] nic[0-9] (port[0-9]) a$/2.000000 \1 \2/' "$WORK/want" \
  | sort > "$WORK/want.log"
diff -u "$WORK/want.log" "$WORK/got" || fail "good's log: POLICY_UPDATE lines differ"
# The GUID-only policy's update at 2.5 s reaches no callout: nothing is called then.
jq_true "$T" '[.[] | select(.kind == "callback" and .t_ns == 2500000000)] == []' -s

# ---- POLICY_DELETE at 4 s: b only, every VM port where the VM runs then ----
# VM 2 moved to host 0 at 3 s (ports 7-8), VM 5 to host 0 by 2.05 s (ports 5-6); none in
# flight: 6 VMs x 2 NICs = 12.
events POLICY_DELETE > "$WORK/got"
sort > "$WORK/want" <<'EV'
t4000000000 h1 vm0 nic0 port5 b
t4000000000 h1 vm0 nic1 port6 b
t4000000000 h0 vm1 nic0 port3 b
t4000000000 h0 vm1 nic1 port4 b
t4000000000 h0 vm2 nic0 port7 b
t4000000000 h0 vm2 nic1 port8 b
t4000000000 h1 vm3 nic0 port3 b
t4000000000 h1 vm3 nic1 port4 b
t4000000000 h2 vm4 nic0 port1 b
t4000000000 h2 vm4 nic1 port2 b
t4000000000 h0 vm5 nic0 port5 b
t4000000000 h0 vm5 nic1 port6 b
EV
diff -u "$WORK/want" "$WORK/got" || fail "POLICY_DELETE: not b's policy on each running VM's ports"

# ---- The switch's OIDs for the changes ----
# docs/report.md: the trace has one line per OID the switch issued. A change reaches each
# port as OID_SWITCH_PORT_PROPERTY_UPDATE or _DELETE (the model sends it down the extension
# stack, held while the stack is paused), whether a callout handles it or not: 10 for the
# update at 2 s, 12 for the GUID policy's at 2.5 s (no VM in flight), 12 for the delete.
jq -s -c '[.[] | select(.kind == "oid" and (.event == "OID_SWITCH_PORT_PROPERTY_UPDATE"
    or .event == "OID_SWITCH_PORT_PROPERTY_DELETE")) | [.event, .t_ns]] | group_by(.)
  | map([.[0][0], .[0][1], length])' "$T" > "$WORK/change-oids"
# ---- What a callout reads from the property ----
# a's policy 0: version 2, bytes 0a0b0c0d until the update; the update at 2 s raises the
# version to 3 with the bytes 0a0b0c0e, and the migrations after it (3 s, 5 s) add that.
grep -E '\] a@host[0-9]+: debug: POLICY_ADD ' "$WORK/policies.err" \
  | sed -n 's/^vswitchsim: \[\([0-9.]*\) s\].* \(version=[0-9]* bytes=[0-9]* data=[0-9a-f]*\)$/\1 \2/p' \
  | awk '{ print ($1 < 2 ? "before" : "after"), $2, $3, $4 }' | sort | uniq -c \
  | awk '{ $1 = $1; print }' > "$WORK/got"
cat > "$WORK/want" <<'EV'
8 after version=3 bytes=4 data=0a0b0c0e
8 before version=2 bytes=4 data=0a0b0c0d
EV
diff -u "$WORK/want" "$WORK/got" || fail "POLICY_ADD: version and bytes as a callout reads them"
n=$(grep -cE '\] a@host[0-9]+: debug: POLICY_UPDATE .* version=3 bytes=4 data=0a0b0c0e$' "$WORK/policies.err")
[ "$n" -eq 10 ] || fail "POLICY_UPDATE: $n with version 3 and the new bytes, want 10"

want='[["OID_SWITCH_PORT_PROPERTY_DELETE",4000000000,12],["OID_SWITCH_PORT_PROPERTY_UPDATE",2000000000,10],["OID_SWITCH_PORT_PROPERTY_UPDATE",2500000000,12]]'
[ "$(cat "$WORK/change-oids")" = "$want" ] \
  || fail "policy change OIDs in the trace: [event, t_ns, count] $(cat "$WORK/change-oids"), want $want"
echo "ok"
