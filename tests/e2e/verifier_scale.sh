#!/usr/bin/env bash
# A callout that breaks a rule on every operation does not flood stderr or the report:
# each rule prints its first 10 violations and one line counting the rest; --verbose
# prints them all; the report counts them exactly (by rule, by plugin, per interval in
# the CSV) and details each rule's first 100 only; the exit code is 3 either way.
source "$(dirname "$0")/lib.bash"
fix=${VSWITCHSIM_TEST_PLUGIN_DIR:?}
args=("$SCEN/fixture.json" --plugin-path "$fix" --set plugins.0.path=double_complete
      --set workload.rate_per_s=1000 --quiet)

expect_exit 3 "$VSWITCHSIM_BIN" run "${args[@]}" --json "$WORK/r.json" --csv "$WORK/r.csv" \
  --html "$WORK/r.html" 2> "$WORK/err"
n=$(jq .verifier.total "$WORK/r.json")
echo "double_completion: $n violations"
[ "$n" -gt 1000 ] || fail "want over 1000 violations, got $n"

# The report: exact counts, capped details.
jq_true "$WORK/r.json" '.verifier.total == .plugins[0].pended' # each pend completed twice
jq_true "$WORK/r.json" '.verifier.counts == {"double_completion": .verifier.total}'
jq_true "$WORK/r.json" '.verifier.by_plugin == {"under-test": {"double_completion": .verifier.total}}'
jq_true "$WORK/r.json" '(.verifier.violations | length) == 100 and .verifier.kept_per_rule == 100'
jq_true "$WORK/r.json" '.verifier.truncated == true'
jq_true "$WORK/r.json" '[.verifier.violations[].sim_time_ns] | . == sort'
size=$(wc -c < "$WORK/r.json")
[ "$size" -lt 200000 ] || fail "the report is $size bytes"

# stderr: 10 lines and the count of the rest.
lines=$(grep -c "verifier: double_completion: under-test" "$WORK/err" || true)
[ "$lines" -eq 10 ] || fail "$lines violation lines on stderr, want 10"
grep -qE "^vswitchsim: verifier: \.\.\. and [0-9,]+ more double_completion, see the report$" \
  "$WORK/err" || fail "no summary line: $(tail -2 "$WORK/err")"
rest=$(sed -n 's/.*\.\.\. and \([0-9,]*\) more.*/\1/p' "$WORK/err" | tr -d ,)
[ "$rest" -eq $((n - 10)) ] || fail "the summary says $rest more, want $((n - 10))"
[ "$(wc -l < "$WORK/err")" -eq 11 ] || fail "stderr has $(wc -l < "$WORK/err") lines, want 11"

# --verbose: every one, and no summary line.
expect_exit 3 "$VSWITCHSIM_BIN" run "${args[@]}" --verbose --json "$WORK/v.json" 2> "$WORK/verr"
lines=$(grep -c "verifier: double_completion: under-test" "$WORK/verr" || true)
[ "$lines" -eq "$n" ] || fail "--verbose: $lines lines, want $n"
! grep -q "more double_completion" "$WORK/verr" || fail "--verbose: a summary line"
jq_true "$WORK/v.json" '.verifier.total == $n' --argjson n "$n"

# The CSV's violations column adds up to the total; the HTML shows the count.
col=$(head -1 "$WORK/r.csv" | tr , '\n' | grep -nx violations | cut -d: -f1)
[ -n "$col" ] || fail "no violations column in the CSV"
sum=$(tail -n +2 "$WORK/r.csv" | awk -F, -v c="$col" '{ s += $c } END { print s }')
[ "$sum" -eq "$n" ] || fail "the CSV's violations add up to $sum, want $n"
grouped=$(printf "%d" "$n" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')
grep -q "$grouped verifier violations" "$WORK/r.html" || fail "the HTML badge lacks $grouped"
grep -q "<td class=\"text\">double_completion</td><td>$grouped</td>" "$WORK/r.html" ||
  fail "the HTML count table lacks $grouped"
echo "ok: stderr 11 lines, --verbose $n, report $size bytes"
