#!/usr/bin/env bash
# Issue 17: a callout driver's Windows source, unchanged (tests/wdk/callout_driver.c:
# <ntddk.h>, <ndis.h>, <fwpsk.h>, <fwpmk.h>, SAL, spin locks, ExAllocatePool2, DEFINE_GUID,
# DriverEntry), compiles with nothing but `pkg-config --cflags vswitchsim-wdk` and runs a
# migration scenario clean: every save restored and checked by the driver, no violation.
source "$(dirname "$0")/lib.bash"
: "${VSWITCHSIM_BUILD_DIR:?}"

export PKG_CONFIG_PATH=$VSWITCHSIM_BUILD_DIR/pkgconfig
${CC:-cc} -shared -fPIC -Wall -Wextra -Werror $(pkg-config --cflags vswitchsim-wdk) \
  "$SRC/tests/wdk/callout_driver.c" -o "$WORK/callout_driver.so"
# The types keep their Windows x64 sizes (static assertions: it fails to compile if not).
${CC:-cc} -c -Wall -Wextra -Werror $(pkg-config --cflags vswitchsim-wdk) \
  "$SRC/tests/wdk/x64_sizes.c" -o "$WORK/x64_sizes.o"
# Loaded as a driver: it exports DriverEntry and none of the SDK's entry points.
nm -D --defined-only "$WORK/callout_driver.so" | grep -qw DriverEntry || fail "no DriverEntry"
! nm -D --defined-only "$WORK/callout_driver.so" | grep -q Vswitchsim || fail "an SDK entry point"

cp "$SCEN/wdk-source.json" "$WORK/"
"$VSWITCHSIM_BIN" run "$WORK/wdk-source.json" --json "$WORK/r.json" --quiet
jq_true "$WORK/r.json" '.plugins[0].name == "calloutdrv" and .plugins[0].saves > 0'
jq_true "$WORK/r.json" '.saves.completed > 0 and .saves.failed == 0'
jq_true "$WORK/r.json" '.restores.completed == .saves.completed and .restores.failed == 0'
jq_true "$WORK/r.json" '.verifier.violations == [] and .verifier.total == 0'
# The driver's pool: every save's record freed at the next save of its port or at unload.
jq_true "$WORK/r.json" '.plugins[0].memory.allocations >= .plugins[0].saves'
echo "ok: $(jq -c '{saves: .saves.completed, restores: .restores.completed}' "$WORK/r.json")"
