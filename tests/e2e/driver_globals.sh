#!/usr/bin/env bash
# A WDK driver (DriverEntry, no VswitchsimPluginEntry) is loaded once per host, so each
# host has its own copy of the driver's globals, as each Windows host's kernel has.
# global_counter fails its DriverEntry when its globals saw another host's DriverEntry;
# its SDK build (loaded once for all hosts) is the control that shows the check bites.
source "$(dirname "$0")/lib.bash"
PLUGINS=${VSWITCHSIM_TEST_PLUGIN_DIR:?run through ctest}

cp "$SCEN/driver-globals.json" "$PLUGINS/global_counter.so" "$PLUGINS/global_counter_shared.so" "$WORK/"

# A copy per host: every DriverEntry sees a counter of its own.
"$VSWITCHSIM_BIN" run "$WORK/driver-globals.json" --json "$WORK/r.json" --quiet
jq_true "$WORK/r.json" '.plugins[0].name == "counter" and .verifier.violations == []'

# Eight hosts, and two drivers of one file side by side: still a copy each.
"$VSWITCHSIM_BIN" run "$WORK/driver-globals.json" --quiet --set topology.hosts=8 \
  --set 'plugins=[{"name":"a","path":"./global_counter.so"},{"name":"b","path":"./global_counter.so"}]'

# One copy for all hosts (the SDK build): host 1's DriverEntry finds host 0's count.
sed 's|global_counter.so|global_counter_shared.so|' "$SCEN/driver-globals.json" >"$WORK/shared.json"
expect_exit 2 "$VSWITCHSIM_BIN" run "$WORK/shared.json" --quiet 2>"$WORK/err"
grep -q 'plugin "counter" (.*global_counter_shared.so): entry failed on host 1 with .*0xC0000035' "$WORK/err" ||
  fail "shared copy: $(cat "$WORK/err")"

# The registry carries the scenario's params: Parameters\MaxEntries lets the shared copy
# count every host (and shows the value reached DriverEntry through ZwQueryValueKey).
"$VSWITCHSIM_BIN" run "$WORK/shared.json" --quiet \
  --set 'plugins=[{"name":"counter","path":"./global_counter_shared.so","params":{"parameters":{"maxentries":4}}}]'

# Past what vm.max_map_count allows (5 mappings a copy), refused before any copy is loaded,
# in one line that names the limit and how to raise it. Only where the limit is about the
# default: with a raised one this many hosts would be a long load, not a refusal.
limit=$(cat /proc/sys/vm/max_map_count 2>/dev/null || echo 65530)
if [ "$limit" -le 100000 ]; then
  expect_exit 2 "$VSWITCHSIM_BIN" run "$WORK/driver-globals.json" --quiet \
    --set topology.hosts=$((limit / 5 + 1000)) --set topology.vms_per_host=1 2>"$WORK/err"
  grep -q "a WDK driver is loaded once per host: .* vm.max_map_count ($limit) allows; raise it (sysctl -w vm.max_map_count=" "$WORK/err" ||
    fail "max_map_count: $(cat "$WORK/err")"
  [ "$(wc -l <"$WORK/err")" -eq 1 ] || fail "not one line: $(cat "$WORK/err")"
fi

# plugin-info says what a driver is and what it imports, and runs its DriverEntry on two hosts.
"$VSWITCHSIM_BIN" plugin-info "$WORK/global_counter.so" >"$WORK/info"
grep -q '^kind: WDK driver (DriverEntry' "$WORK/info" || fail "plugin-info: $(cat "$WORK/info")"
grep -q '^  ZwOpenKey$' "$WORK/info" || fail "plugin-info imports: $(cat "$WORK/info")"
grep -q '^all 3 provided$' "$WORK/info" || fail "plugin-info: $(cat "$WORK/info")"

echo "ok"
