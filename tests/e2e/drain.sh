#!/usr/bin/env bash
# A host drain with Hyper-V's default of 2 simultaneous migrations per host.
#
# Hand calculation for drain-constant.json (constant phase times, `null` callouts that
# save no state, 16 idle CPUs per host so nothing queues):
#   save, per NIC (in parallel):  OID_SWITCH_NIC_SAVE (10 us), no segment, so
#                                 SAVE_COMPLETE (10 us)                    =    20 us
#   blackout: max(pause 5 ms, saves 20 us) + transfer (0 bytes, latency 1 ms)
#             + target: RESTORE_COMPLETE (10 us), no segment to restore    = 6.010 ms
#   one migration: pre-copy 2 s + blackout                                 = 2.006010 s
#   40 VMs leave host 0 two at a time: 20 rounds x 2.006010 s              = 40.1202 s
source "$(dirname "$0")/lib.bash"

"$VSWITCHSIM_BIN" run "$SCEN/drain-constant.json" --json "$WORK/one.json" --quiet
jq_true "$WORK/one.json" '.drain.finished and .drain.vms == 40 and .drain.failed == 0'
jq_true "$WORK/one.json" '(.drain.duration_s - 40.1202) | fabs < 1e-9'
jq_true "$WORK/one.json" '.latency_us.blackout.min == 6010 and .latency_us.blackout.max == 6010'
jq_true "$WORK/one.json" '.migrations.completed == 40 and .migrations.failed == 0'
jq_true "$WORK/one.json" '.hosts.per_host[0].migrations_peak == 2 and .hosts.migrations_peak == 2'
jq_true "$WORK/one.json" '.hosts.per_host[0].vms_end == 0 and ([.hosts.per_host[].vms_end] | add) == 640'
jq_true "$WORK/one.json" '.ndis.save_oids_per_save == 2'
echo "drain of one host: $(jq .drain.duration_s "$WORK/one.json") s (hand calculation 40.1202 s)"

# Half the hosts drained at once onto the other half: the limit holds on both sides.
"$VSWITCHSIM_BIN" run "$SCEN/drain-constant.json" --set 'workload.hosts=[0,1,2,3,4,5,6,7]' \
  --json "$WORK/half.json" --quiet
jq_true "$WORK/half.json" '.drain.finished and .drain.vms == 320 and .migrations.completed == 320'
jq_true "$WORK/half.json" '[.hosts.per_host[].migrations_peak] | max == 2'
jq_true "$WORK/half.json" '[.hosts.per_host[0:8][].vms_end] | add == 0'
# 320 VMs through 8 sources x 2 slots: at least 20 rounds of 2.006010 s.
jq_true "$WORK/half.json" '.drain.duration_s >= 40.1202 - 1e-9'
echo "drain of 8 hosts: $(jq .drain.duration_s "$WORK/half.json") s"

# Each VM draws its phase times from its own stream: with random pre-copies, adding a
# seventeenth host changes where VMs go but not one of host 0's VMs' draws.
lognormal='migration.precopy={"dist": "lognormal", "mean": "2s", "p99": "6s"}'
"$VSWITCHSIM_BIN" run "$SCEN/drain-constant.json" --set "$lognormal" --json "$WORK/r16.json" --quiet
"$VSWITCHSIM_BIN" run "$SCEN/drain-constant.json" --set "$lognormal" --set topology.hosts=17 \
  --json "$WORK/r17.json" --quiet
[ "$(jq .drain.duration_s "$WORK/r16.json")" = "$(jq .drain.duration_s "$WORK/r17.json")" ] ||
  fail "adding a host changed the drain's random pre-copies"
jq_true "$WORK/r16.json" '.latency_us.migration.max > .latency_us.migration.min + 1e6'

# One CPU per host and 5 ms per OID round trip: the drained host's saves queue for its
# CPU, so saves and the drain take longer than the idle-CPU hand calculation.
"$VSWITCHSIM_BIN" run "$SCEN/drain-constant.json" --set topology.cpus_per_host=1 \
  --set ndis.oid_cost=5ms --json "$WORK/cpu.json" --quiet
jq_true "$WORK/cpu.json" '.hosts.per_host[0].cpu_queue_peak >= 1 and .drain.finished'
# Alone, a NIC save would be two OIDs (10 ms); every VM here has two NICs sharing the
# one CPU, so every save waits behind the other NIC's OIDs.
jq_true "$WORK/cpu.json" '.latency_us.save.min > 10000'
jq_true "$WORK/cpu.json" '.drain.duration_s > 40.1202 and .hosts.per_host[0].cpu_busy > 0'
echo "drain with one CPU per host: $(jq .drain.duration_s "$WORK/cpu.json") s, save p99 $(jq .latency_us.save.p99 "$WORK/cpu.json") us"
echo "ok"
