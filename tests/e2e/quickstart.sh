#!/usr/bin/env bash
# `vswitchsim run` with no scenario runs the default one, prints a summary, writes JSON
# with the stable keys, and the same seed gives the same bytes apart from wall clock.
source "$(dirname "$0")/lib.bash"

"$VSWITCHSIM_BIN" run > "$WORK/summary.txt" 2> "$WORK/stderr.txt" || fail "run exited $?"
grep -q "quickstart" "$WORK/summary.txt" || fail "summary does not name the scenario"
grep -q "pending_completion" "$WORK/summary.txt" || fail "summary has no latency table"
[ ! -s "$WORK/stderr.txt" ] || fail "stderr not empty: $(head -3 "$WORK/stderr.txt")"

"$VSWITCHSIM_BIN" run --json "$WORK/a.json" --quiet > "$WORK/quiet.txt"
[ ! -s "$WORK/quiet.txt" ] || fail "--quiet still printed"
"$VSWITCHSIM_BIN" run --json - 2>/dev/null > "$WORK/b.json"
for key in scenario seed sim_time_s wall_time_s events events_per_wall_s saves restores \
           migrations throughput latency_us in_flight plugins slo verifier; do
  jq_true "$WORK/a.json" "has(\"$key\")"
done
for k in issued completed pended failed timed_out; do jq_true "$WORK/a.json" ".saves | has(\"$k\")"; done
for k in started completed failed; do jq_true "$WORK/a.json" ".migrations | has(\"$k\")"; done
for l in pending_completion save restore callback blackout migration; do
  for s in count mean min max p50 p90 p99 p999; do jq_true "$WORK/a.json" ".latency_us.$l | has(\"$s\")"; done
done
jq_true "$WORK/a.json" '.migrations.completed > 50 and .migrations.failed == 0'
jq_true "$WORK/a.json" '.saves.completed == 2 * .migrations.completed and .restores.completed == .saves.completed'
jq_true "$WORK/a.json" '.latency_us.blackout.count == .migrations.completed and .hosts.migrations_peak <= 2'
jq_true "$WORK/a.json" '.plugins | length == 3 and all(.saves > 0)'
jq_true "$WORK/a.json" '.latency_us.pending_completion.count > 0'
jq_true "$WORK/a.json" '.verifier.violations == [] and all(.slo[]; .pass)'

strip() { jq -S 'del(.wall_time_s, .events_per_wall_s)' "$1"; }
cmp <(strip "$WORK/a.json") <(strip "$WORK/b.json") || fail "same seed, different reports"
"$VSWITCHSIM_BIN" run --seed 2 --json "$WORK/c.json" --quiet
! cmp -s <(strip "$WORK/a.json") <(strip "$WORK/c.json") || fail "another seed gave the same report"
echo "ok"
