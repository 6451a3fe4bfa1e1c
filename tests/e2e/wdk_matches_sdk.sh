#!/usr/bin/env bash
# Issue 17: the example driver (plugins/flowtable_wdk.c, a Windows driver's source) gives
# the results of the SDK plugin with the same logic (plugins/flowtable.c) on the same
# scenario and seed: the same saves, and the same bytes restored.
#
#  1. PendSaves 0: the JSON reports are equal once the wall clock, the plugin's path and
#     its memory account are taken out (the driver keeps its tables in LIST_ENTRY chains
#     of its own, not flowtable.c's arrays: a different allocation count and peak, with
#     no bearing on what is saved); so is the --trace, every callback and OID with its
#     time, status and duration; and with --verbose each save and restore logs its
#     blob's length and checksum (FNV-1a 64 over every other byte), which are equal line
#     for line: the bytes, not just their count. (They are needed: a driver whose
#     last-seen times are 1 ns off passes the report and trace comparisons, whose numbers
#     do not depend on the bytes, and fails this one.)
#  2. PendSaves 1 (every save completed from a DPC): the same saves, restores, times and
#     blobs; only what pending changes differs (below).
#
# Exactness needs the scenario on a 100 ns grid (tests/e2e/scenarios/wdk-matches-sdk.json):
# the driver reads KeQueryInterruptTimePrecise, in 100 ns units, where flowtable.c reads
# virtual ns; and NsPerFlow a multiple of 1000, as KeStallExecutionProcessor takes us.
source "$(dirname "$0")/lib.bash"

base=$SCEN/wdk-matches-sdk.json
# variant NAME PLUGIN-JSON: the base scenario with its plugin replaced.
variant() {
  jq --argjson p "$2" '.plugins[0] = $p' "$base" > "$WORK/$1.json"
}
variant sdk '{"name": "flows", "path": "flowtable",
              "params": {"flows_per_port": 48, "ns_per_flow": 1000}}'
variant wdk '{"name": "flows", "path": "flowtable_wdk",
              "params": {"FlowsPerPort": 48, "NsPerFlow": 1000, "PendSaves": 0}}'
variant wdkpend '{"name": "flows", "path": "flowtable_wdk",
                  "params": {"FlowsPerPort": 48, "NsPerFlow": 1000, "PendSaves": 1}}'

for v in sdk wdk wdkpend; do
  "$VSWITCHSIM_BIN" run "$WORK/$v.json" --json "$WORK/$v.report.json" --trace "$WORK/$v.trace" \
    --verbose --quiet 2> "$WORK/$v.log" || fail "$v: exit $? ($(tail -2 "$WORK/$v.log"))"
  grep -oE '(save|restore) port [0-9]+: [0-9]+ flows, [0-9]+ bytes, checksum [0-9a-f]{16}' \
    "$WORK/$v.log" > "$WORK/$v.blobs" || true
done

# The precondition: every save starts on the 100 ns grid (else the driver's last-seen
# times would be truncated to it, and the bytes would differ for a known reason).
jq -e -s 'map(select(.event == "RUNTIME_STATE_SAVE") | .t_ns % 100) | all(. == 0)' \
  "$WORK/sdk.trace" > /dev/null || fail "a save off the 100 ns grid: fix the scenario"

# 1. The reports, the traces, the blobs.
normal() {
  jq -S 'walk(if type == "object" then del(.wall_time_s, .events_per_wall_s, .wall_s,
                                           .paused_s, .elapsed_s, .wall_clock_s) else . end)
         | .plugins |= map(del(.path, .memory))' "$1"
}
normal "$WORK/sdk.report.json" > "$WORK/sdk.norm"
normal "$WORK/wdk.report.json" > "$WORK/wdk.norm"
diff "$WORK/sdk.norm" "$WORK/wdk.norm" > "$WORK/report.diff" ||
  fail "the reports differ: $(head -20 "$WORK/report.diff")"
cmp -s "$WORK/sdk.trace" "$WORK/wdk.trace" ||
  fail "the traces differ: $(diff "$WORK/sdk.trace" "$WORK/wdk.trace" | head -6)"
jq_true "$WORK/sdk.report.json" '.saves.completed > 1000 and .restores.completed == .saves.completed'
saves=$(jq '.saves.completed' "$WORK/sdk.report.json")
[ "$(grep -c '^save' "$WORK/sdk.blobs")" -eq "$saves" ] || fail "sdk: not one blob line per save"
[ "$(grep -c '^restore' "$WORK/sdk.blobs")" -eq "$saves" ] || fail "sdk: not one line per restore"
cmp -s "$WORK/sdk.blobs" "$WORK/wdk.blobs" ||
  fail "the blobs differ: $(diff "$WORK/sdk.blobs" "$WORK/wdk.blobs" | head -6)"
echo "PendSaves 0: reports, traces and $saves saves' and restores' blobs equal"

# 2. Pended saves: the same work, completed from a DPC. With kernel.dpc_delay 0 the DPC
# runs once the save's charged time is spent, which is when the SDK plugin's synchronous
# save completes: every time in the run is the same. What differs is that they pended:
# the pend counts and what is measured of pends (pending_completion, 0 us each; the
# pends in flight), the trace's "pended", and the engine's events, one per DPC run (a
# VM's two NICs are saved at once on a host: the second save finds the DPC queued, and
# one DPC completes both).
jq_true "$WORK/wdkpend.report.json" '.saves.pended == .saves.completed and .verifier.total == 0'
jq_true "$WORK/wdkpend.report.json" '.latency_us.pending_completion.count == .saves.completed and
                                     .latency_us.pending_completion.max == 0'
unpended() {
  normal "$1" | jq -S '(.timeseries.columns | index("pending_in_flight_max")) as $c
    | walk(if type == "object" then del(.pending_completion) else . end)
    | del(.events, .saves.pended, .in_flight.pending_max)
    | .plugins |= map(del(.pended, .returned))
    | .timeseries.rows |= map(.[$c] = null)'
}
unpended "$WORK/sdk.report.json" > "$WORK/sdk.unpended"
unpended "$WORK/wdkpend.report.json" > "$WORK/wdkpend.unpended"
diff "$WORK/sdk.unpended" "$WORK/wdkpend.unpended" > "$WORK/pend.diff" ||
  fail "PendSaves 1: the reports differ beyond pending: $(head -20 "$WORK/pend.diff")"
sed 's/"pended":true/"pended":false/' "$WORK/wdkpend.trace" | cmp -s "$WORK/sdk.trace" - ||
  fail "PendSaves 1: the traces differ beyond \"pended\""
cmp -s "$WORK/sdk.blobs" "$WORK/wdkpend.blobs" ||
  fail "PendSaves 1: the blobs differ: $(diff "$WORK/sdk.blobs" "$WORK/wdkpend.blobs" | head -6)"
dpcs=$(( $(jq .events "$WORK/wdkpend.report.json") - $(jq .events "$WORK/sdk.report.json") ))
[ "$dpcs" -gt 0 ] && [ "$dpcs" -le "$saves" ] || fail "PendSaves 1: $dpcs more events than $saves saves"
echo "PendSaves 1: $saves saves pended, completed by $dpcs DPC runs; all else equal"

# 3. Its registry values are checked as flowtable.c checks its params: DriverEntry fails,
# the plugin is refused before the run (exit 2), and the driver's error line says why.
for bad in '{"FlowsPerPort": 1624}' '{"NsPerFlow": "fast"}' '{"PendSaves": 2}'; do
  variant bad "{\"name\": \"flows\", \"path\": \"flowtable_wdk\", \"params\": $bad}"
  expect_exit 2 "$VSWITCHSIM_BIN" run "$WORK/bad.json" --quiet 2> "$WORK/bad.err"
  grep -q "flowtable_wdk: registry value .*: want a REG_DWORD of at most" "$WORK/bad.err" ||
    fail "params $bad: no error line from the driver ($(head -2 "$WORK/bad.err"))"
  grep -q 'DriverEntry failed on host 0 with STATUS_INVALID_PARAMETER' "$WORK/bad.err" ||
    fail "params $bad: not refused with STATUS_INVALID_PARAMETER ($(tail -1 "$WORK/bad.err"))"
done
echo "ok"
