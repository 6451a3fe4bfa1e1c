#!/usr/bin/env bash
# Scenario ergonomics: "extends" and host ranges. scenarios/drain-500-hosts.json extends
# drain-one-host.json and drains hosts "0..499"; the same scenario written out whole
# (the base merged by hand as RFC 7386 says, the range listed host by host) must give
# the same report, byte for byte apart from wall clock and the scenario's name, under
# `validate`, `run` and `--set` alike. A chain across folders takes each file's relative
# paths from its own folder, and an error in a base names the base.
source "$(dirname "$0")/lib.bash"

ext=$SRC/scenarios/drain-500-hosts.json
flat=$WORK/drain-500-hosts-flat.json

# The flattened equivalent, by python rather than by the loader under test.
python3 - "$SRC/scenarios/drain-one-host.json" "$ext" "$flat" <<'PY'
import json, sys
def patch(base, over):
    if not isinstance(over, dict):
        return over
    out = dict(base) if isinstance(base, dict) else {}
    for k, v in over.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = patch(out.get(k), v)
    return out
base, child = (json.load(open(p)) for p in sys.argv[1:3])
child.pop("extends")
for own in ("$schema", "name", "description"):  # a file's own, never inherited
    base.pop(own, None)
merged = patch(base, child)
hosts = []
for h in merged["workload"]["hosts"]:
    a, b = (int(x) for x in h.split("..")) if isinstance(h, str) else (h, h)
    hosts += range(a, b + 1)
merged["workload"]["hosts"] = hosts
assert len(hosts) == 500
merged["$schema"] = "https://example.invalid/not-read"
json.dump(merged, open(sys.argv[3], "w"), indent=1)
PY

out=$("$VSWITCHSIM_BIN" validate "$ext")
[[ $out == *'"drain-500-hosts", 1000 hosts x 8 VMs x 2 NICs, 3 plugins, 3 SLOs'* ]] ||
  fail "validate: $out"
"$VSWITCHSIM_BIN" validate "$flat" >/dev/null

strip() { jq -S 'del(.wall_time_s, .events_per_wall_s, .scenario)' "$1"; }
"$VSWITCHSIM_BIN" run "$ext" --json "$WORK/ext.json" --quiet
"$VSWITCHSIM_BIN" run "$flat" --json "$WORK/flat.json" --quiet
jq_true "$WORK/ext.json" '.drain.vms == 4000 and .drain.finished and .drain.failed == 0'
jq_true "$WORK/ext.json" '[.hosts.per_host[0:500][].vms_end] | add == 0'
jq_true "$WORK/ext.json" '[.hosts.per_host[500:][].vms_end] | add == 8000'
cmp <(strip "$WORK/ext.json") <(strip "$WORK/flat.json") ||
  fail "the extending scenario and its flattened equivalent give different reports"
echo "drain-500-hosts: $(jq .drain.duration_s "$WORK/ext.json") s, same report as flattened"

# --set applies after the merge, ranges included.
"$VSWITCHSIM_BIN" run "$ext" --set 'workload.hosts=["0..9",900]' --set topology.hosts=1000 \
  --json "$WORK/set.json" --quiet
jq_true "$WORK/set.json" '.drain.vms == 88'
jq_true "$WORK/set.json" '.hosts.per_host[900].vms_end == 0 and .hosts.per_host[10].vms_end > 0'

# A chain across folders: each file's relative paths (a plugin, a CSV) are its own.
mkdir -p "$WORK/base/plugins" "$WORK/team"
cp "$VSWITCHSIM_PLUGIN_DIR/null.so" "$WORK/base/plugins/"
cat >"$WORK/base/base.json" <<'J'
{ "topology": { "hosts": 4, "vms_per_host": 2, "nics_per_vm": 1 },
  "plugins": [ { "name": "n", "path": "plugins/null.so" } ],
  "workload": { "type": "drain", "hosts": [0] },
  "run": { "duration": "10s" } }
J
echo '{ "extends": "../base/base.json", "workload": { "hosts": ["0..1"] } }' >"$WORK/team/mine.json"
"$VSWITCHSIM_BIN" run "$WORK/team/mine.json" --json "$WORK/team.json" --quiet
jq_true "$WORK/team.json" '.drain.vms == 4 and .drain.finished'

# `plan` starts from the value the scenario has, here the base's migration.max_per_host.
cat >"$WORK/base/plan-base.json" <<'J'
{ "topology": { "hosts": 4, "vms_per_host": 2, "nics_per_vm": 1 }, "plugins": [],
  "migration": { "max_per_host": 2 },
  "workload": { "type": "drain", "hosts": [0] }, "run": { "duration": "10s" },
  "slo": ["migrations.failed == 0"] }
J
echo '{ "extends": "../base/plan-base.json", "workload": { "hosts": ["0..1"] } }' >"$WORK/team/plan.json"
"$VSWITCHSIM_BIN" plan "$WORK/team/plan.json" --param migration.max_per_host --reps 1 \
  --max-reps 1 -j 1 --quiet --json "$WORK/plan.json"
jq_true "$WORK/plan.json" '.answer == 1024'

# An error in a base names the base, its line:column and the scenario that extends it.
printf '{\n  "extends": "base.json",\n  "workload": { "hosts": ["0..1"] }\n}\n' >"$WORK/team/bad.json"
sed 's/"hosts": 4,/"hosts": "4",/' "$WORK/base/base.json" >"$WORK/team/base.json"
set +e
err=$("$VSWITCHSIM_BIN" run "$WORK/team/bad.json" 2>&1 >/dev/null)
code=$?
set -e
[ "$code" -eq 2 ] || fail "run of a bad base: exit $code"
want="$WORK/team/base.json:1:26: \$.topology.hosts: expected an integer in 1..100000, got \"4\" (extended by $WORK/team/bad.json)"
[[ $err == *"$want"* ]] || fail "run of a bad base: $err"
echo "ok"
