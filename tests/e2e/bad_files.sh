#!/usr/bin/env bash
# A scenario, trace or plugin path that is not a regular file, or a plugin that is not a
# complete ELF shared object of this machine, is refused with one stderr line naming the
# file, exit 2: never a hang (a FIFO), never a SIGBUS in the dynamic loader (a truncated
# .so), never an odd read of a device.
source "$(dirname "$0")/lib.bash"
fix=${VSWITCHSIM_TEST_PLUGIN_DIR:?}

# refused WHAT EXPECTED CMD...: exit 2 within 10 s, one stderr line holding EXPECTED.
refused() {
  local what=$1 want=$2; shift 2
  set +e
  timeout 10 "$@" > "$WORK/out" 2> "$WORK/err"
  local code=$?
  set -e
  [ "$code" -ne 124 ] || fail "$what: still running after 10 s"
  [ "$code" -eq 2 ] || fail "$what: exit $code, want 2 ($(head -3 "$WORK/err"))"
  [ "$(wc -l < "$WORK/err")" -eq 1 ] || fail "$what: want one stderr line: $(cat "$WORK/err")"
  grep -qF -- "$want" "$WORK/err" || fail "$what: stderr lacks '$want': $(cat "$WORK/err")"
  echo "$what: $(cat "$WORK/err")"
}

# Scenario files.
mkfifo "$WORK/fifo.json"
refused "run FIFO" "$WORK/fifo.json: not a regular file (a FIFO)" \
  "$VSWITCHSIM_BIN" run "$WORK/fifo.json" --quiet
refused "validate FIFO" "$WORK/fifo.json: not a regular file (a FIFO)" \
  "$VSWITCHSIM_BIN" validate "$WORK/fifo.json"
mkdir "$WORK/dir.json"
refused "run directory" "$WORK/dir.json: is a directory" "$VSWITCHSIM_BIN" run "$WORK/dir.json"
refused "run /dev/zero" "/dev/zero: not a regular file (a character device)" \
  "$VSWITCHSIM_BIN" run /dev/zero --quiet
refused "validate /dev/urandom" "/dev/urandom: not a regular file (a character device)" \
  "$VSWITCHSIM_BIN" validate /dev/urandom

# A trace file that is a FIFO.
cp "$SCEN/one-migration.json" "$WORK/trace.json"
mkfifo "$WORK/one-migration.csv"
refused "trace FIFO" "$WORK/one-migration.csv: not a regular file (a FIFO)" \
  "$VSWITCHSIM_BIN" run "$WORK/trace.json" --plugin-path "$fix" --quiet

# Plugins: truncated, text, 32-bit, an executable, a FIFO, a directory.
head -c 3000 "$fix/good.so" > "$WORK/truncated.so"
printf 'not a plugin\n' > "$WORK/text.so"
cp "$fix/good.so" "$WORK/elf32.so"
printf '\001' | dd of="$WORK/elf32.so" bs=1 seek=4 conv=notrunc status=none  # EI_CLASS
cp "$fix/good.so" "$WORK/exec.so"
printf '\002' | dd of="$WORK/exec.so" bs=1 seek=16 conv=notrunc status=none   # e_type
mkfifo "$WORK/fifo.so"
mkdir "$WORK/dir.so"
cat > "$WORK/plugin.json" <<'JSON'
{
  "topology": { "hosts": 2, "vms_per_host": 1, "nics_per_vm": 1 },
  "workload": { "rate_per_s": 10 },
  "run": { "duration": "1s" },
  "plugins": [ { "name": "bad", "path": "good.so" } ]
}
JSON
plugin_refused() { # FILE EXPECTED: in run, validate and plugin-info
  local file=$1 want=$2
  refused "plugin-info $file" "plugin \"$WORK/$file\" ($WORK/$file): $want" \
    "$VSWITCHSIM_BIN" plugin-info "$WORK/$file"
  refused "validate $file" "$WORK/$file): $want" \
    "$VSWITCHSIM_BIN" validate "$WORK/plugin.json" --set plugins.0.path="$file"
  refused "run $file" "plugin \"bad\" ($WORK/$file): $want" \
    "$VSWITCHSIM_BIN" run "$WORK/plugin.json" --set plugins.0.path="$file" --quiet
}
plugin_refused truncated.so "truncated: segment"
plugin_refused text.so "not an ELF shared object (no ELF magic)"
plugin_refused elf32.so "a 32-bit ELF file (want 64-bit)"
plugin_refused exec.so "an executable (ET_EXEC), not a shared object"
# The scenario's path resolution sees these first, with its own words.
for file in fifo.so dir.so; do
  refused "plugin-info $file" "plugin \"$WORK/$file\" ($WORK/$file): not a regular file" \
    "$VSWITCHSIM_BIN" plugin-info "$WORK/$file"
  refused "run $file" "$WORK/$file: not a regular file" \
    "$VSWITCHSIM_BIN" run "$WORK/plugin.json" --set plugins.0.path="$file" --quiet
done

# The good plugin, copied whole, still loads.
cp "$fix/good.so" "$WORK/whole.so"
"$VSWITCHSIM_BIN" plugin-info "$WORK/whole.so" > /dev/null || fail "a whole good.so was refused"
echo "ok"
