#!/usr/bin/env bash
# The report's outputs: SLO verdicts and exit codes, the time series as JSON and CSV
# (consistent with the totals), benchmark-tracker JSON, warm-up, and files that a
# killed run never leaves half-written.
source "$(dirname "$0")/lib.bash"
Q=$SRC/scenarios/quickstart.json

# SLOs: all held -> 0; one breached -> 3, and the verdict says which.
"$VSWITCHSIM_BIN" run "$Q" --json "$WORK/pass.json" --quiet
jq_true "$WORK/pass.json" '(.slo | length) == 4 and all(.slo[]; .pass)'
expect_exit 3 "$VSWITCHSIM_BIN" run "$Q" --set 'slo=["latency_us.blackout.p99 < 1", "saves.failed == 0"]' \
  --json "$WORK/breach.json" --quiet
jq_true "$WORK/breach.json" '.slo[0].pass == false and .slo[0].value > 1 and .slo[1].pass'

# Time series: one row per simulated second, the last one partial; rates x interval
# lengths add up to the totals.
"$VSWITCHSIM_BIN" run "$Q" --json "$WORK/ts.json" --csv "$WORK/ts.csv" --quiet
jq_true "$WORK/ts.json" '.timeseries.interval_s == 1 and (.timeseries.rows | length) == (.sim_time_s | ceil)'
jq_true "$WORK/ts.json" '.timeseries.rows[-1][0] == .sim_time_s'
jq_true "$WORK/ts.json" '. as $t | [range(0; .timeseries.rows | length) as $i
  | (.timeseries.rows[$i][0] - (if $i == 0 then 0 else .timeseries.rows[$i - 1][0] end)) * .timeseries.rows[$i][3]]
  | add | (. - $t.migrations.completed) | fabs < 1e-6'
[ "$(head -1 "$WORK/ts.csv")" = "$(jq -r '.timeseries.columns | join(",")' "$WORK/ts.json")" ] ||
  fail "CSV header differs from the JSON columns"
[ "$(($(wc -l < "$WORK/ts.csv") - 1))" = "$(jq '.timeseries.rows | length' "$WORK/ts.json")" ] ||
  fail "CSV rows differ from the JSON rows"

# The summary in a planner's units: a drain's migrations read in seconds, its slot waits
# get their percentiles and a table over the drain; the JSON keeps its µs, its time
# series (and the CSV) gain the waiting columns, and host_series stays within its
# buckets.
D=$SRC/scenarios/drain-one-host.json
"$VSWITCHSIM_BIN" run "$D" --json "$WORK/drain.json" --csv "$WORK/drain.csv" > "$WORK/drain.out"
grep -Eq '^  migration +40 +8\.06 s +7\.20 s ' "$WORK/drain.out" ||
  fail "the migration row does not read in seconds: $(grep '^  migration ' "$WORK/drain.out")"
grep -q '^  slot wait (40): mean 82.5 s, p50 87.2 s, p90 139 s, p99 156 s, max 157 s$' \
  "$WORK/drain.out" || fail "no slot-wait percentiles: $(cat "$WORK/drain.out")"
[ "$(grep -A8 '^  drain over time' "$WORK/drain.out" | grep -c 'host 0 (')" -eq 8 ] ||
  fail "no drain-over-time table: $(cat "$WORK/drain.out")"
jq_true "$WORK/drain.json" '(.latency_us.migration.mean * 10 | round) == 80627073 and .latency_us.slot_wait.count == 40'
jq_true "$WORK/drain.json" '.timeseries.columns[-3:] == ["migrations_waiting_mean", "migrations_waiting_max", "slot_wait_p99_us"]'
jq_true "$WORK/drain.json" '(.timeseries.rows | map(.[-2]) | max) == 38'
jq_true "$WORK/drain.json" '.host_series | (.t_s | length) as $n | $n <= 96 and $n > 0
  and (.migrations_mean | length) == 16 and all(.migrations_mean[]; length == $n)'
jq_true "$WORK/drain.json" '(.host_series.migrations_mean[0] | max) == 2'
head -1 "$WORK/drain.csv" | grep -q ',migrations_waiting_mean,migrations_waiting_max,slot_wait_p99_us$' ||
  fail "CSV without the waiting columns"
# Only a drain keeps host_series.
jq_true "$WORK/ts.json" 'has("host_series") | not'

# Benchmark trackers' format: [{name, unit, value}].
"$VSWITCHSIM_BIN" run "$Q" --bench-json "$WORK/bench.json" --quiet
jq_true "$WORK/bench.json" 'type == "array" and length >= 5 and all(.[]; (.name | type) == "string" and (.unit | type) == "string" and (.value | type) == "number")'

# Warm-up: the totals count from its end.
"$VSWITCHSIM_BIN" run "$Q" --set metrics.warmup=20s --json "$WORK/warm.json" --quiet
jq_true "$WORK/warm.json" '.measured_from_s == 20'
jq_true "$WORK/warm.json" '.migrations.completed < $all[0].migrations.completed and .migrations.completed > 0' \
  --slurpfile all "$WORK/pass.json"

# A killed run leaves the previous file or a whole new one, never half of one. strace
# holds the run inside its report write (then inside its rename) while it is killed:
# a writer that truncated the target first would leave an empty or partial file here.
command -v strace > /dev/null || fail "strace is needed (scripts/setup-debian.sh installs it)"
kill_inside() { # syscall
  echo '{"old": true}' > "$WORK/kill.json"
  strace -f -o /dev/null -e trace="$1" -e inject="$1":delay_enter=3000000 \
    "$VSWITCHSIM_BIN" run "$Q" --json "$WORK/kill.json" --quiet &
  local pid=$! i
  for i in $(seq 100); do # until the temporary file exists (and, for rename, is whole)
    if ls "$WORK"/kill.json.tmp.* > /dev/null 2>&1; then
      [ "$1" = write ] && break
      jq -e . "$WORK"/kill.json.tmp.* > /dev/null 2>&1 && break
    fi
    sleep 0.05
  done
  sleep 0.2
  # Kill the run itself, not strace: a dying tracer lets its tracee go on and finish.
  pkill -9 -f "^$VSWITCHSIM_BIN run .*$WORK/kill.json" || true
  wait "$pid" 2>/dev/null || true
  jq_true "$WORK/kill.json" '.old == true'
  rm -f "$WORK"/kill.json.tmp.*
}
kill_inside write
kill_inside rename
# And left alone, the same run replaces the old file with a whole report.
"$VSWITCHSIM_BIN" run "$Q" --json "$WORK/kill.json" --quiet
jq_true "$WORK/kill.json" '.scenario == "quickstart" and (has("old") | not)'

# A device or a pipe as an output is written in place, never renamed over: `--json
# /dev/null` must not replace /dev/null with a file, and `--json >(jq ...)` works.
if mknod -m 666 "$WORK/null" c 1 3 2>/dev/null; then
  "$VSWITCHSIM_BIN" run --quiet --json "$WORK/null" --html "$WORK/null" --csv "$WORK/null" \
    --trace "$WORK/null"
  [ -c "$WORK/null" ] || fail "an output replaced a character device with a file"
fi
"$VSWITCHSIM_BIN" run --quiet --json >(jq -r .scenario > "$WORK/piped.txt")
for _ in $(seq 50); do [ -s "$WORK/piped.txt" ] && break; sleep 0.1; done
[ "$(cat "$WORK/piped.txt")" = quickstart ] || fail "--json into a pipe: $(cat "$WORK/piped.txt")"
echo "ok"
