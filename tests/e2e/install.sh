#!/usr/bin/env bash
# `cmake --install` gives a plugin author what CONTRACT §1 promises: the program, the
# example plugins, the SDK headers, a pkg-config file and a CMake package; a plugin
# builds against each, and the installed program runs it. And issue 17's: the
# WDK-compatible headers, with pkg-config module vswitchsim-wdk and CMake target
# vswitchsim::wdk, against which a Windows driver's source builds unchanged.
source "$(dirname "$0")/lib.bash"
: "${VSWITCHSIM_BUILD_DIR:?}"
prefix=$WORK/prefix
cmake --install "$VSWITCHSIM_BUILD_DIR" --prefix "$prefix" > /dev/null
for f in bin/vswitchsim include/vswitchsim/fwps.h include/vswitchsim/plugin.h \
         include/vswitchsim/wdk/ntddk.h include/vswitchsim/wdk/fwpsk.h \
         share/pkgconfig/vswitchsim.pc share/pkgconfig/vswitchsim-wdk.pc \
         share/vswitchsim/scenarios/quickstart.json; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
libdir=$(cd "$prefix" && ls -d lib*/vswitchsim/plugins | head -1)
[ -e "$prefix/$libdir/flowtable.so" ] || fail "example plugins not installed"
[ -e "$prefix/$libdir/flowtable_wdk.so" ] || fail "the example driver is not installed"
ls "$prefix"/lib*/cmake/vswitchsim/vswitchsimConfig.cmake > /dev/null || fail "no CMake package"

# pkg-config, with the prefix moved: the .pc file follows its location.
cflags=$(PKG_CONFIG_PATH=$prefix/share/pkgconfig pkg-config --cflags vswitchsim | xargs)
[ "$cflags" = "-I$prefix/share/pkgconfig/../../include" ] || fail "pkg-config cflags: '$cflags'"
${CC:-cc} -shared -fPIC $cflags "$SRC/tests/plugins/out_of_tree/callout.c" -o "$WORK/callout.so"

# CMake package: find_package(vswitchsim) and the vswitchsim::sdk target.
mkdir -p "$WORK/proj"
cp "$SRC/tests/plugins/out_of_tree/callout.c" "$WORK/proj/"
cat > "$WORK/proj/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.25)
project(my_callout C)
find_package(vswitchsim REQUIRED)
add_library(callout MODULE callout.c)
target_link_libraries(callout PRIVATE vswitchsim::sdk)
set_target_properties(callout PROPERTIES PREFIX "")
CM
cmake -S "$WORK/proj" -B "$WORK/proj/build" -DCMAKE_PREFIX_PATH="$prefix" > /dev/null
cmake --build "$WORK/proj/build" > /dev/null
cp "$WORK/proj/build/callout.so" "$WORK/callout.so"

cp "$SCEN/out-of-tree.json" "$WORK/"
"$prefix/bin/vswitchsim" run "$WORK/out-of-tree.json" --json "$WORK/r.json" --quiet
jq_true "$WORK/r.json" '.plugins[0].saves > 0 and .verifier.violations == []'

# A Windows driver's source (tests/wdk/callout_driver.c) against the installed WDK
# headers: pkg-config, the prefix moved as above...
pc=$prefix/share/pkgconfig/../../include
wflags=$(PKG_CONFIG_PATH=$prefix/share/pkgconfig pkg-config --cflags vswitchsim-wdk | xargs)
[ "$wflags" = "-I$pc/vswitchsim/wdk -I$pc -fshort-wchar" ] || fail "pkg-config wdk cflags: '$wflags'"
${CC:-cc} -shared -fPIC $(PKG_CONFIG_PATH=$prefix/share/pkgconfig pkg-config --cflags vswitchsim-wdk) \
  "$SRC/tests/wdk/callout_driver.c" -o "$WORK/callout_driver.so"

# ...and the CMake package's vswitchsim::wdk target (include dirs and -fshort-wchar).
mkdir -p "$WORK/drv"
cp "$SRC/tests/wdk/callout_driver.c" "$WORK/drv/"
cat > "$WORK/drv/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.25)
project(callout_driver C)
find_package(vswitchsim REQUIRED)
add_library(callout_driver MODULE callout_driver.c)
target_compile_options(callout_driver PRIVATE -Wall -Wextra -Werror)
target_link_libraries(callout_driver PRIVATE vswitchsim::wdk)
set_target_properties(callout_driver PROPERTIES PREFIX "")
CM
cmake -S "$WORK/drv" -B "$WORK/drv/build" -DCMAKE_PREFIX_PATH="$prefix" > /dev/null
cmake --build "$WORK/drv/build" > /dev/null
cp "$WORK/drv/build/callout_driver.so" "$WORK/callout_driver.so"
cp "$SCEN/wdk-source.json" "$WORK/"
"$prefix/bin/vswitchsim" run "$WORK/wdk-source.json" --json "$WORK/d.json" --quiet
jq_true "$WORK/d.json" '.plugins[0].saves > 0 and .restores.failed == 0 and .verifier.violations == []'
echo "ok"
