#!/usr/bin/env bash
# The calling rules the verifier checks (docs/sequence.md, "Calling rules the verifier
# checks"): each broken fixture breaks its rule an exact, derivable number of times on a
# small migration scenario, names it with the plugin's instance name, and makes the run exit
# 3; the same rule turned off (verifier.disable, docs/scenario.md "verifier") records and
# prints nothing and the run exits 0; and the correct `good` fixture on the same scenario
# breaks none of them, so the rules do not fire on correct callouts.
#
# The scenario (scenarios/calling-rules.json): 3 hosts, 1 VM of 2 NICs each, 3 live
# migrations in a ring, one at a time (VM 0 -> host 1 at 0.5 s, VM 1 -> host 2 at 1 s,
# VM 2 -> host 0 at 1.5 s, 100 ms of pre-copy each), and 2 reorders of an extension stack
# (host 0 at 200 ms, host 2 at 300 ms, each paused 1 ms). The counts:
# - subscribe_in_callback: the fixture subscribes once per instance (per host), in the
#   first PORT_CREATE it gets; VMs start running, so the first PORT_CREATE a host gets is
#   the validation port of the migration coming to it, and each of the 3 hosts is a
#   destination once: 3, at 0.5 s, 1 s and 1.5 s. (The model refuses that subscribe, so
#   there is no second subscription for the fixture to unsubscribe in its next callback:
#   a simulator that let it through would report 6.)
# - pend_interface (pend_not_allowed): every interface event pends, 4 per NIC and
#   migration (source: INTERFACE_DISCONNECT, INTERFACE_DELETE; destination:
#   INTERFACE_CREATE, INTERFACE_CONNECT): 3 migrations x 2 NICs x 4 = 24, each followed to
#   its completion (the migrations complete).
# - pend_reorder (pend_not_allowed): one per reorder callback, i.e. per reorder event (the
#   callback follows VSWITCH_CREATE when the stack restarts, D-REORDER): 2, at 201 ms and
#   301 ms. Without extension events the callback never runs: no violation.
# - reserve_validation (validation_port_reservation): one per validation port (at its
#   PORT_DELETE), one per NIC and migration on the destination: 3 x 2 = 6.
source "$(dirname "$0")/lib.bash"
S=$SCEN/calling-rules.json
MIGRATIONS=3 NICS=2 REORDERS=2

run_rule() { # plugin want-exit [args...]: runs the scenario with plugins.0.path=plugin
  local plugin=$1 want=$2; shift 2
  set +e
  "$VSWITCHSIM_BIN" run "$S" --plugin-path "$VSWITCHSIM_TEST_PLUGIN_DIR" \
    --set plugins.0.path="$plugin" --json "$WORK/$plugin.json" --trace "$WORK/$plugin.jsonl" \
    --quiet "$@" 2> "$WORK/$plugin.err"
  local code=$?
  set -e
  [ "$code" -eq "$want" ] || { cat "$WORK/$plugin.err"; fail "$plugin $*: exit $code, want $want"; }
}

# expect_rule PLUGIN RULE COUNT: exactly COUNT violations, all of RULE and by "under-test",
# the first 10 each one line on stderr, the rest counted in one more; then the rule
# turned off gives exit 0 and silence.
expect_rule() {
  local plugin=$1 rule=$2 count=$3
  run_rule "$plugin" 3
  jq_true "$WORK/$plugin.json" '[.verifier.violations[].rule] | unique == [$r]' --arg r "$rule"
  jq_true "$WORK/$plugin.json" '[.verifier.violations[].plugin] | unique == ["under-test"]'
  jq_true "$WORK/$plugin.json" '(.verifier.violations | length) == $n' --argjson n "$count"
  local lines
  lines=$(grep -c "verifier: $rule: under-test" "$WORK/$plugin.err" || true)
  local shown=$(( count < 10 ? count : 10 ))
  [ "$lines" -eq "$shown" ] || fail "$plugin: $lines stderr lines for $rule, want $shown"
  if [ "$count" -gt 10 ]; then
    grep -q "verifier: \.\.\. and $(( count - 10 )) more $rule, see the report" "$WORK/$plugin.err" ||
      fail "$plugin: no summary line for the $(( count - 10 )) more $rule"
  fi
  jq_true "$WORK/$plugin.json" '.verifier.total == $n and .verifier.counts[$r] == $n' \
    --argjson n "$count" --arg r "$rule"
  # The rule is about the callout, not about the migrations: they all still complete.
  jq_true "$WORK/$plugin.json" '.migrations.completed == $m and .migrations.failed == 0' \
    --argjson m "$MIGRATIONS"
  cp "$WORK/$plugin.json" "$WORK/$plugin.on.json"
  cp "$WORK/$plugin.jsonl" "$WORK/$plugin.on.jsonl"
  run_rule "$plugin" 0 --set "verifier.disable=[\"$rule\"]"
  jq_true "$WORK/$plugin.json" '.verifier.violations == []'
  ! grep -q "verifier:" "$WORK/$plugin.err" || fail "$plugin: $rule disabled, still printed"
  echo "$plugin: $count x $rule, silenced when disabled"
}

# ---- The correct callout: no rule fires ----
run_rule good 0
jq_true "$WORK/good.json" '.verifier.violations == []'
jq_true "$WORK/good.json" '.migrations.completed == $m' --argjson m "$MIGRATIONS"
# It got every kind of callback the rules look at: port, interface and reorder callbacks,
# validation ports included.
jq_true "$WORK/good.jsonl" '[.[] | select(.kind == "callback") | .event] | unique
  | contains(["PORT_CREATE", "PORT_DELETE", "INTERFACE_CREATE", "INTERFACE_CONNECT",
              "INTERFACE_DISCONNECT", "INTERFACE_DELETE", "FILTER_ENGINE_REORDER"])' -s
jq_true "$WORK/good.jsonl" '[.[] | select(.validation_port and .event == "PORT_CREATE"
  and .kind == "callback")] | length == $n' -s --argjson n $((MIGRATIONS * NICS))

# ---- subscribe_in_callback: once per host, in its first PORT_CREATE ----
expect_rule subscribe_in_callback subscribe_in_callback 3
# At the first PORT_CREATE each host got (the validation port of the migration to it).
jq -s '[.[] | select(.kind == "callback" and .event == "PORT_CREATE")] | group_by(.host)
  | map(min_by(.t_ns).t_ns) | sort' "$WORK/subscribe_in_callback.on.jsonl" > "$WORK/first"
jq_true "$WORK/first" '. == [500000000, 1000000000, 1500000000]'
jq_true "$WORK/subscribe_in_callback.on.json" '[.verifier.violations[].sim_time_ns] | sort
  == $first[0]' --slurpfile first "$WORK/first"

# ---- pend_interface: every interface event, migrations x NICs x 4 ----
expect_rule pend_interface pend_not_allowed $((MIGRATIONS * NICS * 4))
# Each one pended and was followed to its completion, with STATUS_SUCCESS.
jq_true "$WORK/pend_interface.on.jsonl" '[.[] | select(.kind == "callback"
  and (.event | startswith("INTERFACE_")))] | length == $n and all(.pended
  and .status_name == "STATUS_SUCCESS")' -s --argjson n $((MIGRATIONS * NICS * 4))

# ---- pend_reorder: one per reorder of a host's stack ----
expect_rule pend_reorder pend_not_allowed $REORDERS
# When the reorder callback ran: after each reorder's 1 ms pause, on its host.
jq_true "$WORK/pend_reorder.on.jsonl" '[.[] | select(.event == "FILTER_ENGINE_REORDER")
  | [.host, .t_ns]] == [[0, 201000000], [2, 301000000]]' -s
# Without a reorder the callback never runs, and nothing is caught.
run_rule pend_reorder 0 --set 'extensions.events=[]'
jq_true "$WORK/pend_reorder.json" '.verifier.violations == []'

# ---- reserve_validation: one per validation port, migrations x NICs ----
expect_rule reserve_validation validation_port_reservation $((MIGRATIONS * NICS))
# One per validation port's PORT_DELETE in the trace.
jq_true "$WORK/reserve_validation.on.jsonl" '[.[] | select(.kind == "callback"
  and .event == "PORT_DELETE" and .validation_port)] | length == $n' -s \
  --argjson n $((MIGRATIONS * NICS))
echo "ok"
