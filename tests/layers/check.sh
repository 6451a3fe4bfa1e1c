#!/usr/bin/env bash
# CTest "layers": the layering check (scripts/check-layers, docs/architecture.md) names
# every kind of breach in a tree made of them (bad/), passes a clean one (good/), and
# passes this repository: its includes, its layer libraries' links and, once built, the
# symbols each library needs.
set -euo pipefail
src=${VSWITCHSIM_SOURCE_DIR:?}
check=$src/scripts/check-layers
here=$src/tests/layers
out=$(mktemp)
trap 'rm -f "$out"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$check" --root "$here/good" > "$out" || fail "good/: $(cat "$out")"
grep -q "no cycle" "$out" || fail "good/: no summary line"

set +e
"$check" --root "$here/bad" > "$out"
code=$?
set -e
[ "$code" -eq 1 ] || fail "bad/: exit $code, want 1"
expect=(
  "g uses zz, which is not a layer"
  "the table has a cycle: e -> f -> e"
  "sim/a/a.c:2: a may not include b/"
  "sim/b/b.h:2: b may not include include/"
  "sim/d/: a folder the layer table in docs/architecture.md does not list"
  "layer g has no folder sim/g/"
  "the folders include each other in a cycle: a -> b -> a"
  "plugins/p.c:2: a plugin includes a/"
  "vswitchsim_a links vswitchsim_b, which the table does not let it use"
)
for e in "${expect[@]}"; do
  grep -qF "$e" "$out" || fail "bad/: not named: $e (got: $(cat "$out"))"
done
[ "$(wc -l < "$out")" -eq "${#expect[@]}" ] || fail "bad/: more lines than breaches"
echo "bad/: all ${#expect[@]} breaches named"

# A call up the stack that no header shows: a's library calls b's function, declared by
# hand. Two real static libraries, built here.
lib=$(mktemp -d)
trap 'rm -rf "$out" "$lib"' EXIT
printf 'void b_up(void);\nvoid a_down(void) { b_up(); }\n' > "$lib/a.c"
printf 'void a_down(void);\nvoid b_up(void) { a_down(); }\n' > "$lib/b.c"
for l in a b; do
  "${CC:-cc}" -c "$lib/$l.c" -o "$lib/$l.o" && ar rcs "$lib/libvswitchsim_$l.a" "$lib/$l.o"
done
set +e
"$check" --root "$here/good" --build "$lib" > "$out"
code=$?
set -e
[ "$code" -eq 1 ] || fail "a hidden call up: exit $code, want 1 ($(cat "$out"))"
grep -qF "libvswitchsim_a.a needs b_up, defined only in b, which a may not use" "$out" ||
  fail "a hidden call up: not named ($(cat "$out"))"
echo "a hidden call up: named"

"$check" --build "${VSWITCHSIM_BUILD_DIR:?}" || fail "this repository breaks its layers"
echo ok
