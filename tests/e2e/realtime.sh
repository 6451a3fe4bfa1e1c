#!/usr/bin/env bash
# run.clock "realtime": the threaded example plugin pends every save and completes it
# from its own pthreads (2 hosts x 4 workers = 8 threads). At speed 1000, 1 M pended
# saves (125000 local save/restore operations of 8 NICs) must all be issued, pended and
# completed exactly once through the completion inbox: none lost, no double completion,
# no timeout. Under sanitizers (VSWITCHSIM_SANITIZED) 100 k saves, unless
# VSWITCHSIM_REALTIME_OPS sets the operations (the TSan stage of .ci/run: 500 k saves,
# half the plain build's: 70 s of the CI's 16 minutes on a 2-core machine at 1 M).
# Then: the report's realtime object, --clock/--speed overriding the scenario, and a
# foreign-thread completion in virtual time (ignored with an error line, never a crash).
source "$(dirname "$0")/lib.bash"

ops=125000
[ -n "${VSWITCHSIM_SANITIZED:-}" ] && ops=12500
ops=${VSWITCHSIM_REALTIME_OPS:-$ops}
saves=$((ops * 8))
start=$(date +%s.%N)
"$VSWITCHSIM_BIN" run "$SCEN/realtime-threaded.json" --set workload.max_operations=$ops \
    --json "$WORK/rt.json" --quiet
took=$(echo "$(date +%s.%N) - $start" | bc)
jq -c '{wall_time_s, sim_time_s, saves, realtime}' "$WORK/rt.json"
echo "$saves pended saves from 8 threads in $took s wall"
jq_true "$WORK/rt.json" '.saves.issued == $n and .saves.completed == $n and .saves.pended == $n
  and .saves.failed == 0 and .saves.timed_out == 0' --argjson n "$saves"
jq_true "$WORK/rt.json" '.plugins[0].pended == $n and .plugins[0].saves == $n
  and .plugins[0].returned.pending == $n and .plugins[0].late_completions == 0
  and .plugins[0].timed_out == 0' --argjson n "$saves"
jq_true "$WORK/rt.json" '.latency_us.pending_completion.count == $n' --argjson n "$saves"
jq_true "$WORK/rt.json" '.realtime.foreign_completions == $n' --argjson n "$saves"
jq_true "$WORK/rt.json" '.verifier.violations == [] and .deterministic == false'
jq_true "$WORK/rt.json" '.realtime.speed == 1000 and .realtime.wakeups > 0
  and (.realtime.late_timers | type) == "number" and .realtime.late_max_ms >= 0
  and ([.realtime.late_ms_histogram[]] | add) == .realtime.late_timers'
# Supervised, a run this long hands over snapshots (one a wall second): the clock stood
# still while they were taken, or a slow one (TSan) would time out the pends after it.
# Unsupervised and --quiet, nothing pauses it.
jq_true "$WORK/rt.json" '(.realtime.paused_s | type) == "number"'
if [ -z "${VSWITCHSIM_NO_SUPERVISOR:-}" ] || [ "$VSWITCHSIM_NO_SUPERVISOR" = 0 ]; then
  jq_true "$WORK/rt.json" '.wall_time_s < 3 or .realtime.paused_s > 0'
fi

# Paced by the wall clock: at speed 10 a wall second is 10 simulated seconds (here
# about 0.2 s simulated: disk_time 1 ms x 200 operations / 128 in flight, and more);
# --clock and --speed override the scenario.
"$VSWITCHSIM_BIN" run "$SCEN/realtime-threaded.json" --clock realtime --speed 10 \
    --set workload.max_operations=400 --json "$WORK/pace.json" --quiet
jq -c '{wall_time_s, sim_time_s, realtime}' "$WORK/pace.json"
jq_true "$WORK/pace.json" '.realtime.speed == 10 and .sim_time_s > 0.002
  and .wall_time_s >= .sim_time_s / 10 and .wall_time_s < .sim_time_s / 10 + 2
  and .saves.completed == 3200'

# Virtual time: the same plugin's completions come from threads with no simulation.
# They are ignored with an error line (at most 5) and the requests time out, which the
# verifier reports: exit 3, no crash, and no realtime object in the report.
set +e
"$VSWITCHSIM_BIN" run "$SCEN/realtime-threaded.json" --clock virtual \
    --set workload.max_operations=2 --set wfp.pending_timeout=1s \
    --json "$WORK/virt.json" --quiet 2>"$WORK/virt.err"
rc=$?
set -e
[ "$rc" -eq 3 ] || { cat "$WORK/virt.err" >&2; fail "virtual: exit $rc, want 3"; }
grep -q 'FwpsvSwitchNotifyComplete0(.*) from a thread with no simulation: ignored' "$WORK/virt.err" ||
  fail "virtual: no error line for a foreign-thread completion"
[ "$(grep -c 'from a thread with no simulation' "$WORK/virt.err")" -le 5 ] || fail "virtual: too many lines"
jq_true "$WORK/virt.json" '.saves.timed_out > 0 and has("realtime") == false'
jq_true "$WORK/virt.json" '[.verifier.violations[].rule] | index("pending_never_completed") != null'
echo "ok"
