# Out of memory, everywhere (issue 15): a program built with -DVSWITCHSIM_FAILALLOC=ON
# fails its N-th allocation (sim/failalloc/failalloc.c) while it runs a small scenario
# with a plugin and writes --json, --csv and --html; for every N up to the number of
# allocations the run makes, it must exit 1 with one line on stderr saying "out of
# memory": no crash, no abort, no hang, no other exit code, no leak (under ASan), no
# temporary file left, and no output file other than a complete one. Registered only in
# a build with VSWITCHSIM_FAILALLOC (tests/CMakeLists.txt).
#
# Which N: all of them with VSWITCHSIM_ALLOC_FAILURE_STRIDE=1 (bench/alloc_failure);
# by default every N up to VSWITCHSIM_ALLOC_FAILURE_DENSE (300: scenario and plugin
# loading, where the allocations differ most), then every STRIDE-th (default 11) beyond,
# which keeps CI's ASan run of it near two minutes.
source "$(dirname "$0")/lib.bash"
dense=${VSWITCHSIM_ALLOC_FAILURE_DENSE:-300}
stride=${VSWITCHSIM_ALLOC_FAILURE_STRIDE:-11}
jobs=${VSWITCHSIM_ALLOC_FAILURE_JOBS:-2}
plugins=$VSWITCHSIM_BUILD_DIR/tests/plugins

# run_at DIR N: the run in DIR, its N-th allocation failing (N 0: none), stderr in DIR/err.
run_at() {
  local dir=$1 n=$2
  mkdir -p "$dir/out"
  set +e
  VSWITCHSIM_FAIL_ALLOC_AT=$n VSWITCHSIM_FAIL_ALLOC_LOG=$dir/count \
    timeout 60 "$VSWITCHSIM_BIN" run "$SCEN/fixture.json" --plugin-path "$plugins" --quiet \
    --json "$dir/out/report.json" --csv "$dir/out/report.csv" --html "$dir/out/report.html" \
    >"$dir/stdout" 2>"$dir/err"
  echo $? >"$dir/rc"
  set -e
}

# check_outputs DIR: each output there is whole (the reference's, apart from the wall
# clock), and nothing else is there (no temporary file left by an atomic write).
check_outputs() {
  local dir=$1 f
  for f in "$dir"/out/*; do
    [ -e "$f" ] || continue
    case ${f##*/} in
      report.json) cmp -s <(jq -S 'del(.wall_time_s, .events_per_wall_s)' "$f") "$WORK/ref.json" ||
                     fail "N=$n: report.json is not whole" ;;
      report.csv)  [ "$(head -1 "$f")" = "$(head -1 "$WORK/ref/out/report.csv")" ] &&
                   [ "$(wc -l <"$f")" = "$(wc -l <"$WORK/ref/out/report.csv")" ] ||
                     fail "N=$n: report.csv is not whole" ;;
      report.html) tail -c 200 "$f" | grep -q '</html>' || fail "N=$n: report.html is not whole" ;;
      *) fail "N=$n: left behind ${f##*/}" ;;
    esac
  done
}

# check_one N: the run failing its N-th allocation ends as it should.
check_one() {
  local n=$1 dir=$WORK/n$1
  run_at "$dir" "$n"
  local rc lines
  rc=$(cat "$dir/rc") lines=$(wc -l <"$dir/err")
  [ "$rc" = 1 ] || fail "N=$n: exit $rc, want 1; stderr: $(head -c 2000 "$dir/err")"
  [ "$lines" = 1 ] || fail "N=$n: $lines lines on stderr, want 1: $(head -c 2000 "$dir/err")"
  grep -q 'out of memory' "$dir/err" || fail "N=$n: stderr does not say out of memory: $(cat "$dir/err")"
  check_outputs "$dir"
  rm -rf "$dir"
}

if [ "${1:-}" = --one ]; then # a worker of the sweep below (xargs): the sweep's WORK
  rmdir "$WORK"
  WORK=$2
  trap - EXIT
  check_one "$3"
  exit 0
fi

# The reference: nothing fails; it counts the allocations (K) the whole run makes.
run_at "$WORK/ref" 0
[ "$(cat "$WORK/ref/rc")" = 0 ] || fail "the reference run: exit $(cat "$WORK/ref/rc"): $(cat "$WORK/ref/err")"
jq -S 'del(.wall_time_s, .events_per_wall_s)' "$WORK/ref/out/report.json" >"$WORK/ref.json"
K=$(cat "$WORK/ref/count")
[ "$K" -gt 100 ] || fail "only $K allocations counted: is this a VSWITCHSIM_FAILALLOC build?"

# Every N in the plan, two at a time; the first failure stops the sweep.
started=$(date +%s)
{ seq 1 "$((dense < K ? dense : K))"; [ "$dense" -ge "$K" ] || seq "$((dense + stride))" "$stride" "$K"; } >"$WORK/plan"
xargs -P "$jobs" -I{} bash "$0" --one "$WORK" {} <"$WORK/plan" || fail "the sweep stopped (see above)"
tried=$(wc -l <"$WORK/plan")
which="every N to $dense, then every ${stride}th"
[ "$stride" != 1 ] || which="every N"

# N = K + 1 fails nothing: the run goes through.
check_n=$((K + 1))
run_at "$WORK/past" "$check_n"
[ "$(cat "$WORK/past/rc")" = 0 ] ||
  fail "N=$check_n: exit $(cat "$WORK/past/rc"), want 0 (no allocation fails): $(cat "$WORK/past/err")"
echo "alloc_failure: N=1..$K ($tried tried: $which) all ended with exit 1 and one line, in $(( $(date +%s) - started )) s"
