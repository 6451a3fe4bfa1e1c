#!/usr/bin/env bash
# The README's capacity-planning example and docs/capacity.md's concurrency table come
# from the program: scenarios/capacity-drain.json at 1, 2, 4, 8 and 16 migrations at once
# per host. The numbers the docs print are checked against the runs, so they cannot drift.
source "$(dirname "$0")/lib.bash"

for k in 1 2 4 8 16; do
  "$VSWITCHSIM_BIN" run "$SRC/scenarios/capacity-drain.json" --set migration.max_per_host=$k \
    --json "$WORK/k$k.json" --quiet || fail "max_per_host $k: the run failed"
done
# "drain | rounds | GiB sent per VM | Gbit/s | migration mean | blackout p99" as the table prints them.
row() {
  jq -r --arg k "$1" '"| \($k)\(if $k == "2" then " (Hyper-V'"'"'s default)" else "" end) | \(.drain.duration_s * 10 | round / 10) s | \(.precopy.rounds_mean | round) | \(.precopy.gib_sent_mean * 100 | round / 100) | \(.precopy.effective_gbps * 100 | round / 100) Gbit/s | \(.latency_us.migration.mean / 1e5 | round / 10) s | \(.latency_us.blackout.p99 / 1000 | round) ms |"' "$WORK/k$1.json"
}
for k in 1 2 4 8 16; do
  line=$(row $k)
  grep -qF -- "$line" "$SRC/docs/capacity.md" || fail "docs/capacity.md lacks the row the program gives: $line"
done
# The README quotes the 2 and 4 (and 8) runs.
d() { jq -r '.drain.duration_s * 10 | round / 10' "$WORK/k$1.json"; }
m() { jq -r '.latency_us.migration.mean / 1e5 | round / 10' "$WORK/k$1.json"; }
b() { jq -r '.latency_us.blackout.p99 / 1000 | round' "$WORK/k$1.json"; }
readme=$(tr '\n' ' ' < "$SRC/README.md")
for want in "from $(d 2) s to $(d 4) s" "($(m 2) s to $(m 4) s)" "from $(b 2) ms to $(b 4) ms" "slower again ($(d 8) s)"; do
  grep -qF -- "$want" <<< "$readme" || fail "README lacks '$want'"
done
# More at once stops paying: 4 beats 2 by little, 8 and 16 are slower than 4.
jq_true "$WORK/k8.json" '.drain.duration_s > $four[0].drain.duration_s' --slurpfile four "$WORK/k4.json"
jq_true "$WORK/k16.json" '.precopy.gib_sent_mean > $four[0].precopy.gib_sent_mean' --slurpfile four "$WORK/k4.json"
echo "ok"
