#!/usr/bin/env bash
# Queueing sanity. Each host runs its own `pending` instance with one worker slot and
# exponential service at mu = 1000/s; Poisson arrivals split evenly over 2 hosts give
# lambda = rate/2 per queue. M/M/1 says the mean time from STATUS_PENDING to
# completion is 1/(mu - lambda): 2 ms at rho 0.5 (rate 1000/s) and 5 ms at rho 0.8
# (rate 1600/s). Expected within 5%.
source "$(dirname "$0")/lib.bash"

check() {
  local rate=$1 want_us=$2
  "$VSWITCHSIM_BIN" run "$SCEN/mm1.json" --set workload.rate_per_s="$rate" \
      --json "$WORK/mm1-$rate.json" --quiet
  local got
  got=$(jq '.latency_us.pending_completion.mean' "$WORK/mm1-$rate.json")
  echo "rate $rate/s: mean pending completion $got us (M/M/1: $want_us us)"
  jq_true "$WORK/mm1-$rate.json" \
    "(.latency_us.pending_completion.mean - $want_us) | fabs < 0.05 * $want_us"
  jq_true "$WORK/mm1-$rate.json" '.latency_us.pending_completion.count > 500000'
  jq_true "$WORK/mm1-$rate.json" '.saves.timed_out == 0 and .verifier.violations == []'
  # Little's law on the same run: mean in flight = throughput x mean latency.
  jq_true "$WORK/mm1-$rate.json" '.in_flight.pending_mean as $L
    | (.latency_us.pending_completion.count / .sim_time_s * .latency_us.pending_completion.mean / 1e6) as $LW
    | ($L - $LW | fabs) < 0.02 * $L'
  jq -r '"Little: in flight \(.in_flight.pending_mean), throughput x latency \(.latency_us.pending_completion.count / .sim_time_s * .latency_us.pending_completion.mean / 1e6)"' "$WORK/mm1-$rate.json"
}
check 1000 2000
# Under the sanitizers (~10x slower) the second load point adds a minute and no code
# path the first does not take: its statistics are checked in the plain build.
[ -n "${VSWITCHSIM_SANITIZED:-}" ] || check 1600 5000
echo "ok"
