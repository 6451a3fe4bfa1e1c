#!/usr/bin/env bash
# `run --trace FILE`: one JSON object per line for every callback a callout got and every
# OID the switch issued (docs/report.md "Trace"), during one live migration; and a file
# that cannot be made stops the run before it starts, with one line naming it.
source "$(dirname "$0")/lib.bash"

cp "$SCEN/one-migration.json" "$SCEN/one-migration.csv" "$WORK/"
"$VSWITCHSIM_BIN" run "$WORK/one-migration.json" --plugin-path "$VSWITCHSIM_TEST_PLUGIN_DIR" \
  --trace "$WORK/t.jsonl" --quiet
T=$WORK/t.jsonl
[ -f "$T" ] || fail "no trace written"
ls "$WORK"/t.jsonl.tmp.* > /dev/null 2>&1 && fail "the temporary file was left behind"

# Every line is one JSON object, with the fields in the documented order.
n=0
while IFS= read -r line; do
  n=$((n + 1))
  jq -e 'type == "object"' <<< "$line" > /dev/null 2>&1 || fail "line $n is not a JSON object: $line"
done < "$T"
order='["t_ns","kind","host","switch","port","vm","nic","event","plugin","status","status_name","duration_ns","pended","validation_port"]'
jq -se --argjson order "$order" 'all(.[]; [keys_unsorted[] as $k | $order | index($k)] as $i
  | ($i | all(. != null)) and $i == ($i | sort))' "$T" > /dev/null ||
  fail "a line has an unknown field or its fields out of order"
jq -se 'all(.[]; (.t_ns | type) == "number" and (.duration_ns | type) == "number"
  and (.status | test("^0x[0-9A-F]{8}$")) and (.pended | type) == "boolean"
  and (.kind == "callback" or .kind == "oid")
  and ((.kind == "callback") == has("plugin")))' "$T" > /dev/null ||
  fail "a line's fields have the wrong types"

# One migration: the callout's callbacks (the documented sequence, callback_order.sh) and
# the save and restore OIDs; both exist once the model hands its records to --trace.
jq -se '[.[] | select(.kind == "callback")] | length >= 1' "$T" > /dev/null || fail "no callback line"
jq -se '[.[] | select(.kind == "oid")] | length >= 1' "$T" > /dev/null || fail "no OID line"
jq -se 'any(.[]; .kind == "callback" and .event == "RUNTIME_STATE_SAVE" and .plugin == "rec"
  and .host == 0 and .status_name == "STATUS_SUCCESS")' "$T" > /dev/null ||
  fail "no successful RUNTIME_STATE_SAVE by rec on host 0"
jq -se 'any(.[]; .kind == "callback" and .event == "VSWITCH_CREATE" and (has("port") | not)
  and (has("vm") | not) and (has("nic") | not))' "$T" > /dev/null ||
  fail "switch events should have no port, vm or nic"

# The same run with the trace on stdout: the same lines, and the summary on stderr.
"$VSWITCHSIM_BIN" run "$WORK/one-migration.json" --plugin-path "$VSWITCHSIM_TEST_PLUGIN_DIR" \
  --trace - > "$WORK/stdout.jsonl" 2> /dev/null
cmp -s "$T" "$WORK/stdout.jsonl" || fail "--trace - differs from --trace FILE"
expect_exit 2 "$VSWITCHSIM_BIN" run "$WORK/one-migration.json" \
  --plugin-path "$VSWITCHSIM_TEST_PLUGIN_DIR" --trace - --json - --quiet

# A file that cannot be made: exit 2 before the run, one line naming it, no file.
set +e
"$VSWITCHSIM_BIN" run "$WORK/one-migration.json" --plugin-path "$VSWITCHSIM_TEST_PLUGIN_DIR" \
  --trace /nonexistent/t.jsonl --json "$WORK/never.json" > "$WORK/out" 2> "$WORK/err"
code=$?
set -e
[ "$code" -eq 2 ] || fail "unwritable --trace exited $code, want 2"
[ "$(wc -l < "$WORK/err")" -eq 1 ] || fail "unwritable --trace: not one line: $(cat "$WORK/err")"
grep -q "/nonexistent/t.jsonl" "$WORK/err" || fail "the error does not name the file: $(cat "$WORK/err")"
[ ! -e /nonexistent/t.jsonl ] || fail "a file was left at /nonexistent/t.jsonl"
[ ! -e "$WORK/never.json" ] || fail "the run went ahead"
echo "ok"
