#!/usr/bin/env bash
# A run that did not finish says so first: the HTML page opens with a red banner (which
# plugin crashed in which callback of which signal at what simulated time, or where a
# signal stopped it) and shows no green badge; the summary table's first line says it.
source "$(dirname "$0")/lib.bash"
fix=${VSWITCHSIM_TEST_PLUGIN_DIR:?}
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}allow_user_segv_handler=1:handle_abort=0:detect_leaks=0"

# banner HTML TEXT: the page's first section is the banner, holding TEXT; nothing green.
banner() {
  local html=$1 text=$2
  grep -q '<section class="unfinished" role="alert">' "$html" || fail "$html: no banner"
  local at_banner at_header
  at_banner=$(grep -n 'class="unfinished"' "$html" | head -1 | cut -d: -f1)
  at_header=$(grep -n '^<header>' "$html" | head -1 | cut -d: -f1)
  [ "$at_banner" -lt "$at_header" ] || fail "$html: the banner is not first"
  grep -qF -- "$text" "$html" || fail "$html: the banner lacks '$text'"
  ! grep -q 'class="badge pass"\|badge verdict pass' "$html" || fail "$html: a green badge"
}

# A callout crashes: SIGSEGV in its third save.
expect_exit 3 "$VSWITCHSIM_BIN" run "$SCEN/fixture.json" --plugin-path "$fix" \
  --set plugins.0.path=crash_segv --set 'slo=["migrations.failed >= 0"]' \
  --json "$WORK/crash.json" --html "$WORK/crash.html" > "$WORK/crash.txt" 2> "$WORK/crash.err"
t=$(jq -r '.crashed.sim_time_ns / 1e9 | tostring' "$WORK/crash.json")
banner "$WORK/crash.html" "CRASHED: plugin &quot;under-test&quot; crashed in its save callback (SIGSEGV) at "
grep -q 'badge verdict fail">crashed: ' "$WORK/crash.html" || fail "crash: the verdict is not red"
grep -q '<span class="badge neutral">met so far</span>' "$WORK/crash.html" ||
  fail "crash: the met SLO is not neutral"
head -1 "$WORK/crash.txt" | grep -q '^CRASHED: plugin "under-test" crashed in its save callback (SIGSEGV) at ' ||
  fail "crash: the table does not start with it: $(head -1 "$WORK/crash.txt")"
echo "crash: $(head -1 "$WORK/crash.txt") (report: $t s)"

# A signal stops a long run.
"$VSWITCHSIM_BIN" run "$SRC/scenarios/migration-storm.json" --set run.duration=100000s \
  --json "$WORK/int.json" --html "$WORK/int.html" > "$WORK/int.txt" 2> "$WORK/int.err" &
pid=$!
sleep 1
kill -INT "$pid"
set +e; wait "$pid"; code=$?; set -e
[ "$code" -eq 1 ] || fail "interrupted: exit $code, want 1"
t=$(jq '.sim_time_s' "$WORK/int.json")
banner "$WORK/int.html" "INTERRUPTED: stopped by a signal at "
grep -q 'badge verdict neutral">did not finish: ' "$WORK/int.html" ||
  fail "interrupted: the verdict is not neutral"
head -1 "$WORK/int.txt" | grep -q '^INTERRUPTED: stopped by a signal at ' ||
  fail "interrupted: the table does not start with it: $(head -1 "$WORK/int.txt")"
echo "interrupted: $(head -1 "$WORK/int.txt") (report: $t s)"

# A run that finished has no banner.
"$VSWITCHSIM_BIN" run "$SCEN/fixture.json" --plugin-path "$fix" --html "$WORK/ok.html" --quiet
! grep -q 'class="unfinished"' "$WORK/ok.html" || fail "a finished run has a banner"
echo "ok"
