#!/usr/bin/env bash
# CTest "doctest.selftest": scripts/doctest passes a page that uses every part of the
# convention (pass.md), fails each bad-*.md with the message that names what is wrong,
# and --update mends a page.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
run=("$here/../../scripts/doctest" --build "${VSWITCHSIM_BUILD_DIR:?run through ctest}")
fail() { echo "FAIL: $*" >&2; exit 1; }

out=$("${run[@]}" "$here/pass.md") || fail "pass.md: $out"
check() { # PAGE MESSAGE: the page fails, saying MESSAGE
  local out
  out=$("${run[@]}" "$here/$1") && fail "$1 passed: $out"
  grep -qF -- "$2" <<<"$out" || fail "$1: no '$2' in: $out"
}
check bad-output.md "output differs: \$ echo 41"
check bad-ellipsis.md "output differs"
check bad-status.md "exit status 0, the page says 3"
check bad-sh.md "exit status 1, the page says 0: \$ false"
check bad-untagged.md "a fence without an info string"
check bad-prompt.md "a '\$ ' command in a 'text' block"
check bad-skip.md "'doctest: skip' needs a reason"

# --update writes what the commands printed into the page, which then passes.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$here/bad-output.md" "$here/bad-status.md" "$tmp/"
"${run[@]}" --update "$tmp/bad-output.md" "$tmp/bad-status.md" >/dev/null && fail "--update: the pages passed before"
out=$("${run[@]}" "$tmp/bad-output.md" "$tmp/bad-status.md") || fail "after --update: $out"
grep -qx 41 "$tmp/bad-output.md" || fail "--update: $(cat "$tmp/bad-output.md")"
echo ok
