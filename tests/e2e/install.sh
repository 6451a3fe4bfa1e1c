#!/usr/bin/env bash
# `cmake --install` gives a plugin author what CONTRACT §1 promises: the program, the
# example plugins, the SDK headers, a pkg-config file and a CMake package; a plugin
# builds against each, and the installed program runs it. And issue 17's: the
# WDK-compatible headers, with pkg-config module vswitchsim-wdk and CMake target
# vswitchsim::wdk, against which a Windows driver's source builds unchanged.
# Issue 18's: the install is relocatable. It is installed to one folder and moved to
# another, and everything below runs from a folder outside the source tree: the
# default scenario with the installed plugins, an out-of-tree plugin built with CMake
# (vswitchsim_install_plugin, which installs under the plugin's own prefix) and with
# pkg-config; and the installed headers cite only files that are installed.
source "$(dirname "$0")/lib.bash"
: "${VSWITCHSIM_BUILD_DIR:?}"
cmake --install "$VSWITCHSIM_BUILD_DIR" --prefix "$WORK/staged" > /dev/null
prefix=$WORK/prefix
mv "$WORK/staged" "$prefix" # nothing in it may name the prefix it was installed to
mkdir "$WORK/away"
cd "$WORK/away"
case "$PWD" in "$SRC"/* | "$VSWITCHSIM_BUILD_DIR"/*) fail "not out of the tree: $PWD" ;; esac
for f in bin/vswitchsim include/vswitchsim/fwps.h include/vswitchsim/plugin.h \
         include/vswitchsim/wdk/ntddk.h include/vswitchsim/wdk/fwpsk.h \
         share/pkgconfig/vswitchsim.pc share/pkgconfig/vswitchsim-wdk.pc \
         share/vswitchsim/scenarios/quickstart.json share/doc/vswitchsim/README.md \
         share/doc/vswitchsim/docs/wdk.md; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
# lib/vswitchsim/plugins, or lib/<multiarch>/... when configured for /usr (GNUInstallDirs).
libdir=$(cd "$prefix" && find lib* -type d -path '*/vswitchsim/plugins' | head -1)
[ -n "$libdir" ] || fail "no lib*/vswitchsim/plugins folder installed"
[ -e "$prefix/$libdir/flowtable.so" ] || fail "example plugins not installed"
[ -e "$prefix/$libdir/flowtable_wdk.so" ] || fail "the example driver is not installed"
[ -n "$(find "$prefix"/lib* -path '*/cmake/vswitchsim/vswitchsimConfig.cmake')" ] || fail "no CMake package"
if grep -rl "$WORK/staged" "$prefix"; then
  fail "installed files name the prefix they were installed to (listed above)"
fi

# The installed headers cite only what is installed: each file they name (x.md,
# docs/x.md, <prefix>/share/...) is under the prefix or its documentation folder.
grep -rhoE '[A-Za-z0-9_<>./-]+\.(md|c|json|sh|txt|py)\b' "$prefix/include" | sort -u |
  while read -r cited; do
    rel=${cited#<prefix>/}
    [ -e "$prefix/$rel" ] || [ -e "$prefix/share/doc/vswitchsim/$rel" ] ||
      fail "an installed header cites $cited, which is not installed"
  done

# The program finds its plugins and default scenario relative to itself, from anywhere.
"$prefix/bin/vswitchsim" --version > version.txt
grep -qx "plugins: $prefix/$libdir" version.txt || fail "--version: $(cat version.txt)"
grep -qx "scenarios: $prefix/share/vswitchsim/scenarios" version.txt ||
  fail "--version: $(cat version.txt)"
"$prefix/bin/vswitchsim" run --json q.json --quiet
jq_true q.json '.scenario == "quickstart" and (.plugins | length) == 3'
jq_true q.json 'all(.plugins[]; .path | startswith($p))' --arg p "$prefix/$libdir/"
jq_true q.json '.verifier.violations == [] and .migrations.completed > 0'
# ...and so does a symlink to it (/proc/self/exe is the file, not the link).
mkdir -p bin && ln -s "$prefix/bin/vswitchsim" bin/vswitchsim
./bin/vswitchsim validate "$prefix/share/vswitchsim/scenarios/quickstart.json" > /dev/null

# pkg-config, with the prefix moved: the .pc file follows its location.
pcpath=$prefix/share/pkgconfig
cflags=$(PKG_CONFIG_PATH=$pcpath pkg-config --cflags vswitchsim | xargs)
[ "$cflags" = "-I$pcpath/../../include" ] || fail "pkg-config cflags: '$cflags'"
[ "$(PKG_CONFIG_PATH=$pcpath pkg-config --variable=plugindir vswitchsim)" = \
  "$pcpath/../../$libdir" ] || fail "pkg-config plugindir"
# A plugin installed into its own prefix: plugindir with that prefix.
pcdest=$(PKG_CONFIG_PATH=$pcpath pkg-config --define-variable=prefix="$WORK/pcprefix" \
  --variable=plugindir vswitchsim)
[ "$pcdest" = "$WORK/pcprefix/$libdir" ] || fail "pkg-config plugindir, prefix redefined: $pcdest"
mkdir -p "$pcdest"
${CC:-cc} -shared -fPIC $cflags "$SRC/tests/plugins/out_of_tree/callout.c" -o "$pcdest/callout.so"
cp "$SCEN/out-of-tree.json" .
"$prefix/bin/vswitchsim" run out-of-tree.json --set plugins.0.path=callout \
  --plugin-path "$pcdest" --json pc.json --quiet
jq_true pc.json '.plugins[0].saves > 0 and .verifier.violations == []'
jq_true pc.json '.plugins[0].path == $p' --arg p "$pcdest/callout.so"

# CMake package: find_package(vswitchsim), the vswitchsim::sdk target, and
# vswitchsim_install_plugin, which installs under the plugin's own prefix.
mkdir -p "$WORK/proj"
cp "$SRC/tests/plugins/out_of_tree/callout.c" "$WORK/proj/"
cat > "$WORK/proj/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.25)
project(my_callout C)
find_package(vswitchsim REQUIRED)
add_library(callout MODULE callout.c)
target_link_libraries(callout PRIVATE vswitchsim::sdk)
vswitchsim_install_plugin(callout)
if(NOT EXISTS "${VSWITCHSIM_EXECUTABLE}" OR NOT EXISTS "${VSWITCHSIM_PLUGIN_DIR}/null.so")
  message(FATAL_ERROR "VSWITCHSIM_EXECUTABLE or VSWITCHSIM_PLUGIN_DIR is wrong")
endif()
CM
cmake -S "$WORK/proj" -B "$WORK/proj/build" -DCMAKE_PREFIX_PATH="$prefix" > /dev/null
cmake --build "$WORK/proj/build" > /dev/null
cmake --install "$WORK/proj/build" --prefix "$WORK/plugprefix" > /dev/null
[ -f "$WORK/plugprefix/$libdir/callout.so" ] ||
  fail "vswitchsim_install_plugin did not install under the plugin's prefix: $(find "$WORK/plugprefix")"
[ ! -e "$prefix/$libdir/callout.so" ] || fail "the plugin was installed into vswitchsim's prefix"
VSWITCHSIM_PLUGIN_PATH=$WORK/plugprefix/$libdir "$prefix/bin/vswitchsim" run out-of-tree.json \
  --set plugins.0.path=callout --json c.json --quiet
jq_true c.json '.plugins[0].saves > 0 and .verifier.violations == []'
# Installed under vswitchsim's own prefix, the plugin is found by its bare name alone.
cmake --install "$WORK/proj/build" --prefix "$prefix" > /dev/null
"$prefix/bin/vswitchsim" run out-of-tree.json --set plugins.0.path=callout --json own.json --quiet
jq_true own.json '.plugins[0].path == $p' --arg p "$prefix/$libdir/callout.so"
rm "$prefix/$libdir/callout.so"

# A Windows driver's source (tests/wdk/callout_driver.c) against the installed WDK
# headers: pkg-config, the prefix moved as above...
pc=$pcpath/../../include
wflags=$(PKG_CONFIG_PATH=$pcpath pkg-config --cflags vswitchsim-wdk | xargs)
[ "$wflags" = "-I$pc/vswitchsim/wdk -I$pc -fshort-wchar" ] || fail "pkg-config wdk cflags: '$wflags'"
${CC:-cc} -shared -fPIC $(PKG_CONFIG_PATH=$pcpath pkg-config --cflags vswitchsim-wdk) \
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
