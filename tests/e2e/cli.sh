#!/usr/bin/env bash
# The command line's contract: help, version, usage errors (exit 2, one line), validate
# on every shipped scenario, plugin-info.
source "$(dirname "$0")/lib.bash"

"$VSWITCHSIM_BIN" --help | grep -q "usage: vswitchsim run" || fail "--help"
"$VSWITCHSIM_BIN" --version | head -1 | grep -Eq '^vswitchsim [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"
"$VSWITCHSIM_BIN" --version | grep -Eq '^mpi: (yes|no)$' || fail "--version: no mpi line"
for args in "" "frobnicate" "run --bogus" "run a.json b.json" "run --seed x" "run --set novalue" \
            "validate" "plugin-info"; do
  set +e; "$VSWITCHSIM_BIN" $args > "$WORK/out" 2> "$WORK/err"; code=$?; set -e
  [ "$code" -eq 2 ] || fail "'$args' exited $code, want 2"
done
"$VSWITCHSIM_BIN" run --bogus 2> "$WORK/err" || true
[ "$(wc -l < "$WORK/err")" -eq 1 ] || fail "usage error is not one line"

for s in "$SRC"/scenarios/*.json; do
  [ "$(basename "$s")" = schema.json ] && continue
  "$VSWITCHSIM_BIN" validate "$s" > "$WORK/out" || fail "validate $s"
  grep -q ": ok:" "$WORK/out" || fail "validate $s printed no ok"
done

plugdir=${VSWITCHSIM_PLUGIN_DIR:?}
"$VSWITCHSIM_BIN" plugin-info "$plugdir/flowtable.so" > "$WORK/info"
grep -q "ABI version: 1" "$WORK/info" || fail "plugin-info: no ABI version"
grep -Eq "runtime state save +yes" "$WORK/info" || fail "plugin-info: save callback not shown"
expect_exit 2 "$VSWITCHSIM_BIN" plugin-info "$VSWITCHSIM_TEST_PLUGIN_DIR/wrong_abi.so"

# Progress: on a terminal a line on stderr; never when stderr is not a terminal.
if command -v script > /dev/null; then
  script -qc "'$VSWITCHSIM_BIN' run --set workload.rate_per_s=20000 --set run.duration=500s > /dev/null" \
    "$WORK/tty.log" > /dev/null
  grep -q "s simulated .*M events/s" "$WORK/tty.log" || fail "no progress line on a terminal"
  script -qc "'$VSWITCHSIM_BIN' run --quiet --set workload.rate_per_s=20000 --set run.duration=8s" \
    "$WORK/tty-quiet.log" > /dev/null
  ! grep -q "M events/s" "$WORK/tty-quiet.log" || fail "progress shown with --quiet"
fi
"$VSWITCHSIM_BIN" run --set workload.rate_per_s=20000 --set run.duration=8s > /dev/null 2> "$WORK/err"
[ ! -s "$WORK/err" ] || fail "progress written when stderr is not a terminal"
echo "ok"
