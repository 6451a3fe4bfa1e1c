#!/usr/bin/env bash
# Extension stack events (docs/sequence.md, "Extension stack events"; docs/scenario.md,
# `extensions.events`): a restart pauses a host's stack (FilterPause) and restarts it
# (FilterRestart); a reorder also puts it in a new order. While paused no OID gets through:
# the host's save, port and NIC work waits. On restart WFP raises VSWITCH_CREATE again
# with the switch's current port and NIC arrays (D-LIFE), and after a reorder the reorder
# callback follows (D-REORDER).
#
# The scenario (scenarios/extension-stack.json): 2 hosts, 2 VMs of 2 NICs each (VMs 0-1
# on host 0, VMs 2-3 on host 1); callouts "rec" (good: lifetime and reorder callbacks, and
# it logs "VSWITCH_CREATE ... ports=N nics=M") and "n" (null: save and restore only, so
# no lifetime or reorder callback). Host 1's stack: restart at 1.05 s paused 200 ms (so it
# restarts at 1.25 s), reorder at 2 s paused 1 ms (2.001 s; WFP moved below NDIS Capture).
# Migrations, 100 ms of pre-copy: VM 0 -> host 1 at 0.5 s (done by 0.602 s), VM 2 host 1 ->
# host 0 at 1 s (its blackout, the save on host 1, starts at 1.1 s: in the pause), VM 1 ->
# host 1 at 1.1 s (its validation port on host 1 falls in the pause).
source "$(dirname "$0")/lib.bash"
S=$SCEN/extension-stack.json
P0=1050000000 P1=1250000000 # host 1's pause: [P0, P1)
R1=2001000000               # the reorder's restart

run() { # name args...
  local name=$1; shift
  "$VSWITCHSIM_BIN" run "$S" --plugin-path "$VSWITCHSIM_TEST_PLUGIN_DIR" \
    --trace "$WORK/$name.jsonl" --json "$WORK/$name.json" --quiet --verbose "$@" \
    2> "$WORK/$name.err" || { cat "$WORK/$name.err"; fail "$name: the run failed"; }
  ! grep -q 'error:' "$WORK/$name.err" || { cat "$WORK/$name.err"; fail "$name: a callout logged an error"; }
  jq_true "$WORK/$name.json" '.migrations.completed == 3 and .verifier.violations == []'
}
run stack
T=$WORK/stack.jsonl

# ---- VSWITCH_CREATE again at each restart, on that host only, for lifetime subscribers ----
jq_true "$T" '[.[] | select(.event == "VSWITCH_CREATE") | [.host, .t_ns, .plugin]]
  == [[0, 0, "rec"], [1, 0, "rec"], [1, $p1, "rec"], [1, $r1, "rec"]]' -s \
  --argjson p1 $P1 --argjson r1 $R1
# It comes first when the stack restarts: the first callback on host 1 from the pause on
# (file order; the held work resumes after it).
jq_true "$T" '[.[] | select(.kind == "callback" and .host == 1 and .t_ns >= $p0)][0]
  | .event == "VSWITCH_CREATE" and .t_ns == $p1' -s --argjson p0 $P0 --argjson p1 $P1

# ---- The arrays are the host's current ones (good's log: ports=N nics=M) ----
# Each array holds the external port (its physical NIC) and the ports (NICs) of the VMs on
# the host: at 0, VMs 2-3: 1 + 2 x 2 = 5. At the restart (1.25 s): VM 3, VM 0 (arrived at
# 0.6 s) and VM 2 (paused for its save, not yet torn down); VM 1's validation port is still
# held in the paused stack: 1 + 3 x 2 = 7. At the reorder (2.001 s): VM 2 has left, VM 1
# has arrived (1.35 s): 1 + 3 x 2 = 7.
grep -E '\] rec@host[0-9]+: debug: VSWITCH_CREATE ' "$WORK/stack.err" \
  | sed -E 's/^vswitchsim: \[([0-9.]+) s\] rec@(host[0-9]+): debug: VSWITCH_CREATE switch=[^ ]+ /\1 \2 /' \
  > "$WORK/got"
cat > "$WORK/want" <<'LOG'
0.000000 host0 ports=5 nics=5
0.000000 host1 ports=5 nics=5
1.250000 host1 ports=7 nics=7
2.001000 host1 ports=7 nics=7
LOG
diff -u "$WORK/want" "$WORK/got" || fail "VSWITCH_CREATE's arrays are not the host's current ports and NICs"

# ---- The reorder callback follows VSWITCH_CREATE after a reorder, and only then ----
jq_true "$T" '[.[] | select(.event == "FILTER_ENGINE_REORDER") | [.host, .t_ns, .plugin]]
  == [[1, $r1, "rec"]]' -s --argjson r1 $R1
jq_true "$T" '[.[] | select(.kind == "callback" and .host == 1 and .t_ns == $r1) | .event]
  | .[0:2] == ["VSWITCH_CREATE", "FILTER_ENGINE_REORDER"]' -s --argjson r1 $R1
# WFP is no longer first (D-REORDER: isInRequiredPosition FALSE); moved back first, TRUE.
grep -q '\[2.001000 s\] rec@host1: debug: FILTER_ENGINE_REORDER required=0$' "$WORK/stack.err" \
  || fail "reorder with WFP second: no 'required=0'"
run first --set 'extensions.events.1.order=["Microsoft Windows Filtering Platform", "Microsoft NDIS Capture"]'
grep -q '\[2.001000 s\] rec@host1: debug: FILTER_ENGINE_REORDER required=1$' "$WORK/first.err" \
  || fail "reorder with WFP first: no 'required=1'"
# A callout that subscribes neither gets neither.
jq_true "$T" '[.[] | select(.plugin == "n") | .event] | unique == ["RUNTIME_STATE_SAVE"]' -s

# ---- OIDs on the paused host wait ----
# No callback on host 1 is called inside the pause; the OIDs issued inside it (VM 1's
# validation OID_SWITCH_PORT_CREATE and VM 2's first OID_SWITCH_NIC_SAVE, one each per
# NIC, at 1.1 s) complete only after it: an OID's t_ns is when it was issued, its
# duration includes the wait. Host 0 is not paused: VM 2's destination ports were built
# there at 1 s.
jq_true "$T" '[.[] | select(.kind == "callback" and .host == 1 and .t_ns >= $p0
  and .t_ns < $p1)] == []' -s --argjson p0 $P0 --argjson p1 $P1
jq_true "$T" '[.[] | select(.kind == "oid" and .host == 1 and .t_ns >= $p0 and .t_ns < $p1)]
  | length == 4 and all(.t_ns + .duration_ns >= $p1)
  and ([.[] | select(.event == "OID_SWITCH_PORT_CREATE" and .validation_port and .vm == 1)]
       | length == 2)
  and ([.[] | select(.event == "OID_SWITCH_NIC_SAVE" and .vm == 2)] | length == 2)' \
  -s --argjson p0 $P0 --argjson p1 $P1
# VM 2's save OIDs on host 1: 3 per NIC (rec's one segment, the empty one, SAVE_COMPLETE);
# the first issued in the pause, the others once the stack restarted at 1.25 s.
jq_true "$T" '[.[] | select(.kind == "oid" and .vm == 2
  and (.event | startswith("OID_SWITCH_NIC_SAVE")))] | length == 6 and all(.host == 1)
  and ([.[] | select(.t_ns >= $p1)] | length == 4)' -s --argjson p1 $P1

# ---- ... and so the blackout of the migration whose save falls in the pause grows ----
# VM 2's blackout starts at 1.1 s. Without the pause its save part is 1 ms (the 1 ms
# migration.pause outlasts 3 save OIDs of 2 us, ndis.oid_cost); with it, the save OIDs wait
# until 1.25 s and take 6 us: 150 ms + 6 us. The other parts do not change, so its
# blackout (the longest) grows by 150006 - 1000 = 149006 us; the other two migrations'
# saves are on host 0 and do not change.
run nopause --set 'extensions.events=[]'
jq_true "$WORK/nopause.json" '.blackout_us.save.max == 1000 and .blackout_us.save.min == 1000'
jq_true "$WORK/stack.json" '.blackout_us.save.max == 150006 and .blackout_us.save.min == 1000'
jq_true "$WORK/stack.json" '(.latency_us.blackout.max - $base[0].latency_us.blackout.max - 149006
  | fabs) < 0.001 and .latency_us.blackout.min == $base[0].latency_us.blackout.min' \
  --slurpfile base "$WORK/nopause.json"
# Without events only the switches' creation at time 0 raises VSWITCH_CREATE.
jq_true "$WORK/nopause.jsonl" '[.[] | select(.event == "VSWITCH_CREATE") | .t_ns] == [0, 0]' -s
echo "ok"
