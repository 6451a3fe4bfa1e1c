#!/usr/bin/env bash
# A plugin built against plugin.h as it was before the params getters (the fixture
# tests/plugins/abi1_before_params/: Reserved[8] whole) loads and runs in today's
# simulator, as one built against today's header does: the getters took Reserved room
# and moved nothing (test-sdk pins the offsets).
source "$(dirname "$0")/lib.bash"
old=$SRC/tests/plugins/abi1_before_params
flags=(-shared -fPIC -Wall -Wextra -Werror -I "$old" -I "$SRC/sim/include" -I "$SRC/sim/include/vswitchsim")
${CC:-cc} -E "${flags[@]:2}" "$SRC/tests/plugins/out_of_tree/callout.c" > "$WORK/callout.i"
grep -q 'Reserved\[8\]' "$WORK/callout.i" || fail "the callout was not compiled against the old header"
${CC:-cc} "${flags[@]}" "$SRC/tests/plugins/out_of_tree/callout.c" -o "$WORK/callout.so"
cp "$SCEN/out-of-tree.json" "$WORK/"
"$VSWITCHSIM_BIN" run "$WORK/out-of-tree.json" --json "$WORK/old.json" --quiet
jq_true "$WORK/old.json" '.plugins[0].saves > 0 and .saves.failed == 0 and .verifier.violations == []'

# The same source against today's header gives the same report, wall clock and path aside.
${CC:-cc} -shared -fPIC -Wall -Wextra -Werror -I "$SRC/sim/include" \
  "$SRC/tests/plugins/out_of_tree/callout.c" -o "$WORK/callout.so"
"$VSWITCHSIM_BIN" run "$WORK/out-of-tree.json" --json "$WORK/new.json" --quiet
strip='del(.wall_time_s, .events_per_wall_s)'
[ "$(jq -S "$strip" "$WORK/old.json")" = "$(jq -S "$strip" "$WORK/new.json")" ] \
  || fail "the old-header build and today's give different reports"
echo "ok"
