#!/usr/bin/env bash
# run-case.sh CASEDIR: one bad scenario must be refused the way the contract says:
# `vswitchsim validate CASEDIR/scenario.json [args]` exits 2, prints nothing on stdout
# and exactly one line on stderr, which names the file and contains CASEDIR/expected.
#
# A case folder holds:
#   scenario.json   the input (absent, or a directory, when that is the case)
#   expected        the substring (grep -F) the stderr line must contain; @DIR@ stands
#                   for the folder the case runs in, @PLUGINS@ for the fixture plugins'
#                   folder ($VSWITCHSIM_TEST_PLUGIN_DIR)
#   args            optional extra arguments, split on white space (@DIR@, @PLUGINS@ as
#                   above)
#   make-input.sh   optional: generates scenario.json (inputs too big to commit); the
#                   case is then copied to a temp dir and run there
#   README          optional: what the case is about, when its name does not say
set -u

case_dir=${1:?usage: run-case.sh CASEDIR}
bin=${VSWITCHSIM_BIN:?VSWITCHSIM_BIN must point at the vswitchsim program}
name=$(basename "$case_dir")
work=$case_dir
tmp=

cleanup() { [ -n "$tmp" ] && rm -rf "$tmp"; }
trap cleanup EXIT

fail() {
    echo "bad.$name: $*" >&2
    exit 1
}

if [ -f "$case_dir/make-input.sh" ]; then
    tmp=$(mktemp -d)
    cp -R "$case_dir"/. "$tmp"/
    (cd "$tmp" && bash ./make-input.sh) || fail "make-input.sh failed"
    work=$tmp
fi

[ -f "$case_dir/expected" ] || fail "no 'expected' file"
expected=$(<"$case_dir/expected")
expected=${expected//@DIR@/$work}
plugins=${VSWITCHSIM_TEST_PLUGIN_DIR:-}
expected=${expected//@PLUGINS@/$plugins}
[ -n "$expected" ] || fail "'expected' is empty"

args=()
if [ -f "$case_dir/args" ]; then
    set -f
    # shellcheck disable=SC2207 # split on white space, on purpose
    args=($(sed -e "s|@DIR@|$work|g" -e "s|@PLUGINS@|$plugins|g" "$case_dir/args"))
    set +f
fi

scenario=$work/scenario.json
out=$(mktemp)
err=$(mktemp)
"$bin" validate "$scenario" "${args[@]}" >"$out" 2>"$err"
code=$?
stdout=$(<"$out")
stderr=$(<"$err")
lines=$(wc -l <"$err")
bytes=$(wc -c <"$err")
rm -f "$out" "$err"

report() {
    echo "bad.$name: $*" >&2
    echo "  command:  $bin validate $scenario ${args[*]}" >&2
    echo "  exit:     $code" >&2
    echo "  stderr:   $stderr" >&2
    echo "  stdout:   $stdout" >&2
    echo "  expected: $expected" >&2
    exit 1
}

[ "$code" -eq 2 ] || report "exit code $code, expected 2"
[ -z "$stdout" ] || report "something on stdout"
[ "$lines" -eq 1 ] && [ "$bytes" -gt 1 ] || report "$lines lines on stderr, expected exactly one"
case "$stderr" in
*"$expected"*) ;;
*) report "stderr lacks the expected text" ;;
esac
case "$stderr" in
*"$scenario"*) ;;
*) report "stderr does not name the file" ;;
esac
echo "bad.$name: ok: $stderr"
