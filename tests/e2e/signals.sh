#!/usr/bin/env bash
# SIGINT or SIGTERM stops a run where it is: the report (JSON and CSV) is written for
# what ran, marked interrupted, and the exit code is 1. A second signal ends the program
# at once, as the signal's default would (130 for SIGINT, 143 for SIGTERM).
source "$(dirname "$0")/lib.bash"
fix=${VSWITCHSIM_TEST_PLUGIN_DIR:?}
full=100000 # seconds of arrivals: far more than the test waits for

now_ms() { date +%s%3N; }

# wait_exit PID SECONDS: sets `code` to the process's exit status; fails if it is still
# running after SECONDS.
wait_exit() {
  local pid=$1 deadline=$(( $(now_ms) + $2 * 1000 ))
  while kill -0 "$pid" 2>/dev/null; do
    [ "$(now_ms)" -lt "$deadline" ] || { kill -KILL "$pid"; fail "pid $pid still running after $2 s"; }
    sleep 0.05
  done
  set +e; wait "$pid"; code=$?; set -e
}

for sig in INT TERM; do
  "$VSWITCHSIM_BIN" run "$SRC/scenarios/migration-storm.json" --set run.duration=${full}s \
    --json "$WORK/$sig.json" --csv "$WORK/$sig.csv" --quiet 2> "$WORK/$sig.err" &
  pid=$!
  sleep 1
  kill -0 "$pid" 2>/dev/null || fail "$sig: the run ended before the signal"
  start=$(now_ms)
  kill -"$sig" "$pid"
  wait_exit "$pid" 10
  took=$(( $(now_ms) - start ))
  [ "$code" -eq 1 ] || fail "SIG$sig: exit $code, want 1 ($(head -2 "$WORK/$sig.err"))"
  jq -e . "$WORK/$sig.json" >/dev/null || fail "SIG$sig: the JSON report is not whole"
  jq_true "$WORK/$sig.json" '.interrupted == true and .crashed == null'
  jq_true "$WORK/$sig.json" ".sim_time_s > 0 and .sim_time_s < $full"
  jq_true "$WORK/$sig.json" '.migrations.completed > 0'
  [ "$(wc -l < "$WORK/$sig.csv")" -gt 1 ] || fail "SIG$sig: the CSV has no rows"
  grep -q "interrupted at" "$WORK/$sig.err" || fail "SIG$sig: no stderr line"
  echo "SIG$sig: exit 1 after $took ms at $(jq .sim_time_s "$WORK/$sig.json") s simulated"
done

# An uninterrupted run says so.
"$VSWITCHSIM_BIN" run "$SCEN/fixture.json" --plugin-path "$fix" --json "$WORK/clean.json" --quiet
jq_true "$WORK/clean.json" '.interrupted == false and .crashed == null'

# The second signal: the first cannot stop a callout that never returns (no
# --callback-timeout here), the second ends the program at once.
for case in INT:130 TERM:143; do
  sig=${case%%:*} want=${case##*:}
  "$VSWITCHSIM_BIN" run "$SCEN/fixture.json" --plugin-path "$fix" --set plugins.0.path=hang \
    --json "$WORK/hang-$sig.json" --quiet 2> "$WORK/hang-$sig.err" &
  pid=$!
  sleep 1
  kill -"$sig" "$pid"
  sleep 0.5
  kill -0 "$pid" 2>/dev/null || fail "SIG$sig: a hung callout ended the run on the first signal"
  start=$(now_ms)
  kill -"$sig" "$pid"
  wait_exit "$pid" 2
  took=$(( $(now_ms) - start ))
  [ "$code" -eq "$want" ] || fail "second SIG$sig: exit $code, want $want"
  [ "$took" -lt 1000 ] || fail "second SIG$sig: took $took ms"
  [ ! -e "$WORK/hang-$sig.json" ] || fail "second SIG$sig: a report was written"
  echo "second SIG$sig: exit $code after $took ms"
done
echo "ok"
