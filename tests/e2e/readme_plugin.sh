#!/usr/bin/env bash
# The README's plugin example is real: extract the C block from "Writing a callout
# plugin", build it out of tree exactly as the README says, and run a scenario with it.
source "$(dirname "$0")/lib.bash"

awk '/^## Writing a callout plugin/{on=1} on && /^```c$/{grab=1; next} grab && /^```$/{exit} grab' \
  "$SRC/README.md" > "$WORK/my_callout.c"
[ -s "$WORK/my_callout.c" ] || fail "no C example found in README.md"
(cd "$WORK" && ${CC:-cc} -shared -fPIC -Wall -Werror -I "$SRC/sim/include" my_callout.c -o my_callout.so)
sed 's|"./callout.so"|"./my_callout.so"|' "$SCEN/out-of-tree.json" > "$WORK/readme.json"
"$VSWITCHSIM_BIN" run "$WORK/readme.json" --json "$WORK/r.json" --quiet
jq_true "$WORK/r.json" '.restores.completed > 0 and .restores.failed == 0 and .verifier.violations == []'
jq_true "$WORK/r.json" '.plugins[0].state_bytes == .plugins[0].saves * 15'
echo "ok"
