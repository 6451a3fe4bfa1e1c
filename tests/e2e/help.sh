#!/usr/bin/env bash
# Help that cannot drift: every command answers --help, -h and `help COMMAND` alike, on
# stdout with exit 0; every option its help lists, the parser takes (given a value of
# the kind its metavar names, the parse goes on to --help and exits 0); every option is
# in vswitchsim(1); the man pages render without a warning; the build made them and the
# completion with the program, and `cmake --install` puts them under share/.
source "$(dirname "$0")/lib.bash"
BIN=$VSWITCHSIM_BIN
BUILD=${VSWITCHSIM_BUILD_DIR:?run through ctest}

# The commands, from the program's own usage ("usage: vswitchsim run ...", "  vswitchsim
# validate ...").
"$BIN" --help > "$WORK/usage"
mapfile -t commands < <(sed -nE 's/^(usage:)? +vswitchsim ([a-z][a-z-]*) .*/\2/p' "$WORK/usage")
[ "${#commands[@]}" -ge 6 ] || fail "--help lists ${#commands[@]} commands"
for want in run validate plugin-info sweep plan help; do
  printf '%s\n' "${commands[@]}" | grep -qx "$want" || fail "--help: no $want"
done
"$BIN" help > "$WORK/help-usage"
cmp -s "$WORK/usage" "$WORK/help-usage" || fail "'help' differs from '--help'"
expect_exit 2 "$BIN" > /dev/null 2>&1

# A value the option takes, by its metavar.
sample() {
  case $1 in
    *FILE*) echo "$WORK/out.file" ;;
    DIR) echo "$WORK" ;;
    KEY=VALUE) echo "run.duration=1s" ;;
    KEY=V1*) echo "run.duration=1s,2s" ;;
    KEY\[*) echo "workload.rate_per_s" ;;
    PATH) echo "saves.failed" ;;
    \'METRIC*) echo "saves.failed == 0" ;;
    C) echo 0.9 ;;
    T) echo 0.1 ;;
    JSON) echo "{}" ;;
    \[ADDR:\]PORT) echo 9464 ;;
    *\|*) echo "${1%%|*}" ;;
    *) echo 1 ;;
  esac
}

MAN1=$BUILD/share/man/man1/vswitchsim.1
[ -s "$MAN1" ] || fail "the build made no $MAN1"
checked=0
for cmd in "${commands[@]}"; do
  "$BIN" "$cmd" --help > "$WORK/$cmd.help" 2> "$WORK/err" || fail "$cmd --help exited $?"
  [ ! -s "$WORK/err" ] || fail "$cmd --help wrote on stderr: $(cat "$WORK/err")"
  grep -q "^usage: vswitchsim $cmd " "$WORK/$cmd.help" || fail "$cmd --help: no usage line"
  "$BIN" "$cmd" -h > "$WORK/h" && cmp -s "$WORK/$cmd.help" "$WORK/h" || fail "$cmd -h differs"
  "$BIN" help "$cmd" > "$WORK/h" && cmp -s "$WORK/$cmd.help" "$WORK/h" || fail "help $cmd differs"
  # Each option line: "  -j, --jobs N   help", or the names alone when they are long.
  while IFS= read -r line; do
    names=${line#  }
    names=${names%%   *}
    [ -n "$names" ] || continue
    opt=${names#-?, } # the long name
    opt=${opt%% *}
    meta=
    [[ $names == *" "* && ${names#-?, } == *" "* ]] && meta=${names#*--* }
    [ "$opt" = --help ] && continue
    set +e
    if [ -n "$meta" ]; then
      "$BIN" "$cmd" "$opt" "$(sample "$meta")" --help > /dev/null 2> "$WORK/err"
    else
      "$BIN" "$cmd" "$opt" --help > /dev/null 2> "$WORK/err"
    fi
    code=$?
    set -e
    [ "$code" -eq 0 ] || fail "$cmd $opt ${meta:+$(sample "$meta") }--help: exit $code: $(cat "$WORK/err")"
    grep -qF -- "\\fB${opt//-/\\-}\\fR" "$MAN1" || fail "man: no $cmd $opt"
    checked=$((checked + 1))
  done < <(sed -n '/^options:$/,$p' "$WORK/$cmd.help" | grep -E '^  -')
done
[ "$checked" -ge 40 ] || fail "only $checked options checked"

# Usage errors stay what they were: one line, exit 2.
for args in "help frobnicate" "run --bogus" "help --man --completion"; do
  set +e; "$BIN" $args > "$WORK/out" 2> "$WORK/err"; code=$?; set -e
  [ "$code" -eq 2 ] || fail "'$args' exited $code, want 2"
  [ "$(wc -l < "$WORK/err")" -eq 1 ] || fail "'$args': not one line: $(cat "$WORK/err")"
  [ ! -s "$WORK/out" ] || fail "'$args' wrote on stdout"
done
grep -qx 'vswitchsim: help: no command "frobnicate" (see vswitchsim --help)' <(
  "$BIN" help frobnicate 2>&1) || fail "help frobnicate: wrong message"

# The generated files are what the program prints now, and render cleanly.
SCHEMA=$SRC/scenarios/schema.json
"$BIN" help --man | cmp -s - "$MAN1" || fail "$MAN1 is stale"
"$BIN" help --scenario-man --schema "$SCHEMA" |
  cmp -s - "$BUILD/share/man/man5/vswitchsim-scenario.5" || fail "scenario man page is stale"
"$BIN" help --completion --schema "$SCHEMA" |
  cmp -s - "$BUILD/share/bash-completion/completions/vswitchsim" || fail "completion is stale"
for page in "$MAN1" "$BUILD/share/man/man5/vswitchsim-scenario.5"; do
  groff -man -Tutf8 -ww -z "$page" 2> "$WORK/groff" || fail "groff failed on $page"
  [ ! -s "$WORK/groff" ] || fail "groff warns on $page: $(head -3 "$WORK/groff")"
done
MANWIDTH=80 man -l "$BUILD/share/man/man5/vswitchsim-scenario.5" 2> /dev/null > "$WORK/man5" ||
  fail "man -l vswitchsim-scenario.5"
grep -q "topology.cpus_per_host (integer, 1 to 1024)" "$WORK/man5" || fail "man5: no cpus_per_host"
grep -q "Default: 16." "$WORK/man5" || fail "man5: no default"
"$BIN" help --scenario-man --schema "$WORK/none.json" > "$WORK/out" 2> "$WORK/err" && fail "bad schema"
grep -q "none.json" "$WORK/err" || fail "bad schema: $(cat "$WORK/err")"

# Installed where man and bash-completion look.
cmake --install "$BUILD" --prefix "$WORK/prefix" > /dev/null
for f in share/man/man1/vswitchsim.1 share/man/man5/vswitchsim-scenario.5 \
         share/bash-completion/completions/vswitchsim; do
  cmp -s "$WORK/prefix/$f" "$BUILD/$f" || fail "not installed: $f"
done
MANWIDTH=80 man -M "$WORK/prefix/share/man" vswitchsim 2> /dev/null | grep -q "^NAME" ||
  fail "man -M PREFIX/share/man vswitchsim"
echo "ok ($checked options)"
