#!/usr/bin/env bash
# `mpirun -np N vswitchsim sweep`: the jobs spread over the ranks (sweep/exec_mpi.c) and
# the sweep's JSON is byte for byte the one a local sweep writes, for -np 2 -j 1 and
# -np 3 -j 2 (results are ordered by job index, never by rank or arrival).
# A build without MPI must refuse under mpirun with one line saying so; then the rest
# is skipped. Skipped as well when mpirun is not installed.
# Under ASan (VSWITCHSIM_SANITIZED) the ranks run with detect_leaks=0: Open MPI leaks
# in MPI_Init/MPI_Finalize from components it has dlclose'd by exit, so LSan sees them
# as "<unknown module>" and no suppression can name them. Address and UB checks stay
# on, and the local sweep below keeps its leak check (see .ci/run).
source "$(dirname "$0")/lib.bash"

if ! command -v mpirun >/dev/null; then
  echo "skip: mpirun not found (apt-get install openmpi-bin, or scripts/setup-debian.sh)"
  exit 0
fi

S=$SRC/scenarios/quickstart.json
args=(--set run.duration=5s --param workload.rate_per_s=1,2 --reps 2)
# As root (CI containers) Open MPI wants --allow-run-as-root; --oversubscribe lets -np
# exceed the cores of a small machine. `timeout`: a lost message must fail, not hang.
mpirun=(timeout 300 mpirun --oversubscribe --allow-run-as-root)
mpi_env=(env)
if [ -n "${VSWITCHSIM_SANITIZED:-}" ]; then
  mpi_env=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0")
fi

# run_mpi NP JOBS OUT: the sweep under mpirun; its stderr in $WORK/OUT.err.
run_mpi() {
  local np=$1 jobs=$2 out=$3
  set +e
  "${mpi_env[@]}" "${mpirun[@]}" -np "$np" "$VSWITCHSIM_BIN" sweep "$S" "${args[@]}" \
      -j "$jobs" --json "$WORK/$out" >"$WORK/$out.out" 2>"$WORK/$out.err"
  local rc=$?
  set -e
  return $rc
}

# A build without MPI: the binary says so under mpirun (vs_mpi_open), and nothing runs.
# (`--version` printing "mpi: no" is checked too when the binary prints that line.)
no_mpi=0
"$VSWITCHSIM_BIN" --version 2>/dev/null | grep -q '^mpi: no' && no_mpi=1
rc=0
run_mpi 2 1 mpi.json || rc=$?
if grep -q 'built without MPI' "$WORK/mpi.json.err"; then
  [ "$rc" -ne 0 ] || fail "a build without MPI exited 0 under mpirun"
  [ ! -e "$WORK/mpi.json" ] || fail "a build without MPI wrote a sweep under mpirun"
  echo "skip: this vswitchsim was built without MPI (refused under mpirun, as it should)"
  exit 0
fi
[ "$no_mpi" -eq 0 ] || fail "--version says mpi: no, but mpirun did not get 'built without MPI'"
if [ "$rc" -ne 0 ]; then
  cat "$WORK/mpi.json.out" "$WORK/mpi.json.err" >&2
  fail "mpirun -np 2 sweep: exit $rc"
fi

"$VSWITCHSIM_BIN" sweep "$S" "${args[@]}" -j 1 --json "$WORK/local.json" >"$WORK/local.out"
jq -e 'type == "object"' "$WORK/local.json" >/dev/null || fail "local.json is not a JSON object"
cmp "$WORK/local.json" "$WORK/mpi.json" || fail "-np 2 -j 1 differs from the local sweep"
echo "-np 2 -j 1: same as local ($(wc -c <"$WORK/local.json") bytes)"

run_mpi 3 2 mpi3.json || { cat "$WORK/mpi3.json.err" >&2; fail "mpirun -np 3 -j 2 sweep failed"; }
cmp "$WORK/local.json" "$WORK/mpi3.json" || fail "-np 3 -j 2 differs from the local sweep"
echo "-np 3 -j 2: same as local"

# A plan under MPI: the same evidence, value for value, as on one machine.
P=$SRC/tests/e2e/scenarios/plan-constant.json
"${mpi_env[@]}" "${mpirun[@]}" -np 2 "$VSWITCHSIM_BIN" plan "$P" --param topology.vms_per_host \
  --reps 3 -j 1 --quiet --json "$WORK/plan-mpi.json" >"$WORK/plan-mpi.out" 2>"$WORK/plan-mpi.json.err" ||
  { cat "$WORK/plan-mpi.json.err" >&2; fail "mpirun -np 2 plan failed"; }
"$VSWITCHSIM_BIN" plan "$P" --param topology.vms_per_host --reps 3 -j 2 --quiet \
  --json "$WORK/plan-local.json" >/dev/null
cmp "$WORK/plan-local.json" "$WORK/plan-mpi.json" || fail "plan under -np 2 differs from the local one"
grep -q 'is 10; 11 fails' "$WORK/plan-mpi.out" || fail "plan under MPI: $(cat "$WORK/plan-mpi.out")"
echo "plan -np 2: same as local"

# Open MPI prints nothing of its own: no fork warning, no stack trace, no help text.
for f in mpi.json.err mpi3.json.err plan-mpi.json.err; do
  if grep -qi 'fork\|Open MPI\|\*\*\* Process received signal' "$WORK/$f"; then
    cat "$WORK/$f" >&2
    fail "Open MPI printed something in $f"
  fi
done
# MPI is a module loaded only under mpirun (sweep/mpi_module.h): the program does not
# link it, and a copy of the program without the module beside it says so in one line.
if command -v ldd >/dev/null && ldd "$VSWITCHSIM_BIN" | grep -q 'libmpi'; then
  fail "the program links libmpi; only its MPI module should"
fi
mkdir -p "$WORK/alone/bin"
cp "$VSWITCHSIM_BIN" "$WORK/alone/bin/vswitchsim"
"$WORK/alone/bin/vswitchsim" --version | grep -q '^mpi: no' ||
  fail "--version of a program without its MPI module does not say mpi: no"
rc=0
"${mpi_env[@]}" "${mpirun[@]}" -np 2 "$WORK/alone/bin/vswitchsim" sweep "$S" "${args[@]}" -j 1 \
  --json "$WORK/alone.json" >"$WORK/alone.out" 2>"$WORK/alone.err" || rc=$?
[ "$rc" -ne 0 ] || fail "a program without its MPI module exited 0 under mpirun"
grep -q '^vswitchsim: cannot load the MPI module: .*vswitchsim-mpi.so' "$WORK/alone.err" ||
  { cat "$WORK/alone.err" >&2; fail "no one-line error for a missing MPI module"; }
[ ! -e "$WORK/alone.json" ] || fail "a program without its MPI module wrote a sweep"
echo "without its module: refused in one line"
echo "ok"
