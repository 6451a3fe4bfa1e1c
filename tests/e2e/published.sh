#!/usr/bin/env bash
# The memory pre-copy model against published Hyper-V live-migration times (docs/
# capacity.md; sources in the spec's section 6), each within a factor of 1.5:
# - Aidan Finn, WS2012: idle 512 MB VMs at once between two hosts: over 1 GbE, 1 VM in
#   7 s, 10 in 40 s, 20 in 80 s; over 10 GbE, 5 s, 13 s, 21 s. That 10 GbE setup moved
#   about 4.5 Gbit/s (20 x 512 MB in 21 s): network.efficiency 0.45 there.
# - Kevin Holman: a drain of 18 VMs with about 80 GB of RAM, 2 at a time: 13 min 15 s
#   over 1 GbE, 65 s over 10 GbE.
# And what makes them: more VMs at once share the link, so each takes longer.
source "$(dirname "$0")/lib.bash"

within() { # name got want
  awk -v g="$2" -v w="$3" 'BEGIN { exit !(g / w <= 1.5 && w / g <= 1.5) }' \
    || fail "$1: $2 s, published $3 s: not within a factor of 1.5"
  echo "$1: $2 s (published $3 s)"
}

finn() { # vms gbps efficiency
  "$VSWITCHSIM_BIN" run "$SCEN/finn-concurrent.json" --set topology.vms_per_host=$1 \
    --set network.bandwidth_gbps=$2 --set network.efficiency=$3 --json "$WORK/finn-$1-$2.json" \
    --quiet || fail "finn $1 VMs over $2 GbE: the run failed"
  jq -r '.drain.duration_s' "$WORK/finn-$1-$2.json"
}

within "finn 1 VM, 1 GbE" "$(finn 1 1 0.95)" 7
within "finn 10 VMs, 1 GbE" "$(finn 10 1 0.95)" 40
within "finn 20 VMs, 1 GbE" "$(finn 20 1 0.95)" 80
within "finn 1 VM, 10 GbE" "$(finn 1 10 0.45)" 5
within "finn 10 VMs, 10 GbE" "$(finn 10 10 0.45)" 13
within "finn 20 VMs, 10 GbE" "$(finn 20 10 0.45)" 21
# Sharing: 20 at once take about twice as long as 10, and each migration's rounds got
# a twentieth of the link.
jq_true "$WORK/finn-20-1.json" \
  '(.drain.duration_s / $ten[0].drain.duration_s) > 1.8 and .precopy.effective_gbps < 0.06' \
  --slurpfile ten "$WORK/finn-10-1.json"
jq_true "$WORK/finn-20-1.json" '.migrations.completed == 20 and .hosts.link_busiest > 0.8'

holman() { # gbps
  "$VSWITCHSIM_BIN" run "$SCEN/holman-drain.json" --set network.bandwidth_gbps=$1 \
    --json "$WORK/holman-$1.json" --quiet || fail "holman over $1 GbE: the run failed"
  jq -r '.drain.duration_s' "$WORK/holman-$1.json"
}
within "holman 18 VMs, 80 GB, 1 GbE" "$(holman 1)" 795
within "holman 18 VMs, 80 GB, 10 GbE" "$(holman 10)" 65
# At most 5 memory-copy passes (Hyper-V since WS2012 R2), whatever the link.
jq_true "$WORK/holman-1.json" '.precopy.rounds_max <= 5 and .migrations.completed == 18'
echo "ok"
