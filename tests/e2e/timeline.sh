#!/usr/bin/env bash
# `run --timeline FILE`: the run in the Chrome trace-event format (docs/report.md
# "Timeline"). The quickstart's file passes the format checker (tests/timeline_check.py:
# required fields per phase, balanced begin/end, nested slices, time never going back
# on a track), holds what the issue asks for (a process per host, callout and NIC
# tracks, saves with their pends, migrations with their states, counters), agrees with
# the report, is the same byte for byte at the same seed, and changes nothing else.
# The cap, the bad command lines, and a checker that fails on broken files.
source "$(dirname "$0")/lib.bash"
CHECK=(python3 "$SRC/tests/timeline_check.py")
cd "$WORK"

"$VSWITCHSIM_BIN" run --timeline t.json --json r.json --quiet > out.txt 2> err.txt ||
  fail "run exited $?: $(cat err.txt)"
[ ! -s out.txt ] && [ ! -s err.txt ] || fail "--quiet printed: $(cat out.txt err.txt)"
ls t.json.tmp.* > /dev/null 2>&1 && fail "the temporary file was left behind"
"${CHECK[@]}" t.json --expect-names > check.txt || fail "format: $(cat check.txt)"

# What it shows. Processes are hosts (pid = host + 1), each named.
hosts=$(jq '.topology.hosts // 4' "$SRC/scenarios/quickstart.json")
jq_true t.json '[.traceEvents[] | select(.ph == "M" and .name == "process_name")
  | .args.name] == [range($n) | "host \(.)"]' --argjson n "$hosts"
jq_true t.json '[.traceEvents[] | select(.name == "thread_name") | .args.name]
  | any(startswith("callout ")) and any(test("^vm [0-9]+ nic [0-9]+"))'
# Saves as slices on a callout's track, some pended: a "pending" slice inside the save.
jq_true t.json '[.traceEvents[] | select(.ph == "X" and .cat == "callback"
  and .name == "RUNTIME_STATE_SAVE")] | length > 0'
jq_true t.json '[.traceEvents[] | select(.ph == "X")] as $x
  | [$x[] | select(.name == "pending")] as $p | ($p | length) > 0
  and all($p[]; . as $c | any($x[]; .pid == $c.pid and .tid == $c.tid and .cat == "callback"
      and .ts <= $c.ts and .ts + .dur >= $c.ts + $c.dur - 0.001))'
jq_true t.json '[.traceEvents[] | select(.ph == "X" and .cat == "oid")] | any(.name == "OID_SWITCH_NIC_SAVE")'
# Every completed migration: an async slice ending ONLINE, with a blackout around its
# SAVE ... RESTORE states, and a PRECOPY before it.
done_=$(jq .migrations.completed r.json)
jq_true t.json '[.traceEvents[] | select(.ph == "e" and .args.result == "ONLINE")] | length == $n' \
  --argjson n "$done_"
jq_true t.json '[.traceEvents[] | select(.ph == "b" and .name == "blackout")] | length == $n' \
  --argjson n "$done_"
for state in WAITING PRECOPY SAVE TRANSFER RESTORE; do
  jq_true t.json 'any(.traceEvents[]; .ph == "b" and .name == $s and .cat == "migration")' --arg s "$state"
done
jq_true t.json 'any(.traceEvents[]; .ph == "C" and .name == "saves" and .args["in flight"] >= 1)'
jq_true t.json '.otherData.left_out == 0 and (.otherData | has("capped_at_us") | not)'

# The same seed, the same bytes; with --trace as well, the same timeline and the same
# trace as alone; and the report as without either.
"$VSWITCHSIM_BIN" run --timeline t2.json --trace tr2.jsonl --json r2.json --quiet
"$VSWITCHSIM_BIN" run --trace tr.jsonl --quiet
cmp -s t.json t2.json || fail "the timeline differs between two runs at one seed"
cmp -s tr.jsonl tr2.jsonl || fail "--trace differs when --timeline is also given"
"$VSWITCHSIM_BIN" run --json r0.json --quiet
strip() { jq -S 'del(.wall_time_s, .events_per_wall_s)' "$1"; }
[ "$(strip r0.json)" = "$(strip r2.json)" ] || fail "--timeline changed the report"
"$VSWITCHSIM_BIN" run --timeline - > stdout.json 2> table.txt
cmp -s t.json stdout.json || fail "--timeline - differs from --timeline FILE"
grep -q pending_completion table.txt || fail "with --timeline - the table should go to stderr"

# A browser reads it: Debian's chromium, headless and offline, draws it with the page
# scripts/timeline-view makes (chrome://tracing is gone from current Chromium, and
# Perfetto's UI needs the network): every migration, counter and slice the file has.
: "${VSWITCHSIM_BUILD_DIR:?run through ctest}"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
[ -x "$CHROMIUM" ] || fail "$CHROMIUM not found: this test draws the timeline in Debian's" \
  "chromium; install it with scripts/setup-debian.sh (apt-get install chromium)"
python3 "$SRC/scripts/timeline-view" t.json t.html --zoom blackout
browser() {
  local profile
  profile=$(mktemp -d "$WORK/profile.XXXXXX")
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" "$@" 2>>"$WORK/chromium.log"
}
browser --dump-dom "file://$WORK/t.html" > dom.html ||
  fail "chromium --dump-dom failed: $(tail -3 chromium.log)"
drawn=$(sed -n 's/.*<pre id="summary">\([^<]*\)<.*/\1/p' dom.html)
[ -n "$drawn" ] || fail "the page drew nothing (a script error?)"
migs=$(jq '[.traceEvents[] | select(.ph == "b" and .name == "migrate vm \(.args.vm)")] | length' t.json)
counters=$(jq '[.traceEvents[] | select(.ph == "C") | [.pid, .name]] | unique | length' t.json)
[[ $drawn =~ ^whole:\ slices=0\ migrations=([0-9]+)\ counters=([0-9]+)\;\ zoom:\ slices=([0-9]+) ]] ||
  fail "what the page drew: $drawn"
[ "${BASH_REMATCH[1]}" -eq "$migs" ] || fail "$migs migrations in the file, drawn: $drawn"
[ "${BASH_REMATCH[2]}" -eq "$counters" ] || fail "$counters counters in the file, drawn: $drawn"
[ "${BASH_REMATCH[3]}" -gt 0 ] || fail "no slice drawn in the zoomed panel: $drawn"
browser --screenshot="$WORK/timeline.png" --window-size=1400,1300 "file://$WORK/t.html" \
  > /dev/null || fail "chromium --screenshot failed: $(tail -3 chromium.log)"
[ -s timeline.png ] || fail "no screenshot"
mkdir -p "$VSWITCHSIM_BUILD_DIR/test-artifacts"
cp timeline.png t.html "$VSWITCHSIM_BUILD_DIR/test-artifacts/"

# The CPU queue counter: local save/restore queues work on a host's CPUs.
"$VSWITCHSIM_BIN" run "$SRC/scenarios/local-save-restore.json" --timeline l.json --quiet
"${CHECK[@]}" l.json --expect-names > /dev/null || fail "local-save-restore: $("${CHECK[@]}" l.json)"
jq_true l.json 'any(.traceEvents[]; .ph == "C" and .name == "CPU queue" and .args.length >= 1)'

# The cap: a valid file that says where it stopped, and a line on stderr.
"$VSWITCHSIM_BIN" run --timeline c.json --timeline-max-events 500 --quiet 2> cap.txt
"${CHECK[@]}" c.json --expect-names > /dev/null || fail "capped: $("${CHECK[@]}" c.json)"
jq_true c.json '([.traceEvents[] | select(.ph != "M")] | length) <= 500
  and .otherData.left_out > 0 and (.otherData.capped_at_us | type) == "number"'
jq_true c.json 'any(.traceEvents[]; .ph == "e" and .args.result == "UNFINISHED")
  or all(.traceEvents[]; .ph != "b")'
grep -q "500 events, the cap" cap.txt || fail "no line about the cap: $(cat cap.txt)"

# A callout that crashes stops the run: the timeline of what ran, whole, the migration
# it crashed in UNFINISHED. A process that dies (the supervisor's parent reports it)
# leaves none, and no temporary file.
# (Under ASan the program's handler must see the fault, and a crash leaks on purpose.)
fix=${VSWITCHSIM_TEST_PLUGIN_DIR:?}
crash_asan="${ASAN_OPTIONS:+$ASAN_OPTIONS:}allow_user_segv_handler=1:handle_abort=0:detect_leaks=0"
ASAN_OPTIONS=$crash_asan expect_exit 3 "$VSWITCHSIM_BIN" run "$SCEN/fixture.json" \
  --plugin-path "$fix" --quiet \
  --set plugins.0.path=crash_segv --timeline crash.json 2> /dev/null
"${CHECK[@]}" crash.json --expect-names > /dev/null || fail "crashed: $("${CHECK[@]}" crash.json)"
jq_true crash.json 'any(.traceEvents[]; .ph == "e" and .args.result == "UNFINISHED")'
ASAN_OPTIONS=$crash_asan expect_exit 3 "$VSWITCHSIM_BIN" run "$SCEN/fixture.json" \
  --plugin-path "$fix" --quiet --set plugins.0.path=dies_in_save \
  --set 'plugins.0.params={"how":"exit"}' --timeline died.json 2> /dev/null
[ ! -e died.json ] || fail "a timeline of a run whose process died"
ls died.json.tmp.* > /dev/null 2>&1 && fail "the dead run's temporary file was left behind"

# Bad command lines: exit 2, one line, no file, no run.
for args in "--timeline /nonexistent/t.json" "--timeline-max-events 100" \
            "--timeline x.json --timeline-max-events 0" "--timeline - --json -" \
            "--timeline - --trace -"; do
  set +e
  # shellcheck disable=SC2086
  "$VSWITCHSIM_BIN" run $args --csv never.csv > o.txt 2> e.txt
  code=$?
  set -e
  [ "$code" -eq 2 ] || fail "run $args exited $code, want 2"
  [ "$(wc -l < e.txt)" -eq 1 ] || fail "run $args: not one line: $(cat e.txt)"
  [ ! -e never.csv ] && [ ! -e x.json ] || fail "run $args went ahead"
done
grep -q /nonexistent/t.json <("$VSWITCHSIM_BIN" run --timeline /nonexistent/t.json 2>&1) ||
  fail "the error does not name the file"

# The checker fails on what the format forbids.
bad() { # bad NAME JSON: the checker must refuse JSON
  printf '%s\n' "$2" > "bad-$1.json"
  if "${CHECK[@]}" "bad-$1.json" > "bad-$1.txt"; then fail "the checker accepted $1"; fi
}
ok='{"name":"a","ph":"X","ts":0,"dur":1,"pid":1,"tid":1}'
printf '{"traceEvents":[%s]}\n' "$ok" > good.json
"${CHECK[@]}" good.json > /dev/null || fail "the checker refused a good file"
bad not-json '{"traceEvents":['
bad no-pid '{"traceEvents":[{"name":"a","ph":"X","ts":0,"dur":1,"tid":1}]}'
bad no-dur '{"traceEvents":[{"name":"a","ph":"X","ts":0,"pid":1,"tid":1}]}'
bad open-B '{"traceEvents":[{"name":"a","ph":"B","ts":0,"pid":1,"tid":1}]}'
bad wrong-E '{"traceEvents":[{"name":"a","ph":"B","ts":0,"pid":1,"tid":1},{"name":"b","ph":"E","ts":1,"pid":1,"tid":1}]}'
bad lone-e '{"traceEvents":[{"name":"a","cat":"m","id":1,"ph":"e","ts":0,"pid":1,"tid":0}]}'
bad open-b '{"traceEvents":[{"name":"a","cat":"m","id":1,"ph":"b","ts":0,"pid":1,"tid":0}]}'
bad b-no-id '{"traceEvents":[{"name":"a","cat":"m","ph":"b","ts":0,"pid":1,"tid":0},{"name":"a","cat":"m","ph":"e","ts":0,"pid":1,"tid":0}]}'
bad overlap "{\"traceEvents\":[$ok,{\"name\":\"b\",\"ph\":\"X\",\"ts\":0.5,\"dur\":1,\"pid\":1,\"tid\":1}]}"
bad backwards '{"traceEvents":[{"name":"a","ph":"X","ts":5,"dur":1,"pid":1,"tid":1},{"name":"b","ph":"X","ts":1,"dur":1,"pid":1,"tid":1}]}'
bad counter '{"traceEvents":[{"name":"c","ph":"C","ts":0,"pid":1,"tid":0,"args":{"n":"x"}}]}'
bad meta '{"traceEvents":[{"name":"process_nam","ph":"M","pid":1,"tid":0,"args":{"name":"x"}}]}'
printf '{"traceEvents":[%s]}\n' "$ok" > unnamed.json
if "${CHECK[@]}" unnamed.json --expect-names > /dev/null; then fail "an unnamed track passed --expect-names"; fi
echo "ok"
