#!/usr/bin/env bash
# The bash completion the build made (`vswitchsim help --completion`): sourced in bash
# with COMP_WORDS and COMP_CWORD set as bash sets them, it offers the commands, each
# command's options, scenario and plugin files, the values an option names, --set keys
# one level at a time from the schema (`run --set topology.<TAB>`), an enum's values,
# plugin names from the plugin folders, and metric names.
source "$(dirname "$0")/lib.bash"
BUILD=${VSWITCHSIM_BUILD_DIR:?run through ctest}
SCRIPT=$BUILD/share/bash-completion/completions/vswitchsim
[ -s "$SCRIPT" ] || fail "the build made no $SCRIPT"
cd "$SRC"

# Runs the completion in a clean bash; prints COMPREPLY, one a line, sorted.
complete_words() {
  bash --norc --noprofile -c '
    source "$1" || exit 1
    shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _vswitchsim
    printf "%s\n" "${COMPREPLY[@]}"' bash "$SCRIPT" "$VSWITCHSIM_BIN" "$@" | sort
}

# want "EXPECTED (words, space-separated)" WORDS...: the offers are exactly those.
want() {
  local expected=$1; shift
  local got; got=$(complete_words "$@" | tr '\n' ' ' | sed 's/ $//')
  expected=$(tr ' ' '\n' <<< "$expected" | sort | tr '\n' ' ' | sed 's/ $//')
  [ "$got" = "$expected" ] || fail "vswitchsim $*<TAB>: got '$got', want '$expected'"
}

# has WORD WORDS...: WORD is among the offers.
has() {
  local word=$1; shift
  complete_words "$@" | grep -qxF -- "$word" || fail "vswitchsim $*<TAB>: no '$word'"
}

for c in run validate plugin-info sweep plan help; do has "$c" ""; done
want "plan plugin-info" p
want "--help --version" --
has --seed run --
has --listen-any run --list
has --plugin-path validate --
has --resume sweep --re
has -j plan -
has --max-reps plan --max
has --completion help --
want "run" help r

# run --set topology.<TAB>: topology's keys, from the schema.
want "topology.hosts= topology.switches_per_host= topology.vms_per_host= topology.nics_per_vm= topology.cpus_per_host= topology.vm_start=" \
  run --set topology.
want "topology.cpus_per_host=" run --set topology.cp
has topology. run --set top
has migration. sweep --param mig
has seed= run --set ""
want "plugins.0." run --set plugins.
has plugins.1.path= run --set plugins.1.
# Enum values after '=': with '=' a word of its own, as bash splits at COMP_WORDBREAKS,
# and without (COMP_WORDBREAKS without '=').
want "power_on running" run --set topology.vm_start =
want "running" run --set topology.vm_start = r
want "power_on running" run --set topology.vm_start=
has "poisson" validate --set workload.type = ""
# Plugin names, from the program's plugin folders (help --plugin-dirs).
has flowtable run --set plugins.0.path =
mkdir -p "$WORK/plugs" && touch "$WORK/plugs/mine.so"
has mine run --plugin-path "$WORK/plugs" --set plugins.0.path =
VSWITCHSIM_PLUGIN_PATH=$WORK/plugs has mine run --set plugins.0.path =

# Operands and values: scenario files, plugin files, folders, the metavar's words.
has scenarios/quickstart.json run scenarios/quick
want "" run scenarios/schema.jsonx
touch "$WORK/a.so" "$WORK/b.txt"
want "$WORK/a.so $WORK/plugs" plugin-info "$WORK/"
want "realtime virtual" run --clock ""
want "" run --seed ""
has latency_us.pending_completion.p99 sweep --metric latency_us.pending
has saves.failed plan --slo saves.f
has "$WORK/plugs" run --plugin-path "$WORK/pl"
has "$WORK/b.txt" run --json "$WORK/b"
echo ok
