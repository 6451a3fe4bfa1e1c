#!/usr/bin/env bash
# `vswitchsim plan` on a scenario with constant times, where the answer is worked out by
# hand (tests/e2e/scenarios/plan-constant.json): host 0's V VMs are drained at once, two
# at a time, each migration taking T = 1.001002 s (1 s pre-copy, 1 ms pause, 1 us of NIC
# save/restore and OIDs), so the k-th VM waits floor(k/2) * T for a slot and the longest
# wait is (ceil(V/2) - 1) * T. With the SLO "slot_wait.max < 4.5 s": V = 10 waits
# 4 * T = 4.004 s and passes, V = 11 waits 5 * T = 5.005 s and fails: the answer is 10.
source "$(dirname "$0")/lib.bash"
P=$SCEN/plan-constant.json

# The per-V numbers the hand calculation rests on.
for v in 10 11; do
  "$VSWITCHSIM_BIN" run "$P" --set topology.vms_per_host=$v --json "$WORK/run$v.json" --quiet || true
done
jq_true "$WORK/run10.json" '.latency_us.slot_wait.max == 4004008'
jq_true "$WORK/run11.json" '.latency_us.slot_wait.max == 5005010'

# From the scenario's value (4), doubling to a failure (16), then bisecting: 4 8 16 12 10 11.
"$VSWITCHSIM_BIN" plan "$P" --param topology.vms_per_host --reps 3 -j 2 --json "$WORK/plan.json" \
  >"$WORK/plan.out" 2>"$WORK/plan.err"
grep -q 'is 10; 11 fails' "$WORK/plan.out" || { cat "$WORK/plan.out"; fail "plan did not answer 10"; }
jq_true "$WORK/plan.json" '.kind == "plan" and .answer == 10 and .first_failing == 11 and .complete'
jq_true "$WORK/plan.json" '[.evaluations[].value] == [4, 8, 16, 12, 10, 11]'
jq_true "$WORK/plan.json" '[.evaluations[].verdict] == ["pass", "pass", "fail", "fail", "pass", "fail"]'
jq_true "$WORK/plan.json" 'all(.evaluations[]; .runs == 3 and .slos[0].half_width == 0)'
jq_true "$WORK/plan.json" '.evaluations[4].slos[0] | .mean == 4004008 and .verdict == "pass"'

# --probes 3: three values a round, the same answer in 3 rounds instead of 6; the
# values tried depend on --probes, not on -j.
"$VSWITCHSIM_BIN" plan "$P" --param topology.vms_per_host --reps 3 --probes 3 -j 2 --quiet \
  --json "$WORK/probes.json"
jq_true "$WORK/probes.json" '.answer == 10 and .first_failing == 11 and .probes == 3'
jq_true "$WORK/probes.json" '[.evaluations[].value] == [4, 8, 16, 10, 12, 14, 11]'
"$VSWITCHSIM_BIN" plan "$P" --param topology.vms_per_host --reps 3 --probes 3 -j 1 --quiet \
  --json "$WORK/probes-j1.json"
cmp "$WORK/probes.json" "$WORK/probes-j1.json" || fail "plan --probes 3: -j 1 and -j 2 differ"

# A range given on the command line; --slo replaces the scenario's SLOs.
"$VSWITCHSIM_BIN" plan "$P" --param topology.vms_per_host=2..40 --reps 2 -j 1 --quiet \
  --slo 'latency_us.slot_wait.max < 2500000' --json "$WORK/plan2.json"
jq_true "$WORK/plan2.json" '.answer == 6 and .first_failing == 7 and .range == {"lo": 2, "hi": 40}'

# --html: the values tried as a page: a chart per SLO metric, with the SLO line.
"$VSWITCHSIM_BIN" plan "$P" --param topology.vms_per_host --reps 2 --quiet --html "$WORK/plan.html"
[ "$(grep -c '<svg' "$WORK/plan.html")" -eq 1 ] || fail "plan --html: want one chart"
grep -q 'vswitchsim plan' "$WORK/plan.html" && grep -q 'SLO &lt; 4500000' "$WORK/plan.html" ||
  fail "plan --html: no title or SLO line"
# The page states the answer and why the next value fails, in the metric's unit (the
# slot waits of 11 VMs: 5.005 s every run), and each row the runs that value took.
grep -q 'meeting every SLO: 10</p>' "$WORK/plan.html" || fail "plan --html: no answer stated"
grep -q '<b>11</b> breaches <code>latency_us.slot_wait.max &lt; 4500000</code>: 5.01 s' \
  "$WORK/plan.html" || fail "plan --html: no reason why 11 fails"
[ "$(grep -c '<td class="runs">2</td>' "$WORK/plan.html")" -eq 6 ] ||
  fail "plan --html: want 6 values of 2 runs each"
grep -q 'latency_us.slot_wait.max (s)</text>' "$WORK/plan.html" || fail "plan --html: no unit on y"

# Results do not depend on -j.
"$VSWITCHSIM_BIN" plan "$P" --param topology.vms_per_host --reps 3 -j 1 --json "$WORK/plan-j1.json" \
  --quiet >/dev/null
cmp "$WORK/plan.json" "$WORK/plan-j1.json" || fail "plan -j 1 and -j 2 differ"

# No value meets the SLO: exit 3, the answer is null.
expect_exit 3 "$VSWITCHSIM_BIN" plan "$P" --param topology.vms_per_host=12..40 --reps 2 --quiet \
  --json "$WORK/none.json"
jq_true "$WORK/none.json" '.answer == null and (.evaluations | length) == 1'

# The whole range passes: the answer is its top, with no failing value.
"$VSWITCHSIM_BIN" plan "$P" --param topology.vms_per_host=2..9 --reps 2 --quiet --json "$WORK/top.json"
jq_true "$WORK/top.json" '.answer == 9 and .first_failing == null'

# A value the scenario does not take counts as a failure and says why (nics_per_vm is
# at most 68): the answer is the largest value it takes.
"$VSWITCHSIM_BIN" plan "$P" --param topology.nics_per_vm=1..100 --reps 1 --quiet \
  --slo 'migrations.failed == 0' --json "$WORK/invalid.json"
jq_true "$WORK/invalid.json" '.answer == 68 and .first_failing == 69'
jq_true "$WORK/invalid.json" 'any(.evaluations[]; .verdict == "invalid" and (.error | test("nics_per_vm")))'

# The README's example, with random times: the intervals decide, 14 stays inconclusive
# at --max-reps (20) and counts as failing.
"$VSWITCHSIM_BIN" plan "$SRC/scenarios/drain-one-host.json" --param topology.vms_per_host=1..40 \
  --slo 'drain.duration_s < 60' --reps 5 --json "$WORK/drain.json" >"$WORK/drain.out" 2>&1
grep -q 'is 13; 14 is inconclusive at --max-reps' "$WORK/drain.out" || fail "$(cat "$WORK/drain.out")"
jq_true "$WORK/drain.json" '.answer == 13 and (.evaluations[-1] | .value == 14 and .runs == 20 and .verdict == "inconclusive")'

# Bad input: exit 2, one line, no file.
expect_exit 2 "$VSWITCHSIM_BIN" plan "$P" --param topology.vms_per_host=9..2 --json "$WORK/bad.json"
expect_exit 2 "$VSWITCHSIM_BIN" plan "$P" --param nope.nothing --json "$WORK/bad.json"
expect_exit 2 "$VSWITCHSIM_BIN" plan "$P" --param topology.vms_per_host --slo 'nope < 3' \
  --json "$WORK/bad.json" 2>"$WORK/bad.err"
grep -q 'unknown metric "nope"' "$WORK/bad.err" || fail "bad --slo not named: $(cat "$WORK/bad.err")"
[ ! -e "$WORK/bad.json" ] || fail "bad input left a file"
echo ok
