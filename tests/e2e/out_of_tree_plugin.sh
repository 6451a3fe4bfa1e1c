#!/usr/bin/env bash
# A plugin built out of tree with nothing but the SDK headers loads and runs: the FWPS
# functions resolve from the simulator at dlopen time.
source "$(dirname "$0")/lib.bash"

${CC:-cc} -shared -fPIC -Wall -Wextra -Werror -I "$SRC/sim/include" \
  "$SRC/tests/plugins/out_of_tree/callout.c" -o "$WORK/callout.so"
cp "$SCEN/out-of-tree.json" "$WORK/"
"$VSWITCHSIM_BIN" run "$WORK/out-of-tree.json" --json "$WORK/r.json" --quiet
jq_true "$WORK/r.json" '.plugins[0].name == "oot" and .plugins[0].saves > 0'
jq_true "$WORK/r.json" '.saves.failed == 0 and .restores.completed > 0'
jq_true "$WORK/r.json" '.verifier.violations == []'
echo "ok"
