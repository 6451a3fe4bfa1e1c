#!/usr/bin/env bash
# make-corpus.sh SOURCE_DIR CORPUS_DIR: seeds CORPUS_DIR/{scenario,set,param} from the
# scenarios, the small bad-scenario inputs, the bad cases' --set arguments and the
# committed seeds and regression inputs under tests/fuzz/ (param has only those). Only adds files: what the
# fuzzer found in earlier runs stays.
set -euo pipefail
src=${1:?usage: make-corpus.sh SOURCE_DIR CORPUS_DIR}
out=${2:?usage: make-corpus.sh SOURCE_DIR CORPUS_DIR}
mkdir -p "$out/scenario" "$out/set" "$out/param"

for f in "$src"/scenarios/*.json; do
  [ "$(basename "$f")" = schema.json ] && continue
  cp "$f" "$out/scenario/scenario-$(basename "$f")"
  # The same file under the set target: no overrides, then the scenario.
  { echo; cat "$f"; } >"$out/set/scenario-$(basename "$f")"
done

for dir in "$src"/tests/bad-scenarios/*/; do
  name=$(basename "$dir")
  f=$dir/scenario.json
  if [ -f "$f" ] && [ ! -f "$dir/make-input.sh" ] && [ "$(stat -c %s "$f")" -le 8192 ]; then
    cp "$f" "$out/scenario/bad-$name"
  fi
  if [ -f "$dir/args" ]; then
    # "--set K=V" pairs, one override a line, on the fixed base scenario.
    sed -n 's/^--set[ =]//p' "$dir/args" >"$out/set/bad-$name"
  fi
done

for kind in scenario set param; do
  for d in "$src/tests/fuzz/seeds/$kind" "$src/tests/fuzz/regress/$kind"; do
    [ -d "$d" ] || continue
    for f in "$d"/*; do
      [ -f "$f" ] && cp "$f" "$out/$kind/$(basename "$d")-$(basename "$f")"
    done
  done
done
echo "make-corpus: $(ls "$out/scenario" | wc -l) scenario, $(ls "$out/set" | wc -l) set," \
     "$(ls "$out/param" | wc -l) param inputs"
