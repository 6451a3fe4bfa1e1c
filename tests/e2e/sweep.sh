#!/usr/bin/env bash
# `vswitchsim sweep`: a grid of parameter values with replications, across processes;
# the same JSON whatever -j; CSV and HTML; a sweep declared in the scenario; an
# interrupted sweep resumed to the same bytes; bad input refused before anything runs.
source "$(dirname "$0")/lib.bash"
Q=$SRC/scenarios/quickstart.json
grid=(--set run.duration=4s --param workload.rate_per_s=1,2 --param topology.vms_per_host=4..8:x2 --reps 3)

# A 2 x 2 grid, 3 reps: -j 1 and -j 2 write the same bytes.
"$VSWITCHSIM_BIN" sweep "$Q" "${grid[@]}" -j 1 --json "$WORK/j1.json" --csv "$WORK/j1.csv" \
  --html "$WORK/j1.html" >"$WORK/j1.out"
"$VSWITCHSIM_BIN" sweep "$Q" "${grid[@]}" -j 2 --json "$WORK/j2.json" --quiet
cmp "$WORK/j1.json" "$WORK/j2.json" || fail "-j 1 and -j 2 differ"
jq_true "$WORK/j1.json" '.kind == "sweep" and .complete and .reps == 3 and (.points | length) == 4'
jq_true "$WORK/j1.json" '[.points[].params] == [[1, 4], [1, 8], [2, 4], [2, 8]]'
jq_true "$WORK/j1.json" 'all(.points[]; (.runs | length) == 3 and ([.runs[].rep] == [0, 1, 2]))'
# Rep 0 runs on the scenario's seed, the others on seeds of their own, the same at every point.
jq_true "$WORK/j1.json" '.points[0].runs[0].seed == 42 and ([.points[].runs[1].seed] | unique | length) == 1'
jq_true "$WORK/j1.json" '.points[0].runs[1].seed != 42 and .points[0].runs[1].seed != .points[0].runs[2].seed'

# Each run is the plain `run` with its seed and values: rep 1 of point [2, 8] reproduces
# (to the report's 12 digits; the sweep keeps 15).
# (python3, not jq: jq 1.6 reads integers as doubles and would round a 63-bit seed)
seed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["points"][3]["runs"][1]["seed"])' "$WORK/j1.json")
"$VSWITCHSIM_BIN" run "$Q" --set run.duration=4s --set workload.rate_per_s=2 --set topology.vms_per_host=8 \
  --seed "$seed" --json "$WORK/one.json" --quiet
jq_true "$WORK/j1.json" '(.metrics | index("throughput.saves_per_s")) as $i |
  (.points[3].runs[1].values[$i] - $one[0].throughput.saves_per_s | fabs) <= 1e-9 * $one[0].throughput.saves_per_s
  and $one[0].throughput.saves_per_s > 0' --slurpfile one "$WORK/one.json"

# The summary is the mean and Student-t interval of the runs' values.
jq_true "$WORK/j1.json" '(.metrics | index("throughput.saves_per_s")) as $i | .points[0] |
  ([.runs[].values[$i]] | add / length) as $m | (.summary["throughput.saves_per_s"].mean - $m | fabs) < 1e-9 * ($m + 1)'
jq_true "$WORK/j1.json" 'all(.points[].summary[]; .n == 3 and (.half_width == null or (.low <= .mean and .mean <= .high)))'

# The table on stdout, CSV with a row per point, HTML with a chart per metric.
grep -q 'workload.rate_per_s' "$WORK/j1.out" || fail "no table on stdout"
[ "$(wc -l <"$WORK/j1.csv")" -eq 5 ] || fail "CSV: want a header and 4 rows"
head -1 "$WORK/j1.csv" | grep -q '^workload.rate_per_s,topology.vms_per_host,latency_us.blackout.p99_mean,' ||
  fail "CSV header: $(head -1 "$WORK/j1.csv")"
[ "$(grep -c '<svg' "$WORK/j1.html")" -eq "$(jq '.metrics | length' "$WORK/j1.json")" ] || fail "HTML: one chart per metric"

# --json - : the document on stdout, the table on stderr.
"$VSWITCHSIM_BIN" sweep "$Q" "${grid[@]}" -j 2 --json - 2>/dev/null | cmp - "$WORK/j1.json" ||
  fail "--json - differs from the file"

# A sweep declared in the scenario; `run` ignores the section.
"$VSWITCHSIM_BIN" sweep "$SCEN/sweep-section.json" --json "$WORK/sec.json" --quiet
jq_true "$WORK/sec.json" '.params == [{"key": "workload.rate_per_s", "values": [1, 2, 4]}, {"key": "migration.max_per_host", "values": [1, 2]}]'
jq_true "$WORK/sec.json" '.reps == 2 and .metrics[-1] == "latency_us.slot_wait.p99" and (.points | length) == 6'
"$VSWITCHSIM_BIN" run "$SCEN/sweep-section.json" --quiet

# SLOs breached in some runs: exit 3, and runs_passed says where.
expect_exit 3 "$VSWITCHSIM_BIN" sweep "$Q" --set run.duration=4s --param workload.rate_per_s=1,2 \
  --set 'slo=["throughput.saves_per_s < 1.5"]' --json "$WORK/breach.json" --quiet
jq_true "$WORK/breach.json" '[.points[].runs_passed] == [1, 0]'

# Interrupted (SIGINT) and resumed: the same bytes as the sweep that ran through.
long=(--set run.duration=60s --param workload.rate_per_s=1..24 --reps 2 -j 1)
if [ -n "${VSWITCHSIM_SANITIZED:-}" ]; then # ~10x slower runs: fewer, still interrupted
  long=(--set run.duration=20s --param workload.rate_per_s=1..12 --reps 2 -j 1)
fi
"$VSWITCHSIM_BIN" sweep "$Q" "${long[@]}" --json "$WORK/full.json" --quiet
"$VSWITCHSIM_BIN" sweep "$Q" "${long[@]}" --json "$WORK/part.json" --quiet 2>"$WORK/int.err" &
pid=$!
# The file is written at the start and again after the first finished run (~30 ms);
# the sweep has 47 more to go (~1.4 s here).
has_runs() { jq -e '(.points | length) > 0' "$WORK/part.json" >/dev/null 2>&1; }
for _ in $(seq 1200); do has_runs && break; sleep 0.05; done
has_runs || fail "no run in the partial output after 60 s"
kill -INT $pid || fail "the sweep ended before it could be interrupted"
set +e; wait $pid; rc=$?; set -e
[ "$rc" -eq 1 ] || fail "interrupted sweep: exit $rc, want 1"
grep -q 'interrupted after' "$WORK/int.err" || fail "no interruption message: $(cat "$WORK/int.err")"
jq_true "$WORK/part.json" '.complete == false and ([.points[].runs[]] | length) < ([.params[0].values[]] | length) * 2'
jq_true "$WORK/part.json" '([.points[].runs[]] | length) >= 1'
"$VSWITCHSIM_BIN" sweep "$Q" "${long[@]}" --json "$WORK/part.json" --resume --quiet 2>"$WORK/res.err"
grep -q 'runs kept' "$WORK/res.err" || fail "resume did not say what it kept"
cmp "$WORK/full.json" "$WORK/part.json" || fail "the resumed sweep differs from the full one"

# More reps later: the first ones are kept, the document is the 4-rep sweep's.
"$VSWITCHSIM_BIN" sweep "$Q" "${grid[@]}" --reps 4 -j 2 --json "$WORK/j1.json" --resume --quiet 2>"$WORK/more.err"
grep -q '12 runs kept, 4 to go' "$WORK/more.err" || fail "$(cat "$WORK/more.err")"
"$VSWITCHSIM_BIN" sweep "$Q" "${grid[@]}" --reps 4 -j 2 --json "$WORK/four.json" --quiet
cmp "$WORK/j1.json" "$WORK/four.json" || fail "3 reps resumed to 4 differ from 4 reps"

# --resume with another sweep's file: exit 2, the file untouched.
cp "$WORK/sec.json" "$WORK/other.json"
expect_exit 2 "$VSWITCHSIM_BIN" sweep "$Q" "${grid[@]}" --json "$WORK/other.json" --resume --quiet
cmp "$WORK/sec.json" "$WORK/other.json" || fail "a refused resume changed the file"

# Bad input: one line naming the file, the JSON path and the swept value; exit 2; no file.
set +e
"$VSWITCHSIM_BIN" sweep "$Q" --param topology.hosts=4,1 --json "$WORK/bad.json" 2>"$WORK/bad.err"
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "bad swept value: exit $rc"
[ "$(wc -l <"$WORK/bad.err")" -eq 1 ] || fail "want one line: $(cat "$WORK/bad.err")"
grep -q "quickstart.json: \$.topology.hosts: .*swept value topology.hosts=1" "$WORK/bad.err" ||
  fail "message: $(cat "$WORK/bad.err")"
[ ! -e "$WORK/bad.json" ] || fail "bad input left a file"
expect_exit 2 "$VSWITCHSIM_BIN" sweep "$Q" --param 'workload.rate_per_s=4..1' --json "$WORK/bad.json"
expect_exit 2 "$VSWITCHSIM_BIN" sweep "$Q" --param 'seed=1,2'
expect_exit 2 "$VSWITCHSIM_BIN" sweep "$Q" --param 'x=1' --param 'x=2'
expect_exit 2 "$VSWITCHSIM_BIN" sweep "$Q" --metric nope.nothing --param workload.rate_per_s=1
expect_exit 2 "$VSWITCHSIM_BIN" sweep "$Q"
expect_exit 2 "$VSWITCHSIM_BIN" sweep "$Q" --param workload.rate_per_s=1 --resume
[ ! -e "$WORK/bad.json" ] || fail "bad input left a file"

# An output that cannot be written fails at the start, not after the first run.
set +e
"$VSWITCHSIM_BIN" sweep "$Q" --param workload.rate_per_s=1 --json "$WORK/no/such/dir/x.json" \
  --quiet 2>"$WORK/nodir.err"
rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q 'no/such/dir/x.json' "$WORK/nodir.err" || fail "unwritable --json: exit $rc"
echo ok
