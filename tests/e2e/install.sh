#!/usr/bin/env bash
# `cmake --install` gives a plugin author what CONTRACT §1 promises: the program, the
# example plugins, the SDK headers, a pkg-config file and a CMake package; a plugin
# builds against each, and the installed program runs it.
source "$(dirname "$0")/lib.bash"
: "${VSWITCHSIM_BUILD_DIR:?}"
prefix=$WORK/prefix
cmake --install "$VSWITCHSIM_BUILD_DIR" --prefix "$prefix" > /dev/null
for f in bin/vswitchsim include/vswitchsim/fwps.h include/vswitchsim/plugin.h \
         share/pkgconfig/vswitchsim.pc share/vswitchsim/scenarios/quickstart.json; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
libdir=$(cd "$prefix" && ls -d lib*/vswitchsim/plugins | head -1)
[ -e "$prefix/$libdir/flowtable.so" ] || fail "example plugins not installed"
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
echo "ok"
