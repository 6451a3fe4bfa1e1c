#!/usr/bin/env bash
# The Debian packages (issue 18): `cpack` builds vswitchsim (the program, its plugins,
# scenarios and docs) and vswitchsim-dev (the SDK and WDK headers, pkg-config and CMake
# files), each with what it depends on. Then, as root with apt-get or dpkg (CI runs as
# root), installs them into the real root as a user would, `apt-get install
# ./vswitchsim_*.deb`, runs the default scenario from outside the source tree with the
# program on PATH, builds an out-of-tree plugin against the installed SDK (CMake and
# pkg-config, no paths given), runs it, and removes both packages again. Without root,
# or when a vswitchsim package is installed already, only the packages are checked.
source "$(dirname "$0")/lib.bash"
: "${VSWITCHSIM_BUILD_DIR:?}"
command -v dpkg-deb >/dev/null || { echo "skip: dpkg-deb not found (not Debian)"; exit 0; }
# A sanitizer build's program needs libasan & co., which a package does not depend on:
# the packages are checked and installed from the plain build (.ci/run's first one).
if [ -n "${VSWITCHSIM_SANITIZED:-}" ]; then
  echo "skip: a sanitized build (VSWITCHSIM_SANITIZED) is not packaged"
  exit 0
fi

cpack --config "$VSWITCHSIM_BUILD_DIR/CPackConfig.cmake" -B "$WORK/pkg" > "$WORK/cpack.log" 2>&1 ||
  { cat "$WORK/cpack.log" >&2; fail "cpack"; }
main=$(ls "$WORK"/pkg/vswitchsim_*.deb)
dev=$(ls "$WORK"/pkg/vswitchsim-dev_*.deb)
echo "packages: $(basename "$main") $(stat -c %s "$main") bytes, $(basename "$dev") $(stat -c %s "$dev") bytes"

# What each holds, and what it depends on.
dpkg-deb -c "$main" | awk '{print $6}' > "$WORK/main.list"
dpkg-deb -c "$dev" | awk '{print $6}' > "$WORK/dev.list"
# /usr/lib, or /usr/lib/<multiarch> when the build was configured for /usr.
libdir=$(sed -n 's|^\./usr/\(lib.*\)/vswitchsim/plugins/flowtable\.so$|\1|p' "$WORK/main.list")
[ -n "$libdir" ] || fail "$(basename "$main") has no lib*/vswitchsim/plugins/flowtable.so"
for f in ./usr/bin/vswitchsim ./usr/$libdir/vswitchsim/plugins/flowtable_wdk.so \
         ./usr/share/vswitchsim/scenarios/quickstart.json \
         ./usr/share/vswitchsim/scenarios/schema.json ./usr/share/doc/vswitchsim/docs/wdk.md; do
  grep -qx "$f" "$WORK/main.list" || fail "$(basename "$main") lacks $f"
done
for f in ./usr/include/vswitchsim/fwps.h ./usr/include/vswitchsim/plugin.h \
         ./usr/include/vswitchsim/wdk/ntddk.h ./usr/share/pkgconfig/vswitchsim.pc \
         ./usr/share/pkgconfig/vswitchsim-wdk.pc ./usr/$libdir/cmake/vswitchsim/vswitchsimConfig.cmake \
         ./usr/$libdir/cmake/vswitchsim/vswitchsimTargets.cmake; do
  grep -qx "$f" "$WORK/dev.list" || fail "$(basename "$dev") lacks $f"
done
! grep -q '^./usr/include/' "$WORK/main.list" || fail "headers in $(basename "$main")"
! grep -q '^./usr/bin/' "$WORK/dev.list" || fail "a program in $(basename "$dev")"
sort "$WORK/main.list" "$WORK/dev.list" | grep -v '/$' | uniq -d | grep . &&
  fail "files in both packages (above)"
depends=$(dpkg-deb -f "$main" Depends)
for lib in libevent-2.1-7 libevent-pthreads-2.1-7 libjansson4 libc6; do
  [[ "$depends" == *"$lib "* ]] || fail "vswitchsim does not depend on $lib: $depends"
done
version=$(dpkg-deb -f "$main" Version)
[ "$(dpkg-deb -f "$dev" Depends)" = "vswitchsim (= $version)" ] ||
  fail "vswitchsim-dev Depends: $(dpkg-deb -f "$dev" Depends)"
# Every shared library the program and its plugins need comes from a dependency.
mkdir "$WORK/x" && dpkg-deb -x "$main" "$WORK/x"
for elf in "$WORK/x/usr/bin/vswitchsim" "$WORK"/x/usr/$libdir/vswitchsim/plugins/*.so; do
  for so in $(readelf -d "$elf" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p'); do
    case "$so" in
      libc.so.*|libm.so.*|libdl.so.*|libpthread.so.*|ld-linux*) pkg=libc6 ;;
      *) pkg=$(dpkg -S "*/$so" 2>/dev/null | head -1 | cut -d: -f1) ;;
    esac
    [ -n "$pkg" ] || fail "$(basename "$elf") needs $so, from no installed package"
    [[ "$depends, " == *"$pkg "* || "$depends, " == *"$pkg,"* ]] ||
      fail "$(basename "$elf") needs $so from $pkg, which vswitchsim does not depend on"
  done
done

if [ "$(id -u)" -ne 0 ]; then
  echo "skip: installing the packages needs root (CI runs as root); the packages were checked"
  exit 0
fi
if ! command -v apt-get >/dev/null && ! command -v dpkg >/dev/null; then
  echo "skip: neither apt-get nor dpkg to install with; the packages were checked"
  exit 0
fi
for p in vswitchsim vswitchsim-dev; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "installed"; then
    echo "skip: package $p is installed already, and this test does not replace it"
    exit 0
  fi
done
[ ! -e /usr/bin/vswitchsim ] || { echo "skip: /usr/bin/vswitchsim exists, not ours"; exit 0; }

# install DEB...: as a user would (apt-get resolves the dependencies), or with dpkg.
install_debs() {
  if command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" \
      > "$WORK/apt.log" 2>&1 || { cat "$WORK/apt.log" >&2; fail "apt-get install $*"; }
  else
    dpkg -i "$@" > "$WORK/apt.log" 2>&1 || { cat "$WORK/apt.log" >&2; fail "dpkg -i $*"; }
  fi
}
remove_debs() {
  dpkg -r vswitchsim-dev vswitchsim > "$WORK/remove.log" 2>&1 || cat "$WORK/remove.log" >&2
}
trap 'remove_debs; rm -rf "$WORK"' EXIT

mkdir "$WORK/away" && cd "$WORK/away"
start=$(date +%s%N)
install_debs "$main"
[ "$(command -v vswitchsim)" = /usr/bin/vswitchsim ] || fail "vswitchsim is not /usr/bin/vswitchsim on PATH"
vswitchsim --version | grep -qx "plugins: /usr/$libdir/vswitchsim/plugins" || fail "--version: $(vswitchsim --version)"
vswitchsim run --json q.json > q.txt
jq_true q.json '.scenario == "quickstart" and .verifier.violations == []'
jq_true q.json 'all(.plugins[]; .path | startswith($p))' --arg p "/usr/$libdir/vswitchsim/plugins/"
grep -q 'verifier: 0 violations' q.txt || fail "no summary: $(head -5 q.txt)"

install_debs "$dev"
# CMake: found in /usr without CMAKE_PREFIX_PATH; installed under the plugin's prefix.
mkdir proj && cp "$SRC/tests/plugins/out_of_tree/callout.c" proj/
cat > proj/CMakeLists.txt <<'CM'
cmake_minimum_required(VERSION 3.25)
project(my_callout C)
find_package(vswitchsim REQUIRED)
add_library(callout MODULE callout.c)
target_link_libraries(callout PRIVATE vswitchsim::sdk)
vswitchsim_install_plugin(callout)
CM
cmake -S proj -B proj/build > /dev/null
cmake --build proj/build > /dev/null
cmake --install proj/build --prefix "$WORK/plugprefix" > /dev/null
plugdir=$WORK/plugprefix/$libdir/vswitchsim/plugins
[ -f "$plugdir/callout.so" ] || fail "not installed under the plugin's prefix: $(find "$WORK/plugprefix")"
cp "$SCEN/out-of-tree.json" .
vswitchsim run out-of-tree.json --set plugins.0.path=callout --plugin-path "$plugdir" --json c.json --quiet
jq_true c.json '.plugins[0].saves > 0 and .verifier.violations == []'
# pkg-config: found without PKG_CONFIG_PATH.
${CC:-cc} -shared -fPIC -Wall -Werror $(pkg-config --cflags vswitchsim) \
  "$SRC/tests/plugins/out_of_tree/callout.c" -o callout.so
vswitchsim run out-of-tree.json --json p.json --quiet
jq_true p.json '.plugins[0].saves > 0 and .verifier.violations == []'

remove_debs
trap 'rm -rf "$WORK"' EXIT
[ ! -e /usr/bin/vswitchsim ] && [ ! -e /usr/include/vswitchsim ] && [ ! -e "/usr/$libdir/vswitchsim" ] ||
  fail "files left after dpkg -r"
echo "installed, ran, built a plugin and removed in $(( ($(date +%s%N) - start) / 1000000 )) ms"
echo "ok"
