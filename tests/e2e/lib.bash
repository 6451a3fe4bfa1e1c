# Shared helpers for the end-to-end tests: run the real binary, check JSON with jq.
# Not a test itself: CTest runs tests/e2e/*.sh, and this is lib.bash.
set -euo pipefail
: "${VSWITCHSIM_BIN:?run through ctest}"
: "${VSWITCHSIM_SOURCE_DIR:?run through ctest}"
SRC=$VSWITCHSIM_SOURCE_DIR
SCEN=$SRC/tests/e2e/scenarios
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

# expect_exit CODE CMD...: runs CMD, fails unless it exits with CODE.
expect_exit() {
  local want=$1; shift
  set +e; "$@"; local got=$?; set -e
  [ "$got" -eq "$want" ] || fail "exit $got, want $want: $*"
}

# jq_true FILE EXPR [ARGS...]: fails unless EXPR is true for FILE.
jq_true() {
  local file=$1 expr=$2; shift 2
  jq -e "$@" "$expr" "$file" >/dev/null || fail "not true in $file: $expr ($(jq -c "$@" "$expr" "$file" 2>&1 | head -c 300))"
}
